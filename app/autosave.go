package app

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Autosave: a record is saved autosaveDelay after the last keystroke, and
// during continuous typing at least every autosaveMaxWait, so a crash or a
// power cut loses at most about a second of typing.
const (
	autosaveDelay   = 700 * time.Millisecond
	autosaveMaxWait = time.Second
)

// autosave is the editors' one save-as-you-type state machine, for the need
// editor and the enterprise editor alike: it knows whether the record on
// screen has unsaved edits, saves a copy of it off the UI goroutine a moment
// after the last edit (or at once when asked, or synchronously when the
// window closes), and says where the save stands in the editor's label
// (未保存 / 正在保存… / 已保存 15:04:05 / 保存失败). T is the editor's copy
// of a record on its way to the store. What differs between the editors is
// theirs: whether the record can be saved yet, how it is copied and stored,
// and what they take over from the stored copy.
type autosave[T any] struct {
	u     *ui
	later *debouncer    // the wait after the last edit
	label *widget.Label // where the save stands
	// dirty: the record on screen has edits not yet handed to a save.
	dirty bool

	// ready says whether the record on screen can be saved now; explicit
	// is set when the user asked (保存, Ctrl+S).
	ready func(explicit bool) bool
	// take makes the copy to save, on the UI goroutine.
	take func() T
	// store saves the copy, off the UI goroutine (or on it, when the window
	// closes).
	store func(ctx context.Context, t T) error
	// current says whether the copy is of the record still on screen.
	current func(t T) bool
	// settle runs on the UI goroutine once the store answered: it takes
	// over what the store set on the copy (err nil) or reacts to the
	// failure, and returns when the copy was saved.
	settle func(t T, err error) time.Time
}

// newAutosave makes the controller; the editor sets its hooks.
func newAutosave[T any](u *ui, label *widget.Label) *autosave[T] {
	a := &autosave[T]{u: u, label: label}
	a.later = newDebouncer(u, autosaveDelay, autosaveMaxWait, func() { a.save(false) })
	return a
}

// reset forgets the edits of the record that was on screen: another one
// is shown.
func (a *autosave[T]) reset() {
	a.later.Cancel()
	a.dirty = false
	a.label.SetText("")
	a.label.Importance = widget.LowImportance
}

// edited marks the record changed and says note (未保存); with auto it is
// saved a moment after the last edit, else when the user asks (a new
// enterprise waits for its name and 保存).
func (a *autosave[T]) edited(note string, auto bool) {
	a.dirty = true
	a.label.SetText(note)
	if auto {
		a.later.Trigger()
	} else {
		a.later.Cancel()
	}
}

// save saves the record now, off the UI goroutine, if it has unsaved edits
// and can be saved; explicit when the user asked.
func (a *autosave[T]) save(explicit bool) {
	a.later.Cancel()
	if !a.dirty || !a.ready(explicit) {
		return
	}
	a.dirty = false
	t := a.take()
	a.label.SetText(lang.L("editor.saving"))
	u := a.u
	u.saver.inflight.Add(1)
	u.bg.Go(func() {
		defer u.saver.inflight.Done()
		err := a.store(u.ctx, t)
		u.run(func() { a.finish(t, err) })
	})
}

// flush saves pending edits on the calling (UI) goroutine and waits for the
// save: the window is closing.
func (a *autosave[T]) flush() {
	a.later.Cancel()
	if !a.dirty || !a.ready(false) {
		return
	}
	a.dirty = false
	t := a.take()
	a.finish(t, a.store(context.WithoutCancel(a.u.ctx), t))
}

// finish takes the store's answer for the copy t, on the UI goroutine.
func (a *autosave[T]) finish(t T, err error) {
	current := a.current(t)
	at := a.settle(t, err)
	if err != nil {
		if current {
			a.dirty = true
			a.label.SetText(lang.L("editor.savefailed"))
			a.label.Importance = widget.DangerImportance
			a.label.Refresh()
		}
		if !errors.Is(err, context.Canceled) {
			a.u.showError(err)
		}
		return
	}
	if current && !a.dirty {
		a.label.SetText(lang.L("editor.saved", map[string]any{"Time": clockTime(at)}))
		a.label.Importance = widget.LowImportance
		a.label.Refresh()
	}
	a.u.changed()
}
