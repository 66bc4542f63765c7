package card

import (
	"math"

	"github.com/xunbang/xunbang/internal/qr"
)

// All lengths are in millimetres, font sizes in points, y grows downwards.

const mmPerPt = 25.4 / 72

type rect struct{ x, y, w, h float64 }

func (r rect) right() float64  { return r.x + r.w }
func (r rect) bottom() float64 { return r.y + r.h }

// contains reports whether o lies inside r, allowing eps mm of rounding.
func (r rect) contains(o rect, eps float64) bool {
	return o.x >= r.x-eps && o.y >= r.y-eps && o.right() <= r.right()+eps && o.bottom() <= r.bottom()+eps
}

func (r rect) overlaps(o rect) bool {
	return o.x < r.right() && r.x < o.right() && o.y < r.bottom() && r.y < o.bottom()
}

type rgb struct{ r, g, b uint8 }

var (
	colBrand   = rgb{0x1F, 0x4E, 0x8C} // the header band
	colOnBrand = rgb{0xFF, 0xFF, 0xFF}
	colTitle   = rgb{0x11, 0x18, 0x27}
	colText    = rgb{0x26, 0x2C, 0x36}
	colLabel   = rgb{0x6B, 0x72, 0x80}
	colBorder  = rgb{0xB8, 0xBF, 0xC8}
	colMark    = rgb{0xC6, 0x28, 0x28} // 未经企业确认
	colCut     = rgb{0x00, 0x00, 0x00}
)

type opKind int

const (
	opText   opKind = iota // text at x with baseline y, measured width w, size
	opFill                 // filled rectangle x, y, w, h
	opStroke               // rectangle outline x, y, w, h, line width lw
	opQR                   // QR symbol (no quiet zone) in the square x, y, w
)

// op is one drawing operation of a card.
type op struct {
	kind       opKind
	x, y, w, h float64
	size       float64 // text: font size in pt
	lw         float64 // stroke: line width in mm
	text       string
	col        rgb
	code       *qr.Code
	quiet      float64 // QR: the quiet zone that must stay blank, mm
	// zone marks the stroke around a card's pending box (no QR code): the
	// texts inside it are its own, the others stay clear of it.
	zone bool
	img  []byte // QR: the symbol as a PNG, for the PDF (a card's comes with the card)
}

// shifted returns o moved down by dy mm.
func (o op) shifted(dy float64) op {
	o.y += dy
	return o
}

// fontMetrics are the font's ascent and descent, in em.
type fontMetrics struct{ asc, desc float64 }

// box returns the space an op's ink may take: for text, its advance width and
// the font's ascent and descent; for a QR code, the symbol and its quiet zone.
func (o op) box(fm fontMetrics) rect {
	switch o.kind {
	case opText:
		s := o.size * mmPerPt
		return rect{o.x, o.y - fm.asc*s, o.w, (fm.asc + fm.desc) * s}
	case opQR:
		return rect{o.x - o.quiet, o.y - o.quiet, o.w + 2*o.quiet, o.w + 2*o.quiet}
	}
	return rect{o.x, o.y, o.w, o.h}
}

// style holds the sizes of one kind of card.
type style struct {
	pad, band               float64 // padding, height of the header band
	bandSize, numSize       float64
	titleSize               float64
	titleLines              int
	labelSize, textSize     float64
	rowLines                int
	captionSize, markSize   float64
	qrMin, qrMax, minModule float64 // QR symbol width bounds, smallest module
	qrBottom                bool    // QR code at the bottom right, not the top right
	lead                    float64 // line height in em
}

// landscape is the 95 × 65 mm card of a4-8; portrait the large card of a4-4
// and a6.
var (
	landscape = style{
		pad: 3.5, band: 7, bandSize: 9, numSize: 8,
		titleSize: 11.5, titleLines: 2, labelSize: 7.5, textSize: 8, rowLines: 1,
		captionSize: 6.5, markSize: 8,
		qrMin: 22, qrMax: 27, minModule: 0.42, lead: 1.36,
	}
	portrait = style{
		pad: 5, band: 10, bandSize: 12, numSize: 10,
		titleSize: 16, titleLines: 3, labelSize: 10, textSize: 10.5, rowLines: 2,
		captionSize: 8.5, markSize: 11,
		qrMin: 34, qrMax: 40, minModule: 0.55, lead: 1.36, qrBottom: true,
	}
)

// sheet is the geometry of a layout's pages.
type sheet struct {
	pageW, pageH float64
	slots        []rect       // card positions on a page, in order
	marks        [][4]float64 // cut marks: lines x1, y1, x2, y2
	st           *style
}

func sheetOf(l Layout) sheet {
	switch l {
	case LayoutA4x4:
		return grid(210, 297, 92, 135.5, 2, 2, 6, &portrait)
	case LayoutA6:
		return sheet{pageW: 105, pageH: 148, slots: []rect{{4, 4, 97, 140}}, st: &portrait}
	}
	return grid(210, 297, 95, 65, 2, 4, 6, &landscape)
}

// grid centres cols × rows cards of w × h with gutters on a page and puts cut
// marks in the page margins, in line with every card edge.
func grid(pw, ph, w, h float64, cols, rows int, gutter float64, st *style) sheet {
	s := sheet{pageW: pw, pageH: ph, st: st}
	gw := float64(cols)*w + float64(cols-1)*gutter
	gh := float64(rows)*h + float64(rows-1)*gutter
	x0, y0 := (pw-gw)/2, (ph-gh)/2
	var xs, ys []float64
	for c := 0; c < cols; c++ {
		x := x0 + float64(c)*(w+gutter)
		xs = append(xs, x, x+w)
	}
	for r := 0; r < rows; r++ {
		y := y0 + float64(r)*(h+gutter)
		ys = append(ys, y, y+h)
		for c := 0; c < cols; c++ {
			s.slots = append(s.slots, rect{x0 + float64(c)*(w+gutter), y, w, h})
		}
	}
	const edge, gap = 2.0, 1.5 // mark from 2 mm off the paper's edge to 1.5 mm off the cards
	for _, x := range xs {
		s.marks = append(s.marks, [4]float64{x, edge, x, y0 - gap}, [4]float64{x, y0 + gh + gap, x, ph - edge})
	}
	for _, y := range ys {
		s.marks = append(s.marks, [4]float64{edge, y, x0 - gap, y}, [4]float64{x0 + gw + gap, y, pw - edge, y})
	}
	return s
}

// cardLayout lays out one card's content in r.
type cardLayout struct {
	m   measurer
	fm  fontMetrics
	st  *style
	ops []op
}

func (l *cardLayout) text(x, baseline float64, s string, size float64, col rgb) {
	if s == "" {
		return
	}
	l.ops = append(l.ops, op{kind: opText, x: x, y: baseline, w: textWidth(l.m, s, size), size: size, text: s, col: col})
}

// lineHeight is the height of a line of text at size pt.
func (l *cardLayout) lineHeight(size float64) float64 { return size * mmPerPt * l.st.lead }

// baseline returns the baseline of a line of text at size pt whose box
// starts at top and is lh high: the font's ascent-descent box centred in it.
func (l *cardLayout) baseline(top, lh, size float64) float64 {
	s := size * mmPerPt
	return top + (lh-(l.fm.asc+l.fm.desc)*s)/2 + l.fm.asc*s
}

// layoutCard returns the drawing operations of one card in r.
func layoutCard(m measurer, fm fontMetrics, st *style, c *content, code *qr.Code, r rect) []op {
	l := &cardLayout{m: m, fm: fm, st: st, ops: make([]op, 0, 40)}
	pad := st.pad
	left, right := r.x+pad, r.right()-pad
	bottom := r.bottom() - pad

	// Frame and header band: "技术需求 · type" left, the number right.
	const border = 0.2
	l.ops = append(l.ops,
		op{kind: opFill, x: r.x, y: r.y, w: r.w, h: st.band, col: colBrand},
		op{kind: opStroke, x: r.x + border/2, y: r.y + border/2, w: r.w - border, h: r.h - border, lw: border, col: colBorder},
	)
	num := "编号 " + c.number
	numW := textWidth(m, num, st.numSize)
	l.text(right-numW, l.baseline(r.y, st.band, st.numSize), num, st.numSize, colOnBrand)
	head := "技术需求"
	if c.kind != "" {
		head += " · " + c.kind
	}
	head = ellipsize(m, head, st.bandSize, right-numW-3-left)
	l.text(left, l.baseline(r.y, st.band, st.bandSize), head, st.bandSize, colOnBrand)

	// Title, up to titleLines lines.
	y := r.y + st.band + pad*0.6
	title := c.title
	col := colTitle
	if title == "" {
		title, col = "（未填写需求名称）", colLabel
	}
	tl := l.lineHeight(st.titleSize) * 0.96
	lines, _ := wrap(m, title, st.titleSize, func(int) float64 { return right - left }, st.titleLines)
	for _, s := range lines {
		l.text(left, l.baseline(y, tl, st.titleSize), s, st.titleSize, col)
		y += tl
	}
	y += pad * 0.3

	// The column at the right: the QR code and its caption, or, when no
	// address resolves to the need yet, a box saying where it will be
	// published and its check number; then the mark when unconfirmed.
	colTop, colBottom, colRight := l.column(c, code, r, y)

	// Rows beside the QR column: label, then the value.
	labelW := 0.0
	for _, s := range []string{"领域", "地区", "需求方", "预算", "合作", "问题", "指标"} {
		labelW = math.Max(labelW, textWidth(m, s, st.labelSize))
	}
	labelW += 1.6
	vx := left + labelW
	lh := l.lineHeight(st.textSize)
	rightAt := func(top float64) float64 { // right edge of a line whose box starts at top
		if top < colBottom && top+lh > colTop {
			return colRight
		}
		return right
	}
	rows := [][2]string{
		{"领域", c.field}, {"地区", c.region}, {"需求方", c.publisher}, {"预算", c.budget}, {"合作", c.modes},
	}
	for _, row := range rows {
		if row[1] == "" || y+lh > bottom {
			continue
		}
		start := y
		most := min(st.rowLines, int((bottom-y)/lh))
		lines, _ := wrap(m, row[1], st.textSize, func(i int) float64 { return rightAt(start+float64(i)*lh) - vx }, most)
		l.label(left, y, lh, row[0])
		for _, s := range lines {
			l.text(vx, l.baseline(y, lh, st.textSize), s, st.textSize, colText)
			y += lh
		}
	}

	// Paragraphs: the problem, then the indicators, in the lines that are left,
	// beside the QR column and then across the card below it.
	py := y + lh*0.2
	var paras [][2]string
	for _, p := range [][2]string{{"问题", c.problem}, {"指标", c.indicator}} {
		if p[1] != "" {
			paras = append(paras, p)
		}
	}
	slots := int((bottom - py) / lh)
	widthFrom := func(first int) func(i int) float64 {
		return func(i int) float64 { return rightAt(py+float64(first+i)*lh) - vx }
	}
	switch {
	case len(paras) == 2 && slots > 1:
		p0, _ := wrap(m, paras[0][1], st.textSize, widthFrom(0), 0)
		p1, _ := wrap(m, paras[1][1], st.textSize, widthFrom(len(p0)), 0)
		if len(p0)+len(p1) > slots {
			// Not enough room for both: the indicators get up to a third.
			keep := min(len(p1), max(1, slots/3))
			if len(p0) < slots-keep {
				keep = slots - len(p0)
			}
			p0, _ = wrap(m, paras[0][1], st.textSize, widthFrom(0), slots-keep)
			p1, _ = wrap(m, paras[1][1], st.textSize, widthFrom(len(p0)), slots-len(p0))
		}
		l.paragraph(left, vx, py, lh, paras[0][0], p0)
		l.paragraph(left, vx, py+float64(len(p0))*lh, lh, paras[1][0], p1)
	case len(paras) > 0 && slots > 0:
		p, _ := wrap(m, paras[0][1], st.textSize, widthFrom(0), slots)
		l.paragraph(left, vx, py, lh, paras[0][0], p)
	}
	return l.ops
}

// column lays out the card's right column below top: the QR code with its
// caption, or the pending box when code is nil, and the 未经企业确认 mark.
// It returns the column's extent and where the text beside it must end.
func (l *cardLayout) column(c *content, code *qr.Code, r rect, top float64) (colTop, colBottom, colRight float64) {
	st, m := l.st, l.m
	right, bottom := r.right()-st.pad, r.bottom()-st.pad
	ch := l.lineHeight(st.captionSize)
	mh := st.markSize * mmPerPt * 1.75
	markH := 0.0
	if !c.confirmed {
		markH = 0.6 + mh
	}
	var x, w float64
	if code != nil {
		n := float64(code.Size())
		sym := math.Min(math.Max(n*st.minModule, st.qrMin), st.qrMax)
		quiet := 4 * sym / n
		x = right - sym
		if r.right()-x-sym < quiet {
			x = r.right() - quiet - sym
		}
		y := top + quiet
		if st.qrBottom {
			y = math.Max(y, bottom-(sym+quiet+ch+markH))
		}
		l.ops = append(l.ops, op{kind: opQR, x: x, y: y, w: sym, h: sym, code: code, quiet: quiet})
		colTop, colBottom, w = y-quiet, y+sym+quiet, sym
		caption := ellipsize(m, "扫码查看需求", st.captionSize, sym)
		cw := textWidth(m, caption, st.captionSize)
		l.text(x+(sym-cw)/2, l.baseline(colBottom, ch, st.captionSize), caption, st.captionSize, colLabel)
		colBottom += ch
		colRight = x - math.Max(quiet, 2.5)
	} else {
		w = st.qrMax
		x = right - w
		h := l.pendingHeight(c, w)
		y := top + 0.5
		if st.qrBottom {
			y = math.Max(y, bottom-(h+markH))
		}
		l.pending(c, rect{x, y, w, h})
		colTop, colBottom = y, y+h
		colRight = x - 2.5
	}
	if !c.confirmed {
		mt := colBottom + 0.6
		l.ops = append(l.ops, op{kind: opStroke, x: x, y: mt, w: w, h: mh, lw: 0.35, col: colMark})
		mark := ellipsize(m, "未经企业确认", st.markSize, w-1)
		mw := textWidth(m, mark, st.markSize)
		l.text(x+(w-mw)/2, l.baseline(mt, mh, st.markSize), mark, st.markSize, colMark)
		colBottom = mt + mh
	}
	return colTop, colBottom, colRight
}

// The pending box of a card without a QR code: a heading, where the need
// will be published, and the check number.
const (
	pendingHead  = "尚无二维码"
	pendingCheck = "核验号"
	pendingLines = 4 // at most, for where the need will be published
)

func (l *cardLayout) pendingWhere(c *content) string { return "将发布于" + c.where }

// pendingHeight is the height of the pending box w mm wide.
func (l *cardLayout) pendingHeight(c *content, w float64) float64 {
	st := l.st
	ch := l.lineHeight(st.captionSize)
	inner := w - 2*pendingPad
	where, _ := wrap(l.m, l.pendingWhere(c), st.captionSize, func(int) float64 { return inner }, pendingLines)
	num, _ := wrap(l.m, c.check, st.captionSize, func(int) float64 { return inner }, 2)
	return 2*pendingPad + l.lineHeight(st.captionSize+1) + float64(len(where)+1+len(num))*ch
}

const pendingPad = 0.9

// pending draws the pending box in b.
func (l *cardLayout) pending(c *content, b rect) {
	st := l.st
	l.ops = append(l.ops, op{kind: opStroke, x: b.x, y: b.y, w: b.w, h: b.h, lw: 0.25, col: colBorder, zone: true})
	inner := b.w - 2*pendingPad
	x, y := b.x+pendingPad, b.y+pendingPad
	hs := st.captionSize + 1
	hl := l.lineHeight(hs)
	head := ellipsize(l.m, pendingHead, hs, inner)
	l.text(x, l.baseline(y, hl, hs), head, hs, colBrand)
	y += hl
	ch := l.lineHeight(st.captionSize)
	where, _ := wrap(l.m, l.pendingWhere(c), st.captionSize, func(int) float64 { return inner }, pendingLines)
	for _, s := range where {
		l.text(x, l.baseline(y, ch, st.captionSize), s, st.captionSize, colText)
		y += ch
	}
	l.text(x, l.baseline(y, ch, st.captionSize), ellipsize(l.m, pendingCheck, st.captionSize, inner), st.captionSize, colLabel)
	y += ch
	num, _ := wrap(l.m, c.check, st.captionSize, func(int) float64 { return inner }, 2)
	for _, s := range num {
		l.text(x, l.baseline(y, ch, st.captionSize), s, st.captionSize, colTitle)
		y += ch
	}
}

func (l *cardLayout) label(x, top, lh float64, s string) {
	// The label shares the value's baseline.
	l.text(x, l.baseline(top, lh, l.st.textSize), s, l.st.labelSize, colLabel)
}

func (l *cardLayout) paragraph(left, vx, top, lh float64, label string, lines []string) {
	if len(lines) == 0 {
		return
	}
	l.label(left, top, lh, label)
	for i, s := range lines {
		l.text(vx, l.baseline(top+float64(i)*lh, lh, l.st.textSize), s, l.st.textSize, colText)
	}
}
