package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// TestUndoingAnEditRestoresTheStatus is issue 12.11 in the editor: an edit
// sends a published need to 待企业确认, and undoing it brings back 已发布
// with the confirmation current, on screen and in the store.
func TestUndoingAnEditRestoresTheStatus(t *testing.T) {
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) {
		need = confirmedNeed(t, st)
		if err := need.Transition(forms.StatusPublished); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveNeed(context.Background(), need); err != nil {
			t.Fatal(err)
		}
	})
	u.openNeed(need.ID)
	settle(t, u)
	e := u.editor
	title := e.form.input("title").entry
	old := title.Text
	title.SetText(old + "（修订）")
	settle(t, u)
	if e.need.Status != forms.StatusToConfirm || e.confirmed.Text != "内容已修改，需重新确认" {
		t.Fatalf("after an edit: status %s, %q", e.need.Status, e.confirmed.Text)
	}
	title.SetText(old)
	if e.need.Status != forms.StatusPublished || e.status.Text != "状态：已发布" || e.confirmed.Text != "企业确认：当前有效" {
		t.Errorf("after the undo: status %s, labels %q %q", e.need.Status, e.status.Text, e.confirmed.Text)
	}
	settle(t, u)
	n, err := st.Need(context.Background(), need.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != forms.StatusPublished || n.StaleFrom != "" {
		t.Errorf("stored after the undo: status %s, stale from %q", n.Status, n.StaleFrom)
	}
}

// TestImportPreviewShowsChangesAndStatusGoingBack is issue 12.11 in the
// import preview: an edited row of a published need says which field changes
// and that the need goes back to 待企业确认, not only "更新 1 条".
func TestImportPreviewShowsChangesAndStatusGoingBack(t *testing.T) {
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) {
		need = confirmedNeed(t, st)
		if err := need.Transition(forms.StatusPublished); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveNeed(context.Background(), need); err != nil {
			t.Fatal(err)
		}
	})
	ctx := context.Background()
	ent, err := st.Enterprise(ctx, need.EnterpriseID)
	if err != nil {
		t.Fatal(err)
	}
	// The sheet's row: the enterprise by its credit code, the need by its
	// number, its budget edited.
	rowEnt := &forms.Enterprise{ID: "row-2", Values: forms.Values{"enterprise_name": {ent.Name()}, "credit_code": {ent.CreditCode()}}}
	row := need.Clone()
	row.EnterpriseID, row.Rev, row.Confirmation = "row-2", "", nil
	row.Values.Set("budget_wan", "120")
	rep, err := st.Import(ctx, []*forms.Enterprise{rowEnt}, []*forms.Need{row}, store.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}

	x := u.needs.excel
	x.showPreview(&jobs.Preview{Request: jobs.ImportRequest{Path: "需求征集表.xlsx"}, Kind: jobs.ImportNeeds,
		Read: jobs.ImportCounts{Needs: 1}, Report: rep})
	v := x.preview
	if v == nil {
		t.Fatal("no preview")
	}
	budget := u.cat.MustField("budget_wan").Label("zh")
	var back, fields bool
	for _, l := range v.changes {
		if strings.Contains(l.text, "锂电池隔膜涂层工艺优化") && strings.Contains(l.text, "已发布") &&
			strings.Contains(l.text, "待企业确认") && l.imp == widget.WarningImportance {
			back = true
		}
		if strings.Contains(l.text, "锂电池隔膜涂层工艺优化") && strings.Contains(l.text, budget) {
			fields = true
		}
	}
	if !back || !fields {
		t.Errorf("preview changes (status back %v, fields %v): %+v", back, fields, v.changes)
	}
	if v.changes[0].imp != widget.WarningImportance {
		t.Error("the status going back is not listed first")
	}
}

// TestDiagnosisOnADraftTakesEffectAtFinalise is issue 12.12: 应用诊断 on a
// draft says what to do instead of a lifecycle error, keeps the diagnosis,
// and 定稿 then applies its conclusion.
func TestDiagnosisOnADraftTakesEffectAtFinalise(t *testing.T) {
	var ent *forms.Enterprise
	u, st := newTestUI(t, func(st *store.Store) { ent = saveEnterprise(t, st, "苏州吴江光电材料有限公司", "") })
	u.createNeed(ent.ID)
	settle(t, u)
	e := u.editor
	fillNeed(t, e)
	for _, id := range forms.DiagnosisCriteria {
		e.diag.input(id).radio.SetSelected("通过")
	}
	e.diag.input("diag_conclusion").radio.SetSelected("有效需求")
	test.Tap(e.applyDiag)
	settle(t, u)
	if !strings.Contains(e.diagResult.Text, "定稿") || e.diagResult.Importance != widget.WarningImportance {
		t.Errorf("应用诊断 on a draft says %q", e.diagResult.Text)
	}
	n, err := st.Need(context.Background(), e.need.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != forms.StatusDraft || n.Diagnosis == nil || n.Diagnosis.Conclusion() != forms.ConclusionValid {
		t.Fatalf("stored: status %s, diagnosis %+v", n.Status, n.Diagnosis)
	}
	test.Tap(e.finalise)
	settle(t, u)
	if e.need.Status != forms.StatusToConfirm || !strings.Contains(e.diagResult.Text, "待企业确认") {
		t.Errorf("after 定稿: status %s, %q", e.need.Status, e.diagResult.Text)
	}
	if n, _ = st.Need(context.Background(), e.need.ID); n.Status != forms.StatusToConfirm || n.Diagnosis.At.IsZero() {
		t.Errorf("stored after 定稿: status %s", n.Status)
	}
}
