package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// run runs the CLI in-process with its own environment.
func run(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Env{
		Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return out.String(), errb.String(), code
}

func TestExportImportRoundTripIsExact(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", src, "--needs", "40"); code != 0 {
		t.Fatalf("demo: %d %s", code, errs)
	}
	file := filepath.Join(dir, "all.jsonl")
	if _, errs, code := run(t, env, "export", "--format", "json", "-o", file, "--data", src); code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	first, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(first, []byte("\n")); n < 40 {
		t.Fatalf("export wrote %d lines", n)
	}
	if _, errs, code := run(t, env, "import", file, "--data", dst); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	again := filepath.Join(dir, "again.jsonl")
	if _, errs, code := run(t, env, "export", "-o", again, "--data", dst); code != 0 {
		t.Fatalf("second export: %d %s", code, errs)
	}
	second, _ := os.ReadFile(again)
	if !bytes.Equal(first, second) {
		t.Errorf("export → import → export differs (%d vs %d bytes)", len(first), len(second))
	}
}

// The upload sheet imported back into the data dir it came from changes
// nothing: a 面议 need, whose budget the platform's sheet writes as an
// empty cell, is not made 待补充 (found driving the window: 4,235 of
// 21,412 needs "updated" by a re-import).
func TestUploadSheetReimportChangesNothing(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "300"); code != 0 {
		t.Fatalf("demo: %d %s", code, errs)
	}
	sheet := filepath.Join(dir, "upload.xlsx")
	if _, errs, code := run(t, env, "export", "--format", "platform", "-o", sheet, "--data", data); code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	_, errs, code := run(t, env, "import", sheet, "--dry-run", "--data", data)
	if code != 0 || !strings.Contains(errs, "新建 0，更新 0，") {
		t.Fatalf("re-import of the upload sheet: %d\n%s", code, errs)
	}
}

func TestImportWithErrorsImportsNothing(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	file := filepath.Join(dir, "bad.jsonl")
	lines := []string{
		`{"type":"enterprise","id":"e1","enterprise_name":"苏州测试科技有限公司","credit_code":"914403001922038216","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`,
		`{"type":"need","id":"n1","enterprise_id":"e1","status":"draft","title":"一个好好的需求","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`,
		`{"type":"need","id":"n2","enterprise_id":"e1","status":"draft","budget_wan":"很多","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`,
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	_, errs, code := run(t, env, "import", file, "--data", data)
	if code != ExitError {
		t.Fatalf("exit %d, want %d", code, ExitError)
	}
	for _, want := range []string{"第 3 行", "拟投入资金", "未导入任何记录"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	out, _, _ := run(t, env, "list", "--json", "--data", data)
	if strings.TrimSpace(out) != "" {
		t.Errorf("something was imported:\n%s", out)
	}
	// --dry-run with --partial previews the two good records and writes nothing.
	out, errs, code = run(t, env, "import", file, "--data", data, "--partial", "--dry-run")
	if code != 0 || !strings.Contains(errs, "新建 2") {
		t.Fatalf("dry run: %d\n%s\n%s", code, out, errs)
	}
	if out, _, _ := run(t, env, "list", "--json", "--data", data); strings.TrimSpace(out) != "" {
		t.Errorf("a dry run wrote:\n%s", out)
	}
	// --partial imports the good ones.
	if _, errs, code := run(t, env, "import", file, "--data", data, "--partial"); code != 0 {
		t.Fatalf("partial: %d %s", code, errs)
	}
	out, _, _ = run(t, env, "list", "--json", "--data", data)
	if got := strings.Count(out, "\n"); got != 1 || !strings.Contains(out, `"id":"n1"`) {
		t.Errorf("after --partial:\n%s", out)
	}
	// English messages on request.
	_, errs, _ = run(t, map[string]string{"LANG": "en_GB.UTF-8"}, "import", file, "--data", data)
	if !strings.Contains(errs, "line 3") || !strings.Contains(errs, "nothing was imported") {
		t.Errorf("English stderr:\n%s", errs)
	}
}

func TestListJSONAlwaysCarriesTheKeyFields(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{}
	if _, errs, code := run(t, env, "demo", "--data", dir, "--needs", "30"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	out, errs, code := run(t, env, "list", "--json", "--data", dir)
	if code != 0 {
		t.Fatalf("list: %d %s", code, errs)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("line %d is not JSON: %v", n+1, err)
		}
		for _, k := range []string{"id", "title", "status", "enterprise_name"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("line %d lacks %s", n+1, k)
			}
		}
		if obj["enterprise_name"] == "" {
			t.Errorf("line %d: empty enterprise_name", n+1)
		}
		n++
	}
	if n != 30 {
		t.Errorf("%d lines, want 30", n)
	}
	// --status filters, by Chinese label or id.
	out, _, _ = run(t, env, "list", "--json", "--status", "草稿", "--data", dir)
	out2, _, _ := run(t, env, "list", "--json", "--status", "draft", "--data", dir)
	if out != out2 || strings.Count(out, "\n") >= 30 {
		t.Errorf("status filter: %d vs %d lines", strings.Count(out, "\n"), strings.Count(out2, "\n"))
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l != "" && !strings.Contains(l, `"status":"draft"`) {
			t.Errorf("--status 草稿 listed %s", l)
		}
	}
	if _, errs, code := run(t, env, "list", "--status", "随便", "--data", dir); code == 0 || !strings.Contains(errs, "未知状态") {
		t.Errorf("unknown status: %d %s", code, errs)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, ExitUsage, "未知命令"},
		{[]string{"import"}, ExitUsage, "用法"},
		{[]string{"import", "x.docx", "--data", "DATA"}, ExitError, ".xlsx"},
		{[]string{"export", "--format", "pdf", "--data", "DATA"}, ExitError, "不支持"},
		{[]string{"--size", "huge"}, ExitUsage, "宽x高"},
		{[]string{"--screen", "nowhere"}, ExitUsage, "未知界面"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		for i, a := range tt.args {
			if a == "DATA" {
				tt.args[i] = dir
			}
		}
		_, errs, code := run(t, map[string]string{}, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errs, tt.code, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := run(t, map[string]string{}, "version")
	if code != 0 || !strings.HasPrefix(out, "xunbang "+Version) || !strings.Contains(out, "catalogue") {
		t.Errorf("version: %d %q", code, out)
	}
}

// The flags every command takes may stand before the command's name, as the
// usage writes them; without a command after them they are the window's.
func TestFlagsBeforeTheCommand(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"--data", "D", "demo", "--needs", "3"}, []string{"demo", "--data", "D", "--needs", "3"}},
		{[]string{"--data=D", "--lang", "en", "list", "--json"}, []string{"list", "--data=D", "--lang", "en", "--json"}},
		{[]string{"-passphrase-file", "P", "sync"}, []string{"sync", "-passphrase-file", "P"}},
		{[]string{"--data", "D"}, []string{"--data", "D"}},
		{[]string{"--data", "D", "--screenshot", "x.png"}, []string{"--data", "D", "--screenshot", "x.png"}},
		{[]string{"--data", "D", "frobnicate"}, []string{"--data", "D", "frobnicate"}},
		{[]string{"demo", "--data", "D"}, []string{"demo", "--data", "D"}},
		{[]string{"--data"}, []string{"--data"}},
	}
	for _, tt := range tests {
		if got := commandFirst(slices.Clone(tt.in)); !slices.Equal(got, tt.want) {
			t.Errorf("commandFirst(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	data := filepath.Join(t.TempDir(), "d")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "--data", data, "demo", "--needs", "3"); code != 0 {
		t.Fatalf("--data before demo: %d %s", code, errs)
	}
	out, errs, code := run(t, env, "--data", data, "list", "--json")
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Fatalf("--data before list: %d %q %s", code, out, errs)
	}
}

// A command whose arguments are wrong says what is wrong and how to go on,
// never exits in silence; `serve help` is help.
func TestUsageErrorsSayWhy(t *testing.T) {
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	hub := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve", "help"}, ExitOK, "xunbang serve"},
		{[]string{"serve", "bogus", "--data", hub}, ExitUsage, "未知的 serve 子命令：bogus"},
		{[]string{"serve", "review", "--data", hub}, ExitUsage, "用法：xunbang serve review"},
		{[]string{"serve", "token", "create", "--data", hub}, ExitUsage, "用法：xunbang serve token create"},
		{[]string{"serve", "--public-url", "notaurl", "--data", hub}, ExitUsage, "--public-url 不是网址"},
		{[]string{"serve", "help", "review"}, ExitOK, "xunbang serve"},
		{[]string{"serve", "review", "n1", "--status", "已发布", "--url", "ftp://x", "--data", hub}, ExitUsage, "--url 要给平台上这条需求的网址"},
		{[]string{"list", "--bogus", "--data", hub}, ExitUsage, "没有 -bogus 这个选项"},
		{[]string{"export", "--format"}, ExitUsage, "选项 -format 后面要给一个值"},
		{[]string{"export", "-h"}, ExitOK, "用法：xunbang export [选项]"},
		{[]string{"serve", "review", "n1", "--status", "已发布", "--server", "http://10.255.255.1:9"}, ExitError, "须用 https:// 地址"},
		{[]string{"serve", "review", "bad id!", "--status", "退回", "--server", "http://127.0.0.1:9"}, ExitUsage, "「bad id!」不是需求编号"},
	} {
		out, errs, code := run(t, env, c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("%q: exit %d, want %d; output %q, want %q in it", c.args, code, c.code, out+errs, c.want)
		}
		if strings.Contains(out+errs, "flag provided") || strings.Contains(out+errs, "Usage of") {
			t.Errorf("%q: the flag package's English: %q", c.args, out+errs)
		}
		if strings.Contains(errs, "出错了") {
			t.Errorf("%q: a raw error: %q", c.args, errs)
		}
		if code == ExitUsage && !strings.Contains(errs, "xunbang help") {
			t.Errorf("%q: no way on: %q", c.args, errs)
		}
	}
}
