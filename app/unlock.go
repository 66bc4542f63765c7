package app

import (
	"context"
	"errors"
	"sync"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/internal/diskerr"
	"github.com/xunbang/xunbang/store"
)

// minPassphraseLen is the shortest passphrase the window accepts, in
// characters (a Chinese character counts as one).
const minPassphraseLen = 8

// promptMode says what a [passphrasePrompt] asks for.
type promptMode int

const (
	// promptEnter asks for the passphrase: the lock screen, and the first
	// screen when the data's key is not in the keyring.
	promptEnter promptMode = iota
	// promptNew asks for a new passphrase, twice: the first screen of a new
	// data dir on a computer without a keyring.
	promptNew
	// promptUnavailable says the data cannot be opened here, and offers to
	// quit.
	promptUnavailable
	// promptOpening asks nothing: it shows that the data is being opened
	// (the key derived, the need list loaded), the window's first screen
	// when the keyring (or XUNBANG_PASSPHRASE) holds the key.
	promptOpening
)

// passphrasePrompt is a small screen that shows no data: the app's name and
// icon, a heading, what to do, the passphrase entries, a button, an activity
// indicator while the key is derived, and a message. It is the lock screen
// and the window's first screen when the data needs a passphrase to open.
//
// It only asks: onSubmit (called on the UI goroutine with a passphrase that
// passes the checks of its mode) does the work off the UI goroutine and ends
// with done or fail.
type passphrasePrompt struct {
	mode     promptMode
	heading  *widget.Label
	note     *widget.Label
	pass     *widget.Entry
	repeat   *widget.Entry // promptNew only
	warning  *widget.Label // promptNew only: a forgotten passphrase is lost
	submit   *widget.Button
	busy     *widget.Activity
	spinning bool // busy is animating
	message  *widget.Label
	quit     *widget.Button // promptUnavailable only
	content  fyne.CanvasObject
	onSubmit func(p string)
}

// newPassphrasePrompt builds a prompt; heading and note are its texts (the
// note may be empty). onQuit, when set, adds a 退出 button.
func newPassphrasePrompt(mode promptMode, heading, note string, onSubmit func(string), onQuit func()) *passphrasePrompt {
	p := &passphrasePrompt{mode: mode, onSubmit: onSubmit}
	rows, head := startHead(heading, 88)
	p.heading = head
	p.note = widget.NewLabelWithStyle(note, fyne.TextAlignCenter, fyne.TextStyle{})
	p.note.Wrapping = fyne.TextWrapWord
	if note == "" {
		p.note.Hide()
	}
	p.message = startMessage()
	p.busy = widget.NewActivity()
	p.busy.Hide()

	rows = append(rows, p.note)
	if mode == promptOpening {
		p.busy.Show()
		p.spin(true)
		rows = append(rows, centred(p.busy))
	}
	if mode != promptUnavailable && mode != promptOpening {
		p.pass = widget.NewPasswordEntry()
		p.pass.OnSubmitted = func(string) { p.trySubmit() }
		label := "lock.unlock"
		if mode == promptNew {
			label = "passphrase.set"
			p.pass.SetPlaceHolder(lang.L("passphrase.new"))
			p.repeat = widget.NewPasswordEntry()
			p.repeat.SetPlaceHolder(lang.L("passphrase.repeat"))
			p.repeat.OnSubmitted = func(string) { p.trySubmit() }
			p.warning = widget.NewLabelWithStyle(lang.L("passphrase.warning"), fyne.TextAlignCenter, fyne.TextStyle{})
			p.warning.Importance = widget.WarningImportance
			p.warning.Wrapping = fyne.TextWrapWord
		} else {
			p.pass.SetPlaceHolder(lang.L("passphrase.enter"))
		}
		p.submit = widget.NewButtonWithIcon(lang.L(label), theme.LoginIcon(), p.trySubmit)
		p.submit.Importance = widget.HighImportance
		rows = append(rows, p.pass)
		if p.repeat != nil {
			rows = append(rows, p.repeat, p.warning)
		}
		rows = append(rows, centred(p.busy, p.submit))
	}
	rows = append(rows, p.message)
	if onQuit != nil {
		p.quit = widget.NewButtonWithIcon(lang.L("lock.quit"), theme.LogoutIcon(), onQuit)
		rows = append(rows, centred(p.quit))
	}
	p.content = startColumn(380, rows...)
	return p
}

// trySubmit checks what was typed and hands it to onSubmit.
func (p *passphrasePrompt) trySubmit() {
	if p.submit == nil || p.submit.Disabled() {
		return
	}
	text := p.pass.Text
	if p.mode == promptNew {
		if msg := newPassphraseProblem(text, p.repeat.Text); msg != "" {
			p.fail(msg)
			return
		}
	} else if text == "" {
		p.fail(lang.L("passphrase.empty"))
		return
	}
	p.setBusy(true)
	p.onSubmit(text)
}

// setBusy disables the entries and shows the activity indicator while the
// key is derived.
func (p *passphrasePrompt) setBusy(busy bool) {
	for _, e := range []*widget.Entry{p.pass, p.repeat} {
		if e == nil {
			continue
		}
		if busy {
			e.Disable()
		} else {
			e.Enable()
		}
	}
	if p.submit != nil {
		if busy {
			p.submit.Disable()
		} else {
			p.submit.Enable()
		}
	}
	if busy {
		p.message.Hide()
		p.busy.Show()
		p.spin(true)
	} else {
		p.spin(false)
		p.busy.Hide()
	}
}

// spin starts or stops the activity indicator's animation, which draws
// frames as long as it runs, shown or not.
func (p *passphrasePrompt) spin(on bool) {
	if on {
		p.busy.Start()
	} else {
		p.busy.Stop()
	}
	p.spinning = on
}

// fail ends a submission with a message. A wrong passphrase does not stay
// in its field (issue 12.14): hidden, it cannot be corrected, only typed
// again; a new one that does not qualify stays, with its repetition.
func (p *passphrasePrompt) fail(msg string) {
	p.setBusy(false)
	if p.mode != promptNew && p.pass != nil {
		p.pass.SetText("")
	}
	p.say(msg, widget.DangerImportance)
	p.focusEntry()
}

// say shows msg below the entries.
func (p *passphrasePrompt) say(msg string, imp widget.Importance) {
	showMessage(p.message, msg, imp)
}

// reset empties the entries and the message.
func (p *passphrasePrompt) reset() {
	p.setBusy(false)
	for _, e := range []*widget.Entry{p.pass, p.repeat} {
		if e != nil {
			e.SetText("")
		}
	}
	p.message.Hide()
}

// focusEntry puts the cursor in the passphrase entry.
func (p *passphrasePrompt) focusEntry() { p.focusEntryIn(p.pass) }

// focusEntryIn focuses the passphrase entry in the canvas that shows
// anchor: an entry just put on the screen is not yet known as any canvas's
// until it is drawn, while the window's content is.
func (p *passphrasePrompt) focusEntryIn(anchor fyne.CanvasObject) {
	if p.pass == nil {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(anchor); c != nil {
		c.Focus(p.pass)
	}
}

// newPassphraseProblem says what is wrong with a new passphrase and its
// repetition, "" when nothing is.
func newPassphraseProblem(p, repeat string) string {
	if utf8.RuneCountInString(p) < minPassphraseLen {
		return lang.L("passphrase.tooshort", map[string]any{"N": minPassphraseLen})
	}
	if p != repeat {
		return lang.L("passphrase.mismatch")
	}
	return ""
}

// startHead is the top of the screens shown before the main window (the
// passphrase prompt, the offer to restore a backup): the icon, iconSize
// wide, the app's name, and heading, whose label it returns too.
func startHead(heading string, iconSize float32) ([]fyne.CanvasObject, *widget.Label) {
	icon := canvas.NewImageFromResource(assets.Icon())
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(iconSize))
	name := widget.NewLabelWithStyle(lang.L("app.name"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameHeadingText
	head := widget.NewLabelWithStyle(heading, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameSubHeadingText
	return []fyne.CanvasObject{container.NewCenter(icon), name, head}, head
}

// startMessage is a start screen's message line, hidden until it says
// something.
func startMessage() *widget.Label {
	l := widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// centred puts objs in a row, in its middle.
func centred(objs ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewHBox(append(append([]fyne.CanvasObject{layout.NewSpacer()}, objs...), layout.NewSpacer())...)
}

// startColumn stacks rows in a column width wide in the middle of the
// window, however large.
func startColumn(width float32, rows ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewCenter(container.New(&fixedWidth{width: width}, container.NewVBox(rows...)))
}

// fixedWidth lays its objects out one over the other at a fixed width (or
// the objects' own, if wider).
type fixedWidth struct{ width float32 }

func (f *fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(f.width, 0)
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return s
}

func (f *fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// unlocker is the window's first screen when the data dir cannot be opened
// with the keyring alone (store.Inspect's answer): it asks for the
// passphrase (KeyPassphrase), asks to choose one (KeyNewPassphrase), or says
// that the data opens only on another computer (KeyUnavailable). It opens
// the store off the UI goroutine and hands it to opened, on the UI
// goroutine.
type unlocker struct {
	ctx   context.Context
	dir   string
	key   store.KeySource
	state store.KeyState
	// prompt is the screen shown now, in content (the window's content,
	// which stays while the prompt changes).
	prompt  *passphrasePrompt
	content *fyne.Container
	quit    func()
	bg      background
	// post runs a function on the UI goroutine (fyne.Do; tests a queue).
	post   func(func())
	opened func(*store.Store)

	mu sync.Mutex
	// pending is a store opened but not yet handed to opened; Run closes it
	// when the window closed first.
	pending *store.Store
	// failed is why the data did not open, when it was not for the key
	// (UI goroutine only).
	failed error

	// win is the window, for the file dialog that chooses a backup.
	win fyne.Window
	// restoring is the screen shown when the data file is damaged, nil
	// otherwise; restoredNote what a restore did, for the main window to
	// say once (UI goroutine only).
	restoring    *restorePrompt
	restoredNote string
	// restoreGC puts back the collector's target an Open under way lowered
	// (startgc.go); nil when none is lowered (UI goroutine only).
	restoreGC func()
}

// newUnlocker builds the screen for state. key is what Run was given: its
// keyring is kept (so a passphrase that opens the data puts the key there,
// and the next start needs none); its passphrase, if any, did not work.
// quit ends the app. When the data is first opened with that key
// (tryKey), no prompt is built: the caller calls openWithKey, whose screen
// is the first one shown. A prompt built and laid out first, never seen,
// took a sixth of the CPU before the first frame (its button's bold text
// loads the font a second time).
func newUnlocker(ctx context.Context, dir string, key store.KeySource, state store.KeyState, post func(func()), opened func(*store.Store), quit func()) *unlocker {
	k := &unlocker{ctx: ctx, dir: dir, key: key, state: state, post: post, opened: opened, quit: quit, content: container.NewStack()}
	if !tryKey(state, key) {
		k.setPrompt(k.promptFor(state))
	}
	return k
}

// start shows the first screen of a window whose data dir is as
// store.Inspect found it: the offer to restore a backup when the data file
// is damaged; else the data opening, when the key Run was given is tried
// first; else the prompt newUnlocker built.
func (k *unlocker) start(damaged *damage) {
	switch {
	case damaged != nil:
		k.showDamaged(damaged)
	case tryKey(k.state, k.key):
		k.openWithKey()
	}
}

// tryKey reports whether the data is opened with the key Run was given
// before anything is asked: the keyring holds it, or a passphrase
// (XUNBANG_PASSPHRASE) or a raw key came with it.
func tryKey(state store.KeyState, key store.KeySource) bool {
	return state == store.KeyReady || key.Passphrase != "" || key.Raw != nil
}

// promptFor returns the screen that asks what state needs.
func (k *unlocker) promptFor(state store.KeyState) *passphrasePrompt {
	switch state {
	case store.KeyNewPassphrase:
		return newPassphrasePrompt(promptNew, lang.L("passphrase.new.title"), lang.L("passphrase.new.note"), k.open, nil)
	case store.KeyUnavailable:
		return newPassphrasePrompt(promptUnavailable, lang.L("lock.unavailable.title"), lang.L("lock.unavailable"), nil, k.quit)
	}
	p := newPassphrasePrompt(promptEnter, lang.L("passphrase.enter.title"), lang.L("passphrase.enter.note"), k.open, nil)
	if k.key.Passphrase != "" {
		// The passphrase came from XUNBANG_PASSPHRASE and did not work.
		p.say(lang.L("passphrase.envwrong", map[string]any{"Env": store.PassphraseEnv}), widget.WarningImportance)
	}
	return p
}

// setPrompt shows p.
func (k *unlocker) setPrompt(p *passphrasePrompt) {
	k.stop()
	k.prompt = p
	k.restoring = nil
	k.content.Objects = []fyne.CanvasObject{p.content}
	k.content.Refresh()
}

// openWithKey opens the data with the key Run was given (the keyring's,
// XUNBANG_PASSPHRASE) off the UI goroutine, showing that it does so: the
// window's first frame comes before the key is derived and the need list
// loaded. When the key does not open the data it asks for what is needed;
// any other failure is said, with a button that quits.
func (k *unlocker) openWithKey() {
	k.setPrompt(newPassphrasePrompt(promptOpening, lang.L("start.opening"), k.dir, nil, nil))
	k.lowerGC()
	k.bg.Go(func() {
		st, err := store.Open(k.ctx, k.dir, store.Options{Key: k.key})
		state := k.state
		if err != nil && needsPrompt(err, k.key) {
			if s, ierr := store.Inspect(k.ctx, k.dir, k.key.Keyring); ierr == nil && s != store.KeyReady {
				state = s
			} else {
				state = store.KeyPassphrase
			}
		}
		k.hand(st, err, k.key, func() {
			if needsPrompt(err, k.key) {
				k.state = state
				k.setPrompt(k.promptFor(state))
				k.focus()
				return
			}
			k.failed = err
			k.setPrompt(newPassphrasePrompt(promptUnavailable, lang.L("lock.unavailable.title"), openFailure(err), nil, k.quit))
		})
	})
}

// stop ends the animation of the prompt shown (its activity indicator),
// which would otherwise go on drawing frames after it is replaced.
func (k *unlocker) stop() {
	if k.prompt != nil {
		k.prompt.spin(false)
	}
	if k.restoring != nil && k.restoring.spinning {
		k.restoring.setBusy(false)
	}
}

// focus puts the cursor in the prompt's passphrase entry, if it has one.
func (k *unlocker) focus() {
	if k.prompt != nil {
		k.prompt.focusEntryIn(k.content)
	}
}

// open opens the store with passphrase p, off the UI goroutine.
func (k *unlocker) open(p string) {
	key := store.KeySource{Keyring: k.key.Keyring, Passphrase: p}
	k.lowerGC()
	k.bg.Go(func() {
		st, err := store.Open(k.ctx, k.dir, store.Options{Key: key})
		k.hand(st, err, key, func() { k.prompt.fail(openFailure(err)) })
	})
}

// hand gives an opened store to opened, on the UI goroutine, or says why
// the data did not open there: a damaged data file by the offer to restore
// a backup (with key, the one the Open was given: the backup may need its
// passphrase), any other failure by running failed. It runs off the UI
// goroutine, after an Open.
func (k *unlocker) hand(st *store.Store, err error, key store.KeySource, failed func()) {
	if err == nil {
		k.mu.Lock()
		k.pending = st
		k.mu.Unlock()
	}
	d := damageOf(k.dir, err)
	k.post(func() {
		if err != nil { // damaged or not
			k.putGCBack()
		}
		switch {
		case d != nil:
			k.key = key
			k.showDamaged(d)
			return
		case err != nil:
			failed()
			return
		}
		k.mu.Lock()
		st := k.pending
		k.pending = nil
		k.mu.Unlock()
		if st != nil {
			k.opened(st)
		}
	})
}

// lowerGC lowers the collector's target for an Open and the start that
// follows it (startgc.go), putting back first what an earlier Open
// lowered.
func (k *unlocker) lowerGC() {
	k.putGCBack()
	k.restoreGC = lowerGCWhileStarting()
}

// putGCBack puts back the collector's target an Open lowered, if any.
func (k *unlocker) putGCBack() { k.takeGC()() }

// takeGC hands over what puts back the collector's target the Open that
// succeeded lowered: the caller calls it once the window has started. It
// is never nil.
func (k *unlocker) takeGC() func() {
	fn := k.restoreGC
	k.restoreGC = nil
	if fn == nil {
		fn = func() {}
	}
	return fn
}

// close waits for an opening under way and closes a store that was opened
// but not handed over (the window closed in between).
func (k *unlocker) close() {
	k.bg.WaitTimeout(screenshotWait)
	k.mu.Lock()
	st := k.pending
	k.pending = nil
	k.mu.Unlock()
	if st != nil {
		_ = st.Close()
	}
}

// openFailure says why the data did not open, for the prompt.
func openFailure(err error) string {
	var de *store.DamagedError
	switch {
	case errors.As(err, &de):
		return de.Message(string(CurrentLanguage()))
	case errors.Is(err, store.ErrWrongKey):
		return lang.L("passphrase.wrong")
	case errors.Is(err, store.ErrInUse):
		return lang.L("error.inuse")
	}
	if msg, ok := diskerr.Message(err, string(CurrentLanguage())); ok {
		return msg
	}
	return lang.L("error.other", map[string]any{"Err": err.Error()})
}

// needsPrompt reports whether Run should ask the user instead of failing
// when store.Open returned err with key: the keyring cannot provide the key
// and the passphrase (if one was given, from the environment) did not
// work.
func needsPrompt(err error, key store.KeySource) bool {
	if key.Raw != nil {
		return false // a tool's key: nothing to ask the user
	}
	return errors.Is(err, store.ErrLocked) || errors.Is(err, store.ErrNoKeySource) || errors.Is(err, store.ErrWrongKey)
}
