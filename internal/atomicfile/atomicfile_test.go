package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// names lists what dir holds.
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var l []string
	for _, e := range es {
		l = append(l, e.Name())
	}
	return l
}

func TestWriteReplacesWholeOrNotAtAll(t *testing.T) {
	errWrite := errors.New("disk gone")
	errBefore := errors.New("audit refused")
	tests := []struct {
		name   string
		write  func(io.Writer) error
		before func() error
		err    error
		want   string // the file's content afterwards
	}{
		{"written", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, nil, nil, "new"},
		{"write fails half-way", func(w io.Writer) error { io.WriteString(w, "ne"); return errWrite }, nil, errWrite, "old"},
		{"before refuses", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, func() error { return errBefore }, errBefore, "old"},
		{"before agrees", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, func() error { return nil }, nil, "new"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "out.xlsx")
			if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			err := WriteThen(p, 0o600, tc.write, tc.before)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			b, _ := os.ReadFile(p)
			if string(b) != tc.want {
				t.Errorf("file holds %q, want %q", b, tc.want)
			}
			if l := names(t, dir); len(l) != 1 || l[0] != "out.xlsx" {
				t.Errorf("directory holds %v, want only out.xlsx", l)
			}
		})
	}
}

func TestWriteFileMode(t *testing.T) {
	dir := t.TempDir()
	for _, perm := range []fs.FileMode{0o600, 0o644} {
		p := filepath.Join(dir, perm.String())
		if err := WriteFile(p, []byte("x"), perm); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm() != perm { // Windows has no Unix modes
			t.Errorf("mode %v, want %v", fi.Mode().Perm(), perm)
		}
	}
}

func TestWriteIntoAMissingDirectoryFails(t *testing.T) {
	if err := WriteFile(filepath.Join(t.TempDir(), "missing", "x"), []byte("x"), 0o600); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestCommitOnceAndCleanupAfter(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a")
	f, err := Create(p, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Cleanup()
	if f.Path() != p {
		t.Errorf("Path = %q", f.Path())
	}
	if _, err := f.WriteString("a"); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("second commit: %v", err)
	}
	f.Cleanup()
	if b, err := os.ReadFile(p); err != nil || string(b) != "a" {
		t.Errorf("after cleanup: %q %v", b, err)
	}

	// Abandoned: nothing left.
	g, err := Create(filepath.Join(dir, "b"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	g.WriteString("half")
	g.Cleanup()
	if l := names(t, dir); len(l) != 1 || l[0] != "a" {
		t.Errorf("directory holds %v, want only a", l)
	}
}

// A write killed before Commit leaves a file TempGlob finds.
func TestTempGlobFindsWhatAKilledWriteLeaves(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "xunbang.db.schema5.bak"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Cleanup()
	found, err := filepath.Glob(filepath.Join(dir, TempGlob("xunbang.db*")))
	if err != nil || len(found) != 1 || found[0] != f.Name() {
		t.Errorf("TempGlob found %v (%v), the write is %s", found, err, f.Name())
	}
	if other, _ := filepath.Glob(filepath.Join(dir, TempGlob("other.db*"))); len(other) != 0 {
		t.Errorf("another name's glob found %v", other)
	}
}

// TestCommitRemovesStaleLeftovers: a write that commits removes what
// killed writes of the same target left over an hour ago, and nothing else:
// not a fresh one (another write's, in progress), not another target's, not
// a file that merely looks alike.
func TestCommitRemovesStaleLeftovers(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "需求上传表[1].xlsx")
	old := time.Now().Add(-2 * time.Hour)
	names := map[string]bool{ // name: stays
		".需求上传表[1].xlsx.123456.tmp": false,
		".需求上传表[1].xlsx.987.tmp":    true, // fresh
		".other.xlsx.123456.tmp":    true,
		".需求上传表[1].xlsx.abc.tmp":    true, // not CreateTemp's
		"需求上传表[1].xlsx.123.tmp":     true, // not hidden
	}
	for name, stays := range names {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if !stays || name != ".需求上传表[1].xlsx.987.tmp" {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := WriteFile(target, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, stays := range names {
		_, err := os.Stat(filepath.Join(dir, name))
		if got := err == nil; got != stays {
			t.Errorf("%s: there %v, want %v", name, got, stays)
		}
	}
	if b, err := os.ReadFile(target); err != nil || string(b) != "new" {
		t.Fatalf("target: %q %v", b, err)
	}
}
