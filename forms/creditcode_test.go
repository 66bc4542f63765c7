package forms

import (
	"strings"
	"testing"
)

func TestCheckCreditCode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want CreditCodeLevel
		norm string
	}{
		{"valid Shenzhen enterprise", "914403001922038216", CreditCodeOK, "914403001922038216"},
		{"valid with X inner check", "9144030071526726XG", CreditCodeOK, "9144030071526726XG"},
		{"valid Beijing", "91110108551385082Q", CreditCodeOK, "91110108551385082Q"},
		{"lower case and spaces", " 91110108 5513 85082q ", CreditCodeOK, "91110108551385082Q"},
		{"full-width", "９１１１０１０８５５１３８５０８２Ｑ", CreditCodeOK, "91110108551385082Q"},
		{"dashes", "911101-0855138508-2Q", CreditCodeOK, "91110108551385082Q"},
		{"empty", "  ", CreditCodeEmpty, ""},
		{"too short", "9144030019220382", CreditCodeFormat, "9144030019220382"},
		{"too long", "9144030019220382161", CreditCodeFormat, "9144030019220382161"},
		{"forbidden letter I", "91440300192203821I", CreditCodeFormat, "91440300192203821I"},
		{"letter in region", "9144A3001922038216", CreditCodeFormat, "9144A3001922038216"},
		{"unknown category pair", "974403001922038216", CreditCodeCategory, "974403001922038216"},
		{"unknown authority", "Z14403001922038216", CreditCodeFormat, "Z14403001922038216"},
		{"inner check broken", "914403001922038316", CreditCodeInner, "914403001922038316"},
		{"check character wrong", "914403001922038217", CreditCodeCheckChar, "914403001922038217"},
		// An 18-digit ID-card number: region digits and a birth date; fails the category pair.
		{"ID-card number, Guangdong", "440301199001011234", CreditCodeCategory, "440301199001011234"},
		{"ID-card number, Jiangsu", "320583199001011234", CreditCodeInner, "320583199001011234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := CheckCreditCode(tt.in)
			if r.Level != tt.want {
				t.Errorf("level %d, want %d", r.Level, tt.want)
			}
			if r.Normalized != tt.norm {
				t.Errorf("normalised %q, want %q", r.Normalized, tt.norm)
			}
		})
	}
	if r := CheckCreditCode("914403001922038217"); r.Want != '6' {
		t.Errorf("expected check character %q, want '6'", r.Want)
	}
}

// An ID-card number that happens to start like a 9/1 enterprise code still
// fails the GB 11714 inner check.
func TestIDCardNumberFailsInnerCheck(t *testing.T) {
	id := "911101199003074514" // shaped like an ID card number, pair 9/1 allowed
	if r := CheckCreditCode(id); r.Level == CreditCodeOK || r.Level == CreditCodeCheckChar {
		t.Errorf("ID-card shaped code passed to level %d", r.Level)
	}
}

func TestCreditCodeWarningIsOverridable(t *testing.T) {
	cat := Default()
	e := &Enterprise{Values: Values{"credit_code": {"914403001922038217"}}}
	ps := cat.ValidateEnterprise(e, Draft)
	if len(ps) != 1 || ps[0].Severity != SeverityWarning || ps[0].Code != "credit_code.check_char" {
		t.Fatalf("problems %+v, want one check-character warning", ps)
	}
	if Blocking(ps) {
		t.Error("a check-character warning blocks")
	}
	if msg := ps[0].Message(cat, "zh"); !strings.Contains(msg, "统一社会信用代码") || !strings.Contains(msg, "6") {
		t.Errorf("message %q does not name the field and the expected character", msg)
	}
	e.Overrides = []string{"credit_code.check_char"}
	if ps := cat.ValidateEnterprise(e, Draft); len(ps) != 0 {
		t.Errorf("overridden warning still reported: %+v", ps)
	}
	e.Values.Set("credit_code", "914403001922038316")
	if ps := cat.ValidateEnterprise(e, Draft); !Blocking(ps) {
		t.Error("an inner-check failure does not block, even with the override")
	}
}

func FuzzCheckCreditCode(f *testing.F) {
	for _, s := range []string{"914403001922038216", "9144030071526726XG", "91110108551385082Q", "", "ＩＯ", "9\x00", "91440300192203821６"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := CheckCreditCode(s)
		if r.Level == CreditCodeOK {
			if len(r.Normalized) != 18 {
				t.Fatalf("valid code %q of length %d", r.Normalized, len(r.Normalized))
			}
			for i := 0; i < 18; i++ {
				if !strings.ContainsRune(creditAlphabet, rune(r.Normalized[i])) {
					t.Fatalf("valid code %q has %q", r.Normalized, r.Normalized[i])
				}
			}
		}
		if again := CheckCreditCode(r.Normalized); again.Level != r.Level && r.Level != CreditCodeEmpty {
			t.Fatalf("normalising changed the verdict: %d then %d", r.Level, again.Level)
		}
	})
}
