// Package app is xunbang's desktop user interface, built with Fyne.
//
// [Run] opens the window on a data dir: the tabs 工作台 (progress against
// the targets), 需求 (the need list, a need's editor with its diagnosis and
// follow-ups, and the enterprise's confirmation screen), 企业 (enterprises,
// their contacts and visits) and 设置, over a strip that shows what is
// waiting to be synced. The forms are drawn from the field catalogue of
// package forms (fields.go), and every edit of a need is saved as the user
// types.
//
// The data is encrypted; when no keyring holds its key, [Run] first asks for
// the passphrase, or to choose one for a new data dir (unlock.go). After the
// idle time of the settings a window whose data has a passphrase locks: a lock
// screen that shows no data replaces its content until the passphrase is
// entered (lock.go).
//
// [Theme] draws all text in the embedded CJK font; [SetLanguage] makes the UI
// Chinese (the default, whatever the operating system's locale) or English.
// Strings shown to the user are read with fyne.io/fyne/v2/lang's L from the
// translations in package assets.
//
// Each screen is a struct that holds its widgets (so tests reach them) and
// declares the small interface it needs from the store (backend.go). Code
// here touches widgets only on the UI goroutine: background work does its own
// I/O and hands results back through ui.run (fyne.Do).
package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/lang"

	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/internal/atomicfile"
	"github.com/xunbang/xunbang/store"
)

// AppID is the application's unique ID, under which Fyne keeps its
// preferences and storage. It must match ID in FyneApp.toml.
const AppID = "cn.xunbang.app"

// ScreenHome names the first screen of the window, the 工作台.
const ScreenHome = "home"

// defaultScreenshotSize is the window size for screenshots when
// Options.Size is not set.
var defaultScreenshotSize = fyne.NewSize(1280, 800)

// screenshotWait bounds how long a screenshot waits for the screen's data.
const screenshotWait = 60 * time.Second

// Options configure [Run].
type Options struct {
	// DataDir is the data directory the window works on: Run opens the store
	// in it (creating it when missing) and shows it in the settings.
	DataDir string
	// Lang is the UI language: "en" for English, "zh" for Chinese, "" for
	// the language stored in the settings (Chinese by default). See
	// [ParseLanguage].
	Lang string
	// Screenshot, when not empty, is a PNG file to write: Run draws the
	// window, waits for the screen's data, captures it into this file and
	// quits instead of waiting for the user.
	Screenshot string
	// Screen names the screen to show first: "home" or "dashboard" (the
	// default), "needs", "editor" (the first need of the list), "confirm"
	// (the confirmation of the first need waiting for one, or already
	// confirmed), "enterprises", "settings", "sync" (the need list, with
	// the sync strip below it as on every screen), or "lock" (the idle
	// lock's screen).
	Screen string
	// Size is the window size; zero means Fyne's choice for a normal run
	// and 1280×800 for a screenshot.
	Size fyne.Size
	// Sync, when set, is what the sync strip's 立即同步 button runs; nil
	// hides the button. It runs off the UI goroutine.
	Sync func(ctx context.Context) error
	// SyncStatus, when set, supplies the sync strip's status (called every
	// few seconds, off the UI goroutine); nil shows the outbox count only.
	SyncStatus func(ctx context.Context) (SyncStatus, error)
	// Connect, when set, is called once the store is open and fills in Sync
	// and SyncStatus (main wires the sync client here, so app needs no
	// network code). It may start background work bound to ctx.
	Connect func(ctx context.Context, st *store.Store, lang string) SyncHooks
	// Key is how the encrypted store is unlocked (OS keyring, passphrase);
	// the zero value opens an unencrypted store (tests).
	Key store.KeySource
	// Conflicts, when set, lets the user settle needs edited both here and
	// on the platform (the sync strip shows a button while there are any).
	Conflicts Conflicts
	// Connection, when set, is 设置 → 平台连接: connecting to the hub
	// with a pasted token, and disconnecting.
	Connection PlatformConnection
	// Refusals, when set, lists the records the platform refused, for the
	// strip's button and its dialog.
	Refusals Refusals
	// Now, when set, is the clock the outputs the window writes (package
	// jobs) are stamped with; nil means time.Now (tests fix it, as
	// `xunbang`'s cli.Env.Now does for the command line).
	Now func() time.Time
}

// SyncHooks is what [Options.Connect] gives the window of the sync client.
type SyncHooks struct {
	Sync       func(context.Context) error
	Status     func(context.Context) (SyncStatus, error)
	Conflicts  Conflicts
	Connection PlatformConnection
	Refusals   Refusals
}

// Run opens xunbang's window on the store in opts.DataDir and returns nil
// when the user closes it or ctx is cancelled; pending edits are saved first.
// When the data cannot be opened with opts.Key alone (no keyring holds its
// key, and no passphrase or a wrong one was given) the window first asks for
// the passphrase, or to choose one for a new data dir, and then shows the
// data. With opts.Screenshot set it instead returns once the screenshot is
// written, or with the error that prevented it (a screenshot asks nothing).
// It must be called from the main goroutine, once per process.
func Run(ctx context.Context, opts Options) error {
	screen := opts.Screen
	if screen == "" {
		screen = ScreenHome
	}
	if !slices.Contains(screens, screen) {
		return fmt.Errorf("start UI: unknown screen %q (known: %s)", opts.Screen, strings.Join(screens, ", "))
	}
	if opts.DataDir == "" {
		return errors.New("start UI: no data dir")
	}
	if opts.Screenshot != "" {
		return runScreenshot(ctx, opts, screen)
	}
	// What opening the data needs, asked of the file (its lock, its first
	// pages, the keyring) in a few milliseconds: a data dir in use, damaged
	// or of a newer xunbang is said before any window exists. The key
	// derivation and the need list come after the first frame.
	// A damaged data file is said in the window, which offers to restore
	// a backup.
	state, err := store.Inspect(ctx, opts.DataDir, opts.Key.Keyring)
	damaged := damageOf(opts.DataDir, err)
	if err != nil && damaged == nil {
		return fmt.Errorf("start UI: %w", err)
	}
	if err := SetLanguage(ParseLanguage(opts.Lang)); err != nil {
		slog.Error("start UI: cannot set the UI language", "err", err)
	}
	a := fyneapp.NewWithID(AppID)
	a.Settings().SetTheme(NewTheme())
	a.SetIcon(assets.Icon())
	w := a.NewWindow(lang.L("app.name"))
	w.SetMaster()
	s := &session{ctx: ctx, opts: opts, screen: screen, app: a, win: w, live: true}
	defer s.close()
	stop := s.quitWithContext()
	defer stop()

	// The first screen: the data opening (the keyring or
	// XUNBANG_PASSPHRASE holds the key), or what it needs from the user.
	s.unlock = newUnlocker(ctx, opts.DataDir, opts.Key, state, fyne.Do, s.opened, a.Quit)
	s.unlock.win = w
	s.unlock.start(damaged)
	w.SetContent(s.unlock.content)
	w.Resize(fyne.NewSize(640, 560))
	w.CenterOnScreen()
	w.Show()
	s.shown = true
	s.unlock.focus()
	a.Run()
	if err := s.unlock.failed; err != nil {
		return &ShownError{Err: fmt.Errorf("start UI: %w", err)}
	}
	return nil
}

// ShownError is Run's error when the window itself said why the data did
// not open: the caller need not say it again in a window (it is the
// process's only Fyne app). ShownInWindow tells it so without importing
// this package.
type ShownError struct{ Err error }

func (e *ShownError) Error() string { return e.Err.Error() }

// Unwrap returns the error the window showed.
func (e *ShownError) Unwrap() error { return e.Err }

// ShownInWindow reports that the window has shown the error.
func (e *ShownError) ShownInWindow() bool { return true }

// quitWithContext quits the app when s.ctx is cancelled, saving pending
// edits first; the function it returns stops watching (once the app has
// stopped).
func (s *session) quitWithContext() (stop func()) {
	stopped := make(chan struct{})
	go func() {
		select {
		case <-s.ctx.Done():
			fyne.Do(func() {
				if u := s.ui(); u != nil {
					u.uiMu.Lock()
					u.flush()
					u.uiMu.Unlock()
				}
				s.app.Quit()
			})
		case <-stopped:
		}
	}()
	return func() { close(stopped) }
}

// runScreenshot opens the store, draws the screen, captures it into
// opts.Screenshot and returns: a screenshot asks nothing, so data that
// needs a passphrase fails.
func runScreenshot(ctx context.Context, opts Options, screen string) error {
	st, err := store.Open(ctx, opts.DataDir, store.Options{Key: opts.Key})
	if err != nil {
		return fmt.Errorf("start UI: %w", err)
	}
	settings, err := st.Settings(ctx)
	if err != nil {
		_ = st.Close()
		return fmt.Errorf("start UI: %w", err)
	}
	language := opts.Lang
	if language == "" {
		language = settings.Lang
	}
	if err := SetLanguage(ParseLanguage(language)); err != nil {
		// Depends on the user's system locale, which tests cannot cover
		// exhaustively: a window in the wrong language beats no window.
		slog.Error("start UI: cannot set the UI language", "err", err)
	}
	a := fyneapp.NewWithID(AppID)
	a.Settings().SetTheme(NewTheme())
	a.SetIcon(assets.Icon())
	w := a.NewWindow(lang.L("app.name"))
	w.SetMaster()
	s := &session{ctx: ctx, opts: opts, screen: screen, app: a, win: w}
	defer s.close()
	stop := s.quitWithContext()
	defer stop()

	u := s.begin(st, settings)
	w.Show()
	u.uiMu.Unlock()
	result := make(chan error, 1)
	go func() {
		t := time.NewTimer(screenshotWait)
		select {
		case <-s.ready:
		case <-t.C:
			slog.Warn("screenshot: the screen's data did not arrive in time", "screen", screen)
		case <-ctx.Done():
		}
		t.Stop()
		u.bg.WaitTimeout(screenshotWait)
		result <- screenshot(ctx, w, &u.uiMu, opts.Screenshot)
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

// session is one run of the window: the app, the window, and — once the
// store is open — the main window's ui on it.
type session struct {
	ctx    context.Context
	opts   Options
	screen string
	app    fyne.App
	win    fyne.Window
	// live starts the periodic work of a window the user works in (the sync
	// strip's refresh, the idle lock's check); not for screenshots and tests.
	live bool
	// shown is set once the window is on screen (the unlock screen shows it
	// before the data does).
	shown bool
	// unlock is the first screen when the data needs a passphrase.
	unlock *unlocker

	readyOnce sync.Once
	ready     chan struct{} // closed when the first screen shows its data
	stopWatch context.CancelFunc

	mu sync.Mutex // guards st and u, set on the UI goroutine
	st *store.Store
	u  *ui

	// post, when set, is how the main window's background work reaches the
	// UI goroutine (ui.post; the start benchmark runs it on its own
	// goroutine). Unset: fyne.Do.
	post func(func())
}

func (s *session) ui() *ui {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.u
}

// begin builds the main window on st in s.win and starts loading what the
// first screen shows. It returns with the ui's uiMu held: the caller
// releases it once the window is set up (see ui.uiMu).
func (s *session) begin(st *store.Store, settings store.Settings) *ui {
	ctx, opts := s.ctx, s.opts
	if opts.Connect != nil && opts.Screenshot == "" {
		language := opts.Lang
		if language == "" {
			language = settings.Lang
		}
		h := opts.Connect(ctx, st, string(ParseLanguage(language)))
		opts.Sync, opts.SyncStatus, opts.Conflicts = h.Sync, h.Status, h.Conflicts
		opts.Connection, opts.Refusals = h.Connection, h.Refusals
	}
	if s.ready == nil {
		s.ready = make(chan struct{})
	}
	u := newUI(ctx, s.app, s.win, st, settings, opts)
	if s.post != nil {
		u.post = s.post
	}
	s.mu.Lock()
	s.st, s.u = st, u
	s.mu.Unlock()
	// Results of the loads started here reach the widgets only once the
	// window is set up (see ui.uiMu).
	u.uiMu.Lock()
	ready := func() { s.readyOnce.Do(func() { close(s.ready) }) }
	if s.live && opts.Screen == "" {
		// Where the official was when the window last closed (issue 12.15).
		u.restoreView(settings.LastView, func() { u.remember = true; ready() })
	} else {
		u.remember = s.live
		u.showScreen(s.screen, ready)
	}
	u.start()
	if s.live {
		watchCtx, stop := context.WithCancel(ctx)
		s.stopWatch = stop
		u.watch(watchCtx)
		u.idle.watch(watchCtx)
		// The daily backup, away from the start (dailybackup.go).
		newDailyBackups(u, st, settings.BackupsKept).start(watchCtx)
	}
	s.win.Resize(s.firstSize())
	return u
}

// firstSize is the main window's first size: Options.Size when set, else
// 1280×800 made to fit the screen's work area (a screenshot keeps 1280×800).
func (s *session) firstSize() fyne.Size {
	size := s.opts.Size
	if size.Width > 0 && size.Height > 0 {
		return size
	}
	size = defaultScreenshotSize
	if s.opts.Screenshot != "" {
		return size
	}
	scale := float32(0) // the scale Fyne will pick, before the window shows
	if s.shown {
		scale = s.win.Canvas().Scale()
	}
	if work, ok := workArea(scale); ok {
		size = fitWindow(size, s.win.Content().MinSize(), work)
		slog.Debug("window fits the screen", "work area", work, "size", size)
	}
	return size
}

// opened continues, on the UI goroutine, once the unlock screen has opened
// the store: in the data's language (unless Options.Lang says otherwise),
// the main window replaces the unlock screen.
func (s *session) opened(st *store.Store) {
	restoreGC := s.unlock.takeGC()
	settings, err := st.Settings(s.ctx)
	if err != nil {
		restoreGC()
		_ = st.Close()
		s.unlock.prompt.fail(openFailure(err))
		return
	}
	if s.opts.Lang == "" && ParseLanguage(settings.Lang) != CurrentLanguage() {
		if err := SetLanguage(ParseLanguage(settings.Lang)); err != nil {
			slog.Error("start UI: cannot set the UI language", "err", err)
		}
		s.win.SetTitle(lang.L("app.name"))
	}
	s.unlock.stop() // its screen goes
	u := s.begin(st, settings)
	u.needs.onLoaded = append(u.needs.onLoaded, restoreGC)
	if note := s.unlock.takeRestoredNote(); note != "" {
		// Before the loads' results may reach the widgets (ui.uiMu).
		dialog.ShowInformation(lang.L("restore.done.title"), note, s.win)
	}
	u.uiMu.Unlock()
	s.win.CenterOnScreen()
}

// close stops the periodic work, waits for saves under way and closes the
// store: the window has closed.
func (s *session) close() {
	if s.stopWatch != nil {
		s.stopWatch()
	}
	if s.unlock != nil {
		s.unlock.close()
	}
	s.mu.Lock()
	st, u := s.st, s.u
	s.mu.Unlock()
	if u != nil && !u.bg.WaitTimeout(5*time.Second) {
		// Saves already under way finish before the store closes.
		slog.Warn("window closed with background work still running")
	}
	if st != nil {
		if err := st.Close(); err != nil {
			slog.Warn("close the store", "err", err)
		}
	}
}

// glCaptureWait bounds how long screenshot waits for the window's GL
// canvas to capture as something other than a blank image.
const glCaptureWait = 4 * time.Second

// screenshot captures w and writes it to path as a PNG. It runs on its own
// goroutine: only the capture itself runs on the UI goroutine, holding lock.
func screenshot(ctx context.Context, w fyne.Window, lock sync.Locker, path string) error {
	img, err := captureWindow(ctx, w, lock)
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
func captureWindow(ctx context.Context, w fyne.Window, lock sync.Locker) (*image.NRGBA, error) {
	capture := func() *image.NRGBA {
		var img image.Image
		fyne.DoAndWait(func() {
			lock.Lock()
			defer lock.Unlock()
			img = w.Canvas().Capture()
		})
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
			return renderInSoftware(w, lock), nil
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
func renderInSoftware(w fyne.Window, lock sync.Locker) *image.NRGBA {
	var img image.Image
	fyne.DoAndWait(func() {
		lock.Lock()
		defer lock.Unlock()
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

// writePNG encodes img into path atomically.
func writePNG(path string, img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return writeFileAtomic(path, buf.Bytes())
}

// writeFileAtomic writes data into path atomically (package atomicfile).
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.WriteFile(path, data, 0o644)
}
