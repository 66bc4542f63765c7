package store

import (
	"testing"

	"github.com/xunbang/xunbang/forms"
)

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
