package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Fill puts one or more of everything a hub keeps into an empty store: the
// fixture that copy tests move from one store to another.
func Fill(t *testing.T, s hubstore.Store) {
	t.Helper()
	at := time.Date(2026, 5, 1, 8, 0, 0, 987654321, time.UTC)
	update(t, s, func(tx hubstore.Tx) error {
		steps := []error{
			tx.SetMeta("schema", []byte("2")), tx.SetMeta("server_id", []byte("0123abcd")), tx.SetMeta("key_check", []byte{0xE1, 0, 7}),
			tx.PutToken(&hubstore.Token{Hash: "t1", User: "李科技", Team: "吴江镇长团", CreatedAt: at}),
			tx.PutToken(&hubstore.Token{Hash: "t2", User: "op", Admin: true, CreatedAt: at}),
			tx.PutHead(&hubstore.Head{Kind: "enterprise", ID: "e1", Team: "吴江镇长团", Rev: "er1", Revisions: 1, UpdatedAt: at, Region: "320509102"}),
			tx.PutHead(&hubstore.Head{Kind: "need", ID: "n1", Team: "吴江镇长团", Rev: "r2", Revisions: 2, UpdatedAt: at, EnterpriseID: "e1",
				State: protocol.StatePublished, URL: "https://hub.example.cn/n/n1", Comment: []byte{0xE1, 9}, StateAt: at, WasPublic: true, PublicRev: "r1", PublicEntRev: "er1"}),
			tx.PutRevision(&hubstore.Revision{Rev: "er1", Kind: "enterprise", ID: "e1", Team: "吴江镇长团", User: "李科技", At: at, Body: []byte{0xE1, 1, 2, '\n'}}),
			tx.PutRevision(&hubstore.Revision{Rev: "r1", Kind: "need", ID: "n1", Team: "吴江镇长团", User: "李科技", At: at, Body: []byte{0xE1, 3}}),
			tx.PutRevision(&hubstore.Revision{Rev: "r2", Kind: "need", ID: "n1", Team: "吴江镇长团", User: "李科技", BaseRev: "r1", At: at, Body: []byte{0xE1, 4}}),
			tx.PutRefusal(&hubstore.Refusal{Rev: "bad1", Kind: "need", ID: "n1", Team: "吴江镇长团", BaseRev: "r1"}),
			tx.AddRegionCounts(map[string]int{"32": 1, "3205": 1, "320509": 1}),
			tx.PutUser(&hubstore.User{Name: "admin", Role: hubstore.RoleAdmin, PasswordHash: "$argon2id$v=19$x", CreatedAt: at, UpdatedAt: at}),
			tx.PutUser(&hubstore.User{Name: "wang", Role: hubstore.RoleReviewer, Teams: []string{"吴江镇长团"}, Regions: []string{"3205"}, PasswordHash: "$argon2id$v=19$y", CreatedAt: at, UpdatedAt: at}),
			tx.PutSession(&hubstore.Session{Hash: "s1", User: "admin", CreatedAt: at, SeenAt: at, ExpiresAt: at.Add(time.Hour)}),
			tx.SetMeta("receipt_seq", []byte("7")),
			tx.PutHead(&hubstore.Head{Kind: "solution", ID: "sol1", Team: "吴江镇长团", Rev: "sr1", Revisions: 1, UpdatedAt: at}),
			tx.PutRevision(&hubstore.Revision{Rev: "sr1", Kind: "solution", ID: "sol1", Team: "吴江镇长团", User: "公开页揭榜", At: at, Body: []byte{0xE1, 5}}),
			tx.PutSolutionLink(&hubstore.SolutionLink{ID: "sol1", NeedID: "n1", Team: "吴江镇长团", Receipt: "JB260501-0007", At: at}),
			tx.PutSolutionLink(&hubstore.SolutionLink{ID: "sol2", NeedID: "n1", Team: "吴江镇长团", At: at}),
		}
		for _, err := range steps {
			if err != nil {
				return err
			}
		}
		if _, err := tx.MarkAnonymous("e9"); err != nil {
			return err
		}
		if err := tx.NoteRegistrySent("相城镇长团", []string{"e1", "e2"}); err != nil {
			return err
		}
		for _, ev := range []*hubstore.Event{
			{Type: hubstore.EventRevision, Kind: "enterprise", ID: "e1", Team: "吴江镇长团", Rev: "er1"},
			{Type: hubstore.EventRevision, Kind: "need", ID: "n1", Team: "吴江镇长团", Rev: "r1"},
			{Type: hubstore.EventState, Kind: "need", ID: "n1", Team: "吴江镇长团", State: protocol.StatePublished, URL: "https://hub.example.cn/n/n1", Comment: []byte{0xE1, 9}, At: at, PublicAfter: true},
			{Type: hubstore.EventRevision, Kind: "need", ID: "n1", Team: "吴江镇长团", Rev: "r2"},
		} {
			if _, err := tx.AppendEvent(ev); err != nil {
				return err
			}
		}
		for _, a := range []string{"user.create", "review"} {
			if _, err := tx.AppendAudit(&hubstore.AuditEntry{At: at, User: "admin", Action: a, Target: "n1", Addr: "127.0.0.1"}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Dump writes out everything a store holds that Copy copies, one line a
// value, in a fixed order: two stores holding the same hub dump the same.
func Dump(t *testing.T, s hubstore.Store) string {
	t.Helper()
	var b strings.Builder
	add := func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) }
	view(t, s, func(tx hubstore.Tx) error {
		steps := []error{
			tx.Metas(func(k string, v []byte) error { add("meta %s %x", k, v); return nil }),
			tx.Tokens(func(x *hubstore.Token) error { add("token %+v", *x); return nil }),
			tx.Heads("", func(x *hubstore.Head) error { add("head %+v", *x); return nil }),
			tx.Revisions(func(x *hubstore.Revision) error { add("rev %+v", *x); return nil }),
			tx.Refusals(func(x *hubstore.Refusal) error { add("refusal %+v", *x); return nil }),
			tx.Events(0, func(seq uint64, x *hubstore.Event) (bool, error) { add("event %d %+v", seq, *x); return true, nil }),
			tx.AnonymousMarks(func(id string) error { add("anon %s", id); return nil }),
			tx.RegionCounts(func(p string, n int) error { add("region %s %d", p, n); return nil }),
			tx.RegistrySents(func(team, id string) error { add("sent %s %s", team, id); return nil }),
			tx.Users(func(x *hubstore.User) error { add("user %+v", *x); return nil }),
			tx.Audit(0, func(seq uint64, x *hubstore.AuditEntry) (bool, error) { add("audit %d %+v", seq, *x); return true, nil }),
			tx.AllSolutionLinks(func(x *hubstore.SolutionLink) error { add("solution %+v", *x); return nil }),
			tx.SolutionLinks("n1", func(x *hubstore.SolutionLink) error { add("solution of n1 %s", x.ID); return nil }),
		}
		if l, err := tx.SolutionByReceipt("JB260501-0007"); err == nil {
			add("receipt %s", l.ID)
		}
		return errors.Join(steps...)
	})
	return b.String()
}

// CheckCopy copies src (filled by Fill) into dst, an empty store, and
// checks that dst then holds the same hub; a second copy into dst is
// refused with ErrNotEmpty.
func CheckCopy(t *testing.T, dst, src hubstore.Store) {
	t.Helper()
	Fill(t, src)
	st, err := hubstore.Copy(ctx, dst, src)
	if err != nil {
		t.Fatal(err)
	}
	if st.Revisions != 4 || st.Events != 4 || st.Users != 2 || st.Audit != 2 || st.Anonymous != 1 || st.Regions != 3 || st.RegistrySent != 2 || st.Solutions != 2 {
		t.Errorf("copy stats %+v", st)
	}
	want, got := Dump(t, src), Dump(t, dst)
	if got != want {
		t.Errorf("the copy differs from its source\n got:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(got, "event 4 ") || !strings.Contains(got, "audit 2 ") || !strings.Contains(got, "receipt sol1") || !strings.Contains(got, "solution of n1 sol2") {
		t.Errorf("dump misses the last event or audit entry:\n%s", got)
	}
	if _, err := hubstore.Copy(ctx, dst, src); !errors.Is(err, hubstore.ErrNotEmpty) {
		t.Errorf("copy into a hub: %v, want ErrNotEmpty", err)
	}
	// The copy goes on where the source stopped.
	update(t, dst, func(tx hubstore.Tx) error {
		seq, err := tx.AppendEvent(&hubstore.Event{Type: hubstore.EventRevision, Kind: "need", ID: "n2", Rev: "r9"})
		if seq != 5 {
			t.Errorf("next event after the copy: %d, want 5", seq)
		}
		return err
	})
}

func testCopy(t *testing.T, src, dst hubstore.Store) { CheckCopy(t, dst, src) }
