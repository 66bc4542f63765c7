package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms/demo"
)

// `xunbang export --format evaluation` writes a sheet per evaluated need
// of the demo, and records the export in the audit log.
func TestExportEvaluation(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "120"); code != 0 || !strings.Contains(errs, "个解决方案") {
		t.Fatalf("demo: %d %s", code, errs)
	}
	want := 0
	for _, n := range demo.Generate(2026, 120).Needs {
		if n.Evaluation != nil {
			want++
		}
	}
	out := filepath.Join(dir, "竞榜.xlsx")
	_, errs, code := run(t, env, "export", "--format", "evaluation", "-o", out, "--data", data)
	if code != 0 || !strings.Contains(errs, "竞榜评估") {
		t.Fatalf("export: %d %s", code, errs)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n := len(f.GetSheetList()); want == 0 || n != want {
		t.Fatalf("%d sheets, want %d", n, want)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	if len(rows) < 20 || rows[0][0] != "技术需求竞榜评估表" {
		t.Errorf("first sheet: %q", rows)
	}
	if out, _, code := run(t, env, "audit", "--data", data); code != 0 || !strings.Contains(out, "evaluation → ") {
		t.Errorf("audit: %d %s", code, out)
	}
	if _, errs, code := run(t, env, "export", "--format", "evaluation", "--data", data); code == 0 || !strings.Contains(errs, "-o") {
		t.Errorf("to standard output: %d %s", code, errs)
	}
}

// The JSON export carries the solutions (records too, issue 15.3) and
// import puts them back exactly.
func TestJSONExportCarriesSolutions(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", src, "--needs", "40"); code != 0 {
		t.Fatalf("demo: %d %s", code, errs)
	}
	sols := demo.Generate(2026, 40).Solutions
	file := filepath.Join(dir, "all.jsonl")
	if _, errs, code := run(t, env, "export", "--format", "json", "-o", file, "--data", src); code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `{"type":"solution",`); len(sols) == 0 || n != len(sols) {
		t.Fatalf("the export holds %d solutions, the demo %d", n, len(sols))
	}
	if _, errs, code := run(t, env, "import", file, "--data", dst); code != 0 || !strings.Contains(errs, "新建") {
		t.Fatalf("import: %d %s", code, errs)
	}
	out, errs, code := run(t, env, "export", "--format", "json", "--data", dst)
	if code != 0 || out != string(b) {
		t.Errorf("export → import → export differs: %d %s", code, errs)
	}
}
