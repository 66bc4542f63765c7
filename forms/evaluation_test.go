package forms_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

func TestParseScore(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"8", 8, true}, {" 7.5 ", 7.5, true}, {"０", 0, true}, {"１０", 10, true}, {"9。5", 9.5, true},
		{"10.5", 0, false}, {"-1", 0, false}, {"7.25", 0, false}, {"八", 0, false}, {"", 0, false}, {"NaN", 0, false}, {"Inf", 0, false},
	} {
		got, err := forms.ParseScore(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseScore(%q) = %v, %v; want %v ok %v", c.in, got, err, c.want, c.ok)
		}
		var se *forms.ScoreError
		if err != nil && (!errors.As(err, &se) || !strings.Contains(se.Message("zh"), "0 到 10")) {
			t.Errorf("ParseScore(%q): %v has no message", c.in, err)
		}
	}
	if forms.FormatScore(7.5) != "7.5" || forms.FormatScore(8) != "8" {
		t.Error("FormatScore")
	}
}

func sampleEvaluation() *forms.Evaluation {
	ev := &forms.Evaluation{Date: "2026-10-08", Experts: []string{"张立华 教授", "刘建 研究员"}, Suggested: "s1", Chosen: "s2", Opinion: "需求明确。\n建议深入洽谈。"}
	for i, c := range forms.NeedCriteria {
		ev.SetScore("", c.ID, float64(6+i), true)
	}
	for _, c := range forms.SolutionCriteria {
		ev.SetScore("s1", c.ID, 8, true)
		ev.SetScore("s2", c.ID, 7.5, true)
	}
	return ev
}

func TestEvaluationTotalsAndEdits(t *testing.T) {
	ev := sampleEvaluation()
	if tot, all := ev.Need.Total(forms.NeedCriteria); tot != 6+7+8+9 || !all {
		t.Errorf("need total %v %v", tot, all)
	}
	if tot, all := ev.SolutionScores("s2").Total(forms.SolutionCriteria); tot != 30 || !all {
		t.Errorf("s2 total %v %v", tot, all)
	}
	ev.SetScore("s2", "match", 0, false)
	if tot, all := ev.SolutionScores("s2").Total(forms.SolutionCriteria); tot != 22.5 || all {
		t.Errorf("after clearing: %v %v", tot, all)
	}
	c := ev.Clone()
	c.Need["clarity"] = 1
	c.Solutions["s1"]["match"] = 1
	c.Experts[0] = "x"
	if ev.Need["clarity"] != 8 || ev.Solutions["s1"]["match"] != 8 || ev.Experts[0] != "张立华 教授" {
		t.Error("Clone shares its maps or lists")
	}
	if !(*forms.Evaluation)(nil).Empty() || !(&forms.Evaluation{Solutions: map[string]forms.Scores{"s1": {}}}).Empty() || ev.Empty() {
		t.Error("Empty")
	}
}

func TestValidateEvaluation(t *testing.T) {
	ids := []string{"s1", "s2", "s3"}
	if ps := forms.ValidateEvaluation(sampleEvaluation(), ids); len(ps) != 0 {
		t.Fatalf("a good evaluation: %v", ps[0].Message(forms.Default(), "zh"))
	}
	for name, spoil := range map[string]func(ev *forms.Evaluation){
		"score above the scale": func(ev *forms.Evaluation) { ev.Need["innovation"] = 11 },
		"negative score":        func(ev *forms.Evaluation) { ev.Solutions["s1"]["match"] = -1 },
		"unknown criterion":     func(ev *forms.Evaluation) { ev.Need["beauty"] = 5 },
		"solution criterion on the need": func(ev *forms.Evaluation) {
			ev.Need["feasibility"] = 5
		},
		"another need's solution": func(ev *forms.Evaluation) { ev.Solutions["s9"] = forms.Scores{"match": 5} },
		"choice not a solution":   func(ev *forms.Evaluation) { ev.Chosen = "s9" },
		"suggestion not an id":    func(ev *forms.Evaluation) { ev.Suggested = "../etc" },
		"bad date":                func(ev *forms.Evaluation) { ev.Date = "明天" },
		"control character":       func(ev *forms.Evaluation) { ev.Experts = append(ev.Experts, "王\x00五") },
		"bidi override":           func(ev *forms.Evaluation) { ev.Opinion = "好\u202e坏" },
	} {
		ev := sampleEvaluation()
		spoil(ev)
		ps := forms.ValidateEvaluation(ev, ids)
		if len(ps) == 0 {
			t.Errorf("%s: passed", name)
			continue
		}
		if msg := ps[0].Message(forms.Default(), "zh"); !strings.HasPrefix(msg, "「竞榜评估」") {
			t.Errorf("%s: %q does not name the evaluation", name, msg)
		}
	}
	// The hub's gate (ValidateNeed) refuses a pushed need with a bad
	// evaluation.
	n := &forms.Need{ID: "n1", Status: forms.StatusPublished, Values: forms.Values{}, Evaluation: sampleEvaluation()}
	n.Evaluation.Need["innovation"] = 99
	if ps := forms.Default().ValidateNeed(n, forms.Draft); !forms.Blocking(ps) {
		t.Error("ValidateNeed let a score of 99 through")
	}
}

// An evaluation travels with its need (JSON round trip, clone) and never
// into its public view: scores are internal.
func TestEvaluationStaysInternal(t *testing.T) {
	cat := forms.Default()
	e := &forms.Enterprise{ID: "e1", Values: forms.Values{"enterprise_name": {"苏州某某有限公司"}, "region": {"320583100"}}}
	n := &forms.Need{ID: "n1", EnterpriseID: "e1", Status: forms.StatusMatching, Values: forms.Values{
		"title": {"高速主轴轴承国产化替代"}, "visibility": {"named"}}, Evaluation: sampleEvaluation()}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	var back forms.Need
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Evaluation == nil || back.Evaluation.Chosen != "s2" || back.Evaluation.Solutions["s2"]["match"] != 7.5 || back.Values.Has("evaluation") {
		t.Fatalf("round trip lost the evaluation: %s", b)
	}
	if c := n.Clone(); c.Evaluation == n.Evaluation || c.Evaluation.Need["clarity"] != 8 {
		t.Error("Need.Clone does not copy the evaluation")
	}
	p, ok := cat.Publish(n, e)
	if !ok {
		t.Fatal("not published")
	}
	pb, _ := json.Marshal(p)
	for _, secret := range []string{"张立华", "innovation", "建议深入洽谈", "s2"} {
		if strings.Contains(string(pb), secret) {
			t.Errorf("the public view carries %q: %s", secret, pb)
		}
	}
	// The evaluation is not confirmed content: recording one leaves a
	// confirmation current.
	n.Evaluation = nil
	h1 := forms.HashContent(cat.CanonicalContent(n, e))
	n.Evaluation = sampleEvaluation()
	if h2 := forms.HashContent(cat.CanonicalContent(n, e)); h1 != h2 {
		t.Error("the evaluation changes the confirmed content")
	}
}
