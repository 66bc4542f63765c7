package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sideBySide shows two panes side by side, each scrolling on its own and
// split where the user drags, when the width allows both their minimum
// widths; below that it stacks them in one scroll, the first above the
// second, so that a 1024-pixel laptop screen shows all of both (issue 12.4).
// Its minimum size is that of the stacked arrangement: it never makes the
// window wider than one pane needs.
type sideBySide struct {
	first, second fyne.CanvasObject
	// offset is the first pane's share of the width side by side; it keeps
	// what the user dragged the divider to.
	offset float64

	host  *fyne.Container
	wide  bool
	built bool
	split *container.Split
	left  *container.Scroll // side by side: the first pane's scroll
	right *container.Scroll // side by side: the second pane's scroll
	stack *container.Scroll // stacked: the one scroll
}

func newSideBySide(first, second fyne.CanvasObject, offset float64) *sideBySide {
	s := &sideBySide{first: first, second: second, offset: offset}
	s.host = container.New(s)
	return s
}

// content is what goes on screen.
func (s *sideBySide) content() fyne.CanvasObject { return s.host }

// fitsSideBySide reports whether both panes fit side by side in width.
func (s *sideBySide) fitsSideBySide(width float32) bool {
	// The split's divider and the two scroll bars.
	extra := theme.Padding()*2 + theme.ScrollBarSize()*2
	return width >= s.first.MinSize().Width+s.second.MinSize().Width+extra
}

// Layout arranges the panes for size, rebuilding the arrangement when the
// width crosses the point where both fit side by side.
func (s *sideBySide) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	wide := s.fitsSideBySide(size.Width)
	if !s.built || wide != s.wide {
		s.build(wide)
	}
	for _, o := range s.host.Objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize is the stacked arrangement's: the wider pane, and a scroll's
// height.
func (s *sideBySide) MinSize([]fyne.CanvasObject) fyne.Size {
	w := max(s.first.MinSize().Width, s.second.MinSize().Width) + theme.ScrollBarSize()
	return fyne.NewSize(w, theme.Padding()*8)
}

func (s *sideBySide) build(wide bool) {
	if s.split != nil {
		s.offset = s.split.Offset
	}
	s.wide, s.built = wide, true
	s.split, s.left, s.right, s.stack = nil, nil, nil, nil
	if wide {
		s.left, s.right = container.NewVScroll(s.first), container.NewVScroll(s.second)
		s.split = container.NewHSplit(s.left, s.right)
		s.split.Offset = s.offset
		s.host.Objects = []fyne.CanvasObject{s.split}
		return
	}
	s.stack = container.NewVScroll(container.NewVBox(s.first, widget.NewSeparator(), s.second))
	s.host.Objects = []fyne.CanvasObject{s.stack}
}

// scrollFor returns the scroll that shows pane (first or second) now, nil
// before the first layout.
func (s *sideBySide) scrollFor(pane fyne.CanvasObject) *container.Scroll {
	if s.stack != nil {
		return s.stack
	}
	if pane == s.first {
		return s.left
	}
	return s.right
}

// scrollToTop shows the top of both panes.
func (s *sideBySide) scrollToTop() {
	for _, sc := range []*container.Scroll{s.left, s.right, s.stack} {
		if sc != nil {
			sc.ScrollToTop()
		}
	}
}

// showInScroll scrolls s, when needed, so that all of o shows (its top, when
// it is taller than s): what a button the user pressed says must be seen
// without scrolling (issue 12.6). o must be inside s's content.
func showInScroll(s *container.Scroll, o fyne.CanvasObject) {
	if s == nil || s.Content == nil || !o.Visible() {
		return
	}
	s.Content.Refresh() // lay o out at its new size first
	// Not the driver's absolute positions: an object shown since the last
	// frame has none yet.
	at, ok := positionIn(s.Content, o)
	if !ok {
		return
	}
	top := at.Y
	bottom, view := top+o.Size().Height, s.Size().Height
	switch {
	case top < s.Offset.Y || o.Size().Height > view:
		s.ScrollToOffset(fyne.NewPos(s.Offset.X, top))
	case bottom > s.Offset.Y+view:
		s.ScrollToOffset(fyne.NewPos(s.Offset.X, bottom-view))
	}
}

// positionIn returns where o lies inside root, following containers and
// theme overrides (what a screen's scroll holds); ok is false when o is not
// found there.
func positionIn(root, o fyne.CanvasObject) (fyne.Position, bool) {
	if root == o {
		return fyne.Position{}, true
	}
	var children []fyne.CanvasObject
	switch r := root.(type) {
	case *fyne.Container:
		children = r.Objects
	case *container.ThemeOverride:
		children = []fyne.CanvasObject{r.Content}
	}
	for _, c := range children {
		if p, ok := positionIn(c, o); ok {
			return c.Position().Add(p), true
		}
	}
	return fyne.Position{}, false
}

// resultRow puts what a button says beside it, on its left, so that it
// shows wherever the button does; the buttons keep their height at the top.
func resultRow(message fyne.CanvasObject, buttons ...fyne.CanvasObject) *fyne.Container {
	return container.NewBorder(nil, nil, nil, container.NewVBox(container.NewHBox(buttons...)), message)
}
