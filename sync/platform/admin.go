package platform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

func (s *Server) handleReview(w http.ResponseWriter, r *http.Request, who identity) {
	if !checkRequestType(w, r) {
		return
	}
	body, err := s.readBody(w, r, 64<<10)
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, "review body too large")
		return
	}
	var req protocol.ReviewRequest
	if err := protocol.DecodeBody(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, err.Error())
		return
	}
	st, err := protocol.ParsePlatformState(req.State)
	if err == nil {
		err = s.review(r.Context(), req.NeedID, req.State, req.URL, req.Comment,
			&hubstore.AuditEntry{User: who.User, Action: auditReview, Addr: clientAddr(r)})
	}
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, protocol.CodeNotFound, "no such need")
	case refusalReason(err) != "":
		writeError(w, http.StatusConflict, protocol.CodeNotPublishable, refusalReason(err))
	case err != nil:
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, err.Error())
	default:
		addLogAttrs(r.Context(), "need", req.NeedID, "state", string(st))
		writeJSON(w, http.StatusOK, protocol.ReviewResponse{Protocol: protocol.Version, NeedID: req.NeedID, State: st})
	}
}

// ReviewRemote records a verdict on a running server through its admin
// endpoint, with a token from CreateAdminToken: what `xunbang serve review`
// does when the server holds the data dir (Open fails with ErrInUse). The
// address follows the client's rule: https, or http to this computer. hc
// may be nil.
func ReviewRemote(ctx context.Context, server, adminToken, id, status, publicURL, comment string, hc *http.Client) error {
	u, err := protocol.ParseServerURL(server)
	if err != nil {
		return err
	}
	if hc == nil {
		// Plain http never leaves this computer; no redirect is followed
		// (it could carry the admin token elsewhere).
		hc = &http.Client{
			Transport:     protocol.Transport(nil),
			Timeout:       time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	body, err := protocol.Encode(protocol.ReviewRequest{Protocol: protocol.Version, NeedID: id, State: status, URL: publicURL, Comment: comment})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String()+protocol.PathAdminReview, bytes.NewReader(body))
	if err != nil {
		return err
	}
	protocol.SetHeaders(req.Header)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("review %s: %w", id, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("review %s: %w", id, err)
	}
	if resp.StatusCode == http.StatusOK {
		var rr protocol.ReviewResponse
		return protocol.Decode(resp.Header, b, &rr)
	}
	var eb protocol.ErrorBody
	if protocol.Decode(resp.Header, b, &eb) == nil {
		switch {
		case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
			return fmt.Errorf("review %s: %w (%d %s)", id, ErrNotAdmin, resp.StatusCode, eb.Error.Code)
		case resp.StatusCode == http.StatusNotFound:
			return fmt.Errorf("review %s: %w", id, ErrNotFound)
		case eb.Error.Code == protocol.CodeNotPublishable:
			return fmt.Errorf("review %s: %w", id, refusalOf(eb.Error.Message))
		case strings.Contains(eb.Error.Message, ErrNoPublicURL.Error()):
			return fmt.Errorf("review %s: %w", id, ErrNoPublicURL) // the hub's words, read back
		}
		return fmt.Errorf("review %s: %d %s: %s", id, resp.StatusCode, eb.Error.Code, eb.Error.Message)
	}
	return fmt.Errorf("review %s: HTTP %d, not a protocol answer", id, resp.StatusCode)
}
