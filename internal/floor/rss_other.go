//go:build !linux

package floor

// RSS returns 0: the resident memory is read on Linux only.
func RSS() int64 { return 0 }

// RSSAnon returns 0: the resident memory is read on Linux only.
func RSSAnon() int64 { return 0 }
