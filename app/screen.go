package app

import (
	"math"

	"fyne.io/fyne/v2"
)

// The main window's first size fits the screen it opens on (issue 12.4): a
// 1366×768 laptop's work area, less the title bar, is shorter than the
// 1280×800 the window asks for on a large screen.

// minWindowSize is the smallest size every screen of the window works at:
// a 1024×768 laptop screen, less a taskbar and a title bar. A test fails
// when a screen needs more.
var minWindowSize = fyne.NewSize(1024, 700)

// Room the window manager takes around the content: the title bar and the
// borders, in screen pixels.
const (
	decorationWidth  = 16
	decorationHeight = 40
)

// fitWindow returns want, made smaller where the work area (the screen less
// its taskbars, in the window's units) less the room the window manager
// takes is smaller, but never below the window's minimum size min.
func fitWindow(want, min fyne.Size, work fyne.Size) fyne.Size {
	if work.Width <= 0 || work.Height <= 0 {
		return want
	}
	w := math.Min(float64(want.Width), float64(work.Width-decorationWidth))
	h := math.Min(float64(want.Height), float64(work.Height-decorationHeight))
	return fyne.NewSize(max(float32(w), min.Width), max(float32(h), min.Height))
}

// detectedScale is the scale Fyne picks for a monitor of the given width in
// millimetres and pixels: its dots per inch over 96, at least 1.
func detectedScale(widthMM, widthPx int) float32 {
	dpi := float64(widthPx) / (float64(widthMM) / 25.4)
	if widthMM <= 0 || dpi > 1000 || dpi < 10 {
		dpi = 96
	}
	return float32(max(dpi/96, 1))
}
