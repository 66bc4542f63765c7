package xlsx

import (
	"slices"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

func TestEntMissing(t *testing.T) {
	m := newEntMissing()
	a, b, c := forms.NewID(), forms.NewID(), forms.NewID()
	const odd = "企业-7" // not a UUID: kept by its text
	m.set(a, []string{"contact_phone", "employees"})
	m.set(b, []string{"contact_phone", "employees"})
	m.set(odd, []string{"region"})
	m.set(c, []string{"contact_phone"})
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{a, []string{"contact_phone", "employees"}},
		{b, []string{"contact_phone", "employees"}},
		{c, []string{"contact_phone"}},
		{odd, []string{"region"}},
		{forms.NewID(), nil},                          // an enterprise that lacks nothing
		{"6F1C2D3E-4B5A-4C6D-8E7F-0123456789AB", nil}, // not the lowercase id set
	} {
		if got := m.get(tc.id); !slices.Equal(got, tc.want) {
			t.Errorf("get(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
	// A list that repeats is kept once.
	if len(m.lists) != 3 {
		t.Errorf("%d lists kept, want 3: %q", len(m.lists), m.lists)
	}
	// An id set again takes its new list.
	m.set(a, []string{"region"})
	if got := m.get(a); !slices.Equal(got, []string{"region"}) {
		t.Errorf("after set again: %q", got)
	}
	if len(m.lists) != 3 {
		t.Errorf("%d lists kept after set again, want 3", len(m.lists))
	}
}
