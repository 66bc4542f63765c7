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

// hasGlyph reports whether the cmap table maps r, reading its format 12
// (or, failing that, format 4) subtable.
func hasGlyph(cmap []byte, r rune) bool {
	n := int(binary.BigEndian.Uint16(cmap[2:]))
	var fmt4 []byte
	for i := range n {
		off := binary.BigEndian.Uint32(cmap[4+8*i+4:])
		sub := cmap[off:]
		switch binary.BigEndian.Uint16(sub) {
		case 12:
			groups := binary.BigEndian.Uint32(sub[12:])
			for g := range groups {
				rec := sub[16+12*g:]
				lo, hi := binary.BigEndian.Uint32(rec), binary.BigEndian.Uint32(rec[4:])
				if uint32(r) >= lo && uint32(r) <= hi {
					return true
				}
			}
			return false
		case 4:
			fmt4 = sub
		}
	}
	if fmt4 == nil || r > 0xFFFF {
		return false
	}
	segs := int(binary.BigEndian.Uint16(fmt4[6:])) / 2
	ends, starts := fmt4[14:], fmt4[16+2*segs:]
	for s := range segs {
		end, start := binary.BigEndian.Uint16(ends[2*s:]), binary.BigEndian.Uint16(starts[2*s:])
		if uint16(r) >= start && uint16(r) <= end {
			return start != 0xFFFF // simplification: idDelta/idRangeOffset not followed
		}
	}
	return false
}

func TestFontIsOneTrueTypeFaceWithCJK(t *testing.T) {
	if FontBytes() == nil || !bytes.Equal(Font().Content(), FontBytes()) {
		t.Fatal("Font and FontBytes disagree")
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
	for _, r := range "寻榜技术需求走访诊断确认堃犇淼龘AZaz09，。：（）【】《》￥✓●○▲▼★㎡℃①" {
		if !hasGlyph(ts["cmap"], r) {
			t.Errorf("font has no glyph for %q (U+%04X)", r, r)
		}
	}
	if len(FontLicense()) == 0 || !bytes.Contains(FontLicense(), []byte("WenQuanYi")) {
		t.Error("font licence missing")
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
