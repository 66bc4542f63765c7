package card

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/font/sfnt"

	"github.com/xunbang/xunbang/forms"
)

// decodeQR finds and decodes the one QR code in img.
func decodeQR(img image.Image) (gozxing.Result, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return gozxing.Result{}, err
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		res, err = zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	}
	if err != nil {
		return gozxing.Result{}, err
	}
	return *res, nil
}

// scan decodes the QR code of the card in slot on a page image: first by
// searching the whole card, as a phone does. gozxing's finder-pattern search
// misses about 1 % of symbols drawn at 2–4 pixels per module (symbols from
// ZXing's own encoder too; zbarimg reads them all). When it does, scan reads
// each module's colour at its centre in the page image, where the layout put
// the symbol, and decodes that grid: still a proof of what the printed code
// holds, error correction included.
func scan(t *testing.T, page image.Image, slot rect, ops []op, dpi float64) (gozxing.Result, error) {
	t.Helper()
	res, err := decodeQR(crop(page, pxRect(slot, dpi, 0)))
	if err == nil {
		return res, nil
	}
	for _, o := range ops {
		if o.kind != opQR {
			continue
		}
		t.Logf("searching the card for its QR code failed (%v); reading its modules in place", err)
		return readModules(page, o, dpi)
	}
	return gozxing.Result{}, err
}

// readModules decodes the QR symbol of op o from a page image by reading
// each module's colour at its centre, where the layout put the symbol.
func readModules(page image.Image, o op, dpi float64) (gozxing.Result, error) {
	n := o.code.Size()
	s, m := dpi/25.4, o.w/float64(n)
	const scale, quiet = 4, 4
	grid := image.NewGray(image.Rect(0, 0, (n+2*quiet)*scale, (n+2*quiet)*scale))
	for i := range grid.Pix {
		grid.Pix[i] = 0xff
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			r, g, b, _ := page.At(int((o.x+(float64(x)+0.5)*m)*s), int((o.y+(float64(y)+0.5)*m)*s)).RGBA()
			if (r+g+b)/3>>8 < 128 {
				for dy := 0; dy < scale; dy++ {
					for dx := 0; dx < scale; dx++ {
						grid.SetGray((x+quiet)*scale+dx, (y+quiet)*scale+dy, color.Gray{})
					}
				}
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(grid)
	if err != nil {
		return gozxing.Result{}, err
	}
	r, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		return gozxing.Result{}, err
	}
	return *r, nil
}

// pxRect converts a rectangle in mm to pixels at dpi, grown by grow pixels.
func pxRect(r rect, dpi float64, grow int) image.Rectangle {
	s := dpi / 25.4
	return image.Rect(int(math.Floor(r.x*s))-grow, int(math.Floor(r.y*s))-grow, int(math.Ceil(r.right()*s))+grow, int(math.Ceil(r.bottom()*s))+grow)
}

func crop(img image.Image, r image.Rectangle) image.Image {
	return img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(r.Intersect(img.Bounds()))
}

// TestSheetScans renders a sheet of cards in every layout, rasterises it with
// pdftoppm at 150 dpi, and decodes every card's QR code from the page image.
func TestSheetScans(t *testing.T) {
	t.Parallel()
	for _, l := range Layouts {
		t.Run(string(l), func(t *testing.T) {
			items := eightItems(t)
			if l != LayoutA4x8 {
				items = items[:4] // one A4 page of 4; four A6 pages
			}
			opt := testOptions(t, l)
			pdf, rep := renderPDF(t, items, opt)
			sh := sheetOf(l)
			wantPages := (len(items) + len(sh.slots) - 1) / len(sh.slots)
			if rep.Cards != len(items) || rep.Pages != wantPages || len(rep.Skipped) != 0 {
				t.Fatalf("report %+v; want %d cards on %d pages", rep, len(items), wantPages)
			}
			pages := rasterise(t, pdf, 150)
			laid, _, _, _ := layoutAll(t, items, opt)
			if len(pages) != wantPages {
				t.Fatalf("%d pages rasterised, want %d", len(pages), wantPages)
			}
			withQR := 0
			for i, it := range items {
				page := pages[i/len(sh.slots)]
				if want := QRContent(it, opt); want == "" {
					if res, err := decodeQR(crop(page, pxRect(sh.slots[i%len(sh.slots)], 150, 0))); err == nil {
						t.Errorf("card %d (%s): no address resolves, yet it has a QR code holding %q", i, it.Need.Title(), res.GetText())
					}
					continue
				}
				withQR++
				res, err := scan(t, page, sh.slots[i%len(sh.slots)], laid[i], 150)
				if err != nil {
					t.Errorf("card %d (%s): no QR code decoded: %v", i, it.Need.Title(), err)
					continue
				}
				if want := QRContent(it, opt); res.GetText() != want {
					t.Errorf("card %d: QR holds %q, want %q", i, res.GetText(), want)
				}
				if lvl := res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL]; lvl != "H" {
					t.Errorf("card %d: error correction level %v, want H", i, lvl)
				}
			}
			if withQR == 0 || withQR == len(items) && len(items) == 8 {
				t.Errorf("%d of %d cards have a QR code: the sheet should hold both kinds", withQR, len(items))
			}
			if rep.WithQR != withQR {
				t.Errorf("the report counts %d cards with a QR code, the sheet holds %d", rep.WithQR, withQR)
			}
		})
	}
}

// TestStaysInsideByRendering rasterises sheets of extreme cards and checks that
// no ink falls outside the card boxes, except the cut marks; and that the
// extreme cards still scan.
func TestStaysInsideByRendering(t *testing.T) {
	t.Parallel()
	items := extremeItems(t)
	for _, l := range []Layout{LayoutA4x8, LayoutA4x4} {
		t.Run(string(l), func(t *testing.T) {
			opt := testOptions(t, l)
			pdf, rep := renderPDF(t, items, opt)
			if rep.Cards != len(items) {
				t.Fatalf("%d cards of %d: %+v", rep.Cards, len(items), rep.Skipped)
			}
			for _, r := range []rune{'😀', '𠀀', '한'} {
				if !slices.Contains(rep.MissingGlyphs, r) {
					t.Errorf("MissingGlyphs %q lacks %q", rep.MissingGlyphs, r)
				}
			}
			const dpi = 150
			pages := rasterise(t, pdf, dpi)
			sh := sheetOf(l)
			var allowed []image.Rectangle
			for _, s := range sh.slots {
				allowed = append(allowed, pxRect(s, dpi, 1))
			}
			for _, m := range sh.marks {
				allowed = append(allowed, pxRect(rect{math.Min(m[0], m[2]), math.Min(m[1], m[3]), math.Abs(m[2] - m[0]), math.Abs(m[3] - m[1])}, dpi, 2))
			}
			for p, page := range pages {
				stray := 0
				var first image.Point
				gray, ok := page.(*image.Gray)
				if !ok {
					t.Fatalf("pdftoppm -gray gave a %T", page)
				}
				b := gray.Bounds()
				for y := b.Min.Y; y < b.Max.Y; y++ {
					row := gray.Pix[(y-b.Min.Y)*gray.Stride:]
				pixels:
					for x := b.Min.X; x < b.Max.X; x++ {
						if row[x-b.Min.X] >= 235 {
							continue
						}
						pt := image.Pt(x, y)
						for _, a := range allowed {
							if pt.In(a) {
								continue pixels
							}
						}
						if stray == 0 {
							first = pt
						}
						stray++
					}
				}
				if stray > 0 {
					t.Errorf("page %d: %d ink pixels outside the cards and cut marks, the first at %v", p+1, stray, first)
				}
			}
			laid, _, _, _ := layoutAll(t, items, opt)
			for i, it := range items {
				page := pages[i/len(sh.slots)]
				if QRContent(it, opt) == "" {
					continue
				}
				res, err := scan(t, page, sh.slots[i%len(sh.slots)], laid[i], dpi)
				if err != nil {
					t.Errorf("card %d: no QR code decoded: %v", i, err)
				} else if want := QRContent(it, opt); res.GetText() != want {
					t.Errorf("card %d: QR holds %q, want %q", i, res.GetText(), want)
				}
			}
		})
	}
}

// anonymousItem is a 匿名公开 need of an enterprise whose identity must not
// reach the paper.
func anonymousItem(t *testing.T, vis forms.Visibility) Item {
	return makeItem(t, needSpec{
		id: "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9", title: "高纯石英坩埚析晶控制", kind: "00",
		fields: []string{"40", "402"}, modes: []string{"02"}, budget: "300",
		problem:    "坩埚在 1500 ℃ 长时间使用后内壁析晶，影响单晶硅品质。",
		indicators: "析晶面积 ≤ 5%；使用寿命 ≥ 400 h。",
		vis:        vis, alias: "某光伏材料企业", confirm: true, url: "https://kjt.example.gov.cn/xq/detail?id=2025000999",
		region: "320583100", entName: "江苏鑫淼石英科技有限公司", credit: "91320583MA1XQZ7K3P",
		contact: [3]string{"王建国", "13812345678", "wjg@xinmiao-quartz.example.com"},
	})
}

// secrets are the enterprise's identifying and personal data, and a secret
// field of the need.
var secrets = []string{"江苏鑫淼石英科技有限公司", "鑫淼", "91320583MA1XQZ7K3P", "王建国", "13812345678", "wjg@xinmiao-quartz.example.com", "xinmiao", "现有基础保密内容"}

func TestRedactionAnonymous(t *testing.T) {
	t.Parallel()
	opt := testOptions(t, LayoutA4x8)
	items := []Item{anonymousItem(t, forms.VisibilityAnonymous), eightItems(t)[0]}
	pdf, _ := renderPDF(t, items, opt)
	text := pdfText(t, pdf)
	// The extraction works: the alias and title are there.
	for _, s := range []string{"某光伏材料企业", "高纯石英坩埚析晶控制", "析晶面积"} {
		if !strings.Contains(text, s) {
			t.Fatalf("pdftotext output lacks %q, so it proves nothing:\n%s", s, text)
		}
	}
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("the PDF's text contains %q", s)
		}
	}

	// The raw bytes, streams uncompressed: no secret as ASCII, as UTF-16, or
	// as the glyph ids gopdf writes text with.
	opt.uncompressed = true
	raw, _ := renderPDF(t, items, opt)
	gids := glyphHex(t, opt.Font)
	if !bytes.Contains(raw, []byte(gids("某光伏材料企业"))) {
		t.Fatalf("the alias's glyph ids %s are not in the raw PDF, so the check proves nothing", gids("某光伏材料企业"))
	}
	for _, s := range secrets {
		for _, enc := range [][]byte{[]byte(s), utf16BE(s), []byte(gids(s)), []byte(strings.ToLower(gids(s)))} {
			if bytes.Contains(raw, enc) {
				t.Errorf("the raw PDF contains %q encoded as %q", s, enc)
			}
		}
	}

	// The same need 实名公开 does show the name (the check can fail), and
	// still no contact, credit code or secret field.
	named, _ := renderPDF(t, []Item{anonymousItem(t, forms.VisibilityNamed)}, testOptions(t, LayoutA4x8))
	text = pdfText(t, named)
	if !strings.Contains(text, "江苏鑫淼石英科技有限公司") {
		t.Errorf("a 实名公开 card lacks the enterprise's name:\n%s", text)
	}
	for _, s := range []string{"91320583MA1XQZ7K3P", "王建国", "13812345678", "wjg@", "现有基础保密内容"} {
		if strings.Contains(text, s) {
			t.Errorf("a 实名公开 card shows %q", s)
		}
	}
}

// glyphHex returns a function encoding text as gopdf writes it in a content
// stream: each character's glyph id as 4 upper-case hex digits.
func glyphHex(t *testing.T, fontData []byte) func(string) string {
	f, err := sfnt.Parse(fontData)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	return func(s string) string {
		var b strings.Builder
		for _, r := range s {
			gi, err := f.GlyphIndex(&buf, r)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%04X", gi)
		}
		return b.String()
	}
}

func utf16BE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

func TestPrivateSkipped(t *testing.T) {
	t.Parallel()
	priv := anonymousItem(t, forms.VisibilityPrivate)
	items := []Item{priv, {}, eightItems(t)[1]}
	pdf, rep := renderPDF(t, items, testOptions(t, LayoutA4x8))
	if rep.Cards != 1 || len(rep.Skipped) != 2 {
		t.Fatalf("report %+v; want 1 card and 2 skipped", rep)
	}
	if s := rep.Skipped[0]; s.ID != priv.Need.ID || s.Code != SkipPrivate || s.Reason == "" || s.Title != "高纯石英坩埚析晶控制" {
		t.Errorf("skip %+v", s)
	}
	if rep.Skipped[1].Code != SkipNoNeed {
		t.Errorf("skip %+v", rep.Skipped[1])
	}
	text := pdfText(t, pdf)
	if strings.Contains(text, "高纯石英坩埚") || strings.Contains(text, "鑫淼") {
		t.Error("the 不公开 need is in the PDF")
	}

	var buf bytes.Buffer
	rep, err := Render(context.Background(), &buf, []Item{priv}, testOptions(t, LayoutA4x8))
	if !errors.Is(err, ErrNoCards) || buf.Len() != 0 || len(rep.Skipped) != 1 {
		t.Errorf("only a private need: err %v, %d bytes, %+v", err, buf.Len(), rep)
	}
}

// TestQRContent: a card's QR code holds an address that resolves — the
// platform's public URL, else the hub's page for a publishable need — or
// there is none.
func TestQRContent(t *testing.T) {
	const public = "https://kjt.example.gov.cn/xq/detail?id=2025000999"
	hub := Options{HubPublicURL: testHub + "/"}
	it := anonymousItem(t, forms.VisibilityAnonymous) // published, confirmation current
	for _, opt := range []Options{{}, hub} {
		if got := QRContent(it, opt); got != public {
			t.Errorf("published and confirmed (hub %q): %q, want the public URL", opt.HubPublicURL, got)
		}
	}
	hash := forms.Default().ContentHash(it.Need, it.Enterprise)

	// Edited after confirmation: the confirmation is stale, so no address
	// may be printed: neither the public URL nor the hub's page.
	it.Need.Values.Set("budget_wan", "350")
	for _, opt := range []Options{{}, hub} {
		if got := QRContent(it, opt); got != "" {
			t.Errorf("stale confirmation (hub %q): %q, want no QR code", opt.HubPublicURL, got)
		}
	}
	newHash := forms.Default().ContentHash(it.Need, it.Enterprise)
	if got, want := CheckNumber(it, Options{}), ShortID(it.Need.ID)+"-"+strings.ToUpper(newHash[:8]); got != want {
		t.Errorf("check number %q, want %q", got, want)
	}
	if newHash[:8] == hash[:8] {
		t.Error("the content hash did not change with the content")
	}

	// Published without a usable platform URL (by the team's hub, or a
	// platform value that is not a usable URL): the hub's page when a hub
	// is configured, else nothing. Confirmed but not yet published: nothing
	// either way — the hub's page would answer 404 until its verdict.
	for _, u := range []string{"", "javascript:alert(1)", "kjt.example.gov.cn/x", "https://", "https://kjzy.jstd.gov.cn.invalid/need/1", "http://xunbang.INVALID./n/1"} {
		it := anonymousItem(t, forms.VisibilityNamed)
		it.Need.Platform.URL, it.Need.Status = u, forms.StatusPublished
		if got := QRContent(it, Options{}); got != "" {
			t.Errorf("platform URL %q, no hub: QR %q, want none", u, got)
		}
		// Published by the hub (no address of another platform): its page.
		// Published with an address that does not resolve: not by the hub,
		// which knows nothing of it.
		want := ""
		if u == "" {
			want = testHub + "/n/" + it.Need.ID
		}
		if got := QRContent(it, hub); got != want {
			t.Errorf("platform URL %q, hub: QR %q, want %q", u, got, want)
		}
		it.Need.Status = forms.StatusConfirmed
		if got := QRContent(it, hub); got != "" {
			t.Errorf("platform URL %q, confirmed, not published, hub: QR %q, want none", u, got)
		}
	}
	// Returned (退回) or closed after publication: the address it had leads
	// to a page that says it is gone, so the card prints none.
	for _, st := range []forms.Status{forms.StatusToComplete, forms.StatusClosed} {
		it := anonymousItem(t, forms.VisibilityNamed)
		it.Need.Status = st
		if got := QRContent(it, hub); got != "" {
			t.Errorf("%s after publication: QR %q, want none", st, got)
		}
	}
	// Never confirmed: nothing, hub or not.
	raw := makeItem(t, needSpec{id: "a1b2c3d4-0000-4000-8000-000000000001", title: "未确认", vis: forms.VisibilityNamed})
	if got := QRContent(raw, hub); got != "" {
		t.Errorf("unconfirmed: %q, want none", got)
	}
	// 不公开, even confirmed and with a URL: nothing.
	if got := QRContent(anonymousItem(t, forms.VisibilityPrivate), hub); got != "" {
		t.Errorf("不公开: %q, want none", got)
	}
	if QRContent(Item{}, hub) != "" || CheckNumber(Item{}, hub) != "" {
		t.Error("no need: want no content")
	}
}

// TestNoQRCardSaysWhere: a card whose need no address resolves to yet has
// no QR code; it says where the need will be published and prints its check
// number, which the PDF's text carries.
func TestNoQRCardSaysWhere(t *testing.T) {
	t.Parallel()
	items := eightItems(t)
	opt := Options{Font: testFont(t), Platform: "江苏省科技资源统筹服务云平台"} // no hub
	pdf, _ := renderPDF(t, items, opt)
	text := strings.ReplaceAll(pdfText(t, pdf), "\n", "")
	flat := strings.Join(strings.Fields(text), "")
	none := 0
	for _, it := range items {
		if QRContent(it, opt) != "" {
			continue
		}
		none++
		for _, s := range []string{CheckNumber(it, opt), "将发布于江苏省科技资源统筹服务云平台"} {
			if !strings.Contains(flat, strings.ReplaceAll(s, " ", "")) {
				t.Errorf("card %s lacks %q:\n%s", it.Need.Title(), s, text)
			}
		}
	}
	if none < 4 {
		t.Fatalf("only %d cards without a QR code: the test proves little", none)
	}
	if strings.Contains(string(pdf), "xunbang.invalid") || strings.Contains(text, "xunbang.invalid") {
		t.Error("a card points to xunbang.invalid")
	}
	// Without a platform name: 线上平台.
	opt.Platform = ""
	it := items[3] // published, but not confirmed: no QR
	pdf, _ = renderPDF(t, []Item{it}, opt)
	if flat := strings.Join(strings.Fields(pdfText(t, pdf)), ""); !strings.Contains(flat, "将发布于线上平台") {
		t.Errorf("no platform named: %s", flat)
	}
}

func TestSizeAndFontEmbedding(t *testing.T) {
	t.Parallel()
	pdf, _ := renderPDF(t, eightItems(t), testOptions(t, LayoutA4x8))
	// The font file is 3 MB; a subset for 8 cards is a small part of it.
	if len(pdf) > 300<<10 {
		t.Errorf("a sheet of 8 cards is %d KB; the font is not subset", len(pdf)>>10)
	}
	t.Logf("8 cards: %d bytes", len(pdf))
	tool := needTool(t, "pdffonts")
	in := filepath.Join(t.TempDir(), "cards.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, in).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one font:\n%s", out)
	}
	f := strings.Fields(lines[2])
	// name, type (2 words), encoding, emb, sub, uni, object id, generation
	if len(f) < 8 || f[len(f)-5] != "yes" || f[len(f)-3] != "yes" {
		t.Errorf("font not embedded with a Unicode map:\n%s", out)
	}
	// pdffonts knows a subset by the ABCDEF+ tag of its name.
	if len(f) < 8 || f[len(f)-4] != "yes" || !regexp.MustCompile(`^[A-Z]{6}\+`).MatchString(f[0]) {
		t.Errorf("font not named as a subset:\n%s", out)
	}
}

func TestPNG(t *testing.T) {
	t.Parallel()
	for _, l := range []Layout{LayoutA4x8, LayoutA6} {
		t.Run(string(l), func(t *testing.T) {
			items, dpi := eightItems(t), 200.0 // a hub page's QR code has modules of 0.45 mm: 3.5 px
			if l == LayoutA6 {
				items, dpi = items[2:5], 100 // larger modules
			}
			opt := testOptions(t, l)
			opt.DPI = dpi
			dir := filepath.Join(t.TempDir(), "out")
			rep, err := RenderPNG(context.Background(), dir, items, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Files) != len(items) || rep.Cards != len(items) {
				t.Fatalf("report %+v", rep)
			}
			card := sheetOf(l).slots[0]
			withQR := 0
			for _, it := range items {
				if QRContent(it, opt) != "" {
					withQR++
				}
			}
			if rep.WithQR != withQR || withQR == 0 {
				t.Errorf("the report counts %d cards with a QR code, want %d", rep.WithQR, withQR)
			}
			for i, f := range rep.Files {
				if want := filepath.Join(dir, ShortID(items[i].Need.ID)+".png"); f != want {
					t.Errorf("file %s, want %s", f, want)
				}
				img := readPNG(t, f)
				if got, want := img.Bounds().Dx(), int(math.Round(card.w*dpi/25.4)); got != want {
					t.Errorf("%s: %d px wide, want %d", f, got, want)
				}
				res, err := decodeQR(img)
				if QRContent(items[i], opt) == "" {
					if err == nil {
						t.Errorf("%s: no address resolves, yet it has a QR code holding %q", f, res.GetText())
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", f, err)
				} else if want := QRContent(items[i], opt); res.GetText() != want {
					t.Errorf("%s: QR holds %q, want %q", f, res.GetText(), want)
				}
			}
		})
	}
}

func TestOptionsErrors(t *testing.T) {
	var buf bytes.Buffer
	items := eightItems(t)[:1]
	if _, err := Render(context.Background(), &buf, items, Options{}); !errors.Is(err, ErrNoFont) {
		t.Errorf("no font: %v", err)
	}
	if _, err := Render(context.Background(), &buf, items, Options{Font: []byte("not a font")}); err == nil {
		t.Error("a bad font was accepted")
	}
	if _, err := Render(context.Background(), &buf, items, Options{Font: testFont(t), Layout: "a3"}); err == nil {
		t.Error("layout a3 was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Render(ctx, &buf, items, testOptions(t, "")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written by failed renders", buf.Len())
	}
	for in, want := range map[string]Layout{"": LayoutA4x8, "A4-4": LayoutA4x4, " a6 ": LayoutA6} {
		if got, err := ParseLayout(in); err != nil || got != want {
			t.Errorf("ParseLayout(%q) = %q, %v", in, got, err)
		}
	}
	if ShortID("6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab") != "6F1C2D3E" || ShortID("a-b") != "AB" {
		t.Error("ShortID")
	}
}
