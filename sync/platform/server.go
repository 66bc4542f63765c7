// Package platform is the reference platform server, the other side of
// xunbang's sync protocol v1 (package sync/protocol, docs/sync-protocol.md).
// `xunbang serve` runs it so that a district or city can host its own
// collection hub, and every sync test talks to it over a real socket.
//
// The hub keeps its data in a hubstore.Store: by default one bbolt file,
// DIR/platform.db (Open); any other store through OpenStore. What it keeps:
// bearer tokens (only their SHA-256), every accepted revision keyed by its
// revision id (the idempotency key), each record's current revision and the
// platform's verdict on it, and the change feed. Record bodies and review
// comments are sealed (XChaCha20-Poly1305) under the hub's key before any
// store sees them (see key.go; docs/hub.md), so a copied data file or
// database shows no enterprise's name, contact or need.
//
// Pushes are checked record by record (protocol rules, then forms
// validation in Draft mode) and written in one transaction per batch. Teams
// are isolated (view.go is the one place that decides what a team sees): a
// team sees its own records; of other teams only needs whose verdict makes
// them public, as the revision that verdict published, redacted by
// forms.Publish, with an anonymous need's region coarsened until at least
// five listed enterprises share it; and the public fields of enterprises
// that stand behind no anonymous need (the shared registry), never contacts.
//
// The hub also serves the public need pages and the 揭榜 form (pages.go,
// jiebang.go): a published need as publicView shows it, at
// forms.PublicPageURL; the solutions providers send there are records of
// kind solution, seen only by the need's team (solutions.go).
//
// A slow client cannot hold the hub: a push body is read before the
// request takes one of the processing slots, at a minimum rate, with a
// bound on the bodies one team may be sending at once, and a team holds at
// most half of the slots.
//
// Logs are structured (log/slog) and name records by id only: no contact,
// no need text, no token, no key is ever logged.
package platform

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xunbang/xunbang/sync/hubstore"
)

// Errors.
var (
	// ErrInUse: another process (another `xunbang serve`) has the data dir open.
	ErrInUse = hubstore.ErrInUse
	// ErrNotFound: no such record.
	ErrNotFound = hubstore.ErrNotFound
	// ErrNewerSchema: the data was written by a newer xunbang.
	ErrNewerSchema = hubstore.ErrNewerSchema
	// ErrNotAdmin: a review through the admin endpoint with no token, or
	// one that is not an admin token of the hub (ReviewRemote).
	ErrNotAdmin = errors.New("the token is not an admin token of this hub")
	// ErrNoPublicURL: a verdict 已发布 with no public address, on a hub
	// with no public address of its own (serve --public-url).
	ErrNoPublicURL = errors.New("已发布 needs the public URL (--url)")
	// ErrNotPublishable: a verdict 已发布 for a need that may not be
	// published — ErrPrivateNeed or ErrUnconfirmedNeed.
	ErrNotPublishable = errors.New("the need may not be published")
	// ErrPrivateNeed: the need is 不公开.
	ErrPrivateNeed = fmt.Errorf("%w: it is not public (不公开)", ErrNotPublishable)
	// ErrNamesEnterprise: what the need would publish gives a contact's
	// personal details, or (匿名公开) names its enterprise
	// (forms.Catalogue.NamesEnterprise).
	ErrNamesEnterprise = fmt.Errorf("%w: what it would publish gives a contact's details or, anonymous, names its enterprise", ErrNotPublishable)
	// ErrNoEnterprise: the hub holds no revision of the need's enterprise
	// (of the need's team), so it cannot check what it would publish.
	ErrNoEnterprise = fmt.Errorf("%w: the hub holds no record of its enterprise", ErrNotPublishable)
	// ErrOnceNamed: the need was shown 实名公开 and its revision to publish
	// is 匿名公开: under the same id (its page, the QR codes printed), it
	// would be linked to the enterprise it no longer names.
	ErrOnceNamed = fmt.Errorf("%w: it was shown with its enterprise's name, and would be anonymous under the same id", ErrNotPublishable)
	// ErrNamesPlace: an anonymous need's published text names a place
	// finer than the region it is shown with (its county or town, where
	// fewer than MinCrowd listed enterprises lie).
	ErrNamesPlace = fmt.Errorf("%w: it is anonymous and its text names a place finer than the region it is shown with", ErrNotPublishable)
	// ErrUnconfirmedNeed: the enterprise has not confirmed the need's
	// current content.
	ErrUnconfirmedNeed = fmt.Errorf("%w: the enterprise has not confirmed its current content", ErrNotPublishable)
)

// FileName is the name of the server's bbolt file inside its data dir.
const FileName = "platform.db"

// Options tune a Server. The zero value is what `xunbang serve` uses.
type Options struct {
	// Logger receives structured logs; default slog.Default().
	Logger *slog.Logger
	// MaxInFlight bounds the push and pull requests handled at once; one
	// more is answered 429 with Retry-After. Default 8. One team holds at
	// most half of them (at least one), so that another team still gets
	// through.
	MaxInFlight int
	// MaxBodiesPerTeam bounds the push bodies one team may be sending at
	// once (before they take a slot); one more is answered 429. Default 4.
	MaxBodiesPerTeam int
	// MinBodyRate is the slowest a push body may arrive, in bytes a second
	// on average after the first BodyGrace; a slower one is cut off (408).
	// Default 16 KiB/s.
	MinBodyRate int
	// BodyGrace is the time a body may take before MinBodyRate applies.
	// Default 5s.
	BodyGrace time.Duration
	// QueueWait is how long a request waits for a slot before the 429.
	// Default 100ms.
	QueueWait time.Duration
	// RetryAfter is the Retry-After sent with 429 and 503, in whole seconds.
	// Default 1.
	RetryAfter int
	// ShutdownTimeout bounds how long Serve waits for in-flight requests
	// after its context ends. Default 30s.
	ShutdownTimeout time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// LockTimeout is how long Open waits for the file lock. Default 1s.
	LockTimeout time.Duration
	// Key is the hub's 32-byte key, which seals record bodies and comments
	// at rest. When nil, Open reads KeyFile.
	Key []byte
	// KeyFile holds the key (base64, one line; created with a new random
	// key when absent and the data is new). Default DIR/hub.key.
	KeyFile string
	// PublicURL is the hub's public base address (`serve --public-url`):
	// whoami tells it to clients, whose cards then point at
	// forms.PublicPageURL(PublicURL, id).
	PublicURL string
	// Pages tunes the public need pages and the 揭榜 form (pages.go).
	Pages PageOptions
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 8
	}
	if o.MaxBodiesPerTeam <= 0 {
		o.MaxBodiesPerTeam = 4
	}
	if o.MinBodyRate <= 0 {
		o.MinBodyRate = 16 << 10
	}
	if o.BodyGrace <= 0 {
		o.BodyGrace = 5 * time.Second
	}
	if o.QueueWait <= 0 {
		o.QueueWait = 100 * time.Millisecond
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = 1
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = time.Second
	}
}

// Server is the reference platform. It is safe for concurrent use.
type Server struct {
	store    hubstore.Store
	dir      string
	serverID string
	seal     *sealer
	opt      Options
	log      *slog.Logger
	slots    chan struct{}
	closing  atomic.Bool
	reqSeq   atomic.Uint64

	mu      sync.Mutex
	perTeam map[string]int // slots held by each team
	bodies  map[string]int // push bodies each team is sending

	pages pages // the public pages' templates and rate limits
}

// Open opens (creating if needed) the server's data dir and its bbolt file,
// DIR/platform.db, with the key from opts (see Options.Key). A data file of
// an earlier version is upgraded: its bodies sealed, the file rewritten so
// no plain page stays on disk.
func Open(dir string, opts ...Options) (*Server, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	o.defaults()
	if o.KeyFile == "" {
		o.KeyFile = filepath.Join(dir, KeyFileName)
	}
	st, err := hubstore.OpenBolt(filepath.Join(dir, FileName), o.LockTimeout)
	if err != nil {
		return nil, fmt.Errorf("platform: %w", err)
	}
	s, err := open(context.Background(), st, dir, o)
	if err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// OpenStore opens a server on a store the caller opened (PostgreSQL, say).
// Options.Key or Options.KeyFile must give the key. Close closes the store.
func OpenStore(ctx context.Context, st hubstore.Store, opts Options) (*Server, error) {
	opts.defaults()
	return open(ctx, st, "", opts)
}

func open(ctx context.Context, st hubstore.Store, dir string, o Options) (*Server, error) {
	s := &Server{
		store: st, dir: dir, opt: o, log: o.Logger,
		slots:   make(chan struct{}, o.MaxInFlight),
		perTeam: map[string]int{}, bodies: map[string]int{},
	}
	if err := s.init(ctx); err != nil {
		return nil, fmt.Errorf("platform: open: %w", err)
	}
	return s, nil
}

// Close closes the store. Call it after Serve has returned.
func (s *Server) Close() error { return s.store.Close() }

// Dir returns the data dir ("" for a store opened by the caller).
func (s *Server) Dir() string { return s.dir }

// PublicURL returns the hub's public base address, if one is set.
func (s *Server) PublicURL() string { return s.opt.PublicURL }

// CreateToken issues a bearer token for a user of a team and returns it. The
// token is 32 random bytes, hex-encoded; only its SHA-256 is stored, so it is
// shown once and cannot be recovered.
func (s *Server) CreateToken(ctx context.Context, user, team string) (string, error) {
	user, team = strings.TrimSpace(user), strings.TrimSpace(team)
	if user == "" || team == "" {
		return "", errors.New("platform: a token needs a user and a team")
	}
	return s.createToken(ctx, hubstore.Token{User: user, Team: team}, nil)
}

// CreateAdminToken issues a token for an operator: it may record verdicts
// through POST /v1/admin/review (ReviewRemote) while the server runs, and
// may neither push nor pull. Stored, like every token, as its SHA-256 only.
func (s *Server) CreateAdminToken(ctx context.Context, user string) (string, error) {
	user = strings.TrimSpace(user)
	if user == "" {
		return "", errors.New("platform: an admin token needs a user")
	}
	return s.createToken(ctx, hubstore.Token{User: user, Admin: true}, nil)
}

// createToken stores a new token and, given an audit entry, appends it in
// the same transaction.
func (s *Server) createToken(ctx context.Context, info hubstore.Token, audit *hubstore.AuditEntry) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("platform: create token: %w", err)
	}
	token := hex.EncodeToString(b[:])
	info.Hash, info.CreatedAt = tokenHash(token), s.opt.Now().UTC()
	err := s.store.Update(ctx, func(tx hubstore.Tx) error {
		if err := tx.PutToken(&info); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		a := *audit
		a.At, a.Target = info.CreatedAt, info.Hash[:12]
		_, err := tx.AppendAudit(&a)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("platform: create token: %w", err)
	}
	s.log.Info("token created", "user", info.User, "team", info.Team, "admin", info.Admin, "token_id", info.Hash[:12])
	return token, nil
}

// RevokeToken removes a token; it is not an error if it does not exist.
func (s *Server) RevokeToken(ctx context.Context, token string) error {
	return s.store.Update(ctx, func(tx hubstore.Tx) error { return tx.DeleteToken(tokenHash(token)) })
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// identity is who a request comes from.
type identity struct {
	User, Team string
	Admin      bool
}

func (s *Server) authenticate(r *http.Request) (identity, bool) {
	auth := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return identity{}, false
	}
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 256 {
		return identity{}, false
	}
	var info *hubstore.Token
	_ = s.store.View(r.Context(), func(tx hubstore.Tx) error {
		info, _ = tx.Token(tokenHash(token))
		return nil
	})
	if info == nil {
		return identity{}, false
	}
	return identity{User: info.User, Team: info.Team, Admin: info.Admin}, true
}

// Serve listens on addr and serves until ctx ends, then shuts down
// gracefully: it stops accepting, answers new requests on open connections
// 503, and waits (up to Options.ShutdownTimeout) for in-flight requests —
// a push batch is one transaction, so it either finishes or never started.
func (s *Server) Serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("platform: listen %s: %w", addr, err)
	}
	return s.ServeListener(ctx, ln)
}

// ServeListener is Serve on a listener the caller opened.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("platform server listening", "addr", ln.Addr().String(), "protocol", "1", "dir", s.dir)
	select {
	case err := <-errc:
		return fmt.Errorf("platform: serve: %w", err)
	case <-ctx.Done():
	}
	s.closing.Store(true)
	s.log.Info("platform server shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), s.opt.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	if err != nil {
		s.log.Warn("shutdown did not finish in time", "err", err)
		srv.Close()
		return fmt.Errorf("platform: shutdown: %w", err)
	}
	s.log.Info("platform server stopped")
	return nil
}

// errTooSlow is a body that arrived slower than Options.MinBodyRate.
var errTooSlow = errors.New("request body too slow")

// readBody reads a request body up to limit bytes, at no less than the
// server's minimum rate: the read deadline moves on with what has arrived,
// so a body trickling in is cut off after the grace period instead of
// holding the hub.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	rc := http.NewResponseController(w)
	start := time.Now()
	deadline := func(n int64) time.Time {
		return start.Add(s.opt.BodyGrace + time.Duration(float64(n+32<<10)/float64(s.opt.MinBodyRate)*float64(time.Second)))
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	var buf []byte
	if r.ContentLength > 0 {
		buf = make([]byte, 0, r.ContentLength)
	}
	chunk := make([]byte, 32<<10)
	for {
		if err := rc.SetReadDeadline(deadline(int64(len(buf)))); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return nil, err
		}
		n, err := body.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if errors.Is(err, io.EOF) {
			_ = rc.SetReadDeadline(time.Time{})
			return buf, nil
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return nil, errTooSlow
			}
			return nil, err
		}
	}
}
