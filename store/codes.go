package store

import (
	"iter"
	"strings"
)

// Codes is a list of option codes (a need's tech fields) kept as one string,
// the codes joined by a unit separator (0x1f): a summary holds it in one
// string header where a []string took a slice header and a string header per
// code, and memory keeps one copy of each list that needs share (issue 17:
// some 40 bytes a need). Option codes are letters and digits; a code with
// the separator in it would read as two. The zero value is the empty list.
type Codes string

// codeSep separates the codes of a Codes.
const codeSep = "\x1f"

// CodesOf returns the list of the codes l.
func CodesOf(l ...string) Codes {
	return Codes(strings.Join(l, codeSep))
}

// All yields the codes in order.
func (c Codes) All() iter.Seq[string] {
	return func(yield func(string) bool) {
		if c == "" {
			return
		}
		for s := range strings.SplitSeq(string(c), codeSep) {
			if !yield(s) {
				return
			}
		}
	}
}

// List returns the codes in a new slice, nil when there are none.
func (c Codes) List() []string {
	if c == "" {
		return nil
	}
	return strings.Split(string(c), codeSep)
}

// Len returns the number of codes.
func (c Codes) Len() int {
	if c == "" {
		return 0
	}
	return strings.Count(string(c), codeSep) + 1
}

// AnyHasPrefix tells whether one of the codes starts with p: whether a need
// lies in a tech field or one of its sub-fields. It does not allocate.
func (c Codes) AnyHasPrefix(p string) bool {
	for s := range c.All() {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
