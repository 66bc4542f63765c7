package platform

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// limiter is a token bucket per address: an address may make burst
// requests at once, then one per every. It keeps at most maxLimiterKeys
// addresses; past that it forgets the ones whose bucket has refilled.
type limiter struct {
	burst int
	every time.Duration
	now   func() time.Time

	mu sync.Mutex
	m  map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

const maxLimiterKeys = 10000

func newLimiter(burst int, every time.Duration, now func() time.Time) *limiter {
	return &limiter{burst: burst, every: every, now: now, m: map[string]*bucket{}}
}

// allow takes a token for key, or says how long until one is there.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.m[key]
	if b == nil {
		if len(l.m) >= maxLimiterKeys {
			l.sweep(now)
		}
		b = &bucket{tokens: float64(l.burst), at: now}
		l.m[key] = b
	}
	b.refill(now, l)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) * float64(l.every))
	return false, max(wait, time.Second)
}

func (b *bucket) refill(now time.Time, l *limiter) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(float64(l.burst), b.tokens+float64(d)/float64(l.every))
		b.at = now
	}
}

// sweep forgets the addresses whose buckets are full again; if that frees
// nothing (a flood from many addresses at once), all of them.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.m {
		b.refill(now, l)
		if b.tokens >= float64(l.burst) {
			delete(l.m, k)
		}
	}
	if len(l.m) >= maxLimiterKeys {
		clear(l.m)
	}
}

// clientAddress is the address a public request is limited by: the
// connection's, or with trustProxy the last hop a reverse proxy added to
// X-Forwarded-For. An IPv6 address counts by its /64, which one subscriber
// usually holds whole.
func clientAddress(r *http.Request, trustProxy bool) string {
	host := r.RemoteAddr
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if h := strings.TrimSpace(parts[len(parts)-1]); h != "" {
				host = h
			}
		}
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
