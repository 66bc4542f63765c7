package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/store"
)

// TestBackupFromTheSettings: 设置 → 备份… proposes a new .db file in the
// Documents folder, writes the backup there behind the job dialog, says
// what it holds and records it in the audit log, as `xunbang backup` does;
// a name that exists is refused, never replaced.
func TestBackupFromTheSettings(t *testing.T) {
	mustSetLanguage(t, Chinese)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	docs := filepath.Join(home, "Documents")
	if err := os.Mkdir(docs, 0o700); err != nil {
		t.Fatal(err)
	}
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 12) })
	r := u.runner
	r.lastDir = ""
	test.Tap(u.settingsView.backup)
	v := r.saveAs
	if v == nil || v.dir != docs || !strings.HasSuffix(v.name.Text, ".db") || !strings.HasPrefix(v.name.Text, "寻榜备份-") {
		t.Fatalf("备份… proposes %+v", v)
	}
	v.name.SetText("周五")
	test.Tap(v.save)
	settle(t, u)
	path := filepath.Join(docs, "周五.db")
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("no backup: %v (result %q)", err, r.resultText)
	}
	n := st.CountNeeds(context.Background())
	if !strings.Contains(r.resultText, path) || !strings.Contains(r.resultText, itoa(n)+" 条需求") {
		t.Errorf("result %q", r.resultText)
	}
	log, err := st.AuditLog(context.Background(), store.AuditQuery{Kind: store.AuditBackup})
	if err != nil || len(log) != 1 || log[0].Detail != path || log[0].User != "李科技" {
		t.Errorf("audit %+v %v", log, err)
	}
	// The backup is the data: it restores, checked whole, with the needs.
	if rep, err := store.Restore(context.Background(), filepath.Join(t.TempDir(), "r"), path, store.Options{}); err != nil || rep.Needs != n {
		t.Errorf("the backup restores %+v: %v", rep, err)
	}

	// The same name again: refused, not replaced.
	r.result.Hide()
	test.Tap(u.settingsView.backup)
	v = r.saveAs
	v.name.SetText("周五")
	test.Tap(v.save)
	settle(t, u)
	if r.saveAs != v || r.overwrite != nil || !strings.Contains(v.message.Text, "已存在") {
		t.Errorf("an existing name: dialog %v, overwrite %v, message %q", r.saveAs != nil, r.overwrite, v.message.Text)
	}
	if log, _ := st.AuditLog(context.Background(), store.AuditQuery{Kind: store.AuditBackup}); len(log) != 1 {
		t.Errorf("%d backups recorded", len(log))
	}
}
