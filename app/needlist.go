package app

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// searchDelay is how long the need search waits after a keystroke before it
// queries: typing 寻榜 is one query, not two.
const searchDelay = 150 * time.Millisecond

// needList is the 需求 screen's list: a search box, filters, a sort order and
// a virtual list that makes widgets only for the rows on screen, so 50,000
// needs cost 50,000 summaries in memory and a screenful of widgets.
type needList struct {
	u  *ui
	st needSource

	search    *widget.Entry
	status    *widget.Select
	needType  *widget.Select
	techField *widget.Select
	town      *widget.Select
	jiebang   *widget.Select // 揭榜: all, with solutions, with three or more (needlist_jiebang.go)
	sort      *widget.Select
	count     *widget.Label
	loading   *widget.Label
	newNeed   *widget.Button
	print     *widget.Button // 打印卡片: the needs shown now
	excel     *excelTransfer // 导入 Excel, 导出 Excel
	list      *widget.List
	content   fyne.CanvasObject

	// Filter option codes, in the order of their lists' options ("" = all).
	statusCodes, typeCodes, fieldCodes, townCodes, sortCodes []string

	layout *columnsLayout // the columns' widths, shared by the header and the rows

	index *needIndex // nil until loaded; UI goroutine only
	rows  []int32    // the current result: positions in index
	// toTop is set by a new search, filter or sort: its result shows from
	// the top, where a reload after a save keeps the list where it was.
	toTop    bool
	querySeq uint64
	loadSeq  uint64
	cancel   context.CancelFunc

	searchLater *debouncer
	reloadLater *debouncer
	// onLoaded is called (on the UI goroutine) after each load, for the
	// screens that wait for the list (screenshots pick their need from it).
	onLoaded []func()
}

// needColumns are the list's columns: those with a fit take the width
// their longest text needs (fitWidth), so that a status, a type, a date and
// a count are always read whole; the others share what is left by their
// weights, and give way (their text ends in …) on a narrow window.
var needColumns = []struct {
	key    string
	weight float32
	sort   string
	fit    func(lng string) []string // the texts the column must show whole; nil: it gives way
}{
	{"needs.col.title", 2.9, store.SortTitle, nil},
	{"needs.col.enterprise", 2.1, store.SortEnterprise, nil},
	{"needs.col.status", 0, store.SortStatus, statusTexts},
	{"needs.col.type", 0, "", needTypeTexts},
	{"needs.col.field", 1.6, "", nil},
	{"needs.col.town", 1.9, "", nil},
	{"needs.col.updated", 0, store.SortUpdated, func(string) []string { return []string{"2026-12-31"} }},
	{"needs.col.platform", 1.8, "", nil},                                          // the platform's verdict (verdict.go)
	{"needs.col.jiebang", 0, "", func(string) []string { return []string{"99"} }}, // solutions received (needlist_jiebang.go)
}

func newNeedList(u *ui) *needList {
	l := &needList{u: u, st: u.st}
	l.searchLater = newDebouncer(u, searchDelay, 0, l.newQuery)
	l.reloadLater = newDebouncer(u, 400*time.Millisecond, 2*time.Second, l.reload)

	l.search = widget.NewEntry()
	l.search.SetPlaceHolder(lang.L("needs.search"))
	l.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	l.search.OnChanged = func(string) { l.searchLater.Trigger() }

	cat := u.cat
	statusLabels := []string{lang.L("needs.filter.allstatus")}
	l.statusCodes = []string{""}
	for _, s := range forms.Statuses {
		statusLabels = append(statusLabels, s.Label(u.lang))
		l.statusCodes = append(l.statusCodes, string(s))
	}
	l.status = l.filterSelect(statusLabels)

	typeLabels := []string{lang.L("needs.filter.alltypes")}
	l.typeCodes = []string{""}
	for _, o := range cat.Vocabulary("need_type").Options {
		typeLabels = append(typeLabels, o.Label(u.lang))
		l.typeCodes = append(l.typeCodes, o.Code)
	}
	l.needType = l.filterSelect(typeLabels)

	fieldLabels := []string{lang.L("needs.filter.allfields")}
	l.fieldCodes = []string{""}
	voc := cat.Vocabulary("tech_field")
	for _, p := range voc.Children("") {
		fieldLabels = append(fieldLabels, p.Label(u.lang))
		l.fieldCodes = append(l.fieldCodes, p.Code)
		for _, c := range voc.Children(p.Code) {
			fieldLabels = append(fieldLabels, "　"+c.Label(u.lang))
			l.fieldCodes = append(l.fieldCodes, c.Code)
		}
	}
	l.techField = l.filterSelect(fieldLabels)

	l.townCodes = []string{""}
	l.town = l.filterSelect([]string{lang.L("needs.filter.alltowns")})
	l.jiebang = l.filterSelect(jiebangFilterLabels())

	l.sortCodes = []string{store.SortUpdated, store.SortTitle, store.SortStatus, store.SortEnterprise}
	l.sort = widget.NewSelect([]string{
		lang.L("needs.sort.updated"), lang.L("needs.sort.title"), lang.L("needs.sort.status"), lang.L("needs.sort.enterprise"),
	}, func(string) { l.newQuery() })
	l.sort.SetSelectedIndex(0)

	l.count = widget.NewLabel("")
	l.loading = widget.NewLabel(lang.L("needs.loading"))
	l.loading.Importance = widget.LowImportance
	l.newNeed = widget.NewButtonWithIcon(lang.L("needs.new"), theme.ContentAddIcon(), u.newNeed)
	l.newNeed.Importance = widget.HighImportance
	l.print = widget.NewButtonWithIcon(lang.L("cards.button"), theme.DocumentPrintIcon(), l.printCards)
	l.excel = newExcelTransfer(u)

	l.list = widget.NewList(
		func() int { return len(l.rows) },
		l.createRow,
		l.updateRow,
	)
	l.list.OnSelected = func(id widget.ListItemID) {
		l.list.UnselectAll()
		if id >= 0 && id < len(l.rows) {
			u.openNeed(l.index.sum(l.rows[id]).ID)
		}
	}

	filters := container.NewGridWithColumns(6, l.status, l.needType, l.techField, l.town, l.jiebang, l.sort)
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(l.count, l.excel.importBtn, l.excel.exportBtn, l.print, l.newNeed), l.search),
		filters,
		l.header(),
	)
	l.content = container.NewBorder(top, l.loading, nil, nil, l.list)
	return l
}

func (l *needList) filterSelect(options []string) *widget.Select {
	s := widget.NewSelect(options, func(string) { l.newQuery() })
	s.SetSelectedIndex(0)
	return s
}

// header is the row of column titles; those that sort the list are buttons.
func (l *needList) header() fyne.CanvasObject {
	var objs []fyne.CanvasObject
	for _, c := range needColumns {
		sortKey := c.sort
		// Every title is a button, so that they line up; those of the
		// columns that sort the list sort it.
		b := widget.NewButton(lang.L(c.key), func() {
			for i, k := range l.sortCodes {
				if k == sortKey && sortKey != "" {
					l.sort.SetSelectedIndex(i)
				}
			}
		})
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		objs = append(objs, b)
	}
	return container.New(l.columns(), objs...)
}

// columns is the layout the header and every row share, so that columns
// line up; it is measured once.
func (l *needList) columns() *columnsLayout {
	if l.layout != nil {
		return l.layout
	}
	c := &columnsLayout{weights: make([]float32, len(needColumns)), fixed: make([]float32, len(needColumns))}
	for i, col := range needColumns {
		c.weights[i] = col.weight
		if col.fit != nil {
			c.fixed[i] = min(fitWidth(append(col.fit(l.u.lang), lang.L(col.key))), maxFitWidth)
		}
	}
	l.layout = c
	return c
}

// maxFitWidth bounds a column that fits its texts (English names are long:
// past it they give way too).
const maxFitWidth = 150

func (l *needList) createRow() fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(needColumns))
	for i := range needColumns {
		lab := widget.NewLabel("")
		lab.Truncation = fyne.TextTruncateEllipsis
		objs[i] = lab
	}
	objs[7] = newVerdictCell(l.u)
	return container.New(l.columns(), objs...)
}

func (l *needList) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(l.rows) {
		return
	}
	s := l.index.sum(l.rows[id])
	cells := o.(*fyne.Container).Objects
	set := func(i int, text string) {
		lab := cells[i].(*widget.Label)
		if lab.Text != text {
			lab.SetText(text)
		}
	}
	set(0, s.Title)
	set(1, s.EnterpriseName)
	st := cells[2].(*widget.Label)
	if imp := statusImportance(s.Status); st.Importance != imp {
		st.Importance = imp
		st.Refresh()
	}
	set(2, s.Status.Label(l.u.lang))
	set(3, l.u.cat.Vocabulary("need_type").Label(s.NeedType, l.u.lang))
	set(4, techFieldText(l.u.cat, s.TechFields.List(), l.u.lang))
	set(5, l.index.townName(s.Region))
	set(6, s.UpdatedAt.Time().Local().Format("2006-01-02"))
	cells[7].(*verdictCell).show(s)
	set(8, l.index.solutionText(l.rows[id]))
}

// statusImportance colours a status: what waits for the official stands out.
func statusImportance(s forms.Status) widget.Importance {
	switch s {
	case forms.StatusToConfirm, forms.StatusToComplete:
		return widget.WarningImportance
	case forms.StatusConfirmed, forms.StatusPublished, forms.StatusSigned, forms.StatusResolved, forms.StatusSolved:
		return widget.SuccessImportance
	case forms.StatusClosed, forms.StatusWithdrawn:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// techFieldText names the most specific technology fields of a need.
func techFieldText(cat *forms.Catalogue, codes []string, lng string) string {
	voc := cat.Vocabulary("tech_field")
	out := ""
	for _, c := range codes {
		// A category followed by one of its own fields says the same twice.
		if o, ok := voc.Option(c); ok && o.Parent == "" && hasChildOf(codes, c, voc) {
			continue
		}
		if out != "" {
			out += "、"
		}
		out += voc.Label(c, lng)
	}
	return out
}

func hasChildOf(codes []string, parent string, voc *forms.Vocabulary) bool {
	for _, c := range codes {
		p := voc.Path(c) // the tech fields have three levels
		for _, o := range p[:max(0, len(p)-1)] {
			if o.Code == parent {
				return true
			}
		}
	}
	return false
}

// townName is a region's name with its county: 昆山市玉山镇.
func townName(code string) string { return townNameIn(forms.Regions(), code) }

// townNameIn is townName from the region index ix.
func townNameIn(ix *forms.RegionIndex, code string) string {
	r, ok := ix.Lookup(code)
	if !ok {
		return code
	}
	if p, ok := ix.Lookup(r.Parent); ok && r.Level == forms.RegionTown {
		return p.Name + r.Name
	}
	return r.Name
}

// query returns the query the search box and filters describe.
func (l *needList) query() store.Query {
	q := store.Query{Text: l.search.Text}
	pick := func(s *widget.Select, codes []string) string {
		if i := s.SelectedIndex(); i >= 0 && i < len(codes) {
			return codes[i]
		}
		return ""
	}
	if st := pick(l.status, l.statusCodes); st != "" {
		q.Status = []forms.Status{forms.Status(st)}
	}
	q.NeedType = pick(l.needType, l.typeCodes)
	q.TechField = pick(l.techField, l.fieldCodes)
	q.Region = pick(l.town, l.townCodes)
	q.Sort = pick(l.sort, l.sortCodes)
	return q
}

// reload loads the summaries again, off the UI goroutine, and shows them.
func (l *needList) reload() {
	if l.cancel != nil {
		l.cancel()
	}
	ctx, cancel := context.WithCancel(l.u.ctx)
	l.cancel = cancel
	l.loadSeq++
	seq := l.loadSeq
	if l.index == nil {
		l.loading.SetText(lang.L("needs.loading"))
		l.loading.Show()
		l.layOut()
	}
	sort := l.query().Sort
	prev := l.index
	l.u.bg.Go(func() {
		start := time.Now()
		list, err := l.st.NeedList(ctx)
		var sols map[string][]forms.SolutionStatus
		if err == nil {
			sols, err = l.st.SolutionStatuses(ctx)
		}
		if err != nil {
			if ctx.Err() == nil {
				slog.Error("load need list", "err", err)
				l.u.run(func() { l.loading.SetText(lang.L("needs.loadfailed", map[string]any{"Err": err.Error()})) })
			}
			return
		}
		ix := newNeedIndex(list)
		ix.findPlaces(prev)
		ix.setSolutions(sols)
		ix.order(sort)
		slog.Debug("need list loaded", "needs", ix.Len(), "took", time.Since(start))
		l.u.run(func() {
			if seq != l.loadSeq {
				return
			}
			l.setIndex(ix)
		})
	})
}

// layOut lays the screen out again when the loading line comes or goes:
// Fyne does not do it for an object shown or hidden, and the hidden line
// left an empty strip below the list. Only the layout: a Refresh would
// also redraw every row.
func (l *needList) layOut() {
	if c, ok := l.content.(*fyne.Container); ok && c.Layout != nil {
		c.Layout.Layout(c.Objects, c.Size())
	}
}

// setIndex shows a freshly loaded index.
func (l *needList) setIndex(ix *needIndex) {
	l.index = ix
	l.loading.Hide()
	l.layOut() // the list takes the loading line's place
	// Towns present in the data, each under its county.
	cur := ""
	if i := l.town.SelectedIndex(); i >= 0 && i < len(l.townCodes) {
		cur = l.townCodes[i]
	}
	labels := []string{lang.L("needs.filter.alltowns")}
	codes := []string{""}
	lastCounty := ""
	places := ix.placeIndex()
	for _, code := range ix.regions {
		county := code
		if len(code) == 9 {
			county = code[:6]
		}
		if county != lastCounty {
			lastCounty = county
			if r, ok := places.Lookup(county); ok && county != code {
				labels = append(labels, lang.L("needs.filter.county", map[string]any{"Name": r.Name}))
				codes = append(codes, county)
			}
		}
		name := townNameIn(places, code)
		if len(code) == 9 {
			if r, ok := places.Lookup(code); ok {
				name = "　" + r.Name
			}
		}
		labels = append(labels, name)
		codes = append(codes, code)
	}
	l.townCodes = codes
	loading := l.town.OnChanged
	l.town.OnChanged = nil
	l.town.SetOptions(labels)
	idx := 0
	for i, c := range codes {
		if c == cur {
			idx = i
		}
	}
	l.town.SetSelectedIndex(idx)
	l.town.OnChanged = loading
	l.runQuery()
	for _, fn := range l.onLoaded {
		fn()
	}
	l.onLoaded = nil
}

// newQuery runs the query of a new search, filter or sort, whose result
// shows from the top (issue 12.9).
func (l *needList) newQuery() {
	l.toTop = true
	l.runQuery()
}

// runQuery filters the index off the UI goroutine and shows the result; a
// result that arrives after a newer query started is dropped.
func (l *needList) runQuery() {
	if l.index == nil {
		return
	}
	l.searchLater.Cancel()
	l.querySeq++
	seq, ix, q, least := l.querySeq, l.index, l.query(), l.leastSolutions()
	l.u.bg.Go(func() {
		rows := ix.queryWith(q, least)
		l.u.run(func() {
			if seq != l.querySeq || ix != l.index {
				return
			}
			l.rows = rows
			l.list.Refresh()
			if l.toTop {
				l.toTop = false
				l.list.ScrollToTop()
			}
			l.count.SetText(countText(len(rows), ix.Len()))
		})
	})
}

func countText(shown, total int) string {
	if shown == total {
		return lang.L("needs.count.all", map[string]any{"N": groupDigits(total)})
	}
	return lang.L("needs.count", map[string]any{"N": groupDigits(shown), "Total": groupDigits(total)})
}

// groupDigits writes 50000 (a number, or a string of digits) as 50,000.
func groupDigits[T int | string](n T) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// firstNeed returns the first need in list order whose status is one of
// statuses (any, when none are given), for the screenshots.
func (l *needList) firstNeed(statuses ...forms.Status) (string, bool) {
	if l.index == nil {
		return "", false
	}
	q := store.Query{Status: statuses, Limit: 1}
	if r := l.index.query(q); len(r) > 0 {
		return l.index.sum(r[0]).ID, true
	}
	return "", false
}

// columnsLayout places objects side by side: those with a fixed width at
// that width, the others in proportion to their weights in the width left.
// The list's rows and its header share it, so columns line up.
type columnsLayout struct {
	weights []float32
	fixed   []float32 // > 0: the column's width in pixels; nil or 0: by weight
}

func (c *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	total, fixed := float32(0), float32(0)
	for i, w := range c.weights {
		if f := c.fixedWidth(i); f > 0 {
			fixed += f
			continue
		}
		total += w
	}
	pad := theme.Padding()
	avail := max(size.Width-pad*float32(len(objs)-1)-fixed, 0)
	x := float32(0)
	for i, o := range objs {
		w := c.fixedWidth(i)
		if w == 0 && total > 0 {
			w = avail * c.weights[i] / total
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

func (c *columnsLayout) fixedWidth(i int) float32 {
	if i < len(c.fixed) {
		return c.fixed[i]
	}
	return 0
}

// fitWidth is the width a label needs to show the longest of texts whole.
func fitWidth(texts []string) float32 {
	w := float32(0)
	for _, t := range texts {
		w = max(w, fyne.MeasureText(t, theme.TextSize(), fyne.TextStyle{}).Width)
	}
	return float32(math.Ceil(float64(w + 2*theme.InnerPadding() + 2)))
}

func (c *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	w := float32(0)
	for _, o := range objs {
		m := o.MinSize()
		h = max(h, m.Height)
		w += m.Width
	}
	return fyne.NewSize(w, h)
}
