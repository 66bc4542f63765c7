package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

func (s *Server) handlePush(w http.ResponseWriter, r *http.Request, who identity) {
	if !checkRequestType(w, r) {
		return
	}
	// The body is read before the request takes a processing slot, at a
	// minimum rate, and a team may send only a few bodies at once: a slow
	// client holds neither the slots nor another team.
	if !s.enterBody(who.Team) {
		s.busy(w, "too many uploads from your team at once; retry later")
		return
	}
	body, err := s.readBody(w, r, protocol.MaxRequestBytes)
	s.leaveBody(who.Team)
	if err != nil {
		switch {
		case isTooLarge(err):
			writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, fmt.Sprintf("request body over %d bytes", protocol.MaxRequestBytes))
		case errors.Is(err, errTooSlow):
			addLogAttrs(r.Context(), "cut", "slow body")
			w.Header().Set("Connection", "close")
			writeError(w, http.StatusRequestTimeout, protocol.CodeBadRequest, "the request body arrived too slowly")
		default:
			writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "reading the request failed")
		}
		return
	}
	var req protocol.PushRequest
	if err := protocol.DecodeBody(body, &req); err != nil {
		var ve *protocol.VersionError
		switch {
		case errors.As(err, &ve):
			writeError(w, http.StatusBadRequest, protocol.CodeVersion, err.Error())
		case len(req.Records) > protocol.MaxBatch:
			writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, fmt.Sprintf("at most %d records per push", protocol.MaxBatch))
		default:
			writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, err.Error())
		}
		return
	}
	release, ok := s.acquire(w, r, who.Team)
	if !ok {
		return
	}
	results, err := s.push(r.Context(), who, req.Records)
	release() // a client slow to read the answer holds no slot
	if err != nil {
		s.log.Error("push failed", "user", who.User, "team", who.Team, "err", err)
		writeError(w, http.StatusInternalServerError, protocol.CodeInternal, "storing the batch failed")
		return
	}
	logPushResults(r.Context(), s, results)
	writeJSON(w, http.StatusOK, protocol.PushResponse{Protocol: protocol.Version, Results: results})
}

func logPushResults(ctx context.Context, s *Server, results []protocol.Result) {
	var n [4]int
	for _, res := range results {
		switch res.Outcome {
		case protocol.Accepted:
			n[0]++
			if len(res.Warnings) > 0 {
				fields := make([]string, 0, len(res.Warnings))
				for _, w := range res.Warnings {
					fields = append(fields, w.Field+":"+w.Code)
				}
				s.log.Info("push accepted from another catalogue version", "kind", res.Kind, "id", res.ID, "rev", res.Rev, "kept", fields)
			}
		case protocol.Duplicate:
			n[1]++
		case protocol.Conflict:
			n[2]++
			s.log.Info("push conflict", "kind", res.Kind, "id", res.ID, "rev", res.Rev, "current", res.Current.Rev)
		case protocol.Invalid:
			n[3]++
			codes := make([]string, 0, len(res.Reasons))
			for _, rs := range res.Reasons {
				codes = append(codes, rs.Field+":"+rs.Code)
			}
			s.log.Info("push invalid", "kind", res.Kind, "id", res.ID, "rev", res.Rev, "reasons", codes)
		}
	}
	addLogAttrs(ctx, "records", len(results), "accepted", n[0], "duplicate", n[1], "conflict", n[2], "invalid", n[3])
}

// checked is a record that passed checkRecord, parsed.
type checked struct {
	need *forms.Need
	ent  *forms.Enterprise
	sol  *forms.Solution
	// warnings are what the record may carry but a reader should know:
	// fields or options of another catalogue version.
	warnings []protocol.Reason
}

// push checks each record, then stores the batch in one transaction. Records
// are handled in order, so a batch may carry several revisions of one record.
func (s *Server) push(ctx context.Context, who identity, recs []protocol.Record) ([]protocol.Result, error) {
	results := make([]protocol.Result, len(recs))
	parsed := make([]*checked, len(recs))
	for i := range recs {
		rec := &recs[i]
		results[i] = protocol.Result{Kind: rec.Kind, ID: rec.ID, Rev: rec.Rev}
		c, reasons := checkRecord(rec)
		if len(reasons) > 0 {
			results[i].Outcome, results[i].Reasons = protocol.Invalid, reasons
			continue
		}
		parsed[i] = c
	}
	now := s.opt.Now().UTC()
	err := s.store.Update(ctx, func(tx hubstore.Tx) error {
		for i := range recs {
			rec, res := &recs[i], &results[i]
			if parsed[i] == nil {
				if err := noteRefusal(tx, rec, who); err != nil {
					return err
				}
				continue
			}
			res.Outcome, res.Reasons, res.Current = "", nil, nil // a store may run fn again
			if err := s.pushOne(tx, who, rec, parsed[i], res, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// pushOne stores one checked record, or says why not, in res.
func (s *Server) pushOne(tx hubstore.Tx, who identity, rec *protocol.Record, c *checked, res *protocol.Result, now time.Time) error {
	old, err := tx.Revision(rec.Rev)
	switch {
	case err == nil:
		if old.Kind == rec.Kind && old.ID == rec.ID && old.Team == who.Team {
			res.Outcome = protocol.Duplicate
		} else {
			res.Outcome, res.Reasons = protocol.Invalid, []protocol.Reason{{Code: "rev_reused", Message: "修订号已被另一条记录使用。"}}
		}
		return nil
	case !errors.Is(err, hubstore.ErrNotFound):
		return err
	}
	base, err := effectiveBase(tx, rec, who)
	if err != nil {
		return err
	}
	h, err := tx.Head(rec.Kind, rec.ID)
	switch {
	case errors.Is(err, hubstore.ErrNotFound):
		h = &hubstore.Head{Kind: rec.Kind, ID: rec.ID, Team: who.Team}
	case err != nil:
		return err
	case h.Team != who.Team:
		res.Outcome, res.Reasons = protocol.Invalid, []protocol.Reason{{Code: "forbidden", Message: "这条记录属于其他团队，不能修改。"}}
		return nil
	case h.Rev != base:
		cur, err := tx.Revision(h.Rev)
		if err != nil {
			return err
		}
		body, err := s.seal.openBody(cur.Rev, cur.Body)
		if err != nil {
			return err
		}
		res.Outcome = protocol.Conflict
		res.Current = &protocol.Record{Kind: rec.Kind, ID: rec.ID, Rev: h.Rev, BaseRev: cur.BaseRev, Body: body}
		return nil
	}
	if c.need != nil {
		// A need of another team's enterprise would let a team take that
		// enterprise out of the registry for good (an anonymous need), or
		// publish under its name: a laptop files needs under its own
		// team's enterprises only.
		eh, err := tx.Head(protocol.KindEnterprise, c.need.EnterpriseID)
		switch {
		case err == nil && eh.Team != who.Team:
			res.Outcome, res.Reasons = protocol.Invalid, []protocol.Reason{{Field: "enterprise_id", Code: "forbidden", Message: "需求所属的企业由其他团队登记，不能作为本团队需求的企业。"}}
			return nil
		case err != nil && !errors.Is(err, hubstore.ErrNotFound):
			return err
		}
	}
	if ok, err := s.admitSolution(tx, who, c, res, now); !ok {
		return err
	}
	rv := &hubstore.Revision{Rev: rec.Rev, Kind: rec.Kind, ID: rec.ID, Team: who.Team, User: who.User, BaseRev: base, At: now,
		Body: s.seal.sealBody(rec.Rev, rec.Body)}
	if err := tx.PutRevision(rv); err != nil {
		return err
	}
	prev := h.Rev
	h.Rev, h.UpdatedAt = rec.Rev, now
	h.Revisions++
	switch {
	case c.need != nil:
		if err := s.needFacts(tx, h, prev, c.need, now); err != nil {
			return err
		}
	case c.ent != nil:
		if err := s.moveRegion(tx, h, c.ent.Values.Get("region")); err != nil {
			return err
		}
	}
	if err := tx.PutHead(h); err != nil {
		return err
	}
	// Other teams learn of a need's content only through a verdict (view.go):
	// a revision of a published need stays with its team until published.
	if _, err := tx.AppendEvent(&hubstore.Event{Type: hubstore.EventRevision, Kind: rec.Kind, ID: rec.ID, Team: who.Team, Rev: rec.Rev}); err != nil {
		return err
	}
	res.Outcome, res.Warnings = protocol.Accepted, c.warnings
	return nil
}

// needFacts keeps what the hub decides by from a need's new revision n
// (h.Rev; prev the one before): its enterprise, whether that enterprise
// leaves the registry (匿名公开), and whether the need leaves public view
// — withdrawn or closed (takeDownWithdrawn), or its visibility narrowed
// below what was published (noteNarrowing). h is stored by the caller.
func (s *Server) needFacts(tx hubstore.Tx, h *hubstore.Head, prev string, n *forms.Need, now time.Time) error {
	h.EnterpriseID = n.EnterpriseID
	if n.Visibility() == forms.VisibilityAnonymous {
		if err := s.markAnonymous(tx, n.EnterpriseID, now); err != nil {
			return err
		}
	}
	if err := s.takeDownWithdrawn(tx, h, n, now); err != nil {
		return err
	}
	return s.noteNarrowing(tx, h, prev, n, now)
}

// noteNarrowing tells other teams when a published need's new revision
// hides it (its visibility narrowed below the published one: shownView) or
// shows it again (widened back): an EventView, which their next pull
// turns into the need's public view or its withdrawal. No verdict changes.
func (s *Server) noteNarrowing(tx hubstore.Tx, h *hubstore.Head, prev string, n *forms.Need, now time.Time) error {
	if !h.State.Public() || h.PublicRev == "" || prev == "" {
		return nil
	}
	var published forms.Need
	if err := s.decodeRevision(tx, h.PublicRev, &published); err != nil {
		return err
	}
	was := false
	if prev != h.PublicRev {
		var before forms.Need
		if err := s.decodeRevision(tx, prev, &before); err != nil {
			return err
		}
		was = narrows(published.Visibility(), before.Visibility())
	}
	if was == narrows(published.Visibility(), n.Visibility()) {
		return nil
	}
	_, err := tx.AppendEvent(&hubstore.Event{Type: hubstore.EventView, Kind: protocol.KindNeed, ID: h.ID, Team: h.Team, At: now})
	return err
}

// noteRefusal remembers a revision answered invalid (for content, not for
// ownership), with its base.
func noteRefusal(tx hubstore.Tx, rec *protocol.Record, who identity) error {
	if !protocol.ValidID(rec.Rev) || !protocol.ValidID(rec.BaseRev) && rec.BaseRev != "" {
		return nil
	}
	if _, err := tx.Revision(rec.Rev); err == nil {
		return nil
	}
	if h, err := tx.Head(rec.Kind, rec.ID); err == nil && h.Team != who.Team {
		return nil
	}
	return tx.PutRefusal(&hubstore.Refusal{Rev: rec.Rev, Kind: rec.Kind, ID: rec.ID, Team: who.Team, BaseRev: rec.BaseRev})
}

// effectiveBase is the revision a pushed one really builds on: its base,
// or — when the base was refused as invalid, so the server never had it —
// the refused revision's own base, and so on. A client that fixes an
// invalid record by editing it thus gets no spurious conflict.
func effectiveBase(tx hubstore.Tx, rec *protocol.Record, who identity) (string, error) {
	base := rec.BaseRev
	for range 1000 {
		if base == "" {
			return base, nil
		}
		r, err := tx.Refusal(base)
		if errors.Is(err, hubstore.ErrNotFound) {
			return base, nil
		}
		if err != nil {
			return "", err
		}
		if r.Kind != rec.Kind || r.ID != rec.ID || r.Team != who.Team {
			return base, nil
		}
		base = r.BaseRev
	}
	return base, nil
}

// checkRecord applies the protocol's record rules and forms validation in
// Draft mode (the platform tracks drafts too): what it returns makes the
// record invalid. A record that passes comes back parsed.
func checkRecord(rec *protocol.Record) (*checked, []protocol.Reason) {
	malformed := func(err error) []protocol.Reason {
		return []protocol.Reason{{Code: "malformed", Message: "记录格式不正确：" + err.Error()}}
	}
	if err := rec.ValidateShape(); err != nil {
		return nil, malformed(err)
	}
	cat := forms.Default()
	// undecodable says why the body does not decode; bytes that are not
	// UTF-8 are named by their field (forms' gate), never replaced.
	undecodable := func(err error) []protocol.Reason {
		var ue *forms.InvalidUTF8Error
		if errors.As(err, &ue) {
			p := ue.Problem()
			return []protocol.Reason{{Field: p.Field, Item: p.Item, Code: p.Code, Message: p.Message(cat, "zh")}}
		}
		return []protocol.Reason{decodeReason(err)}
	}
	var problems []forms.Problem
	var out []protocol.Reason
	c := &checked{}
	switch rec.Kind {
	case protocol.KindNeed:
		var n forms.Need
		if err := json.Unmarshal(rec.Body, &n); err != nil {
			return nil, undecodable(err)
		}
		if err := rec.CheckBodyIDs(n.ID, n.Rev, n.BaseRev); err != nil {
			return nil, malformed(err)
		}
		if !n.Status.Valid() {
			out = append(out, protocol.Reason{Field: "status", Code: "status", Message: fmt.Sprintf("状态“%s”无法识别。", clipText(string(n.Status)))})
		}
		if !protocol.ValidID(n.EnterpriseID) {
			out = append(out, protocol.Reason{Field: "enterprise_id", Code: "required", Message: "需求必须属于一家企业。"})
		}
		// Checked as this catalogue reads it: legacy codes upgraded on a
		// copy (the body is stored as pushed), and what only another
		// catalogue version knows a warning, never a refusal.
		vn := n
		vn.Values = n.Values.Clone()
		cat.UpgradeValues(forms.EntityNeed, vn.Values)
		problems = cat.Tolerate(n.CatalogueVersion, cat.ValidateNeed(&vn, forms.Draft))
		if n.Diagnosis != nil {
			problems = append(problems, cat.Tolerate(n.CatalogueVersion, cat.ValidateDiagnosis(n.Diagnosis, forms.Draft))...)
		}
		c.need = &n
	case protocol.KindEnterprise:
		var e forms.Enterprise
		if err := json.Unmarshal(rec.Body, &e); err != nil {
			return nil, undecodable(err)
		}
		if err := rec.CheckBodyIDs(e.ID, e.Rev, baseRevOf(rec.Body)); err != nil {
			return nil, malformed(err)
		}
		ve := e
		ve.Values = e.Values.Clone()
		cat.UpgradeValues(forms.EntityEnterprise, ve.Values)
		problems = cat.Tolerate(e.CatalogueVersion, cat.ValidateEnterprise(&ve, forms.Draft))
		c.ent = &e
	case protocol.KindSolution:
		return checkSolution(rec, malformed, undecodable)
	}
	for _, p := range problems {
		r := protocol.Reason{Field: p.Field, Item: p.Item, Code: p.Code, Message: p.Message(cat, "zh")}
		switch {
		case p.Severity == forms.SeverityError:
			out = append(out, r)
		case p.Code == "unknown_field" || p.Code == "option":
			c.warnings = append(c.warnings, r) // another catalogue version's
		}
	}
	if len(out) > protocol.MaxReasons {
		out = out[:protocol.MaxReasons]
	}
	if len(out) > 0 {
		return nil, out
	}
	if len(c.warnings) > protocol.MaxReasons {
		c.warnings = c.warnings[:protocol.MaxReasons]
	}
	return c, nil
}

// baseRevOf reads a base_rev an enterprise body may carry (forms.Enterprise
// has no such field).
func baseRevOf(body []byte) string {
	var h struct {
		BaseRev string `json:"base_rev"`
	}
	_ = json.Unmarshal(body, &h)
	return h.BaseRev
}

func decodeReason(err error) protocol.Reason {
	var fe *forms.FieldTypeError
	if errors.As(err, &fe) {
		return protocol.Reason{Field: fe.Field, Code: "type", Message: fmt.Sprintf("字段“%s”的值类型不对。", fe.Field)}
	}
	return protocol.Reason{Code: "malformed", Message: "记录无法解析：" + err.Error()}
}

func clipText(s string) string {
	r := []rune(s)
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}
