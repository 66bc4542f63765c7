package store

import (
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// A store opened with Options.Lazy reads its records in passes without
// loading the need list; the first call that reads the list loads it,
// with every write made before it, and the counts agree all along.
func TestLazyOpenLoadsOnFirstUse(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(bg, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ents, needs := demoRecords(3, 30)
	if _, err := s.Import(bg, ents, needs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	want := s.CountNeeds(bg)
	wantBox, err := s.OutboxStats(bg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(bg, dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	loaded := func() bool {
		s.mem.mu.RLock()
		defer s.mem.mu.RUnlock()
		return s.mem.loadedAll
	}
	scanned := 0
	if err := s.ScanNeeds(bg, func(*Summary) bool { return true }, func(_ *Summary, n *forms.Need) error {
		if n != nil {
			scanned++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	box, err := s.OutboxStats(bg)
	if err != nil {
		t.Fatal(err)
	}
	if scanned != want || s.CountNeeds(bg) != want || box.Pending != wantBox.Pending || loaded() {
		t.Fatalf("lazy: scanned %d, counted %d of %d, %d pending of %d, loaded %t", scanned, s.CountNeeds(bg), want, box.Pending, wantBox.Pending, loaded())
	}
	// The first read of the list, then a write.
	sums, err := s.Needs(bg, Query{})
	if err != nil || len(sums) != want || !loaded() {
		t.Fatalf("first read: %d of %d, %v, loaded %t", len(sums), want, err, loaded())
	}
	n := &forms.Need{ID: forms.NewID(), EnterpriseID: sums[0].EnterpriseID, Status: forms.StatusDraft, Values: forms.Values{}}
	n.Values.Set("title", "加载之后新增的需求")
	if err := s.SaveNeed(bg, n); err != nil {
		t.Fatal(err)
	}
	if sums, _ := s.Needs(bg, Query{Text: "加载之后新增"}); len(sums) != 1 || s.CountNeeds(bg) != want+1 {
		t.Errorf("after a save: %d found, %d counted", len(sums), s.CountNeeds(bg))
	}
	if err := s.Check(bg); err != nil {
		t.Error(err)
	}
}

// A write made before the list is loaded is in it once loaded: a lazy
// store's commits are not applied to memory, which then reads them all.
func TestLazyWriteBeforeLoad(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(bg, dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ents, needs := demoRecords(4, 12)
	if _, err := s.Import(bg, ents, needs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	sums, err := s.Needs(bg, Query{})
	if err != nil || len(sums) != len(needs) {
		t.Fatalf("%d needs listed of %d imported: %v", len(sums), len(needs), err)
	}
	box, _ := s.OutboxStats(bg)
	if box.Pending == 0 {
		t.Error("nothing pending after an import")
	}
	if err := s.Check(bg); err != nil {
		t.Error(err)
	}
}
