package app

import (
	"cmp"
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

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
	n, e, s := rep.Kinds[store.KindNeed], rep.Kinds[store.KindEnterprise], rep.Kinds[store.KindSolution]
	_, sols := rep.Kinds[store.KindSolution]
	return importCounts{
		NeedsCreated: n.Created, NeedsUpdated: n.Updated, NeedsSkipped: n.Skipped,
		EntsCreated: e.Created, EntsUpdated: e.Updated, EntsSkipped: e.Skipped,
		SolsCreated: s.Created, SolsUpdated: s.Updated, SolsSkipped: s.Skipped,
		solutions: sols,
	}
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
	// importing is set once an import starts: the preview is then the
	// import's, closed by ApplyImport.
	importing bool
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
		if !v.importing {
			// Cancelled, or another sheet chosen: what the preview staged
			// goes, off the UI goroutine (it is a write to the store).
			go func() {
				if err := p.Close(context.Background()); err != nil {
					slog.Error("excel: discard the import preview", "path", p.Request.Path, "err", err)
				}
			}()
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
	for _, h := range rep.StatusHeld {
		out = append(out, changeLine{heldLine(h, lng), widget.WarningImportance})
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
	if rep.ItemsLeftOut > 0 {
		out = append(out, changeLine{lang.L("excel.change.unlisted", map[string]any{"N": rep.ItemsLeftOut}), widget.MediumImportance})
	}
	return out
}

// heldLine says why a need stays where it is although its imported
// solutions call for another status.
func heldLine(h store.Followed, lng string) string {
	return lang.L("excel.change.held", map[string]any{"Title": h.Title, "Why": h.Message(lng)})
}

// maxResultLines is how many needs whose status an import changed (or
// held) the result names.
const maxResultLines = 8

// statusLines names, for the result of an import, the needs whose status
// moved other than back to 待企业确认 (counted apart), and those that
// stayed although their solutions call for another status.
func statusLines(rep store.ImportReport, lng string) []string {
	var out []string
	for _, c := range rep.StatusChanges {
		if c.To != forms.StatusToConfirm {
			out = append(out, lang.L("excel.import.statusmoved", map[string]any{"Title": c.Title, "From": c.From.Label(lng), "To": c.To.Label(lng)}))
		}
	}
	for _, h := range rep.StatusHeld {
		out = append(out, heldLine(h, lng))
	}
	if len(out) > maxResultLines {
		out = append(out[:maxResultLines], lang.L("excel.import.statusmore", map[string]any{"N": len(out) - maxResultLines}))
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
	v.importing = true
	v.dlg.Hide()
	name := filepath.Base(p.Request.Path)
	var rep store.ImportReport
	x.job(lang.L("excel.import.title"), lang.L("excel.importing", map[string]any{"Name": name}), progressNone,
		func(ctx context.Context, _ func(done, total int)) error {
			var err error
			rep, err = jobs.ApplyImport(ctx, x.imp, p, partial)
			if cerr := p.Close(context.WithoutCancel(ctx)); cerr != nil { // blocked: nothing else closes it
				slog.Error("excel: discard the import preview", "path", p.Request.Path, "err", cerr)
			}
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
			for _, l := range statusLines(rep, u.lang) {
				text += "\n" + l
			}
			x.showResult(lang.L("excel.import.title"), text)
		})
}
