package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// runMainEnv makes the test binary run main with the arguments in it
// (separated by U+001F), so that tests run the real program, package
// initialisation included, without building it.
const runMainEnv = "XUNBANG_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if args := os.Getenv(runMainEnv); args != "" {
		os.Args = append([]string{"xunbang"}, strings.Split(args, "\x1f")...)
		main()
		return
	}
	os.Exit(m.Run())
}

// runProgram runs the program with args and the environment env (on top of
// a minimal one) and returns its standard error.
func runProgram(t *testing.T, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), runMainEnv + "=" + strings.Join(args, "\x1f")}, env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// TestFyneSaysNothingUnderCLocale: commands that open no window print
// nothing of Fyne's, whatever the locale (issue 11.8: with LANG=C.UTF-8
// every command printed "Fyne error: Error parsing user locale C").
func TestFyneSaysNothingUnderCLocale(t *testing.T) {
	data := t.TempDir()
	for _, env := range [][]string{
		{"LANG=C.UTF-8"}, {"LANG=C"}, {"LC_ALL=C.utf8"}, {"LANG=POSIX.UTF-8"}, {"LC_ALL=C.UTF-8", "LANG=zh_CN.UTF-8"}, {},
	} {
		for _, args := range [][]string{{"version"}, {"list", "--data", data}, {"help"}} {
			env := append([]string{"XUNBANG_PASSPHRASE=fyne-quiet-test"}, env...)
			_, stderr, err := runProgram(t, env, args...)
			if err != nil {
				t.Errorf("%v %v: %v\n%s", env, args, err, stderr)
			}
			if strings.Contains(stderr, "Fyne") || strings.Contains(stderr, "locale") {
				t.Errorf("%v %v printed Fyne's log:\n%s", env, args, stderr)
			}
		}
	}
}
