package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/xunbang/xunbang/assets"
)

func TestThemeUsesEmbeddedFontForEveryStyle(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())

	th := NewTheme()
	for _, bold := range []bool{false, true} {
		for _, italic := range []bool{false, true} {
			for _, mono := range []bool{false, true} {
				for _, symbol := range []bool{false, true} {
					style := fyne.TextStyle{Bold: bold, Italic: italic, Monospace: mono, Symbol: symbol}
					if got := th.Font(style); got != assets.Font() {
						t.Errorf("Font(%+v) = %v, want the embedded font", style, got.Name())
					}
				}
			}
		}
	}

	// And through Fyne's lookups of the current theme.
	for name, got := range map[string]fyne.Resource{
		"TextFont":           theme.TextFont(),
		"TextBoldFont":       theme.TextBoldFont(),
		"TextItalicFont":     theme.TextItalicFont(),
		"TextBoldItalicFont": theme.TextBoldItalicFont(),
		"TextMonospaceFont":  theme.TextMonospaceFont(),
		"SymbolFont":         theme.SymbolFont(),
	} {
		if got != assets.Font() {
			t.Errorf("theme.%s() = %v, want the embedded font", name, got.Name())
		}
	}
}

func TestThemeKeepsDefaultsOtherThanFont(t *testing.T) {
	th, def := NewTheme(), theme.DefaultTheme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		if th.Color(theme.ColorNamePrimary, v) != def.Color(theme.ColorNamePrimary, v) {
			t.Errorf("primary colour for variant %d differs from the default theme", v)
		}
	}
	if th.Size(theme.SizeNameText) != def.Size(theme.SizeNameText) {
		t.Error("text size differs from the default theme")
	}
	if th.Icon(theme.IconNameSearch) != def.Icon(theme.IconNameSearch) {
		t.Error("search icon differs from the default theme")
	}
}
