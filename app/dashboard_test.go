package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/store"
)

func TestDashboardCountsMatchTheStore(t *testing.T) {
	var set *demo.Set
	u, st := newTestUI(t, func(st *store.Store) { set = importDemo(t, st, 240) })
	ctx := context.Background()

	// Count the demo set independently of computeDashboard.
	regions := forms.Regions()
	var cross int
	for _, e := range set.Enterprises {
		if !regions.Within(e.Values.Get("region"), "320500") {
			cross++
		}
	}
	valid := 0
	byStatus := map[forms.Status]int{}
	for _, n := range set.Needs {
		byStatus[n.Status]++
		switch n.Status {
		case forms.StatusToConfirm, forms.StatusConfirmed, forms.StatusSynced, forms.StatusPublished,
			forms.StatusMatching, forms.StatusSolved, forms.StatusSigned, forms.StatusResolved:
			valid++
		}
	}
	intents, deals := map[string]bool{}, map[string]bool{}
	for _, f := range set.FollowUps {
		switch f.Kind {
		case forms.FollowUpIntent:
			intents[f.NeedID] = true
		case forms.FollowUpContract:
			deals[f.NeedID] = true
		}
	}
	if cross == 0 || valid == 0 || len(intents) == 0 || len(deals) == 0 {
		t.Fatalf("the demo set lacks cases: cross %d valid %d intents %d deals %d", cross, valid, len(intents), len(deals))
	}

	d, err := computeDashboard(ctx, st, "zh")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string][2]int{
		"enterprises": {d.Enterprises, len(set.Enterprises)},
		"valid needs": {d.ValidNeeds, valid},
		"cross":       {d.CrossRegion, cross},
		"matches":     {d.Matches, len(intents)},
		"deals":       {d.Deals, len(deals)},
		"needs":       {d.Needs, len(set.Needs)},
	} {
		if c[0] != c[1] {
			t.Errorf("%s = %d, want %d", name, c[0], c[1])
		}
	}
	if d.Targets != store.DefaultSettings().Targets {
		t.Errorf("targets = %+v", d.Targets)
	}
	total := 0
	for _, c := range d.ByStatus {
		if c.N != byStatus[forms.Status(c.Code)] {
			t.Errorf("status %s: %d, want %d", c.Code, c.N, byStatus[forms.Status(c.Code)])
		}
		total += c.N
	}
	if total != len(set.Needs) {
		t.Errorf("statuses add up to %d", total)
	}
	towns := 0
	for _, c := range d.ByTown {
		towns += c.N
	}
	if towns+d.OtherTownNeeds != len(set.Needs) || len(d.ByTown) > maxTowns {
		t.Errorf("towns add up to %d in %d bars", towns, len(d.ByTown))
	}
	if len(d.ByField) == 0 || !slices.IsSortedFunc(d.ByField, func(a, b Count) int { return b.N - a.N }) {
		t.Errorf("fields = %+v", d.ByField)
	}

	// The screen shows the same figures.
	u.tabs.Select(u.dashTab)
	settle(t, u)
	for _, want := range []string{
		fmt.Sprintf("%d / 100", len(set.Enterprises)),
		fmt.Sprintf("%d / 80", valid),
		fmt.Sprintf("%d / 30", cross),
		fmt.Sprintf("%d / 20", len(intents)),
		fmt.Sprintf("%d / 10", len(deals)),
	} {
		if !hasLabel(u.dashboard.kpis, want) {
			t.Errorf("dashboard has no %q: %q", want, visibleLabels(u.dashboard.kpis))
		}
	}
	if !hasLabel(u.dashboard.charts, "草稿") {
		t.Error("no status bars")
	}
}

func TestDashboardCanBeCancelled(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 30) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := computeDashboard(ctx, st, "zh"); err == nil {
		t.Error("a cancelled count succeeded")
	}
	_ = u
}

// damagedSource is a store whose records cannot be read: its data file is
// damaged where the revisions lie (the summaries still load).
type damagedSource struct{ dashboardSource }

func (d damagedSource) ForEachEnterprise(context.Context, func(*forms.Enterprise) error) error {
	return &store.DamagedError{Path: "/home/李科技/.local/share/xunbang/xunbang.db", Err: store.ErrCorrupt}
}

// A dashboard that cannot count says why in full, wrapped under its title:
// the message of a damaged data file (where it is, how to restore it) did
// not fit beside the title, and widened the window past a 1024-pixel
// screen, cut off before the way to restore (found under Xvfb).
func TestDashboardFailureWrapsWithinTheWindow(t *testing.T) {
	u, _ := newTestUI(t, nil)
	u.win.Resize(fyne.NewSize(1024, 700))
	v := u.dashboard
	v.st = damagedSource{v.st}
	v.stale = true
	v.refresh()
	settle(t, u)
	msg := userMessage(&store.DamagedError{Path: "/home/李科技/.local/share/xunbang/xunbang.db", Err: store.ErrCorrupt}, "zh")
	if !v.failure.Visible() || v.failure.Text != msg || !strings.Contains(msg, "xunbang restore") {
		t.Fatalf("the dashboard says %q (shown %v), want %q", v.failure.Text, v.failure.Visible(), msg)
	}
	if w := u.win.Content().MinSize().Width; w > 1024 {
		t.Errorf("the window needs %v pixels across, more than a 1024-pixel screen", w)
	}
}
