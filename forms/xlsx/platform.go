package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// The platform file's other sheets (the upload sheet is named by its
// profile, Profile.Sheet).
const (
	PlatformCodesSheet = "代码表"
	PlatformAboutSheet = "说明"
)

// PlatformSheet names the upload sheet of the xunbang profile; other
// profiles name theirs (Profile.Sheet).
const PlatformSheet = "需求征集表"

// PlatformNeedIDHeader heads the xunbang profile's last column: the need's
// full xunbang id, the number its QR card prints in short (forms/card
// ShortID). It is the row's stable key: the platform de-duplicates
// re-uploads by it, and [Read] takes a row that carries it as that need, so
// re-importing a sheet updates its needs instead of adding them again.
const PlatformNeedIDHeader = "需求编号"

// NeedIDHeader heads the column of the need's xunbang id where the
// platform's profile uses 需求编号 for the platform's own number (jstec).
// [Read] takes either; under 需求编号 a value that is no xunbang id is the
// platform's number (platform_need_no).
const NeedIDHeader = "寻榜编号"

// ErrUnknownProfile means PlatformOptions.Profile names no profile.
var ErrUnknownProfile = errors.New("unknown platform profile")

// PlatformOptions steer [WritePlatform].
type PlatformOptions struct {
	// Profile names the platform profile (see [Profiles]); "" is
	// [DefaultProfile].
	Profile string
	// Organisation is the team or unit the file comes from (the settings'
	// team): the document properties name it as the author.
	Organisation string
	// User is the official exporting (the settings' user): a need that
	// names no responsible 技术经理人, and records no creator, gets this
	// name in the 技术经理人 column.
	User string
	// Now stamps the file; nil means time.Now.
	Now func() time.Time
	// Progress, when not nil, is told how far the export has got: done
	// needs gone through (written or left out) of total, which is the
	// number of needs the Records hold when they say ([NeedCounter]) and 0
	// when unknown. It is called on the goroutine that writes the sheet,
	// every few hundred needs and once at the end, with done never
	// decreasing; the last call has done == total unless total is 0. It
	// must return quickly.
	Progress func(done, total int)
}

// PlatformHeaders returns the headers of a profile's upload sheet, in
// order.
func PlatformHeaders(p *Profile) []string {
	out := make([]string, len(p.Columns))
	for i, c := range p.Columns {
		out[i] = c.Header
	}
	return out
}

// WritePlatform writes a platform's upload workbook to w, laid out by the
// platform's profile (PlatformOptions.Profile, [Profiles]): the upload
// sheet, one row a need, then 代码表 (the codes the coded columns use) and
// 说明 (what each column is on the platform, and the sources).
//
// The upload is not the publication. It goes to the platform's operator,
// who must check and reach the enterprise, and who publishes each need as
// its visibility says: so a row carries the enterprise's name, credit code
// and contact for 匿名公开 needs too, with the visibility and the public
// alias in their own columns. Which needs: those whose confirmation is
// current and whose visibility is 实名公开 or 匿名公开; 不公开 needs never
// appear. What of them: only what a profile may map (see uploadField) —
// never internal notes, the diagnosis or R&D figures; 现有基础 only where
// the enterprise chose to publish it. Public outputs (cards, the handbook,
// the hub's pages) stay redacted through [forms.Catalogue.Publish].
//
// Written with a StreamWriter, so memory does not grow with the number of
// needs; every sheet's <dimension> is its real range; the coded columns
// have drop-down lists.
func WritePlatform(ctx context.Context, w io.Writer, recs Records, opt PlatformOptions) (ExportStats, error) {
	var st ExportStats
	prof, ok := ProfileByID(opt.Profile)
	if !ok {
		return st, fmt.Errorf("%w %q (known: %s)", ErrUnknownProfile, opt.Profile, strings.Join(ProfileIDs(), ", "))
	}
	cat := forms.Default()
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	// Of the enterprises and contacts, the fields the profile's columns
	// write, and those of the content confirmed (for ConfirmationCurrent).
	written := prof.fields()
	keepEnt := func(id string) bool { return written[id] || confirmedContentField(id) }
	ents, err := loadEnterprises(ctx, recs, keepEnt, func(id string) bool { return written[id] })
	if err != nil {
		return st, err
	}
	f, err := newBookFile(prof.Sheet)
	if err != nil {
		return st, err
	}
	defer f.Close()
	for _, s := range []string{PlatformCodesSheet, PlatformAboutSheet} {
		if _, err := f.NewSheet(s); err != nil {
			return st, err
		}
	}
	sty, err := platformStyles(f)
	if err != nil {
		return st, err
	}
	lists := codeLists(cat, prof)
	sw, err := f.NewStreamWriter(prof.Sheet)
	if err != nil {
		return st, err
	}
	widths := make([]float64, len(prof.Columns))
	for i, c := range prof.Columns {
		widths[i] = columnWidth(cat, c)
	}
	if err := setColWidths(sw, widths); err != nil {
		return st, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return st, err
	}
	header := make([]any, len(prof.Columns))
	for i, c := range prof.Columns {
		header[i] = excelize.Cell{StyleID: sty.head, Value: c.Header}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 30}); err != nil {
		return st, err
	}
	// The needs' rows go to a spool of their own, spliced in after the
	// header when the workbook is written (see rowSpool).
	spool, err := newRowSpool()
	if err != nil {
		return st, err
	}
	defer spool.remove()
	rb := newRowBuilder(cat, prof, opt, sty)
	type prepared struct {
		row           []excelize.Cell
		height        float64
		private, skip bool
	}
	row := 1
	meter := needMeter(ctx, recs, opt.Progress)
	err = forEachPrepared(ctx, uploadNeeds(ctx, recs), func(it briefNeed) prepared {
		n := it.n
		if n == nil { // left unread: its brief says it is not uploaded
			return prepared{private: it.brief.Visibility == forms.VisibilityPrivate, skip: true}
		}
		e := ents.get(n.EnterpriseID)
		if n.Visibility() == forms.VisibilityPrivate {
			return prepared{private: true, skip: true}
		}
		// A brief that says the confirmation is current is the store's
		// word, kept with every write of the need and its enterprise (the
		// need list shows the same): the content is not hashed again.
		if !it.brief.Confirmed && !cat.ConfirmationCurrent(n, e) {
			return prepared{skip: true}
		}
		cells := rb.row(n, e)
		return prepared{row: cells, height: uploadRowHeight(cells, widths, sty.wrap)}
	}, func(pr prepared) error {
		meter.step()
		switch {
		case pr.private:
			st.Private++
			return nil
		case pr.skip:
			st.Unconfirmed++
			return nil
		}
		row++
		st.Needs++
		return spool.setRow(row, pr.row, pr.height)
	})
	if err != nil {
		return st, fmt.Errorf("xlsx: platform sheet: %w", err)
	}
	if err := addValidations(f, prof, lists); err != nil {
		return st, err
	}
	if err := uploadPageSetup(f, prof.Sheet); err != nil {
		return st, err
	}
	if err := sw.Flush(); err != nil {
		return st, err
	}
	if err := writeCodes(f, lists, sty); err != nil {
		return st, err
	}
	if err := writeAbout(f, cat, prof, sty); err != nil {
		return st, err
	}
	title := prof.ZH + " 需求上传表"
	meta := bookMeta{Title: title, Organisation: opt.Organisation, Now: now(),
		Rows: map[string]*rowSpool{firstSheetPart: spool}}
	if err := finishBookMeta(f, w, meta); err != nil {
		return st, err
	}
	meter.finish()
	return st, nil
}

// briefNeed is a need as the upload sheet goes through them: read (n),
// or, when Records tell its brief, left unread (n nil) when its brief says
// it is not uploaded.
type briefNeed struct {
	brief NeedBrief
	n     *forms.Need
}

// uploadNeeds returns the iteration of the needs of an upload sheet: with
// NeedBriefs, the 不公开 and unconfirmed needs unread; else every need
// read.
func uploadNeeds(ctx context.Context, recs Records) func(func(briefNeed) error) error {
	if nb, ok := recs.(NeedBriefs); ok {
		read := func(b NeedBrief) bool { return b.Visibility != forms.VisibilityPrivate && b.Confirmed }
		return func(fn func(briefNeed) error) error {
			return nb.ForEachNeedBrief(ctx, read, func(b NeedBrief, n *forms.Need) error { return fn(briefNeed{b, n}) })
		}
	}
	return func(fn func(briefNeed) error) error {
		return recs.ForEachNeed(ctx, func(n *forms.Need) error { return fn(briefNeed{n: n}) })
	}
}

// platformStyle holds the style ids of the platform file.
type platformStyle struct{ head, wrap, text, num, title int }

func platformStyles(f *excelize.File) (platformStyle, error) {
	var s platformStyle
	font := func(bold bool, size float64) *excelize.Font {
		return &excelize.Font{Family: bookFont, Bold: bold, Size: size}
	}
	err := addStyles(f, []styleDef{
		{&s.head, excelize.Style{Font: font(true, 11), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: thinBorder}},
		{&s.wrap, excelize.Style{Font: font(false, 10), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.text, excelize.Style{Font: font(false, 10), Alignment: &excelize.Alignment{Vertical: "top"}, NumFmt: 49}}, // 49: text "@"
		{&s.num, excelize.Style{Font: font(false, 10), Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.title, excelize.Style{Font: font(true, 14)}},
	})
	return s, err
}

var thinBorder = []excelize.Border{
	{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
	{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
}

func columnWidth(cat *forms.Catalogue, c ProfileColumn) float64 {
	if c.Width > 0 {
		return c.Width
	}
	if c.Special == "need_id" {
		return 38 // a 36-character UUID
	}
	if len(c.Compose) > 0 {
		return 60
	}
	f := cat.MustField(c.Field)
	switch f.Kind {
	case forms.KindLongText:
		return 40
	case forms.KindCreditCode, forms.KindRegion:
		return 22
	case forms.KindText, forms.KindMultiEnum, forms.KindKeywords, forms.KindEmail:
		return 20
	case forms.KindBool, forms.KindNumber, forms.KindMoney:
		return 12
	}
	return 14
}

// rowBuilder makes the cells of one need's row.
type rowBuilder struct {
	cat  *forms.Catalogue
	prof *Profile
	opt  PlatformOptions
	sty  platformStyle
	// cols are prof's columns' fields, looked up once rather than for
	// every cell of 200,000 rows (issue 17).
	cols []columnFields
	// regionNames and regionCounties keep regionCell's answers by code: a
	// sheet names a few hundred regions in its rows, and each answer
	// walked the region table and joined its names anew. Rows are built on
	// several goroutines.
	regionNames, regionCounties sync.Map
}

// columnFields are the catalogue fields of a profile column: its field and
// the one it falls back to (nil when none), and those of each part it is
// composed of.
type columnFields struct {
	field, or *forms.Field
	parts     [][]*forms.Field
}

// newRowBuilder returns a rowBuilder of prof's rows.
func newRowBuilder(cat *forms.Catalogue, prof *Profile, opt PlatformOptions, sty platformStyle) *rowBuilder {
	rb := &rowBuilder{cat: cat, prof: prof, opt: opt, sty: sty, cols: make([]columnFields, len(prof.Columns))}
	for i, c := range prof.Columns {
		cf := &rb.cols[i]
		if c.Field != "" {
			cf.field = cat.MustField(c.Field)
		}
		if c.Or != "" {
			cf.or = cat.MustField(c.Or)
		}
		for _, part := range c.Compose {
			fds := make([]*forms.Field, len(part.Fields))
			for j, id := range part.Fields {
				fds[j] = cat.MustField(id)
			}
			cf.parts = append(cf.parts, fds)
		}
	}
	return rb
}

// region is regionCell, answered once for each code.
func (rb *rowBuilder) region(code, how string) any {
	m := &rb.regionNames
	if how == "county_codes" {
		m = &rb.regionCounties
	}
	if v, ok := m.Load(code); ok {
		return v
	}
	v := regionCell(code, how)
	m.Store(code, v)
	return v
}

// needView is a need as the upload sees it: the need, its enterprise and
// its contact.
type needView struct {
	n       *forms.Need
	e       *forms.Enterprise
	contact forms.Values
	lost    map[string]bool // fields a one-valued or coded column could not carry whole
}

// values returns a field's values as the upload may carry them.
func (rb *rowBuilder) values(v *needView, fd *forms.Field) []string {
	var vals forms.Values
	switch fd.Entity {
	case forms.EntityEnterprise:
		if v.e != nil {
			vals = v.e.Values
		}
	case forms.EntityContact:
		vals = v.contact
	default:
		vals = v.n.Values
	}
	switch {
	case fd.Class == forms.ClassSecret && !v.n.Values.Bool(fd.PublishFlag):
		return nil // the enterprise did not choose to publish it
	case fd.ID == "public_alias" && v.n.Visibility() != forms.VisibilityAnonymous:
		return nil // an alias matters only for 匿名公开
	case fd.ID == "tech_manager" && !vals.Has(fd.ID):
		for _, who := range []string{v.n.CreatedBy, rb.opt.User} {
			if who != "" {
				return []string{who}
			}
		}
	case fd.ID == "visibility":
		return []string{string(v.n.Visibility())}
	}
	return vals.List(fd.ID)
}

// row returns the cells of a need's row, a nil Value where a cell is
// empty.
func (rb *rowBuilder) row(n *forms.Need, e *forms.Enterprise) []excelize.Cell {
	v := &needView{n: n, e: e, lost: map[string]bool{}}
	if e != nil {
		if ct, ok := e.Contact(n.ContactID); ok {
			v.contact = ct.Values
		} else if len(e.Contacts) > 0 {
			v.contact = e.Contacts[0].Values
		}
	}
	cells := make([]excelize.Cell, len(rb.prof.Columns))
	// Composed columns last: they say what the others lost.
	for pass := 0; pass < 2; pass++ {
		for i, c := range rb.prof.Columns {
			if (len(c.Compose) > 0) != (pass == 1) {
				continue
			}
			var val any
			style := rb.sty.text
			switch {
			case c.Special == "need_id":
				val = n.ID
			case len(c.Compose) > 0:
				val, style = rb.compose(v, c, rb.cols[i].parts), rb.sty.wrap
			default:
				val = rb.cell(v, c, rb.cols[i])
				if rb.cols[i].field.Kind == forms.KindLongText {
					style = rb.sty.wrap
				}
			}
			if val == nil || val == "" {
				continue
			}
			if _, num := val.(float64); num {
				style = rb.sty.num
			}
			cells[i] = excelize.Cell{StyleID: style, Value: val}
		}
	}
	return cells
}

// cell returns the value of a field column: text, a number, or nil.
func (rb *rowBuilder) cell(v *needView, c ProfileColumn, cf columnFields) any {
	fd := cf.field
	l := rb.values(v, fd)
	if len(l) == 0 && cf.or != nil {
		fd = cf.or
		l = rb.values(v, fd)
	}
	if fd.Kind == forms.KindMoney && fd.NegotiableFlag != "" && v.n.Values.Bool(fd.NegotiableFlag) {
		neg := "面议"
		if c.Negotiable != nil {
			neg = *c.Negotiable
		}
		if neg != "面议" {
			v.lost[fd.ID] = true
		}
		return neg
	}
	if len(l) == 0 {
		return nil
	}
	switch {
	case fd.Vocabulary == "tech_field" && (c.Value == "name_path" || c.Value == "code_most_specific"):
		return rb.techField(v, fd, c, l)
	case fd.Kind == forms.KindRegion:
		return rb.region(l[0], c.Value)
	case fd.Kind == forms.KindEnum || fd.Kind == forms.KindMultiEnum:
		return rb.options(v, fd, c, l)
	case fd.Kind == forms.KindMoney:
		x, err := strconv.ParseFloat(l[0], 64)
		if err != nil {
			return l[0]
		}
		if c.Unit == "yuan" {
			return math.Round(x * 10000)
		}
		return x
	case fd.Kind == forms.KindNumber:
		return number(l[0])
	case fd.Kind == forms.KindBool:
		if l[0] == "true" {
			return "是"
		}
		return "否"
	case fd.Kind == forms.KindKeywords:
		return strings.Join(l, sepOr(c.Sep, "、"))
	}
	return strings.Join(l, "\n")
}

func sepOr(sep, def string) string {
	if sep != "" {
		return sep
	}
	return def
}

// options writes the options of an enum column as the profile says.
func (rb *rowBuilder) options(v *needView, fd *forms.Field, c ProfileColumn, l []string) any {
	voc := rb.cat.Vocabulary(fd.Vocabulary)
	var out []string
	switch c.Value {
	case "code":
		for _, code := range l {
			pc, ok := rb.prof.platformCode(fd.Vocabulary, code)
			if !ok {
				v.lost[fd.ID] = true
				continue
			}
			out = append(out, pc)
		}
		if c.One && len(out) > 1 {
			v.lost[fd.ID] = true
			out = out[:1]
		}
		if len(out) == 0 && c.Fallback != "" {
			out = []string{c.Fallback}
		}
		return strings.Join(out, sepOr(c.Sep, ","))
	case "own_code":
		return strings.Join(l, sepOr(c.Sep, ","))
	}
	out = labels(voc, l, "zh")
	if c.One && len(out) > 1 {
		v.lost[fd.ID] = true
		out = out[:1]
	}
	return strings.Join(out, sepOr(c.Sep, "、"))
}

// techField writes a need's tech field as the names of its levels or as
// its code: the most specific of the need's fields (one none of the
// others lies under), the first such when there are several.
func (rb *rowBuilder) techField(v *needView, fd *forms.Field, c ProfileColumn, l []string) any {
	voc := rb.cat.Vocabulary(fd.Vocabulary)
	var specific []string
	for _, code := range l {
		deeper := false
		for _, other := range l {
			if other != code && voc.Above(code, other) {
				deeper = true
				break
			}
		}
		if !deeper {
			specific = append(specific, code)
		}
	}
	if len(specific) == 0 {
		return nil
	}
	if c.One && len(specific) > 1 {
		v.lost[fd.ID] = true
	}
	var out []string
	for _, code := range specific {
		if c.Value == "code_most_specific" {
			out = append(out, code)
		} else {
			var names []string
			for _, o := range voc.Path(code) {
				names = append(names, o.ZH)
			}
			out = append(out, strings.Join(names, sepOr(c.Sep, ",")))
		}
		if c.One {
			break
		}
	}
	return strings.Join(out, "；")
}

// regionCell writes a region code as a full name or as the 6-digit codes
// of its province, city and county.
func regionCell(code, how string) any {
	ix := forms.Regions()
	if how == "county_codes" {
		var codes []string
		for _, r := range ix.Path(code) {
			if r.Level <= forms.RegionCounty {
				codes = append(codes, r.Code)
			}
		}
		if len(codes) == 0 {
			return code
		}
		return strings.Join(codes, ",")
	}
	if name := ix.FullName(code); name != "" {
		return name
	}
	return code
}

var chineseNumbers = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// compose makes a composed column's text: the parts that have something
// to say, numbered (一、需求内容：…) when there are several. It is built in
// one buffer: a row's longest text.
func (rb *rowBuilder) compose(v *needView, c ProfileColumn, fields [][]*forms.Field) string {
	type line struct {
		part        int
		label, text string
	}
	var buf [24]line
	lines, parts, size := buf[:0], 0, 0
	for pi, part := range c.Compose {
		if part.IfLost && !slices.ContainsFunc(part.Fields, func(id string) bool { return v.lost[id] }) {
			continue
		}
		had := len(lines)
		for _, fd := range fields[pi] {
			text := rb.text(v, fd)
			if text == "" {
				continue
			}
			l := line{part: pi, text: text}
			if part.LabelFields || len(lines) > had {
				l.label = fd.ZH
			}
			lines = append(lines, l)
			size += len(l.label) + len(text) + 8
		}
		if len(lines) > had {
			parts++
			size += len(part.Label) + 12
		}
	}
	var b strings.Builder
	b.Grow(size)
	n := 0
	for i, l := range lines {
		part := c.Compose[l.part]
		switch {
		case i == 0 || lines[i-1].part != l.part:
			if n > 0 {
				b.WriteByte('\n')
			}
			if parts > 1 && n < len(chineseNumbers) {
				b.WriteString(chineseNumbers[n])
				b.WriteString("、")
			}
			n++
			b.WriteString(part.Label)
			b.WriteString("：")
		case part.LabelFields:
			b.WriteString("；")
		default:
			b.WriteByte('\n')
		}
		if l.label != "" {
			b.WriteString(l.label)
			b.WriteString("：")
		}
		b.WriteString(l.text)
	}
	return b.String()
}

// text writes a field's value as words, for a composed text.
func (rb *rowBuilder) text(v *needView, fd *forms.Field) string {
	if fd.Kind == forms.KindMoney {
		vals := v.n.Values
		if fd.Entity == forms.EntityEnterprise && v.e != nil {
			vals = v.e.Values
		}
		return moneyText(vals, fd, "zh")
	}
	l := rb.values(v, fd)
	if len(l) == 0 {
		return ""
	}
	switch fd.Kind {
	case forms.KindEnum, forms.KindMultiEnum:
		return strings.Join(labels(rb.cat.Vocabulary(fd.Vocabulary), l, "zh"), "、")
	case forms.KindBool:
		if l[0] == "true" {
			return "是"
		}
		return "否"
	case forms.KindKeywords:
		return strings.Join(l, "、")
	}
	return strings.Join(l, "\n")
}

// codeList is one block of the 代码表 sheet: the codes a column may hold.
type codeList struct {
	header       string // the column's header
	codes, names []string
	first, last  int // rows of the codes on 代码表
}

// codeLists works out the 代码表 blocks of a profile's coded and
// validated columns, and where each lies on the sheet.
func codeLists(cat *forms.Catalogue, p *Profile) map[string]*codeList {
	out := map[string]*codeList{}
	row := 1
	for _, c := range p.Columns {
		if c.Field == "" || len(c.Compose) > 0 {
			continue
		}
		fd := cat.MustField(c.Field)
		if fd.Vocabulary == "" || c.Value != "code" && c.Value != "own_code" && !c.Validate {
			continue
		}
		cl := &codeList{header: c.Header}
		switch c.Value {
		case "code":
			for _, code := range p.platformCodes(fd.Vocabulary) {
				cl.codes = append(cl.codes, code)
				cl.names = append(cl.names, p.Labels[fd.Vocabulary][code])
			}
		case "own_code":
			for _, o := range cat.Vocabulary(fd.Vocabulary).Options {
				cl.codes = append(cl.codes, o.Code)
				cl.names = append(cl.names, o.ZH)
			}
		default: // labels
			for _, o := range cat.Vocabulary(fd.Vocabulary).Options {
				cl.codes = append(cl.codes, o.ZH)
				cl.names = append(cl.names, o.ZH)
			}
		}
		cl.first, cl.last = row+1, row+len(cl.codes)
		row = cl.last
		out[c.Header] = cl
	}
	return out
}

// addValidations adds the drop-down lists of the validated columns,
// reading their options from 代码表.
func addValidations(f *excelize.File, p *Profile, lists map[string]*codeList) error {
	for i, c := range p.Columns {
		cl := lists[c.Header]
		if !c.Validate || cl == nil || len(cl.codes) == 0 {
			continue
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows)
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$B$%d:$B$%d", PlatformCodesSheet, cl.first, cl.last))
		dv.SetInput(c.Header, "从下拉列表中选择；代码的含义见“"+PlatformCodesSheet+"”表。")
		dv.SetError(excelize.DataValidationErrorStyleStop, c.Header, "不是可选的值，请从下拉列表中选择。")
		if err := f.AddDataValidation(p.Sheet, dv); err != nil {
			return err
		}
	}
	return nil
}

// writeCodes writes the 代码表 sheet: the codes of the coded and
// validated columns, at the rows codeLists gave them.
func writeCodes(f *excelize.File, lists map[string]*codeList, sty platformStyle) error {
	if err := fitToWidth(f, PlatformCodesSheet, "portrait"); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(PlatformCodesSheet)
	if err != nil {
		return err
	}
	if err := setColWidths(sw, []float64{24, 12, 36}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{
		excelize.Cell{StyleID: sty.head, Value: "栏目"}, excelize.Cell{StyleID: sty.head, Value: "代码"}, excelize.Cell{StyleID: sty.head, Value: "名称"},
	}, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	ordered := make([]*codeList, 0, len(lists))
	for _, cl := range lists {
		ordered = append(ordered, cl)
	}
	slicesSortByFirst(ordered)
	for _, cl := range ordered {
		for i := range cl.codes {
			if err := sw.SetRow(cellName(1, cl.first+i), []any{cl.header,
				excelize.Cell{StyleID: sty.text, Value: cl.codes[i]}, cl.names[i]}); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}

func slicesSortByFirst(l []*codeList) {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && l[j].first < l[j-1].first; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

// writeAbout writes the 说明 sheet: what the file is and for whom, each
// column's platform field and how it is written, and the sources.
func writeAbout(f *excelize.File, cat *forms.Catalogue, p *Profile, sty platformStyle) error {
	if err := fitToWidth(f, PlatformAboutSheet, "landscape"); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(PlatformAboutSheet)
	if err != nil {
		return err
	}
	if err := setColWidths(sw, []float64{22, 22, 70}); err != nil {
		return err
	}
	height := func(s string, width float64) float64 { return float64(cellLines(s, width))*13.5 + 4 }
	w := &rowWriter{sw: sw}
	w.row([]any{excelize.Cell{StyleID: sty.title, Value: p.ZH + " 需求上传表"}}, 24)
	w.row([]any{excelize.Cell{StyleID: sty.wrap, Value: p.AboutZH}}, height(p.AboutZH, 114))
	w.mergeLast(3)
	w.row(nil, 0)
	w.row([]any{excelize.Cell{StyleID: sty.head, Value: "栏目"}, excelize.Cell{StyleID: sty.head, Value: "平台字段"}, excelize.Cell{StyleID: sty.head, Value: "写法"}}, 20)
	for _, c := range p.Columns {
		key := c.Key
		if key == "" {
			key = "（寻榜，供平台运营方核对）"
		}
		how := columnHow(cat, c)
		w.row([]any{excelize.Cell{StyleID: sty.text, Value: c.Header}, excelize.Cell{StyleID: sty.text, Value: key},
			excelize.Cell{StyleID: sty.wrap, Value: how}}, height(how, 70))
	}
	w.row(nil, 0)
	w.row([]any{excelize.Cell{StyleID: sty.head, Value: "来源"}}, 20)
	for _, s := range p.Sources {
		w.row([]any{excelize.Cell{StyleID: sty.wrap, Value: s}}, height(s, 114))
		w.mergeLast(3)
	}
	if w.err != nil {
		return w.err
	}
	return sw.Flush()
}

// columnHow says in words how a column is written.
func columnHow(cat *forms.Catalogue, c ProfileColumn) string {
	if c.Special == "need_id" {
		return "寻榜编号（36 位），同一需求再次上传或导入时按它识别，不会重复。"
	}
	if len(c.Compose) > 0 {
		var l []string
		for _, part := range c.Compose {
			s := part.Label
			if part.IfLost {
				s += "（仅当其他栏目写不下时）"
			}
			l = append(l, s)
		}
		return "合写为一段文字，依次为：" + strings.Join(l, "、") + "。现有基础仅在企业同意公开时写入。"
	}
	fd := cat.MustField(c.Field)
	s := fd.ZH
	if c.Or != "" {
		s += "（没有时写" + cat.MustField(c.Or).ZH + "）"
	}
	switch c.Value {
	case "code":
		s += "，写平台代码（见“代码表”）"
	case "own_code":
		s += "，写寻榜代码（见“代码表”）"
	case "name_path":
		s += "，写最具体的一项及其上级的名称，自上而下"
	case "code_most_specific":
		s += "，写最具体一项的国家重点支持的高新技术领域代码"
	case "full_name":
		s += "，写全称（省市县镇）"
	case "county_codes":
		s += "，写省、市、县三级 6 位区划代码，以逗号分隔"
	}
	if c.One {
		s += "；只写一项"
		if c.Fallback != "" {
			s += "，没有对应代码时写 " + c.Fallback
		}
	}
	if c.Unit == "yuan" {
		s += "；单位：元（寻榜按万元记录，已乘以 10000）"
	}
	if c.Negotiable != nil && *c.Negotiable == "" {
		s += "；面议时留空，并在需求详情中注明"
	}
	if c.Field == "public_alias" {
		s += "；匿名公开的需求请以此名称发布，不公开企业名称、信用代码和联系人"
	}
	return s + "。"
}

// uploadPageSetup prints the upload sheet on A4 landscape with its header
// row on every page.
func uploadPageSetup(f *excelize.File, sheet string) error {
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape")}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$1", Scope: sheet})
}

// uploadRowHeight is the height, in points, a row of 10 pt text needs for its
// wrapped cells (style wrap) to show whole; 0 (the default) when none
// wraps to a second line.
func uploadRowHeight(cells []excelize.Cell, widths []float64, wrap int) float64 {
	lines := 1
	for i, cell := range cells {
		if cell.StyleID != wrap || i >= len(widths) {
			continue
		}
		if s, ok := cell.Value.(string); ok {
			lines = max(lines, cellLines(s, widths[i]))
		}
	}
	if lines <= 1 {
		return 0
	}
	return min(409, float64(lines)*13.5+3)
}

// cellLines estimates how many lines text takes wrapped in a column of
// the given width (Excel's units, about one Latin character each; a
// Chinese character takes about two).
func cellLines(s string, width float64) int {
	width = max(width-1, 4)
	n := 0
	for para := range strings.SplitSeq(s, "\n") {
		w := 0.0
		for _, r := range para {
			if r < 0x80 {
				w += 1.1
			} else {
				w += 2.1
			}
		}
		n += max(1, int(math.Ceil(w/width)))
	}
	return n
}

// fitToWidth prints a sheet on A4 in the given orientation, one page wide.
// It is called before the sheet's stream writer, which writes the sheet's
// properties first.
func fitToWidth(f *excelize.File, sheet, orientation string) error {
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	return f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr(orientation), FitToWidth: ptr(1), FitToHeight: ptr(0)})
}
