package platform

import (
	"errors"
	"net/http"

	"github.com/xunbang/xunbang/sync/hubstore"
)

// settingsData is the 设置 page: the hub's site settings (Site) as stored
// or as typed, and what is wrong with each field typed.
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
		c.fail(w, r, v, http.StatusInternalServerError, "读取设置失败。")
		return
	}
	c.showSettings(w, r, v, http.StatusOK, st, nil, r.URL.Query().Get("flash"), "")
}

func (c *console) showSettings(w http.ResponseWriter, r *http.Request, v *visitor, status int, st Site, problems map[string]string, flash, msg string) {
	c.render(w, r, status, "settings", page{Title: "设置", Nav: "settings", V: v, Flash: flash, Error: msg,
		Data: settingsData{Site: st, Problems: problems, Open: st.Open(c.s.opt.Now())}})
}

// siteProblemText is what the settings form says beside a field.
func siteProblemText(field string, p siteProblem) string {
	switch p {
	case siteTooLong:
		return "最多 200 个字。"
	case siteNotOneLine:
		return "只能写一行。"
	case siteNotADate:
		return "请写成 YYYY-MM-DD（如 2026-09-15），须是真实的日期；不设截止日期请留空。"
	}
	return ""
}

func (c *console) saveSettings(w http.ResponseWriter, r *http.Request, v *visitor) {
	st := Site{Event: r.PostFormValue("event"), Organiser: r.PostFormValue("organiser"),
		Deadline: r.PostFormValue("deadline"), Contact: r.PostFormValue("contact")}
	st.trim()
	if probs := st.problems(); len(probs) > 0 {
		texts := make(map[string]string, len(probs))
		for field, p := range probs {
			texts[field] = siteProblemText(field, p)
		}
		c.showSettings(w, r, v, http.StatusBadRequest, st, texts, "", "未保存：请按提示修改。")
		return
	}
	changed, err := c.s.setSite(r.Context(), st, &hubstore.AuditEntry{User: v.User.Name, Action: auditSettings, Addr: clientAddr(r)})
	if err != nil {
		if !errors.Is(err, r.Context().Err()) {
			c.log.Error("console settings save failed", "err", err)
		}
		c.showSettings(w, r, v, http.StatusInternalServerError, st, nil, "", "保存失败，请稍后再试。")
		return
	}
	flash := "设置没有变化。"
	if changed {
		flash = "已保存设置：公开需求页和揭榜表单即刻使用。"
	}
	http.Redirect(w, r, "/console/settings?flash="+urlQuery(flash), http.StatusSeeOther)
}
