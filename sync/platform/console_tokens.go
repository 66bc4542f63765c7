package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/xunbang/xunbang/internal/atomicfile"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// tokenRow is one token on the 令牌 page.
type tokenRow struct {
	ID, User, Team string
	Admin          bool
	CreatedAt      time.Time
}

type tokensData struct {
	Tokens  []tokenRow
	Created *createdToken
	Teams   []string
}

// createdToken is a token just made, shown once.
type createdToken struct {
	User, Team, Token, ConnectText, Server string
}

func (c *console) listTokens(ctx context.Context) ([]tokenRow, []string, error) {
	var rows []tokenRow
	teams := map[string]bool{}
	err := c.s.store.View(ctx, func(tx hubstore.Tx) error {
		if err := tx.Tokens(func(t *hubstore.Token) error {
			rows = append(rows, tokenRow{ID: t.Hash[:12], User: t.User, Team: t.Team, Admin: t.Admin, CreatedAt: t.CreatedAt})
			if t.Team != "" {
				teams[t.Team] = true
			}
			return nil
		}); err != nil {
			return err
		}
		return tx.Heads(protocol.KindNeed, func(h *hubstore.Head) error { teams[h.Team] = true; return nil })
	})
	slices.SortFunc(rows, func(a, b tokenRow) int {
		return strings.Compare(a.Team+"\x00"+a.User, b.Team+"\x00"+b.User)
	})
	return rows, sortedKeys(teams), err
}

func (c *console) tokens(w http.ResponseWriter, r *http.Request, v *visitor) {
	c.showTokens(w, r, v, http.StatusOK, nil, "")
}

// showTokens draws the 外业令牌 page; msg is an error's message id, or "".
func (c *console) showTokens(w http.ResponseWriter, r *http.Request, v *visitor, status int, created *createdToken, msg string) {
	rows, teams, err := c.listTokens(r.Context())
	if err != nil {
		c.log.Error("console tokens failed", "err", err)
		c.fail(w, r, v, http.StatusInternalServerError, "err.readTokens")
		return
	}
	l := langOf(r)
	if msg != "" {
		msg = l.t(msg)
	}
	c.render(w, r, status, "tokens", page{Title: l.t("tokens.title"), Nav: "tokens", V: v, Error: msg,
		Data: tokensData{Tokens: rows, Created: created, Teams: teams}})
}

// hubAddress is the address officials' laptops reach the hub at: the
// public address when one is set, else the one this browser used.
func (c *console) hubAddress(r *http.Request) string {
	if c.s.opt.PublicURL != "" {
		return c.s.opt.PublicURL
	}
	scheme := "https"
	if !secureCookies(r) {
		scheme = "http"
	}
	return scheme + "://" + r.Host
}

func (c *console) createToken(w http.ResponseWriter, r *http.Request, v *visitor) {
	user, team := strings.TrimSpace(r.PostFormValue("user")), strings.TrimSpace(r.PostFormValue("team"))
	if user == "" || team == "" || len(user) > 200 || len(team) > 200 {
		c.showTokens(w, r, v, http.StatusBadRequest, nil, "err.tokenFields")
		return
	}
	tok, err := c.s.createToken(r.Context(), hubstore.Token{User: user, Team: team},
		&hubstore.AuditEntry{User: v.User.Name, Action: auditTokenCreate, Detail: tokenAuditDetail(user, team), Addr: clientAddr(r)})
	if err != nil {
		c.log.Error("console token create failed", "err", err)
		c.fail(w, r, v, http.StatusInternalServerError, "err.tokenCreate")
		return
	}
	server := c.hubAddress(r)
	c.showTokens(w, r, v, http.StatusOK, &createdToken{User: user, Team: team, Token: tok, Server: server,
		ConnectText: protocol.FormatConnectText(server, tok)}, "")
}

func (c *console) revokeToken(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	now := c.s.opt.Now().UTC()
	var gone *hubstore.Token
	err := c.s.store.Update(r.Context(), func(tx hubstore.Tx) error {
		var match []*hubstore.Token
		if len(id) == 12 {
			if err := tx.Tokens(func(t *hubstore.Token) error {
				if strings.HasPrefix(t.Hash, id) {
					match = append(match, t)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		if len(match) != 1 {
			return hubstore.ErrNotFound
		}
		gone = match[0]
		if err := tx.DeleteToken(gone.Hash); err != nil {
			return err
		}
		_, err := tx.AppendAudit(&hubstore.AuditEntry{At: now, User: v.User.Name, Action: auditTokenRevoke, Target: id,
			Detail: tokenAuditDetail(gone.User, gone.Team), Addr: clientAddr(r)})
		return err
	})
	if errors.Is(err, hubstore.ErrNotFound) {
		c.showTokens(w, r, v, http.StatusNotFound, nil, "err.noToken")
		return
	}
	if err != nil {
		c.log.Error("console token revoke failed", "err", err)
		c.fail(w, r, v, http.StatusInternalServerError, "err.tokenRevoke")
		return
	}
	c.log.Info("token revoked", "token_id", id, "user", gone.User, "team", gone.Team, "by", v.User.Name)
	http.Redirect(w, r, flashURL("/console/tokens", "flash.tokenRevoked", gone.User, gone.Team), http.StatusSeeOther)
}

// handleCreateToken is POST /v1/admin/tokens: a team token issued with an
// admin token (the command line while the server runs).
func (s *Server) handleCreateToken(w http.ResponseWriter, r *http.Request, who identity) {
	if !checkRequestType(w, r) {
		return
	}
	body, err := s.readBody(w, r, 16<<10)
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, "token request too large")
		return
	}
	var req protocol.TokenRequest
	if err := protocol.DecodeBody(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, err.Error())
		return
	}
	user, team := strings.TrimSpace(req.User), strings.TrimSpace(req.Team)
	if user == "" || team == "" {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "a token needs a user and a team")
		return
	}
	tok, err := s.createToken(r.Context(), hubstore.Token{User: user, Team: team},
		&hubstore.AuditEntry{User: who.User, Action: auditTokenCreate, Detail: tokenAuditDetail(user, team), Addr: clientAddr(r)})
	if err != nil {
		s.log.Error("token create failed", "err", err)
		writeError(w, http.StatusInternalServerError, protocol.CodeInternal, "storing the token failed")
		return
	}
	writeJSON(w, http.StatusOK, protocol.TokenResponse{Protocol: protocol.Version, Token: tok, TokenID: tokenHash(tok)[:12]})
}

// The control file. While `xunbang serve --data DIR` runs it holds the
// bbolt file, so the command line cannot open it: serve writes
// DIR/serve.json (mode 0600, beside hub.key) with its address and an admin
// token made for this run, and `serve token create` and `serve review`
// reach the running server through its admin endpoints with them. The
// token is revoked and the file removed when serve stops; a run that
// crashed leaves a file and a token the next run replaces.

// ControlFileName is the control file inside the data dir.
const ControlFileName = "serve.json"

// controlUser names the admin token of a serve run.
const controlUser = "本机命令行"

// Control is what the control file holds.
type Control struct {
	Server string `json:"server"`
	Token  string `json:"token"`
	PID    int    `json:"pid"`
}

// PublishControl writes the control file for a server listening on addr
// and returns the function that removes it (call it after Serve returns).
// A server on a store opened by the caller (no data dir) writes none.
func (s *Server) PublishControl(ctx context.Context, addr net.Addr) (func(), error) {
	if s.dir == "" {
		return func() {}, nil
	}
	// Tokens of earlier runs that did not stop cleanly.
	err := s.store.Update(ctx, func(tx hubstore.Tx) error {
		var stale []string
		if err := tx.Tokens(func(t *hubstore.Token) error {
			if t.Admin && t.User == controlUser {
				stale = append(stale, t.Hash)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, h := range stale {
			if err := tx.DeleteToken(h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	tok, err := s.CreateAdminToken(ctx, controlUser)
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctl := Control{Server: "http://" + net.JoinHostPort(host, port), Token: tok, PID: os.Getpid()}
	b, _ := json.Marshal(ctl)
	path := filepath.Join(s.dir, ControlFileName)
	if err := atomicfile.WriteFile(path, b, 0o600); err != nil {
		return nil, err
	}
	return func() {
		os.Remove(path)
		if err := s.RevokeToken(context.Background(), tok); err != nil {
			s.log.Warn("revoking the control token failed", "err", err)
		}
	}, nil
}

// ErrNoControl means the data dir has no control file (no serve runs there).
var ErrNoControl = errors.New("no running xunbang serve found for this data dir")

// ReadControl reads the control file of a data dir.
func ReadControl(dir string) (Control, error) {
	b, err := os.ReadFile(filepath.Join(dir, ControlFileName))
	if errors.Is(err, os.ErrNotExist) {
		return Control{}, ErrNoControl
	}
	if err != nil {
		return Control{}, err
	}
	var c Control
	if err := json.Unmarshal(b, &c); err != nil || c.Server == "" || c.Token == "" {
		return Control{}, fmt.Errorf("%s is damaged: %w", ControlFileName, ErrNoControl)
	}
	return c, nil
}

// CreateTokenRemote issues a team token through a running server's admin
// endpoint (what `xunbang serve token create` does while serve runs).
func CreateTokenRemote(ctx context.Context, server, adminToken, user, team string, hc *http.Client) (string, error) {
	u, err := protocol.ParseServerURL(server)
	if err != nil {
		return "", err
	}
	if hc == nil {
		// As ReviewRemote: plain http never leaves this computer, and no
		// redirect is followed.
		hc = &http.Client{
			Transport:     protocol.Transport(nil),
			Timeout:       time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	body, err := protocol.Encode(protocol.TokenRequest{Protocol: protocol.Version, User: user, Team: team})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String()+protocol.PathAdminTokens, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	protocol.SetHeaders(req.Header)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("token create: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("token create: %w", err)
	}
	if resp.StatusCode == http.StatusOK {
		var tr protocol.TokenResponse
		if err := protocol.Decode(resp.Header, b, &tr); err != nil {
			return "", err
		}
		return tr.Token, nil
	}
	var eb protocol.ErrorBody
	if protocol.Decode(resp.Header, b, &eb) == nil {
		return "", fmt.Errorf("token create: %d %s: %s", resp.StatusCode, eb.Error.Code, eb.Error.Message)
	}
	return "", fmt.Errorf("token create: HTTP %d, not a protocol answer", resp.StatusCode)
}

func urlPathEscape(s string) string { return url.PathEscape(s) }

// tokenAuditDetail is the audit detail of a token made or revoked: whose
// it is and their team, "user / team".
func tokenAuditDetail(user, team string) string { return user + " / " + team }

// tokenAuditTeam reads the team from a tokenAuditDetail (registry.go reads
// the teams of revoked tokens).
func tokenAuditTeam(detail string) (string, bool) {
	_, team, ok := strings.Cut(detail, " / ")
	return team, ok && team != ""
}
