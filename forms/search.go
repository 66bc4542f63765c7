package forms

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FoldSearch prepares text for case-insensitive search: two texts fold
// alike exactly when lower-casing what [Fold] gives of them does (full- and
// half-width forms, the ideographic space, brackets, case). Of each pair of
// full- and half-width forms it keeps the one Chinese text writes: the
// half-width letters, digits and signs, but the full-width （），：；！？
// (wideCanonical). So most Chinese text is already folded, and is returned
// as it is, without allocating: memory keeps a need's search text apart
// from its title only when folding changes it (issue 17: 100 bytes a need
// when the half-width brackets were kept instead).
func FoldSearch(s string) string {
	i := foldedPrefix(s)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		b.WriteString(s[:i])
		if s = s[i:]; s == "" {
			return b.String()
		}
		// (invalid UTF-8 becomes U+FFFD, as Fold makes it)
		r, n := utf8.DecodeRuneInString(s)
		b.WriteRune(foldSearchRune(r))
		s = s[n:]
		i = foldedPrefix(s)
	}
}

// foldedPrefix returns the length of the longest start of s that
// FoldSearch leaves as it is. Chinese characters, most of what is searched,
// are passed over by their bytes, without decoding them.
func foldedPrefix(s string) int {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' || wideCanonical(rune(c)) {
				return i
			}
			i++
			continue
		}
		// U+3400 (E3 90 80) to U+9FFF (E9 BF BF), cjkFirst to cjkLast:
		// every such three bytes is valid UTF-8.
		if c >= 0xE3 && c <= 0xE9 && i+2 < len(s) &&
			s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 && (c != 0xE3 || s[i+1] >= 0x90) {
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if foldSearchRune(r) != r || r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return i
}

func foldSearchRune(r rune) rune {
	switch {
	case r >= cjkFirst && r <= cjkLast:
		return r // Chinese characters have no case: most of what is searched
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		if wideCanonical(r) {
			return r + 0xFEE0
		}
		return r
	case r == '\u3000':
		return ' '
	case r >= '\uFF01' && r <= '\uFF5E':
		if wideCanonical(r - 0xFEE0) {
			return r
		}
		return unicode.ToLower(r - 0xFEE0)
	case r == '【' || r == '〔':
		return '['
	case r == '】' || r == '〕':
		return ']'
	}
	return unicode.ToLower(r)
}

// wideCanonical reports whether FoldSearch folds the ASCII sign r to its
// full-width form (the way Chinese text writes it) rather than the other
// way round.
func wideCanonical(r rune) bool {
	switch r {
	case '(', ')', ',', ':', ';', '!', '?':
		return true
	}
	return false
}

// cjkFirst and cjkLast bound CJK Unified Ideographs Extension A and CJK
// Unified Ideographs, which fold to themselves (search_test.go checks it).
const (
	cjkFirst = '\u3400'
	cjkLast  = '\u9FFF'
)

// SearchText is the folded text a need is found by: its title, its
// enterprise's name and its keywords, apart (NUL between them), so that a
// search term never matches across two of them.
func SearchText(title, enterprise string, keywords []string) string {
	var b strings.Builder
	b.Grow(len(title) + len(enterprise) + 32)
	b.WriteString(title)
	b.WriteByte(0)
	b.WriteString(enterprise)
	for _, k := range keywords {
		b.WriteByte(0)
		b.WriteString(k)
	}
	return FoldSearch(b.String())
}
