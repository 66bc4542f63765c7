package cli

import (
	"archive/zip"
	"fmt"
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
