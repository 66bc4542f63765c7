package app

import (
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"time"
)

// openWait bounds how long openPath waits for the system's opener to say
// whether it found an application for a file.
const openWait = 3 * time.Second

// errNoViewer: the system has no application for the file.
var errNoViewer = errors.New("no application opens it")

// openPath opens a file or folder with the system's application for it and
// says whether that worked (issue 12.8), where fyne.App.OpenURL only starts
// the opener and reports nothing: on Linux and BSD xdg-open, which exits
// non-zero when nothing opens the file, and on macOS open; an opener still
// running after openWait is taken to be the application itself. On Windows
// the shell's file handler, which cannot tell. It blocks up to openWait: call
// it off the UI goroutine.
func openPath(path string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", path)
	case "darwin":
		cmd = exec.Command("open", path)
	default:
		cmd = exec.Command("xdg-open", path)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }() // reaps the opener even after openWait
	t := time.NewTimer(openWait)
	defer t.Stop()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("open %s: %w (%s exited with %d)", path, errNoViewer, cmd.Args[0], exit.ExitCode())
		}
		if err != nil {
			return fmt.Errorf("open %s: %w", path, err)
		}
		return nil
	case <-t.C:
		return nil
	}
}
