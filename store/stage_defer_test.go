package store

import (
	"fmt"
	"slices"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// An import holds back the need_by_enterprise rows of the enterprises it
// creates and writes them at the end: after it, every enterprise's rows
// are its needs, new and stored, and the file keeps every invariant.
func TestImportHeldRowsWritten(t *testing.T) {
	defer smallBatches(3, 4)()
	s, _ := openTest(t)
	stored := mustSaveEnterprise(t, s, newEnterprise("已有企业", "", "320505"))
	mustSaveNeed(t, s, newNeed(stored.ID, "已有需求"))
	ents, needs := demoRecords(7, 40)
	for i := range 5 { // rows for the stored enterprise, among the others
		n := newNeed(stored.ID, fmt.Sprintf("导入的需求%d", i))
		needs = slices.Insert(needs, 3*i, n)
	}
	if _, err := s.Import(bg, ents, needs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(bg); err != nil {
		t.Fatal(err)
	}
	sums, err := s.Needs(bg, Query{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, x := range sums {
		want[x.EnterpriseID] = append(want[x.EnterpriseID], x.ID)
	}
	if len(want) < 5 || len(want[stored.ID]) != 6 {
		t.Fatalf("needs by enterprise: %d enterprises, the stored one has %d needs", len(want), len(want[stored.ID]))
	}
	if err := s.View(bg, func(tx *Tx) error {
		for eid, ids := range want {
			slices.Sort(ids)
			if got := tx.NeedIDsOf(eid); !slices.Equal(got, ids) {
				t.Errorf("enterprise %s: need_by_enterprise has %v, its needs are %v", eid, got, ids)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// Within a staged import, an enterprise's rows held back are seen by
// NeedIDsOf beside those stored, in order, once each; a removal takes one
// out; rows of a stored enterprise are not held.
func TestHeldRowsSeenWithinTheImport(t *testing.T) {
	s, _ := openTest(t)
	stored := mustSaveEnterprise(t, s, newEnterprise("已有企业", "", "320505"))
	old := mustSaveNeed(t, s, newNeed(stored.ID, "已有需求"))
	newEnt := forms.NewID()
	held := newHeldRows()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	defer func() {
		if err := s.discardStaging(bg); err != nil {
			t.Error(err)
		}
	}()
	// Need ids as forms makes them (held as bytes) and others (as text).
	u := []string{forms.NewID(), forms.NewID(), forms.NewID(), forms.NewID()}
	sorted := func(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }
	err := s.stagedUpdate(bg, func(tx *Tx) error {
		tx.held = held
		for _, nid := range []string{u[2], "n3", u[0], "n1", u[1], "n2", u[0], "n1", u[3]} {
			if err := tx.put(needByEnterpriseBucket, pairKey(newEnt, nid), nil); err != nil {
				return err
			}
		}
		if err := tx.put(needByEnterpriseBucket, pairKey(stored.ID, "n9"), nil); err != nil {
			return err
		}
		if got, want := tx.NeedIDsOf(newEnt), sorted("n1", "n2", "n3", u[0], u[1], u[2], u[3]); !slices.Equal(got, want) {
			t.Errorf("new enterprise: %v, want %v", got, want)
		}
		// Removed: one of text, one in the middle of the chain, one held
		// twice, the last held.
		for _, nid := range []string{"n2", u[1], u[0], u[3]} {
			if err := tx.del(needByEnterpriseBucket, pairKey(newEnt, nid)); err != nil {
				return err
			}
		}
		if got, want := tx.NeedIDsOf(newEnt), sorted("n1", "n3", u[2]); !slices.Equal(got, want) {
			t.Errorf("after removals: %v, want %v", got, want)
		}
		want := []string{old.ID, "n9"}
		slices.Sort(want)
		if got := tx.NeedIDsOf(stored.ID); !slices.Equal(got, want) {
			t.Errorf("stored enterprise: %v, want %v", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := held.needsOf(stored.ID); len(got) != 0 {
		t.Errorf("rows of a stored enterprise held: %v", got)
	}
	if err := s.writeHeld(bg, held); err != nil {
		t.Fatal(err)
	}
	if err := s.stagedUpdate(bg, func(tx *Tx) error {
		if got, want := tx.NeedIDsOf(newEnt), sorted("n1", "n3", u[2]); !slices.Equal(got, want) {
			t.Errorf("staged after writeHeld: %v, want %v", got, want)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
