package jobs

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/xunbang/xunbang/store"
)

// A backup is a whole copy, recorded with its absolute path; it never
// overwrites; the window's control channel gives the same backup; a restore
// puts it back.
func TestBackupAndRestore(t *testing.T) {
	st := demoStore(t, 10)
	ctx := context.Background()
	dir := t.TempDir()
	t.Chdir(dir)
	res, err := Backup(ctx, st, "a.db")
	if err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(dir, "a.db")
	if res.Needs != 10 || res.Bytes == 0 || res.Encrypted {
		t.Errorf("result %+v", res)
	}
	if _, err := Backup(ctx, st, abs); !errors.Is(err, fs.ErrExist) {
		t.Errorf("over an existing file: %v", err)
	}
	// Through the window: the store above is the window's.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srv, err := ServeControl(cctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if !WindowAnswers(ctx, st.Dir()) {
		t.Error("the window does not answer")
	}
	if res, err := BackupThroughWindow(ctx, st.Dir(), "b.db"); err != nil || res.Needs != 10 {
		t.Errorf("through the window: %+v %v", res, err)
	}
	if _, err := BackupThroughWindow(ctx, st.Dir(), "b.db"); !errors.Is(err, fs.ErrExist) {
		t.Errorf("through the window over an existing file: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := BackupThroughWindow(ctx, st.Dir(), "c.db"); !errors.Is(err, ErrNoWindow) {
		t.Errorf("with no window: %v", err)
	}
	log := auditLog(t, st, store.AuditBackup)
	if len(log) != 2 || log[0].Detail != abs || log[1].Detail != filepath.Join(dir, "b.db") {
		t.Errorf("audit %+v", log)
	}

	// Restore a into a new data dir.
	data := filepath.Join(dir, "restored")
	rep, err := Restore(ctx, data, abs, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Needs != 10 {
		t.Errorf("restored %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(data, store.FileName)); err != nil {
		t.Error(err)
	}
}
