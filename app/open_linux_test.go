//go:build linux

package app

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenPathTellsWhetherAViewerOpened runs openPath against stand-ins for
// xdg-open: one that finds an application (exit 0) and one that finds none
// (exit 3, as xdg-open does).
func TestOpenPathTellsWhetherAViewerOpened(t *testing.T) {
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	script := filepath.Join(bin, "xdg-open")
	file := filepath.Join(t.TempDir(), "卡片.pdf")
	for _, c := range []struct {
		exit   string
		noView bool
	}{{"0", false}, {"3", true}, {"4", true}} {
		if err := os.WriteFile(script, []byte("#!/bin/sh\nexit "+c.exit+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		err := openPath(file)
		if got := errors.Is(err, errNoViewer); got != c.noView || (err != nil) != c.noView {
			t.Errorf("xdg-open exiting %s: openPath = %v", c.exit, err)
		}
	}
	if err := os.Remove(script); err != nil {
		t.Fatal(err)
	}
	if err := openPath(file); err == nil {
		t.Error("openPath without xdg-open succeeded")
	}
}
