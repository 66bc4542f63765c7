package store

import "github.com/xunbang/xunbang/forms"

// An import's merger keeps, for every enterprise it reads, an id or two:
// the stored enterprise an imported one maps to, whether it created it,
// whether the record pins it, whether its stored needs' titles are loaded.
// As maps of strings they held some 30 MB at 200,000 needs (issue 17), each
// entry two pointers for the collector and a 36-byte string or two. An id
// as forms writes them (a lowercase UUID: every id xunbang makes) is kept
// as its 16 bytes, in maps with no pointer; any other id as text.

// idMap maps ids to ids.
type idMap struct {
	uu    map[[16]byte][16]byte
	other map[string]string
}

func newIDMap() *idMap {
	return &idMap{uu: map[[16]byte][16]byte{}, other: map[string]string{}}
}

func (m *idMap) set(k, v string) {
	kb, kok := forms.ParseUUID(k)
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

func (m *idMap) get(k string) (string, bool) {
	if v, ok := m.other[k]; ok {
		return v, true
	}
	if kb, ok := forms.ParseUUID(k); ok {
		if vb, ok := m.uu[kb]; ok {
			return forms.UUIDString(vb), true
		}
	}
	return "", false
}

// idSet is a set of ids.
type idSet struct {
	uu    map[[16]byte]struct{}
	other map[string]struct{}
}

func newIDSet() *idSet {
	return &idSet{uu: map[[16]byte]struct{}{}, other: map[string]struct{}{}}
}

func (s *idSet) add(id string) {
	if b, ok := forms.ParseUUID(id); ok {
		s.uu[b] = struct{}{}
		return
	}
	s.other[id] = struct{}{}
}

func (s *idSet) has(id string) bool {
	if b, ok := forms.ParseUUID(id); ok {
		_, in := s.uu[b]
		return in
	}
	_, in := s.other[id]
	return in
}

// has reports whether k is mapped.
func (m *idMap) has(k string) bool {
	if _, ok := m.other[k]; ok {
		return true
	}
	kb, ok := forms.ParseUUID(k)
	if ok {
		_, ok = m.uu[kb]
	}
	return ok
}

// contactMap maps a stored enterprise's id and a contact id given with it
// to the stored contact's id, as idMap does.
type contactMap struct {
	uu    map[[32]byte][16]byte
	other map[contactKey]string
}

func newContactMap() *contactMap {
	return &contactMap{uu: map[[32]byte][16]byte{}, other: map[contactKey]string{}}
}

// key is the two ids' 32 bytes, when both are UUIDs as forms writes them.
func (contactMap) key(k contactKey) (b [32]byte, ok bool) {
	e, eok := forms.ParseUUID(k.ent)
	g, gok := forms.ParseUUID(k.given)
	copy(b[:16], e[:])
	copy(b[16:], g[:])
	return b, eok && gok
}

func (m *contactMap) set(k contactKey, v string) {
	kb, kok := m.key(k)
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

func (m *contactMap) get(k contactKey) (string, bool) {
	if v, ok := m.other[k]; ok {
		return v, true
	}
	if kb, ok := m.key(k); ok {
		if vb, ok := m.uu[kb]; ok {
			return forms.UUIDString(vb), true
		}
	}
	return "", false
}
