package store

import (
	"strings"
	"testing"
)

func TestTermIn(t *testing.T) {
	for _, c := range []struct {
		hay, word string
		want      bool
	}{
		{"碳化硅衬底 苏州某某有限公司", "碳化", true},
		{"碳化硅衬底", "硅衬底", true}, // at the end
		{"碳化硅衬底", "碳", true},   // at the start
		{"碳化硅衬底", "化碳", false}, // both characters, not in that order
		{"碳化硅衬底", "碳化硅衬底盘", false},
		{"碳", "碳", true},
		{"", "碳", false},
		{"a碳", "碳", true},
		// The last byte of 碳 (0xB3) ends other characters too: 獳 is
		// E7 8D B3, and 碳 must not be found where only its last byte is.
		{"獳獳獳", "碳", false},
		{"獳獳獳碳", "碳", true},
		// Words that end in ASCII are looked for as strings.Contains does.
		{"cnc 数控机床", "cnc", true},
		{"数控机床cnc5", "cnc5", true},
		{"数控机床", "x", false},
		{"数控机床", "机床a", false},
	} {
		ts := newTerms([]string{c.word})
		if got := ts[0].in(c.hay); got != c.want {
			t.Errorf("%q in %q: %v, want %v", c.word, c.hay, got, c.want)
		}
	}
}

func TestContainsAll(t *testing.T) {
	hay := "高精度主轴 国产化替代 无锡某某机械有限公司"
	for _, c := range []struct {
		words []string
		want  bool
	}{
		{nil, true},
		{[]string{"高精度", "国产化"}, true},
		{[]string{"国产化", "高精度"}, true},
		{[]string{"高精度", "进口"}, false},
		{[]string{"进口", "高精度"}, false},
	} {
		if got := containsAll(hay, newTerms(c.words)); got != c.want {
			t.Errorf("%q: %v, want %v", c.words, got, c.want)
		}
	}
}

// FuzzTermIn holds term.in to strings.Contains on any bytes, valid UTF-8 or
// not.
func FuzzTermIn(f *testing.F) {
	f.Add("碳化硅衬底 苏州某某有限公司", "碳化")
	f.Add("獳獳獳", "碳")
	f.Add("cnc 数控", "cnc")
	f.Add("\xb3\xb3", "\xb3")
	f.Add("a\x80", "\xe7\x80")
	f.Fuzz(func(t *testing.T, hay, word string) {
		if word == "" {
			return // strings.Fields makes no empty word
		}
		ts := newTerms([]string{word})
		if got, want := ts[0].in(hay), strings.Contains(hay, word); got != want {
			t.Fatalf("%q in %q: %v, strings.Contains %v", word, hay, got, want)
		}
	})
}
