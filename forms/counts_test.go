package forms_test

import (
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
)

func TestFactsOf(t *testing.T) {
	cat := forms.Default()
	e := &forms.Enterprise{ID: "e1", Values: forms.Values{"region": {"320214001"}}} // 无锡
	valid := &forms.Diagnosis{Values: forms.Values{"diag_conclusion": {forms.ConclusionValid}}}
	for _, c := range []struct {
		name   string
		status forms.Status
		diag   *forms.Diagnosis
		p      *forms.Progress
		want   forms.NeedFacts
	}{
		{"draft", forms.StatusDraft, nil, nil, forms.NeedFacts{Enterprise: "e1", CrossRegion: true}},
		{"valid, to confirm", forms.StatusToConfirm, valid, nil, forms.NeedFacts{Enterprise: "e1", CrossRegion: true, Valid: true}},
		{"valid but withdrawn", forms.StatusWithdrawn, valid, nil, forms.NeedFacts{Enterprise: "e1", CrossRegion: true}},
		{"valid but returned", forms.StatusToComplete, valid, nil, forms.NeedFacts{Enterprise: "e1", CrossRegion: true}},
		{"published", forms.StatusPublished, valid, nil, forms.NeedFacts{Enterprise: "e1", CrossRegion: true, Valid: true, Published: true}},
		{"matching", forms.StatusMatching, valid, nil, forms.NeedFacts{Enterprise: "e1", CrossRegion: true, Valid: true, Published: true, Match: true}},
		{"signed without a contract follow-up", forms.StatusSigned, valid, nil, forms.NeedFacts{Enterprise: "e1", CrossRegion: true, Valid: true, Published: true, Match: true, Deal: true}},
		{"intent follow-up", forms.StatusPublished, valid, &forms.Progress{Intent: true}, forms.NeedFacts{Enterprise: "e1", CrossRegion: true, Valid: true, Published: true, Match: true}},
		{"contract follow-up", forms.StatusPublished, valid, &forms.Progress{Contract: true, AmountWan: 30}, forms.NeedFacts{Enterprise: "e1", CrossRegion: true, Valid: true, Published: true, Deal: true, AmountWan: 30}},
		{"solutions", forms.StatusPublished, valid, &forms.Progress{Solutions: 3, SolutionMatch: true}, forms.NeedFacts{Enterprise: "e1", CrossRegion: true, Valid: true, Published: true, Match: true, Solutions: 3}},
	} {
		n := &forms.Need{ID: "n1", EnterpriseID: "e1", Status: c.status, Diagnosis: c.diag, Values: forms.Values{}}
		if got := cat.FactsOf(n, e, c.p, "320500"); got != c.want {
			t.Errorf("%s: %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

// The tally over the demo data: every figure equals a count made the
// obvious way, need by need.
func TestTallyOverTheDemo(t *testing.T) {
	cat := forms.Default()
	s := demo.Generate(5, 300)
	ents := map[string]*forms.Enterprise{}
	tally := forms.NewTally()
	cross := 0
	for _, e := range s.Enterprises {
		ents[e.ID] = e
		tally.AddEnterprise(e, "320500")
		if forms.CrossRegion(e, "320500") {
			cross++
		}
	}
	prog := forms.ProgressByNeed(derefFollowUps(s.FollowUps))
	var want forms.Counts
	for _, n := range s.Needs {
		f := cat.FactsOf(n, ents[n.EnterpriseID], prog[n.ID], "320500")
		tally.AddNeed(f)
		want.Needs++
		for _, x := range []struct {
			ok bool
			n  *int
		}{{f.Valid, &want.Valid}, {f.Confirmed, &want.Confirmed}, {f.Published, &want.Published}, {f.Match, &want.Matches}, {f.Deal, &want.Deals}} {
			if x.ok {
				*x.n++
			}
		}
		want.AmountWan += f.AmountWan
	}
	want.Enterprises, want.CrossRegion = len(s.Enterprises), cross
	got := tally.Counts()
	if got != want {
		t.Fatalf("tally %+v\nwant  %+v", got, want)
	}
	if want.Valid == 0 || want.Matches == 0 || want.Deals == 0 || want.CrossRegion == 0 {
		t.Fatalf("the demo gives too little to count: %+v", want)
	}
}

func derefFollowUps(l []*forms.FollowUp) []forms.FollowUp {
	out := make([]forms.FollowUp, len(l))
	for i, f := range l {
		out[i] = *f
	}
	return out
}
