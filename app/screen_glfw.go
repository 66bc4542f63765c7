//go:build !ci && !android && !ios && !mobile && !wasm && !js && !tamago && !noos && !tinygo

package app

import (
	"log/slog"
	"math"
	"os"
	"runtime"
	"strconv"

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

// userScale is the FYNE_SCALE a user set, or 1.
func userScale() float32 {
	if v := os.Getenv("FYNE_SCALE"); v != "" && v != "auto" {
		if f, err := strconv.ParseFloat(v, 32); err == nil && f > 0 {
			return float32(f)
		}
	}
	return 1
}

// roundScale rounds a scale to a tenth, as Fyne does.
func roundScale(s float32) float32 { return float32(math.Round(float64(s)*10) / 10) }
