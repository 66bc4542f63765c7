package xlsx

import (
	"cmp"
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

// EvaluationRecords are what [WriteEvaluations] reads: the records, and
// each need's solutions (store.Store implements it).
type EvaluationRecords interface {
	Records
	Solutions(ctx context.Context, needID string) ([]*forms.Solution, error)
}

// EvaluationOptions steer [WriteEvaluations].
type EvaluationOptions struct {
	// NeedIDs, when not empty, limits the sheet to these needs.
	NeedIDs []string
	// Lang is the language of the labels ("zh", the default, or "en").
	Lang string
	// Organisation is the team or unit the file comes from, for its
	// properties.
	Organisation string
	// Now stamps the file; nil means time.Now.
	Now func() time.Time
	// Progress, when not nil, is told how many needs were read of how
	// many the records hold (0 when unknown), as [ReportOptions.Progress].
	Progress func(done, total int)
}

// The evaluation sheet prints on A4 portrait at 90 %, its 11 pt text at
// 9.9 pt; its columns (in characters) fit the page's width as the report's
// do (9.5 px a character, as LibreOffice draws 宋体's substitute).
const evaluationScale = 90

// evaluationWidths are the columns: 序号, 方案提供方, 单位类型, the four
// solution criteria, 合计, 专家建议, 企业选定.
var evaluationWidths = []float64{4, 20, 9, 6, 6, 6, 6, 7, 8, 8}

// WriteEvaluations writes the 竞榜 evaluations (issue 15.5) to w: one sheet
// per evaluated need, printable on A4 — the need (number, title, enterprise
// per its visibility as in the organisers' report, tech field), the date
// and the experts, the panel's scores of the need against its four
// criteria and of each solution against its four, the totals, the
// solution the experts suggest and the one the enterprise chose, the
// experts' opinion, and lines to sign. The sheet is internal and says so:
// the scores are not published. It names no solution provider's contact.
// The sheets follow the evaluations' dates. A need without an evaluation
// is left out; with none at all, the workbook's one sheet says so.
func WriteEvaluations(ctx context.Context, w io.Writer, recs EvaluationRecords, opt EvaluationOptions) (ExportStats, error) {
	var st ExportStats
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	ev := &evaluationBook{cat: forms.Default(), lang: opt.Lang, now: now()}
	var err error
	if ev.ents, err = loadEnterprises(ctx, recs, func(id string) bool { return id == "enterprise_name" || id == "region" }, nil); err != nil {
		return st, err
	}
	meter := needMeter(ctx, recs, opt.Progress)
	needs, err := evaluatedNeeds(ctx, recs, opt.NeedIDs, meter)
	if err != nil {
		return st, fmt.Errorf("xlsx: evaluations: %w", err)
	}
	f, err := ev.write(ctx, recs, needs)
	if err != nil {
		return st, fmt.Errorf("xlsx: evaluations: %w", err)
	}
	defer f.Close()
	st.Needs = len(needs)
	if err := finishBookMeta(f, w, bookMeta{Title: ev.title(), Organisation: opt.Organisation, Now: ev.now}); err != nil {
		return st, err
	}
	meter.finish()
	return st, nil
}

// evaluatedNeeds reads the needs with an evaluation (of ids, when given),
// in the order of the evaluations' dates.
func evaluatedNeeds(ctx context.Context, recs Records, ids []string, meter *progressMeter) ([]*forms.Need, error) {
	var needs []*forms.Need
	err := recs.ForEachNeed(ctx, func(n *forms.Need) error {
		meter.step()
		if err := ctx.Err(); err != nil {
			return err
		}
		if !n.Evaluation.Empty() && (len(ids) == 0 || slices.Contains(ids, n.ID)) {
			needs = append(needs, n.Clone())
		}
		return nil
	})
	slices.SortStableFunc(needs, func(a, b *forms.Need) int {
		return cmp.Or(strings.Compare(a.Evaluation.Date, b.Evaluation.Date), strings.Compare(a.Title(), b.Title()))
	})
	return needs, err
}

// write makes the workbook: a sheet per need, or one that says there is
// none. The caller closes the file.
func (b *evaluationBook) write(ctx context.Context, recs EvaluationRecords, needs []*forms.Need) (*excelize.File, error) {
	first := tr(b.lang, "竞榜评估", "Evaluation")
	if len(needs) > 0 {
		first = b.sheetName(1)
	}
	f, err := newBookFile(first)
	if err != nil {
		return nil, err
	}
	if b.sty, err = newEvaluationStyles(f); err == nil && len(needs) == 0 {
		err = b.writeNone(f, first)
	}
	for i, n := range needs {
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = b.writeNeed(ctx, f, recs, n, i+1)
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// evaluationBook is one evaluation workbook being written.
type evaluationBook struct {
	cat  *forms.Catalogue
	lang string
	now  time.Time
	ents *enterprises
	sty  evaluationStyles
}

func (b *evaluationBook) title() string {
	return tr(b.lang, "技术需求竞榜评估表", "Need evaluation (竞榜)")
}

func (b *evaluationBook) sheetName(i int) string {
	return tr(b.lang, "竞榜评估", "Evaluation ") + strconv.Itoa(i)
}

// evalSheet writes the cells of one sheet, a row at a time.
type evalSheet struct {
	f    *excelize.File
	name string
	sty  *evaluationStyles
	row  int
	err  error
}

func (s *evalSheet) set(col int, v any, style int) {
	if s.err != nil {
		return
	}
	cell := cellName(col, s.row)
	if s.err = s.f.SetCellValue(s.name, cell, v); s.err == nil {
		s.err = s.f.SetCellStyle(s.name, cell, cell, style)
	}
}

// span writes v across columns from..to of the current row, merged, each
// cell in style (so that the borders go round the whole).
func (s *evalSheet) span(from, to int, v any, style int) {
	if s.err != nil {
		return
	}
	a, z := cellName(from, s.row), cellName(to, s.row)
	s.err = s.f.SetCellValue(s.name, a, v)
	if s.err == nil && to > from {
		s.err = s.f.MergeCell(s.name, a, z)
	}
	if s.err == nil {
		s.err = s.f.SetCellStyle(s.name, a, z, style)
	}
}

// next moves to a new row of the given height in points.
func (s *evalSheet) next(height float64) {
	s.row++
	if s.err == nil {
		s.err = s.f.SetRowHeight(s.name, s.row, height)
	}
}

// spanHeight is the height a wrapped text needs across columns from..to at
// 11 pt.
func spanHeight(text string, from, to int, min float64) float64 {
	w := 0.0
	for _, x := range evaluationWidths[from-1 : to] {
		w += x
	}
	return rowHeight([]string{text}, []float64{w}, 11, min)
}

// writeNone writes the sheet of a workbook with no evaluation.
func (b *evaluationBook) writeNone(f *excelize.File, name string) error {
	if err := b.setupSheet(f, name); err != nil {
		return err
	}
	s := &evalSheet{f: f, name: name, sty: &b.sty}
	s.next(30)
	s.span(1, len(evaluationWidths), b.title(), b.sty.title)
	s.next(22)
	s.span(1, len(evaluationWidths), tr(b.lang, "尚未记录任何竞榜评估（收到 3 个及以上解决方案的需求，在需求页“竞榜评估”中记录）。",
		"No evaluation has been recorded yet (record one under 竞榜评估 on a need with three or more solutions)."), b.sty.text)
	return s.err
}

func (b *evaluationBook) setupSheet(f *excelize.File, name string) error {
	idx, err := f.GetSheetIndex(name)
	if err != nil {
		return err
	}
	if idx < 0 {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	if err := setupPrint(f, name, b.title(), b.lang, b.now, page{scale: evaluationScale, centre: tr(b.lang, "内部资料", "Internal")}); err != nil {
		return err
	}
	for i, w := range evaluationWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, w); err != nil {
			return err
		}
	}
	return nil
}

// writeNeed writes need n's evaluation on the sheet numbered seq.
func (b *evaluationBook) writeNeed(ctx context.Context, f *excelize.File, recs EvaluationRecords, n *forms.Need, seq int) error {
	sols, err := recs.Solutions(ctx, n.ID)
	if err != nil {
		return err
	}
	name := b.sheetName(seq)
	if err := b.setupSheet(f, name); err != nil {
		return err
	}
	s := &evalSheet{f: f, name: name, sty: &b.sty}
	last := len(evaluationWidths)
	s.next(30)
	s.span(1, last, b.title(), b.sty.title)
	note := tr(b.lang, "内部资料　注意保密：评分与专家意见不对外公开，不得随需求发布。",
		"Internal — confidential: the scores and the experts' opinion are not published with the need.")
	s.next(spanHeight(note, 1, last, 18))
	s.span(1, last, note, b.sty.internal)
	b.needBlock(s, n)
	b.needScores(s, n.Evaluation)
	b.solutionScores(s, n.Evaluation, sols)
	b.outcome(s, n.Evaluation, sols)
	return s.err
}

// field writes a label (columns 1–2) and its value (3 to the last).
func (b *evaluationBook) field(s *evalSheet, label, value string) {
	s.next(spanHeight(value, 3, len(evaluationWidths), 20))
	s.span(1, 2, label, b.sty.label)
	s.span(3, len(evaluationWidths), value, b.sty.text)
}

// needBlock writes what the need is, named as its visibility allows.
func (b *evaluationBook) needBlock(s *evalSheet, n *forms.Need) {
	lang, e := b.lang, b.ents.get(n.EnterpriseID)
	title, who := n.Title(), ""
	switch n.Visibility() {
	case forms.VisibilityNamed:
		if e != nil {
			who = e.Name()
		}
	case forms.VisibilityAnonymous:
		who = n.Values.Get("public_alias")
	default:
		title, who = tr(lang, "（不公开需求）", "(not public)"), tr(lang, "（不公开）", "(withheld)")
	}
	ref := n.ID
	if len(ref) >= 8 {
		ref = strings.ToUpper(ref[:8])
	}
	ev := n.Evaluation
	s.next(8)
	b.field(s, tr(lang, "需求编号", "Need number"), ref)
	b.field(s, tr(lang, "需求名称", "Title"), title)
	b.field(s, tr(lang, "需求单位", "Enterprise"), who)
	if n.Visibility() != forms.VisibilityPrivate {
		voc := b.cat.Vocabulary("tech_field")
		b.field(s, tr(lang, "技术领域", "Tech field"), voc.Label(voc.Root(n.Values.Get("tech_fields")), lang))
	}
	b.field(s, tr(lang, "评估日期", "Date"), ev.Date)
	b.field(s, tr(lang, "评估专家", "Experts"), strings.Join(ev.Experts, "；"))
}

// needScores writes the need's scores: a row of criteria, a row of scores,
// the total.
func (b *evaluationBook) needScores(s *evalSheet, ev *forms.Evaluation) {
	lang, last := b.lang, len(evaluationWidths)
	s.next(10)
	s.next(22)
	s.span(1, last, tr(lang, fmt.Sprintf("一、需求评分（每项 0–%d 分）", forms.ScoreMax), fmt.Sprintf("1. The need (0–%d each)", forms.ScoreMax)), b.sty.section)
	s.next(22)
	s.span(1, 2, tr(lang, "评分项", "Criterion"), b.sty.head)
	for i, c := range forms.NeedCriteria {
		s.span(3+2*i, 4+2*i, c.Label(lang), b.sty.head)
	}
	s.next(22)
	s.span(1, 2, tr(lang, "专家组评分", "Panel's score"), b.sty.label)
	for i, c := range forms.NeedCriteria {
		s.span(3+2*i, 4+2*i, scoreCell(ev.Need, c.ID), b.sty.num)
	}
	total, all := ev.Need.Total(forms.NeedCriteria)
	s.next(22)
	s.span(1, 2, tr(lang, fmt.Sprintf("合计（满分 %d）", forms.ScoreMax*len(forms.NeedCriteria)), fmt.Sprintf("Total (of %d)", forms.ScoreMax*len(forms.NeedCriteria))), b.sty.label)
	s.span(3, last, totalCell(lang, total, all, len(ev.Need) > 0), b.sty.numLeft)
}

// solutionScores writes a row per solution: its provider and type, its
// scores, total, and whether the experts suggest it and the enterprise
// chose it.
func (b *evaluationBook) solutionScores(s *evalSheet, ev *forms.Evaluation, sols []*forms.Solution) {
	lang, last := b.lang, len(evaluationWidths)
	s.next(10)
	s.next(22)
	s.span(1, last, tr(lang, fmt.Sprintf("二、解决方案评分（每项 0–%d 分，合计满分 %d）", forms.ScoreMax, forms.ScoreMax*len(forms.SolutionCriteria)),
		fmt.Sprintf("2. The solutions (0–%d each, total of %d)", forms.ScoreMax, forms.ScoreMax*len(forms.SolutionCriteria))), b.sty.section)
	head := []string{tr(lang, "序号", "No."), tr(lang, "方案提供方", "Provider"), tr(lang, "单位类型", "Type")}
	for _, c := range forms.SolutionCriteria {
		head = append(head, c.Label(lang))
	}
	head = append(head, tr(lang, "合计", "Total"), tr(lang, "专家建议", "Experts' pick"), tr(lang, "企业选定", "Chosen"))
	s.next(rowHeight(head, evaluationWidths, 11, 22))
	for i, h := range head {
		s.set(i+1, h, b.sty.head)
	}
	mark := func(ok bool) string {
		if ok {
			return "√"
		}
		return ""
	}
	for i, sol := range sols {
		sc := ev.SolutionScores(sol.ID)
		provider := sol.Provider()
		s.next(rowHeight([]string{"", provider}, evaluationWidths, 11, 22))
		s.set(1, i+1, b.sty.num)
		s.set(2, provider, b.sty.text)
		s.set(3, b.cat.Vocabulary("provider_type").Label(sol.Values.Get("provider_type"), lang), b.sty.text)
		for j, c := range forms.SolutionCriteria {
			s.set(4+j, scoreCell(sc, c.ID), b.sty.num)
		}
		total, all := sc.Total(forms.SolutionCriteria)
		s.set(8, totalCell(lang, total, all, len(sc) > 0), b.sty.num)
		s.set(9, mark(ev.Suggested == sol.ID), b.sty.mark)
		s.set(10, mark(ev.Chosen == sol.ID), b.sty.mark)
	}
	if len(sols) == 0 {
		s.next(22)
		s.span(1, last, tr(lang, "（本需求没有解决方案）", "(this need has no solution)"), b.sty.text)
	}
}

// outcome writes the suggested and chosen solutions, the opinion and the
// lines to sign.
func (b *evaluationBook) outcome(s *evalSheet, ev *forms.Evaluation, sols []*forms.Solution) {
	lang, last := b.lang, len(evaluationWidths)
	provider := func(id string) string {
		for i, sol := range sols {
			if sol.ID == id {
				return fmt.Sprintf("%d. %s", i+1, sol.Provider())
			}
		}
		return tr(lang, "（未定）", "(not decided)")
	}
	s.next(10)
	b.field(s, tr(lang, "专家建议的最佳方案", "Experts' suggestion"), provider(ev.Suggested))
	b.field(s, tr(lang, "企业选定的最佳方案", "Enterprise's choice"), provider(ev.Chosen))
	op := ev.Opinion
	s.next(max(spanHeight(op, 3, last, 20), 60))
	s.span(1, 2, tr(lang, "专家意见", "Experts' opinion"), b.sty.label)
	s.span(3, last, op, b.sty.text)
	s.next(16)
	s.next(40)
	s.span(1, 5, tr(lang, "评估专家（签字）：", "Experts (signatures):"), b.sty.sign)
	s.span(6, last, tr(lang, "需求企业（盖章）：", "Enterprise (seal):"), b.sty.sign)
	s.next(30)
	s.span(6, last, tr(lang, "日期：　　　　年　　月　　日", "Date:"), b.sty.sign)
}

// scoreCell is a score as a number, or "" when not scored.
func scoreCell(s forms.Scores, id string) any {
	if v, ok := s[id]; ok {
		return v
	}
	return ""
}

// totalCell is a total: a number when every criterion is scored, else said
// to be incomplete, "" when nothing is.
func totalCell(lang string, total float64, all, some bool) any {
	switch {
	case all:
		return total
	case some:
		return forms.FormatScore(total) + tr(lang, "（未评完）", " (incomplete)")
	}
	return ""
}

type evaluationStyles struct {
	title, internal, section, head, label, text, num, numLeft, mark, sign int
}

func newEvaluationStyles(f *excelize.File) (evaluationStyles, error) {
	var s evaluationStyles
	font := func(size float64, bold bool, color string) *excelize.Font {
		return &excelize.Font{Family: bookFont, Size: size, Bold: bold, Color: color}
	}
	wrap := func(h string) *excelize.Alignment {
		return &excelize.Alignment{Horizontal: h, Vertical: "center", WrapText: true}
	}
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	err := addStyles(f, []styleDef{
		{&s.title, excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 16, Bold: true}, Alignment: wrap("center")}},
		{&s.internal, excelize.Style{Font: font(10, true, "C00000"), Alignment: wrap("left")}},
		{&s.section, excelize.Style{Font: font(12, true, ""), Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.head, excelize.Style{Font: font(11, true, ""), Fill: fill, Alignment: wrap("center"), Border: thinBorder}},
		{&s.label, excelize.Style{Font: font(11, true, ""), Fill: fill, Alignment: wrap("left"), Border: thinBorder}},
		{&s.text, excelize.Style{Font: font(11, false, ""), Alignment: wrap("left"), Border: thinBorder}},
		{&s.num, excelize.Style{Font: font(11, false, ""), Alignment: wrap("center"), Border: thinBorder, NumFmt: 0}},
		{&s.numLeft, excelize.Style{Font: font(11, true, ""), Alignment: wrap("left"), Border: thinBorder}},
		{&s.mark, excelize.Style{Font: font(12, true, ""), Alignment: wrap("center"), Border: thinBorder}},
		{&s.sign, excelize.Style{Font: font(11, false, ""), Alignment: &excelize.Alignment{Vertical: "bottom", WrapText: true}}},
	})
	return s, err
}
