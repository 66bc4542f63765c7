package forms

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// metaSamples are the metadata of a contact, an enterprise and a need,
// with s in every text and t as every time.
func metaSamples(s string, t time.Time, lists bool) []any {
	var l []string
	if lists {
		l = []string{s, "field_a"}
	}
	c := contactMeta{ID: s, Values: Values{"contact_name": {"王"}}}
	e := enterpriseMeta{ID: s, Rev: s, CatalogueVersion: s, Team: s, CreatedBy: s, CreatedAt: t, UpdatedAt: t.Add(time.Hour),
		Overrides: l, Values: Values{"enterprise_name": {s}}}
	if lists {
		e.Contacts = []Contact{{ID: s, Values: Values{"contact_name": {s}, "phone": {"13800000000"}}}, {ID: "c2"}}
	}
	n := needMeta{ID: s, EnterpriseID: s, ContactID: s, Rev: s, BaseRev: s, CatalogueVersion: s, Status: Status(s),
		StaleFrom: Status(s), Missing: l, Overrides: l, Team: s, CreatedBy: s, CreatedAt: t, UpdatedAt: t}
	return []any{c, e, n, needMeta{ID: s, CreatedAt: t}, enterpriseMeta{}}
}

// TestMetaFastIsUsed: the records an import makes take the fast path, and
// what it writes is what encoding/json writes.
func TestMetaFastIsUsed(t *testing.T) {
	for _, m := range metaSamples("苏州寻榜一队", time.Date(2026, 12, 3, 4, 5, 6, 7, time.FixedZone("CST", 8*3600)), true) {
		got, ok := appendMetaFast(nil, m)
		if !ok {
			t.Fatalf("%T: the fast path declined", m)
		}
		want, err := json.Marshal(m)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%T:\nfast %s\njson %s (%v)", m, got, want, err)
		}
	}
	for _, m := range []any{
		needMeta{ID: "a<b"}, needMeta{Diagnosis: &Diagnosis{}}, needMeta{Platform: Platform{State: "已发布"}},
		needMeta{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, enterpriseMeta{Team: "A&B"},
		enterpriseMeta{Contacts: []Contact{{ID: "c", Values: Values{"contact_name": {"<王>"}}}}},
	} {
		if b, ok := appendMetaFast(nil, m); ok {
			t.Errorf("%+v: the fast path wrote %s; it should leave it to encoding/json", m, b)
		}
	}
}

// FuzzMetaJSON: wherever the fast path writes a record's metadata, it
// writes what encoding/json writes.
func FuzzMetaJSON(f *testing.F) {
	f.Add("苏州", int64(1764700000), true)
	f.Add("a\u2028b\"\\\x00\xff", int64(-62135596800), false)
	f.Add("", int64(253402300799), true)
	f.Fuzz(func(t *testing.T, s string, sec int64, lists bool) {
		for _, m := range metaSamples(s, time.Unix(sec, sec%1e9).In(time.FixedZone("", int(sec%50000))), lists) {
			got, ok := appendMetaFast(nil, m)
			if !ok {
				continue
			}
			want, err := json.Marshal(m)
			if err != nil {
				t.Fatalf("%T %q: fast path wrote %s, encoding/json failed: %v", m, s, got, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%T %q:\nfast %s\njson %s", m, s, got, want)
			}
		}
	})
}
