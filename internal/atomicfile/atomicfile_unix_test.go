//go:build unix

package atomicfile

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A target that is no regular file is written in place: a named pipe stays
// a pipe and its reader gets the bytes. (Renaming over such a target
// replaced it with a file: `xunbang export -o /dev/null`, run as root,
// turned the system's /dev/null into a regular file. The test uses a pipe,
// not /dev/null, so that a regression cannot do that again.)
func TestDeviceTargetIsWrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(pipe)
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	want := bytes.Repeat([]byte("需求 "), 10_000)
	if err := WriteFile(pipe, want, 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-got:
		if !bytes.Equal(b, want) {
			t.Errorf("the pipe's reader got %d bytes, want %d", len(b), len(want))
		}
	case <-time.After(10 * time.Second):
		t.Error("the pipe's reader got nothing in 10 s: the pipe was not written")
	}
	info, err := os.Lstat(pipe)
	if err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe is now %v (%v)", info.Mode(), err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, TempGlob("*"))); len(m) != 0 {
		t.Errorf("temporary files left: %q", m)
	}
}

// A symbolic link stays a link: the file it points to gets the bytes.
func TestSymlinkTargetKeepsTheLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.xlsx")
	if err := os.WriteFile(real, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.xlsx")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link is now %v (%v)", info.Mode(), err)
	}
	if b, err := os.ReadFile(real); err != nil || string(b) != "new" {
		t.Fatalf("the linked file holds %q (%v)", b, err)
	}
}
