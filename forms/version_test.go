package forms

import "testing"

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"2026.1", "2026.2", -1}, {"2026.2", "2026.10", -1}, {"2026.10", "2026.2", 1},
		{"2026.2", "2026.2", 0}, {"2027", "2026.9", 1}, {"2026", "2026.0", 0}, {"2026.1a", "2026.1b", -1},
	} {
		if got := CompareVersions(c.a, c.b); got != c.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// A record from another catalogue version is not refused for a field or an
// option only the other version knows; the same record under this version
// is.
func TestTolerateAnotherCatalogue(t *testing.T) {
	cat := Default()
	n := &Need{ID: "n1", EnterpriseID: "e1", Status: StatusDraft, Values: Values{}}
	n.Values.Set("title", "高温合金部件焊接工艺")
	n.Values.Set("field_of_2099", "新字段的值")
	n.Values.Set("need_type", "42")
	same := cat.Tolerate(cat.Version, cat.ValidateNeed(n, Draft))
	if !Blocking(same) {
		t.Fatalf("this version's record with an unknown field and option passed: %v", same)
	}
	for _, v := range []string{"2099.1", "2020.1"} {
		ps := cat.Tolerate(v, cat.ValidateNeed(n, Draft))
		if Blocking(ps) {
			t.Errorf("a record of form version %s is refused: %v", v, ps)
		}
		if len(ps) < 2 {
			t.Errorf("version %s: the differences are not warned of: %v", v, ps)
		}
	}
	// A malformed field name is never tolerated.
	n.Values.Set("bad\u202efield", "x")
	if ps := cat.Tolerate("2099.1", cat.ValidateNeed(n, Draft)); !Blocking(ps) {
		t.Errorf("a field name with a bidi control passed under another version: %v", ps)
	}
}
