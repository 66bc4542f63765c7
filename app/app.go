// Package app is xunbang's desktop user interface, built with Fyne.
//
// [Run] opens the window; [Theme] draws all text in the embedded CJK font;
// [SetLanguage] makes the UI Chinese (the default, whatever the operating
// system's locale) or English. Strings shown to the user are read with
// fyne.io/fyne/v2/lang's L from the translations in package assets.
//
// Code here touches widgets only on the UI goroutine: background work hands
// results back with fyne.Do or fyne.DoAndWait, and does its own I/O.
package app

import (
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/assets"
)

// AppID is the application's unique ID, under which Fyne keeps its
// preferences and storage. It must match ID in FyneApp.toml.
const AppID = "cn.xunbang.app"

// ScreenHome names the first screen of the window.
const ScreenHome = "home"

// defaultScreenshotSize is the window size for screenshots when
// Options.Size is not set.
var defaultScreenshotSize = fyne.NewSize(1280, 800)

// Options configure [Run].
type Options struct {
	// DataDir is the data directory the window works on. It is shown to the
	// user; Run neither creates nor reads it.
	DataDir string
	// Lang is the UI language setting: "en" for English, anything else
	// (including "") for Chinese. See [ParseLanguage].
	Lang string
	// Screenshot, when not empty, is a PNG file to write: Run draws the
	// window, captures it into this file and quits instead of waiting for
	// the user.
	Screenshot string
	// Screen names the screen to show first; "" means [ScreenHome].
	Screen string
	// Size is the window size; zero means Fyne's choice for a normal run
	// and 1280×800 for a screenshot.
	Size fyne.Size
}

// Run opens xunbang's window and returns nil when the user closes it or ctx
// is cancelled. With opts.Screenshot set it instead returns once the
// screenshot is written, or with the error that prevented it. It must be
// called from the main goroutine, once per process.
func Run(ctx context.Context, opts Options) error {
	if err := SetLanguage(ParseLanguage(opts.Lang)); err != nil {
		// Depends on the user's system locale, which tests cannot cover
		// exhaustively: a window in the wrong language beats no window.
		slog.Error("start UI: cannot set the UI language", "err", err)
	}
	if opts.Screen != "" && opts.Screen != ScreenHome {
		return fmt.Errorf("start UI: unknown screen %q (known: %q)", opts.Screen, ScreenHome)
	}

	a := fyneapp.NewWithID(AppID)
	a.Settings().SetTheme(NewTheme())
	a.SetIcon(assets.Icon())
	w := newMainWindow(a, opts)

	// Quit when ctx is cancelled; stop watching once the app has stopped.
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
			fyne.Do(a.Quit)
		case <-stopped:
		}
	}()

	if opts.Screenshot == "" {
		if !opts.Size.IsZero() {
			w.Resize(opts.Size)
		}
		w.ShowAndRun()
		return nil
	}

	size := opts.Size
	if size.Width <= 0 || size.Height <= 0 {
		size = defaultScreenshotSize
	}
	w.Resize(size)
	w.Show()
	result := make(chan error, 1)
	go func() {
		result <- screenshot(ctx, w, opts.Screenshot)
		fyne.Do(a.Quit)
	}()
	// With a real driver Run returns after the goroutine above quits the app;
	// with Fyne's test driver (build tag ci) it returns at once and the
	// screenshot is taken with the software painter.
	a.Run()
	select {
	case err := <-result:
		return err
	case <-ctx.Done():
		return fmt.Errorf("screenshot %s: %w", opts.Screenshot, ctx.Err())
	}
}

// newMainWindow builds the main window with its first screen.
func newMainWindow(a fyne.App, opts Options) fyne.Window {
	w := a.NewWindow(lang.L("app.name"))
	w.SetMaster()
	w.SetContent(newPlaceholder(opts.DataDir).content)
	return w
}

// placeholder is the home screen until the real screens exist: the app's
// name, what it is for, and the data directory.
type placeholder struct {
	name    *widget.Label
	tagline *widget.Label
	dataDir *widget.Label
	content fyne.CanvasObject
}

func newPlaceholder(dataDir string) *placeholder {
	p := &placeholder{
		name:    widget.NewLabelWithStyle(lang.L("app.name"), fyne.TextAlignCenter, fyne.TextStyle{}),
		tagline: widget.NewLabelWithStyle(lang.L("app.tagline"), fyne.TextAlignCenter, fyne.TextStyle{}),
		dataDir: widget.NewLabelWithStyle(dataDirText(dataDir), fyne.TextAlignCenter, fyne.TextStyle{}),
	}
	p.name.SizeName = theme.SizeNameHeadingText
	p.dataDir.Selectable = true

	icon := canvas.NewImageFromResource(assets.Icon())
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(96))

	p.content = container.NewCenter(container.NewVBox(icon, p.name, p.tagline, p.dataDir))
	return p
}

func dataDirText(dir string) string {
	if dir == "" {
		return lang.L("app.datadir.unset")
	}
	return lang.L("app.datadir", map[string]any{"Dir": dir})
}

// glCaptureWait bounds how long screenshot waits for the window's GL
// canvas to capture as something other than a blank image.
const glCaptureWait = 4 * time.Second

// screenshot captures w and writes it to path as a PNG. It runs on its own
// goroutine: only the capture itself runs on the UI goroutine.
func screenshot(ctx context.Context, w fyne.Window, path string) error {
	img, err := captureWindow(ctx, w)
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	if err := writePNG(path, img); err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	return nil
}

// captureWindow returns an image of w once it has been drawn.
//
// The GL driver's Canvas.Capture reads the window's front buffer. That is
// empty until the first frame has been drawn, and with software OpenGL (Mesa
// under Xvfb) it stays empty: it reads as all zeros. So captureWindow polls
// the capture until it shows something, then lets layout and fonts settle and
// captures again; if nothing shows within glCaptureWait it renders the
// window's content with Fyne's software painter instead, which draws the same
// objects with the same theme, size and scale.
func captureWindow(ctx context.Context, w fyne.Window) (*image.NRGBA, error) {
	capture := func() *image.NRGBA {
		var img image.Image
		fyne.DoAndWait(func() { img = w.Canvas().Capture() })
		return opaque(img)
	}
	wait := func(d time.Duration) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}

	start := time.Now()
	for uniform(capture()) {
		if time.Since(start) > glCaptureWait {
			slog.Info("screenshot: the window captures blank; rendering it in software")
			return renderInSoftware(w), nil
		}
		if err := wait(100 * time.Millisecond); err != nil {
			return nil, err
		}
	}
	if err := wait(500 * time.Millisecond); err != nil {
		return nil, err
	}
	return capture(), nil
}

// renderInSoftware draws w's content with Fyne's software painter, on a
// canvas of the window's size, scale and padding.
func renderInSoftware(w fyne.Window) *image.NRGBA {
	var img image.Image
	fyne.DoAndWait(func() {
		content := w.Content()
		c := software.NewCanvas()
		c.SetPadded(w.Padded())
		c.SetScale(w.Canvas().Scale())
		c.SetContent(content)
		c.Resize(w.Canvas().Size())
		img = c.Capture()
		w.SetContent(content) // give it back
	})
	return opaque(img)
}

// opaque copies img into an opaque NRGBA image. A captured GL front buffer
// may carry an undefined alpha channel (under Xvfb it can be all zero), which
// would make the PNG transparent.
func opaque(img image.Image) *image.NRGBA {
	if img == nil {
		return image.NewNRGBA(image.Rectangle{})
	}
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	for i := 3; i < len(out.Pix); i += 4 {
		out.Pix[i] = 0xff
	}
	return out
}

// uniform reports whether img is empty or a single colour, which is what a
// window that has not been drawn yet captures as.
func uniform(img *image.NRGBA) bool {
	if len(img.Pix) < 4 {
		return true
	}
	first := [4]uint8(img.Pix[:4])
	for i := 4; i+4 <= len(img.Pix); i += 4 {
		if [4]uint8(img.Pix[i:i+4]) != first {
			return false
		}
	}
	return true
}

// writePNG encodes img into path atomically: into a temporary file in the
// same directory that is renamed over path once complete.
func writePNG(path string, img image.Image) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = png.Encode(f, img)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
