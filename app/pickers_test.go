package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// The region picker reads the region table only when a region is shown or
// its first list is opened (issue 17), and then works as before: opened
// by a tap or from the keyboard it offers the provinces, a choice opens
// the next level, and setCode shows a code's path.
func TestRegionPickerFillsWhenOpened(t *testing.T) {
	test.NewTempApp(t)
	provinces := forms.Regions().Children("")
	for _, open := range []struct {
		name string
		do   func(s *lazySelect)
	}{
		{"tap", func(s *lazySelect) { test.Tap(s) }},
		{"keyboard", func(s *lazySelect) { s.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace}) }},
	} {
		t.Run(open.name, func(t *testing.T) {
			var changed []string
			p := newRegionPicker(func(code string) { changed = append(changed, code) })
			w := test.NewWindow(p.content)
			defer w.Close()
			w.Resize(fyne.NewSize(800, 300))
			if p.filled || len(p.selects[0].Options) != 0 {
				t.Fatalf("a new picker holds %d provinces, want none until it is opened", len(p.selects[0].Options))
			}
			for i := 1; i < regionDepth; i++ {
				if !p.selects[i].Disabled() {
					t.Errorf("list %d is enabled before a province is chosen", i+1)
				}
			}
			open.do(p.selects[0])
			if got := len(p.selects[0].Options); got != len(provinces) {
				t.Fatalf("opened, the first list offers %d regions, want the %d provinces", got, len(provinces))
			}
			menu := w.Canvas().Overlays().Top()
			if menu == nil {
				t.Fatal("opening the first list showed no menu")
			}
			if got := len(test.LaidOutObjects(menu)); got < len(provinces) {
				t.Errorf("the menu lays out %d objects, fewer than the %d provinces", got, len(provinces))
			}
			menu.Hide()
			js := -1
			for i, r := range provinces {
				if r.Code == "320000" {
					js = i
				}
			}
			if js < 0 {
				t.Fatal("no 江苏省 (320000) in the region table")
			}
			p.selects[0].SetSelectedIndex(js)
			if p.selects[1].Disabled() || len(p.selects[1].Options) == 0 {
				t.Fatal("choosing 江苏省 left the second list empty")
			}
			if got := p.code(); got != "320000" || len(changed) != 1 || changed[0] != "320000" {
				t.Errorf("code() = %q, changes %q; want 320000 once", got, changed)
			}
		})
	}
	t.Run("setCode", func(t *testing.T) {
		p := newRegionPicker(nil)
		p.setCode("320583")
		if got := p.code(); got != "320583" {
			t.Errorf("after setCode(320583) the picker shows %q", got)
		}
		r, _ := forms.Regions().Lookup("320583")
		if got := p.selects[2].Selected; got != r.Name || r.Name == "" {
			t.Errorf("the third list shows %q, want %q", got, r.Name)
		}
	})
}

// The settings' home region is kept pending while the settings are not
// shown (the region table is not read for it at the start), shows when
// the settings tab is opened, and is saved unchanged either way.
func TestSettingsHomeRegionShownWithTheTab(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) {
		s, err := st.Settings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		s.HomeRegion = "320583"
		if err := st.SaveSettings(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	})
	home := u.settingsView.home
	if home.filled || home.selects[0].Selected != "" {
		t.Fatalf("before the settings are shown the picker is filled (%v) and shows %q", home.filled, home.selects[0].Selected)
	}
	if got := home.code(); got != "320583" {
		t.Errorf("the pending home region reads %q, want 320583", got)
	}
	// Saved before they were ever shown: the home region is kept.
	u.settingsView.user.SetText("周镇长")
	test.Tap(u.settingsView.save_)
	settle(t, u)
	if s, err := st.Settings(context.Background()); err != nil || s.HomeRegion != "320583" {
		t.Fatalf("saved the settings unseen: home region %q (%v), want 320583", s.HomeRegion, err)
	}
	u.tabs.Select(u.settingsTab)
	r, _ := forms.Regions().Lookup("320583")
	if !home.filled || home.selects[2].Selected != r.Name || r.Name == "" {
		t.Errorf("with the settings shown the third list shows %q, want %q", home.selects[2].Selected, r.Name)
	}
	if got := home.code(); got != "320583" {
		t.Errorf("shown, the picker reads %q, want 320583", got)
	}
}

// The enterprise list is read when its tab is first shown, not at the
// start (issue 17), and then lists the enterprises.
func TestEnterpriseListLoadedWithItsTab(t *testing.T) {
	u, _ := newTestUI(t, func(st *store.Store) { importDemo(t, st, 12) })
	settle(t, u)
	if u.enterprises.searched || len(u.enterprises.results) != 0 {
		t.Fatalf("at the start the enterprise list holds %d enterprises, want none until shown", len(u.enterprises.results))
	}
	u.tabs.Select(u.entTab)
	settle(t, u)
	if len(u.enterprises.results) == 0 {
		t.Fatal("the enterprise tab shows no enterprise")
	}
}
