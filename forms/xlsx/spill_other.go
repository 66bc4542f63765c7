//go:build !unix

package xlsx

import "os"

// spillLocks says whether a spill is locked while its process has it open;
// here it is not, and only age tells a killed process's spill (staleSpill).
// (removeIfOrphan is then never called.)
const spillLocks = false

func lockSpill(*os.File) error { return nil }

func removeIfOrphan(string) bool { return false }
