package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/store"
)

// scriptedTerminal answers the passphrase prompts in turn and records
// them: the terminal of a person who types those answers.
type scriptedTerminal struct {
	answers []string
	prompts []string
}

func (s *scriptedTerminal) ReadPassword(prompt string) (string, error) {
	s.prompts = append(s.prompts, prompt)
	if len(s.answers) == 0 {
		return "", io.EOF
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	return a, nil
}

// runTerminal runs the CLI with a terminal that types answers.
func runTerminal(t *testing.T, env map[string]string, answers []string, args ...string) (term *scriptedTerminal, stderr string, code int) {
	t.Helper()
	term = &scriptedTerminal{answers: answers}
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Env{
		Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Terminal: term,
	})
	return term, errb.String(), code
}

// TestPassphraseAskedAtTheTerminal: on a computer without a keyring, a
// new user's first command asks for a passphrase twice (no environment
// variable needed); later commands ask for it once and let a mistyped one
// be typed again; --passphrase-file gives it to scripts; without a terminal
// the command says all three ways (issue 12.16).
func TestPassphraseAskedAtTheTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: derives Argon2id keys with the real cost")
	}
	withKeyring(t, &store.MemoryKeyring{Broken: true})
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	zh := map[string]string{"LANG": "zh_CN.UTF-8"}
	const good = "橘子洲头 long enough"

	// The first command: choose one. Too short, then two that differ,
	// then the same twice.
	term, errs, code := runTerminal(t, zh, []string{"短", good, good + "x", good, good}, "demo", "--data", data, "--needs", "3")
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, errs)
	}
	if want := []string{"新口令：", "新口令：", "再输入一次：", "新口令：", "再输入一次："}; strings.Join(term.prompts, "|") != strings.Join(want, "|") {
		t.Errorf("prompts %q, want %q", term.prompts, want)
	}
	for _, w := range []string{"本机没有可用的系统钥匙串", "口令太短", "两次输入的口令不一样"} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}

	// Then: asked once; a wrong one may be typed again.
	term, errs, code = runTerminal(t, zh, []string{"wrong passphrase", good}, "list", "--data", data)
	if code != 0 || len(term.prompts) != 2 || !strings.Contains(term.prompts[0], "数据目录 "+data+" 的口令") || !strings.Contains(errs, "口令不对，请再试一次") {
		t.Errorf("list: exit %d, prompts %q\n%s", code, term.prompts, errs)
	}
	term, errs, code = runTerminal(t, zh, []string{"a", "b", "c"}, "list", "--data", data)
	if code != ExitError || len(term.prompts) != 3 || !strings.Contains(errs, "口令不对：输入的口令解不开") {
		t.Errorf("three wrong: exit %d, prompts %q\n%s", code, term.prompts, errs)
	}

	// A passphrase file: no prompt; the first line only.
	pf := filepath.Join(dir, "pass.txt")
	if err := os.WriteFile(pf, []byte(good+"\r\nsecond line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	term, errs, code = runTerminal(t, zh, nil, "list", "--data", data, "--passphrase-file", pf)
	if code != 0 || len(term.prompts) != 0 {
		t.Errorf("--passphrase-file: exit %d, prompts %q\n%s", code, term.prompts, errs)
	}
	if err := os.WriteFile(pf, []byte("not it\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run(t, zh, "list", "--data", data, "--passphrase-file", pf); code != ExitError || !strings.Contains(errs, "口令文件 "+pf+" 中的口令解不开") {
		t.Errorf("wrong file: exit %d\n%s", code, errs)
	}

	// No terminal, no passphrase: the three ways.
	_, errs, code = run(t, zh, "list", "--data", data)
	for _, w := range []string{"在终端中运行", "--passphrase-file", "XUNBANG_PASSPHRASE"} {
		if code != ExitError || !strings.Contains(errs, w) {
			t.Errorf("no passphrase: exit %d, stderr lacks %q:\n%s", code, w, errs)
		}
	}

	// Restore on a computer without a keyring asks for the backup's.
	backup := filepath.Join(dir, "b.db")
	if _, errs, code := runTerminal(t, zh, []string{good}, "backup", "-o", backup, "--data", data); code != 0 {
		t.Fatalf("backup: %s", errs)
	}
	other := filepath.Join(dir, "other")
	term, errs, code = runTerminal(t, zh, []string{good}, "restore", backup, "--data", other)
	if code != 0 || len(term.prompts) != 1 || !strings.Contains(term.prompts[0], "备份 "+backup+" 的口令") {
		t.Errorf("restore: exit %d, prompts %q\n%s", code, term.prompts, errs)
	}

	// Changing it: the current one, then the new one twice.
	const next = "岳麓山下 also long"
	term, errs, code = runTerminal(t, zh, []string{good, next, next}, "passphrase", "--data", data)
	if code != 0 || len(term.prompts) != 3 || !strings.Contains(term.prompts[1], "新口令") {
		t.Errorf("passphrase: exit %d, prompts %q\n%s", code, term.prompts, errs)
	}
	if _, errs, code := run(t, map[string]string{"XUNBANG_PASSPHRASE": next}, "list", "--data", data); code != 0 {
		t.Errorf("the new passphrase does not open the data: %s", errs)
	}
}

func TestReadPassphraseFile(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]string{"abc def\n": "abc def", "abc\r\n": "abc", "abc": "abc", "abc\nxyz\n": "abc", " 空格 \n": " 空格 "} {
		p := filepath.Join(dir, "p")
		os.WriteFile(p, []byte(content), 0o600)
		if got, err := readPassphraseFile(p); err != nil || got != want {
			t.Errorf("%q: %q %v", content, got, err)
		}
	}
	p := filepath.Join(dir, "empty")
	os.WriteFile(p, []byte("\nx\n"), 0o600)
	var ue userError
	if _, err := readPassphraseFile(p); !errors.As(err, &ue) {
		t.Errorf("empty first line: %v", err)
	}
}
