package app

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
)

// The forms are drawn from the field catalogue: newFieldForm makes one input
// per catalogue field, chosen by the field's kind, with its label, required
// mark, help text and a message line for validation problems. A new field in
// the catalogue appears on screen without a change here.
//
// Validation never moves a field under the user's cursor (issue 12.5): each
// field's message line is reserved whether or not it has a message, a new
// problem of a field being typed in shows only once the field loses the focus
// (or when the form is finalised), and a problem that is fixed disappears at
// once. Only a message longer than its line grows the form, and then at the
// moment the user leaves the field.

// fieldEntry is a widget.Entry that never takes the Tab key, so that Tab
// moves to the next field even from a multi-line entry: the tab order is the
// order of the form.
type fieldEntry struct {
	widget.Entry
	// onBlur, when set, is called after the entry lost the focus.
	onBlur func()
	rend   fyne.WidgetRenderer
}

func newFieldEntry(multiLine bool) *fieldEntry {
	e := &fieldEntry{}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	if multiLine {
		e.SetMinRowsVisible(3)
	}
	return e
}

// AcceptsTab reports false: Tab moves the focus on.
func (e *fieldEntry) AcceptsTab() bool { return false }

// CreateRenderer keeps the entry's renderer, to reach its scroll.
func (e *fieldEntry) CreateRenderer() fyne.WidgetRenderer {
	e.rend = e.Entry.CreateRenderer()
	return e.rend
}

// innerScroll is the scroll inside a multi-line entry, nil before the entry
// is drawn.
func (e *fieldEntry) innerScroll() *container.Scroll {
	if e.rend == nil {
		return nil
	}
	for _, o := range e.rend.Objects() {
		if s, ok := o.(*container.Scroll); ok {
			return s
		}
	}
	return nil
}

// wheelCatcher lies over an entry and takes the mouse wheel, which the
// entry's own scroll would swallow even when all its text shows (issue
// 12.14): it scrolls the entry while the entry has more text that way (a
// long multi-line text), else the scroll around the form. Taps, drags and the
// pointer go through to the entry.
type wheelCatcher struct {
	widget.BaseWidget
	inner func() *container.Scroll // the entry's own scroll, nil when unknown
	outer func() *container.Scroll // the scroll around it, nil when none
}

// passWheel puts a wheelCatcher over o (an entry): the wheel scrolls inner
// while it can, else outer. The result shows and hides with o.
func passWheel(o fyne.CanvasObject, inner, outer func() *container.Scroll) fyne.CanvasObject {
	c := &wheelCatcher{inner: inner, outer: outer}
	c.ExtendBaseWidget(c)
	f := &wheelField{field: o, catcher: c}
	f.ExtendBaseWidget(f)
	return f
}

// wheelThrough puts a wheelCatcher over every plain entry inside root's
// containers (not those inside other widgets), so that the wheel over them
// scrolls outer: for screens whose entries are made in many places.
func wheelThrough(root fyne.CanvasObject, outer func() *container.Scroll) {
	c, ok := root.(*fyne.Container)
	if !ok {
		return
	}
	for i, o := range c.Objects {
		if e, ok := o.(*widget.Entry); ok {
			c.Objects[i] = passWheel(e, nil, outer)
			continue
		}
		wheelThrough(o, outer)
	}
}

// wheelField is a field with a wheelCatcher over it; it is visible when the
// field is, so that a form row whose field is hidden takes no room.
type wheelField struct {
	widget.BaseWidget
	field   fyne.CanvasObject
	catcher *wheelCatcher
}

// Visible follows the field.
func (w *wheelField) Visible() bool { return w.field.Visible() }

// CreateRenderer lays the catcher over the field.
func (w *wheelField) CreateRenderer() fyne.WidgetRenderer { return &wheelFieldRenderer{w: w} }

type wheelFieldRenderer struct{ w *wheelField }

func (r *wheelFieldRenderer) Destroy() {}
func (r *wheelFieldRenderer) Layout(s fyne.Size) {
	for _, o := range r.Objects() {
		o.Move(fyne.Position{})
		o.Resize(s)
	}
}
func (r *wheelFieldRenderer) MinSize() fyne.Size { return r.w.field.MinSize() }
func (r *wheelFieldRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.w.field, r.w.catcher}
}
func (r *wheelFieldRenderer) Refresh() { r.w.field.Refresh() }

// CreateRenderer draws nothing.
func (w *wheelCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// Scrolled scrolls the entry or the scroll around it.
func (w *wheelCatcher) Scrolled(ev *fyne.ScrollEvent) {
	if w.inner != nil {
		if s := w.inner(); s != nil && canScroll(s, ev.Scrolled.DY) {
			s.Scrolled(ev)
			return
		}
	}
	if w.outer != nil {
		if s := w.outer(); s != nil {
			s.Scrolled(ev)
		}
	}
}

// canScroll reports whether a scroll has more content in the direction of
// a wheel movement dy (negative: down).
func canScroll(s *container.Scroll, dy float32) bool {
	content, view := s.Content.MinSize().Height, s.Size().Height
	switch {
	case dy < 0:
		return s.Offset.Y+view < content-0.5
	case dy > 0:
		return s.Offset.Y > 0.5
	}
	return false
}

// FocusLost shows the problems found while the user typed.
func (e *fieldEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.onBlur != nil {
		e.onBlur()
	}
}

// reservedLine holds a field's message label so that it takes one line of
// small text when empty (the label's inner padding trimmed), and grows only
// for a message that wraps onto more lines.
type reservedLine struct{}

func (reservedLine) inset() float32 { return theme.InnerPadding() }

func (l reservedLine) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	d := l.inset()
	for _, o := range objs {
		o.Move(fyne.NewPos(0, -d))
		o.Resize(fyne.NewSize(size.Width, size.Height+2*d))
	}
}

func (l reservedLine) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return fyne.NewSize(m.Width, max(m.Height-2*l.inset(), 0))
}

// radioLimit is the largest vocabulary drawn as radio buttons rather than a
// drop-down list.
const radioLimit = 4

// fieldInput is one catalogue field on screen.
type fieldInput struct {
	field   *forms.Field
	label   *widget.Label
	help    *widget.Label
	message *widget.Label // the validation message, "" when none is shown
	// messageLine holds message, its room reserved (see reservedLine).
	messageLine fyne.CanvasObject
	// cell is what goes in the form's right-hand column: the input, its
	// message and its help.
	cell fyne.CanvasObject
	// extra holds widgets a screen may add below the input (the credit
	// code's "keep it" button).
	extra *fyne.Container

	// One of these is the input, by kind.
	entry      *fieldEntry        // text, long text, numbers, money, dates, keywords, codes, phones
	negotiable *widget.Check      // 面议, beside a money field with a negotiable flag
	sel        *widget.Select     // enum with more than radioLimit options
	radio      *widget.RadioGroup // enum with few options
	checks     []*widget.Check    // multi_enum of a flat vocabulary
	tree       *treePicker        // multi_enum of a two-level vocabulary
	check      *widget.Check      // bool
	region     *regionPicker      // region

	codes    []string // option codes, in the order of the widget's options
	parseErr *forms.ParseError
	// keptAmount is the amount typed before 面议 was ticked, given back
	// when it is unticked.
	keptAmount string

	// revealed is set once the user left the field (or chose a value in
	// it): its problems show from then on. pending is the message its
	// problems make now, shown or not, with its importance.
	revealed   bool
	pending    string
	pendingImp widget.Importance
}

// focusable returns the widget that takes the keyboard focus first.
func (in *fieldInput) focusable() fyne.Focusable {
	switch {
	case in.entry != nil:
		return in.entry
	case in.sel != nil:
		return in.sel
	case in.region != nil:
		return in.region.selects[0]
	case in.check != nil:
		return in.check
	}
	return nil
}

// fieldForm is a set of fieldInputs bound to one Values map.
type fieldForm struct {
	cat    *forms.Catalogue
	lang   string
	values forms.Values
	inputs []*fieldInput
	byID   map[string]*fieldInput
	// loading is set while widgets are filled from values, so that their
	// change callbacks do not write back.
	loading bool
	// strict shows every field's problems at once: the user asked to
	// finalise. load clears it.
	strict bool
	// OnChanged is called on the UI goroutine after a user edit has been
	// written into values.
	OnChanged func(id string)
	// OnMessage, when set, is called after the message shown beside a
	// field changed.
	OnMessage func(id string)
	// scroll, when set, returns the scroll the form is in: the mouse wheel
	// over a text field scrolls it.
	scroll func() *container.Scroll
}

// newFieldForm makes inputs for the given fields. A bool field that is the
// negotiable flag of a money field among them gets no input of its own: it is
// the 面议 check beside the amount.
func newFieldForm(cat *forms.Catalogue, lng string, fields []*forms.Field) *fieldForm {
	f := &fieldForm{cat: cat, lang: lng, values: forms.Values{}, byID: map[string]*fieldInput{}}
	flags := map[string]bool{}
	for _, fd := range fields {
		if fd.NegotiableFlag != "" {
			flags[fd.NegotiableFlag] = true
		}
	}
	for _, fd := range fields {
		if flags[fd.ID] {
			continue
		}
		in := f.newInput(fd)
		f.inputs = append(f.inputs, in)
		f.byID[fd.ID] = in
	}
	return f
}

// input returns the input of a field, or nil.
func (f *fieldForm) input(id string) *fieldInput { return f.byID[id] }

func (f *fieldForm) newInput(fd *forms.Field) *fieldInput {
	in := &fieldInput{field: fd}
	text := fd.Label(f.lang)
	if fd.Required {
		text += " *"
	}
	in.label = widget.NewLabel(text)
	in.help = widget.NewLabel(fd.Help(f.lang))
	in.help.Wrapping = fyne.TextWrapWord
	in.help.Importance = widget.LowImportance
	in.help.SizeName = theme.SizeNameCaptionText
	if fd.Help(f.lang) == "" {
		in.help.Hide()
	}
	in.message = widget.NewLabel("")
	in.message.Wrapping = fyne.TextWrapWord
	in.message.SizeName = theme.SizeNameCaptionText
	in.message.Importance = widget.DangerImportance
	in.messageLine = container.New(reservedLine{}, in.message)
	in.extra = container.NewHBox()
	in.extra.Hide()

	var input fyne.CanvasObject
	switch fd.Kind {
	case forms.KindEnum:
		input = f.newEnum(in)
	case forms.KindMultiEnum:
		input = f.newMultiEnum(in)
	case forms.KindBool:
		in.check = widget.NewCheck(lang.L("field.yes"), func(bool) { f.write(in) })
		input = in.check
	case forms.KindRegion:
		in.region = newRegionPicker(func(string) { f.write(in) })
		input = in.region.content
	default:
		in.entry = newFieldEntry(fd.Kind == forms.KindLongText)
		in.entry.SetPlaceHolder(placeholder(fd))
		in.entry.OnChanged = func(string) { f.write(in) }
		in.entry.onBlur = func() { f.reveal(in) }
		input = passWheel(in.entry, in.entry.innerScroll, func() *container.Scroll {
			if f.scroll == nil {
				return nil
			}
			return f.scroll()
		})
		if fd.Kind == forms.KindMoney {
			unit := widget.NewLabel(lang.L("field.unit.wan"))
			var right []fyne.CanvasObject
			right = append(right, unit)
			if fd.NegotiableFlag != "" {
				in.negotiable = widget.NewCheck(lang.L("field.negotiable"), func(bool) { f.writeNegotiable(in) })
				right = append(right, in.negotiable)
			}
			input = container.NewBorder(nil, nil, nil, container.NewHBox(right...), input)
		}
	}
	in.cell = container.NewVBox(input, in.extra, in.messageLine, in.help)
	return in
}

// placeholder is the hint an empty entry shows.
func placeholder(fd *forms.Field) string {
	switch fd.Kind {
	case forms.KindDate:
		return lang.L("field.placeholder.date")
	case forms.KindMoney:
		return lang.L("field.placeholder.money")
	case forms.KindKeywords:
		return lang.L("field.placeholder.keywords")
	case forms.KindMobile:
		return lang.L("field.placeholder.mobile")
	case forms.KindCreditCode:
		return lang.L("field.placeholder.creditcode")
	}
	return ""
}

func (f *fieldForm) newEnum(in *fieldInput) fyne.CanvasObject {
	v := f.cat.Vocabulary(in.field.Vocabulary)
	var labels []string
	width := 0
	for _, o := range v.Options {
		in.codes = append(in.codes, o.Code)
		labels = append(labels, o.Label(f.lang))
		width += utf8.RuneCountInString(o.Label(f.lang)) + 3
	}
	if len(v.Options) <= radioLimit {
		in.radio = widget.NewRadioGroup(labels, func(string) { f.write(in) })
		in.radio.Horizontal = width <= 36
		return in.radio
	}
	if !in.field.Required {
		// An optional field can be emptied again.
		in.codes = append([]string{""}, in.codes...)
		labels = append([]string{lang.L("field.none")}, labels...)
	}
	in.sel = widget.NewSelect(labels, func(string) { f.write(in) })
	in.sel.PlaceHolder = lang.L("field.choose")
	return in.sel
}

func (f *fieldForm) newMultiEnum(in *fieldInput) fyne.CanvasObject {
	v := f.cat.Vocabulary(in.field.Vocabulary)
	twoLevel := slices.ContainsFunc(v.Options, func(o forms.Option) bool { return o.Parent != "" })
	if twoLevel {
		in.tree = newTreePicker(v, f.lang, in.field.MaxItems, func([]string) { f.write(in) })
		return in.tree.content
	}
	longest := 0
	var objs []fyne.CanvasObject
	for _, o := range v.Options {
		in.codes = append(in.codes, o.Code)
		longest = max(longest, utf8.RuneCountInString(o.Label(f.lang)))
		c := widget.NewCheck(o.Label(f.lang), func(bool) { f.write(in) })
		in.checks = append(in.checks, c)
		objs = append(objs, c)
	}
	cols := 4
	switch {
	case longest > 10:
		cols = 2
	case longest > 6:
		cols = 3
	}
	return container.NewGridWithColumns(cols, objs...)
}

// load shows v (which the form then edits in place) in the widgets.
func (f *fieldForm) load(v forms.Values) {
	if v == nil {
		v = forms.Values{}
	}
	f.values = v
	f.loading = true
	f.strict = false
	defer func() { f.loading = false }()
	for _, in := range f.inputs {
		f.show(in)
		in.parseErr = nil
		in.revealed, in.pending, in.keptAmount = false, "", ""
		in.message.SetText("")
	}
}

// reveal shows the problems of a field the user left.
func (f *fieldForm) reveal(in *fieldInput) {
	in.revealed = true
	f.display(in)
}

// revealAll shows every field's problems, now and while the form stays
// loaded: the user asked to finalise.
func (f *fieldForm) revealAll() {
	f.strict = true
	for _, in := range f.inputs {
		f.display(in)
	}
}

// display shows an input's pending message: at once when there is none (a
// fixed problem goes away), or when the field may show its problems, or when
// it already shows one (which the new message replaces in place).
func (f *fieldForm) display(in *fieldInput) {
	if in.pending != "" && !in.revealed && !f.strict && in.message.Text == "" {
		return
	}
	if in.message.Text == in.pending && in.message.Importance == in.pendingImp {
		return
	}
	in.message.Importance = in.pendingImp
	in.message.SetText(in.pending)
	if f.OnMessage != nil {
		f.OnMessage(in.field.ID)
	}
}

// show sets one input's widgets from f.values.
func (f *fieldForm) show(in *fieldInput) {
	fd, v := in.field, f.values
	switch {
	case in.entry != nil:
		text := v.Get(fd.ID)
		if fd.Kind == forms.KindKeywords {
			text = strings.Join(v.List(fd.ID), "、")
		}
		if in.negotiable != nil {
			neg := v.Bool(fd.NegotiableFlag)
			in.negotiable.SetChecked(neg)
			if neg {
				text = ""
				in.entry.Disable()
			} else {
				in.entry.Enable()
			}
		}
		in.entry.SetText(text)
	case in.sel != nil:
		if i := slices.Index(in.codes, v.Get(fd.ID)); i >= 0 && v.Has(fd.ID) {
			in.sel.SetSelectedIndex(i)
		} else {
			in.sel.ClearSelected()
		}
	case in.radio != nil:
		sel := ""
		if i := slices.Index(in.codes, v.Get(fd.ID)); i >= 0 {
			sel = in.radio.Options[i]
		}
		in.radio.SetSelected(sel)
	case in.checks != nil:
		have := v.List(fd.ID)
		for i, c := range in.checks {
			c.SetChecked(slices.Contains(have, in.codes[i]))
		}
	case in.tree != nil:
		in.tree.setSelected(v.List(fd.ID))
	case in.check != nil:
		in.check.SetChecked(v.Bool(fd.ID))
	case in.region != nil:
		in.region.setCode(v.Get(fd.ID))
	}
}

// write stores the input's value after a user edit.
func (f *fieldForm) write(in *fieldInput) {
	if f.loading {
		return
	}
	fd, v := in.field, f.values
	in.parseErr = nil
	switch {
	case in.entry != nil:
		if err := f.cat.SetInput(v, fd, in.entry.Text); err != nil {
			if pe, ok := err.(*forms.ParseError); ok {
				in.parseErr = pe
			}
		} else if in.negotiable != nil && v.Bool(fd.NegotiableFlag) && !in.negotiable.Checked {
			// 面议 typed into the amount.
			f.loading = true
			in.negotiable.SetChecked(true)
			f.loading = false
		}
	case in.sel != nil:
		code := ""
		if i := in.sel.SelectedIndex(); i >= 0 {
			code = in.codes[i]
		}
		v.Set(fd.ID, code)
	case in.radio != nil:
		code := ""
		if i := slices.Index(in.radio.Options, in.radio.Selected); i >= 0 {
			code = in.codes[i]
		}
		v.Set(fd.ID, code)
	case in.checks != nil:
		var codes []string
		for i, c := range in.checks {
			if c.Checked {
				codes = append(codes, in.codes[i])
			}
		}
		v.SetList(fd.ID, codes)
	case in.tree != nil:
		v.SetList(fd.ID, in.tree.selected)
	case in.check != nil:
		v.Set(fd.ID, strconv.FormatBool(in.check.Checked))
	case in.region != nil:
		v.Set(fd.ID, in.region.code())
	}
	if in.entry == nil {
		in.revealed = true // a choice, not typing: its problems show at once
	}
	if f.OnChanged != nil {
		f.OnChanged(fd.ID)
	}
}

// writeNegotiable handles the 面议 check of a money field.
func (f *fieldForm) writeNegotiable(in *fieldInput) {
	if f.loading {
		return
	}
	fd, v := in.field, f.values
	if in.negotiable.Checked {
		in.keptAmount = in.entry.Text
		delete(v, fd.ID)
		v.Set(fd.NegotiableFlag, "true")
		f.loading = true
		in.entry.SetText("")
		f.loading = false
		in.entry.Disable()
		in.parseErr = nil
	} else {
		// The amount typed before 面议 comes back (issue 12.14).
		delete(v, fd.NegotiableFlag)
		in.entry.Enable()
		if kept := in.keptAmount; kept != "" {
			in.keptAmount = ""
			f.loading = true
			in.entry.SetText(kept)
			f.loading = false
			if err := f.cat.SetInput(v, fd, kept); err != nil {
				if pe, ok := err.(*forms.ParseError); ok {
					in.parseErr = pe
				}
			}
		}
	}
	if f.OnChanged != nil {
		f.OnChanged(fd.ID)
	}
}

// showProblems puts each problem next to its field: a value that could not be
// read first, then the problems found by validation. Problems of fields not
// on the form are returned.
func (f *fieldForm) showProblems(ps []forms.Problem) (rest []forms.Problem) {
	byField := map[string][]forms.Problem{}
	for _, p := range ps {
		id := p.Field
		if _, ok := f.byID[id]; !ok {
			// The negotiable flag's problems belong to its amount.
			for _, in := range f.inputs {
				if in.field.NegotiableFlag == id {
					id = in.field.ID
				}
			}
		}
		if _, ok := f.byID[id]; !ok {
			rest = append(rest, p)
			continue
		}
		byField[id] = append(byField[id], p)
	}
	for _, in := range f.inputs {
		var texts []string
		warning := true
		if in.parseErr != nil {
			texts = append(texts, in.parseErr.Problem().Text(f.lang))
			warning = false
		}
		for _, p := range byField[in.field.ID] {
			t := p.Text(f.lang)
			if p.Item > 0 {
				t = lang.L("field.item", map[string]any{"N": p.Item}) + t
			}
			texts = append(texts, t)
			if p.Severity == forms.SeverityError {
				warning = false
			}
		}
		in.pending, in.pendingImp = strings.Join(texts, " "), widget.DangerImportance
		if warning {
			in.pendingImp = widget.WarningImportance
		}
		f.display(in)
	}
	return rest
}

// rows lays out the inputs of the given fields (all, in catalogue order, when
// none are given) as a two-column form.
func (f *fieldForm) rows(ids ...string) *fyne.Container {
	var objs []fyne.CanvasObject
	add := func(in *fieldInput) { objs = append(objs, in.label, in.cell) }
	if len(ids) == 0 {
		for _, in := range f.inputs {
			add(in)
		}
	}
	for _, id := range ids {
		if in := f.byID[id]; in != nil {
			add(in)
		}
	}
	return container.New(layout.NewFormLayout(), objs...)
}

// sections lays the inputs out under a heading per catalogue section.
func (f *fieldForm) sections() *fyne.Container {
	box := container.NewVBox()
	var cur string
	var ids []string
	flush := func() {
		if len(ids) == 0 {
			return
		}
		box.Add(sectionHeading(lang.L("section." + cur)))
		box.Add(f.rows(ids...))
		ids = nil
	}
	for _, in := range f.inputs {
		if in.field.Section != cur {
			flush()
			cur = in.field.Section
		}
		ids = append(ids, in.field.ID)
	}
	flush()
	return box
}

// setEnabled enables or disables every input.
func (f *fieldForm) setEnabled(on bool) {
	type disableable interface {
		Enable()
		Disable()
	}
	set := func(d disableable) {
		if on {
			d.Enable()
		} else {
			d.Disable()
		}
	}
	for _, in := range f.inputs {
		switch {
		case in.entry != nil:
			if on && in.negotiable != nil && in.negotiable.Checked {
				in.entry.Disable()
			} else {
				set(in.entry)
			}
			if in.negotiable != nil {
				set(in.negotiable)
			}
		case in.sel != nil:
			set(in.sel)
		case in.radio != nil:
			set(in.radio)
		case in.check != nil:
			set(in.check)
		case in.region != nil:
			for _, s := range in.region.selects {
				set(s)
			}
		case in.tree != nil:
			in.tree.setEnabled(on)
		}
		for _, c := range in.checks {
			set(c)
		}
	}
}

// sectionHeading is the heading above a group of fields.
func sectionHeading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// moneyText says an amount in 万元 as the UI language writes money: the
// translation gets the amount in 万元 (N) and in yuan (Yuan, with thousands
// separators), so that English reads "800,000 yuan", not "80 × 10,000 yuan".
func moneyText(wan string) string {
	yuan, ok := wanToYuan(wan)
	if !ok {
		yuan = wan + " × 10,000"
	}
	return lang.L("field.money", map[string]any{"N": wan, "Yuan": yuan})
}

// wanToYuan writes a decimal amount in 万元 in yuan, exactly (the decimal
// point moved four places), with thousands separators: "0.5" → "5,000".
func wanToYuan(wan string) (string, bool) {
	s := strings.TrimSpace(wan)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return "", false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	frac += strings.Repeat("0", max(0, 4-len(frac)))
	whole, frac = strings.TrimLeft(whole+frac[:4], "0"), strings.TrimRight(frac[4:], "0")
	if whole == "" {
		whole = "0"
	}
	out := groupDigits(whole)
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, true
}

// displayValue formats a field's values for reading (the confirmation
// screen, lists): option labels, 万元, region names, keywords joined.
func displayValue(cat *forms.Catalogue, fd *forms.Field, v forms.Values, lng string) string {
	vals := v.List(fd.ID)
	if len(vals) == 0 {
		if fd.NegotiableFlag != "" && v.Bool(fd.NegotiableFlag) {
			return lang.L("field.negotiable")
		}
		return ""
	}
	switch fd.Kind {
	case forms.KindEnum, forms.KindMultiEnum:
		voc := cat.Vocabulary(fd.Vocabulary)
		out := make([]string, len(vals))
		for i, c := range vals {
			out[i] = voc.Label(c, lng)
		}
		return strings.Join(out, "、")
	case forms.KindMoney:
		return moneyText(vals[0])
	case forms.KindBool:
		if vals[0] == "true" {
			return lang.L("field.yes")
		}
		return lang.L("field.no")
	case forms.KindRegion:
		if name := forms.Regions().FullName(vals[0]); name != "" {
			return name
		}
	case forms.KindMobile:
		return vals[0]
	}
	return strings.Join(vals, "、")
}
