package xlsx

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// ReportOptions steer [WriteReport].
type ReportOptions struct {
	// HomeRegion is the team's home region code (Settings.HomeRegion): an
	// enterprise outside it is a cross-region one, and towns inside it are
	// named without the home's own name. "" counts no cross-region
	// enterprises.
	HomeRegion string
	// Targets are the organisers' targets (Settings.Targets); nil leaves the
	// target columns empty.
	Targets *Targets
	// Title is the report's title (Settings.Report.Title); "" means
	// "<year>年 <home region> 技术需求征集情况统计表".
	Title string
	// Unit and Filer are the 填报单位 and 填报人 (Settings.Report); left
	// blank on the sheet, to be filled in by hand, when "".
	Unit, Filer string
	// Lang is the language of the labels ("zh", the default, or "en").
	Lang string
	// Now stamps the file; nil means time.Now.
	Now func() time.Time
	// Progress, when not nil, is told how far the export has got: done
	// needs listed of total, which is the number of needs the Records hold
	// when they say ([NeedCounter]) and 0 when unknown. It is called on the
	// goroutine that writes, every few hundred needs and once at the end,
	// with done never decreasing; the last call has done == total unless
	// total is 0. It must return quickly.
	Progress func(done, total int)
}

// Targets are the counts the organisers aim at.
type Targets struct {
	Enterprises, ValidNeeds, CrossRegion, Matches, Deals int
	// TypicalCases is the number of 典型案例 to write (the 专场 rules: at
	// least 5).
	TypicalCases int
}

// The report's sheets.
const (
	ReportStatsSheet = "统计"
	ReportListSheet  = "需求清单"
)

// The report prints on A4 landscape at a fixed scale, never fitted smaller:
// the list's 10 pt text prints at 8 pt. The columns fit the page's width
// where a character of column width takes up to 9.5 px, as LibreOffice
// gives it when it draws 宋体 with a substitute (Excel's 宋体: 7 px); rows
// are as high as their wrapped text needs, for readers (LibreOffice) that
// do not fit rows to their text.
const (
	reportListScale    = 80
	reportListFontSize = 10
	reportStatsScale   = 100
	reportSideMargin   = 0.3 // inches
)

// reportListWidths are the list's column widths, in characters.
var reportListWidths = []float64{4, 18, 16, 7, 13, 10, 8, 7, 7, 5, 5, 4, 5, 4, 8, 10}

// reportStatsWidths are the summary's column widths.
var reportStatsWidths = []float64{24, 9, 9, 8, 9, 9, 9, 9, 9, 11}

// rowHeight is the height, in points, of a row whose cells hold vals in
// columns of widths at size pt: its most wrapped cell's lines, at least min.
func rowHeight(vals []string, widths []float64, size, min float64) float64 {
	lines := 1
	for i, v := range vals {
		if i < len(widths) && v != "" {
			lines = max(lines, textLines(v, (widths[i]-0.8)*11/size))
		}
	}
	return math.Max(min, float64(lines)*size*1.35+3)
}

// ReportPrivateRule says, on the report itself and in the README, what the
// report shows of a 不公开 need: an enterprise chose not to publish it, so
// the report — internal, but handed beyond the team to the organisers —
// counts it without a word of what it is or who has it.
const (
	reportInternalZH = "内部资料　注意保密。不公开的需求计入各项总数，但不列出其名称、需求单位、地区、技术领域和需求类型；按地区、按技术领域的统计中合为“不公开需求”一行。匿名公开的需求以公开称谓代替企业名称，地区只到县（市、区）。"
	reportInternalEN = "Internal — confidential. Needs not to be published are counted in every total, but their title, enterprise, region, technology field and type are not listed; in the tables by region and by field they are one line, “not public”. Anonymous needs show their public alias instead of the enterprise, and their county at most."
)

// WriteReport writes the organisers' report to w: a 统计 sheet with the
// counts the work is judged by, counted as forms.FactsOf and forms.Tally
// define them (the 工作台 counts the same way) — enterprises served, valid
// needs, cross-region enterprises (region outside HomeRegion), intended
// matches and deals (from follow-ups, solutions and statuses) with the
// contract amount, 典型案例 (needs marked typical_case), and the solutions
// received (揭榜) with the needs that received three or more (竞榜) —
// overall against the targets, by town and by tech field; and a 需求清单
// sheet listing every need with its status. Both sheets are headed by the
// title, the 填报单位, 填报人 and date lines, and say that they are internal
// (内部资料).
//
// What the report shows of each need follows its visibility: 实名公开 the
// enterprise's name and town; 匿名公开 the public alias and the county; 不公开
// nothing but that it exists — it is counted in every total and listed
// without title, enterprise, region, tech field or type, and the tables by
// town and by field hold it (and an enterprise whose needs are all
// 不公开) in one line of its own, so that no town or field is named for it.
// Follow-ups are read when recs implements [FollowUps], solutions when it
// implements [SolutionStatuses].
func WriteReport(ctx context.Context, w io.Writer, recs Records, opt ReportOptions) (ExportStats, error) {
	var st ExportStats
	lang := opt.Lang
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	r := &report{cat: forms.Default(), ix: forms.Regions(), lang: lang, opt: &opt, now: now(),
		total: forms.NewTally(), private: forms.NewTally(), byArea: map[string]*forms.Tally{}, byField: map[string]*forms.Tally{},
		entPublic: map[string]bool{}, entPrivate: map[string]bool{}, fieldEnts: map[string]bool{}}
	if reg, ok := r.ix.Lookup(opt.HomeRegion); ok {
		r.home = reg.Code
	}
	var err error
	r.ents, err = loadEnterprises(ctx, recs, func(id string) bool { return confirmedContentField(id) }, nil)
	if err != nil {
		return st, err
	}
	if r.progressOf, err = readProgress(ctx, recs); err != nil {
		return st, err
	}

	f, err := newBookFile(ReportStatsSheet)
	if err != nil {
		return st, err
	}
	defer f.Close()
	listSheet := tr(lang, ReportListSheet, "Needs")
	statsSheet := tr(lang, ReportStatsSheet, "Summary")
	if statsSheet != ReportStatsSheet {
		if err := f.SetSheetName(ReportStatsSheet, statsSheet); err != nil {
			return st, err
		}
	}
	if _, err := f.NewSheet(listSheet); err != nil {
		return st, err
	}
	if r.sty, err = newReportStyles(f); err != nil {
		return st, err
	}
	title := r.title()
	internal := tr(lang, "内部资料", "Internal")
	if err := setupPrint(f, statsSheet, title, lang, r.now, page{landscape: true, scale: reportStatsScale, centre: internal}); err != nil {
		return st, err
	}
	if err := setupPrint(f, listSheet, title, lang, r.now, page{landscape: true, scale: reportListScale, centre: internal, repeat: "$4:$4"}); err != nil {
		return st, err
	}
	meter := needMeter(ctx, recs, opt.Progress)
	if st.Needs, err = r.writeList(ctx, f, listSheet, recs, meter); err != nil {
		return st, err
	}
	r.placeEnterprises()
	if err := r.writeStats(f, statsSheet); err != nil {
		return st, err
	}
	st.Private = r.private.Counts().Needs
	if err := finishBook(f, w, title, r.now); err != nil {
		return st, err
	}
	meter.finish()
	return st, nil
}

// report is one report being written.
type report struct {
	cat        *forms.Catalogue
	ix         *forms.RegionIndex
	lang       string
	opt        *ReportOptions
	now        time.Time
	home       string
	sty        reportStyles
	ents       *enterprises
	progressOf map[string]*forms.Progress

	// total counts every need and enterprise; byArea and byField the needs
	// that are not 不公开 (and the enterprises with one, or with none at
	// all); private the 不公开 ones and the enterprises with only those.
	total, private  *forms.Tally
	byArea, byField map[string]*forms.Tally
	// entPublic and entPrivate tell which enterprises have a need that is
	// not 不公开, and a 不公开 one; fieldEnts the enterprises the table by
	// field counts (those of its lines and of the 不公开 line).
	entPublic, entPrivate, fieldEnts map[string]bool
}

// SolutionStatuses is implemented by stores that keep solutions (揭榜): the
// statuses of each need's solutions, by need id. The report counts the
// solutions received, and the matches and deals they make, when the
// Records passed to [WriteReport] implement it.
type SolutionStatuses interface {
	SolutionStatuses(ctx context.Context) (map[string][]forms.SolutionStatus, error)
}

// readProgress reads what each need has come to: its follow-ups, when recs
// keeps them, and its solutions' statuses, when recs keeps those.
func readProgress(ctx context.Context, recs Records) (map[string]*forms.Progress, error) {
	out := map[string]*forms.Progress{}
	if fu, ok := recs.(FollowUps); ok {
		all, err := fu.AllFollowUps(ctx)
		if err != nil {
			return nil, fmt.Errorf("xlsx: read follow-ups: %w", err)
		}
		out = forms.ProgressByNeed(all)
	}
	if ss, ok := recs.(SolutionStatuses); ok {
		byNeed, err := ss.SolutionStatuses(ctx)
		if err != nil {
			return nil, fmt.Errorf("xlsx: read solutions: %w", err)
		}
		for id, sts := range byNeed {
			p := out[id]
			if p == nil {
				p = &forms.Progress{}
				out[id] = p
			}
			for _, st := range sts {
				p.AddSolutionStatus(st)
			}
		}
	}
	return out, nil
}

// title is the report's title: the one set, else "2026年 吴江区
// 技术需求征集情况统计表".
func (r *report) title() string {
	if t := strings.TrimSpace(r.opt.Title); t != "" {
		return t
	}
	place := ""
	if reg, ok := r.ix.Lookup(r.home); ok {
		place = reg.Name
	}
	year := strconv.Itoa(r.now.Year())
	if r.lang == "en" {
		return strings.Join(strings.Fields(year+" "+place+" technology needs collection report"), " ")
	}
	if place == "" {
		return year + "年 技术需求征集情况统计表"
	}
	return year + "年 " + place + " 技术需求征集情况统计表"
}

// filedBy is the line under the title: 填报单位, 填报人, 填报日期, with room
// to write in what the settings leave blank.
func (r *report) filedBy() string {
	blank := func(s string) string {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
		return "　　　　　　　　"
	}
	if r.lang == "en" {
		return "Reporting unit: " + blank(r.opt.Unit) + "    Filed by: " + blank(r.opt.Filer) + "    Date: " + r.now.Format("2006-01-02")
	}
	return "填报单位：" + blank(r.opt.Unit) + "　　　　填报人：" + blank(r.opt.Filer) + "　　　　填报日期：" +
		fmt.Sprintf("%d年%d月%d日", r.now.Year(), int(r.now.Month()), r.now.Day())
}

func (r *report) areaOf(e *forms.Enterprise) string {
	if e == nil {
		return ""
	}
	return e.Values.Get("region")
}

func (r *report) outside(code string) bool {
	return r.home != "" && code != "" && !r.ix.Within(code, r.home)
}

func (r *report) tallyOf(m map[string]*forms.Tally, k string) *forms.Tally {
	t := m[k]
	if t == nil {
		t = forms.NewTally()
		m[k] = t
	}
	return t
}

// heading writes the title, the 填报 line and the internal note atop a
// sheet cols wide.
func (r *report) heading(rw *reportWriter, widths []float64) {
	cols := len(widths)
	rw.merged(r.title(), r.sty.title, cols, 30)
	rw.merged(r.filedBy(), r.sty.filed, cols, 20)
	sum := 0.0
	for _, w := range widths {
		sum += w
	}
	note := tr(r.lang, reportInternalZH, reportInternalEN)
	rw.merged(note, r.sty.internal, cols, rowHeight([]string{note}, []float64{sum}, 10, 20))
}

// writeList writes the 需求清单 and counts the needs as it goes.
func (r *report) writeList(ctx context.Context, f *excelize.File, sheet string, recs Records, meter *progressMeter) (int, error) {
	lang := r.lang
	lw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	if err := setColWidths(lw, reportListWidths); err != nil {
		return 0, err
	}
	if err := lw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 4, TopLeftCell: "A5", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	listHead := []string{
		tr(lang, "序号", "No."), tr(lang, "需求名称", "Title"), tr(lang, "需求单位", "Enterprise"), tr(lang, "公开方式", "Visibility"),
		tr(lang, "所在地区", "Region"), tr(lang, "技术领域", "Tech field"), tr(lang, "需求类型", "Type"), tr(lang, "状态", "Status"),
		tr(lang, "企业确认", "Confirmation"), tr(lang, "有效需求", "Valid"), tr(lang, "意向对接", "Intent"), tr(lang, "签约", "Deal"),
		tr(lang, "典型案例", "Typical case"), tr(lang, "方案数", "Solutions"), tr(lang, "待补充", "To complete"), tr(lang, "更新日期", "Updated"),
	}
	rw := &reportWriter{rowWriter: rowWriter{sw: lw}, sty: r.sty}
	r.heading(rw, reportListWidths)
	head := make([]any, len(listHead))
	for i, h := range listHead {
		head[i] = excelize.Cell{StyleID: r.sty.listHead, Value: h}
	}
	rw.row(head, 28)
	if rw.err != nil {
		return 0, rw.err
	}
	seq := 0
	err = recs.ForEachNeed(ctx, func(n *forms.Need) error {
		meter.step()
		if seq%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		seq++
		e := r.ents.get(n.EnterpriseID)
		nf, top := r.count(n, e)
		texts := r.listRow(n, e, nf, top, seq)
		vals := make([]any, len(texts))
		for i, v := range texts {
			vals[i] = excelize.Cell{StyleID: r.sty.listCell, Value: v}
		}
		vals[0] = excelize.Cell{StyleID: r.sty.listCell, Value: seq}
		rw.row(vals, rowHeight(texts, reportListWidths, reportListFontSize, 16))
		return rw.err
	})
	if err != nil {
		return 0, fmt.Errorf("xlsx: report: %w", err)
	}
	return seq, lw.Flush()
}

// count counts a need of enterprise e (nil when unknown) in the tallies and
// returns its facts and its first-level tech field.
func (r *report) count(n *forms.Need, e *forms.Enterprise) (forms.NeedFacts, string) {
	nf := r.cat.FactsOf(n, e, r.progressOf[n.ID], r.home)
	top := r.cat.Vocabulary("tech_field").Root(n.Values.Get("tech_fields"))
	r.total.AddNeed(nf)
	if n.Visibility() == forms.VisibilityPrivate {
		// The 不公开 line counts the enterprises with only 不公开 needs
		// (placeEnterprises), not every enterprise with one.
		pf := nf
		pf.Enterprise, pf.CrossRegion = "", false
		r.private.AddNeed(pf)
		r.entPrivate[n.EnterpriseID] = true
		return nf, top
	}
	r.tallyOf(r.byArea, r.areaOf(e)).AddNeed(nf)
	r.tallyOf(r.byField, top).AddNeed(nf)
	r.entPublic[n.EnterpriseID] = true
	r.fieldEnts[n.EnterpriseID] = true
	return nf, top
}

// listRow is a need's line of the list, its number seq, named per its
// visibility: of a 不公开 need only that it exists and how far it has come.
func (r *report) listRow(n *forms.Need, e *forms.Enterprise, nf forms.NeedFacts, top string, seq int) []string {
	lang, cat := r.lang, r.cat
	yes := func(b bool) string {
		if b {
			return tr(lang, "是", "yes")
		}
		return ""
	}
	conf := tr(lang, "未确认", "no")
	switch {
	case nf.Confirmed:
		conf = tr(lang, "已确认", "current")
	case n.Confirmation != nil:
		conf = tr(lang, "已失效", "stale")
	}
	var missing []string
	for _, id := range n.Missing {
		if fd, ok := cat.Field(id); ok {
			missing = append(missing, fd.Label(lang))
		}
	}
	updated := ""
	if !n.UpdatedAt.IsZero() {
		updated = n.UpdatedAt.Local().Format("2006-01-02")
	}
	solutions := ""
	if nf.Solutions > 0 {
		solutions = strconv.Itoa(nf.Solutions)
	}
	vis, area := n.Visibility(), r.areaOf(e)
	title, who, region := n.Title(), "", ""
	field, kind := cat.Vocabulary("tech_field").Label(top, lang), cat.Vocabulary("need_type").Label(n.Values.Get("need_type"), lang)
	switch vis {
	case forms.VisibilityNamed:
		if e != nil {
			who = e.Name()
		}
		region = areaName(r.ix, area, r.home)
	case forms.VisibilityAnonymous:
		who = n.Values.Get("public_alias")
		if who == "" {
			who = tr(lang, "（匿名）", "(anonymous)")
		}
		region = areaName(r.ix, forms.ShownRegion(n, area), r.home)
	default:
		title, who, field, kind = tr(lang, "（不公开需求）", "(not public)"), tr(lang, "（不公开）", "(withheld)"), "", ""
	}
	return []string{strconv.Itoa(seq), title, who, cat.Vocabulary("visibility").Label(string(vis), lang), region, field, kind,
		n.Status.Label(lang), conf, yes(nf.Valid), yes(nf.Match), yes(nf.Deal), yes(nf.TypicalCase), solutions, strings.Join(missing, "、"), updated}
}

// placeEnterprises counts each enterprise in its town's line, or in the
// 不公开 line when all its needs are 不公开, and in the total.
func (r *report) placeEnterprises() {
	r.ents.each(func(id string, e *forms.Enterprise) {
		r.total.AddEnterprise(e, r.home)
		if r.entPrivate[id] && !r.entPublic[id] {
			r.private.AddEnterprise(e, r.home)
			r.fieldEnts[id] = true
			return
		}
		r.tallyOf(r.byArea, r.areaOf(e)).AddEnterprise(e, r.home)
	})
}

// writeStats writes the 统计 sheet.
func (r *report) writeStats(f *excelize.File, sheet string) error {
	lang, sty := r.lang, r.sty
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := setColWidths(sw, reportStatsWidths); err != nil {
		return err
	}
	rw := &reportWriter{rowWriter: rowWriter{sw: sw}, sty: sty}
	r.heading(rw, reportStatsWidths)
	if r.home != "" {
		rw.merged(tr(lang, "本地区：", "Home region: ")+r.ix.FullName(r.home), sty.note, 10, 18)
	}
	rw.blank()
	r.overall(rw)
	rw.blank()
	r.tables(rw)
	if rw.err != nil {
		return rw.err
	}
	return sw.Flush()
}

// overall writes the counts against the targets.
func (r *report) overall(rw *reportWriter) {
	lang, sty := r.lang, r.sty
	rw.merged(tr(lang, "一、总体完成情况", "1. Overall"), sty.section, 10, 22)
	rw.row([]any{rw.h(tr(lang, "指标", "Measure")), rw.h(tr(lang, "完成", "Done")), rw.h(tr(lang, "目标", "Target")), rw.h(tr(lang, "完成率", "Share"))}, 20)
	tg := Targets{}
	if r.opt.Targets != nil {
		tg = *r.opt.Targets
	}
	total, private := r.total.Counts(), r.private.Counts()
	for _, m := range []struct {
		zh, en       string
		done, target int
	}{
		{"服务企业数", "Enterprises served", total.Enterprises, tg.Enterprises},
		{"有效需求数", "Valid needs", total.Valid, tg.ValidNeeds},
		{"跨区域企业数", "Cross-region enterprises", total.CrossRegion, tg.CrossRegion},
		{"意向对接数", "Intended matches", total.Matches, tg.Matches},
		{"签约（成交）数", "Deals", total.Deals, tg.Deals},
		{"典型案例数", "Typical cases", total.Typical, tg.TypicalCases},
	} {
		vals := []any{rw.c(tr(lang, m.zh, m.en)), rw.n(m.done), nil, nil}
		if r.opt.Targets != nil {
			vals[2] = rw.n(m.target)
			if m.target > 0 {
				vals[3] = excelize.Cell{StyleID: sty.pct, Value: float64(m.done) / float64(m.target)}
			}
		}
		rw.row(vals, 18)
	}
	rw.row([]any{rw.c(tr(lang, "需求总数", "Needs recorded")), rw.n(total.Needs)}, 18)
	rw.row([]any{rw.c(tr(lang, "其中不公开需求", "of which not public")), rw.n(private.Needs)}, 18)
	rw.row([]any{rw.c(tr(lang, "签约金额（万元）", "Contract amount (10k CNY)")), excelize.Cell{StyleID: sty.num2, Value: total.AmountWan}}, 18)
	rw.row([]any{rw.c(tr(lang, ReportSolutionsZH, "Solutions received")), rw.n(total.Solutions)}, 18)
	three := tr(lang, ReportNeedsWith3ZH, "Needs with three or more solutions")
	rw.row([]any{rw.c(three), rw.n(total.NeedsWith3Solutions)}, rowHeight([]string{three}, reportStatsWidths, 11, 18))
}

// The labels of the report's lines on solutions, which the 工作台 shows too.
const (
	ReportSolutionsZH  = "收到解决方案数"
	ReportNeedsWith3ZH = "收到3个及以上方案的需求数"
)

// tables writes the counts by town and by tech field.
func (r *report) tables(rw *reportWriter) {
	lang, sty, total := r.lang, r.sty, r.total
	private := r.private.Counts()
	cols := []string{tr(lang, "服务企业", "Enterprises"), tr(lang, "跨区域企业", "Cross-region"), tr(lang, "需求数", "Needs"),
		tr(lang, "有效需求", "Valid"), tr(lang, "企业已确认", "Confirmed"), tr(lang, "已发布", "Published"),
		tr(lang, "意向对接", "Intent"), tr(lang, "签约", "Deals"), tr(lang, "签约金额（万元）", "Amount (10k CNY)")}
	line := func(name string, tl *forms.Tally) []any {
		t := tl.Counts()
		return []any{rw.c(name), rw.n(t.Enterprises), rw.n(t.CrossRegion), rw.n(t.Needs), rw.n(t.Valid), rw.n(t.Confirmed),
			rw.n(t.Published), rw.n(t.Matches), rw.n(t.Deals), excelize.Cell{StyleID: sty.num2, Value: t.AmountWan}}
	}
	tableHead := func(first string) {
		vals := []any{rw.h(first)}
		for _, c := range cols {
			vals = append(vals, rw.h(c))
		}
		rw.row(vals, 30)
	}
	privateName := tr(lang, "不公开需求（不分地区、领域）", "Not public (no region or field given)")
	rw.merged(tr(lang, "二、按镇（街道）统计", "2. By town"), sty.section, 10, 22)
	tableHead(tr(lang, "地区", "Region"))
	areas := make([]string, 0, len(r.byArea))
	for a := range r.byArea {
		areas = append(areas, a)
	}
	slices.SortFunc(areas, func(a, b string) int {
		// Home towns first, then the rest, then the unknown.
		ka, kb := areaRank(a, r.outside(a)), areaRank(b, r.outside(b))
		if ka != kb {
			return ka - kb
		}
		return strings.Compare(a, b)
	})
	for _, a := range areas {
		name := areaName(r.ix, a, r.home)
		if a == "" {
			name = tr(lang, "（未填写地区）", "(no region)")
		} else if r.outside(a) {
			name += tr(lang, "（区外）", " (outside)")
		}
		rw.row(line(name, r.byArea[a]), rowHeight([]string{name}, reportStatsWidths, 11, 18))
	}
	if private.Needs > 0 {
		rw.row(line(privateName, r.private), rowHeight([]string{privateName}, reportStatsWidths, 11, 18))
	}
	rw.row(rw.bold(line(tr(lang, "合计", "Total"), total)), 18)
	rw.blank()
	rw.merged(tr(lang, "三、按技术领域统计", "3. By technology field"), sty.section, 10, 22)
	tableHead(tr(lang, "技术领域", "Technology field"))
	techVoc := r.cat.Vocabulary("tech_field")
	for _, o := range append(techVoc.Children(""), forms.Option{Code: ""}) {
		t := r.byField[o.Code]
		if t == nil {
			continue
		}
		name := o.Label(lang)
		if o.Code == "" {
			name = tr(lang, "（未填写技术领域）", "(no tech field)")
		}
		l := line(name, t)
		l[2] = nil // cross-region counts enterprises, not fields
		rw.row(l, rowHeight([]string{name}, reportStatsWidths, 11, 18))
	}
	if private.Needs > 0 {
		l := line(privateName, r.private)
		l[2] = nil
		rw.row(l, rowHeight([]string{privateName}, reportStatsWidths, 11, 18))
	}
	ft := line(tr(lang, "合计", "Total"), total)
	ft[1], ft[2] = rw.n(len(r.fieldEnts)), nil
	rw.row(rw.bold(ft), 18)
}

func areaRank(code string, outside bool) int {
	switch {
	case code == "":
		return 2
	case outside:
		return 1
	}
	return 0
}

// areaName names a region for the report: inside the home region without
// the home's own name (玉山镇), elsewhere in full.
func areaName(ix *forms.RegionIndex, code, home string) string {
	if code == "" {
		return ""
	}
	full := ix.FullName(code)
	if full == "" {
		return code
	}
	if home != "" && code != home && ix.Within(code, home) {
		if hn := ix.FullName(home); strings.HasPrefix(full, hn) {
			return strings.TrimPrefix(full, hn)
		}
	}
	return full
}

type reportStyles struct {
	title, filed, internal, note, section, head, cell, num, num2, pct, bold, boldNum, boldNum2 int
	listHead, listCell                                                                         int
}

func newReportStyles(f *excelize.File) (reportStyles, error) {
	var s reportStyles
	font := func(size float64, bold bool, color string) *excelize.Font {
		return &excelize.Font{Family: bookFont, Size: size, Bold: bold, Color: color}
	}
	body := font(11, false, "")
	middle := &excelize.Alignment{Vertical: "center"}
	err := addStyles(f, []styleDef{
		{&s.title, excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 16, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.filed, excelize.Style{Font: font(11, false, ""), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}}},
		{&s.internal, excelize.Style{Font: font(10, true, "C00000"), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}}},
		{&s.note, excelize.Style{Font: font(10, false, "595959"), Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&s.section, excelize.Style{Font: font(12, true, "")}},
		{&s.head, excelize.Style{Font: font(11, true, ""), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: thinBorder}},
		{&s.cell, excelize.Style{Font: body, Border: thinBorder, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.num, excelize.Style{Font: body, Border: thinBorder, NumFmt: 1, Alignment: middle}},
		{&s.num2, excelize.Style{Font: body, Border: thinBorder, NumFmt: 4, Alignment: middle}},
		{&s.pct, excelize.Style{Font: body, Border: thinBorder, NumFmt: 9, Alignment: middle}},
		{&s.bold, excelize.Style{Font: font(11, true, ""), Border: thinBorder, Alignment: middle}},
		{&s.boldNum, excelize.Style{Font: font(11, true, ""), Border: thinBorder, NumFmt: 1, Alignment: middle}},
		{&s.boldNum2, excelize.Style{Font: font(11, true, ""), Border: thinBorder, NumFmt: 4, Alignment: middle}},
		{&s.listHead, excelize.Style{Font: font(reportListFontSize, true, ""), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: thinBorder}},
		{&s.listCell, excelize.Style{Font: font(reportListFontSize, false, ""), Border: thinBorder,
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
	})
	return s, err
}

// reportWriter writes the summary sheet's rows.
type reportWriter struct {
	rowWriter
	sty reportStyles
}

func (w *reportWriter) blank() { w.row([]any{nil}, 10) }

func (w *reportWriter) merged(s string, style, cols int, height float64) {
	w.row([]any{excelize.Cell{StyleID: style, Value: s}}, height)
	w.mergeLast(cols)
}

func (w *reportWriter) h(s string) excelize.Cell { return excelize.Cell{StyleID: w.sty.head, Value: s} }
func (w *reportWriter) c(s string) excelize.Cell { return excelize.Cell{StyleID: w.sty.cell, Value: s} }
func (w *reportWriter) n(x int) excelize.Cell    { return excelize.Cell{StyleID: w.sty.num, Value: x} }

// bold restyles a line's cells in bold, for a total.
func (w *reportWriter) bold(vals []any) []any {
	for i, v := range vals {
		c, ok := v.(excelize.Cell)
		if !ok {
			continue
		}
		switch c.StyleID {
		case w.sty.num:
			c.StyleID = w.sty.boldNum
		case w.sty.num2:
			c.StyleID = w.sty.boldNum2
		default:
			c.StyleID = w.sty.bold
		}
		vals[i] = c
	}
	return vals
}
