package platform_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xunbang/xunbang/internal/browsertest"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// ScreenshotsEnv names a directory where TestConsoleInChromium leaves its
// screenshots of the console (`make screenshots` sets it to
// docs/screenshots); without it they go to a temporary directory.
const screenshotsEnv = "XUNBANG_CONSOLE_SCREENSHOTS"

// The console in a real browser (Debian's headless Chromium): an admin logs
// in, returns a need with a comment that reaches the official's laptop by
// sync, issues a token whose connect text the desktop reads and revokes
// it, sets the public pages' event and deadline (a bad date refused beside
// its field) and reads a need in English; a forged form from another site
// and a reviewer on an admin page are refused. Along the way it takes the
// console's screenshots, on a phone (390 px) and a desktop (1280 px).
func TestConsoleInChromium(t *testing.T) {
	h := newConsoleHub(t, platform.Options{PublicURL: "https://hub.example.cn"})
	h.user("admin", hubstore.RoleAdmin, nil, nil)
	h.user("wang", hubstore.RoleReviewer, []string{"昆山技术经理人"}, nil)
	lap := h.laptop("吴江镇长团", "李科技", 60, 2026)
	h.laptop("昆山技术经理人", "周镇长", 25, 99)
	n := lap.confirmedNeed(t)

	shots := os.Getenv(screenshotsEnv)
	if shots == "" {
		shots = t.TempDir()
	}
	ctx := browsertest.New(t, 390, 844, 3*time.Minute)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		step, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(step, steps...); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("location.href + '\\n' + document.body.innerText"))
			t.Fatalf("%s: %v\nthe page:\n%.1500s", what, err, body)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		for _, size := range []struct {
			suffix string
			w, h   int64
		}{{"phone", 390, 844}, {"desktop", 1280, 800}} {
			do("viewport", chromedp.EmulateViewport(size.w, size.h))
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("screenshot %s: %v", name, err)
			}
			if len(png) < 10000 {
				t.Fatalf("screenshot %s-%s is only %d bytes", name, size.suffix, len(png))
			}
			if err := os.WriteFile(filepath.Join(shots, "console-"+name+"-"+size.suffix+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		do("viewport", chromedp.EmulateViewport(390, 844))
	}

	// Login.
	do("open the console", chromedp.Navigate(h.URL+"/console/"), chromedp.WaitVisible(chromedp.CSS("#login")))
	shot("login")
	do("log in",
		chromedp.SendKeys(chromedp.CSS(`input[name="user"]`), "admin"),
		chromedp.SetValue(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Submit(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("ul.queue")))
	if got := text("h1"); !strings.Contains(got, "审核队列") {
		t.Fatalf("after login: %q", got)
	}
	do("filter the queue", chromedp.Navigate(h.URL+"/console/needs?team="+url.QueryEscape("昆山技术经理人")), chromedp.WaitVisible(chromedp.CSS("ul.queue")))
	shot("queue")

	// A verdict that reaches the laptop.
	do("open the need", chromedp.Navigate(h.URL+"/console/needs/"+n.ID), chromedp.WaitVisible(chromedp.CSS("#review")))
	if got := text("h1"); got != n.Title() {
		t.Fatalf("need page title %q, want %q", got, n.Title())
	}
	shot("need")
	comment := "请补充关键技术指标的具体数值和验收方式。"
	do("return the need",
		chromedp.SetValue(chromedp.CSS(`#review select[name="state"]`), string(protocol.StateReturned)),
		chromedp.SetValue(chromedp.CSS(`#review textarea[name="comment"]`), comment),
		chromedp.Submit(chromedp.CSS("#review")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := text(".flash"); !strings.Contains(got, "已记录审核结果：退回") {
		t.Fatalf("after the verdict: %q", got)
	}
	lap.sync(t)
	got, err := lap.st.Need(context.Background(), n.ID)
	if err != nil || got.Platform.State != "退回" || got.Platform.Comment != comment {
		t.Fatalf("the laptop has %+v (%v), want 退回 with the comment", got.Platform, err)
	}

	// A token, its connect text, its revocation.
	do("issue a token",
		chromedp.Navigate(h.URL+"/console/tokens"),
		chromedp.WaitVisible(chromedp.CSS("#new-token")),
		chromedp.SetValue(chromedp.CSS(`#new-token input[name="user"]`), "钱经理"),
		chromedp.SetValue(chromedp.CSS(`#new-token input[name="team"]`), "相城技术经理人"),
		chromedp.Submit(chromedp.CSS("#new-token")),
		chromedp.WaitVisible(chromedp.CSS("#connect-text")))
	connect, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#connect-text")))
	if err != nil {
		t.Fatal(err)
	}
	server, tok, err := protocol.ParseConnectText(connect)
	if err != nil || server != "https://hub.example.cn" || len(tok) != 64 {
		t.Fatalf("connect text %q: %q %v", connect, server, err)
	}
	shot("token")
	if !whoami(t, h.URL, tok) {
		t.Fatal("the new token does not work")
	}
	do("revoke it",
		chromedp.Navigate(h.URL+"/console/tokens"),
		chromedp.WaitVisible(chromedp.CSS("#tokens")))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("window.confirm = function () { return true; }; true")); err != nil {
		t.Fatal(err)
	}
	do("click revoke",
		chromedp.Click(chromedp.CSS(`#tokens tr[data-user="钱经理"] button.danger`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := text(".flash"); !strings.Contains(got, "已吊销") {
		t.Fatalf("after revoking: %q", got)
	}
	if whoami(t, h.URL, tok) {
		t.Fatal("the revoked token still works")
	}

	do("dashboard", chromedp.Navigate(h.URL+"/console/hub"), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	shot("hub")
	do("users", chromedp.Navigate(h.URL+"/console/users"), chromedp.WaitVisible(chromedp.CSS("#new-user")),
		chromedp.Click(chromedp.CSS("#user-wang summary")))
	shot("users")

	// The settings: a deadline that is no date is refused beside its
	// field with what was typed kept; saved, the public pages show them.
	event := "2026“科技镇长团杯”苏州国际创新挑战赛"
	do("settings", chromedp.Navigate(h.URL+"/console/settings"), chromedp.WaitVisible(chromedp.CSS("#settings")),
		chromedp.SetValue(chromedp.CSS(`#settings input[name="event"]`), event),
		chromedp.SetValue(chromedp.CSS(`#settings input[name="organiser"]`), "苏州市科学技术局"),
		chromedp.SetValue(chromedp.CSS(`#settings input[name="deadline"]`), "2026/9/15"),
		chromedp.SetValue(chromedp.CSS(`#settings input[name="contact"]`), "0512-65246015"),
		chromedp.Submit(chromedp.CSS("#settings")),
		chromedp.WaitVisible(chromedp.CSS("#err-deadline")))
	if got := text("#err-deadline"); !strings.Contains(got, "YYYY-MM-DD") {
		t.Fatalf("beside the bad deadline: %q", got)
	}
	if typed, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#settings input[name="event"]`))); err != nil || typed != event {
		t.Fatalf("the refused form kept %q (%v)", typed, err)
	}
	shot("settings-invalid")
	do("save the settings",
		chromedp.SetValue(chromedp.CSS(`#settings input[name="deadline"]`), "2099-09-15"),
		chromedp.Submit(chromedp.CSS("#settings")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := text(".flash"); !strings.Contains(got, "已保存设置") {
		t.Fatalf("after saving the settings: %q", got)
	}
	shot("settings")
	do("the public pages", chromedp.Navigate(h.URL+"/n/"), chromedp.WaitVisible(chromedp.CSS(".brand")))
	if got := text(".brand"); got != event {
		t.Fatalf("the public pages name %q, want the event saved", got)
	}

	// English at the switch, kept from page to page, and back.
	do("switch to English", chromedp.Navigate(h.URL+"/console/settings"), chromedp.WaitVisible(chromedp.CSS("#lang")),
		chromedp.Click(chromedp.CSS("#lang")), chromedp.WaitVisible(chromedp.CSS("#settings")))
	if got := text("h1"); got != "Settings" {
		t.Fatalf("after the switch to English the heading is %q", got)
	}
	do("a need in English", chromedp.Navigate(h.URL+"/console/needs/"+n.ID), chromedp.WaitVisible(chromedp.CSS("#review")))
	if got := text("#verdict h2"); got != "Verdict" {
		t.Fatalf("the need page in English: %q", got)
	}
	shot("need-en")
	do("back to Chinese", chromedp.Click(chromedp.CSS("#lang")), chromedp.WaitVisible(chromedp.CSS("#review")))
	if got := text("#verdict h2"); got != "审核结果" {
		t.Fatalf("after switching back: %q", got)
	}

	// A forged form on another site (another port of this computer: the
	// same site to the browser, so the cookie goes along) is refused.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><form id="f" method="post" action="` + h.URL + `/console/needs/` + n.ID + `/review">
<input name="state" value="published"><input name="url" value="https://evil.example/n"></form>
<script>document.getElementById("f").submit()</script>`))
	}))
	defer evil.Close()
	do("a forged form", chromedp.Navigate(evil.URL), chromedp.WaitVisible(chromedp.CSS(".error")))
	if got := text(".error"); !strings.Contains(got, "CSRF") {
		t.Fatalf("the forged form: %q", got)
	}
	recs, _ := h.srv.Records(context.Background(), protocol.KindNeed)
	for _, r := range recs {
		if r.ID == n.ID && r.State != protocol.StateReturned {
			t.Fatalf("the forged form changed the verdict to %s", r.State)
		}
	}

	// Logout, then a reviewer on an admin page.
	do("log out", chromedp.Navigate(h.URL+"/console/needs"), chromedp.WaitVisible(chromedp.CSS("#logout")),
		chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#login")))
	do("log in as a reviewer",
		chromedp.SendKeys(chromedp.CSS(`input[name="user"]`), "wang"),
		chromedp.SetValue(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Submit(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("ul.queue, .empty")),
		chromedp.Navigate(h.URL+"/console/tokens"),
		chromedp.WaitVisible(chromedp.CSS(".error")))
	if got := text(".error"); !strings.Contains(got, "只有管理员") {
		t.Fatalf("a reviewer on the token page: %q", got)
	}
	do("another team's need", chromedp.Navigate(h.URL+"/console/needs/"+n.ID), chromedp.WaitVisible(chromedp.CSS(".error")))
	if got := text(".error"); !strings.Contains(got, "不在您的审核范围内") {
		t.Fatalf("a reviewer on another team's need: %q", got)
	}
}

// whoami reports whether a token is accepted by the hub.
func whoami(t *testing.T, base, token string) bool {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+protocol.PathWhoAmI, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
