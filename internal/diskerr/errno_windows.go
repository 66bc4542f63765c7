//go:build windows

package diskerr

import (
	"errors"
	"syscall"
)

// Windows system error codes (winerror.h).
const (
	errorWriteProtect    syscall.Errno = 19  // ERROR_WRITE_PROTECT
	errorHandleDiskFull  syscall.Errno = 39  // ERROR_HANDLE_DISK_FULL
	errorDiskFull        syscall.Errno = 112 // ERROR_DISK_FULL
	errorDiskQuotaExceed syscall.Errno = 1295
)

func isFull(err error) bool {
	return errors.Is(err, errorDiskFull) || errors.Is(err, errorHandleDiskFull) || errors.Is(err, errorDiskQuotaExceed)
}

func isReadOnly(err error) bool { return errors.Is(err, errorWriteProtect) }
