package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
)

func TestAudit(t *testing.T) {
	dir := t.TempDir()
	opts := testOpts()
	opts.User = "张三"
	s, err := Open(bg, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Audit(bg, "looked around", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown kind = %v", err)
	}
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
	n := newNeed(e.ID, "需求甲")
	n.Status = forms.StatusToConfirm
	if err := forms.Default().Confirm(n, e, forms.Confirmation{At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	mustSaveNeed(t, s, n)
	if err := s.Audit(bg, AuditViewConfirmation, n.ID+" 需求甲"); err != nil {
		t.Fatal(err)
	}
	// Not confirmed content: no entry.
	n.Values.Set("remarks", "内部备注")
	mustSaveNeed(t, s, n)
	// Confirmed content: an entry, by the user.
	n.Values.Set("budget_wan", "99")
	mustSaveNeed(t, s, n)
	// Confirm again, then rename the enterprise: another entry.
	if err := forms.Default().Confirm(n, e, forms.Confirmation{At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	mustSaveNeed(t, s, n)
	e.Values.Set("enterprise_name", "甲股份公司")
	mustSaveEnterprise(t, s, e)
	for _, k := range []string{AuditExport, AuditPrintCards, AuditSync} {
		if err := s.Audit(bg, k, "x"); err != nil {
			t.Fatal(err)
		}
	}
	log, err := s.AuditLog(bg, AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i, a := range log {
		kinds = append(kinds, a.Kind)
		if a.Seq != uint64(i+1) || a.User != "张三" || a.At.IsZero() {
			t.Errorf("entry %d: %+v", i, a)
		}
	}
	want := []string{AuditViewConfirmation, AuditChangeConfirmed, AuditChangeConfirmed, AuditExport, AuditPrintCards, AuditSync}
	if strings.Join(kinds, " ") != strings.Join(want, " ") {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
	if !strings.Contains(log[1].Detail, n.ID) || !strings.Contains(log[1].Detail, "需求甲") {
		t.Errorf("change entry detail %q", log[1].Detail)
	}
	if l, _ := s.AuditLog(bg, AuditQuery{Kind: AuditChangeConfirmed}); len(l) != 2 {
		t.Errorf("by kind: %d", len(l))
	}
	if l, _ := s.AuditLog(bg, AuditQuery{Last: 2}); len(l) != 2 || l[1].Kind != AuditSync {
		t.Errorf("last 2: %+v", l)
	}
	if AuditLabel(AuditChangeConfirmed, "zh") != "修改已确认需求" || AuditLabel("x", "en") != "x" {
		t.Error("labels")
	}

	// Check finds an entry removed from the middle, or from the end.
	s.Close()
	for _, victim := range []uint64{2, 6} {
		cp := filepath.Join(t.TempDir(), FileName)
		if err := copyFile(cp, filepath.Join(dir, FileName)); err != nil {
			t.Fatal(err)
		}
		db, err := bolt.Open(cp, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = db.Update(func(btx *bolt.Tx) error {
			return btx.Bucket(auditBucket).Delete(binary.BigEndian.AppendUint64(nil, victim))
		})
		db.Close()
		c, err := Open(bg, filepath.Dir(cp), testOpts())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Check(bg); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "removed") {
			t.Errorf("entry %d removed: Check = %v", victim, err)
		}
		c.Close()
	}
}

func TestDailyBackup(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.Local)
	opts := testOpts()
	opts.Now = func() time.Time { return day }
	s, err := Open(bg, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	r, err := s.DailyBackup(bg, 3)
	if err != nil || !r.Made || filepath.Base(r.Path) != "xunbang-20260301.db" {
		t.Fatalf("first: %+v %v", r, err)
	}
	if r, _ := s.DailyBackup(bg, 3); r.Made {
		t.Error("a second backup on the same day")
	}
	// A day on which nothing changed copies nothing: the last backup holds
	// the data as it is.
	day = day.AddDate(0, 0, 1)
	if r, err := s.DailyBackup(bg, 3); r.Made || err != nil || filepath.Base(r.Path) != "xunbang-20260301.db" {
		t.Fatalf("unchanged: %+v %v", r, err)
	}
	if last, err := LastDailyBackup(dir); err != nil || filepath.Base(last.Path) != "xunbang-20260301.db" || last.At.IsZero() {
		t.Errorf("LastDailyBackup = %+v, %v", last, err)
	}
	for i := 1; i <= 4; i++ {
		day = day.AddDate(0, 0, 1)
		mustSaveEnterprise(t, s, newEnterprise(fmt.Sprintf("乙公司%d", i), "", "320500"))
		if r, err := s.DailyBackup(bg, 3); !r.Made || err != nil {
			t.Fatalf("day %d: %+v %v", i, r, err)
		}
	}
	got, _ := filepath.Glob(filepath.Join(dir, BackupDir, "*"))
	var names []string
	for _, g := range got {
		names = append(names, filepath.Base(g))
	}
	if strings.Join(names, " ") != "xunbang-20260304.db xunbang-20260305.db xunbang-20260306.db" {
		t.Errorf("kept %v", names)
	}
	// A daily backup restores.
	if _, err := Restore(bg, t.TempDir(), got[2], testOpts()); err != nil {
		t.Error(err)
	}
}

func TestRestore(t *testing.T) {
	dir := t.TempDir()
	kr := &MemoryKeyring{}
	opts := Options{Key: KeySource{Keyring: kr}, argon2: cheapArgon2}
	s, err := Open(bg, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(bg, backup); err != nil {
		t.Fatal(err)
	}
	e.Values.Set("enterprise_name", "改名后的甲公司")
	mustSaveEnterprise(t, s, e)
	mustSaveEnterprise(t, s, newEnterprise("乙公司", "", "320500"))
	if err := s.Audit(bg, AuditExport, "after the backup"); err != nil {
		t.Fatal(err)
	}

	// Refused while the store is open.
	if _, err := Restore(bg, dir, backup, opts); !errors.Is(err, ErrInUse) {
		t.Errorf("Restore while open = %v, want ErrInUse", err)
	}
	s.Close()

	// Damaged backups are refused, and the data dir is left as it was.
	raw, _ := os.ReadFile(backup)
	before, _ := os.ReadFile(filepath.Join(dir, FileName))
	for name, bad := range map[string][]byte{
		"not a data file": []byte("PK\x03\x04 a spreadsheet"),
		"cut short":       raw[:len(raw)/2],
		"bytes flipped": func() []byte {
			b := append([]byte(nil), raw...)
			for i := 4096 * 2; i < len(b); i += 997 {
				b[i] ^= 0xff
			}
			return b
		}(),
	} {
		p := filepath.Join(t.TempDir(), "bad.db")
		os.WriteFile(p, bad, 0o600)
		if _, err := Restore(bg, dir, p, opts); err == nil {
			t.Errorf("%s: restored", name)
		}
		if after, _ := os.ReadFile(filepath.Join(dir, FileName)); string(after) != string(before) {
			t.Fatalf("%s: the data file changed", name)
		}
	}
	// A backup whose key is not here is refused.
	if _, err := Restore(bg, dir, backup, Options{Key: KeySource{Keyring: &MemoryKeyring{}}}); !errors.Is(err, ErrLocked) {
		t.Errorf("Restore without the key = %v, want ErrLocked", err)
	}

	rep, err := Restore(bg, dir, backup, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Enterprises != 1 || !rep.Encrypted || rep.Replaced == "" {
		t.Errorf("report %+v", rep)
	}
	s, err = Open(bg, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if found, _ := s.FindEnterprises(bg, "", 0); len(found) != 1 || found[0].Name() != "甲公司" {
		t.Errorf("after restoring: %d enterprises", len(found))
	}
	// The audit entries written after the backup are carried over.
	if log, _ := s.AuditLog(bg, AuditQuery{}); len(log) != 2 || log[0].Detail != "after the backup" ||
		log[1].Kind != AuditRestore || !strings.Contains(log[1].Detail, "backup.db") || !strings.Contains(log[1].Detail, "1 later audit entries carried over") {
		t.Errorf("audit: %+v", log)
	}
	if err := s.Check(bg); err != nil {
		t.Error(err)
	}
	s.Close()
	// The replaced file is kept, and opens.
	old := t.TempDir()
	if err := os.Rename(rep.Replaced, filepath.Join(old, FileName)); err != nil {
		t.Fatal(err)
	}
	o, err := Open(bg, old, Options{Key: KeySource{Keyring: kr}, account: keyringAccount(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if found, _ := o.FindEnterprises(bg, "", 0); len(found) != 2 {
		t.Errorf("the replaced file holds %d enterprises", len(found))
	}
	o.Close()
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the data dir keeps %d files", len(entries))
	}
}

// TestRestoreFromAnotherComputer: a backup made where the key is in another
// keyring restores with its passphrase; this keyring then holds the new key
// and keeps the one it held.
func TestRestoreFromAnotherComputer(t *testing.T) {
	const pass = "山重水复疑无路"
	theirs := t.TempDir()
	s, err := Open(bg, theirs, Options{Key: KeySource{Keyring: &MemoryKeyring{}, Passphrase: pass}, argon2: cheapArgon2})
	if err != nil {
		t.Fatal(err)
	}
	mustSaveEnterprise(t, s, newEnterprise("他们的公司", "", "320500"))
	backup := filepath.Join(t.TempDir(), "theirs.db")
	if err := s.Backup(bg, backup); err != nil {
		t.Fatal(err)
	}
	s.Close()

	mine := t.TempDir()
	kr := &MemoryKeyring{}
	s, err = Open(bg, mine, Options{Key: KeySource{Keyring: kr}})
	if err != nil {
		t.Fatal(err)
	}
	mustSaveEnterprise(t, s, newEnterprise("我的公司", "", "320500"))
	s.Close()
	if _, err := Restore(bg, mine, backup, Options{Key: KeySource{Keyring: kr}}); !errors.Is(err, ErrLocked) {
		t.Fatalf("without the passphrase: %v", err)
	}
	rep, err := Restore(bg, mine, backup, Options{Key: KeySource{Keyring: kr, Passphrase: pass}})
	if err != nil {
		t.Fatal(err)
	}
	// The data dir's account holds the new key; each key is also under its
	// key id, the old one included.
	if kr.Len() != 3 {
		t.Errorf("keyring holds %d entries, want the account and the two keys by id", kr.Len())
	}
	s, err = Open(bg, mine, Options{Key: KeySource{Keyring: kr}})
	if err != nil {
		t.Fatal(err)
	}
	if found, _ := s.FindEnterprises(bg, "他们", 0); len(found) != 1 {
		t.Error("restored data missing")
	}
	s.Close()
	// The replaced file still opens with the keyring.
	old := t.TempDir()
	os.Rename(rep.Replaced, filepath.Join(old, FileName))
	o, err := Open(bg, old, Options{Key: KeySource{Keyring: kr}, account: keyringAccount(mine)})
	if err != nil {
		t.Fatalf("the replaced file: %v", err)
	}
	o.Close()
}

// TestRestoreSealedAndUnencrypted: the sealed pre-migration copy and an
// old unencrypted file both restore, encrypted, and leave nothing readable.
func TestRestoreSealedAndUnencrypted(t *testing.T) {
	old := t.TempDir()
	gunzipFixture(t, "schema1.db.gz", filepath.Join(old, FileName))
	plainCopy := filepath.Join(t.TempDir(), "old.db")
	if err := copyFile(plainCopy, filepath.Join(old, FileName)); err != nil {
		t.Fatal(err)
	}
	s, err := Open(bg, old, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	sealed, _ := filepath.Glob(filepath.Join(old, "*"+sealedSuffix))
	if len(sealed) != 1 {
		t.Fatalf("sealed: %v", sealed)
	}
	for _, src := range []string{sealed[0], plainCopy} {
		dir := t.TempDir()
		rep, err := Restore(bg, dir, src, testOpts())
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(src), err)
		}
		if !rep.Encrypted || rep.Needs != 2 || rep.WasSealed != (src == sealed[0]) || !rep.MigratedOrSecured {
			t.Errorf("%s: %+v", filepath.Base(src), rep)
		}
		s, err := Open(bg, dir, testOpts())
		if err != nil {
			t.Fatal(err)
		}
		checkFixtureData(t, s)
		s.Close()
		if found := leaksInDir(t, dir); len(found) > 0 {
			t.Errorf("%s: files reveal secrets: %v", filepath.Base(src), found)
		}
	}
}

// TestHalfWipedBackupIsWiped: a process killed while it wiped a plain
// backup it had sealed leaves the backup's first bytes zeroed, which no
// longer open; the next Open finishes the wipe (the sealed copy is whole).
func TestHalfWipedBackupIsWiped(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(bg, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	s.Close()
	s, err = Open(bg, dir, testOpts()) // encrypts, after a backup it seals
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	sealed, _ := filepath.Glob(filepath.Join(dir, FileName+"*.bak"+sealedSuffix))
	if len(sealed) != 1 {
		t.Fatalf("sealed backups: %v", sealed)
	}
	plain := strings.TrimSuffix(sealed[0], sealedSuffix)
	half := make([]byte, 3*4096)
	copy(half[2*4096:], "甲公司 leftover bytes")
	if err := os.WriteFile(plain, half, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(plain); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the half-wiped backup is still there: %v", err)
	}
	if _, err := os.Stat(sealed[0]); err != nil {
		t.Errorf("the sealed copy: %v", err)
	}
}
