package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// TestNeedListFollowsWrites saves and puts needs in a random order, at
// random times (a remote need keeps its own, older time), one and many per
// transaction, and checks after each write that the need list's newest-first
// order is the one a fresh sort of every summary gives, and that a NeedList
// taken before a write does not change.
func TestNeedListFollowsWrites(t *testing.T) {
	dir := t.TempDir()
	opts := testOpts()
	opts.Now = newClock().Now
	s, err := Open(bg, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	e := mustSaveEnterprise(t, s, newEnterprise("苏州纳微科技有限公司", "", "320594"))
	rng := rand.New(rand.NewPCG(7, 8))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	check := func(step string) {
		t.Helper()
		got, err := s.Needs(bg, Query{})
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(got)
		slices.SortFunc(want, newestFirst)
		if len(got) != len(ids) || !slices.Equal(got, want) {
			t.Fatalf("%s: %d needs listed (want %d), order %v, want %v", step, len(got), len(ids), titles(got), titles(want))
		}
	}
	remote := func(tx *Tx, id string) error {
		n := newNeed(e.ID, fmt.Sprintf("远程需求 %d", rng.IntN(1000)))
		n.ID, n.Rev = id, forms.NewID()
		n.UpdatedAt = base.Add(time.Duration(rng.IntN(1000)) * time.Hour)
		n.CreatedAt = n.UpdatedAt
		return tx.PutNeedRemote(n)
	}
	for step := range 60 {
		before, err := s.NeedList(bg)
		if err != nil {
			t.Fatal(err)
		}
		frozen := make([]*Summary, before.Len())
		for i := range frozen {
			frozen[i] = before.At(i)
		}
		frozenNewest := slices.Clone(before.Newest())
		switch k := rng.IntN(4); {
		case k == 0 || len(ids) == 0: // a new local need
			n := mustSaveNeed(t, s, newNeed(e.ID, fmt.Sprintf("本地需求 %d", step)))
			ids = append(ids, n.ID)
		case k == 1: // an edit of a stored need
			n, err := s.Need(bg, ids[rng.IntN(len(ids))])
			if err != nil {
				t.Fatal(err)
			}
			n.Values.Set("budget_wan", fmt.Sprint(step))
			mustSaveNeed(t, s, n)
		case k == 2: // a remote need, new or stored, at its own time
			id := forms.NewID()
			if rng.IntN(2) == 0 {
				id = ids[rng.IntN(len(ids))]
			} else {
				ids = append(ids, id)
			}
			if err := s.Update(bg, func(tx *Tx) error { return remote(tx, id) }); err != nil {
				t.Fatal(err)
			}
		default: // many in one transaction: more than apply moves one by one
			err := s.Update(bg, func(tx *Tx) error {
				for range maxMoves + 3 {
					id := forms.NewID()
					ids = append(ids, id)
					if err := remote(tx, id); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		check(fmt.Sprintf("step %d", step))
		for i := range frozen {
			if before.At(i) != frozen[i] {
				t.Fatalf("step %d: a NeedList taken before the write changed at %d", step, i)
			}
		}
		if !slices.Equal(before.Newest(), frozenNewest) {
			t.Fatalf("step %d: a NeedList taken before the write changed its order", step)
		}
	}
	// The same after a reopen.
	if err := s.Check(bg); err != nil {
		t.Fatal(err)
	}
	want, _ := s.Needs(bg, Query{})
	s.Close()
	s2, err := Open(bg, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, _ := s2.Needs(bg, Query{})
	if len(got) != len(want) {
		t.Fatalf("after reopening: %d needs, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID {
			t.Fatalf("after reopening, need %d is %s, want %s", i, got[i].ID, want[i].ID)
		}
	}
}

func TestBitmap(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 1000} {
		b := NewBitmap(n)
		var want []int32
		for i := 0; i < n; i += 1 + i%7 {
			b.Set(int32(i))
			want = append(want, int32(i))
		}
		var got []int32
		b.Each(func(i int32) bool { got = append(got, i); return true })
		if !slices.Equal(got, want) {
			t.Errorf("n=%d: members %v, want %v", n, got, want)
		}
		if len(want) > 2 {
			got = got[:0]
			b.Each(func(i int32) bool { got = append(got, i); return len(got) < 2 })
			if !slices.Equal(got, want[:2]) {
				t.Errorf("n=%d: stopping after two gives %v", n, got)
			}
		}
	}
}

// TestNewestOrder holds the radix sort to a comparison sort of the same
// summaries: newest first, ties by id, over times before and after 1970,
// far apart and equal.
func TestNewestOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 17))
	base := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for _, n := range []int{0, 1, 2, 3, 100, 5000} {
		sums := make([]*Summary, n)
		for i := range sums {
			var at time.Time
			switch rng.IntN(5) {
			case 0:
				at = base // many ties
			case 1:
				at = time.Date(1960+rng.IntN(30), 1, 1, 0, 0, 0, 0, time.UTC)
			case 2:
				at = base.Add(time.Duration(rng.Int64N(1 << 40)))
			case 3:
				at = base.Add(-time.Duration(rng.IntN(1000)) * time.Nanosecond)
			default:
				at = base.Add(time.Duration(rng.IntN(3)) * 24 * time.Hour)
			}
			sums[i] = &Summary{ID: forms.NewID(), UpdatedAt: StampOf(at)}
		}
		want := make([]int32, n)
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortFunc(want, func(a, b int32) int {
			if c := sums[b].UpdatedAt.Compare(sums[a].UpdatedAt); c != 0 {
				return c
			}
			return strings.Compare(sums[a].ID, sums[b].ID)
		})
		if got := newestOrder(sums); !slices.Equal(got, want) {
			t.Errorf("%d needs: newestOrder differs from a comparison sort", n)
		}
	}
}
