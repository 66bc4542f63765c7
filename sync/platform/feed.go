package platform

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/protocol"
)

func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request, who identity) {
	q := r.URL.Query()
	after, err := s.parseCursor(q.Get("after"))
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
	resp, err := s.changes(who.Team, after, limit)
	if err != nil {
		s.log.Error("pull failed", "user", who.User, "team", who.Team, "err", err)
		writeError(w, http.StatusInternalServerError, protocol.CodeInternal, "reading the feed failed")
		return
	}
	addLogAttrs(r.Context(), "after", after, "changes", len(resp.Changes), "more", resp.More)
	writeJSON(w, http.StatusOK, resp)
}

// parseCursor reads "SERVERID-SEQ". A cursor of another server (the hub was
// rebuilt, or the client switched servers) starts the feed over: applying
// changes is idempotent on the client.
func (s *Server) parseCursor(c string) (uint64, error) {
	if c == "" {
		return 0, nil
	}
	id, seq, ok := strings.Cut(c, "-")
	n, err := strconv.ParseUint(seq, 10, 64)
	if !ok || err != nil || len(c) > protocol.MaxCursorLen {
		return 0, errors.New("malformed cursor")
	}
	if id != s.serverID {
		return 0, nil
	}
	return n, nil
}

func (s *Server) cursor(seq uint64) string { return s.serverID + "-" + strconv.FormatUint(seq, 10) }

// maxPageBytes bounds the record bodies in one pull page, well under the
// client's response limit (protocol.MaxResponseBytes).
const maxPageBytes = 16 << 20

// changes reads one page of the feed as the given team may see it. It scans
// at most 20 events per change it may return, so a page is cheap even when
// the feed is mostly other teams' work; the cursor then advances past what
// was scanned.
func (s *Server) changes(team string, after uint64, limit int) (*protocol.PullResponse, error) {
	resp := &protocol.PullResponse{Protocol: protocol.Version, Changes: []protocol.Change{}}
	last := after
	err := s.db.View(func(tx *bolt.Tx) error {
		budget, size := max(limit*20, 1000), 0
		c := tx.Bucket(bucketFeed).Cursor()
		k, v := c.Seek(seqKey(after + 1))
		for scanned := 0; k != nil && len(resp.Changes) < limit && scanned < budget; k, v = c.Next() {
			scanned++
			last = binary.BigEndian.Uint64(k)
			var ev event
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("feed %d: %w", last, err)
			}
			ch, ok, err := s.view(tx, team, &ev)
			if err != nil {
				return fmt.Errorf("feed %d: %w", last, err)
			}
			if ok {
				resp.Changes = append(resp.Changes, ch)
				if ch.Record != nil {
					size += len(ch.Record.Body)
				}
				if size > maxPageBytes {
					break // k stays on this change, so More is true: the client asks again
				}
			}
		}
		resp.More = k != nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	resp.Cursor = s.cursor(last)
	return resp, nil
}

// view is the one place where team isolation is decided: what an event
// shows to a team.
func (s *Server) view(tx *bolt.Tx, team string, ev *event) (protocol.Change, bool, error) {
	heads, revs := tx.Bucket(bucketHeads), tx.Bucket(bucketRevs)
	switch ev.Type {
	case eventRevision:
		if ev.Team == team {
			rv, err := getRevision(revs, ev.Rev)
			if err != nil {
				return protocol.Change{}, false, err
			}
			return protocol.Change{Kind: protocol.ChangeRecord, Record: &protocol.Record{
				Kind: ev.Kind, ID: ev.ID, Rev: ev.Rev, BaseRev: rv.BaseRev, Body: rv.Body,
			}}, true, nil
		}
		h, err := getHead(heads, ev.Kind, ev.ID)
		if err != nil || h.Rev != ev.Rev {
			return protocol.Change{}, false, err // only the current revision is shown to others
		}
		if ev.Kind == protocol.KindEnterprise {
			return registryEntry(revs, h)
		}
		if !ev.PublicAfter || !h.State.Public() {
			return protocol.Change{}, false, nil
		}
		return publicNeed(heads, revs, h)
	case eventState:
		if ev.Team == team {
			return protocol.Change{Kind: protocol.ChangeStatus, Status: &protocol.StatusChange{
				NeedID: ev.ID, State: ev.State, Label: ev.State.Label("zh"), URL: ev.URL, Comment: ev.Comment, At: ev.At,
			}}, true, nil
		}
		if ev.PublicAfter {
			h, err := getHead(heads, ev.Kind, ev.ID)
			if err != nil {
				return protocol.Change{}, false, err
			}
			return publicNeed(heads, revs, h)
		}
		if ev.WasPublic {
			return protocol.Change{Kind: protocol.ChangePublicNeed, NeedID: ev.ID}, true, nil
		}
	}
	return protocol.Change{}, false, nil
}

func getHead(heads *bolt.Bucket, kind, id string) (*head, error) {
	v := heads.Get(headKey(kind, id))
	if v == nil {
		return nil, fmt.Errorf("%s %s: %w", kind, id, ErrNotFound)
	}
	var h head
	if err := json.Unmarshal(v, &h); err != nil {
		return nil, fmt.Errorf("%s %s: %w", kind, id, err)
	}
	return &h, nil
}

// publicNeed is another team's need as the public sees it: forms.Publish
// under the need's visibility, with the platform's URL. A need that is
// 不公开 shows as withdrawn.
func publicNeed(heads, revs *bolt.Bucket, h *head) (protocol.Change, bool, error) {
	n, e, err := needWithEnterprise(heads, revs, h)
	if err != nil {
		return protocol.Change{}, false, err
	}
	p, ok := forms.Default().Publish(n, e)
	if !ok {
		return protocol.Change{Kind: protocol.ChangePublicNeed, NeedID: h.ID}, true, nil
	}
	pub := &protocol.PublicNeed{
		ID: h.ID, Team: h.Team, Visibility: string(p.Visibility), Publisher: p.Publisher, Region: p.Region,
		Values: p.Values, URL: h.URL, State: h.State, UpdatedAt: h.UpdatedAt,
	}
	if p.Visibility == forms.VisibilityNamed {
		pub.Contact = p.Contact
	}
	return protocol.Change{Kind: protocol.ChangePublicNeed, NeedID: h.ID, Public: pub}, true, nil
}

func needWithEnterprise(heads, revs *bolt.Bucket, h *head) (*forms.Need, *forms.Enterprise, error) {
	rv, err := getRevision(revs, h.Rev)
	if err != nil {
		return nil, nil, err
	}
	var n forms.Need
	if err := json.Unmarshal(rv.Body, &n); err != nil {
		return nil, nil, err
	}
	var e *forms.Enterprise
	if eh, err := getHead(heads, protocol.KindEnterprise, n.EnterpriseID); err == nil && eh.Team == h.Team {
		erv, err := getRevision(revs, eh.Rev)
		if err != nil {
			return nil, nil, err
		}
		e = new(forms.Enterprise)
		if err := json.Unmarshal(erv.Body, e); err != nil {
			return nil, nil, err
		}
	}
	return &n, e, nil
}

// registryEntry is another team's enterprise in the shared registry: the
// catalogue's public enterprise fields only (no contacts; nothing internal,
// secret or personal).
func registryEntry(revs *bolt.Bucket, h *head) (protocol.Change, bool, error) {
	rv, err := getRevision(revs, h.Rev)
	if err != nil {
		return protocol.Change{}, false, err
	}
	var e forms.Enterprise
	if err := json.Unmarshal(rv.Body, &e); err != nil {
		return protocol.Change{}, false, err
	}
	vals := forms.Default().PublicValues(forms.EntityEnterprise, e.Values, forms.VisibilityNamed)
	return protocol.Change{Kind: protocol.ChangeRegistry, Registry: &protocol.RegistryEntry{
		ID: h.ID, Team: h.Team, Name: e.Name(), CreditCode: forms.NormalizeCreditCode(e.CreditCode()),
		Values: vals, UpdatedAt: h.UpdatedAt,
	}}, true, nil
}

// Review records the platform's verdict on a need — what a reviewer decides
// on the platform — and appends it to the change feed, where the need's team
// picks it up (and, once public, every other team a redacted copy). status
// is a platform state as a code, Chinese word or English label (审核中,
// 已发布, 退回, 对接中, 已揭榜, 已签约, 已解决, 已关闭); 已发布 needs the
// public URL. It is what `xunbang serve review ID --status S --url U
// --comment C` calls.
func (s *Server) Review(id, status, publicURL, comment string) error {
	st, err := protocol.ParsePlatformState(status)
	if err != nil {
		return fmt.Errorf("platform: review %s: %w", id, err)
	}
	publicURL, comment = strings.TrimSpace(publicURL), strings.TrimSpace(comment)
	if publicURL != "" {
		u, err := url.Parse(publicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("platform: review %s: %q is not a web address", id, publicURL)
		}
	}
	now := s.opt.Now().UTC()
	var team string
	err = s.db.Update(func(tx *bolt.Tx) error {
		heads := tx.Bucket(bucketHeads)
		h, err := getHead(heads, protocol.KindNeed, id)
		if err != nil {
			return err
		}
		if publicURL == "" {
			publicURL = h.URL
		}
		if st == protocol.StatePublished && publicURL == "" {
			return errors.New("已发布 needs the public URL (--url)")
		}
		was := h.State.Public()
		h.State, h.URL, h.Comment, h.StateAt = st, publicURL, comment, now
		h.WasPublic = h.WasPublic || st.Public()
		team = h.Team
		if err := putJSON(heads, headKey(protocol.KindNeed, id), h); err != nil {
			return err
		}
		return appendEvent(tx.Bucket(bucketFeed), event{
			Type: eventState, Kind: protocol.KindNeed, ID: id, Team: h.Team,
			State: st, URL: publicURL, Comment: comment, At: now, PublicAfter: st.Public(), WasPublic: was,
		})
	})
	if err != nil {
		return fmt.Errorf("platform: review %s: %w", id, err)
	}
	s.log.Info("need reviewed", "id", id, "team", team, "state", string(st))
	return nil
}

// RecordInfo is what the server holds about one record.
type RecordInfo struct {
	Kind, ID, Team, Rev string
	Revisions           int
	State               protocol.PlatformState
	URL                 string
	UpdatedAt           time.Time
}

// Records lists every record the server holds (kind "need" or
// "enterprise", or "" for both), for operators and tests.
func (s *Server) Records(kind string) ([]RecordInfo, error) {
	var out []RecordInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHeads).ForEach(func(k, v []byte) error {
			var h head
			if err := json.Unmarshal(v, &h); err != nil {
				return err
			}
			if kind == "" || h.Kind == kind {
				out = append(out, RecordInfo{Kind: h.Kind, ID: h.ID, Team: h.Team, Rev: h.Rev, Revisions: h.Revisions, State: h.State, URL: h.URL, UpdatedAt: h.UpdatedAt})
			}
			return nil
		})
	})
	return out, err
}

// RevisionCount returns how many revisions the server has stored.
func (s *Server) RevisionCount() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketRevs).Stats().KeyN
		return nil
	})
	return n, err
}

// Revision returns the body of one stored revision, as pushed.
func (s *Server) Revision(rev string) (json.RawMessage, error) {
	var body json.RawMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		rv, err := getRevision(tx.Bucket(bucketRevs), rev)
		if err == nil {
			body = rv.Body
		}
		return err
	})
	return body, err
}
