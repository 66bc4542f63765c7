package app

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// inView reports whether all of o shows in scroll's viewport.
func inView(s *container.Scroll, o fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	sp, op := d.AbsolutePositionForObject(s), d.AbsolutePositionForObject(o)
	return o.Visible() && o.Size().Height > 0 &&
		op.Y >= sp.Y-0.5 && op.Y+o.Size().Height <= sp.Y+s.Size().Height+0.5 &&
		op.X >= sp.X-0.5 && op.X+o.Size().Width <= sp.X+s.Size().Width+0.5
}

// scrollToBottomOf scrolls so that o is the last thing showing, as a user
// who scrolled down just far enough to reach a button.
func scrollToBottomOf(s *container.Scroll, o fyne.CanvasObject) {
	s.Content.Refresh()
	d := fyne.CurrentApp().Driver()
	bottom := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(s.Content).Y + o.Size().Height
	s.ScrollToOffset(fyne.NewPos(0, max(bottom-s.Size().Height, 0)))
}

// toConfirmNeed stores a need waiting for its enterprise's confirmation.
func toConfirmNeed(t *testing.T, st *store.Store) *forms.Need {
	t.Helper()
	n := confirmedNeed(t, st)
	n.Confirmation, n.Status = nil, forms.StatusToConfirm
	if err := st.SaveNeed(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestButtonResultsShowWithoutScrolling is issue 12.6: what a button says
// when pressed shows in the window as it is, at 1024×700.
func TestButtonResultsShowWithoutScrolling(t *testing.T) {
	var need *forms.Need
	u, _ := newTestUI(t, func(st *store.Store) { need = toConfirmNeed(t, st) })
	u.win.Resize(minWindowSize)
	u.openNeed(need.ID)
	settle(t, u)
	u.showConfirm()
	settle(t, u)

	// 确认 without a signature.
	c := u.confirm
	c.scroll.Refresh()
	scrollToBottomOf(c.scroll, c.confirmBtn)
	if !inView(c.scroll, c.confirmBtn) {
		t.Fatal("cannot bring 确认 into view")
	}
	test.Tap(c.confirmBtn)
	if !strings.Contains(c.message.Text, "签名") {
		t.Fatalf("确认 without a signature says %q", c.message.Text)
	}
	if !inView(c.scroll, c.message) {
		t.Errorf("%q does not show without scrolling", c.message.Text)
	}

	// 保存 in 设置.
	u.tabs.Select(u.settingsTab)
	s := u.settingsView
	s.scroll.Refresh()
	scrollToBottomOf(s.scroll, s.save_)
	test.Tap(s.save_)
	settle(t, u)
	if !strings.Contains(s.message.Text, "设置已保存") {
		t.Fatalf("保存 says %q", s.message.Text)
	}
	if !inView(s.scroll, s.message) {
		t.Errorf("%q does not show without scrolling", s.message.Text)
	}
	if s.message.MinSize().Width > s.message.Size().Width+0.5 {
		t.Errorf("%q is clipped: %v wide, needs %v", s.message.Text, s.message.Size().Width, s.message.MinSize().Width)
	}

	// 应用诊断 with the diagnosis incomplete.
	u.openNeed(need.ID)
	settle(t, u)
	e := u.editor
	e.need.Status = forms.StatusToDiagnose
	sc := e.diag.scroll()
	scrollToBottomOf(sc, e.applyDiag)
	test.Tap(e.applyDiag)
	if !e.diagResult.Visible() || e.diagResult.Text == "" {
		t.Fatal("应用诊断 said nothing")
	}
	if !inView(sc, e.diagResult) {
		t.Errorf("%q does not show without scrolling", e.diagResult.Text)
	}
}

// TestSignatureKeepsItsShapeAndStaysAfterConfirming is issue 12.10: the
// stored signature has the pad's proportions, 清除签名 cannot blank it once
// the need is confirmed, and the confirmation screen shows it again, read-
// only, when opened later.
func TestSignatureKeepsItsShapeAndStaysAfterConfirming(t *testing.T) {
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) { need = toConfirmNeed(t, st) })
	u.openNeed(need.ID)
	settle(t, u)
	u.showConfirm()
	settle(t, u)
	c := u.confirm
	c.pad.Resize(fyne.NewSize(840, 140)) // a wide window's pad: 6 to 1
	c.pad.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(100, 70)}, Dragged: fyne.Delta{DX: 30, DY: 10}})
	c.pad.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(700, 50)}, Dragged: fyne.Delta{DX: 600, DY: -20}})
	c.pad.DragEnd()
	test.Tap(c.confirmBtn)
	settle(t, u)
	n, err := st.Need(context.Background(), need.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != forms.StatusConfirmed || n.Confirmation == nil || len(n.Confirmation.Signature) == 0 {
		t.Fatalf("not confirmed with a signature: %s (%q)", n.Status, c.message.Text)
	}
	img, err := png.Decode(bytes.NewReader(n.Confirmation.Signature))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 5*b.Dy() || b.Dx() > 7*b.Dy() {
		t.Errorf("the signature of a 6:1 pad is %d×%d", b.Dx(), b.Dy())
	}

	// Shown read-only; 清除签名 can do nothing to it.
	if !c.signed.Visible() || c.pad.Visible() {
		t.Fatalf("after confirming: stored signature shown %v, pad shown %v", c.signed.Visible(), c.pad.Visible())
	}
	if c.clear.Visible() && !c.clear.Disabled() {
		t.Error("清除签名 can still be pressed")
	}
	c.pad.Clear()
	if c.pad.Empty() {
		t.Error("清除签名 blanked the signature of a confirmed need")
	}

	// Opened again later: the stored signature, not an empty pad.
	u.showNeedList()
	u.openNeed(need.ID)
	settle(t, u)
	u.showConfirm()
	settle(t, u)
	if !c.signed.Visible() || c.pad.Visible() || c.signed.Resource == nil ||
		!bytes.Equal(c.signed.Resource.Content(), n.Confirmation.Signature) {
		t.Errorf("reopened: stored signature shown %v, pad shown %v", c.signed.Visible(), c.pad.Visible())
	}
	if got := c.form.input("confirmer_name").entry.Text; got != "王晓明" {
		t.Errorf("reopened: confirmer %q", got)
	}
}
