package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
)

// regionDepth is how many levels the region picker offers: province, city,
// county, town.
const regionDepth = 4

// regionPicker is a cascade of drop-down lists over forms.Regions(): each
// list offers the regions inside the one chosen to its left. Municipalities
// have no cities, so the levels are positions in the tree, not
// forms.RegionLevel: under 北京市 the second list holds its districts.
type regionPicker struct {
	selects [regionDepth]*lazySelect
	codes   [regionDepth][]string
	content *fyne.Container
	loading bool
	// filled is whether the first list holds the provinces: the region
	// table (4–5 MB in memory) is read when a list is opened or a region
	// shown, not when a form is built (issue 17: a window that only lists
	// needs never reads it).
	filled bool
	// hidden is set on a picker whose screen is not shown at the start
	// (the settings): setCode then keeps the code in pending, and the
	// lists show it once the screen is (ensureFilled).
	hidden  bool
	pending *string
	// onChanged is called after the user picked a region, with its code.
	onChanged func(code string)
}

func newRegionPicker(onChanged func(string)) *regionPicker {
	p := &regionPicker{onChanged: onChanged}
	var objs []fyne.CanvasObject
	for i := range p.selects {
		s := &lazySelect{before: p.ensureFilled}
		s.OnChanged = func(string) { p.picked(i) }
		s.PlaceHolder = lang.L("region.level." + string(rune('1'+i)))
		s.ExtendBaseWidget(s)
		if i > 0 {
			s.Disable()
		}
		p.selects[i] = s
		objs = append(objs, s)
	}
	p.content = container.NewGridWithColumns(regionDepth, objs...)
	return p
}

// ensureFilled puts the provinces into the first list, once, and shows
// the region setCode kept pending.
func (p *regionPicker) ensureFilled() {
	if !p.filled {
		p.fill(0, "")
	}
	if code := p.pending; code != nil {
		p.pending = nil
		p.setCode(*code)
	}
}

// fill sets the options of list i to the regions inside parent and empties
// the lists after it.
func (p *regionPicker) fill(i int, parent string) {
	for j := i; j < regionDepth; j++ {
		p.codes[j] = nil
		p.selects[j].Options = nil
		p.selects[j].Selected = ""
	}
	if i == 0 {
		p.filled = true
	}
	if i < regionDepth {
		kids := forms.Regions().Children(parent)
		names := make([]string, len(kids))
		for k, r := range kids {
			names[k] = r.Name
			p.codes[i] = append(p.codes[i], r.Code)
		}
		p.selects[i].Options = names
	}
	for j := i; j < regionDepth; j++ {
		if len(p.selects[j].Options) == 0 && j > 0 {
			p.selects[j].Disable()
		} else {
			p.selects[j].Enable()
		}
		p.selects[j].Refresh()
	}
}

func (p *regionPicker) picked(i int) {
	if p.loading {
		return
	}
	idx := p.selects[i].SelectedIndex()
	if idx < 0 {
		return
	}
	p.loading = true
	p.fill(i+1, p.codes[i][idx])
	p.loading = false
	if p.onChanged != nil {
		p.onChanged(p.code())
	}
}

// code returns the code of the deepest region chosen, or "".
func (p *regionPicker) code() string {
	if p.pending != nil {
		return *p.pending
	}
	code := ""
	for i := range p.selects {
		idx := p.selects[i].SelectedIndex()
		if idx < 0 {
			break
		}
		code = p.codes[i][idx]
	}
	return code
}

// setCode shows the region with the given code ("" or an unknown code
// clears the picker).
func (p *regionPicker) setCode(code string) {
	if p.hidden && !p.filled {
		p.pending = &code
		return
	}
	p.pending = nil
	p.loading = true
	defer func() { p.loading = false }()
	p.fill(0, "")
	for i, r := range forms.Regions().Path(code) {
		if i >= regionDepth {
			break
		}
		idx := slices.Index(p.codes[i], r.Code)
		if idx < 0 {
			break
		}
		p.selects[i].SetSelectedIndex(idx)
		p.fill(i+1, r.Code)
	}
}

// lazySelect is a drop-down list that calls before when it is about to
// open (tapped, or opened from the keyboard), so that its options can be
// made then.
type lazySelect struct {
	widget.Select
	before func()
}

// Tapped implements fyne.Tappable.
func (s *lazySelect) Tapped(e *fyne.PointEvent) {
	s.before()
	s.Select.Tapped(e)
}

// TypedKey implements fyne.Focusable.
func (s *lazySelect) TypedKey(e *fyne.KeyEvent) {
	s.before()
	s.Select.TypedKey(e)
}

// treePicker chooses up to max options of a two-level vocabulary (the
// technology fields: 电子信息 › 软件): a list of categories, a list of the
// chosen category's options, an Add button, and the chosen options as
// buttons that remove themselves when tapped.
type treePicker struct {
	vocab    *forms.Vocabulary
	lang     string
	max      int
	parent   *widget.Select
	child    *widget.Select
	add      *widget.Button
	chosen   *fyne.Container
	content  *fyne.Container
	selected []string
	parents  []forms.Option
	children []forms.Option
	// onChanged is called after the user added or removed an option.
	onChanged func([]string)
}

func newTreePicker(v *forms.Vocabulary, lng string, maxItems int, onChanged func([]string)) *treePicker {
	p := &treePicker{vocab: v, lang: lng, max: maxItems, onChanged: onChanged}
	p.parents = v.Children("")
	var names []string
	for _, o := range p.parents {
		names = append(names, o.Label(lng))
	}
	p.parent = widget.NewSelect(names, func(string) { p.parentPicked() })
	p.parent.PlaceHolder = lang.L("tree.category")
	p.child = widget.NewSelect(nil, nil)
	p.child.PlaceHolder = lang.L("tree.whole")
	p.child.Disable()
	p.add = widget.NewButtonWithIcon(lang.L("tree.add"), theme.ContentAddIcon(), p.addPicked)
	p.add.Disable()
	p.chosen = container.NewVBox() // one per line: long names would widen the form
	p.content = container.NewVBox(
		container.NewBorder(nil, nil, nil, p.add, container.NewGridWithColumns(2, p.parent, p.child)),
		p.chosen,
	)
	return p
}

func (p *treePicker) parentPicked() {
	i := p.parent.SelectedIndex()
	if i < 0 {
		return
	}
	p.children = p.vocab.Children(p.parents[i].Code)
	names := []string{lang.L("tree.whole")}
	for _, o := range p.children {
		names = append(names, o.Label(p.lang))
	}
	p.child.Options = names
	p.child.ClearSelected()
	p.child.Enable()
	p.refreshAdd()
}

// addPicked adds the chosen option: the sub-field if one is chosen, else
// the whole category.
func (p *treePicker) addPicked() {
	i := p.parent.SelectedIndex()
	if i < 0 {
		return
	}
	code := p.parents[i].Code
	if j := p.child.SelectedIndex(); j > 0 {
		code = p.children[j-1].Code
	}
	if slices.Contains(p.selected, code) {
		return
	}
	p.setSelected(append(slices.Clone(p.selected), code))
	if p.onChanged != nil {
		p.onChanged(p.selected)
	}
}

func (p *treePicker) remove(code string) {
	p.setSelected(slices.DeleteFunc(slices.Clone(p.selected), func(c string) bool { return c == code }))
	if p.onChanged != nil {
		p.onChanged(p.selected)
	}
}

// setSelected shows the given codes as chosen.
func (p *treePicker) setSelected(codes []string) {
	p.selected = slices.Clone(codes)
	p.chosen.RemoveAll()
	for _, c := range p.selected {
		label := p.vocab.Label(c, p.lang)
		if o, ok := p.vocab.Option(c); ok && o.Parent != "" {
			label = p.vocab.Label(o.Parent, p.lang) + " › " + label
		}
		b := widget.NewButtonWithIcon(label, theme.CancelIcon(), func() { p.remove(c) })
		b.Importance = widget.LowImportance
		b.IconPlacement = widget.ButtonIconTrailingText
		p.chosen.Add(container.NewHBox(b))
	}
	p.chosen.Refresh()
	p.refreshAdd()
}

func (p *treePicker) refreshAdd() {
	if p.parent.SelectedIndex() >= 0 && !p.parent.Disabled() && (p.max <= 0 || len(p.selected) < p.max) {
		p.add.Enable()
	} else {
		p.add.Disable()
	}
}

func (p *treePicker) setEnabled(on bool) {
	for _, o := range p.chosen.Objects {
		if b, ok := o.(*fyne.Container).Objects[0].(*widget.Button); ok {
			if on {
				b.Enable()
			} else {
				b.Disable()
			}
		}
	}
	if on {
		p.parent.Enable()
		if p.parent.SelectedIndex() >= 0 {
			p.child.Enable()
		}
	} else {
		p.parent.Disable()
		p.child.Disable()
	}
	p.refreshAdd()
}
