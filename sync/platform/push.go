package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/protocol"
)

func (s *Server) handlePush(w http.ResponseWriter, r *http.Request, who identity) {
	if !checkRequestType(w, r) {
		return
	}
	body, err := readBody(w, r, protocol.MaxRequestBytes)
	if err != nil {
		if isTooLarge(err) {
			writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, fmt.Sprintf("request body over %d bytes", protocol.MaxRequestBytes))
			return
		}
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "reading the request failed")
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
	results, err := s.push(who, req.Records)
	if err != nil {
		s.log.Error("push failed", "user", who.User, "team", who.Team, "err", err)
		writeError(w, http.StatusInternalServerError, protocol.CodeInternal, "storing the batch failed")
		return
	}
	var n [4]int
	for _, res := range results {
		switch res.Outcome {
		case protocol.Accepted:
			n[0]++
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
	addLogAttrs(r.Context(), "records", len(results), "accepted", n[0], "duplicate", n[1], "conflict", n[2], "invalid", n[3])
	writeJSON(w, http.StatusOK, protocol.PushResponse{Protocol: protocol.Version, Results: results})
}

// push checks each record, then stores the batch in one transaction. Records
// are handled in order, so a batch may carry several revisions of one record.
func (s *Server) push(who identity, recs []protocol.Record) ([]protocol.Result, error) {
	results := make([]protocol.Result, len(recs))
	ok := make([]bool, len(recs))
	for i := range recs {
		rec := &recs[i]
		results[i] = protocol.Result{Kind: rec.Kind, ID: rec.ID, Rev: rec.Rev}
		if reasons := checkRecord(rec); len(reasons) > 0 {
			results[i].Outcome, results[i].Reasons = protocol.Invalid, reasons
			continue
		}
		ok[i] = true
	}
	now := s.opt.Now().UTC()
	err := s.db.Update(func(tx *bolt.Tx) error {
		heads, revs, feed, refused := tx.Bucket(bucketHeads), tx.Bucket(bucketRevs), tx.Bucket(bucketFeed), tx.Bucket(bucketRefused)
		for i := range recs {
			rec, res := &recs[i], &results[i]
			if !ok[i] {
				if err := noteRefusal(heads, revs, refused, rec, who); err != nil {
					return err
				}
				continue
			}
			if v := revs.Get([]byte(rec.Rev)); v != nil {
				old, err := decodeRevision(v)
				if err != nil {
					return fmt.Errorf("revision %s: %w", rec.Rev, err)
				}
				if old.Kind == rec.Kind && old.ID == rec.ID && old.Team == who.Team {
					res.Outcome = protocol.Duplicate
				} else {
					res.Outcome, res.Reasons = protocol.Invalid, []protocol.Reason{{Code: "rev_reused", Message: "修订号已被另一条记录使用。"}}
				}
				continue
			}
			hk := headKey(rec.Kind, rec.ID)
			h := head{Kind: rec.Kind, ID: rec.ID, Team: who.Team}
			base, err := effectiveBase(refused, rec, who)
			if err != nil {
				return err
			}
			if v := heads.Get(hk); v != nil {
				if err := json.Unmarshal(v, &h); err != nil {
					return fmt.Errorf("head %s: %w", hk, err)
				}
				if h.Team != who.Team {
					res.Outcome, res.Reasons = protocol.Invalid, []protocol.Reason{{Code: "forbidden", Message: "这条记录属于其他团队，不能修改。"}}
					continue
				}
				if h.Rev != base {
					cur, err := getRevision(revs, h.Rev)
					if err != nil {
						return err
					}
					res.Outcome = protocol.Conflict
					res.Current = &protocol.Record{Kind: rec.Kind, ID: rec.ID, Rev: h.Rev, BaseRev: cur.BaseRev, Body: cur.Body}
					continue
				}
			}
			rv, err := encodeRevision(&revision{Kind: rec.Kind, ID: rec.ID, Team: who.Team, User: who.User, BaseRev: base, At: now, Body: rec.Body})
			if err != nil {
				return err
			}
			if err := revs.Put([]byte(rec.Rev), rv); err != nil {
				return err
			}
			h.Rev, h.UpdatedAt = rec.Rev, now
			h.Revisions++
			if err := putJSON(heads, hk, h); err != nil {
				return err
			}
			// A new revision of a need that is public reaches other teams
			// (redacted); before publication the verdict's event does that.
			ev := event{Type: eventRevision, Kind: rec.Kind, ID: rec.ID, Team: who.Team, Rev: rec.Rev, PublicAfter: h.State.Public()}
			if err := appendEvent(feed, ev); err != nil {
				return err
			}
			res.Outcome = protocol.Accepted
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// noteRefusal remembers a revision answered invalid (for content, not for
// ownership), with its base.
func noteRefusal(heads, revs, refused *bolt.Bucket, rec *protocol.Record, who identity) error {
	if !protocol.ValidID(rec.BaseRev) && rec.BaseRev != "" || revs.Get([]byte(rec.Rev)) != nil {
		return nil
	}
	if h, err := getHead(heads, rec.Kind, rec.ID); err == nil && h.Team != who.Team {
		return nil
	}
	return putJSON(refused, []byte(rec.Rev), refusal{Kind: rec.Kind, ID: rec.ID, Team: who.Team, BaseRev: rec.BaseRev})
}

// effectiveBase is the revision a pushed one really builds on: its base,
// or — when the base was refused as invalid, so the server never had it —
// the refused revision's own base, and so on. A client that fixes an
// invalid record by editing it thus gets no spurious conflict.
func effectiveBase(refused *bolt.Bucket, rec *protocol.Record, who identity) (string, error) {
	base := rec.BaseRev
	for range 1000 {
		v := refused.Get([]byte(base))
		if base == "" || v == nil {
			return base, nil
		}
		var r refusal
		if err := json.Unmarshal(v, &r); err != nil {
			return "", fmt.Errorf("refusal %s: %w", base, err)
		}
		if r.Kind != rec.Kind || r.ID != rec.ID || r.Team != who.Team {
			return base, nil
		}
		base = r.BaseRev
	}
	return base, nil
}

func getRevision(revs *bolt.Bucket, rev string) (*revision, error) {
	v := revs.Get([]byte(rev))
	if v == nil {
		return nil, fmt.Errorf("revision %s: %w", rev, ErrNotFound)
	}
	r, err := decodeRevision(v)
	if err != nil {
		return nil, fmt.Errorf("revision %s: %w", rev, err)
	}
	return r, nil
}

// A revision is stored as its JSON header (without the body), a newline,
// and the body exactly as pushed: neither re-encoded nor re-validated.
func encodeRevision(r *revision) ([]byte, error) {
	h := *r
	h.Body = nil
	b, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(b)+1+len(r.Body))
	out = append(append(append(out, b...), '\n'), r.Body...)
	return out, nil
}

// decodeRevision reads what encodeRevision wrote; the body is copied out of
// the transaction's memory.
func decodeRevision(v []byte) (*revision, error) {
	i := bytes.IndexByte(v, '\n')
	if i < 0 {
		return nil, errors.New("damaged revision row")
	}
	var r revision
	if err := json.Unmarshal(v[:i], &r); err != nil {
		return nil, err
	}
	r.Body = append(json.RawMessage(nil), v[i+1:]...)
	return &r, nil
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

func appendEvent(feed *bolt.Bucket, ev event) error {
	seq, err := feed.NextSequence()
	if err != nil {
		return err
	}
	return putJSON(feed, seqKey(seq), ev)
}

// checkRecord applies the protocol's record rules and forms validation in
// Draft mode (the platform tracks drafts too): what it returns makes the
// record invalid.
func checkRecord(rec *protocol.Record) []protocol.Reason {
	malformed := func(err error) []protocol.Reason {
		return []protocol.Reason{{Code: "malformed", Message: "记录格式不正确：" + err.Error()}}
	}
	if err := rec.ValidateShape(); err != nil {
		return malformed(err)
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
	switch rec.Kind {
	case protocol.KindNeed:
		var n forms.Need
		if err := json.Unmarshal(rec.Body, &n); err != nil {
			return undecodable(err)
		}
		if err := rec.CheckBodyIDs(n.ID, n.Rev, n.BaseRev); err != nil {
			return malformed(err)
		}
		if !n.Status.Valid() {
			out = append(out, protocol.Reason{Field: "status", Code: "status", Message: fmt.Sprintf("状态“%s”无法识别。", clipText(string(n.Status)))})
		}
		if !protocol.ValidID(n.EnterpriseID) {
			out = append(out, protocol.Reason{Field: "enterprise_id", Code: "required", Message: "需求必须属于一家企业。"})
		}
		problems = cat.ValidateNeed(&n, forms.Draft)
		if n.Diagnosis != nil {
			problems = append(problems, cat.ValidateDiagnosis(n.Diagnosis, forms.Draft)...)
		}
	case protocol.KindEnterprise:
		var e forms.Enterprise
		if err := json.Unmarshal(rec.Body, &e); err != nil {
			return undecodable(err)
		}
		if err := rec.CheckBodyIDs(e.ID, e.Rev, baseRevOf(rec.Body)); err != nil {
			return malformed(err)
		}
		problems = cat.ValidateEnterprise(&e, forms.Draft)
	}
	for _, p := range problems {
		if p.Severity != forms.SeverityError {
			continue
		}
		out = append(out, protocol.Reason{Field: p.Field, Item: p.Item, Code: p.Code, Message: p.Message(cat, "zh")})
	}
	if len(out) > protocol.MaxReasons {
		out = out[:protocol.MaxReasons]
	}
	return out
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
