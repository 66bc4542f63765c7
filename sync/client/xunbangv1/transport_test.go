package xunbangv1_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/xunbangv1"
	"github.com/xunbang/xunbang/sync/protocol"
)

var quiet = slog.New(slog.DiscardHandler)

// fast reaches a platform without retries, so that failures show at once.
var fast = client.DialOptions{Timeout: 5 * time.Second, RetryCount: -1, Logger: quiet}

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
			o := fast
			o.RetryCount = 3 // retries allowed: the answer must still be asked for once
			h, err := xunbangv1.New(srv.URL, "tok", o)
			if err != nil {
				t.Fatal(err)
			}

			err = h.Health(ctx)
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

// TestPlainHTTPOnlyToThisComputer: the adapter refuses plain http to
// another host, and names the kind.
func TestPlainHTTPOnlyToThisComputer(t *testing.T) {
	for _, s := range []string{"http://192.168.1.20:8787", "http://hub.localhost:8787", "http://localhost.example.cn"} {
		_, err := xunbangv1.New(s, "tok", fast)
		var e *client.Error
		if !errors.Is(err, protocol.ErrInsecureURL) || !errors.As(err, &e) || e.Kind != client.KindInsecure {
			t.Errorf("%s: err = %v, want KindInsecure", s, err)
		}
	}
	if _, err := xunbangv1.New("https://hub.example.cn", "", fast); !errors.Is(err, client.ErrNoToken) {
		t.Errorf("no token: %v", err)
	}
}
