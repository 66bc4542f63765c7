package app

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// needIndex is the need list's model: the store's need list of one moment
// (store.NeedList: every need's summary and the folded text it is found by,
// shared with the store, not copied) and the list in each sort order,
// computed on first use, so that a keystroke is one pass of substring tests
// over the needs' texts in the order they sit in memory, with no sorting and
// no allocation per need. It is immutable once built, so queries run on any
// goroutine; the list swaps in a new index after needs were saved.
type needIndex struct {
	list   *store.NeedList
	orders map[string]*needOrder
	// regions are the distinct regions of the needs' enterprises, sorted.
	regions []string
	// places answers for regions, their counties and cities (findPlaces);
	// placesFor is the list of codes it was read for, sorted, which may
	// be more than regions (an earlier index's).
	places    *forms.RegionIndex
	placesFor []string
	// solutions counts each need's solutions, by position; nil when none
	// were given (setSolutions).
	solutions []int32
}

// needOrder is one sort order: perm lists the needs' positions in the order,
// rank[i] is where need i is in perm.
type needOrder struct {
	once       sync.Once
	perm, rank []int32
}

// newNeedIndex builds the index over list.
func newNeedIndex(list *store.NeedList) *needIndex {
	ix := &needIndex{list: list, orders: map[string]*needOrder{}}
	seen := map[string]bool{}
	for i := range list.Len() {
		if r := list.At(i).Region; r != "" && !seen[r] {
			seen[r] = true
			ix.regions = append(ix.regions, r)
		}
	}
	slices.Sort(ix.regions)
	for _, key := range []string{store.SortUpdated, store.SortTitle, store.SortStatus, store.SortEnterprise} {
		ix.orders[key] = &needOrder{}
	}
	return ix
}

// findPlaces gives the index what names its regions: prev's, when that
// answers for all of them (a save seldom brings a town the list did not
// have), else the part of the region table they need (forms.RegionsFor).
// The window does not hold the whole table, 2.3 MB, to name the towns in
// its list (issue 17). It reads the table, so it runs off the UI goroutine.
func (ix *needIndex) findPlaces(prev *needIndex) {
	if prev != nil && prev.places != nil && subsetOf(ix.regions, prev.placesFor) {
		ix.places, ix.placesFor = prev.places, prev.placesFor
		return
	}
	ix.places, ix.placesFor = forms.RegionsFor(ix.regions), ix.regions
}

// subsetOf tells whether every string of a is in b; both are sorted.
func subsetOf(a, b []string) bool {
	for _, s := range a {
		i, ok := slices.BinarySearch(b, s)
		if !ok {
			return false
		}
		b = b[i+1:]
	}
	return true
}

// placeIndex is what names the index's regions: places, or the whole
// table when findPlaces has not run (an index built by a test).
func (ix *needIndex) placeIndex() *forms.RegionIndex {
	if ix.places == nil {
		return forms.Regions()
	}
	return ix.places
}

// townName is the name the list shows for a need's region (townNameIn).
func (ix *needIndex) townName(code string) string { return townNameIn(ix.placeIndex(), code) }

// Len returns the number of needs.
func (ix *needIndex) Len() int { return ix.list.Len() }

// sum returns need i's summary.
func (ix *needIndex) sum(i int32) *store.Summary { return ix.list.At(int(i)) }

// order returns the needs' positions in the given sort order, computing it on
// first use.
func (ix *needIndex) order(sort string) []int32 { return ix.sorted(sort).perm }

func (ix *needIndex) sorted(sort string) *needOrder {
	if sort == "" {
		sort = store.SortUpdated
	}
	o := ix.orders[sort]
	if o == nil {
		o = ix.orders[store.SortUpdated]
		sort = store.SortUpdated
	}
	o.once.Do(func() {
		if sort == store.SortUpdated {
			o.perm = ix.list.Newest() // the store's order: the same
		} else {
			o.perm = make([]int32, ix.Len())
			for i := range o.perm {
				o.perm[i] = int32(i)
			}
			less := summaryLess(sort)
			slices.SortFunc(o.perm, func(a, b int32) int { return less(ix.sum(a), ix.sum(b)) })
		}
		o.rank = make([]int32, len(o.perm))
		for r, i := range o.perm {
			o.rank[i] = int32(r)
		}
	})
	return o
}

var statusRank = func() map[forms.Status]int {
	m := map[forms.Status]int{}
	for i, s := range forms.Statuses {
		m[s] = i
	}
	return m
}()

// summaryLess orders summaries as store.Needs does: by the sort key, ties
// newest first, then by id.
func summaryLess(sort string) func(a, b *store.Summary) int {
	newest := func(a, b *store.Summary) int {
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), strings.Compare(a.ID, b.ID))
	}
	switch sort {
	case store.SortTitle:
		return func(a, b *store.Summary) int { return cmp.Or(strings.Compare(a.Title, b.Title), newest(a, b)) }
	case store.SortStatus:
		return func(a, b *store.Summary) int {
			return cmp.Or(cmp.Compare(statusRank[a.Status], statusRank[b.Status]), newest(a, b))
		}
	case store.SortEnterprise:
		return func(a, b *store.Summary) int {
			return cmp.Or(strings.Compare(a.EnterpriseName, b.EnterpriseName), newest(a, b))
		}
	}
	return newest
}

// query returns the positions of the needs q selects, in q's order: what
// store.Needs selects (a technology field also selecting its sub-fields), in
// the same order.
func (ix *needIndex) query(q store.Query) []int32 { return ix.queryWith(q, 0) }

// queryWith is query keeping only the needs with at least least solutions.
func (ix *needIndex) queryWith(q store.Query, least int) []int32 {
	o := ix.sorted(q.Sort)
	hits := store.NewBitmap(ix.Len())
	n := 0
	ix.list.Scan(q, func(i int) {
		if least > 0 && ix.solutionCount(int32(i)) < least {
			return
		}
		hits.Set(o.rank[i])
		n++
	})
	if q.Limit > 0 {
		n = min(n, q.Limit)
	}
	out := make([]int32, 0, n)
	hits.Each(func(r int32) bool {
		out = append(out, o.perm[r])
		return len(out) < n
	})
	return out
}
