package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// TestExcelImportOfASolutionWorkbook: 导入 Excel recognises filled
// 《技术需求解决方案表》 as `xunbang import` does (package jobs), previews the
// solutions it finds a need for, and imports them.
func TestExcelImportOfASolutionWorkbook(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 8) })
	ctx := context.Background()
	sums, err := st.Needs(ctx, store.Query{Sort: "title"})
	if err != nil || len(sums) == 0 {
		t.Fatalf("needs: %v", err)
	}
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range [][]any{
		{"需求编号", "拟解决的需求名称", "方案提供方单位名称", "单位类型", "地区", "联系人", "职务", "联系方式", "E-mail", "解决方案简要介绍"},
		{strings.ToUpper(sums[0].ID[:8]), "", "东南大学苏州研究院", "科研院所", "江苏苏州", "陈工", "副所长", "13805120001", "chen@seu.example.edu.cn", "以渗碳淬火与喷丸复合强化提升疲劳寿命，已中试验证。"},
	} {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	p := filepath.Join(t.TempDir(), "解决方案表.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	x := u.needs.excel
	x.startImport(p)
	settle(t, u)
	v := x.preview
	if v == nil || v.p.HasErrors() || !strings.Contains(v.counts.Text, "解决方案：新建 1 条") {
		t.Fatalf("preview: %v; result %q", v != nil, x.resultText)
	}
	test.Tap(v.doImport)
	settle(t, u)
	sols, err := st.Solutions(ctx, sums[0].ID)
	if err != nil || len(sols) != 1 || !strings.Contains(x.resultText, "解决方案：新建 1 条") {
		t.Errorf("%d solutions stored (%v); result %q", len(sols), err, x.resultText)
	}
	if log, _ := st.AuditLog(ctx, store.AuditQuery{Kind: store.AuditImport}); len(log) != 1 || !strings.HasPrefix(log[0].Detail, "solutions ← "+p) {
		t.Errorf("audit %+v", log)
	}
}

// A preview of a big import names the changes of the records its report
// lists and says how many more there are; the counts are of every record.
func TestImportPreviewSaysWhatItDoesNotList(t *testing.T) {
	mustSetLanguage(t, Chinese)
	rep := store.ImportReport{
		Items:        []store.ImportItem{{Action: store.ActionUpdate, Kind: store.KindNeed, Title: "第一条", Fields: []string{"problem"}}},
		ItemsLeftOut: 4999, Updated: 1, Created: 4999,
		Kinds: map[string]store.ActionCounts{store.KindNeed: {Created: 4999, Updated: 1}},
	}
	lines := importChanges(rep, forms.Default(), "zh")
	if len(lines) != 2 || !strings.Contains(lines[0].text, "第一条") || !strings.Contains(lines[1].text, "另有 4999 条记录没有逐条列出") {
		t.Errorf("lines %+v", lines)
	}
	if c := countImport(rep); c.NeedsCreated != 4999 || c.NeedsUpdated != 1 || c.solutions {
		t.Errorf("counts %+v", c)
	}
}
