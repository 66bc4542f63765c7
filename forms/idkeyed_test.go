package forms

import "testing"

// An IDKeyed answers as a map of strings would, whether an id is a UUID as
// UUIDString writes one (kept as bytes) or any other text, however like a
// UUID.
func TestIDKeyed(t *testing.T) {
	u1, u2 := NewID(), NewID()
	upper := "6F1C2D3E-4B5A-4C6D-8E7F-0123456789AB"
	lower := "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"
	var m IDKeyed[int]
	want := map[string]int{}
	for i, id := range []string{u1, "e-1", upper, u2, u1, "", lower, "e-1"} {
		m.Set(id, i)
		want[id] = i
		for _, k := range []string{u1, u2, "e-1", upper, lower, "", "u"} {
			got, ok := m.Get(k)
			if w, wok := want[k]; got != w || ok != wok {
				t.Fatalf("after setting %q: Get(%q) = %d, %v; want %d, %v", id, k, got, ok, w, wok)
			}
		}
	}
}
