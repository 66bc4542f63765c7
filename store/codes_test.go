package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unsafe"
)

func TestCodes(t *testing.T) {
	for _, c := range []struct {
		list     []string
		prefixes map[string]bool
	}{
		{nil, map[string]bool{"": false, "04": false}},
		{[]string{"04"}, map[string]bool{"": true, "04": true, "0401": false, "0": true, "05": false}},
		{[]string{"01", "0403", "07"}, map[string]bool{"04": true, "0403": true, "040": true, "0404": false, "07": true, "1": false}},
	} {
		codes := CodesOf(c.list...)
		if got := codes.List(); !slices.Equal(got, c.list) {
			t.Errorf("CodesOf(%q).List() = %q", c.list, got)
		}
		if got := slices.Collect(codes.All()); !slices.Equal(got, c.list) {
			t.Errorf("CodesOf(%q).All() yields %q", c.list, got)
		}
		if codes.Len() != len(c.list) {
			t.Errorf("CodesOf(%q).Len() = %d", c.list, codes.Len())
		}
		for p, want := range c.prefixes {
			if got := codes.AnyHasPrefix(p); got != want && len(c.list) > 0 {
				t.Errorf("CodesOf(%q).AnyHasPrefix(%q) = %v, want %v", c.list, p, got, want)
			} else if len(c.list) == 0 && got {
				t.Errorf("the empty list has a code starting with %q", p)
			}
		}
		// All stops when told to.
		for range codes.All() {
			break
		}
	}
}

// TestSummariesShareTheirTechFields checks that the summaries keep each
// list of tech fields once, read from the data file and from the need
// list's cache, and that the lists are the needs'.
func TestSummariesShareTheirTechFields(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openCacheTest(t, dir, cacheOpts())
	e := mustSaveEnterprise(t, s, newEnterprise("苏州精密传感有限公司", "91320500MA1XYZ1234", "320505"))
	lists := [][]string{{"01", "04", "07"}, {"01", "04", "07"}, nil, {"04"}, {"0401", "07"}}
	ids := map[string][]string{}
	for i, l := range lists {
		n := newNeed(e.ID, "高精度传感器封装")
		n.Values.SetList("tech_fields", l)
		mustSaveNeed(t, s, n)
		ids[n.ID] = lists[i]
	}
	check := func(when string) {
		t.Helper()
		l, err := s.NeedList(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var three []*Summary
		for i := range l.Len() {
			sum := l.At(i)
			if got := sum.TechFields.List(); !slices.Equal(got, ids[sum.ID]) {
				t.Errorf("%s: need %s has tech fields %q, want %q", when, sum.ID, got, ids[sum.ID])
			}
			if sum.TechFields.Len() == 3 {
				three = append(three, sum)
			}
		}
		if len(three) != 2 || unsafe.StringData(string(three[0].TechFields)) != unsafe.StringData(string(three[1].TechFields)) {
			t.Errorf("%s: the two needs with the same tech fields do not share one copy (%d found)", when, len(three))
		}
		if res, err := s.Needs(ctx, Query{TechField: "04"}); err != nil || len(res) != 4 {
			t.Errorf("%s: %d needs in tech field 04 (%v), want 4", when, len(res), err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, CacheFileName)); err != nil {
		t.Fatal(err)
	}
	s = openCacheTest(t, dir, cacheOpts())
	if s.mem.cached {
		t.Fatal("the cache was read though it was removed")
	}
	check("read in full")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openCacheTest(t, dir, cacheOpts())
	defer s.Close()
	if !s.mem.cached {
		t.Fatal("the cache was not read")
	}
	check("read from the cache")
}
