package app

import (
	"net/url"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/store"
)

// settingsView is the 设置 screen: who the official is, the team's home
// region, the language, the data dir, the platform's address and the
// campaign's targets.
type settingsView struct {
	u        *ui
	user     *widget.Entry
	team     *widget.Entry
	home     *regionPicker
	language *widget.RadioGroup
	langNote *widget.Label
	dataDir  *widget.Label
	platform *widget.Entry
	targets  [5]*widget.Entry
	save_    *widget.Button
	message  *widget.Label
	content  fyne.CanvasObject
}

// languages offered, in the order of the radio buttons.
var languageCodes = []string{string(Chinese), string(English)}

func newSettingsView(u *ui) *settingsView {
	v := &settingsView{u: u}
	v.user = widget.NewEntry()
	v.team = widget.NewEntry()
	v.home = newRegionPicker(nil)
	v.language = widget.NewRadioGroup([]string{"中文", "English"}, func(string) { v.languageChanged() })
	v.language.Horizontal = true
	v.language.Required = true
	v.langNote = widget.NewLabel(lang.L("settings.lang.restart"))
	v.langNote.Importance = widget.WarningImportance
	v.langNote.Wrapping = fyne.TextWrapWord
	v.langNote.Hide()
	v.dataDir = widget.NewLabel(u.opts.DataDir)
	v.dataDir.Selectable = true
	v.dataDir.Wrapping = fyne.TextWrapBreak
	v.platform = widget.NewEntry()
	v.platform.SetPlaceHolder("https://")
	for i := range v.targets {
		v.targets[i] = widget.NewEntry()
	}
	v.save_ = widget.NewButtonWithIcon(lang.L("settings.save"), theme.DocumentSaveIcon(), v.save)
	v.save_.Importance = widget.HighImportance
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Hide()

	label := func(key string) *widget.Label { return widget.NewLabel(lang.L(key)) }
	form := container.New(layout.NewFormLayout(),
		label("settings.user"), v.user,
		label("settings.team"), v.team,
		label("settings.home"), container.NewVBox(v.home.content, smallLabel(lang.L("settings.home.help"))),
		label("settings.lang"), container.NewVBox(v.language, v.langNote),
		label("settings.datadir"), v.dataDir,
		label("settings.platform"), container.NewVBox(v.platform, smallLabel(lang.L("settings.platform.help"))),
	)
	targets := container.New(layout.NewFormLayout(),
		label("settings.target.enterprises"), v.targets[0],
		label("settings.target.validneeds"), v.targets[1],
		label("settings.target.crossregion"), v.targets[2],
		label("settings.target.matches"), v.targets[3],
		label("settings.target.deals"), v.targets[4],
	)
	title := widget.NewLabel(lang.L("tab.settings"))
	title.SizeName = theme.SizeNameHeadingText
	v.content = container.NewVScroll(container.NewPadded(container.NewVBox(
		title,
		form,
		sectionHeading(lang.L("settings.targets")),
		targets,
		container.NewHBox(layout.NewSpacer(), v.save_),
		v.message,
	)))
	v.load(u.settings)
	return v
}

// load shows settings.
func (v *settingsView) load(s store.Settings) {
	v.user.SetText(s.User)
	v.team.SetText(s.Team)
	v.home.setCode(s.HomeRegion)
	v.language.OnChanged = nil
	if ParseLanguage(s.Lang) == English {
		v.language.SetSelected("English")
	} else {
		v.language.SetSelected("中文")
	}
	v.language.OnChanged = func(string) { v.languageChanged() }
	v.platform.SetText(s.PlatformURL)
	for i, n := range []int{s.Targets.Enterprises, s.Targets.ValidNeeds, s.Targets.CrossRegion, s.Targets.Matches, s.Targets.Deals} {
		v.targets[i].SetText(strconv.Itoa(n))
	}
}

func (v *settingsView) selectedLang() string {
	if v.language.Selected == "English" {
		return string(English)
	}
	return string(Chinese)
}

func (v *settingsView) languageChanged() {
	if v.selectedLang() != string(CurrentLanguage()) {
		v.langNote.Show()
	} else {
		v.langNote.Hide()
	}
}

// save checks and stores the settings, off the UI goroutine.
func (v *settingsView) save() {
	s := v.u.settings
	s.User = strings.TrimSpace(v.user.Text)
	s.Team = strings.TrimSpace(v.team.Text)
	s.HomeRegion = v.home.code()
	s.Lang = v.selectedLang()
	s.PlatformURL = strings.TrimSpace(v.platform.Text)
	if s.PlatformURL != "" {
		p, err := url.Parse(s.PlatformURL)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			v.show(lang.L("settings.badurl"), widget.DangerImportance)
			return
		}
	}
	dst := []*int{&s.Targets.Enterprises, &s.Targets.ValidNeeds, &s.Targets.CrossRegion, &s.Targets.Matches, &s.Targets.Deals}
	for i, e := range v.targets {
		n, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil || n <= 0 {
			v.show(lang.L("settings.badtarget"), widget.DangerImportance)
			return
		}
		*dst[i] = n
	}
	u := v.u
	v.save_.Disable()
	u.bg.Go(func() {
		err := u.st.SaveSettings(u.ctx, s)
		u.run(func() {
			v.save_.Enable()
			if err != nil {
				v.show(userMessage(err, u.lang), widget.DangerImportance)
				return
			}
			u.settings = s
			u.dashboard.stale = true
			msg := lang.L("settings.saved")
			if s.Lang != string(CurrentLanguage()) {
				msg += " " + lang.L("settings.lang.restart")
			}
			v.show(msg, widget.SuccessImportance)
		})
	})
}

func (v *settingsView) show(text string, imp widget.Importance) {
	v.message.SetText(text)
	v.message.Importance = imp
	v.message.Refresh()
	v.message.Show()
}
