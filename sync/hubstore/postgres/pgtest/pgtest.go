// Package pgtest gives a test an empty PostgreSQL schema of its own on the
// throwaway cluster that `make test` runs (tools/pgtest/pgtest.sh), whose
// address it reads from XUNBANG_TEST_PG. Under `make test`
// (XUNBANG_TEST_PG_REQUIRED=1) a missing address fails the test; run by
// hand without it, the test is skipped and says so.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env and RequiredEnv are the variables the Makefile sets.
const (
	Env         = "XUNBANG_TEST_PG"
	RequiredEnv = "XUNBANG_TEST_PG_REQUIRED"
)

// Server returns the cluster's address, failing (under `make test`) or
// skipping the test when there is none.
func Server(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u != "" {
		return u
	}
	if os.Getenv(RequiredEnv) != "" {
		t.Fatalf("%s is not set: the PostgreSQL tests run beside the throwaway cluster of tools/pgtest/pgtest.sh (make test starts it)", Env)
	}
	t.Skipf("%s is not set (no PostgreSQL to test against): run `make test`, or tools/pgtest/pgtest.sh go test …", Env)
	return ""
}

// URL returns the address of a new, empty schema for this test, dropped
// when the test ends. Two stores opened on it share one hub.
func URL(t testing.TB) string {
	t.Helper()
	base := Server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connecting to the test PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, base); err == nil {
			_, _ = c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
