package protocol

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func TestIsLoopback(t *testing.T) {
	for _, tc := range []struct {
		host string
		want bool
	}{
		{"localhost", true}, {"LocalHost", true}, {"localhost.", true},
		{"127.0.0.1", true}, {"127.9.8.7", true}, {"::1", true}, {"[::1]", true},
		{"evil.localhost", false}, {"a.localhost.", false}, {"localhost.evil.cn", false},
		{"10.0.0.1", false}, {"192.168.1.10", false}, {"::2", false}, {"", false}, {"hub.example.cn", false},
	} {
		if got := IsLoopback(tc.host); got != tc.want {
			t.Errorf("IsLoopback(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}

// TestTransportDialsLocalhostAsLoopback: a plain-http request to localhost
// reaches a real server on 127.0.0.1 without the name being resolved, never
// through a proxy; a plain-http request to any other name is refused before
// anything is dialled (issue 11.7).
func TestTransportDialsLocalhostAsLoopback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "host="+r.Host)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	var mu sync.Mutex
	var dialled []string
	base := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			dialled = append(dialled, addr)
			mu.Unlock()
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		Proxy: func(r *http.Request) (*url.URL, error) {
			t.Errorf("a proxy was asked for %s", r.URL)
			return nil, nil
		},
	}
	hc := &http.Client{Transport: Transport(base)}

	resp, err := hc.Get("http://localhost:" + port + "/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "host=localhost:"+port {
		t.Errorf("answer %q", body)
	}
	mu.Lock()
	if len(dialled) != 1 || dialled[0] != "127.0.0.1:"+port {
		t.Errorf("dialled %v, want only 127.0.0.1:%s", dialled, port)
	}
	dialled = nil
	mu.Unlock()

	for _, u := range []string{
		"http://evil.localhost:" + port + "/x",
		"http://localhost.evil.cn:" + port + "/x",
		"http://192.0.2.1:" + port + "/x",
	} {
		_, err := hc.Post(u, "text/plain", strings.NewReader("token"))
		if !errors.Is(err, ErrInsecureURL) {
			t.Errorf("%s: err = %v, want ErrInsecureURL", u, err)
		}
	}
	mu.Lock()
	if len(dialled) != 0 {
		t.Errorf("refused requests dialled %v", dialled)
	}
	mu.Unlock()
}
