package xlsx

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The spills a killed process left are removed when the next import
// starts: where spills are locked, one nobody holds (a killed process's
// lock is gone with it) once a minute old; elsewhere one older than a day.
// One another import has open is not, nor one just made (not locked yet).
func TestStaleSpillsAreRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	inUse, err := newSpill() // another import's, under way
	if err != nil {
		t.Fatal(err)
	}
	defer inUse.close()
	old, orphan, fresh := filepath.Join(tmp, "xunbang-import-1.spill"), filepath.Join(tmp, "xunbang-import-2.spill"), filepath.Join(tmp, "xunbang-import-3.spill")
	for _, p := range []string{old, orphan, fresh} {
		if err := os.WriteFile(p, []byte("sealed"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for p, age := range map[string]time.Duration{old: 25 * time.Hour, orphan: 2 * time.Minute} {
		past := time.Now().Add(-age)
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
	}
	sp, err := newSpill()
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("a day-old spill is still there")
	}
	if _, err := os.Stat(orphan); spillLocks != os.IsNotExist(err) {
		t.Errorf("a two-minute-old spill nobody holds: removed %v, want %v", os.IsNotExist(err), spillLocks)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a spill just made was removed: %v", err)
	}
	if _, err := os.Stat(inUse.f.Name()); err != nil {
		t.Errorf("the spill of an import under way was removed: %v", err)
	}
}

// A spill of records put one by one gives each back in any order, whether
// it is still in the buffer or on disk, and the file holds none of them in
// the clear; a byte changed on disk is an error, not a record.
func TestSpillPutGet(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	sp, err := newSpill()
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	var recs [][]byte
	var refs []packRef
	for i, more := 0, 3; more > 0; i++ { // some chunks written, then 3 records buffered
		p := []byte(fmt.Sprintf("苏州某某精密机械有限公司 %d %s", i, strings.Repeat("x", i%500)))
		recs, refs = append(recs, p), append(refs, sp.put(p))
		if sp.size >= 2*spillChunk {
			more--
		}
	}
	if len(sp.buf) == 0 {
		t.Fatal("the test wants records still buffered")
	}
	var buf []byte
	for _, i := range rand.Perm(len(recs)) {
		if buf, err = sp.get(refs[i], buf); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if !bytes.Equal(buf, recs[i]) {
			t.Fatalf("record %d: got %q, want %q", i, buf, recs[i])
		}
	}
	disk, err := os.ReadFile(sp.f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(disk)) != sp.size || bytes.Contains(disk, []byte("苏州")) {
		t.Fatalf("the file holds %d bytes (want %d), in the clear: %v", len(disk), sp.size, bytes.Contains(disk, []byte("苏州")))
	}
	if _, err := sp.f.WriteAt([]byte{disk[refs[1].off] ^ 1}, refs[1].off); err != nil {
		t.Fatal(err)
	}
	if _, err := sp.get(refs[1], nil); err == nil {
		t.Error("a record changed on disk was read back")
	}
	if _, err := sp.get(refs[2], nil); err != nil {
		t.Errorf("the record after it: %v", err)
	}
}
