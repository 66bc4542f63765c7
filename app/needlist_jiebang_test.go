package app

import (
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// TestNeedListJiebang (issue 15.4): the 揭榜 column counts each need's
// solutions, and the filter keeps the needs with some, or with three or
// more.
func TestNeedListJiebang(t *testing.T) {
	count := map[string]int{}
	u, _ := newTestUI(t, func(st *store.Store) {
		for _, s := range importDemo(t, st, 240).Solutions {
			count[s.NeedID]++
		}
	})
	u.tabs.Select(u.needsTab)
	settle(t, u)
	l := u.needs
	if !hasButton(l.content, "揭榜") {
		t.Error("no 揭榜 column")
	}
	some, three := 0, 0
	for _, n := range count {
		if n > 0 {
			some++
		}
		if n >= forms.EvaluationMinSolutions {
			three++
		}
	}
	if some == 0 || three == 0 || some == three {
		t.Fatalf("the demo has %d needs with solutions, %d with three or more", some, three)
	}
	row := l.list.CreateItem()
	for i := range l.rows {
		l.updateRow(i, row)
		want := ""
		if n := count[l.index.sum(l.rows[i]).ID]; n > 0 {
			want = strconv.Itoa(n)
		}
		if got := row.(*fyne.Container).Objects[8].(*widget.Label).Text; got != want {
			t.Fatalf("row %d (%s): 揭榜 %q, want %q", i, l.index.sum(l.rows[i]).Title, got, want)
		}
	}
	for i, want := range map[int]int{1: some, 2: three, 0: l.index.Len()} {
		l.jiebang.SetSelectedIndex(i)
		settle(t, u)
		if len(l.rows) != want {
			t.Errorf("filter %q shows %d needs, want %d", l.jiebang.Options[i], len(l.rows), want)
		}
		for _, r := range l.rows {
			if n := count[l.index.sum(r).ID]; n < jiebangLeast[i] {
				t.Errorf("filter %q shows a need with %d", l.jiebang.Options[i], n)
			}
		}
	}
	// With another filter: the needs 对接中 with three or more.
	l.jiebang.SetSelectedIndex(2)
	l.status.SetSelectedIndex(slicesIndex(l.statusCodes, string(forms.StatusMatching)))
	settle(t, u)
	for _, r := range l.rows {
		if s := l.index.sum(r); s.Status != forms.StatusMatching || count[s.ID] < 3 {
			t.Errorf("%s (%s, %d solutions) passes both filters", s.Title, s.Status, count[s.ID])
		}
	}
}

func slicesIndex(l []string, s string) int {
	for i, x := range l {
		if x == s {
			return i
		}
	}
	return -1
}

// hasButton reports whether a visible button under o has the text.
func hasButton(o fyne.CanvasObject, text string) bool {
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Visible() && b.Text == text {
			return true
		}
	}
	return false
}

// TestNeedListAtLaptopWidth (the need list's defects at 1024×768): a list
// cell used for one need after another shows the 平台 column's menu button
// only for a need with a public address, inside its cell, beside a whole
// 已发布; the status, type, date and 揭榜 columns show their text whole.
func TestNeedListAtLaptopWidth(t *testing.T) {
	u, _ := newTestUI(t, func(st *store.Store) { importDemo(t, st, 240) })
	u.tabs.Select(u.needsTab)
	settle(t, u)
	u.win.Resize(fitWindow(fyne.NewSize(1280, 800), minWindowSize, fyne.NewSize(1024, 768))) // as on a 1024×768 screen
	u.win.Content().Refresh()
	l := u.needs
	width := l.list.Size().Width
	if width < 900 || width > 1024 {
		t.Fatalf("the list is %.0f wide", width)
	}
	// On a 1024×768 screen the window gets 1008 px (fitWindow), its list
	// about 1000 of them; a row is laid out a little narrower still, to
	// leave room for the scroll bar and the theme's padding.
	row := l.list.CreateItem()
	row.Resize(fyne.NewSize(min(width, 1000)-20, row.MinSize().Height))
	cells := row.(*fyne.Container).Objects
	cell := cells[7].(*verdictCell)
	test.WidgetRenderer(cell).Layout(cell.Size())
	withURL, without := 0, 0
	for i := range l.rows {
		l.updateRow(i, row)
		s := l.index.sum(l.rows[i])
		want := s.Platform.Or().URL != ""
		if want {
			withURL++
		} else {
			without++
		}
		if cell.link.Visible() != want {
			t.Fatalf("row %d (%s): menu button shown %v, public address %q", i, s.Title, cell.link.Visible(), s.Platform.Or().URL)
		}
		if want {
			if lab := cell.label; lab.Size().Width+0.5 < fitWidth([]string{"已发布"}) {
				t.Fatalf("row %d: the 平台 column's word has %.0f px, 已发布 needs %.0f", i, lab.Size().Width, fitWidth([]string{"已发布"}))
			}
			p, sz, box := cell.link.Position(), cell.link.Size(), cell.Size()
			if sz.Width <= 0 || sz.Height <= 0 || p.X < box.Width/3 || p.X+sz.Width > box.Width+0.5 || p.Y < 0 || p.Y+sz.Height > box.Height+0.5 {
				t.Fatalf("row %d: the menu button is at %v size %v in a cell of %v", i, p, sz, box)
			}
		}
		for _, c := range []int{2, 3, 6, 8} {
			lab := cells[c].(*widget.Label)
			if need := fitWidth([]string{lab.Text}); lab.Text != "" && lab.Size().Width+0.5 < need {
				t.Fatalf("row %d: column %d is %.0f wide, %q needs %.0f", i, c, lab.Size().Width, lab.Text, need)
			}
		}
	}
	if withURL == 0 || without == 0 {
		t.Fatalf("the demo gives %d rows with a public address and %d without", withURL, without)
	}
	// The columns that give way still have room to be read.
	for _, c := range []int{0, 1, 4, 5, 7} {
		if w := cells[c].Size().Width; w < 80 {
			t.Errorf("column %d is only %.0f wide at 1024", c, w)
		}
	}
}
