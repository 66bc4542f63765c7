package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
)

// needEditor is one need on screen: its fields drawn from the catalogue,
// saved as the user types; the diagnosis panel beside them; the follow-ups
// below the diagnosis.
type needEditor struct {
	u  *ui
	st needStore
	// need and ent are the record being edited and its enterprise; the
	// widgets edit need.Values and need.Diagnosis.Values in place. UI
	// goroutine only.
	need *forms.Need
	ent  *forms.Enterprise

	form *fieldForm // the need's fields
	diag *fieldForm // the diagnosis's fields

	back       *widget.Button
	title      *widget.Label
	enterprise *widget.Button
	status     *widget.Label
	confirmed  *widget.Label // whether the confirmation is current
	saved      *widget.Label
	saveBtn    *widget.Button
	finalise   *widget.Button
	confirmBtn *widget.Button
	printBtn   *widget.Button // 打印卡片: this need's card
	applyDiag  *widget.Button
	diagResult *widget.Label
	verdict    *verdictRow // what the platform decided (verdict.go)
	followUps  *followUpPanel
	solutions  *solutionPanel // 解决方案 (solutions.go)
	// body holds the need's fields and the diagnosis: side by side on a
	// wide window, one above the other on a narrow one.
	body    *sideBySide
	content fyne.CanvasObject

	autosave  *autosave[needSave] // saves the need as the user types (autosave.go)
	finalMode bool                // show what finalising needs, not only malformed values
	diagFinal bool
	// diagPending is set when 应用诊断 was pressed on a need not yet
	// finalised (草稿, 待补充): its conclusion takes effect at 定稿.
	diagPending bool
	loadSeq     uint64
}

func newNeedEditor(u *ui) *needEditor {
	e := &needEditor{u: u, st: u.st}
	e.form = newFieldForm(u.cat, u.lang, u.cat.Fields(forms.EntityNeed))
	e.form.OnChanged = e.changed
	e.diag = newFieldForm(u.cat, u.lang, u.cat.Fields(forms.EntityDiagnosis))
	e.diag.OnChanged = e.diagChanged
	for _, id := range forms.DiagnosisCriteria {
		if in := e.diag.input(id + "_comment"); in != nil && in.entry != nil {
			in.entry.SetPlaceHolder(lang.L("diag.comment"))
		}
	}

	e.back = widget.NewButtonWithIcon(lang.L("editor.back"), theme.NavigateBackIcon(), u.showNeedList)
	e.title = widget.NewLabel("")
	e.title.SizeName = theme.SizeNameSubHeadingText
	e.title.Truncation = fyne.TextTruncateEllipsis
	e.enterprise = widget.NewButtonWithIcon("", theme.AccountIcon(), func() {
		if e.ent != nil {
			u.openEnterprise(e.ent.ID)
		}
	})
	e.enterprise.Importance = widget.LowImportance
	e.status = widget.NewLabel("")
	e.confirmed = widget.NewLabel("")
	e.saved = widget.NewLabel("")
	e.saved.Importance = widget.LowImportance
	e.autosave = e.newAutosave()
	e.saveBtn = widget.NewButtonWithIcon(lang.L("editor.save"), theme.DocumentSaveIcon(), e.saveNow)
	e.finalise = widget.NewButtonWithIcon(lang.L("editor.finalise"), theme.ConfirmIcon(), e.finaliseNeed)
	e.finalise.Importance = widget.HighImportance
	e.confirmBtn = widget.NewButtonWithIcon(lang.L("editor.confirm"), theme.VisibilityIcon(), u.showConfirm)
	e.printBtn = widget.NewButtonWithIcon(lang.L("cards.button"), theme.DocumentPrintIcon(), e.printCard)
	e.applyDiag = widget.NewButtonWithIcon(lang.L("diag.apply"), theme.ConfirmIcon(), e.applyDiagnosis)
	e.applyDiag.Importance = widget.HighImportance
	e.diagResult = widget.NewLabel("")
	e.diagResult.Wrapping = fyne.TextWrapWord
	e.diagResult.Hide()
	e.followUps = newFollowUpPanel(u)
	e.solutions = newSolutionPanel(u)
	e.verdict = newVerdictRow(u)

	// Two rows, so that a 1024-pixel window holds them: the title between
	// 返回 and the buttons, then whose need it is and where it stands.
	toolbar := container.NewVBox(
		container.NewBorder(nil, nil, container.NewCenter(e.back),
			container.NewCenter(container.NewHBox(e.saveBtn, e.finalise, e.confirmBtn, e.printBtn)), e.title),
		container.NewHBox(e.enterprise, e.status, e.confirmed, e.solutions.jump, layout.NewSpacer(), e.saved),
	)

	diagnosis := container.NewPadded(container.NewVBox(
		sectionHeading(lang.L("section.diagnosis")),
		e.diagnosisRows(),
		resultRow(e.diagResult, e.applyDiag),
		widget.NewSeparator(),
		e.solutions.content,
		widget.NewSeparator(),
		sectionHeading(lang.L("section.followups")),
		e.followUps.content,
	))
	fields := container.NewPadded(e.form.sections())
	e.body = newSideBySide(fields, diagnosis, 0.58)
	e.form.scroll = func() *container.Scroll { return e.body.scrollFor(fields) }
	e.diag.scroll = func() *container.Scroll { return e.body.scrollFor(diagnosis) }
	e.content = container.NewBorder(onBackground(container.NewVBox(toolbar, e.verdict.content, widget.NewSeparator())), nil, nil, nil, e.body.content())
	return e
}

// diagnosisRows lays out the seven criteria, each with its comment, then the
// conclusion and the summary.
func (e *needEditor) diagnosisRows() fyne.CanvasObject {
	var objs []fyne.CanvasObject
	for _, id := range forms.DiagnosisCriteria {
		in, comment := e.diag.input(id), e.diag.input(id+"_comment")
		if in == nil {
			continue
		}
		cell := container.NewVBox(in.cell)
		if comment != nil {
			cell.Add(comment.entry)
			cell.Add(comment.messageLine)
		}
		objs = append(objs, in.label, cell)
	}
	for _, id := range []string{"diag_conclusion", "diag_summary"} {
		if in := e.diag.input(id); in != nil {
			objs = append(objs, in.label, in.cell)
		}
	}
	return container.New(layout.NewFormLayout(), objs...)
}

// open loads a need off the UI goroutine and shows it, then calls then.
func (e *needEditor) open(id string, then func()) {
	if e.need != nil && e.need.ID != id {
		e.saveNow()
	}
	e.loadSeq++
	seq := e.loadSeq
	u := e.u
	u.bg.Go(func() {
		n, ent, err := u.saver.loadNeed(u.ctx, e.st, id)
		var fus []forms.FollowUp
		if err == nil {
			fus, err = e.st.FollowUps(u.ctx, id)
		}
		u.run(func() {
			if seq != e.loadSeq {
				return
			}
			if err != nil {
				u.showError(err)
				return
			}
			e.show(n, ent, fus)
			if then != nil {
				then()
			}
		})
	})
}

// show puts a loaded need on screen.
func (e *needEditor) show(n *forms.Need, ent *forms.Enterprise, fus []forms.FollowUp) {
	e.autosave.reset()
	e.need, e.ent, e.finalMode, e.diagFinal, e.diagPending = n, ent, false, false, false
	if n.Values == nil {
		n.Values = forms.Values{}
	}
	e.form.load(n.Values)
	if n.Diagnosis != nil {
		if n.Diagnosis.Values == nil {
			n.Diagnosis.Values = forms.Values{}
		}
		e.diag.load(n.Diagnosis.Values)
	} else {
		e.diag.load(forms.Values{})
	}
	e.enterprise.SetText(clip(ent.Name(), enterpriseButtonRunes))
	e.diagResult.Hide()
	e.followUps.show(n.ID, fus)
	e.solutions.load(n.ID)
	e.refresh()
	e.body.scrollToTop()
}

// enterpriseButtonRunes is how much of the enterprise's name the editor's
// toolbar shows; the 企业 tab shows all of it.
const enterpriseButtonRunes = 18

// clip shortens s to n runes, ending it with "…" when it was longer.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// changed runs after each edit of a need field.
func (e *needEditor) changed(string) {
	if e.need == nil {
		return
	}
	// The same rule the store applies on saving: an edit of confirmed
	// content sends the need back to 待企业确认. Applying it here shows it
	// at once.
	e.u.cat.Reconcile(e.need, e.ent)
	e.markDirty()
}

func (e *needEditor) diagChanged(string) {
	if e.need == nil {
		return
	}
	if e.need.Diagnosis == nil {
		e.need.Diagnosis = &forms.Diagnosis{Values: e.diag.values}
	}
	e.markDirty()
}

// markDirty schedules an autosave and updates the labels.
func (e *needEditor) markDirty() {
	e.autosave.edited(lang.L("editor.unsaved"), true)
	e.refresh()
}

// refresh updates the labels, buttons and validation messages from the need.
func (e *needEditor) refresh() {
	n := e.need
	if n == nil {
		return
	}
	title := n.Title()
	if title == "" {
		title = lang.L("editor.untitled")
	}
	e.title.SetText(title)
	e.status.SetText(lang.L("editor.status", map[string]any{"Status": n.Status.Label(e.u.lang)}))
	e.status.Importance = statusImportance(n.Status)
	e.status.Refresh()
	text, imp := confirmationState(e.u.cat, n, e.ent)
	e.confirmed.SetText(text)
	e.confirmed.Importance = imp
	e.confirmed.Refresh()
	e.verdict.show(n)
	if n.Status == forms.StatusDraft || n.Status == forms.StatusToComplete {
		e.finalise.Enable()
	} else {
		e.finalise.Disable()
	}

	mode := forms.Draft
	if e.finalMode {
		mode = forms.Final
	}
	e.form.showProblems(e.u.cat.ValidateNeed(n, mode))
	d := n.Diagnosis
	if d == nil {
		d = &forms.Diagnosis{Values: e.diag.values}
	}
	dmode := forms.Draft
	if e.diagFinal {
		dmode = forms.Final
	}
	e.diag.showProblems(e.u.cat.ValidateDiagnosis(d, dmode))
}

// confirmationState says whether a need's confirmation is current, for the
// editor and the confirmation screen.
func confirmationState(cat *forms.Catalogue, n *forms.Need, ent *forms.Enterprise) (string, widget.Importance) {
	switch {
	case n.Confirmation == nil:
		return lang.L("confirm.state.none"), widget.LowImportance
	case cat.ConfirmationCurrent(n, ent):
		return lang.L("confirm.state.current"), widget.SuccessImportance
	default:
		return lang.L("confirm.state.stale"), widget.WarningImportance
	}
}

// needSave is a copy of the need on its way to the store, and the status
// it was sent with.
type needSave struct {
	snap *forms.Need
	sent forms.Status
}

// newAutosave is the need's part of the autosave: a copy of the need, saved
// through the window's saver, whose revision, times and the status the
// store reconciled the need on screen takes over.
func (e *needEditor) newAutosave() *autosave[needSave] {
	u := e.u
	a := newAutosave[needSave](u, e.saved)
	a.ready = func(bool) bool { return e.need != nil }
	a.take = func() needSave {
		snap := e.need.Clone()
		return needSave{snap, snap.Status}
	}
	a.store = func(ctx context.Context, t needSave) error { return u.saver.saveNeed(ctx, e.st, t.snap) }
	a.current = func(t needSave) bool { return e.need != nil && e.need.ID == t.snap.ID }
	a.settle = func(t needSave, err error) time.Time {
		if err != nil || !a.current(t) {
			return t.snap.UpdatedAt
		}
		n, snap := e.need, t.snap
		n.Rev, n.BaseRev, n.UpdatedAt, n.CatalogueVersion = snap.Rev, snap.BaseRev, snap.UpdatedAt, snap.CatalogueVersion
		n.CreatedAt, n.CreatedBy, n.Team = snap.CreatedAt, snap.CreatedBy, snap.Team
		if snap.Status != t.sent && n.Status == t.sent {
			n.Status = snap.Status // the store reconciled the confirmation, or kept the platform's move
		}
		n.Platform = snap.Platform // the store keeps the platform's latest verdict
		e.refresh()
		return snap.UpdatedAt
	}
	return a
}

// saveNow saves the need now, off the UI goroutine, if it has unsaved edits.
func (e *needEditor) saveNow() { e.autosave.save(false) }

// flushSync saves pending edits on the calling (UI) goroutine and waits for
// the save: the window is closing.
func (e *needEditor) flushSync() { e.autosave.flush() }

// finaliseNeed runs the full validation; when nothing is missing the draft
// goes to 待诊断, else the missing fields are listed.
func (e *needEditor) finaliseNeed() {
	n := e.need
	if n == nil {
		return
	}
	e.finalMode = true
	e.form.revealAll()
	ps := e.u.cat.ValidateNeed(n, forms.Final)
	e.refresh()
	if forms.Blocking(ps) {
		var lines []string
		for _, p := range ps {
			if p.Severity == forms.SeverityError {
				lines = append(lines, "• "+p.Message(e.u.cat, e.u.lang))
			}
		}
		msg := widget.NewLabel(strings.Join(lines, "\n"))
		msg.Wrapping = fyne.TextWrapWord
		scroll := container.NewVScroll(msg)
		scroll.SetMinSize(fyne.NewSize(480, 260))
		d := dialog.NewCustom(lang.L("finalise.missing.title"), lang.L("button.ok"),
			container.NewBorder(widget.NewLabel(lang.L("finalise.missing")), nil, nil, nil, scroll), e.u.win)
		d.Show()
		return
	}
	if err := n.Transition(forms.StatusToDiagnose); err != nil {
		e.u.showError(err)
		return
	}
	e.markDirty()
	if e.diagPending {
		// The diagnosis made before 定稿 takes effect now (issue 12.12).
		e.diagPending = false
		if e.applyDiagnosisAs("diag.appliedatfinal") {
			return
		}
	}
	e.saveNow()
}

// applyDiagnosis checks the diagnosis and lets its conclusion move the need
// along: 有效需求 → 待企业确认, 需补充完善 → 待补充, 转长期跟踪 → 长期跟踪,
// 不予发布 → 已关闭. A need not yet finalised (草稿, 待补充) keeps the
// diagnosis, says that 定稿 comes first, and takes the conclusion at 定稿.
func (e *needEditor) applyDiagnosis() { e.applyDiagnosisAs("diag.applied") }

// applyDiagnosisAs is applyDiagnosis saying what it did with the message of
// key; it reports whether it moved the need (and saved it).
func (e *needEditor) applyDiagnosisAs(key string) bool {
	n := e.need
	if n == nil {
		return false
	}
	e.diagFinal = true
	e.diag.revealAll()
	d := n.Diagnosis
	if d == nil {
		d = &forms.Diagnosis{Values: e.diag.values}
	}
	ps := e.u.cat.ValidateDiagnosis(d, forms.Final)
	e.refresh()
	if forms.Blocking(ps) {
		var lines []string
		for _, p := range ps {
			if p.Severity == forms.SeverityError {
				lines = append(lines, p.Message(e.u.cat, e.u.lang))
			}
		}
		e.showDiagResult(lang.L("diag.missing")+"\n"+strings.Join(lines, "\n"), widget.DangerImportance)
		return false
	}
	to, ok := forms.StatusForConclusion(d.Conclusion())
	if !ok {
		return false
	}
	if n.Status == forms.StatusDraft || n.Status == forms.StatusToComplete {
		n.Diagnosis = d
		e.diagPending = true
		e.markDirty()
		e.showDiagResult(lang.L("diag.needsfinal", map[string]any{"Status": n.Status.Label(e.u.lang)}), widget.WarningImportance)
		return false
	}
	if err := n.Transition(to); err != nil {
		var te *forms.TransitionError
		if errors.As(err, &te) {
			e.showDiagResult(te.Message(e.u.lang), widget.DangerImportance)
		} else {
			e.showDiagResult(err.Error(), widget.DangerImportance)
		}
		return false
	}
	n.Diagnosis = d
	d.By = e.u.settings.User
	d.At = time.Now()
	e.markDirty()
	e.saveNow()
	e.showDiagResult(lang.L(key, map[string]any{"Status": to.Label(e.u.lang)}), widget.SuccessImportance)
	return true
}

func (e *needEditor) showDiagResult(text string, imp widget.Importance) {
	e.diagResult.SetText(text)
	e.diagResult.Importance = imp
	e.diagResult.Refresh()
	e.diagResult.Show()
	showInScroll(e.diag.scroll(), e.diagResult)
}

// followUpPanel lists a need's follow-ups (意向, 合同, 付款) and adds new ones.
type followUpPanel struct {
	u       *ui
	st      followUpStore
	needID  string
	rows    *fyne.Container
	kind    *widget.Select
	date    *widget.Entry
	partner *widget.Entry
	amount  *widget.Entry
	notes   *widget.Entry
	add     *widget.Button
	message *widget.Label
	content fyne.CanvasObject
	kinds   []forms.FollowUpKind
}

func newFollowUpPanel(u *ui) *followUpPanel {
	p := &followUpPanel{u: u, st: u.st, kinds: []forms.FollowUpKind{forms.FollowUpIntent, forms.FollowUpContract, forms.FollowUpPayment}}
	var labels []string
	for _, k := range p.kinds {
		labels = append(labels, k.Label(u.lang))
	}
	p.rows = container.NewVBox()
	p.kind = widget.NewSelect(labels, nil)
	p.kind.SetSelectedIndex(0)
	p.date = widget.NewEntry()
	p.date.SetPlaceHolder(lang.L("field.placeholder.date"))
	p.partner = widget.NewEntry()
	p.partner.SetPlaceHolder(lang.L("followup.partner"))
	p.amount = widget.NewEntry()
	p.amount.SetPlaceHolder(lang.L("followup.amount"))
	p.notes = widget.NewEntry()
	p.notes.SetPlaceHolder(lang.L("followup.notes"))
	p.add = widget.NewButtonWithIcon(lang.L("followup.add"), theme.ContentAddIcon(), p.addFollowUp)
	p.message = widget.NewLabel("")
	p.message.Importance = widget.DangerImportance
	p.message.Hide()
	// The wheel over an entry scrolls the pane (see passWheel).
	pane := func() *container.Scroll { return u.editor.diag.scroll() }
	wheel := func(e *widget.Entry) fyne.CanvasObject { return passWheel(e, nil, pane) }
	p.content = container.NewVBox(
		p.rows,
		container.NewGridWithColumns(3, p.kind, wheel(p.date), wheel(p.amount)),
		container.NewBorder(nil, nil, nil, p.add, container.NewGridWithColumns(2, wheel(p.partner), wheel(p.notes))),
		p.message,
	)
	return p
}

func (p *followUpPanel) show(needID string, fus []forms.FollowUp) {
	p.needID = needID
	p.rows.RemoveAll()
	if len(fus) == 0 {
		none := widget.NewLabel(lang.L("followup.none"))
		none.Importance = widget.LowImportance
		p.rows.Add(none)
	}
	for _, f := range fus {
		text := f.Date + "　" + f.Kind.Label(p.u.lang)
		if f.Partner != "" {
			text += "　" + f.Partner
		}
		if f.AmountWan != "" {
			text += "　" + moneyText(f.AmountWan)
		}
		if f.Notes != "" {
			text += "　" + f.Notes
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		p.rows.Add(l)
	}
	p.rows.Refresh()
	if p.date.Text == "" {
		p.date.SetText(time.Now().Format("2006-01-02"))
	}
}

func (p *followUpPanel) addFollowUp() {
	if p.needID == "" {
		return
	}
	p.message.Hide()
	date, err := forms.ParseDate(p.date.Text)
	if err != nil || len(date) != len("2006-01-02") {
		p.fail(lang.L("followup.baddate"))
		return
	}
	f := &forms.FollowUp{
		NeedID: p.needID, Kind: p.kinds[max(p.kind.SelectedIndex(), 0)], Date: date,
		Partner: strings.TrimSpace(p.partner.Text), Notes: strings.TrimSpace(p.notes.Text),
	}
	if s := strings.TrimSpace(p.amount.Text); s != "" {
		m, err := forms.ParseMoney(s)
		if err != nil || m.Negotiable {
			p.fail(lang.L("followup.badamount"))
			return
		}
		f.AmountWan = m.Wan
	}
	u, id := p.u, p.needID
	p.add.Disable()
	u.bg.Go(func() {
		err := p.st.SaveFollowUp(u.ctx, f)
		var fus []forms.FollowUp
		if err == nil {
			fus, err = p.st.FollowUps(u.ctx, id)
		}
		u.run(func() {
			p.add.Enable()
			if err != nil {
				p.fail(userMessage(err, u.lang))
				return
			}
			if p.needID == id {
				p.partner.SetText("")
				p.amount.SetText("")
				p.notes.SetText("")
				p.show(id, fus)
			}
			u.dashboard.stale = true
		})
	})
}

func (p *followUpPanel) fail(msg string) {
	p.message.SetText(msg)
	p.message.Show()
	if s := p.u.editor.diag.scroll; s != nil {
		showInScroll(s(), p.message)
	}
}
