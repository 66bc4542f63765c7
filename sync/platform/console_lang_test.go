package platform_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/platform"
)

var hanRe = regexp.MustCompile(`\p{Han}`)

// chineseIn returns the Chinese in an English page but the language
// switch's 中文, or "".
func chineseIn(page string) string {
	page = strings.ReplaceAll(page, ">中文</a>", "")
	if loc := hanRe.FindStringIndex(page); loc != nil {
		return page[max(loc[0]-80, 0):min(loc[1]+80, len(page))]
	}
	return ""
}

// The console is Chinese for a browser that asks for Chinese or for
// nothing, and English for one that asks for English and no Chinese; the
// switch in the header keeps the choice in a cookie, which wins over the
// browser's languages from then on. Every page, label, error and flash of
// the English console is English.
func TestConsoleLanguage(t *testing.T) {
	h := newConsoleHub(t, platform.Options{})
	h.user("admin", hubstore.RoleAdmin, nil, nil)
	h.user("wang", hubstore.RoleReviewer, []string{"Wujiang team"}, nil) // no Chinese content on the English users page

	// Without a cookie: the browser's languages.
	for header, want := range map[string]string{
		"":                           `<html lang="zh-CN">`,
		"zh-CN,zh;q=0.9,en;q=0.8":    `<html lang="zh-CN">`,
		"en-US,en;q=0.9,zh-CN;q=0.8": `<html lang="zh-CN">`,
		"fr-FR":                      `<html lang="zh-CN">`,
		"en-US,en;q=0.9":             `<html lang="en">`,
	} {
		code, page, _ := h.browser().getWith("/console/login", map[string]string{"Accept-Language": header})
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("Accept-Language %q: %d, want %s", header, code, want)
		}
	}
	_, page := h.browser().get("/console/login")
	if !strings.Contains(page, "<h1>登录汇集节点</h1>") || !strings.Contains(page, `hreflang="en">English</a>`) {
		t.Fatal("the default login page is not Chinese with a switch to English")
	}

	// The switch: a cookie for the console, back to the page.
	b := h.browser()
	csrf := func() string { _, c := b.login("admin", testPassword); return c }()
	code, _, hdr := b.getWith("/console/lang?to=en&next="+url.QueryEscape("/console/settings"), nil)
	if code != http.StatusSeeOther || hdr.Get("Location") != "/console/settings" {
		t.Fatalf("switch: %d → %q", code, hdr.Get("Location"))
	}
	ck := (&http.Response{Header: hdr}).Cookies()
	if len(ck) != 1 || ck[0].Name != "xunbang_lang" || ck[0].Value != "en" || ck[0].Path != "/console/" || !ck[0].HttpOnly ||
		ck[0].SameSite != http.SameSiteLaxMode || ck[0].MaxAge < 30*24*3600 {
		t.Fatalf("switch cookie: %+v", ck)
	}
	// The cookie persists and wins over a browser asking for Chinese.
	code, page, _ = b.getWith("/console/settings", map[string]string{"Accept-Language": "zh-CN,zh"})
	if code != http.StatusOK || !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "<h1>Settings</h1>") ||
		!strings.Contains(page, ">Review queue</a>") || !strings.Contains(page, `hreflang="zh-CN">中文</a>`) {
		t.Fatalf("the settings page after the switch (%d) is not English", code)
	}
	for _, path := range []string{"/console/settings", "/console/needs", "/console/hub", "/console/tokens", "/console/users", "/console/account", "/console/nowhere"} {
		if _, page := b.get(path); chineseIn(page) != "" {
			t.Errorf("English %s has Chinese: …%s…", path, chineseIn(page))
		}
	}
	// Errors and flashes in English too.
	code, page, _ = b.post("/console/settings", url.Values{"csrf": {csrf}, "event": {"第二届活动"}, "deadline": {"2026-02-30"}}, nil)
	if code != http.StatusBadRequest || !strings.Contains(page, "Not saved: correct what is marked.") || !strings.Contains(page, "Write it YYYY-MM-DD") ||
		!strings.Contains(page, `value="第二届活动"`) {
		t.Errorf("a bad deadline in English: %d", code)
	}
	_, _, hdr = b.post("/console/settings", url.Values{"csrf": {csrf}, "event": {"Second event"}}, nil)
	if _, page := b.get(hdr.Get("Location")); !strings.Contains(page, "Settings saved") {
		t.Error("no English flash after saving")
	}
	if code, page, _ := b.post("/console/settings", url.Values{"event": {"x"}}, nil); code != http.StatusForbidden || !strings.Contains(page, "CSRF check failed") || chineseIn(page) != "" {
		t.Errorf("the CSRF refusal in English: %d", code)
	}
	if code, _, _ := b.post("/console/users", url.Values{"csrf": {csrf}, "name": {"bad"}, "role": {"reviewer"}, "password": {testPassword}}, nil); code != http.StatusBadRequest {
		t.Errorf("a reviewer without scope: %d", code)
	} else if _, page, _ := b.post("/console/users", url.Values{"csrf": {csrf}, "name": {"bad"}, "role": {"reviewer"}, "password": {testPassword}}, nil); !strings.Contains(page, "Not created: A reviewer needs at least one team or region") {
		t.Error("the users page's refusal is not English")
	}
	r := h.browser()
	r.getWith("/console/lang?to=en", nil)
	r.login("wang", testPassword)
	if code, page := r.get("/console/settings"); code != http.StatusForbidden || !strings.Contains(page, "Only administrators may use this page.") || chineseIn(page) != "" {
		t.Errorf("a reviewer refused in English: %d", code)
	}

	// A link cannot make the console say what it never says: only flash
	// messages of the table, with their arguments.
	for _, q := range []string{"flash=" + url.QueryEscape("请把密码发给我"), "flash=flash.userCreated", "flash=err.csrf"} {
		if _, page := b.get("/console/settings?" + q); strings.Contains(page, `class="flash"`) {
			t.Errorf("?%s shows a flash", q)
		}
	}
	// The switch goes back inside the console only, and back to Chinese.
	if _, _, hdr := b.getWith("/console/lang?to=zh&next="+url.QueryEscape("https://evil.example/"), nil); hdr.Get("Location") != "/console/needs" {
		t.Errorf("the switch sends the browser to %q", hdr.Get("Location"))
	}
	code, page, _ = b.getWith("/console/settings", map[string]string{"Accept-Language": "en"})
	if code != http.StatusOK || !strings.Contains(page, "<h1>设置</h1>") || !strings.Contains(page, `value="Second event"`) {
		t.Errorf("back to Chinese: %d", code)
	}
}
