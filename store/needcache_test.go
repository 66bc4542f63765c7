package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
)

// cacheOpts are the options of the cache tests: the cache of any number of
// needs.
func cacheOpts() Options {
	o := testOpts()
	o.cacheMin = 1
	return o
}

func openCacheTest(t *testing.T, dir string, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// listOf returns what memory holds: every summary (a copy) and its search
// text, by id, and the enterprises' folded names.
func listOf(t *testing.T, s *Store) (map[string]Summary, map[string]string, map[string]string) {
	t.Helper()
	l, err := s.NeedList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sums, hays := map[string]Summary{}, map[string]string{}
	for i := range l.Len() {
		sums[l.At(i).ID] = *l.At(i)
		hays[l.At(i).ID] = l.hays[i]
	}
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	ents := map[string]string{}
	for id, e := range s.mem.ents {
		ents[id] = e.head.Name + "|" + e.hay
	}
	return sums, hays, ents
}

// rewriteCache replaces the cache in dir with what change makes of it.
func rewriteCache(t *testing.T, dir string, change func([]byte) []byte) {
	t.Helper()
	p := filepath.Join(dir, CacheFileName)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, change(b), 0o600); err != nil {
		t.Fatal(err)
	}
}

// readInFull returns what listOf gives of the store in dir read in full:
// its cache removed first.
func readInFull(t *testing.T, dir string) (map[string]Summary, map[string]string, map[string]string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, CacheFileName)); err != nil {
		t.Fatal(err)
	}
	s := openCacheTest(t, dir, cacheOpts())
	defer s.Close()
	if s.mem.cached {
		t.Fatal("no cache, yet memory says it was read from one")
	}
	return listOf(t, s)
}

// fillCacheStore saves needs of every shape the cache lays out: folded and
// unfolded search texts (with keywords and without), several tech fields, a platform
// verdict.
func fillCacheStore(t *testing.T, s *Store) {
	t.Helper()
	e := mustSaveEnterprise(t, s, newEnterprise("苏州ＡＢＣ精密机械有限公司", "91320500MA1XYZ1234", "320505"))
	// Folding changes nothing in this one's needs: their search texts
	// are the summaries' own texts and the keywords.
	plain := mustSaveEnterprise(t, s, newEnterprise("常州精工机械有限公司", "91320400MA1XYZ5678", "320411"))
	for i := range 12 {
		n := newNeed(e.ID, fmt.Sprintf("高精度传感器封装 %d", i))
		switch i % 4 {
		case 1:
			n.Values.Set("title", fmt.Sprintf("MEMS Ｗafer Level Packaging %d", i)) // folds
		case 2:
			n.Values.SetList("keywords", nil)
			n.Values.SetList("tech_fields", []string{"01", "04", "07"})
		case 3:
			n.Platform = forms.Platform{State: "已发布", URL: fmt.Sprintf("https://example.org/need/%d", i), Comment: "通过", UpdatedAt: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
			n.Status = forms.StatusPublished
			n.EnterpriseID = plain.ID
			n.Values.SetList("keywords", []string{"晶圆级封装", "热管理"})
		}
		mustSaveNeed(t, s, n)
	}
}

func TestNeedCacheGivesWhatAFullReadGives(t *testing.T) {
	dir := t.TempDir()
	s := openCacheTest(t, dir, cacheOpts())
	fillCacheStore(t, s)
	firstSums, firstHays, firstEnts := listOf(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, CacheFileName)); err != nil {
		t.Fatalf("Close wrote no cache: %v", err)
	}

	// A session that reads the cache, then changes memory (a new need,
	// an edit): what it caches at Close must be what a full read gives.
	s = openCacheTest(t, dir, cacheOpts())
	if !s.mem.cached {
		t.Fatal("Open read every need although nothing was written since the cache")
	}
	if gotSums, gotHays, gotEnts := listOf(t, s); !reflect.DeepEqual(gotSums, firstSums) || !reflect.DeepEqual(gotHays, firstHays) || !reflect.DeepEqual(gotEnts, firstEnts) {
		t.Fatalf("the list read from the cache differs from the one cached:\n got %v\nwant %v", gotSums, firstSums)
	}
	e2 := mustSaveEnterprise(t, s, newEnterprise("无锡新材料科技有限公司", "91320200MA1ABC5678", "320214"))
	mustSaveNeed(t, s, newNeed(e2.ID, "Graphene 导热膜量产"))
	l, _ := s.NeedList(context.Background())
	edited, err := s.Need(context.Background(), l.At(0).ID)
	if err != nil {
		t.Fatal(err)
	}
	edited.Values.Set("title", "改过的标题 ＸＹＺ")
	mustSaveNeed(t, s, edited)
	wantSums, wantHays, wantEnts := listOf(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openCacheTest(t, dir, cacheOpts())
	if !s.mem.cached {
		t.Fatal("the second session's cache was not read")
	}
	gotSums, gotHays, gotEnts := listOf(t, s)
	// The search texts read from the cache find what they folded.
	folded := 0
	for _, sum := range wantSums {
		if strings.Contains(sum.Title, "Ｗafer") {
			folded++
		}
	}
	if res, err := s.Needs(context.Background(), Query{Text: "wafer"}); err != nil || len(res) != folded || folded == 0 {
		t.Errorf("search of a folded title finds %d needs (%v), want %d", len(res), err, folded)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	fullSums, fullHays, fullEnts := readInFull(t, dir)
	for name, pair := range map[string][2]any{
		"summaries from the cache": {gotSums, wantSums}, "search texts from the cache": {gotHays, wantHays}, "enterprises from the cache": {gotEnts, wantEnts},
		"summaries read in full": {fullSums, wantSums}, "search texts read in full": {fullHays, wantHays}, "enterprises read in full": {fullEnts, wantEnts},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s differ from memory before Close:\n got %v\nwant %v", name, pair[0], pair[1])
		}
	}
	if len(wantSums) != 13 {
		t.Errorf("%d needs, want 13", len(wantSums))
	}
}

// A cache that is not the store's as it is now is not read: the store was
// written since (a command between two sessions), another file was put in
// its place (a restore), or the cache is damaged or cut short.
func TestNeedCacheNotOfTheStoreIsNotRead(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, dir string, old []byte)
	}{
		{"written since", func(t *testing.T, dir string, _ []byte) {
			o := cacheOpts()
			o.Lazy = true // a command: it writes, and holds no list to cache
			s := openCacheTest(t, dir, o)
			e := mustSaveEnterprise(t, s, newEnterprise("常州后加企业有限公司", "91320400MA1DEF9012", "320411"))
			mustSaveNeed(t, s, newNeed(e.ID, "后加的需求"))
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}},
		{"a session's saves, then a crash", func(t *testing.T, dir string, _ []byte) {
			s := openCacheTest(t, dir, cacheOpts())
			e := mustSaveEnterprise(t, s, newEnterprise("南通崩溃前企业有限公司", "91320600MA1GHI3456", "320602"))
			mustSaveNeed(t, s, newNeed(e.ID, "崩溃前保存的需求"))
			if err := s.db.Close(); err != nil { // killed: Close never ran
				t.Fatal(err)
			}
		}},
		{"an older copy of the file put back", func(t *testing.T, dir string, old []byte) {
			if err := os.WriteFile(filepath.Join(dir, FileName), old, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"damaged", func(t *testing.T, dir string, _ []byte) {
			rewriteCache(t, dir, func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b })
		}},
		{"cut short", func(t *testing.T, dir string, _ []byte) {
			rewriteCache(t, dir, func(b []byte) []byte { return b[:len(b)-20] })
		}},
		{"empty", func(t *testing.T, dir string, _ []byte) {
			rewriteCache(t, dir, func([]byte) []byte { return nil })
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openCacheTest(t, dir, cacheOpts())
			fillCacheStore(t, s)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			// The file as the first session left it; then a second
			// session edits, so that its cache differs from the file.
			old, err := os.ReadFile(filepath.Join(dir, FileName))
			if err != nil {
				t.Fatal(err)
			}
			s = openCacheTest(t, dir, cacheOpts())
			l, _ := s.NeedList(context.Background())
			n, err := s.Need(context.Background(), l.At(0).ID)
			if err != nil {
				t.Fatal(err)
			}
			n.Values.Set("title", "第二次会话改的标题")
			mustSaveNeed(t, s, n)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}

			c.change(t, dir, old)

			s = openCacheTest(t, dir, cacheOpts())
			if s.mem.cached {
				t.Fatal("Open read a cache that is not of the store as it is")
			}
			got, gotHays, _ := listOf(t, s)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			want, wantHays, _ := readInFull(t, dir)
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotHays, wantHays) {
				t.Errorf("the need list differs from a full read:\n got %v\nwant %v", got, want)
			}
		})
	}
}

// A small store writes no cache, an unencrypted one none at all (the
// cache is sealed with the data key), nor does a command (a Lazy store),
// even one that read the list.
func TestNeedCacheOnlyWhereItPays(t *testing.T) {
	lazy := cacheOpts()
	lazy.Lazy = true
	for name, opts := range map[string]Options{
		"fewer needs than the minimum": testOpts(),
		"unencrypted":                  {cacheMin: 1},
		"a command":                    lazy,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s := openCacheTest(t, dir, opts)
			fillCacheStore(t, s)
			if _, err := s.NeedList(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dir, CacheFileName)); !os.IsNotExist(err) {
				t.Errorf("a cache was written (%v)", err)
			}
		})
	}
}

// FuzzParseNeedCache: whatever the plain parts of a cache hold, parsing
// them ends in an error or in summaries whose texts lie within the texts
// read, never in a panic. (The parts are sealed, so only the program writes
// them; this guards against a writer and a reader that disagree.)
func FuzzParseNeedCache(f *testing.F) {
	dir := f.TempDir()
	s, err := Open(context.Background(), dir, cacheOpts())
	if err != nil {
		f.Fatal(err)
	}
	e := mustSaveEnterprise(f, s, newEnterprise("苏州ＡＢＣ精密机械有限公司", "91320500MA1XYZ1234", "320505"))
	for i := range 3 {
		n := newNeed(e.ID, fmt.Sprintf("MEMS Ｗafer 封装 %d", i))
		if i == 1 {
			n.Platform = forms.Platform{State: "已发布", URL: "https://example.org/n/1", UpdatedAt: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
			n.Status = forms.StatusPublished
		}
		mustSaveNeed(f, s, n)
	}
	s.mem.mu.RLock()
	text, _, raw := s.mem.cacheLayout()
	s.mem.mu.RUnlock()
	s.Close()
	tb, err := io.ReadAll(text)
	if err != nil {
		f.Fatal(err)
	}
	if c, err := parseNeedCache(string(tb), raw); err != nil || len(c.sums) != 3 {
		f.Fatalf("the layout of three needs does not parse: %v", err)
	}
	f.Add(tb, raw)
	f.Add(tb[:len(tb)/2], raw)
	f.Add(tb, raw[:len(raw)-3])
	f.Add([]byte{}, []byte{0, 0, 0})
	f.Fuzz(func(t *testing.T, text, raw []byte) {
		c, err := parseNeedCache(string(text), raw)
		if err != nil {
			return
		}
		if len(c.sums) != len(c.hays) {
			t.Fatalf("%d summaries, %d search texts", len(c.sums), len(c.hays))
		}
		for i, sum := range c.sums {
			if len(sum.Title)+len(sum.ID)+len(c.hays[i]) > 2*len(text)+len(raw) {
				t.Fatalf("need %d: texts longer than what was read", i)
			}
		}
	})
}

// A head damaged after the cache was written (the bytes changed, the
// transaction id not) is not seen by a start that reads the cache; the
// daily backup looks at every head before it copies the file, says the
// damage, and copies nothing.
func TestNeedCacheDamagedHeadFoundByTheDailyBackup(t *testing.T) {
	dir := t.TempDir()
	s := openCacheTest(t, dir, cacheOpts())
	fillCacheStore(t, s)
	l, _ := s.NeedList(context.Background())
	id := l.At(0).ID
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The sealed head of one need, found in the file and changed there:
	// every copy of it, for a page the file no longer uses may hold the
	// same bytes before the one it does (the test failed now and then
	// when only the first copy was changed).
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var sealed []byte
	_ = db.View(func(btx *bolt.Tx) error {
		sealed = bytes.Clone(btx.Bucket(needSummariesBucket).Get([]byte(id)))
		return nil
	})
	db.Close()
	file, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if sealed == nil || !bytes.Contains(file, sealed) {
		t.Fatalf("the head of need %s is not in the file as stored", id)
	}
	for at, from := 0, 0; ; from = at + len(sealed) {
		i := bytes.Index(file[from:], sealed)
		if i < 0 {
			break
		}
		at = from + i
		file[at+len(sealed)/2] ^= 0x40
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), file, 0o600); err != nil {
		t.Fatal(err)
	}

	s = openCacheTest(t, dir, cacheOpts())
	defer s.Close()
	if !s.mem.cached {
		t.Fatal("the start did not read the cache")
	}
	_, err = s.DailyBackup(context.Background(), 3)
	var de *DamagedError
	if !errors.As(err, &de) {
		t.Fatalf("DailyBackup of a file with a damaged head: %v, want a DamagedError", err)
	}
	if l, _ := filepath.Glob(filepath.Join(dir, BackupDir, "*")); len(l) != 0 {
		t.Errorf("a damaged file was backed up: %v", l)
	}
}
