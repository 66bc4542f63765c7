// Package assets holds the files xunbang embeds in its binary: the CJK font
// that both the window and the PDF writer use, the font's licence, the
// application icon and the UI translations.
//
// The font is WenQuanYi Micro Hei, extracted from Debian's fonts-wqy-microhei
// and subset by tools/mkfont/mkfont.sh, with the glyphs it lacks or draws
// wrong (℃, ½, the CJK Extension A/B characters of the region data and of the
// 通用规范汉字表) merged in from DejaVu Sans and Hanazono Mincho. It comes
// twice: with TrueType outlines for the PDF writer (gopdf embeds nothing
// else), and the same glyphs with CFF outlines for the window, whose text
// engine loads a TrueType font's every outline at once for each text style
// (tools/mkfont/tocff.py). The icon is drawn by tools/mkicon.
// Both outputs are committed; regenerate them with those tools rather than by
// hand.
package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

// TranslationsDir is the directory inside [Translations] that holds the
// translation files, as [lang.AddTranslationsFS] wants it.
//
// Each file is Fyne's lang format: a JSON object mapping a message key to its
// text (or to an object of plural forms). "zh.json" and "en.json" hold
// xunbang's own messages; "fyne.zh.json" and "fyne.en.json" are copies of the
// strings Fyne v2.7.1 ships for its own widgets and dialogs (base.zh_Hans.json
// and base.en.json), so that forcing the UI language also switches Fyne's
// buttons and dialogs.
//
// [lang.AddTranslationsFS]: https://pkg.go.dev/fyne.io/fyne/v2/lang#AddTranslationsFS
const TranslationsDir = "translations"

var (
	//go:embed fonts/wqy-microhei-subset.ttf
	fontTTF []byte

	//go:embed fonts/wqy-microhei-subset.otf
	fontCFF []byte

	//go:embed fonts/LICENSE-*.txt
	fonts embed.FS

	//go:embed icon.png
	iconPNG []byte

	//go:embed translations/*.json
	translations embed.FS

	font = &fyne.StaticResource{StaticName: "wqy-microhei-subset.otf", StaticContent: fontCFF}
	icon = &fyne.StaticResource{StaticName: "icon.png", StaticContent: iconPNG}
)

// Font returns the embedded CJK font for the window (WenQuanYi Micro Hei, one
// face with CFF outlines) as a Fyne resource. It returns the same resource
// every time, which Fyne's font cache relies on.
func Font() fyne.Resource { return font }

// FontBytes returns the embedded TrueType font file, the same glyphs as
// [Font] with TrueType outlines, for writers that embed it in documents (PDF
// need cards). The slice is shared: callers must not modify it.
func FontBytes() []byte { return fontTTF }

// fontLicenses are the licence files of the fonts the embedded one is made
// of, in the order FontLicense joins them.
var fontLicenses = []string{"LICENSE-wqy-microhei.txt", "LICENSE-dejavu.txt", "LICENSE-hanazono.txt"}

// FontLicense returns the font's licence texts: Debian's copyright file of
// fonts-wqy-microhei ("Apache-2.0 or GPL-3+ with Font exception") followed by
// the full Apache-2.0 text, then those of the fonts some glyphs come from,
// DejaVu Sans (the Bitstream Vera licence) and Hanazono Mincho (the Hanazono
// Font License). Ship them with anything that redistributes the font.
func FontLicense() []byte {
	var out []byte
	for _, name := range fontLicenses {
		b, err := fonts.ReadFile("fonts/" + name)
		if err != nil {
			panic("assets: " + err.Error()) // embedded: cannot happen
		}
		out = append(append(out, b...), '\n')
	}
	return out
}

// Icon returns the application icon, a 512×512 PNG.
func Icon() fyne.Resource { return icon }

// Translations returns the embedded file system that holds the translation
// files in [TranslationsDir].
func Translations() embed.FS { return translations }
