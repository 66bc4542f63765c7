package demo

import (
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
