package xlsx

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

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

// TestReadEnterprisePackedAsJSONWould: an enterprise the reader packs comes
// back as encoding it to JSON and decoding it gave it back before — blank
// fields dropped, lists, contacts and meta as they were — and the ones a
// workbook makes are packed in the binary form.
func TestReadEnterprisePackedAsJSONWould(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	texts := []string{"", " ", "\t", "江苏某精密制造有限公司", "a\"b\\c\n", "320583", "true", "1.50", "\u2028", "bad \xff"}
	values := func() forms.Values {
		v := forms.Values{}
		for _, id := range []string{"enterprise_name", "credit_code", "region", "contact_name", "phone", "unknown_x"} {
			if rng.IntN(3) == 0 {
				continue
			}
			l := make([]string, rng.IntN(3))
			for j := range l {
				l[j] = texts[rng.IntN(len(texts))]
			}
			v[id] = l
		}
		return v
	}
	binary := 0
	for i := range 3000 {
		e := &forms.Enterprise{ID: forms.NewID(), CatalogueVersion: "2026.2", Values: values()}
		for range rng.IntN(3) {
			e.Contacts = append(e.Contacts, forms.Contact{ID: forms.NewID(), Values: values()})
		}
		if i%10 == 0 {
			e.Team, e.CreatedAt = "一队", time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
		}
		want := new(forms.Enterprise)
		j, err := e.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if err := want.UnmarshalJSON(j); err != nil {
			t.Fatal(err)
		}
		p, err := packReadEnterprise(nil, e)
		if err != nil {
			t.Fatal(err)
		}
		if p[0] == 'P' {
			binary++
		}
		got, err := unpackReadEnterprise(p)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v:\ngot  %+v\nwant %+v", e, got, want)
		}
	}
	if binary < 1000 {
		t.Fatalf("only %d of 3000 packed in the binary form", binary)
	}
}
