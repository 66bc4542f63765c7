package forms

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FoldSearch prepares text for case-insensitive search: [Fold] (half-width
// forms, the ideographic space, brackets), then lower case. Text that needs
// no change is returned as it is, without allocating: searching folds every
// need's text, and most of it is already folded.
func FoldSearch(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if foldSearchRune(r) != r || r == utf8.RuneError && n == 1 {
			break // (invalid UTF-8 becomes U+FFFD, as Fold makes it)
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		b.WriteRune(foldSearchRune(r))
	}
	return b.String()
}

func foldSearchRune(r rune) rune {
	switch {
	case r >= cjkFirst && r <= cjkLast:
		return r // Chinese characters have no case: most of what is searched
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r == '\u3000':
		return ' '
	case r >= '\uFF01' && r <= '\uFF5E':
		return unicode.ToLower(r - 0xFEE0)
	case r == '【' || r == '〔':
		return '['
	case r == '】' || r == '〕':
		return ']'
	}
	return unicode.ToLower(r)
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
