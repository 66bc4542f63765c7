package store

import "github.com/xunbang/xunbang/forms"

// An import's merger keeps, for every enterprise it reads, an id or two:
// the stored enterprise an imported one maps to, whether it created it,
// whether the record pins it, whether its stored needs' titles are loaded,
// the stored enterprise its first stored need names, its contacts' ids.
// As maps of strings they held some 50 MB at 200,000 needs (issue 17),
// each entry two or three pointers for the collector and a 36-byte string
// or more. An id as forms writes them (a lowercase UUID: every id xunbang
// makes) is kept as its 16 bytes, in maps with no pointer; any other id as
// text.

// packedMap maps keys of type K to ids: where the key packs into bytes B
// (pack) and the id is a UUID, as bytes; otherwise as they are.
type packedMap[K comparable, B comparable] struct {
	pack  func(K) (B, bool)
	uu    map[B][16]byte
	other map[K]string
}

func newPackedMap[K comparable, B comparable](pack func(K) (B, bool)) *packedMap[K, B] {
	return &packedMap[K, B]{pack: pack, uu: map[B][16]byte{}, other: map[K]string{}}
}

func (m *packedMap[K, B]) set(k K, v string) {
	kb, kok := m.pack(k)
	vb, vok := forms.ParseUUID(v)
	if kok && vok {
		m.uu[kb] = vb
		delete(m.other, k)
		return
	}
	if kok {
		delete(m.uu, kb)
	}
	m.other[k] = v
}

func (m *packedMap[K, B]) get(k K) (string, bool) {
	if v, ok := m.other[k]; ok {
		return v, true
	}
	if kb, ok := m.pack(k); ok {
		if vb, ok := m.uu[kb]; ok {
			return forms.UUIDString(vb), true
		}
	}
	return "", false
}

// has reports whether k is mapped.
func (m *packedMap[K, B]) has(k K) bool {
	if _, ok := m.other[k]; ok {
		return true
	}
	kb, ok := m.pack(k)
	if ok {
		_, ok = m.uu[kb]
	}
	return ok
}

// idMap maps ids to ids.
type idMap = packedMap[string, [16]byte]

func newIDMap() *idMap { return newPackedMap(forms.ParseUUID[string]) }

// contactMap maps a stored enterprise's id and a contact id given with it
// to the stored contact's id.
type contactMap = packedMap[contactKey, [32]byte]

func newContactMap() *contactMap { return newPackedMap(packContact) }

// packContact is the two ids' 32 bytes, when both are UUIDs as forms
// writes them.
func packContact(k contactKey) (b [32]byte, ok bool) {
	e, eok := forms.ParseUUID(k.ent)
	g, gok := forms.ParseUUID(k.given)
	copy(b[:16], e[:])
	copy(b[16:], g[:])
	return b, eok && gok
}

// idSet is a set of ids.
type idSet struct{ ids forms.IDKeyed[struct{}] }

func newIDSet() *idSet { return &idSet{} }

func (s *idSet) add(id string) { s.ids.Set(id, struct{}{}) }

func (s *idSet) has(id string) bool {
	_, in := s.ids.Get(id)
	return in
}
