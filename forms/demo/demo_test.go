package demo

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

func TestGenerateIsRealistic(t *testing.T) {
	cat := forms.Default()
	s := Generate(1, 300)
	if len(s.Needs) != 300 || len(s.Enterprises) != 101 {
		t.Fatalf("%d needs, %d enterprises", len(s.Needs), len(s.Enterprises))
	}
	statuses, types := map[forms.Status]int{}, map[string]int{}
	for _, e := range s.Enterprises {
		if ps := cat.ValidateEnterprise(e, forms.Final); len(ps) != 0 {
			t.Fatalf("enterprise %s: %s", e.Name(), ps[0].Message(cat, "zh"))
		}
		if _, ok := forms.Regions().Lookup(e.Values.Get("region")); !ok {
			t.Fatalf("enterprise %s in unknown region %s", e.Name(), e.Values.Get("region"))
		}
	}
	byID := map[string]*forms.Enterprise{}
	for _, e := range s.Enterprises {
		byID[e.ID] = e
	}
	for _, n := range s.Needs {
		statuses[n.Status]++
		types[n.Values.Get("need_type")]++
		if ps := cat.ValidateNeed(n, forms.Final); len(ps) != 0 {
			t.Fatalf("need %s: %s", n.Title(), ps[0].Message(cat, "zh"))
		}
		if n.Confirmation != nil && n.Status.AfterConfirmation() && !cat.ConfirmationCurrent(n, byID[n.EnterpriseID]) {
			t.Fatalf("need %s (%s) has a stale confirmation", n.Title(), n.Status)
		}
	}
	for _, st := range []forms.Status{forms.StatusDraft, forms.StatusToDiagnose, forms.StatusToComplete, forms.StatusToConfirm, forms.StatusConfirmed, forms.StatusPublished, forms.StatusMatching, forms.StatusSigned, forms.StatusLongTerm} {
		if statuses[st] == 0 {
			t.Errorf("no need in status %s", st)
		}
	}
	if len(types) != len(cat.Vocabulary("need_type").Options) {
		t.Errorf("%d need types used, want all %d", len(types), len(cat.Vocabulary("need_type").Options))
	}
	if again := Generate(1, 300); again.Needs[7].ID != s.Needs[7].ID || again.Needs[7].Title() != s.Needs[7].Title() {
		t.Error("the same seed gave different records")
	}
}

// TestDemoAgrees is issue 13.10: titles, tech fields, industries, sizes and
// texts agree — no 高速主轴轴承 under 生物与新医药, no title twice, no
// 检测检测自动化, no 规上 enterprise that is 微型.
func TestDemoAgrees(t *testing.T) {
	for _, seed := range []uint64{1, 2026} {
		s := Generate(seed, 400)
		tradeOf := checkEnterprises(t, s)
		checkNeeds(t, s, tradeOf)
	}
}

// checkEnterprises checks that each enterprise's name, industry, size and
// qualifications agree, and returns the trades by enterprise id.
func checkEnterprises(t *testing.T, s *Set) map[string]trade {
	t.Helper()
	tradeOf := map[string]trade{}
	for _, e := range s.Enterprises {
		name := e.Name()
		found := false
		for _, tr := range trades {
			if strings.Contains(name, tr.name) {
				tradeOf[e.ID], found = tr, true
			}
		}
		if !found {
			t.Fatalf("%s: no trade in the name", name)
		}
		if tr := tradeOf[e.ID]; e.Values.Get("industry") != tr.industry {
			t.Errorf("%s: industry %s, the trade's is %s", name, e.Values.Get("industry"), tr.industry)
		}
		if strings.Contains(name, "科技科技") || strings.Contains(name, "有限公司有限公司") {
			t.Errorf("name %s says a word twice", name)
		}
		scale, above, quals := e.Values.Get("scale"), e.Values.Bool("above_scale"), e.Values.List("qualifications")
		switch {
		case scale == "4" && above:
			t.Errorf("%s is 微型 and 规上", name)
		case (scale == "1" || scale == "2") && !above:
			t.Errorf("%s is large or medium and not 规上", name)
		case scale == "1" && (slices.Contains(quals, "tsme") || slices.Contains(quals, "srdi") || slices.Contains(quals, "giant")):
			t.Errorf("%s is large and an SME: %v", name, quals)
		case scale == "4" && slices.Contains(quals, "listed"):
			t.Errorf("%s is 微型 and listed", name)
		}
	}
	return tradeOf
}

// checkNeeds checks that each need's title is unique and says no word
// twice, and that its subject, tech field, type and alias are its
// enterprise's trade's.
func checkNeeds(t *testing.T, s *Set, tradeOf map[string]trade) {
	t.Helper()
	voc := forms.Default().Vocabulary("tech_field")
	seen := map[string]bool{}
	for _, n := range s.Needs {
		title := n.Title()
		if seen[title] {
			t.Errorf("title %s twice", title)
		}
		seen[title] = true
		r := []rune(title)
		for i := 0; i+3 < len(r); i++ {
			if string(r[i:i+2]) == string(r[i+2:i+4]) {
				t.Errorf("title %s says %s twice", title, string(r[i:i+2]))
			}
		}
		tr := tradeOf[n.EnterpriseID]
		sub := subjectOf(tr, title)
		if sub == nil {
			t.Errorf("%s is no need of a %s enterprise", title, tr.name)
			continue
		}
		fields := n.Values.List("tech_fields")
		if len(fields) != 2 || fields[1] != sub.field || fields[0] != voc.Root(sub.field) {
			t.Errorf("%s: tech fields %v, want %s under its top level", title, fields, sub.field)
		}
		if !slices.Contains(sub.types, n.Values.Get("need_type")) {
			t.Errorf("%s: need type %s, the subject's are %v", title, n.Values.Get("need_type"), sub.types)
		}
		if alias := n.Values.Get("public_alias"); !strings.Contains(alias, tr.name) {
			t.Errorf("%s: alias %s does not say the trade %s", title, alias, tr.name)
		}
		if p := n.Values.Get("problem"); strings.Contains(p, "%!") || !strings.Contains(p, "。") {
			t.Errorf("%s: problem %q", title, p)
		}
		// The embarrassing one, said outright.
		if strings.Contains(title, "轴承") && voc.Root(fields[0]) == "20" {
			t.Errorf("%s under 生物与新医药", title)
		}
	}
}

// subjectOf finds the subject of a trade a title is about.
func subjectOf(tr trade, title string) *subject {
	for i := range tr.subjects {
		if strings.HasPrefix(title, tr.subjects[i].name) {
			return &tr.subjects[i]
		}
	}
	return nil
}

// TestStreamIsGenerate checks that the parts Stream hands out, put
// together, are the set Generate makes: the same records in the same order.
func TestStreamIsGenerate(t *testing.T) {
	want, err := json.Marshal(Generate(11, 400))
	if err != nil {
		t.Fatal(err)
	}
	all, parts := &Set{}, 0
	err = Stream(11, 400, 37, func(p *Set) error {
		if parts > 0 && (len(p.Enterprises) > 0 || len(p.Visits) > 0 || len(p.Needs) > 37) {
			t.Errorf("part %d: %d enterprises, %d visits, %d needs", parts, len(p.Enterprises), len(p.Visits), len(p.Needs))
		}
		parts++
		all.Enterprises = append(all.Enterprises, p.Enterprises...)
		all.Needs = append(all.Needs, p.Needs...)
		all.Visits = append(all.Visits, p.Visits...)
		all.Solutions = append(all.Solutions, p.Solutions...)
		all.FollowUps = append(all.FollowUps, p.FollowUps...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) || parts != 1+(400+36)/37 {
		t.Errorf("%d parts; the same set: %v", parts, string(got) == string(want))
	}
}
