// Package client is the desktop side of xunbang's sync: the engine that
// pushes the store's outbox to a platform and applies the platform's change
// feed, over the Platform interface it declares. The reference protocol
// (sync/client/xunbangv1) is one Platform; sync/client/platforms chooses
// the adapter for a server address (the one place a new platform is
// registered); sync/client/platformtest is the conformance suite every
// adapter passes.
//
// Sync pushes the outbox in batches, each record once in its latest
// revision, and then pulls the change feed. Each pushed revision gets a
// per-record verdict: accepted and duplicate entries are acknowledged; an
// invalid one is quarantined with the platform's reasons and does not block
// the rest; a conflict keeps both revisions (the platform's is saved beside
// the local one, see Conflicts and ResolveNeed) and quarantines the local
// entry, so nothing is lost silently. Pulled changes are applied in one
// store transaction per page together with the feed's cursor, so a crash at
// any moment leaves either both or neither.
//
// Failures. Every failure is an *Error of a Kind (offline, unauthorized,
// not a platform, busy…). The store keeps the kind of the last failure and
// its facts — never a sentence; Message words an error in Chinese or
// English at the edge, and Status says why nothing syncs (Problem).
//
// Solutions (揭榜) travel as records of kind solution: the client asks the
// feed for them and stores them like needs (solutions.go).
//
// Tokens live in the OS keyring or, on a computer without one, sealed inside
// the encrypted data file — never in plain text (see Connect and
// LoadStoredToken); the XUNBANG_TOKEN environment variable is for scripts
// and CI.
package client

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xunbang/xunbang/sync/protocol"
)

// Config says where, with which platform and how to sync.
type Config struct {
	// Server is the platform's address: https://…, or http:// to this
	// computer only.
	Server string
	// Token is the bearer token; "" reads it with LoadStoredToken
	// (XUNBANG_TOKEN, then the OS keyring, then the data file).
	Token string
	// Keyring is where LoadStoredToken looks; default SystemKeyring{}.
	Keyring Keyring

	// Platform is the platform to sync with; when nil, Dial opens it for
	// Server and Token.
	Platform Platform
	// Dial opens the platform for Server and Token (platforms.Dial chooses
	// the adapter by the address). Needed when Platform is nil.
	Dial Dialer

	// HTTPClient, Timeout, RetryCount, RetryWait and RetryMaxWait say how
	// the adapter reaches its platform (see DialOptions); the engine passes
	// them on to Dial.
	HTTPClient              *http.Client
	Timeout                 time.Duration
	RetryCount              int
	RetryWait, RetryMaxWait time.Duration

	// BatchSize is the most records per push; default 200, at most
	// protocol.MaxBatch. A push is also kept under MaxPushBytes.
	BatchSize int
	// PullLimit is the most changes per pull page; default 500.
	PullLimit int
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger gets debug and warning logs (ids and counts only); default
	// slog.Default().
	Logger *slog.Logger
}

// dialOptions is what of cfg the adapter gets.
func (cfg *Config) dialOptions() DialOptions {
	return DialOptions{HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, RetryCount: cfg.RetryCount,
		RetryWait: cfg.RetryWait, RetryMaxWait: cfg.RetryMaxWait, Logger: cfg.Logger}
}

// MaxPushBytes bounds the record bodies of one push, well under the
// reference platform's limit.
const MaxPushBytes = 6 << 20

// ErrNoDialer means a Config names neither a Platform nor a Dial to open one.
var ErrNoDialer = errors.New("sync client: no platform and no dialer configured")

// Client is the sync engine for one store and one platform. Its methods are
// safe for concurrent use; syncs run one at a time.
type Client struct {
	st      Store
	p       Platform
	cfg     Config
	server  string
	log     *slog.Logger
	mu      sync.Mutex // one Sync at a time
	trigger chan struct{}
	busy    atomic.Bool // a Sync is running
}

// New returns the engine for the store and the platform cfg names. It fails
// for an http:// address that is not loopback, and when there is no token.
func New(st Store, cfg Config) (*Client, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	server := strings.TrimSpace(cfg.Server)
	if cfg.Platform == nil {
		if server == "" {
			return nil, ErrNoAddress
		}
		base, err := parseAddress(server)
		if err != nil {
			return nil, err
		}
		server = base
		if cfg.Keyring == nil {
			cfg.Keyring = SystemKeyring{}
		}
		if cfg.Token == "" {
			if cfg.Token, _, err = LoadStoredToken(context.Background(), st, server, cfg.Keyring); err != nil {
				return nil, err
			}
		}
		if cfg.Dial == nil {
			return nil, ErrNoDialer
		}
		if cfg.Platform, err = cfg.Dial(server, cfg.Token, cfg.dialOptions()); err != nil {
			return nil, err
		}
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 200
	}
	cfg.BatchSize = min(cfg.BatchSize, protocol.MaxBatch)
	if cfg.PullLimit <= 0 {
		cfg.PullLimit = 500
	}
	cfg.PullLimit = min(cfg.PullLimit, protocol.MaxPullLimit)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{st: st, p: cfg.Platform, cfg: cfg, server: server, log: cfg.Logger, trigger: make(chan struct{}, 1)}, nil
}

// parseAddress normalises a platform's address (protocol.ParseServerURL:
// https, or http to this computer only), with the error kinds Message
// words.
func parseAddress(server string) (string, error) {
	base, err := protocol.ParseServerURL(server)
	if err != nil {
		if errors.Is(err, protocol.ErrInsecureURL) {
			return "", &Error{Op: "config", Kind: KindInsecure, Err: err}
		}
		return "", &Error{Op: "config", Kind: KindBadAddress, Err: err}
	}
	return base.String(), nil
}

// Server returns the normalised server address ("" for a Platform given
// without one).
func (c *Client) Server() string { return c.server }

// WhoAmI returns whom the token belongs to.
func (c *Client) WhoAmI(ctx context.Context) (Identity, error) {
	return c.p.WhoAmI(ctx)
}
