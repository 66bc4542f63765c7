package assets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The characters the bundled font must draw (issue 12.7): the same set that
// tools/mkfont/merge.py builds the font for, gathered here independently.

// gb2312 returns the characters of GB 2312's rows 0xA1–0xA9 and 0xB0–0xF7,
// as Go's GBK decoder reads them.
func gb2312(t *testing.T) []rune {
	t.Helper()
	dec := simplifiedchinese.GBK.NewDecoder()
	var out []rune
	for hi := 0xA1; hi <= 0xF7; hi++ {
		if hi >= 0xAA && hi < 0xB0 {
			continue // user-defined rows
		}
		for lo := 0xA1; lo <= 0xFE; lo++ {
			s, err := dec.Bytes([]byte{byte(hi), byte(lo)})
			if err != nil {
				continue
			}
			for _, r := range string(s) {
				if r != '\uFFFD' && !(r >= 0xE000 && r <= 0xF8FF) {
					out = append(out, r)
				}
			}
		}
	}
	if len(out) < 7445 {
		t.Fatalf("GB 2312 decoded to %d characters, want at least 7445", len(out))
	}
	return out
}

// listed returns the characters of a list file of tools/mkfont: lines that are
// not comments, whitespace aside; in a tab-separated line, its second column.
func listed(t *testing.T, name string) []rune {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "tools", "mkfont", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []rune
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		if _, rest, ok := strings.Cut(line, "\t"); ok {
			line = rest
		}
		for _, r := range line {
			if !unicode.IsSpace(r) {
				out = append(out, r)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// fileRunes returns the characters of a file of the repository, gunzipped
// when its name ends in .gz.
func fileRunes(t *testing.T, path string) []rune {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return []rune(string(b))
}

// translationRunes returns the characters of the UI's translations.
func translationRunes(t *testing.T) []rune {
	t.Helper()
	var out []rune
	for _, name := range []string{"zh.json", "en.json", "fyne.zh.json", "fyne.en.json"} {
		b, err := Translations().ReadFile(TranslationsDir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, v := range m {
			out = append(out, []rune(fmt.Sprint(v))...)
		}
	}
	return out
}

// inked reports whether a character is drawn with ink: not a space, a
// control or a format character.
func inked(r rune) bool {
	return !unicode.In(r, unicode.Z, unicode.C) && !unicode.IsSpace(r)
}

// minContours is the number of contours a correct glyph has at least, where
// a wrong one has fewer: WenQuanYi's own ½ is "1/".
var minContours = map[rune]int{'½': 3, '¼': 4, '¾': 4}

// bothFonts are the embedded font's two files: the PDF writer's TrueType
// one and the window's CFF one.
var bothFonts = []struct {
	name string
	data func() []byte
}{
	{"TrueType (FontBytes)", FontBytes},
	{"CFF (Font)", func() []byte { return Font().Content() }},
}

func TestFontDrawsEveryRequiredCharacter(t *testing.T) {
	for _, ff := range bothFonts {
		t.Run(ff.name, func(t *testing.T) {
			f, err := sfnt.Parse(ff.data())
			if err != nil {
				t.Fatal(err)
			}
			drawsEveryRequiredCharacter(t, f)
		})
	}
}

func drawsEveryRequiredCharacter(t *testing.T, f *sfnt.Font) {
	var uro []rune
	for r := rune(0x4E00); r <= 0x9FA5; r++ {
		uro = append(uro, r)
	}
	var ascii []rune
	for r := rune(0x21); r < 0x7F; r++ {
		ascii = append(ascii, r)
	}
	sets := []struct {
		name  string
		runes []rune
	}{
		{"GB 2312", gb2312(t)},
		{"symbols (tools/mkfont/symbols.txt)", listed(t, "symbols.txt")},
		{"通用规范汉字表", listed(t, "tongyong-guifan-hanzi.txt")},
		{"CJK Unified Ideographs U+4E00–U+9FA5", uro},
		{"ASCII", ascii},
		{"region data", fileRunes(t, filepath.Join("..", "forms", "regions", "data", "regions.tsv.gz"))},
		{"field catalogue", fileRunes(t, filepath.Join("..", "forms", "data", "catalogue.json"))},
		{"translations", translationRunes(t)},
	}
	var buf sfnt.Buffer
	checked := map[rune]bool{}
	for _, set := range sets {
		var lost []string
		for _, r := range set.runes {
			if checked[r] || !inked(r) {
				continue
			}
			checked[r] = true
			if n := contours(t, f, &buf, r); n < max(minContours[r], 1) {
				lost = append(lost, fmt.Sprintf("%c U+%04X (%d contours)", r, r, n))
			}
		}
		if len(lost) > 0 {
			t.Errorf("%s: the bundled font draws nothing or too little for %d characters: %s", set.name, len(lost), strings.Join(lost, ", "))
		}
	}
	for _, r := range "℃½㙍𬭚堃犇淼" { // the test itself must see them
		if !checked[r] {
			t.Errorf("%c is in none of the sets", r)
		}
	}
	t.Logf("%d characters drawn", len(checked))
}

// contours returns how many contours that draw something the font's glyph
// for r has (outline), 0 when the font has no glyph for it.
func contours(t *testing.T, f *sfnt.Font, buf *sfnt.Buffer, r rune) int {
	x, err := f.GlyphIndex(buf, r)
	if err != nil {
		t.Fatalf("glyph index of %c: %v", r, err)
	}
	if x == 0 {
		return 0
	}
	s, err := outline(f, buf, x, fixed.I(64))
	if err != nil {
		t.Fatalf("glyph of %c: %v", r, err)
	}
	return s.contours
}

// TestWindowFontIsThePDFFont holds the window's CFF font to the TrueType
// one it is made from (tools/mkfont/tocff.py): every character maps to the
// same glyph, advances as far, and draws as many contours between the same
// points, to the unit (a quadratic curve's implied point may be a half unit,
// which CFF rounds).
func TestWindowFontIsThePDFFont(t *testing.T) {
	ttf, err := sfnt.Parse(FontBytes())
	if err != nil {
		t.Fatal(err)
	}
	cff, err := sfnt.Parse(Font().Content())
	if err != nil {
		t.Fatal(err)
	}
	if n, m := ttf.NumGlyphs(), cff.NumGlyphs(); n != m {
		t.Fatalf("%d glyphs in the TrueType font, %d in the CFF one", n, m)
	}
	upem := fixed.Int26_6(ttf.UnitsPerEm()) << 6 // so that outlines are in font units
	var tb, cb sfnt.Buffer
	var wrong []string
	checked := 0
	for r := rune(0x20); r <= 0x2FFFF && len(wrong) < 20; r++ {
		x, err := ttf.GlyphIndex(&tb, r)
		if err != nil || x == 0 {
			continue
		}
		checked++
		if y, err := cff.GlyphIndex(&cb, r); err != nil || y != x {
			wrong = append(wrong, fmt.Sprintf("%c U+%04X: glyph %d, %d in CFF (%v)", r, r, x, y, err))
			continue
		}
		ta, err1 := ttf.GlyphAdvance(&tb, x, upem, 0)
		ca, err2 := cff.GlyphAdvance(&cb, x, upem, 0)
		if err1 != nil || err2 != nil || ta != ca {
			wrong = append(wrong, fmt.Sprintf("%c U+%04X: advance %v, %v in CFF (%v, %v)", r, r, ta, ca, err1, err2))
			continue
		}
		ts, err1 := outline(ttf, &tb, x, upem)
		cs, err2 := outline(cff, &cb, x, upem)
		if err1 != nil || err2 != nil || ts.contours != cs.contours || !near(ts.min, cs.min) || !near(ts.max, cs.max) {
			wrong = append(wrong, fmt.Sprintf("%c U+%04X: %+v, %+v in CFF (%v, %v)", r, r, ts, cs, err1, err2))
		}
	}
	if len(wrong) > 0 {
		t.Errorf("the window's font draws differently from the PDF's:\n%s", strings.Join(wrong, "\n"))
	}
	if checked < 20000 {
		t.Errorf("compared %d characters; the font maps more", checked)
	}
}

// shape is what TestWindowFontIsThePDFFont compares of a glyph: its number
// of contours that draw something and the box of the points its segments end
// at (control points differ: a quadratic curve's become a cubic's). A contour
// of one point (笧 has one) draws nothing, and CFF drops it.
type shape struct {
	contours int
	min, max fixed.Point26_6
}

func outline(f *sfnt.Font, buf *sfnt.Buffer, x sfnt.GlyphIndex, ppem fixed.Int26_6) (shape, error) {
	segs, err := f.LoadGlyph(buf, x, ppem, nil)
	if err != nil {
		return shape{}, err
	}
	var (
		s     shape
		start fixed.Point26_6 // of the contour begun
		drawn bool            // whether it has a segment yet
	)
	add := func(p fixed.Point26_6) {
		if s.contours == 1 && !drawn {
			s.min, s.max = p, p
		}
		s.min.X, s.min.Y = min(s.min.X, p.X), min(s.min.Y, p.Y)
		s.max.X, s.max.Y = max(s.max.X, p.X), max(s.max.Y, p.Y)
	}
	for _, seg := range segs {
		if seg.Op == sfnt.SegmentOpMoveTo {
			start, drawn = seg.Args[0], false
			continue
		}
		if !drawn && seg.Op == sfnt.SegmentOpLineTo && seg.Args[0] == start {
			continue // a line back to where it began: nothing yet
		}
		if !drawn {
			s.contours++
			add(start)
			drawn = true
		}
		switch seg.Op {
		case sfnt.SegmentOpLineTo:
			add(seg.Args[0])
		case sfnt.SegmentOpQuadTo:
			add(seg.Args[1])
		case sfnt.SegmentOpCubeTo:
			add(seg.Args[2])
		}
	}
	return s, nil
}

// near reports whether two points are within a font unit of each other.
func near(a, b fixed.Point26_6) bool {
	d := func(u, v fixed.Int26_6) fixed.Int26_6 { return max(u-v, v-u) }
	return d(a.X, b.X) <= 1<<6 && d(a.Y, b.Y) <= 1<<6
}

func TestContoursSeesAnEmptyGlyph(t *testing.T) {
	// The ideographic space has a glyph that draws nothing, as WenQuanYi's
	// own ℃ did: contours must say 0 for it, and more for a real character.
	f, err := sfnt.Parse(FontBytes())
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	if x, _ := f.GlyphIndex(&buf, '\u3000'); x == 0 {
		t.Fatal("the font has no ideographic space")
	}
	if n := contours(t, f, &buf, '\u3000'); n != 0 {
		t.Errorf("the ideographic space has %d contours", n)
	}
	if n := contours(t, f, &buf, '国'); n < 2 {
		t.Errorf("国 has %d contours", n)
	}
}
