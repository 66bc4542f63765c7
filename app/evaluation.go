package app

import (
	"errors"
	"fmt"
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

// 竞榜 (issue 15.5): a need with three or more solutions is evaluated by
// experts — the panel's scores of the need and of each solution, the
// solution the experts suggest and the one the enterprise chose. The
// evaluation is part of the need (forms.Need.Evaluation): saved with it,
// synced with it to the team's hub, internal (no public output carries it).
// It is edited in a dialog from the 解决方案 section; the sheet is an
// output of jobs.Export (the Excel menu's 竞榜评估表, excelEvaluation).

// showEvaluation sets the 竞榜 button and the line that says what was
// recorded.
func (p *solutionPanel) showEvaluation() {
	if len(p.sols) >= forms.EvaluationMinSolutions {
		p.evalBtn.Enable()
	} else {
		p.evalBtn.Disable()
	}
	e := p.u.editor
	var ev *forms.Evaluation
	if e != nil && e.need != nil && e.need.ID == p.needID {
		ev = e.need.Evaluation
	}
	switch {
	case !ev.Empty():
		chosen := lang.L("evaluation.undecided")
		for i, s := range p.sols {
			if s.ID == ev.Chosen {
				chosen = fmt.Sprintf("%d. %s", i+1, s.Provider())
			}
		}
		p.evalLine.SetText(lang.L("evaluation.line", map[string]any{"Date": ev.Date, "Experts": len(ev.Experts), "Chosen": chosen}))
		p.evalLine.Show()
	case len(p.sols) < forms.EvaluationMinSolutions:
		p.evalLine.SetText(lang.L("evaluation.needthree", map[string]any{"N": forms.EvaluationMinSolutions}))
		p.evalLine.Show()
	default:
		p.evalLine.Hide()
	}
}

// evaluationView is the 竞榜 dialog: the date and the experts, a score
// entry for each criterion of the need and of each solution (0–10), the
// totals as they are typed, the experts' suggestion, the enterprise's
// choice and the experts' opinion.
type evaluationView struct {
	p    *solutionPanel
	sols []*forms.Solution

	date    *widget.Entry
	experts *widget.Entry // one a line
	// need holds the need's score entries by criterion, solutions each
	// solution's, in the order of p.sols.
	need      map[string]*widget.Entry
	needTotal *widget.Label
	solutions []map[string]*widget.Entry
	totals    []*widget.Label
	suggested *widget.Select // "" and the solutions, in order
	chosen    *widget.Select
	opinion   *widget.Entry
	message   *widget.Label
	saveBtn   *widget.Button
	dialog    *dialog.CustomDialog
}

// openEvaluation opens the 竞榜 dialog of the open need, filled in with
// what was recorded.
func (p *solutionPanel) openEvaluation() {
	e := p.u.editor
	if e.need == nil || e.need.ID != p.needID || len(p.sols) < forms.EvaluationMinSolutions {
		return
	}
	u := p.u
	u.touch()
	ev := e.need.Evaluation.Clone()
	if ev == nil {
		ev = &forms.Evaluation{Date: time.Now().Format("2006-01-02")}
	}
	v := &evaluationView{p: p, sols: p.sols, need: map[string]*widget.Entry{}}
	v.date = widget.NewEntry()
	v.date.SetText(ev.Date)
	v.date.SetPlaceHolder(lang.L("field.placeholder.date"))
	v.experts = widget.NewMultiLineEntry()
	v.experts.SetText(strings.Join(ev.Experts, "\n"))
	v.experts.SetPlaceHolder(lang.L("evaluation.experts.hint"))
	v.experts.SetMinRowsVisible(3)

	head := []fyne.CanvasObject{widget.NewLabel("")}
	scores := []fyne.CanvasObject{widget.NewLabel(lang.L("evaluation.panel"))}
	for _, c := range forms.NeedCriteria {
		head = append(head, boldLabel(c.Label(u.lang)))
		scores = append(scores, v.scoreEntry(v.need, c.ID, ev.Need, v.refreshTotals))
	}
	v.needTotal = widget.NewLabel("")
	head = append(head, boldLabel(lang.L("evaluation.total")))
	scores = append(scores, v.needTotal)
	needGrid := container.NewVBox(scoreRow(head...), scoreRow(scores...))

	solHead := []fyne.CanvasObject{boldLabel(lang.L("evaluation.provider"))}
	for _, c := range forms.SolutionCriteria {
		solHead = append(solHead, boldLabel(c.Label(u.lang)))
	}
	solHead = append(solHead, boldLabel(lang.L("evaluation.total")))
	solRows := container.NewVBox(scoreRow(solHead...))
	options := []string{lang.L("evaluation.undecided")}
	for i, s := range v.sols {
		entries := map[string]*widget.Entry{}
		name := widget.NewLabel(fmt.Sprintf("%d. %s", i+1, s.Provider()))
		name.Wrapping = fyne.TextWrapWord
		row := []fyne.CanvasObject{name}
		for _, c := range forms.SolutionCriteria {
			row = append(row, v.scoreEntry(entries, c.ID, ev.SolutionScores(s.ID), v.refreshTotals))
		}
		total := widget.NewLabel("")
		v.solutions, v.totals = append(v.solutions, entries), append(v.totals, total)
		solRows.Add(scoreRow(append(row, total)...))
		options = append(options, fmt.Sprintf("%d. %s", i+1, s.Provider()))
	}
	v.suggested = widget.NewSelect(options, nil)
	v.chosen = widget.NewSelect(options, nil)
	v.suggested.SetSelectedIndex(v.indexOf(ev.Suggested))
	v.chosen.SetSelectedIndex(v.indexOf(ev.Chosen))
	v.opinion = widget.NewMultiLineEntry()
	v.opinion.SetText(ev.Opinion)
	v.opinion.Wrapping = fyne.TextWrapWord
	v.opinion.SetMinRowsVisible(3)
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Importance = widget.DangerImportance
	v.message.Hide()
	v.refreshTotals()

	internal := widget.NewLabel(lang.L("evaluation.internal"))
	internal.Wrapping = fyne.TextWrapWord
	internal.Importance = widget.WarningImportance
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("evaluation.date")), v.date,
		widget.NewLabel(lang.L("evaluation.experts")), v.experts)
	choice := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("evaluation.suggested")), v.suggested,
		widget.NewLabel(lang.L("evaluation.chosen")), v.chosen,
		widget.NewLabel(lang.L("evaluation.opinion")), v.opinion)
	scale := lang.L("evaluation.scale", map[string]any{"Max": forms.ScoreMax})
	body := container.NewVBox(internal, form,
		sectionHeading(lang.L("evaluation.needscores")+"　"+scale), needGrid,
		sectionHeading(lang.L("evaluation.solutionscores")+"　"+scale), solRows,
		widget.NewSeparator(), choice)
	v.saveBtn = widget.NewButtonWithIcon(lang.L("evaluation.save"), theme.DocumentSaveIcon(), v.save)
	v.saveBtn.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(lang.L("button.cancel"), theme.CancelIcon(), v.close)
	bottom := container.NewVBox(v.message, container.NewHBox(layout.NewSpacer(), cancel, v.saveBtn))
	v.dialog = dialog.NewCustomWithoutButtons(lang.L("evaluation.title", map[string]any{"Title": clip(e.need.Title(), 24)}),
		container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(container.NewPadded(body))), u.win)
	size := u.win.Canvas().Size()
	v.dialog.Resize(fyne.NewSize(min(900, size.Width-40), min(700, size.Height-40)))
	p.eval = v
	v.dialog.Show()
}

func boldLabel(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// scoreRow lays a row of the score tables out: a wide first column, then
// the criteria and the total in equal columns.
func scoreRow(objs ...fyne.CanvasObject) fyne.CanvasObject {
	weights := make([]float32, len(objs))
	for i := range weights {
		weights[i] = 1
	}
	weights[0] = 2.4
	return container.New(&columnsLayout{weights: weights}, objs...)
}

// scoreEntry is the entry of one criterion's score, filled in from scores,
// kept in entries under the criterion's id.
func (v *evaluationView) scoreEntry(entries map[string]*widget.Entry, id string, scores forms.Scores, changed func()) *widget.Entry {
	en := widget.NewEntry()
	en.SetPlaceHolder(fmt.Sprintf("0–%d", forms.ScoreMax))
	if x, ok := scores[id]; ok {
		en.SetText(forms.FormatScore(x))
	}
	en.OnChanged = func(string) { changed() }
	entries[id] = en
	return en
}

// indexOf is a solution's option in the selects (0: not decided).
func (v *evaluationView) indexOf(id string) int {
	for i, s := range v.sols {
		if s.ID == id && id != "" {
			return i + 1
		}
	}
	return 0
}

// read reads the scores of entries into a Scores, and the problems of
// those that are no score.
func (v *evaluationView) read(entries map[string]*widget.Entry, criteria []forms.Criterion, whose string) (forms.Scores, []string) {
	out := forms.Scores{}
	var bad []string
	for _, c := range criteria {
		t := strings.TrimSpace(entries[c.ID].Text)
		if t == "" {
			continue
		}
		x, err := forms.ParseScore(t)
		var se *forms.ScoreError
		if errors.As(err, &se) {
			bad = append(bad, fmt.Sprintf("%s · %s：%s", whose, c.Label(v.p.u.lang), se.Message(v.p.u.lang)))
			continue
		}
		out[c.ID] = x
	}
	return out, bad
}

// refreshTotals shows the totals of what is typed.
func (v *evaluationView) refreshTotals() {
	total := func(entries map[string]*widget.Entry, criteria []forms.Criterion, l *widget.Label) {
		s, bad := v.read(entries, criteria, "")
		t, all := s.Total(criteria)
		text := forms.FormatScore(t)
		switch {
		case len(bad) > 0:
			text = "—"
		case len(s) == 0:
			text = ""
		case !all:
			text += "…"
		}
		l.SetText(text)
	}
	total(v.need, forms.NeedCriteria, v.needTotal)
	for i := range v.solutions {
		total(v.solutions[i], forms.SolutionCriteria, v.totals[i])
	}
}

// save builds the evaluation from the dialog, checks it, and saves it with
// the need.
func (v *evaluationView) save() {
	u, e := v.p.u, v.p.u.editor
	u.touch()
	if e.need == nil || e.need.ID != v.p.needID {
		v.close()
		return
	}
	ev, bad := v.evaluation()
	if len(bad) > 0 {
		v.message.SetText(strings.Join(bad, "\n"))
		v.message.Show()
		return
	}
	if ev.Empty() {
		ev = nil
	}
	e.need.Evaluation = ev
	e.markDirty()
	e.saveNow()
	v.close()
	v.p.showEvaluation()
}

// evaluation reads the dialog into an evaluation, and says what in it is
// wrong, one line each.
func (v *evaluationView) evaluation() (*forms.Evaluation, []string) {
	u := v.p.u
	ev := &forms.Evaluation{Opinion: strings.TrimSpace(v.opinion.Text), By: u.settings.User, At: time.Now()}
	var bad []string
	if d := strings.TrimSpace(v.date.Text); d != "" {
		day, err := forms.ParseDate(d)
		if err != nil || len(day) != len("2006-01-02") {
			bad = append(bad, lang.L("evaluation.baddate"))
		}
		ev.Date = day
	}
	for _, line := range strings.Split(v.experts.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			ev.Experts = append(ev.Experts, line)
		}
	}
	var b []string
	ev.Need, b = v.read(v.need, forms.NeedCriteria, lang.L("evaluation.theneed"))
	bad = append(bad, b...)
	ids := make([]string, len(v.sols))
	for i, s := range v.sols {
		ids[i] = s.ID
		sc, b := v.read(v.solutions[i], forms.SolutionCriteria, fmt.Sprintf("%d. %s", i+1, clip(s.Provider(), 16)))
		bad = append(bad, b...)
		if len(sc) > 0 {
			ev.SetScores(s.ID, sc)
		}
	}
	if i := v.suggested.SelectedIndex(); i > 0 {
		ev.Suggested = ids[i-1]
	}
	if i := v.chosen.SelectedIndex(); i > 0 {
		ev.Chosen = ids[i-1]
	}
	for _, p := range forms.ValidateEvaluation(ev, ids) {
		bad = append(bad, p.Message(u.cat, u.lang))
	}
	return ev, bad
}

func (v *evaluationView) close() {
	v.dialog.Hide()
	if v.p.eval == v {
		v.p.eval = nil
	}
}
