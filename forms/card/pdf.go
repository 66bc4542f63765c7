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

	"github.com/signintech/gopdf"

	"github.com/xunbang/xunbang/internal/qr"
)

// fontFamily is the font's name in the PDF. gopdf embeds only the glyphs
// used (a subset) and writes the family as the font's name, a space becoming
// "+": the six capitals before it are the subset tag the PDF standard asks
// for (ISO 32000-1, 9.6.4), by which readers such as pdffonts know the font
// is a subset ("sub yes").
const fontFamily = "XBSUBS Xunbang-CJK"

// qrScale is the number of image pixels per QR module in the PDF. The image
// is scaled up on paper; a few pixels per module keep the module edges sharp
// in viewers that smooth scaled images.
const qrScale = 4

// pdfMeasurer measures text with gopdf's MeasureTextWidth, one rune at a time
// (widths add up: gopdf sums the glyphs' advance widths, and kerning is off).
type pdfMeasurer struct {
	gp    *gopdf.GoPdf
	cache map[runeSize]float64
	err   error
}

type runeSize struct {
	r    rune
	size float64
}

func (m *pdfMeasurer) runeWidth(r rune, size float64) float64 {
	k := runeSize{r, size}
	if w, ok := m.cache[k]; ok {
		return w
	}
	if err := m.gp.SetFontSize(size); err != nil && m.err == nil {
		m.err = err
	}
	w, err := m.gp.MeasureTextWidth(string(r))
	if err != nil && m.err == nil {
		m.err = err
	}
	m.cache[k] = w
	return w
}

// Render writes a PDF of need cards to w: the layout's sheets, cards in the
// order of items. Items without a card (不公开 needs) are skipped and listed
// in the report; when no item gets a card, Render writes nothing and returns
// ErrNoCards.
func Render(ctx context.Context, w io.Writer, items []Item, opt Options) (Report, error) {
	var rep Report
	sh, fc, cards, err := begin(ctx, items, &opt, &rep, true)
	if err != nil {
		return rep, err
	}

	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{Unit: gopdf.UnitMM, PageSize: gopdf.Rect{W: sh.pageW, H: sh.pageH}})
	if opt.uncompressed {
		gp.SetNoCompression()
	}
	gp.SetInfo(gopdf.PdfInfo{Title: "技术需求卡片", Creator: "xunbang", Producer: "xunbang (gopdf)"})
	if err := gp.AddTTFFontDataWithOption(fontFamily, opt.Font, gopdf.TtfOption{
		OnGlyphNotFoundSubstitute: func(rune) rune { return substitute },
	}); err != nil {
		return rep, fmt.Errorf("card: font: %w", err)
	}
	if err := gp.SetFont(fontFamily, "", 10); err != nil {
		return rep, fmt.Errorf("card: font: %w", err)
	}
	m := &pdfMeasurer{gp: gp, cache: map[runeSize]float64{}}
	p := &pdfPainter{gp: gp}

	for i := range cards {
		if i%32 == 0 {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
		}
		slot := i % len(sh.slots)
		if slot == 0 {
			gp.AddPage()
			rep.Pages++
			p.cutMarks(sh.marks)
		}
		ops := layoutCard(m, fc.metrics, sh.st, &cards[i].content, cards[i].code, sh.slots[slot])
		if m.err != nil {
			return rep, fmt.Errorf("card: measure text: %w", m.err)
		}
		if err := p.paint(ops, cards[i].png); err != nil {
			return rep, fmt.Errorf("card: need %s: %w", cards[i].id, err)
		}
		rep.drew(&cards[i])
	}
	var buf bytes.Buffer
	if _, err := gp.WriteTo(&buf); err != nil {
		return rep, fmt.Errorf("card: write PDF: %w", err)
	}
	n, err := w.Write(buf.Bytes())
	rep.Bytes = int64(n)
	if err != nil {
		return rep, fmt.Errorf("card: write PDF: %w", err)
	}
	return rep, nil
}

// card is one card ready to lay out.
type card struct {
	content
	code *qr.Code
	png  []byte // the QR code as a PNG, for the PDF
}

// prepare builds the content and QR code of every card (and the code's PNG
// when withPNG), skipping the items that get none. QR encoding is the costly
// part, so items are prepared on all CPUs; the order is kept.
// begin does what both renderers do first: check the layout and the font,
// and prepare the cards (with the QR image as PNG for the PDF). No card at
// all is ErrNoCards.
func begin(ctx context.Context, items []Item, opt *Options, rep *Report, withPNG bool) (sheet, *face, []card, error) {
	layout, err := opt.layout()
	if err != nil {
		return sheet{}, nil, nil, err
	}
	fc, err := parseFont(opt.Font)
	if err != nil {
		return sheet{}, nil, nil, err
	}
	cards, err := prepare(ctx, items, opt, fc, rep, withPNG)
	if err != nil {
		return sheet{}, nil, nil, err
	}
	if len(cards) == 0 {
		return sheet{}, nil, nil, ErrNoCards
	}
	return sheetOf(layout), fc, cards, nil
}

func prepare(ctx context.Context, items []Item, opt *Options, fc *face, rep *Report, withPNG bool) ([]card, error) {
	type result struct {
		card
		skip *Skip
		err  error
	}
	res := make([]result, len(items))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(items)/16)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(items) || ctx.Err() != nil {
					return
				}
				r := &res[i]
				r.content, r.skip = contentOf(items[i], opt)
				if r.skip != nil {
					continue
				}
				if r.qr == "" {
					continue // no address resolves yet: the card says where it will be published
				}
				var err error
				if r.code, err = qr.Encode(r.qr); err != nil {
					r.skip = &Skip{ID: r.id, Title: r.title, Code: SkipQR,
						Reason: fmt.Sprintf("二维码内容过长（%d 字节），无法编码", len(r.qr))}
					continue
				}
				if withPNG {
					r.png, r.err = r.code.PNG(qrScale, 0)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cards := make([]card, 0, len(items))
	for i := range res {
		switch r := &res[i]; {
		case r.err != nil:
			return nil, fmt.Errorf("card: need %s: %w", r.id, r.err)
		case r.skip != nil:
			rep.Skipped = append(rep.Skipped, *r.skip)
		default:
			fc.substitute(&r.content)
			cards = append(cards, r.card)
		}
	}
	for r := range fc.missing {
		rep.MissingGlyphs = append(rep.MissingGlyphs, r)
	}
	slices.Sort(rep.MissingGlyphs)
	return cards, nil
}

// substitute replaces, in every text of c, the characters the font lacks by
// □, and notes them.
func (fc *face) substitute(c *content) {
	fc.substituteAll(&c.kind, &c.title, &c.field, &c.region, &c.publisher, &c.budget, &c.modes, &c.problem, &c.indicator, &c.where)
}

// substituteAll replaces, in each text, the characters the font cannot
// draw: by their fallback ([fallbacks]) when the font draws that, else by □,
// noting them as missing.
func (fc *face) substituteAll(texts ...*string) {
	for _, s := range texts {
		ok := true
		for _, r := range *s {
			if r != '\n' && !fc.hasCached(r) {
				ok = false
				break
			}
		}
		if ok {
			continue
		}
		var b strings.Builder
		for _, r := range *s {
			switch {
			case r == '\n' || fc.hasCached(r): // a line break is the caller's to keep or drop
				b.WriteRune(r)
			case fc.drawsAll(fallbacks[r]):
				b.WriteString(fallbacks[r])
			default:
				fc.missing[r] = true
				b.WriteRune(substitute)
			}
		}
		*s = b.String()
	}
}

// drawsAll reports whether s is not empty and the font draws all of it.
func (fc *face) drawsAll(s string) bool {
	for _, r := range s {
		if !fc.hasCached(r) {
			return false
		}
	}
	return s != ""
}

// hasCached reports whether the font draws r, with the answer remembered.
func (fc *face) hasCached(r rune) bool { return fc.advance(r) >= 0 }

type pdfPainter struct{ gp *gopdf.GoPdf }

func (p *pdfPainter) cutMarks(marks [][4]float64) {
	if len(marks) == 0 {
		return
	}
	p.gp.SetStrokeColor(colCut.r, colCut.g, colCut.b)
	p.gp.SetLineWidth(0.15)
	for _, l := range marks {
		p.gp.Line(l[0], l[1], l[2], l[3])
	}
}

// paint draws a card's operations; png is its QR code as a PNG.
func (p *pdfPainter) paint(ops []op, png []byte) error {
	gp := p.gp
	for _, o := range ops {
		switch o.kind {
		case opFill:
			gp.SetFillColor(o.col.r, o.col.g, o.col.b)
			gp.RectFromUpperLeftWithStyle(o.x, o.y, o.w, o.h, "F")
		case opStroke:
			gp.SetStrokeColor(o.col.r, o.col.g, o.col.b)
			gp.SetLineWidth(o.lw)
			gp.RectFromUpperLeftWithStyle(o.x, o.y, o.w, o.h, "D")
		case opText:
			if err := gp.SetFontSize(o.size); err != nil {
				return err
			}
			gp.SetTextColor(o.col.r, o.col.g, o.col.b)
			gp.SetXY(o.x, o.y)
			if err := gp.Text(o.text); err != nil {
				return err
			}
		case opQR:
			data := png
			if o.img != nil {
				data = o.img
			}
			img, err := gopdf.ImageHolderByBytes(data)
			if err != nil {
				return err
			}
			if err := gp.ImageByHolder(img, o.x, o.y, &gopdf.Rect{W: o.w, H: o.w}); err != nil {
				return err
			}
		}
	}
	return nil
}
