package app

import (
	"errors"
	"slices"
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

// settingsView is the 设置 screen: the connection to the platform (its
// own panel, platform.go), who the official is, the team's home region, the
// language, the data dir and its backup, the idle lock, the campaign's
// targets and the data's passphrase.
type settingsView struct {
	u        *ui
	st       settingsStore
	user     *widget.Entry
	team     *widget.Entry
	home     *regionPicker
	language *widget.RadioGroup
	langNote *widget.Label
	dataDir  *widget.Label
	backup   *widget.Button // 备份…: a backup of the data where the user says (backup.go)
	platform *platformPanel // 平台连接
	targets  [5]*widget.Entry
	outputs  *outputSettings // the booklet's campaign and the report's heading
	save_    *widget.Button
	message  *widget.Label
	scroll   *container.Scroll
	content  fyne.CanvasObject

	// The idle lock: after how many minutes (lockChoices[i] for option i;
	// -1 never), and a note while no passphrase is set.
	lockAfter   *widget.Select
	lockChoices []int
	lockNote    *widget.Label

	// The data's passphrase: its state, the current one (asked when one is
	// set), the new one twice, and the button that sets it.
	passState   *widget.Label
	oldLabel    *widget.Label
	oldPass     *widget.Entry
	newPass     *widget.Entry
	repeatPass  *widget.Entry
	passWarning *widget.Label
	passSet     *widget.Button
	passBusy    *widget.Activity
	passMessage *widget.Label
}

// lockMinutes are the idle times offered, in minutes; -1 is 从不.
var lockMinutes = []int{5, 10, 15, 30, 60, -1}

func newSettingsView(u *ui) *settingsView {
	v := &settingsView{u: u, st: u.st}
	v.user = widget.NewEntry()
	v.team = widget.NewEntry()
	v.home = newRegionPicker(nil)
	v.home.hidden = true // shown when the settings are (ui.tabShown)
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
	v.backup = widget.NewButtonWithIcon(lang.L("backup.button"), theme.DownloadIcon(), u.backupData)
	v.platform = newPlatformPanel(u)
	for i := range v.targets {
		v.targets[i] = widget.NewEntry()
	}
	v.save_ = widget.NewButtonWithIcon(lang.L("settings.save"), theme.DocumentSaveIcon(), v.save)
	v.save_.Importance = widget.HighImportance
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Hide()
	v.lockAfter = widget.NewSelect(nil, nil)
	v.lockNote = smallLabel(lang.L("lock.needspassphrase"))
	v.lockNote.Importance = widget.WarningImportance
	passphrase := v.newPassphraseForm()
	v.outputs = newOutputSettings()

	label := func(key string) *widget.Label { return widget.NewLabel(lang.L(key)) }
	form := container.New(layout.NewFormLayout(),
		label("settings.user"), v.user,
		label("settings.team"), v.team,
		label("settings.home"), container.NewVBox(v.home.content, smallLabel(lang.L("settings.home.help"))),
		label("settings.lang"), container.NewVBox(v.language, v.langNote),
		label("settings.datadir"), container.NewVBox(v.dataDir, container.NewHBox(v.backup), smallLabel(lang.L("backup.help"))),
		label("profile.label"), newProfilePicker(u).content,
		label("lock.after"), container.NewVBox(container.NewHBox(container.New(&fixedWidth{width: 200}, v.lockAfter)), v.lockNote),
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
	v.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(
		title,
		sectionHeading(lang.L("platform.heading")),
		v.platform.content,
		sectionHeading(lang.L("settings.general")),
		form,
		sectionHeading(lang.L("settings.targets")),
		targets,
		v.outputs.content,
		resultRow(v.message, v.save_),
		sectionHeading(lang.L("passphrase.heading")),
		passphrase,
	)))
	v.content = v.scroll
	// The wheel over any of the screen's entries scrolls it (issue 12.14).
	wheelThrough(v.scroll.Content, func() *container.Scroll { return v.scroll })
	v.load(u.settings)
	v.showPassphraseState()
	return v
}

// newPassphraseForm builds the form that sets or changes the passphrase.
func (v *settingsView) newPassphraseForm() fyne.CanvasObject {
	v.passState = widget.NewLabel("")
	v.passState.Wrapping = fyne.TextWrapWord
	v.oldLabel = widget.NewLabel(lang.L("passphrase.old"))
	v.oldPass = widget.NewPasswordEntry()
	v.newPass = widget.NewPasswordEntry()
	v.newPass.SetPlaceHolder(lang.L("passphrase.tooshort", map[string]any{"N": minPassphraseLen}))
	v.repeatPass = widget.NewPasswordEntry()
	v.repeatPass.OnSubmitted = func(string) { v.setPassphrase() }
	v.passWarning = smallLabel(lang.L("passphrase.warning"))
	v.passWarning.Importance = widget.WarningImportance
	v.passSet = widget.NewButtonWithIcon(lang.L("passphrase.set"), theme.ConfirmIcon(), v.setPassphrase)
	v.passBusy = widget.NewActivity()
	v.passBusy.Hide()
	v.passMessage = widget.NewLabel("")
	v.passMessage.Wrapping = fyne.TextWrapWord
	v.passMessage.Hide()
	form := container.New(layout.NewFormLayout(),
		v.oldLabel, v.oldPass,
		widget.NewLabel(lang.L("passphrase.new")), v.newPass,
		widget.NewLabel(lang.L("passphrase.repeat")), v.repeatPass,
	)
	return container.NewVBox(
		v.passState,
		form,
		v.passWarning,
		resultRow(v.passMessage, v.passBusy, v.passSet),
	)
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
	for i, n := range []int{s.Targets.Enterprises, s.Targets.ValidNeeds, s.Targets.CrossRegion, s.Targets.Matches, s.Targets.Deals} {
		v.targets[i].SetText(strconv.Itoa(n))
	}
	v.loadLockAfter(s.LockAfterMinutes)
	v.outputs.load(s)
}

// loadLockAfter offers the idle times, with minutes (a time set elsewhere,
// such as 20, included) selected.
func (v *settingsView) loadLockAfter(minutes int) {
	if minutes == 0 || minutes < -1 {
		minutes = store.DefaultSettings().LockAfterMinutes
	}
	v.lockChoices = slices.Clone(lockMinutes)
	if !slices.Contains(v.lockChoices, minutes) {
		v.lockChoices = append(v.lockChoices, minutes)
		slices.SortFunc(v.lockChoices, func(a, b int) int {
			if a == -1 || b == -1 { // 从不 last
				return b - a
			}
			return a - b
		})
	}
	options := make([]string, len(v.lockChoices))
	for i, m := range v.lockChoices {
		options[i] = lockLabel(m)
	}
	v.lockAfter.SetOptions(options)
	v.lockAfter.SetSelectedIndex(slices.Index(v.lockChoices, minutes))
}

// lockLabel names an idle time: "10 分钟", "从不".
func lockLabel(minutes int) string {
	if minutes < 0 {
		return lang.L("lock.never")
	}
	return lang.L("lock.minutes", map[string]any{"N": minutes})
}

// selectedLockAfter is the idle time chosen, in minutes (-1 never).
func (v *settingsView) selectedLockAfter() int {
	if i := v.lockAfter.SelectedIndex(); i >= 0 && i < len(v.lockChoices) {
		return v.lockChoices[i]
	}
	return v.u.settings.LockAfterMinutes
}

// showPassphraseState says whether a passphrase is set, asks for the
// current one only then, and shows the lock's note only when none is.
func (v *settingsView) showPassphraseState() {
	ps := v.u.passphrases()
	encrypted := ps.Encrypted()
	has := encrypted && ps.HasPassphrase()
	switch {
	case !encrypted:
		v.passState.SetText(lang.L("passphrase.state.unencrypted"))
	case has:
		v.passState.SetText(lang.L("passphrase.state.set"))
	default:
		v.passState.SetText(lang.L("passphrase.state.none"))
	}
	label := "passphrase.set"
	if has {
		label = "passphrase.change"
		v.oldLabel.Show()
		v.oldPass.Show()
	} else {
		v.oldLabel.Hide()
		v.oldPass.Hide()
	}
	v.passSet.SetText(lang.L(label))
	if encrypted {
		v.passSet.Enable()
	} else {
		v.passSet.Disable()
	}
	if has {
		v.lockNote.Hide()
	} else {
		v.lockNote.Show()
	}
}

// setPassphrase checks the entries, then (off the UI goroutine: each
// derivation of the key takes a quarter of a second) checks the current
// passphrase and sets the new one.
func (v *settingsView) setPassphrase() {
	u := v.u
	u.touch()
	ps := u.passphrases()
	if !ps.Encrypted() || v.passSet.Disabled() {
		return
	}
	has := ps.HasPassphrase()
	old, p := v.oldPass.Text, v.newPass.Text
	if has && old == "" {
		v.sayPassphrase(lang.L("passphrase.oldmissing"), widget.DangerImportance)
		return
	}
	if msg := newPassphraseProblem(p, v.repeatPass.Text); msg != "" {
		v.sayPassphrase(msg, widget.DangerImportance)
		return
	}
	v.passSet.Disable()
	v.passMessage.Hide()
	v.passBusy.Show()
	v.passBusy.Start()
	u.bg.Go(func() {
		var err error
		wrongOld := false
		if has {
			err = ps.CheckPassphrase(old)
			wrongOld = errors.Is(err, store.ErrWrongKey)
		}
		if err == nil {
			err = ps.SetPassphrase(u.ctx, p)
		}
		u.run(func() {
			v.passBusy.Stop()
			v.passBusy.Hide()
			v.passSet.Enable()
			switch {
			case wrongOld:
				// A wrong passphrase does not stay in the field (issue 12.14).
				v.oldPass.SetText("")
				u.win.Canvas().Focus(v.oldPass)
				v.sayPassphrase(lang.L("passphrase.wrongold"), widget.DangerImportance)
				return
			case err != nil:
				v.sayPassphrase(userMessage(err, u.lang), widget.DangerImportance)
				return
			}
			for _, e := range []*widget.Entry{v.oldPass, v.newPass, v.repeatPass} {
				e.SetText("")
			}
			if u.idle != nil {
				u.idle.passphraseChanged() // calls showPassphraseState
			} else {
				v.showPassphraseState()
			}
			v.sayPassphrase(lang.L("passphrase.saved"), widget.SuccessImportance)
		})
	})
}

func (v *settingsView) sayPassphrase(text string, imp widget.Importance) {
	showMessage(v.passMessage, text, imp)
	showInScroll(v.scroll, v.passMessage)
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
	v.u.touch()
	s := v.u.settings
	s.User = strings.TrimSpace(v.user.Text)
	s.Team = strings.TrimSpace(v.team.Text)
	s.HomeRegion = v.home.code()
	s.Lang = v.selectedLang()
	s.LockAfterMinutes = v.selectedLockAfter()
	dst := []*int{&s.Targets.Enterprises, &s.Targets.ValidNeeds, &s.Targets.CrossRegion, &s.Targets.Matches, &s.Targets.Deals}
	for i, e := range v.targets {
		n, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil || n <= 0 {
			v.show(lang.L("settings.badtarget"), widget.DangerImportance)
			return
		}
		*dst[i] = n
	}
	if msg := v.outputs.apply(&s); msg != "" {
		v.show(msg, widget.DangerImportance)
		return
	}
	u := v.u
	v.save_.Disable()
	u.bg.Go(func() {
		err := v.st.SaveSettings(u.ctx, s)
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
	showMessage(v.message, text, imp)
	showInScroll(v.scroll, v.message)
}
