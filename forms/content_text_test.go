package forms

import (
	"strings"
	"testing"
)

var canonicalTextCases = []string{
	"", " ", "a", " a", "a ", "中", "中文。", "。", "、中文", "\u3000中", "中\u3000", "\u3001", "\u3000",
	"\u00a0x", "x\u00a0", "x\u0085", "\u1680x", "x\u2009", "\u2028x", "x\u202f", "x\u205f", "\ufeffx", "x\ufeff",
	"\xe3\x80", "x\xe3\x80\x80", "x\x80\x80", "\xe3", "ab\xe3\x80\x80", "\xe3\x80\x81", "😀", "x😀", "😀 ",
	"a\r\n", "\r\na\r\nb\r\n", "\r", "a\rb", "\t中\t", "\v", "\x1c", "x\x1f", "\xff", "x\xff", "\xef\xbf\xbf",
}

func TestCanonicalText(t *testing.T) {
	for _, s := range canonicalTextCases {
		checkCanonicalText(t, s)
	}
}

func FuzzCanonicalText(f *testing.F) {
	for _, s := range canonicalTextCases {
		f.Add(s)
	}
	f.Fuzz(checkCanonicalText)
}

// checkCanonicalText fails t unless canonicalText does what the content
// always did: trim, and write line breaks as \n.
func checkCanonicalText(t *testing.T, s string) {
	if got, want := canonicalText(s), strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")); got != want {
		t.Fatalf("canonicalText(%q) = %q, want %q", s, got, want)
	}
}

// Every rune, and every three-byte sequence led by 0xE0–0xEF (valid or
// not), at either edge.
func TestCanonicalTextEveryRune(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		s := string(r)
		checkCanonicalText(t, s)
		checkCanonicalText(t, "x"+s)
		checkCanonicalText(t, s+"x")
	}
	b := []byte{'x', 0, 0, 0, 'x'}
	for lead := 0xE0; lead <= 0xEF; lead++ {
		for mid := range 256 {
			for last := range 256 {
				b[1], b[2], b[3] = byte(lead), byte(mid), byte(last)
				checkCanonicalText(t, string(b[1:4]))
				checkCanonicalText(t, string(b[:4]))
				checkCanonicalText(t, string(b[1:]))
			}
		}
	}
}
