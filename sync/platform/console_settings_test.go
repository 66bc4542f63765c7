package platform_test

import (
	"context"
	"crypto/rand"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/hubstore/postgres/pgtest"
	"github.com/xunbang/xunbang/sync/platform"
)

// hubStores open a console hub on each hub store: bbolt, and PostgreSQL
// when the tests run beside one (tools/pgtest/pgtest.sh).
var hubStores = []struct {
	name string
	open func(t *testing.T) *consoleHub
}{
	{"bbolt", func(t *testing.T) *consoleHub { return newConsoleHub(t, platform.Options{}) }},
	{"postgres", func(t *testing.T) *consoleHub {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		return pgHub(t, pgtest.URL(t), key)
	}},
}

// An admin sets the event, organiser, deadline and contact on the 设置
// page: the public need page shows them at once, and the audit has who
// changed what. A deadline that is not a date is refused beside its field
// with everything typed kept; a reviewer and a form without the session's
// CSRF token are refused. On both hub stores.
func TestConsoleSettings(t *testing.T) {
	for _, hs := range hubStores {
		t.Run(hs.name, func(t *testing.T) {
			h := hs.open(t)
			h.user("admin", hubstore.RoleAdmin, nil, nil)
			h.user("wang", hubstore.RoleReviewer, []string{"吴江镇长团"}, nil)
			n := h.laptop("吴江镇长团", "李科技", 12, 7).confirmedNeed(t)
			ctx := context.Background()
			if err := h.srv.Review(ctx, n.ID, "已发布", "https://hub.example.cn/n/"+n.ID, ""); err != nil {
				t.Fatal(err)
			}
			b := h.browser()
			_, csrf := b.login("admin", testPassword)
			if code, page := b.get("/console/needs"); code != http.StatusOK || !strings.Contains(page, `href="/console/settings"`) {
				t.Fatalf("the admin's navigation has no link to the settings (%d)", code)
			}
			code, page := b.get("/console/settings")
			if code != http.StatusOK || !strings.Contains(page, `id="settings"`) {
				t.Fatalf("settings page: %d", code)
			}

			event, organiser := "2026“科技镇长团杯”苏州国际创新挑战赛", "苏州市科学技术局"
			form := url.Values{"csrf": {csrf}, "event": {" " + event + " "}, "organiser": {organiser}, "deadline": {"2099-09-15"}, "contact": {"0512-65246015"}}
			code, _, hdr := b.post("/console/settings", form, nil)
			if code != http.StatusSeeOther || !strings.HasPrefix(hdr.Get("Location"), "/console/settings") {
				t.Fatalf("save: %d → %s", code, hdr.Get("Location"))
			}
			_, page = b.get(hdr.Get("Location"))
			if !strings.Contains(page, `class="flash"`) || !strings.Contains(page, `value="`+html.EscapeString(event)+`"`) {
				t.Fatalf("after saving, the page has no flash or not the event saved")
			}
			want := platform.Site{Event: event, Organiser: organiser, Deadline: "2099-09-15", Contact: "0512-65246015"}
			if st, err := h.srv.Site(ctx); err != nil || st != want {
				t.Fatalf("stored %+v (%v), want %+v", st, err, want)
			}
			code, public := b.get("/n/" + n.ID)
			for _, s := range []string{event, organiser, "2099-09-15", "0512-65246015"} {
				if code != http.StatusOK || !strings.Contains(public, html.EscapeString(s)) {
					t.Errorf("the public need page (%d) lacks %q", code, s)
				}
			}
			_, audit := b.get("/console/audit")
			if !strings.Contains(audit, "修改设置") || !strings.Contains(audit, "截止日期：— → 2099-09-15") {
				t.Errorf("the audit lacks the settings change")
			}

			// A bad deadline: refused beside the field, what was typed kept.
			bad := url.Values{"csrf": {csrf}, "event": {"第二届活动"}, "organiser": {"相城区科技局"}, "deadline": {"15/09/2026"}, "contact": {"咨询 0512-1"}}
			code, page, _ = b.post("/console/settings", bad, nil)
			if code != http.StatusBadRequest || !strings.Contains(page, `id="err-deadline"`) || !strings.Contains(page, "YYYY-MM-DD") {
				t.Fatalf("a bad deadline: %d, no message beside the field", code)
			}
			for _, typed := range []string{"第二届活动", "相城区科技局", "15/09/2026", "咨询 0512-1"} {
				if !strings.Contains(page, `value="`+html.EscapeString(typed)+`"`) {
					t.Errorf("the refused form lost %q", typed)
				}
			}
			// Too long, and two lines, beside their own fields.
			code, page, _ = b.post("/console/settings", url.Values{"csrf": {csrf}, "event": {strings.Repeat("长", 201)}, "contact": {"a\nb"}}, nil)
			if code != http.StatusBadRequest || !strings.Contains(page, `id="err-event"`) || !strings.Contains(page, `id="err-contact"`) || strings.Contains(page, `id="err-deadline"`) {
				t.Errorf("a long event and a two-line contact: %d", code)
			}
			// Without the session's CSRF token.
			if code, body, _ := b.post("/console/settings", url.Values{"event": {"伪造"}}, nil); code != http.StatusForbidden || !strings.Contains(body, "CSRF") {
				t.Errorf("a form without the CSRF token: %d", code)
			}
			if code, _, _ := b.post("/console/settings", url.Values{"csrf": {csrf}, "event": {"伪造"}}, map[string]string{"Sec-Fetch-Site": "cross-site"}); code != http.StatusForbidden {
				t.Errorf("a form from another site: %d", code)
			}

			// A reviewer has neither the page, nor the link, nor the form.
			r := h.browser()
			_, rcsrf := r.login("wang", testPassword)
			if _, queue := r.get("/console/needs"); strings.Contains(queue, `href="/console/settings"`) {
				t.Error("a reviewer's navigation links to the settings")
			}
			if code, body := r.get("/console/settings"); code != http.StatusForbidden || !strings.Contains(body, "只有管理员") {
				t.Errorf("a reviewer on the settings page: %d", code)
			}
			if code, _, _ := r.post("/console/settings", url.Values{"csrf": {rcsrf}, "event": {"审核员改的"}}, nil); code != http.StatusForbidden {
				t.Errorf("a reviewer saving the settings: %d", code)
			}
			if st, _ := h.srv.Site(ctx); st != want {
				t.Fatalf("a refused form changed the settings to %+v", st)
			}

			// Saving the same again changes nothing and audits nothing.
			if code, _, hdr := b.post("/console/settings", form, nil); code != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), "flash") {
				t.Fatalf("saving the same: %d", code)
			}
			_, audit = b.get("/console/audit")
			if strings.Count(audit, "修改设置") != 1 {
				t.Errorf("an unchanged save was audited: %d entries", strings.Count(audit, "修改设置"))
			}
			// Clearing the deadline reopens the form.
			cleared := url.Values{"csrf": {csrf}, "event": {event}, "organiser": {organiser}, "deadline": {""}, "contact": {""}}
			if code, _, _ := b.post("/console/settings", cleared, nil); code != http.StatusSeeOther {
				t.Fatalf("clearing: %d", code)
			}
			if st, _ := h.srv.Site(ctx); st.Deadline != "" || st.Contact != "" || st.Event != event {
				t.Errorf("after clearing: %+v", st)
			}
		})
	}
}
