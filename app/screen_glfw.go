//go:build !ci && !android && !ios && !mobile && !wasm && !js && !tamago && !noos && !tinygo

package app

import (
	"log/slog"
	"runtime"

	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// workArea returns the primary monitor's work area (the screen less its
// taskbars) in the window's units: screen pixels over scale, or over the
// scale Fyne will pick for the monitor when scale is 0 (the window is not
// shown yet). It must run on the main thread, once Fyne has set up GLFW (any
// window made). ok is false when it cannot tell.
func workArea(scale float32) (size fyne.Size, ok bool) {
	defer func() {
		if r := recover(); r != nil { // GLFW reports its errors as panics
			slog.Warn("cannot read the screen's size", "err", r)
			size, ok = fyne.Size{}, false
		}
	}()
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return fyne.Size{}, false
	}
	_, _, w, h := m.GetWorkarea()
	if w <= 0 || h <= 0 {
		return fyne.Size{}, false
	}
	if scale <= 0 {
		mm, _ := m.GetPhysicalSize()
		scale = roundScale(detectedScale(mm, m.GetVideoMode().Width) * userScale())
	}
	if runtime.GOOS == "darwin" {
		scale = 1 // macOS measures screens in points, as Fyne measures windows
	}
	return fyne.NewSize(float32(w)/scale, float32(h)/scale), true
}
