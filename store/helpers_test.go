package store

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/keys"
)

// clock is a test clock that moves one second per reading, so that every
// save has its own UpdatedAt.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// testKey is the data key of the tests' encrypted stores.
var testKey = bytes.Repeat([]byte{0x5a}, keys.Size)

// cheapArgon2 makes passphrases cheap to derive in tests.
var cheapArgon2 = keys.Argon2{Time: 1, MemoryKiB: 64, Threads: 1}

// testOpts are the options of the tests' stores: encrypted with testKey.
func testOpts() Options { return Options{Key: KeySource{Raw: testKey}, argon2: cheapArgon2} }

// openTest opens an encrypted store in a new temporary dir. At cleanup it
// checks the file's consistency (bbolt's and the store's) and closes it.
func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	opts := testOpts()
	opts.Now, opts.User, opts.Team = newClock().Now, "张三", "苏州寻榜一队"
	s, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Check(context.Background()); err != nil {
			t.Errorf("Check at cleanup: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, dir
}

func newEnterprise(name, code, region string) *forms.Enterprise {
	e := &forms.Enterprise{Values: forms.Values{}}
	e.Values.Set("enterprise_name", name)
	e.Values.Set("credit_code", code)
	e.Values.Set("region", region)
	e.Contacts = []forms.Contact{{Values: forms.Values{"contact_name": {"李四"}, "contact_mobile": {"13800000000"}}}}
	return e
}

func newNeed(enterpriseID, title string) *forms.Need {
	n := &forms.Need{EnterpriseID: enterpriseID, Status: forms.StatusDraft, Values: forms.Values{}}
	n.Values.Set("title", title)
	n.Values.Set("need_type", "00")
	n.Values.SetList("tech_fields", []string{"04"})
	n.Values.SetList("keywords", []string{"传感器", "MEMS"})
	n.Values.Set("problem", "现有工艺良率低。")
	n.Values.Set("key_technology", "晶圆级封装")
	n.Values.Set("expected_goal", "良率达到95%")
	n.Values.SetList("cooperation_modes", []string{"01"})
	n.Values.Set("budget_wan", "50")
	n.Values.Set("visibility", string(forms.VisibilityNamed))
	return n
}

func mustSaveEnterprise(t testing.TB, s *Store, e *forms.Enterprise) *forms.Enterprise {
	t.Helper()
	if err := s.SaveEnterprise(context.Background(), e); err != nil {
		t.Fatalf("SaveEnterprise: %v", err)
	}
	return e
}

func mustSaveNeed(t testing.TB, s *Store, n *forms.Need) *forms.Need {
	t.Helper()
	if err := s.SaveNeed(context.Background(), n); err != nil {
		t.Fatalf("SaveNeed: %v", err)
	}
	return n
}

// indexKeys lists the keys of an index bucket, as strings.
func indexKeys(t testing.TB, s *Store, bucket []byte) []string {
	t.Helper()
	var keys []string
	err := s.View(context.Background(), func(tx *Tx) error {
		return tx.bucket(bucket).ForEach(func(k, _ []byte) error {
			keys = append(keys, fmt.Sprintf("%q", k))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}
