package client_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/fakeplatform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// fakeClient is an engine for st over the fake platform, signed in as
// user of team.
func fakeClient(t *testing.T, st *store.Store, p *fakeplatform.Platform, user, team string) *client.Client {
	t.Helper()
	return newClient(t, st, client.Config{Platform: p.Open(p.Token(user, team)), BatchSize: 7, PullLimit: 5, Logger: quiet})
}

// overFake is two colleagues' laptops syncing through the fake platform.
type overFake struct {
	p      *fakeplatform.Platform
	a, b   *store.Store
	ca, cb *client.Client
	ids    []string // li's needs
}

// TestEngineOverTheFakePlatform: the engine does over any Platform what it
// does over the hub — each record pushed once in its latest revision, a
// colleague's store at the same revisions, verdicts applied, solutions
// offered and typed in, conflicts kept on both sides, invalid records
// quarantined without blocking.
func TestEngineOverTheFakePlatform(t *testing.T) {
	f := &overFake{p: fakeplatform.New(fakeplatform.Options{})}
	f.firstSyncs(t)
	na := f.editBoth(t)
	f.verdictAndSolutions(t)
	f.keepTheirs(t, na)
}

// firstSyncs: li pushes everything, one record refused; zhou gets the rest.
func (f *overFake) firstSyncs(t *testing.T) {
	ctx := context.Background()
	f.a = openStore(t, t.TempDir(), "li", "suzhou")
	entID, ids := seed(t, f.a, 12)
	f.ids = ids
	bad := newNeed(entID, "短")
	bad.Values.Set("need_type", "42") // refused: no such need type (a short title is only a warning)
	if err := f.a.SaveNeed(ctx, bad); err != nil {
		t.Fatal(err)
	}
	f.ca = fakeClient(t, f.a, f.p, "li", "suzhou")
	rep, err := f.ca.Sync(ctx)
	if err != nil || rep.Pushed != 14 || rep.Accepted != 13 || rep.Invalid != 1 {
		t.Fatalf("first sync: %s %v", rep, err)
	}
	if f.p.Revisions() != 13 {
		t.Errorf("the platform stores %d revisions, want 13", f.p.Revisions())
	}
	if l, _ := client.Refusals(ctx, f.a); len(l) != 1 || l[0].ID != bad.ID {
		t.Fatalf("refusals: %+v", l)
	}
	f.b = openStore(t, t.TempDir(), "zhou", "suzhou")
	f.cb = fakeClient(t, f.b, f.p, "zhou", "suzhou")
	if _, err := f.cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	want := localRevs(t, f.a)
	delete(want, "need/"+bad.ID)
	if d := diff(want, localRevs(t, f.b)); d != "" {
		t.Fatalf("the colleague's store differs:\n%s", d)
	}
}

// editBoth: li and zhou edit the same need; li's edit reaches the
// platform. It returns li's revision.
func (f *overFake) editBoth(t *testing.T) *forms.Need {
	ctx := context.Background()
	na, _ := f.a.Need(ctx, f.ids[1])
	na.Values.Set("title", "李的修改：高温合金焊接")
	nb, _ := f.b.Need(ctx, f.ids[1])
	nb.Values.Set("title", "周的修改：高温合金焊接")
	if err := f.a.SaveNeed(ctx, na); err != nil {
		t.Fatal(err)
	}
	if err := f.b.SaveNeed(ctx, nb); err != nil {
		t.Fatal(err)
	}
	if rep, err := f.ca.Sync(ctx); err != nil || rep.Accepted != 1 {
		t.Fatalf("li's edit: %s %v", rep, err)
	}
	return na
}

// verdictAndSolutions: a verdict reaches li; a provider offers a solution
// on the platform (揭榜) and zhou types in one handed in on paper; zhou's
// sync keeps the conflict, and li gets both solutions.
func (f *overFake) verdictAndSolutions(t *testing.T) {
	ctx := context.Background()
	if err := f.p.Review(f.ids[0], protocol.StateReturned, "", "请补充技术指标"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.p.Offer(forms.Solution{NeedID: f.ids[0], Status: forms.SolutionSubmitted, Source: forms.SourcePublicPage,
		Values: forms.Values{"provider_name": {"东南大学苏州研究院"}}}); err != nil {
		t.Fatal(err)
	}
	paper := &forms.Solution{NeedID: f.ids[0], Status: forms.SolutionSubmitted, Source: forms.SourcePaper, Values: forms.Values{"provider_name": {"苏州某自动化有限公司"}}}
	if err := f.b.SaveSolution(ctx, paper); err != nil {
		t.Fatal(err)
	}
	if rep, err := f.cb.Sync(ctx); err != nil || rep.Conflicts != 1 {
		t.Fatalf("zhou's edit: %s %v", rep, err)
	}
	if cur, ok := f.p.Current(protocol.KindSolution, paper.ID); !ok || cur.Rev != paper.Rev {
		t.Errorf("the paper solution on the platform: %+v %v", cur, ok)
	}
	if _, err := f.ca.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.a.Need(ctx, f.ids[0]); n.Platform.Comment != "请补充技术指标" || n.Status != forms.StatusToComplete {
		t.Errorf("the verdict: %s %+v", n.Status, n.Platform)
	}
	if sols, err := f.a.Solutions(ctx, f.ids[0]); err != nil || len(sols) != 2 {
		t.Errorf("li's store holds %d solutions of the need, want the offered and the paper one (%v)", len(sols), err)
	}
}

// keepTheirs: zhou's conflict keeps both sides; keeping li's side ends it
// and the platform stays at li's revision.
func (f *overFake) keepTheirs(t *testing.T, na *forms.Need) {
	ctx := context.Background()
	cfs, err := client.Conflicts(ctx, f.b)
	if err != nil || len(cfs) != 1 {
		t.Fatalf("conflicts: %v %v", cfs, err)
	}
	local, _ := cfs[0].LocalNeed()
	server, _ := cfs[0].ServerNeed()
	if local.Title() != "周的修改：高温合金焊接" || server.Title() != "李的修改：高温合金焊接" {
		t.Fatalf("kept %q and %q", local.Title(), server.Title())
	}
	if err := client.ResolveNeed(ctx, f.b, f.ids[1], nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if cur, _ := f.p.Current(protocol.KindNeed, f.ids[1]); cur.Rev != na.Rev {
		t.Errorf("after keeping theirs the platform has %s, want %s", cur.Rev, na.Rev)
	}
	if cfs, _ := client.Conflicts(ctx, f.b); len(cfs) != 0 {
		t.Errorf("the conflict outlived its resolution: %+v", cfs)
	}
}

// TestFailureKindsAreKept: each kind of failure a platform reports is kept
// in the store as its name and facts — no sentence in either language —
// read back as the same Problem and words, with a retry no sooner than the
// platform asked; a success clears it.
func TestFailureKindsAreKept(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		kind       client.ErrorKind
		name       string
		problem    client.Problem
		retryAfter time.Duration
		zh         string
	}{
		{client.KindOffline, "offline", client.ProblemOffline, 0, "本机没有连上网络"},
		{client.KindNetwork, "unreachable", client.ProblemUnreachable, 0, "连不上同步服务器"},
		{client.KindUnauthorized, "unauthorized", client.ProblemTokenRefused, 0, "平台不认可这个令牌"},
		{client.KindNotProtocol, "not_a_platform", client.ProblemNotHub, 0, "不是寻榜平台"},
		{client.KindBusy, "busy", client.ProblemServer, 2 * time.Hour, "正忙"},
		{client.KindServer, "server_error", client.ProblemServer, 0, "同步服务器出错"},
		{client.KindVersion, "version", client.ProblemVersion, 0, "协议版本"},
		{client.KindRejected, "refused", client.ProblemServer, 0, "拒绝了请求"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := fakeplatform.New(fakeplatform.Options{})
			st := openStore(t, t.TempDir(), "li", "suzhou")
			seed(t, st, 2)
			c := fakeClient(t, st, p, "li", "suzhou")
			p.Fail(tc.kind, tc.retryAfter)
			before := time.Now()
			if _, err := c.Sync(ctx); client.ProblemOf(err) != tc.problem {
				t.Fatalf("sync: %v", err)
			}
			raw := rawStatus(t, st)
			var kept struct {
				Failure struct{ Kind string } `json:"failure"`
			}
			if err := json.Unmarshal(raw, &kept); err != nil || kept.Failure.Kind != tc.name {
				t.Fatalf("kept %s (%v)", raw, err)
			}
			if strings.Contains(string(raw), "last_error") || !isASCII(raw) {
				t.Errorf("a sentence is kept: %s", raw)
			}
			s, err := c.Status(ctx)
			if err != nil || s.Problem != tc.problem || !strings.Contains(s.Message("zh"), tc.zh) || s.Message("en") == s.Message("zh") {
				t.Fatalf("status: %+v %q %v", s, s.Message("zh"), err)
			}
			if s.NextRetry.Before(before.Add(tc.retryAfter)) {
				t.Errorf("next retry %v, the platform asked for %v", s.NextRetry.Sub(before), tc.retryAfter)
			}
			p.Fail(0, 0)
			if _, err := c.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			if s, _ := c.Status(ctx); s.Err != nil || s.Problem != client.ProblemNone || !s.NextRetry.IsZero() || s.Pending != 0 {
				t.Errorf("after a success: %+v", s)
			}
		})
	}
}

func rawStatus(t *testing.T, st *store.Store) []byte {
	t.Helper()
	var raw []byte
	if err := st.View(context.Background(), func(tx *store.Tx) error {
		raw = append([]byte(nil), tx.Meta("sync.status")...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return raw
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// legacyStatus is the status as the version before kinds were kept by name
// wrote it: sentences in both languages and, later, the kind's number
// (frozen here; do not change).
type legacyStatus struct {
	LastAttempt   time.Time `json:"last_attempt,omitzero"`
	LastSuccess   time.Time `json:"last_success,omitzero"`
	LastError     string    `json:"last_error,omitempty"`
	LastErrorEN   string    `json:"last_error_en,omitempty"`
	LastErrorKind int       `json:"last_error_kind,omitempty"`
	LastChange    time.Time `json:"last_change,omitzero"`
	NextRetry     time.Time `json:"next_retry,omitzero"`
	Failures      int       `json:"failures,omitempty"`
}

// TestStatusOfThePreviousVersionReads: a data dir whose last sync failed
// under the previous version still says why, from the kept kind's number
// (or, kept before kinds were, from its sentence); the next sync's failure
// replaces it with a kind by name, and a success clears it.
func TestStatusOfThePreviousVersionReads(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		old     legacyStatus
		problem client.Problem
		zh, en  string
	}{
		{"kind kept", legacyStatus{LastAttempt: at, LastError: "连不上同步服务器，请检查网络；恢复后会自动重试。", LastErrorEN: "Cannot reach the sync server; check the network. It will retry by itself.",
			LastErrorKind: 1, NextRetry: at.Add(time.Minute), Failures: 2}, client.ProblemUnreachable,
			"连不上同步服务器，请检查网络；恢复后会自动重试。", "Cannot reach the sync server; check the network. It will retry by itself."},
		{"token refused", legacyStatus{LastAttempt: at, LastError: "平台不认可这个令牌", LastErrorKind: 4, NextRetry: at.Add(time.Hour), Failures: 1},
			client.ProblemTokenRefused, "平台不认可这个令牌", "does not accept the token"},
		{"kept before kinds were", legacyStatus{LastAttempt: at, LastError: "同步服务器出错，稍后会自动重试。", LastErrorEN: "The sync server had an error.", NextRetry: at.Add(time.Minute), Failures: 1},
			client.ProblemServer, "同步服务器出错，稍后会自动重试。", "同步服务器出错，稍后会自动重试。"},
		{"a kind this version does not know", legacyStatus{LastAttempt: at, LastError: "新的错误", LastErrorKind: 99, NextRetry: at.Add(time.Minute)},
			client.ProblemServer, "新的错误", "新的错误"},
		{"last sync succeeded", legacyStatus{LastAttempt: at, LastSuccess: at, LastChange: at}, client.ProblemNone, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t, t.TempDir(), "li", "suzhou")
			b, _ := json.Marshal(tc.old)
			if err := st.Update(ctx, func(tx *store.Tx) error { return tx.SetMeta("sync.status", b) }); err != nil {
				t.Fatal(err)
			}
			s, err := client.ReadStatus(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			if s.Problem != tc.problem || !strings.Contains(s.Message("zh"), tc.zh) || !strings.Contains(s.Message("en"), tc.en) ||
				!s.NextRetry.Equal(tc.old.NextRetry) || !s.LastAttempt.Equal(at) || !s.LastSuccess.Equal(tc.old.LastSuccess) || !s.LastChange.Equal(tc.old.LastChange) {
				t.Fatalf("status %+v: %q / %q", s, s.Message("zh"), s.Message("en"))
			}
			if (tc.zh == "") != (s.Err == nil) {
				t.Errorf("err %v", s.Err)
			}

			p := fakeplatform.New(fakeplatform.Options{})
			c := fakeClient(t, st, p, "li", "suzhou")
			p.Fail(client.KindOffline, 0)
			if _, err := c.Sync(ctx); err == nil {
				t.Fatal("a failing platform synced")
			}
			raw := rawStatus(t, st)
			if strings.Contains(string(raw), "last_error") || !strings.Contains(string(raw), `"kind":"offline"`) {
				t.Errorf("after a failure: %s", raw)
			}
			if s, _ := c.Status(ctx); s.Problem != client.ProblemOffline || !s.LastChange.Equal(tc.old.LastChange) {
				t.Errorf("after a failure: %+v", s)
			}
			p.Fail(0, 0)
			if _, err := c.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			if raw := rawStatus(t, st); strings.Contains(string(raw), "failure") || strings.Contains(string(raw), "last_error") {
				t.Errorf("after a success: %s", raw)
			}
		})
	}
}

// A verdict heard again with the region its page shows — as a hub upgraded
// to send it tells once — gives the need that region and leaves its status
// where the official has moved it since: an edit confirmed again is not
// taken for published.
func TestVerdictHeardAgainKeepsTheStatus(t *testing.T) {
	ctx := context.Background()
	p := fakeplatform.New(fakeplatform.Options{})
	st := openStore(t, t.TempDir(), "li", "suzhou")
	c := fakeClient(t, st, p, "li", "suzhou")
	_, ids := seed(t, st, 1)
	confirm(t, st, ids[0])
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Review(ids[0], protocol.StatePublished, "https://platform.example.cn/need/1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := st.Need(ctx, ids[0])
	if err != nil || n.Status != forms.StatusPublished {
		t.Fatalf("after the verdict: %v, %v", n.Status, err)
	}
	n.Values.Set("keywords", "焊接")
	if err := st.SaveNeed(ctx, n); err != nil {
		t.Fatal(err)
	}
	confirm(t, st, ids[0]) // the edit confirmed again, not yet synced

	if err := p.Tell(ids[0], "320500"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	n, err = st.Need(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != forms.StatusConfirmed || !n.Platform.RegionShown || n.Platform.Region != "320500" || n.Platform.State != "已发布" {
		t.Errorf("after the verdict heard again: status %s, platform %+v", n.Status, n.Platform)
	}

	// What is not a region code is kept as none, whatever its size.
	if err := p.Tell(ids[0], strings.Repeat("江苏省苏州市", 20000)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err = st.Need(ctx, ids[0]); err != nil || !n.Platform.RegionShown || n.Platform.Region != "" {
		t.Errorf("after a region that is no code: platform %+v, %v", n.Platform, err)
	}
}
