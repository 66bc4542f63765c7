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
