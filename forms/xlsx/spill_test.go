package xlsx

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A spill a killed process left (older than a day) is removed when the
// next import starts; a recent one, perhaps another import's under way, is
// not.
func TestStaleSpillsAreRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	old, recent := filepath.Join(tmp, "xunbang-import-1.spill"), filepath.Join(tmp, "xunbang-import-2.spill")
	for _, p := range []string{old, recent} {
		if err := os.WriteFile(p, []byte("sealed"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-25 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	sp, err := newSpill()
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("a day-old spill is still there")
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("a recent spill was removed: %v", err)
	}
}
