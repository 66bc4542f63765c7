package forms

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Reading a record back is the store's commonest work (an export reads
// every need), and encoding/json reads one of ours many times over: the
// record's metadata and its fields are two decodes of the same bytes, each
// validated first, and every nested record (the confirmation, the
// diagnosis, each contact) is validated and decoded again inside. Issue 17
// measured it at 57 % of an export.
//
// decodeFast reads a record in one pass instead, into a zero record, for
// the JSON the store and the exporters write: keys of lowercase ASCII
// letters, digits and underscores, each once; the metadata of its type; and
// field values of strings, numbers, booleans and flat lists of them. On
// anything else — a key that is not plain, one it does not know, a
// duplicate, a value of an unexpected type, an escape it does not decode
// (a UTF-16 surrogate), JSON that is not valid — it gives up, and the
// record is read by the reference decoder (unmarshalInline's encoding/json
// path), which returns its result or its error. So decodeFast never decides
// an outcome: where it answers, it answers what encoding/json would
// (FuzzDecodeFast compares them), and where the two could differ it does
// not answer. A metadata field added to a record type later is a key it does
// not know: such records take the reference path until decodeFast learns
// it.

// The metadata keys of each record type, for telling an unknown metadata
// key from a field id.
var (
	needKeys         = MetaKeys(needMeta{})
	enterpriseKeys   = MetaKeys(enterpriseMeta{})
	contactKeys      = MetaKeys(contactMeta{})
	diagnosisKeys    = MetaKeys(diagnosisMeta{})
	confirmationKeys = MetaKeys(confirmationMeta{})
)

// decodeFast decodes b into meta and *v when it can; see above. meta is one
// of the record types' meta pointers, and with *v it must be zero.
func decodeFast(b []byte, meta any, v *Values) bool {
	return decodeFastAs(decoder{b: b}, meta, v)
}

func decodeFastAs(d decoder, meta any, v *Values) bool {
	b := d.b
	if *v != nil || !reflect.ValueOf(meta).Elem().IsZero() || !utf8.Valid(b) {
		return false
	}
	ok := false
	switch m := meta.(type) {
	case *needMeta:
		ok = d.record(v, metaOfNeed, m.member, fieldsOfNeed)
	case *enterpriseMeta:
		ok = d.record(v, metaOfEnterprise, m.member, fieldsOfEnterprise)
	case *contactMeta:
		ok = d.record(v, metaOfContact, m.member, fieldsOfNested)
	case *diagnosisMeta:
		ok = d.record(v, metaOfDiagnosis, m.member, fieldsOfNested)
	case *confirmationMeta:
		ok = d.record(v, metaOfConfirmation, m.member, fieldsOfNested)
	}
	if ok {
		d.ws()
		ok = d.i == len(d.b)
	}
	if !ok {
		// Back to zero for the reference decoder.
		reflect.ValueOf(meta).Elem().SetZero()
		*v = nil
	}
	return ok
}

// How many fields a record of a type usually has: its map is made that
// big, not grown (and rehashed) field by field.
const (
	fieldsOfNeed       = 24
	fieldsOfEnterprise = 12
	fieldsOfNested     = 4 // a contact, a diagnosis, a confirmation
)

// decoder reads JSON from b at i. Its methods report false when they give
// up; what they have read is then of no use.
type decoder struct {
	b []byte
	i int
	// noEvidence skips a confirmation's content and signature, leaving
	// them nil (see UnmarshalNeedWithoutEvidence).
	noEvidence bool
	// transient says the record is not kept by its reader: its strings
	// and one-value lists share allocations (see reserve and one).
	transient bool
	slab      []string // for one (see there)
	arena     []byte   // for the strings (see reserve)
}

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// next skips white space and reports whether the next byte is c, taking
// it if so.
func (d *decoder) next(c byte) bool {
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// peek skips white space and returns the next byte, 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// null takes a null, reporting whether there was one.
func (d *decoder) null() bool {
	if d.peek() == 'n' && len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// member decodes the value of one metadata key into a record, reporting
// false for a key it does not know or a value it cannot take.
type member func(d *decoder, key string) bool

// record reads an object: metadata keys through meta, the type key of
// JSON Lines skipped, every other key a field into *v (an empty value
// leaves the field out).
func (d *decoder) record(v *Values, metaBit uint8, meta member, fields int) bool {
	if !d.next('{') {
		return false
	}
	vals := make(Values, fields)
	var (
		seenKnown [(maxKnownKeys + 63) / 64]uint64 // by keyInfo.n
		seenBuf   [8]string                        // the keys not known
	)
	seen := seenBuf[:0]
	if d.next('}') {
		*v = vals
		return true
	}
	for {
		key, ok := d.key()
		if !ok {
			return false
		}
		// A duplicate gives up: encoding/json's rules differ by kind.
		if key.n > 0 {
			w, bit := key.n/64, uint64(1)<<(key.n%64)
			if seenKnown[w]&bit != 0 {
				return false
			}
			seenKnown[w] |= bit
		} else {
			if slices.Contains(seen, key.name) {
				return false
			}
			seen = append(seen, key.name)
		}
		if !d.next(':') {
			return false
		}
		switch {
		case key.meta&metaBit != 0:
			if !meta(d, key.name) {
				return false
			}
		case key.name == "type":
			if _, ok := d.str(); !ok {
				return false
			}
		default:
			l, ok := d.fieldValue()
			if !ok {
				return false
			}
			if len(l) > 0 {
				vals[key.name] = l
			}
		}
		if d.next(',') {
			continue
		}
		if !d.next('}') {
			return false
		}
		*v = vals
		return true
	}
}

// key reads an object key made of lowercase ASCII letters, digits and
// underscores (no escapes): a key encoding/json matches to a metadata field
// exactly or not at all. A key the decoder knows (knownKeys) comes back as
// its own string, with what it knows of it; the closing quote is found by
// bytes.IndexByte and only an unknown key's letters are checked one by one
// (a known key is made of those letters).
func (d *decoder) key() (keyInfo, bool) {
	if !d.next('"') {
		return keyInfo{}, false
	}
	raw := d.b[d.i:]
	j := bytes.IndexByte(raw, '"')
	if j <= 0 {
		return keyInfo{}, false
	}
	raw = raw[:j]
	if k, ok := knownKeys()[string(raw)]; ok {
		d.i += j + 1
		return k, true // no copy of a key every record has
	}
	if !keyLetters(raw) {
		return keyInfo{}, false
	}
	d.i += j + 1
	return keyInfo{name: string(raw)}, true
}

// keyLetters reports whether b is made of lowercase ASCII letters, digits
// and underscores.
func keyLetters[T string | []byte](b T) bool {
	for i := 0; i < len(b); i++ {
		if c := b[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// keyInfo is what the decoder knows of an object key.
type keyInfo struct {
	name string
	// meta has a bit (metaOfNeed …) for each record type whose metadata
	// the key names.
	meta uint8
	// n numbers the known keys from 1, for finding a duplicate; 0 for a
	// key not known.
	n int
}

// The record types' bits in keyInfo.meta.
const (
	metaOfNeed uint8 = 1 << iota
	metaOfEnterprise
	metaOfContact
	metaOfDiagnosis
	metaOfConfirmation
)

// maxKnownKeys bounds the number of known keys (record keeps a bit for
// each); knownKeys panics past it, which every decoding test would show.
const maxKnownKeys = 512

// knownKeys maps the catalogue's field ids and the records' metadata keys
// to what the decoder knows of them.
var knownKeys = sync.OnceValue(func() map[string]keyInfo {
	m := map[string]keyInfo{}
	add := func(k string, meta uint8) {
		if !keyLetters(k) {
			return // read as encoding/json would not match it (see key)
		}
		ki, ok := m[k]
		if !ok {
			ki = keyInfo{name: k, n: len(m) + 1}
		}
		ki.meta |= meta
		m[k] = ki
	}
	for _, f := range Default().Fields() {
		add(f.ID, 0)
	}
	for _, x := range []struct {
		keys map[string]bool
		bit  uint8
	}{{needKeys, metaOfNeed}, {enterpriseKeys, metaOfEnterprise}, {contactKeys, metaOfContact},
		{diagnosisKeys, metaOfDiagnosis}, {confirmationKeys, metaOfConfirmation}, {map[string]bool{"type": true}, 0}} {
		for k := range x.keys {
			add(k, x.bit)
		}
	}
	if len(m) >= maxKnownKeys {
		panic(fmt.Sprintf("forms: %d known keys, more than maxKnownKeys", len(m)))
	}
	return m
})

// str reads a string.
func (d *decoder) str() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	raw, escaped, ok := d.rawString()
	switch {
	case !ok:
		return "", false
	case !escaped:
		return d.text(raw), true
	}
	room := d.reserve(len(raw))
	out, ok := unquoteAppend(room, raw)
	if !ok {
		return "", false
	}
	return d.keep(out), true
}

// A record whose reader does not keep it (an export's need: decoder.
// transient) has its strings copied into chunks of bytes it owns (an
// arena): a few allocations a record instead of one a string. A chunk is
// never written again where a string lies, so the strings stay as they
// are; but a string kept keeps its chunk, which holds the same record's
// other texts, so a record whose strings may be kept (an import's
// enterprise, whose name a merger holds for the whole import) gets one
// allocation a string, as before. A long string gets bytes of its own, so
// that little of a chunk is left unused.
const arenaChunk = 4 << 10

// reserve returns room for at least n bytes, to append a string just read
// to: the arena's free room, or bytes of the string's own. A new chunk is
// no bigger than the rest of the record, which is all the text there can
// still be.
func (d *decoder) reserve(n int) []byte {
	if n > arenaChunk/4 || !d.transient {
		return make([]byte, 0, n)
	}
	if cap(d.arena)-len(d.arena) < n {
		d.arena = make([]byte, 0, min(arenaChunk, n+len(d.b)-d.i))
	}
	return d.arena[len(d.arena):]
}

// keep returns the bytes appended to a room reserve returned as a string,
// taking them out of the arena's free room if they lie there. No one else
// holds them, and they are not written again.
func (d *decoder) keep(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if free := d.arena[len(d.arena):]; len(free) < cap(free) && len(b) <= cap(free) &&
		unsafe.SliceData(b) == unsafe.SliceData(free[:1]) {
		d.arena = d.arena[:len(d.arena)+len(b)]
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// text returns raw as a string in the arena.
func (d *decoder) text(raw []byte) string {
	return d.keep(append(d.reserve(len(raw)), raw...))
}

// rawString reads a string and returns its bytes between the quotes,
// escapes undecoded, and whether it has any. Where no byte is a quote, a
// backslash or a control, it goes eight at a time.
func (d *decoder) rawString() (raw []byte, escaped, ok bool) {
	b := d.b
	start := d.i + 1 // after the opening quote
	i := start
	for {
		for i+8 <= len(b) && !special8(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		if i >= len(b) {
			return nil, false, false
		}
		switch c := b[i]; {
		case c == '"':
			d.i = i + 1
			return b[start:i], escaped, true
		case c == '\\':
			escaped = true
			i += 2
		case c < 0x20:
			return nil, false, false
		default:
			i++
		}
	}
}

// special8 reports whether any of the eight bytes of x may be a quote, a
// backslash or a control (below 0x20): never false when one is, and true
// only rarely when none is (a borrow past a byte that is).
func special8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ (ones * '"')
	s := x ^ (ones * '\\')
	return ((q-ones)&^q|(s-ones)&^s|(x-ones*0x20)&^x)&highs != 0
}

// unquoteAppend appends raw with its escapes decoded to out: those of
// RFC 8259 but for UTF-16 surrogates, which it leaves to encoding/json.
// What it appends is never longer than raw.
func unquoteAppend(out, raw []byte) ([]byte, bool) {
	i := bytes.IndexByte(raw, '\\')
	for i >= 0 {
		out = append(out, raw[:i]...)
		raw = raw[i:]
		if len(raw) < 2 {
			return nil, false
		}
		n := 2
		switch raw[1] {
		case '"', '\\', '/':
			out = append(out, raw[1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if len(raw) < 6 {
				return nil, false
			}
			r, err := strconv.ParseUint(string(raw[2:6]), 16, 32)
			if err != nil || utf16.IsSurrogate(rune(r)) {
				return nil, false
			}
			out = utf8.AppendRune(out, rune(r))
			n = 6
		default:
			return nil, false
		}
		raw = raw[n:]
		i = bytes.IndexByte(raw, '\\')
	}
	return append(out, raw...), true
}

// fieldValue reads a field's value as decodeValue does: null nothing, a
// boolean "true" or "false", a string, a number as written, a list of
// these (its nulls left out).
func (d *decoder) fieldValue() ([]string, bool) {
	if d.peek() != '[' {
		s, null, ok := d.scalar()
		if !ok || null {
			return nil, ok
		}
		return d.one(s), true
	}
	d.i++
	out := []string{}
	if d.next(']') {
		return out, true
	}
	for {
		s, null, ok := d.scalar()
		if !ok {
			return nil, false
		}
		if !null {
			out = append(out, s)
		}
		if d.next(',') {
			continue
		}
		return out, d.next(']')
	}
}

// one returns a list of s alone. The lists of a transient record's
// one-value fields share an array (cut to length, so that appending to one
// copies it): a record takes one allocation for them, not one a field.
func (d *decoder) one(s string) []string {
	if !d.transient {
		return []string{s}
	}
	if len(d.slab) == 0 {
		d.slab = make([]string, 16)
	}
	l := d.slab[:1:1]
	d.slab = d.slab[1:]
	l[0] = s
	return l
}

// scalar reads a string, number, boolean or null.
func (d *decoder) scalar() (s string, null, ok bool) {
	switch c := d.peek(); {
	case c == '"':
		s, ok = d.str()
		return s, false, ok
	case c == 'n':
		return "", true, d.null()
	case c == 't' || c == 'f':
		for _, lit := range []string{"true", "false"} {
			if len(d.b)-d.i >= len(lit) && string(d.b[d.i:d.i+len(lit)]) == lit {
				d.i += len(lit)
				return lit, false, d.delimited()
			}
		}
		return "", false, false
	case c == '-' || c >= '0' && c <= '9':
		start := d.i
		if !d.number() {
			return "", false, false
		}
		return d.text(d.b[start:d.i]), false, true
	}
	return "", false, false
}

// delimited reports whether a literal just read ends where JSON lets it:
// at white space, a comma, a closing bracket or the end.
func (d *decoder) delimited() bool {
	if d.i == len(d.b) {
		return true
	}
	switch d.b[d.i] {
	case ' ', '\t', '\n', '\r', ',', ']', '}':
		return true
	}
	return false
}

// number reads a number by RFC 8259's grammar.
func (d *decoder) number() bool {
	b := d.b
	i := d.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	d.i = i
	return d.delimited()
}

// strInto reads a string into *p; null leaves it as it is (a zero record's
// field stays empty), as encoding/json does.
func (d *decoder) strInto(p *string) bool {
	if d.null() {
		return true
	}
	s, ok := d.str()
	*p = s
	return ok
}

// boolInto reads true or false into *p; null leaves it as it is, as
// encoding/json does.
func (d *decoder) boolInto(p *bool) bool {
	if d.null() {
		return true
	}
	switch d.peek() {
	case 't', 'f':
		s, _, ok := d.scalar()
		*p = s == "true"
		return ok
	}
	return false
}

// strList reads a list of strings; null is a nil list, [] an empty one.
func (d *decoder) strList(p *[]string) bool {
	if d.null() {
		*p = nil
		return true
	}
	if !d.next('[') {
		return false
	}
	out := []string{}
	if !d.next(']') {
		for {
			s, ok := d.str()
			if !ok {
				return false
			}
			out = append(out, s)
			if d.next(',') {
				continue
			}
			if !d.next(']') {
				return false
			}
			break
		}
	}
	*p = out
	return true
}

// timeInto reads a time as time.Time's UnmarshalJSON does (from the
// string's bytes as written); null leaves it as it is.
func (d *decoder) timeInto(t *time.Time) bool {
	if d.null() {
		return true
	}
	if d.peek() != '"' {
		return false
	}
	start := d.i
	if _, _, ok := d.rawString(); !ok {
		return false
	}
	return t.UnmarshalJSON(d.b[start:d.i]) == nil
}

// skipBytes reads past a value bytesInto would read, or null, keeping
// nothing: its base64 is not checked.
func (d *decoder) skipBytes() bool {
	if d.null() {
		return true
	}
	if d.peek() != '"' {
		return false
	}
	_, _, ok := d.rawString()
	return ok
}

// bytesInto reads base64 as encoding/json does for a []byte; null is nil.
func (d *decoder) bytesInto(p *[]byte) bool {
	if d.null() {
		*p = nil
		return true
	}
	if d.peek() != '"' {
		return false
	}
	raw, escaped, ok := d.rawString()
	if !ok || escaped {
		return false // an escaped base64 string: rare, and left to encoding/json
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(raw)))
	n, err := base64.StdEncoding.Decode(out, raw)
	if err != nil {
		return false
	}
	*p = out[:n]
	return true
}

// object reads an object whose keys member takes, each once.
func (d *decoder) object(m member) bool {
	if !d.next('{') {
		return false
	}
	if d.next('}') {
		return true
	}
	var seen []string
	for {
		k, ok := d.key()
		if !ok {
			return false
		}
		key := k.name
		if slices.Contains(seen, key) {
			return false
		}
		seen = append(seen, key)
		if !d.next(':') || !m(d, key) {
			return false
		}
		if d.next(',') {
			continue
		}
		return d.next('}')
	}
}

func (n *needMeta) member(d *decoder, key string) bool {
	switch key {
	case "id":
		return d.strInto(&n.ID)
	case "enterprise_id":
		return d.strInto(&n.EnterpriseID)
	case "contact_id":
		return d.strInto(&n.ContactID)
	case "rev":
		return d.strInto(&n.Rev)
	case "base_rev":
		return d.strInto(&n.BaseRev)
	case "catalogue_version":
		return d.strInto(&n.CatalogueVersion)
	case "status":
		return d.strInto((*string)(&n.Status))
	case "stale_from":
		return d.strInto((*string)(&n.StaleFrom))
	case "missing":
		return d.strList(&n.Missing)
	case "overrides":
		return d.strList(&n.Overrides)
	case "diagnosis":
		if d.null() {
			n.Diagnosis = nil
			return true
		}
		x := new(Diagnosis)
		n.Diagnosis = x
		return d.record(&x.Values, metaOfDiagnosis, (*diagnosisMeta)(x).member, fieldsOfNested)
	case "confirmation":
		if d.null() {
			n.Confirmation = nil
			return true
		}
		x := new(Confirmation)
		n.Confirmation = x
		return d.record(&x.Values, metaOfConfirmation, (*confirmationMeta)(x).member, fieldsOfNested)
	case "platform":
		if d.null() {
			return true
		}
		return d.object(n.Platform.member)
	case "team":
		return d.strInto(&n.Team)
	case "created_by":
		return d.strInto(&n.CreatedBy)
	case "created_at":
		return d.timeInto(&n.CreatedAt)
	case "updated_at":
		return d.timeInto(&n.UpdatedAt)
	}
	return false
}

func (p *Platform) member(d *decoder, key string) bool {
	switch key {
	case "state":
		return d.strInto(&p.State)
	case "url":
		return d.strInto(&p.URL)
	case "comment":
		return d.strInto(&p.Comment)
	case "updated_at":
		return d.timeInto(&p.UpdatedAt)
	case "region_shown":
		return d.boolInto(&p.RegionShown)
	case "region":
		return d.strInto(&p.Region)
	}
	return false
}

func (e *enterpriseMeta) member(d *decoder, key string) bool {
	switch key {
	case "id":
		return d.strInto(&e.ID)
	case "rev":
		return d.strInto(&e.Rev)
	case "catalogue_version":
		return d.strInto(&e.CatalogueVersion)
	case "contacts":
		return d.contacts(&e.Contacts)
	case "overrides":
		return d.strList(&e.Overrides)
	case "team":
		return d.strInto(&e.Team)
	case "created_by":
		return d.strInto(&e.CreatedBy)
	case "created_at":
		return d.timeInto(&e.CreatedAt)
	case "updated_at":
		return d.timeInto(&e.UpdatedAt)
	}
	return false
}

// contacts reads a list of contacts; null is a nil list, [] an empty one.
func (d *decoder) contacts(p *[]Contact) bool {
	if d.null() {
		*p = nil
		return true
	}
	if !d.next('[') {
		return false
	}
	out := []Contact{}
	if !d.next(']') {
		for {
			var c Contact
			if !d.record(&c.Values, metaOfContact, (*contactMeta)(&c).member, fieldsOfNested) {
				return false
			}
			out = append(out, c)
			if d.next(',') {
				continue
			}
			if !d.next(']') {
				return false
			}
			break
		}
	}
	*p = out
	return true
}

func (c *contactMeta) member(d *decoder, key string) bool {
	if key == "id" {
		return d.strInto(&c.ID)
	}
	return false
}

func (x *diagnosisMeta) member(d *decoder, key string) bool {
	switch key {
	case "by":
		return d.strInto(&x.By)
	case "at":
		return d.timeInto(&x.At)
	}
	return false
}

func (c *confirmationMeta) member(d *decoder, key string) bool {
	switch key {
	case "at":
		return d.timeInto(&c.At)
	case "visibility":
		return d.strInto((*string)(&c.Visibility))
	case "notice_version":
		return d.strInto(&c.NoticeVersion)
	case "signature":
		if d.noEvidence {
			return d.skipBytes()
		}
		return d.bytesInto(&c.Signature)
	case "content":
		if d.noEvidence {
			return d.skipBytes()
		}
		return d.bytesInto(&c.Content)
	case "content_hash":
		return d.strInto(&c.ContentHash)
	case "recoded":
		return d.recodings(&c.Recoded)
	}
	return false
}

// recodings reads a confirmation's list of re-encodings.
func (d *decoder) recodings(p *[]Recoding) bool {
	if d.null() {
		*p = nil
		return true
	}
	if !d.next('[') {
		return false
	}
	out := []Recoding{}
	if !d.next(']') {
		for {
			var r Recoding
			if !d.object(r.member) {
				return false
			}
			out = append(out, r)
			if d.next(',') {
				continue
			}
			if !d.next(']') {
				return false
			}
			break
		}
	}
	*p = out
	return true
}

func (r *Recoding) member(d *decoder, key string) bool {
	switch key {
	case "at":
		return d.timeInto(&r.At)
	case "from_hash":
		return d.strInto(&r.FromHash)
	case "reason":
		return d.strInto(&r.Reason)
	}
	return false
}
