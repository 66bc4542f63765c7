package forms

import (
	"slices"
	"strings"
)

// Values holds a record's field values by catalogue field id, each in its
// canonical text form: numbers and money as plain decimals ("50", "0.5"),
// dates as "2006-01-02" or "2006-01", enums as option codes, booleans as
// "true"/"false", regions as GB/T 2260 codes. Single-valued kinds hold one
// element, multi-valued kinds any number. An absent key and an empty value mean
// the same: not filled in.
type Values map[string][]string

// Get returns the single value of id, or "".
func (v Values) Get(id string) string {
	if l := v[id]; len(l) > 0 {
		return l[0]
	}
	return ""
}

// List returns the values of id.
func (v Values) List(id string) []string { return v[id] }

// Bool reports whether id holds "true".
func (v Values) Bool(id string) bool { return v.Get(id) == "true" }

// Set sets a single value; an empty (after trimming) value removes the field.
func (v Values) Set(id, s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		delete(v, id)
		return
	}
	v[id] = []string{s}
}

// SetList sets several values, dropping empty ones and duplicates but keeping
// order; no values removes the field.
func (v Values) SetList(id string, l []string) {
	out := make([]string, 0, len(l))
	for _, s := range l {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		delete(v, id)
		return
	}
	v[id] = out
}

// Has reports whether id is filled in.
func (v Values) Has(id string) bool {
	for _, s := range v[id] {
		if strings.TrimSpace(s) != "" {
			return true
		}
	}
	return false
}

// Clone returns a deep copy.
func (v Values) Clone() Values {
	if v == nil {
		return nil
	}
	out := make(Values, len(v))
	for k, l := range v {
		out[k] = slices.Clone(l)
	}
	return out
}

// Equal reports whether two value sets hold the same filled-in values.
func (v Values) Equal(o Values) bool {
	for k := range v {
		if v.Has(k) != o.Has(k) || v.Has(k) && !slices.Equal(v[k], o[k]) {
			return false
		}
	}
	for k := range o {
		if o.Has(k) && !v.Has(k) {
			return false
		}
	}
	return true
}
