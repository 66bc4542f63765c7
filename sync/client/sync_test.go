package client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/protocol"
)

func TestSyncPushesPullsAndAppliesVerdicts(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	tokA, tokB := h.token("li", "suzhou"), h.token("zhou", "suzhou")
	a := openStore(t, t.TempDir(), "li", "suzhou")
	_, ids := seed(t, a, 30)
	ca := newClient(t, a, fastConfig(h.URL, tokA))

	rep, err := ca.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pushed != 41 || rep.Accepted != 41 || rep.Conflicts+rep.Invalid+rep.Duplicates != 0 {
		t.Fatalf("first sync: %s", rep)
	}
	assertInSync(t, h, "suzhou", a)

	// A colleague's fresh laptop gets everything, at the same revisions.
	b := openStore(t, t.TempDir(), "zhou", "suzhou")
	cb := newClient(t, b, fastConfig(h.URL, tokB))
	if _, err := cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if d := diff(localRevs(t, a), localRevs(t, b)); d != "" {
		t.Fatalf("colleague's store differs:\n%s", d)
	}

	// The platform's verdicts come back.
	if err := h.srv.Review(context.Background(), ids[1], "已发布", "https://platform.example.cn/need/1", ""); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Review(context.Background(), ids[2], "退回", "", "请补充技术指标"); err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	n1, _ := a.Need(ctx, ids[1])
	if n1.Platform.State != "已发布" || n1.Platform.URL != "https://platform.example.cn/need/1" {
		t.Errorf("published need: %+v", n1.Platform)
	}
	n2, _ := a.Need(ctx, ids[2])
	if n2.Platform.State != "退回" || n2.Platform.Comment != "请补充技术指标" || n2.Status != forms.StatusToComplete {
		t.Errorf("returned need: %s %+v", n2.Status, n2.Platform)
	}
	assertInSync(t, h, "suzhou", a) // verdicts make no new revisions

	// Nothing changed: one request, nothing moved.
	rep, err = ca.Sync(ctx)
	if err != nil || rep.Requests != 1 || rep.Pushed != 0 || rep.Pulled != 0 {
		t.Fatalf("no-change sync: %s, %v", rep, err)
	}
	s, err := ca.Status(ctx)
	if err != nil || s.Pending != 0 || s.LastSuccess.IsZero() || s.LastError != "" || !s.NextRetry.IsZero() {
		t.Fatalf("status %+v %v", s, err)
	}
}

func TestConflictKeepsBothRevisions(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a := openStore(t, t.TempDir(), "li", "suzhou")
	b := openStore(t, t.TempDir(), "zhou", "suzhou")
	_, ids := seed(t, a, 1)
	ca := newClient(t, a, fastConfig(h.URL, h.token("li", "suzhou")))
	cb := newClient(t, b, fastConfig(h.URL, h.token("zhou", "suzhou")))
	if _, err := ca.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// Both edit the same need offline.
	na, _ := a.Need(ctx, ids[0])
	na.Values.Set("title", "李的修改：高温合金焊接")
	if err := a.SaveNeed(ctx, na); err != nil {
		t.Fatal(err)
	}
	nb, _ := b.Need(ctx, ids[0])
	nb.Values.Set("title", "周的修改：高温合金焊接")
	nb.Values.Set("keywords", "焊接")
	if err := b.SaveNeed(ctx, nb); err != nil {
		t.Fatal(err)
	}
	if rep, err := ca.Sync(ctx); err != nil || rep.Accepted != 1 {
		t.Fatalf("first: %s %v", rep, err)
	}
	rep, err := cb.Sync(ctx)
	if err != nil || rep.Conflicts != 1 {
		t.Fatalf("second: %s %v", rep, err)
	}
	// Both revisions are kept; the local one no longer blocks the queue.
	cfs, err := client.Conflicts(ctx, b)
	if err != nil || len(cfs) != 1 {
		t.Fatalf("conflicts %v %v", cfs, err)
	}
	local, _ := cfs[0].LocalNeed()
	server, _ := cfs[0].ServerNeed()
	if local.Title() != "周的修改：高温合金焊接" || server.Title() != "李的修改：高温合金焊接" || cfs[0].Server.Rev != na.Rev {
		t.Fatalf("kept %q and %q", local.Title(), server.Title())
	}
	cur, _ := b.Need(ctx, ids[0])
	if cur.Title() != "周的修改：高温合金焊接" {
		t.Fatalf("local need overwritten: %q", cur.Title())
	}
	s, _ := cb.Status(ctx)
	if s.Conflicts != 1 || s.Quarantined != 1 || s.Pending != 0 {
		t.Fatalf("status %+v", s)
	}
	q, _ := b.QuarantinedOutbox(ctx)
	if len(q) != 1 || !strings.Contains(q[0].Reasons[0], "两边都已保留") {
		t.Fatalf("quarantine %+v", q)
	}

	// The user merges field by field: 李's title, 周's keyword.
	merged := local
	merged.Values.Set("title", server.Title())
	if err := client.ResolveNeed(ctx, b, ids[0], merged); err != nil {
		t.Fatal(err)
	}
	if rep, err := cb.Sync(ctx); err != nil || rep.Accepted != 1 || rep.Conflicts != 0 {
		t.Fatalf("after merge: %s %v", rep, err)
	}
	if _, err := ca.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := a.Need(ctx, ids[0])
	if got.Title() != "李的修改：高温合金焊接" || got.Values.Get("keywords") != "焊接" {
		t.Fatalf("merged need on A: %q %v", got.Title(), got.Values["keywords"])
	}
	assertInSync(t, h, "suzhou", a)
	if d := diff(localRevs(t, a), localRevs(t, b)); d != "" {
		t.Fatalf("A and B differ:\n%s", d)
	}
	if cfs, _ := client.Conflicts(ctx, b); len(cfs) != 0 {
		t.Fatalf("conflict still kept: %v", cfs)
	}
	// Every revision either side made is on the server: nothing lost.
	hist, _ := b.NeedRevisions(ctx, ids[0])
	for _, r := range hist {
		if _, err := h.srv.Revision(context.Background(), r.Rev); err != nil && r.Rev != nb.Rev {
			t.Errorf("revision %s (%q) not on the server", r.Rev, r.Title())
		}
	}
}

func TestInvalidRecordIsQuarantinedAndDoesNotBlock(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	st := openStore(t, t.TempDir(), "li", "suzhou")
	entID, _ := seed(t, st, 3)
	// A malformed value: a need type no vocabulary has. (A title under 4
	// characters is no longer refused: a draft may break a length, issue
	// 13.9, on the laptop and on the hub alike.)
	bad := newNeed(entID, "类型代码不存在的需求")
	bad.Values.Set("need_type", "42")
	if err := st.SaveNeed(ctx, bad); err != nil {
		t.Fatal(err)
	}
	after := newNeed(entID, "排在无效记录之后的需求")
	if err := st.SaveNeed(ctx, after); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, st, fastConfig(h.URL, h.token("li", "suzhou")))
	rep, err := c.Sync(ctx)
	if err != nil || rep.Invalid != 1 || rep.Accepted != 6 {
		t.Fatalf("%s %v", rep, err)
	}
	q, _ := st.QuarantinedOutbox(ctx)
	if len(q) != 1 || q[0].ID != bad.ID || !strings.Contains(strings.Join(q[0].Reasons, ""), "需求类型") {
		t.Fatalf("quarantined %+v", q)
	}
	if _, ok := h.revs("suzhou")["need/"+after.ID]; !ok {
		t.Fatal("the record after the invalid one did not reach the server")
	}
	// Fixing it writes a new entry that goes through.
	bad.Values.Set("need_type", "02")
	if err := st.SaveNeed(ctx, bad); err != nil {
		t.Fatal(err)
	}
	if rep, err := c.Sync(ctx); err != nil || rep.Accepted != 1 {
		t.Fatalf("after fix: %s %v", rep, err)
	}

	// A colleague has the need; then an edit the server refuses, and its fix:
	// the fix is judged against what the server has, so no conflict.
	b := openStore(t, t.TempDir(), "zhou", "suzhou")
	cb := newClient(t, b, fastConfig(h.URL, h.token("zhou", "suzhou")))
	if _, err := cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// A need type no vocabulary has is refused; a valid one fixes it.
	edit := func(title, needType string) {
		t.Helper()
		n, _ := st.Need(ctx, after.ID)
		n.Values.Set("title", title)
		n.Values.Set("need_type", needType)
		if err := st.SaveNeed(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	edit("坏", "42")
	if rep, err := c.Sync(ctx); err != nil || rep.Invalid != 1 {
		t.Fatalf("refused edit: %s %v", rep, err)
	}
	edit("修好的标题：排在后面的需求", "02")
	if rep, err := c.Sync(ctx); err != nil || rep.Accepted != 1 || rep.Conflicts != 0 {
		t.Fatalf("fix across syncs: %s %v", rep, err)
	}
	edit("又", "42")
	edit("又修好的标题：排在后面的需求", "02") // both in one batch
	if rep, err := c.Sync(ctx); err != nil || rep.Invalid != 1 || rep.Accepted != 1 || rep.Conflicts != 0 {
		t.Fatalf("fix in the same batch: %s %v", rep, err)
	}
	if _, err := cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := b.Need(ctx, after.ID)
	mine, _ := st.Need(ctx, after.ID)
	if got.Rev != mine.Rev || got.Title() != "又修好的标题：排在后面的需求" {
		t.Fatalf("colleague has %q (%s), want %s", got.Title(), got.Rev, mine.Rev)
	}
}

func TestCaptivePortalIsAFailure(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"login page answering 200", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>请登录酒店无线网络</body></html>"))
		}},
		{"redirect to a login page", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://portal.invalid/login", http.StatusFound)
		}},
		{"json that is not the protocol", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"status":"ok","results":[]}`))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			portal := httptest.NewServer(tc.handler)
			defer portal.Close()
			st := openStore(t, t.TempDir(), "li", "suzhou")
			seed(t, st, 2)
			c := newClient(t, st, fastConfig(portal.URL, "tok"))
			_, err := c.Sync(ctx)
			var e *client.Error
			if !errors.As(err, &e) || e.Kind != client.KindNotProtocol {
				t.Fatalf("err = %v", err)
			}
			s, _ := c.Status(ctx)
			if s.Pending != 4 || !strings.Contains(s.LastError, "无线网络") || s.NextRetry.IsZero() || !s.LastSuccess.IsZero() {
				t.Fatalf("status %+v", s)
			}
		})
	}
}

func TestHTTPSRequiredExceptLoopback(t *testing.T) {
	st := openStore(t, t.TempDir(), "li", "suzhou")
	_, err := client.New(st, client.Config{Server: "http://192.168.1.20:8787", Token: "x"})
	if !errors.Is(err, protocol.ErrInsecureURL) || !strings.Contains(client.Message(err, "zh"), "https") {
		t.Fatalf("plain http to the LAN: %v", err)
	}
	if _, err := client.New(st, client.Config{Server: "https://hub.example.cn", Token: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.New(st, client.Config{Server: "http://127.0.0.1:8787", Token: "x"}); err != nil {
		t.Fatal(err)
	}
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	var mu sync.Mutex
	calls := 0
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		h.srv.Handler().ServeHTTP(w, r)
	}))
	defer front.Close()
	st := openStore(t, t.TempDir(), "li", "suzhou")
	seed(t, st, 1)
	cfg := fastConfig(front.URL, h.token("li", "suzhou"))
	cfg.RetryMaxWait = 5 * time.Second
	c := newClient(t, st, cfg)
	start := time.Now()
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("retried after %v, the server asked for 1s", d)
	}
	assertInSync(t, h, "suzhou", st)
}

func TestCancelStopsSync(t *testing.T) {
	h := newHub(t)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // the server notices a closed connection only after the body
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer hang.Close()
	st := openStore(t, t.TempDir(), "li", "suzhou")
	seed(t, st, 1)
	c := newClient(t, st, fastConfig(hang.URL, h.token("li", "suzhou")))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Sync(ctx)
	var e *client.Error
	if !errors.As(err, &e) || e.Kind != client.KindCanceled || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	if s, _ := c.Status(context.Background()); s.LastError != "" {
		t.Errorf("a cancelled sync recorded an error: %q", s.LastError)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	tok := h.token("li", "suzhou")
	kr := &memKeyring{}
	t.Setenv(client.TokenEnv, "")
	if _, err := client.LoadToken(h.URL, kr); !errors.Is(err, client.ErrNoToken) {
		t.Fatalf("no token: %v", err)
	}
	if _, err := client.Login(ctx, h.URL, "wrong", kr, nil); err == nil {
		t.Fatal("a wrong token logged in")
	}
	id, err := client.Login(ctx, h.URL+"/", tok, kr, nil)
	if err != nil || id.User != "li" || id.Team != "suzhou" {
		t.Fatalf("login: %+v %v", id, err)
	}
	got, err := client.LoadToken(h.URL, kr)
	if err != nil || got != tok {
		t.Fatalf("load: %q %v", got, err)
	}
	// The environment wins, for scripts and CI.
	t.Setenv(client.TokenEnv, "from-env")
	if got, _ := client.LoadToken(h.URL, kr); got != "from-env" {
		t.Fatalf("env: %q", got)
	}
	t.Setenv(client.TokenEnv, "")

	// A sync with the keyring's token never writes it to the data dir.
	dir := t.TempDir()
	st := openStore(t, dir, "li", "suzhou")
	seed(t, st, 2)
	c, err := client.New(st, client.Config{Server: h.URL, Keyring: kr, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			if strings.Contains(string(b), tok) {
				t.Errorf("the token is in %s", p)
			}
		}
		return nil
	})
	if err := client.Logout(h.URL, kr); err != nil {
		t.Fatal(err)
	}
	if _, err := client.LoadToken(h.URL, kr); !errors.Is(err, client.ErrNoToken) {
		t.Fatalf("after logout: %v", err)
	}
}

func TestSystemKeyringFailsCleanlyWithoutDBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv(client.TokenEnv, "")
	start := time.Now()
	_, err := client.LoadToken("https://hub.example.cn", client.SystemKeyring{Timeout: time.Second})
	if !errors.Is(err, client.ErrNoToken) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	st := openStore(t, t.TempDir(), "li", "suzhou")
	if _, err := client.New(st, client.Config{Server: "https://hub.example.cn"}); !errors.Is(err, client.ErrNoToken) {
		t.Fatalf("New without a token: %v", err)
	}
	t.Setenv(client.TokenEnv, "from-env")
	if _, err := client.New(st, client.Config{Server: "https://hub.example.cn"}); err != nil {
		t.Fatalf("New with XUNBANG_TOKEN: %v", err)
	}
}

func TestTeamBSeesNoUnpublishedNeedsOfTeamA(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a := openStore(t, t.TempDir(), "li", "suzhou")
	_, ids := seed(t, a, 3)
	confirm(t, a, ids[0])
	if _, err := newClient(t, a, fastConfig(h.URL, h.token("li", "suzhou"))).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Review(context.Background(), ids[0], "已发布", "https://platform.example.cn/need/0", ""); err != nil {
		t.Fatal(err)
	}
	b := openStore(t, t.TempDir(), "wang", "wuxi")
	cb := newClient(t, b, fastConfig(h.URL, h.token("wang", "wuxi")))
	if _, err := cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := localRevs(t, b); len(got) != 0 {
		t.Fatalf("team B's store holds team A's records: %v", got)
	}
	if n := b.CountNeeds(ctx); n != 0 {
		t.Fatalf("team B has %d needs", n)
	}
	var pub, other []byte
	entry := []byte(nil)
	b.View(ctx, func(tx *store.Tx) error {
		pub = tx.Meta("sync.public." + ids[0])
		other = tx.Meta("sync.public." + ids[1])
		entry = tx.Meta("sync.registry.914403001922038216")
		return nil
	})
	if !strings.Contains(string(pub), "https://platform.example.cn/need/0") || other != nil {
		t.Fatalf("public needs: %s / %s", pub, other)
	}
	if !strings.Contains(string(entry), "苏州某精密机械有限公司") || strings.Contains(string(entry), "13912345678") {
		t.Fatalf("registry entry: %s", entry)
	}
	if e, err := client.RegistryEntry(ctx, b, "914403001922038216"); err != nil || e == nil || e.Team != "suzhou" {
		t.Fatalf("registry lookup: %+v %v", e, err)
	}
	if p, err := client.PublicNeed(ctx, b, ids[0]); err != nil || p == nil || p.URL == "" {
		t.Fatalf("public need: %+v %v", p, err)
	}
}

func TestConcurrentClientsPushingTheSameRevisions(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	tok := h.token("li", "suzhou")
	src := t.TempDir()
	st := openStore(t, src, "li", "suzhou")
	seed(t, st, 20)
	st.Close()
	data, err := os.ReadFile(filepath.Join(src, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	// Five copies of one laptop's data dir push the same revisions at once.
	var stores []*store.Store
	for range 5 {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, store.FileName), data, 0o600); err != nil {
			t.Fatal(err)
		}
		stores = append(stores, openStore(t, dir, "li", "suzhou"))
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(stores))
	for _, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg := fastConfig(h.URL, tok)
			cfg.BatchSize = 3
			_, err := newClient(t, s, cfg).Sync(ctx)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range stores {
		assertInSync(t, h, "suzhou", s)
	}
}

func TestRunSyncsInTheBackground(t *testing.T) {
	h := newHub(t)
	st := openStore(t, t.TempDir(), "li", "suzhou")
	entID, _ := seed(t, st, 2)
	c := newClient(t, st, fastConfig(h.URL, h.token("li", "suzhou")))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, time.Hour) }()
	waitPending := func(want int) {
		t.Helper()
		for range 1000 {
			if s, _ := c.Status(ctx); s.Pending == want && !s.LastSuccess.IsZero() && !s.Running {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		s, _ := c.Status(ctx)
		t.Fatalf("status %+v", s)
	}
	waitPending(0)
	if err := st.SaveNeed(ctx, newNeed(entID, "立即同步按钮触发的需求")); err != nil {
		t.Fatal(err)
	}
	c.SyncNow() // the 立即同步 button
	waitPending(0)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
	assertInSync(t, h, "suzhou", st)
}

// An enterprise another team has received from the registry leaves that
// team's store once one of its needs is 匿名公开: the registry must not
// tie an anonymous need to its enterprise (issue 11.2).
func TestRegistryEntryLeavesWhenANeedTurnsAnonymous(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a := openStore(t, t.TempDir(), "li", "suzhou")
	_, ids := seed(t, a, 1)
	ca := newClient(t, a, fastConfig(h.URL, h.token("li", "suzhou")))
	if _, err := ca.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	b := openStore(t, t.TempDir(), "wang", "wuxi")
	cb := newClient(t, b, fastConfig(h.URL, h.token("wang", "wuxi")))
	if _, err := cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if e, err := client.RegistryEntry(ctx, b, "914403001922038216"); err != nil || e == nil {
		t.Fatalf("before: registry entry %+v, %v", e, err)
	}
	n, err := a.Need(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	n.Values.Set("visibility", string(forms.VisibilityAnonymous))
	n.Values.Set("public_alias", "苏州市某装备制造企业")
	if err := a.SaveNeed(ctx, n); err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if e, err := client.RegistryEntry(ctx, b, "914403001922038216"); err != nil || e != nil {
		t.Fatalf("after: registry entry %+v, %v; want none", e, err)
	}
	// A third team, new to the hub, never receives it.
	c := openStore(t, t.TempDir(), "zhao", "changzhou")
	if _, err := newClient(t, c, fastConfig(h.URL, h.token("zhao", "changzhou"))).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if e, _ := client.RegistryEntry(ctx, c, "914403001922038216"); e != nil {
		t.Fatalf("a new team received the enterprise: %+v", e)
	}
}
