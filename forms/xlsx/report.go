package xlsx

import (
	"context"
	"fmt"
	"io"
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
}

// The report's sheets.
const (
	ReportStatsSheet = "统计"
	ReportListSheet  = "需求清单"
)

// tally is one line of counts.
type tally struct {
	ents, cross                        map[string]bool
	needs, valid, confirmed, published int
	matches, deals                     int
	amount                             float64
}

func newTally() *tally { return &tally{ents: map[string]bool{}, cross: map[string]bool{}} }

func (t *tally) addNeed(n needFacts) {
	t.needs++
	t.ents[n.ent] = true
	if n.valid {
		t.valid++
	}
	if n.confirmed {
		t.confirmed++
	}
	if n.published {
		t.published++
	}
	if n.match {
		t.matches++
	}
	if n.deal {
		t.deals++
	}
	t.amount += n.amount
}

// needFacts are what the report counts about one need.
type needFacts struct {
	ent                                      string
	valid, confirmed, published, match, deal bool
	amount                                   float64
}

type progress struct {
	intent, contract bool
	amount           float64
}

// WriteReport writes the organisers' report to w: a 统计 sheet with the
// counts the work is judged by — enterprises served, valid needs (diagnosis
// 有效需求), cross-region enterprises (region outside HomeRegion), intended
// matches (needs with an 意向 follow-up, or 对接中 and later) and deals
// (needs with a 合同 follow-up, or 已签约 / 已解决) with the contract amount —
// overall against the targets, by town and by tech field; and a 需求清单
// sheet listing every need with its status, the enterprise named per
// visibility (实名公开: the name; 匿名公开: the public alias; 不公开: withheld).
// Follow-ups are read when recs implements [FollowUps].
func WriteReport(ctx context.Context, w io.Writer, recs Records, opt ReportOptions) (ExportStats, error) {
	var st ExportStats
	cat := forms.Default()
	lang := opt.Lang
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	ix := forms.Regions()
	home := ""
	if r, ok := ix.Lookup(opt.HomeRegion); ok {
		home = r.Code
	}
	ents, err := loadEnterprises(ctx, recs, func(id string) bool { return confirmedContentField(id) }, false)
	if err != nil {
		return st, err
	}
	progressOf := map[string]*progress{}
	if fu, ok := recs.(FollowUps); ok {
		all, err := fu.AllFollowUps(ctx)
		if err != nil {
			return st, fmt.Errorf("xlsx: read follow-ups: %w", err)
		}
		for _, f := range all {
			p := progressOf[f.NeedID]
			if p == nil {
				p = &progress{}
				progressOf[f.NeedID] = p
			}
			switch f.Kind {
			case forms.FollowUpIntent:
				p.intent = true
			case forms.FollowUpContract:
				p.contract = true
				if x, err := strconv.ParseFloat(f.AmountWan, 64); err == nil {
					p.amount += x
				}
			}
		}
	}
	areaOf := func(e *forms.Enterprise) string {
		if e == nil {
			return ""
		}
		return e.Values.Get("region")
	}
	outside := func(code string) bool { return home != "" && code != "" && !ix.Within(code, home) }

	total := newTally()
	byArea := map[string]*tally{}
	byField := map[string]*tally{}
	get := func(m map[string]*tally, k string) *tally {
		t := m[k]
		if t == nil {
			t = newTally()
			m[k] = t
		}
		return t
	}
	for id, e := range ents {
		a := areaOf(e)
		t := get(byArea, a)
		t.ents[id] = true
		total.ents[id] = true
		if outside(a) {
			t.cross[id] = true
			total.cross[id] = true
		}
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
	sty, err := newReportStyles(f)
	if err != nil {
		return st, err
	}
	title := tr(lang, "寻榜工作统计", "Needs collection report")
	if err := setupPrint(f, statsSheet, title, lang, now(), page{landscape: true}); err != nil {
		return st, err
	}
	if err := setupPrint(f, listSheet, title, lang, now(), page{landscape: true, repeat: "$1:$1"}); err != nil {
		return st, err
	}

	// The list, written while the needs are counted.
	lw, err := f.NewStreamWriter(listSheet)
	if err != nil {
		return st, err
	}
	listHead := []string{
		tr(lang, "序号", "No."), tr(lang, "需求名称", "Title"), tr(lang, "需求单位", "Enterprise"), tr(lang, "公开方式", "Visibility"),
		tr(lang, "所在地区", "Region"), tr(lang, "技术领域", "Tech field"), tr(lang, "需求类型", "Type"), tr(lang, "状态", "Status"),
		tr(lang, "企业确认", "Confirmation"), tr(lang, "有效需求", "Valid"), tr(lang, "意向对接", "Intent"), tr(lang, "签约", "Deal"),
		tr(lang, "待补充", "To complete"), tr(lang, "更新时间", "Updated"),
	}
	if err := setColWidths(lw, []float64{6, 36, 28, 10, 22, 16, 14, 12, 10, 9, 9, 9, 30, 17}); err != nil {
		return st, err
	}
	if err := lw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return st, err
	}
	head := make([]any, len(listHead))
	for i, h := range listHead {
		head[i] = excelize.Cell{StyleID: sty.head, Value: h}
	}
	if err := lw.SetRow("A1", head, excelize.RowOpts{Height: 22}); err != nil {
		return st, err
	}
	techVoc, typeVoc, visVoc := cat.Vocabulary("tech_field"), cat.Vocabulary("need_type"), cat.Vocabulary("visibility")
	yes := func(b bool) string {
		if b {
			return tr(lang, "是", "yes")
		}
		return ""
	}
	row := 1
	meter := needMeter(ctx, recs, opt.Progress)
	err = recs.ForEachNeed(ctx, func(n *forms.Need) error {
		meter.step()
		if row%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e := ents[n.EnterpriseID]
		pr := progressOf[n.ID]
		if pr == nil {
			pr = &progress{}
		}
		current := cat.ConfirmationCurrent(n, e)
		nf := needFacts{
			ent:       n.EnterpriseID,
			valid:     n.Diagnosis != nil && n.Diagnosis.Conclusion() == forms.ConclusionValid,
			confirmed: current,
			published: n.Platform.URL != "" || slices.Contains([]forms.Status{forms.StatusPublished, forms.StatusMatching, forms.StatusSolved, forms.StatusSigned, forms.StatusResolved}, n.Status),
			match:     pr.intent || slices.Contains([]forms.Status{forms.StatusMatching, forms.StatusSolved, forms.StatusSigned, forms.StatusResolved}, n.Status),
			deal:      pr.contract || n.Status == forms.StatusSigned || n.Status == forms.StatusResolved,
			amount:    pr.amount,
		}
		area := areaOf(e)
		total.addNeed(nf)
		get(byArea, area).addNeed(nf)
		top := topTechField(techVoc, n.Values.List("tech_fields"))
		get(byField, top).addNeed(nf)
		st.Needs++

		vis := n.Visibility()
		who := tr(lang, "（不公开）", "(withheld)")
		switch vis {
		case forms.VisibilityNamed:
			if e != nil {
				who = e.Name()
			}
		case forms.VisibilityAnonymous:
			who = n.Values.Get("public_alias")
			if who == "" {
				who = tr(lang, "（匿名）", "(anonymous)")
			}
		}
		conf := tr(lang, "未确认", "no")
		switch {
		case current:
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
			updated = n.UpdatedAt.Local().Format("2006-01-02 15:04")
		}
		row++
		return lw.SetRow(cellName(1, row), []any{
			row - 1, n.Title(), who, visVoc.Label(string(vis), lang), areaName(ix, area, home), techVoc.Label(top, lang),
			typeVoc.Label(n.Values.Get("need_type"), lang), n.Status.Label(lang), conf, yes(nf.valid), yes(nf.match), yes(nf.deal),
			strings.Join(missing, "、"), updated,
		})
	})
	if err != nil {
		return st, fmt.Errorf("xlsx: report: %w", err)
	}
	if err := lw.Flush(); err != nil {
		return st, err
	}

	// The counts.
	sw, err := f.NewStreamWriter(statsSheet)
	if err != nil {
		return st, err
	}
	if err := setColWidths(sw, []float64{30, 11, 11, 10, 11, 11, 11, 11, 11, 14}); err != nil {
		return st, err
	}
	rw := &reportWriter{rowWriter: rowWriter{sw: sw}, sty: sty}
	rw.merged(title, sty.title, 10, 28)
	sub := tr(lang, "统计日期：", "As of ") + now().Format("2006-01-02")
	if home != "" {
		sub += tr(lang, "　本地区：", " · home region: ") + ix.FullName(home)
	}
	rw.merged(sub, sty.note, 10, 18)
	rw.blank()
	rw.merged(tr(lang, "一、总体完成情况", "1. Overall"), sty.section, 10, 22)
	rw.row([]any{rw.h(tr(lang, "指标", "Measure")), rw.h(tr(lang, "完成", "Done")), rw.h(tr(lang, "目标", "Target")), rw.h(tr(lang, "完成率", "Share"))}, 20)
	tg := Targets{}
	if opt.Targets != nil {
		tg = *opt.Targets
	}
	for _, m := range []struct {
		zh, en       string
		done, target int
	}{
		{"服务企业数", "Enterprises served", len(total.ents), tg.Enterprises},
		{"有效需求数", "Valid needs", total.valid, tg.ValidNeeds},
		{"跨区域企业数", "Cross-region enterprises", len(total.cross), tg.CrossRegion},
		{"意向对接数", "Intended matches", total.matches, tg.Matches},
		{"签约（成交）数", "Deals", total.deals, tg.Deals},
	} {
		vals := []any{rw.c(tr(lang, m.zh, m.en)), rw.n(m.done), nil, nil}
		if opt.Targets != nil {
			vals[2] = rw.n(m.target)
			if m.target > 0 {
				vals[3] = excelize.Cell{StyleID: sty.pct, Value: float64(m.done) / float64(m.target)}
			}
		}
		rw.row(vals, 18)
	}
	rw.row([]any{rw.c(tr(lang, "需求总数", "Needs recorded")), rw.n(total.needs)}, 18)
	rw.row([]any{rw.c(tr(lang, "签约金额（万元）", "Contract amount (10k CNY)")), excelize.Cell{StyleID: sty.num2, Value: total.amount}}, 18)
	rw.blank()

	cols := []string{tr(lang, "服务企业", "Enterprises"), tr(lang, "跨区域企业", "Cross-region"), tr(lang, "需求数", "Needs"),
		tr(lang, "有效需求", "Valid"), tr(lang, "企业已确认", "Confirmed"), tr(lang, "已发布", "Published"),
		tr(lang, "意向对接", "Intent"), tr(lang, "签约", "Deals"), tr(lang, "签约金额（万元）", "Amount (10k CNY)")}
	line := func(name string, t *tally) []any {
		return []any{rw.c(name), rw.n(len(t.ents)), rw.n(len(t.cross)), rw.n(t.needs), rw.n(t.valid), rw.n(t.confirmed),
			rw.n(t.published), rw.n(t.matches), rw.n(t.deals), excelize.Cell{StyleID: sty.num2, Value: t.amount}}
	}
	tableHead := func(first string) {
		vals := []any{rw.h(first)}
		for _, c := range cols {
			vals = append(vals, rw.h(c))
		}
		rw.row(vals, 30)
	}
	rw.merged(tr(lang, "二、按镇（街道）统计", "2. By town"), sty.section, 10, 22)
	tableHead(tr(lang, "地区", "Region"))
	areas := make([]string, 0, len(byArea))
	for a := range byArea {
		areas = append(areas, a)
	}
	slices.SortFunc(areas, func(a, b string) int {
		// Home towns first, then the rest, then the unknown.
		ka, kb := areaRank(a, outside(a)), areaRank(b, outside(b))
		if ka != kb {
			return ka - kb
		}
		return strings.Compare(a, b)
	})
	for _, a := range areas {
		name := areaName(ix, a, home)
		if a == "" {
			name = tr(lang, "（未填写地区）", "(no region)")
		} else if outside(a) {
			name += tr(lang, "（区外）", " (outside)")
		}
		rw.row(line(name, byArea[a]), 18)
	}
	rw.row(rw.bold(line(tr(lang, "合计", "Total"), total)), 18)
	rw.blank()
	rw.merged(tr(lang, "三、按技术领域统计", "3. By technology field"), sty.section, 10, 22)
	tableHead(tr(lang, "技术领域", "Technology field"))
	for _, o := range append(techVoc.Children(""), forms.Option{Code: ""}) {
		t := byField[o.Code]
		if t == nil {
			continue
		}
		name := o.Label(lang)
		if o.Code == "" {
			name = tr(lang, "（未填写技术领域）", "(no tech field)")
		}
		l := line(name, t)
		l[2] = nil // cross-region counts enterprises, not fields
		rw.row(l, 18)
	}
	ft := line(tr(lang, "合计", "Total"), total)
	ft[1], ft[2] = rw.n(len(fieldEnts(byField))), nil
	rw.row(rw.bold(ft), 18)
	if rw.err != nil {
		return st, rw.err
	}
	if err := sw.Flush(); err != nil {
		return st, err
	}
	if err := finishBook(f, w, tr(lang, "寻榜工作统计", "Needs collection report"), now()); err != nil {
		return st, err
	}
	meter.finish()
	return st, nil
}

// fieldEnts counts the distinct enterprises with needs across the fields.
func fieldEnts(m map[string]*tally) map[string]bool {
	out := map[string]bool{}
	for _, t := range m {
		for id := range t.ents {
			out[id] = true
		}
	}
	return out
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
	title, note, section, head, cell, num, num2, pct, bold, boldNum, boldNum2 int
}

func newReportStyles(f *excelize.File) (reportStyles, error) {
	var s reportStyles
	err := addStyles(f, []styleDef{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.note, excelize.Style{Font: &excelize.Font{Size: 10, Color: "595959"}, Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&s.section, excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}}},
		{&s.head, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: thinBorder}},
		{&s.cell, excelize.Style{Border: thinBorder, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.num, excelize.Style{Border: thinBorder, NumFmt: 1}},
		{&s.num2, excelize.Style{Border: thinBorder, NumFmt: 4}},
		{&s.pct, excelize.Style{Border: thinBorder, NumFmt: 9}},
		{&s.bold, excelize.Style{Border: thinBorder, Font: &excelize.Font{Bold: true}}},
		{&s.boldNum, excelize.Style{Border: thinBorder, Font: &excelize.Font{Bold: true}, NumFmt: 1}},
		{&s.boldNum2, excelize.Style{Border: thinBorder, Font: &excelize.Font{Bold: true}, NumFmt: 4}},
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
