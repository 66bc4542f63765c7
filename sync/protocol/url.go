package protocol

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ErrInsecureURL is wrapped by the error for a plain-http server address that
// is not loopback: tokens and records must not cross a network in clear text.
var ErrInsecureURL = errors.New("https is required for a server that is not on this computer")

// ParseServerURL checks a server address and returns it normalised (no
// trailing slash, no query or fragment). https is required unless the host is
// a loopback address (127.0.0.0/8, ::1, localhost).
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
// is this computer: localhost, 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}
