package store

import "strings"

// A term is one word of a search, ready to be looked for in many short
// texts. strings.Contains looks for a word's first byte and then compares;
// in Chinese text that byte is the lead byte of a character, and the
// characters of six lead bytes (0xE4–0xE9) make up most of it: in the
// demo's titles and names, from one character in eleven (0xE4) to one in
// three (0xE5) starts with a given word's first byte. A term whose last
// byte ends a multi-byte character looks for that byte instead — one of 64
// continuation bytes, spread far more evenly: one character in 25 to 55
// for the words the benchmarks type — and compares the whole word where
// it is found.
type term struct {
	s string
	// last is s's last byte when it ends a multi-byte character, else 0:
	// look for s with strings.Contains.
	last byte
}

// newTerms makes the terms of a folded search's words.
func newTerms(words []string) []term {
	ts := make([]term, len(words))
	for i, w := range words {
		ts[i].s = w
		if c := w[len(w)-1]; len(w) > 1 && c >= 0x80 && c < 0xC0 {
			ts[i].last = c
		}
	}
	return ts
}

// in reports whether hay holds t.
func (t *term) in(hay string) bool {
	if t.last == 0 {
		return strings.Contains(hay, t.s)
	}
	n := len(t.s)
	// hay[from:] may end the word; a hit at j ends it at from+j.
	for from := n - 1; from < len(hay); {
		j := strings.IndexByte(hay[from:], t.last)
		if j < 0 {
			return false
		}
		end := from + j + 1
		if hay[end-n:end] == t.s {
			return true
		}
		from = end
	}
	return false
}

// containsAll reports whether hay holds every term.
func containsAll(hay string, terms []term) bool {
	for i := range terms {
		if !terms[i].in(hay) {
			return false
		}
	}
	return true
}
