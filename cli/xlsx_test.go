package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/xunbang/xunbang/store"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestExcelExportsAndImport(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", src, "--needs", "30"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	for _, f := range []string{"platform", "handbook", "report"} {
		out := filepath.Join(dir, f+".xlsx")
		if _, errs, code := run(t, env, "export", "--format", f, "-o", out, "--data", src); code != 0 {
			t.Fatalf("export %s: %d %s", f, code, errs)
		}
		z, err := zip.OpenReader(out)
		if err != nil {
			t.Fatalf("%s is not an xlsx: %v", f, err)
		}
		z.Close()
	}
	if _, errs, code := run(t, env, "export", "--format", "handbook", "--data", src); code == 0 || !strings.Contains(errs, "-o") {
		t.Errorf("Excel to standard output: %d %s", code, errs)
	}
	// The platform sheet reads back into an empty data dir.
	out, errs, code := run(t, env, "import", filepath.Join(dir, "platform.xlsx"), "--dry-run", "--data", dst)
	if code != 0 || !strings.Contains(errs, "预览") || !strings.Contains(out, "新建") {
		t.Fatalf("import --dry-run: %d\n%s\n%s", code, out, errs)
	}
	if out, _, _ := run(t, env, "list", "--json", "--data", dst); strings.TrimSpace(out) != "" {
		t.Errorf("a dry run imported:\n%s", out)
	}
	if _, errs, code := run(t, env, "import", filepath.Join(dir, "platform.xlsx"), "--data", dst); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	if out, _, _ := run(t, env, "list", "--json", "--data", dst); strings.Count(out, "\n") == 0 {
		t.Error("nothing was imported from the platform sheet")
	}
	// Not a workbook: a clear message naming the file, nothing imported.
	bad := filepath.Join(dir, "bad.xlsx")
	writeFile(t, bad, "这不是 Excel 文件")
	if _, errs, code := run(t, env, "import", bad, "--data", filepath.Join(dir, "x")); code == 0 || !strings.Contains(errs, "bad.xlsx") {
		t.Errorf("garbage workbook: %d %s", code, errs)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPlatformSheetReimport: the platform sheet imported twice into an
// empty data dir, and into the one it came from, creates nothing twice; a
// row whose 需求编号 is another enterprise's need is refused, naming the row.
func TestPlatformSheetReimport(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", src, "--needs", "40"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	count := func(data string) int {
		out, _, _ := run(t, env, "list", "--json", "--data", data)
		return strings.Count(strings.TrimSpace(out), "\n") + 1
	}
	srcNeeds := count(src)
	// Either profile's sheet re-imports without doubling anything: the
	// default (jstec), by its 寻榜编号, and xunbang's, by its 需求编号.
	for _, profile := range []string{"", "xunbang"} {
		sheet := filepath.Join(dir, "platform-"+profile+".xlsx")
		args := []string{"export", "--format", "platform", "-o", sheet, "--data", src}
		if profile != "" {
			args = append(args, "--profile", profile)
		}
		if _, errs, code := run(t, env, args...); code != 0 {
			t.Fatalf("export %s: %s", profile, errs)
		}
		fresh := filepath.Join(dir, "fresh-"+profile)
		for i, data := range []string{fresh, fresh, src} {
			_, errs, code := run(t, env, "import", sheet, "--data", data, "--region", "320500")
			if code != 0 {
				t.Fatalf("%s: import %d: %d %s", profile, i+1, code, errs)
			}
			if i > 0 && !strings.Contains(errs, "新建 0，") {
				t.Errorf("%s: import %d created records:\n%s", profile, i+1, errs)
			}
			if strings.Contains(errs, "只有公开称谓") || strings.Contains(errs, "找不到") {
				t.Errorf("%s: an anonymous row without its enterprise, or a region not read back:\n%s", profile, errs)
			}
		}
		if n := count(src); n != srcNeeds {
			t.Errorf("%s: the source has %d needs, had %d", profile, n, srcNeeds)
		}
	}
	if _, errs, code := run(t, env, "export", "--format", "platform", "-o", filepath.Join(dir, "x.xlsx"), "--profile", "kjzy", "--data", src); code == 0 || !strings.Contains(errs, "kjzy") || !strings.Contains(errs, "jstec") {
		t.Errorf("an unknown profile: %d %s", code, errs)
	}

	sheet := filepath.Join(dir, "platform.xlsx")
	if _, errs, code := run(t, env, "export", "--format", "platform", "--profile", "xunbang", "-o", sheet, "--data", src); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	_ = dst

	// Give a named row the credit code of another row's enterprise.
	f, err := excelize.OpenFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("需求征集表")
	if err != nil {
		t.Fatal(err)
	}
	codeCol := slices.Index(rows[0], "统一社会信用代码")
	var first, other int
	for r := 1; r < len(rows) && other == 0; r++ {
		if codeCol >= len(rows[r]) || rows[r][codeCol] == "" {
			continue
		}
		switch {
		case first == 0:
			first = r
		case rows[r][codeCol] != rows[first][codeCol]:
			other = r
		}
	}
	if first == 0 || other == 0 {
		t.Fatal("no two named rows of different enterprises")
	}
	cell, _ := excelize.CoordinatesToCellName(codeCol+1, first+1)
	if err := f.SetCellStr("需求征集表", cell, rows[other][codeCol]); err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(dir, "moved.xlsx")
	if err := f.SaveAs(moved); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, errs, code := run(t, env, "import", moved, "--dry-run", "--data", src)
	if code == 0 || !strings.Contains(errs, fmt.Sprintf("第 %d 行", first+1)) || !strings.Contains(errs, "不能在企业之间移动") {
		t.Errorf("moving a need: %d\n%s", code, errs)
	}
	// --partial imports the other rows.
	_, errs, code = run(t, env, "import", moved, "--partial", "--data", src)
	if code != 0 || !strings.Contains(errs, "新建 0，") {
		t.Errorf("--partial: %d\n%s", code, errs)
	}
	if n := count(src); n != srcNeeds {
		t.Errorf("the source has %d needs, had %d", n, srcNeeds)
	}
}

// Filled 《技术需求解决方案表》: recognised, matched to needs by number or
// title, all or nothing, and never doubled by a second import.
func TestImportSolutionWorkbook(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "6"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	out, _, _ := run(t, env, "list", "--json", "--data", data)
	var ids, titles []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var n struct{ ID, Title string }
		if err := json.Unmarshal([]byte(line), &n); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(titles, n.Title) {
			ids, titles = append(ids, n.ID), append(titles, n.Title)
		}
	}
	if len(ids) < 2 {
		t.Fatalf("demo needs: %v", titles)
	}
	write := func(name string, rows ...[]any) string {
		f := excelize.NewFile()
		defer f.Close()
		for r, vals := range rows {
			for c, v := range vals {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				_ = f.SetCellValue("Sheet1", cell, v)
			}
		}
		p := filepath.Join(dir, name)
		if err := f.SaveAs(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	header := []any{"需求编号", "拟解决的需求名称", "方案提供方单位名称", "单位类型", "地区", "联系人", "职务", "联系方式", "E-mail", "解决方案简要介绍"}
	good := write("good.xlsx", header,
		[]any{strings.ToUpper(ids[0][:8]), "", "东南大学苏州研究院", "科研院所", "江苏苏州", "陈工", "副所长", "13805120001", "chen@seu.example.edu.cn", "以渗碳淬火与喷丸复合强化提升疲劳寿命，已中试验证。"},
		[]any{"", titles[1], "王小明", "个人", "上海", "王小明", "工程师", "021-65432100", "wxm@example.com", "采用新型复合材料与工艺，样件已做出，寿命提升三倍。"})
	bad := write("bad.xlsx", header,
		[]any{strings.ToUpper(ids[0][:8]), "", "某大学", "高校", "南京", "李老师", "教授", "13900000000", "li@example.cn", "一个足够长的解决方案简要介绍，超过二十个字。"},
		[]any{"ZZZZZZZZ", "", "某公司", "公司", "苏州", "赵经理", "经理", "13900000001", "zhao@", "另一个足够长的解决方案简要介绍，超过二十个字。"})
	_, errs, code := run(t, env, "import", bad, "--data", data)
	if code == 0 || !strings.Contains(errs, "未导入任何方案") || !strings.Contains(errs, "第 3 行 A 列") || !strings.Contains(errs, "第 3 行 I 列：「E-mail」") {
		t.Fatalf("bad workbook: %d %s", code, errs)
	}
	out, errs, code = run(t, env, "import", good, "--dry-run", "--data", data)
	if code != 0 || !strings.Contains(errs, "预览（未写入）：新建 2") || !strings.Contains(out, "东南大学苏州研究院") {
		t.Fatalf("dry run: %d %s %s", code, out, errs)
	}
	if _, errs, code := run(t, env, "import", good, "--data", data); code != 0 || !strings.Contains(errs, "新建 2，更新 0，跳过 0") {
		t.Fatalf("import: %d %s", code, errs)
	}
	// Nothing of the bad workbook was kept: its good row comes now as new.
	if _, errs, code := run(t, env, "import", bad, "--partial", "--data", data); code != 0 || !strings.Contains(errs, "新建 1") {
		t.Fatalf("partial: %d %s", code, errs)
	}
	if _, errs, code := run(t, env, "import", good, "--data", data); code != 0 || !strings.Contains(errs, "新建 0，更新 0，跳过 2") {
		t.Fatalf("second import: %d %s", code, errs)
	}
}

// Issue 15.4: a solutions workbook whose row says 已签约 moves its
// published need, and `xunbang import` says so (the dry run that it
// would); a draft need stays, and the import says why.
func TestImportSolutionWorkbookMovesItsNeed(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "12"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	first := func(status string) (id, title string) {
		out, errs, code := run(t, env, "list", "--json", "--status", status, "--data", data)
		if code != 0 || strings.TrimSpace(out) == "" {
			t.Fatalf("no %s need in the demo: %d %s", status, code, errs)
		}
		line, _, _ := strings.Cut(out, "\n")
		var n struct{ ID, Title string }
		if err := json.Unmarshal([]byte(line), &n); err != nil {
			t.Fatal(err)
		}
		return n.ID, n.Title
	}
	pubID, pubTitle := first("已发布")
	draftID, draftTitle := first("草稿")
	book := filepath.Join(dir, "signed.xlsx")
	f := excelize.NewFile()
	for r, vals := range [][]any{
		{"需求编号", "方案提供方单位名称", "单位类型", "地区", "联系人", "职务", "联系方式", "E-mail", "解决方案简要介绍", "方案状态"},
		{strings.ToUpper(pubID[:8]), "东南大学苏州研究院", "科研院所", "江苏苏州", "陈工", "副所长", "13805120001", "chen@seu.example.edu.cn", "以渗碳淬火与喷丸复合强化提升疲劳寿命，已中试验证。", "已签约"},
		{strings.ToUpper(draftID[:8]), "苏州大学", "高校", "江苏苏州", "王工", "教授", "13805120002", "wang@suda.example.edu.cn", "以渗碳淬火与喷丸复合强化提升疲劳寿命，已中试验证。", "已签约"},
	} {
		for c, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			_ = f.SetCellValue("Sheet1", cell, v)
		}
	}
	if err := f.SaveAs(book); err != nil {
		t.Fatal(err)
	}
	f.Close()
	held := "需求「" + draftTitle + "」（" + draftID[:8] + "）：按方案，需求应为「已签约」；但需求现为「草稿」，需求尚未发布，状态未改变。"
	_, errs, code := run(t, env, "import", book, "--dry-run", "--data", data)
	if code != 0 || !strings.Contains(errs, "需求「"+pubTitle+"」（"+pubID[:8]+"）的状态将从「已发布」变为「已签约」。") || !strings.Contains(errs, held) {
		t.Fatalf("dry run: %d %s", code, errs)
	}
	_, errs, code = run(t, env, "import", book, "--data", data)
	if code != 0 || !strings.Contains(errs, "需求「"+pubTitle+"」（"+pubID[:8]+"）的状态已从「已发布」变为「已签约」。") || !strings.Contains(errs, held) {
		t.Fatalf("import: %d %s", code, errs)
	}
	if out, _, _ := run(t, env, "list", "--json", "--status", "已签约", "--data", data); !strings.Contains(out, pubID) {
		t.Errorf("the need is not 已签约: %s", out)
	}
	_, errs, code = run(t, env, "import", book, "--data", data)
	if code != 0 || strings.Contains(errs, "状态") {
		t.Errorf("again: %d %s", code, errs)
	}
}

// A dry run lists the records its report lists, says how many more there
// are, and counts them all.
func TestDryRunSaysWhatItDoesNotList(t *testing.T) {
	var out, errb bytes.Buffer
	c := &call{env: Env{Stdout: &out, Stderr: &errb}, lang: "zh"}
	rep := store.ImportReport{
		Items:        []store.ImportItem{{Action: store.ActionCreate, Kind: store.KindNeed, ID: "0b8f5a4e-1111-4222-8333-444455556666", Title: "第一条"}},
		ItemsLeftOut: 4, Created: 5,
	}
	printImportReport(c, rep, true)
	if !strings.Contains(out.String(), "第一条") || !strings.Contains(out.String(), "另有 4 条记录没有逐条列出") {
		t.Errorf("listing %q", out.String())
	}
	if !strings.Contains(errb.String(), "新建 5，更新 0，跳过 0") {
		t.Errorf("counts %q", errb.String())
	}
}
