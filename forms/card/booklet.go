package card

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/signintech/gopdf"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/qr"
)

// Event describes the campaign a booklet is made for, as its cover states
// it. Its fields are those of store.Event, so that one converts to the
// other.
type Event struct {
	Name      string // 活动名称
	Organiser string // 主办单位
	Deadline  string // 方案征集截止时间
	Submit    string // 方案填报方式
	Platform  string // the online platform the needs are published on
}

// BookletOptions control [RenderBooklet]. Only Font is required.
type BookletOptions struct {
	// Font is a TrueType (glyf outline) CJK font; the PDF embeds the subset
	// of it that the booklet uses.
	Font []byte
	// Title is the booklet's title; "" means 技术需求汇编.
	Title string
	// Event is what the cover says of the campaign.
	Event Event
	// HubPublicURL is the public base address of the team's hub, "" when
	// none is configured. The cover then carries a QR code to it, and a
	// need the platform has not published yet gets the QR code of its page
	// there, as on a card ([QRContent]).
	HubPublicURL string
	// Now dates the booklet; nil means time.Now.
	Now func() time.Time
	// Catalogue is the field catalogue; nil means forms.Default().
	Catalogue *forms.Catalogue
	// Regions names regions; nil means forms.Regions().
	Regions *forms.RegionIndex
	// Progress, when not nil, is told how far the booklet has got: done
	// needs laid out of total, the needs it includes. It is called on the
	// rendering goroutine every few dozen needs and once at the end, with
	// done never decreasing; the last call has done == total (0 and 0 for a
	// booklet with no needs). It must return quickly.
	Progress func(done, total int)

	uncompressed bool           // tests: write the PDF's streams uncompressed
	laid         func(*booklet) // tests: told the layout
}

// BookletReport tells what RenderBooklet did.
type BookletReport struct {
	// Needs is the number of needs in the booklet, Pages its pages.
	Needs, Pages int
	// Private and Unconfirmed count the needs left out: 不公开, or whose
	// enterprise confirmation is not current; NamesEnterprise those whose
	// public text gives a contact or, 匿名公开, names the enterprise or a
	// place finer than their region (forms.Catalogue.GivesAway).
	Private, Unconfirmed, NamesEnterprise int
	// MissingGlyphs lists the characters the font lacks, drawn as □.
	MissingGlyphs []rune
	// Bytes is the size of the PDF written.
	Bytes int64
}

// RenderBooklet writes the 《技术需求汇编》 as a print-ready A4 PDF to w: a
// cover with the campaign, the organiser, the deadline and how to submit a
// solution (and a QR code to the hub when one is configured); contents with
// page numbers; the needs grouped by the first level of their first tech
// field, each group from a new page, each need one framed block that is
// never split across pages, with its own QR code when an address resolves to
// it (else where it will be published) and its check number; running
// headers and page numbers; and, as an appendix, the blank
// 《技术需求解决方案表》 solvers fill in.
//
// Which needs, and what of them, follows the one rule of the public
// outputs: visibility 实名公开 or 匿名公开 and a current enterprise
// confirmation, everything shown taken from [forms.Catalogue.Publish] (an
// anonymous need shows its alias and its county at most). Items are kept in
// their order within a group. With no need to include, the booklet still
// has its cover, an empty contents and the appendix.
func RenderBooklet(ctx context.Context, w io.Writer, items []Item, opt BookletOptions) (BookletReport, error) {
	var rep BookletReport
	fc, err := parseFont(opt.Font)
	if err != nil {
		return rep, err
	}
	needs, err := prepareBooklet(ctx, items, &opt, fc, &rep)
	if err != nil {
		return rep, err
	}
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{Unit: gopdf.UnitMM, PageSize: gopdf.Rect{W: bkPageW, H: bkPageH}})
	if opt.uncompressed {
		gp.SetNoCompression()
	}
	title := opt.title()
	gp.SetInfo(gopdf.PdfInfo{Title: title, Subject: opt.Event.Name, Author: opt.Event.Organiser, Creator: "xunbang", Producer: "xunbang (gopdf)"})
	if err := gp.AddTTFFontDataWithOption(fontFamily, opt.Font, gopdf.TtfOption{
		OnGlyphNotFoundSubstitute: func(rune) rune { return substitute },
	}); err != nil {
		return rep, fmt.Errorf("card: font: %w", err)
	}
	if err := gp.SetFont(fontFamily, "", 10); err != nil {
		return rep, fmt.Errorf("card: font: %w", err)
	}
	m := &pdfMeasurer{gp: gp, cache: map[runeSize]float64{}}
	bk, err := layoutBooklet(ctx, m, fc, needs, &opt)
	if err != nil {
		return rep, err
	}
	if m.err != nil {
		return rep, fmt.Errorf("card: measure text: %w", m.err)
	}
	if opt.laid != nil {
		opt.laid(bk)
	}
	p := &pdfPainter{gp: gp}
	for i, pg := range bk.pages {
		if i%16 == 0 {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
		}
		gp.AddPage()
		if pg.outline != "" {
			gp.AddOutline(pg.outline)
		}
		if err := p.paint(pg.ops, nil); err != nil {
			return rep, fmt.Errorf("card: booklet page %d: %w", i+1, err)
		}
	}
	rep.Pages = len(bk.pages)
	var buf bytes.Buffer
	if _, err := gp.WriteTo(&buf); err != nil {
		return rep, fmt.Errorf("card: write PDF: %w", err)
	}
	n, err := w.Write(buf.Bytes())
	rep.Bytes = int64(n)
	if err != nil {
		return rep, fmt.Errorf("card: write PDF: %w", err)
	}
	if opt.Progress != nil {
		opt.Progress(rep.Needs, rep.Needs)
	}
	return rep, nil
}

func (o *BookletOptions) title() string {
	if t := clean(o.Title); t != "" {
		return t
	}
	return "技术需求汇编"
}

func (o *BookletOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// cardOptions are the options the needs' contents are made with.
func (o *BookletOptions) cardOptions() Options {
	return Options{Font: o.Font, HubPublicURL: o.HubPublicURL, Platform: o.Event.Platform, Catalogue: o.Catalogue, Regions: o.Regions}
}

// bookNeed is one need of the booklet, ready to lay out.
type bookNeed struct {
	content
	seq   int    // 1, 2, … in the booklet's order
	group string // the code of the first level of its first tech field, "" for none
	rows  [][2]string
	code  *qr.Code
	png   []byte
}

// prepareBooklet publishes the items, keeps the needs the booklet includes,
// in groups, numbered, with their QR codes (made on all CPUs).
func prepareBooklet(ctx context.Context, items []Item, opt *BookletOptions, fc *face, rep *BookletReport) ([]*bookNeed, error) {
	ev := &opt.Event
	fc.substituteAll(&opt.Title, &ev.Name, &ev.Organiser, &ev.Deadline, &ev.Submit, &ev.Platform)
	co := opt.cardOptions()
	cat := co.catalogue()
	var needs []*bookNeed
	for i, it := range items {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if it.Need == nil {
			continue
		}
		p, ok := cat.Publish(it.Need, it.Enterprise)
		switch {
		case !ok:
			rep.Private++
			continue
		case cat.GivesAway(it.Need, it.Enterprise, &p):
			rep.NamesEnterprise++
			continue
		case !p.Confirmed:
			rep.Unconfirmed++
			continue
		}
		b := &bookNeed{content: contentOfPublic(it, &p, &co)}
		b.check = checkNumber(p.ID, cat.ContentHash(it.Need, it.Enterprise))
		b.group = vocabularyOf(cat, "tech_fields").Root(p.Values.Get("tech_fields"))
		b.rows = bookRows(cat, &p, &b.content)
		fc.substitute(&b.content)
		for i := range b.rows {
			fc.substituteAll(&b.rows[i][1])
		}
		needs = append(needs, b)
	}
	// Group by tech field in the vocabulary's order, the needs without one
	// last; keep the items' order within a group.
	order := map[string]int{"": 1 << 30}
	if v := vocabularyOf(cat, "tech_fields"); v != nil {
		for i, o := range v.Children("") {
			order[o.Code] = i
		}
	}
	slices.SortStableFunc(needs, func(a, b *bookNeed) int { return order[a.group] - order[b.group] })
	for i, b := range needs {
		b.seq = i + 1
	}
	if err := encodeQRs(ctx, needs, &co); err != nil {
		return nil, err
	}
	rep.Needs = len(needs)
	for r := range fc.missing {
		rep.MissingGlyphs = append(rep.MissingGlyphs, r)
	}
	slices.Sort(rep.MissingGlyphs)
	return needs, nil
}

// encodeQRs makes the needs' QR codes, on all CPUs. A need whose address
// is too long to encode says where it is published instead.
func encodeQRs(ctx context.Context, needs []*bookNeed, co *Options) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(needs))
	for range min(runtime.GOMAXPROCS(0), max(1, len(needs)/16)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(needs) || ctx.Err() != nil {
					return
				}
				b := needs[i]
				if b.qr == "" {
					continue
				}
				code, err := qr.Encode(b.qr)
				if err != nil { // too long to encode: say where it is published instead
					b.qr, b.where = "", co.publishedWhere()
					continue
				}
				b.code = code
				b.png, errs[i] = code.PNG(qrScale, 0)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("card: need %s: %w", needs[i].id, err)
		}
	}
	return nil
}

// bookRows are the rows of a need's block, label and value, in the order
// the catalogue's handbook list gives (forms.Catalogue.Handbook); rows
// without a value are left out. The title and the need type head the
// block's band, so a need_type row is not repeated.
func bookRows(cat *forms.Catalogue, p *forms.PublicNeed, c *content) [][2]string {
	v := p.Values
	listed := map[string]bool{"title": true, "need_type": true}
	for _, id := range cat.Handbook() {
		listed[id] = true
	}
	var rows [][2]string
	for _, id := range cat.Handbook() {
		var label, text string
		switch id {
		case "need_type":
			continue
		case forms.HandbookPublisher:
			label, text = "需求方", c.publisher
		case forms.HandbookRegion:
			label, text = "所在地区", c.region
		case forms.HandbookOther:
			label = "其他"
			var other []string
			for _, f := range cat.Fields(forms.EntityNeed) {
				if listed[f.ID] || !v.Has(f.ID) || cat.IsFlag(f.ID) {
					continue
				}
				if s := fieldText(cat, f, v.List(f.ID)); s != "" {
					other = append(other, f.ZH+"："+s)
				}
			}
			text = clean(strings.Join(other, "；"))
		default:
			f := cat.MustField(id)
			label = f.ZH
			switch id {
			case "tech_fields":
				text = c.field
			case "problem":
				text = c.problem
			case "indicators":
				text = c.indicator
			case "budget_wan":
				text = c.budget
			case "cooperation_modes":
				text = c.modes
			default:
				text = fieldText(cat, f, v.List(id))
			}
		}
		if text != "" {
			rows = append(rows, [2]string{label, text})
		}
	}
	return rows
}

// fieldText writes a field's values for the row 其他.
func fieldText(cat *forms.Catalogue, f *forms.Field, vals []string) string {
	switch f.Kind {
	case forms.KindBool: // only a yes says something
		if len(vals) > 0 && vals[0] == "true" {
			return "是"
		}
		return ""
	case forms.KindEnum, forms.KindMultiEnum:
		return enumList(cat, f.ID, vals)
	case forms.KindMoney:
		if len(vals) == 0 || vals[0] == "" {
			return ""
		}
		return clean(vals[0]) + " 万元"
	}
	return clean(strings.Join(vals, "、"))
}

// Records is what [WriteBooklet] reads: every enterprise, then every need
// (the store satisfies it, as it does xlsx.Records).
type Records interface {
	ForEachEnterprise(ctx context.Context, fn func(*forms.Enterprise) error) error
	ForEachNeed(ctx context.Context, fn func(*forms.Need) error) error
}

// WriteBooklet reads every need of recs, with its enterprise, and renders
// the booklet of those it may include ([RenderBooklet]): the one way the
// window and the command line make it.
func WriteBooklet(ctx context.Context, w io.Writer, recs Records, opt BookletOptions) (BookletReport, error) {
	ents := map[string]*forms.Enterprise{}
	if err := recs.ForEachEnterprise(ctx, func(e *forms.Enterprise) error {
		ents[e.ID] = e
		return nil
	}); err != nil {
		return BookletReport{}, fmt.Errorf("card: read enterprises: %w", err)
	}
	var items []Item
	if err := recs.ForEachNeed(ctx, func(n *forms.Need) error {
		items = append(items, Item{Need: n, Enterprise: ents[n.EnterpriseID]})
		return nil
	}); err != nil {
		return BookletReport{}, fmt.Errorf("card: read needs: %w", err)
	}
	return RenderBooklet(ctx, w, items, opt)
}
