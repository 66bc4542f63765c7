// Package client is the desktop side of xunbang's sync protocol v1: a resty
// client for the platform server and the push/pull engine over the local
// store.
//
// Sync pushes the store's outbox in batches and then pulls the change feed.
// Each pushed revision gets a per-record verdict: accepted and duplicate
// entries are acknowledged; an invalid one is quarantined with the server's
// reasons and does not block the rest; a conflict keeps both revisions (the
// server's is saved beside the local one, see Conflicts and ResolveNeed) and
// quarantines the local entry, so nothing is lost silently. Pulled changes
// are applied in one store transaction per page together with the feed's
// cursor, so a crash at any moment leaves either both or neither.
//
// Retries. Every request carries a context. resty retries network errors,
// 408, 429 (honouring Retry-After), 500 and 502–504 with capped exponential
// backoff and jitter — but only for idempotent requests: GETs, and pushes,
// which are idempotent because the server keys every revision by its id (a
// repeated push answers "duplicate" and stores nothing twice). Every push
// carries an Idempotency-Key header to say so; the retry condition refuses
// any other request. An answer that is not a well-formed protocol message (a
// Wi-Fi login page answering 200, a redirect) is a failure, never a success.
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
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Config says where and how to sync.
type Config struct {
	// Server is the platform's address: https://…, or http:// to this
	// computer only.
	Server string
	// Token is the bearer token; "" reads it with LoadStoredToken
	// (XUNBANG_TOKEN, then the OS keyring, then the data file).
	Token string
	// Keyring is where LoadStoredToken looks; default SystemKeyring{}.
	Keyring Keyring
	// BatchSize is the most records per push; default 200, at most
	// protocol.MaxBatch. A push is also kept under MaxPushBytes.
	BatchSize int
	// PullLimit is the most changes per pull page; default 500.
	PullLimit int
	// HTTPClient is the HTTP client to use (tests); default a client with a
	// transport of its own. It is copied, not changed.
	HTTPClient *http.Client
	// Timeout bounds one HTTP attempt; default 60s.
	Timeout time.Duration
	// RetryCount is how many times a failed request is retried; default 4,
	// negative for none.
	RetryCount int
	// RetryWait and RetryMaxWait bound the backoff between retries (and the
	// Retry-After honoured); defaults 500ms and 30s.
	RetryWait, RetryMaxWait time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger gets debug and warning logs (ids and counts only); default
	// slog.Default().
	Logger *slog.Logger
}

// MaxPushBytes bounds the body of one push, well under the server's limit.
const MaxPushBytes = 6 << 20

// Client syncs one store with one server. Its methods are safe for
// concurrent use; syncs run one at a time.
type Client struct {
	st      *store.Store
	cfg     Config
	base    *url.URL
	rc      *resty.Client
	log     *slog.Logger
	mu      sync.Mutex // one Sync at a time
	trigger chan struct{}
	busy    atomic.Bool // a Sync is running
}

// New returns a client for the store and server. It fails for an http://
// address that is not loopback, and when there is no token.
func New(st *store.Store, cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.Server) == "" {
		return nil, ErrNoAddress
	}
	base, err := protocol.ParseServerURL(cfg.Server)
	if err != nil {
		if errors.Is(err, protocol.ErrInsecureURL) {
			return nil, &Error{Op: "config", Kind: KindInsecure, Err: err}
		}
		return nil, &Error{Op: "config", Kind: KindBadAddress, Err: err}
	}
	if cfg.Keyring == nil {
		cfg.Keyring = SystemKeyring{}
	}
	if cfg.Token == "" {
		if cfg.Token, _, err = LoadStoredToken(context.Background(), st, base.String(), cfg.Keyring); err != nil {
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
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.RetryCount == 0 {
		cfg.RetryCount = 4
	}
	if cfg.RetryWait <= 0 {
		cfg.RetryWait = 500 * time.Millisecond
	}
	if cfg.RetryMaxWait <= 0 {
		cfg.RetryMaxWait = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := &Client{st: st, cfg: cfg, base: base, log: cfg.Logger, trigger: make(chan struct{}, 1)}
	c.rc = newResty(base, cfg)
	return c, nil
}

// Server returns the normalised server address.
func (c *Client) Server() string { return c.base.String() }

// newResty configures resty deliberately: see the package comment.
func newResty(base *url.URL, cfg Config) *resty.Client {
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	hc.Transport = transport(hc.Transport)
	hc.Timeout = cfg.Timeout
	// A redirect is not a protocol answer (captive portals redirect to their
	// login page) and must not carry the token elsewhere: hand it back as is.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	rc := resty.NewWithClient(&hc).
		SetBaseURL(base.String()).
		SetLogger(restyLogger{cfg.Logger}).
		SetHeader(protocol.HeaderVersion, protocol.Version).
		SetHeader("Accept", protocol.MediaType).
		SetHeader("User-Agent", "xunbang-sync/"+protocol.Version).
		SetAuthToken(cfg.Token).
		SetResponseBodyLimit(protocol.MaxResponseBytes).
		SetRetryCount(max(cfg.RetryCount, 0)).
		SetRetryWaitTime(cfg.RetryWait).
		SetRetryMaxWaitTime(cfg.RetryMaxWait).
		SetRetryAfter(retryAfter)
	// resty's conditions replace its default (retry transport errors only),
	// so this one condition decides everything.
	rc.AddRetryCondition(shouldRetry)
	return rc
}

// shouldRetry: idempotent requests only; then transport errors (including a
// body cut short), 408, 429 and 5xx other than 501.
func shouldRetry(resp *resty.Response, err error) bool {
	if resp == nil || resp.Request == nil {
		return false
	}
	req := resp.Request
	if req.Context().Err() != nil {
		return false
	}
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead ||
		req.Header.Get(protocol.HeaderIdempotencyKey) != ""
	if !idempotent {
		return false
	}
	if err != nil {
		return !final(err)
	}
	switch s := resp.StatusCode(); {
	case s == http.StatusRequestTimeout, s == http.StatusTooManyRequests:
		return true
	case s >= 500 && s != http.StatusNotImplemented:
		return true
	}
	return false
}

// retryAfter honours the server's Retry-After (seconds or an HTTP date);
// (0, nil) tells resty to use its jittered backoff. resty caps the result at
// RetryMaxWait.
func retryAfter(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	if resp == nil || resp.RawResponse == nil {
		return 0, nil
	}
	return parseRetryAfter(resp.Header().Get(protocol.HeaderRetryAfter), time.Now()), nil
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, 3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), time.Hour)
	}
	return 0
}

type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) {
	r.l.Debug("sync http", "msg", fmt.Sprintf(format, v...))
}
func (r restyLogger) Warnf(format string, v ...any) {
	r.l.Debug("sync http retry", "msg", fmt.Sprintf(format, v...))
}
func (r restyLogger) Debugf(format string, v ...any) {}

// call makes one protocol request (with resty's retries) and decodes the
// answer into out. body, if any, is a push: it carries an idempotency key.
func (c *Client) call(ctx context.Context, op, method, path string, query url.Values, body []byte, out protocol.Message) error {
	req := c.rc.R().SetContext(ctx)
	if query != nil {
		req.SetQueryParamsFromValues(query)
	}
	if body != nil {
		sum := sha256.Sum256(body)
		req.SetHeader("Content-Type", protocol.MediaType).
			SetHeader(protocol.HeaderIdempotencyKey, hex.EncodeToString(sum[:16])).
			SetBody(body)
	}
	resp, err := req.Execute(method, path)
	if err != nil {
		return requestError(ctx, op, resp, err)
	}
	status := resp.StatusCode()
	if status == http.StatusOK {
		if err := protocol.Decode(resp.Header(), resp.Body(), out); err != nil {
			var ve *protocol.VersionError
			if errors.As(err, &ve) {
				return &Error{Op: op, Kind: KindVersion, Status: status, Err: err}
			}
			return &Error{Op: op, Kind: KindNotProtocol, Status: status, Err: err}
		}
		return nil
	}
	e := &Error{Op: op, Status: status, RetryAfter: parseRetryAfter(resp.Header().Get(protocol.HeaderRetryAfter), c.cfg.Now())}
	var eb protocol.ErrorBody
	isProto := protocol.Decode(resp.Header(), resp.Body(), &eb) == nil
	if isProto {
		e.Code = eb.Error.Code
		e.Err = errors.New(eb.Error.Message)
	}
	switch {
	case isProto && eb.Error.Code == protocol.CodeVersion:
		e.Kind = KindVersion
	case status == http.StatusUnauthorized && isProto:
		e.Kind = KindUnauthorized
	case status == http.StatusRequestEntityTooLarge:
		e.Kind = KindTooLarge
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		e.Kind = KindBusy
	case status >= 500:
		e.Kind = KindServer
	case !isProto:
		e.Kind = KindNotProtocol
		e.Err = fmt.Errorf("HTTP %d with a %q body", status, resp.Header().Get("Content-Type"))
	default:
		e.Kind = KindRejected
	}
	return e
}

// requestError is the error of a request that got no answer to decode:
// the context ended, a plain-http address off this computer, an answer too
// large to be a protocol message, or the network.
func requestError(ctx context.Context, op string, resp *resty.Response, err error) *Error {
	switch {
	case ctx.Err() != nil:
		return &Error{Op: op, Kind: KindCanceled, Err: ctx.Err()}
	case errors.Is(err, protocol.ErrInsecureURL):
		return &Error{Op: op, Kind: KindInsecure, Err: err}
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		// No protocol answer is that large.
		e := &Error{Op: op, Kind: KindNotProtocol, Err: fmt.Errorf("an answer over %d bytes: %w", protocol.MaxResponseBytes, err)}
		if resp != nil {
			e.Status = resp.StatusCode()
		}
		return e
	case offline(err):
		return &Error{Op: op, Kind: KindOffline, Err: err}
	}
	return &Error{Op: op, Kind: KindNetwork, Err: err}
}

// Health asks the server whether it is up (no token needed).
func (c *Client) Health(ctx context.Context) error {
	var h protocol.Health
	return c.call(ctx, "health", http.MethodGet, protocol.PathHealth, nil, nil, &h)
}

// WhoAmI returns whom the token belongs to.
func (c *Client) WhoAmI(ctx context.Context) (protocol.Identity, error) {
	var id protocol.Identity
	err := c.call(ctx, "whoami", http.MethodGet, protocol.PathWhoAmI, nil, nil, &id)
	return id, err
}
