// Package atomicfile writes files so that whoever reads them — another
// program, the next run after a crash or a power cut — finds either the file
// as it was or the complete new one, never half of one.
//
// The bytes go into a temporary file in the target's directory (so that the
// rename stays on one file system), named ".<name>.<random>.tmp"; once
// complete it is synced, given its mode, closed, renamed over the target, and
// the directory is synced so that the rename itself survives a power cut. A
// write that fails or is abandoned removes the temporary file and leaves the
// target as it was. A write killed midway leaves its temporary file; the
// next write of the same target that commits removes it once it is an hour
// old. A target that is a symbolic link is written at the file it points
// to; one that is a device or a named pipe (-o /dev/null) is written in
// place, for renaming over it would replace it.
//
// Every file xunbang writes whole — exports, cards, backups, the control
// file, screenshots — goes through here (tailscale's atomicfile is the
// model).
package atomicfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File is a file being written: a temporary file beside its target that
// takes the target's name at [File.Commit]. Write to it as to any *os.File.
// Always call [File.Cleanup] (deferred): it removes the temporary file when
// the write did not get as far as Commit.
type File struct {
	*os.File
	path string
	perm fs.FileMode
	done bool
	// direct: the target is no regular file (a device such as /dev/null, a
	// named pipe) and is written in place, as a shell's > would: renaming
	// over it would replace the device with a file — for /dev/null, run as
	// root, the whole system's.
	direct bool
}

// Create starts writing path, whose mode will be perm once committed. The
// directory must exist. A path that is a symbolic link is written at the
// file it points to (the link stays); one that is neither a regular file
// nor a directory (a device, a named pipe) is written in place, not
// atomically.
func Create(path string, perm fs.FileMode) (*File, error) {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() && !info.IsDir() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		return &File{File: f, path: path, perm: perm, direct: true}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), TempGlob(filepath.Base(path)))
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &File{File: f, path: path, perm: perm}, nil
}

// TempGlob is the glob pattern (filepath.Match) of the temporary files a
// write of a file named name leaves when its process is killed before
// Commit or Cleanup; name may itself hold a glob (xunbang.db*). Whoever
// owns the directory removes them.
func TempGlob(name string) string { return "." + name + ".*.tmp" }

// Path is the file's final name (the target).
func (f *File) Path() string { return f.path }

// Commit makes what was written the file at the target path: it syncs the
// temporary file, sets its mode, closes it, renames it over the target and
// syncs the directory. After an error the target is as it was and the
// temporary file is gone.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("write %s: %w", f.path, fs.ErrClosed)
	}
	f.done = true
	if f.direct {
		if err := f.File.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.path, err)
		}
		return nil
	}
	tmp := f.Name()
	err := f.Sync()
	if err == nil {
		err = f.Chmod(f.perm)
	}
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, f.path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	SyncDir(filepath.Dir(f.path))
	removeStale(f.path, time.Now().Add(-staleAfter))
	return nil
}

// staleAfter is how old a temporary file of a target must be for a
// committed write of the same target to take it for a killed write's.
const staleAfter = time.Hour

// removeStale removes the temporary files of writes of path that a killed
// process left (TempGlob) and that were last written before cutoff: an
// export into the user's own folder has no one else to tidy it, and the
// leftovers are visible files on Windows. Fresh ones may be another
// write's, in progress, and stay.
func removeStale(path string, cutoff time.Time) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	// The name is not a glob (it may hold [ or *): the pattern is matched
	// by its two halves, around the digits CreateTemp puts for its last *.
	pat := TempGlob(filepath.Base(path))
	star := strings.LastIndex(pat, "*")
	prefix, suffix := pat[:star], pat[star+1:]
	for _, e := range entries {
		mid, pre := strings.CutPrefix(e.Name(), prefix)
		mid, suf := strings.CutSuffix(mid, suffix)
		if !pre || !suf || mid == "" || strings.Trim(mid, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(cutoff) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// Cleanup abandons a write that was not committed: it closes and removes
// the temporary file. After Commit it does nothing, so it may always be
// deferred.
func (f *File) Cleanup() {
	if f.done {
		return
	}
	f.done = true
	_ = f.File.Close()
	if !f.direct {
		_ = os.Remove(f.Name())
	}
}

// Write writes path atomically with mode perm: write fills the file; its
// error, like any of the commit's, leaves path as it was.
func Write(path string, perm fs.FileMode, write func(w io.Writer) error) error {
	return WriteThen(path, perm, write, nil)
}

// WriteThen is Write with a step between the writing and the rename: before,
// when not nil, runs once the file is complete and before it takes its name
// (an export records itself in the audit log there), and its error too
// leaves path as it was.
func WriteThen(path string, perm fs.FileMode, write func(w io.Writer) error, before func() error) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Cleanup()
	if err := write(f); err != nil {
		return err
	}
	if before != nil {
		if err := before(); err != nil {
			return err
		}
	}
	return f.Commit()
}

// WriteFile writes data to path atomically with mode perm.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// SyncDir makes the renames and creations in dir durable. It does nothing
// where a directory cannot be opened or synced (Windows): there the rename
// is as durable as the file system makes it.
func SyncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
