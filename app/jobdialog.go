package app

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// jobRunner runs the window's long jobs — the Excel imports and exports, the
// need cards, the backup (package jobs does the work) — behind one dialog:
// a progress bar while the work runs off the UI goroutine, a 取消 button
// that cancels its context, then the result, with 打开 and 打开所在文件夹
// for the file written where there is one. It also owns the save-as dialog
// the outputs share (saveas.go) and remembers the folder last used. Like the
// screens it holds its widgets and the dialog on screen, so that tests reach
// them.
type jobRunner struct {
	u *ui

	// lastDir is the folder of the last file opened or written; the file
	// dialogs start there.
	lastDir string
	// saveAs is the save-as dialog on screen, nil when none; overwrite is
	// its question whether to replace an existing file, nil when not asked.
	saveAs    *saveAsView
	overwrite *dialog.ConfirmDialog

	// progress is the progress dialog of the work under way, nil when none;
	// progressCancel is its 取消 button and progressView how far the work has
	// got (see jobProgress).
	progress       *dialog.CustomDialog
	progressText   *widget.Label
	progressCancel *widget.Button
	progressView   *jobProgress
	// result is the last dialog that said what was done (or what failed),
	// and resultText its text.
	result     dialog.Dialog
	resultText string
}

func newJobRunner(u *ui) *jobRunner { return &jobRunner{u: u} }

// job runs work off the UI goroutine behind a progress dialog whose 取消
// button cancels work's context; then, on the UI goroutine, it closes the
// dialog and calls done with work's error. When the user cancelled and work
// failed, done is not called: the cancellation is the answer. When work
// finished anyway, done is told so, since what it did is done.
//
// work may tell how far it has got through its progress argument, from any
// goroutine and as often as it likes (see jobProgress); unit says what it
// counts, rows or needs.
func (r *jobRunner) job(title, message string, unit progressUnit, work func(ctx context.Context, progress func(done, total int)) error, done func(err error)) {
	u := r.u
	ctx, cancel := context.WithCancel(u.ctx)
	r.progressText = widget.NewLabel(message)
	r.progressText.Wrapping = fyne.TextWrapWord
	bar := newJobProgress(u.run, unit)
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(r.progressText, bar.content), u.win)
	cancelled, finished := false, false
	r.progressCancel = widget.NewButtonWithIcon(lang.L("button.cancel"), theme.CancelIcon(), func() {
		cancelled = true
		d.Hide()
	})
	d.SetButtons([]fyne.CanvasObject{r.progressCancel})
	d.SetOnClosed(func() {
		bar.close()
		if !finished {
			cancelled = true
			cancel()
		}
	})
	d.Resize(fyne.NewSize(440, d.MinSize().Height))
	r.progress, r.progressView = d, bar
	d.Show()
	u.bg.Go(func() {
		err := work(ctx, bar.report)
		cancel()
		u.run(func() {
			finished = true
			u.touch() // a long job is activity: the lock waits its full time after it
			bar.close()
			d.Hide()
			if r.progress == d {
				r.progress, r.progressText, r.progressCancel, r.progressView = nil, nil, nil, nil
			}
			if err != nil && (cancelled || errors.Is(err, context.Canceled)) {
				slog.Info("job: cancelled", "title", title, "err", err)
				return
			}
			done(err)
		})
	})
}

// progressUnit is what a job counts: the translation keys of its progress
// label, with a total and without one.
type progressUnit struct{ known, unknown string }

var (
	progressRows  = progressUnit{"excel.progress.rows", "excel.progress.rows.some"}
	progressNeeds = progressUnit{"excel.progress.needs", "excel.progress.needs.some"}
	// progressNone: the work does not say how far it has got.
	progressNone = progressUnit{}
)

// progressInterval is the least time between two updates of a progress
// dialog; the last one, that reaches the total, is shown at once.
const progressInterval = 100 * time.Millisecond

// jobProgress is how far a job has got, in its progress dialog: the
// infinite bar until the work knows its total, then a bar that fills, and a
// label such as 已处理 1500 / 50000 行. The work reports from its own
// goroutine; the dialog is updated on the UI goroutine through post (ui.run),
// at most one update posted at a time and one every progressInterval, and
// never once the dialog is closed.
type jobProgress struct {
	post    func(func())
	unit    progressUnit
	content fyne.CanvasObject
	busy    *widget.ProgressBarInfinite
	bar     *widget.ProgressBar // hidden until the total is known
	text    *widget.Label       // empty until the first report, but holding its line, so the dialog keeps its size

	mu          sync.Mutex
	done, total int
	last        time.Time // when the last update was posted
	pending     bool      // an update is posted and has not run yet
	closed      bool
}

func newJobProgress(post func(func()), unit progressUnit) *jobProgress {
	p := &jobProgress{post: post, unit: unit}
	p.busy = widget.NewProgressBarInfinite()
	p.bar = widget.NewProgressBar()
	p.bar.Hide()
	p.text = widget.NewLabel("")
	if unit == progressNone {
		p.text.Hide()
	}
	p.content = container.NewVBox(p.busy, p.bar, p.text)
	return p
}

// report takes done of total (0 when unknown) from the work, on any
// goroutine.
func (p *jobProgress) report(done, total int) {
	if p.unit == progressNone {
		return
	}
	p.mu.Lock()
	p.done, p.total = done, total
	last := total > 0 && done >= total
	if p.closed || p.pending || !last && time.Since(p.last) < progressInterval {
		p.mu.Unlock()
		return // the update posted, or the next, shows it
	}
	p.pending, p.last = true, time.Now()
	p.mu.Unlock()
	p.post(p.show)
}

// show brings the dialog up to date, on the UI goroutine.
func (p *jobProgress) show() {
	p.mu.Lock()
	done, total, closed := p.done, p.total, p.closed
	p.pending = false
	p.mu.Unlock()
	if closed {
		return
	}
	if total > 0 {
		p.stopBusy()
		p.bar.Show()
		p.bar.SetValue(float64(min(done, total)) / float64(total))
		p.text.SetText(lang.L(p.unit.known, map[string]any{"Done": done, "Total": total}))
	} else {
		p.text.SetText(lang.L(p.unit.unknown, map[string]any{"Done": done}))
	}
}

// close stops the updates, on the UI goroutine: the dialog is gone.
func (p *jobProgress) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.stopBusy()
}

// stopBusy hides the infinite bar and ends its animation. Hide alone does
// not end it (Fyne 2.7 refreshes a hidden widget's renderer no more): it
// went on drawing frames for the minute until Fyne dropped the renderer,
// about a whole core under Xvfb while the import preview was read (issue
// 17). Stop must come first: Hide marks the bar stopped without telling
// its renderer, and Stop then does nothing.
func (p *jobProgress) stopBusy() {
	p.busy.Stop()
	p.busy.Hide()
}

// showResult tells the user what was done or what failed.
func (r *jobRunner) showResult(title, text string, extra ...fyne.CanvasObject) {
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	content := fyne.CanvasObject(msg)
	if len(extra) > 0 {
		content = container.NewVBox(msg, container.NewHBox(extra...))
	}
	d := dialog.NewCustom(title, lang.L("excel.close"), content, r.u.win)
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	r.result, r.resultText = d, text
	d.Show()
}

// startIn points a file dialog at the folder last used.
func (r *jobRunner) startIn(d *dialog.FileDialog) {
	if r.lastDir == "" {
		return
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(r.lastDir)); err == nil {
		d.SetLocation(l)
	}
}

func (r *jobRunner) fileDialogSize() fyne.Size {
	s := r.u.win.Canvas().Size()
	return fyne.NewSize(min(s.Width*0.9, 900), min(s.Height*0.9, 640))
}

// openButtons are a result's 打开 and 打开所在文件夹 for the file at path.
func (r *jobRunner) openButtons(path string) []fyne.CanvasObject {
	return []fyne.CanvasObject{
		widget.NewButtonWithIcon(lang.L("excel.open.file"), theme.FileIcon(), func() { r.open(path) }),
		widget.NewButtonWithIcon(lang.L("excel.open.folder"), theme.FolderOpenIcon(), func() { r.open(filepath.Dir(path)) }),
	}
}

// open shows a file or folder with the system's application for it, off
// the UI goroutine, and says so when nothing opened it.
func (r *jobRunner) open(path string) {
	u := r.u
	u.bg.Go(func() {
		if err := u.openPath(path); err != nil {
			slog.Warn("cannot open", "path", path, "err", err)
			u.run(func() {
				dialog.ShowInformation(lang.L("error.title"), lang.L("open.failed", map[string]any{"Path": path, "Err": openMessage(err)}), u.win)
			})
		}
	})
}
