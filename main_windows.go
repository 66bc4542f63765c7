//go:build windows

package main

import (
	"log"
	"os"
	"syscall"
)

// The Windows build is a GUI program (linked with -H windowsgui, see
// tools/dist/dist.sh) so that double-clicking it opens no console window.
// The price: started from cmd or PowerShell it gets no console, its
// standard handles are invalid, and a command's output is lost.
// attachConsole fixes that for commands.

var (
	kernel32          = syscall.NewLazyDLL("kernel32.dll")
	procAttachConsole = kernel32.NewProc("AttachConsole")
)

// attachParentProcess is AttachConsole's ATTACH_PARENT_PROCESS, (DWORD)-1.
const attachParentProcess = ^uint32(0)

// attachConsole, when a command is given (len(os.Args) > 1), attaches the
// process to the console of the program that started it (cmd, PowerShell)
// and points standard input, output and error at that console — each only
// where it is not already a valid file, pipe or console, so redirections
// (xunbang.exe export … > out.jsonl, | Out-String) keep working. Started
// without a console (Explorer, a shortcut) or without a command (the
// window), it does nothing.
func attachConsole() {
	if len(os.Args) < 2 {
		return
	}
	in, out, errOut := validStd(syscall.STD_INPUT_HANDLE), validStd(syscall.STD_OUTPUT_HANDLE), validStd(syscall.STD_ERROR_HANDLE)
	if in && out && errOut {
		return // all redirected, or a console already
	}
	if r, _, _ := procAttachConsole.Call(uintptr(attachParentProcess)); r == 0 {
		return // the parent has no console (or this process has one)
	}
	if !out {
		if f, err := os.OpenFile("CONOUT$", os.O_RDWR, 0); err == nil {
			os.Stdout = f
		}
	}
	if !errOut {
		if f, err := os.OpenFile("CONOUT$", os.O_RDWR, 0); err == nil {
			os.Stderr = f
			// The log package (and slog's default handler through it) took
			// os.Stderr before this ran.
			log.SetOutput(f)
		}
	}
	if !in {
		if f, err := os.OpenFile("CONIN$", os.O_RDWR, 0); err == nil {
			os.Stdin = f
		}
	}
}

// validStd reports whether the standard handle std is usable: a file, a
// pipe or a console, not missing.
func validStd(std int) bool {
	h, err := syscall.GetStdHandle(std)
	if err != nil || h == syscall.InvalidHandle || h == 0 {
		return false
	}
	t, err := syscall.GetFileType(h)
	return err == nil && t != syscall.FILE_TYPE_UNKNOWN
}
