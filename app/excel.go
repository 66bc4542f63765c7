package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/jobs"
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
	// excelEvaluation is the 竞榜 evaluation sheet (issue 15.5): one sheet
	// per evaluated need, internal.
	excelEvaluation = string(jobs.FormatEvaluation)
)

// excelFormats lists the Excel outputs in the order the export menu offers
// them.
var excelFormats = []string{excelPlatform, excelHandbook, excelHandbookUnconfirmed, excelBooklet, excelReport, excelEvaluation}

// excelTransfer is the need list's Excel import and export: the 导入 Excel
// and 导出 Excel buttons and the dialogs they lead to (the preview of an
// import: importpreview.go). The work itself is in package jobs, which the
// command line calls too; the methods here only ask and show. Like the
// screens it holds its widgets and the dialog on screen, so that tests
// reach them.
type excelTransfer struct {
	*jobRunner // the job dialog, the save-as dialog and the last folder, shared with the cards and the backup
	u          *ui
	imp        jobs.Importer     // what an import needs of the store
	exp        jobs.ExportSource // what an export reads

	importBtn *widget.Button
	exportBtn *widget.Button

	// preview is the import preview on screen, nil when none.
	preview *importPreviewView
}

func newExcelTransfer(u *ui) *excelTransfer {
	x := &excelTransfer{jobRunner: u.runner, u: u, imp: u.st, exp: u.st}
	x.importBtn = widget.NewButtonWithIcon(lang.L("excel.import.button"), theme.UploadIcon(), x.chooseImport)
	x.exportBtn = widget.NewButtonWithIcon(lang.L("excel.export.button"), theme.DownloadIcon(), x.showExportMenu)
	return x
}

// discardPreview lets go of an import preview still open as the window
// closes: its workbook's needs in a temporary file go at once, what it
// staged in the data file at the next start (jobs.Preview.Release: no
// store work on the UI goroutine). An import under way closes its own.
func (x *excelTransfer) discardPreview() {
	if v := x.preview; v != nil && !v.importing {
		if err := v.p.Release(); err != nil {
			slog.Error("excel: discard the import preview", "path", v.p.Request.Path, "err", err)
		}
	}
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

// exportOptions are what the window adds to an export's request: the
// language of the labels, a platform profile other than the settings' (for
// tests) and where the export tells how far it has got.
type exportOptions struct {
	Lang    string
	Profile string
	// Now stamps the output; nil means time.Now.
	Now func() time.Time
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
	req := jobs.ExportRequest{Format: jobs.Format(format), Path: path, Lang: opt.Lang, Profile: opt.Profile, Now: opt.Now, Progress: opt.Progress}
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

// startExport writes the output to path off the UI goroutine and says what
// it wrote. A file at path is replaced only once the export is complete.
func (x *excelTransfer) startExport(format, path string) {
	u := x.u
	x.lastDir = filepath.Dir(path)
	opt := exportOptions{Lang: u.lang, Now: u.opts.Now}
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
			case excelEvaluation:
				key = "excel.export.doneevaluation"
			}
			text := lang.L(key, map[string]any{
				"Format": formatName, "N": stats.Needs, "Private": stats.Private, "Unconfirmed": stats.Unconfirmed, "Path": path,
			})
			if stats.NamesEnterprise > 0 {
				text += "\n" + lang.L("excel.export.namesenterprise", map[string]any{"N": stats.NamesEnterprise})
			}
			x.showResult(lang.L("excel.export.title"), text, x.openButtons(path)...)
		})
}
