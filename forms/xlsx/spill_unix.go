//go:build unix

package xlsx

import (
	"os"
	"syscall"
)

// spillLocks says whether a spill is locked while its process has it open,
// so that one a killed process left is told from one in use (on unix: an
// flock, which the system releases when the process ends).
const spillLocks = true

// lockSpill locks a new spill for as long as it is open. It waits for
// the lock: another import looking for orphans holds it for a moment (and
// may remove the file meanwhile — the spill then lives on unnamed).
func lockSpill(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
}

// removeIfOrphan removes the spill at path unless a process holds it,
// reporting whether it did.
func removeIfOrphan(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return false // in use
	}
	return os.Remove(path) == nil
}
