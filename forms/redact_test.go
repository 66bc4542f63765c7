package forms

import (
	"fmt"
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
	if p.Publisher != "苏州昆仑精密机械有限公司" || p.Contact.Get("contact_mobile") != "13812345678" {
		t.Errorf("named publication: publisher %q, contact %v", p.Publisher, p.Contact)
	}
	dump = fmt.Sprintf("%+v", p)
	for _, s := range []string{"已投入 300 万元", "竞争对手", "苏州市某装备制造企业"} {
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
