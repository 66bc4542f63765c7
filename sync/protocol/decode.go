package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/xunbang/xunbang/forms"
)

// ErrNotProtocol is wrapped by every error that says a body or response is
// not a well-formed v1 protocol message: wrong media type, missing version,
// broken or mis-shaped JSON. A captive portal's login page answering 200 is
// the case in point.
var ErrNotProtocol = errors.New("not a xunbang sync protocol message")

// NotProtocolError says why a message is not a protocol message.
type NotProtocolError struct{ Reason string }

func (e *NotProtocolError) Error() string { return "not a xunbang sync protocol message: " + e.Reason }

// Unwrap makes errors.Is(err, ErrNotProtocol) hold.
func (e *NotProtocolError) Unwrap() error { return ErrNotProtocol }

// VersionError says the other side speaks another protocol version.
type VersionError struct{ Got string }

func (e *VersionError) Error() string {
	return fmt.Sprintf("protocol version %q, want %q", e.Got, Version)
}

func notProtocol(format string, args ...any) error {
	return &NotProtocolError{Reason: fmt.Sprintf(format, args...)}
}

// Message is a protocol body that can check its own shape.
type Message interface {
	// Validate reports the first way the message is not well formed, as an
	// error wrapping ErrNotProtocol (or a *VersionError).
	Validate() error
}

// CheckHeaders checks that a response (or request) carries the protocol's
// media type and version header.
func CheckHeaders(h http.Header) error {
	ct := h.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != MediaType {
		return notProtocol("content type %q", clip(ct))
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return notProtocol("charset %q", clip(cs))
	}
	v := h.Get(HeaderVersion)
	if v == "" {
		return notProtocol("no %s header", HeaderVersion)
	}
	if v != Version {
		return &VersionError{Got: clip(v)}
	}
	return nil
}

// Decode checks the headers, decodes body as exactly one JSON object into m
// (unknown fields are allowed, trailing data is not) and validates it. It is
// the only way bytes from the network become protocol values.
func Decode(h http.Header, body []byte, m Message) error {
	if err := CheckHeaders(h); err != nil {
		return err
	}
	return DecodeBody(body, m)
}

// DecodeBody is Decode without the header checks, for callers that have
// checked them already.
func DecodeBody(body []byte, m Message) error {
	if len(body) > MaxResponseBytes {
		return notProtocol("body of %d bytes", len(body))
	}
	t := bytes.TrimLeft(body, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return notProtocol("body is not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(m); err != nil {
		return notProtocol("JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return notProtocol("trailing data after the JSON object")
	}
	return m.Validate()
}

// Encode returns m as a protocol body, without HTML escaping.
func Encode(m any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SetHeaders sets the protocol's Content-Type and version headers.
func SetHeaders(h http.Header) {
	h.Set("Content-Type", MediaType)
	h.Set(HeaderVersion, Version)
}

func checkVersion(v string) error {
	if v == "" {
		return notProtocol("no protocol field")
	}
	if v != Version {
		return &VersionError{Got: clip(v)}
	}
	return nil
}

// ValidID reports whether s may be a record or revision id: 1 to MaxIDLen
// characters of letters, digits and - _ . : — forms.ValidID, the one rule
// that the store's importers, the window and the hub all apply.
func ValidID(s string) bool { return forms.ValidID(s) }

func validKind(k string) bool { return k == KindNeed || k == KindEnterprise || k == KindSolution }

// Validate checks one record revision: kind, ids, and a body that is a JSON
// object no larger than MaxRecordBytes whose id and rev agree with the
// record's.
func (r *Record) Validate() error {
	if err := r.ValidateShape(); err != nil {
		return err
	}
	var head struct {
		ID      string `json:"id"`
		Rev     string `json:"rev"`
		BaseRev string `json:"base_rev"`
	}
	if err := json.Unmarshal(r.Body, &head); err != nil {
		return notProtocol("record %s: body: %v", r.ID, err)
	}
	return r.CheckBodyIDs(head.ID, head.Rev, head.BaseRev)
}

// CheckBodyIDs checks the id and rev a record's body names (as decoded by
// the caller) against the record's. The body's base_rev, if any, is the
// sending client's own history and is not checked: the record's base_rev is
// the one that counts (the server may give a later revision a different
// effective base, when its base was refused as invalid).
func (r *Record) CheckBodyIDs(id, rev, _ string) error {
	if id != r.ID || rev != r.Rev {
		return notProtocol("record %s: body names id %q rev %q", r.ID, clip(id), clip(rev))
	}
	return nil
}

// ValidateShape is Validate without decoding the body: kind, ids, size, and
// a body that starts as a JSON object.
func (r *Record) ValidateShape() error {
	if !validKind(r.Kind) {
		return notProtocol("record kind %q", clip(r.Kind))
	}
	if !ValidID(r.ID) || !ValidID(r.Rev) || r.BaseRev != "" && !ValidID(r.BaseRev) {
		return notProtocol("record id %q rev %q base %q", clip(r.ID), clip(r.Rev), clip(r.BaseRev))
	}
	if r.Rev == r.BaseRev {
		return notProtocol("record %s: revision is its own base", r.ID)
	}
	if len(r.Body) > MaxRecordBytes {
		return notProtocol("record %s: body of %d bytes", r.ID, len(r.Body))
	}
	t := bytes.TrimLeft(r.Body, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return notProtocol("record %s: body is not a JSON object", r.ID)
	}
	return nil
}

// Validate checks a push request as a whole: version, size, and that every
// record names a known kind, an id and a revision. It does not check each
// record's body: the server answers a malformed record with an Invalid result
// (Record.Validate says why) so that it does not block the rest of the batch.
func (p *PushRequest) Validate() error {
	if err := checkVersion(p.Protocol); err != nil {
		return err
	}
	if len(p.Records) == 0 {
		return notProtocol("push without records")
	}
	if len(p.Records) > MaxBatch {
		return notProtocol("push of %d records (at most %d)", len(p.Records), MaxBatch)
	}
	for i := range p.Records {
		r := &p.Records[i]
		if !validKind(r.Kind) || !ValidID(r.ID) || !ValidID(r.Rev) {
			return notProtocol("record %d: kind %q id %q rev %q", i, clip(r.Kind), clip(r.ID), clip(r.Rev))
		}
	}
	return nil
}

// Validate checks a push response on its own; see also MatchRequest.
func (p *PushResponse) Validate() error {
	if err := checkVersion(p.Protocol); err != nil {
		return err
	}
	if p.Results == nil {
		return notProtocol("push answer without results")
	}
	if len(p.Results) > MaxBatch {
		return notProtocol("push answer with %d results", len(p.Results))
	}
	for i := range p.Results {
		r := &p.Results[i]
		if !validKind(r.Kind) || !ValidID(r.ID) || !ValidID(r.Rev) {
			return notProtocol("result %d: kind %q id %q rev %q", i, clip(r.Kind), clip(r.ID), clip(r.Rev))
		}
		switch r.Outcome {
		case Accepted, Duplicate:
			if r.Current != nil || len(r.Reasons) > 0 {
				return notProtocol("result %d: %s with a current revision or reasons", i, r.Outcome)
			}
		case Conflict:
			if r.Current == nil {
				return notProtocol("result %d: conflict without the current revision", i)
			}
			if err := r.Current.Validate(); err != nil {
				return err
			}
			if r.Current.Kind != r.Kind || r.Current.ID != r.ID {
				return notProtocol("result %d: conflict names another record", i)
			}
		case Invalid:
			if len(r.Reasons) == 0 || len(r.Reasons) > MaxReasons {
				return notProtocol("result %d: invalid with %d reasons", i, len(r.Reasons))
			}
			for _, rs := range r.Reasons {
				if rs.Code == "" {
					return notProtocol("result %d: reason without a code", i)
				}
			}
		default:
			return notProtocol("result %d: outcome %q", i, clip(string(r.Outcome)))
		}
	}
	return nil
}

// MatchRequest checks that the response answers req: one result per record,
// in order, naming the same kind, id and revision.
func (p *PushResponse) MatchRequest(req *PushRequest) error {
	if len(p.Results) != len(req.Records) {
		return notProtocol("%d results for %d records", len(p.Results), len(req.Records))
	}
	for i, r := range p.Results {
		q := req.Records[i]
		if r.Kind != q.Kind || r.ID != q.ID || r.Rev != q.Rev {
			return notProtocol("result %d names %s %s@%s, pushed %s %s@%s", i, r.Kind, r.ID, r.Rev, q.Kind, q.ID, q.Rev)
		}
	}
	return nil
}

// MaxCursorLen bounds a feed cursor.
const MaxCursorLen = 200

// Validate checks a pull response.
func (p *PullResponse) Validate() error {
	if err := checkVersion(p.Protocol); err != nil {
		return err
	}
	if p.Cursor == "" || len(p.Cursor) > MaxCursorLen {
		return notProtocol("cursor %q", clip(p.Cursor))
	}
	if p.Changes == nil {
		return notProtocol("pull answer without changes")
	}
	if len(p.Changes) > MaxPullLimit {
		return notProtocol("%d changes in one page", len(p.Changes))
	}
	for i := range p.Changes {
		if err := p.Changes[i].Validate(); err != nil {
			return fmt.Errorf("change %d: %w", i, err)
		}
	}
	return nil
}

// Validate checks one change: a known kind with exactly its payload.
func (c *Change) Validate() error {
	set := 0
	for _, b := range []bool{c.Record != nil, c.Status != nil, c.Public != nil, c.Registry != nil} {
		if b {
			set++
		}
	}
	switch c.Kind {
	case ChangeRecord:
		if c.Record == nil || set != 1 {
			return notProtocol("record change without exactly a record")
		}
		return c.Record.Validate()
	case ChangeStatus:
		if c.Status == nil || set != 1 {
			return notProtocol("status change without exactly a status")
		}
		s := c.Status
		if !ValidID(s.NeedID) || !s.State.Valid() || s.At.IsZero() {
			return notProtocol("status change for %q: state %q", clip(s.NeedID), clip(string(s.State)))
		}
	case ChangePublicNeed:
		if !ValidID(c.NeedID) || set > 1 || set == 1 && c.Public == nil {
			return notProtocol("public need change for %q", clip(c.NeedID))
		}
		if c.Public != nil && (c.Public.ID != c.NeedID || !c.Public.State.Valid()) {
			return notProtocol("public need %q names %q", clip(c.NeedID), clip(c.Public.ID))
		}
	case ChangeRegistry:
		withdrawn := c.Registry == nil && set == 0 && ValidID(c.RegistryID)
		if !withdrawn && (c.Registry == nil || set != 1 || !ValidID(c.Registry.ID) || c.RegistryID != "") {
			return notProtocol("registry change without a valid entry")
		}
	default:
		return notProtocol("change kind %q", clip(c.Kind))
	}
	return nil
}

// Validate checks a health answer.
func (h *Health) Validate() error {
	if err := checkVersion(h.Protocol); err != nil {
		return err
	}
	if h.Status != "ok" {
		return notProtocol("health status %q", clip(h.Status))
	}
	return nil
}

// Validate checks a whoami answer.
func (i *Identity) Validate() error {
	if err := checkVersion(i.Protocol); err != nil {
		return err
	}
	if i.User == "" || i.Team == "" {
		return notProtocol("identity without user or team")
	}
	return nil
}

// Validate checks an error body.
func (e *ErrorBody) Validate() error {
	if err := checkVersion(e.Protocol); err != nil {
		return err
	}
	if e.Error.Code == "" {
		return notProtocol("error without a code")
	}
	return nil
}

func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	return s[:40] + "…"
}
