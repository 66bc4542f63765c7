package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// The tests of this package keep data keys in a keyring in memory, never in
// the keyring of the machine that runs them (and work where there is none).
func init() { keyring = &store.MemoryKeyring{} }

// withKeyring runs the test with kr as the CLI's keyring.
func withKeyring(t *testing.T, kr store.Keyring) {
	t.Helper()
	old := keyring
	keyring = kr
	t.Cleanup(func() { keyring = old })
}

// TestDataAtRestIsEncrypted: what the CLI writes (demo, then a backup) holds
// none of the demo's enterprise names or contacts' phone numbers.
func TestDataAtRestIsEncrypted(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "en_US.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "30"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	backup := filepath.Join(dir, "b.db")
	if _, errs, code := run(t, env, "backup", "-o", backup, "--data", data); code != 0 || !strings.Contains(errs, "encrypted") {
		t.Fatalf("backup: %d %s", code, errs)
	}
	set := demo.Generate(2026, 30)
	var secrets []string
	for _, e := range set.Enterprises[:5] {
		secrets = append(secrets, e.Name())
		for _, c := range e.Contacts {
			if m := c.Values.Get("contact_mobile"); m != "" {
				secrets = append(secrets, m)
			}
		}
	}
	for _, n := range set.Needs[:5] {
		secrets = append(secrets, n.Title())
	}
	for _, f := range []string{filepath.Join(data, store.FileName), backup} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("%s reveals %q", filepath.Base(f), s)
			}
		}
	}
	// And the commands still read it.
	if out, _, code := run(t, env, "list", "--data", data); code != 0 || !strings.Contains(out, set.Needs[0].Title()) && !strings.Contains(out, set.Needs[1].Title()) {
		t.Errorf("list: %d", code)
	}
}

func TestNoKeyringNoPassphraseSaysSo(t *testing.T) {
	withKeyring(t, &store.MemoryKeyring{Broken: true})
	dir := t.TempDir()
	for lang, want := range map[string]string{"zh_CN.UTF-8": "用 --passphrase-file 文件、环境变量 XUNBANG_PASSPHRASE 提供一个口令", "en_US.UTF-8": "give a passphrase with --passphrase-file FILE or XUNBANG_PASSPHRASE"} {
		_, errs, code := run(t, map[string]string{"LANG": lang}, "list", "--data", dir)
		if code != ExitError || !strings.Contains(errs, want) {
			t.Errorf("%s: %d %q", lang, code, errs)
		}
	}
}

func TestPassphraseFromEnv(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: derives Argon2id keys with the real cost")
	}
	withKeyring(t, &store.MemoryKeyring{Broken: true})
	data := t.TempDir()
	env := map[string]string{"LANG": "en_US.UTF-8", "XUNBANG_PASSPHRASE": "一二三 four five"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "5"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	if _, errs, code := run(t, env, "list", "--data", data); code != 0 {
		t.Fatalf("list: %s", errs)
	}
	env["XUNBANG_PASSPHRASE"] = "wrong"
	if _, errs, code := run(t, env, "list", "--data", data); code != ExitError || !strings.Contains(errs, "wrong passphrase") {
		t.Errorf("wrong passphrase: %d %q", code, errs)
	}
	delete(env, "XUNBANG_PASSPHRASE")
	if _, errs, code := run(t, env, "list", "--data", data); code != ExitError || !strings.Contains(errs, "give the passphrase with --passphrase-file FILE or in XUNBANG_PASSPHRASE") {
		t.Errorf("no passphrase: %d %q", code, errs)
	}
}

func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "en_US.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "20"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	backup := filepath.Join(dir, "backup.db")
	if _, errs, code := run(t, env, "backup", "-o", backup, "--data", data); code != 0 {
		t.Fatalf("backup: %s", errs)
	}
	if _, errs, code := run(t, env, "backup", "-o", backup, "--data", data); code != ExitError || !strings.Contains(errs, "never overwrites") {
		t.Errorf("backup over a file: %d %q", code, errs)
	}
	if _, _, code := run(t, env, "backup", "--data", data); code != ExitUsage {
		t.Errorf("backup without -o: %d", code)
	}
	// More needs after the backup.
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "25", "--seed", "7"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	count := func() int {
		out, errs, code := run(t, env, "list", "--json", "--data", data)
		if code != 0 {
			t.Fatalf("list: %s", errs)
		}
		return strings.Count(out, "\n")
	}
	if n := count(); n != 45 {
		t.Fatalf("%d needs before restoring", n)
	}

	// While another process (here: a store opened in-process, with no
	// window's control channel) has the data dir, backup and restore say so
	// — not that a window has it — and change nothing.
	st, err := store.Open(context.Background(), data, store.Options{Key: store.KeySource{Keyring: keyring}})
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"backup", "-o", filepath.Join(dir, "other.db")}, {"restore", backup}} {
		_, errs, code := run(t, env, append(args, "--data", data)...)
		if code != ExitError || !strings.Contains(errs, "in use by another xunbang process") || strings.Contains(errs, "by the xunbang window") {
			t.Errorf("%s while open: %d %q", args[0], code, errs)
		}
	}
	st.Close()

	bad := filepath.Join(dir, "bad.db")
	os.WriteFile(bad, []byte("not a database at all, just text"), 0o600)
	if _, errs, code := run(t, env, "restore", bad, "--data", data); code != ExitError || !strings.Contains(errs, "nothing was changed") {
		t.Errorf("restore of a bad file: %d %q", code, errs)
	}
	_, errs, code := run(t, env, "restore", backup, "--data", data)
	if code != 0 || !strings.Contains(errs, "20 needs") || !strings.Contains(errs, "kept as") {
		t.Fatalf("restore: %d %s", code, errs)
	}
	if n := count(); n != 20 {
		t.Errorf("%d needs after restoring", n)
	}

	// The audit log has the backup and the restore, by the demo's user.
	out, errs, code := run(t, env, "audit", "--json", "--data", data)
	if code != 0 {
		t.Fatalf("audit: %s", errs)
	}
	var kinds []string
	for l := range strings.Lines(out) {
		var e struct{ Kind, User, Detail string }
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, e.Kind)
		if e.User != "李科技" {
			t.Errorf("entry by %q", e.User)
		}
	}
	if strings.Join(kinds, " ") != "backup restore" {
		t.Errorf("audit kinds %v", kinds)
	}
	out, _, _ = run(t, map[string]string{"LANG": "zh_CN.UTF-8"}, "audit", "--data", data)
	if !strings.Contains(out, "恢复备份") || !strings.Contains(out, "backup.db") {
		t.Errorf("audit table:\n%s", out)
	}
	if _, _, code := run(t, env, "audit", "--kind", "nope", "--data", data); code != ExitError {
		t.Errorf("unknown kind: %d", code)
	}
	// A kind whose English label is the kind itself is still known.
	out, _, code = run(t, env, "audit", "--kind", "backup", "--json", "--data", data)
	if code != ExitOK || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"backup"`) {
		t.Errorf("audit --kind backup (%d):\n%s", code, out)
	}
}

func TestAuditHelper(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"LANG": "en_US.UTF-8"}
	c := &call{env: Env{Getenv: func(k string) string { return env[k] }}, data: data}
	st, err := c.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.audit(context.Background(), st, store.AuditExport, "json → "+outputName("out.jsonl")); err != nil {
		t.Fatal(err)
	}
	if err := c.audit(context.Background(), st, "nope", ""); err == nil {
		t.Error("an unknown kind was recorded")
	}
	st.Close()
	out, _, _ := run(t, env, "audit", "--data", data)
	if !strings.Contains(out, "exported") || !strings.Contains(out, "out.jsonl") {
		t.Errorf("audit:\n%s", out)
	}
}

func TestPassphraseCommand(t *testing.T) {
	kr := &store.MemoryKeyring{}
	withKeyring(t, kr)
	data := t.TempDir()
	env := map[string]string{"LANG": "en_US.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "3"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	if _, errs, code := run(t, env, "passphrase", "--remove", "--data", data); code != 0 {
		t.Errorf("removing no passphrase while the keyring holds the key: %s", errs)
	}
	env["XUNBANG_NEW_PASSPHRASE"] = "short"
	if _, errs, code := run(t, env, "passphrase", "--data", data); code != ExitError || !strings.Contains(errs, "too short") {
		t.Errorf("short: %d %q", code, errs)
	}
	if testing.Short() {
		return
	}
	env["XUNBANG_NEW_PASSPHRASE"] = "橘子洲头 long enough"
	if _, errs, code := run(t, env, "passphrase", "--data", data); code != 0 {
		t.Fatalf("passphrase: %s", errs)
	}
	// Now it opens where there is no keyring, with the passphrase.
	withKeyring(t, &store.MemoryKeyring{Broken: true})
	if _, errs, code := run(t, map[string]string{"XUNBANG_PASSPHRASE": "橘子洲头 long enough"}, "list", "--data", data); code != 0 {
		t.Errorf("list with the new passphrase: %s", errs)
	}
	if _, errs, code := run(t, map[string]string{"LANG": "en_US.UTF-8", "XUNBANG_PASSPHRASE": "橘子洲头 long enough"}, "passphrase", "--remove", "--data", data); code != ExitError || !strings.Contains(errs, "only way in") {
		t.Errorf("remove without keyring: %d %q", code, errs)
	}
}

// TestBackupWhileWindowOpen: while the window (here: a store opened
// in-process, holding bbolt's lock, with the control server the window
// starts) has the data dir, `xunbang backup` gets its copy from the window;
// once the control channel is gone it says the data dir is in use; restore
// refuses until the window is closed.
func TestBackupWhileWindowOpen(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "en_US.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "20"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	st, err := store.Open(context.Background(), data, store.Options{Key: store.KeySource{Keyring: keyring}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := jobs.ServeControl(ctx, st)
	if err != nil {
		t.Fatal(err)
	}

	// A relative -o is the command's working directory, not the window's.
	t.Chdir(dir)
	_, errs, code := run(t, env, "backup", "-o", "hot.db", "--data", data)
	if code != 0 || !strings.Contains(errs, "backed up to hot.db: 20 needs, encrypted (key "+st.KeyID()+")") ||
		!strings.Contains(errs, "restores on this computer only") {
		t.Fatalf("backup while open: %d %q", code, errs)
	}
	backup := filepath.Join(dir, "hot.db")
	if _, err := os.Stat(backup); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run(t, env, "backup", "-o", backup, "--data", data); code != ExitError || !strings.Contains(errs, "never overwrites") {
		t.Errorf("backup over a file while open: %d %q", code, errs)
	}
	// Restore replaces the file: it never goes through the window.
	_, errs, code = run(t, env, "restore", backup, "--data", data)
	if code != ExitError || !strings.Contains(errs, "the window must let go of first") || !strings.Contains(errs, "Close the window") {
		t.Errorf("restore while open: %d %q", code, errs)
	}

	// The window's control channel gone, its file left behind as after a
	// crash: the command says the data dir is in use, without waiting.
	stale, err := os.ReadFile(srv.File())
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	<-srv.Done()
	if err := os.WriteFile(srv.File(), stale, 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code = run(t, env, "backup", "-o", filepath.Join(dir, "other.db"), "--data", data)
	if code != ExitError || !strings.Contains(errs, "in use by another xunbang process") || !strings.Contains(errs, "no backup was made") {
		t.Errorf("backup with a stale control file: %d %q", code, errs)
	}
	st.Close()

	// The window recorded the backup in the audit log, with the full path.
	out, errs, code := run(t, env, "audit", "--json", "--data", data)
	if code != 0 {
		t.Fatalf("audit: %s", errs)
	}
	var backups []string
	for l := range strings.Lines(out) {
		var e struct{ Kind, User, Detail string }
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		if e.Kind == store.AuditBackup {
			backups = append(backups, e.User+" "+e.Detail)
		}
	}
	if want := "李科技 " + backup; len(backups) != 1 || backups[0] != want {
		t.Errorf("backups in the audit log: %q, want [%q]", backups, want)
	}

	// The backup is a checked, whole copy of the data as it was: more needs
	// after it, then restore it (which checks it first) and count.
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "25", "--seed", "7"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	if _, errs, code := run(t, env, "restore", backup, "--data", data); code != 0 || !strings.Contains(errs, "20 needs") {
		t.Fatalf("restore of the window's backup: %d %q", code, errs)
	}
	rst, err := store.Open(context.Background(), data, store.Options{Key: store.KeySource{Keyring: keyring}})
	if err != nil {
		t.Fatal(err)
	}
	defer rst.Close()
	if err := rst.Check(context.Background()); err != nil {
		t.Error(err)
	}
	if n := rst.CountNeeds(context.Background()); n != 20 {
		t.Errorf("%d needs in the restored backup, want 20", n)
	}
}
