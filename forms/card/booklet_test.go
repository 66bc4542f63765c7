package card

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signintech/gopdf"

	"github.com/xunbang/xunbang/forms"
)

var testEvent = Event{
	Name:      "2026“科技镇长团杯”苏州国际创新挑战赛",
	Organiser: "苏州市科学技术局",
	Deadline:  "2026年9月15日",
	Submit:    "方式一：登录线上云平台在线提交解决方案。\n方式二：将《技术需求解决方案表》发送至组委会邮箱 sclhzjl@kj.suzhou.gov.cn。",
	Platform:  "江苏省科技资源统筹服务云平台",
}

func bookletOptions(tb testing.TB) BookletOptions {
	return BookletOptions{
		Font: testFont(tb), Event: testEvent, HubPublicURL: testHub,
		Now: func() time.Time { return fixedTime },
	}
}

// longItem is a confirmed need with every long text at its catalogue
// maximum: a block that does not fit a page at full size.
func longItem(tb testing.TB, id string) Item {
	cat := forms.Default()
	it := makeItem(tb, needSpec{
		id: id, title: strings.Repeat("超长需求名称", 10), kind: "00", fields: []string{"0101"}, modes: []string{"01", "02", "03"},
		budget: "1000", vis: forms.VisibilityNamed, region: "320583100", entName: "昆山市超长文本测试有限公司",
		credit: "91320583MA1W2X3Y4Q", contact: [3]string{"李明", "13912345678", "liming@example.com"},
	})
	text := func(id string) string {
		return string([]rune(strings.Repeat("高精度谐波减速器柔轮疲劳寿命提升关键技术研究，", 60))[:cat.MustField(id).MaxLen])
	}
	for _, f := range []string{"problem", "key_technology", "indicators", "expected_goal"} {
		it.Need.Values.Set(f, text(f))
	}
	it.Need.Values.SetList("keywords", []string{"谐波减速器", "柔轮", "疲劳寿命", "热处理", "材料"})
	if err := cat.Confirm(it.Need, it.Enterprise, forms.Confirmation{At: fixedTime}); err != nil {
		tb.Fatal(err)
	}
	return it
}

// bookletItems are needs of every kind: many random ones, two at the
// maximum length, a 不公开 one and an unconfirmed one that must stay out.
func bookletItems(tb testing.TB) (items []Item, private, unconfirmed Item) {
	items = randomItems(tb, 48, 7)
	items = append(items, longItem(tb, "10000000-0000-4000-8000-000000000001"), longItem(tb, "10000000-0000-4000-8000-000000000002"))
	private = makeItem(tb, needSpec{
		id: "20000000-0000-4000-8000-000000000001", title: "绝密不公开的钛合金叶片需求", kind: "00", fields: []string{"0301"},
		modes: []string{"01"}, vis: forms.VisibilityPrivate, confirm: true, region: "320509102", entName: "吴江区保密企业有限公司",
		problem: "保密的问题描述文字。",
	})
	unconfirmed = makeItem(tb, needSpec{
		id: "20000000-0000-4000-8000-000000000002", title: "尚未确认的陶瓷基板需求", kind: "00", fields: []string{"0401"},
		modes: []string{"01"}, vis: forms.VisibilityNamed, region: "320583100", entName: "未确认企业有限公司",
		problem: "尚未确认的问题描述文字。",
	})
	return append(items, private, unconfirmed), private, unconfirmed
}

// renderBooklet renders and returns the PDF, the report and the layout.
func renderBooklet(tb testing.TB, items []Item, opt BookletOptions) ([]byte, BookletReport, *booklet) {
	tb.Helper()
	var bk *booklet
	opt.laid = func(b *booklet) { bk = b }
	var buf bytes.Buffer
	rep, err := RenderBooklet(context.Background(), &buf, items, opt)
	if err != nil {
		tb.Fatalf("RenderBooklet: %v", err)
	}
	if rep.Bytes != int64(buf.Len()) || bk == nil {
		tb.Fatalf("report says %d bytes, wrote %d; layout %v", rep.Bytes, buf.Len(), bk != nil)
	}
	return buf.Bytes(), rep, bk
}

// pageTexts extracts each page's text with pdftotext.
func pageTexts(tb testing.TB, pdf []byte) []string {
	tb.Helper()
	pages := strings.Split(pdfText(tb, pdf), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

func flat(s string) string { return strings.Join(strings.Fields(s), "") }

// TestBooklet renders a booklet of 50 needs and checks it from the outside:
// pdftoppm's pages and pdftotext's text against the layout. No need block
// crosses a page (its frame is whole on one page, and its first and last
// lines are on that page's text), every QR code decodes to what it should
// hold, the contents' page numbers are right, every body page has its
// running header and number, and nothing of a 不公开 or unconfirmed need is
// there.
func TestBooklet(t *testing.T) {
	t.Parallel()
	items, private, unconfirmed := bookletItems(t)
	opt := bookletOptions(t)
	pdf, rep, bk := renderBooklet(t, items, opt)
	cardOpt := opt.cardOptions()
	byID := map[string]Item{}
	want := 0
	for _, it := range items {
		byID[it.Need.ID] = it
		if p, ok := forms.Default().Publish(it.Need, it.Enterprise); ok && p.Confirmed {
			want++
		}
	}
	if rep.Needs != want || rep.Private != 1 || rep.Unconfirmed != len(items)-want-1 || len(bk.blocks) != want {
		t.Fatalf("report %+v, %d blocks; want %d needs", rep, len(bk.blocks), want)
	}
	if len(rep.MissingGlyphs) != 0 {
		t.Errorf("characters the font lacks: %q", rep.MissingGlyphs)
	}

	const dpi = 150 // modules of 0.5 mm: 3 px
	pages := rasterise(t, pdf, dpi)
	texts := pageTexts(t, pdf)
	if len(pages) != rep.Pages || len(texts) != rep.Pages || len(bk.pages) != rep.Pages {
		t.Fatalf("%d pages rasterised, %d of text, %d laid out; report %d", len(pages), len(texts), len(bk.pages), rep.Pages)
	}
	t.Logf("%d needs on %d pages, %d bytes", rep.Needs, rep.Pages, len(pdf))

	px := func(mm float64) int { return int(mm * dpi / 25.4) }
	inked := func(img image.Image, x, y int) bool { // dark within a pixel of (x, y)
		for dy := -1; dy <= 1; dy++ {
			if c, _, _, _ := img.At(x, y+dy).RGBA(); c>>8 < 235 {
				return true
			}
		}
		return false
	}
	qrs, withQR := 0, 0
	for _, b := range bk.blocks {
		name := fmt.Sprintf("need %d (%s)", b.seq, ShortID(b.id))
		it := byID[b.id]
		if b.r.y < bkTop-1e-6 || b.r.bottom() > bkBottom+1e-6 {
			t.Errorf("%s: block %+v leaves the page's body", name, b.r)
		}
		page, text := pages[b.page], flat(texts[b.page])
		// The frame is whole on its page: band at the top, border at the
		// bottom, both sides.
		for _, x := range []float64{b.r.x + 5, b.r.x + b.r.w/2, b.r.right() - 5} {
			if !inked(page, px(x), px(b.r.y+1)) || !inked(page, px(x), px(b.r.bottom()-0.12)) {
				t.Errorf("%s: the frame's top or bottom edge is not on page %d at x %.0f mm", name, b.page+1, x)
			}
		}
		for _, s := range []string{"编号" + ShortID(b.id), CheckNumber(it, cardOpt)} {
			if !strings.Contains(text, s) {
				t.Errorf("%s: %q is not on page %d, where its block is", name, s, b.page+1)
			}
		}
		// With a hub, an included need has a QR code when it is published:
		// to its platform page, or to the hub's once the hub published it.
		wantQR := QRContent(it, cardOpt)
		published := it.Need.Status.Published()
		switch {
		case (wantQR != "") != (b.qr >= 0):
			t.Errorf("%s: QR op %d, content %q", name, b.qr, wantQR)
			continue
		case wantQR == "" && published, strings.HasPrefix(wantQR, testHub) && !published:
			t.Errorf("%s (%s): QR %q: the hub's page only, and always, for a need the hub published", name, it.Need.Status, wantQR)
			continue
		case wantQR == "":
			continue
		}
		withQR++
		o := bk.pages[b.page].ops[b.qr]
		res, err := decodeQR(crop(page, pxRect(o.box(fontMetrics{}), dpi, 2)))
		if err != nil {
			res, err = readModules(page, o, dpi)
		}
		if err != nil {
			t.Errorf("%s: QR code not decoded: %v", name, err)
			continue
		}
		if res.GetText() != wantQR {
			t.Errorf("%s: QR holds %q, want %q", name, res.GetText(), wantQR)
		}
		qrs++
	}
	if qrs != withQR || withQR == 0 {
		t.Errorf("%d QR codes decoded of %d (%d needs included)", qrs, withQR, want)
	}

	// The cover: the campaign, and the hub's QR code.
	cover := flat(texts[0])
	for _, s := range []string{flat(testEvent.Name), "技术需求汇编", testEvent.Organiser, testEvent.Deadline, "sclhzjl@kj.suzhou.gov.cn", testEvent.Platform} {
		if !strings.Contains(cover, s) {
			t.Errorf("the cover lacks %q:\n%s", s, texts[0])
		}
	}
	if bk.coverQR < 0 {
		t.Error("the cover has no QR code to the hub")
	} else {
		o := bk.pages[0].ops[bk.coverQR]
		res, err := decodeQR(crop(pages[0], pxRect(o.box(fontMetrics{}), dpi, 2)))
		if err != nil || res.GetText() != testHub {
			t.Errorf("the cover's QR code: %q, %v; want %q", res.GetText(), err, testHub)
		}
	}

	// The contents: each entry's page number is where it is.
	blockPage := map[int]int{}
	for _, b := range bk.blocks {
		blockPage[b.seq] = b.page + 1
	}
	tocText := ""
	for i, p := range bk.pages {
		if p.kind == pageContents {
			tocText += flat(texts[i])
		}
	}
	for _, e := range bk.contents {
		if e.page < 2 || e.page > rep.Pages {
			t.Errorf("contents entry %q on page %d of %d", e.text, e.page, rep.Pages)
			continue
		}
		if !strings.Contains(tocText, strconv.Itoa(e.page)) {
			t.Errorf("the contents do not print page %d", e.page)
		}
		text := flat(texts[e.page-1])
		switch {
		case e.level == 1:
			seq, _ := strconv.Atoi(strings.SplitN(e.text, ".", 2)[0])
			if blockPage[seq] != e.page {
				t.Errorf("contents: need %d on page %d, its block on page %d", seq, e.page, blockPage[seq])
			}
		case strings.HasPrefix(e.text, "附件"):
			for _, s := range []string{"技术需求解决方案表", "方案提供方", "单位名称", "地区", "联系人", "联系方式", "E-mail", "职务", "拟解决的", "需求名称", "解决方案", "简要介绍"} {
				if !strings.Contains(text, s) {
					t.Errorf("the appendix on page %d lacks %q", e.page, s)
				}
			}
		default:
			group := strings.SplitN(e.text, "（", 2)[0]
			if !strings.Contains(text, group) {
				t.Errorf("contents: group %q is not on page %d", group, e.page)
			}
		}
	}

	// Running headers and page numbers on every page but the cover.
	for i := 1; i < len(texts); i++ {
		text := flat(texts[i])
		if !strings.Contains(text, fmt.Sprintf("—%d—", i+1)) || !strings.Contains(text, "技术需求汇编") || !strings.Contains(text, flat(bk.pages[i].section)) {
			t.Errorf("page %d lacks its header (%q) or number:\n%s", i+1, bk.pages[i].section, texts[i])
		}
	}

	// Nothing of the needs left out; an anonymous need's county at most.
	all := flat(strings.Join(texts, ""))
	for _, s := range []string{private.Need.Title(), "吴江区保密企业", "保密的问题", unconfirmed.Need.Title(), "未确认企业", "尚未确认的问题", "现有基础保密内容", "□"} {
		if strings.Contains(all, s) {
			t.Errorf("the booklet shows %q", s)
		}
	}
	anon := 0
	for _, it := range items {
		if p, ok := forms.Default().Publish(it.Need, it.Enterprise); ok && p.Confirmed && p.Visibility == forms.VisibilityAnonymous {
			anon++
			if strings.Contains(all, it.Enterprise.Name()) {
				t.Errorf("the anonymous need %s shows its enterprise %q", it.Need.ID, it.Enterprise.Name())
			}
		}
	}
	if anon == 0 || !strings.Contains(all, "某") {
		t.Error("no anonymous need in the booklet: the check proves nothing")
	}

	checkFontSubset(t, pdf)
}

// TestBookletBlocksFit lays out every block (the longest included) with
// gopdf's measurer: each fits a page, its texts inside it and clear of its
// QR code, and a block at the maximum length is set smaller, not split.
func TestBookletBlocksFit(t *testing.T) {
	t.Parallel()
	items, _, _ := bookletItems(t)
	opt := bookletOptions(t)
	fc, err := parseFont(opt.Font)
	if err != nil {
		t.Fatal(err)
	}
	var rep BookletReport
	needs, err := prepareBooklet(context.Background(), items, &opt, fc, &rep)
	if err != nil {
		t.Fatal(err)
	}
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{Unit: gopdf.UnitMM, PageSize: gopdf.Rect{W: bkPageW, H: bkPageH}})
	if err := gp.AddTTFFontData(fontFamily, opt.Font); err != nil {
		t.Fatal(err)
	}
	if err := gp.SetFont(fontFamily, "", 10); err != nil {
		t.Fatal(err)
	}
	m := &pdfMeasurer{gp: gp, cache: map[runeSize]float64{}}
	bl := &bookLayout{m: m, fm: fc.metrics, opt: &opt}
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
	room := bkBottom - bkTop - bkGroupHead
	shrunk := 0
	for _, b := range needs {
		ops, h := bl.fitBlock(b, room)
		if h > room {
			t.Errorf("need %d: block %.1f mm high, the page has %.1f", b.seq, h, room)
		}
		checkOps(t, fmt.Sprintf("need %d", b.seq), ops, rect{bkLeft, 0, bkRight - bkLeft, h}, fc.metrics, measure)
		if ops[0].kind != opFill || ops[0].h > bookStyle.band*1.001 {
			t.Fatalf("need %d: the first op is not the band: %+v", b.seq, ops[0])
		}
		if ops[0].h < bookStyle.band*0.99 { // set smaller
			shrunk++
		}
	}
	if shrunk < 2 {
		t.Errorf("%d blocks set smaller: the two at maximum length should be", shrunk)
	}
}

// TestBookletWithoutHub: with no hub, a need the platform published has its
// public URL as QR code; the others say where they will be published.
func TestBookletWithoutHub(t *testing.T) {
	t.Parallel()
	items, _, _ := bookletItems(t)
	opt := bookletOptions(t)
	opt.HubPublicURL = ""
	pdf, rep, bk := renderBooklet(t, items, opt)
	if bk.coverQR >= 0 {
		t.Error("a cover QR code with no hub")
	}
	texts := pageTexts(t, pdf)
	withQR, without := 0, 0
	for _, b := range bk.blocks {
		var it Item
		for _, x := range items {
			if x.Need.ID == b.id {
				it = x
			}
		}
		switch QRContent(it, opt.cardOptions()) {
		case "":
			without++
			if b.qr >= 0 {
				t.Errorf("need %d has a QR code though no address resolves", b.seq)
			}
			if !strings.Contains(flat(texts[b.page]), "将发布于"+testEvent.Platform) {
				t.Errorf("need %d does not say where it will be published", b.seq)
			}
		default:
			withQR++
			if b.qr < 0 {
				t.Errorf("need %d has no QR code though published", b.seq)
			}
		}
	}
	if withQR == 0 || without == 0 || withQR+without != rep.Needs {
		t.Errorf("%d with a QR code, %d without, of %d", withQR, without, rep.Needs)
	}
}

// TestBookletEmpty: with nothing to include the booklet still has its
// cover, contents and appendix; no font is an error.
func TestBookletEmpty(t *testing.T) {
	_, _, unconfirmed := bookletItems(t)
	pdf, rep, bk := renderBooklet(t, []Item{unconfirmed, {}}, bookletOptions(t))
	if rep.Needs != 0 || rep.Pages != 3 || len(bk.blocks) != 0 || rep.Unconfirmed != 1 {
		t.Errorf("report %+v", rep)
	}
	if text := flat(pdfText(t, pdf)); !strings.Contains(text, "共收录技术需求0项") || !strings.Contains(text, "技术需求解决方案表") {
		t.Errorf("text %s", text)
	}
	if _, err := RenderBooklet(context.Background(), &bytes.Buffer{}, nil, BookletOptions{}); !errors.Is(err, ErrNoFont) {
		t.Errorf("no font: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	items, _, _ := bookletItems(t)
	if _, err := RenderBooklet(ctx, &bytes.Buffer{}, items, bookletOptions(t)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestBookletMissingGlyphs: characters the font cannot draw are reported
// and drawn as □, never left blank.
func TestBookletMissingGlyphs(t *testing.T) {
	t.Parallel()
	it := makeItem(t, needSpec{
		id: "30000000-0000-4000-8000-000000000001", title: "缺字😀测试", kind: "00", fields: []string{"0101"},
		modes: []string{"01"}, vis: forms.VisibilityNamed, confirm: true, region: "320583100", entName: "测试企业",
		problem: "温度控制在 25 ℃ 以内。",
	})
	opt := bookletOptions(t)
	opt.Event.Name = "挑战赛𠀀"
	pdf, rep, _ := renderBooklet(t, []Item{it}, opt)
	if len(rep.MissingGlyphs) != 2 || rep.MissingGlyphs[0] != '𠀀' && rep.MissingGlyphs[1] != '𠀀' {
		t.Errorf("missing %q, want 😀 and 𠀀", rep.MissingGlyphs)
	}
	text := flat(pdfText(t, pdf))
	if !strings.Contains(text, "缺字□测试") || !strings.Contains(text, "25℃") || !strings.Contains(text, "挑战赛□") { // the font draws ℃ (issue 12.7)
		t.Errorf("text %s", text)
	}
}

// checkFontSubset runs pdffonts: one font, embedded, as a subset, with a
// Unicode map.
func checkFontSubset(t *testing.T, pdf []byte) {
	t.Helper()
	in := filepath.Join(t.TempDir(), "b.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(needTool(t, "pdffonts"), in).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one font:\n%s", out)
	}
	f := strings.Fields(lines[2])
	if len(f) < 8 || f[len(f)-5] != "yes" || f[len(f)-4] != "yes" || f[len(f)-3] != "yes" || !regexp.MustCompile(`^[A-Z]{6}\+`).MatchString(f[0]) {
		t.Errorf("font not embedded as a subset with a Unicode map:\n%s", out)
	}
}

// A confirmed anonymous need whose text names its enterprise (confirmed
// before the check existed) stays out of the booklet, counted apart.
func TestBookletLeavesOutAnAnonymousNeedThatNamesItsEnterprise(t *testing.T) {
	it := makeItem(t, needSpec{id: "30000000-0000-4000-8000-000000000001", title: "伺服编码器国产化", kind: "00", fields: []string{"0301"},
		modes: []string{"01"}, vis: forms.VisibilityAnonymous, alias: "苏州市某装备制造企业", confirm: true, region: "320583",
		entName: "苏州昆仑精密机械有限公司", problem: "进口编码器价格高。"})
	// The text edited to name the enterprise, the confirmation kept current
	// as one made before the check would be.
	cat := forms.Default()
	it.Need.Values.Set("problem", "昆仑 精密机械的进口编码器价格高。")
	content := cat.CanonicalContent(it.Need, it.Enterprise)
	it.Need.Confirmation.Content, it.Need.Confirmation.ContentHash = content, forms.HashContent(content)
	items, _, _ := bookletItems(t)
	_, rep, _ := renderBooklet(t, append(items, it), bookletOptions(t))
	if rep.NamesEnterprise != 1 {
		t.Errorf("report %+v", rep)
	}
}

// An anonymous need whose alias or text names a county or town finer than
// the region printed gets no card and stays out of the booklet: the card
// would name what its region withholds (as the hub would not publish it).
// The region printed is the county, or coarser where the platform said it
// shows the need so (forms.ShownRegion).
func TestNoCardForAnAnonymousNeedThatNamesAFinerPlace(t *testing.T) {
	for _, c := range []struct {
		name, alias, shown string // shown: the platform's region, "-" for none told
		skip               string
	}{
		{"town named, county printed", "玉山镇某精密机械企业", "-", "玉山镇"},
		{"county named, county printed", "昆山市某精密机械企业", "-", ""},
		{"county named, city printed", "昆山市某精密机械企业", "320500", "昆山市"},
		{"city named, city printed", "苏州市某精密机械企业", "320500", ""},
		{"county named, nothing printed", "昆山某精密机械企业", "", "昆山市"},
		{"city named, nothing printed", "苏州市某精密机械企业", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			it := makeItem(t, needSpec{id: "30000000-0000-4000-8000-000000000002", title: "伺服编码器国产化", kind: "00", fields: []string{"0301"},
				modes: []string{"01"}, vis: forms.VisibilityAnonymous, alias: c.alias, confirm: true, region: "320583100",
				entName: "苏州昆仑精密机械有限公司", problem: "进口编码器价格高。"})
			if c.shown != "-" {
				it.Need.Platform = forms.Platform{State: "已发布", RegionShown: true, Region: c.shown}
			}
			_, skip := contentOf(it, &Options{})
			switch {
			case c.skip == "" && skip != nil:
				t.Errorf("skipped: %+v", skip)
			case c.skip != "" && (skip == nil || skip.Code != SkipNamesPlace || !strings.Contains(skip.Reason, c.skip)):
				t.Errorf("skip %+v, want one naming %s", skip, c.skip)
			}
			_, rep, _ := renderBooklet(t, []Item{it}, bookletOptions(t))
			if want := map[bool]int{true: 1, false: 0}[c.skip != ""]; rep.NamesEnterprise != want || rep.Needs != 1-want {
				t.Errorf("booklet report %+v, want %d left out", rep, want)
			}
		})
	}
}
