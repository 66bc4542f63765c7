package xunbangv1

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/protocol"
)

func TestShouldRetryOnlyIdempotentRequests(t *testing.T) {
	rc := resty.New()
	resp := func(method string, key bool, status int) *resty.Response {
		req := rc.R()
		req.Method = method
		if key {
			req.Header.Set(protocol.HeaderIdempotencyKey, "k")
		}
		return &resty.Response{Request: req, RawResponse: &http.Response{StatusCode: status}}
	}
	netErr := errors.New("connection reset by peer")
	tests := []struct {
		name   string
		resp   *resty.Response
		err    error
		expect bool
	}{
		{"GET network error", resp("GET", false, 0), netErr, true},
		{"GET 503", resp("GET", false, 503), nil, true},
		{"GET 500", resp("GET", false, 500), nil, true},
		{"GET 501", resp("GET", false, 501), nil, false},
		{"GET 408", resp("GET", false, 408), nil, true},
		{"GET 429", resp("GET", false, 429), nil, true},
		{"GET 400", resp("GET", false, 400), nil, false},
		{"GET 401", resp("GET", false, 401), nil, false},
		{"GET 200", resp("GET", false, 200), nil, false},
		{"push 503", resp("POST", true, 503), nil, true},
		{"push network error", resp("POST", true, 0), netErr, true},
		{"POST without an idempotency key, 503", resp("POST", false, 503), nil, false},
		{"POST without an idempotency key, network error", resp("POST", false, 0), netErr, false},
		{"no response", nil, netErr, false},
	}
	for _, tt := range tests {
		if got := shouldRetry(tt.resp, tt.err); got != tt.expect {
			t.Errorf("%s: retry %v, want %v", tt.name, got, tt.expect)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"0":                             0,
		"-5":                            0,
		"soon":                          0,
		"99999":                         time.Hour,
		"Thu, 01 May 2025 08:00:30 GMT": 30 * time.Second,
		"Thu, 01 May 2025 07:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

// TestOffline: an error that says this computer has no route anywhere is
// "offline"; one that says the hub refused or timed out is not.
func TestOffline(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}, true},
		{&url.Error{Op: "Get", URL: "https://hub.example.cn", Err: &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}}, true},
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connectex", syscall.Errno(10051))}, true},
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, false},
		{&net.DNSError{Err: "no such host", Name: "hub.example.cn", IsNotFound: true}, false},
		{errors.New("timeout"), false},
	} {
		if got := offline(tc.err); got != tc.want {
			t.Errorf("offline(%v) = %v", tc.err, got)
		}
		e := requestError(context.Background(), "push", nil, tc.err)
		want := map[bool]client.Problem{true: client.ProblemOffline, false: client.ProblemUnreachable}[tc.want]
		if p := client.ProblemOf(e); p != want {
			t.Errorf("ProblemOf(%v) = %d", e.Kind, p)
		}
	}
}
