package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// TestEveryScreenFitsALaptop is issue 12.4: no screen needs more than
// minWindowSize (a 1024×768 screen less a taskbar and a title bar), and at
// that size the editor stacks its fields above the diagnosis, all of them
// within the window's width.
func TestEveryScreenFitsALaptop(t *testing.T) {
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) {
		importDemo(t, st, 60)
		need = confirmedNeed(t, st)
	})
	settle(t, u)
	// The longest enterprise name the toolbar may meet.
	ent, err := st.Enterprise(t.Context(), need.EnterpriseID)
	if err != nil {
		t.Fatal(err)
	}
	ent.Values.Set("enterprise_name", "苏州工业园区国际科技园高端精密装备与新材料研究院股份有限公司")
	if err := st.SaveEnterprise(t.Context(), ent); err != nil {
		t.Fatal(err)
	}

	fits := func(screen string) {
		t.Helper()
		min := u.win.Canvas().Content().MinSize().AddWidthHeight(2*theme.Padding(), 2*theme.Padding())
		if min.Width > minWindowSize.Width || min.Height > minWindowSize.Height {
			t.Errorf("%s needs %v, more than %v", screen, min, minWindowSize)
		}
	}
	fits("工作台")
	u.tabs.Select(u.needsTab)
	settle(t, u)
	fits("需求")
	u.openNeed(need.ID)
	settle(t, u)
	fits("需求编辑")
	u.showConfirm()
	settle(t, u)
	fits("企业确认")
	u.tabs.Select(u.entTab)
	u.enterprises.open(ent.ID)
	settle(t, u)
	fits("企业")
	u.tabs.Select(u.settingsTab)
	fits("设置")
	u.tabs.Select(u.dashTab)
	u.idle.lock("")
	fits("锁定")
	u.idle.unlock()

	// At that size the editor stacks, and nothing sticks out on the right.
	u.openNeed(need.ID)
	settle(t, u)
	u.win.Resize(minWindowSize)
	u.win.Content().Refresh()
	if u.editor.body.stack == nil {
		t.Fatal("at 1024×700 the editor still shows the diagnosis beside the fields")
	}
	d := fyne.CurrentApp().Driver()
	right := u.win.Canvas().Size().Width
	for _, f := range []*fieldForm{u.editor.form, u.editor.diag} {
		for _, in := range f.inputs {
			p := d.AbsolutePositionForObject(in.cell)
			if p.X+in.cell.Size().Width > right+0.5 {
				t.Errorf("field %s ends at %.0f, beyond the window's %.0f", in.field.ID, p.X+in.cell.Size().Width, right)
			}
		}
	}
	if p := d.AbsolutePositionForObject(u.editor.applyDiag); p.X+u.editor.applyDiag.Size().Width > right+0.5 {
		t.Errorf("应用诊断 ends at %.0f, beyond %.0f", p.X+u.editor.applyDiag.Size().Width, right)
	}

	// On a wide window they sit side by side again.
	u.win.Resize(fyne.NewSize(1366, 740))
	u.win.Content().Refresh()
	if u.editor.body.split == nil {
		t.Error("at 1366 wide the editor does not show the diagnosis beside the fields")
	}
}

func TestFitWindow(t *testing.T) {
	want, min := fyne.NewSize(1280, 800), fyne.NewSize(700, 300)
	for _, c := range []struct {
		name       string
		work, want fyne.Size
	}{
		{"unknown screen", fyne.Size{}, want},
		{"large screen", fyne.NewSize(1920, 1040), want},
		{"1366×768 with a taskbar", fyne.NewSize(1366, 728), fyne.NewSize(1280, 688)},
		{"1024×768", fyne.NewSize(1024, 768), fyne.NewSize(1008, 728)},
		{"smaller than the window's minimum", fyne.NewSize(640, 320), min},
	} {
		if got := fitWindow(want, min, c.work); got != c.want {
			t.Errorf("%s: fitWindow = %v, want %v", c.name, got, c.want)
		}
	}
	if s := detectedScale(344, 1920); s < 1.4 || s > 1.5 { // a 15.6-inch 1080p laptop
		t.Errorf("detectedScale of a 15.6-inch 1080p panel = %v", s)
	}
	if s := detectedScale(0, 1366); s != 1 {
		t.Errorf("detectedScale with no physical size = %v", s)
	}
}
