package xunbangv1_test

import (
	"context"
	"net"
	"net/http/httptest"
	"testing"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/platformtest"
	"github.com/xunbang/xunbang/sync/client/xunbangv1"
	"github.com/xunbang/xunbang/sync/faultproxy"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// startHub runs the real hub in a temporary directory on a loopback port
// until the test ends.
func startHub(t *testing.T) (*platform.Server, string) {
	t.Helper()
	srv, err := platform.Open(t.TempDir(), platform.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.ServeListener(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	return srv, "http://" + ln.Addr().String()
}

func open(t *testing.T, server, token string) client.Platform {
	t.Helper()
	p, err := xunbangv1.New(server, token, fast)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// faulty is the hub behind a proxy that answers every request with fault.
func faulty(t *testing.T, hub string, fault faultproxy.Fault) string {
	t.Helper()
	px, err := faultproxy.New(hub, 1, fault)
	if err != nil {
		t.Fatal(err)
	}
	px.SetRate(1)
	front := httptest.NewServer(px)
	t.Cleanup(front.Close)
	return front.URL
}

// TestConformance runs the platform suite against the real hub over
// loopback: the reference protocol keeps client.Platform's promises.
func TestConformance(t *testing.T) {
	platformtest.Run(t, func(t *testing.T) *platformtest.Harness {
		srv, url := startHub(t)
		token := func(user, team string) string {
			tok, err := srv.CreateToken(context.Background(), user, team)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		return &platformtest.Harness{
			Open: func(user, team string) client.Platform { return open(t, url, token(user, team)) },
			Review: func(needID string, state protocol.PlatformState, publicURL, comment string) error {
				return srv.Review(context.Background(), needID, string(state), publicURL, comment)
			},
			Unauthorized: func() client.Platform { return open(t, url, "never-issued") },
			Unreachable: func() client.Platform {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				addr := ln.Addr().String()
				ln.Close()
				return open(t, "http://"+addr, token("li", "suzhou"))
			},
			NotAPlatform: func() client.Platform {
				return open(t, faulty(t, url, faultproxy.LoginPage), token("li", "suzhou"))
			},
			// The hub answers 429 busy with Retry-After when its slots are
			// full; a proxy in front of it gives that answer every time.
			Busy: func() client.Platform {
				return open(t, faulty(t, url, faultproxy.TooMany), token("li", "suzhou"))
			},
		}
	})
}
