package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// The outputs the window writes (package jobs); the names are those of
// `xunbang export`, but for excelHandbookUnconfirmed, which is `xunbang
// export handbook --include-unconfirmed`: the handbook with the needs whose confirmation is
// not current, each marked 未经企业确认. It is an entry of the export menu
// of its own, not a check box before the save dialog: one choice where the
// user picks the output anyway, named for what it makes, and a file name
// of its own, so that the two handbooks are not mistaken for each other.
const (
	excelPlatform            = string(jobs.FormatPlatform)
	excelHandbook            = string(jobs.FormatHandbook)
	excelHandbookUnconfirmed = "handbook.unconfirmed"
	excelReport              = string(jobs.FormatReport)
)

// excelFormats lists the Excel outputs in the order the export menu offers
// them.
var excelFormats = []string{excelPlatform, excelHandbook, excelHandbookUnconfirmed, excelBooklet, excelReport}

// excelTransfer is the need list's Excel import and export: the 导入 Excel
// and 导出 Excel buttons and the dialogs they lead to. The work itself is in
// package jobs, which the command line calls too;
// the methods here only ask and show. Like the screens it holds its widgets
// and the dialog on screen, so that tests reach them.
type excelTransfer struct {
	u   *ui
	imp jobs.Importer     // nil when the store cannot import (then the button is hidden)
	exp jobs.ExportSource // nil when the store cannot export

	importBtn *widget.Button
	exportBtn *widget.Button

	// lastDir is the folder of the last workbook opened or written; the file
	// dialogs start there.
	lastDir string
	// saveAs is the save-as dialog of an export on screen, nil when none;
	// overwrite is its question whether to replace an existing file, nil
	// when not asked.
	saveAs    *saveAsView
	overwrite *dialog.ConfirmDialog

	// progress is the progress dialog of the work under way, nil when none;
	// progressCancel is its 取消 button and progressView how far the work has
	// got (see jobProgress).
	progress       *dialog.CustomDialog
	progressText   *widget.Label
	progressCancel *widget.Button
	progressView   *jobProgress
	// preview is the import preview on screen, nil when none.
	preview *importPreviewView
	// result is the last dialog that said what was done (or what failed),
	// and resultText its text.
	result     dialog.Dialog
	resultText string
}

func newExcelTransfer(u *ui) *excelTransfer {
	x := &excelTransfer{u: u}
	x.imp, _ = u.st.(jobs.Importer)
	x.exp, _ = u.st.(jobs.ExportSource)
	x.importBtn = widget.NewButtonWithIcon(lang.L("excel.import.button"), theme.UploadIcon(), x.chooseImport)
	x.exportBtn = widget.NewButtonWithIcon(lang.L("excel.export.button"), theme.DownloadIcon(), x.showExportMenu)
	if x.imp == nil {
		x.importBtn.Hide()
	}
	if x.exp == nil {
		x.exportBtn.Hide()
	}
	return x
}

func (x *excelTransfer) exportMenu() *fyne.Menu {
	var items []*fyne.MenuItem
	for _, f := range excelFormats {
		items = append(items, fyne.NewMenuItem(lang.L("excel.format."+f)+"…", func() { x.chooseExport(f) }))
	}
	return fyne.NewMenu(lang.L("excel.export.button"), items...)
}

// showExportMenu offers the outputs under the 导出 Excel button.
func (x *excelTransfer) showExportMenu() {
	c := x.u.win.Canvas()
	widget.ShowPopUpMenuAtRelativePosition(x.exportMenu(), c, fyne.NewPos(0, x.exportBtn.Size().Height), x.exportBtn)
}

// job runs work off the UI goroutine behind a progress dialog whose 取消
// button cancels work's context; then, on the UI goroutine, it closes the
// dialog and calls done with work's error. When the user cancelled and work
// failed, done is not called: the cancellation is the answer. When work
// finished anyway, done is told so, since what it did is done.
//
// work may tell how far it has got through its progress argument, from any
// goroutine and as often as it likes (see jobProgress); unit says what it
// counts, rows or needs.
func (x *excelTransfer) job(title, message string, unit progressUnit, work func(ctx context.Context, progress func(done, total int)) error, done func(err error)) {
	u := x.u
	ctx, cancel := context.WithCancel(u.ctx)
	x.progressText = widget.NewLabel(message)
	x.progressText.Wrapping = fyne.TextWrapWord
	bar := newJobProgress(u.run, unit)
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(x.progressText, bar.content), u.win)
	cancelled, finished := false, false
	x.progressCancel = widget.NewButtonWithIcon(lang.L("button.cancel"), theme.CancelIcon(), func() {
		cancelled = true
		d.Hide()
	})
	d.SetButtons([]fyne.CanvasObject{x.progressCancel})
	d.SetOnClosed(func() {
		bar.close()
		if !finished {
			cancelled = true
			cancel()
		}
	})
	d.Resize(fyne.NewSize(440, d.MinSize().Height))
	x.progress, x.progressView = d, bar
	d.Show()
	u.bg.Go(func() {
		err := work(ctx, bar.report)
		cancel()
		u.run(func() {
			finished = true
			u.touch() // a long job is activity: the lock waits its full time after it
			bar.close()
			d.Hide()
			if x.progress == d {
				x.progress, x.progressText, x.progressCancel, x.progressView = nil, nil, nil, nil
			}
			if err != nil && (cancelled || errors.Is(err, context.Canceled)) {
				slog.Info("excel: cancelled", "title", title, "err", err)
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
		p.busy.Hide()
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
	p.busy.Hide() // stops its animation
}

// showResult tells the user what was done or what failed.
func (x *excelTransfer) showResult(title, text string, extra ...fyne.CanvasObject) {
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	content := fyne.CanvasObject(msg)
	if len(extra) > 0 {
		content = container.NewVBox(msg, container.NewHBox(extra...))
	}
	d := dialog.NewCustom(title, lang.L("excel.close"), content, x.u.win)
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	x.result, x.resultText = d, text
	d.Show()
}

// ——— import ———

// importCounts counts an import report's actions by kind of record.
type importCounts struct {
	NeedsCreated, NeedsUpdated, NeedsSkipped int
	EntsCreated, EntsUpdated, EntsSkipped    int
	// Sols… count the solutions of a 《技术需求解决方案表》, which holds
	// nothing else.
	SolsCreated, SolsUpdated, SolsSkipped int
	solutions                             bool
}

func countImport(rep store.ImportReport) importCounts {
	var c importCounts
	for _, it := range rep.Items {
		created, updated, skipped := &c.NeedsCreated, &c.NeedsUpdated, &c.NeedsSkipped
		switch it.Kind {
		case store.KindEnterprise:
			created, updated, skipped = &c.EntsCreated, &c.EntsUpdated, &c.EntsSkipped
		case store.KindSolution:
			created, updated, skipped = &c.SolsCreated, &c.SolsUpdated, &c.SolsSkipped
			c.solutions = true
		}
		switch it.Action {
		case store.ActionCreate:
			*created++
		case store.ActionUpdate:
			*updated++
		default:
			*skipped++
		}
	}
	return c
}

// text says the counts in the UI language.
func (c importCounts) text() string {
	if c.solutions {
		return lang.L("excel.counts.solutions", map[string]any{"Created": c.SolsCreated, "Updated": c.SolsUpdated, "Skipped": c.SolsSkipped})
	}
	return lang.L("excel.counts", map[string]any{
		"NeedsCreated": c.NeedsCreated, "NeedsUpdated": c.NeedsUpdated, "NeedsSkipped": c.NeedsSkipped,
		"EntsCreated": c.EntsCreated, "EntsUpdated": c.EntsUpdated, "EntsSkipped": c.EntsSkipped,
	})
}

// chooseImport asks for a workbook and previews it.
func (x *excelTransfer) chooseImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			x.u.showError(err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		x.startImport(path)
	}, x.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx", ".XLSX"}))
	x.startIn(d)
	d.Resize(x.fileDialogSize())
	d.Show()
}

// startIn points a file dialog at the folder last used.
func (x *excelTransfer) startIn(d *dialog.FileDialog) {
	if x.lastDir == "" {
		return
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(x.lastDir)); err == nil {
		d.SetLocation(l)
	}
}

func (x *excelTransfer) fileDialogSize() fyne.Size {
	s := x.u.win.Canvas().Size()
	return fyne.NewSize(min(s.Width*0.9, 900), min(s.Height*0.9, 640))
}

// startImport reads and checks the workbook at path, all its sheets.
func (x *excelTransfer) startImport(path string) {
	x.lastDir = filepath.Dir(path)
	x.readPreview(path, "", nil)
}

// readPreview reads the workbook at path (only the named sheet, unless
// sheet is ""), off the UI goroutine, and shows the preview.
func (x *excelTransfer) readPreview(path, sheet string, sheets []string) {
	u := x.u
	req := jobs.ImportRequest{Path: path, Sheet: sheet, Lang: u.lang}
	name := filepath.Base(path)
	var p *jobs.Preview
	x.job(lang.L("excel.import.title"), lang.L("excel.reading", map[string]any{"Name": name}), progressRows,
		func(ctx context.Context, progress func(done, total int)) error {
			req := req
			req.Progress = progress
			var err error
			p, err = jobs.PreviewImport(ctx, x.imp, req)
			return err
		},
		func(err error) {
			if err != nil {
				var fe *jobs.FileError
				msg := err.Error()
				if errors.As(err, &fe) {
					msg = fe.Message(u.lang)
				} else {
					slog.Error("excel: preview import", "path", path, "err", err)
				}
				x.showResult(lang.L("excel.import.title"), lang.L("excel.readfailed", map[string]any{"Name": name, "Err": msg}))
				return
			}
			if sheets != nil {
				p.Sheets = sheets
			}
			x.showPreview(p)
		})
}

// importPreviewView is the preview dialog: what the import would do, the
// problems found, and the buttons that import.
type importPreviewView struct {
	x        *excelTransfer
	p        *jobs.Preview
	dlg      *dialog.CustomDialog
	sheet    *widget.Select // nil when the workbook has one sheet of records
	summary  *widget.Label
	counts   *widget.Label
	problems []jobs.Problem // errors first
	changes  []changeLine   // what the import changes, statuses going back first
	heading  *widget.Label
	list     *widget.List
	detail   *widget.Label // the selected problem in full
	doImport *widget.Button
	partial  *widget.Button // nil when there are no errors
	cancel   *widget.Button
}

// problemColumns are the columns of the preview's problem list and their
// relative widths.
var problemColumns = []struct {
	key    string
	weight float32
}{
	{"excel.col.severity", 0.7},
	{"excel.col.location", 2.1},
	{"excel.col.field", 1.7},
	{"excel.col.message", 5},
}

// showPreview shows what importing p would do.
func (x *excelTransfer) showPreview(p *jobs.Preview) {
	u := x.u
	v := &importPreviewView{x: x, p: p}
	v.problems = slices.Clone(p.Problems)
	slices.SortStableFunc(v.problems, func(a, b jobs.Problem) int {
		return cmp.Compare(boolRank(!a.Error()), boolRank(!b.Error()))
	})
	nErr := p.Errors()
	nWarn := len(v.problems) - nErr

	file := widget.NewLabelWithStyle(lang.L("excel.file", map[string]any{"Name": filepath.Base(p.Request.Path)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	file.Truncation = fyne.TextTruncateEllipsis
	top := container.NewVBox(file)
	if len(p.Sheets) > 1 {
		opts := append([]string{lang.L("excel.sheet.all")}, p.Sheets...)
		v.sheet = widget.NewSelect(opts, nil)
		v.sheet.SetSelectedIndex(0)
		if i := slices.Index(p.Sheets, p.Request.Sheet); i >= 0 {
			v.sheet.SetSelectedIndex(i + 1)
		}
		v.sheet.OnChanged = func(string) { v.pickSheet() }
		top.Add(container.NewBorder(nil, nil, widget.NewLabel(lang.L("excel.sheet")), nil, v.sheet))
	}

	counts := countImport(p.Report)
	empty := p.Empty()
	switch {
	case nErr > 0:
		v.summary = widget.NewLabel(lang.L("excel.preview.errors", map[string]any{"N": nErr}))
		v.summary.Importance = widget.DangerImportance
	case empty:
		v.summary = widget.NewLabel(lang.L("excel.preview.empty"))
		v.summary.Importance = widget.WarningImportance
	default:
		v.summary = widget.NewLabel(lang.L("excel.preview.clean"))
	}
	v.summary.Wrapping = fyne.TextWrapWord
	v.counts = widget.NewLabel(counts.text())
	v.counts.Wrapping = fyne.TextWrapWord
	v.counts.TextStyle.Bold = true
	top.Add(v.summary)
	top.Add(v.counts)
	v.changes = importChanges(p.Report, u.cat, u.lang)
	if n := goingBack(p.Report); n > 0 {
		back := widget.NewLabel(lang.L("excel.preview.statusback", map[string]any{"N": n}))
		back.Wrapping = fyne.TextWrapWord
		back.Importance = widget.WarningImportance
		top.Add(back)
	}
	if len(v.changes) > 0 {
		top.Add(widget.NewLabel(lang.L("excel.changes")))
		top.Add(changeList(v.changes))
	}
	top.Add(widget.NewSeparator())

	if len(v.problems) == 0 {
		v.heading = widget.NewLabel(lang.L("excel.problems.none"))
	} else {
		v.heading = widget.NewLabel(lang.L("excel.problems", map[string]any{"Errors": nErr, "Warnings": nWarn}))
	}
	top.Add(v.heading)

	v.detail = widget.NewLabel("")
	v.detail.Wrapping = fyne.TextWrapWord
	v.list = widget.NewList(func() int { return len(v.problems) }, v.createRow, v.updateRow)
	v.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(v.problems) {
			v.detail.SetText(v.problems[id].Message(u.lang))
		}
	}
	var problems fyne.CanvasObject = container.NewBorder(v.header(), v.detail, nil, nil, v.list)
	if len(v.problems) == 0 {
		problems = layoutSpacer()
	}

	v.cancel = widget.NewButtonWithIcon(lang.L("button.cancel"), theme.CancelIcon(), func() { v.dlg.Hide() })
	v.doImport = widget.NewButtonWithIcon(lang.L("excel.import.all"), theme.ConfirmIcon(), func() { v.start(false) })
	v.doImport.Importance = widget.HighImportance
	buttons := []fyne.CanvasObject{v.cancel}
	if nErr > 0 {
		v.doImport.Disable()
		v.partial = widget.NewButton(lang.L("excel.import.partial"), func() { v.start(true) })
		if empty {
			v.partial.Disable()
		}
		buttons = append(buttons, v.partial)
	} else if empty {
		v.doImport.Disable()
	}
	buttons = append(buttons, v.doImport)

	v.dlg = dialog.NewCustomWithoutButtons(lang.L("excel.import.title"), container.NewBorder(top, nil, nil, nil, problems), u.win)
	v.dlg.SetButtons(buttons)
	v.dlg.SetOnClosed(func() {
		if x.preview == v {
			x.preview = nil
		}
	})
	x.preview = v
	s := u.win.Canvas().Size()
	h := min(s.Height*0.9, 620)
	if len(v.problems) == 0 {
		h = v.dlg.MinSize().Height
	}
	v.dlg.Resize(fyne.NewSize(min(s.Width*0.92, 900), h))
	v.dlg.Show()
}

// changeLine is one line of what an import changes.
type changeLine struct {
	text string
	imp  widget.Importance
}

// maxChangeFields is how many changed fields a line names.
const maxChangeFields = 8

// importChanges says, per record an import updates, which fields change, and
// per need whose status changes, from what to what: the statuses that go
// back to 待企业确认 first, as warnings (issue 12.11).
func importChanges(rep store.ImportReport, cat *forms.Catalogue, lng string) []changeLine {
	var out []changeLine
	for _, c := range rep.StatusChanges {
		data := map[string]any{"Title": c.Title, "From": c.From.Label(lng), "To": c.To.Label(lng)}
		if c.To == forms.StatusToConfirm {
			out = append(out, changeLine{lang.L("excel.change.status", data), widget.WarningImportance})
		} else {
			out = append(out, changeLine{lang.L("excel.change.statusother", data), widget.MediumImportance})
		}
	}
	for _, it := range rep.Items {
		if it.Action != store.ActionUpdate || len(it.Fields) == 0 {
			continue
		}
		var labels []string
		for _, id := range it.Fields {
			switch f, ok := cat.Field(id); {
			case id == "contact_id":
				labels = append(labels, lang.L("excel.change.contact"))
			case ok:
				labels = append(labels, f.Label(lng))
			default:
				labels = append(labels, id)
			}
		}
		if len(labels) > maxChangeFields {
			labels = append(labels[:maxChangeFields], lang.L("excel.change.more", map[string]any{"N": len(labels) - maxChangeFields}))
		}
		fields := strings.Join(labels, "、")
		if it.Kind == store.KindEnterprise {
			out = append(out, changeLine{lang.L("excel.change.enterprise", map[string]any{"Name": it.Name, "Fields": fields}), widget.MediumImportance})
		} else {
			out = append(out, changeLine{lang.L("excel.change.need", map[string]any{"Title": it.Title, "Fields": fields}), widget.MediumImportance})
		}
	}
	return out
}

// goingBack counts the needs an import sends back to 待企业确认.
func goingBack(rep store.ImportReport) int {
	n := 0
	for _, c := range rep.StatusChanges {
		if c.To == forms.StatusToConfirm {
			n++
		}
	}
	return n
}

// changeList shows what an import changes, scrolling past a few lines.
func changeList(lines []changeLine) fyne.CanvasObject {
	box := container.NewVBox()
	for _, l := range lines {
		lab := widget.NewLabel(l.text)
		lab.Wrapping = fyne.TextWrapWord
		lab.Importance = l.imp
		box.Add(lab)
	}
	s := container.NewVScroll(box)
	s.SetMinSize(fyne.NewSize(0, min(box.MinSize().Height, 150)))
	return s
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// layoutSpacer is an empty object that takes no room.
func layoutSpacer() fyne.CanvasObject { return container.NewStack() }

func (v *importPreviewView) header() fyne.CanvasObject {
	weights := make([]float32, len(problemColumns))
	objs := make([]fyne.CanvasObject, len(problemColumns))
	for i, c := range problemColumns {
		weights[i] = c.weight
		l := widget.NewLabelWithStyle(lang.L(c.key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		objs[i] = l
	}
	return container.New(&columnsLayout{weights: weights}, objs...)
}

func (v *importPreviewView) createRow() fyne.CanvasObject {
	weights := make([]float32, len(problemColumns))
	objs := make([]fyne.CanvasObject, len(problemColumns))
	for i, c := range problemColumns {
		weights[i] = c.weight
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		objs[i] = l
	}
	return container.New(&columnsLayout{weights: weights}, objs...)
}

func (v *importPreviewView) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(v.problems) {
		return
	}
	cells := o.(*fyne.Container).Objects
	for i, text := range v.rowTexts(id) {
		l := cells[i].(*widget.Label)
		if i == 0 {
			imp := widget.WarningImportance
			if v.problems[id].Error() {
				imp = widget.DangerImportance
			}
			l.Importance = imp
			l.TextStyle.Bold = imp == widget.DangerImportance
		}
		l.SetText(text)
	}
}

// rowTexts are the cells of a problem's row: 错误 or 提示, where, which
// field, what.
func (v *importPreviewView) rowTexts(id int) [4]string {
	p := v.problems[id]
	lng := v.x.u.lang
	sev := lang.L("excel.problem.warning")
	if p.Error() {
		sev = lang.L("excel.problem.error")
	}
	field := ""
	if f, ok := v.x.u.cat.Field(p.Field); ok && p.Field != "" {
		field = f.Label(lng)
	}
	return [4]string{sev, p.Location(lng), field, p.Text(lng)}
}

// pickSheet reads the workbook again, only the sheet chosen (or all).
func (v *importPreviewView) pickSheet() {
	sheet := ""
	if i := v.sheet.SelectedIndex(); i > 0 {
		sheet = v.p.Sheets[i-1]
	}
	if sheet == v.p.Request.Sheet {
		return
	}
	v.dlg.Hide()
	v.x.readPreview(v.p.Request.Path, sheet, v.p.Sheets)
}

// start imports, off the UI goroutine: the whole workbook, or with partial
// its rows without errors.
func (v *importPreviewView) start(partial bool) {
	x, u, p := v.x, v.x.u, v.p
	v.dlg.Hide()
	name := filepath.Base(p.Request.Path)
	var rep store.ImportReport
	x.job(lang.L("excel.import.title"), lang.L("excel.importing", map[string]any{"Name": name}), progressNone,
		func(ctx context.Context, _ func(done, total int)) error {
			var err error
			rep, err = jobs.ApplyImport(ctx, x.imp, p, partial)
			return err
		},
		func(err error) {
			if err != nil {
				slog.Error("excel: import", "path", p.Request.Path, "err", err)
				x.showResult(lang.L("excel.import.title"), lang.L("excel.import.failed", map[string]any{"Err": userMessage(err, u.lang)}))
				return
			}
			slog.Info("excel: imported", "path", p.Request.Path, "created", rep.Created, "updated", rep.Updated, "skipped", rep.Skipped, "partial", partial)
			x.imported()
			key := "excel.import.done"
			if partial && p.HasErrors() {
				key = "excel.import.donepartial"
			}
			text := lang.L(key, map[string]any{"Name": name, "N": p.Errors(), "Counts": countImport(rep).text()})
			if n := goingBack(rep); n > 0 {
				text += "\n" + lang.L("excel.import.statusback", map[string]any{"N": n})
			}
			x.showResult(lang.L("excel.import.title"), text)
		})
}

// imported brings the screens up to date after an import: the need list,
// the enterprise list, the sync strip and the dashboard.
func (x *excelTransfer) imported() {
	u := x.u
	u.changed()
	u.enterprises.search()
	if u.tabs.Selected() == u.dashTab {
		u.dashboard.refresh()
	}
}

// ——— export ———

// exportOptions are what the window adds to an export's request: the
// language of the labels, a platform profile other than the settings' (for
// tests) and where the export tells how far it has got.
type exportOptions struct {
	Lang    string
	Profile string
	// Progress, when not nil, is told done needs of total (0 when
	// unknown), on the exporting goroutine.
	Progress func(done, total int)
}

// excelFileName is the name the save-as dialog proposes for an output made on
// day: 需求征集表-平台-20261122.xlsx.
func excelFileName(format string, day time.Time) string {
	return lang.L("excel.filename."+format) + "-" + day.Format("20060102") + exportExt(format)
}

// exportRequest is the job the export menu's entry format asks for: the
// handbook with the unconfirmed needs is the handbook with
// IncludeUnconfirmed.
func exportRequest(format, path string, opt exportOptions) jobs.ExportRequest {
	req := jobs.ExportRequest{Format: jobs.Format(format), Path: path, Lang: opt.Lang, Profile: opt.Profile, Progress: opt.Progress}
	if format == excelHandbookUnconfirmed {
		req.Format, req.IncludeUnconfirmed = jobs.FormatHandbook, true
	}
	if req.Format == jobs.FormatBooklet {
		req.Font = assets.FontBytes()
	}
	return req
}

// exportWorkbook writes one of the outputs to path (package jobs: the same
// file, recorded in the audit log the same way, as `xunbang export`).
func exportWorkbook(ctx context.Context, st jobs.ExportSource, format, path string, opt exportOptions) (jobs.ExportResult, error) {
	if !slices.Contains(excelFormats, format) {
		return jobs.ExportResult{}, fmt.Errorf("export: unknown format %q", format)
	}
	return jobs.Export(ctx, st, exportRequest(format, path, opt))
}

// chooseExport asks where to write the output and writes it. The save-as
// dialog is the window's own, not Fyne's save dialog, which creates (and
// so empties) the chosen file before the export starts: here nothing is
// touched until the export is complete, and an existing file that the user
// agreed to replace is replaced only then (see exportWorkbook), so that a
// cancelled or failed export leaves it as it was.
func (x *excelTransfer) chooseExport(format string) {
	x.chooseSaveAs(lang.L("excel.export.title")+" · "+lang.L("excel.format."+format), excelFileName(format, time.Now()), exportExt(format),
		func(path string) { x.startExport(format, path) })
}

// chooseSaveAs asks where to write a file, proposing name (ending in ext) in
// the folder last used, else the user's Documents folder, and calls save
// with the path chosen: the Excel exports and the need cards use it.
func (x *excelTransfer) chooseSaveAs(title, name, ext string, save func(path string)) {
	u := x.u
	v := &saveAsView{x: x, ext: ext, write: save, dir: x.exportDir()}
	v.folder = widget.NewLabel(v.dir)
	v.folder.Wrapping = fyne.TextWrapBreak
	v.choose = widget.NewButtonWithIcon(lang.L("excel.save.choosefolder"), theme.FolderOpenIcon(), v.chooseFolder)
	v.name = widget.NewEntry()
	v.name.SetText(name)
	v.name.OnSubmitted = func(string) { v.submit() }
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Importance = widget.DangerImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("excel.save.folder"), container.NewBorder(nil, nil, nil, container.NewVBox(v.choose), v.folder)),
		widget.NewFormItem(lang.L("excel.save.name"), v.name))
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(form, v.message), u.win)
	v.cancel = widget.NewButtonWithIcon(lang.L("button.cancel"), theme.CancelIcon(), d.Hide)
	v.save = widget.NewButtonWithIcon(lang.L("excel.save.button"), theme.DocumentSaveIcon(), v.submit)
	v.save.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{v.cancel, v.save})
	d.SetOnClosed(func() {
		if x.saveAs == v {
			x.saveAs = nil
		}
	})
	v.dialog = d
	x.saveAs = v
	v.resize()
	d.Show()
	u.win.Canvas().Focus(v.name)
}

// exportDir is the folder the save-as dialog proposes: the last one used,
// else the user's Documents folder, else the home folder.
func (x *excelTransfer) exportDir() string {
	if isDir(x.lastDir) {
		return x.lastDir
	}
	if home, err := os.UserHomeDir(); err == nil && isDir(home) {
		if docs := documentsDir(home); isDir(docs) {
			return docs
		}
		return home
	}
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return x.lastDir
}

// documentsDir is the user's documents folder: on Linux the one
// xdg-user-dirs names (~/文档 on a Chinese desktop such as UOS or Kylin),
// else ~/Documents.
func documentsDir(home string) string {
	if b, err := os.ReadFile(filepath.Join(home, ".config", "user-dirs.dirs")); err == nil {
		for line := range strings.Lines(string(b)) {
			v, ok := strings.CutPrefix(strings.TrimSpace(line), "XDG_DOCUMENTS_DIR=")
			if !ok {
				continue
			}
			v = strings.Trim(v, `"`)
			if rest, ok := strings.CutPrefix(v, "$HOME"); ok {
				v = filepath.Join(home, rest)
			}
			if filepath.IsAbs(v) && filepath.Clean(v) != filepath.Clean(home) {
				return v
			}
		}
	}
	return filepath.Join(home, "Documents")
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return path != "" && err == nil && fi.IsDir()
}

// saveAsView is the save-as dialog of an export: the folder, with
// 选择文件夹… to change it, and the file name.
type saveAsView struct {
	x     *excelTransfer
	ext   string            // the file's extension, added when the name lacks it
	write func(path string) // writes the file
	dir   string            // the folder chosen

	dialog  *dialog.CustomDialog
	folder  *widget.Label
	choose  *widget.Button
	name    *widget.Entry
	message *widget.Label // what is wrong with the name, empty when nothing
	save    *widget.Button
	cancel  *widget.Button
}

// resize fits the dialog's height to its content, 600 wide. The folder and
// the message wrap, and a wrapped label knows its height only once it has
// its width: hence the second pass.
func (v *saveAsView) resize() {
	for range 2 {
		m := v.dialog.MinSize()
		v.dialog.Resize(fyne.NewSize(max(600, m.Width), m.Height))
	}
}

// chooseFolder asks for the folder with Fyne's folder dialog, which
// touches no file.
func (v *saveAsView) chooseFolder() {
	x := v.x
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			x.u.showError(err)
			return
		}
		if l != nil {
			v.setFolder(l.Path())
		}
	}, x.u.win)
	if l, err := storage.ListerForURI(storage.NewFileURI(v.dir)); err == nil {
		d.SetLocation(l)
	}
	d.Resize(x.fileDialogSize())
	d.Show()
}

func (v *saveAsView) setFolder(dir string) {
	v.dir = dir
	v.folder.SetText(dir)
	v.say("")
}

// say shows what is wrong, or nothing when msg is "".
func (v *saveAsView) say(msg string) {
	v.message.SetText(msg)
	v.resize()
}

// submit is 保存: it checks the name and the folder, asks before replacing
// an existing file, and starts the export.
func (v *saveAsView) submit() {
	x := v.x
	path, err := exportTarget(v.dir, v.name.Text, v.ext)
	if err != nil {
		v.say(err.Error())
		return
	}
	if !isDir(v.dir) {
		v.say(lang.L("excel.save.folder.missing", map[string]any{"Dir": v.dir}))
		return
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		v.say(lang.L("excel.save.isdir", map[string]any{"Name": filepath.Base(path)}))
	case err == nil:
		v.say("")
		c := dialog.NewConfirm(lang.L("excel.save.overwrite.title"), lang.L("excel.save.overwrite", map[string]any{"Path": path}), func(ok bool) {
			x.overwrite = nil
			if ok {
				v.start(path)
			}
		}, x.u.win)
		c.SetConfirmText(lang.L("excel.save.overwrite.confirm"))
		c.SetDismissText(lang.L("button.cancel"))
		c.SetConfirmImportance(widget.DangerImportance)
		x.overwrite = c
		c.Show()
	case errors.Is(err, fs.ErrNotExist):
		v.start(path)
	default:
		v.say(userMessage(err, x.u.lang))
	}
}

func (v *saveAsView) start(path string) {
	v.dialog.Hide()
	v.x.lastDir = filepath.Dir(path)
	v.write(path)
}

// exportTarget is the file the save-as dialog writes: name in dir, with
// the extension ext (.xlsx, or .pdf for the booklet and the cards) added
// when missing. It refuses an empty name, one with a path
// separator or a character Windows does not allow, and one of dots only,
// saying why in the UI language.
func exportTarget(dir, name, ext string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", errors.New(lang.L("excel.save.badname.empty"))
	case strings.ContainsAny(name, `/\`) || strings.ContainsRune(name, filepath.Separator):
		return "", errors.New(lang.L("excel.save.badname.separator"))
	case strings.ContainsAny(name, `<>:"|?*`):
		// Not allowed in Windows file names; refused everywhere, so a
		// file made here can be copied there.
		return "", errors.New(lang.L("excel.save.badname.chars"))
	case strings.Trim(name, ".") == "":
		return "", errors.New(lang.L("excel.save.badname.dots"))
	}
	if !strings.EqualFold(filepath.Ext(name), ext) {
		name += ext
	}
	return filepath.Join(dir, name), nil
}

// startExport writes the output to path off the UI goroutine and says what
// it wrote. A file at path is replaced only once the export is complete.
func (x *excelTransfer) startExport(format, path string) {
	u := x.u
	x.lastDir = filepath.Dir(path)
	opt := exportOptions{Lang: u.lang}
	formatName := lang.L("excel.format." + format)
	var stats jobs.ExportResult
	x.job(lang.L("excel.export.title"), lang.L("excel.exporting", map[string]any{"Format": formatName}), progressNeeds,
		func(ctx context.Context, progress func(done, total int)) error {
			opt := opt
			opt.Progress = progress
			var err error
			stats, err = exportWorkbook(ctx, x.exp, format, path, opt)
			return err
		},
		func(err error) {
			if err != nil {
				slog.Error("excel: export", "format", format, "path", path, "err", err)
				x.showResult(lang.L("excel.export.title"), lang.L("excel.export.failed", map[string]any{"Err": userMessage(err, u.lang)}))
				return
			}
			slog.Info("excel: exported", "format", format, "path", path, "needs", stats.Needs)
			key := "excel.export.done"
			switch format {
			case excelReport:
				key = "excel.export.donereport"
			case excelHandbookUnconfirmed:
				key = "excel.export.doneunconfirmed"
			}
			text := lang.L(key, map[string]any{
				"Format": formatName, "N": stats.Needs, "Private": stats.Private, "Unconfirmed": stats.Unconfirmed, "Path": path,
			})
			x.showResult(lang.L("excel.export.title"), text, x.openButtons(path)...)
		})
}

// openButtons are a result's 打开 and 打开所在文件夹 for the file at path.
func (x *excelTransfer) openButtons(path string) []fyne.CanvasObject {
	return []fyne.CanvasObject{
		widget.NewButtonWithIcon(lang.L("excel.open.file"), theme.FileIcon(), func() { x.open(path) }),
		widget.NewButtonWithIcon(lang.L("excel.open.folder"), theme.FolderOpenIcon(), func() { x.open(filepath.Dir(path)) }),
	}
}

// open shows a file or folder with the system's application for it, off
// the UI goroutine, and says so when nothing opened it.
func (x *excelTransfer) open(path string) {
	u := x.u
	u.bg.Go(func() {
		if err := u.openPath(path); err != nil {
			slog.Warn("cannot open", "path", path, "err", err)
			u.run(func() {
				dialog.ShowInformation(lang.L("error.title"), lang.L("open.failed", map[string]any{"Path": path, "Err": openMessage(err)}), u.win)
			})
		}
	})
}
