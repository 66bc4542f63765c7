package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/xunbang/xunbang/forms"
)

// maxIDLen bounds record ids; forms.NewID makes 36-character UUIDs.
const maxIDLen = 128

// validID reports whether id can be a record id: not empty, not too long,
// valid UTF-8, no 0x00 (the separator of composite keys) and no other
// control characters.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

func checkID(what, id string) error {
	if !validID(id) {
		return fmt.Errorf("%s id %q: %w", what, id, ErrInvalid)
	}
	return nil
}

// pairKey returns a 0x00 b, the key of a composite index entry.
func pairKey(a, b string) []byte {
	k := make([]byte, 0, len(a)+1+len(b))
	k = append(k, a...)
	k = append(k, 0)
	return append(k, b...)
}

// prefixKey returns a 0x00, the prefix of all pairKey(a, …).
func prefixKey(a string) []byte {
	k := make([]byte, 0, len(a)+1)
	k = append(k, a...)
	return append(k, 0)
}

// seqKey returns a revision key: id 0x00 seq (8 bytes big-endian).
func seqKey(id string, seq uint64) []byte {
	k := make([]byte, 0, len(id)+9)
	k = append(k, id...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// splitSeqKey reverses seqKey.
func splitSeqKey(k []byte) (string, uint64, bool) {
	if len(k) < 9 || k[len(k)-9] != 0 {
		return "", 0, false
	}
	return string(k[:len(k)-9]), binary.BigEndian.Uint64(k[len(k)-8:]), true
}

// u64Key returns seq as 8 bytes big-endian.
func u64Key(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// timeKey returns the key of a by-time index entry: 12 bytes of time that
// sort in time order, then the id.
func timeKey(t time.Time, id string) []byte {
	k := make([]byte, 0, 12+len(id))
	k = binary.BigEndian.AppendUint64(k, uint64(t.Unix())^(1<<63))
	k = binary.BigEndian.AppendUint32(k, uint32(t.Nanosecond()))
	return append(k, id...)
}

// timeKeyID returns the id of a timeKey.
func timeKeyID(k []byte) string {
	if len(k) < 12 {
		return ""
	}
	return string(k[12:])
}

// timeKeyTime returns the time of a timeKey.
func timeKeyTime(k []byte) time.Time {
	if len(k) < 12 {
		return time.Time{}
	}
	sec := int64(binary.BigEndian.Uint64(k[:8]) ^ (1 << 63))
	return time.Unix(sec, int64(binary.BigEndian.Uint32(k[8:12]))).UTC()
}

// The heads are stored in a compact binary form, not JSON, so that Open
// reads 50,000 of them in a few tens of milliseconds. Each starts with a
// format byte; strings are uvarint-length-prefixed, lists are a uvarint
// count of strings, times are varint seconds and uvarint nanoseconds.

const headFormat = 1

type headWriter struct{ b []byte }

func (w *headWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *headWriter) strs(l []string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(l)))
	for _, s := range l {
		w.str(s)
	}
}

// codes writes c as strs writes its list.
func (w *headWriter) codes(c Codes) {
	w.b = binary.AppendUvarint(w.b, uint64(c.Len()))
	for s := range c.All() {
		w.str(s)
	}
}

func (w *headWriter) time(t time.Time) {
	if t.IsZero() {
		w.b = append(w.b, 0)
		return
	}
	w.b = append(w.b, 1)
	w.b = binary.AppendVarint(w.b, t.Unix())
	w.b = binary.AppendUvarint(w.b, uint64(t.Nanosecond()))
}

func (w *headWriter) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

var errShortHead = errors.New("truncated head")

// headReader decodes a head from one string copy of its bytes: the strings
// it returns are substrings of that copy, so a head costs one allocation
// for all its text, and none of it refers to the transaction's memory.
type headReader struct {
	s   string
	err error
}

func newHeadReader(b []byte) headReader { return headReader{s: string(b)} }

func (r *headReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	var v uint64
	for i, shift := 0, uint(0); i < len(r.s) && i < binary.MaxVarintLen64; i, shift = i+1, shift+7 {
		c := r.s[i]
		if c < 0x80 {
			r.s = r.s[i+1:]
			return v | uint64(c)<<shift
		}
		v |= uint64(c&0x7f) << shift
	}
	r.err = errShortHead
	return 0
}

func (r *headReader) varint() int64 {
	u := r.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (r *headReader) str() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if uint64(len(r.s)) < n {
		r.err = errShortHead
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

// codes reads what headWriter.codes (or strs) wrote. A single code is a
// part of the head, not a copy.
func (r *headReader) codes() Codes {
	n := r.uvarint()
	if r.err != nil || n == 0 {
		return ""
	}
	if n > uint64(len(r.s)) {
		r.err = errShortHead
		return ""
	}
	if n == 1 {
		return Codes(r.str())
	}
	var buf [8]string
	l := buf[:0]
	for range n {
		l = append(l, r.str())
	}
	return CodesOf(l...)
}

func (r *headReader) strs() []string {
	n := r.uvarint()
	if r.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(r.s)) {
		r.err = errShortHead
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = r.str()
	}
	return l
}

func (r *headReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if len(r.s) == 0 {
		r.err = errShortHead
		return 0
	}
	c := r.s[0]
	r.s = r.s[1:]
	return c
}

func (r *headReader) bool() bool { return r.byte() == 1 }

func (r *headReader) time() time.Time {
	if r.byte() == 0 || r.err != nil {
		return time.Time{}
	}
	sec := r.varint()
	nsec := r.uvarint()
	return time.Unix(sec, int64(nsec)).UTC()
}

// needHead is what the store keeps of a need beside its JSON: the need
// list's Summary and what the next save needs of this revision, so that a
// save never decodes the previous revision in full.
type needHead struct {
	Summary
	// Keywords are the need's keywords: part of its search text, which is
	// all a summary keeps of them (issue 17: 40 to 90 bytes a need less).
	Keywords []string
	// Updated is when the need was last saved, exactly: the summary's
	// UpdatedAt is it as a Stamp.
	Updated         time.Time
	Rev             string
	BaseRev         string
	RevSeq          uint64 // the key of the current revision's row
	CreatedAt       time.Time
	CreatedBy, Team string
	// HasConfirmation reports whether the need has a confirmation, current or
	// stale: saving its enterprise must look at it.
	HasConfirmation bool
}

func (h *needHead) encode() []byte {
	w := headWriter{b: make([]byte, 0, 256)}
	w.b = append(w.b, headFormat)
	w.str(h.ID)
	w.str(h.Title)
	w.str(h.EnterpriseID)
	w.str(h.EnterpriseName)
	w.str(string(h.Status))
	w.str(h.NeedType)
	w.codes(h.TechFields)
	w.strs(h.Keywords)
	w.str(h.Region)
	w.str(string(h.Visibility))
	w.bool(h.Confirmed)
	w.time(h.Updated)
	w.str(h.Rev)
	w.str(h.BaseRev)
	w.b = binary.AppendUvarint(w.b, h.RevSeq)
	w.time(h.CreatedAt)
	w.str(h.CreatedBy)
	w.str(h.Team)
	w.bool(h.HasConfirmation)
	// Added in schema 3; a head without them has no verdict.
	v := h.Platform.Or()
	w.str(v.State)
	w.str(v.URL)
	w.str(v.Comment)
	w.time(v.UpdatedAt)
	return w.b
}

func decodeNeedHead(b []byte) (*needHead, error) {
	if len(b) == 0 || b[0] != headFormat {
		return nil, fmt.Errorf("need head: unknown format: %w", ErrCorrupt)
	}
	r := newHeadReader(b[1:])
	h := &needHead{}
	h.ID = r.str()
	h.Title = r.str()
	h.EnterpriseID = r.str()
	h.EnterpriseName = r.str()
	h.Status = forms.Status(r.str())
	h.NeedType = r.str()
	h.TechFields = r.codes()
	h.Keywords = r.strs()
	h.Region = r.str()
	h.Visibility = forms.Visibility(r.str())
	h.Confirmed = r.bool()
	h.Updated = r.time()
	h.Summary.UpdatedAt = StampOf(h.Updated)
	h.Rev = r.str()
	h.BaseRev = r.str()
	h.RevSeq = r.uvarint()
	h.CreatedAt = r.time()
	h.CreatedBy = r.str()
	h.Team = r.str()
	h.HasConfirmation = r.bool()
	if r.err == nil && len(r.s) > 0 {
		var v Verdict
		v.State = r.str()
		v.URL = r.str()
		v.Comment = r.str()
		v.UpdatedAt = r.time()
		h.Platform = verdictPtr(v)
	}
	if r.err != nil {
		return nil, fmt.Errorf("need head: %v: %w", r.err, ErrCorrupt)
	}
	return h, nil
}

// entHead is what the store keeps of an enterprise beside its JSON: what
// need summaries and enterprise search show, and what a save needs.
type entHead struct {
	ID, Name, CreditCode, Region string
	Rev                          string
	RevSeq                       uint64
	CreatedAt, UpdatedAt         time.Time
	CreatedBy, Team              string
}

func (h *entHead) encode() []byte {
	w := headWriter{b: make([]byte, 0, 160)}
	w.b = append(w.b, headFormat)
	w.str(h.ID)
	w.str(h.Name)
	w.str(h.CreditCode)
	w.str(h.Region)
	w.str(h.Rev)
	w.b = binary.AppendUvarint(w.b, h.RevSeq)
	w.time(h.CreatedAt)
	w.time(h.UpdatedAt)
	w.str(h.CreatedBy)
	w.str(h.Team)
	return w.b
}

func decodeEntHead(b []byte) (*entHead, error) {
	if len(b) == 0 || b[0] != headFormat {
		return nil, fmt.Errorf("enterprise head: unknown format: %w", ErrCorrupt)
	}
	r := newHeadReader(b[1:])
	h := &entHead{}
	h.ID = r.str()
	h.Name = r.str()
	h.CreditCode = r.str()
	h.Region = r.str()
	h.Rev = r.str()
	h.RevSeq = r.uvarint()
	h.CreatedAt = r.time()
	h.UpdatedAt = r.time()
	h.CreatedBy = r.str()
	h.Team = r.str()
	if r.err != nil {
		return nil, fmt.Errorf("enterprise head: %v: %w", r.err, ErrCorrupt)
	}
	return h, nil
}
