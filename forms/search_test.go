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
		// Chinese signs keep their full width; the others fold to ASCII.
		{"评估（二期）：液冷，储能；是否？是！", "评估（二期）：液冷，储能；是否？是！"},
		{"评估(二期):液冷,储能;是否?是!", "评估（二期）：液冷，储能；是否？是！"},
		{"φ０．５ｍｍ／Ｍ８－Ｍ１２", "φ0.5mm/m8-m12"},
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
		checkFoldsAsFold(t, tc.in)
	}
}

// checkFoldsAsFold checks that FoldSearch folds s as lower-casing Fold
// does: into the same class (what it gives lower-folds as s does), to the
// class's one text (s folds as its lower-folded text does).
func checkFoldsAsFold(t *testing.T, s string) {
	t.Helper()
	want := strings.ToLower(Fold(s))
	got := FoldSearch(s)
	if strings.ToLower(Fold(got)) != want {
		t.Errorf("FoldSearch(%q) = %q, which lower-folds to %q, not %q", s, got, strings.ToLower(Fold(got)), want)
	}
	if other := FoldSearch(want); other != got {
		t.Errorf("FoldSearch(%q) = %q but FoldSearch(%q) = %q", s, got, want, other)
	}
	if again := FoldSearch(got); again != got {
		t.Errorf("FoldSearch is not idempotent on %q: %q", got, again)
	}
}

func FuzzFoldSearch(f *testing.F) {
	for _, s := range []string{"ＰＬＭ", "【A】", "abc", "Σ", "\xff", "碳化A硅", "硅\xe9\xbf", "\u3400\u33ff", "（二期）", "(a,b)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkFoldsAsFold(t, s) })
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
