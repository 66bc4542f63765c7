package app

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/cli"
	"github.com/xunbang/xunbang/store"
)

// TestWindowAndCommandLineDoJobsAlike is issue 14's proof that the faces
// share one path for every job: on two copies of the same data dir, with
// the same clock, the window (through Fyne's test driver: the export menu,
// the save-as dialog, the editor's 打印卡片, the import preview) and the
// command line (cli.Main) export every output (the 竞榜 evaluation sheet
// too), print a need's card and
// import a workbook. Each output is the same bytes, and the two audit logs
// are the same entries — the same seq, time, user, kind and detail.
func TestWindowAndCommandLineDoJobsAlike(t *testing.T) {
	mustSetLanguage(t, Chinese)
	setLocale(t, "zh_CN.UTF-8")
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC) }
	const pass = "同一个口令 for both faces"
	dir := t.TempDir()
	cliData, winData, out := filepath.Join(dir, "cli"), filepath.Join(dir, "window"), filepath.Join(dir, "out")
	for _, d := range []string{winData, out} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"LANG": "zh_CN.UTF-8", store.PassphraseEnv: pass}
	command := func(args ...string) {
		t.Helper()
		var o, e bytes.Buffer
		code := cli.Main(ctx, args, cli.Env{Stdout: &o, Stderr: &e, Getenv: func(k string) string { return env[k] }, Font: assets.FontBytes, Now: now})
		if code != cli.ExitOK {
			t.Fatalf("xunbang %s: %d\n%s", strings.Join(args, " "), code, e.String())
		}
	}
	command("demo", "--data", cliData, "--needs", "40")
	copyFile(t, filepath.Join(cliData, store.FileName), filepath.Join(winData, store.FileName))

	// The window on its copy.
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	st, err := store.Open(ctx, winData, store.Options{Key: store.KeySource{Passphrase: pass}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set, err := st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := a.NewWindow("寻榜")
	defer w.Close()
	w.Resize(fyne.NewSize(1280, 800))
	u := newUI(ctx, a, w, st, set, Options{DataDir: winData, Now: now})
	useQueue(u)
	u.openPath = func(string) error { return nil }
	u.start()
	settle(t, u)
	r := u.runner
	r.lastDir = out
	saveAs := func(name string) {
		t.Helper()
		v := r.saveAs
		if v == nil {
			t.Fatalf("no save-as dialog for %s", name)
		}
		v.setFolder(out)
		v.name.SetText(name)
		test.Tap(v.save)
		settle(t, u)
		if r.result == nil || !strings.Contains(r.resultText, filepath.Join(out, name)) {
			t.Fatalf("%s: the window says %q", name, r.resultText)
		}
		r.result.Hide()
	}
	// same says the window's file and the command's are the same bytes;
	// both wrote to the same path (so that the audit entries name it alike),
	// the window's first.
	var windowCopy []byte
	keep := func(name string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		windowCopy = b
		if err := os.Remove(filepath.Join(out, name)); err != nil {
			t.Fatal(err)
		}
	}
	same := func(name string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(windowCopy, b) {
			t.Errorf("%s: the window wrote %d bytes, the command line %d, not the same", name, len(windowCopy), len(b))
		}
	}

	// Every export.
	for _, tc := range []struct {
		format string
		args   []string
	}{
		{excelPlatform, []string{"--format", "platform"}},
		{excelHandbook, []string{"--format", "handbook"}},
		{excelHandbookUnconfirmed, []string{"--format", "handbook", "--include-unconfirmed"}},
		{excelBooklet, []string{"--format", "booklet"}},
		{excelReport, []string{"--format", "report"}},
		{excelEvaluation, []string{"--format", "evaluation"}},
	} {
		name := strings.ReplaceAll(tc.format, ".", "-") + exportExt(tc.format)
		u.needs.excel.chooseExport(tc.format)
		saveAs(name)
		keep(name)
		command(append([]string{"export", "--data", cliData, "-o", filepath.Join(out, name)}, tc.args...)...)
		same(name)
	}

	// One need's card, from the editor and by its number.
	id, ok := u.needs.firstNeed()
	if !ok {
		t.Fatal("the need list is empty")
	}
	u.openNeed(id)
	settle(t, u)
	test.Tap(u.editor.printBtn)
	saveAs("card.pdf")
	keep("card.pdf")
	command("cards", "--data", cliData, "-o", filepath.Join(out, "card.pdf"), id)
	same("card.pdf")

	// The upload sheet back in: the same preview, the same import.
	sheet := filepath.Join(out, "platform.xlsx")
	u.needs.excel.startImport(sheet)
	settle(t, u)
	v := u.needs.excel.preview
	if v == nil || v.p.HasErrors() {
		t.Fatalf("no clean preview of %s: %q", sheet, r.resultText)
	}
	test.Tap(v.doImport)
	settle(t, u)
	command("import", "--data", cliData, sheet)

	// The same audit log, entry for entry.
	winLog, err := st.AuditLog(ctx, store.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	cst, err := store.Open(ctx, cliData, store.Options{Key: store.KeySource{Passphrase: pass}})
	if err != nil {
		t.Fatal(err)
	}
	defer cst.Close()
	cliLog, err := cst.AuditLog(ctx, store.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range winLog {
		kinds[e.Kind]++
	}
	if kinds[store.AuditExport] != 6 || kinds[store.AuditPrintCards] != 1 || kinds[store.AuditImport] != 1 {
		t.Errorf("the window's audit log: %v", kinds)
	}
	// The demo's evaluations are in the evaluation sheet: it is not an
	// empty workbook that both faces happen to write alike.
	evaluated := false
	for _, e := range winLog {
		evaluated = evaluated || e.Kind == store.AuditExport && strings.HasPrefix(e.Detail, "evaluation → ") && !strings.HasSuffix(e.Detail, "(0 needs)")
	}
	if !evaluated {
		t.Errorf("no evaluation export with evaluated needs in the window's audit log: %v", winLog)
	}
	if len(winLog) != len(cliLog) {
		t.Fatalf("the window recorded %d entries, the command line %d:\n%v\n%v", len(winLog), len(cliLog), winLog, cliLog)
	}
	for i := range winLog {
		if winLog[i] != cliLog[i] {
			t.Errorf("entry %d: the window %+v, the command line %+v", i, winLog[i], cliLog[i])
		}
	}
}

// copyFile copies the file src to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	o, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(o, in); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
}
