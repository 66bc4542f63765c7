package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/store"
)

// demoNeedWith returns a demo need in status st whose solutions pass ok,
// and those solutions.
func demoNeedWith(t *testing.T, set *demo.Set, st forms.Status, ok func([]*forms.Solution) bool) (*forms.Need, []*forms.Solution) {
	t.Helper()
	for _, n := range set.Needs {
		var sols []*forms.Solution
		for _, s := range set.Solutions {
			if s.NeedID == n.ID {
				sols = append(sols, s)
			}
		}
		if n.Status == st && ok(sols) {
			return n, sols
		}
	}
	t.Fatalf("the demo has no need in %s with such solutions", st)
	return nil, nil
}

// TestSolutionSection (issue 15.4): a need's solutions are listed with
// provider, status, contact (the phone masked), source and notes; one
// opens in a dialog where its notes are edited and saved as a new
// revision.
func TestSolutionSection(t *testing.T) {
	var set *demo.Set
	u, st := newTestUI(t, func(st *store.Store) { set = importDemo(t, st, 240) })
	ctx := context.Background()
	need, sols := demoNeedWith(t, set, forms.StatusMatching, func(l []*forms.Solution) bool {
		return len(l) >= 2 && slices.ContainsFunc(l, func(s *forms.Solution) bool { return s.Values.Has("solution_notes") })
	})
	u.openNeed(need.ID)
	settle(t, u)
	p := u.editor.solutions
	if len(p.sols) != len(sols) || len(p.openBtns) != len(sols) {
		t.Fatalf("the section lists %d solutions, the need has %d", len(p.sols), len(sols))
	}
	if p.jump.Text != "解决方案 "+itoa(len(sols)) {
		t.Errorf("the toolbar's button says %q", p.jump.Text)
	}
	labels := strings.Join(visibleLabels(p.content), "\n")
	for _, s := range p.sols {
		phone := s.Values.Get("solution_phone")
		for _, want := range []string{s.Provider(), s.Status.Label("zh"), s.Values.Get("solution_contact"), forms.MaskPhone(phone), s.Source.Label("zh")} {
			if !strings.Contains(labels, want) {
				t.Errorf("the section does not show %q:\n%s", want, labels)
			}
		}
		if strings.Contains(labels, phone) {
			t.Errorf("the list shows the whole phone %s", phone)
		}
	}
	if !strings.Contains(labels, "备注：已电话联系") {
		t.Errorf("no notes line:\n%s", labels)
	}

	// Open the second, add to its notes, save.
	test.Tap(p.openBtns[1])
	v := p.view
	if v == nil || v.sol.ID != p.sols[1].ID {
		t.Fatal("打开 did not open the solution")
	}
	if got := v.form.input("solution_phone").entry.Text; got != p.sols[1].Values.Get("solution_phone") {
		t.Errorf("the dialog shows the phone as %q", got)
	}
	if !strings.Contains(v.origin.Text, "来源：") {
		t.Errorf("origin %q", v.origin.Text)
	}
	notes := v.form.input("solution_notes").entry
	test.Type(notes, "十月八日到企业现场交流。")
	test.Tap(v.saveBtn)
	settle(t, u)
	if p.view != nil {
		t.Fatalf("the dialog is still open: %q", v.message.Text)
	}
	saved, err := st.Solution(ctx, p.sols[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(saved.Values.Get("solution_notes"), "十月八日到企业现场交流。") || saved.Rev == sols[1].Rev {
		t.Errorf("saved notes %q, rev %s (was %s)", saved.Values.Get("solution_notes"), saved.Rev, sols[1].Rev)
	}
	revs, _ := st.SolutionRevisions(ctx, saved.ID)
	if len(revs) != 2 {
		t.Errorf("%d revisions", len(revs))
	}
	if !hasLabel(p.content, "备注：十月八日到企业现场交流。") {
		t.Error("the list does not show the new notes")
	}
}

// TestPaperSolution (issue 15.4): a 方案表 handed in at a 对接会 is typed in:
// saved as a paper solution, 已提交, counted in the need list's 揭榜 column;
// one without a provider is not saved and says why.
func TestPaperSolution(t *testing.T) {
	var set *demo.Set
	u, st := newTestUI(t, func(st *store.Store) { set = importDemo(t, st, 120) })
	ctx := context.Background()
	need, _ := demoNeedWith(t, set, forms.StatusPublished, func(l []*forms.Solution) bool { return len(l) == 0 })
	u.openNeed(need.ID)
	settle(t, u)
	p := u.editor.solutions
	if len(p.sols) != 0 || !hasLabel(p.content, "尚未收到解决方案") || !p.evalBtn.Disabled() {
		t.Fatalf("a need without solutions: %q", visibleLabels(p.content))
	}
	test.Tap(p.addBtn)
	v := p.view
	if v == nil || !v.isNew || v.sol.Source != forms.SourcePaper {
		t.Fatal("录入纸质方案 opened no dialog")
	}
	test.Tap(v.saveBtn)
	settle(t, u)
	if p.view == nil || v.message.Text != "请填写方案提供方单位名称。" {
		t.Fatalf("an empty form: %q", v.message.Text)
	}
	test.Type(v.form.input("provider_name").entry, "南京理工大学自动化学院")
	v.form.input("provider_type").radio.SetSelected("高校")
	test.Type(v.form.input("provider_region").entry, "江苏南京")
	test.Type(v.form.input("solution_contact").entry, "孙建国")
	test.Type(v.form.input("solution_phone").entry, "025-84315678")
	test.Type(v.form.input("solution_summary").entry, "采用机器视觉与深度学习结合的方法，先做现场采样，三个月内给出样机。")
	test.Tap(v.saveBtn)
	settle(t, u)
	if p.view != nil {
		t.Fatalf("not saved: %q", v.message.Text)
	}
	stored, err := st.Solutions(ctx, need.ID)
	if err != nil || len(stored) != 1 {
		t.Fatalf("stored %d solutions: %v", len(stored), err)
	}
	s := stored[0]
	if s.Source != forms.SourcePaper || s.Status != forms.SolutionSubmitted || s.Provider() != "南京理工大学自动化学院" ||
		s.Values.Get("provider_type") != "university" || s.Team == "" {
		t.Errorf("stored %+v %v", s, s.Values)
	}
	if !hasLabel(p.content, "025****5678") || !hasLabel(p.content, "纸质方案表") {
		t.Errorf("the list: %q", visibleLabels(p.content))
	}
	// The need list's 揭榜 column counts it.
	u.showNeedList()
	settle(t, u)
	l := u.needs
	for i, r := range l.rows {
		if l.index.sum(r).ID == need.ID && l.index.solutionText(r) != "1" {
			t.Errorf("row %d: 揭榜 %q", i, l.index.solutionText(r))
		}
	}
}

// stepSolution opens solution i of the open need, sets its status and
// saves.
func stepSolution(t *testing.T, u *ui, i int, to forms.SolutionStatus) {
	t.Helper()
	p := u.editor.solutions
	test.Tap(p.openBtns[i])
	v := p.view
	j := slices.Index(v.statusCodes, to)
	if j < 0 {
		t.Fatalf("%s cannot go to %s (offers %v)", v.sol.Status, to, v.statusCodes)
	}
	v.status.SetSelectedIndex(j)
	test.Tap(v.saveBtn)
	settle(t, u)
	if p.view != nil {
		t.Fatalf("not saved: %q", v.message.Text)
	}
}

// TestNeedStatusFollowsSolutions (issue 15.4): as a solution goes 推荐对接,
// 已揭榜, 已签约, its published need goes 对接中, 已揭榜, 已签约 — saved, and
// said; the chosen one declined takes a 已揭榜 need back to 对接中; a need
// not yet published stays where it is, and the official is told why.
func TestNeedStatusFollowsSolutions(t *testing.T) {
	var set *demo.Set
	u, st := newTestUI(t, func(st *store.Store) { set = importDemo(t, st, 240) })
	ctx := context.Background()
	need, _ := demoNeedWith(t, set, forms.StatusPublished, func(l []*forms.Solution) bool {
		return len(l) >= 1 && !slices.ContainsFunc(l, func(s *forms.Solution) bool { return s.Status != forms.SolutionSubmitted })
	})
	u.openNeed(need.ID)
	settle(t, u)
	e, p := u.editor, u.editor.solutions
	for _, c := range []struct {
		to      forms.SolutionStatus
		need    forms.Status
		message string
	}{
		{forms.SolutionScreened, forms.StatusPublished, ""},
		{forms.SolutionRecommended, forms.StatusMatching, "需求状态随方案由「已发布」变为「对接中」。"},
		{forms.SolutionNegotiating, forms.StatusMatching, ""},
		{forms.SolutionChosen, forms.StatusSolved, "需求状态随方案由「对接中」变为「已揭榜」。"},
		{forms.SolutionDeclined, forms.StatusMatching, "需求状态随方案由「已揭榜」变为「对接中」。"},
		{forms.SolutionScreened, forms.StatusMatching, ""},
		{forms.SolutionRecommended, forms.StatusMatching, ""},
		{forms.SolutionNegotiating, forms.StatusMatching, ""},
		{forms.SolutionChosen, forms.StatusSolved, "变为「已揭榜」"},
		{forms.SolutionSigned, forms.StatusSigned, "需求状态随方案由「已揭榜」变为「已签约」。"},
	} {
		stepSolution(t, u, 0, c.to)
		stored, err := st.Need(ctx, need.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.need.Status != c.need || stored.Status != c.need {
			t.Fatalf("solution %s: the need is %s (stored %s), want %s", c.to, e.need.Status, stored.Status, c.need)
		}
		if c.message != "" && (!p.message.Visible() || !strings.Contains(p.message.Text, c.message)) {
			t.Errorf("solution %s: message %q (shown %v), want %q", c.to, p.message.Text, p.message.Visible(), c.message)
		}
		if !strings.Contains(e.status.Text, c.need.Label("zh")) {
			t.Errorf("the toolbar says %q", e.status.Text)
		}
	}
	// The stored need went through the lifecycle step by step.
	revs, err := st.NeedRevisions(ctx, need.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(revs); i++ {
		if a, b := revs[i-1].Status, revs[i].Status; a != b && !forms.CanTransition(a, b) {
			t.Errorf("revision %d: %s → %s is not in the lifecycle", i, a, b)
		}
	}

	// A need not yet published: a solution recommended leaves it 已确认,
	// and the section says why.
	var confirmed *forms.Need
	for _, n := range set.Needs {
		if n.Status == forms.StatusConfirmed {
			confirmed = n
			break
		}
	}
	u.openNeed(confirmed.ID)
	settle(t, u)
	test.Tap(p.addBtn)
	v := p.view
	test.Type(v.form.input("provider_name").entry, "苏州大学机电工程学院")
	test.Tap(v.saveBtn)
	settle(t, u)
	stepSolution(t, u, 0, forms.SolutionScreened)
	stepSolution(t, u, 0, forms.SolutionRecommended)
	if e.need.Status != forms.StatusConfirmed {
		t.Errorf("an unpublished need went to %s", e.need.Status)
	}
	if !strings.Contains(p.message.Text, "需求尚未发布") || !strings.Contains(p.message.Text, "「已确认」") {
		t.Errorf("message %q", p.message.Text)
	}
}
