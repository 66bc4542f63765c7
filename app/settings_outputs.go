package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/store"
)

// outputSettings is the part of 设置 for what the team hands out: the
// campaign the 《技术需求汇编》 booklet's cover states (store.Event; its
// platform is also where a card without a QR code says its need will be
// published), and the heading of the organisers' report with the 典型案例
// target (store.Report, Targets.TypicalCases). The settings view shows its
// content and calls load and apply.
type outputSettings struct {
	eventName      *widget.Entry
	eventOrganiser *widget.Entry
	eventDeadline  *widget.Entry
	eventSubmit    *widget.Entry
	eventPlatform  *widget.Entry
	reportTitle    *widget.Entry
	reportUnit     *widget.Entry
	reportFiler    *widget.Entry
	typicalCases   *widget.Entry

	content fyne.CanvasObject
}

func newOutputSettings() *outputSettings {
	o := &outputSettings{
		eventName: widget.NewEntry(), eventOrganiser: widget.NewEntry(), eventDeadline: widget.NewEntry(),
		eventSubmit: widget.NewMultiLineEntry(), eventPlatform: widget.NewEntry(),
		reportTitle: widget.NewEntry(), reportUnit: widget.NewEntry(), reportFiler: widget.NewEntry(),
		typicalCases: widget.NewEntry(),
	}
	o.eventName.SetPlaceHolder(lang.L("settings.event.name.example"))
	o.eventDeadline.SetPlaceHolder(lang.L("settings.event.deadline.example"))
	o.eventSubmit.SetPlaceHolder(lang.L("settings.event.submit.example"))
	o.eventSubmit.Wrapping = fyne.TextWrapWord
	o.eventSubmit.SetMinRowsVisible(3)
	o.eventPlatform.SetPlaceHolder(lang.L("settings.event.platform.example"))
	o.reportTitle.SetPlaceHolder(lang.L("settings.report.title.example"))
	label := func(key string) *widget.Label { return widget.NewLabel(lang.L(key)) }
	event := container.New(layout.NewFormLayout(),
		label("settings.event.name"), o.eventName,
		label("settings.event.organiser"), o.eventOrganiser,
		label("settings.event.deadline"), o.eventDeadline,
		label("settings.event.submit"), o.eventSubmit,
		label("settings.event.platform"), container.NewVBox(o.eventPlatform, smallLabel(lang.L("settings.event.platform.help"))),
	)
	report := container.New(layout.NewFormLayout(),
		label("settings.report.title"), o.reportTitle,
		label("settings.report.unit"), o.reportUnit,
		label("settings.report.filer"), container.NewVBox(o.reportFiler, smallLabel(lang.L("settings.report.filer.help"))),
		label("settings.target.typicalcases"), o.typicalCases,
	)
	o.content = container.NewVBox(
		sectionHeading(lang.L("settings.event")),
		smallLabel(lang.L("settings.event.help")),
		event,
		sectionHeading(lang.L("settings.report")),
		report,
	)
	return o
}

// load shows the settings.
func (o *outputSettings) load(s store.Settings) {
	o.eventName.SetText(s.Event.Name)
	o.eventOrganiser.SetText(s.Event.Organiser)
	o.eventDeadline.SetText(s.Event.Deadline)
	o.eventSubmit.SetText(s.Event.Submit)
	o.eventPlatform.SetText(s.Event.Platform)
	o.reportTitle.SetText(s.Report.Title)
	o.reportUnit.SetText(s.Report.Unit)
	o.reportFiler.SetText(s.Report.Filer)
	o.reportFiler.SetPlaceHolder(s.User)
	o.typicalCases.SetText(strconv.Itoa(s.Targets.TypicalCases))
}

// apply puts what the entries say into s, or says what is wrong with it
// ("" when nothing).
func (o *outputSettings) apply(s *store.Settings) string {
	n, err := strconv.Atoi(strings.TrimSpace(o.typicalCases.Text))
	if err != nil || n <= 0 {
		return lang.L("settings.badtarget")
	}
	s.Targets.TypicalCases = n
	s.Event = store.Event{
		Name:      strings.TrimSpace(o.eventName.Text),
		Organiser: strings.TrimSpace(o.eventOrganiser.Text),
		Deadline:  strings.TrimSpace(o.eventDeadline.Text),
		Submit:    strings.TrimSpace(o.eventSubmit.Text),
		Platform:  strings.TrimSpace(o.eventPlatform.Text),
	}
	s.Report = store.Report{
		Title: strings.TrimSpace(o.reportTitle.Text),
		Unit:  strings.TrimSpace(o.reportUnit.Text),
		Filer: strings.TrimSpace(o.reportFiler.Text),
	}
	return ""
}
