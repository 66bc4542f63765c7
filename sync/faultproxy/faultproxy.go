// Package faultproxy is a test helper: an HTTP reverse proxy that sits
// between the sync client and the platform server on loopback and injects
// the faults a laptop meets in the field — dropped connections, delays,
// 500s, 429s, truncated bodies, answers lost after the server committed,
// and a hotel Wi-Fi login page answering 200 (or redirecting to one).
//
// Faults are drawn at random (from a seeded source, so a failing run can be
// repeated) at a rate that can be changed while the proxy runs; at rate 0
// the proxy forwards everything untouched.
package faultproxy

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is one kind of injected failure.
type Fault string

// Faults.
const (
	Drop      Fault = "drop"       // close the connection without forwarding or answering
	Delay     Fault = "delay"      // wait 10–80ms, then forward normally
	Error500  Fault = "500"        // answer 500 (plain text) without forwarding
	TooMany   Fault = "429"        // answer 429 with Retry-After: 1 without forwarding
	Truncate  Fault = "truncate"   // forward, then send only half of the answer's body and close
	LostReply Fault = "lost_reply" // forward (the server commits), then close without answering
	LoginPage Fault = "login_page" // answer 200 text/html, a captive portal's login page
	Redirect  Fault = "redirect"   // answer 302 to a login page
)

// All lists every fault.
var All = []Fault{Drop, Delay, Error500, TooMany, Truncate, LostReply, LoginPage, Redirect}

// Proxy forwards requests to a target server, injecting faults.
type Proxy struct {
	target *url.URL
	faults []Fault
	hc     *http.Client

	rate   atomic.Uint64 // math.Float64bits
	mu     sync.Mutex
	rnd    *rand.Rand
	counts map[Fault]int
	total  int
}

// New returns a proxy to target (e.g. an httptest server's URL) injecting
// the given faults (all when none are given), with a seeded random source.
func New(target string, seed uint64, faults ...Fault) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	if len(faults) == 0 {
		faults = All
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &Proxy{
		target: u, faults: faults,
		hc:     &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		rnd:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		counts: map[Fault]int{},
	}, nil
}

// SetRate sets the share of requests that meet a fault, 0 to 1.
func (p *Proxy) SetRate(r float64) { p.rate.Store(math.Float64bits(r)) }

// Counts returns how many requests passed and how many met each fault.
func (p *Proxy) Counts() (total int, faults map[Fault]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := make(map[Fault]int, len(p.counts))
	for k, v := range p.counts {
		m[k] = v
	}
	return p.total, m
}

// String summarises the counts.
func (p *Proxy) String() string {
	total, m := p.Counts()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	s := fmt.Sprintf("%d requests", total)
	for _, k := range keys {
		s += fmt.Sprintf(", %s %d", k, m[Fault(k)])
	}
	return s
}

func (p *Proxy) draw() (Fault, time.Duration) {
	rate := math.Float64frombits(p.rate.Load())
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total++
	if p.rnd.Float64() >= rate {
		return "", 0
	}
	f := p.faults[p.rnd.IntN(len(p.faults))]
	p.counts[f]++
	return f, time.Duration(10+p.rnd.IntN(70)) * time.Millisecond
}

// ServeHTTP forwards one request, or fails it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, delay := p.draw()
	switch f {
	case Drop:
		hangUp(w)
		return
	case Error500:
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	case TooMany:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	case LoginPage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, `<!DOCTYPE html><html><head><title>酒店无线网络登录</title></head><body><form>请输入房间号和姓氏登录</form></body></html>`)
		return
	case Redirect:
		http.Redirect(w, r, "http://portal.invalid/login", http.StatusFound)
		return
	case Delay:
		time.Sleep(delay)
	}
	resp, body, err := p.forward(r)
	if err != nil {
		http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	switch f {
	case LostReply:
		hangUp(w)
		return
	case Truncate:
		writeTruncated(w, resp, body)
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(body)
}

func (p *Proxy) forward(r *http.Request) (*http.Response, []byte, error) {
	in, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, err
	}
	u := *p.target
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(in))
	if err != nil {
		return nil, nil, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// hangUp closes the client's connection without a word.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("faultproxy: the response writer cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}

// writeTruncated sends the answer's head with its full Content-Length and
// half of its body, then closes the connection.
func writeTruncated(w http.ResponseWriter, resp *http.Response, body []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("faultproxy: the response writer cannot be hijacked")
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	writeHead(buf, resp, len(body))
	buf.Write(body[:len(body)/2])
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
}

func writeHead(buf *bufio.ReadWriter, resp *http.Response, n int) {
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	for k, vs := range resp.Header {
		if k == "Content-Length" || k == "Transfer-Encoding" || k == "Connection" {
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(buf, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(buf, "Content-Length: %d\r\nConnection: close\r\n\r\n", n)
}
