//go:build linux

package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestDiskFullIsSaidInTheUsersLanguage: a write that fails for lack of
// space — for real, on /dev/full — is said in the user's language, not as
// Go's "no space left on device" (issue 11.8).
func TestDiskFullIsSaidInTheUsersLanguage(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	data := t.TempDir()
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "5"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	for lang, want := range map[string]string{"zh": "磁盘已满", "en": "the disk is full"} {
		var errb strings.Builder
		code := Main(t.Context(), []string{"export", "--data", data, "--lang", lang}, Env{
			Stdout: full, Stderr: &errb, Getenv: func(k string) string { return env[k] },
		})
		if code != ExitError || !strings.Contains(errb.String(), want) || strings.Contains(errb.String(), "no space left") {
			t.Errorf("%s: exit %d, stderr %q", lang, code, errb.String())
		}
	}
}

func TestFileSystemFailuresAreSaidInTheUsersLanguage(t *testing.T) {
	for _, tc := range []struct {
		err    error
		zh, en string
	}{
		{fmt.Errorf("export: %w", &fs.PathError{Op: "write", Path: "/mnt/u/需求.xlsx", Err: syscall.ENOSPC}), "磁盘已满", "the disk is full"},
		{fmt.Errorf("open store: %w", &fs.PathError{Op: "open", Path: "/media/cd/xunbang.db", Err: syscall.EROFS}), "只读", "read-only"},
		{&fs.PathError{Op: "open", Path: "/root/x.db", Err: syscall.EACCES}, "没有权限", "permission denied"},
		{errors.New("something else"), "出错了", "error:"},
	} {
		zh, en := userMessage(tc.err, "zh"), userMessage(tc.err, "en")
		if !strings.Contains(zh, tc.zh) || !strings.Contains(en, tc.en) {
			t.Errorf("%v:\n zh %q\n en %q", tc.err, zh, en)
		}
		var pe *fs.PathError
		if errors.As(tc.err, &pe) && (!strings.Contains(zh, pe.Path) || strings.Contains(zh, pe.Err.Error())) {
			t.Errorf("%v: the message should name %s, not Go's words: %q", tc.err, pe.Path, zh)
		}
	}
}
