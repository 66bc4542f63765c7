package assets

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"io/fs"
	"testing"
)

// tables returns the table directory of a single-face TrueType font.
func tables(t *testing.T, font []byte) map[string][]byte {
	t.Helper()
	if len(font) < 12 {
		t.Fatal("font too short")
	}
	switch v := string(font[:4]); v {
	case "\x00\x01\x00\x00", "true":
	case "ttcf":
		t.Fatal("font is a collection (.ttc); Fyne needs a single face")
	case "OTTO":
		t.Fatal("font has CFF outlines; the PDF writer needs TrueType (glyf)")
	default:
		t.Fatalf("font has unknown version %q", v)
	}
	n := int(binary.BigEndian.Uint16(font[4:]))
	ts := map[string][]byte{}
	for i := range n {
		rec := font[12+16*i:]
		off, size := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		ts[string(rec[:4])] = font[off : off+size]
	}
	return ts
}

func TestFontIsOneTrueTypeFaceWithCJK(t *testing.T) {
	if FontBytes() == nil || len(Font().Content()) == 0 {
		t.Fatal("a font is missing")
	}
	if v := string(Font().Content()[:4]); v != "OTTO" {
		t.Errorf("the window's font has version %q, want CFF outlines (OTTO)", v)
	}
	if Font() != Font() {
		t.Error("Font returns a different resource each time; Fyne's font cache keys on it")
	}
	ts := tables(t, FontBytes())
	for _, name := range []string{"glyf", "loca", "cmap", "head", "hmtx"} {
		if ts[name] == nil {
			t.Errorf("font has no %q table", name)
		}
	}
	// Which characters it draws: font_test.go.
	if len(FontLicense()) == 0 || !bytes.Contains(FontLicense(), []byte("WenQuanYi")) {
		t.Error("font licence missing")
	}
	for name, want := range map[string]string{"LICENSE-dejavu.txt": "Bitstream Vera", "LICENSE-hanazono.txt": "Hanazono Font License"} {
		b, err := fonts.ReadFile("fonts/" + name)
		if err != nil || !bytes.Contains(b, []byte(want)) {
			t.Errorf("licence %s of the glyphs merged into the font: missing or without %q (%v)", name, want, err)
		}
	}
}

func TestIconIsA512PNG(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(Icon().Content()))
	if err != nil {
		t.Fatalf("icon: %v", err)
	}
	if cfg.Width != 512 || cfg.Height != 512 {
		t.Errorf("icon is %d×%d, want 512×512", cfg.Width, cfg.Height)
	}
}

func TestTranslationsPresent(t *testing.T) {
	for _, name := range []string{"zh.json", "en.json", "fyne.zh.json", "fyne.en.json"} {
		if _, err := fs.Stat(Translations(), TranslationsDir+"/"+name); err != nil {
			t.Errorf("translations: %v", err)
		}
	}
}
