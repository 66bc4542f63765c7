package forms

// IDKeyed maps record ids to values of type V. An id as UUIDString writes
// one (every id xunbang makes) is kept as its 16 bytes, any other as text:
// the maps a big import keeps by id then hold no pointer for the collector
// to follow, and keep no id string — nor the record it was cut from —
// alive (issue 17). ParseUUID takes only that one spelling, so an id lies
// in one map or the other, never both. The zero IDKeyed is empty and ready
// to use.
type IDKeyed[V any] struct {
	uu    map[[16]byte]V
	other map[string]V
}

// Set maps id to v.
func (m *IDKeyed[V]) Set(id string, v V) {
	if k, ok := ParseUUID(id); ok {
		if m.uu == nil {
			m.uu = map[[16]byte]V{}
		}
		m.uu[k] = v
		return
	}
	if m.other == nil {
		m.other = map[string]V{}
	}
	m.other[id] = v
}

// Get returns the value id is mapped to, and whether it is.
func (m *IDKeyed[V]) Get(id string) (v V, ok bool) {
	if k, isUUID := ParseUUID(id); isUUID {
		v, ok = m.uu[k]
	} else {
		v, ok = m.other[id]
	}
	return v, ok
}
