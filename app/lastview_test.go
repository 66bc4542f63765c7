package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// TestReopensWhereTheOfficialWas is issue 12.15: the window keeps where the
// official is, and the next start opens there — the need last open, in its
// editor — or on the list when that need is gone.
func TestReopensWhereTheOfficialWas(t *testing.T) {
	ctx := context.Background()
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) { need = confirmedNeed(t, st) })
	u.remember = true
	lastView := func() string {
		t.Helper()
		settle(t, u)
		s, err := st.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return s.LastView
	}

	u.openNeed(need.ID)
	settle(t, u)
	if got := lastView(); got != "need:"+need.ID {
		t.Fatalf("with a need open, the settings keep %q", got)
	}

	// The next start, on the same data.
	restart := func(view string) *ui {
		t.Helper()
		set, err := st.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		w := fyne.CurrentApp().NewWindow("寻榜")
		u2 := newUI(ctx, fyne.CurrentApp(), w, st, set, Options{DataDir: u.opts.DataDir})
		useQueue(u2)
		u2.openPath = func(string) error { return nil }
		t.Cleanup(func() { settle(t, u2); w.Close() }) // before the store closes
		done := false
		u2.restoreView(view, func() { done = true })
		settle(t, u2)
		if !done {
			t.Fatal("restoring never finished")
		}
		return u2
	}
	u2 := restart("need:" + need.ID)
	if u2.tabs.Selected() != u2.needsTab || u2.editor.need == nil || u2.editor.need.ID != need.ID ||
		u2.needsStack.Objects[0] != u2.editor.content {
		t.Errorf("the next start does not show the need last open")
	}

	// Back on the list, then on 企业, then 工作台.
	u.showNeedList()
	if got := lastView(); got != "needs" {
		t.Errorf("on the list, the settings keep %q", got)
	}
	u.tabs.Select(u.entTab)
	if got := lastView(); got != "enterprises" {
		t.Errorf("on 企业, the settings keep %q", got)
	}
	u.tabs.Select(u.dashTab)
	if got := lastView(); got != "" {
		t.Errorf("on 工作台, the settings keep %q", got)
	}

	// A need that is gone: the list, and no error to click away.
	u3 := restart("need:" + forms.NewID())
	if u3.tabs.Selected() != u3.needsTab || u3.needsStack.Objects[0] != u3.needs.content || len(u3.win.Canvas().Overlays().List()) != 0 {
		t.Error("a need gone since is not left quietly for the list")
	}
}
