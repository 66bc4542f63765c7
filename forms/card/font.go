package card

import (
	"fmt"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// face is the parsed font: its metrics, and advance widths for the PNG
// renderer (the PDF measures through gopdf; both read the same hmtx table).
type face struct {
	f       *sfnt.Font
	upem    float64
	metrics fontMetrics
	buf     sfnt.Buffer
	adv     map[rune]float64 // advance in em; -1 for a rune the font lacks
	missing map[rune]bool
}

// substitute is drawn for a character the font lacks.
const substitute = '□'

func parseFont(b []byte) (*face, error) {
	if len(b) == 0 {
		return nil, ErrNoFont
	}
	f, err := sfnt.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("card: font: %w", err)
	}
	fc := &face{f: f, upem: float64(f.UnitsPerEm()), adv: map[rune]float64{}, missing: map[rune]bool{}}
	ppem := fixed.Int26_6(f.UnitsPerEm()) << 6
	m, err := f.Metrics(&fc.buf, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("card: font metrics: %w", err)
	}
	fc.metrics = fontMetrics{asc: float64(m.Ascent) / 64 / fc.upem, desc: float64(m.Descent) / 64 / fc.upem}
	if fc.metrics.asc <= 0 || fc.metrics.desc < 0 || fc.metrics.asc+fc.metrics.desc > 3 {
		return nil, fmt.Errorf("card: font has implausible metrics (ascent %.2f, descent %.2f em)", fc.metrics.asc, fc.metrics.desc)
	}
	if gi, _ := f.GlyphIndex(&fc.buf, '需'); gi == 0 {
		return nil, fmt.Errorf("card: font has no Chinese characters")
	}
	return fc, nil
}

// inked reports whether glyph gi has an outline.
func (fc *face) inked(gi sfnt.GlyphIndex, ppem fixed.Int26_6) bool {
	segs, err := fc.f.LoadGlyph(&fc.buf, gi, ppem, nil)
	return err == nil && len(segs) > 0
}

// fallbacks are drawn for characters the font has no outline for, when it
// has the fallback's: what NFKC makes of them, or their base letter.
var fallbacks = map[rune]string{
	'℃': "°C", '℉': "°F", '\u212b': "\u00c5", 'Ⅴ': "V", 'Ⅹ': "X", '∼': "~", // \u212b: the ångström sign
	'ǎ': "a", 'ǐ': "i", 'ǒ': "o", 'ǔ': "u", 'ǘ': "ü", 'ǚ': "ü", 'ǜ': "ü", 'ˊ': "´", 'ˋ': "`",
}

// runeWidth implements measurer for the PNG: the advance of r's glyph, or of
// the substitute when the font lacks r.
func (fc *face) runeWidth(r rune, size float64) float64 {
	a := fc.advance(r)
	if a < 0 {
		fc.missing[r] = true
		if r == substitute {
			return 0
		}
		return fc.runeWidth(substitute, size)
	}
	return a * size * mmPerPt
}

// advance is the advance of r's glyph in em, -1 when the font does not draw
// r (no glyph, or one without an outline).
func (fc *face) advance(r rune) float64 {
	a, ok := fc.adv[r]
	if ok {
		return a
	}
	a = -1
	gi, err := fc.f.GlyphIndex(&fc.buf, r)
	if err == nil && gi != 0 {
		ppem := fixed.Int26_6(fc.f.UnitsPerEm()) << 6
		adv, err := fc.f.GlyphAdvance(&fc.buf, gi, ppem, font.HintingNone)
		// A glyph with no outline draws nothing (the font's ℃ is one): it
		// is missing, unless the character is a space.
		if err == nil && (unicode.IsSpace(r) || fc.inked(gi, ppem)) {
			a = float64(adv) / 64 / fc.upem
		}
	}
	fc.adv[r] = a
	return a
}
