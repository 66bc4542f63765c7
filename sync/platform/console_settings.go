package platform

import (
	"errors"
	"net/http"

	"github.com/xunbang/xunbang/sync/hubstore"
)

// settingsData is the 设置 page: the hub's site settings (Site) as stored
// or as typed, and what is wrong with each field typed (as shown).
type settingsData struct {
	Site     Site
	Problems map[string]string
	// Open: the 揭榜 form takes solutions now (the deadline has not passed).
	Open bool
}

func (c *console) settings(w http.ResponseWriter, r *http.Request, v *visitor) {
	st, err := c.s.Site(r.Context())
	if err != nil {
		c.log.Error("console settings failed", "err", err)
		c.fail(w, r, v, http.StatusInternalServerError, "err.readSettings")
		return
	}
	c.showSettings(w, r, v, http.StatusOK, st, nil, "")
}

// showSettings draws the 设置 page; msg is an error's message id, or "".
func (c *console) showSettings(w http.ResponseWriter, r *http.Request, v *visitor, status int, st Site, problems map[string]string, msg string) {
	l := langOf(r)
	if msg != "" {
		msg = l.t(msg)
	}
	c.render(w, r, status, "settings", page{Title: l.t("settings.title"), Nav: "settings", V: v, Error: msg,
		Data: settingsData{Site: st, Problems: problems, Open: st.Open(c.s.opt.Now())}})
}

// siteProblemText is what the settings form says beside a field, in l.
func siteProblemText(l lang, p siteProblem) string {
	switch p {
	case siteTooLong:
		return l.t("settings.tooLong", maxSiteText)
	case siteNotOneLine:
		return l.t("settings.oneLine")
	case siteNotADate:
		return l.t("settings.notADate")
	}
	return ""
}

func (c *console) saveSettings(w http.ResponseWriter, r *http.Request, v *visitor) {
	st := Site{Event: r.PostFormValue("event"), Organiser: r.PostFormValue("organiser"),
		Deadline: r.PostFormValue("deadline"), Contact: r.PostFormValue("contact")}
	st.trim()
	if probs := st.problems(); len(probs) > 0 {
		l := langOf(r)
		texts := make(map[string]string, len(probs))
		for field, p := range probs {
			texts[field] = siteProblemText(l, p)
		}
		c.showSettings(w, r, v, http.StatusBadRequest, st, texts, "err.notSaved")
		return
	}
	changed, err := c.s.setSite(r.Context(), st, &hubstore.AuditEntry{User: v.User.Name, Action: auditSettings, Addr: clientAddr(r)})
	if err != nil {
		if !errors.Is(err, r.Context().Err()) {
			c.log.Error("console settings save failed", "err", err)
		}
		c.showSettings(w, r, v, http.StatusInternalServerError, st, nil, "err.saveFailed")
		return
	}
	flash := "flash.settingsUnchanged"
	if changed {
		flash = "flash.settingsSaved"
	}
	http.Redirect(w, r, flashURL("/console/settings", flash), http.StatusSeeOther)
}
