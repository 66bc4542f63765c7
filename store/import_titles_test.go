package store

import (
	"testing"

	"github.com/xunbang/xunbang/forms"
)

func TestParseUUID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{forms.NewID(), true},
		{"6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab", true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"6F1C2D3E-4B5A-4C6D-8E7F-0123456789AB", false}, // would come back lowercase
		{"6f1c2d3e4b5a4c6d8e7f0123456789ab", false},
		{"6f1c2d3e-4b5a-4c6d-8e7f-0123456789a", false},
		{"6f1c2d3e-4b5a-4c6d-8e7f-0123456789ag", false},
		{"6f1c2d3e-4b5a+4c6d-8e7f-0123456789ab", false},
		{"row-12", false},
		{"", false},
	} {
		u, ok := parseUUID(tc.id)
		if ok != tc.ok {
			t.Errorf("parseUUID(%q): ok %v, want %v", tc.id, ok, tc.ok)
		}
		if ok && u.String() != tc.id {
			t.Errorf("parseUUID(%q).String() = %q", tc.id, u.String())
		}
	}
}

// FuzzParseUUID: an id read as 16 bytes is written back as the very id,
// so the title index never answers with another need's id.
func FuzzParseUUID(f *testing.F) {
	f.Add("6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab")
	f.Add("6F1C2D3E-4B5A-4C6D-8E7F-0123456789AB")
	f.Add("row-1")
	f.Fuzz(func(t *testing.T, id string) {
		if u, ok := parseUUID(id); ok && u.String() != id {
			t.Fatalf("parseUUID(%q) comes back as %q", id, u.String())
		}
	})
}

// The title index gives back each need's id as it was set, a UUID or any
// other id the store accepts, and the later of two needs set for a title.
func TestTitleIndexKeepsIDs(t *testing.T) {
	heads := map[string]*needHead{}
	x := newTitleIndex(func(id string) (*needHead, error) { return heads[id], nil })
	set := func(eid, title, id string) {
		t.Helper()
		heads[id] = &needHead{Summary: Summary{ID: id, EnterpriseID: eid, Title: title}}
		if err := x.set(eid, forms.FoldSearch(title), id); err != nil {
			t.Fatal(err)
		}
	}
	uuid, odd, later := forms.NewID(), "需求-甲", forms.NewID()
	set("e1", "热变形补偿", uuid)
	set("e1", "视觉检测", odd)
	set("e2", "视觉检测", later)
	set("e2", "视觉检测", "另一个编号") // the later of two for one title
	for _, tc := range []struct{ eid, title, want string }{
		{"e1", "热变形补偿", uuid},
		{"e1", "视觉检测", odd},
		{"e2", "视觉检测", "另一个编号"},
		{"e2", "热变形补偿", ""},
	} {
		id, ok, err := x.get(tc.eid, forms.FoldSearch(tc.title))
		if err != nil {
			t.Fatal(err)
		}
		if (tc.want != "") != ok || ok && id != tc.want {
			t.Errorf("%s %s: %q %v, want %q", tc.eid, tc.title, id, ok, tc.want)
		}
	}
}
