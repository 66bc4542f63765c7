package platform

import (
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xunbang/xunbang/sync/protocol"
)

// Handler returns the server's HTTP handler: the v1 endpoints behind
// logging, the protocol version header, the concurrency limit and auth.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+protocol.PathHealth, s.handleHealth)
	mux.Handle("GET "+protocol.PathWhoAmI, s.authed(s.handleWhoAmI))
	mux.Handle("POST "+protocol.PathPush, s.authed(s.handlePush))
	mux.Handle("GET "+protocol.PathChanges, s.authed(s.handleChanges))
	mux.Handle("POST "+protocol.PathAdminReview, s.authed(s.handleReview))
	s.handlePages(mux)   // the public need pages and the 揭榜 form: pages.go
	s.consoleRoutes(mux) // the reviewers' console (/console/) and /v1/admin/tokens: console.go
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		rec.Header().Set(protocol.HeaderVersion, protocol.Version)
		rec.Header().Set("Cache-Control", "no-store")
		id := s.reqSeq.Add(1)
		r = r.WithContext(withLogAttrs(r.Context()))
		switch {
		case s.closing.Load():
			rec.Header().Set(protocol.HeaderRetryAfter, strconv.Itoa(s.opt.RetryAfter))
			writeError(rec, http.StatusServiceUnavailable, protocol.CodeShuttingDown, "the server is shutting down")
		default:
			// Unknown paths and methods get a protocol error body too.
			if _, pattern := mux.Handler(r); pattern == "" {
				if r.URL.Path == protocol.PathPush || r.URL.Path == protocol.PathChanges ||
					r.URL.Path == protocol.PathHealth || r.URL.Path == protocol.PathWhoAmI || strings.HasPrefix(r.URL.Path, "/v1/admin/") {
					writeError(rec, http.StatusMethodNotAllowed, protocol.CodeMethod, "method not allowed")
				} else if !strings.HasPrefix(r.URL.Path, "/v1/") {
					// Outside the protocol, the public's words: a page
					// that is not there, or one asked with another method.
					if _, get := mux.Handler(&http.Request{Method: http.MethodGet, URL: r.URL, Host: r.Host}); get != "" && r.Method != http.MethodGet {
						s.status(rec, r, s.siteOrZero(r.Context()), http.StatusMethodNotAllowed, "无法这样访问", "这个网址只能在浏览器中打开。请核对二维码或网址。")
					} else {
						s.status(rec, r, s.siteOrZero(r.Context()), http.StatusNotFound, "没有这个网页", "这个网址上没有网页。请核对二维码或网址。")
					}
				} else {
					writeError(rec, http.StatusNotFound, protocol.CodeNotFound, "no such endpoint")
				}
			} else {
				mux.ServeHTTP(rec, r)
			}
		}
		attrs := []any{
			"req", id, "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"ms", float64(time.Since(start).Microseconds()) / 1000, "bytes_in", r.ContentLength,
		}
		attrs = append(attrs, logAttrs(r.Context())...)
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelWarn
		}
		s.log.Log(r.Context(), level, "request", attrs...)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// acquire takes one of the processing slots for a request of a team, or
// answers 429 and returns false. Past the bound a request waits QueueWait
// for a slot; a team never holds more than half of the slots (at least
// one), so another team's request always finds one free of it. The caller
// calls release when done.
func (s *Server) acquire(w http.ResponseWriter, r *http.Request, team string) (release func(), ok bool) {
	s.mu.Lock()
	if s.perTeam[team] >= max(s.opt.MaxInFlight/2, 1) {
		s.mu.Unlock()
		s.busy(w, "too many requests from your team in flight; retry later")
		return nil, false
	}
	s.perTeam[team]++
	s.mu.Unlock()
	undo := func() {
		s.mu.Lock()
		if s.perTeam[team]--; s.perTeam[team] <= 0 {
			delete(s.perTeam, team)
		}
		s.mu.Unlock()
	}
	select {
	case s.slots <- struct{}{}:
	default:
		t := time.NewTimer(s.opt.QueueWait)
		defer t.Stop()
		select {
		case s.slots <- struct{}{}:
		case <-t.C:
			undo()
			s.busy(w, "too many requests in flight; retry later")
			return nil, false
		case <-r.Context().Done():
			undo()
			return nil, false
		}
	}
	return func() { <-s.slots; undo() }, true
}

// enterBody counts a push body a team starts sending, refusing one past
// Options.MaxBodiesPerTeam; leaveBody counts it done.
func (s *Server) enterBody(team string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bodies[team] >= s.opt.MaxBodiesPerTeam {
		return false
	}
	s.bodies[team]++
	return true
}

func (s *Server) leaveBody(team string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bodies[team]--; s.bodies[team] <= 0 {
		delete(s.bodies, team)
	}
}

// busy answers 429 with Retry-After (at once, as every error: see
// writeError).
func (s *Server) busy(w http.ResponseWriter, msg string) {
	w.Header().Set(protocol.HeaderRetryAfter, strconv.Itoa(s.opt.RetryAfter))
	writeError(w, http.StatusTooManyRequests, protocol.CodeBusy, msg)
}

type authedHandler func(w http.ResponseWriter, r *http.Request, who identity)

func (s *Server) authed(h authedHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get(protocol.HeaderVersion); v != "" && v != protocol.Version {
			writeError(w, http.StatusBadRequest, protocol.CodeVersion, "this server speaks protocol version "+protocol.Version)
			return
		}
		who, ok := s.authenticate(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="xunbang"`)
			writeError(w, http.StatusUnauthorized, protocol.CodeUnauthorized, "missing or unknown bearer token")
			return
		}
		addLogAttrs(r.Context(), "user", who.User, "team", who.Team)
		if admin := strings.HasPrefix(r.URL.Path, "/v1/admin/"); admin != who.Admin {
			msg := "a team token cannot use admin endpoints"
			if who.Admin {
				msg = "an admin token can neither push nor pull"
			}
			writeError(w, http.StatusForbidden, protocol.CodeForbidden, msg)
			return
		}
		h(w, r, who)
	})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, protocol.Health{Protocol: protocol.Version, Status: "ok", Time: s.opt.Now().UTC()})
}

func (s *Server) handleWhoAmI(w http.ResponseWriter, r *http.Request, who identity) {
	writeJSON(w, http.StatusOK, protocol.Identity{Protocol: protocol.Version, User: who.User, Team: who.Team, PublicURL: s.opt.PublicURL, Kinds: protocol.OptionalKinds})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := protocol.Encode(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = protocol.Encode(protocol.ErrorBody{Protocol: protocol.Version, Error: protocol.ErrorInfo{Code: protocol.CodeInternal, Message: "encoding the answer failed"}})
	}
	protocol.SetHeaders(w.Header())
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError answers status with the protocol's error body. The
// connection closes after the answer: a request refused before its
// body was read (no token, wrong media type) would otherwise have its
// answer held back until net/http had drained the body — for a client
// trickling it, up to the read timeout, the connection held all along.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Connection", "close")
	writeJSON(w, status, protocol.ErrorBody{Protocol: protocol.Version, Error: protocol.ErrorInfo{Code: code, Message: msg}})
}

// checkRequestType answers 415 for a body that is not the protocol's media type.
func checkRequestType(w http.ResponseWriter, r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != protocol.MediaType {
		writeError(w, http.StatusUnsupportedMediaType, protocol.CodeMediaType, "Content-Type must be "+protocol.MediaType)
		return false
	}
	return true
}

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
