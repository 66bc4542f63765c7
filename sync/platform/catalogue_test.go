package platform_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// withValues sets a need record's catalogue version and extra values.
func withValues(r protocol.Record, version string, vals map[string][]string) protocol.Record {
	var n forms.Need
	if err := json.Unmarshal(r.Body, &n); err != nil {
		panic(err)
	}
	n.CatalogueVersion = version
	for id, l := range vals {
		n.Values.SetList(id, l)
	}
	b, err := json.Marshal(n)
	if err != nil {
		panic(err)
	}
	r.Body = b
	return r
}

// A hub not yet upgraded accepts a need from a newer form with a warning,
// never a refusal; a hub upgraded accepts an old laptop's legacy codes and
// publishes them in today's codes; this version's own unknown fields are
// still refused (issue 14.4).
func TestHubAcceptsOtherCatalogueVersions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, platform.Options{})
	a, b := f.token("li", "suzhou"), f.token("wang", "wuxi")
	cat := forms.Default()
	ent := enterprise("e1", "e1r1", "", "苏州昆仑精密机械有限公司")

	newer := withValues(need("n1", "r1", "", "e1", "高温合金部件焊接工艺", forms.VisibilityNamed), "2099.1",
		map[string][]string{"field_of_2099": {"新版表单的字段"}, "need_type": {"42"}})
	older := withValues(need("n2", "r2", "", "e1", "伺服电机编码器国产化", forms.VisibilityNamed), "2026.1",
		map[string][]string{"tech_fields": {"0101"}})
	older = confirmed(older, ent)
	same := withValues(need("n3", "r3", "", "e1", "本版本的未知字段", forms.VisibilityNamed), cat.Version,
		map[string][]string{"field_of_2099": {"x"}})
	rs := f.push(a, ent, newer, older, same)
	if rs[1].Outcome != protocol.Accepted || len(rs[1].Warnings) != 2 {
		t.Errorf("newer form: %s, warnings %+v", rs[1].Outcome, rs[1].Warnings)
	}
	if rs[2].Outcome != protocol.Accepted || len(rs[2].Warnings) != 0 {
		t.Errorf("older form with a legacy code: %s %+v %+v", rs[2].Outcome, rs[2].Reasons, rs[2].Warnings)
	}
	if rs[3].Outcome != protocol.Invalid {
		t.Errorf("this version's unknown field: %s", rs[3].Outcome)
	}
	// The body is kept as pushed: the team gets its legacy code back.
	body, err := f.srv.Revision(ctx, "r2")
	if err != nil {
		t.Fatal(err)
	}
	var kept forms.Need
	if err := json.Unmarshal(body, &kept); err != nil || kept.Values.Get("tech_fields") != "0101" {
		t.Errorf("stored body %s", body)
	}
	// Published, another team sees today's code, the confirmation current.
	if err := f.srv.Review(ctx, "n2", "已发布", "https://p.example.cn/n2", ""); err != nil {
		t.Fatal(err)
	}
	changes, _, _ := f.pull(b, "")
	var seen *protocol.PublicNeed
	for _, c := range changes {
		if c.NeedID == "n2" {
			seen = c.Public
		}
	}
	if seen == nil || len(seen.Values["tech_fields"]) != 1 || seen.Values["tech_fields"][0] != "101" {
		t.Fatalf("the published legacy need: %+v", seen)
	}
}
