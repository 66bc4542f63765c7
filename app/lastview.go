package app

import (
	"log/slog"
	"strings"
)

// The window opens where the official was when it last closed (issue 12.15):
// each move between the tabs and needs is kept in the settings (LastView),
// and a start with no screen asked for goes there.

// Last views, as store.Settings.LastView keeps them.
const (
	lastViewNeeds       = "needs"
	lastViewEnterprises = "enterprises"
	lastViewSettings    = "settings"
	lastViewNeedPrefix  = "need:" // and the need's id
)

// currentView names where the window is now.
func (u *ui) currentView() string {
	switch u.tabs.Selected() {
	case u.needsTab:
		if u.editor.need != nil && u.needsStack.Objects[0] != u.needs.content {
			return lastViewNeedPrefix + u.editor.need.ID
		}
		return lastViewNeeds
	case u.entTab:
		return lastViewEnterprises
	case u.settingsTab:
		return lastViewSettings
	}
	return ""
}

// rememberView keeps where the window is now in the settings, off the UI
// goroutine, when it changed. Screenshots and windows that do not remember
// (tests) keep nothing.
func (u *ui) rememberView() {
	if !u.remember {
		return
	}
	view := u.currentView()
	if view == u.settings.LastView {
		return
	}
	u.settings.LastView = view
	s := u.settings
	u.bg.Go(func() {
		if err := u.st.SaveSettings(u.ctx, s); err != nil {
			slog.Warn("cannot remember where the window is", "view", view, "err", err)
		}
	})
}

// restoreView shows the view a previous run remembered, then calls ready: a
// need that is gone leaves the need list.
func (u *ui) restoreView(view string, ready func()) {
	switch {
	case strings.HasPrefix(view, lastViewNeedPrefix):
		id := strings.TrimPrefix(view, lastViewNeedPrefix)
		u.tabs.Select(u.needsTab)
		u.bg.Go(func() {
			_, err := u.st.Need(u.ctx, id)
			u.run(func() {
				if err != nil {
					slog.Info("the need last open is gone", "need", id, "err", err)
					ready()
					return
				}
				u.openNeed(id, ready)
			})
		})
	case view == lastViewNeeds:
		u.showScreen(ScreenNeeds, ready)
	case view == lastViewEnterprises:
		u.tabs.Select(u.entTab)
		ready()
	case view == lastViewSettings:
		u.showScreen(ScreenSettings, ready)
	default:
		u.showScreen(ScreenHome, ready)
	}
}
