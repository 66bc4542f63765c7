package cli

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
