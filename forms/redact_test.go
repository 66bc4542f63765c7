package forms

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestPublishRedactsByVisibility(t *testing.T) {
	cat := Default()
	e := sampleEnterprise()
	secrets := []string{"苏州昆仑精密机械有限公司", "914403001922038216", "王晓明", "13812345678", "已投入 300 万元", "竞争对手", "玉山镇某路"}

	n := sampleNeed() // anonymous
	p, ok := cat.Publish(n, e)
	if !ok {
		t.Fatal("an anonymous need was not publishable")
	}
	dump := fmt.Sprintf("%+v", p)
	for _, s := range secrets {
		if strings.Contains(dump, s) {
			t.Errorf("anonymous publication leaks %q: %s", s, dump)
		}
	}
	if p.Publisher != "苏州市某装备制造企业" || p.Values.Get("title") == "" {
		t.Errorf("anonymous publication: publisher %q, title %q", p.Publisher, p.Values.Get("title"))
	}

	n.Values.Set("visibility", "named")
	p, _ = cat.Publish(n, e)
	if p.Publisher != "苏州昆仑精密机械有限公司" {
		t.Errorf("named publication: publisher %q", p.Publisher)
	}
	dump = fmt.Sprintf("%+v", p)
	// A contact is personal information: not published even by name (DESIGN.md).
	for _, s := range []string{"王晓明", "13812345678", "已投入 300 万元", "竞争对手", "苏州市某装备制造企业"} {
		if strings.Contains(dump, s) {
			t.Errorf("named publication leaks %q", s)
		}
	}

	n.Values.Set("visibility", "private")
	if _, ok := cat.Publish(n, e); ok {
		t.Error("a private need was published")
	}
	delete(n.Values, "visibility")
	if _, ok := cat.Publish(n, e); ok {
		t.Error("a need with no visibility was published")
	}
}

func TestPublicValuesNeverCarryNonPublicClasses(t *testing.T) {
	cat := Default()
	all := Values{}
	for _, f := range cat.Fields(EntityEnterprise) {
		all.Set(f.ID, "x")
	}
	for _, vis := range []Visibility{VisibilityNamed, VisibilityAnonymous, VisibilityPrivate} {
		for id := range cat.PublicValues(EntityEnterprise, all, vis) {
			f := cat.MustField(id)
			if f.Class != ClassPublic || f.Identifying && vis != VisibilityNamed {
				t.Errorf("%s: %s (%s, identifying=%v) published", vis, id, f.Class, f.Identifying)
			}
		}
	}
}

func TestMaskMobile(t *testing.T) {
	if got := MaskMobile("13812345678"); got != "138****5678" {
		t.Errorf("MaskMobile = %q", got)
	}
}

// publicValuesRef is PublicValues as first written: the reference for the
// version that copies into one backing array.
func publicValuesRef(c *Catalogue, entity Entity, v Values, vis Visibility) Values {
	out := Values{}
	if vis != VisibilityNamed && vis != VisibilityAnonymous {
		return out
	}
	for id, l := range v {
		f, ok := c.Field(id)
		if !ok || f.Entity != entity || f.Class != ClassPublic {
			continue
		}
		if f.Identifying && vis != VisibilityNamed {
			continue
		}
		out[id] = append([]string(nil), l...)
	}
	return out
}

func TestPublicValuesCopies(t *testing.T) {
	cat := Default()
	n, e := sampleNeed(), sampleEnterprise()
	n.Values["problem"] = []string{}          // empty, not nil: copied as nil
	n.Values["expected_goal"] = nil           // nil
	n.Values["no_such_field"] = []string{"x"} // unknown: left out
	n.Values["tech_fields"] = append(make([]string, 0, 8), "80", "804")
	for _, vis := range []Visibility{VisibilityNamed, VisibilityAnonymous, VisibilityPrivate} {
		for _, c := range []struct {
			entity Entity
			v      Values
		}{{EntityNeed, n.Values}, {EntityEnterprise, e.Values}} {
			got, want := cat.PublicValues(c.entity, c.v, vis), publicValuesRef(cat, c.entity, c.v, vis)
			if len(got) != len(want) {
				t.Fatalf("%s %s: %v, want %v", c.entity, vis, got, want)
			}
			for id, w := range want {
				g, ok := got[id]
				if !ok || (g == nil) != (w == nil) || !slices.Equal(g, w) {
					t.Errorf("%s %s: %s = %#v, want %#v", c.entity, vis, id, g, w)
				}
			}
		}
	}
	// Each list is the caller's own: appending to one or writing into it
	// touches neither the record nor the other lists.
	orig := n.Values.Clone()
	pv := cat.PublicValues(EntityNeed, n.Values, VisibilityNamed)
	before := pv.Clone()
	for id := range pv {
		pv[id] = append(pv[id], "added")
		if len(pv[id]) > 1 {
			pv[id][0] = "changed"
		}
		for other, l := range pv {
			if other != id && !slices.Equal(l, before[other]) && !slices.Contains(l, "added") {
				t.Fatalf("appending to %s changed %s: %q", id, other, l)
			}
		}
	}
	for id, l := range orig {
		if !slices.Equal(n.Values[id], l) {
			t.Errorf("changing the public values changed the record: %s = %q, was %q", id, n.Values[id], l)
		}
	}
	// Publish leaves visibility and the alias out of the need's values, and
	// keeps the rest exactly.
	p, _ := cat.Publish(n, e)
	want := publicValuesRef(cat, EntityNeed, n.Values, n.Visibility())
	delete(want, "visibility")
	delete(want, "public_alias")
	if len(p.Values) != len(want) {
		t.Fatalf("published values %v, want %v", p.Values, want)
	}
	for id, w := range want {
		if g := p.Values[id]; !slices.Equal(g, w) || (g == nil) != (w == nil) {
			t.Errorf("published %s = %#v, want %#v", id, g, w)
		}
	}
}

// An anonymous need is published with its county at most: a town holds too
// few enterprises to hide one among them. A named need keeps its town.
func TestPublishAnonymousRegionNoFinerThanCounty(t *testing.T) {
	cat := Default()
	e := sampleEnterprise()
	e.Values.Set("region", "320583102")
	n := sampleNeed() // anonymous
	p, ok := cat.Publish(n, e)
	if !ok || p.Region != "320583" {
		t.Fatalf("anonymous: region %q (ok %v), want the county 320583", p.Region, ok)
	}
	var into PublicNeed
	if !cat.PublishInto(&into, n, e) || into.Region != "320583" {
		t.Fatalf("anonymous through PublishInto: region %q", into.Region)
	}
	n.Values.Set("visibility", "named")
	if p, _ := cat.Publish(n, e); p.Region != "320583102" {
		t.Fatalf("named: region %q, want the town", p.Region)
	}
}

// An anonymous need the platform said it shows with a coarser region than
// its county (the hub's crowd rule) is printed no finer; the region printed
// is still the enterprise's own, cut to the platform's level.
func TestShownRegionFollowsThePlatform(t *testing.T) {
	cat := Default()
	for _, c := range []struct {
		name       string
		vis        Visibility
		shown      bool
		platform   string
		enterprise string
		want       string
	}{
		{"not told: the county", VisibilityAnonymous, false, "", "320583102", "320583"},
		{"the city", VisibilityAnonymous, true, "320500", "320583102", "320500"},
		{"the province", VisibilityAnonymous, true, "320000", "320583102", "320000"},
		{"no region", VisibilityAnonymous, true, "", "320583102", ""},
		{"the county, as the rule", VisibilityAnonymous, true, "320583", "320583102", "320583"},
		{"not a region code", VisibilityAnonymous, true, "苏州", "320583102", ""},
		{"moved since: its own city", VisibilityAnonymous, true, "320500", "320205", "320200"},
		{"named: its own town", VisibilityNamed, true, "320000", "320583102", "320583102"},
		{"no region of its own", VisibilityAnonymous, true, "320500", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := sampleEnterprise()
			e.Values.Set("region", c.enterprise)
			n := sampleNeed()
			n.Values.Set("visibility", string(c.vis))
			n.Platform = Platform{State: "已发布", RegionShown: c.shown, Region: c.platform}
			if got := ShownRegion(n, c.enterprise); got != c.want {
				t.Errorf("ShownRegion = %q, want %q", got, c.want)
			}
			if p, ok := cat.Publish(n, e); !ok || p.Region != c.want {
				t.Errorf("Publish: region %q (ok %v), want %q", p.Region, ok, c.want)
			}
			var into PublicNeed
			if !cat.PublishInto(&into, n, e) || into.Region != c.want {
				t.Errorf("PublishInto: region %q, want %q", into.Region, c.want)
			}
		})
	}
}

func TestCoarsenRegion(t *testing.T) {
	for _, c := range []struct {
		code  string
		level RegionLevel
		want  string
	}{
		{"320583102", RegionTown, "320583102"},
		{"320583102", RegionCounty, "320583"},
		{"320583102", RegionCity, "320500"},
		{"320583102", RegionProvince, "320000"},
		{"320583102000", RegionCounty, "320583"},
		{"320583000", RegionTown, "320583"},
		{"320583", RegionCounty, "320583"},
		{"320583", RegionCity, "320500"},
		{"320500", RegionCounty, "320500"},
		{"320000", RegionCity, "320000"},
		{" 320583 ", RegionCounty, "320583"},
		{"", RegionCounty, ""},
		{"苏州", RegionCounty, ""},
		{"32058", RegionCounty, ""},
	} {
		if got := CoarsenRegion(c.code, c.level); got != c.want {
			t.Errorf("CoarsenRegion(%q, %v) = %q, want %q", c.code, c.level, got, c.want)
		}
	}
	if got := PublicRegion("320583102", VisibilityPrivate); got != "" {
		t.Errorf("PublicRegion of a private need = %q", got)
	}
}

func TestPublicPageURL(t *testing.T) {
	for _, c := range []struct{ base, id, want string }{
		{"https://hub.example.cn", "n1", "https://hub.example.cn/n/n1"},
		{"https://hub.example.cn/xb/ ", "n1", "https://hub.example.cn/xb/n/n1"},
		{"", "n1", ""},
		{"https://hub.example.cn", "", ""},
	} {
		if got := PublicPageURL(c.base, c.id); got != c.want {
			t.Errorf("PublicPageURL(%q, %q) = %q, want %q", c.base, c.id, got, c.want)
		}
	}
}

func TestMaskPhoneAndEmail(t *testing.T) {
	for in, want := range map[string]string{
		"13912345678":       "139****5678",
		"0512-57771234":     "051****1234",
		"+86 139 1234 5678": "+86 1****5678",
		"57771234":          "577****1234",
		"1234567":           "****4567",
		"转 8021":            "****8021",
		"面谈":                "面谈",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"zhao@example.edu.cn": "zh***@example.edu.cn", "赵明远@例子.cn": "赵明***@例子.cn", "x@y.cn": "x***@y.cn", "no-at": "no-at"} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
