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

// showLogin draws the login form with a fresh double-submit token.
func (c *console) showLogin(w http.ResponseWriter, r *http.Request, status int, user, next, msg string) {
	tok := randomHex(32)
	setCookie(w, r, cookieLogin, tok, 3600)
	c.render(w, r, status, "login", page{Title: "登录", Error: msg, Data: loginData{User: user, Next: safeNext(next), Token: tok}})
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
		c.fail(w, r, nil, http.StatusBadRequest, "表单无法读取。")
		return
	}
	name, password, next := strings.TrimSpace(r.PostFormValue("user")), r.PostFormValue("password"), r.PostFormValue("next")
	ck, err := r.Cookie(cookieLogin)
	if err != nil || !sameOrigin(r) || len(ck.Value) != 64 || ck.Value != r.PostFormValue("login_token") {
		addLogAttrs(r.Context(), "refused", "csrf")
		c.showLogin(w, r, http.StatusForbidden, name, next, "登录表单已失效，请重新登录。")
		return
	}
	now := c.s.opt.Now().UTC()
	addr := clientAddr(r)
	if !c.limiter.allowed(addr, now) {
		addLogAttrs(r.Context(), "refused", "rate")
		c.showLogin(w, r, http.StatusTooManyRequests, name, next, "登录失败次数过多，请 15 分钟后再试。")
		return
	}
	token, err := c.checkLogin(r.Context(), name, password, addr, now)
	switch {
	case errors.Is(err, errLocked):
		c.showLogin(w, r, http.StatusTooManyRequests, name, next, "登录失败次数过多，这个账户已暂时锁定，请 15 分钟后再试。")
		return
	case errors.Is(err, errBadLogin):
		c.limiter.failed(addr, now)
		c.showLogin(w, r, http.StatusUnauthorized, name, next, "用户名或密码不对。")
		return
	case err != nil:
		c.log.Error("console login failed", "err", err)
		c.fail(w, r, nil, http.StatusInternalServerError, "登录失败，请稍后再试。")
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
	c.render(w, r, http.StatusOK, "account", page{Title: "我的账户", Nav: "account", V: v, Flash: r.URL.Query().Get("flash")})
}

func (c *console) changePassword(w http.ResponseWriter, r *http.Request, v *visitor) {
	old, pw, again := r.PostFormValue("old"), r.PostFormValue("password"), r.PostFormValue("again")
	fail := func(status int, msg string) {
		c.render(w, r, status, "account", page{Title: "我的账户", Nav: "account", V: v, Error: msg})
	}
	c.hashing <- struct{}{}
	ok, _ := passwd.Verify(old, v.User.PasswordHash)
	<-c.hashing
	switch {
	case !ok:
		fail(http.StatusForbidden, "原密码不对。")
		return
	case pw != again:
		fail(http.StatusBadRequest, "两次输入的新密码不一样。")
		return
	}
	if err := c.s.SetPassword(r.Context(), v.User.Name, pw, v.User.Name, clientAddr(r)); err != nil {
		fail(http.StatusBadRequest, userMessage(err))
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

// consoleError is an error whose message is for the console's user.
type consoleError struct{ zh string }

func (e consoleError) Error() string { return e.zh }

// userMessage maps an error to what the console shows.
func userMessage(err error) string {
	var ce consoleError
	switch {
	case errors.As(err, &ce):
		return ce.zh
	case errors.Is(err, passwd.ErrTooShort):
		return fmt.Sprintf("密码至少 %d 个字符。", passwd.MinLen)
	case errors.Is(err, passwd.ErrTooLong):
		return "密码太长。"
	case errors.Is(err, ErrUserExists):
		return "已有同名用户。"
	case errors.Is(err, hubstore.ErrNotFound):
		return "没有这个用户。"
	}
	return "操作失败，请稍后再试。"
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
			return nil, nil, consoleError{"地区代码“" + code + "”不是有效的行政区划代码（如 320509）。"}
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
		return consoleError{"用户名须为 1 到 64 个字符，不含空格和“/”。"}
	}
	if !nu.Role.Valid() {
		return consoleError{"角色须为管理员或审核员。"}
	}
	teams, regions, err := cleanScope(nu.Teams, nu.Regions)
	if err != nil {
		return err
	}
	if nu.Role == hubstore.RoleReviewer && len(teams) == 0 && len(regions) == 0 {
		return consoleError{"审核员须至少有一个团队或地区作为审核范围。"}
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
