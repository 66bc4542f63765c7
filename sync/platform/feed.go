package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request, who identity) {
	q := r.URL.Query()
	after, over, err := s.parseCursor(q.Get("after"))
	if err != nil {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, err.Error())
		return
	}
	limit := protocol.DefaultPullLimit
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > protocol.MaxPullLimit {
			writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, fmt.Sprintf("limit must be 1 to %d", protocol.MaxPullLimit))
			return
		}
		limit = n
	}
	release, ok := s.acquire(w, r, who.Team)
	if !ok {
		return
	}
	resp, err := s.changes(r.Context(), who.Team, after, limit, parseKinds(q.Get(protocol.ParamKinds)))
	release() // a client slow to read the answer holds no slot
	if err == nil && over {
		resp.Reset = true
	}
	if err != nil {
		s.log.Error("pull failed", "user", who.User, "team", who.Team, "err", err)
		writeError(w, http.StatusInternalServerError, protocol.CodeInternal, "reading the feed failed")
		return
	}
	addLogAttrs(r.Context(), "after", after, "changes", len(resp.Changes), "more", resp.More)
	writeJSON(w, http.StatusOK, resp)
}

// parseCursor reads "SERVERID-SEQ". A cursor of another server (the hub was
// rebuilt, or the client switched servers) starts the feed over (over):
// applying changes is idempotent on the client.
func (s *Server) parseCursor(c string) (after uint64, over bool, err error) {
	if c == "" {
		return 0, false, nil
	}
	id, seq, ok := strings.Cut(c, "-")
	n, err := strconv.ParseUint(seq, 10, 64)
	if !ok || err != nil || len(c) > protocol.MaxCursorLen {
		return 0, false, errors.New("malformed cursor")
	}
	if id != s.serverID {
		return 0, true, nil
	}
	return n, false, nil
}

func (s *Server) cursor(seq uint64) string { return s.serverID + "-" + strconv.FormatUint(seq, 10) }

// pastTheEnd reports whether the feed holds no event numbered after: a
// cursor the hub gave out before its data was put back to an earlier state.
func pastTheEnd(tx hubstore.Tx, after uint64) (bool, error) {
	if after == 0 {
		return false, nil
	}
	found := false
	err := tx.Events(after-1, func(seq uint64, _ *hubstore.Event) (bool, error) {
		found = seq == after
		return false, nil
	})
	return !found, err
}

// maxPageBytes bounds the record bodies in one pull page, well under the
// client's response limit (protocol.MaxResponseBytes).
const maxPageBytes = 16 << 20

// changes reads one page of the feed as the given team may see it, with
// the optional record kinds the client asked for. It scans at most 20
// events per change it may return, so a page is cheap even when the feed
// is mostly other teams' work; the cursor then advances past what was
// scanned.
func (s *Server) changes(ctx context.Context, team string, after uint64, limit int, kinds map[string]bool) (*protocol.PullResponse, error) {
	resp := &protocol.PullResponse{Protocol: protocol.Version, Changes: []protocol.Change{}}
	last := after
	var sent []string // the registry entries and public needs in the page (sentNeedKey)
	err := s.store.View(ctx, func(tx hubstore.Tx) error {
		past, err := pastTheEnd(tx, after)
		if err != nil {
			return err
		}
		if past {
			// The hub's data is older than the cursor (restored from a
			// backup): the events after it now are new ones the client
			// has never seen, so the feed starts over, as for another
			// server's cursor.
			s.log.Warn("a cursor past the feed's end: the feed starts over", "team", team, "after", after)
			after, last, resp.Reset = 0, 0, true
		}
		budget, size, scanned := max(limit*20, 1000), 0, 0
		resp.More = false
		return tx.Events(after, func(seq uint64, ev *hubstore.Event) (bool, error) {
			if len(resp.Changes) >= limit || scanned >= budget || size > maxPageBytes {
				resp.More = true // this event is the next page's first
				return false, nil
			}
			scanned++
			last = seq
			if ev.Kind == protocol.KindSolution && !kinds[ev.Kind] {
				return true, nil
			}
			ch, ok, err := s.view(tx, team, ev)
			if err != nil {
				return false, fmt.Errorf("feed %d: %w", seq, err)
			}
			if ok {
				resp.Changes = append(resp.Changes, ch)
				if ch.Record != nil {
					size += len(ch.Record.Body)
				}
				if ch.Registry != nil {
					sent = append(sent, ch.Registry.ID)
				}
				if ch.Public != nil {
					sent = append(sent, sentNeedKey(ch.Public.ID))
				}
			}
			return true, nil
		})
	})
	if err != nil {
		return nil, err
	}
	// Noted before the page leaves, so that a team is told of every
	// enterprise it holds that leaves the registry, and of every need it
	// holds that is no longer public (view.go).
	if len(sent) > 0 {
		err := s.store.Update(ctx, func(tx hubstore.Tx) error { return tx.NoteRegistrySent(team, sent) })
		if err != nil {
			return nil, fmt.Errorf("noting the registry entries and needs sent: %w", err)
		}
	}
	resp.Cursor = s.cursor(last)
	return resp, nil
}

// Review records the platform's verdict on a need — what a reviewer decides
// on the platform — and appends it to the change feed, where the need's team
// picks it up, and other teams the need as that verdict lets them see it
// (view.go). status is a platform state as a code, Chinese word or English
// label (审核中, 已发布, 退回, 对接中, 已揭榜, 已签约, 已解决, 已关闭);
// 已发布 needs the public URL: the hub's own page of the need
// (Options.PublicURL) when none is given. A verdict that makes the need public when it
// was not, or publishes it again (已发布), publishes the need's current
// revision; later verdicts that keep it public (对接中, 已签约 …) keep the
// revision published before. It is what `xunbang serve review ID --status
// S --url U --comment C` calls.
func (s *Server) Review(ctx context.Context, id, status, publicURL, comment string) error {
	return s.review(ctx, id, status, publicURL, comment, nil)
}

// review is Review that, given an audit entry, appends it in the same
// transaction as the verdict (the console and the admin endpoint).
func (s *Server) review(ctx context.Context, id, status, publicURL, comment string, audit *hubstore.AuditEntry) error {
	st, err := protocol.ParsePlatformState(status)
	if err != nil {
		return fmt.Errorf("platform: review %s: %w", id, err)
	}
	publicURL, comment = strings.TrimSpace(publicURL), strings.TrimSpace(comment)
	if publicURL != "" {
		if !WebAddress(publicURL) {
			return fmt.Errorf("platform: review %s: %q is not a web address", id, publicURL)
		}
	}
	now := s.opt.Now().UTC()
	var team string
	err = s.store.Update(ctx, func(tx hubstore.Tx) error {
		h, err := tx.Head(protocol.KindNeed, id)
		if err != nil {
			return err
		}
		if publicURL == "" {
			publicURL = h.URL
		}
		if st == protocol.StatePublished && publicURL == "" && s.opt.PublicURL != "" {
			publicURL = forms.PublicPageURL(s.opt.PublicURL, id) // published here
		}
		was := h.State.Public()
		publishes, err := s.publishRevision(tx, h, st)
		if err != nil {
			return err
		}
		sealed := s.seal.sealComment(id, comment)
		h.State, h.URL, h.Comment, h.StateAt = st, publicURL, sealed, now
		// A need is shown only if the revision the verdict publishes may be:
		// 已发布 of one that may not is refused; another public verdict
		// (对接中, 已签约 of a 不公开 need) is kept without showing it. Only
		// a need once shown leaves a withdrawal in other teams' feeds and a
		// 410 page; one never shown stays unknown to them.
		shown, err := s.shownView(tx, h)
		if err != nil && (st == protocol.StatePublished || !errors.Is(err, ErrNotPublishable)) {
			return err
		}
		if st == protocol.StatePublished && publicURL == "" {
			return ErrNoPublicURL
		}
		h.WasPublic = h.WasPublic || shown != nil
		if publishes && shown != nil && shown.Visibility == string(forms.VisibilityAnonymous) {
			// Shown no finer later: enterprises listed after this, by any
			// team, do not narrow the crowd it hides in (view.go).
			h.PublicRegion = &shown.Region
		}
		team = h.Team
		if err := tx.PutHead(h); err != nil {
			return err
		}
		_, err = tx.AppendEvent(&hubstore.Event{
			Type: hubstore.EventState, Kind: protocol.KindNeed, ID: id, Team: h.Team,
			State: st, URL: publicURL, Comment: sealed, At: now, PublicAfter: st.Public(), WasPublic: was,
		})
		if err == nil && audit != nil {
			a := *audit
			a.At, a.Target, a.Detail = now, id, string(st)
			_, err = tx.AppendAudit(&a)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("platform: review %s: %w", id, err)
	}
	s.log.Info("need reviewed", "id", id, "team", team, "state", string(st))
	return nil
}

// publishRevision makes the need's current revision, with its enterprise's,
// the one a verdict st publishes, when st makes the need public and it was
// not, or publishes it again (已发布); it reports whether it did. A need
// once shown 实名公开 is not published as 匿名公开 (ErrOnceNamed for
// 已发布; another public verdict is recorded and the need stays hidden:
// its latest revision narrows the named one shown before).
func (s *Server) publishRevision(tx hubstore.Tx, h *hubstore.Head, st protocol.PlatformState) (bool, error) {
	if !st.Public() || (h.State.Public() && st != protocol.StatePublished) {
		return false, nil
	}
	if err := s.checkOnceNamed(tx, h); errors.Is(err, ErrOnceNamed) && st != protocol.StatePublished {
		return false, nil
	} else if err != nil {
		return false, err
	}
	h.PublicRev, h.PublicEntRev, h.PublicRegion = h.Rev, "", nil
	eh, err := tx.Head(protocol.KindEnterprise, h.EnterpriseID)
	switch {
	case err == nil && eh.Team == h.Team:
		h.PublicEntRev = eh.Rev
	case err != nil && !errors.Is(err, hubstore.ErrNotFound):
		return false, err
	}
	return true, nil
}

// RecordInfo is what the server holds about one record.
type RecordInfo struct {
	Kind, ID, Team, Rev string
	Revisions           int
	State               protocol.PlatformState
	URL                 string
	// PublicRev is the need revision the verdict published, if any.
	PublicRev string
	UpdatedAt time.Time
}

// Records lists every record the server holds (kind "need" or
// "enterprise", or "" for both), for operators and tests.
func (s *Server) Records(ctx context.Context, kind string) ([]RecordInfo, error) {
	var out []RecordInfo
	err := s.store.View(ctx, func(tx hubstore.Tx) error {
		return tx.Heads(kind, func(h *hubstore.Head) error {
			out = append(out, RecordInfo{Kind: h.Kind, ID: h.ID, Team: h.Team, Rev: h.Rev, Revisions: h.Revisions,
				State: h.State, URL: h.URL, PublicRev: h.PublicRev, UpdatedAt: h.UpdatedAt})
			return nil
		})
	})
	return out, err
}

// RevisionCount returns how many revisions the server has stored.
func (s *Server) RevisionCount(ctx context.Context) (int, error) {
	n := 0
	err := s.store.View(ctx, func(tx hubstore.Tx) error {
		var err error
		n, err = tx.RevisionCount()
		return err
	})
	return n, err
}

// Revision returns the body of one stored revision, as pushed.
func (s *Server) Revision(ctx context.Context, rev string) ([]byte, error) {
	var body []byte
	err := s.store.View(ctx, func(tx hubstore.Tx) error {
		rv, err := tx.Revision(rev)
		if err != nil {
			return err
		}
		body, err = s.seal.openBody(rev, rv.Body)
		return err
	})
	return body, err
}

// WebAddress reports whether s is an absolute http(s) address, as a
// verdict's public URL must be.
func WebAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
