package xlsx

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// PlatformSheet and PlatformCodesSheet name the sheets of the platform file.
const (
	PlatformSheet      = "需求征集表"
	PlatformCodesSheet = "代码表"
)

// PlatformNeedIDHeader heads the platform sheet's last column: the need's
// full xunbang id, the number its QR card prints in short (forms/card
// ShortID). It is the row's stable key: the platform de-duplicates
// re-uploads by it, and [Read] takes a row that carries it as that need, so
// re-importing a sheet updates its needs instead of adding them again. It
// is the last column so that adding it shifted no column an upload
// template or an operator's saved mapping already knew.
const PlatformNeedIDHeader = "需求编号"

// NeedIDHeader heads the column of the need's xunbang id where the
// platform's profile uses 需求编号 for the platform's own number (jstec).
// [Read] takes either; under 需求编号 a value that is no xunbang id is the
// platform's number (platform_need_no).
const NeedIDHeader = "寻榜编号"

// PlatformOptions steer [WritePlatform].
type PlatformOptions struct {
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

// platformColumn is one column of the batch-upload sheet.
type platformColumn struct {
	f     *forms.Field
	voc   *forms.Vocabulary // for enums
	codes bool              // write the vocabulary's platform codes, not labels
}

// PlatformFields returns the fields of the batch-upload sheet, in catalogue
// order: the public fields of the enterprise and the need, and the contact.
// Internal (内部) and business-secret (商业秘密) fields are never written, nor
// personal ones other than the contact's (filled for 实名公开 only). A money
// field's 面议 flag is folded into the money column.
func PlatformFields(cat *forms.Catalogue) []*forms.Field {
	folded := map[string]bool{}
	for _, f := range cat.Fields() {
		if f.NegotiableFlag != "" {
			folded[f.NegotiableFlag] = true
		}
	}
	var out []*forms.Field
	for _, f := range cat.Fields(forms.EntityEnterprise, forms.EntityContact, forms.EntityNeed) {
		if folded[f.ID] {
			continue
		}
		if f.Class == forms.ClassPublic || f.Entity == forms.EntityContact {
			out = append(out, f)
		}
	}
	return out
}

func platformColumns(cat *forms.Catalogue) []platformColumn {
	var cols []platformColumn
	for _, f := range PlatformFields(cat) {
		c := platformColumn{f: f}
		if f.Kind == forms.KindEnum || f.Kind == forms.KindMultiEnum {
			c.voc = cat.Vocabulary(f.Vocabulary)
			c.codes = vocabCodes(c.voc)
		}
		cols = append(cols, c)
	}
	return cols
}

// publishable is the one rule for public outputs: a need goes out when its
// visibility is 实名公开 or 匿名公开 and its confirmation is current. It
// fills p with the need's public view (see [forms.Catalogue.PublishInto]).
func publishable(cat *forms.Catalogue, p *forms.PublicNeed, n *forms.Need, e *forms.Enterprise) (ok, private bool) {
	if !cat.PublishInto(p, n, e) {
		return false, true
	}
	return p.Confirmed, false
}

// WritePlatform writes the platform's batch-upload workbook to w: one row a
// need, columns in catalogue order ([PlatformFields]) headed by their
// Chinese labels and then the need's id ([PlatformNeedIDHeader]), with the platform's codes where a vocabulary has them
// (需求类型 00…99, 技术领域 0101 …) and a 代码表 sheet listing them. Only needs
// whose confirmation is current and whose visibility is 实名公开 or 匿名公开
// are written, redacted through [forms.Catalogue.Publish]: a 匿名公开 row
// carries the public alias in place of the enterprise's name and no credit
// code, contact or other identifying field. Written with a StreamWriter, so
// memory does not grow with the number of needs.
func WritePlatform(ctx context.Context, w io.Writer, recs Records, opt PlatformOptions) (ExportStats, error) {
	var st ExportStats
	cat := forms.Default()
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	keepEnt := func(id string) bool {
		f, ok := cat.Field(id)
		return ok && (f.Class == forms.ClassPublic || confirmedContentField(id))
	}
	ents, err := loadEnterprises(ctx, recs, keepEnt, true)
	if err != nil {
		return st, err
	}
	cols := platformColumns(cat)
	f, err := newBookFile(PlatformSheet)
	if err != nil {
		return st, err
	}
	defer f.Close()
	if _, err := f.NewSheet(PlatformCodesSheet); err != nil {
		return st, err
	}
	head, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    thinBorder,
	})
	if err != nil {
		return st, err
	}
	sw, err := f.NewStreamWriter(PlatformSheet)
	if err != nil {
		return st, err
	}
	widths := make([]float64, len(cols)+1)
	for i, c := range cols {
		widths[i] = platformWidth(c.f)
	}
	widths[len(cols)] = 38 // a 36-character UUID
	if err := setColWidths(sw, widths); err != nil {
		return st, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return st, err
	}
	header := make([]any, len(cols)+1)
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: head, Value: c.f.ZH}
	}
	header[len(cols)] = excelize.Cell{StyleID: head, Value: PlatformNeedIDHeader}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 30}); err != nil {
		return st, err
	}
	// Per enterprise, what each visibility may show, worked out once, by
	// the worker that first prepares one of its needs.
	pub := make(map[string]*entPublic, len(ents))
	for id, e := range ents {
		pub[id] = &entPublic{e: e}
	}
	type prepared struct {
		row           *[]any
		private, skip bool
	}
	// A public view per worker, its maps reused from one need to the next:
	// a row holds only the strings, never the view's maps. Rows are reused
	// too, once written: SetRow keeps no reference to them.
	views := sync.Pool{New: func() any { return new(forms.PublicNeed) }}
	rows := sync.Pool{New: func() any { r := make([]any, len(cols)+1); return &r }}
	row := 1
	meter := needMeter(ctx, recs, opt.Progress)
	err = forEachPrepared(ctx, recs, func(n *forms.Need) prepared {
		ep := pub[n.EnterpriseID]
		var e *forms.Enterprise
		if ep != nil {
			e = ep.e
			ep.once.Do(func() { ep.fill(cat) })
		}
		p := views.Get().(*forms.PublicNeed)
		defer views.Put(p)
		ok, private := publishable(cat, p, n, e)
		if !ok {
			return prepared{private: private, skip: true}
		}
		vals := rows.Get().(*[]any)
		platformRow(cat, cols, *p, ep, *vals)
		return prepared{row: vals}
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
		err := sw.SetRow(cellName(1, row), *pr.row)
		clear(*pr.row)
		rows.Put(pr.row)
		return err
	})
	if err != nil {
		return st, fmt.Errorf("xlsx: platform sheet: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return st, err
	}
	if err := writeCodes(f, cols, head); err != nil {
		return st, err
	}
	if err := finishBook(f, w, cat.TitleZH, now()); err != nil {
		return st, err
	}
	meter.finish()
	return st, nil
}

// entPublic is what an enterprise shows on the platform sheet under each
// visibility.
type entPublic struct {
	e           *forms.Enterprise
	named, anon forms.Values
	region      string    // full name
	once        sync.Once // for fill
}

// fill works out named, anon and region from e.
func (ep *entPublic) fill(cat *forms.Catalogue) {
	e := ep.e
	ep.named = cat.PublicValues(forms.EntityEnterprise, e.Values, forms.VisibilityNamed)
	ep.anon = cat.PublicValues(forms.EntityEnterprise, e.Values, forms.VisibilityAnonymous)
	if r := e.Values.Get("region"); r != "" {
		if ep.region = forms.Regions().FullName(r); ep.region == "" {
			ep.region = r
		}
	}
}

// platformRow fills vals with one need's cells: those of cols, then its id
// (vals is one longer than cols).
func platformRow(cat *forms.Catalogue, cols []platformColumn, p forms.PublicNeed, ep *entPublic, vals []any) {
	vals[len(cols)] = p.ID
	var ev forms.Values
	region := ""
	if ep != nil {
		ev = ep.anon
		if p.Visibility == forms.VisibilityNamed {
			ev = ep.named
		}
		region = ep.region
	}
	for i, c := range cols {
		var v forms.Values
		switch c.f.Entity {
		case forms.EntityEnterprise:
			v = ev
		case forms.EntityContact:
			v = p.Contact // 实名公开 only
		default:
			v = p.Values
		}
		vals[i] = nil
		switch c.f.ID {
		case "enterprise_name":
			if p.Publisher != "" {
				vals[i] = p.Publisher // the name, or the public alias
			}
			continue
		case "visibility":
			vals[i] = cat.Vocabulary(c.f.Vocabulary).Label(string(p.Visibility), "zh")
			continue
		case "public_alias":
			if p.Visibility == forms.VisibilityAnonymous {
				vals[i] = p.Publisher
			}
			continue
		case "region":
			if region != "" {
				vals[i] = region
			}
			continue
		}
		if v == nil {
			continue
		}
		if c.f.Kind == forms.KindMoney && c.f.NegotiableFlag != "" && v.Bool(c.f.NegotiableFlag) {
			vals[i] = forms.Negotiable
			continue
		}
		l := v.List(c.f.ID)
		if len(l) == 0 {
			continue
		}
		switch c.f.Kind {
		case forms.KindEnum, forms.KindMultiEnum:
			if c.codes {
				vals[i] = strings.Join(l, ",")
			} else {
				vals[i] = strings.Join(labels(c.voc, l, "zh"), "、")
			}
		case forms.KindKeywords:
			vals[i] = strings.Join(l, "、")
		case forms.KindMoney, forms.KindNumber:
			vals[i] = number(l[0])
		case forms.KindBool:
			if l[0] == "true" {
				vals[i] = "是"
			} else {
				vals[i] = "否"
			}
		default:
			vals[i] = strings.Join(l, "\n")
		}
	}
}

func platformWidth(f *forms.Field) float64 {
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

var thinBorder = []excelize.Border{
	{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
	{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
}

// writeCodes writes the 代码表 sheet: the codes of the coded columns.
func writeCodes(f *excelize.File, cols []platformColumn, head int) error {
	sw, err := f.NewStreamWriter(PlatformCodesSheet)
	if err != nil {
		return err
	}
	if err := setColWidths(sw, []float64{24, 10, 36}); err != nil {
		return err
	}
	row := 1
	if err := sw.SetRow("A1", []any{
		excelize.Cell{StyleID: head, Value: "栏目"}, excelize.Cell{StyleID: head, Value: "代码"}, excelize.Cell{StyleID: head, Value: "名称"},
	}); err != nil {
		return err
	}
	for _, c := range cols {
		if !c.codes {
			continue
		}
		for _, o := range c.voc.Options {
			row++
			if err := sw.SetRow(cellName(1, row), []any{c.f.ZH, o.Code, o.ZH}); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}
