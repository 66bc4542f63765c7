package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// damageFixture writes an encrypted store with enterprises, needs with
// several revisions, an outbox and an audit log, closes it and returns the
// bytes of its file.
func damageFixture(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	opts := testOpts()
	opts.Now = newClock().Now
	s, err := Open(bg, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		e := mustSaveEnterprise(t, s, newEnterprise(fmt.Sprintf("苏州第%d精密机械有限公司", i), "", "320500"))
		for j := range 4 {
			n := mustSaveNeed(t, s, newNeed(e.ID, fmt.Sprintf("第%d家企业的第%d项技术需求", i, j)))
			n.Values.Set("problem", strings.Repeat("高温下焊缝开裂，需要新的工艺路线。", 8))
			mustSaveNeed(t, s, n)
		}
	}
	if err := s.Audit(bg, AuditExport, "fixture"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// useDamaged opens the data dir and does what list, export, backup and the
// window's daily backup do. Every error must be a *DamagedError (nothing
// may panic: a panic fails the test binary). It returns the first error.
func useDamaged(t *testing.T, dir string) error {
	t.Helper()
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		return err
	}
	defer s.Close()
	var first error
	note := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	_, err = s.Needs(bg, Query{Sort: "updated"})
	note(err)
	note(s.ForEachEnterprise(bg, func(*forms.Enterprise) error { return nil }))
	note(s.ForEachNeed(bg, func(*forms.Need) error { return nil }))
	_, err = s.AuditLog(bg, AuditQuery{})
	note(err)
	note(s.Backup(bg, filepath.Join(t.TempDir(), "backup.db")))
	_, err = s.DailyBackup(bg, 3)
	note(err)
	return first
}

// TestDamagedFileIsAMessageNeverACrash: flipped bytes at many offsets, a
// file cut short at many lengths and an empty file give a *DamagedError
// naming the file — from Open or from the operation that meets the damage
// — and never a panic; an empty file is not taken for a new store (issue
// 11.4).
func TestDamagedFileIsAMessageNeverACrash(t *testing.T) {
	good := damageFixture(t)
	const page = 4096
	try := func(name string, b []byte) error {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), b, 0o600); err != nil {
			t.Fatal(err)
		}
		err := useDamaged(t, dir)
		var de *DamagedError
		if err != nil && (!errors.As(err, &de) || !errors.Is(err, ErrCorrupt) || de.Path != filepath.Join(dir, FileName)) {
			t.Errorf("%s: %v, want a *DamagedError of the data file", name, err)
		}
		if err != nil {
			for _, lang := range []string{"zh", "en"} {
				if m := de.Message(lang); !strings.Contains(m, de.Path) || !strings.Contains(m, "xunbang restore") || !strings.Contains(m, BackupDir) {
					t.Errorf("%s: message %q", name, m)
				}
			}
		}
		return err
	}

	flips, found := 0, 0
	for off := 0; off < len(good); off += page {
		for _, in := range []int{0, 8, 16, 100, page / 2, page - 8} {
			if off+in+4 > len(good) {
				continue
			}
			b := append([]byte(nil), good...)
			for i := 0; i < 4; i++ {
				b[off+in+i] ^= 0xA5
			}
			flips++
			if try(fmt.Sprintf("flip at %d", off+in), b) != nil {
				found++
			}
		}
	}
	// Most pages are in use: most flips must be found.
	if found < flips/4 {
		t.Errorf("only %d of %d flips were noticed", found, flips)
	}
	// bbolt grows its file ahead of the pages it uses: a cut in the
	// unused tail is harmless; one into the pages in use is found.
	inUse := int(binary.NativeEndian.Uint64(good[16+40:])) * page
	for _, n := range []int{1, 16, 100, page, page + 1, 2 * page, 3*page + 5, inUse / 2, inUse - page, inUse - 1, inUse, len(good) - 1} {
		err := try(fmt.Sprintf("cut to %d bytes", n), good[:n])
		if err == nil && n < inUse {
			t.Errorf("cut to %d of %d bytes in use: no error", n, inUse)
		}
	}

	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(bg, dir, testOpts())
	var de *DamagedError
	if !errors.As(err, &de) || !de.Empty {
		t.Fatalf("empty file: %v", err)
	}
	if fi, _ := os.Stat(path); fi.Size() != 0 {
		t.Errorf("the empty file was written to: %d bytes", fi.Size())
	}
	if m := de.Message("zh"); !strings.Contains(m, "空的") || !strings.Contains(m, "已损坏") {
		t.Errorf("message %q", m)
	}
	if _, err := Inspect(bg, dir, &MemoryKeyring{}); !errors.As(err, &de) {
		t.Errorf("Inspect of an empty file: %v", err)
	}
}

// TestRestoreReplacesADamagedFile: restore moves a damaged (or empty) data
// file aside, keeps it, and puts the backup in place; the damaged file
// never makes it claim the data dir is in use (issue 11.4).
func TestRestoreReplacesADamagedFile(t *testing.T) {
	good := damageFixture(t)
	backup := filepath.Join(t.TempDir(), "good.db")
	if err := os.WriteFile(backup, good, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"cut short": good[:len(good)/3],
		"empty":     {},
		"freelist":  flipAt(good, freelistPage(good)*4096+8),
		"meta":      flipAt(flipAt(good, 16), 4096+16),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			rep, err := Restore(bg, dir, backup, Options{Key: KeySource{Raw: testKey}, Timeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatalf("restore: %v", err)
			}
			if !rep.Damaged || !strings.Contains(rep.Replaced, ".damaged-") || rep.Needs != 24 {
				t.Errorf("report %+v", rep)
			}
			kept, err := os.ReadFile(rep.Replaced)
			if err != nil || string(kept) != string(b) {
				t.Errorf("the damaged file was not kept as it was: %v", err)
			}
			if err := useDamaged(t, dir); err != nil {
				t.Errorf("after restore: %v", err)
			}
		})
	}
}

// freelistPage returns the page of the freelist of the newest meta page.
func freelistPage(b []byte) int {
	meta := func(off int) (txid, freelist uint64) {
		m := b[off+16:]
		return binary.NativeEndian.Uint64(m[48:]), binary.NativeEndian.Uint64(m[32:])
	}
	tx0, fl0 := meta(0)
	tx1, fl1 := meta(4096)
	if tx1 > tx0 {
		return int(fl1)
	}
	return int(fl0)
}

func flipAt(b []byte, off int) []byte {
	c := append([]byte(nil), b...)
	for i := 0; i < 8 && off+i < len(c); i++ {
		c[off+i] ^= 0xFF
	}
	return c
}

// TestDailyBackupKeepsTheLastOneWithRecords: when the data is lost (here a
// new, empty store in the data dir), daily backups of the empty store
// never rotate out the newest backup that holds records; a damaged file is
// never backed up (issue 11.4).
func TestDailyBackupKeepsTheLastOneWithRecords(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.Local)
	opts := testOpts()
	opts.Now = func() time.Time { return day }
	s, err := Open(bg, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		// A change a day: an unchanged file is not copied again.
		mustSaveEnterprise(t, s, newEnterprise(fmt.Sprintf("甲公司%d", i), "", "320500"))
		if _, err := s.DailyBackup(bg, 3); err != nil {
			t.Fatal(err)
		}
		day = day.AddDate(0, 0, 1)
	}
	s.Close()
	lastGood := filepath.Join(dir, BackupDir, "xunbang-20260303.db")

	// The data is gone; a new store takes its place.
	if err := os.Remove(filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	s, err = Open(bg, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		// A change a day that adds no record.
		if err := s.SaveSettings(bg, Settings{User: fmt.Sprintf("用户%d", i)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DailyBackup(bg, 3); err != nil {
			t.Fatal(err)
		}
		day = day.AddDate(0, 0, 1)
	}
	s.Close()
	kept, _ := filepath.Glob(filepath.Join(dir, BackupDir, dailyBackupGlob))
	if len(kept) != 4 || kept[0] != lastGood || !backupHasRecords(kept[0]) {
		t.Errorf("kept %v, want %s and the last 3", kept, filepath.Base(lastGood))
	}
	if _, err := Restore(bg, t.TempDir(), lastGood, testOpts()); err != nil {
		t.Errorf("the kept backup does not restore: %v", err)
	}

	// A data file damaged where Open does not look is not backed up.
	good := damageFixture(t)
	ddir := t.TempDir()
	s, err = Open(bg, ddir, opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	for off := len(good) - 4096; off > 2*4096; off -= 4096 {
		if err := os.WriteFile(filepath.Join(ddir, FileName), flipAt(good, off+16), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(bg, ddir, opts)
		if err != nil {
			continue // found at Open
		}
		_, err = s.DailyBackup(context.Background(), 3)
		s.Close()
		var de *DamagedError
		if err == nil {
			continue // a page no longer in use
		}
		if !errors.As(err, &de) {
			t.Errorf("flip at %d: %v", off+16, err)
		}
		if l, _ := filepath.Glob(filepath.Join(ddir, BackupDir, "*")); len(l) != 0 {
			t.Fatalf("flip at %d: a damaged file was backed up: %v", off+16, l)
		}
	}
}

// A byte flipped in the name of the data file's cipher is damage: Inspect
// (which the window calls first) and Open both say so, as a *DamagedError
// with its restore hint, not as a file of a newer xunbang.
func TestDamagedCipherNameIsDamage(t *testing.T) {
	b := damageFixture(t)
	if !bytes.Contains(b, []byte(cipherName)) {
		t.Fatal("no cipher name in the file")
	}
	b = bytes.ReplaceAll(b, []byte(cipherName), []byte("xchac9a20poly1305"))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	var de *DamagedError
	if _, err := Inspect(bg, dir, nil); !errors.As(err, &de) || errors.Is(err, ErrNewerSchema) {
		t.Errorf("Inspect: %v, want a *DamagedError", err)
	}
	if _, err := Open(bg, dir, testOpts()); !errors.As(err, &de) || errors.Is(err, ErrNewerSchema) {
		t.Errorf("Open: %v, want a *DamagedError", err)
	}
}
