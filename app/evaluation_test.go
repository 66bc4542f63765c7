package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/store"
)

// TestEvaluationForm (issue 15.5): a need with three or more solutions is
// evaluated in the window — the date, the experts, the scores of the need
// and of each solution with their totals, the experts' suggestion and the
// enterprise's choice — and the evaluation is saved with the need; a score
// that is no score is refused, saying which; a need with fewer solutions
// cannot be evaluated.
func TestEvaluationForm(t *testing.T) {
	var set *demo.Set
	u, st := newTestUI(t, func(st *store.Store) { set = importDemo(t, st, 240) })
	ctx := context.Background()
	need, sols := demoNeedWith(t, set, forms.StatusMatching, func(l []*forms.Solution) bool { return len(l) >= 3 })
	need.Evaluation = nil // start from none, whatever the demo recorded
	if err := st.SaveNeed(ctx, need); err != nil {
		t.Fatal(err)
	}
	u.openNeed(need.ID)
	settle(t, u)
	p := u.editor.solutions
	if p.evalBtn.Disabled() {
		t.Fatal("竞榜评估 is disabled for a need with three solutions")
	}
	test.Tap(p.evalBtn)
	v := p.eval
	if v == nil || len(v.solutions) != len(sols) {
		t.Fatal("no evaluation dialog, or not a row per solution")
	}
	v.date.SetText("2026-10-08")
	test.Type(v.experts, "张立华 教授（苏州大学）\n刘建 研究员")
	for i, c := range forms.NeedCriteria {
		test.Type(v.need[c.ID], []string{"8", "7.5", "9", "6"}[i])
	}
	if v.needTotal.Text != "30.5" {
		t.Errorf("the need's total shows %q", v.needTotal.Text)
	}
	for i := range v.solutions {
		for _, c := range forms.SolutionCriteria {
			test.Type(v.solutions[i][c.ID], itoa(5+i))
		}
	}
	test.Type(v.solutions[0]["match"], "1") // 51: no score
	if v.totals[0].Text != "—" || v.totals[1].Text != "24" {
		t.Errorf("totals %q %q", v.totals[0].Text, v.totals[1].Text)
	}
	v.suggested.SetSelectedIndex(2)
	v.chosen.SetSelectedIndex(3)
	test.Type(v.opinion, "方案二技术路线成熟。")
	test.Tap(v.saveBtn)
	settle(t, u)
	if p.eval == nil || !strings.Contains(v.message.Text, "匹配性") || !strings.Contains(v.message.Text, "“51”不是分数") {
		t.Fatalf("a score of 51 was not refused: %q", v.message.Text)
	}
	if n, _ := st.Need(ctx, need.ID); n.Evaluation != nil {
		t.Fatal("the refused evaluation was saved")
	}
	v.solutions[0]["match"].SetText("5")
	test.Tap(v.saveBtn)
	settle(t, u)
	if p.eval != nil {
		t.Fatalf("not saved: %q", v.message.Text)
	}
	n, err := st.Need(ctx, need.ID)
	if err != nil {
		t.Fatal(err)
	}
	ev := n.Evaluation
	if ev == nil || ev.Date != "2026-10-08" || len(ev.Experts) != 2 || ev.Need["completeness"] != 7.5 ||
		ev.Suggested != p.sols[1].ID || ev.Chosen != p.sols[2].ID || ev.Opinion != "方案二技术路线成熟。" || ev.By != "李科技" {
		t.Fatalf("stored evaluation %+v", ev)
	}
	if tot, all := ev.SolutionScores(p.sols[1].ID).Total(forms.SolutionCriteria); tot != 24 || !all {
		t.Errorf("solution 2 total %v %v", tot, all)
	}
	ent, err := st.Enterprise(ctx, n.EnterpriseID)
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != need.Status || !forms.Default().ConfirmationCurrent(n, ent) {
		t.Errorf("the evaluation moved the need (%s) or made its confirmation stale", n.Status)
	}
	if !p.evalLine.Visible() || !strings.Contains(p.evalLine.Text, "2026-10-08") || !strings.Contains(p.evalLine.Text, "3. "+p.sols[2].Provider()) {
		t.Errorf("the section says %q", p.evalLine.Text)
	}
	// Opened again, it shows what was recorded.
	test.Tap(p.evalBtn)
	v = p.eval
	if v.need["clarity"].Text != "9" || v.solutions[1]["feasibility"].Text != "6" || v.chosen.SelectedIndex() != 3 || !strings.Contains(v.experts.Text, "刘建 研究员") {
		t.Errorf("reopened: clarity %q, feasibility %q, chosen %d", v.need["clarity"].Text, v.solutions[1]["feasibility"].Text, v.chosen.SelectedIndex())
	}
	v.close()

	// Fewer than three solutions: no evaluation.
	few, _ := demoNeedWith(t, set, forms.StatusMatching, func(l []*forms.Solution) bool { return len(l) == 1 })
	u.openNeed(few.ID)
	settle(t, u)
	if !p.evalBtn.Disabled() || !strings.Contains(p.evalLine.Text, "3 个及以上") {
		t.Errorf("a need with one solution: button disabled %v, %q", p.evalBtn.Disabled(), p.evalLine.Text)
	}
	test.Tap(p.evalBtn)
	if p.eval != nil {
		t.Error("a need with one solution opened an evaluation")
	}
}
