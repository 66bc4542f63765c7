package app

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// The smaller things of issue 12.14.

func TestNegotiableGivesTheAmountBack(t *testing.T) {
	var ent *forms.Enterprise
	u, _ := newTestUI(t, func(st *store.Store) { ent = saveEnterprise(t, st, "苏州常熟纺织机械有限公司", "") })
	u.createNeed(ent.ID)
	settle(t, u)
	budget := u.editor.form.input("budget_wan")
	test.Type(budget.entry, "80")
	test.Tap(budget.negotiable)
	vals := u.editor.need.Values
	if vals.Has("budget_wan") || !vals.Bool("budget_negotiable") || budget.entry.Text != "" {
		t.Fatalf("面议 ticked: amount %q, flag %q, entry %q", vals.Get("budget_wan"), vals.Get("budget_negotiable"), budget.entry.Text)
	}
	test.Tap(budget.negotiable)
	if vals.Get("budget_wan") != "80" || vals.Has("budget_negotiable") || budget.entry.Text != "80" || budget.entry.Disabled() {
		t.Errorf("面议 unticked: amount %q, flag %q, entry %q", vals.Get("budget_wan"), vals.Get("budget_negotiable"), budget.entry.Text)
	}
	settle(t, u)
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, bl, _ := c.RGBA()
		lin := func(v uint32) float64 {
			s := float64(v) / 0xffff
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(bl)
	}
	x, y := lum(a), lum(b)
	return (max(x, y) + 0.05) / (min(x, y) + 0.05)
}

func TestSecondaryTextIsReadable(t *testing.T) {
	th := NewTheme()
	for _, v := range []struct {
		name    string
		variant fyne.ThemeVariant
	}{{"dark", theme.VariantDark}, {"light", theme.VariantLight}} {
		bg := th.Color(theme.ColorNameBackground, v.variant)
		fg := th.Color(theme.ColorNameForeground, v.variant)
		for _, name := range []fyne.ThemeColorName{theme.ColorNameDisabled, theme.ColorNamePlaceHolder} {
			if r := contrast(th.Color(name, v.variant), bg); r < 4.5 {
				t.Errorf("%s theme: %s text has a contrast of %.1f:1 on the background, want 4.5:1", v.name, name, r)
			}
		}
		if r := contrast(th.Color(theme.ColorNameDisabled, v.variant), fg); r < 1.5 {
			t.Errorf("%s theme: secondary text is hard to tell from normal text (%.1f:1)", v.name, r)
		}
	}
}

func TestMoneyInEnglishIsInYuan(t *testing.T) {
	for _, c := range []struct{ wan, yuan string }{
		{"80", "800,000"}, {"0", "0"}, {"0.5", "5,000"}, {"5000", "50,000,000"},
		{"123.45678", "1,234,567.8"}, {"0.00001", "0.1"}, {"007", "70,000"},
	} {
		if got, ok := wanToYuan(c.wan); !ok || got != c.yuan {
			t.Errorf("wanToYuan(%q) = %q, %v; want %q", c.wan, got, ok, c.yuan)
		}
	}
	for _, bad := range []string{"", "面议", "1e3", "1,000"} {
		if got, ok := wanToYuan(bad); ok {
			t.Errorf("wanToYuan(%q) = %q", bad, got)
		}
	}
	setLocale(t, "zh_CN.UTF-8")
	mustSetLanguage(t, English)
	if got := moneyText("0"); got != "0 yuan" {
		t.Errorf("English: %q", got)
	}
	if got := moneyText("80"); got != "800,000 yuan" {
		t.Errorf("English: %q", got)
	}
	mustSetLanguage(t, Chinese)
	if got := moneyText("80"); got != "80 万元" {
		t.Errorf("Chinese: %q", got)
	}
}
