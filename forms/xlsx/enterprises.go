package xlsx

import (
	"encoding/binary"
	"reflect"
	"unicode/utf8"
	"unsafe"

	"github.com/xunbang/xunbang/forms"
)

// enterprises holds the enterprises an export needs, trimmed to the fields
// the outputs use, by ID. Each is packed into bytes (see packEnterprise)
// and unpacked for the need that asks for it: an export of 200,000 needs
// holds some 70,000 enterprises for its whole run, and as maps of strings
// they were most of its memory and much of its collector's work; packed,
// they take a fraction of it and hold no pointers for the collector to
// follow. Safe for concurrent reads once filled.
type enterprises struct {
	at    map[string][]byte // the packed enterprise, by ID
	chunk []byte            // where the next one is packed
	buf   []byte            // scratch of add
}

func newEnterprises() *enterprises { return &enterprises{at: map[string][]byte{}} }

// add packs e, in place of any enterprise of its ID: of its values those
// keep reports true for (all if keep is nil), and its contacts with the
// values contact reports true for (none if contact is nil).
func (es *enterprises) add(e *forms.Enterprise, keep, contact func(id string) bool) {
	es.buf = packEnterprise(es.buf[:0], e, byID(keep), byID(contact))
	if cap(es.chunk)-len(es.chunk) < len(es.buf) {
		es.chunk = make([]byte, 0, max(256<<10, len(es.buf)))
	}
	start := len(es.chunk)
	es.chunk = append(es.chunk, es.buf...)
	es.at[e.ID] = es.chunk[start:len(es.chunk):len(es.chunk)]
}

// get returns the enterprise of an ID, unpacked (its own to keep), or nil.
func (es *enterprises) get(id string) *forms.Enterprise {
	b, ok := es.at[id]
	if !ok {
		return nil
	}
	return unpackEnterprise(b)
}

// each calls fn with every enterprise, in no particular order.
func (es *enterprises) each(fn func(id string, e *forms.Enterprise)) {
	for id, b := range es.at {
		fn(id, unpackEnterprise(b))
	}
}

// fieldFilter says whether a field of values is packed.
type fieldFilter func(v forms.Values, id string) bool

// byID is the filter of the fields keep reports true for (nil for nil).
func byID(keep func(id string) bool) fieldFilter {
	if keep == nil {
		return nil
	}
	return func(_ forms.Values, id string) bool { return keep(id) }
}

// filled keeps the fields filled in (forms.Values.Has).
func filled(v forms.Values, id string) bool { return v.Has(id) }

// packEnterprise appends e to b: its ID, its values keep reports true for
// (all if keep is nil), then its contacts (none if contact is nil), each
// an ID and its values contact reports true for. Values are a count, then
// each field's id, the number of its values and the values; a text is its
// length in bytes (uvarint) and its bytes.
func packEnterprise(b []byte, e *forms.Enterprise, keep, contact fieldFilter) []byte {
	b = appendText(b, e.ID)
	b = appendValues(b, e.Values, keep)
	if contact == nil {
		return binary.AppendUvarint(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(e.Contacts)))
	for _, c := range e.Contacts {
		b = appendText(b, c.ID)
		b = appendValues(b, c.Values, contact)
	}
	return b
}

func appendValues(b []byte, v forms.Values, keep fieldFilter) []byte {
	n := 0
	for id := range v {
		if keep == nil || keep(v, id) {
			n++
		}
	}
	b = binary.AppendUvarint(b, uint64(n))
	for id, l := range v {
		if keep != nil && !keep(v, id) {
			continue
		}
		b = appendText(b, id)
		b = binary.AppendUvarint(b, uint64(len(l)))
		for _, s := range l {
			b = appendText(b, s)
		}
	}
	return b
}

func appendText(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// unpackEnterprise reads what packEnterprise wrote. Its texts are the
// packed bytes themselves, which are never written again.
func unpackEnterprise(b []byte) *forms.Enterprise {
	return unpackFrom(&unpacker{b: b})
}

// unpackFrom reads an enterprise packed by packEnterprise from u.
func unpackFrom(u *unpacker) *forms.Enterprise {
	e := &forms.Enterprise{ID: u.text(), Values: u.values()}
	if n := u.count(); n > 0 {
		e.Contacts = make([]forms.Contact, n)
		for i := range e.Contacts {
			e.Contacts[i] = forms.Contact{ID: u.text(), Values: u.values()}
		}
	}
	return e
}

// unpacker reads packed bytes, which its caller wrote: it trusts them.
// Its texts are the bytes themselves, or copies of them with copy.
type unpacker struct {
	b    []byte
	i    int
	copy bool
}

func (u *unpacker) count() int {
	n, k := binary.Uvarint(u.b[u.i:])
	u.i += k
	return int(n)
}

func (u *unpacker) text() string {
	n := u.count()
	if n == 0 {
		return ""
	}
	s := unsafe.String(&u.b[u.i], n)
	if u.copy {
		s = string(u.b[u.i : u.i+n])
	}
	u.i += n
	return s
}

func (u *unpacker) values() forms.Values {
	n := u.count()
	v := make(forms.Values, n)
	for range n {
		id := u.text()
		l := make([]string, u.count())
		for j := range l {
			l[j] = u.text()
		}
		v[id] = l
	}
	return v
}

// The reader of a workbook keeps each enterprise whose rows are done
// packed, in a spill on disk (see reader.settle). packReadEnterprise packs,
// in dst's storage when it has room, what encoding it and decoding it as
// JSON would give back — its filled fields (forms.Values.Has) — in the
// binary form above, 'P' first, for the enterprises a workbook makes (an
// ID, a catalogue version, values and contacts, all valid UTF-8); any
// other it packs as JSON, which starts with '{'.
// TestReadEnterprisePackedAsJSONWould holds the two to the same records.
func packReadEnterprise(dst []byte, e *forms.Enterprise) ([]byte, error) {
	if !onlyPacked(e) || !validUTF8(e) {
		return e.MarshalJSON()
	}
	b := appendText(append(dst[:0], 'P'), e.CatalogueVersion)
	return packEnterprise(b, e, filled, filled), nil
}

// unpackReadEnterprise reads what packReadEnterprise wrote, copying its
// texts (p may be a buffer read into again).
func unpackReadEnterprise(p []byte) (*forms.Enterprise, error) {
	if len(p) == 0 || p[0] != 'P' {
		e := new(forms.Enterprise)
		return e, e.UnmarshalJSON(p)
	}
	u := unpacker{b: p, i: 1, copy: true}
	cv := u.text()
	e := unpackFrom(&u)
	e.CatalogueVersion = cv
	return e, nil
}

// onlyPacked reports whether e holds nothing but what the binary form
// keeps (its ID, catalogue version, values and contacts): every other field
// — those there are, and any a later Enterprise gains — is zero.
func onlyPacked(e *forms.Enterprise) bool {
	rest := *e
	rest.ID, rest.CatalogueVersion, rest.Values, rest.Contacts = "", "", nil, nil
	return reflect.ValueOf(rest).IsZero()
}

// validUTF8 reports whether every text of e is valid UTF-8 (JSON would
// write each bad byte as U+FFFD).
func validUTF8(e *forms.Enterprise) bool {
	ok := func(v forms.Values) bool {
		for id, l := range v {
			if !utf8.ValidString(id) {
				return false
			}
			for _, s := range l {
				if !utf8.ValidString(s) {
					return false
				}
			}
		}
		return true
	}
	if !utf8.ValidString(e.ID) || !utf8.ValidString(e.CatalogueVersion) || !ok(e.Values) {
		return false
	}
	for _, c := range e.Contacts {
		if !utf8.ValidString(c.ID) || !ok(c.Values) {
			return false
		}
	}
	return true
}
