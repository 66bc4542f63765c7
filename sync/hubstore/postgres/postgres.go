// Package postgres is the hub's store on PostgreSQL (hubstore.Store over
// pgx): a city's hub, which several `xunbang serve` processes may share.
// Open connects, and brings the database's tables to this version of
// xunbang (versioned migrations, migrate.go), refusing a database written
// by a newer one.
//
// How the contract of package hubstore is kept:
//
//   - Update is one READ COMMITTED transaction that first takes a
//     transaction-scoped advisory lock (pg_advisory_xact_lock) on a key
//     derived from the database and schema. Every Update of every process
//     on the same hub takes the same lock, so they run one at a time and
//     commit in the order they took it: events are numbered (one above the
//     highest) and become visible in sequence order.
//   - View is one REPEATABLE READ, READ ONLY transaction: a snapshot.
//   - Listings (Events, Heads, Tokens, …) read a page of rows, close the
//     query and then call fn, so that fn may use the Tx (a connection runs
//     one query at a time).
//   - Values are scanned into new memory: they are the caller's.
//
// The store keeps what the hub gives it; bodies and comments arrive sealed
// by the hub (sync/platform) and are kept as bytea, never parsed.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/xunbang/xunbang/sync/hubstore"
)

// Store is a hub on PostgreSQL. It is safe for concurrent use, and several
// processes may open the same database.
type Store struct {
	pool    *pgxpool.Pool
	lockKey int64
}

var _ hubstore.Store = (*Store)(nil)

// Open connects to the database at url (postgres://…; a search_path
// parameter picks a schema) and migrates its tables to this version.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", errors.New("the database address is not a valid postgres:// URL"))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.init(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return s, nil
}

// init derives the lock key and runs the migrations, under the lock, so
// that two processes starting at once migrate once.
func (s *Store) init(ctx context.Context) error {
	var db, schema string
	if err := s.pool.QueryRow(ctx, "SELECT current_database(), coalesce(current_schema(), '')").Scan(&db, &schema); err != nil {
		return err
	}
	if schema == "" {
		return errors.New("no schema to create the hub's tables in (check search_path)")
	}
	h := fnv.New64a()
	h.Write([]byte("xunbang hub\x00" + db + "\x00" + schema))
	s.lockKey = int64(h.Sum64())
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, migrationsTable); err != nil {
			return err
		}
		var version int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM xunbang_migrations").Scan(&version); err != nil {
			return err
		}
		if version > len(migrations) {
			return fmt.Errorf("%w (database schema %d, this xunbang knows %d)", hubstore.ErrNewerSchema, version, len(migrations))
		}
		for v := version; v < len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO xunbang_migrations (version) VALUES ($1)", v+1); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
		}
		return nil
	})
}

// SchemaVersion returns the version the database's tables are at.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, "SELECT count(*) FROM xunbang_migrations").Scan(&v)
	return v, err
}

// Close closes the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Update runs fn in one transaction, serialised with every other Update on
// this hub, in this process or another.
func (s *Store) Update(ctx context.Context, fn func(hubstore.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey); err != nil {
			return fmt.Errorf("postgres: lock: %w", err)
		}
		return fn(&pgTx{ctx: ctx, tx: tx})
	})
}

// View runs fn in one read-only snapshot transaction.
func (s *Store) View(ctx context.Context, fn func(hubstore.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return fn(&pgTx{ctx: ctx, tx: tx})
	})
}

// pgTx is one transaction.
type pgTx struct {
	ctx context.Context
	tx  pgx.Tx
}

// pageSize is how many rows a listing reads before it calls fn for them.
const pageSize = 500

func (t *pgTx) exec(sql string, args ...any) error {
	_, err := t.tx.Exec(t.ctx, sql, args...)
	return err
}

// notFound maps "no rows" to hubstore.ErrNotFound.
func notFound(err error, what string, key any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s %v: %w", what, key, hubstore.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s %v: %w", what, key, err)
	}
	return nil
}

// ns and fromNS store times as Unix nanoseconds, the zero time as NULL.
func ns(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.UnixNano()
	return &n
}

func fromNS(n *int64) time.Time {
	if n == nil {
		return time.Time{}
	}
	return time.Unix(0, *n).UTC()
}

// IsUnavailable reports whether err says the database could not be
// reached (for the command line's message).
func IsUnavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return false
	}
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}
