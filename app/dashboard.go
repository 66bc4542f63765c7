package app

import (
	"cmp"
	"context"
	"fmt"
	"image/color"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// Dashboard holds the 工作台's figures: progress against the organisers'
// targets and the needs broken down by status, technology field and town.
// The figures are counted by forms.FactsOf and forms.Tally, the one
// definition the organisers' report (forms/xlsx) counts by too, so the two
// never disagree.
type Dashboard struct {
	Targets    store.Targets
	HomeRegion string

	// Enterprises counts the enterprises served: every enterprise recorded.
	Enterprises int
	// ValidNeeds counts the needs diagnosed as 有效需求 and not withdrawn
	// since: those in 待企业确认 or any later step of the lifecycle.
	ValidNeeds int
	// CrossRegion counts the enterprises served outside the home region.
	CrossRegion int
	// Matches counts the intended matches: needs with an 意向 follow-up, a
	// solution 推荐对接 or further, or in 对接中 or later.
	Matches int
	// Deals counts the needs with a 合同 follow-up, a signed solution, or
	// in 已签约 or 已解决.
	Deals int
	// DealAmountWan is the sum of the contracts' amounts, in 万元.
	DealAmountWan float64
	// TypicalCases counts the needs marked 典型案例.
	TypicalCases int
	// Solutions counts the solutions received (揭榜); NeedsWith3Solutions
	// the needs with three or more (those go to 竞榜).
	Solutions, NeedsWith3Solutions int
	// NotPublic counts the needs the enterprise chose not to publish.
	NotPublic int

	Needs    int
	ByStatus []Count // in lifecycle order, statuses with needs only
	ByField  []Count // top-level technology fields, most needs first
	ByTown   []Count // the enterprises' towns with the most needs, most first
	// OtherTowns and OtherTownNeeds count the towns beyond ByTown and
	// their needs.
	OtherTowns, OtherTownNeeds int
}

// Count is one bar of a breakdown.
type Count struct {
	Code  string
	Label string
	N     int
}

// maxTowns is how many towns the breakdown names; the rest are 其他.
const maxTowns = 10

// computeDashboard counts over the store: every enterprise, need (decoded:
// the counts need its diagnosis), follow-up and solution status, and the
// need summaries for the breakdowns. It honours ctx between records.
func computeDashboard(ctx context.Context, src dashboardSource, lng string) (Dashboard, error) {
	set, err := src.Settings(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Targets: set.Targets, HomeRegion: set.HomeRegion}
	if err := countFacts(ctx, src, &d); err != nil {
		return Dashboard{}, err
	}
	sums, err := src.Needs(ctx, store.Query{})
	if err != nil {
		return Dashboard{}, err
	}
	breakdowns(&d, sums, lng)
	return d, nil
}

// countFacts fills in the organisers' figures, through forms.FactsOf and
// forms.Tally as the report counts them.
func countFacts(ctx context.Context, src dashboardSource, d *Dashboard) error {
	cat := forms.Default()
	home := ""
	if r, ok := forms.Regions().Lookup(d.HomeRegion); ok {
		home = r.Code // as the report takes it: an unknown code is none
	}
	tally := forms.NewTally()
	ents := map[string]*forms.Enterprise{}
	err := src.ForEachEnterprise(ctx, func(e *forms.Enterprise) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		ents[e.ID] = e
		tally.AddEnterprise(e, home)
		return nil
	})
	if err != nil {
		return err
	}
	fus, err := src.AllFollowUps(ctx)
	if err != nil {
		return err
	}
	progress := forms.ProgressByNeed(fus)
	sols, err := src.SolutionStatuses(ctx)
	if err != nil {
		return err
	}
	for id, sts := range sols {
		p := progress[id]
		if p == nil {
			p = &forms.Progress{}
			progress[id] = p
		}
		for _, st := range sts {
			p.AddSolutionStatus(st)
		}
	}
	err = src.ForEachNeed(ctx, func(n *forms.Need) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		tally.AddNeed(cat.FactsOf(n, ents[n.EnterpriseID], progress[n.ID], home))
		if n.Visibility() == forms.VisibilityPrivate {
			d.NotPublic++
		}
		return nil
	})
	if err != nil {
		return err
	}
	c := tally.Counts()
	d.Enterprises, d.ValidNeeds, d.CrossRegion, d.Matches, d.Deals = c.Enterprises, c.Valid, c.CrossRegion, c.Matches, c.Deals
	d.DealAmountWan, d.TypicalCases, d.Solutions, d.NeedsWith3Solutions = c.AmountWan, c.Typical, c.Solutions, c.NeedsWith3Solutions
	return nil
}

// breakdowns counts the needs by status, top-level tech field and town.
func breakdowns(d *Dashboard, sums []*store.Summary, lng string) {
	d.Needs = len(sums)
	fields := forms.Default().Vocabulary("tech_field")
	byStatus := map[forms.Status]int{}
	byField := map[string]int{}
	byTown := map[string]int{}
	for i := range sums {
		s := sums[i]
		byStatus[s.Status]++
		var tops []string
		for c := range s.TechFields.All() {
			top := c
			if r := fields.Root(c); r != "" {
				top = r // the tech fields have three levels
			}
			if !slices.Contains(tops, top) {
				tops = append(tops, top)
			}
		}
		for _, t := range tops {
			byField[t]++
		}
		if s.Region != "" {
			byTown[s.Region]++
		}
	}
	for _, st := range forms.Statuses {
		if n := byStatus[st]; n > 0 {
			d.ByStatus = append(d.ByStatus, Count{Code: string(st), Label: st.Label(lng), N: n})
		}
	}
	for code, n := range byField {
		d.ByField = append(d.ByField, Count{Code: code, Label: fields.Label(code, lng), N: n})
	}
	sortCounts(d.ByField)
	for code, n := range byTown {
		d.ByTown = append(d.ByTown, Count{Code: code, Label: townName(code), N: n})
	}
	sortCounts(d.ByTown)
	if len(d.ByTown) > maxTowns {
		for _, c := range d.ByTown[maxTowns:] {
			d.OtherTownNeeds += c.N
		}
		d.OtherTowns = len(d.ByTown) - maxTowns
		d.ByTown = d.ByTown[:maxTowns]
	}
}

func sortCounts(l []Count) {
	slices.SortFunc(l, func(a, b Count) int { return cmp.Or(b.N-a.N, cmp.Compare(a.Code, b.Code)) })
}

// dashboardView is the 工作台 screen.
type dashboardView struct {
	u      *ui
	st     dashboardSource
	status *widget.Label
	// failure says, wrapped under the title, why the figures could not be
	// counted: a long message (a damaged data file and how to restore it)
	// beside the title would widen the window past the screen.
	failure *widget.Label
	cancel  *widget.Button
	kpis    *fyne.Container
	charts  *fyne.Container
	content fyne.CanvasObject
	// data is the last figures shown.
	data Dashboard
	// stale is set when records changed since the figures were counted.
	stale   bool
	seq     uint64
	stop    context.CancelFunc
	onShown func()
}

func newDashboardView(u *ui) *dashboardView {
	v := &dashboardView{u: u, st: u.st, stale: true}
	v.status = widget.NewLabel("")
	v.status.Importance = widget.LowImportance
	v.failure = widget.NewLabel("")
	v.failure.Wrapping = fyne.TextWrapWord
	v.failure.Importance = widget.DangerImportance
	v.failure.Hide()
	v.cancel = widget.NewButtonWithIcon(lang.L("button.cancel"), theme.CancelIcon(), func() {
		if v.stop != nil {
			v.stop()
		}
	})
	v.cancel.Hide()
	v.kpis = container.NewGridWithColumns(4)
	v.charts = container.NewGridWithColumns(3)
	title := widget.NewLabel(lang.L("dash.title"))
	title.SizeName = theme.SizeNameHeadingText
	refresh := widget.NewButtonWithIcon(lang.L("dash.refresh"), theme.ViewRefreshIcon(), func() {
		v.stale = true
		v.refresh()
	})
	v.content = container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(v.status, v.cancel, refresh), title), v.failure),
		nil, nil, nil,
		container.NewVScroll(container.NewPadded(container.NewVBox(v.kpis, widget.NewSeparator(), v.charts))))
	return v
}

// refresh counts again, off the UI goroutine, when records changed.
func (v *dashboardView) refresh() {
	if !v.stale {
		v.shown()
		return
	}
	v.stale = false
	if v.stop != nil {
		v.stop()
	}
	ctx, cancel := context.WithCancel(v.u.ctx)
	v.stop = cancel
	v.seq++
	seq := v.seq
	v.status.SetText(lang.L("dash.counting"))
	v.failure.Hide()
	v.cancel.Show()
	u := v.u
	u.bg.Go(func() {
		d, err := computeDashboard(ctx, v.st, u.lang)
		u.run(func() {
			if seq != v.seq {
				return
			}
			v.cancel.Hide()
			if err != nil {
				v.stale = true
				if ctx.Err() != nil {
					v.status.SetText(lang.L("dash.cancelled"))
				} else {
					v.status.SetText("")
					v.failure.SetText(userMessage(err, u.lang))
					v.failure.Show()
				}
				v.shown()
				return
			}
			v.status.SetText("")
			v.show(d)
			v.shown()
		})
	})
}

func (v *dashboardView) shown() {
	if fn := v.onShown; fn != nil {
		v.onShown = nil
		fn()
	}
}

// show draws the figures.
func (v *dashboardView) show(d Dashboard) {
	v.data = d
	t := d.Targets
	v.kpis.RemoveAll()
	v.kpis.Add(kpi(lang.L("dash.enterprises"), d.Enterprises, t.Enterprises))
	v.kpis.Add(kpi(lang.L("dash.validneeds"), d.ValidNeeds, t.ValidNeeds))
	cross := kpi(lang.L("dash.crossregion"), d.CrossRegion, t.CrossRegion)
	if d.HomeRegion == "" {
		cross.Add(smallLabel(lang.L("dash.nohome")))
	} else {
		cross.Add(smallLabel(lang.L("dash.home", map[string]any{"Name": forms.Regions().FullName(d.HomeRegion)})))
	}
	v.kpis.Add(cross)
	v.kpis.Add(kpi(lang.L("dash.matches"), d.Matches, t.Matches))
	deals := kpi(lang.L("dash.deals"), d.Deals, t.Deals)
	deals.Add(smallLabel(moneyText(strconv.FormatFloat(d.DealAmountWan, 'f', -1, 64))))
	v.kpis.Add(deals)
	v.kpis.Add(kpi(lang.L("dash.typical"), d.TypicalCases, t.TypicalCases))
	v.kpis.Add(kpiCount(lang.L("dash.solutions"), d.Solutions, lang.L("dash.solutions.note")))
	v.kpis.Add(kpiCount(lang.L("dash.needs3"), d.NeedsWith3Solutions, lang.L("dash.needs3.note")))
	v.kpis.Refresh()

	v.charts.RemoveAll()
	status := barChart(lang.L("dash.bystatus", map[string]any{"N": d.Needs}), d.ByStatus)
	if d.NotPublic > 0 {
		status.(*fyne.Container).Add(smallLabel(lang.L("dash.notpublic", map[string]any{"N": d.NotPublic})))
	}
	v.charts.Add(status)
	v.charts.Add(barChart(lang.L("dash.byfield"), d.ByField))
	towns := barChart(lang.L("dash.bytown"), d.ByTown)
	if d.OtherTowns > 0 {
		towns.(*fyne.Container).Add(smallLabel(lang.L("dash.othertowns", map[string]any{"N": d.OtherTowns, "Needs": d.OtherTownNeeds})))
	}
	v.charts.Add(towns)
	v.charts.Refresh()
}

func smallLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

// kpi is one target's card: the count, the target and a progress bar.
func kpi(title string, n, target int) *fyne.Container {
	t := widget.NewLabel(title)
	t.Wrapping = fyne.TextWrapWord
	num := widget.NewLabel(fmt.Sprintf("%d / %d", n, target))
	num.SizeName = theme.SizeNameHeadingText
	if target > 0 && n >= target {
		num.Importance = widget.SuccessImportance
	}
	bar := widget.NewProgressBar()
	bar.Max = float64(max(target, 1))
	bar.SetValue(float64(min(n, max(target, 1))))
	bar.TextFormatter = func() string {
		if target <= 0 {
			return ""
		}
		return fmt.Sprintf("%d%%", n*100/target)
	}
	return container.NewVBox(t, num, bar)
}

// kpiCount is the card of a figure without a target: the count and what it
// counts.
func kpiCount(title string, n int, note string) *fyne.Container {
	t := widget.NewLabel(title)
	t.Wrapping = fyne.TextWrapWord
	num := widget.NewLabel(strconv.Itoa(n))
	num.SizeName = theme.SizeNameHeadingText
	return container.NewVBox(t, num, smallLabel(note))
}

// barChart draws counts as horizontal bars.
func barChart(title string, counts []Count) fyne.CanvasObject {
	box := container.NewVBox(sectionHeading(title))
	top := 1
	for _, c := range counts {
		top = max(top, c.N)
	}
	for _, c := range counts {
		label := widget.NewLabel(c.Label)
		label.Truncation = fyne.TextTruncateEllipsis
		bar := canvas.NewRectangle(barColor())
		bar.CornerRadius = 3
		num := widget.NewLabel(strconv.Itoa(c.N))
		box.Add(container.New(&barLayout{fraction: float32(c.N) / float32(top)}, label, bar, num))
	}
	if len(counts) == 0 {
		box.Add(smallLabel(lang.L("dash.empty")))
	}
	return box
}

func barColor() color.Color {
	c := theme.Color(theme.ColorNamePrimary)
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0xc0}
}

// barLayout places a label, a bar of the given fraction of the space left
// and a number in one row.
type barLayout struct {
	fraction float32
}

const (
	barLabelWidth  = 130
	barNumberWidth = 56
)

func (l *barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	label, bar, num := objs[0], objs[1], objs[2]
	label.Move(fyne.NewPos(0, 0))
	label.Resize(fyne.NewSize(barLabelWidth, size.Height))
	avail := max(size.Width-barLabelWidth-barNumberWidth, 0)
	w := max(avail*l.fraction, 2)
	pad := theme.Padding() * 1.5
	bar.Move(fyne.NewPos(barLabelWidth, pad))
	bar.Resize(fyne.NewSize(w, max(size.Height-2*pad, 4)))
	num.Move(fyne.NewPos(barLabelWidth+w, 0))
	num.Resize(fyne.NewSize(barNumberWidth, size.Height))
}

func (l *barLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := max(objs[0].MinSize().Height, objs[2].MinSize().Height)
	return fyne.NewSize(barLabelWidth+barNumberWidth+40, h)
}
