package store

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// dropMapped tells the kernel that the process no longer needs the pages of
// the data file it has read (Open reads every summary, 80 MB at 200,000
// needs): they leave its resident memory and stay in the page cache, from
// where the next read takes them back. bbolt maps the file read-only and
// shared and writes with pwrite, so no data is lost; the read transaction
// keeps bbolt from remapping meanwhile. It is advice: an error changes
// nothing.
func (s *Store) dropMapped() {
	_ = s.db.View(func(btx *bolt.Tx) error {
		data, size := s.db.Info().Data, btx.Size()
		if data == 0 || size <= 0 {
			return nil
		}
		_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, data, uintptr(size), syscall.MADV_DONTNEED)
		return nil
	})
}
