package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Connecting a data dir to its hub is one code path for the window's
// 平台连接 and `xunbang login`: Connect checks the token with the hub
// (GET /v1/whoami), keeps it — in the OS keyring, or where there is none,
// sealed inside the encrypted data file, never in plain text — and stores
// the address and what the hub said in the data dir; Disconnect forgets the
// token. LoadStoredToken finds it again for Sync.

// Meta keys of the connection.
const (
	metaIdentity = "sync.identity" // identity (JSON): whom the hub said the token belongs to
	metaToken    = "sync.token"    // storedToken (JSON), only where no keyring could keep it
)

// TokenPlace says where the token of a connection is kept.
type TokenPlace int

// Token places.
const (
	TokenMissing    TokenPlace = iota // no token
	TokenFromEnv                      // the XUNBANG_TOKEN environment variable (scripts, CI)
	TokenInKeyring                    // the OS keyring
	TokenInDataFile                   // sealed inside the encrypted data file (no keyring here)
)

// Connection is what a data dir knows of its hub.
type Connection struct {
	Server    string // the hub's normalised address; "" when none is set
	User      string // whom the hub said the token belongs to, at sign-in
	Team      string
	PublicURL string // the hub's public base address, if it has one
	Token     TokenPlace
	At        time.Time // when the token was checked and kept; zero if never
}

type identity struct {
	Server    string    `json:"server"`
	User      string    `json:"user"`
	Team      string    `json:"team"`
	PublicURL string    `json:"public_url,omitempty"`
	At        time.Time `json:"at"`
}

type storedToken struct {
	Server string `json:"server"`
	Token  string `json:"token"`
}

// ErrNoPlaceForToken means there is no usable OS keyring and the data file is
// not encrypted, so the token cannot be kept without writing it in plain
// text.
var ErrNoPlaceForToken = errors.New("no OS keyring and the data file is not encrypted: the token cannot be kept")

// ConnectOptions are the seams of Connect and Disconnect.
type ConnectOptions struct {
	Keyring Keyring // default SystemKeyring{}
	// Dial opens the platform whose whoami checks the token (Connect
	// needs it; platforms.Dial chooses the adapter by the address).
	Dial       Dialer
	HTTPClient *http.Client // passed to Dial; default a client of the adapter's own
	Timeout    time.Duration
	Logger     *slog.Logger
}

func (o *ConnectOptions) defaults() {
	if o.Keyring == nil {
		o.Keyring = SystemKeyring{}
	}
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Connect checks token with the hub at server and, if the hub knows it,
// connects st to the hub: the token is kept in the keyring or, where none
// can be used, sealed in st (which must be encrypted); the settings get the
// hub's address and public base address; the identity the hub gave is
// kept; the last sync error is cleared, so that the next sync is judged
// afresh. A token of a previously connected hub is forgotten. It returns
// the connection, or an error that Message turns into a sentence (a
// refused token is a KindUnauthorized *Error).
func Connect(ctx context.Context, st ConnectionStore, server, token string, opts ConnectOptions) (Connection, error) {
	opts.defaults()
	// The hub's console hands out a connect text (地址 and 令牌): pasted
	// whole into either field, it gives both.
	for _, text := range []string{token, server} {
		if srv, tok, ok := readConnectText(text); ok {
			server, token = srv, tok
			break
		}
	}
	token = strings.TrimSpace(token)
	if strings.TrimSpace(server) == "" {
		return Connection{}, ErrNoAddress
	}
	base, err := parseAddress(server)
	if err != nil {
		return Connection{}, err
	}
	if token == "" {
		return Connection{}, ErrNoToken
	}
	id, err := checkToken(ctx, base, token, opts)
	if err != nil {
		return Connection{}, err
	}
	conn := Connection{Server: base, User: id.User, Team: id.Team, PublicURL: id.PublicURL, At: time.Now().UTC()}
	old, err := st.Settings(ctx)
	if err != nil {
		return Connection{}, err
	}
	if kerr := opts.Keyring.Set(KeyringService, conn.Server, token); kerr == nil {
		conn.Token = TokenInKeyring
	} else {
		if !st.Encrypted() {
			return Connection{}, fmt.Errorf("%w (keyring: %w)", ErrNoPlaceForToken, kerr)
		}
		opts.Logger.Info("sync: no keyring for the token; keeping it sealed in the data file", "reason", kerr)
		conn.Token = TokenInDataFile
	}
	if prev, perr := protocol.ParseServerURL(old.PlatformURL); perr == nil && prev.String() != conn.Server {
		_ = opts.Keyring.Delete(KeyringService, prev.String())
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		tok := []byte(nil)
		if conn.Token == TokenInDataFile {
			var err error
			if tok, err = json.Marshal(storedToken{Server: conn.Server, Token: token}); err != nil {
				return err
			}
		}
		if err := tx.SetMeta(metaToken, tok); err != nil {
			return err
		}
		b, err := json.Marshal(identity{Server: conn.Server, User: conn.User, Team: conn.Team, PublicURL: conn.PublicURL, At: conn.At})
		if err != nil {
			return err
		}
		if err := tx.SetMeta(metaIdentity, b); err != nil {
			return err
		}
		return clearFailure(tx)
	})
	if err != nil {
		return Connection{}, localErr(err)
	}
	set := old
	set.PlatformURL, set.HubPublicURL = conn.Server, conn.PublicURL
	if set != old {
		if err := st.SaveSettings(ctx, set); err != nil {
			return Connection{}, localErr(err)
		}
	}
	detail := fmt.Sprintf("connected to %s as %s (%s)", conn.Server, conn.User, conn.Team)
	if err := st.Audit(ctx, store.AuditSync, detail); err != nil {
		opts.Logger.Warn("sync: audit", "err", err)
	}
	return conn, nil
}

// checkToken asks the platform at server whom token belongs to, keeping
// nothing. Connect does this first.
func checkToken(ctx context.Context, server, token string, opts ConnectOptions) (Identity, error) {
	opts.defaults()
	if token == "" {
		return Identity{}, ErrNoToken
	}
	c, err := New(nil, Config{Server: server, Token: token, Dial: opts.Dial, HTTPClient: opts.HTTPClient, RetryCount: 1,
		Timeout: opts.Timeout, RetryWait: 200 * time.Millisecond, RetryMaxWait: 2 * time.Second, Logger: opts.Logger})
	if err != nil {
		return Identity{}, err
	}
	return c.WhoAmI(ctx)
}

// connectLabel finds where a connect text's labelled values begin, for a
// text whose line breaks a single-line field turned into spaces.
var connectLabel = regexp.MustCompile(`(地址|平台地址|汇集节点|令牌|(?i:server|address|hub|token))\s*[:：]`)

// readConnectText finds the hub's address and the token in a pasted
// connect text (protocol.ParseConnectText), also when a single-line field
// turned its line breaks into spaces.
func readConnectText(text string) (server, token string, ok bool) {
	if len(text) > protocol.MaxConnectText || !connectLabel.MatchString(text) {
		return "", "", false
	}
	if srv, tok, err := protocol.ParseConnectText(text); err == nil {
		return srv, tok, true
	}
	srv, tok, err := protocol.ParseConnectText(connectLabel.ReplaceAllString(text, "\n$0"))
	return srv, tok, err == nil
}

// Disconnect forgets the token of st's hub — in the keyring and in the data
// file — and what the hub said at sign-in. The address stays in the
// settings, so that connecting again needs only a new token. Records and
// the outbox are untouched.
func Disconnect(ctx context.Context, st ConnectionStore, opts ConnectOptions) error {
	opts.defaults()
	set, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	if u, err := protocol.ParseServerURL(set.PlatformURL); err == nil {
		if err := opts.Keyring.Delete(KeyringService, u.String()); err != nil && !errors.Is(err, ErrNoKeyring) {
			opts.Logger.Warn("sync: removing the token from the keyring", "err", err)
		}
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetMeta(metaToken, nil); err != nil {
			return err
		}
		if err := tx.SetMeta(metaIdentity, nil); err != nil {
			return err
		}
		return clearFailure(tx)
	})
	if err != nil {
		return localErr(err)
	}
	if err := st.Audit(ctx, store.AuditSync, "disconnected from "+set.PlatformURL); err != nil {
		opts.Logger.Warn("sync: audit", "err", err)
	}
	return nil
}

// clearFailure forgets the last sync error and the retry it scheduled.
func clearFailure(tx *store.Tx) error {
	b := tx.Meta(metaStatus)
	if b == nil {
		return nil
	}
	var p persisted
	_ = json.Unmarshal(b, &p)
	p.Failure, p.NextRetry, p.Failures = nil, time.Time{}, 0
	nb, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.SetMeta(metaStatus, nb)
}

// LoadStoredToken returns the token for st's hub at server and where it is
// kept: XUNBANG_TOKEN if set, else the keyring, else the data file. Without
// any it returns an error wrapping ErrNoToken.
func LoadStoredToken(ctx context.Context, st Store, server string, kr Keyring) (string, TokenPlace, error) {
	if t := strings.TrimSpace(os.Getenv(TokenEnv)); t != "" {
		return t, TokenFromEnv, nil
	}
	u, err := protocol.ParseServerURL(server)
	if err != nil {
		return "", TokenMissing, err
	}
	if kr == nil {
		kr = SystemKeyring{}
	}
	t, kerr := kr.Get(KeyringService, u.String())
	if t = strings.TrimSpace(t); kerr == nil && t != "" {
		return t, TokenInKeyring, nil
	}
	if st != nil {
		var tok storedToken
		err := st.View(ctx, func(tx *store.Tx) error {
			if b := tx.Meta(metaToken); b != nil {
				return json.Unmarshal(b, &tok)
			}
			return nil
		})
		if err != nil {
			return "", TokenMissing, localErr(err)
		}
		if tok.Server == u.String() && strings.TrimSpace(tok.Token) != "" {
			return strings.TrimSpace(tok.Token), TokenInDataFile, nil
		}
	}
	if kerr != nil && !errors.Is(kerr, ErrNoToken) {
		return "", TokenMissing, fmt.Errorf("%w (%w)", ErrNoToken, kerr)
	}
	return "", TokenMissing, ErrNoToken
}

// CurrentConnection returns what st knows of its hub: the address of the
// settings, where its token is kept (none, when there is none), and whom
// the hub said it belongs to.
func CurrentConnection(ctx context.Context, st ConnectionStore, kr Keyring) (Connection, error) {
	set, err := st.Settings(ctx)
	if err != nil {
		return Connection{}, err
	}
	conn := Connection{Server: strings.TrimSpace(set.PlatformURL), PublicURL: set.HubPublicURL}
	if conn.Server == "" {
		return conn, nil
	}
	if u, err := protocol.ParseServerURL(conn.Server); err == nil {
		conn.Server = u.String()
	}
	var id identity
	err = st.View(ctx, func(tx *store.Tx) error {
		if b := tx.Meta(metaIdentity); b != nil {
			return json.Unmarshal(b, &id)
		}
		return nil
	})
	if err != nil {
		return conn, err
	}
	if id.Server == conn.Server {
		conn.User, conn.Team, conn.At = id.User, id.Team, id.At
	}
	if _, place, err := LoadStoredToken(ctx, st, conn.Server, kr); err == nil {
		conn.Token = place
	}
	return conn, nil
}
