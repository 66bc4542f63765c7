package xlsx

import (
	"os"
	"path/filepath"
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
