package app

import (
	"errors"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/internal/diskerr"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// restorePrompt is the window's first screen when the data file is
// damaged: what is wrong, the newest daily backup, a button that restores
// it, one that restores a backup file chosen instead (a copy on a USB
// stick), and one that quits. Before, the window only named the command to
// type in a terminal, which an official who starts xunbang from its icon
// does not have.
//
// The restore is jobs.Restore, which `xunbang restore` runs too: the
// backup is checked before anything changes, and the damaged file is moved
// aside and kept. A backup that needs the passphrase (the keyring here
// does not hold its key) shows an entry for it.
type restorePrompt struct {
	heading *widget.Label
	note    *widget.Label
	backup  *widget.Label // the newest daily backup, or that there is none
	pass    *widget.Entry // shown once a backup asks for the passphrase
	restore *widget.Button
	choose  *widget.Button
	quit    *widget.Button
	busy    *widget.Activity
	message *widget.Label
	content fyne.CanvasObject
	// spinning: busy is animating (it draws frames as long as it runs,
	// shown or not).
	spinning bool

	// newest is the newest daily backup's path, "" when there is none;
	// file the backup being restored, or the last one tried.
	newest, file string
	// start restores file with the passphrase typed ("" for none).
	start func(file, passphrase string)
}

// newRestorePrompt builds the screen for a damaged data file; last is the
// data dir's newest daily backup (zero when none).
func newRestorePrompt(de *store.DamagedError, last store.BackupInfo, start func(file, passphrase string), pick, quit func()) *restorePrompt {
	r := &restorePrompt{newest: last.Path, start: start}
	rows, head := startHead(lang.L("restore.heading"), 72)
	r.heading = head
	r.heading.Importance = widget.DangerImportance
	r.note = widget.NewLabel(de.Describe(string(CurrentLanguage())))
	r.note.Wrapping = fyne.TextWrapWord
	if last.Path != "" {
		r.backup = widget.NewLabel(lang.L("restore.newest", map[string]any{
			"Name": filepath.Base(last.Path), "Time": last.At.Format("2006-01-02 15:04")}))
	} else {
		r.backup = widget.NewLabel(lang.L("restore.none", map[string]any{"Dir": filepath.Join(filepath.Dir(de.Path), store.BackupDir)}))
	}
	r.backup.Wrapping = fyne.TextWrapWord
	r.pass = widget.NewPasswordEntry()
	r.pass.SetPlaceHolder(lang.L("passphrase.enter"))
	r.pass.OnSubmitted = func(string) { r.retry() }
	r.pass.Hide()
	r.restore = widget.NewButtonWithIcon(lang.L("restore.button"), theme.HistoryIcon(), func() {
		if r.pass.Visible() {
			r.retry() // the backup that asked for the passphrase
			return
		}
		r.begin(r.newest)
	})
	r.restore.Importance = widget.HighImportance
	if last.Path == "" {
		r.restore.Hide()
	}
	r.choose = widget.NewButtonWithIcon(lang.L("restore.choose"), theme.FolderOpenIcon(), pick)
	r.quit = widget.NewButtonWithIcon(lang.L("lock.quit"), theme.LogoutIcon(), quit)
	r.busy = widget.NewActivity()
	r.busy.Hide()
	r.message = startMessage()
	rows = append(rows, r.note, r.backup, r.pass, centred(r.busy, r.restore, r.choose), r.message, centred(r.quit))
	r.content = startColumn(460, rows...)
	return r
}

// begin restores file with the passphrase typed, if any.
func (r *restorePrompt) begin(file string) {
	if file == "" || r.restore.Disabled() {
		return
	}
	r.file = file
	r.setBusy(true)
	r.start(file, r.passphrase())
}

// retry restores the last backup tried again, with the passphrase now
// typed (the entry's Enter).
func (r *restorePrompt) retry() {
	if r.file == "" {
		r.file = r.newest
	}
	if r.pass.Text == "" {
		r.say(lang.L("passphrase.empty"), widget.DangerImportance)
		return
	}
	r.begin(r.file)
}

// passphrase is what the entry holds, "" while it is hidden.
func (r *restorePrompt) passphrase() string {
	if !r.pass.Visible() {
		return ""
	}
	return r.pass.Text
}

// setBusy disables the buttons and shows the activity indicator while a
// backup is checked and restored.
func (r *restorePrompt) setBusy(busy bool) {
	for _, b := range []*widget.Button{r.restore, r.choose, r.quit} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if busy {
		r.pass.Disable()
		r.say(lang.L("restore.working"), widget.MediumImportance)
		r.busy.Show()
		r.busy.Start()
	} else {
		r.pass.Enable()
		r.busy.Stop()
		r.busy.Hide()
	}
	r.spinning = busy
}

// askPassphrase shows the passphrase entry: the backup is encrypted and
// the keyring here does not hold its key (or the passphrase typed was
// wrong).
func (r *restorePrompt) askPassphrase(wrong bool) {
	r.setBusy(false)
	if r.file != r.newest {
		// A file chosen: the screen names it, and its button restores it.
		r.backup.SetText(lang.L("restore.chosen", map[string]any{"Name": r.file}))
	}
	r.restore.Show()
	r.pass.SetText("")
	r.pass.Show()
	if wrong {
		r.say(lang.L("restore.passphrase.wrong"), widget.DangerImportance)
	} else {
		r.say(lang.L("restore.passphrase"), widget.WarningImportance)
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(r.content); c != nil {
		c.Focus(r.pass)
	}
}

// fail ends a restore that did not happen with msg; the data is unchanged.
func (r *restorePrompt) fail(msg string) {
	r.setBusy(false)
	r.say(msg, widget.DangerImportance)
}

func (r *restorePrompt) say(msg string, imp widget.Importance) {
	showMessage(r.message, msg, imp)
}

// restoreFailure says why the backup at file was not restored; the data
// is unchanged whatever the reason.
func restoreFailure(err error, file string) string {
	name := filepath.Base(file)
	var de *store.DamagedError
	switch {
	case errors.Is(err, store.ErrRestoreItself):
		return lang.L("restore.failed.self", map[string]any{"Name": name})
	case errors.As(err, &de), errors.Is(err, store.ErrCorrupt), errors.Is(err, store.ErrInvalid):
		return lang.L("restore.failed.damaged", map[string]any{"Name": name})
	case errors.Is(err, store.ErrNewerSchema):
		return lang.L("restore.failed.newer", map[string]any{"Name": name})
	case errors.Is(err, store.ErrInUse):
		return lang.L("error.inuse")
	}
	if msg, ok := diskerr.Message(err, string(CurrentLanguage())); ok {
		return msg
	}
	return lang.L("restore.failed", map[string]any{"Name": name, "Err": err.Error()})
}

// damage is a damaged data file, found as the data was inspected or
// opened, and the newest daily backup to offer.
type damage struct {
	err  *store.DamagedError
	last store.BackupInfo // zero when there is none
}

// damageOf returns the damage err says the data dir dir has, nil when err
// does not say so. It reads the backups folder: call it off the UI
// goroutine (or before the app runs).
func damageOf(dir string, err error) *damage {
	var de *store.DamagedError
	if !errors.As(err, &de) {
		return nil
	}
	last, _ := store.LastDailyBackup(dir)
	return &damage{err: de, last: last}
}

// showDamaged replaces the unlock screen with the offer to restore a
// backup: the data file is damaged. Until a restore succeeds, failed is the
// damage (Run's error once the user quits).
func (k *unlocker) showDamaged(d *damage) {
	k.stop()
	k.prompt = nil
	k.failed = d.err
	var r *restorePrompt
	r = newRestorePrompt(d.err, d.last, func(file, passphrase string) { k.restoreFrom(r, file, passphrase) },
		func() { k.chooseBackup(r) }, k.quit)
	k.restoring = r
	k.content.Objects = []fyne.CanvasObject{r.content}
	k.content.Refresh()
}

// chooseBackup asks for a backup file and restores it.
func (k *unlocker) chooseBackup(r *restorePrompt) {
	if k.win == nil {
		return
	}
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			r.fail(restoreFailure(err, ""))
			return
		}
		if rc == nil {
			return // cancelled
		}
		path := rc.URI().Path()
		_ = rc.Close()
		r.begin(path)
	}, k.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".db", ".DB"}))
	dir := filepath.Join(k.dir, store.BackupDir)
	if r.newest == "" {
		dir = k.dir
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
	s := k.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(s.Width*0.9, 900), min(s.Height*0.9, 640)))
	d.Show()
}

// restoreFrom restores the backup at file off the UI goroutine (its key
// Run's, or passphrase when one was typed), then opens the data as a start
// does.
func (k *unlocker) restoreFrom(r *restorePrompt, file, passphrase string) {
	key := k.key
	if passphrase != "" {
		key = store.KeySource{Keyring: k.key.Keyring, Passphrase: passphrase}
	}
	k.bg.Go(func() {
		rep, err := jobs.Restore(k.ctx, k.dir, file, store.Options{Key: key})
		var state store.KeyState
		var ierr error
		if err == nil {
			state, ierr = store.Inspect(k.ctx, k.dir, key.Keyring)
		}
		k.post(func() {
			switch {
			case err != nil && needsPrompt(err, key):
				r.askPassphrase(passphrase != "")
				return
			case err != nil:
				r.fail(restoreFailure(err, file))
				return
			}
			r.setBusy(false) // its screen goes
			k.restoring = nil
			k.restoredNote = lang.L("restore.done", map[string]any{
				"Name": filepath.Base(file), "Enterprises": rep.Enterprises, "Needs": rep.Needs,
				"Kept": rep.Replaced})
			if ierr != nil {
				k.failed = ierr
				k.setPrompt(newPassphrasePrompt(promptUnavailable, lang.L("lock.unavailable.title"), openFailure(ierr), nil, k.quit))
				return
			}
			k.failed = nil
			k.key, k.state = key, state
			if tryKey(state, key) {
				k.openWithKey()
				return
			}
			k.setPrompt(k.promptFor(state))
			k.focus()
		})
	})
}

// takeRestoredNote returns, once, what a restore at the start did ("" when
// there was none): the main window shows it.
func (k *unlocker) takeRestoredNote() string {
	n := k.restoredNote
	k.restoredNote = ""
	return n
}
