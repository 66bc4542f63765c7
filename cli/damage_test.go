package cli

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/store"
)

// TestDamagedDataFileIsAMessage: with the data file flipped at many
// offsets, cut short or emptied, list, export and backup print a message
// that names the file as damaged and the way out, in Chinese and English,
// and exit 1 — never a stack trace; restore then moves the damaged file
// aside and succeeds, never claiming that a window has the data dir
// (issue 11.4).
func TestDamagedDataFileIsAMessage(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	zh := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, zh, "demo", "--data", src, "--needs", "30"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	good := filepath.Join(dir, "good.db")
	if _, errs, code := run(t, zh, "backup", "-o", good, "--data", src); code != 0 {
		t.Fatalf("backup: %s", errs)
	}
	data, err := os.ReadFile(filepath.Join(src, store.FileName))
	if err != nil {
		t.Fatal(err)
	}

	cases := map[string][]byte{"empty": {}, "cut to a third": data[:len(data)/3], "cut to 5000 bytes": data[:5000]}
	// Flip bytes where bbolt has pages: below the high-water mark its meta
	// pages record, not in the room a grown file has never used (the demo
	// data fills a file of 256 KB or 512 KB, depending on its texts).
	used := boltUsedSize(t, data)
	for off := 0; off < used; off += used / 24 {
		b := append([]byte(nil), data...)
		for i := off; i < off+16 && i < len(b); i++ {
			b[i] ^= 0x5A
		}
		cases[fmt.Sprintf("flipped at %d", off)] = b
	}
	damagedSeen := 0
	for name, b := range cases {
		d := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, store.FileName), b, 0o600); err != nil {
			t.Fatal(err)
		}
		damaged := false
		for _, args := range [][]string{{"list"}, {"export", "-o", filepath.Join(d, "out.jsonl")}, {"backup", "-o", filepath.Join(d, "b.db")}} {
			for env, want := range map[string]string{"zh_CN.UTF-8": "已损坏", "en_US.UTF-8": "is damaged"} {
				os.Remove(filepath.Join(d, "b.db"))
				_, errs, code := run(t, map[string]string{"LANG": env}, append(args, "--data", d)...)
				if strings.Contains(errs, "goroutine") || strings.Contains(errs, "panic") {
					t.Fatalf("%s, %v: a stack trace:\n%s", name, args, errs)
				}
				if code == 0 {
					continue // the damage is where this command does not look
				}
				damaged = true
				if code != ExitError || !strings.Contains(errs, want) || !strings.Contains(errs, filepath.Join(d, store.FileName)) || !strings.Contains(errs, "xunbang restore") {
					t.Errorf("%s, %v (%s): exit %d\n%s", name, args, env, code, errs)
				}
			}
		}
		if name == "empty" || strings.HasPrefix(name, "cut") {
			if !damaged {
				t.Errorf("%s: no command noticed", name)
			}
		}
		if !damaged {
			continue
		}
		damagedSeen++
		_, errs, code := run(t, zh, "restore", good, "--data", d)
		// Damage inside a sealed value is seen only by what decrypts it:
		// the file is then kept as a replaced one.
		if code != 0 || !strings.Contains(errs, "损坏的数据文件已移到一旁") && !strings.Contains(errs, "原数据文件保留为") || strings.Contains(errs, "正被") {
			t.Errorf("%s: restore: exit %d\n%s", name, code, errs)
			continue
		}
		if (name == "empty" || strings.HasPrefix(name, "cut")) && !strings.Contains(errs, "损坏的数据文件已移到一旁") {
			t.Errorf("%s: restore did not say the damaged file was moved aside:\n%s", name, errs)
		}
		out, errs, code := run(t, zh, "list", "--data", d)
		if code != 0 || strings.Count(out, "\n") != 31 {
			t.Errorf("%s: list after restore: exit %d, %d lines\n%s", name, code, strings.Count(out, "\n"), errs)
		}
	}
	if damagedSeen < len(cases)/3 {
		t.Errorf("only %d of %d damaged files were noticed", damagedSeen, len(cases))
	}
}

// boltUsedSize returns how many bytes of a bbolt file hold pages: the
// larger of its two meta pages' high-water marks (pgid) times the page
// size (bbolt's meta page: a 16-byte page header, then magic, version,
// page size and flags, 4 bytes each, the root bucket, 16, the freelist
// page id, 8, and the high-water mark, 8).
func boltUsedSize(t *testing.T, data []byte) int {
	t.Helper()
	le := binary.LittleEndian
	pageSize := int(le.Uint32(data[16+8:]))
	if pageSize < 512 || pageSize > 1<<16 || len(data) < 2*pageSize {
		t.Fatalf("not a bbolt file: page size %d", pageSize)
	}
	used := 0
	for _, meta := range []int{0, pageSize} {
		used = max(used, int(le.Uint64(data[meta+16+32+8:]))*pageSize)
	}
	return min(used, len(data))
}
