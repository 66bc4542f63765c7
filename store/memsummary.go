package store

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// How memory keeps 200,000 summaries in little room, and loads them fast.
//
// A summary's texts (the folded search text, then id, enterprise id,
// status, type, tech fields, region, visibility and the platform's
// verdict) are written one after the other into a large block of text, and
// its strings are substrings of it. When folding changes nothing (the
// usual case: Chinese text), the title, enterprise name and keywords are
// the search text's own parts, kept once. The Summary structs are carved
// from large arrays too, and a need's tech fields are one string (Codes)
// kept once for all the needs that have the same ones. So a need costs a few hundred bytes and no allocation of its
// own, and Open decodes the stored heads straight from the decrypted bytes
// into those blocks.
//
// A summary replaced by a save stays in its block, unreachable by memory,
// until the block goes: a few hundred bytes per edit in a session.

// Block sizes of the arenas.
const (
	textBlock    = 1 << 20
	sumBlock     = 4096
	verdictBlock = 1024
)

// arenas hands out the memory of summaries. Its methods are called with
// memory.mu held for writing (or before memory is shared, at load).
type arenas struct {
	text     strings.Builder // its buffer never grows: strings already handed out share it
	sums     []Summary
	verdicts []Verdict
	// codes holds one copy of each short code summaries repeat (status,
	// type, visibility, region, tech field, list of tech fields): a few
	// hundred strings for any number of needs.
	codes map[string]string
	// scratch is where codeList joins a list before it looks it up.
	scratch []byte
}

// code returns the kept copy of a short code.
func (a *arenas) code(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := a.codes[string(b)]; ok {
		return s
	}
	if a.codes == nil {
		a.codes = map[string]string{}
	}
	s := string(b)
	a.codes[s] = s
	return s
}

// codeList returns the kept copy of the list of codes l (Codes).
func (a *arenas) codeList(l [][]byte) Codes {
	if len(l) == 1 {
		return Codes(a.code(l[0]))
	}
	return joinCodes(a, l)
}

// codeStrings is codeList of strings: the codes are kept copies already.
func (a *arenas) codeStrings(l []string) Codes {
	if len(l) == 1 {
		return Codes(l[0])
	}
	return joinCodes(a, l)
}

// joinCodes returns the kept copy of the codes l joined as Codes joins
// them.
func joinCodes[T string | []byte](a *arenas, l []T) Codes {
	a.scratch = a.scratch[:0]
	for i, c := range l {
		if i > 0 {
			a.scratch = append(a.scratch, codeSep...)
		}
		a.scratch = append(a.scratch, c...)
	}
	return Codes(a.code(a.scratch))
}

// summary returns a new zero Summary from the current block.
func (a *arenas) summary() *Summary {
	if len(a.sums) == cap(a.sums) {
		a.sums = make([]Summary, 0, sumBlock)
	}
	a.sums = a.sums[:len(a.sums)+1]
	return &a.sums[len(a.sums)-1]
}

// verdict returns v in the current block of verdicts, nil for the zero
// verdict (most needs have none).
func (a *arenas) verdict(v Verdict) *Verdict {
	if v == (Verdict{}) {
		return nil
	}
	if len(a.verdicts) == cap(a.verdicts) {
		a.verdicts = make([]Verdict, 0, verdictBlock)
	}
	a.verdicts = append(a.verdicts, v)
	return &a.verdicts[len(a.verdicts)-1]
}

// reserve makes room for n bytes of text in the current block.
func (a *arenas) reserve(n int) {
	if a.text.Cap()-a.text.Len() < n {
		a.text = strings.Builder{}
		a.text.Grow(max(textBlock, n))
	}
}

// headFields are the parts of an encoded needHead that memory keeps,
// pointing into the encoded bytes.
type headFields struct {
	id, title, entID, entName, status, needType, region, vis []byte
	pState, pURL, pComment                                   []byte
	tech, keywords                                           [][]byte
	confirmed                                                bool
	updated, pUpdated                                        time.Time
	revSeq                                                   uint64
}

// byteReader reads the encoding of headWriter from bytes, without copying.
type byteReader struct {
	b   []byte
	err error
}

func (r *byteReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errShortHead
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *byteReader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if uint64(len(r.b)) < n {
		r.err = errShortHead
		return nil
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}

func (r *byteReader) list(dst [][]byte) [][]byte {
	n := r.uvarint()
	if r.err != nil {
		return dst
	}
	if n > uint64(len(r.b)) {
		r.err = errShortHead
		return dst
	}
	for range n {
		dst = append(dst, r.bytes())
	}
	return dst
}

func (r *byteReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.err = errShortHead
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *byteReader) time() time.Time {
	if r.byte() == 0 || r.err != nil {
		return time.Time{}
	}
	u := r.uvarint()
	sec := int64(u >> 1)
	if u&1 != 0 {
		sec = ^sec
	}
	nsec := r.uvarint()
	return time.Unix(sec, int64(nsec)).UTC()
}

// parse reads an encoded needHead (needHead.encode) into f, reusing f's
// lists.
func (f *headFields) parse(b []byte) error {
	if len(b) == 0 || b[0] != headFormat {
		return fmt.Errorf("need head: unknown format: %w", ErrCorrupt)
	}
	r := byteReader{b: b[1:]}
	f.id = r.bytes()
	f.title = r.bytes()
	f.entID = r.bytes()
	f.entName = r.bytes()
	f.status = r.bytes()
	f.needType = r.bytes()
	f.tech = r.list(f.tech[:0])
	f.keywords = r.list(f.keywords[:0])
	f.region = r.bytes()
	f.vis = r.bytes()
	f.confirmed = r.byte() == 1
	f.updated = r.time()
	r.bytes() // rev
	r.bytes() // base rev
	f.revSeq = r.uvarint()
	r.time()  // created at
	r.bytes() // created by
	r.bytes() // team
	r.byte()  // has confirmation
	f.pState, f.pURL, f.pComment, f.pUpdated = nil, nil, nil, time.Time{}
	if r.err == nil && len(r.b) > 0 {
		f.pState = r.bytes()
		f.pURL = r.bytes()
		f.pComment = r.bytes()
		f.pUpdated = r.time()
	}
	if r.err != nil {
		return fmt.Errorf("need head: %v: %w", r.err, ErrCorrupt)
	}
	return nil
}

// summaryOf makes the Summary memory keeps of f, and its search text, from
// the arenas. entID returns the id string memory keeps for an enterprise
// ("" when it does not know it), which the need's summary shares.
func (a *arenas) summaryOf(f *headFields, entID func([]byte) string) (*Summary, string) {
	eid := entID(f.entID)
	n := len(f.title) + 1 + len(f.entName)
	for _, k := range f.keywords {
		n += 1 + len(k)
	}
	hayLen := n
	n += len(f.id) + len(f.pURL) + len(f.pComment)
	if eid == "" {
		n += len(f.entID)
	}
	a.reserve(n)
	start := a.text.Len()
	put := func(p []byte) [2]int {
		from := a.text.Len() - start
		a.text.Write(p)
		return [2]int{from, from + len(p)}
	}
	title := put(f.title)
	a.text.WriteByte(0)
	entName := put(f.entName)
	for _, k := range f.keywords {
		a.text.WriteByte(0)
		a.text.Write(k)
	}
	id := put(f.id)
	var ent [2]int
	if eid == "" {
		ent = put(f.entID)
	}
	pURL, pComment := put(f.pURL), put(f.pComment)
	text := a.text.String()[start:]
	at := func(r [2]int) string { return text[r[0]:r[1]] }
	if eid == "" {
		eid = at(ent)
	}

	hay := text[:hayLen]
	// Title, enterprise name and keywords are the search text's own parts
	// when folding leaves it as it is; else they keep their spelling
	// beside the folded text.
	if folded := forms.FoldSearch(hay); folded != hay {
		hay = folded
	}
	s := a.summary()
	*s = Summary{
		ID: at(id), Title: at(title), EnterpriseID: eid, EnterpriseName: at(entName),
		Status: forms.Status(a.code(f.status)), NeedType: a.code(f.needType), Region: a.code(f.region),
		Visibility: forms.Visibility(a.code(f.vis)), Confirmed: f.confirmed, UpdatedAt: StampOf(f.updated),
		Platform: a.verdict(Verdict{State: a.code(f.pState), URL: at(pURL), Comment: at(pComment), UpdatedAt: f.pUpdated}),
		revSeq:   f.revSeq,
	}
	s.TechFields = a.codeList(f.tech)
	return s, hay
}
