package card

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/qr"
)

// The booklet's page: A4 portrait; the body between the running header and
// the page number. Lengths in mm.
const (
	bkPageW, bkPageH = 210.0, 297.0
	bkLeft, bkRight  = 20.0, 190.0
	bkTop, bkBottom  = 26.0, 275.0
	bkHeaderRule     = 19.0 // the running header's rule
	bkFooter         = 281.0
	bkBlockGap       = 5.0 // between two need blocks
	bkGroupHead      = 15.0
)

// bookStyle is the need block at full size; blocks too tall for a page are
// set smaller (see fitBlock).
var bookStyle = style{
	pad: 3.2, band: 7.5, bandSize: 10, numSize: 9,
	titleSize: 13, titleLines: 4, labelSize: 9, textSize: 10, rowLines: 0,
	captionSize: 7.5, markSize: 8.5,
	qrMin: 24, qrMax: 30, minModule: 0.5, lead: 1.42,
}

// blockScales are the sizes a block is tried at, in turn, until it fits a
// page.
var blockScales = []float64{1, 0.92, 0.84, 0.76}

// longRows are the rows cut, as a last resort, for a block that is still
// too tall at the smallest size.
var longRows = map[string]bool{"主要问题": true, "技术关键": true, "技术指标": true, "预期目标": true, "其他": true}

type pageKind int

const (
	pageCover pageKind = iota
	pageContents
	pageBody
	pageAppendix
)

// bookPage is one page's drawing operations.
type bookPage struct {
	kind    pageKind
	ops     []op
	section string // the running header's right-hand text
	outline string // a bookmark to the page, "" for none
}

// blockPlace is where a need's block landed.
type blockPlace struct {
	seq  int
	id   string
	page int  // 0-based
	r    rect // the block's frame
	qr   int  // index of its QR op in the page's ops, -1 for none
}

// tocEntry is a line of the contents.
type tocEntry struct {
	text  string
	level int // 0 a group or the appendix, 1 a need
	page  int // 1-based page number
}

// booklet is the laid-out booklet.
type booklet struct {
	pages    []bookPage
	blocks   []blockPlace
	contents []tocEntry
	coverQR  int // index of the hub's QR op on the cover, -1 for none
}

type bookLayout struct {
	m   measurer
	fm  fontMetrics
	opt *BookletOptions
}

// layoutBooklet lays out every page: the body first, to know the pages of
// the contents' entries, whose number of lines (and so pages) is known
// beforehand.
func layoutBooklet(ctx context.Context, m measurer, fc *face, needs []*bookNeed, opt *BookletOptions) (*booklet, error) {
	bl := &bookLayout{m: m, fm: fc.metrics, opt: opt}
	groups, toc := grouped(opt, needs)
	contentsPages := len(bl.contents(toc))

	bk := &booklet{coverQR: -1}
	first := 1 + contentsPages // 0-based index of the first body page
	body, err := bl.body(ctx, bk, groups, toc, first, len(needs))
	if err != nil {
		return nil, err
	}
	t := len(toc) - 1
	appendix := bl.appendix()
	toc[t].page = first + len(body) + 1

	contents := bl.contents(toc)
	if len(contents) != contentsPages {
		return nil, fmt.Errorf("card: booklet contents took %d pages, then %d", contentsPages, len(contents))
	}
	cover, coverQR := bl.cover(len(needs))
	bk.coverQR = coverQR
	bk.pages = append(bk.pages, cover)
	bk.pages = append(bk.pages, contents...)
	bk.pages = append(bk.pages, body...)
	bk.pages = append(bk.pages, appendix)
	bk.contents = toc
	for i := 1; i < len(bk.pages); i++ {
		bl.headerFooter(&bk.pages[i], i+1)
	}
	return bk, nil
}

// grouped sorts the needs, already in their groups' order, into groups,
// numbered 一、二、…, and lists the contents' entries (without pages).
func grouped(opt *BookletOptions, needs []*bookNeed) ([]groupOf, []tocEntry) {
	cat := opt.Catalogue
	if cat == nil {
		cat = forms.Default()
	}
	var groups []groupOf
	for _, b := range needs {
		if len(groups) == 0 || groups[len(groups)-1].code != b.group {
			groups = append(groups, groupOf{code: b.group, name: groupLabel(cat, b.group)})
		}
		groups[len(groups)-1].needs = append(groups[len(groups)-1].needs, b)
	}
	var toc []tocEntry
	for i, g := range groups {
		g.name = cnNumber(i+1) + "、" + g.name
		groups[i] = g
		toc = append(toc, tocEntry{text: fmt.Sprintf("%s（%d 项）", g.name, len(g.needs))})
		for _, b := range g.needs {
			title := b.title
			if title == "" {
				title = "（未填写需求名称）"
			}
			toc = append(toc, tocEntry{text: fmt.Sprintf("%d. %s", b.seq, title), level: 1})
		}
	}
	return groups, append(toc, tocEntry{text: "附件　技术需求解决方案表"})
}

// body lays out the groups from page index first on, each from a new page,
// a block moving to the next page when it does not fit in what is left of
// one; it notes the blocks in bk and the pages in the contents' entries.
func (bl *bookLayout) body(ctx context.Context, bk *booklet, groups []groupOf, toc []tocEntry, first, total int) ([]bookPage, error) {
	var body []bookPage
	t := 0 // the toc entry whose page comes next
	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		page := bookPage{kind: pageBody, section: g.name, outline: g.name}
		page.ops = bl.groupHeading(g.name, len(g.needs))
		toc[t].page = first + len(body) + 1
		t++
		y := bkTop + bkGroupHead
		for _, b := range g.needs {
			ops, h := bl.fitBlock(b, bkBottom-bkTop-bkGroupHead)
			if y+h > bkBottom+1e-9 {
				body = append(body, page)
				page = bookPage{kind: pageBody, section: g.name}
				y = bkTop
			}
			place := blockPlace{seq: b.seq, id: b.id, page: first + len(body), qr: -1, r: rect{bkLeft, y, bkRight - bkLeft, h}}
			for _, o := range ops {
				if o.kind == opQR {
					place.qr = len(page.ops)
				}
				page.ops = append(page.ops, o.shifted(y))
			}
			bk.blocks = append(bk.blocks, place)
			toc[t].page = first + len(body) + 1
			t++
			y += h + bkBlockGap
			if p := bl.opt.Progress; p != nil && len(bk.blocks)%32 == 0 && len(bk.blocks) < total {
				p(len(bk.blocks), total)
			}
		}
		body = append(body, page)
	}
	return body, nil
}

type groupOf struct {
	code, name string
	needs      []*bookNeed
}

// groupLabel names a group: the tech field's first level.
func groupLabel(cat *forms.Catalogue, code string) string {
	if code == "" {
		return "其他（未填写技术领域）"
	}
	if v := vocabularyOf(cat, "tech_fields"); v != nil {
		if s := clean(v.Label(code, "zh")); s != "" {
			return s
		}
	}
	return code
}

// cnNumber writes 1…99 in Chinese numerals, as headings count: 一, 十二.
func cnNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 1:
		return fmt.Sprint(n)
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + strings.TrimPrefix(digits[n-10], "零")
	case n < 100:
		s := digits[n/10] + "十"
		if n%10 != 0 {
			s += digits[n%10]
		}
		return s
	}
	return fmt.Sprint(n)
}

// drawing collects drawing operations.
type drawing struct {
	bl  *bookLayout
	out []op
}

func (o *drawing) text(x, baseline float64, s string, size float64, col rgb) float64 {
	if s == "" {
		return 0
	}
	w := textWidth(o.bl.m, s, size)
	o.out = append(o.out, op{kind: opText, x: x, y: baseline, w: w, size: size, text: s, col: col})
	return w
}

// centred writes s centred between left and right.
func (o *drawing) centred(left, right, baseline float64, s string, size float64, col rgb) {
	s = ellipsize(o.bl.m, s, size, right-left)
	w := textWidth(o.bl.m, s, size)
	o.text(left+(right-left-w)/2, baseline, s, size, col)
}

func (o *drawing) fill(x, y, w, h float64, col rgb) {
	o.out = append(o.out, op{kind: opFill, x: x, y: y, w: w, h: h, col: col})
}

func (o *drawing) stroke(x, y, w, h, lw float64, col rgb) {
	o.out = append(o.out, op{kind: opStroke, x: x, y: y, w: w, h: h, lw: lw, col: col})
}

// baseline is the baseline of a line at size pt whose box starts at top and
// is lh high.
func (bl *bookLayout) baseline(top, lh, size float64) float64 {
	s := size * mmPerPt
	return top + (lh-(bl.fm.asc+bl.fm.desc)*s)/2 + bl.fm.asc*s
}

// lines wraps s to width w at size pt and returns the lines.
func (bl *bookLayout) lines(s string, size, w float64, most int) []string {
	l, _ := wrap(bl.m, s, size, func(int) float64 { return w }, most)
	return l
}

func (bl *bookLayout) groupHeading(name string, n int) []op {
	o := &drawing{bl: bl}
	const size = 15
	o.text(bkLeft, bl.baseline(bkTop, 9, size), ellipsize(bl.m, name, size, bkRight-bkLeft-30), size, colBrand)
	count := fmt.Sprintf("共 %d 项", n)
	o.text(bkRight-textWidth(bl.m, count, 10), bl.baseline(bkTop, 9, 10), count, 10, colLabel)
	o.fill(bkLeft, bkTop+10, bkRight-bkLeft, 0.6, colBrand)
	return o.out
}

// fitBlock lays out a need's block at the largest size at which it fits in
// room mm, cutting its long texts only when it does not fit at the smallest.
func (bl *bookLayout) fitBlock(b *bookNeed, room float64) ([]op, float64) {
	var ops []op
	var h float64
	for _, s := range blockScales {
		st := scaled(bookStyle, s)
		if ops, h = bl.block(b, &st, 0); h <= room {
			return ops, h
		}
	}
	st := scaled(bookStyle, blockScales[len(blockScales)-1])
	for limit := 40; limit > 1; limit = limit * 2 / 3 {
		if ops, h = bl.block(b, &st, limit); h <= room {
			return ops, h
		}
	}
	return bl.block(b, &st, 1)
}

func scaled(st style, s float64) style {
	st.bandSize *= s
	st.numSize *= s
	st.titleSize *= s
	st.labelSize *= s
	st.textSize *= s
	st.captionSize *= s
	st.markSize *= s
	st.band *= s
	return st
}

// block lays out a need's block with its top at y 0: the band with its
// number and type, the title, the QR code (or where it will be published) at
// the right, and the rows, the long ones cut at limit lines (0: not cut).
func (bl *bookLayout) block(b *bookNeed, st *style, limit int) ([]op, float64) {
	m := bl.m
	l := &cardLayout{m: m, fm: bl.fm, st: st, ops: make([]op, 0, 64)}
	r := rect{bkLeft, 0, bkRight - bkLeft, bkBottom - bkTop}
	pad := st.pad
	left, right := r.x+pad, r.right()-pad

	l.ops = append(l.ops, op{kind: opFill, x: r.x, y: 0, w: r.w, h: st.band, col: colBrand})
	num := "编号 " + b.number
	numW := textWidth(m, num, st.numSize)
	l.text(right-numW, l.baseline(0, st.band, st.numSize), num, st.numSize, colOnBrand)
	head := fmt.Sprintf("需求 %d", b.seq)
	if b.kind != "" {
		head += " · " + b.kind
	}
	l.text(left, l.baseline(0, st.band, st.bandSize), ellipsize(m, head, st.bandSize, right-numW-4-left), st.bandSize, colOnBrand)

	y := st.band + pad*0.7
	title, col := b.title, colTitle
	if title == "" {
		title, col = "（未填写需求名称）", colLabel
	}
	tl := l.lineHeight(st.titleSize) * 0.96
	for _, s := range bl.lines(title, st.titleSize, right-left, st.titleLines) {
		l.text(left, l.baseline(y, tl, st.titleSize), s, st.titleSize, col)
		y += tl
	}
	y += pad * 0.4

	colTop, colBottom, colRight := l.column(&b.content, b.code, r, y)
	for i := range l.ops {
		if l.ops[i].kind == opQR {
			l.ops[i].img = b.png
		}
	}
	labelW := 0.0
	for _, row := range b.rows {
		labelW = math.Max(labelW, textWidth(m, row[0], st.labelSize))
	}
	labelW = math.Max(labelW, textWidth(m, "核验号", st.labelSize)) + 2.5
	vx := left + labelW
	lh := l.lineHeight(st.textSize)
	rightAt := func(top float64) float64 {
		if top < colBottom && top+lh > colTop {
			return colRight
		}
		return right
	}
	rows := append(b.rows[:len(b.rows):len(b.rows)], [2]string{"核验号", b.check})
	for _, row := range rows {
		most := 0
		if limit > 0 && longRows[row[0]] {
			most = limit
		}
		start := y
		lines, _ := wrap(m, row[1], st.textSize, func(i int) float64 { return rightAt(start+float64(i)*lh) - vx }, most)
		col := colText
		if row[0] == "核验号" {
			col = colLabel
		}
		l.label(left, y, lh, row[0])
		for _, s := range lines {
			l.text(vx, l.baseline(y, lh, st.textSize), s, st.textSize, col)
			y += lh
		}
		y += lh * 0.08
	}
	bottom := math.Max(y, colBottom) + pad*0.8
	const border = 0.25
	l.ops = append(l.ops, op{kind: opStroke, x: r.x + border/2, y: border / 2, w: r.w - border, h: bottom - border, lw: border, col: colBorder})
	return l.ops, bottom
}

// The contents' lines.
const (
	tocHeadH    = 18.0
	tocGroupH   = 9.0
	tocNeedH    = 6.4
	tocGroupPt  = 11.5
	tocNeedPt   = 10.0
	tocIndent   = 7.0
	tocNumberW  = 12.0 // room for the page number
	tocLeaderPt = 9.0
)

// contents lays out the contents' pages; the entries' pages may be 0 (a
// first pass to count the pages, which do not depend on the numbers).
func (bl *bookLayout) contents(toc []tocEntry) []bookPage {
	var pages []bookPage
	page := bookPage{kind: pageContents, section: "目录", outline: "目录"}
	o := &drawing{bl: bl}
	o.centred(bkLeft, bkRight, bl.baseline(bkTop, 12, 18), "目　　录", 18, colTitle)
	y := bkTop + tocHeadH
	dotW := textWidth(bl.m, ".", tocLeaderPt)
	for _, e := range toc {
		lh, size, indent, col := tocNeedH, tocNeedPt, tocIndent, colText
		if e.level == 0 {
			lh, size, indent, col = tocGroupH, tocGroupPt, 0, colTitle
		}
		if y+lh > bkBottom {
			page.ops = o.out
			pages = append(pages, page)
			page = bookPage{kind: pageContents, section: "目录"}
			o = &drawing{bl: bl}
			y = bkTop
		}
		base := bl.baseline(y, lh, size)
		x := bkLeft + indent
		text := ellipsize(bl.m, e.text, size, bkRight-tocNumberW-6-x)
		tw := o.text(x, base, text, size, col)
		num := fmt.Sprint(e.page)
		nw := textWidth(bl.m, num, size)
		o.text(bkRight-nw, base, num, size, col)
		// Dotted leader on a grid, so that the dots line up from line to line.
		from := math.Ceil((x+tw+1.5-bkLeft)/dotW)*dotW + bkLeft
		if n := int((bkRight - tocNumberW + 1 - from) / dotW); n > 0 {
			o.text(from, base, strings.Repeat(".", n), tocLeaderPt, colLabel)
		}
		y += lh
	}
	page.ops = o.out
	return append(pages, page)
}

// cover lays out the cover and returns the index of the hub's QR op, -1 for
// none.
func (bl *bookLayout) cover(n int) (bookPage, int) {
	opt := bl.opt
	ev := opt.Event
	o := &drawing{bl: bl}
	m := bl.m
	o.fill(0, 0, bkPageW, 16, colBrand)
	o.fill(0, bkPageH-12, bkPageW, 12, colBrand)

	y := 58.0
	if name := clean(ev.Name); name != "" {
		for _, s := range bl.lines(name, 17, bkRight-bkLeft, 3) {
			o.centred(bkLeft, bkRight, bl.baseline(y, 10, 17), s, 17, colText)
			y += 10
		}
		y += 6
	} else {
		y += 16
	}
	for _, s := range bl.lines(opt.title(), 32, bkRight-bkLeft, 2) {
		o.centred(bkLeft, bkRight, bl.baseline(y, 16, 32), s, 32, colBrand)
		y += 16
	}
	y += 3
	o.centred(bkLeft, bkRight, bl.baseline(y, 8, 11.5), fmt.Sprintf("共收录技术需求 %d 项，按技术领域分类", n), 11.5, colLabel)
	y += 18

	// What a solver needs to know, as the organisers' notices say it.
	rows := [][2]string{
		{"主办单位", clean(ev.Organiser)},
		{"征集截止", clean(ev.Deadline)},
		{"方案提交", strings.TrimSpace(ev.Submit)},
		{"发布平台", clean(ev.Platform)},
	}
	const size, lh = 11.0, 6.6
	lx, vx, vr := 36.0, 62.0, 174.0
	qrIndex := -1
	hub := ""
	if forms.ResolvableURL(opt.HubPublicURL) {
		hub = strings.TrimSpace(opt.HubPublicURL)
	}
	maxY := 262.0
	if hub != "" {
		maxY = 205
	}
	listed := false
	for _, r := range rows {
		if r[1] == "" || y+lh > maxY {
			continue
		}
		listed = true
		o.text(lx, bl.baseline(y, lh, size), r[0], size, colLabel)
		for _, para := range strings.Split(r[1], "\n") {
			para = clean(para)
			if para == "" {
				continue
			}
			for _, s := range bl.lines(para, size, vr-vx, 0) {
				if y+lh > maxY {
					break
				}
				o.text(vx, bl.baseline(y, lh, size), s, size, colText)
				y += lh
			}
		}
		y += 2
	}
	if listed {
		o.fill(lx, y+1, vr-lx, 0.3, colBorder)
	}
	if hub != "" {
		if code, err := qr.Encode(hub); err == nil {
			if png, err := code.PNG(qrScale, 0); err == nil {
				const sym = 36.0
				x := (bkPageW - sym) / 2
				top := 212.0
				qrIndex = len(o.out)
				o.out = append(o.out, op{kind: opQR, x: x, y: top, w: sym, h: sym, code: code, img: png, quiet: 4 * sym / float64(code.Size())})
				o.centred(bkLeft, bkRight, bl.baseline(top+sym+2, 6, 10), "识别二维码　登录线上平台　查看需求", 10, colText)
				o.centred(bkLeft, bkRight, bl.baseline(top+sym+8, 5, 8.5), ellipsize(m, hub, 8.5, bkRight-bkLeft), 8.5, colLabel)
			}
		}
	}
	date := opt.now()
	o.centred(bkLeft, bkRight, bl.baseline(bkPageH-24, 7, 11), fmt.Sprintf("编制日期：%d年%d月%d日", date.Year(), int(date.Month()), date.Day()), 11, colText)
	return bookPage{kind: pageCover, ops: o.out, outline: "封面"}, qrIndex
}

// The 《技术需求解决方案表》: its fields as 附件 2 of the organisers' notice
// has them (苏州市科学技术局, 关于征集 2023 “科技镇长团杯” 苏州国际创新挑战赛
// 技术需求解决方案的通知, 附件 2): provider unit and region; contact and
// phone; e-mail and position; the need it answers; the solution in brief.
var solutionForm = []struct {
	label1, label2 string
	height         float64 // 0: the rest of the table
}{
	{"方案提供方\n单位名称", "地区", 18},
	{"联系人", "联系方式", 13},
	{"E-mail", "职务", 13},
	{"拟解决的\n需求名称", "", 20},
	{"解决方案\n简要介绍", "", 0},
}

// appendix lays out the blank 《技术需求解决方案表》.
func (bl *bookLayout) appendix() bookPage {
	o := &drawing{bl: bl}
	opt := bl.opt
	o.text(bkLeft, bl.baseline(bkTop, 8, 13), "附件", 13, colTitle)
	o.centred(bkLeft, bkRight, bl.baseline(bkTop+10, 12, 19), "技术需求解决方案表", 19, colTitle)
	top := bkTop + 26
	x0, x1, x2, x3, x4 := bkLeft, bkLeft+32, bkLeft+92, bkLeft+117, bkRight
	notes := []string{"“拟解决的需求名称”请写明需求名称及本汇编中的需求编号（如：需求 12，编号 4F3F9D3F）。"}
	if s := clean(strings.ReplaceAll(opt.Event.Submit, "\n", " ")); s != "" {
		notes = append(notes, "方案提交方式："+s)
	}
	if s := clean(opt.Event.Deadline); s != "" {
		notes = append(notes, "方案征集截止时间："+s+"。")
	}
	noteLines := 0
	for _, n := range notes {
		noteLines += len(bl.lines(n, 9.5, x4-x0-6, 0))
	}
	tableBottom := bkBottom - 10 - float64(noteLines)*5.4
	const lw = 0.35
	y := top
	label := func(x, w, top, h float64, s string) {
		parts := strings.Split(s, "\n")
		lh := 6.0
		ty := top + (h-float64(len(parts))*lh)/2
		for _, p := range parts {
			o.centred(x, x+w, bl.baseline(ty, lh, 11), p, 11, colTitle)
			ty += lh
		}
	}
	for _, row := range solutionForm {
		h := row.height
		if h == 0 {
			h = tableBottom - y
		}
		o.stroke(x0, y, x1-x0, h, lw, colTitle)
		label(x0, x1-x0, y, h, row.label1)
		if row.label2 != "" {
			o.stroke(x1, y, x2-x1, h, lw, colTitle)
			o.stroke(x2, y, x3-x2, h, lw, colTitle)
			label(x2, x3-x2, y, h, row.label2)
			o.stroke(x3, y, x4-x3, h, lw, colTitle)
		} else {
			o.stroke(x1, y, x4-x1, h, lw, colTitle)
		}
		y += h
	}
	y += 4
	o.text(x0, bl.baseline(y, 5.4, 9.5), "填写说明：", 9.5, colLabel)
	y += 5.4
	for i, n := range notes {
		for j, s := range bl.lines(n, 9.5, x4-x0-6, 0) {
			if j == 0 {
				o.text(x0, bl.baseline(y, 5.4, 9.5), fmt.Sprintf("%d.", i+1), 9.5, colLabel)
			}
			o.text(x0+6, bl.baseline(y, 5.4, 9.5), s, 9.5, colLabel)
			y += 5.4
		}
	}
	return bookPage{kind: pageAppendix, ops: o.out, section: "附件", outline: "附件　技术需求解决方案表"}
}

// headerFooter adds the running header (the booklet's, or the campaign's,
// name at the left; the page's section at the right) and the page number.
func (bl *bookLayout) headerFooter(p *bookPage, number int) {
	o := &drawing{bl: bl, out: p.ops}
	const size = 8.5
	left := bl.opt.title()
	if ev := clean(bl.opt.Event.Name); ev != "" {
		left = ev + "　" + left
	}
	right := p.section
	rw := textWidth(bl.m, right, size)
	o.text(bkLeft, bl.baseline(bkHeaderRule-6, 5, size), ellipsize(bl.m, left, size, bkRight-bkLeft-rw-8), size, colLabel)
	o.text(bkRight-rw, bl.baseline(bkHeaderRule-6, 5, size), right, size, colLabel)
	o.fill(bkLeft, bkHeaderRule, bkRight-bkLeft, 0.25, colBorder)
	o.centred(bkLeft, bkRight, bl.baseline(bkFooter, 6, 9), fmt.Sprintf("— %d —", number), 9, colLabel)
	p.ops = o.out
}
