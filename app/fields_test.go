package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// positions returns the absolute position of every input of a form, once
// the window is laid out again as the desktop driver does before it draws.
func positions(f *fieldForm) map[string]fyne.Position {
	d := fyne.CurrentApp().Driver()
	for _, in := range f.inputs {
		if c := d.CanvasForObject(in.cell); c != nil {
			c.Content().Refresh()
			break
		}
	}
	out := map[string]fyne.Position{}
	for _, in := range f.inputs {
		if o, ok := in.focusable().(fyne.CanvasObject); ok {
			out[in.field.ID] = d.AbsolutePositionForObject(o)
		}
	}
	return out
}

func samePositions(t *testing.T, when string, before, after map[string]fyne.Position) {
	t.Helper()
	for id, p := range before {
		if after[id] != p {
			t.Errorf("%s: field %s moved from %v to %v", when, id, p, after[id])
		}
	}
}

// typeFocused types text into the object that has the focus, as the
// keyboard does.
func typeFocused(t *testing.T, c fyne.Canvas, text string) {
	t.Helper()
	f := c.Focused()
	if f == nil {
		t.Fatal("nothing has the focus")
	}
	for _, r := range text {
		f.TypedRune(r)
	}
}

// click presses and releases the mouse at pos as the desktop driver does:
// the entry under the pointer takes the focus when the button goes down, and
// the release taps whatever is under the pointer then (which, had the press
// moved the fields, would be another one, and take the focus away).
func click(c fyne.Canvas, f *fieldForm, pos fyne.Position) {
	d := fyne.CurrentApp().Driver()
	for _, in := range f.inputs {
		if in.entry == nil {
			continue
		}
		p, s := d.AbsolutePositionForObject(in.entry), in.entry.Size()
		if pos.X >= p.X && pos.Y >= p.Y && pos.X < p.X+s.Width && pos.Y < p.Y+s.Height {
			in.entry.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{AbsolutePosition: pos, Position: pos.Subtract(p)}, Button: desktop.MouseButtonPrimary})
			break
		}
	}
	test.TapCanvas(c, pos)
}

// centre is the middle of an object, in canvas coordinates.
func centre(o fyne.CanvasObject) fyne.Position {
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	return p.Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
}

// TestValidationNeverMovesFields is issue 12.5: a mobile number typed, then a
// click on 电子邮箱, must put the next keystrokes into 电子邮箱, whatever
// messages validation shows or takes away meanwhile.
func TestValidationNeverMovesFields(t *testing.T) {
	setLocale(t, "zh_CN.UTF-8")
	mustSetLanguage(t, Chinese)
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	cat := forms.Default()
	f := newFieldForm(cat, "zh", cat.Fields(forms.EntityContact))
	f.load(forms.Values{})
	f.OnChanged = func(string) { f.showProblems(cat.Validate(forms.EntityContact, f.values, forms.Draft)) }
	w := test.NewWindow(container.NewVScroll(f.rows()))
	defer w.Close()
	w.Resize(fyne.NewSize(560, 420))
	c := w.Canvas()
	mobile, landline, email := f.input("contact_mobile"), f.input("contact_landline"), f.input("contact_email")
	if mobile == nil || landline == nil || email == nil {
		t.Fatal("the contact form has no mobile, landline or e-mail field")
	}
	before := positions(f)

	// Half a mobile number: no message while typing.
	c.Focus(mobile.entry)
	typeFocused(t, c, "1381234")
	if mobile.message.Text != "" {
		t.Errorf("a message while typing: %q", mobile.message.Text)
	}
	samePositions(t, "typing", before, positions(f))

	// A click on 电子邮箱: the focus goes there, the mobile's message shows,
	// nothing moves, and what is typed next lands in 电子邮箱.
	click(c, f, centre(email.entry))
	if c.Focused() != email.entry {
		t.Fatalf("the click on 电子邮箱 focused %T", c.Focused())
	}
	if !strings.Contains(mobile.message.Text, "手机号") {
		t.Errorf("mobile message after leaving it = %q", mobile.message.Text)
	}
	samePositions(t, "leaving the mobile field", before, positions(f))
	typeFocused(t, c, "wang@example.cn")
	if email.entry.Text != "wang@example.cn" || landline.entry.Text != "" {
		t.Errorf("typed after the click: e-mail %q, landline %q", email.entry.Text, landline.entry.Text)
	}

	// Tab order is the form's, with the message shown.
	c.Focus(mobile.entry)
	test.FocusNext(c)
	if c.Focused() != landline.entry {
		t.Errorf("Tab from 手机 went to %T", c.Focused())
	}

	// Fixing the number takes the message away at once, before leaving the
	// field; still nothing moves.
	c.Focus(mobile.entry)
	mobile.entry.SetText("13812345678")
	if mobile.message.Text != "" {
		t.Errorf("a fixed number still says %q", mobile.message.Text)
	}
	samePositions(t, "fixing the number", before, positions(f))
}

// TestDiagnosisButtonHoldsStill is the other half of issue 12.5: fixing a
// diagnosis comment must not move the 应用诊断 button from under the mouse.
func TestDiagnosisButtonHoldsStill(t *testing.T) {
	var ent *forms.Enterprise
	u, _ := newTestUI(t, func(st *store.Store) { ent = saveEnterprise(t, st, "苏州相城测控技术有限公司", "") })
	u.createNeed(ent.ID)
	settle(t, u)
	e := u.editor
	fillNeed(t, e)
	test.Tap(e.finalise)
	settle(t, u)
	d := e.diag
	for _, id := range forms.DiagnosisCriteria {
		d.input(id).radio.SetSelected("通过")
	}
	d.input("diag_conclusion").radio.SetSelected("有效需求")
	d.input("diag_feasibility").radio.SetSelected("存疑")
	test.Tap(e.applyDiag)
	comment := d.input("diag_feasibility_comment")
	if !strings.Contains(comment.message.Text, "理由") {
		t.Fatalf("comment message = %q", comment.message.Text)
	}
	drv := fyne.CurrentApp().Driver()
	fields := positions(d)
	button := drv.AbsolutePositionForObject(e.applyDiag)
	u.win.Canvas().Focus(comment.entry)
	typeFocused(t, u.win.Canvas(), "需企业补充")
	if comment.message.Text != "" {
		t.Errorf("a fixed comment still says %q", comment.message.Text)
	}
	samePositions(t, "fixing the comment", fields, positions(d))
	if got := drv.AbsolutePositionForObject(e.applyDiag); got != button {
		t.Errorf("应用诊断 moved from %v to %v", button, got)
	}
}

// TestWheelOverALongTextScrollsTheForm is issue 12.14: the mouse wheel over
// a text field — one-line or multi-line, whose text all shows — scrolls the
// form, not nothing; over a text longer than its field, the field first.
func TestWheelOverALongTextScrollsTheForm(t *testing.T) {
	var need *forms.Need
	u, _ := newTestUI(t, func(st *store.Store) { need = confirmedNeed(t, st) })
	u.win.Resize(minWindowSize)
	u.openNeed(need.ID)
	settle(t, u)
	c := u.win.Canvas()
	c.Content().Refresh()
	scroll := u.editor.form.scroll()
	if scroll == nil {
		t.Fatal("the editor's form has no scroll")
	}
	for _, id := range []string{"title", "problem"} {
		scroll.ScrollToTop()
		c.Content().Refresh()
		test.Scroll(c, centre(u.editor.form.input(id).entry), 0, -60)
		if scroll.Offset.Y <= 0 {
			t.Errorf("the wheel over %s did not scroll the form (offset %v)", id, scroll.Offset)
		}
	}

	// Over a field whose text is longer than it shows, the field scrolls first.
	problem := u.editor.form.input("problem").entry
	problem.SetText(strings.Repeat("隔膜涂层均匀性差，良率只有八成。\n", 12))
	c.Content().Refresh()
	before := scroll.Offset
	test.Scroll(c, centre(problem), 0, -40)
	if inner := problem.innerScroll(); inner == nil || inner.Offset.Y <= 0 || scroll.Offset != before {
		t.Errorf("a long 主要问题: inner %v, form %v → %v", inner, before, scroll.Offset)
	}

	// The confirmation screen's fields too.
	u.showConfirm()
	settle(t, u)
	cf := u.confirm
	cf.scroll.Refresh()
	scrollToBottomOf(cf.scroll, cf.form.input("confirmer_name").entry)
	before = cf.scroll.Offset
	test.Scroll(c, centre(cf.form.input("confirmer_name").entry), 0, -60)
	if cf.scroll.Offset.Y <= before.Y {
		t.Errorf("the wheel over 确认人 did not scroll the confirmation screen (%v → %v)", before, cf.scroll.Offset)
	}

	// And 设置's, wherever they are made.
	u.tabs.Select(u.settingsTab)
	sv := u.settingsView
	sv.scroll.Refresh()
	for _, e := range []*widget.Entry{sv.user, sv.outputs.eventName} {
		scrollToBottomOf(sv.scroll, e)
		before = sv.scroll.Offset
		test.Scroll(c, centre(e), 0, -60)
		if sv.scroll.Offset.Y <= before.Y {
			t.Errorf("the wheel over a 设置 entry did not scroll the screen (%v → %v)", before, sv.scroll.Offset)
		}
	}
}
