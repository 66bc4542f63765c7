package platform_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/xunbangv1"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/platform"
)

const testPassword = "审核员的长密码 2026"

// consoleHub is a hub serving over a real loopback socket, with its log
// kept to check that no content reached it.
type consoleHub struct {
	t   testing.TB
	srv *platform.Server
	URL string
	log *bytes.Buffer
	mu  *sync.Mutex
}

// logged reports whether the hub's log holds s.
func (h *consoleHub) logged(s string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Contains(h.log.String(), s)
}

func newConsoleHub(t testing.TB, opt platform.Options) *consoleHub {
	t.Helper()
	return startConsoleHub(t, func(o platform.Options) (*platform.Server, error) { return platform.Open(t.TempDir(), o) }, opt)
}

func startConsoleHub(t testing.TB, open func(platform.Options) (*platform.Server, error), opt platform.Options) *consoleHub {
	t.Helper()
	h := &consoleHub{t: t, log: &bytes.Buffer{}, mu: &sync.Mutex{}}
	opt.Logger = slog.New(slog.NewJSONHandler(lockedWriter{mu: h.mu, buf: h.log}, nil))
	srv, err := open(opt)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.ServeListener(ctx, ln) }()
	h.URL = "http://" + ln.Addr().String()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	return h
}

// user creates a hub user with testPassword.
func (h *consoleHub) user(name string, role hubstore.Role, teams, regions []string) {
	h.t.Helper()
	err := h.srv.CreateUser(context.Background(), platform.NewUser{Name: name, Role: role, Teams: teams, Regions: regions, Password: testPassword}, "", "")
	if err != nil {
		h.t.Fatal(err)
	}
}

// laptop is an official's data dir filled with demo needs and synced
// with the hub.
type laptop struct {
	st *store.Store
	cl *client.Client
}

func (h *consoleHub) laptop(team, user string, needs int, seed uint64) *laptop {
	h.t.Helper()
	l := h.newLaptop(team, user, needs, seed)
	l.sync(h.t)
	return l
}

// newLaptop is laptop before its first sync.
func (h *consoleHub) newLaptop(team, user string, needs int, seed uint64) *laptop {
	h.t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(h.t.TempDir(), "laptop"), store.Options{User: user, Team: team, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { st.Close() })
	set := demo.Generate(seed, needs)
	if _, err := st.Import(ctx, set.Enterprises, set.Needs, store.ImportOptions{Exact: true}); err != nil {
		h.t.Fatal(err)
	}
	tok, err := h.srv.CreateToken(ctx, user, team)
	if err != nil {
		h.t.Fatal(err)
	}
	cl, err := client.New(st, client.Config{Server: h.URL, Token: tok, Dial: xunbangv1.Dial, Logger: slog.New(slog.DiscardHandler), RetryCount: -1})
	if err != nil {
		h.t.Fatal(err)
	}
	return &laptop{st: st, cl: cl}
}

func (l *laptop) sync(t testing.TB) {
	t.Helper()
	if _, err := l.cl.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// confirmedNeed returns a need of the laptop whose confirmation is current
// and whose visibility is public, as the hub will queue it.
func (l *laptop) confirmedNeed(t testing.TB) *forms.Need {
	t.Helper()
	ctx := context.Background()
	var out *forms.Need
	cat := forms.Default()
	ents := map[string]*forms.Enterprise{}
	_ = l.st.ForEachEnterprise(ctx, func(e *forms.Enterprise) error { ents[e.ID] = e; return nil })
	_ = l.st.ForEachNeed(ctx, func(n *forms.Need) error {
		if out == nil && (n.Status == forms.StatusConfirmed || n.Status == forms.StatusSynced) && n.Visibility() != forms.VisibilityPrivate && cat.ConfirmationCurrent(n, ents[n.EnterpriseID]) {
			out = n
		}
		return nil
	})
	if out == nil {
		t.Fatal("the demo set has no confirmed, public need")
	}
	return out
}

// browser is an HTTP client with cookies, as a browser would be.
type browser struct {
	t  testing.TB
	hc *http.Client
	h  *consoleHub
}

func (h *consoleHub) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: h.t, h: h, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get returns a page's status and body.
func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	code, body, _ := b.getWith(path, nil)
	return code, body
}

// getWith is get with extra request headers, returning the answer's too.
func (b *browser) getWith(path string, header map[string]string) (int, string, http.Header) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.h.URL+path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

// post submits a form; header may set extra request headers.
func (b *browser) post(path string, form url.Values, header map[string]string) (int, string, http.Header) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.h.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

var (
	loginTokenRe = regexp.MustCompile(`name="login_token" value="([0-9a-f]{64})"`)
	csrfRe       = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`)
)

// login logs in and returns the session's CSRF token.
func (b *browser) login(user, password string) (int, string) {
	b.t.Helper()
	_, page := b.get("/console/login")
	m := loginTokenRe.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no login token on the login page:\n%s", page)
	}
	status, body, hdr := b.post("/console/login", url.Values{"user": {user}, "password": {password}, "login_token": {m[1]}}, nil)
	if status != http.StatusSeeOther {
		return status, body
	}
	_, page = b.get(hdr.Get("Location"))
	m = csrfRe.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no CSRF token after login:\n%s", page)
	}
	return status, m[1]
}

func tcpAddr(t testing.TB, hostport string) net.Addr {
	a, err := net.ResolveTCPAddr("tcp", hostport)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
