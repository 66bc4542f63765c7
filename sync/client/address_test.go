package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/protocol"
)

// TestLocalhostIsDialledAsLoopback: http://localhost:PORT reaches the hub
// on 127.0.0.1; a NAME.localhost address, which DNS could send anywhere, is
// refused as plain http off this computer (issue 11.7).
func TestLocalhostIsDialledAsLoopback(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	port := h.URL[strings.LastIndexByte(h.URL, ':')+1:]
	st := openStore(t, t.TempDir(), "li", "suzhou")
	seed(t, st, 1)
	tok := h.token("li", "suzhou")
	c := newClient(t, st, fastConfig("http://localhost:"+port, tok))
	if rep, err := c.Sync(ctx); err != nil || rep.Accepted != 2 { // the enterprise and the need (its latest revision)
		t.Fatalf("sync to localhost: %s %v", rep, err)
	}
	for _, s := range []string{"http://hub.localhost:" + port, "http://localhost.example.cn:" + port} {
		_, err := client.New(st, fastConfig(s, tok))
		var e *client.Error
		if !errors.Is(err, protocol.ErrInsecureURL) || !errors.As(err, &e) || e.Kind != client.KindInsecure {
			t.Errorf("%s: err = %v, want KindInsecure", s, err)
		}
	}
}
