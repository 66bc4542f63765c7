// Package platform is the reference platform server, the other side of
// xunbang's sync protocol v1 (package sync/protocol, docs/sync-protocol.md).
// `xunbang serve` runs it so that a district or city can host its own
// collection hub, and every sync test talks to it over a real socket.
//
// A Server keeps everything in one bbolt file, DIR/platform.db: bearer tokens
// (only their SHA-256), every accepted revision keyed by its revision id (the
// idempotency key), each record's current revision and the platform's verdict
// on it, and the change feed. Pushes are checked record by record (protocol
// rules, then forms validation in Draft mode) and written in one transaction
// per batch. Teams are isolated: a team sees its own records; of other teams
// it sees only published needs, redacted by their visibility, and the public
// fields of enterprises (the shared registry), never contacts.
//
// Logs are structured (log/slog) and name records by id only: no contact,
// no need text, no token is ever logged.
package platform

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Errors.
var (
	// ErrInUse: another process (another `xunbang serve`) has the data dir open.
	ErrInUse = errors.New("the platform data dir is in use by another process")
	// ErrNotFound: no such record.
	ErrNotFound = errors.New("not found")
	// ErrNewerSchema: the file was written by a newer xunbang.
	ErrNewerSchema = errors.New("platform.db was written by a newer version of xunbang")
)

// FileName is the name of the server's bbolt file inside its data dir.
const FileName = "platform.db"

// Options tune a Server. The zero value is what `xunbang serve` uses.
type Options struct {
	// Logger receives structured logs; default slog.Default().
	Logger *slog.Logger
	// MaxInFlight bounds the push and pull requests handled at once; one
	// more is answered 429 with Retry-After. Default 8.
	MaxInFlight int
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
}

// Server is the reference platform. It is safe for concurrent use.
type Server struct {
	db       *bolt.DB
	dir      string
	serverID string
	opt      Options
	log      *slog.Logger
	slots    chan struct{}
	closing  atomic.Bool
	reqSeq   atomic.Uint64
}

// Open opens (creating if needed) the server's data dir and its bbolt file.
func Open(dir string, opts ...Options) (*Server, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 8
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
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("platform: open %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.LockTimeout})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("platform: open %s: %w", path, ErrInUse)
		}
		return nil, fmt.Errorf("platform: open %s: %w", path, err)
	}
	s := &Server{db: db, dir: dir, opt: o, log: o.Logger, slots: make(chan struct{}, o.MaxInFlight)}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketTokens, bucketHeads, bucketRevs, bucketFeed, bucketRefused} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := string(meta.Get(keySchema)); v {
		case "":
			if err := meta.Put(keySchema, []byte(schemaVersion)); err != nil {
				return err
			}
		case schemaVersion:
		default:
			return fmt.Errorf("%w (schema %s)", ErrNewerSchema, v)
		}
		if id := meta.Get(keyServerID); id != nil {
			s.serverID = string(id)
			return nil
		}
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		s.serverID = hex.EncodeToString(b[:])
		return meta.Put(keyServerID, []byte(s.serverID))
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("platform: open %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database. Call it after Serve has returned.
func (s *Server) Close() error { return s.db.Close() }

// Dir returns the data dir.
func (s *Server) Dir() string { return s.dir }

// CreateToken issues a bearer token for a user of a team and returns it. The
// token is 32 random bytes, hex-encoded; only its SHA-256 is stored, so it is
// shown once and cannot be recovered.
func (s *Server) CreateToken(user, team string) (string, error) {
	user, team = strings.TrimSpace(user), strings.TrimSpace(team)
	if user == "" || team == "" {
		return "", errors.New("platform: a token needs a user and a team")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("platform: create token: %w", err)
	}
	token := hex.EncodeToString(b[:])
	info, _ := json.Marshal(tokenInfo{User: user, Team: team, CreatedAt: s.opt.Now().UTC()})
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTokens).Put([]byte(tokenHash(token)), info)
	})
	if err != nil {
		return "", fmt.Errorf("platform: create token: %w", err)
	}
	s.log.Info("token created", "user", user, "team", team, "token_id", tokenHash(token)[:12])
	return token, nil
}

// CreateAdminToken issues a token for an operator: it may record verdicts
// through POST /v1/admin/review (ReviewRemote) while the server runs, and
// may neither push nor pull. Stored, like every token, as its SHA-256 only.
func (s *Server) CreateAdminToken(user string) (string, error) {
	user = strings.TrimSpace(user)
	if user == "" {
		return "", errors.New("platform: an admin token needs a user")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("platform: create token: %w", err)
	}
	token := hex.EncodeToString(b[:])
	info, _ := json.Marshal(tokenInfo{User: user, Admin: true, CreatedAt: s.opt.Now().UTC()})
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTokens).Put([]byte(tokenHash(token)), info)
	})
	if err != nil {
		return "", fmt.Errorf("platform: create token: %w", err)
	}
	s.log.Info("admin token created", "user", user, "token_id", tokenHash(token)[:12])
	return token, nil
}

// RevokeToken removes a token; it is not an error if it does not exist.
func (s *Server) RevokeToken(token string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTokens).Delete([]byte(tokenHash(token)))
	})
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
	var info tokenInfo
	found := false
	_ = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketTokens).Get([]byte(tokenHash(token)))
		if v != nil && json.Unmarshal(v, &info) == nil {
			found = true
		}
		return nil
	})
	return identity{User: info.User, Team: info.Team, Admin: info.Admin}, found
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

// readBody reads a request body up to the protocol's limit.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
}
