package store

import (
	"bytes"
	"encoding/json"
)

// marshalRecord returns what json.Marshal returns for a need or an
// enterprise, the bytes of its revision row, without json.Marshal's second
// pass over them: the record's MarshalJSON writes compact JSON, and the
// pass only escapes <, > and & (which MarshalJSON leaves as they are in
// the catalogue fields' values, never outside a string) as \u003c, \u003e
// and \u0026.
func marshalRecord(r json.Marshaler) ([]byte, error) {
	b, err := r.MarshalJSON()
	if err != nil {
		return nil, err
	}
	if !bytes.ContainsAny(b, "<>&") {
		return b, nil
	}
	out := make([]byte, 0, len(b)+64)
	for _, c := range b {
		switch c {
		case '<':
			out = append(out, `\u003c`...)
		case '>':
			out = append(out, `\u003e`...)
		case '&':
			out = append(out, `\u0026`...)
		default:
			out = append(out, c)
		}
	}
	return out, nil
}
