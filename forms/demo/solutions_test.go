package demo

import (
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// The demo's solutions are valid 方案表, of published needs only, with
// statuses their need's status agrees with (following them moves nothing),
// and some needs with three or more carry a valid evaluation.
func TestDemoSolutions(t *testing.T) {
	cat := forms.Default()
	s := Generate(7, 240)
	byNeed := map[string][]*forms.Solution{}
	for _, sol := range s.Solutions {
		if ps := cat.ValidateSolution(sol, forms.Final); len(ps) != 0 {
			t.Fatalf("solution %s: %s", sol.Provider(), ps[0].Message(cat, "zh"))
		}
		byNeed[sol.NeedID] = append(byNeed[sol.NeedID], sol)
	}
	three, evaluated := 0, 0
	for _, n := range s.Needs {
		sols := byNeed[n.ID]
		if len(sols) > 0 && n.Visibility() == forms.VisibilityPrivate {
			t.Errorf("need %s is 不公开 and has solutions", n.Title())
		}
		var sts []forms.SolutionStatus
		var ids []string
		seen := map[string]bool{}
		for _, sol := range sols {
			if seen[sol.Provider()] {
				t.Errorf("need %s has two solutions from %s", n.Title(), sol.Provider())
			}
			seen[sol.Provider()] = true
			sts = append(sts, sol.Status)
			ids = append(ids, sol.ID)
		}
		if f := n.Clone().FollowSolutions(sts); f.Moved() || f.Blocked {
			t.Errorf("need %s (%s) and its solutions %v disagree: %s", n.Title(), n.Status, sts, f.Message("zh"))
		}
		if len(sols) >= forms.EvaluationMinSolutions {
			three++
		}
		if n.Evaluation != nil {
			evaluated++
			if len(sols) < forms.EvaluationMinSolutions {
				t.Errorf("need %s is evaluated with %d solutions", n.Title(), len(sols))
			}
			if ps := forms.ValidateEvaluation(n.Evaluation, ids); len(ps) != 0 {
				t.Errorf("evaluation of %s: %s", n.Title(), ps[0].Message(cat, "zh"))
			}
		}
	}
	if len(s.Solutions) == 0 || three == 0 || evaluated == 0 {
		t.Fatalf("%d solutions, %d needs with three or more, %d evaluated", len(s.Solutions), three, evaluated)
	}
	again := Generate(7, 240)
	if len(again.Solutions) != len(s.Solutions) || again.Solutions[3].ID != s.Solutions[3].ID {
		t.Error("the same seed gave different solutions")
	}
}
