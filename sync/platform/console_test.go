package platform_test

import (
	"context"
	"fmt"
	"github.com/xuri/excelize/v2"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/client/xunbangv1"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// An admin logs in, finds a confirmed need in the queue, opens it as the
// enterprise confirmed it, returns it with a comment, and the official's
// laptop receives the verdict by sync; logging out ends the session.
func TestConsoleReviewReachesTheLaptop(t *testing.T) {
	h := newConsoleHub(t, platform.Options{})
	h.user("admin", hubstore.RoleAdmin, nil, nil)
	lap := h.laptop("吴江镇长团", "李科技", 30, 7)
	n := lap.confirmedNeed(t)

	b := h.browser()
	status, csrf := b.login("admin", testPassword)
	if status != http.StatusSeeOther {
		t.Fatalf("login: %d %s", status, csrf)
	}
	_, queue := b.get("/console/needs")
	if !strings.Contains(queue, "/console/needs/"+n.ID) || !strings.Contains(queue, html.EscapeString(n.Title())) {
		t.Fatalf("the confirmed need %s is not in the queue", n.ID)
	}
	code, page := b.get("/console/needs/" + n.ID)
	for _, want := range []string{html.EscapeString(n.Title()), "企业确认", "确认人", n.Confirmation.ContentHash, "有效：内容与企业确认时一致"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Fatalf("need page (%d) lacks %q", code, want)
		}
	}
	comment := "请补充关键技术指标的具体数值。"
	// A verdict refused: the page again, saying why, with what was typed
	// (and a language switch that comes back to the need).
	code, page, _ = b.post("/console/needs/"+n.ID+"/review", url.Values{"csrf": {csrf}, "state": {"published"}, "comment": {comment}}, nil)
	if code != http.StatusBadRequest || !strings.Contains(page, "未记录：“已发布”需要填写公开网址。") || !strings.Contains(page, ">"+comment+"</textarea>") ||
		!strings.Contains(page, `<option value="published" selected>`) || !strings.Contains(strings.ToLower(page), strings.ToLower("next="+url.QueryEscape("/console/needs/"+n.ID)+`"`)) {
		t.Fatalf("a verdict without its URL: %d, or the form lost what was typed", code)
	}
	code, _, hdr := b.post("/console/needs/"+n.ID+"/review", url.Values{"csrf": {csrf}, "state": {"退回"}, "comment": {comment}}, nil)
	if code != http.StatusSeeOther {
		t.Fatalf("review: %d", code)
	}
	if _, page := b.get(hdr.Get("Location")); !strings.Contains(page, "已记录审核结果：退回") {
		t.Fatalf("review: no flash after the verdict at %s", hdr.Get("Location"))
	}
	lap.sync(t)
	got, err := lap.st.Need(context.Background(), n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Platform.State != protocol.StateReturned.Label("zh") || got.Platform.Comment != comment {
		t.Fatalf("the laptop has %+v, want 退回 with the comment", got.Platform)
	}

	_, audit := b.get("/console/audit")
	if !strings.Contains(audit, n.ID) || !strings.Contains(audit, "审核") || !strings.Contains(audit, "returned") {
		t.Errorf("the verdict is not in the audit")
	}
	if code, _, _ := b.post("/console/logout", url.Values{"csrf": {csrf}}, nil); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	if code, _ := b.get("/console/needs/" + n.ID); code != http.StatusSeeOther {
		t.Fatalf("after logout the need page answers %d, want a redirect to the login", code)
	}
	if h.logged(n.Title()) || h.logged(comment) || h.logged(testPassword) {
		t.Error("the hub logged content")
	}
}

// A POST without the session's CSRF token, or that the browser says comes
// from another site, changes nothing.
func TestConsoleRefusesCrossSiteRequests(t *testing.T) {
	h := newConsoleHub(t, platform.Options{})
	h.user("admin", hubstore.RoleAdmin, nil, nil)
	lap := h.laptop("吴江镇长团", "李科技", 20, 7)
	n := lap.confirmedNeed(t)
	b := h.browser()
	_, csrf := b.login("admin", testPassword)
	form := func(tok string) url.Values {
		return url.Values{"csrf": {tok}, "state": {"已发布"}, "url": {"https://evil.example/n"}}
	}
	for name, c := range map[string]struct {
		form   url.Values
		header map[string]string
	}{
		"no token":         {url.Values{"state": {"已发布"}, "url": {"https://evil.example/n"}}, nil},
		"wrong token":      {form(strings.Repeat("0", 64)), nil},
		"other origin":     {form(csrf), map[string]string{"Origin": "https://evil.example"}},
		"cross-site fetch": {form(csrf), map[string]string{"Sec-Fetch-Site": "cross-site"}},
	} {
		code, body, _ := b.post("/console/needs/"+n.ID+"/review", c.form, c.header)
		if code != http.StatusForbidden || !strings.Contains(body, "CSRF") {
			t.Errorf("%s: %d, want 403 naming CSRF", name, code)
		}
	}
	if code, _, _ := b.post("/console/tokens", url.Values{"user": {"x"}, "team": {"y"}}, nil); code != http.StatusForbidden {
		t.Errorf("token create without CSRF: %d", code)
	}
	recs, _ := h.srv.Records(context.Background(), protocol.KindNeed)
	for _, r := range recs {
		if r.State != "" {
			t.Fatalf("a refused request recorded a verdict on %s: %s", r.ID, r.State)
		}
	}
	// The login form is protected too: a post without its own token is
	// refused before the password is looked at.
	status, _, _ := h.browser().post("/console/login", url.Values{"user": {"admin"}, "password": {testPassword}}, nil)
	if status != http.StatusForbidden {
		t.Errorf("login without its form token: %d", status)
	}
}

// A reviewer sees the needs of their teams and regions only, and none of
// the admin pages.
func TestConsoleReviewerScopeAndRole(t *testing.T) {
	h := newConsoleHub(t, platform.Options{})
	h.user("wang", hubstore.RoleReviewer, []string{"吴江镇长团"}, nil)
	mine := h.laptop("吴江镇长团", "李科技", 20, 7).confirmedNeed(t)
	other := h.laptop("昆山技术经理人", "周镇长", 20, 99).confirmedNeed(t)

	b := h.browser()
	_, csrf := b.login("wang", testPassword)
	_, queue := b.get("/console/needs?state=all")
	if !strings.Contains(queue, mine.ID) || strings.Contains(queue, other.ID) {
		t.Fatal("the reviewer's queue is not their team's")
	}
	if code, page := b.get("/console/needs/" + other.ID); code != http.StatusNotFound || strings.Contains(page, html.EscapeString(other.Title())) {
		t.Fatalf("another team's need: %d", code)
	}
	if code, _, _ := b.post("/console/needs/"+other.ID+"/review", url.Values{"csrf": {csrf}, "state": {"退回"}}, nil); code != http.StatusNotFound {
		t.Fatalf("review of another team's need: %d", code)
	}
	for _, path := range []string{"/console/tokens", "/console/users", "/console/audit", "/console/export/platform"} {
		if code, body := b.get(path); code != http.StatusForbidden || !strings.Contains(body, "只有管理员") {
			t.Errorf("reviewer GET %s: %d", path, code)
		}
	}
	if code, _, _ := b.post("/console/tokens", url.Values{"csrf": {csrf}, "user": {"x"}, "team": {"y"}}, nil); code != http.StatusForbidden {
		t.Errorf("reviewer creating a token: %d", code)
	}
	if code, _, _ := b.post("/console/users", url.Values{"csrf": {csrf}, "name": {"x"}, "role": {"admin"}, "password": {testPassword}}, nil); code != http.StatusForbidden {
		t.Errorf("reviewer creating a user: %d", code)
	}
	// By region: a reviewer of the other team's enterprise's region sees it.
	region := needRegionOf(t, h, other)
	h.user("zhou", hubstore.RoleReviewer, nil, []string{region})
	b2 := h.browser()
	b2.login("zhou", testPassword)
	if code, _ := b2.get("/console/needs/" + other.ID); code != http.StatusOK {
		t.Fatalf("a reviewer of region %s cannot see a need there: %d", region, code)
	}
}

// needRegionOf is the county of a need's enterprise on the hub.
func needRegionOf(t *testing.T, h *consoleHub, n *forms.Need) string {
	t.Helper()
	body, err := h.srv.Revision(context.Background(), enterpriseRev(t, h, n.EnterpriseID))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`"region":"(\d{6})`).FindStringSubmatch(string(body))
	if m == nil {
		t.Fatalf("no region in %s", body)
	}
	return m[1]
}

func enterpriseRev(t *testing.T, h *consoleHub, id string) string {
	recs, err := h.srv.Records(context.Background(), protocol.KindEnterprise)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.ID == id {
			return r.Rev
		}
	}
	t.Fatalf("no enterprise %s on the hub", id)
	return ""
}

// Wrong passwords lock the account for a while, even against the right
// password; an unknown user is answered as a wrong password.
func TestConsoleLoginLimits(t *testing.T) {
	h := newConsoleHub(t, platform.Options{})
	h.user("admin", hubstore.RoleAdmin, nil, nil)
	b := h.browser()
	if code, body := b.login("nobody", testPassword); code != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码不对") {
		t.Fatalf("unknown user: %d", code)
	}
	for i := range 5 {
		if code, _ := b.login("admin", "wrong password "+string(rune('a'+i))); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, code)
		}
	}
	if code, body := b.login("admin", testPassword); code != http.StatusTooManyRequests || !strings.Contains(body, "锁定") {
		t.Fatalf("the right password on a locked account: %d", code)
	}
}

// The session cookie is HttpOnly and SameSite=Strict, and Secure unless
// the hub is reached on this computer.
func TestConsoleCookies(t *testing.T) {
	h := newConsoleHub(t, platform.Options{})
	for host, secure := range map[string]bool{"": false, "hub.example.cn": true} {
		req, _ := http.NewRequest(http.MethodGet, h.URL+"/console/login", nil)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cks := resp.Cookies()
		if len(cks) != 1 || !cks[0].HttpOnly || cks[0].SameSite != http.SameSiteStrictMode || cks[0].Secure != secure {
			t.Errorf("host %q: cookies %+v", host, cks)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("no content security policy: %q", csp)
		}
	}
}

// A token made in the console is shown once with a connect text the
// desktop reads; it syncs; revoked, it no longer does.
func TestConsoleTokenCreateAndRevoke(t *testing.T) {
	h := newConsoleHub(t, platform.Options{})
	h.user("admin", hubstore.RoleAdmin, nil, nil)
	b := h.browser()
	_, csrf := b.login("admin", testPassword)
	code, page, _ := b.post("/console/tokens", url.Values{"csrf": {csrf}, "user": {"钱经理"}, "team": {"相城技术经理人"}}, nil)
	m := regexp.MustCompile(`(?s)<textarea id="connect-text"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page)
	if code != http.StatusOK || m == nil {
		t.Fatalf("token create: %d", code)
	}
	server, tok, err := protocol.ParseConnectText(html.UnescapeString(m[1]))
	if err != nil || server != h.URL {
		t.Fatalf("connect text %q: %s %v", m[1], server, err)
	}
	id, err := xunbangv1.CheckToken(context.Background(), server, tok, nil)
	if err != nil || id.User != "钱经理" || id.Team != "相城技术经理人" {
		t.Fatalf("whoami with the new token: %+v %v", id, err)
	}
	// Shown once: the list has its id, never the token.
	_, list := b.get("/console/tokens")
	if strings.Contains(list, tok) {
		t.Fatal("the token list shows a token")
	}
	rows := regexp.MustCompile(`<tr data-token="([0-9a-f]{12})" data-user="钱经理"><td>钱经理</td>`).FindStringSubmatch(list)
	if rows == nil {
		t.Fatal("the new token is not listed")
	}
	if code, _, _ := b.post("/console/tokens/"+rows[1]+"/revoke", url.Values{"csrf": {csrf}}, nil); code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", code)
	}
	if _, err := xunbangv1.CheckToken(context.Background(), server, tok, nil); err == nil {
		t.Fatal("a revoked token still works")
	}
	_, audit := b.get("/console/audit")
	if !strings.Contains(audit, "签发令牌") || !strings.Contains(audit, "吊销令牌") || strings.Contains(audit, tok) {
		t.Error("the audit lacks the token's creation or revocation, or shows the token")
	}
}

// The dashboard counts, and the exports of the whole hub are Excel files.
func TestConsoleDashboardAndExports(t *testing.T) {
	h := newConsoleHub(t, platform.Options{})
	h.user("admin", hubstore.RoleAdmin, nil, nil)
	lap := h.laptop("吴江镇长团", "李科技", 25, 7)
	h.laptop("昆山技术经理人", "周镇长", 15, 99)
	b := h.browser()
	b.login("admin", testPassword)
	code, page := b.get("/console/hub")
	if code != http.StatusOK || !strings.Contains(page, "吴江镇长团") || !strings.Contains(page, "昆山技术经理人") || !strings.Contains(page, "<b>40</b>需求") {
		t.Fatalf("dashboard: %d", code)
	}
	// The team's line is the desktop's counts of the same records, by the
	// one definition (forms.FactsOf, forms.Tally).
	ctx := context.Background()
	tally := forms.NewTally()
	ents := map[string]*forms.Enterprise{}
	_ = lap.st.ForEachEnterprise(ctx, func(e *forms.Enterprise) error { ents[e.ID] = e; tally.AddEnterprise(e, ""); return nil })
	_ = lap.st.ForEachNeed(ctx, func(n *forms.Need) error {
		tally.AddNeed(forms.Default().FactsOf(n, ents[n.EnterpriseID], nil, ""))
		return nil
	})
	c := tally.Counts()
	row := fmt.Sprintf("<tr><td>吴江镇长团</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td>", c.Enterprises, c.Needs, c.Valid, c.Confirmed)
	if !strings.Contains(page, row) || !strings.Contains(page, fmt.Sprintf("<td>%d</td><td>%d</td></tr>", c.Matches, c.Deals)) {
		t.Errorf("the hub's line for the team differs from the desktop's counts %+v", c)
	}
	for _, what := range []string{"platform", "handbook", "report"} {
		resp, err := b.hc.Get(h.URL + "/console/export/" + what)
		if err != nil {
			t.Fatal(err)
		}
		var head [4]byte
		_, _ = resp.Body.Read(head[:])
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(head[:2]) != "PK" || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
			t.Errorf("export %s: %d %q", what, resp.StatusCode, head)
		}
	}
}

// Users: the admin creates a reviewer, who logs in; disabling them ends
// their session; the last admin cannot be disabled.
func TestConsoleUsers(t *testing.T) {
	h := newConsoleHub(t, platform.Options{})
	h.user("admin", hubstore.RoleAdmin, nil, nil)
	b := h.browser()
	_, csrf := b.login("admin", testPassword)
	code, _, _ := b.post("/console/users", url.Values{"csrf": {csrf}, "name": {"li"}, "role": {"reviewer"}, "teams": {"吴江镇长团，昆山技术经理人"}, "regions": {"320509"}, "password": {testPassword}}, nil)
	if code != http.StatusSeeOther {
		t.Fatalf("create user: %d", code)
	}
	if code, body, _ := b.post("/console/users", url.Values{"csrf": {csrf}, "name": {"bad"}, "role": {"reviewer"}, "password": {testPassword}}, nil); code != http.StatusBadRequest || !strings.Contains(body, "审核范围") {
		t.Errorf("a reviewer without scope: %d", code)
	}
	r := h.browser()
	if code, _ := r.login("li", testPassword); code != http.StatusSeeOther {
		t.Fatalf("the new reviewer cannot log in: %d", code)
	}
	if code, _, _ := b.post("/console/users/li", url.Values{"csrf": {csrf}, "action": {"disable"}}, nil); code != http.StatusSeeOther {
		t.Fatalf("disable: %d", code)
	}
	if code, _ := r.get("/console/needs"); code != http.StatusSeeOther {
		t.Errorf("a disabled reviewer's session still works: %d", code)
	}
	if code, body, _ := b.post("/console/users/admin", url.Values{"csrf": {csrf}, "action": {"disable"}}, nil); code != http.StatusBadRequest || !strings.Contains(body, "最后一位") {
		t.Errorf("disabling the last admin: %d", code)
	}
}

// serve token create and serve review reach a running server through the
// control file's admin token.
func TestControlFileReachesTheRunningServer(t *testing.T) {
	dir := t.TempDir()
	h := startConsoleHub(t, func(o platform.Options) (*platform.Server, error) { return platform.Open(dir, o) }, platform.Options{})
	u, _ := url.Parse(h.URL)
	cleanup, err := h.srv.PublishControl(context.Background(), tcpAddr(t, u.Host))
	if err != nil {
		t.Fatal(err)
	}
	ctl, err := platform.ReadControl(dir)
	if err != nil || ctl.Server != h.URL {
		t.Fatalf("control %+v %v", ctl, err)
	}
	tok, err := platform.CreateTokenRemote(context.Background(), ctl.Server, ctl.Token, "李科技", "吴江镇长团", nil)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := xunbangv1.CheckToken(context.Background(), h.URL, tok, nil); err != nil || id.Team != "吴江镇长团" {
		t.Fatalf("the remote token: %+v %v", id, err)
	}
	cleanup()
	if _, err := platform.ReadControl(dir); err == nil {
		t.Fatal("the control file outlives the run")
	}
	if _, err := platform.CreateTokenRemote(context.Background(), ctl.Server, ctl.Token, "x", "y", nil); err == nil {
		t.Fatal("the run's admin token outlives the run")
	}
}

// The hub's 《技术需求汇编》 leads its readers to each published need's page,
// where they answer it (the handbook names no contact): the hub's public
// address is the export's, as the laptop's is.
func TestConsoleHandbookLeadsToTheNeedPages(t *testing.T) {
	const pub = "https://hub.example.cn"
	h := newConsoleHub(t, platform.Options{PublicURL: pub})
	h.user("admin", hubstore.RoleAdmin, nil, nil)
	lap := h.laptop("吴江镇长团", "李科技", 30, 7)
	ctx := context.Background()
	published := 0
	_ = lap.st.ForEachNeed(ctx, func(n *forms.Need) error {
		if h.srv.Review(ctx, n.ID, "已发布", "", "") == nil {
			published++
		}
		return nil
	})
	if published == 0 {
		t.Fatal("no need of the demo could be published")
	}
	b := h.browser()
	b.login("admin", testPassword)
	resp, err := b.hc.Get(h.URL + "/console/export/handbook")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	f, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, r := range rows {
		for _, c := range r {
			links += strings.Count(c, pub+"/n/")
		}
	}
	if links != published {
		t.Errorf("the hub's handbook leads to %d need pages, want the %d published", links, published)
	}

	// An anonymous need is in the hub's handbook with the region its page
	// shows, as the team's laptop, told by its sync, prints it on a card:
	// no finer than its county, coarser where the county lists too few.
	lap.sync(t)
	blocks := map[string][]string{} // a need's block of cells, which ends with its page's address
	var block []string
	for _, r := range rows {
		block = append(block, r...)
		for _, c := range r {
			if _, link, ok := strings.Cut(c, pub+"/n/"); ok {
				blocks[link], block = block, nil
			}
		}
	}
	wider := 0
	_ = lap.st.ForEachNeed(ctx, func(n *forms.Need) error {
		if n.Visibility() != forms.VisibilityAnonymous || n.Platform.State != "已发布" {
			return nil
		}
		e, err := lap.st.Enterprise(ctx, n.EnterpriseID)
		if err != nil {
			t.Fatal(err)
		}
		if !n.Platform.RegionShown {
			t.Errorf("need %s: the laptop was not told the region its page shows", n.ID)
		}
		shown := forms.ShownRegion(n, e.Values.Get("region"))
		county := forms.PublicRegion(e.Values.Get("region"), forms.VisibilityAnonymous)
		if shown != county {
			wider++
		}
		b := blocks[n.ID]
		if b == nil {
			t.Fatalf("need %s is not in the hub's handbook", n.ID)
		}
		if want := forms.Regions().FullName(shown); want != "" && !slices.Contains(b, want) {
			t.Errorf("need %s: the handbook's block %q lacks its page's region %q", n.ID, b, want)
		}
		if full := forms.Regions().FullName(county); shown != county && slices.Contains(b, full) {
			t.Errorf("need %s: the handbook shows the county %q, its page %q", n.ID, full, forms.Regions().FullName(shown))
		}
		return nil
	})
	if wider == 0 {
		t.Error("no anonymous need of the demo is shown coarser than its county, so the check proves nothing")
	}
}
