package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/store"
)

// damageSummary flips a byte in a need's sealed summary: Inspect does not
// read it, Open does.
func damageSummary(t *testing.T, dir string) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("need_summaries"))
		k, v := b.Cursor().First()
		bad := append([]byte(nil), v...)
		bad[len(bad)-1] ^= 0xff
		return b.Put(append([]byte(nil), k...), bad)
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// keptDamaged returns the data files a restore moved aside: .damaged-*
// when bbolt's check found the damage, .replaced-*.bak when only the
// store's sealing did (a flipped byte in a value).
func keptDamaged(t *testing.T, dir string) []string {
	t.Helper()
	var kept []string
	for _, pattern := range []string{".damaged-*", ".replaced-*.bak"} {
		l, err := filepath.Glob(filepath.Join(dir, store.FileName+pattern))
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, l...)
	}
	return kept
}

// TestStartRestoresTheNewestBackup damages a need's summary after the day's
// backup: the window says the file is damaged and offers that backup,
// without naming a command to type; 从这份备份恢复 restores it, the main
// window opens on it and says what the restore did, and the damaged file
// is kept. Quitting instead leaves Run's error, shown.
func TestStartRestoresTheNewestBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	kr := &store.MemoryKeyring{}
	key := store.KeySource{Keyring: kr}
	st, err := store.Open(ctx, dir, store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	set := importDemo(t, st, 5)
	saveEnterprise(t, st, "昆山精密模具有限公司", "")
	ents := fmt.Sprintf("%d 家企业，5 条需求", len(set.Enterprises)+1)
	if _, err := st.DailyBackup(ctx, 0); err != nil {
		t.Fatal(err)
	}
	saveEnterprise(t, st, "备份之后录入的企业", "")
	st.Close()
	damageSummary(t, dir)

	quit := false
	s, q := newStartSession(t, dir, key, func() { quit = true })
	q.drain(&s.unlock.bg)
	r := s.unlock.restoring
	var de *store.DamagedError
	if r == nil || !errors.As(s.unlock.failed, &de) || s.ui() != nil {
		t.Fatalf("after a damaged file: restore screen %v, failed %v", r != nil, s.unlock.failed)
	}
	texts := windowTexts(s.win)
	last, _ := store.LastDailyBackup(dir)
	for _, want := range []string{"数据文件已损坏", "从这份备份恢复", "选择备份文件", "退出", filepath.Base(last.Path)} {
		if !containsText(texts, want) {
			t.Errorf("the restore screen does not say %q: %q", want, texts)
		}
	}
	if containsText(texts, "xunbang restore") {
		t.Errorf("the window asks for a terminal command: %q", texts)
	}
	test.Tap(r.quit)
	if !quit {
		t.Error("退出 did not quit")
	}

	test.Tap(r.restore)
	if !r.busy.Visible() || !r.choose.Disabled() || !r.quit.Disabled() {
		t.Error("no progress while the backup is restored")
	}
	q.drain(&s.unlock.bg) // the restore
	q.drain(&s.unlock.bg) // the opening
	if s.unlock.failed != nil {
		t.Fatalf("failed = %v, message %q", s.unlock.failed, r.message.Text)
	}
	u := s.ui()
	if u == nil {
		t.Fatalf("the main window did not open after the restore: %q", r.message.Text)
	}
	u.bg.Wait()
	texts = windowTexts(s.win)
	if !containsText(texts, "已从备份 "+filepath.Base(last.Path)+" 恢复") || !containsText(texts, ents) {
		t.Errorf("the main window does not say what the restore did: %q", texts)
	}
	kept := keptDamaged(t, dir)
	if len(kept) != 1 || !containsText(texts, kept[0]) {
		t.Errorf("damaged files kept %q, not named in %q", kept, texts)
	}
	mainWindowShows(t, s, "昆山精密模具有限公司")
	if r.spinning {
		t.Error("the restore screen's activity indicator still runs behind the main window")
	}
	if slicesContainsName(u, "备份之后录入的企业") {
		t.Error("the restored data holds what was entered after the backup")
	}
}

// slicesContainsName reports whether the enterprise list shows name.
func slicesContainsName(u *ui, name string) bool {
	u.uiMu.Lock()
	defer u.uiMu.Unlock()
	for _, e := range u.enterprises.results {
		if e.Name() == name {
			return true
		}
	}
	return false
}

// TestStartRestoresWithThePassphrase cuts the data file short (Inspect finds
// it, before the window opens in Run) on a computer whose keyring does not
// hold the key: the restore asks for the passphrase, refuses a wrong one
// and restores with the right one. A backup that is not one is refused
// first, the data file untouched.
func TestStartRestoresWithThePassphrase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openWithPassphrase(t, dir)
	saveEnterprise(t, st, "太仓港口机械有限公司", "")
	if _, err := st.DailyBackup(ctx, 0); err != nil {
		t.Fatal(err)
	}
	st.Close()
	path := filepath.Join(dir, store.FileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	damagedBytes, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	kr := &store.MemoryKeyring{Broken: true}
	key := store.KeySource{Keyring: kr}
	state, err := store.Inspect(ctx, dir, kr)
	var de *store.DamagedError
	if !errors.As(err, &de) {
		t.Fatalf("Inspect of a file cut short = %v, %v", state, err)
	}
	s, q := newUnlockSession(t, dir, key, state, nil)
	s.unlock.start(damageOf(dir, err))
	s.win.SetContent(s.unlock.content)
	r := s.unlock.restoring
	if r == nil || r.pass.Visible() {
		t.Fatal("no restore screen, or it asks for the passphrase before it is needed")
	}

	// Not a backup: refused, nothing changed.
	junk := filepath.Join(t.TempDir(), "不是备份.db")
	if err := os.WriteFile(junk, []byte("这不是数据文件"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.begin(junk)
	q.drain(&s.unlock.bg)
	if !strings.Contains(r.message.Text, "不是寻榜的备份") || r.choose.Disabled() {
		t.Errorf("a junk backup: message %q", r.message.Text)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, damagedBytes) || len(keptDamaged(t, dir)) != 0 {
		t.Fatal("a refused backup changed the data dir")
	}

	// The damaged data file itself, chosen by mistake.
	r.begin(path)
	q.drain(&s.unlock.bg)
	if !strings.Contains(r.message.Text, "损坏的数据文件本身") {
		t.Errorf("the data file chosen as its own backup: message %q", r.message.Text)
	}

	test.Tap(r.restore)
	q.drain(&s.unlock.bg)
	if !r.pass.Visible() || !strings.Contains(r.message.Text, "口令") || s.ui() != nil {
		t.Fatalf("the encrypted backup did not ask for the passphrase: %q", r.message.Text)
	}
	test.Type(r.pass, "falsch-falsch")
	test.Tap(r.restore)
	q.drain(&s.unlock.bg)
	if !strings.Contains(r.message.Text, "口令不对") || r.pass.Text != "" || s.ui() != nil {
		t.Fatalf("a wrong passphrase: message %q", r.message.Text)
	}
	test.Type(r.pass, testPassphrase)
	r.pass.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	q.drain(&s.unlock.bg)
	q.drain(&s.unlock.bg)
	if s.ui() == nil {
		t.Fatalf("the data did not open after the restore: %q", r.message.Text)
	}
	mainWindowShows(t, s, "太仓港口机械有限公司")
	if len(keptDamaged(t, dir)) != 1 {
		t.Error("the damaged file was not kept")
	}
}

// TestStartRestoresAChosenBackup restores a backup file chosen in the dialog
// (another data dir's copy, on a USB stick say) where there is no daily
// backup: it asks for the passphrase, names the file, and its button then
// restores that file.
func TestStartRestoresAChosenBackup(t *testing.T) {
	ctx := context.Background()
	other := openWithPassphrase(t, t.TempDir())
	saveEnterprise(t, other, "南通海工装备有限公司", "")
	stick := filepath.Join(t.TempDir(), "寻榜备份-20261201.db")
	if err := other.Backup(ctx, stick); err != nil {
		t.Fatal(err)
	}
	other.Close()

	dir := t.TempDir()
	st := openWithPassphrase(t, dir)
	saveEnterprise(t, st, "太仓港口机械有限公司", "")
	st.Close()
	if err := os.WriteFile(filepath.Join(dir, store.FileName), nil, 0o600); err != nil {
		t.Fatal(err) // emptied
	}
	kr := &store.MemoryKeyring{Broken: true}
	state, err := store.Inspect(ctx, dir, kr)
	var de *store.DamagedError
	if !errors.As(err, &de) || !de.Empty {
		t.Fatalf("Inspect of an empty file = %v, %v", state, err)
	}
	s, q := newUnlockSession(t, dir, store.KeySource{Keyring: kr}, state, nil)
	s.unlock.start(damageOf(dir, err))
	r := s.unlock.restoring
	if r.restore.Visible() {
		t.Fatal("从这份备份恢复 is offered without a daily backup")
	}
	r.begin(stick) // what the file dialog hands over
	q.drain(&s.unlock.bg)
	if !r.pass.Visible() || !r.restore.Visible() || !strings.Contains(r.backup.Text, stick) {
		t.Fatalf("the chosen backup asks for the passphrase: entry %v, button %v, names %q", r.pass.Visible(), r.restore.Visible(), r.backup.Text)
	}
	test.Type(r.pass, testPassphrase)
	test.Tap(r.restore)
	q.drain(&s.unlock.bg)
	q.drain(&s.unlock.bg)
	if s.ui() == nil {
		t.Fatalf("the data did not open after the restore: %q", r.message.Text)
	}
	mainWindowShows(t, s, "南通海工装备有限公司")
}

// TestUnlockFindsDamageAndRestoresWithThePassphraseTyped damages a need's
// summary of data that opens with a passphrase only: the passphrase typed
// at the start opens the file and finds the damage, the restore screen
// follows, and the restore of the day's backup uses that passphrase
// without asking for it again.
func TestUnlockFindsDamageAndRestoresWithThePassphraseTyped(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openWithPassphrase(t, dir)
	importDemo(t, st, 4)
	if _, err := st.DailyBackup(ctx, 0); err != nil {
		t.Fatal(err)
	}
	st.Close()
	damageSummary(t, dir)
	kr := &store.MemoryKeyring{Broken: true}
	state, err := store.Inspect(ctx, dir, kr)
	if err != nil || state != store.KeyPassphrase {
		t.Fatalf("Inspect = %v, %v", state, err)
	}
	s, q := newUnlockSession(t, dir, store.KeySource{Keyring: kr}, state, nil)
	p := s.unlock.prompt
	test.Type(p.pass, testPassphrase)
	test.Tap(p.submit)
	q.drain(&s.unlock.bg)
	r := s.unlock.restoring
	if r == nil || s.ui() != nil {
		t.Fatalf("no restore screen after the passphrase opened a damaged file: %q", windowTexts(s.win))
	}
	test.Tap(r.restore)
	q.drain(&s.unlock.bg) // the restore
	if r.pass.Visible() {
		t.Fatal("the restore asked again for the passphrase typed at the start")
	}
	q.drain(&s.unlock.bg) // the opening
	if u := s.ui(); u == nil || s.unlock.failed != nil {
		t.Fatalf("the data did not open after the restore: %q, failed %v", r.message.Text, s.unlock.failed)
	}
}
