//go:build linux

package diskerr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestClassify(t *testing.T) {
	wrap := func(e error) error {
		return fmt.Errorf("save need: commit: %w", &fs.PathError{Op: "write", Path: "/d/xunbang.db", Err: e})
	}
	for _, tc := range []struct {
		err  error
		want Kind
	}{
		{wrap(syscall.ENOSPC), Full}, {wrap(syscall.EDQUOT), Full}, {wrap(syscall.EROFS), ReadOnly},
		{wrap(syscall.EACCES), Denied}, {wrap(syscall.EPERM), Denied}, {fs.ErrPermission, Denied},
		{wrap(syscall.EIO), None}, {errors.New("x"), None}, {nil, None},
	} {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestRealDiskFull writes to /dev/full, a device that is always full.
func TestRealDiskFull(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = f.Write([]byte("x"))
	msg, ok := Message(fmt.Errorf("export: %w", err), "zh")
	if !ok || !strings.Contains(msg, "磁盘已满") || !strings.Contains(msg, "/dev/full") {
		t.Fatalf("%v → %q %v", err, msg, ok)
	}
	if msg, _ := Message(err, "en"); !strings.HasPrefix(msg, "the disk is full") {
		t.Fatalf("en: %q", msg)
	}
}
