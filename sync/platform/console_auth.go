package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/passwd"
	"github.com/xunbang/xunbang/sync/hubstore"
)

// Login limits.
const (
	// maxFailedLogins wrong passwords in a row lock an account for
	// accountLock.
	maxFailedLogins = 5
	accountLock     = 15 * time.Minute
	// One address may fail addrFailures logins in addrWindow; past that its
	// logins are refused unchecked until the window moves on.
	addrFailures = 20
	addrWindow   = 15 * time.Minute
	// maxTracked bounds the addresses the limiter remembers.
	maxTracked = 10000
)

// loginLimiter counts failed logins per client address, in memory (each
// `serve` process counts its own; the per-account lock is in the store and
// holds across processes).
type loginLimiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

func newLoginLimiter() *loginLimiter { return &loginLimiter{fails: map[string][]time.Time{}} }

// allowed reports whether addr may try a login now.
func (l *loginLimiter) allowed(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(addr, now)) < addrFailures
}

func (l *loginLimiter) recent(addr string, now time.Time) []time.Time {
	f := l.fails[addr]
	i := 0
	for i < len(f) && now.Sub(f[i]) > addrWindow {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(l.fails, addr)
	} else {
		l.fails[addr] = f
	}
	return f
}

// failed counts a failed login of addr.
func (l *loginLimiter) failed(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) >= maxTracked {
		for a := range l.fails {
			l.recent(a, now)
		}
		if len(l.fails) >= maxTracked {
			clear(l.fails) // an address flood: start over rather than grow
		}
	}
	l.fails[addr] = append(l.recent(addr, now), now)
}

type loginData struct {
	User, Next, Token string
}

func (c *console) loginPage(w http.ResponseWriter, r *http.Request) {
	if v, err := c.session(r); err == nil && v != nil {
		http.Redirect(w, r, "/console/needs", http.StatusSeeOther)
		return
	}
	c.showLogin(w, r, http.StatusOK, "", r.URL.Query().Get("next"), "")
}

// showLogin draws the login form with a fresh double-submit token; msg is
// a message id, or "".
func (c *console) showLogin(w http.ResponseWriter, r *http.Request, status int, user, next, msg string) {
	tok := randomHex(32)
	setCookie(w, r, cookieLogin, tok, 3600)
	l := langOf(r)
	if msg != "" {
		msg = l.t(msg)
	}
	c.render(w, r, status, "login", page{Title: l.t("login.title"), Error: msg, Data: loginData{User: user, Next: safeNext(next), Token: tok}})
}

// safeNext keeps a redirect after login inside the console.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, consolePrefix) || strings.HasPrefix(next, "//") {
		return "/console/needs"
	}
	return u.RequestURI()
}

var errBadLogin = errors.New("wrong user or password")

func (c *console) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, nil, http.StatusBadRequest, "err.form")
		return
	}
	name, password, next := strings.TrimSpace(r.PostFormValue("user")), r.PostFormValue("password"), r.PostFormValue("next")
	ck, err := r.Cookie(cookieLogin)
	if err != nil || !sameOrigin(r) || len(ck.Value) != 64 || ck.Value != r.PostFormValue("login_token") {
		addLogAttrs(r.Context(), "refused", "csrf")
		c.showLogin(w, r, http.StatusForbidden, name, next, "err.loginForm")
		return
	}
	now := c.s.opt.Now().UTC()
	addr := clientAddr(r)
	if !c.limiter.allowed(addr, now) {
		addLogAttrs(r.Context(), "refused", "rate")
		c.showLogin(w, r, http.StatusTooManyRequests, name, next, "err.loginRate")
		return
	}
	token, err := c.checkLogin(r.Context(), name, password, addr, now)
	switch {
	case errors.Is(err, errLocked):
		c.showLogin(w, r, http.StatusTooManyRequests, name, next, "err.loginLocked")
		return
	case errors.Is(err, errBadLogin):
		c.limiter.failed(addr, now)
		c.showLogin(w, r, http.StatusUnauthorized, name, next, "err.loginWrong")
		return
	case err != nil:
		c.log.Error("console login failed", "err", err)
		c.fail(w, r, nil, http.StatusInternalServerError, "err.loginFailed")
		return
	}
	setCookie(w, r, cookieLogin, "", -1)
	setCookie(w, r, cookieSession, token, int(sessionMax/time.Second))
	addLogAttrs(r.Context(), "console_user", name)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

var errLocked = errors.New("account locked")

// dummyHash is checked for unknown users, so that a login takes as long
// whether or not the user exists.
var dummyHash = sync.OnceValue(func() string {
	h, _ := passwd.Hash("xunbang dummy password for unknown users")
	return h
})

// checkLogin checks a user's password and opens a session, returning its
// cookie value; a wrong password counts toward the account's lock.
func (c *console) checkLogin(ctx context.Context, name, password, addr string, now time.Time) (string, error) {
	var u *hubstore.User
	err := c.s.store.View(ctx, func(tx hubstore.Tx) error {
		var err error
		u, err = tx.User(name)
		if errors.Is(err, hubstore.ErrNotFound) {
			u, err = nil, nil
		}
		return err
	})
	if err != nil {
		return "", err
	}
	if u != nil && now.Before(u.LockedUntil) {
		return "", errLocked
	}
	hash := dummyHash()
	if u != nil {
		hash = u.PasswordHash
	}
	c.hashing <- struct{}{}
	ok, verr := passwd.Verify(password, hash)
	<-c.hashing
	if u == nil || u.Disabled || !ok || verr != nil {
		if u != nil {
			c.noteFailure(ctx, name, addr, now)
		}
		return "", errBadLogin
	}
	token := randomHex(32)
	err = c.s.store.Update(ctx, func(tx hubstore.Tx) error {
		u, err := tx.User(name)
		if err != nil {
			return err
		}
		if u.FailedLogins > 0 || !u.LockedUntil.IsZero() {
			u.FailedLogins, u.LockedUntil = 0, time.Time{}
			if err := tx.PutUser(u); err != nil {
				return err
			}
		}
		if _, err := tx.DeleteSessions("", now); err != nil {
			return err
		}
		if err := tx.PutSession(&hubstore.Session{Hash: tokenHash(token), User: name, CreatedAt: now, SeenAt: now, ExpiresAt: now.Add(sessionIdle)}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(&hubstore.AuditEntry{At: now, User: name, Action: auditLogin, Addr: addr})
		return err
	})
	return token, err
}

// noteFailure counts a wrong password on an account, locking it at the
// bound.
func (c *console) noteFailure(ctx context.Context, name, addr string, now time.Time) {
	err := c.s.store.Update(ctx, func(tx hubstore.Tx) error {
		u, err := tx.User(name)
		if err != nil {
			return err
		}
		u.FailedLogins++
		detail := fmt.Sprintf("第 %d 次", u.FailedLogins)
		if u.FailedLogins >= maxFailedLogins {
			u.LockedUntil, u.FailedLogins = now.Add(accountLock), 0
			detail += "，已锁定"
		}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		_, err = tx.AppendAudit(&hubstore.AuditEntry{At: now, User: name, Action: auditLoginFailed, Detail: detail, Addr: addr})
		return err
	})
	if err != nil {
		c.log.Warn("noting a failed login failed", "err", err)
	}
}

func (c *console) logout(w http.ResponseWriter, r *http.Request, v *visitor) {
	now := c.s.opt.Now().UTC()
	err := c.s.store.Update(r.Context(), func(tx hubstore.Tx) error {
		if err := tx.DeleteSession(v.hash); err != nil {
			return err
		}
		_, err := tx.AppendAudit(&hubstore.AuditEntry{At: now, User: v.User.Name, Action: auditLogout, Addr: clientAddr(r)})
		return err
	})
	if err != nil {
		c.log.Warn("logout failed", "err", err)
	}
	setCookie(w, r, cookieSession, "", -1)
	http.Redirect(w, r, consoleLogin, http.StatusSeeOther)
}

func (c *console) account(w http.ResponseWriter, r *http.Request, v *visitor) {
	c.render(w, r, http.StatusOK, "account", page{Title: langOf(r).t("account.title"), Nav: "account", V: v})
}

func (c *console) changePassword(w http.ResponseWriter, r *http.Request, v *visitor) {
	old, pw, again := r.PostFormValue("old"), r.PostFormValue("password"), r.PostFormValue("again")
	l := langOf(r)
	fail := func(status int, msg string) {
		c.render(w, r, status, "account", page{Title: l.t("account.title"), Nav: "account", V: v, Error: msg})
	}
	c.hashing <- struct{}{}
	ok, _ := passwd.Verify(old, v.User.PasswordHash)
	<-c.hashing
	switch {
	case !ok:
		fail(http.StatusForbidden, l.t("err.oldPassword"))
		return
	case pw != again:
		fail(http.StatusBadRequest, l.t("err.passwordsDiffer"))
		return
	}
	if err := c.s.SetPassword(r.Context(), v.User.Name, pw, v.User.Name, clientAddr(r)); err != nil {
		fail(http.StatusBadRequest, userMessage(l, err))
		return
	}
	// SetPassword ended every session of the user: log in again.
	setCookie(w, r, cookieSession, "", -1)
	http.Redirect(w, r, consoleLogin, http.StatusSeeOther)
}

// NewUser is a hub user to create (CreateUser).
type NewUser struct {
	Name, Display, Password string
	Role                    hubstore.Role
	Teams, Regions          []string
}

// ErrUserExists is returned by CreateUser for a name already taken.
var ErrUserExists = errors.New("a hub user of that name exists")

// consoleError is an error whose message is for the console's user: a
// message id and its arguments. Its Error is the Chinese message (what
// the command line, which calls CreateUser too, prints).
type consoleError struct {
	id   string
	args []any
}

func (e consoleError) Error() string { return langZH.t(e.id, e.args...) }

// userMessage maps an error to what the console shows, in l.
func userMessage(l lang, err error) string {
	var ce consoleError
	switch {
	case errors.As(err, &ce):
		return l.t(ce.id, ce.args...)
	case errors.Is(err, passwd.ErrTooShort):
		return l.t("err.passwordShort", passwd.MinLen)
	case errors.Is(err, passwd.ErrTooLong):
		return l.t("err.passwordLong")
	case errors.Is(err, ErrUserExists):
		return l.t("err.userExists")
	case errors.Is(err, hubstore.ErrNotFound):
		return l.t("err.noUser")
	}
	return l.t("err.failed")
}

// validUserName: 1–64 characters, no spaces or control characters, no "/".
func validUserName(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > 64 || !utf8.ValidString(name) {
		return false
	}
	return !strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r == '/' || r == 0x7f || r == '\u3000' })
}

// cleanScope checks a reviewer's scope: team names as tokens carry them,
// regions as GB/T 2260 codes.
func cleanScope(teams, regions []string) ([]string, []string, error) {
	var ts, rs []string
	for _, t := range teams {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	for _, code := range regions {
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		if _, ok := forms.Regions().Lookup(code); !ok {
			return nil, nil, consoleError{"err.badRegion", []any{code}}
		}
		if !slices.Contains(rs, code) {
			rs = append(rs, code)
		}
	}
	return ts, rs, nil
}

// CreateUser adds a hub user — what `xunbang serve admin create` and the
// console's 用户 page call; actor names who did it in the audit ("" for
// the command line).
func (s *Server) CreateUser(ctx context.Context, nu NewUser, actor, addr string) error {
	nu.Name = strings.TrimSpace(nu.Name)
	if !validUserName(nu.Name) {
		return consoleError{id: "err.userName"}
	}
	if !nu.Role.Valid() {
		return consoleError{id: "err.role"}
	}
	teams, regions, err := cleanScope(nu.Teams, nu.Regions)
	if err != nil {
		return err
	}
	if nu.Role == hubstore.RoleReviewer && len(teams) == 0 && len(regions) == 0 {
		return consoleError{id: "err.scope"}
	}
	if err := passwd.Check(nu.Password); err != nil {
		return err
	}
	hash, err := passwd.Hash(nu.Password)
	if err != nil {
		return err
	}
	now := s.opt.Now().UTC()
	if actor == "" {
		actor = "命令行"
	}
	err = s.store.Update(ctx, func(tx hubstore.Tx) error {
		if _, err := tx.User(nu.Name); err == nil {
			return ErrUserExists
		} else if !errors.Is(err, hubstore.ErrNotFound) {
			return err
		}
		u := &hubstore.User{Name: nu.Name, Display: strings.TrimSpace(nu.Display), Role: nu.Role, Teams: teams, Regions: regions,
			PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		_, err := tx.AppendAudit(&hubstore.AuditEntry{At: now, User: actor, Action: auditUserCreate, Target: nu.Name, Detail: string(nu.Role), Addr: addr})
		return err
	})
	if err != nil {
		return fmt.Errorf("platform: create user %s: %w", nu.Name, err)
	}
	s.log.Info("hub user created", "user", nu.Name, "role", string(nu.Role), "by", actor)
	return nil
}

// SetPassword gives a user a new password and ends their sessions.
func (s *Server) SetPassword(ctx context.Context, name, password, actor, addr string) error {
	if err := passwd.Check(password); err != nil {
		return err
	}
	hash, err := passwd.Hash(password)
	if err != nil {
		return err
	}
	now := s.opt.Now().UTC()
	if actor == "" {
		actor = "命令行"
	}
	return s.store.Update(ctx, func(tx hubstore.Tx) error {
		u, err := tx.User(name)
		if err != nil {
			return err
		}
		u.PasswordHash, u.UpdatedAt, u.FailedLogins, u.LockedUntil = hash, now, 0, time.Time{}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		if _, err := tx.DeleteSessions(name, time.Time{}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(&hubstore.AuditEntry{At: now, User: actor, Action: auditUserPassword, Target: name, Addr: addr})
		return err
	})
}
