package card

import (
	"strings"
	"testing"
)

// TestFontDrawsWhatItKeeps: a character whose glyph has no outline (the
// font's ∼; its ℃ had none either until issue 12.7) is not kept as it is,
// which would print nothing: it becomes its fallback, or □ and is reported;
// composite glyphs (Å, ü) are drawn.
func TestFontDrawsWhatItKeeps(t *testing.T) {
	fc, err := parseFont(testFont(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"温度 ±0.5 ℃", "温度 ±0.5 ℃"}, // drawn since issue 12.7
		{"1∼3 毫米", "1~3 毫米"},
		{"Å ü 中文", "Å ü 中文"},
		{"\u212b", "Å"},
		{"表情😀", "表情□"},
	} {
		s := tc.in
		fc.substituteAll(&s)
		if s != tc.want {
			t.Errorf("%q became %q, want %q", tc.in, s, tc.want)
		}
	}
	if !fc.missing['😀'] || fc.missing['℃'] {
		t.Errorf("missing %v: want 😀 and not ℃", fc.missing)
	}
	if got := clean("a\u202eb\u200dc\ufeff"); strings.ContainsAny(got, "\u202e\u200d\ufeff") {
		t.Errorf("clean kept format characters: %q", got)
	}
}
