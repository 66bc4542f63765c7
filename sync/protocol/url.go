package protocol

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrInsecureURL is wrapped by the error for a plain-http server address that
// is not loopback: tokens and records must not cross a network in clear text.
var ErrInsecureURL = errors.New("https is required for a server that is not on this computer")

// ParseServerURL checks a server address and returns it normalised (no
// trailing slash, no query or fragment). https is required unless the host is
// a loopback address as IsLoopback says: 127.0.0.0/8, ::1 or localhost.
func ParseServerURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("server address %q: %w", raw, err)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("server address %q: no host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("server address %q: must not carry a user or password", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("server address %q: %w", raw, ErrInsecureURL)
		}
	default:
		return nil, fmt.Errorf("server address %q: scheme must be https (or http to this computer)", raw)
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// IsLoopback reports whether host (a name or an IP literal, without port)
// is this computer without asking anyone: an IP literal in 127.0.0.0/8 or
// ::1, or the name localhost itself. Other names — NAME.localhost among
// them — are resolved by DNS or a hosts file that may point anywhere, so
// they are not loopback here; and localhost is never resolved either:
// [Transport] dials it as 127.0.0.1 (or ::1).
func IsLoopback(host string) bool {
	if isLocalhost(host) {
		return true
	}
	ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return ip != nil && ip.IsLoopback()
}

func isLocalhost(host string) bool {
	return strings.EqualFold(strings.TrimSuffix(host, "."), "localhost")
}

// Transport returns the RoundTripper to talk to a platform with: base (nil:
// a clone of http.DefaultTransport) held to ParseServerURL's rule at every
// request, so that a bearer token never travels in clear text off this
// computer, whatever the address became after parsing.
//
//   - A plain-http request whose host is not loopback (IsLoopback) fails
//     with an error wrapping ErrInsecureURL before anything is sent.
//   - When base is an *http.Transport (a clone is changed, not base), the
//     name localhost is dialled as 127.0.0.1, then ::1, never resolved; and
//     a plain-http request is never sent through a proxy.
func Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if t, ok := base.(*http.Transport); ok {
		t = t.Clone()
		dial := t.DialContext
		if dial == nil {
			dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		}
		t.DialContext = loopbackDialer(dial)
		proxy := t.Proxy
		t.Proxy = func(r *http.Request) (*url.URL, error) {
			if r.URL.Scheme == "http" || proxy == nil {
				return nil, nil
			}
			return proxy(r)
		}
		base = t
	}
	return plainHTTPGuard{next: base}
}

// dialFunc is the signature of http.Transport.DialContext.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// loopbackDialer dials the name localhost as the loopback addresses
// 127.0.0.1 and then ::1; every other address goes to dial unchanged.
func loopbackDialer(dial dialFunc) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil || !isLocalhost(host) {
			return dial(ctx, network, addr)
		}
		var errs []error
		for _, ip := range []string{"127.0.0.1", "::1"} {
			c, err := dial(ctx, network, net.JoinHostPort(ip, port))
			if err == nil {
				return c, nil
			}
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
		return nil, errors.Join(errs...)
	}
}

// plainHTTPGuard refuses plain-http requests to hosts that are not
// loopback.
type plainHTTPGuard struct{ next http.RoundTripper }

func (g plainHTTPGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme != "https" && !IsLoopback(r.URL.Hostname()) {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("%s %s: %w", r.Method, r.URL.Redacted(), ErrInsecureURL)
	}
	return g.next.RoundTrip(r)
}
