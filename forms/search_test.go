package forms

import (
	"strings"
	"testing"
	"unicode"
)

func TestFoldSearch(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"碳化硅", "碳化硅"},
		{"PLM 软件", "plm 软件"},
		{"ＰＬＭ　软件", "plm 软件"},
		{"【重点】需求", "[重点]需求"},
		{"〔2024〕", "[2024]"},
		{"ÄÖÜ", "äöü"},
		// Chinese passed over by bytes, beside what folds
		{"碳化硅ABC衬底Ｄ", "碳化硅abc衬底d"},
		{"\u3400\u33FF\u9FFF\uA000\u3000", "\u3400\u33ff\u9fff\uA000 "},
		{"碳\xff化\xe7\xa2", "碳\uFFFD化\uFFFD\uFFFD"},
		{"硅\xe9\xbf", "硅\uFFFD\uFFFD"},
	} {
		if got := FoldSearch(tc.in); got != tc.want {
			t.Errorf("FoldSearch(%q) = %q, want %q", tc.in, got, tc.want)
		}
		// The same as lower-casing what Fold gives.
		if got, want := FoldSearch(tc.in), strings.ToLower(Fold(tc.in)); got != want {
			t.Errorf("FoldSearch(%q) = %q, ToLower(Fold) = %q", tc.in, got, want)
		}
	}
}

func FuzzFoldSearch(f *testing.F) {
	for _, s := range []string{"ＰＬＭ", "【A】", "abc", "Σ", "\xff", "碳化A硅", "硅\xe9\xbf", "\u3400\u33ff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := FoldSearch(s), strings.ToLower(Fold(s)); got != want {
			t.Errorf("FoldSearch(%q) = %q, ToLower(Fold) = %q", s, got, want)
		}
	})
}

func TestSearchText(t *testing.T) {
	got := SearchText("ＳｉＣ 衬底", "苏州Ａ公司", []string{"碳化硅", "PLM"})
	if want := "sic 衬底\x00苏州a公司\x00碳化硅\x00plm"; got != want {
		t.Errorf("SearchText = %q, want %q", got, want)
	}
}

// TestFoldSearchCJKFastPath checks that the runes foldSearchRune passes
// through unchanged without asking package unicode do fold to themselves.
func TestFoldSearchCJKFastPath(t *testing.T) {
	for r := cjkFirst; r <= cjkLast; r++ {
		if unicode.ToLower(r) != r {
			t.Errorf("%U lowers to %U", r, unicode.ToLower(r))
		}
	}
}
