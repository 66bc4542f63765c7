package platform_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Contents that must never reach a log or another team.
const (
	secretMobile = "13912345678"
	secretNotes  = "内部备注：老板不愿公开"
	privateTitle = "不公开的高温合金焊接工艺"
)

type fixture struct {
	t    *testing.T
	srv  *platform.Server
	ts   *httptest.Server
	log  *bytes.Buffer
	mu   *sync.Mutex
	once sync.Once
}

type lockedWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func newFixture(t *testing.T, opt platform.Options) *fixture {
	t.Helper()
	return newFixtureIn(t, t.TempDir(), opt)
}

// newFixtureIn is a hub on the data dir dir, over loopback.
func newFixtureIn(t *testing.T, dir string, opt platform.Options) *fixture {
	t.Helper()
	f := &fixture{t: t, log: &bytes.Buffer{}, mu: &sync.Mutex{}}
	opt.Logger = slog.New(slog.NewJSONHandler(lockedWriter{f.mu, f.log}, nil))
	srv, err := platform.Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		f.close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, s := range []string{secretMobile, secretNotes, privateTitle, "高温合金"} {
			if strings.Contains(f.log.String(), s) {
				t.Errorf("the server logged content %q", s)
			}
		}
	})
	return f
}

// close stops the hub (again at cleanup: no harm).
func (f *fixture) close() {
	f.once.Do(func() {
		f.ts.Close()
		f.srv.Close()
	})
}

// logText returns what the hub has logged.
func (f *fixture) logText() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.log.String()
}

func (f *fixture) token(user, team string) string {
	tok, err := f.srv.CreateToken(context.Background(), user, team)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (f *fixture) do(method, path, token string, body []byte) answer {
	f.t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	if body != nil {
		protocol.SetHeaders(req.Header)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	if resp.Header.Get(protocol.HeaderVersion) != protocol.Version {
		f.t.Errorf("%s %s: no protocol version header", method, path)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

func (f *fixture) push(token string, recs ...protocol.Record) []protocol.Result {
	f.t.Helper()
	req := protocol.PushRequest{Protocol: protocol.Version, Records: recs}
	b, _ := json.Marshal(req)
	for attempt := 0; ; attempt++ {
		a := f.do("POST", protocol.PathPush, token, b)
		if a.status == http.StatusTooManyRequests && attempt < 50 {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if a.status != http.StatusOK {
			f.t.Fatalf("push: %d %s", a.status, a.body)
		}
		var resp protocol.PushResponse
		if err := protocol.Decode(a.header, a.body, &resp); err != nil {
			f.t.Fatal(err)
		}
		if err := resp.MatchRequest(&req); err != nil {
			f.t.Fatal(err)
		}
		return resp.Results
	}
}

// pull reads the whole feed after cursor and returns the changes, the new
// cursor and the raw bytes of every page.
func (f *fixture) pull(token, cursor string) ([]protocol.Change, string, []byte) {
	f.t.Helper()
	var all []protocol.Change
	var raw []byte
	for i := 0; i < 1000; i++ {
		a := f.do("GET", protocol.PathChanges+"?limit=3&after="+cursor, token, nil)
		if a.status != http.StatusOK {
			f.t.Fatalf("pull: %d %s", a.status, a.body)
		}
		raw = append(raw, a.body...)
		var resp protocol.PullResponse
		if err := protocol.Decode(a.header, a.body, &resp); err != nil {
			f.t.Fatal(err)
		}
		all = append(all, resp.Changes...)
		cursor = resp.Cursor
		if !resp.More {
			return all, cursor, raw
		}
	}
	f.t.Fatal("feed did not end")
	return nil, "", nil
}

func enterprise(id, rev, base, name string) protocol.Record {
	e := forms.Enterprise{ID: id, Rev: rev, Values: forms.Values{}}
	e.Values.Set("enterprise_name", name)
	e.Values.Set("credit_code", "914403001922038216")
	e.Values.Set("region", "320505")
	e.Values.Set("address", "内部地址 1 号")
	e.Contacts = []forms.Contact{{ID: "c1", Values: forms.Values{"contact_name": {"张三"}, "contact_mobile": {secretMobile}}}}
	b, err := json.Marshal(e)
	if err != nil {
		panic(err)
	}
	b = setBase(b, base)
	return protocol.Record{Kind: protocol.KindEnterprise, ID: id, Rev: rev, BaseRev: base, Body: b}
}

// confirmed returns a need record as the enterprise confirmed it, with the
// enterprise record it was confirmed with.
func confirmed(needRec, entRec protocol.Record) protocol.Record {
	var n forms.Need
	var e forms.Enterprise
	if err := json.Unmarshal(needRec.Body, &n); err != nil {
		panic(err)
	}
	if err := json.Unmarshal(entRec.Body, &e); err != nil {
		panic(err)
	}
	n.Status = forms.StatusToConfirm
	if err := forms.Default().Confirm(&n, &e, forms.Confirmation{At: time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC), Values: forms.Values{"confirmer_name": {"张三"}}}); err != nil {
		panic(err)
	}
	b, err := json.Marshal(n)
	if err != nil {
		panic(err)
	}
	needRec.Body = b
	return needRec
}

func need(id, rev, base, entID, title string, vis forms.Visibility) protocol.Record {
	n := forms.Need{ID: id, Rev: rev, BaseRev: base, EnterpriseID: entID, Status: forms.StatusDraft, Values: forms.Values{}}
	n.Values.Set("title", title)
	n.Values.Set("visibility", string(vis))
	n.Values.Set("public_alias", "苏州市某装备制造企业")
	n.Values.Set("confidential_notes", secretNotes)
	b, err := json.Marshal(n)
	if err != nil {
		panic(err)
	}
	return protocol.Record{Kind: protocol.KindNeed, ID: id, Rev: rev, BaseRev: base, Body: b}
}

// withValue sets a field of a record body.
func withValue(b []byte, id, v string) []byte {
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	m[id] = v
	out, _ := json.Marshal(m)
	return out
}

// setBase adds base_rev to an enterprise body (forms.Enterprise has no BaseRev).
func setBase(b []byte, base string) []byte {
	if base == "" {
		return b
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	m["base_rev"] = base
	out, _ := json.Marshal(m)
	return out
}

func outcomes(rs []protocol.Result) []protocol.Outcome {
	var out []protocol.Outcome
	for _, r := range rs {
		out = append(out, r.Outcome)
	}
	return out
}

func TestPushOutcomes(t *testing.T) {
	f := newFixture(t, platform.Options{})
	tok := f.token("li", "suzhou")
	other := f.token("wang", "wuxi")

	rs := f.push(tok, enterprise("e1", "e1r1", "", "苏州某精密机械有限公司"), need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed), need("n1", "r2", "r1", "e1", "高温合金部件焊接（改）", forms.VisibilityNamed))
	if fmt.Sprint(outcomes(rs)) != "[accepted accepted accepted]" {
		t.Fatalf("first push: %v", rs)
	}
	// The same revisions again (a response was lost): stored once.
	rs = f.push(tok, need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed), need("n1", "r2", "r1", "e1", "高温合金部件焊接（改）", forms.VisibilityNamed))
	if fmt.Sprint(outcomes(rs)) != "[duplicate duplicate]" {
		t.Fatalf("repeat: %v", rs)
	}
	// An edit of an old base: conflict, with the server's current revision.
	rs = f.push(tok, need("n1", "r3", "r1", "e1", "另一位同事的修改", forms.VisibilityNamed))
	if rs[0].Outcome != protocol.Conflict || rs[0].Current == nil || rs[0].Current.Rev != "r2" {
		t.Fatalf("conflict: %+v", rs[0])
	}
	// Invalid records do not block the rest of the batch.
	// A malformed value, a need type no vocabulary has (a title under 4
	// characters is no longer refused: a draft may break a length, issue
	// 13.9).
	bad := need("n2", "x1", "", "e1", "类型代码不存在的需求", forms.VisibilityNamed)
	bad.Body = withValue(bad.Body, "need_type", "42")
	worse := need("n3", "y1", "", "", "没有企业的需求", forms.VisibilityNamed)
	mismatch := need("n4", "z1", "", "e1", "修订号不一致的需求", forms.VisibilityNamed)
	mismatch.Rev = "z2"
	rs = f.push(tok, bad, need("n5", "w1", "", "e1", "正常的一条需求", forms.VisibilityNamed), worse, mismatch)
	if fmt.Sprint(outcomes(rs)) != "[invalid accepted invalid invalid]" {
		t.Fatalf("invalid: %v", rs)
	}
	if rs[0].Reasons[0].Field != "need_type" || rs[0].Reasons[0].Code != "option" || !strings.Contains(rs[0].Reasons[0].Message, "「") {
		t.Errorf("reasons: %+v", rs[0].Reasons)
	}
	if rs[2].Reasons[0].Field != "enterprise_id" {
		t.Errorf("reasons: %+v", rs[2].Reasons)
	}
	// Another team may not write a record it does not own, and learns nothing of it.
	rs = f.push(other, need("n1", "r9", "r2", "e1", "别的团队的修改", forms.VisibilityNamed))
	if rs[0].Outcome != protocol.Invalid || rs[0].Current != nil || rs[0].Reasons[0].Code != "forbidden" {
		t.Fatalf("other team: %+v", rs[0])
	}
	n, _ := f.srv.RevisionCount(context.Background())
	if n != 4 {
		t.Errorf("%d revisions stored, want 4", n)
	}
}

func TestConcurrentPushesOfOneRevisionStoreOne(t *testing.T) {
	f := newFixture(t, platform.Options{MaxInFlight: 4})
	tok := f.token("li", "suzhou")
	rec := need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed)
	var wg sync.WaitGroup
	got := make(chan protocol.Outcome, 32)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got <- f.push(tok, rec)[0].Outcome
		}()
	}
	wg.Wait()
	close(got)
	count := map[protocol.Outcome]int{}
	for o := range got {
		count[o]++
	}
	if count[protocol.Accepted] != 1 || count[protocol.Duplicate] != 31 {
		t.Fatalf("outcomes %v", count)
	}
	recs, _ := f.srv.Records(context.Background(), "need")
	n, _ := f.srv.RevisionCount(context.Background())
	if len(recs) != 1 || recs[0].Revisions != 1 || n != 1 {
		t.Fatalf("stored %v, %d revisions", recs, n)
	}
	changes, _, _ := f.pull(tok, "")
	if len(changes) != 1 {
		t.Fatalf("feed has %d changes", len(changes))
	}
}

func TestTeamIsolation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, platform.Options{})
	a := f.token("li", "suzhou")
	b := f.token("wang", "wuxi")
	ent := enterprise("e1", "e1r1", "", "苏州某精密机械有限公司")
	ent2 := enterprise("e2", "e2r1", "", "苏州某光电科技有限公司")
	f.push(a, ent, ent2,
		confirmed(need("named", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed), ent),
		confirmed(need("anon", "r2", "", "e2", "匿名的表面处理需求", forms.VisibilityAnonymous), ent2),
		confirmed(need("private", "r3", "", "e1", privateTitle, forms.VisibilityPrivate), ent),
		confirmed(need("pending", "r4", "", "e1", "尚未发布的检测需求", forms.VisibilityNamed), ent),
		need("unconfirmed", "r5", "", "e1", "未经企业确认的需求", forms.VisibilityNamed),
	)
	// Before any review, team B sees only the registry entry of the
	// enterprise behind no anonymous need — not even that the other one,
	// which it never received, left the registry.
	changes, cursor, raw := f.pull(b, "")
	var entries []string
	for _, c := range changes {
		switch {
		case c.Kind == protocol.ChangeRegistry && c.Registry != nil:
			entries = append(entries, c.Registry.Name)
		default:
			t.Errorf("team B sees %+v", c)
		}
	}
	if fmt.Sprint(entries) != "[苏州某精密机械有限公司]" {
		t.Fatalf("team B's registry: %v", entries)
	}
	for _, s := range []string{secretMobile, "张三", "内部地址", "高温合金", "尚未发布", "光电科技"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("team B saw %q", s)
		}
	}
	for _, id := range []string{"named", "anon"} {
		if err := f.srv.Review(ctx, id, "已发布", "https://platform.example.cn/need/"+id, ""); err != nil {
			t.Fatal(err)
		}
	}
	// 已发布 of a need that may not be published is refused; a later
	// verdict that would be public for another need (对接中, 已签约) is
	// kept, and shows nothing.
	for id, want := range map[string]error{"private": platform.ErrPrivateNeed, "unconfirmed": platform.ErrUnconfirmedNeed} {
		if err := f.srv.Review(ctx, id, "已发布", "https://platform.example.cn/need/"+id, ""); !errors.Is(err, want) {
			t.Errorf("已发布 of the %s need: %v, want %v", id, err, want)
		}
		if err := f.srv.Review(ctx, id, "对接中", "", ""); err != nil {
			t.Errorf("对接中 of the %s need: %v", id, err)
		}
	}
	changes, _, raw = f.pull(b, cursor)
	pub := map[string]*protocol.PublicNeed{}
	for _, c := range changes {
		if c.Kind != protocol.ChangePublicNeed {
			t.Fatalf("team B got %s", c.Kind)
		}
		if _, twice := pub[c.NeedID]; twice {
			t.Errorf("team B got %s twice", c.NeedID)
		}
		pub[c.NeedID] = c.Public
	}
	if p := pub["named"]; p == nil || p.Publisher != "苏州某精密机械有限公司" || p.URL == "" || p.Values["title"][0] != "高温合金部件焊接" || p.Team != "suzhou" {
		t.Errorf("named: %+v", p)
	}
	if p := pub["anon"]; p == nil || p.Publisher != "苏州市某装备制造企业" || p.Team != "" {
		t.Errorf("anonymous: %+v", p)
	}
	// Not even a withdrawal: that the need exists, and its id, are the team's.
	for _, id := range []string{"private", "unconfirmed"} {
		if p, ok := pub[id]; ok {
			t.Errorf("%s need shown to another team: %+v", id, p)
		}
	}
	if _, ok := pub["pending"]; ok {
		t.Error("unpublished need shown to another team")
	}
	// Nor the named need's contact: personal information, never published.
	for _, s := range []string{secretNotes, privateTitle, "尚未发布", "内部地址", "未经企业确认", secretMobile, "张三"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("team B saw %q", s)
		}
	}
	// The anonymous need's view must not name the enterprise or its team.
	var anonRaw []byte
	for _, c := range changes {
		if c.NeedID == "anon" {
			anonRaw, _ = json.Marshal(c)
		}
	}
	for _, s := range []string{"光电科技", secretMobile, "suzhou", "914403001922038216"} {
		if bytes.Contains(anonRaw, []byte(s)) {
			t.Errorf("anonymous need identifies the enterprise by %q: %s", s, anonRaw)
		}
	}
	// Team A sees its own records in full, and the verdicts.
	changes, _, _ = f.pull(a, "")
	kinds := map[string]int{}
	for _, c := range changes {
		kinds[c.Kind]++
	}
	if kinds[protocol.ChangeRecord] != 7 || kinds[protocol.ChangeStatus] != 4 || len(kinds) != 2 {
		t.Errorf("team A sees %v", kinds)
	}
	// A new revision of a published need stays with its team until a
	// verdict publishes it (issue 11.1).
	_, cursor2, _ := f.pull(b, cursor)
	f.push(a, confirmed(need("anon", "r2b", "r2", "e2", "匿名的表面处理需求（修订）", forms.VisibilityAnonymous), ent2))
	changes, _, raw = f.pull(b, cursor2)
	if len(changes) != 0 || bytes.Contains(raw, []byte("修订")) {
		t.Fatalf("an edit after publication reached team B: %+v", changes)
	}
	// A withdrawal reaches team B as a need that is no longer public.
	if err := f.srv.Review(ctx, "named", "已关闭", "", "企业要求撤下"); err != nil {
		t.Fatal(err)
	}
	changes, _, _ = f.pull(b, cursor)
	last := changes[len(changes)-1]
	if last.Kind != protocol.ChangePublicNeed || last.NeedID != "named" || last.Public != nil {
		t.Errorf("withdrawal: %+v", last)
	}
}

func TestReviewReachesTheTeam(t *testing.T) {
	f := newFixture(t, platform.Options{})
	a := f.token("li", "suzhou")
	ent := enterprise("e1", "e1r1", "", "苏州某精密机械有限公司")
	f.push(a, ent, confirmed(need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed), ent))
	_, cursor, _ := f.pull(a, "")
	if err := f.srv.Review(context.Background(), "n1", "published", "", ""); err == nil {
		t.Error("已发布 without a URL accepted")
	}
	if err := f.srv.Review(context.Background(), "nope", "已发布", "https://p.example.cn/1", ""); !errors.Is(err, platform.ErrNotFound) {
		t.Errorf("unknown need: %v", err)
	}
	if err := f.srv.Review(context.Background(), "n1", "退回", "", "请补充技术指标"); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.Review(context.Background(), "n1", "已发布", "https://p.example.cn/need/1", ""); err != nil {
		t.Fatal(err)
	}
	changes, _, _ := f.pull(a, cursor)
	if len(changes) != 2 || changes[0].Status.State != protocol.StateReturned || changes[0].Status.Comment != "请补充技术指标" ||
		changes[1].Status.Label != "已发布" || changes[1].Status.URL != "https://p.example.cn/need/1" {
		t.Fatalf("changes %+v %+v", changes[0].Status, changes[1].Status)
	}
}

func TestProtocolErrors(t *testing.T) {
	f := newFixture(t, platform.Options{})
	tok := f.token("li", "suzhou")
	okBody, _ := json.Marshal(protocol.PushRequest{Protocol: "1", Records: []protocol.Record{need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed)}})

	check := func(name string, a answer, status int, code string) {
		t.Helper()
		var eb protocol.ErrorBody
		if a.status != status {
			t.Errorf("%s: status %d, want %d (%s)", name, a.status, status, a.body)
			return
		}
		if err := protocol.Decode(a.header, a.body, &eb); err != nil || eb.Error.Code != code {
			t.Errorf("%s: %v %+v", name, err, eb)
		}
	}
	check("no token", f.do("POST", protocol.PathPush, "", okBody), 401, protocol.CodeUnauthorized)
	check("bad token", f.do("GET", protocol.PathChanges, "nope", nil), 401, protocol.CodeUnauthorized)
	check("unknown path", f.do("GET", "/v1/nothing", tok, nil), 404, protocol.CodeNotFound)
	check("wrong method", f.do("GET", protocol.PathPush, tok, nil), 405, protocol.CodeMethod)
	check("bad cursor", f.do("GET", protocol.PathChanges+"?after=zz", tok, nil), 400, protocol.CodeBadRequest)
	check("bad limit", f.do("GET", protocol.PathChanges+"?limit=999999", tok, nil), 400, protocol.CodeBadRequest)
	check("not json", f.do("POST", protocol.PathPush, tok, []byte("<html>")), 400, protocol.CodeBadRequest)
	v2, _ := json.Marshal(protocol.PushRequest{Protocol: "2", Records: []protocol.Record{need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed)}})
	check("version", f.do("POST", protocol.PathPush, tok, v2), 400, protocol.CodeVersion)
	big := bytes.Repeat([]byte(" "), protocol.MaxRequestBytes+1)
	check("too large", f.do("POST", protocol.PathPush, tok, big), 413, protocol.CodeTooLarge)

	req, _ := http.NewRequest("POST", f.ts.URL+protocol.PathPush, bytes.NewReader(okBody))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 415 {
		t.Errorf("json content type: %d", resp.StatusCode)
	}

	a := f.do("GET", protocol.PathHealth, "", nil)
	var h protocol.Health
	if err := protocol.Decode(a.header, a.body, &h); err != nil || a.status != 200 {
		t.Errorf("health: %d %v", a.status, err)
	}
	a = f.do("GET", protocol.PathWhoAmI, tok, nil)
	var id protocol.Identity
	if err := protocol.Decode(a.header, a.body, &id); err != nil || id.User != "li" || id.Team != "suzhou" {
		t.Errorf("whoami: %v %+v", err, id)
	}
}

// slowPush starts a push whose body arrives only when release is closed, so
// that the request holds its slot (or is in flight) meanwhile.
func slowPush(t *testing.T, url, token string, body []byte, release <-chan struct{}) <-chan int {
	pr, pw := io.Pipe()
	go func() {
		pw.Write(body[:10])
		<-release
		pw.Write(body[10:])
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", url+protocol.PathPush, pr)
	protocol.SetHeaders(req.Header)
	req.Header.Set("Authorization", "Bearer "+token)
	done := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Logf("slow push: %v", err) // its caller fails on the 0
			done <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	return done
}

// A team sending too many bodies at once is answered 429 with Retry-After;
// another team, and health, still get through.
func TestBusyTeamAnswers429(t *testing.T) {
	// A long grace: the slow body must still be arriving however loaded
	// the machine is.
	f := newFixture(t, platform.Options{MaxBodiesPerTeam: 1, RetryAfter: 2, BodyGrace: time.Minute})
	tok := f.token("li", "suzhou")
	other := f.token("wang", "wuxi")
	body, _ := json.Marshal(protocol.PushRequest{Protocol: "1", Records: []protocol.Record{need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed)}})
	release := make(chan struct{})
	done := slowPush(t, f.ts.URL, tok, body, release)
	var a answer
	for range 2000 { // until the slow push is being read (at most 10 s)
		select {
		case s := <-done:
			// The slow push arrived while one of ours was being read, and
			// was itself refused: send it again.
			if s != 429 && s != 0 {
				t.Fatalf("the slow push ended before it was released: %d", s)
			}
			done = slowPush(t, f.ts.URL, tok, body, release)
		default:
		}
		if a = f.do("POST", protocol.PathPush, tok, body); a.status == 429 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if a.status != 429 || a.header.Get("Retry-After") != "2" {
		t.Fatalf("busy: %d, Retry-After %q", a.status, a.header.Get("Retry-After"))
	}
	if h := f.do("GET", protocol.PathHealth, "", nil); h.status != 200 {
		t.Errorf("health while busy: %d", h.status)
	}
	if p := f.do("GET", protocol.PathChanges, other, nil); p.status != 200 {
		t.Errorf("another team's pull while busy: %d", p.status)
	}
	otherBody, _ := json.Marshal(protocol.PushRequest{Protocol: "1", Records: []protocol.Record{need("n9", "r9", "", "e9", "无锡的检测需求", forms.VisibilityNamed)}})
	if p := f.do("POST", protocol.PathPush, other, otherBody); p.status != 200 {
		t.Errorf("another team's push while busy: %d %s", p.status, p.body)
	}
	close(release)
	if s := <-done; s != 200 {
		t.Fatalf("slow push: %d", s)
	}
}

func TestGracefulShutdownFinishesInFlightBatch(t *testing.T) {
	dir := t.TempDir()
	srv, err := platform.Open(dir, platform.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := srv.CreateToken(context.Background(), "li", "suzhou")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan struct{}, 1)
	ln = signalListener{ln, accepted}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.ServeListener(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	body, _ := json.Marshal(protocol.PushRequest{Protocol: "1", Records: []protocol.Record{need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed)}})
	release := make(chan struct{})
	done := slowPush(t, url, tok, body, release)
	<-accepted                        // the server holds the push's connection
	time.Sleep(20 * time.Millisecond) // and reads its head
	cancel()
	time.Sleep(50 * time.Millisecond) // shutdown has begun
	close(release)
	if s := <-done; s != 200 {
		t.Fatalf("in-flight push during shutdown: %d", s)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
	recs, _ := srv.Records(context.Background(), "")
	if len(recs) != 1 {
		t.Fatalf("stored %v", recs)
	}
	srv.Close()
}

func TestTokensAreStoredHashed(t *testing.T) {
	dir := t.TempDir()
	srv, err := platform.Open(dir, platform.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := srv.CreateToken(context.Background(), "li", "suzhou")
	if err != nil || len(tok) != 64 {
		t.Fatalf("token %q %v", tok, err)
	}
	if _, err := platform.Open(dir, platform.Options{LockTimeout: 50 * time.Millisecond}); !errors.Is(err, platform.ErrInUse) {
		t.Errorf("second open: %v", err)
	}
	srv.Close()
	raw, err := os.ReadFile(filepath.Join(dir, platform.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(tok)) {
		t.Fatal("the token is stored in plain text")
	}
}

func TestAdminReviewWhileServing(t *testing.T) {
	f := newFixture(t, platform.Options{})
	team := f.token("li", "suzhou")
	admin, err := f.srv.CreateAdminToken(context.Background(), "operator")
	if err != nil {
		t.Fatal(err)
	}
	ent := enterprise("e1", "e1r1", "", "苏州某精密机械有限公司")
	f.push(team, ent, confirmed(need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed), ent),
		need("n2", "r2", "", "e1", "未经企业确认的需求", forms.VisibilityNamed),
		confirmed(need("n3", "r3", "", "e1", "不公开的需求", forms.VisibilityPrivate), ent))
	ctx := context.Background()
	// Through the admin endpoint too, a need that may not be published is
	// refused, and says why.
	for id, want := range map[string]error{"n2": platform.ErrUnconfirmedNeed, "n3": platform.ErrPrivateNeed} {
		if err := platform.ReviewRemote(ctx, f.ts.URL, admin, id, "已发布", "https://p.example.cn/"+id, "", nil); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", id, err, want)
		}
	}
	if err := platform.ReviewRemote(ctx, f.ts.URL, team, "n1", "已发布", "https://p.example.cn/1", "", nil); err == nil {
		t.Error("a team token reviewed")
	}
	if err := platform.ReviewRemote(ctx, f.ts.URL, admin, "nope", "已发布", "https://p.example.cn/1", "", nil); !errors.Is(err, platform.ErrNotFound) {
		t.Errorf("unknown need: %v", err)
	}
	if err := platform.ReviewRemote(ctx, f.ts.URL, admin, "n1", "已发布", "https://p.example.cn/1", "", nil); err != nil {
		t.Fatal(err)
	}
	if a := f.do("GET", protocol.PathChanges, admin, nil); a.status != http.StatusForbidden {
		t.Errorf("admin token pulled: %d", a.status)
	}
	changes, _, _ := f.pull(team, "")
	if last := changes[len(changes)-1]; last.Kind != protocol.ChangeStatus || last.Status.URL != "https://p.example.cn/1" {
		t.Fatalf("verdict not in the feed: %+v", last)
	}
	if err := platform.ReviewRemote(ctx, "http://192.168.1.9:8787", admin, "n1", "已发布", "", "", nil); !errors.Is(err, protocol.ErrInsecureURL) {
		t.Errorf("plain http to the LAN: %v", err)
	}
}

// signalListener reports each accepted connection.
type signalListener struct {
	net.Listener
	accepted chan<- struct{}
}

func (l signalListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		select {
		case l.accepted <- struct{}{}:
		default:
		}
	}
	return c, err
}

// TestCursorPastTheEndStartsOver: a hub put back to an earlier copy of its
// data numbers its next events as ones a laptop's cursor has passed; the
// laptop must still get them, so such a cursor starts the feed over.
func TestCursorPastTheEndStartsOver(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, platform.FileName)
	f := newFixtureIn(t, dir, platform.Options{})
	a := f.token("li", "suzhou")
	f.push(a, enterprise("e1", "e1r1", "", "苏州某精密机械有限公司"))
	f.close()
	backup, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}

	f = newFixtureIn(t, dir, platform.Options{})
	f.push(a, enterprise("e2", "e2r1", "", "苏州某光电科技有限公司"), enterprise("e3", "e3r1", "", "苏州某电子有限公司"))
	_, cursor, _ := f.pull(a, "")
	f.close()
	if err := os.WriteFile(db, backup, 0o600); err != nil {
		t.Fatal(err)
	}

	f = newFixtureIn(t, dir, platform.Options{})
	f.push(a, enterprise("e4", "e4r1", "", "苏州某新材料有限公司")) // numbered as e2 was
	changes, _, raw := f.pull(a, cursor)
	if !bytes.Contains(raw, []byte(`"reset":true`)) {
		t.Errorf("the page that starts the feed over does not say so: %.200s", raw)
	}
	got := map[string]bool{}
	for _, ch := range changes {
		if ch.Record != nil {
			got[ch.Record.ID] = true
		}
	}
	if !got["e4"] || !got["e1"] {
		t.Errorf("after the hub went back to its copy, a pull from %s gets %v; want e4 (new) and e1 (the feed from the start)", cursor, got)
	}
	if again, _, _ := f.pull(a, cursor); len(again) == 0 {
		t.Error("a second pull from the same cursor got nothing")
	}
}

// TestPublicAddressWithAnotherMethod: a public page's address asked with
// another method answers 405 in the public's words (found from the
// outside: the protocol's English "no such endpoint", 404).
func TestPublicAddressWithAnotherMethod(t *testing.T) {
	f := newFixture(t, platform.Options{PublicURL: "http://127.0.0.1/xb"})
	for _, m := range []string{"PUT", "DELETE", "PATCH"} {
		a := f.do(m, "/n/n1", "", nil)
		if a.status != http.StatusMethodNotAllowed || !strings.Contains(string(a.body), "只能在浏览器中打开") || strings.Contains(string(a.body), "endpoint") {
			t.Errorf("%s /n/n1: %d %.200s", m, a.status, a.body)
		}
	}
	for _, c := range []struct {
		method, path string
		status       int
	}{{"PUT", "/", http.StatusMethodNotAllowed}, {"POST", "/", http.StatusMethodNotAllowed}, {"PUT", "/static/site.css", http.StatusMethodNotAllowed}, {"GET", "/nothing", http.StatusNotFound}} {
		a := f.do(c.method, c.path, "", nil)
		if a.status != c.status || !strings.Contains(string(a.body), "请核对二维码或网址") || strings.Contains(string(a.body), "endpoint") {
			t.Errorf("%s %s: %d %.200s", c.method, c.path, a.status, a.body)
		}
	}
	if a := f.do("PUT", "/v1/nothing", "", nil); a.status != http.StatusNotFound || !strings.Contains(string(a.body), "no such endpoint") {
		t.Errorf("PUT /v1/nothing: %d %s", a.status, a.body)
	}
}

// TestNewServerIDStartsEveryCursorOver: after `serve restored`, a cursor
// the hub gave out before starts the feed over.
func TestNewServerIDStartsEveryCursorOver(t *testing.T) {
	f := newFixture(t, platform.Options{})
	a := f.token("li", "suzhou")
	f.push(a, enterprise("e1", "e1r1", "", "苏州某精密机械有限公司"))
	_, cursor, _ := f.pull(a, "")
	if again, _, _ := f.pull(a, cursor); len(again) != 0 {
		t.Fatalf("nothing new, yet %d changes", len(again))
	}
	if err := f.srv.NewServerID(context.Background()); err != nil {
		t.Fatal(err)
	}
	changes, next, raw := f.pull(a, cursor)
	if len(changes) != 1 || !bytes.Contains(raw, []byte(`"reset":true`)) || strings.SplitN(next, "-", 2)[0] == strings.SplitN(cursor, "-", 2)[0] {
		t.Errorf("after a new server id, from %s: %d changes, cursor %s, %.200s", cursor, len(changes), next, raw)
	}
}
