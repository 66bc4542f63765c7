package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Records encode to JSON objects whose metadata keys (id, status, created_at…)
// sit beside the catalogue field ids, so that files and scripts key on the
// catalogue. Values are encoded by kind: multi-valued kinds as arrays, bool
// as true/false, number and money as JSON numbers, all else as strings.
// Field ids the catalogue does not know are kept, so that a record written
// with a newer catalogue survives a round trip through an older program.

type (
	enterpriseMeta   Enterprise
	contactMeta      Contact
	needMeta         Need
	diagnosisMeta    Diagnosis
	confirmationMeta Confirmation
)

// MarshalJSON encodes the enterprise with its fields inline.
func (e Enterprise) MarshalJSON() ([]byte, error) { return marshalInline(enterpriseMeta(e), e.Values) }

// UnmarshalJSON decodes what MarshalJSON wrote.
func (e *Enterprise) UnmarshalJSON(b []byte) error {
	return unmarshalInline(b, (*enterpriseMeta)(e), &e.Values)
}

// MarshalJSON encodes the contact with its fields inline.
func (c Contact) MarshalJSON() ([]byte, error) { return marshalInline(contactMeta(c), c.Values) }

// UnmarshalJSON decodes what MarshalJSON wrote.
func (c *Contact) UnmarshalJSON(b []byte) error {
	return unmarshalInline(b, (*contactMeta)(c), &c.Values)
}

// MarshalJSON encodes the need with its fields inline.
func (n Need) MarshalJSON() ([]byte, error) { return marshalInline(needMeta(n), n.Values) }

// UnmarshalJSON decodes what MarshalJSON wrote.
func (n *Need) UnmarshalJSON(b []byte) error { return unmarshalInline(b, (*needMeta)(n), &n.Values) }

// UnmarshalNeedWithoutEvidence decodes a need as UnmarshalJSON does, but
// for its confirmation's evidence — the Content shown and the Signature
// drawn — which it leaves nil (ContentHash stays, and so does whether the
// confirmation is current): for a writer of outputs, which reads every
// need and uses neither. Decoding the content was a tenth of an export
// (issue 17). The evidence's base64 is not checked. The need's texts share
// a few allocations (see decoder.transient): it is meant to be used and
// dropped, and any one of its strings kept keeps them all.
func UnmarshalNeedWithoutEvidence(b []byte) (*Need, error) {
	n := new(Need)
	if decodeFastAs(decoder{b: b, noEvidence: true, transient: true}, (*needMeta)(n), &n.Values) {
		return n, nil
	}
	if err := unmarshalInlineJSON(b, (*needMeta)(n), &n.Values); err != nil {
		return nil, err
	}
	if c := n.Confirmation; c != nil {
		c.Content, c.Signature = nil, nil
	}
	return n, nil
}

// MarshalJSON encodes the diagnosis with its fields inline.
func (d Diagnosis) MarshalJSON() ([]byte, error) { return marshalInline(diagnosisMeta(d), d.Values) }

// UnmarshalJSON decodes what MarshalJSON wrote.
func (d *Diagnosis) UnmarshalJSON(b []byte) error {
	return unmarshalInline(b, (*diagnosisMeta)(d), &d.Values)
}

// MarshalJSON encodes the confirmation with its fields inline.
func (c Confirmation) MarshalJSON() ([]byte, error) {
	return marshalInline(confirmationMeta(c), c.Values)
}

// UnmarshalJSON decodes what MarshalJSON wrote.
func (c *Confirmation) UnmarshalJSON(b []byte) error {
	return unmarshalInline(b, (*confirmationMeta)(c), &c.Values)
}

var metaKeys sync.Map // reflect.Type → map[string]bool

// MetaKeys returns the JSON keys of a record type's metadata; catalogue field
// ids must not use them.
func MetaKeys(v any) map[string]bool {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if m, ok := metaKeys.Load(t); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name != "" && name != "-" {
			m[name] = true
		}
	}
	metaKeys.Store(t, m)
	return m
}

func marshalInline(meta any, v Values) ([]byte, error) {
	b, ok := appendMetaFast(nil, meta)
	if !ok {
		var err error
		if b, err = json.Marshal(meta); err != nil {
			return nil, err
		}
	}
	if len(b) < 2 || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("record metadata is not an object")
	}
	ids := make([]string, 0, len(v))
	for id := range v {
		if v.Has(id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return b, nil
	}
	// Metadata keys in struct order, then field ids sorted: one pass, and the
	// same bytes for the same record every time.
	sort.Strings(ids)
	keys := MetaKeys(meta)
	cat := Default()
	out := make([]byte, 0, len(b)+64*len(ids))
	out = append(out, b[:len(b)-1]...)
	for i, id := range ids {
		if keys[id] {
			return nil, fmt.Errorf("field %s clashes with a metadata key", id)
		}
		f, _ := cat.Field(id)
		if i > 0 || len(b) > 2 {
			out = append(out, ',')
		}
		out = AppendJSONString(out, id)
		out = append(out, ':')
		out = appendValue(out, f, v[id])
	}
	return append(out, '}'), nil
}

// appendValue appends a field's value as JSON: a list for a multi-valued
// kind (or several values), true/false for a bool, a number for a number or
// money that is one, a string otherwise.
func appendValue(dst []byte, f *Field, l []string) []byte {
	if f == nil && len(l) == 1 {
		return AppendJSONString(dst, l[0])
	}
	if f == nil || f.Kind.Multi() || len(l) > 1 {
		if l == nil {
			return append(dst, "null"...)
		}
		dst = append(dst, '[')
		for i, s := range l {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSONString(dst, s)
		}
		return append(dst, ']')
	}
	s := l[0]
	switch f.Kind {
	case KindBool:
		if s == "true" || s == "false" {
			return append(dst, s...)
		}
	case KindNumber, KindMoney:
		if decimalRe.MatchString(s) && json.Valid([]byte(s)) {
			return append(dst, s...)
		}
	}
	return AppendJSONString(dst, s)
}

// FieldTypeError reports a field whose JSON value has the wrong type.
type FieldTypeError struct {
	Field string
	Got   string
}

func (e *FieldTypeError) Error() string {
	return fmt.Sprintf("field %s: a %s cannot be a field value", e.Field, e.Got)
}

// unmarshalInline decodes a record: in one pass where decodeFast can (the
// records xunbang writes), else through encoding/json.
func unmarshalInline(b []byte, meta any, v *Values) error {
	if decodeFast(b, meta, v) {
		return nil
	}
	return unmarshalInlineJSON(b, meta, v)
}

// unmarshalInlineJSON is the reference decoder: the record's metadata and
// its fields decoded by encoding/json. Every outcome of unmarshalInline is
// this function's (see decodeFast).
func unmarshalInlineJSON(b []byte, meta any, v *Values) error {
	if err := checkJSONUTF8(b); err != nil {
		return err
	}
	if err := json.Unmarshal(b, meta); err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	keys := MetaKeys(meta)
	vals := Values{}
	for k, raw := range m {
		if keys[k] || k == "type" {
			continue
		}
		l, err := decodeValue(k, raw)
		if err != nil {
			return err
		}
		if len(l) > 0 {
			vals[k] = l
		}
	}
	*v = vals
	return nil
}

func decodeValue(id string, raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, nil
	}
	switch raw[0] {
	case 'n':
		return nil, nil
	case 't', 'f':
		var x bool
		if err := json.Unmarshal(raw, &x); err != nil {
			return nil, err
		}
		return []string{strconv.FormatBool(x)}, nil
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []string{s}, nil
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			l, err := decodeValue(id, it)
			if err != nil {
				return nil, err
			}
			if len(l) > 1 || len(it) > 0 && it[0] == '[' {
				return nil, &FieldTypeError{Field: id, Got: "nested list"}
			}
			out = append(out, l...)
		}
		return out, nil
	case '{':
		return nil, &FieldTypeError{Field: id, Got: "object"}
	default:
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, err
		}
		return []string{n.String()}, nil
	}
}
