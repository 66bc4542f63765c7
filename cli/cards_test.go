package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func fontBytes(t *testing.T) func() []byte {
	t.Helper()
	b, err := os.ReadFile("../assets/fonts/wqy-microhei-subset.ttf")
	if err != nil {
		t.Fatal(err)
	}
	return func() []byte { return b }
}

func TestCardsCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "24"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	pdf := filepath.Join(dir, "cards.pdf")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"cards", "--data", data, "-o", pdf, "--layout", "a4-8"}, Env{
		Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Font: fontBytes(t),
	})
	if code != 0 {
		t.Fatalf("cards: %d %s", code, errb.String())
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	if !strings.Contains(errb.String(), "跳过") || !strings.Contains(errb.String(), "张卡片") {
		t.Errorf("the command does not report skipped private needs and the count:\n%s", errb.String())
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext missing: run make deps")
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "技术需求") {
		t.Errorf("the PDF's text lacks the card heading:\n%.300s", text)
	}
	// A bad layout is a usage message, not a crash.
	errb.Reset()
	code = Main(context.Background(), []string{"cards", "--data", data, "--layout", "a3"}, Env{
		Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Font: fontBytes(t),
	})
	if code == 0 || !strings.Contains(errb.String(), "未知版式") {
		t.Errorf("bad layout: %d %s", code, errb.String())
	}
}
