package xlsx

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// TestEnterprisesPackedAsAdded: what get and each give back is what add
// took, for enterprises with and without contacts, empty texts and
// multi-valued fields, however many share a chunk.
func TestEnterprisesPackedAsAdded(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	text := func() string {
		r := []rune("企业名称abc_0 \n\"é𠀀")
		out := make([]rune, rng.IntN(40))
		for i := range out {
			out[i] = r[rng.IntN(len(r))]
		}
		return string(out)
	}
	values := func() forms.Values {
		v := forms.Values{}
		for i := range rng.IntN(6) {
			l := make([]string, 1+rng.IntN(3))
			for j := range l {
				l[j] = text()
			}
			v[fmt.Sprintf("field_%d", i)] = l
		}
		return v
	}
	es := newEnterprises()
	want := map[string]*forms.Enterprise{}
	for i := range 20000 { // several chunks
		e := &forms.Enterprise{ID: fmt.Sprintf("e%05d", i), Values: values()}
		for range rng.IntN(3) {
			e.Contacts = append(e.Contacts, forms.Contact{ID: text(), Values: values()})
		}
		es.add(e, nil, func(string) bool { return true })
		want[e.ID] = e
	}
	if len(es.at) != len(want) {
		t.Fatalf("%d enterprises held, want %d", len(es.at), len(want))
	}
	for id, w := range want {
		if got := es.get(id); !reflect.DeepEqual(got, w) {
			t.Fatalf("%s:\ngot  %+v\nwant %+v", id, got, w)
		}
	}
	seen := 0
	es.each(func(id string, e *forms.Enterprise) {
		if !reflect.DeepEqual(e, want[id]) {
			t.Fatalf("each %s: %+v, want %+v", id, e, want[id])
		}
		seen++
	})
	if seen != len(want) {
		t.Fatalf("each gave %d, want %d", seen, len(want))
	}
	if es.get("no such id") != nil {
		t.Error("an unknown id gives an enterprise")
	}
}
