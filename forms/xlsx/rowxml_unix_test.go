//go:build unix

package xlsx

import (
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestSpoolsLeaveNoName: where the system allows, a spool's file has no
// name from the start, so that a killed export leaves no rows on disk.
func TestSpoolsLeaveNoName(t *testing.T) {
	sp, err := newRowSpool()
	if err != nil {
		t.Fatal(err)
	}
	defer sp.remove()
	if _, err := os.Stat(sp.file.Name()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the spool %s has a name: %v", sp.file.Name(), err)
	}
	if err := sp.setRow(2, []excelize.Cell{{Value: "机密"}}, 0); err != nil {
		t.Fatal(err)
	}
	if err := sp.w.Flush(); err != nil {
		t.Fatal(err)
	}
}
