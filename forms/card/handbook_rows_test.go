package card

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// The catalogue decides a booklet block's rows and their order: a new
// public field shows in 其他 with no code change, and reordering the
// catalogue's handbook list reorders the block (issue 14.4).
func TestBookletRowsFollowTheCatalogue(t *testing.T) {
	raw, err := os.ReadFile("../data/catalogue.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["fields"] = append(m["fields"].([]any), map[string]any{
		"id": "field_of_2099", "entity": "need", "kind": "text", "class": "public",
		"zh": "新增公开字段", "en": "A new public field", "section": "content",
	})
	m["handbook"] = []any{"problem", "@publisher", "tech_fields", "@other"}
	b, _ := json.Marshal(m)
	cat, err := forms.ParseCatalogue(b)
	if err != nil {
		t.Fatal(err)
	}
	n := &forms.Need{ID: "n1", EnterpriseID: "e1", Status: forms.StatusPublished, Values: forms.Values{}}
	n.Values.Set("title", "高温合金部件焊接工艺")
	n.Values.Set("visibility", "named")
	n.Values.Set("problem", "焊缝在高温下开裂，需要新的工艺路线。")
	n.Values.Set("tech_fields", "101")
	n.Values.Set("field_of_2099", "新字段的值")
	n.Values.Set("keywords", "焊接")
	e := &forms.Enterprise{ID: "e1", Values: forms.Values{"enterprise_name": {"苏州昆仑精密机械有限公司"}}}
	p, ok := cat.Publish(n, e)
	if !ok {
		t.Fatal("not publishable")
	}
	opt := &Options{Catalogue: cat}
	c := contentOfPublic(Item{Need: n, Enterprise: e}, &p, opt)
	rows := bookRows(cat, &p, &c)
	var labels []string
	for _, r := range rows {
		labels = append(labels, r[0])
	}
	if got := strings.Join(labels, ","); got != "主要问题,需求方,技术领域,其他" {
		t.Fatalf("rows %s", got)
	}
	if other := rows[3][1]; !strings.Contains(other, "新增公开字段：新字段的值") || !strings.Contains(other, "关键词") {
		t.Fatalf("其他: %q", other)
	}
}
