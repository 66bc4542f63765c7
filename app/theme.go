package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/xunbang/xunbang/assets"
)

// Theme is xunbang's Fyne theme: Fyne's default theme (light and dark
// variants, colours, sizes, icons) with every text style drawn in the
// embedded CJK font, because a user's machine may have no Chinese font at all.
//
// WenQuanYi Micro Hei has a single weight and no italic, so bold and italic
// text look like regular text; use size and colour for emphasis. Glyphs the
// font lacks (for example ✗ U+2717 or emoji) fall back to Fyne's bundled fonts
// and then to system fonts.
type Theme struct {
	fyne.Theme
}

var _ fyne.Theme = (*Theme)(nil)

// NewTheme returns xunbang's theme on top of Fyne's default theme.
func NewTheme() *Theme {
	return &Theme{Theme: theme.DefaultTheme()}
}

// Font returns the embedded CJK font for every text style, including
// monospace and symbol text.
func (t *Theme) Font(fyne.TextStyle) fyne.Resource {
	return assets.Font()
}
