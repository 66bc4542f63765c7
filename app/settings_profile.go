package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/jobs"
)

// profilePicker chooses the platform profile of the upload sheet (设置 ›
// 平台上传表格式, Settings.PlatformProfile). A choice is saved at once,
// off the UI goroutine, so it needs nothing of the settings form's Save.
type profilePicker struct {
	u       *ui
	st      settingsStore
	ids     []string
	choose  *widget.Select
	note    *widget.Label
	content fyne.CanvasObject
}

// newProfilePicker offers the profiles, the stored one selected.
func newProfilePicker(u *ui) *profilePicker {
	p := &profilePicker{u: u, st: u.st}
	var names []string
	for _, pr := range jobs.Profiles() {
		p.ids = append(p.ids, pr.ID)
		names = append(names, pr.Label(u.lang))
	}
	p.choose = widget.NewSelect(names, nil)
	p.choose.SetSelectedIndex(p.index(u.settings.PlatformProfile))
	p.choose.OnChanged = func(string) { p.picked() }
	p.note = smallLabel(lang.L("profile.help"))
	p.content = container.NewVBox(p.choose, p.note)
	return p
}

// index is the position of a profile id among the offered ones; the
// default's for an unset or unknown id.
func (p *profilePicker) index(id string) int {
	if id == "" {
		id = jobs.DefaultProfile
	}
	for i, x := range p.ids {
		if x == id {
			return i
		}
	}
	return 0
}

// selected is the id of the chosen profile.
func (p *profilePicker) selected() string {
	if i := p.choose.SelectedIndex(); i >= 0 && i < len(p.ids) {
		return p.ids[i]
	}
	return jobs.DefaultProfile
}

// picked stores the chosen profile.
func (p *profilePicker) picked() {
	u := p.u
	u.touch()
	s := u.settings
	s.PlatformProfile = p.selected()
	if s.PlatformProfile == u.settings.PlatformProfile {
		return
	}
	u.bg.Go(func() {
		err := p.st.SaveSettings(u.ctx, s)
		u.run(func() {
			if err != nil {
				p.note.SetText(userMessage(err, u.lang))
				p.note.Importance = widget.DangerImportance
				p.note.Refresh()
				p.choose.SetSelectedIndex(p.index(u.settings.PlatformProfile))
				return
			}
			u.settings.PlatformProfile = s.PlatformProfile
			p.note.SetText(lang.L("profile.saved", map[string]any{"Name": p.choose.Selected}))
			p.note.Importance = widget.SuccessImportance
			p.note.Refresh()
		})
	})
}
