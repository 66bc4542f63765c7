package forms_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
)

// contentJSON is CanonicalContent as it was first written, with
// encoding/json over maps: the reference the hand-written encoder must match
// byte for byte.
func contentJSON(c *forms.Catalogue, n *forms.Need, e *forms.Enterprise) []byte {
	need := map[string]any{}
	for id, l := range n.Values {
		f, known := c.Field(id)
		if known && (f.Entity != forms.EntityNeed || f.Class == forms.ClassInternal) {
			continue
		}
		if v, ok := contentValueJSON(f, l); ok {
			need[id] = v
		}
	}
	ent := map[string]any{}
	if e != nil {
		for _, id := range []string{"enterprise_name", "credit_code", "region"} {
			f, _ := c.Field(id)
			if v, ok := contentValueJSON(f, e.Values[id]); ok {
				ent[id] = v
			}
		}
	}
	doc := map[string]any{"format": forms.ContentFormat, "need": need, "enterprise": ent, "visibility": string(n.Visibility())}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		panic("forms: canonical content: " + err.Error())
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func contentValueJSON(f *forms.Field, l []string) (any, bool) {
	var out []string
	for _, s := range l {
		s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
		if s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, false
	}
	if f != nil && !f.Kind.Multi() && len(out) == 1 {
		return out[0], true
	}
	return out, true
}

// checkContent fails t when CanonicalContent, ContentHash or
// ConfirmationCurrent disagree with the encoding/json reference.
func checkContent(t *testing.T, cat *forms.Catalogue, n *forms.Need, e *forms.Enterprise) {
	t.Helper()
	want := contentJSON(cat, n, e)
	if got := cat.CanonicalContent(n, e); !bytes.Equal(got, want) {
		t.Fatalf("content\n%q\nwant (encoding/json)\n%q", got, want)
	}
	hash := forms.HashContent(want)
	if got := cat.ContentHash(n, e); got != hash {
		t.Fatalf("hash %s, want %s", got, hash)
	}
	saved := n.Confirmation
	defer func() { n.Confirmation = saved }()
	n.Confirmation = &forms.Confirmation{ContentHash: hash}
	if !cat.ConfirmationCurrent(n, e) {
		t.Fatal("confirmation of the same content is not current")
	}
	n.Confirmation.ContentHash = hash[:63] + "x"
	if cat.ConfirmationCurrent(n, e) {
		t.Fatal("confirmation of other content is current")
	}
	n.Confirmation = nil
	if cat.ConfirmationCurrent(n, e) {
		t.Fatal("a need with no confirmation is current")
	}
}

func TestCanonicalContentMatchesJSONOnDemo(t *testing.T) {
	cat := forms.Default()
	s := demo.Generate(7, 600)
	ents := map[string]*forms.Enterprise{}
	for _, e := range s.Enterprises {
		ents[e.ID] = e
	}
	for _, n := range s.Needs {
		checkContent(t, cat, n, ents[n.EnterpriseID])
		checkContent(t, cat, n, nil)
	}
}

// trickyText are strings whose JSON encoding has a catch.
var trickyText = []string{
	"", " ", "\r\n", "plain", `say "hi"`, `C:\dir\file`, `\"`, "a\tb\nc\rd\be\ff",
	"\x00\x01\x1f\x7f", "<b>&amp;</b>", "line\u2028sep\u2029para", "\u2027\u202a",
	"bad \xff utf-8 \xc3", "\xe2\x80", "\xed\xa0\x80 surrogate", "emoji 😀 𠀋 𝄞",
	"  中药、天然药物  ", " 第一行\r\n第二行\r\n ", "\r\r\n\n", "\ufeffbom", "\ufffd",
	"a\u0085b\u00a0", strings.Repeat("长", 3000), "尾\xe4\xb8", "\xe4\xb8a\xe4", "\xe0\x80\x80 overlong",
	"\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xaa\xe2\x81\xa8", "\xef\xbf\xbf\xef\xbc\x8c", "\xec\xbf\xbf\xec\xc0\x80",
}

func TestCanonicalContentMatchesJSONOnTrickyText(t *testing.T) {
	cat := forms.Default()
	for _, s := range trickyText {
		for _, id := range []string{"title", "keywords", "tech_fields", "budget_wan", "no_such_field", s, "intended_partners", "enterprise_name"} {
			n := &forms.Need{Values: forms.Values{
				"title": {"标题"}, "visibility": {"named"}, id: {s}, "keywords": {s, "伺服", s + "x"},
			}}
			e := &forms.Enterprise{Values: forms.Values{"enterprise_name": {s}, "credit_code": {" " + s}, "region": {"", s}, "address": {s}}}
			checkContent(t, cat, n, e)
		}
	}
	// No values at all, and a need with a nil map.
	checkContent(t, cat, &forms.Need{}, &forms.Enterprise{})
	checkContent(t, cat, &forms.Need{Values: forms.Values{"title": {" ", ""}, "keywords": nil}}, nil)
}

func FuzzCanonicalContent(f *testing.F) {
	for _, s := range trickyText {
		f.Add("title", s, "x", "anonymous")
		f.Add(s, "v", s, "named")
	}
	f.Add("tech_fields", "101", "202", "private")
	f.Fuzz(func(t *testing.T, key, a, b, vis string) {
		cat := forms.Default()
		n := &forms.Need{Values: forms.Values{
			key: {a, b}, "title": {a}, "keywords": {b, a}, "problem": {b},
			"visibility": {vis}, "public_alias": {a}, "intended_partners": {b},
		}}
		e := &forms.Enterprise{Values: forms.Values{"enterprise_name": {a}, "credit_code": {b}, "region": {a, b}, key: {a}}}
		checkContent(t, cat, n, e)
	})
}

// BenchmarkCanonicalContent compares the hand-written encoder with the
// encoding/json reference on a generated need.
func BenchmarkCanonicalContent(b *testing.B) {
	cat := forms.Default()
	s := demo.Generate(7, 3)
	n, e := s.Needs[0], s.Enterprises[0]
	b.Run("hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cat.CanonicalContent(n, e)
		}
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			contentJSON(cat, n, e)
		}
	})
}
