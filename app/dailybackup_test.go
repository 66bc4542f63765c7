package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/store"
)

// failingBackups is a store whose daily backup fails (a full disk).
type failingBackups struct{ dir string }

func (f failingBackups) Dir() string { return f.dir }
func (f failingBackups) DailyBackup(context.Context, int) (store.DailyResult, error) {
	return store.DailyResult{}, errors.New("no space left on device")
}

// TestDailyBackupAwayFromTheStart checks that the daily backup waits its
// delay (nothing is copied when the window opens), then makes today's
// backup, that the sync strip says when, and that a failure is said there.
func TestDailyBackupAwayFromTheStart(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 20) })
	s := u.sync
	if s.backup.Visible() {
		t.Errorf("the strip speaks of a backup before looking: %q", s.backup.Text)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := newDailyBackups(u, st, 3)
	d.delay = time.Hour // not during this test
	d.start(ctx)
	settle(t, u)
	backups := filepath.Join(st.Dir(), store.BackupDir)
	if l, _ := filepath.Glob(filepath.Join(backups, "*")); len(l) != 0 {
		t.Fatalf("a backup at the start: %v", l)
	}
	if !s.backup.Visible() || s.backup.Text != "尚未备份" {
		t.Errorf("before any backup the strip says %q", s.backup.Text)
	}

	d.run(ctx)
	settle(t, u)
	l, _ := filepath.Glob(filepath.Join(backups, "xunbang-*.db"))
	if len(l) != 1 {
		t.Fatalf("backups after the daily run: %v", l)
	}
	fi, err := os.Stat(l[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := "已备份 " + fi.ModTime().Format("01-02 15:04"); s.backup.Text != want {
		t.Errorf("after the backup the strip says %q, want %q", s.backup.Text, want)
	}

	// A new window looks in the backups folder.
	d2 := newDailyBackups(u, st, 3)
	d2.delay = time.Hour
	s.backupAt = time.Time{}
	d2.start(ctx)
	settle(t, u)
	if !strings.HasPrefix(s.backup.Text, "已备份 ") {
		t.Errorf("at the next start the strip says %q", s.backup.Text)
	}

	f := newDailyBackups(u, failingBackups{dir: st.Dir()}, 3)
	f.run(ctx)
	settle(t, u)
	if !strings.Contains(s.backup.Text, "自动备份失败") || !strings.Contains(s.backup.Text, "no space left") {
		t.Errorf("after a failed backup the strip says %q", s.backup.Text)
	}

	// A long failure (a damaged file, and how to restore it) is cut short
	// in the strip: the window does not grow wider than a 1024-pixel screen.
	long := strings.Repeat("数据文件已损坏，请从备份恢复。", 20)
	s.showBackup(time.Time{}, long)
	if !strings.Contains(s.backup.Text, long) {
		t.Errorf("the strip's backup word %q lost the failure", s.backup.Text)
	}
	if w := s.content.MinSize().Width; w > 1000 {
		t.Errorf("with a long backup failure the strip needs %.0f px of width", w)
	}
}
