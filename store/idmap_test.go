package store

import (
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// An idMap and an idSet answer as a map of strings would, whether ids are
// UUIDs as forms writes them (kept as bytes), other text, or one after the
// other under the same key.
func TestIDMapAndSet(t *testing.T) {
	u1, u2, u3 := forms.NewID(), forms.NewID(), forms.NewID()
	upper := "6F1C2D3E-4B5A-4C6D-8E7F-0123456789AB" // not as forms writes: text
	m, want := newIDMap(), map[string]string{}
	s, wantSet := newIDSet(), map[string]bool{}
	for _, kv := range [][2]string{
		{u1, u2},       // both bytes
		{"e-1", u3},    // text key
		{u2, "c-9"},    // text value
		{upper, u1},    // text key, however like a UUID
		{u1, "c-2"},    // bytes, then text, under one key
		{u2, u3},       // text, then bytes
		{"e-1", "e-1"}, // again
	} {
		m.set(kv[0], kv[1])
		want[kv[0]] = kv[1]
		s.add(kv[0])
		wantSet[kv[0]] = true
		for _, k := range []string{u1, u2, u3, "e-1", upper, "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab", ""} {
			got, ok := m.get(k)
			if w, wok := want[k]; got != w || ok != wok {
				t.Fatalf("after %v: get(%q) = %q, %v; want %q, %v", kv, k, got, ok, w, wok)
			}
			if _, w := want[k]; m.has(k) != w {
				t.Fatalf("after %v: has(%q) = %v", kv, k, m.has(k))
			}
			if s.has(k) != wantSet[k] {
				t.Fatalf("after adding %q: has(%q) = %v", kv[0], k, s.has(k))
			}
		}
	}
}

// A contactMap answers as a map of contactKey would, for keys of UUIDs
// (kept as bytes), of text, and of one of each.
func TestContactMap(t *testing.T) {
	e1, e2, c1, c2, s1 := forms.NewID(), forms.NewID(), forms.NewID(), forms.NewID(), forms.NewID()
	m, want := newContactMap(), map[contactKey]string{}
	keys := []contactKey{{e1, c1}, {e1, c2}, {e2, c1}, {c1, e1}, {e1, "c-1"}, {"e-1", c1}, {"e-1", "c-1"}, {e1, ""}}
	for _, kv := range []struct {
		k contactKey
		v string
	}{
		{contactKey{e1, c1}, s1},
		{contactKey{e2, c1}, "s-2"},
		{contactKey{e1, "c-1"}, s1},
		{contactKey{"e-1", c1}, s1},
		{contactKey{e1, c1}, "s-3"}, // bytes, then text
		{contactKey{e2, c1}, s1},    // text, then bytes
	} {
		m.set(kv.k, kv.v)
		want[kv.k] = kv.v
		for _, k := range keys {
			got, ok := m.get(k)
			if w, wok := want[k]; got != w || ok != wok {
				t.Fatalf("after %v: get(%v) = %q, %v; want %q, %v", kv, k, got, ok, w, wok)
			}
		}
	}
}
