package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/store"
)

// The idle lock.
//
// After Settings.LockAfterMinutes without activity the window hides its
// content behind a lock screen that shows no data, and asks for the data's
// passphrase to show it again. Only a store with a passphrase locks: without
// one there is nothing to unlock with (the key is in the OS keyring, which
// the logged-in user opens anyway).
//
// Fyne has no hook that sees every input event of a window, so activity is
// what these see:
//   - mouse movement over the window where no widget of its own takes it
//     (labels, backgrounds, gaps: a transparent [activityWatcher] under the
//     content, which takes only hover events, never taps or keys);
//   - keys pressed while nothing has the focus (the canvas's OnKeyDown);
//   - typing in the forms and search boxes (the autosave and search
//     debouncers, when they fire);
//   - the window's own handlers: tab changes, opening a need or an
//     enterprise, saving, the menu's commands (ui.touch).
//
// The lock is of the window only: the store stays open (with its key in
// memory), so the background sync and the daily backup go on.

// passphraseStore is what the idle lock and the settings' passphrase form
// need from the store.
type passphraseStore interface {
	Encrypted() bool
	HasPassphrase() bool
	CheckPassphrase(p string) error
	SetPassphrase(ctx context.Context, p string) error
}

var _ passphraseStore = (*store.Store)(nil)

// idleCheckEvery is how often the window checks whether it has been idle
// long enough to lock.
const idleCheckEvery = 15 * time.Second

// idleLock locks the window after the idle time of the settings, and
// unlocks it with the passphrase. Its fields are the UI goroutine's, except
// last.
type idleLock struct {
	u *ui
	// now is the clock; tests replace it. The idle time is measured on the
	// wall clock, not the monotonic one: on some systems the monotonic
	// clock stops while the computer sleeps, and a laptop that slept for an
	// hour has been idle for an hour.
	now func() time.Time
	// last is the wall time of the last activity, in Unix nanoseconds; any
	// goroutine may set it.
	last atomic.Int64

	locked   bool
	failures int // wrong passphrases since the lock
	prompt   *passphrasePrompt
	menuItem *fyne.MenuItem // 立即锁定, enabled when there is a passphrase

	// What the lock hid, given back by unlock as it was.
	content  fyne.CanvasObject
	menu     *fyne.MainMenu
	overlays []fyne.CanvasObject
	// later runs once unlocked (error messages that arrived while locked).
	later []func()
}

func newIdleLock(u *ui) *idleLock {
	l := &idleLock{u: u, now: time.Now}
	l.prompt = newPassphrasePrompt(promptEnter, lang.L("lock.locked"), lang.L("lock.note"), l.submit, nil)
	l.touch()
	return l
}

// touch records activity now.
func (l *idleLock) touch() { l.last.Store(l.now().UnixNano()) }

// touch records the user's activity: the idle lock waits again.
func (u *ui) touch() {
	if u.idle != nil {
		u.idle.touch()
	}
}

// passphrases is the store's passphrase API, which the idle lock and the
// settings' passphrase form use.
func (u *ui) passphrases() passphraseStore { return u.st }

// hasPassphrase reports whether a passphrase unlocks the data: only then
// does the window lock.
func (u *ui) hasPassphrase() bool { return u.st.HasPassphrase() }

// watching returns content with an activityWatcher under it, and makes the
// window's other sources of activity (see above) touch.
func (l *idleLock) watching(content fyne.CanvasObject, typing ...*debouncer) *fyne.Container {
	for _, d := range typing {
		fn := d.fn
		d.fn = func() {
			l.touch()
			fn()
		}
	}
	if dc, ok := l.u.win.Canvas().(desktop.Canvas); ok && dc.OnKeyDown() == nil {
		dc.SetOnKeyDown(func(*fyne.KeyEvent) { l.touch() })
	}
	return container.NewStack(newActivityWatcher(l.touch), content)
}

// watch checks every idleCheckEvery, until ctx ends, whether the window has
// been idle long enough to lock. Run starts it; tests call check.
func (l *idleLock) watch(ctx context.Context) { l.u.every(ctx, idleCheckEvery, l.check) }

// check locks the window when it has been idle for the settings' time and
// a passphrase is set. While locked, it keeps dialogs that opened since
// (an error from background work) for after the unlock.
func (l *idleLock) check() {
	if l.locked {
		l.hideOverlays()
		return
	}
	minutes := l.u.settings.LockAfterMinutes
	if minutes <= 0 || !l.u.hasPassphrase() {
		return
	}
	idle := time.Duration(l.now().UnixNano() - l.last.Load())
	if idle >= time.Duration(minutes)*time.Minute {
		l.lock(fmt.Sprintf("idle %d min", minutes))
	}
}

// lockNow locks the window at once (立即锁定, Ctrl+L), or says why it
// cannot.
func (l *idleLock) lockNow() {
	if l.locked {
		return
	}
	if !l.u.hasPassphrase() {
		dialog.ShowInformation(lang.L("lock.menu"), lang.L("lock.nopassphrase"), l.u.win)
		return
	}
	l.lock("manual")
}

// lock saves pending edits and replaces the window's content, menu and
// dialogs with the lock screen; reason goes into the audit log.
func (l *idleLock) lock(reason string) {
	if l.locked {
		return
	}
	u := l.u
	u.flush()
	c := u.win.Canvas()
	c.Unfocus()
	l.content = u.win.Content()
	l.menu = u.win.MainMenu()
	l.overlays = nil
	l.hideOverlays()
	l.locked = true
	l.failures = 0
	l.prompt.reset()
	u.win.SetMainMenu(nil)
	u.win.SetContent(l.prompt.content)
	c.Focus(l.prompt.pass)
	l.audit(store.AuditLock, reason)
}

// hideOverlays takes the canvas's overlays (dialogs, pop-ups) off it, to
// give back at unlock.
func (l *idleLock) hideOverlays() {
	ov := l.u.win.Canvas().Overlays()
	list := slices.Clone(ov.List())
	if len(list) == 0 {
		return
	}
	ov.Remove(list[0]) // and all above it
	l.overlays = append(l.overlays, list...)
}

// submit checks the passphrase off the UI goroutine (it takes a quarter of
// a second) and unlocks when it is right.
func (l *idleLock) submit(p string) {
	u := l.u
	ps := u.passphrases()
	u.bg.Go(func() {
		err := ps.CheckPassphrase(p)
		u.run(func() {
			if !l.locked {
				return
			}
			if err != nil {
				l.failures++
				msg := lang.L("passphrase.wrong")
				if !errors.Is(err, store.ErrWrongKey) {
					slog.Error("unlock", "err", err)
					msg = userMessage(err, u.lang)
				}
				l.prompt.fail(msg)
				return
			}
			l.unlock()
		})
	})
}

// unlock gives the window back what lock hid.
func (l *idleLock) unlock() {
	u := l.u
	// The passphrase entry gives up the focus before its screen goes:
	// SetContent does not tell the focused object that it lost the focus,
	// and the entry, enabled again by prompt.reset, would go on blinking its
	// cursor behind the content (frames drawn at rest: idle CPU, issue 17).
	u.win.Canvas().Unfocus()
	u.win.SetContent(l.content)
	u.win.SetMainMenu(l.menu)
	ov := u.win.Canvas().Overlays()
	for _, o := range l.overlays {
		if o.Visible() { // not hidden while locked
			ov.Add(o)
		}
	}
	l.content, l.menu, l.overlays = nil, nil, nil
	l.locked = false
	l.prompt.reset()
	l.touch()
	detail := ""
	if l.failures > 0 {
		detail = fmt.Sprintf("after %d wrong passphrase(s)", l.failures)
	}
	l.audit(store.AuditUnlock, detail)
	later := l.later
	l.later = nil
	for _, fn := range later {
		fn()
	}
}

// whenUnlocked runs fn now, or after the unlock when the window is locked.
func (l *idleLock) whenUnlocked(fn func()) {
	if l.locked {
		l.later = append(l.later, fn)
		return
	}
	fn()
}

// unlocked wraps a command (a menu item, a shortcut) so that it does
// nothing while the window is locked.
func (u *ui) unlocked(fn func()) func() {
	return func() {
		if u.idle != nil && u.idle.locked {
			return
		}
		u.touch()
		fn()
	}
}

// passphraseChanged updates what depends on whether a passphrase is set:
// the 立即锁定 menu item and the settings' note.
func (l *idleLock) passphraseChanged() {
	has := l.u.hasPassphrase()
	if l.menuItem != nil && l.menuItem.Disabled == has {
		l.menuItem.Disabled = !has
		if m := l.u.win.MainMenu(); m != nil {
			m.Refresh()
		}
	}
	if l.u.settingsView != nil {
		l.u.settingsView.showPassphraseState()
	}
}

// audit records a lock or an unlock, off the UI goroutine; screenshots
// record nothing.
func (l *idleLock) audit(kind, detail string) {
	u := l.u
	if u.opts.Screenshot != "" {
		return
	}
	u.bg.Go(func() {
		if err := u.st.Audit(u.ctx, kind, detail); err != nil {
			slog.Warn("audit: cannot record the lock", "kind", kind, "err", err)
		}
	})
}

// activityWatcher lies under the window's content and sees the mouse move
// where no widget above it takes hover events. It is neither tappable nor
// focusable, so clicks and keys go where they went without it.
type activityWatcher struct {
	widget.BaseWidget
	touch func()
}

var _ desktop.Hoverable = (*activityWatcher)(nil)

func newActivityWatcher(touch func()) *activityWatcher {
	w := &activityWatcher{touch: touch}
	w.ExtendBaseWidget(w)
	return w
}

func (w *activityWatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MouseIn is called when the mouse enters the watcher's area.
func (w *activityWatcher) MouseIn(*desktop.MouseEvent) { w.touch() }

// MouseMoved is called when the mouse moves over the watcher's area.
func (w *activityWatcher) MouseMoved(*desktop.MouseEvent) { w.touch() }

// MouseOut is called when the mouse leaves the watcher's area.
func (w *activityWatcher) MouseOut() {}
