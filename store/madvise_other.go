//go:build !linux

package store

// dropMapped does nothing here: the pages of a mapped file a process read
// are given back on Linux only (madvise_linux.go).
func (s *Store) dropMapped() {}
