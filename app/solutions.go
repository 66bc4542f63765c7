package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// The editor's 解决方案 section (issue 15.4): the solutions a need
// received — from the hub's public page, on paper at a 对接会, from a
// workbook — each with its provider, status, contact (the phone masked:
// the list does not need it whole), source and the official's notes. One
// opens in a dialog to be read and edited, its status changed; a paper
// 方案表 is typed in the same dialog. When a solution's status changes (or a
// new one is typed in) the need's status follows its solutions through the
// lifecycle table — the store's one step for it, which imports and the sync
// take too (store.Tx.FollowSolutions), in the transaction of the save —
// and the section says what happened, or why the need stayed.

// solutionStore is what the 解决方案 section reads and writes.
type solutionStore interface {
	Solutions(ctx context.Context, needID string) ([]*forms.Solution, error)
	SaveSolution(ctx context.Context, s *forms.Solution) error
	SaveSolutionFollow(ctx context.Context, s *forms.Solution) (store.Followed, error)
}

// solutionPanel is the 解决方案 section of the need editor.
type solutionPanel struct {
	u       *ui
	st      solutionStore
	needID  string
	sols    []*forms.Solution // the need's solutions, oldest first
	loadSeq uint64

	rows     *fyne.Container
	openBtns []*widget.Button // each row's 打开, in the order of sols
	addBtn   *widget.Button   // 录入纸质方案
	evalBtn  *widget.Button   // 竞榜评估 (evaluation.go)
	evalLine *widget.Label    // the evaluation recorded, if any
	message  *widget.Label    // what following its solutions did to the need
	// jump is the editor toolbar's 解决方案 N button: it shows this section.
	jump    *widget.Button
	content *fyne.Container

	view *solutionView   // the solution open in its dialog, nil when none
	eval *evaluationView // the evaluation open in its dialog, nil when none
}

func newSolutionPanel(u *ui) *solutionPanel {
	p := &solutionPanel{u: u, st: u.st}
	p.rows = container.NewVBox()
	p.addBtn = widget.NewButtonWithIcon(lang.L("solution.add"), theme.ContentAddIcon(), func() { p.open(nil) })
	p.evalBtn = widget.NewButtonWithIcon(lang.L("evaluation.button"), theme.DocumentCreateIcon(), p.openEvaluation)
	p.evalLine = smallLabel("")
	p.evalLine.Hide()
	p.message = widget.NewLabel("")
	p.message.Wrapping = fyne.TextWrapWord
	p.message.Hide()
	p.jump = widget.NewButtonWithIcon("", theme.MailForwardIcon(), p.reveal)
	p.jump.Importance = widget.LowImportance
	p.content = container.NewVBox(sectionHeading(lang.L("section.solutions")), p.rows, p.message, p.evalLine,
		container.NewHBox(p.addBtn, p.evalBtn, layout.NewSpacer()))
	p.showRows()
	return p
}

// load shows a need's solutions, read off the UI goroutine.
func (p *solutionPanel) load(needID string) {
	if p.needID != needID {
		p.sols = nil
		p.message.Hide()
	}
	p.needID = needID
	p.showRows()
	st := p.st
	p.loadSeq++
	seq, u := p.loadSeq, p.u
	u.bg.Go(func() {
		sols, err := st.Solutions(u.ctx, needID)
		u.run(func() {
			if seq != p.loadSeq || p.needID != needID {
				return
			}
			if err != nil {
				p.say(userMessage(err, u.lang), widget.DangerImportance)
				return
			}
			p.sols = sols
			p.showRows()
		})
	})
}

// showRows draws the list of solutions, the jump button's count and the
// evaluation's line.
func (p *solutionPanel) showRows() {
	p.rows.RemoveAll()
	if len(p.sols) == 0 {
		none := widget.NewLabel(lang.L("solution.none"))
		none.Importance = widget.LowImportance
		none.Wrapping = fyne.TextWrapWord
		p.rows.Add(none)
	}
	p.openBtns = p.openBtns[:0]
	for i, s := range p.sols {
		p.rows.Add(p.row(i, s))
	}
	p.rows.Refresh()
	p.jump.SetText(lang.L("solution.jump", map[string]any{"N": len(p.sols)}))
	p.showEvaluation()
}

// row is one solution in the list: provider and type, status, contact with
// the phone masked, source and date, the notes' first line, and 打开.
func (p *solutionPanel) row(i int, s *forms.Solution) fyne.CanvasObject {
	u := p.u
	name := s.Provider()
	if name == "" {
		name = lang.L("solution.noprovider")
	}
	if t := s.Values.Get("provider_type"); t != "" {
		name += "（" + u.cat.Vocabulary("provider_type").Label(t, u.lang) + "）"
	}
	head := widget.NewLabel(fmt.Sprintf("%d. %s", i+1, name))
	head.Wrapping = fyne.TextWrapWord
	head.TextStyle.Bold = true
	status := widget.NewLabel(s.Status.Label(u.lang))
	status.Importance = solutionImportance(s.Status)
	contact := strings.TrimSpace(s.Values.Get("solution_contact") + " " + forms.MaskPhone(s.Values.Get("solution_phone")))
	when := ""
	if !s.CreatedAt.IsZero() {
		when = s.CreatedAt.Local().Format("2006-01-02")
	}
	lines := container.NewVBox(head, smallLabel(strings.Join(nonEmpty(contact, s.Source.Label(u.lang), when), "　")))
	if notes := strings.TrimSpace(s.Values.Get("solution_notes")); notes != "" {
		first, _, _ := strings.Cut(notes, "\n")
		lines.Add(smallLabel(lang.L("solution.notesline", map[string]any{"Notes": clip(first, 60)})))
	}
	open := widget.NewButtonWithIcon(lang.L("solution.open"), theme.DocumentIcon(), func() { p.open(s) })
	open.Importance = widget.LowImportance
	p.openBtns = append(p.openBtns, open)
	return container.NewBorder(nil, widget.NewSeparator(), nil, container.NewVBox(status, open), lines)
}

// solutionImportance colours a solution's status: chosen and signed ones
// stand out, declined ones recede.
func solutionImportance(s forms.SolutionStatus) widget.Importance {
	switch s {
	case forms.SolutionChosen, forms.SolutionSigned:
		return widget.SuccessImportance
	case forms.SolutionRecommended, forms.SolutionNegotiating:
		return widget.HighImportance
	case forms.SolutionDeclined:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// reveal scrolls the editor to this section.
func (p *solutionPanel) reveal() {
	if s := p.u.editor.diag.scroll; s != nil {
		showInScroll(s(), p.content)
	}
}

// say shows a message under the list.
func (p *solutionPanel) say(text string, imp widget.Importance) {
	if text == "" {
		p.message.Hide()
		return
	}
	showMessage(p.message, text, imp)
}

// saved takes over a solution just saved: into the list, and — when its
// status changed or it is new — what following its solutions did to the
// need.
func (p *solutionPanel) saved(s *forms.Solution, follow bool, f store.Followed) {
	if s.NeedID != p.needID {
		return
	}
	i := slices.IndexFunc(p.sols, func(x *forms.Solution) bool { return x.ID == s.ID })
	if i >= 0 {
		p.sols[i] = s
	} else {
		p.sols = append(p.sols, s)
	}
	p.showRows()
	p.u.changed() // the list's 揭榜 column, the 工作台
	if follow {
		p.followed(f)
	}
}

// followed says what following its solutions did to the open need, whose
// copy on screen takes over the revision the store saved when it moved.
func (p *solutionPanel) followed(f store.Followed) {
	e := p.u.editor
	if e.need == nil || e.need.ID != p.needID {
		return
	}
	switch {
	case f.Moved():
		if f.ID == e.need.ID {
			e.need.Rev, e.need.Status, e.need.StaleFrom = f.Rev, f.To, ""
			e.refresh()
		}
		p.say(f.Message(p.u.lang), widget.SuccessImportance)
	case f.Blocked:
		p.say(f.Message(p.u.lang), widget.WarningImportance)
	default:
		p.say("", widget.MediumImportance)
	}
}

// solutionView is one solution in a dialog: its status (the steps its
// lifecycle allows from where it stands), where it came from, and its
// fields drawn from the catalogue, the official's notes among them.
type solutionView struct {
	p     *solutionPanel
	sol   *forms.Solution // the copy being edited; the form edits its Values
	isNew bool

	form        *fieldForm
	status      *widget.Select
	statusCodes []forms.SolutionStatus
	origin      *widget.Label
	message     *widget.Label
	saveBtn     *widget.Button
	cancelBtn   *widget.Button
	scroll      *container.Scroll
	dialog      *dialog.CustomDialog
}

// open shows a solution in its dialog; nil types in a new paper 方案表.
func (p *solutionPanel) open(s *forms.Solution) {
	if p.needID == "" {
		return
	}
	u := p.u
	u.touch()
	v := &solutionView{p: p}
	if s == nil {
		v.isNew = true
		v.sol = &forms.Solution{NeedID: p.needID, Status: forms.SolutionSubmitted, Source: forms.SourcePaper,
			Values: forms.Values{}, CreatedBy: u.settings.User}
	} else {
		v.sol = s.Clone()
		if v.sol.Values == nil {
			v.sol.Values = forms.Values{}
		}
	}
	v.form = newFieldForm(u.cat, u.lang, u.cat.Fields(forms.EntitySolution))
	v.form.load(v.sol.Values)
	v.form.OnChanged = func(string) { v.form.showProblems(u.cat.ValidateSolution(v.sol, forms.Draft)) }
	v.statusCodes = append([]forms.SolutionStatus{v.sol.Status}, nextSolutionStatuses(v.sol.Status)...)
	var labels []string
	for _, st := range v.statusCodes {
		labels = append(labels, st.Label(u.lang))
	}
	v.status = widget.NewSelect(labels, nil)
	v.status.SetSelectedIndex(0)
	v.origin = widget.NewLabel(v.originText())
	v.origin.Wrapping = fyne.TextWrapWord
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Importance = widget.DangerImportance
	v.message.Hide()
	v.saveBtn = widget.NewButtonWithIcon(lang.L("solution.save"), theme.DocumentSaveIcon(), v.save)
	v.saveBtn.Importance = widget.HighImportance
	v.cancelBtn = widget.NewButtonWithIcon(lang.L("button.cancel"), theme.CancelIcon(), v.close)
	v.scroll = container.NewVScroll(container.NewPadded(v.form.sections()))
	v.form.scroll = func() *container.Scroll { return v.scroll }
	statusRow := container.NewBorder(nil, nil, widget.NewLabel(lang.L("solution.status")), nil, v.status)
	top := container.NewVBox(statusRow, v.origin, widget.NewSeparator())
	bottom := container.NewVBox(v.message, container.NewHBox(layout.NewSpacer(), v.cancelBtn, v.saveBtn))
	title := lang.L("solution.title.new")
	if !v.isNew {
		title = lang.L("solution.title", map[string]any{"Provider": clip(v.sol.Provider(), 24)})
	}
	v.dialog = dialog.NewCustomWithoutButtons(title, container.NewBorder(top, bottom, nil, nil, v.scroll), u.win)
	size := u.win.Canvas().Size()
	v.dialog.Resize(fyne.NewSize(min(860, size.Width-40), min(660, size.Height-40)))
	p.view = v
	v.dialog.Show()
}

// nextSolutionStatuses are the statuses a solution may go to from s, in
// lifecycle order.
func nextSolutionStatuses(s forms.SolutionStatus) []forms.SolutionStatus {
	var out []forms.SolutionStatus
	for _, to := range forms.SolutionStatuses {
		if forms.CanTransitionSolution(s, to) {
			out = append(out, to)
		}
	}
	return out
}

// originText says where the solution came from: its source, the receipt
// given to the provider, the consent to the notice, when it arrived.
func (v *solutionView) originText() string {
	u, s := v.p.u, v.sol
	if v.isNew {
		return lang.L("solution.origin.paper")
	}
	parts := []string{lang.L("solution.origin.source", map[string]any{"Source": s.Source.Label(u.lang)})}
	if !s.CreatedAt.IsZero() {
		parts = append(parts, lang.L("solution.origin.at", map[string]any{"Time": s.CreatedAt.Local().Format("2006-01-02 15:04")}))
	}
	if s.Receipt != "" {
		parts = append(parts, lang.L("solution.origin.receipt", map[string]any{"Receipt": s.Receipt}))
	}
	if s.Consent != nil {
		parts = append(parts, lang.L("solution.origin.consent", map[string]any{"Time": s.Consent.At.Local().Format("2006-01-02")}))
	}
	return strings.Join(parts, "　")
}

// save checks the solution and saves it off the UI goroutine; then the
// list takes it over, and the need follows a change of status.
func (v *solutionView) save() {
	u, s := v.p.u, v.sol
	u.touch()
	v.form.revealAll()
	ps := u.cat.ValidateSolution(s, forms.Draft)
	v.form.showProblems(ps)
	switch {
	case strings.TrimSpace(s.Provider()) == "":
		v.fail(lang.L("solution.needprovider"))
		return
	case forms.Blocking(ps):
		v.fail(lang.L("solution.invalid", map[string]any{"Problem": ps[0].Message(u.cat, u.lang)}))
		return
	}
	from := s.Status
	i := v.status.SelectedIndex()
	if i < 0 || i >= len(v.statusCodes) {
		i = 0
	}
	snap := s.Clone()
	if err := snap.Transition(v.statusCodes[i]); err != nil {
		var te *forms.SolutionTransitionError
		if errors.As(err, &te) {
			v.fail(te.Message(u.lang))
		} else {
			v.fail(userMessage(err, u.lang))
		}
		return
	}
	follow := snap.Status != from || v.isNew
	st := v.p.st
	v.saveBtn.Disable()
	if follow {
		u.editor.saveNow() // the need follows from what is on screen
	}
	u.bg.Go(func() {
		var f store.Followed
		var err error
		if follow {
			u.saver.inflight.Wait()
			f, err = st.SaveSolutionFollow(u.ctx, snap)
		} else {
			err = st.SaveSolution(u.ctx, snap)
		}
		u.run(func() {
			v.saveBtn.Enable()
			if err != nil {
				v.fail(userMessage(err, u.lang))
				return
			}
			v.close()
			v.p.saved(snap, follow, f)
		})
	})
}

func (v *solutionView) fail(msg string) {
	v.message.SetText(msg)
	v.message.Show()
}

func (v *solutionView) close() {
	v.dialog.Hide()
	if v.p.view == v {
		v.p.view = nil
	}
}
