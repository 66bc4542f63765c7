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
	"github.com/xunbang/xunbang/sync/client/platforms"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

func TestSyncPushesPullsAndAppliesVerdicts(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	tokA, tokB := h.token("li", "suzhou"), h.token("zhou", "suzhou")
	a := openStore(t, t.TempDir(), "li", "suzhou")
	_, ids := seed(t, a, 30)
	confirm(t, a, ids[1]) // to be published below
	ca := newClient(t, a, fastConfig(h.URL, tokA))

	rep, err := ca.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 31 records (seed edits every third need twice): each is pushed once,
	// in its latest revision.
	if rep.Pushed != 31 || rep.Accepted != 31 || rep.Conflicts+rep.Invalid+rep.Duplicates != 0 {
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
	if err != nil || s.Pending != 0 || s.LastSuccess.IsZero() || s.Message("zh") != "" || !s.NextRetry.IsZero() {
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
	if len(q) != 1 || !strings.Contains(client.ReasonTexts(q[0].Reasons, q[0].Kind, q[0].Body, "zh")[0], "两边都已保留") {
		t.Fatalf("quarantine %+v", q)
	}
	if en := client.ReasonTexts(q[0].Reasons, q[0].Kind, q[0].Body, "en")[0]; !strings.Contains(en, "both are kept") || !strings.Contains(en, na.Rev[:8]) {
		t.Errorf("the conflict in English: %q", en)
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
	if err != nil || rep.Invalid != 1 || rep.Accepted != 5 {
		t.Fatalf("%s %v", rep, err)
	}
	q, _ := st.QuarantinedOutbox(ctx)
	if len(q) != 1 || q[0].ID != bad.ID || !strings.Contains(strings.Join(client.ReasonTexts(q[0].Reasons, q[0].Kind, q[0].Body, "zh"), ""), "需求类型") {
		t.Fatalf("quarantined %+v", q)
	}
	// Kept as data (the platform's code and field), said in the window's
	// language when shown: the hub speaks Chinese, the English window
	// does not.
	if r := q[0].Reasons[0]; r.Field != "need_type" || r.Code == "" {
		t.Errorf("reason kept as %+v", r)
	}
	en := strings.Join(client.ReasonTexts(q[0].Reasons, q[0].Kind, q[0].Body, "en"), "")
	if label := forms.Default().Label("need_type", "en"); !strings.Contains(en, label) || strings.ContainsFunc(en, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		t.Errorf("in English: %q (want it to name %q, in English only)", en, label)
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
	if q, _ := st.QuarantinedOutbox(ctx); len(q) != 0 {
		t.Fatalf("the refusal outlived its fix: %+v", q)
	}
	edit("又", "42")
	edit("又修好的标题：排在后面的需求", "02") // both before one sync
	if rep, err := c.Sync(ctx); err != nil || rep.Pushed != 1 || rep.Invalid != 0 || rep.Accepted != 1 || rep.Conflicts != 0 {
		t.Fatalf("fix before the sync: only the latest revision is pushed: %s %v", rep, err)
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
			if s.Pending != 3 || !strings.Contains(s.Message("zh"), "无线网络") || s.NextRetry.IsZero() || !s.LastSuccess.IsZero() {
				t.Fatalf("status %+v", s)
			}
		})
	}
}

func TestHTTPSRequiredExceptLoopback(t *testing.T) {
	st := openStore(t, t.TempDir(), "li", "suzhou")
	_, err := client.New(st, client.Config{Server: "http://192.168.1.20:8787", Token: "x", Dial: platforms.Dial})
	if !errors.Is(err, protocol.ErrInsecureURL) || !strings.Contains(client.Message(err, "zh"), "https") {
		t.Fatalf("plain http to the LAN: %v", err)
	}
	if _, err := client.New(st, client.Config{Server: "https://hub.example.cn", Token: "x", Dial: platforms.Dial}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.New(st, client.Config{Server: "http://127.0.0.1:8787", Token: "x", Dial: platforms.Dial}); err != nil {
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
	if s, _ := c.Status(context.Background()); s.Message("zh") != "" {
		t.Errorf("a cancelled sync recorded an error: %q", s.Message("zh"))
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	tok := h.token("li", "suzhou")
	kr := &memKeyring{}
	t.Setenv(client.TokenEnv, "")
	dir := t.TempDir()
	st := openStore(t, dir, "li", "suzhou")
	opts := client.ConnectOptions{Keyring: kr, Dial: platforms.Dial, Logger: quiet}
	if _, _, err := client.LoadStoredToken(ctx, st, h.URL, kr); !errors.Is(err, client.ErrNoToken) {
		t.Fatalf("no token: %v", err)
	}
	_, err := client.Connect(ctx, st, h.URL, "wrong", opts)
	if client.ProblemOf(err) != client.ProblemTokenRefused {
		t.Fatalf("a wrong token connected: %v", err)
	}
	conn, err := client.Connect(ctx, st, h.URL+"/", tok, opts)
	if err != nil || conn.User != "li" || conn.Team != "suzhou" || conn.Token != client.TokenInKeyring || conn.Server != h.URL {
		t.Fatalf("connect: %+v %v", conn, err)
	}
	if set, _ := st.Settings(ctx); set.PlatformURL != h.URL {
		t.Errorf("settings after connecting: %+v", set)
	}
	got, place, err := client.LoadStoredToken(ctx, st, h.URL, kr)
	if err != nil || got != tok || place != client.TokenInKeyring {
		t.Fatalf("load: %q %v %v", got, place, err)
	}
	// The environment wins, for scripts and CI.
	t.Setenv(client.TokenEnv, "from-env")
	if got, place, _ := client.LoadStoredToken(ctx, st, h.URL, kr); got != "from-env" || place != client.TokenFromEnv {
		t.Fatalf("env: %q", got)
	}
	t.Setenv(client.TokenEnv, "")

	// A sync with the keyring's token never writes it to the data dir.
	seed(t, st, 2)
	c, err := client.New(st, client.Config{Server: h.URL, Keyring: kr, Dial: platforms.Dial, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := client.Disconnect(ctx, st, opts); err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.LoadStoredToken(ctx, st, h.URL, kr); !errors.Is(err, client.ErrNoToken) {
		t.Fatalf("after disconnecting: %v", err)
	}
	if conn, _ := client.CurrentConnection(ctx, st, kr); conn.Server != h.URL || conn.Token != client.TokenMissing || conn.User != "" {
		t.Errorf("connection after disconnecting: %+v", conn)
	}
	st.Close()
	assertNotInFiles(t, dir, tok)
}

// TestTokenInTheDataFile: where no keyring can be used, Connect keeps the
// token sealed inside the encrypted data file (never in plain text: the raw
// file does not contain it), a client finds it there, and Disconnect
// removes it. An unencrypted data file cannot keep it.
func TestTokenInTheDataFile(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	tok := h.token("li", "suzhou")
	t.Setenv(client.TokenEnv, "")
	opts := client.ConnectOptions{Keyring: noKeyring{}, Dial: platforms.Dial, Logger: quiet}

	plain := openStore(t, t.TempDir(), "li", "suzhou")
	if _, err := client.Connect(ctx, plain, h.URL, tok, opts); !errors.Is(err, client.ErrNoPlaceForToken) {
		t.Fatalf("connect with an unencrypted data file: %v", err)
	}

	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.Options{Key: store.KeySource{Passphrase: "口令 for the test"}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.Connect(ctx, st, h.URL, tok, opts)
	if err != nil || conn.Token != client.TokenInDataFile {
		t.Fatalf("connect: %+v %v", conn, err)
	}
	seed(t, st, 1)
	c, err := client.New(st, client.Config{Server: h.URL, Keyring: noKeyring{}, Dial: platforms.Dial, Logger: quiet})
	if err != nil {
		t.Fatalf("a client finds the token in the data file: %v", err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	assertNotInFiles(t, dir, tok)

	st, err = store.Open(ctx, dir, store.Options{Key: store.KeySource{Passphrase: "口令 for the test"}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, place, err := client.LoadStoredToken(ctx, st, h.URL, noKeyring{}); got != tok || place != client.TokenInDataFile || err != nil {
		t.Fatalf("after reopening: %v %v", place, err)
	}
	if err := client.Disconnect(ctx, st, opts); err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.LoadStoredToken(ctx, st, h.URL, noKeyring{}); !errors.Is(err, client.ErrNoToken) {
		t.Fatalf("after disconnecting: %v", err)
	}
}

// noKeyring is a computer without a keyring.
type noKeyring struct{}

func (noKeyring) Get(string, string) (string, error) { return "", client.ErrNoKeyring }
func (noKeyring) Set(string, string, string) error   { return client.ErrNoKeyring }
func (noKeyring) Delete(string, string) error        { return client.ErrNoKeyring }

// assertNotInFiles fails if any file under dir holds secret.
func assertNotInFiles(t *testing.T, dir, secret string) {
	t.Helper()
	n := 0
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
			b, _ := os.ReadFile(p)
			if strings.Contains(string(b), secret) {
				t.Errorf("the token is in %s", p)
			}
		}
		return nil
	})
	if n == 0 {
		t.Fatalf("no files under %s", dir)
	}
}

func TestSystemKeyringFailsCleanlyWithoutDBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv(client.TokenEnv, "")
	start := time.Now()
	_, _, err := client.LoadStoredToken(context.Background(), nil, "https://hub.example.cn", client.SystemKeyring{Timeout: time.Second})
	if !errors.Is(err, client.ErrNoToken) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	st := openStore(t, t.TempDir(), "li", "suzhou")
	if _, err := client.New(st, client.Config{Server: "https://hub.example.cn", Dial: platforms.Dial}); !errors.Is(err, client.ErrNoToken) {
		t.Fatalf("New without a token: %v", err)
	}
	t.Setenv(client.TokenEnv, "from-env")
	if _, err := client.New(st, client.Config{Server: "https://hub.example.cn", Dial: platforms.Dial}); err != nil {
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

// TestAutosavesPushOnce: a need typed into after its last sync is saved
// many times (autosave); the next sync pushes its latest revision once, on
// the revision the hub acknowledged, and the hub accepts it.
func TestAutosavesPushOnce(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	st := openStore(t, t.TempDir(), "li", "suzhou")
	_, ids := seed(t, st, 2)
	c := newClient(t, st, fastConfig(h.URL, h.token("li", "suzhou")))
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	acked, _ := st.Need(ctx, ids[0])
	for i := range 12 {
		n, _ := st.Need(ctx, ids[0])
		n.Values.Set("title", "高温合金部件焊接工艺，逐字输入"[:3*(i+4)])
		if err := st.SaveNeed(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	box, _ := st.Outbox(ctx, 0)
	if s, _ := c.Status(ctx); len(box) != 1 || s.Pending != 1 || box[0].BaseRev != acked.Rev {
		t.Fatalf("outbox after 12 saves: %d entries, status %d pending, base %s (acknowledged %s)", len(box), s.Pending, box[0].BaseRev, acked.Rev)
	}
	rep, err := c.Sync(ctx)
	if err != nil || rep.Pushed != 1 || rep.Accepted != 1 {
		t.Fatalf("%s %v", rep, err)
	}
	assertInSync(t, h, "suzhou", st)
}

// TestRefusals: a refused need is listed with the platform's reasons; it
// cannot be dismissed while it is the need's current revision; once the
// need is saved again the refusal is superseded and can be dismissed, and
// the fix's acceptance ends it anyway.
func TestRefusals(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	st := openStore(t, t.TempDir(), "li", "suzhou")
	entID, _ := seed(t, st, 1)
	bad := newNeed(entID, "短")
	bad.Values.Set("need_type", "42") // refused: no such need type (a short title is only a warning, issue 13.9)
	if err := st.SaveNeed(ctx, bad); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, st, fastConfig(h.URL, h.token("li", "suzhou")))
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	l, err := client.Refusals(ctx, st)
	if err != nil || len(l) != 1 || l[0].ID != bad.ID || l[0].Title != "短" || l[0].Superseded ||
		!strings.Contains(strings.Join(l[0].Texts("zh"), ""), "需求类型") || l[0].At.IsZero() {
		t.Fatalf("refusals: %+v %v", l, err)
	}
	if s, _ := c.Status(ctx); s.Refused != 1 || s.Pending != 0 {
		t.Errorf("status: %+v", s)
	}
	if err := client.DismissRefusal(ctx, st, l[0].Seq); !errors.Is(err, client.ErrNotSuperseded) {
		t.Errorf("dismissing the current revision's refusal: %v", err)
	}
	bad.Values.Set("title", "改好的标题：表面处理")
	bad.Values.Set("need_type", "02")
	if err := st.SaveNeed(ctx, bad); err != nil {
		t.Fatal(err)
	}
	if l, _ = client.Refusals(ctx, st); len(l) != 1 || !l[0].Superseded {
		t.Fatalf("after the fix: %+v", l)
	}
	if err := client.DismissRefusal(ctx, st, l[0].Seq); err != nil {
		t.Fatal(err)
	}
	if s, _ := c.Status(ctx); s.Refused != 0 || s.Pending != 1 {
		t.Errorf("after dismissing: %+v", s)
	}
	if rep, err := c.Sync(ctx); err != nil || rep.Accepted != 1 {
		t.Fatalf("%s %v", rep, err)
	}
	assertInSync(t, h, "suzhou", st)
}

// TestConnectKeepsTheHubsPublicAddress: a hub with a public base address
// (serve --public-url) names it in whoami; Connect keeps it in the
// settings, where the window makes need pages' addresses from it.
func TestConnectKeepsTheHubsPublicAddress(t *testing.T) {
	ctx := context.Background()
	srv, err := platform.Open(t.TempDir(), platform.Options{Logger: quiet, PublicURL: "https://hub.example.cn/xb"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	tok, err := srv.CreateToken(ctx, "li", "suzhou")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(client.TokenEnv, "")
	st := openStore(t, t.TempDir(), "li", "suzhou")
	conn, err := client.Connect(ctx, st, ts.URL, tok, client.ConnectOptions{Keyring: &memKeyring{}, Dial: platforms.Dial, Logger: quiet})
	if err != nil || conn.PublicURL != "https://hub.example.cn/xb" {
		t.Fatalf("connect: %+v %v", conn, err)
	}
	if set, _ := st.Settings(ctx); set.HubPublicURL != "https://hub.example.cn/xb" || set.PlatformURL != ts.URL {
		t.Errorf("settings: %+v", set)
	}
}

// TestConnectReadsTheConnectText: the hub's console hands out a connect
// text (寻榜平台连接, 地址, 令牌); pasted whole into the token field — also a
// single-line one that turned its line breaks into spaces — or into the
// address field, it gives both.
func TestConnectReadsTheConnectText(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	tok := h.token("li", "suzhou")
	t.Setenv(client.TokenEnv, "")
	text := protocol.FormatConnectText(h.URL, tok)
	for _, tc := range []struct{ name, server, token string }{
		{"in the token field", "", text},
		{"flattened by a single-line field", "", strings.ReplaceAll(text, "\n", " ")},
		{"from a chat, with other words", "", "李老师您好，连接信息如下：\n" + strings.ReplaceAll(text, "：", ": ") + "\n谢谢"},
		{"in the address field", text, ""},
		{"over a mistyped address", "https://wrong.example.cn", text},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t, t.TempDir(), "li", "suzhou")
			conn, err := client.Connect(ctx, st, tc.server, tc.token, client.ConnectOptions{Keyring: &memKeyring{}, Dial: platforms.Dial, Logger: quiet})
			if err != nil || conn.Server != h.URL || conn.User != "li" {
				t.Fatalf("connect: %+v %v", conn, err)
			}
		})
	}
	st := openStore(t, t.TempDir(), "li", "suzhou")
	if _, err := client.Connect(ctx, st, "", tok, client.ConnectOptions{Keyring: &memKeyring{}, Dial: platforms.Dial, Logger: quiet}); !errors.Is(err, client.ErrNoAddress) {
		t.Errorf("a bare token without an address: %v", err)
	}
}

// TestFeedStartingOverForgetsOthers: when the feed starts over (another
// server, or a hub put back to an earlier copy), the laptop forgets what it
// kept of other teams, and keeps only what the feed gives again: a need
// withdrawn meanwhile, and a registry entry gone, do not stay.
func TestFeedStartingOverForgetsOthers(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a := openStore(t, t.TempDir(), "li", "suzhou")
	_, ids := seed(t, a, 2)
	confirm(t, a, ids[0])
	if _, err := newClient(t, a, fastConfig(h.URL, h.token("li", "suzhou"))).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Review(ctx, ids[0], "已发布", "https://platform.example.cn/need/0", ""); err != nil {
		t.Fatal(err)
	}
	b := openStore(t, t.TempDir(), "wang", "wuxi")
	if _, err := newClient(t, b, fastConfig(h.URL, h.token("wang", "wuxi"))).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	held := func() (pub, entry bool) {
		t.Helper()
		p, err := client.PublicNeed(ctx, b, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		e, err := client.RegistryEntry(ctx, b, "914403001922038216")
		if err != nil {
			t.Fatal(err)
		}
		return p != nil, e != nil
	}
	if pub, entry := held(); !pub || !entry {
		t.Fatalf("before: public need %v, registry entry %v", pub, entry)
	}

	// Team B moves to a new hub, where team A has published nothing and
	// listed no enterprise.
	h2 := newHub(t)
	rep, err := newClient(t, b, fastConfig(h2.URL, h2.token("wang", "wuxi"))).Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pub, entry := held(); pub || entry {
		t.Errorf("after the feed started over on another hub (%+v): public need %v, registry entry %v; want neither", rep, pub, entry)
	}
}

// TestAdminTokenOnTheSyncIsNamed: an admin token given for the sync is
// refused, and the message says what to do, in words (found from the
// outside: it said only "403 forbidden"), also once kept as the status.
func TestAdminTokenOnTheSyncIsNamed(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	admin, err := h.srv.CreateAdminToken(ctx, "boss")
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, t.TempDir(), "li", "suzhou")
	seed(t, st, 1)
	c := newClient(t, st, fastConfig(h.URL, admin))
	_, err = c.Sync(ctx)
	if err == nil {
		t.Fatal("an admin token synced")
	}
	if msg := client.Message(err, "zh"); !strings.Contains(msg, "管理员令牌") || !strings.Contains(msg, "团队令牌") {
		t.Errorf("message %q", msg)
	}
	if s, _ := c.Status(ctx); !strings.Contains(s.Message("zh"), "团队令牌") {
		t.Errorf("kept status says %q", s.Message("zh"))
	}
}
