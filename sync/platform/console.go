package platform

// The reviewers' console: server-rendered pages under /console/ (Chinese
// first, html/template, no front-end build, readable on a phone), for the
// hub's users (hubstore.User): 管理员 manage users, field tokens and the
// hub's settings and export the whole hub; 审核员 review the needs in their
// scope. Chinese first, English at the switch in every page's header: the
// words of both are in consoleMessages (console_messages.go).
//
// Who sees what:
//
//   - Every page but the login needs a session: a random cookie
//     (HttpOnly, SameSite=Strict, Secure unless the hub is reached on
//     this computer) whose SHA-256 the store keeps; it ends after
//     sessionIdle unused or sessionMax in all, and at logout.
//   - A need's content (decrypted through the hub's key) goes only to a
//     session whose user's scope covers the need: an admin, or a reviewer
//     whose teams include the need's team or whose regions contain its
//     enterprise's region. Out of scope, a need does not exist (404).
//   - Every POST carries the session's CSRF token (an HMAC of the session
//     cookie), and is refused when the browser says it comes from another
//     site; the login form carries a token of its own (double submit).
//   - Every change made through the console (a verdict, a user, a token)
//     is appended to the audit in the same transaction as the change.
//   - Pages are escaped by html/template; the content security policy
//     allows only the console's own style sheet and script; answers are
//     never cached. Logs name users and record ids, never content.

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

//go:embed console
var consoleFS embed.FS

// Console paths.
const (
	consolePrefix = "/console/"
	consoleLogin  = "/console/login"
	cookieSession = "xunbang_session"
	cookieLogin   = "xunbang_login"
)

// Session lifetimes.
const (
	sessionIdle = 2 * time.Hour
	sessionMax  = 12 * time.Hour
	// sessionTouch: a session's SeenAt is written at most this often.
	sessionTouch = 5 * time.Minute
)

// Audit actions.
const (
	auditLogin        = "login"
	auditLoginFailed  = "login.failed"
	auditLogout       = "logout"
	auditReview       = "review"
	auditTokenCreate  = "token.create"
	auditTokenRevoke  = "token.revoke"
	auditUserCreate   = "user.create"
	auditUserUpdate   = "user.update"
	auditUserPassword = "user.password"
	auditExport       = "export"
	auditSettings     = "settings"
)

// displayZone is the time zone the console writes times in.
var displayZone = time.FixedZone("北京时间", 8*3600)

// console is the console's state; one per Handler.
type console struct {
	s       *Server
	log     *slog.Logger
	pages   map[lang]map[string]*template.Template
	mux     *http.ServeMux
	static  http.Handler
	limiter *loginLimiter
	// hashing bounds the Argon2id computations running at once (64 MiB
	// each).
	hashing chan struct{}

	mu        sync.Mutex
	summaries map[string]*needSummary // by need rev + "/" + enterprise rev: immutable
}

// consoleRoutes registers the console and the admin token endpoint.
func (s *Server) consoleRoutes(mux *http.ServeMux) {
	c := &console{
		s: s, log: s.log, limiter: newLoginLimiter(), hashing: make(chan struct{}, 2),
		summaries: map[string]*needSummary{},
	}
	c.pages = mustParsePages()
	static, _ := fs.Sub(consoleFS, "console/static")
	c.static = http.StripPrefix("/console/static/", http.FileServerFS(static))
	mux.Handle(consolePrefix, c.routes())
	mux.Handle("POST "+protocol.PathAdminTokens, s.authed(s.handleCreateToken))
}

// routes is the console's own mux.
func (c *console) routes() http.Handler {
	m := http.NewServeMux()
	m.Handle("GET /console/static/", c.static)
	m.HandleFunc("GET /console/{$}", c.open(anyRole, func(w http.ResponseWriter, r *http.Request, v *visitor) {
		http.Redirect(w, r, "/console/needs", http.StatusSeeOther)
	}))
	m.HandleFunc("GET /console/lang", c.switchLang)
	m.HandleFunc("GET "+consoleLogin, c.loginPage)
	m.HandleFunc("POST "+consoleLogin, c.login)
	m.HandleFunc("POST /console/logout", c.open(anyRole, c.logout))
	m.HandleFunc("GET /console/needs", c.open(anyRole, c.queue))
	m.HandleFunc("GET /console/needs/{id}", c.open(anyRole, c.need))
	m.HandleFunc("GET /console/needs/{id}/signature.png", c.open(anyRole, c.signature))
	m.HandleFunc("POST /console/needs/{id}/review", c.open(anyRole, c.reviewNeed))
	m.HandleFunc("GET /console/hub", c.open(anyRole, c.dashboard))
	m.HandleFunc("GET /console/export/{what}", c.open(adminOnly, c.export))
	m.HandleFunc("GET /console/tokens", c.open(adminOnly, c.tokens))
	m.HandleFunc("POST /console/tokens", c.open(adminOnly, c.createToken))
	m.HandleFunc("POST /console/tokens/{id}/revoke", c.open(adminOnly, c.revokeToken))
	m.HandleFunc("GET /console/users", c.open(adminOnly, c.users))
	m.HandleFunc("POST /console/users", c.open(adminOnly, c.createUser))
	m.HandleFunc("POST /console/users/{name}", c.open(adminOnly, c.updateUser))
	m.HandleFunc("GET /console/account", c.open(anyRole, c.account))
	m.HandleFunc("POST /console/account", c.open(anyRole, c.changePassword))
	m.HandleFunc("GET /console/audit", c.open(adminOnly, c.audit))
	m.HandleFunc("GET /console/settings", c.open(adminOnly, c.settings))
	m.HandleFunc("POST /console/settings", c.open(adminOnly, c.saveSettings))
	c.mux = m
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if _, pattern := m.Handler(r); pattern == "" {
			c.fail(w, r, nil, http.StatusNotFound, "err.noPage")
			return
		}
		m.ServeHTTP(w, r)
	})
}

// visitor is who a console request comes from.
type visitor struct {
	User *hubstore.User
	// CSRF is the token every form of this session carries.
	CSRF string
	hash string // the session's hash
}

// Admin reports whether the visitor is an admin.
func (v *visitor) Admin() bool { return v != nil && v.User.Role == hubstore.RoleAdmin }

type role int

const (
	anyRole role = iota
	adminOnly
)

type consoleHandler func(w http.ResponseWriter, r *http.Request, v *visitor)

// open wraps a page: it finds the session (or sends the browser to the
// login page), checks the role, and for a POST the CSRF token and the
// request's origin.
func (c *console) open(need role, h consoleHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := c.session(r)
		if err != nil {
			c.log.Warn("console session lookup failed", "err", err)
			c.fail(w, r, nil, http.StatusInternalServerError, "err.session")
			return
		}
		if v == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, consoleLogin+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.fail(w, r, nil, http.StatusUnauthorized, "err.expired")
			return
		}
		addLogAttrs(r.Context(), "console_user", v.User.Name)
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
			if err := r.ParseForm(); err != nil {
				c.fail(w, r, v, http.StatusBadRequest, "err.form")
				return
			}
			if !sameOrigin(r) || !hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(v.CSRF)) {
				addLogAttrs(r.Context(), "refused", "csrf")
				c.fail(w, r, v, http.StatusForbidden, "err.csrf")
				return
			}
		}
		if need == adminOnly && !v.Admin() {
			addLogAttrs(r.Context(), "refused", "role")
			c.fail(w, r, v, http.StatusForbidden, "err.adminOnly")
			return
		}
		h(w, r, v)
	}
}

// sameOrigin refuses a request the browser says came from another site or
// origin: by Sec-Fetch-Site when the browser sends it (every current
// one), else by Origin when sent. A request with neither (not from a
// browser) is let through: the CSRF token still has to match.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// session finds the visitor of a request's session cookie, or nil.
func (c *console) session(r *http.Request) (*visitor, error) {
	ck, err := r.Cookie(cookieSession)
	if err != nil || len(ck.Value) != 64 {
		return nil, nil
	}
	hash := tokenHash(ck.Value)
	now := c.s.opt.Now().UTC()
	var v *visitor
	var touch bool
	err = c.s.store.View(r.Context(), func(tx hubstore.Tx) error {
		sess, err := tx.Session(hash)
		if errors.Is(err, hubstore.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if !now.Before(sess.ExpiresAt) {
			return nil
		}
		u, err := tx.User(sess.User)
		if errors.Is(err, hubstore.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			return nil
		}
		v = &visitor{User: u, CSRF: csrfToken(ck.Value), hash: hash}
		touch = now.Sub(sess.SeenAt) > sessionTouch
		return nil
	})
	if err != nil || v == nil || !touch {
		return v, err
	}
	// Keep an active session alive (idle timeout), within sessionMax.
	err = c.s.store.Update(r.Context(), func(tx hubstore.Tx) error {
		sess, err := tx.Session(hash)
		if err != nil {
			return nil
		}
		sess.SeenAt = now
		sess.ExpiresAt = minTime(now.Add(sessionIdle), sess.CreatedAt.Add(sessionMax))
		return tx.PutSession(sess)
	})
	return v, err
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// csrfToken is the form token of a session: an HMAC of its cookie, so
// that the store need not keep it and a page of another session cannot
// forge it.
func csrfToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("xunbang console csrf v1"))
	return hex.EncodeToString(m.Sum(nil))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// secureCookies reports whether cookies must be Secure: always, unless the
// browser reached the hub on this computer (plain http to loopback).
func secureCookies(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return r.TLS != nil || !protocol.IsLoopback(host)
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: consolePrefix, MaxAge: maxAge,
		HttpOnly: true, Secure: secureCookies(r), SameSite: http.SameSiteStrictMode,
	})
}

// clientAddr is the client's address as the hub saw it (for the audit).
func clientAddr(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// page is what every console template receives.
type page struct {
	// Title is the page's title as shown (a message, or a need's title).
	Title string
	Nav   string
	V     *visitor
	// Flash and Error are messages as shown; render fills Flash from the
	// address (flashURL) when the handler left it empty.
	Flash, Error string
	Data         any
	// Lang is the page's language and Here the address the language
	// switch returns to; render sets both.
	Lang lang
	Here string
}

// render writes a page in the request's language.
func (c *console) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Lang = langOf(r)
	p.Here = c.here(r)
	if p.Flash == "" && r.Method == http.MethodGet {
		p.Flash = flashOf(r, p.Lang)
	}
	t, ok := c.pages[p.Lang][name]
	if !ok {
		panic("console: no template " + name)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		c.log.Error("console template failed", "page", name, "err", err)
		http.Error(w, p.Lang.t("err.render"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, b.String())
}

// fail answers an error page: msg is a message id, formatted with args.
func (c *console) fail(w http.ResponseWriter, r *http.Request, v *visitor, status int, msg string, args ...any) {
	l := langOf(r)
	title := http.StatusText(status)
	if id, ok := statusTitles[status]; ok {
		title = l.t(id)
	}
	c.render(w, r, status, "error", page{Title: title, V: v, Error: l.t(msg, args...), Data: status})
}

// flashURL is a console address that shows a flash message once there:
// the message's id and its arguments (already in the visitor's words: a
// flash is shown right after the request that made it) ride in the query.
func flashURL(path, id string, args ...string) string {
	q := url.Values{"flash": {id}}
	for _, a := range args {
		q.Add("fa", a)
	}
	return path + "?" + q.Encode()
}

// flashOf is the flash message a page's address names, in l: only an id of
// a flash message, with as many arguments as it takes, so that a link
// cannot make the console say what it never says.
func flashOf(r *http.Request, l lang) string {
	q := r.URL.Query()
	id := q.Get("flash")
	m, ok := consoleMessages[id]
	if !ok || !strings.HasPrefix(id, "flash.") {
		return ""
	}
	args := q["fa"]
	if strings.Count(m.zh, "%") != len(args) {
		return ""
	}
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	return l.t(id, a...)
}

// here is the address the language switch brings the visitor back to:
// this page without its flash; after a form was posted, the nearest page
// at or above its address (a verdict's need, a user's list), else the
// console's start.
func (c *console) here(r *http.Request) string {
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		q.Del("flash")
		q.Del("fa")
		if len(q) == 0 {
			return r.URL.Path
		}
		return r.URL.Path + "?" + q.Encode()
	}
	get := r.Clone(r.Context())
	get.Method = http.MethodGet
	for p := r.URL.Path; strings.HasPrefix(p, consolePrefix) && p != consolePrefix; p = p[:strings.LastIndexByte(p, '/')] {
		get.URL = &url.URL{Path: p}
		if _, pattern := c.mux.Handler(get); pattern != "" {
			return p
		}
	}
	return consolePrefix
}

// switchLang is GET /console/lang?to=en&next=…: it keeps the language in
// a cookie for a year and goes back to the page. The cookie is no
// credential: it is SameSite=Lax, so that a link into the console from
// elsewhere opens in the chosen language too.
func (c *console) switchLang(w http.ResponseWriter, r *http.Request) {
	to := lang(r.URL.Query().Get("to"))
	if to == langEN || to == langZH {
		http.SetCookie(w, &http.Cookie{
			Name: cookieLang, Value: string(to), Path: consolePrefix, MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secureCookies(r), SameSite: http.SameSiteLaxMode,
		})
	}
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// audit appends an entry outside another transaction (a login, say).
func (c *console) auditEntry(ctx context.Context, e hubstore.AuditEntry) {
	e.At = c.s.opt.Now().UTC()
	err := c.s.store.Update(ctx, func(tx hubstore.Tx) error { _, err := tx.AppendAudit(&e); return err })
	if err != nil {
		c.log.Warn("audit append failed", "action", e.Action, "err", err)
	}
}
