package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/store"
)

// TestExportBooklet: `export --format booklet -o FILE.pdf` writes the PDF
// booklet with the campaign of the settings on its cover, and says what it
// holds; without -o it says how to call it.
func TestExportBooklet(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "30"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	saveSettings(t, data, func(s *store.Settings) {
		s.Event = store.Event{Name: "2026年吴江区技术需求对接专场", Organiser: "吴江区科学技术局", Deadline: "2026年9月15日", Submit: "发送至 kjj@wujiang.example.gov.cn"}
	})
	exportCmd := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), append([]string{"export", "--data", data, "--format", "booklet"}, args...), Env{
			Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Font: fontBytes(t),
		})
		return errb.String(), code
	}
	pdf := filepath.Join(dir, "汇编.pdf")
	// The printed booklet holds confirmed needs only, and says so when asked for more.
	if errs, code := exportCmd("-o", pdf, "--include-unconfirmed"); code != ExitError || !strings.Contains(errs, "只用于 --format handbook") {
		t.Errorf("booklet --include-unconfirmed: %d %s", code, errs)
	}
	errs, code := exportCmd("-o", pdf)
	if code != 0 || !strings.Contains(errs, "汇编收录") {
		t.Fatalf("export: %d %s", code, errs)
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (run make deps): %v", err)
	}
	flat := strings.Join(strings.Fields(string(text)), "")
	for _, s := range []string{"2026年吴江区技术需求对接专场", "吴江区科学技术局", "kjj@wujiang.example.gov.cn", "目录", "技术需求解决方案表"} {
		if !strings.Contains(flat, s) {
			t.Errorf("the booklet lacks %q", s)
		}
	}
	if errs, code := exportCmd(); code == 0 || !strings.Contains(errs, "-o") {
		t.Errorf("without -o: %d %s", code, errs)
	}
}
