package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/assets"
)

// Theme is xunbang's Fyne theme: Fyne's default theme (light and dark
// variants, colours, sizes, icons) with every text style drawn in the
// embedded CJK font, because a user's machine may have no Chinese font at all,
// and secondary and placeholder text in greys that can be read (see Color).
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

// Secondary text: Fyne draws low-importance labels (help texts, 已保存,
// 尚未同步过) and disabled text in its disabled colour, #39393a on the dark
// background #171718 (contrast 1.6:1) and #e3e3e3 on white (1.3:1), and the
// light theme's placeholders in #888888 (3.5:1): too faint to read (issue
// 12.14). These greys reach WCAG's 4.5:1 on the background and stay apart
// from the normal text.
var (
	secondaryDark  = color.NRGBA{R: 0x94, G: 0x94, B: 0x94, A: 0xff} // 5.9:1 on #171718
	secondaryLight = color.NRGBA{R: 0x76, G: 0x76, B: 0x76, A: 0xff} // 4.5:1 on white
)

// Color is the default theme's, but for readable disabled (secondary) and
// placeholder text colours.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch {
	case n == theme.ColorNameDisabled && v == theme.VariantDark:
		return secondaryDark
	case n == theme.ColorNameDisabled, n == theme.ColorNamePlaceHolder && v != theme.VariantDark:
		return secondaryLight
	}
	return t.Theme.Color(n, v)
}

// scaledTheme is a theme with all text, and the icons drawn inline with it,
// larger by a factor: the confirmation screen uses it so that the
// enterprise's staff can read what they confirm.
type scaledTheme struct {
	fyne.Theme
	factor float32
}

func newScaledTheme(base fyne.Theme, factor float32) *scaledTheme {
	return &scaledTheme{Theme: base, factor: factor}
}

// Size scales the text sizes and the inline icon size.
func (t *scaledTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.Theme.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText,
		theme.SizeNameCaptionText, theme.SizeNameInlineIcon:
		return s * t.factor
	}
	return s
}

// onBackground puts o on the theme's background colour. The strips above
// and below scrolled content use it: Fyne's software painter (the
// screenshots' fallback) clips a scrolled multi-line entry to the entry alone,
// not to the scroll around it, so without a background its text would show
// through the sync strip.
func onBackground(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(newBackgroundFill(), o)
}

// backgroundFill is a rectangle of the current theme's background colour.
type backgroundFill struct {
	widget.BaseWidget
}

func newBackgroundFill() *backgroundFill {
	b := &backgroundFill{}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer draws the rectangle.
func (b *backgroundFill) CreateRenderer() fyne.WidgetRenderer {
	r := &backgroundRenderer{b: b, rect: canvas.NewRectangle(theme.Color(theme.ColorNameBackground))}
	return r
}

type backgroundRenderer struct {
	b    *backgroundFill
	rect *canvas.Rectangle
}

func (r *backgroundRenderer) Destroy()                     {}
func (r *backgroundRenderer) Layout(s fyne.Size)           { r.rect.Resize(s) }
func (r *backgroundRenderer) MinSize() fyne.Size           { return fyne.Size{} }
func (r *backgroundRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.rect} }

func (r *backgroundRenderer) Refresh() {
	r.rect.FillColor = r.b.Theme().Color(theme.ColorNameBackground, fyne.CurrentApp().Settings().ThemeVariant())
	r.rect.Refresh()
}
