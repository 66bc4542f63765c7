package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms/xlsx"
)

// findProfileSelect finds the platform profile picker in the settings
// screen: the select that offers the profiles.
func findProfileSelect(o fyne.CanvasObject) *widget.Select {
	switch w := o.(type) {
	case *widget.Select:
		p, _ := xlsx.ProfileByID("")
		if slices.Contains(w.Options, p.ZH) {
			return w
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			if s := findProfileSelect(c); s != nil {
				return s
			}
		}
	case *container.Scroll:
		return findProfileSelect(w.Content)
	}
	return nil
}

// TestSettingsPlatformProfile: 设置 offers the platform profiles, jstec
// chosen by default; a choice is stored at once (Settings.PlatformProfile)
// and the window's exports take it.
func TestSettingsPlatformProfile(t *testing.T) {
	u, st := newTestUI(t, nil)
	sel := findProfileSelect(u.settingsView.content)
	if sel == nil {
		t.Fatal("no platform profile picker in 设置")
	}
	jstec, _ := xlsx.ProfileByID("jstec")
	if sel.Selected != jstec.ZH {
		t.Errorf("selected %q, want the default %q", sel.Selected, jstec.ZH)
	}
	x, _ := xlsx.ProfileByID("xunbang")
	sel.SetSelected(x.ZH)
	settle(t, u)
	s, err := st.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.PlatformProfile != "xunbang" || u.settings.PlatformProfile != "xunbang" {
		t.Errorf("stored %q, window %q", s.PlatformProfile, u.settings.PlatformProfile)
	}
	// The settings form's own Save keeps the choice.
	test := u.settingsView
	test.save()
	settle(t, u)
	if s, _ := st.Settings(context.Background()); s.PlatformProfile != "xunbang" {
		t.Errorf("after Save: %q", s.PlatformProfile)
	}
	if !strings.Contains(strings.Join(sel.Options, "|"), jstec.ZH) {
		t.Errorf("options %v", sel.Options)
	}
}
