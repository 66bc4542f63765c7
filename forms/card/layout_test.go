package card

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"github.com/xunbang/xunbang/forms"
)

// fixedMeasurer gives every CJK character 2 mm and everything else 1 mm,
// whatever the size: easy widths for checking the wrapping rules.
type fixedMeasurer struct{}

func (fixedMeasurer) runeWidth(r rune, _ float64) float64 {
	if wide(r) || r == '…' {
		return 2
	}
	return 1
}

func TestWrap(t *testing.T) {
	m := fixedMeasurer{}
	w := func(mm float64) func(int) float64 { return func(int) float64 { return mm } }
	for _, tc := range []struct {
		name  string
		in    string
		width float64
		max   int
		want  []string
		cut   bool
	}{
		{"cjk anywhere", "一二三四五六七", 6, 0, []string{"一二三", "四五六", "七"}, false},
		{"latin words whole", "abc defg hi", 6, 0, []string{"abc", "defg", "hi"}, false},
		{"long run broken", "ABCDEFGHIJKLMN", 5, 0, []string{"ABCDE", "FGHIJ", "KLMN"}, false},
		{"number stays with cjk break", "寿命10000小时", 8, 0, []string{"寿命", "10000小", "时"}, false},
		{"no closing punct at line start", "一二三，四五", 6, 0, []string{"一二", "三，四", "五"}, false},
		{"hyphen breaks", "XJ-2024-A3", 7, 0, []string{"XJ-", "2024-A3"}, false},
		{"ellipsis", "一二三四五六七八九十", 6, 2, []string{"一二三", "四五…"}, true},
		{"ellipsis drops trailing comma", "一二，四五六七八", 8, 1, []string{"一二…"}, true},
		{"fits exactly", "一二三", 6, 1, []string{"一二三"}, false},
		{"empty", "", 6, 2, nil, false},
		{"leading spaces", "   ab", 6, 0, []string{"ab"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, cut := wrap(m, tc.in, 10, w(tc.width), tc.max)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || cut != tc.cut {
				t.Errorf("wrap(%q, %v, %d) = %q, %v; want %q, %v", tc.in, tc.width, tc.max, got, cut, tc.want, tc.cut)
			}
			for _, l := range got {
				if textWidth(m, l, 10) > tc.width {
					t.Errorf("line %q is %v mm wide, more than %v", l, textWidth(m, l, 10), tc.width)
				}
			}
		})
	}
}

func TestWrapVaryingWidths(t *testing.T) {
	got, _ := wrap(fixedMeasurer{}, "一二三四五六七八九十", 10, func(i int) float64 { return []float64{4, 8}[min(i, 1)] }, 0)
	if want := "一二|三四五六|七八九十"; strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// extremeItems are needs that push every text to its limits.
func extremeItems(tb testing.TB) []Item {
	var allFields, allModes []string
	for _, o := range forms.Default().Vocabulary("tech_field").Options {
		allFields = append(allFields, o.Code)
	}
	for _, o := range forms.Default().Vocabulary("cooperation_mode").Options {
		allModes = append(allModes, o.Code)
	}
	cjk := string([]rune(strings.Repeat("高精度谐波减速器柔轮疲劳寿命提升关键技术研究，", 100))[:2000])
	latin := strings.Repeat("ABCD0123456789XYZ", 120) // 2,040 characters, not one break
	mixed := strings.Repeat("Φ25mm 316L不锈钢管件，型号XJ-2024/A3（耐压≥35MPa，pH 2~12），良率≥99.2%；", 30)
	base := needSpec{vis: forms.VisibilityNamed, entName: "测试企业", credit: "91320583MA1W2X3Y4Q", region: "320583100"}
	specs := []needSpec{
		{title: cjk, problem: cjk, indicators: cjk, kind: "06", fields: allFields, modes: allModes, budget: "123456789.1234"},
		{title: latin, problem: latin, indicators: latin, fields: []string{"101"}, modes: []string{"01"}, budget: "50"},
		{title: mixed, problem: mixed, indicators: mixed, fields: []string{"102"}, modes: []string{"02"}, budget: "0.5"},
		{title: "只有标题", region: "-"}, // every optional field empty
		{title: "", region: "-"},     // not even a title
		{title: "企业名称极长", entName: strings.Repeat("超长企业名称Co.Ltd", 150), problem: "短。"},
		{title: "缺字😀与𠀀", problem: "含表情😀、扩展B区𠀀和韩文한국어的文本", vis: forms.VisibilityAnonymous, alias: strings.Repeat("某", 300)},
		{title: "Only Latin letters and digits 0123456789 in a title that is long enough to wrap twice over",
			problem:    "pH 7.0 ± 0.2; 25 °C; 3.5 %; ISO 9001:2015; IEC 61000-4-2 Level 4 (±8 kV contact); MTBF ≥ 50,000 h.",
			indicators: "see problem", confirm: true, url: "https://kjt.example.gov.cn/xq/detail?id=" + strings.Repeat("9", 120)},
	}
	items := make([]Item, len(specs))
	for i, s := range specs {
		full := base
		full.id = fmt.Sprintf("e%07d-0000-4000-8000-00000000000%d", i, i)
		full.title, full.problem, full.indicators, full.kind = s.title, s.problem, s.indicators, s.kind
		full.fields, full.modes, full.budget, full.confirm, full.url, full.alias = s.fields, s.modes, s.budget, s.confirm, s.url, s.alias
		if s.entName != "" {
			full.entName = s.entName
		}
		if s.vis != "" {
			full.vis = s.vis
		}
		if s.region == "-" {
			full.region, full.entName, full.credit = "", "", ""
		}
		items[i] = makeItem(tb, full)
	}
	return items
}

// layoutAll lays out the cards of items as Render does, and returns their
// operations with a function measuring text through gopdf.
func layoutAll(t *testing.T, items []Item, opt Options) ([][]op, []card, *face, func(string, float64) float64) {
	t.Helper()
	fc, err := parseFont(opt.Font)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	cards, err := prepare(context.Background(), items, &opt, fc, &rep, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != len(items) {
		t.Fatalf("%d cards of %d items: %+v", len(cards), len(items), rep.Skipped)
	}
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{Unit: gopdf.UnitMM, PageSize: gopdf.Rect{W: 210, H: 297}})
	if err := gp.AddTTFFontData(fontFamily, opt.Font); err != nil {
		t.Fatal(err)
	}
	if err := gp.SetFont(fontFamily, "", 10); err != nil {
		t.Fatal(err)
	}
	m := &pdfMeasurer{gp: gp, cache: map[runeSize]float64{}}
	l, _ := opt.layout()
	sh := sheetOf(l)
	var out [][]op
	for i := range cards {
		out = append(out, layoutCard(m, fc.metrics, sh.st, &cards[i].content, cards[i].code, sh.slots[i%len(sh.slots)]))
	}
	if m.err != nil {
		t.Fatal(m.err)
	}
	measure := func(s string, size float64) float64 {
		if err := gp.SetFontSize(size); err != nil {
			t.Fatal(err)
		}
		w, err := gp.MeasureTextWidth(s)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	return out, cards, fc, measure
}

// TestLayoutStaysInside lays out extreme cards with the PDF's own measurer and
// checks every text box: inside the card, clear of the QR code and its quiet
// zone, clear of every other text, and as wide as gopdf measures the whole
// line.
func TestLayoutStaysInside(t *testing.T) {
	t.Parallel()
	items := append(extremeItems(t), eightItems(t)...)
	for _, l := range Layouts {
		t.Run(string(l), func(t *testing.T) {
			opt := testOptions(t, l)
			laid, cards, fc, measure := layoutAll(t, items, opt)
			sh := sheetOf(l)
			for i, ops := range laid {
				checkOps(t, fmt.Sprintf("card %d", i), ops, sh.slots[i%len(sh.slots)], fc.metrics, measure)
			}
			// The PNG lays out with its own measurer: check it too.
			r := rect{0, 0, sh.slots[0].w, sh.slots[0].h}
			for i := range cards {
				ops := layoutCard(fc, fc.metrics, sh.st, &cards[i].content, cards[i].code, r)
				checkOps(t, fmt.Sprintf("png card %d", i), ops, r, fc.metrics, func(s string, size float64) float64 { return textWidth(fc, s, size) })
			}
		})
	}
}

func checkOps(t *testing.T, name string, ops []op, card rect, fm fontMetrics, measure func(string, float64) float64) {
	t.Helper()
	var texts []op
	var code, zone *op
	for i, o := range ops {
		switch {
		case o.kind == opText:
			texts = append(texts, o)
		case o.kind == opQR:
			code = &ops[i]
		case o.zone:
			zone = &ops[i]
		}
		if !card.contains(o.box(fm), 1e-6) {
			t.Errorf("%s: %v %q box %+v is outside the card %+v", name, o.kind, o.text, o.box(fm), card)
		}
	}
	var column rect // the QR code and its quiet zone, or the pending box
	switch {
	case code != nil && zone != nil:
		t.Fatalf("%s: both a QR code and a pending box", name)
	case code != nil:
		if code.w < 20 {
			t.Errorf("%s: QR code %.1f mm wide, want at least 20", name, code.w)
		}
		column = code.box(fm)
	case zone != nil:
		column = zone.box(fm)
	default:
		t.Fatalf("%s: neither a QR code nor a pending box", name)
	}
	for i, o := range texts {
		b := o.box(fm)
		if w := measure(o.text, o.size); w > o.w+1e-6 || w < o.w-1e-6 {
			t.Errorf("%s: %q: laid out %.3f mm wide, measured %.3f", name, o.text, o.w, w)
		}
		inner := rect{card.x + 1, card.y + 0.5, card.w - 2, card.h - 1}
		if !inner.contains(b, 1e-6) {
			t.Errorf("%s: %q box %+v is not clear of the card's edge %+v", name, o.text, b, card)
		}
		inZone := zone != nil && rect{column.x + 0.5, column.y + 0.5, column.w - 1, column.h - 1}.contains(b, 1e-6)
		if b.overlaps(column) && !inZone {
			t.Errorf("%s: %q box %+v overlaps the QR code (and its quiet zone) or pending box %+v", name, o.text, b, column)
		}
		for _, p := range texts[i+1:] {
			if b.overlaps(p.box(fm)) {
				t.Errorf("%s: %q %+v overlaps %q %+v", name, o.text, b, p.text, p.box(fm))
			}
		}
		if utf8.RuneCountInString(o.text) > 200 {
			t.Errorf("%s: a line of %d characters", name, utf8.RuneCountInString(o.text))
		}
	}
}

func (k opKind) String() string {
	return [...]string{"text", "fill", "stroke", "qr"}[k]
}
