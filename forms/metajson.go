package forms

import (
	"bytes"
	"strings"
	"time"
)

// Writing a record's metadata through encoding/json took most of the time
// of encoding a record, which an import does for every one (issue 17):
// reflection over the struct, then compacting what the contacts' own
// MarshalJSON wrote. appendMetaFast writes the same bytes for the records
// an import and an editor make (no diagnosis, confirmation, evaluation or
// platform verdict); for anything else it answers false and encoding/json
// writes the metadata, as before. FuzzMetaJSON holds the two to the same
// bytes.

// appendMetaFast appends what json.Marshal writes for meta (a contactMeta,
// enterpriseMeta or needMeta), or reports false where it leaves that to
// json.Marshal.
func appendMetaFast(b []byte, meta any) ([]byte, bool) {
	switch m := meta.(type) {
	case contactMeta:
		if !plainJSONText(m.ID) {
			return nil, false
		}
		return append(AppendJSONString(append(b, `{"id":`...), m.ID), '}'), true
	case enterpriseMeta:
		return appendEnterpriseMeta(b, &m)
	case needMeta:
		return appendNeedMeta(b, &m)
	}
	return nil, false
}

func appendEnterpriseMeta(b []byte, e *enterpriseMeta) ([]byte, bool) {
	if !plainJSONText(e.ID, e.Rev, e.CatalogueVersion, e.Team, e.CreatedBy) || !plainJSONText(e.Overrides...) {
		return nil, false
	}
	b = AppendJSONString(append(b, `{"id":`...), e.ID)
	b = appendOmitEmpty(b, "rev", e.Rev)
	b = appendOmitEmpty(b, "catalogue_version", e.CatalogueVersion)
	if len(e.Contacts) > 0 {
		b = append(b, `,"contacts":[`...)
		for i, c := range e.Contacts {
			if i > 0 {
				b = append(b, ',')
			}
			cb, err := c.MarshalJSON()
			// encoding/json compacts what a MarshalJSON writes, escaping
			// <, >, &, U+2028 and U+2029 in it: bytes that hold none are
			// left as they are.
			if err != nil || bytes.ContainsAny(cb, "<>&\u2028\u2029") {
				return nil, false
			}
			b = append(b, cb...)
		}
		b = append(b, ']')
	}
	b = appendOmitEmptyList(b, "overrides", e.Overrides)
	return appendRecordEnd(b, e.Team, e.CreatedBy, e.CreatedAt, e.UpdatedAt)
}

func appendNeedMeta(b []byte, n *needMeta) ([]byte, bool) {
	if n.Diagnosis != nil || n.Confirmation != nil || n.Evaluation != nil || n.Platform != (Platform{}) ||
		!plainJSONText(n.ID, n.EnterpriseID, n.ContactID, n.Rev, n.BaseRev, n.CatalogueVersion,
			string(n.Status), string(n.StaleFrom), n.Team, n.CreatedBy) ||
		!plainJSONText(n.Missing...) || !plainJSONText(n.Overrides...) {
		return nil, false
	}
	b = AppendJSONString(append(b, `{"id":`...), n.ID)
	b = AppendJSONString(append(b, `,"enterprise_id":`...), n.EnterpriseID)
	b = appendOmitEmpty(b, "contact_id", n.ContactID)
	b = appendOmitEmpty(b, "rev", n.Rev)
	b = appendOmitEmpty(b, "base_rev", n.BaseRev)
	b = appendOmitEmpty(b, "catalogue_version", n.CatalogueVersion)
	b = AppendJSONString(append(b, `,"status":`...), string(n.Status))
	b = appendOmitEmpty(b, "stale_from", string(n.StaleFrom))
	b = appendOmitEmptyList(b, "missing", n.Missing)
	b = appendOmitEmptyList(b, "overrides", n.Overrides)
	return appendRecordEnd(b, n.Team, n.CreatedBy, n.CreatedAt, n.UpdatedAt)
}

// appendRecordEnd appends the keys an enterprise's and a need's metadata
// end with (team, created_by, created_at, updated_at) and closes the
// object; false where a time cannot be written.
func appendRecordEnd(b []byte, team, createdBy string, createdAt, updatedAt time.Time) ([]byte, bool) {
	b = appendOmitEmpty(b, "team", team)
	b = appendOmitEmpty(b, "created_by", createdBy)
	b, ok := appendTime(b, "created_at", createdAt)
	if !ok {
		return nil, false
	}
	if b, ok = appendTime(b, "updated_at", updatedAt); !ok {
		return nil, false
	}
	return append(b, '}'), true
}

// plainJSONText reports whether json.Marshal writes each text as
// AppendJSONString does: none holds <, > or &, which json.Marshal escapes
// for HTML.
func plainJSONText(texts ...string) bool {
	for _, s := range texts {
		if strings.ContainsAny(s, "<>&") {
			return false
		}
	}
	return true
}

// appendOmitEmpty appends ,"key":"s" unless s is empty (omitempty).
func appendOmitEmpty(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	b = append(append(append(b, `,"`...), key...), `":`...)
	return AppendJSONString(b, s)
}

// appendOmitEmptyList appends ,"key":["a","b"] unless l is empty
// (omitempty).
func appendOmitEmptyList(b []byte, key string, l []string) []byte {
	if len(l) == 0 {
		return b
	}
	b = append(append(append(b, `,"`...), key...), `":[`...)
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, s)
	}
	return append(b, ']')
}

// appendTime appends ,"key":time as time.Time's MarshalJSON writes it, or
// reports false where that fails (a year outside 0–9999).
func appendTime(b []byte, key string, t time.Time) ([]byte, bool) {
	b = append(append(append(b, `,"`...), key...), `":"`...)
	b, err := t.AppendText(b) // as MarshalJSON, in place
	if err != nil {
		return nil, false
	}
	return append(b, '"'), true
}
