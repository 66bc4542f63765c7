package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/protocol"
)

// bigAnswer serves every request with a 200 of size bytes of the given
// media type, written in 64 KiB pieces until the client hangs up. It counts
// requests and the bytes it managed to write.
type bigAnswer struct {
	mediaType string
	size      int64
	requests  atomic.Int64
	written   atomic.Int64
}

func (b *bigAnswer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.requests.Add(1)
	w.Header().Set("Content-Type", b.mediaType)
	if b.mediaType == protocol.MediaType {
		w.Header().Set(protocol.HeaderVersion, protocol.Version)
	}
	w.WriteHeader(http.StatusOK)
	chunk := []byte(strings.Repeat("x", 64<<10))
	for sent := int64(0); sent < b.size; sent += int64(len(chunk)) {
		n, err := w.Write(chunk)
		b.written.Add(int64(n))
		if err != nil {
			return
		}
	}
}

// TestLargeAnswerIsNotAPlatform: an address that answers with 170 MB that
// are not a protocol answer is said to be no xunbang platform, is asked
// once (no retries) and is read no further than needed (issue 11.8).
func TestLargeAnswerIsNotAPlatform(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		mediaType string
		size      int64
		maxRead   int64 // what the server may have written before the client hung up
	}{
		// Socket buffers on loopback hold a few MB the client never reads.
		{"a file", "application/octet-stream", 170 << 20, 32 << 20},
		{"a page", "text/html; charset=utf-8", 170 << 20, 32 << 20},
		// Claims to be the protocol: read up to the protocol's limit only.
		{"over the protocol's limit", protocol.MediaType, protocol.MaxResponseBytes + 1<<20, protocol.MaxResponseBytes + 32<<20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ans := &bigAnswer{mediaType: tc.mediaType, size: tc.size}
			srv := httptest.NewServer(ans)
			defer srv.Close()
			st := openStore(t, t.TempDir(), "li", "suzhou")
			c := newClient(t, st, fastConfig(srv.URL, "tok"))

			err := c.Health(ctx)
			var e *client.Error
			if !errors.As(err, &e) || e.Kind != client.KindNotProtocol {
				t.Fatalf("err = %v, want KindNotProtocol", err)
			}
			if n := ans.requests.Load(); n != 1 {
				t.Errorf("asked %d times, want once", n)
			}
			if w := ans.written.Load(); w > tc.maxRead {
				t.Errorf("the server wrote %d bytes before the client stopped, want at most %d", w, tc.maxRead)
			}
			for lang, want := range map[string]string{"zh": "不是寻榜平台", "en": "does not answer as a xunbang platform"} {
				if m := client.Message(err, lang); !strings.Contains(m, want) || strings.Contains(m, "网络；") {
					t.Errorf("%s message %q", lang, m)
				}
			}
		})
	}
}

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
