package platform_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/hubstore/postgres"
	"github.com/xunbang/xunbang/sync/hubstore/postgres/pgtest"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Content of the fixture's needs that a public page may or may not show.
const (
	pageProblem  = "谐波减速器柔轮在高负载工况下疲劳寿命不足 3000 小时。"
	pageBasis    = "现有基础：样机两台（商业秘密）"
	pageCredit   = "914403001922038216"
	anonEntName  = "苏州某光电科技有限公司"
	namedEntName = "苏州某精密机械有限公司"
)

// richNeed is a need with the fields a page shows: type, problem, budget,
// a secret field and an internal one.
func richNeed(id, rev, base, entID, title string, vis forms.Visibility) protocol.Record {
	n := forms.Need{ID: id, Rev: rev, BaseRev: base, EnterpriseID: entID, Status: forms.StatusDraft, Values: forms.Values{}}
	v := n.Values
	v.Set("title", title)
	v.Set("visibility", string(vis))
	v.Set("public_alias", "苏州市某装备制造企业")
	v.Set("confidential_notes", secretNotes)
	v.Set("need_type", "01")
	v.Set("problem", pageProblem)
	v.Set("current_basis", pageBasis)
	v.Set("budget_wan", "50")
	v.SetList("cooperation_modes", []string{"01", "02"})
	b, err := json.Marshal(n)
	if err != nil {
		panic(err)
	}
	return protocol.Record{Kind: protocol.KindNeed, ID: id, Rev: rev, BaseRev: base, Body: b}
}

// publishedHub is a hub with two teams; team A has a 实名公开 need "named"
// and a 匿名公开 need "anon" (in a town: its region must be coarsened), both
// confirmed and published, and an unpublished one "pending".
type publishedHub struct {
	*fixture
	a, b string // team tokens: suzhou, wuxi
	ent  protocol.Record
}

func newPublishedHub(t *testing.T, opt platform.Options) *publishedHub {
	t.Helper()
	if opt.Pages.MinFillTime == 0 {
		opt.Pages.MinFillTime = -1
	}
	if opt.PublicURL == "" {
		opt.PublicURL = "https://hub.example.cn"
	}
	f := newFixture(t, opt)
	h := &publishedHub{fixture: f, a: f.token("li", "suzhou"), b: f.token("wang", "wuxi")}
	h.ent = enterprise("e1", "e1r1", "", namedEntName)
	ent2 := enterprise("e2", "e2r1", "", anonEntName)
	var e2 forms.Enterprise
	_ = json.Unmarshal(ent2.Body, &e2)
	e2.Values.Set("region", "320583102")
	ent2.Body, _ = json.Marshal(e2)
	f.push(h.a, h.ent, ent2,
		confirmed(richNeed("named", "r1", "", "e1", "高精度谐波减速器柔轮疲劳寿命提升", forms.VisibilityNamed), h.ent),
		confirmed(richNeed("anon", "r2", "", "e2", "锂电池极片涂布厚度在线检测", forms.VisibilityAnonymous), ent2),
		confirmed(richNeed("pending", "r3", "", "e1", "尚未发布的检测需求", forms.VisibilityNamed), h.ent),
	)
	for _, id := range []string{"named", "anon"} {
		if err := f.srv.Review(context.Background(), id, "已发布", forms.PublicPageURL(opt.PublicURL, id), ""); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func (h *publishedHub) get(path string) answer {
	h.t.Helper()
	return h.do("GET", path, "", nil)
}

// postForm sends a 揭榜 form.
func (h *publishedHub) postForm(path string, form url.Values) answer {
	h.t.Helper()
	req, err := http.NewRequest("POST", h.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return answer{resp.StatusCode, resp.Header, buf.Bytes()}
}

var tokenRe = regexp.MustCompile(`name="token" value="([^"]+)"`)

// formToken opens a need's form and returns its token.
func (h *publishedHub) formToken(id string) string {
	h.t.Helper()
	a := h.get("/n/" + id + "/jiebang")
	if a.status != http.StatusOK {
		h.t.Fatalf("form of %s: %d %s", id, a.status, a.body)
	}
	m := tokenRe.FindSubmatch(a.body)
	if m == nil {
		h.t.Fatalf("no token in the form: %s", a.body)
	}
	return html.UnescapeString(string(m[1]))
}

// goodForm is a filled 方案表 with the token.
func goodForm(tok string) url.Values {
	return url.Values{
		"token": {tok}, "consent": {"yes"},
		"provider_name": {"苏州大学机电工程学院"}, "provider_type": {"university"}, "provider_region": {"江苏苏州"},
		"solution_contact": {"王晓明"}, "solution_position": {"教授"}, "solution_phone": {"138 1234 5678"},
		"solution_email":       {"WXM@suda.example.edu.cn"},
		"solution_summary":     {"采用渗碳淬火与表面喷丸复合工艺提升柔轮疲劳寿命，已在两家企业中试验证，可达 10000 小时。"},
		"solution_cooperation": {"02"}, "quote_wan": {"80万"}, "solution_period": {"8 个月"},
	}
}

var receiptRe = regexp.MustCompile(`id="receipt">([^<]+)<`)

// receiptForm is a receipt number's form: JB, the day, and six characters
// of receiptAlphabet.
var receiptForm = regexp.MustCompile(`^JB\d{6}-[2-9A-HJKMNP-Z]{6}$`)

// pullSolutions reads a team's feed with solutions asked for, and returns
// the solution records by id with the raw bytes.
func (h *publishedHub) pullSolutions(token string, kinds bool) (map[string]forms.Solution, []byte) {
	h.t.Helper()
	out := map[string]forms.Solution{}
	var raw []byte
	cursor := ""
	for range 100 {
		q := "?limit=50&after=" + cursor
		if kinds {
			q += "&" + protocol.ParamKinds + "=" + protocol.KindSolution
		}
		a := h.do("GET", protocol.PathChanges+q, token, nil)
		var resp protocol.PullResponse
		if err := protocol.Decode(a.header, a.body, &resp); err != nil {
			h.t.Fatal(err)
		}
		raw = append(raw, a.body...)
		for _, c := range resp.Changes {
			if c.Record != nil && c.Record.Kind == protocol.KindSolution {
				var s forms.Solution
				if err := json.Unmarshal(c.Record.Body, &s); err != nil {
					h.t.Fatal(err)
				}
				out[s.ID] = s
			}
		}
		cursor = resp.Cursor
		if !resp.More {
			return out, raw
		}
	}
	h.t.Fatal("feed did not end")
	return nil, nil
}

func TestPublicNeedPages(t *testing.T) {
	h := newPublishedHub(t, platform.Options{})
	ctx := context.Background()
	if err := h.srv.SetSite(ctx, platform.Site{Event: "2026“科技镇长团杯”苏州国际创新挑战赛", Organiser: "苏州市科学技术局", Deadline: "2099-09-15", Contact: "0512-65246015"}); err != nil {
		t.Fatal(err)
	}
	named := h.get("/n/named")
	if named.status != http.StatusOK || !strings.HasPrefix(named.header.Get("Content-Type"), "text/html") {
		t.Fatalf("named page: %d %s", named.status, named.header.Get("Content-Type"))
	}
	body := string(named.body)
	for _, want := range []string{"高精度谐波减速器柔轮疲劳寿命提升", "编号 NAMED", namedEntName, forms.Regions().FullName("320505"), pageProblem,
		"产品升级", "50 万元", "委托开发、合作开发", "2026“科技镇长团杯”苏州国际创新挑战赛", "苏州市科学技术局",
		"2099-09-15", "我要揭榜"} {
		if !strings.Contains(body, html.EscapeString(want)) {
			t.Errorf("the named page lacks %q", want)
		}
	}
	// Not the enterprise's contact either (personal information, DESIGN.md):
	// providers ask the organisers or answer through the 揭榜 form.
	for _, never := range []string{secretNotes, pageBasis, "内部地址", "<script", "张三", secretMobile, "联系人"} {
		if strings.Contains(body, never) {
			t.Errorf("the named page shows %q", never)
		}
	}
	if !strings.Contains(body, `href="/n/named/jiebang"`) {
		t.Error("the named page has no 揭榜 button")
	}
	if csp := named.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("CSP %q", csp)
	}
	anon := string(h.get("/n/anon").body)
	for _, want := range []string{"锂电池极片涂布厚度在线检测", "苏州市某装备制造企业", pageProblem} {
		if !strings.Contains(anon, want) {
			t.Errorf("the anonymous page lacks %q", want)
		}
	}
	// An anonymous need hides its enterprise: no name, no contact, no
	// credit code, no town (with fewer than five listed enterprises around
	// it, not even a county).
	for _, never := range []string{anonEntName, "张三", secretMobile, pageCredit, "昆山", "玉山", "suzhou", secretNotes, pageBasis} {
		if strings.Contains(anon, never) {
			t.Errorf("the anonymous page shows %q", never)
		}
	}
	// Exactly what another team is shown.
	changes, _, _ := h.pull(h.b, "")
	for _, c := range changes {
		if c.Kind != protocol.ChangePublicNeed || c.Public == nil {
			continue
		}
		for id, vals := range c.Public.Values {
			f, _ := forms.Default().Field(id)
			if f == nil || id == "budget_wan" || id == "need_type" || id == "cooperation_modes" {
				continue
			}
			for _, v := range vals {
				if !strings.Contains(string(h.get("/n/"+c.NeedID).body), html.EscapeString(v)) {
					t.Errorf("%s: the page lacks %s = %q that another team sees", c.NeedID, id, v)
				}
			}
		}
	}
	for path, want := range map[string]int{
		"/n/pending": http.StatusNotFound, "/n/nosuch": http.StatusNotFound, "/n/a%20b": http.StatusNotFound,
		"/n/pending/jiebang": http.StatusNotFound, "/n/named/x/y": http.StatusNotFound,
	} {
		a := h.get(path)
		if a.status != want || strings.Contains(string(a.body), "尚未发布") {
			t.Errorf("%s: %d, want %d", path, a.status, want)
		}
	}
	index := string(h.get("/n/").body)
	if !strings.Contains(index, `href="/n/named"`) || !strings.Contains(index, `href="/n/anon"`) || strings.Contains(index, "pending") || strings.Contains(index, anonEntName) {
		t.Errorf("index: %s", index)
	}
	if root := h.get("/"); root.status != http.StatusOK || !bytes.Equal(root.body, h.get("/n/").body) {
		t.Errorf("/ is not the index: %d", root.status)
	}
	if css := h.get("/static/site.css"); css.status != http.StatusOK || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") {
		t.Errorf("css: %d %s", css.status, css.header.Get("Content-Type"))
	}
	// Withdrawn by a reviewer: 410, never the content.
	if err := h.srv.Review(ctx, "named", "已关闭", "", "企业要求撤下"); err != nil {
		t.Fatal(err)
	}
	gone := h.get("/n/named")
	if gone.status != http.StatusGone || strings.Contains(string(gone.body), "谐波") || !strings.Contains(string(gone.body), "已下架") {
		t.Errorf("closed need: %d %s", gone.status, gone.body)
	}
	if a := h.get("/n/named/jiebang"); a.status != http.StatusGone {
		t.Errorf("form of a closed need: %d", a.status)
	}
	// Withdrawn by its team (a revision at 已撤回): 410 at once, and other
	// teams are told.
	var n forms.Need
	_ = json.Unmarshal(confirmed(richNeed("anon", "r2", "", "e2", "锂电池极片涂布厚度在线检测", forms.VisibilityAnonymous), h.ent).Body, &n)
	n.Rev, n.BaseRev, n.Status = "r2w", "r2", forms.StatusWithdrawn
	b, _ := json.Marshal(n)
	if res := h.push(h.a, protocol.Record{Kind: protocol.KindNeed, ID: "anon", Rev: "r2w", BaseRev: "r2", Body: b}); res[0].Outcome != protocol.Accepted {
		t.Fatalf("withdrawal push: %+v", res[0])
	}
	if a := h.get("/n/anon"); a.status != http.StatusGone || strings.Contains(string(a.body), "锂电池") {
		t.Errorf("withdrawn need: %d", a.status)
	}
	changes, _, _ = h.pull(h.b, "")
	public := map[string]bool{}
	for _, c := range changes {
		if c.Kind == protocol.ChangePublicNeed {
			public[c.NeedID] = c.Public != nil
		}
	}
	if public["anon"] || public["named"] {
		t.Errorf("another team still sees a withdrawn need: %v", public)
	}
}

func TestJiebangReachesOnlyTheNeedsTeam(t *testing.T) {
	h := newPublishedHub(t, platform.Options{})
	tok := h.formToken("anon")
	a := h.postForm("/n/anon/jiebang", goodForm(tok))
	if a.status != http.StatusOK {
		t.Fatalf("submit: %d %s", a.status, a.body)
	}
	m := receiptRe.FindSubmatch(a.body)
	if m == nil || !receiptForm.Match(m[1]) {
		t.Fatalf("no receipt number: %s", a.body)
	}
	receipt := string(m[1])
	// Sent twice (a double click): one solution, the same receipt.
	again := h.postForm("/n/anon/jiebang", goodForm(tok))
	if m2 := receiptRe.FindSubmatch(again.body); m2 == nil || string(m2[1]) != receipt {
		t.Errorf("resubmission: %d, receipt %q", again.status, m2)
	}
	if !strings.Contains(string(again.body), "王晓明") {
		t.Error("the double click's receipt does not show what was sent")
	}
	// Sent again with other content (the form's page kept in a shared
	// browser): the receipt, but not what the first sender wrote.
	other := goodForm(tok)
	other.Set("solution_contact", "李四")
	other.Set("solution_phone", "139 0000 0000")
	third := h.postForm("/n/anon/jiebang", other)
	if m3 := receiptRe.FindSubmatch(third.body); m3 == nil || string(m3[1]) != receipt ||
		strings.Contains(string(third.body), "王晓明") || strings.Contains(string(third.body), "1234") || !strings.Contains(string(third.body), "此前已经提交过") {
		t.Errorf("sent again with other content: %d %s", third.status, third.body)
	}
	infos, err := h.srv.Solutions(context.Background(), "anon")
	if err != nil || len(infos) != 1 || infos[0].Receipt != receipt || infos[0].Team != "suzhou" {
		t.Fatalf("hub holds %+v, %v", infos, err)
	}
	// Team A (the need's team) receives it with its contacts, when it asks
	// for solutions; a client that does not is never sent one.
	sols, _ := h.pullSolutions(h.a, true)
	s, ok := sols[infos[0].ID]
	if len(sols) != 1 || !ok {
		t.Fatalf("team A got %v", sols)
	}
	v := s.Values
	if s.NeedID != "anon" || s.Status != forms.SolutionSubmitted || s.Source != forms.SourcePublicPage || s.Receipt != receipt ||
		v.Get("solution_contact") != "王晓明" || v.Get("solution_phone") != "138 1234 5678" || v.Get("solution_email") != "wxm@suda.example.edu.cn" ||
		v.Get("quote_wan") != "80" || v.Get("provider_type") != "university" || s.Consent == nil || s.Consent.NoticeVersion != platform.NoticeVersion || s.Team != "suzhou" {
		t.Errorf("team A's solution: %+v", s)
	}
	if old, _ := h.pullSolutions(h.a, false); len(old) != 0 {
		t.Errorf("a client that did not ask got %d solutions", len(old))
	}
	// Team B sees neither the solution nor its contacts, asking or not.
	for _, kinds := range []bool{true, false} {
		got, raw := h.pullSolutions(h.b, kinds)
		for _, secret := range []string{"王晓明", "13812345678", "138 1234 5678", "wxm@", "苏州大学机电", receipt, infos[0].ID} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("team B's feed holds %q", secret)
			}
		}
		if len(got) != 0 {
			t.Errorf("team B got solutions: %v", got)
		}
	}
	// Nor does the public page, nor the index.
	for _, p := range []string{"/n/anon", "/n/", "/n/named"} {
		if bytes.Contains(h.get(p).body, []byte("王晓明")) {
			t.Errorf("%s shows the provider's contact", p)
		}
	}
	// The contacts are sealed at rest and never logged.
	if strings.Contains(h.logText(), "王晓明") || strings.Contains(h.logText(), "13812345678") {
		t.Error("the hub logged a provider's contact")
	}
}

func TestSolutionsSyncUnderTheRulesOfNeeds(t *testing.T) {
	h := newPublishedHub(t, platform.Options{})
	a := h.postForm("/n/named/jiebang", goodForm(h.formToken("named")))
	if a.status != http.StatusOK {
		t.Fatalf("submit: %d", a.status)
	}
	sols, _ := h.pullSolutions(h.a, true)
	var s forms.Solution
	for _, x := range sols {
		s = x
	}
	rec := func(sol forms.Solution, rev, base string) protocol.Record {
		sol.Rev, sol.BaseRev = rev, base
		b, _ := json.Marshal(sol)
		return protocol.Record{Kind: protocol.KindSolution, ID: sol.ID, Rev: rev, BaseRev: base, Body: b}
	}
	// The official screens it: accepted; the same revision again: duplicate.
	screened := s
	screened.Status = forms.SolutionScreened
	screened.Values = s.Values.Clone()
	screened.Values.Set("solution_notes", "已电话沟通，约下周面谈。")
	r1 := rec(screened, "s-r2", s.Rev)
	if got := outcomes(h.push(h.a, r1)); fmt.Sprint(got) != "[accepted]" {
		t.Fatalf("status change: %v", got)
	}
	if got := outcomes(h.push(h.a, r1)); fmt.Sprint(got) != "[duplicate]" {
		t.Errorf("repeated: %v", got)
	}
	// A colleague's edit from the old revision: a conflict carrying the
	// hub's revision.
	other := s
	other.Status = forms.SolutionDeclined
	res := h.push(h.a, rec(other, "s-r3", s.Rev))
	if res[0].Outcome != protocol.Conflict || res[0].Current == nil || res[0].Current.Rev != "s-r2" {
		t.Errorf("conflict: %+v", res[0])
	}
	// Another team may neither edit it nor attach solutions to its needs.
	res = h.push(h.b, rec(screened, "s-r4", "s-r2"))
	if res[0].Outcome != protocol.Invalid || res[0].Reasons[0].Code != "forbidden" {
		t.Errorf("team B edits team A's solution: %+v", res[0])
	}
	paper := forms.Solution{ID: "paper-1", NeedID: "named", Status: forms.SolutionSubmitted, Source: forms.SourcePaper, Values: forms.Values{"provider_name": {"无锡某研究院"}}}
	res = h.push(h.b, rec(paper, "p-r1", ""))
	if res[0].Outcome != protocol.Invalid || res[0].Reasons[0].Code != "forbidden" {
		t.Errorf("team B attaches a solution to team A's need: %+v", res[0])
	}
	// Team A enters a paper 方案表; it may not move to another need later.
	if got := outcomes(h.push(h.a, rec(paper, "p-r1", ""))); fmt.Sprint(got) != "[accepted]" {
		t.Fatalf("paper solution: %v", got)
	}
	moved := paper
	moved.NeedID = "anon"
	res = h.push(h.a, rec(moved, "p-r2", "p-r1"))
	if res[0].Outcome != protocol.Invalid || res[0].Reasons[0].Code != "need_changed" {
		t.Errorf("moved solution: %+v", res[0])
	}
	bad := paper
	bad.Status = "archived"
	res = h.push(h.a, rec(bad, "p-r3", "p-r1"))
	if res[0].Outcome != protocol.Invalid || res[0].Reasons[0].Field != "status" {
		t.Errorf("unknown status: %+v", res[0])
	}
	infos, _ := h.srv.Solutions(context.Background(), "named")
	if len(infos) != 2 {
		t.Errorf("need named has %d solutions: %+v", len(infos), infos)
	}
	// whoami tells the client the hub takes solutions.
	var id protocol.Identity
	w := h.do("GET", protocol.PathWhoAmI, h.a, nil)
	if err := protocol.Decode(w.header, w.body, &id); err != nil || fmt.Sprint(id.Kinds) != "[solution]" {
		t.Errorf("whoami kinds %v, %v", id.Kinds, err)
	}
}

func TestJiebangFormChecks(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	h := newPublishedHub(t, platform.Options{Now: clock.now, Pages: platform.PageOptions{MinFillTime: 3 * time.Second, FormLifetime: time.Hour, SubmitBurst: 100}})
	count := func() int {
		infos, _ := h.srv.Solutions(context.Background(), "")
		return len(infos)
	}
	tok := h.formToken("named")
	// Too fast: asked again, filled in, with a fresh token.
	a := h.postForm("/n/named/jiebang", goodForm(tok))
	if a.status != http.StatusBadRequest || !strings.Contains(string(a.body), "太快") || !strings.Contains(string(a.body), "苏州大学机电工程学院") {
		t.Errorf("too fast: %d", a.status)
	}
	clock.add(5 * time.Second)
	// A token of another need, or forged, is not taken.
	if a := h.postForm("/n/anon/jiebang", goodForm(tok)); a.status != http.StatusBadRequest || !strings.Contains(string(a.body), "表单已失效") {
		t.Errorf("token of another need: %d", a.status)
	}
	if a := h.postForm("/n/named/jiebang", goodForm(tok[:len(tok)-2]+"xx")); a.status != http.StatusBadRequest {
		t.Errorf("forged token: %d", a.status)
	}
	// Every required field missing: one message each, naming the field,
	// and nothing stored; no consent: said too.
	empty := url.Values{"token": {tok}}
	a = h.postForm("/n/named/jiebang", empty)
	body := string(a.body)
	if a.status != http.StatusUnprocessableEntity {
		t.Errorf("empty form: %d", a.status)
	}
	for _, label := range []string{"方案提供方单位名称", "单位类型", "地区", "联系人", "职务", "联系方式", "E-mail", "解决方案简要介绍"} {
		if !strings.Contains(body, "「"+label+"」为必填项") {
			t.Errorf("no message for %s", label)
		}
	}
	if !strings.Contains(body, "勾选同意") {
		t.Error("no message for the consent")
	}
	// Bad values: named, the typed text kept.
	f := goodForm(tok)
	f.Set("solution_email", "wxm-at-suda")
	f.Set("quote_wan", "很多")
	f.Set("solution_phone", "请发邮件")
	a = h.postForm("/n/named/jiebang", f)
	for _, want := range []string{"「E-mail」", "「报价（万元）」", "「联系方式」", `value="wxm-at-suda"`, `value="很多"`} {
		if !strings.Contains(string(a.body), want) {
			t.Errorf("bad values: the form lacks %q", want)
		}
	}
	// The honeypot: thanked, dropped.
	f = goodForm(tok)
	f.Set("leave_blank", "http://spam.example")
	if a := h.postForm("/n/named/jiebang", f); a.status != http.StatusOK || receiptRe.Match(a.body) {
		t.Errorf("honeypot: %d %s", a.status, a.body)
	}
	// Too big: refused before reading.
	f = goodForm(tok)
	f.Set("solution_summary", strings.Repeat("长", 30000))
	if a := h.postForm("/n/named/jiebang", f); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form: %d", a.status)
	}
	// A form served long ago: asked again, filled in.
	clock.add(2 * time.Hour)
	if a := h.postForm("/n/named/jiebang", goodForm(tok)); a.status != http.StatusBadRequest || !strings.Contains(string(a.body), "已过期") {
		t.Errorf("expired form: %d", a.status)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d solutions stored by refused forms", n)
	}
	// Past the deadline the form is closed.
	if err := h.srv.SetSite(context.Background(), platform.Site{Deadline: "2026-06-01"}); err != nil {
		t.Fatal(err)
	}
	clock.add(24 * time.Hour)
	if a := h.get("/n/named"); !strings.Contains(string(a.body), "截止") || strings.Contains(string(a.body), "我要揭榜") {
		t.Errorf("need page after the deadline: %s", a.body)
	}
	if a := h.get("/n/named/jiebang"); a.status != http.StatusForbidden {
		t.Errorf("form after the deadline: %d", a.status)
	}
	if err := h.srv.SetSite(context.Background(), platform.Site{Deadline: "15/09/2026"}); err == nil {
		t.Error("a deadline that is no date was taken")
	}
}

// Markup and script typed into every field come back inert: escaped in the
// form shown again, on the receipt, and stored as typed.
func TestJiebangEscapesEverything(t *testing.T) {
	h := newPublishedHub(t, platform.Options{})
	const inj = `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	live := func(b []byte) bool {
		return bytes.Contains(b, []byte("<script>")) || bytes.Contains(b, []byte("<img src=x")) || bytes.Contains(b, []byte(`"><`+"script"))
	}
	f := goodForm(h.formToken("named"))
	for k := range f {
		if k != "token" && k != "consent" {
			f.Set(k, f.Get(k)+inj)
		}
	}
	a := h.postForm("/n/named/jiebang", f)
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("a form with markup in its e-mail: %d", a.status)
	}
	if live(a.body) {
		t.Errorf("markup came back live: %s", a.body)
	}
	// Fields that may hold any text keep it (as long as it fits), and the
	// receipt shows it escaped.
	const short = `<script>x()</script>`
	f = goodForm(h.formToken("named"))
	for k, add := range map[string]string{"provider_name": inj, "provider_region": short, "solution_contact": "<b>", "solution_position": short,
		"solution_summary": inj, "solution_period": short} {
		f.Set(k, f.Get(k)+add)
	}
	a = h.postForm("/n/named/jiebang", f)
	if a.status != http.StatusOK || live(a.body) || bytes.Contains(a.body, []byte("<b>")) {
		t.Fatalf("receipt: %d %s", a.status, a.body)
	}
	if !bytes.Contains(a.body, []byte(html.EscapeString(inj))) {
		t.Error("the receipt does not show what was typed")
	}
	sols, _ := h.pullSolutions(h.a, true)
	if len(sols) != 1 {
		t.Fatalf("%d solutions", len(sols))
	}
	for _, s := range sols {
		if !strings.HasSuffix(s.Values.Get("solution_summary"), inj) || !strings.HasSuffix(s.Values.Get("solution_contact"), "<b>") {
			t.Errorf("stored %+v", s.Values)
		}
	}
}

// Under a bounded burst from one address, exactly SubmitBurst solutions
// are stored; the rest get 429 with Retry-After and their form back.
func TestJiebangRateLimit(t *testing.T) {
	const burst, sent = 3, 12
	h := newPublishedHub(t, platform.Options{Pages: platform.PageOptions{SubmitBurst: burst, SubmitEvery: time.Hour}})
	var toks []string
	for range sent {
		toks = append(toks, h.formToken("named"))
	}
	var wg sync.WaitGroup
	statuses := make(chan answer, sent)
	for _, tok := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- h.postForm("/n/named/jiebang", goodForm(tok))
		}()
	}
	wg.Wait()
	close(statuses)
	n := map[int]int{}
	for a := range statuses {
		n[a.status]++
		if a.status == http.StatusTooManyRequests && (a.header.Get("Retry-After") == "" || !strings.Contains(string(a.body), "苏州大学机电工程学院")) {
			t.Errorf("429 without Retry-After or the form: %s", a.body)
		}
	}
	if n[http.StatusOK] != burst || n[http.StatusTooManyRequests] != sent-burst {
		t.Errorf("statuses %v, want %d × 200 and %d × 429", n, burst, sent-burst)
	}
	infos, _ := h.srv.Solutions(context.Background(), "named")
	if len(infos) != burst {
		t.Errorf("%d solutions stored, want %d", len(infos), burst)
	}
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// On PostgreSQL, two servers on one database are one hub for 揭榜 too:
// providers submitting through both at once get distinct receipts,
// numbered without a gap, and the need's team receives every solution.
func TestJiebangOnTwoServersOneDatabase(t *testing.T) {
	db := pgtest.URL(t)
	key := bytes.Repeat([]byte{3}, 32)
	var hubs []*publishedHub
	for i := range 2 {
		st, err := postgres.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := platform.OpenStore(context.Background(), st, platform.Options{Key: key, Logger: slog.New(slog.DiscardHandler),
			PublicURL: "https://hub.example.cn", Pages: platform.PageOptions{MinFillTime: -1, SubmitBurst: 100}})
		if err != nil {
			st.Close()
			t.Fatal(err)
		}
		f := &fixture{t: t, srv: srv, ts: httptest.NewServer(srv.Handler()), log: &bytes.Buffer{}, mu: &sync.Mutex{}}
		t.Cleanup(f.close)
		h := &publishedHub{fixture: f}
		if i == 0 {
			h.a = f.token("li", "suzhou")
			h.ent = enterprise("e1", "e1r1", "", namedEntName)
			f.push(h.a, h.ent, confirmed(richNeed("named", "r1", "", "e1", "高精度谐波减速器柔轮疲劳寿命提升", forms.VisibilityNamed), h.ent))
			if err := srv.Review(context.Background(), "named", "已发布", "https://hub.example.cn/n/named", ""); err != nil {
				t.Fatal(err)
			}
		} else {
			h.a = hubs[0].a
		}
		hubs = append(hubs, h)
	}
	const each = 6
	receipts := make(chan string, 2*each)
	var wg sync.WaitGroup
	for i := range 2 * each {
		h := hubs[i%2]
		tok := h.formToken("named")
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := h.postForm("/n/named/jiebang", goodForm(tok))
			if m := receiptRe.FindSubmatch(a.body); a.status == http.StatusOK && m != nil {
				receipts <- string(m[1])
			} else {
				t.Errorf("submit: %d", a.status)
			}
		}()
	}
	wg.Wait()
	close(receipts)
	// Every submission its own receipt, through either server.
	seen := map[string]bool{}
	for r := range receipts {
		if seen[r] || !receiptForm.MatchString(r) {
			t.Errorf("receipt %q given twice, or malformed", r)
		}
		seen[r] = true
	}
	if len(seen) != 2*each {
		t.Errorf("%d receipts for %d submissions: %v", len(seen), 2*each, seen)
	}
	for _, h := range hubs {
		if sols, _ := h.pullSolutions(h.a, true); len(sols) != 2*each {
			t.Errorf("the team receives %d solutions through one server", len(sols))
		}
	}
}

// A need the hub publishes without another platform's address (serve
// review ID --status 已发布, no --url) is published at the hub's own page,
// which its card's QR code then holds; a hub without a public address
// still asks for one.
func TestPublishedWithoutAddressIsAtTheHubsPage(t *testing.T) {
	h := newPublishedHub(t, platform.Options{})
	ctx := context.Background()
	if err := h.srv.Review(ctx, "pending", "已发布", "", ""); err != nil {
		t.Fatal(err)
	}
	recs, err := h.srv.Records(ctx, "need")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.ID == "pending" && r.URL != forms.PublicPageURL("https://hub.example.cn", "pending") {
			t.Errorf("published at %q", r.URL)
		}
	}
	if a := h.get("/n/pending"); a.status != 200 {
		t.Errorf("its page: %d", a.status)
	}

	bare := newFixture(t, platform.Options{})
	tok := bare.token("li", "suzhou")
	ent := enterprise("e1", "e1r1", "", namedEntName)
	bare.push(tok, ent, confirmed(richNeed("n1", "r1", "", "e1", "无公开地址的节点上的需求", forms.VisibilityNamed), ent))
	if err := bare.srv.Review(ctx, "n1", "已发布", "", ""); err == nil || !strings.Contains(err.Error(), "needs the public URL") {
		t.Errorf("published with no address anywhere: %v", err)
	}
}
