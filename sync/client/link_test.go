package client_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xunbang/xunbang/sync/client"
)

// TestLinkSaysWhyItDoesNotSync walks a data dir through the states the
// window's strip names: no address, no token, connected, token refused,
// hub unreachable, disconnected — each with the Problem that says why.
func TestLinkSaysWhyItDoesNotSync(t *testing.T) {
	ctx := context.Background()
	t.Setenv(client.TokenEnv, "")
	h := newHub(t)
	tok := h.token("li", "suzhou")
	st := openStore(t, t.TempDir(), "li", "suzhou")
	seed(t, st, 2)
	cfg := fastConfig("", "")
	l := client.NewLink(st, client.LinkConfig{Client: cfg})
	l.Start(ctx)
	status := func(want client.Problem) client.Status {
		t.Helper()
		s, err := l.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Problem != want {
			t.Fatalf("problem %d, want %d (status %+v)", s.Problem, want, s)
		}
		return s
	}
	if s := status(client.ProblemNoAddress); s.Pending != 3 || s.Message("zh") == "" {
		t.Errorf("no address: %+v", s)
	}
	if _, err := l.Sync(ctx); !errors.Is(err, client.ErrNoAddress) {
		t.Errorf("sync without an address: %v", err)
	}

	// An address but no token (as the old settings screen left it).
	set, _ := st.Settings(ctx)
	set.PlatformURL = h.URL
	if err := st.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	l.Start(ctx)
	status(client.ProblemNoToken)

	if _, err := l.Connect(ctx, h.URL, "not-a-token"); client.ProblemOf(err) != client.ProblemTokenRefused {
		t.Fatalf("connect with a wrong token: %v", err)
	}
	status(client.ProblemNoToken)
	conn, err := l.Connect(ctx, h.URL, tok)
	if err != nil || conn.User != "li" {
		t.Fatalf("connect: %+v %v", conn, err)
	}
	status(client.ProblemNone)
	if rep, err := l.Sync(ctx); err != nil || rep.Accepted != 3 {
		t.Fatalf("sync: %s %v", rep, err)
	}
	if s := status(client.ProblemNone); s.Pending != 0 || s.LastSuccess.IsZero() {
		t.Errorf("after the sync: %+v", s)
	}

	// The operator withdrew the token (here: another one in the
	// environment, which wins): the hub refuses it.
	t.Setenv(client.TokenEnv, "withdrawn-token")
	l.Start(ctx)
	if _, err := l.Sync(ctx); err == nil {
		t.Fatal("a refused token synced")
	}
	status(client.ProblemTokenRefused)
	t.Setenv(client.TokenEnv, "")
	l.Start(ctx)

	// The hub goes away.
	h.ts.Close()
	if _, err := l.Sync(ctx); err == nil {
		t.Fatal("synced with the hub gone")
	}
	if s := status(client.ProblemUnreachable); s.NextRetry.IsZero() || s.Message("zh") == "" {
		t.Errorf("unreachable: %+v", s)
	}

	if err := l.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	status(client.ProblemNoToken)
	if c, _ := l.Connection(ctx); c.Server != h.URL || c.Token != client.TokenMissing {
		t.Errorf("connection after disconnecting: %+v", c)
	}
}
