package xlsx

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// HandbookOptions steer [WriteHandbook].
type HandbookOptions struct {
	// IncludeUnconfirmed adds the publishable needs whose confirmation is
	// not current, each marked 未经企业确认. 不公开 needs are never included.
	IncludeUnconfirmed bool
	// Lang is the language of the labels ("zh", the default, or "en").
	Lang string
	// Title is the handbook's title; "" means 技术需求汇编.
	Title string
	// HubPublicURL is the public base address of the team's hub, "" when
	// none: a need the hub published is referred to its page there
	// (forms.PublicNeed.Address).
	HubPublicURL string
	// Now stamps the file; nil means time.Now.
	Now func() time.Time
	// Progress, when not nil, is told how far the export has got: done
	// needs written of total, the needs the handbook includes, counted by
	// its first pass over the needs (the calls begin after it). It is
	// called on the goroutine that writes, every few hundred needs and once
	// at the end, with done never decreasing; the last call has done ==
	// total (0 and 0 for a handbook with no needs). It must return quickly.
	Progress func(done, total int)
}

// Handbook layout: two columns, a label and a value, on A4 portrait.
const (
	hbLabelWidth = 14
	hbValueWidth = 72
	hbLineHeight = 15.0 // points per line of 11 pt text
	hbMaxLines   = 25   // lines per row; longer texts go on as continuation rows
)

type handbookStyles struct {
	title, subtitle, toc, group, needTitle, label, value, warn, spacer int
}

// WriteHandbook writes the 《技术需求汇编》 to w: the needs grouped by the
// first level of their (first) tech field, each group on a new page, one
// formatted block per need — title, type, field, enterprise, region,
// keywords, problem, key technology, indicators, goal, budget (or 面议),
// cooperation modes, timeframe, contact for 实名公开 — print-ready on A4
// portrait with the title row repeated on every page and page numbers in the
// footer.
//
// Which needs, and what of them, follows the one rule: visibility 实名公开
// or 匿名公开 and a current confirmation (IncludeUnconfirmed adds the
// unconfirmed ones, marked 未经企业确认); 匿名公开 shows the public alias
// and never the enterprise's name, credit code, contacts or secret fields;
// 不公开 needs are left out. Every value written comes from
// [forms.Catalogue.Publish].
//
// Written with a StreamWriter: the needs are read once to sort them into
// groups (keeping only their IDs) and once more per group present, so
// memory grows by a few bytes a need at most.
func WriteHandbook(ctx context.Context, w io.Writer, recs Records, opt HandbookOptions) (ExportStats, error) {
	var st ExportStats
	cat := forms.Default()
	lang := opt.Lang
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	title := opt.Title
	if title == "" {
		title = tr(lang, "技术需求汇编", "Technology Needs Handbook")
	}
	ents, err := loadEnterprises(ctx, recs, func(id string) bool {
		f, ok := cat.Field(id)
		return ok && (f.Class == forms.ClassPublic || confirmedContentField(id))
	}, func(string) bool { return true })
	if err != nil {
		return st, err
	}
	hc := handbookContents{cat: cat, ents: ents, opt: opt}
	if err := hc.selectNeeds(ctx, recs, &st); err != nil {
		return st, fmt.Errorf("xlsx: handbook: %w", err)
	}

	sheet := tr(lang, "技术需求汇编", "Handbook")
	f, err := newBookFile(sheet)
	if err != nil {
		return st, err
	}
	defer f.Close()
	hw, err := startHandbookSheet(f, sheet, title, lang, now())
	if err != nil {
		return st, err
	}
	hw.hub = opt.HubPublicURL
	hw.frontMatter(title, lang, now, st, opt.IncludeUnconfirmed, &hc)
	if hw.err != nil {
		return st, hw.err
	}
	meter := &progressMeter{fn: opt.Progress, total: st.Needs}
	if err := hw.groups(ctx, recs, &hc, meter); err != nil {
		return st, err
	}
	if st.Needs == 0 {
		hw.merged(excelize.Cell{StyleID: hw.sty.value, Value: tr(lang, "（没有可收录的需求）", "(no needs to include)")}, 20)
	}
	if hw.err != nil {
		return st, hw.err
	}
	if err := hw.sw.Flush(); err != nil {
		return st, err
	}
	if err := finishBook(f, w, title, now()); err != nil {
		return st, err
	}
	meter.finish()
	return st, nil
}

// handbookContents is what the handbook holds: which needs, in which group
// (the first level of their first tech field), kept as IDs only (some bytes
// a need) so that each group's pass publishes only the needs of its own
// group.
type handbookContents struct {
	cat  *forms.Catalogue
	ents *enterprises
	opt  HandbookOptions
	// groupOf maps the ID of each need included to its group's code ("" for
	// no tech field).
	groupOf map[string]string
	// counts are the needs included by group code.
	counts map[string]int
	// groups are the groups present, in vocabulary order, the one of needs
	// without a tech field last.
	groups []forms.Option
}

// selectNeeds is the handbook's first pass over the needs: it picks the
// needs to include, by the rule of [forms.Catalogue.Publish] and
// IncludeUnconfirmed, and their groups, and counts them into st.
func (hc *handbookContents) selectNeeds(ctx context.Context, recs Records, st *ExportStats) error {
	techVoc := hc.cat.Vocabulary("tech_field")
	hc.counts = map[string]int{}
	hc.groupOf = map[string]string{}
	err := recs.ForEachNeed(ctx, func(n *forms.Need) error {
		e := hc.ents.get(n.EnterpriseID)
		p, ok := hc.cat.Publish(n, e)
		switch {
		case !ok:
			st.Private++
			return nil
		case hc.cat.GivesAway(n, e, &p):
			st.NamesEnterprise++
			return nil
		case !p.Confirmed:
			st.Unconfirmed++
			if !hc.opt.IncludeUnconfirmed {
				return nil
			}
		}
		g := techVoc.Root(p.Values.Get("tech_fields"))
		hc.groupOf[n.ID] = g
		hc.counts[g]++
		st.Needs++
		return nil
	})
	if err != nil {
		return err
	}
	for _, o := range techVoc.Children("") {
		if hc.counts[o.Code] > 0 {
			hc.groups = append(hc.groups, o)
		}
	}
	if hc.counts[""] > 0 {
		hc.groups = append(hc.groups, forms.Option{Code: "", ZH: "其他（未填写技术领域）", EN: "Other (no tech field given)"})
	}
	return nil
}

// startHandbookSheet sets the handbook's sheet up to print (A4 portrait,
// title and date in the header) and starts writing it.
func startHandbookSheet(f *excelize.File, sheet, title, lang string, now time.Time) (*hbWriter, error) {
	if err := setupPrint(f, sheet, title, lang, now, page{}); err != nil {
		return nil, err
	}
	sty, err := newHandbookStyles(f)
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	if err := setColWidths(sw, []float64{hbLabelWidth, hbValueWidth}); err != nil {
		return nil, err
	}
	return &hbWriter{rowWriter: rowWriter{sw: sw}, sty: sty}, nil
}

// frontMatter writes the handbook's title, the count of its needs and the
// date compiled, the note on unconfirmed needs when it holds any, and the
// contents: the groups with their counts.
func (w *hbWriter) frontMatter(title, lang string, now func() time.Time, st ExportStats, withUnconfirmed bool, hc *handbookContents) {
	w.merged(excelize.Cell{StyleID: w.sty.title, Value: title}, 30)
	stamp := now().Format("2006年1月2日")
	if lang == "en" {
		stamp = now().Format("2 January 2006")
	}
	w.merged(excelize.Cell{StyleID: w.sty.subtitle, Value: tr(lang,
		fmt.Sprintf("共 %d 项需求，按技术领域分类　编制日期：%s", st.Needs, stamp),
		fmt.Sprintf("%d needs by technology field · compiled %s", st.Needs, stamp))}, 20)
	if withUnconfirmed && st.Unconfirmed > 0 {
		w.merged(excelize.Cell{StyleID: w.sty.warn, Value: tr(lang,
			"注：标有“未经企业确认”的需求，内容尚未经企业确认，以企业最终确认为准。",
			"Note: needs marked “not confirmed by the enterprise” may still change.")}, 20)
	}
	w.blank(8)
	w.row([]any{excelize.Cell{StyleID: w.sty.toc, Value: tr(lang, "目录", "Contents")}}, 20)
	for i, g := range hc.groups {
		// One merged cell: a long field name in the narrow label column
		// would be cut off by the count beside it.
		w.merged(excelize.Cell{StyleID: w.sty.toc, Value: groupName(i, g, lang) + tr(lang,
			fmt.Sprintf("（%d 项）", hc.counts[g.Code]), fmt.Sprintf(" (%d)", hc.counts[g.Code]))}, 18)
	}
}

// groups writes the needs group by group, each group on a new page under
// its heading: one pass over the needs per group present. A need changed
// since the first pass so as to leave the handbook is left out.
func (w *hbWriter) groups(ctx context.Context, recs Records, hc *handbookContents, meter *progressMeter) error {
	lang := hc.opt.Lang
	seq := 0
	for i, g := range hc.groups {
		if err := w.pageBreak(); err != nil {
			return err
		}
		w.merged(excelize.Cell{StyleID: w.sty.group, Value: fmt.Sprintf("%s%s", groupName(i, g, lang),
			tr(lang, fmt.Sprintf("（%d 项）", hc.counts[g.Code]), fmt.Sprintf(" (%d)", hc.counts[g.Code])))}, 24)
		w.blank(6)
		err := recs.ForEachNeed(ctx, func(n *forms.Need) error {
			if group, in := hc.groupOf[n.ID]; !in || group != g.Code {
				return nil
			}
			p, ok := hc.cat.Publish(n, hc.ents.get(n.EnterpriseID))
			if !ok || !p.Confirmed && !hc.opt.IncludeUnconfirmed {
				return nil // changed since the first pass
			}
			if seq%128 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			seq++
			meter.step()
			w.need(hc.cat, seq, p, lang)
			return w.err
		})
		if err != nil {
			return fmt.Errorf("xlsx: handbook: %w", err)
		}
	}
	return nil
}

// page is how a sheet prints.
type page struct {
	landscape bool
	// repeat is the rows printed atop every page, such as "$1:$1"; "" for
	// none.
	repeat string
	// scale, when not 0, prints the sheet at this percentage (and narrow
	// margins) instead of fitting it to one page wide, so that its text is
	// never shrunk below what the percentage gives.
	scale uint
	// centre is printed at the middle of the page header, such as 内部资料.
	centre string
}

// setupPrint sets the page up before the stream writer takes the sheet: A4,
// margins, fit to one page wide (or pg.scale), header and footer with the
// title, the date and page numbers, no grid lines.
func setupPrint(f *excelize.File, sheet, title, lang string, now time.Time, pg page) error {
	orient := "portrait"
	if pg.landscape {
		orient = "landscape"
	}
	layout := &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr(orient), FitToWidth: ptr(1), FitToHeight: ptr(0)}
	margins := &excelize.PageLayoutMarginsOptions{
		Top: ptr(0.8), Bottom: ptr(0.8), Left: ptr(0.6), Right: ptr(0.6), Header: ptr(0.3), Footer: ptr(0.3),
		Horizontally: ptr(true),
	}
	if pg.scale > 0 {
		layout = &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr(orient), AdjustTo: ptr(pg.scale)}
		margins.Left, margins.Right, margins.Top, margins.Bottom = ptr(reportSideMargin), ptr(reportSideMargin), ptr(0.7), ptr(0.7)
	}
	if err := f.SetPageLayout(sheet, layout); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(pg.scale == 0)}); err != nil {
		return err
	}
	if err := f.SetPageMargins(sheet, margins); err != nil {
		return err
	}
	centre := ""
	if pg.centre != "" {
		centre = "&C&9" + hfText(pg.centre)
	}
	hf := &excelize.HeaderFooterOptions{
		// Text right after &9 must not start with a digit, which would
		// continue the font size: hence the date's label, and the space
		// before a title such as 2026年….
		OddHeader: "&L&9" + hfText(title) + centre + "&R&9" + hfText(tr(lang, "编制日期 ", "Compiled ")+now.Format("2006-01-02")),
		OddFooter: tr(lang, "&C&9第 &P 页，共 &N 页", "&C&9Page &P of &N"),
	}
	if err := f.SetHeaderFooter(sheet, hf); err != nil {
		return err
	}
	if err := f.SetSheetView(sheet, 0, &excelize.ViewOptions{ShowGridLines: ptr(false)}); err != nil {
		return err
	}
	if pg.repeat == "" {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: "'" + strings.ReplaceAll(sheet, "'", "''") + "'!" + pg.repeat, Scope: sheet,
	})
}

// hfEscape escapes & in header and footer text.
func hfEscape(s string) string { return strings.ReplaceAll(s, "&", "&&") }

// hfText is header or footer text to follow a font size code such as &9:
// escaped, and after a space when it starts with a digit, which would
// otherwise be read as part of the size.
func hfText(s string) string {
	s = hfEscape(s)
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		return " " + s
	}
	return s
}

func newHandbookStyles(f *excelize.File) (handbookStyles, error) {
	var s handbookStyles
	font := func(size float64, bold bool, color string) *excelize.Font {
		return &excelize.Font{Family: "宋体", Size: size, Bold: bold, Color: color}
	}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	err := addStyles(f, []styleDef{
		{&s.title, excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 18, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.subtitle, excelize.Style{Font: font(10, false, "595959"), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.toc, excelize.Style{Font: font(11, false, ""), Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.group, excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 14, Bold: true}, Alignment: &excelize.Alignment{Vertical: "center"},
			Border: []excelize.Border{{Type: "bottom", Color: "1F4E79", Style: 2}}}},
		{&s.needTitle, excelize.Style{Font: font(12, true, ""), Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}, Border: thinBorder}},
		{&s.label, excelize.Style{Font: font(11, true, ""), Alignment: top,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}, Border: thinBorder}},
		{&s.value, excelize.Style{Font: font(11, false, ""), Alignment: top, Border: thinBorder}},
		{&s.warn, excelize.Style{Font: font(11, true, "C00000"), Alignment: top, Border: thinBorder}},
		{&s.spacer, excelize.Style{}},
	})
	return s, err
}

// hbWriter writes the handbook's rows.
type hbWriter struct {
	rowWriter
	sty handbookStyles
	hub string // HandbookOptions.HubPublicURL
}

func (w *hbWriter) merged(c excelize.Cell, height float64) {
	w.row([]any{c, excelize.Cell{StyleID: c.StyleID}}, height)
	w.mergeLast(2)
}

func (w *hbWriter) blank(height float64) { w.row([]any{nil}, height) }

func (w *hbWriter) pageBreak() error {
	if w.err != nil {
		return w.err
	}
	return w.sw.InsertPageBreak(cellName(1, w.at+1))
}

// field writes a label and a value, splitting a long value over several
// rows so that no row needs more than Excel's maximum height.
func (w *hbWriter) field(label, value string, style int) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	for i, chunk := range splitLines(value, hbValueWidth-2, hbMaxLines) {
		l := ""
		if i == 0 {
			l = label
		}
		lines := textLines(chunk, hbValueWidth-2)
		w.row([]any{excelize.Cell{StyleID: w.sty.label, Value: l}, excelize.Cell{StyleID: style, Value: chunk}},
			float64(lines)*hbLineHeight+4)
	}
}

// need writes one need's block.
func (w *hbWriter) need(cat *forms.Catalogue, seq int, p forms.PublicNeed, lang string) {
	v := p.Values
	title := fmt.Sprintf("%d. %s", seq, v.Get("title"))
	var head any = title
	if !p.Confirmed {
		head = []excelize.RichTextRun{
			{Text: title, Font: &excelize.Font{Family: "宋体", Size: 12, Bold: true}},
			{Text: tr(lang, "　【未经企业确认】", "  [not confirmed by the enterprise]"), Font: &excelize.Font{Family: "宋体", Size: 12, Bold: true, Color: "C00000"}},
		}
	}
	lines := textLines(title+"　【未经企业确认】", hbLabelWidth+hbValueWidth-2)
	w.merged(excelize.Cell{StyleID: w.sty.needTitle, Value: head}, float64(lines)*16+6)

	for _, id := range cat.Handbook() {
		label, text := w.handbookRow(cat, id, &p, lang)
		w.field(label, text, w.sty.value)
	}
	ref := p.ID
	if len(ref) > 8 {
		ref = ref[:8]
	}
	if a := p.Address(w.hub); a != "" {
		ref += "　" + a
	}
	w.field(tr(lang, "需求编号", "Reference"), ref, w.sty.value)
	if !p.Confirmed {
		w.field(tr(lang, "说明", "Note"), tr(lang, "本需求未经企业确认，内容以企业最终确认为准。", "Not confirmed by the enterprise: the content may still change."), w.sty.warn)
	}
	w.blank(10)
}

// handbookRow is one row of a need's block: the catalogue's handbook list
// names it (forms.Catalogue.Handbook).
func (w *hbWriter) handbookRow(cat *forms.Catalogue, id string, p *forms.PublicNeed, lang string) (label, text string) {
	v := p.Values
	switch id {
	case forms.HandbookPublisher:
		text = p.Publisher
		if text == "" && p.Visibility == forms.VisibilityAnonymous {
			text = tr(lang, "（匿名）", "(anonymous)")
		}
		return tr(lang, "需求单位", "Enterprise"), text
	case forms.HandbookRegion:
		if p.Region != "" {
			text = forms.Regions().FullName(p.Region)
		}
		return cat.MustField("region").Label(lang), text
	case forms.HandbookOther:
		listed := map[string]bool{"title": true}
		for _, l := range cat.Handbook() {
			listed[l] = true
		}
		var other []string
		for _, f := range cat.Fields(forms.EntityNeed) {
			if listed[f.ID] || !v.Has(f.ID) || cat.IsFlag(f.ID) {
				continue
			}
			if s := valueText(cat, f, v.List(f.ID), lang); s != "" {
				other = append(other, f.Label(lang)+tr(lang, "：", ": ")+s)
			}
		}
		return tr(lang, "其他", "Other"), strings.Join(other, tr(lang, "；", "; "))
	case "budget_wan":
		return tr(lang, "拟投入资金", "Budget"), moneyText(v, cat.MustField("budget_wan"), lang)
	}
	f := cat.MustField(id)
	return f.Label(lang), valueText(cat, f, v.List(id), lang)
}

// valueText writes a field's values as a reader reads them: options by
// their labels, a yes as 是, lists joined.
func valueText(cat *forms.Catalogue, f *forms.Field, vals []string, lang string) string {
	switch f.Kind {
	case forms.KindEnum, forms.KindMultiEnum:
		return strings.Join(labels(cat.Vocabulary(f.Vocabulary), vals, lang), "、")
	case forms.KindBool:
		if len(vals) > 0 && vals[0] == "true" {
			return tr(lang, "是", "yes")
		}
		return ""
	case forms.KindMoney:
		if len(vals) == 0 || vals[0] == "" {
			return ""
		}
		return vals[0] + tr(lang, " 万元", " × 10,000 yuan")
	}
	return strings.Join(vals, "、")
}

// groupName numbers a group in Chinese (一、电子信息) or in English.
func groupName(i int, g forms.Option, lang string) string {
	if lang == "en" {
		return fmt.Sprintf("%d. %s", i+1, g.EN)
	}
	return cnNumber(i+1) + "、" + g.ZH
}

func cnNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		if n == 10 {
			return "十"
		}
		return "十" + digits[n-10]
	case n < 100:
		s := digits[n/10] + "十"
		if n%10 != 0 {
			s += digits[n%10]
		}
		return s
	}
	return fmt.Sprint(n)
}

// runeWidth is a character's width in Excel column units at 11 pt.
func runeWidth(r rune) float64 {
	switch {
	case r < 0x80:
		return 1.1
	case unicode.Is(unicode.Han, r), r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFFEF:
		return 2.1
	}
	return 1.6
}

// textLines estimates how many lines text takes in a wrapped cell of the
// given width.
func textLines(s string, width float64) int {
	n := 0
	for _, para := range strings.Split(s, "\n") {
		w := 0.0
		for _, r := range para {
			w += runeWidth(r)
		}
		n += max(1, int(math.Ceil(w/width)))
	}
	return n
}

// splitLines cuts text into pieces of at most maxLines wrapped lines each.
func splitLines(s string, width float64, maxLines int) []string {
	if textLines(s, width) <= maxLines {
		return []string{s}
	}
	var out []string
	var cur strings.Builder
	lines, w := 1, 0.0
	for _, r := range s {
		if r == '\n' {
			lines++
			w = 0
		} else {
			w += runeWidth(r)
			if w > width {
				lines++
				w = runeWidth(r)
			}
		}
		if lines > maxLines {
			out = append(out, strings.TrimRight(cur.String(), "\n"))
			cur.Reset()
			lines, w = 1, 0
			if r == '\n' {
				continue
			}
			w = runeWidth(r)
		}
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
