package postgres_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/hubstore/postgres"
	"github.com/xunbang/xunbang/sync/hubstore/postgres/pgtest"
	"github.com/xunbang/xunbang/sync/hubstore/storetest"
)

var ctx = context.Background()

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) hubstore.Store { return open(t, pgtest.URL(t)) })
}

// Two stores on one database — two `serve` processes — are one hub: the
// suite's serialised updates hold when the writers are split between them.
func TestConformanceTwoStoresOneDatabase(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	storetest.RunShared(t, a, b)
}

// A bbolt hub copies whole into PostgreSQL.
func TestCopyFromBolt(t *testing.T) {
	src, err := hubstore.OpenBolt(filepath.Join(t.TempDir(), "platform.db"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	storetest.CheckCopy(t, open(t, pgtest.URL(t)), src)
}

// Opening runs the migrations once, twice is a no-op, and a database of a
// newer xunbang is refused.
func TestMigrations(t *testing.T) {
	url := pgtest.URL(t)
	s := open(t, url)
	v, err := s.SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("schema version %d, %v", v, err)
	}
	s2 := open(t, url)
	if v2, _ := s2.SchemaVersion(ctx); v2 != v {
		t.Fatalf("second open moved the schema from %d to %d", v, v2)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "INSERT INTO xunbang_migrations (version) VALUES ($1)", v+1); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(ctx, url); !errors.Is(err, hubstore.ErrNewerSchema) {
		t.Fatalf("open of a newer schema: %v, want ErrNewerSchema", err)
	}
}

func TestOpenRefusesABadAddress(t *testing.T) {
	if _, err := postgres.Open(ctx, "postgres://[::1"); err == nil {
		t.Fatal("a malformed address opened")
	}
}
