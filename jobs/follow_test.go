package jobs

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// solutionBook writes a 《技术需求解决方案表》 list with a 方案状态 column:
// one row a solution, each naming its need by number.
func solutionBook(t *testing.T, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	all := append([][]any{{"需求编号", "方案提供方单位名称", "单位类型", "地区", "联系人", "职务", "联系方式", "E-mail", "解决方案简要介绍", "方案状态"}}, rows...)
	for r, vals := range all {
		for c, v := range vals {
			if err := f.SetCellValue("Sheet1", cell(c, r+1), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "方案.xlsx")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// setStatus puts a stored need in status st (the store does not check the
// lifecycle between two saves) and returns it.
func setStatus(t *testing.T, st *store.Store, id string, to forms.Status) *forms.Need {
	t.Helper()
	ctx := context.Background()
	n, err := st.Need(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	n.Status, n.StaleFrom = to, ""
	if err := st.SaveNeed(ctx, n); err != nil {
		t.Fatal(err)
	}
	if n.Status != to {
		t.Fatalf("need %s saved as %s, not %s", id, n.Status, to)
	}
	return n
}

// importFile previews and imports a file, the whole of it.
func importFile(t *testing.T, st *store.Store, path string) (*Preview, store.ImportReport) {
	t.Helper()
	ctx := context.Background()
	p, err := PreviewImport(ctx, st, ImportRequest{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if p.HasErrors() {
		t.Fatalf("problems: %v", p.Messages("zh"))
	}
	rep, err := ApplyImport(ctx, st, p, false)
	if err != nil {
		t.Fatal(err)
	}
	return p, rep
}

// Issue 15.4: a filled solutions workbook whose row says 已签约 moves its
// published need to 已签约 through the lifecycle table, as a local edit,
// and the preview and the report list it; the same workbook again moves
// nothing. A draft need with a signed solution stays a draft, and the
// report says why.
func TestImportedSolutionsMoveTheirNeeds(t *testing.T) {
	st := demoStore(t, 8)
	ctx := context.Background()
	sums, err := st.Needs(ctx, store.Query{Sort: "title"})
	if err != nil || len(sums) < 2 {
		t.Fatalf("%d needs, %v", len(sums), err)
	}
	published := setStatus(t, st, sums[0].ID, forms.StatusPublished)
	draft := setStatus(t, st, sums[1].ID, forms.StatusDraft)
	revsBefore, _ := st.NeedRevisions(ctx, published.ID)
	outBefore, _ := st.OutboxStats(ctx)

	summary := "以渗碳淬火与喷丸复合强化提升柔轮疲劳寿命，已在两家企业中试验证。"
	book := solutionBook(t, [][]any{
		{forms.ShortID(published.ID), "东南大学苏州研究院", "科研院所", "江苏苏州", "陈工", "副所长", "13805120001", "chen@seu.example.edu.cn", summary, "已签约"},
		{forms.ShortID(published.ID), "苏州大学", "高校", "江苏苏州", "王工", "教授", "13805120002", "wang@suda.example.edu.cn", summary, "初筛"},
		{forms.ShortID(draft.ID), "某自动化有限公司", "企业", "江苏昆山", "李工", "经理", "13805120003", "li@example.cn", summary, "已签约"},
	})
	p, rep := importFile(t, st, book)
	for name, r := range map[string]store.ImportReport{"preview": p.Report, "import": rep} {
		if len(r.StatusChanges) != 1 {
			t.Fatalf("%s: status changes %+v", name, r.StatusChanges)
		}
		if c := r.StatusChanges[0]; c.ID != published.ID || c.From != forms.StatusPublished || c.To != forms.StatusSigned {
			t.Errorf("%s: status change %+v", name, c)
		}
		if len(r.StatusHeld) != 1 || r.StatusHeld[0].ID != draft.ID || r.StatusHeld[0].Want != forms.StatusSigned ||
			!strings.Contains(r.StatusHeld[0].Message("zh"), "需求尚未发布") {
			t.Errorf("%s: held %+v", name, r.StatusHeld)
		}
	}
	n, err := st.Need(ctx, published.ID)
	if err != nil || n.Status != forms.StatusSigned {
		t.Fatalf("the published need is now %s (%v)", n.Status, err)
	}
	// Through 对接中 and 已揭榜, as one local edit: one new revision, which
	// the outbox pushes next (beside the three solutions).
	revs, _ := st.NeedRevisions(ctx, published.ID)
	if len(revs) != len(revsBefore)+1 {
		t.Errorf("the need has %d revisions, %d before", len(revs), len(revsBefore))
	}
	if out, _ := st.OutboxStats(ctx); out.Pending != outBefore.Pending+3 {
		t.Errorf("outbox %d, %d before", out.Pending, outBefore.Pending)
	}
	entries, _ := st.Outbox(ctx, 0)
	pushes := 0
	for _, e := range entries {
		if e.ID == published.ID {
			pushes++
			if e.Rev != n.Rev {
				t.Errorf("the outbox pushes revision %s, the need is at %s", e.Rev, n.Rev)
			}
		}
	}
	if pushes != 1 {
		t.Errorf("the outbox holds the need %d times", pushes)
	}
	if d, _ := st.Need(ctx, draft.ID); d.Status != forms.StatusDraft {
		t.Errorf("the draft need went to %s", d.Status)
	}

	// The same workbook again: nothing moves, no revision is written.
	p, rep = importFile(t, st, book)
	if len(p.Report.StatusChanges) != 0 || len(rep.StatusChanges) != 0 || len(rep.StatusHeld) != 0 || rep.Skipped != 3 {
		t.Errorf("again: %+v", rep)
	}
	if again, _ := st.NeedRevisions(ctx, published.ID); len(again) != len(revs) {
		t.Errorf("again: %d revisions, %d before", len(again), len(revs))
	}
}
