package app

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// needIndex is the need list's model: every need's summary, loaded once from
// store.Needs, with what a search keystroke needs precomputed — the folded
// text to search and the list in each sort order — so that a keystroke is one
// pass of substring tests over 50,000 strings, with no sorting and no
// allocation per need. It is immutable once built, so queries run on any
// goroutine; the list swaps in a new index after needs were saved.
type needIndex struct {
	sums []store.Summary
	hay  []string // folded title, enterprise name and keywords, as store.Needs matches them

	orders map[string]*needOrder
	// regions are the distinct regions of the needs' enterprises.
	regions []string
	// solutions counts each need's solutions, by position; nil when none
	// were given (setSolutions).
	solutions []int32
}

type needOrder struct {
	once sync.Once
	perm []int32
}

// newNeedIndex builds the index over sums, which it keeps.
func newNeedIndex(sums []store.Summary) *needIndex {
	ix := &needIndex{sums: sums, hay: make([]string, len(sums)), orders: map[string]*needOrder{}}
	seen := map[string]bool{}
	for i := range sums {
		s := &sums[i]
		ix.hay[i] = forms.SearchText(s.Title, s.EnterpriseName, s.Keywords)
		if s.Region != "" && !seen[s.Region] {
			seen[s.Region] = true
			ix.regions = append(ix.regions, s.Region)
		}
	}
	slices.Sort(ix.regions)
	for _, key := range []string{store.SortUpdated, store.SortTitle, store.SortStatus, store.SortEnterprise} {
		ix.orders[key] = &needOrder{}
	}
	return ix
}

// Len returns the number of needs.
func (ix *needIndex) Len() int { return len(ix.sums) }

// order returns the needs' positions in the given sort order, computing it on
// first use.
func (ix *needIndex) order(sort string) []int32 {
	if sort == "" {
		sort = store.SortUpdated
	}
	o := ix.orders[sort]
	if o == nil {
		o = ix.orders[store.SortUpdated]
		sort = store.SortUpdated
	}
	o.once.Do(func() {
		perm := make([]int32, len(ix.sums))
		for i := range perm {
			perm[i] = int32(i)
		}
		less := summaryLess(sort)
		slices.SortFunc(perm, func(a, b int32) int { return less(&ix.sums[a], &ix.sums[b]) })
		o.perm = perm
	})
	return o.perm
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

// query returns the positions of the needs q selects, in q's order. It
// selects what store.Needs selects, except that a technology field also
// selects its sub-fields (电子信息 finds needs filed under 软件).
func (ix *needIndex) query(q store.Query) []int32 { return ix.queryWith(q, 0) }

// queryWith is query keeping only the needs with at least least solutions.
func (ix *needIndex) queryWith(q store.Query, least int) []int32 {
	terms := strings.Fields(forms.FoldSearch(q.Text))
	region := forms.RegionCodePrefix(q.Region)
	out := make([]int32, 0, 256)
	for _, i := range ix.order(q.Sort) {
		s := &ix.sums[i]
		if len(q.Status) > 0 && !slices.Contains(q.Status, s.Status) {
			continue
		}
		if q.NeedType != "" && s.NeedType != q.NeedType {
			continue
		}
		if q.TechField != "" && !slices.ContainsFunc(s.TechFields, func(f string) bool { return strings.HasPrefix(f, q.TechField) }) {
			continue
		}
		if region != "" && !strings.HasPrefix(s.Region, region) {
			continue
		}
		if least > 0 && ix.solutionCount(i) < least {
			continue
		}
		if !containsAll(ix.hay[i], terms) {
			continue
		}
		out = append(out, i)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out
}

func containsAll(hay string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(hay, t) {
			return false
		}
	}
	return true
}
