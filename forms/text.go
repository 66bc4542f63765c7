package forms

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// The gate. Every record id and every text value that comes in — typed in
// the window, read from a JSON Lines file or a workbook, pushed to the hub
// — passes the same two rules, applied by this package's validation in
// every mode (Validate, CheckField, ValidateNeed, ValidateEnterprise,
// ValidateDiagnosis) and, for the bytes of JSON, by the records' decoders
// (InvalidUTF8Error):
//
//   - An id (record, revision, enterprise, contact) is 1 to MaxIDLen
//     characters of A–Z a–z 0–9 - _ . : — never a path, never a space.
//   - A text is valid UTF-8 (never silently replaced by U+FFFD), holds no
//     control character — C0 (NUL included), DEL and C1 — except tab and
//     line feed in long texts, and no bidirectional override or isolate
//     (U+202A–U+202E, U+2066–U+2069), which make text read otherwise than
//     it is stored.

// MaxIDLen bounds record and revision ids (a UUID is 36).
const MaxIDLen = 64

// ValidID reports whether s may be a record or revision id: 1 to MaxIDLen
// characters of letters, digits and - _ . :
func ValidID(s string) bool {
	if s == "" || len(s) > MaxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// Text problem codes.
const (
	CodeID      = "id"           // not a valid id
	CodeUTF8    = "text.utf8"    // not valid UTF-8
	CodeControl = "text.control" // a control character
	CodeBidi    = "text.bidi"    // a bidirectional override or isolate
)

// checkID returns the problem of a non-empty id that is not ValidID; an
// empty id is not checked (not assigned yet, or required elsewhere).
func checkID(field, id string) []Problem {
	if id == "" || ValidID(id) {
		return nil
	}
	return []Problem{problem(field, CodeID, SeverityError,
		fmt.Sprintf("“%s”不是有效的编号：编号由 1–%d 个英文字母、数字和 - _ . : 组成。", clipID(id), MaxIDLen),
		fmt.Sprintf("%q is not a valid id: 1 to %d letters, digits and - _ . :", clipID(id), MaxIDLen))}
}

// clipID shows an id in a message: at most 20 characters, control
// characters and invalid bytes escaped.
func clipID(id string) string {
	q := fmt.Sprintf("%+q", id)
	q = q[1 : len(q)-1]
	if len(q) > 40 {
		q = q[:40] + "…"
	}
	return q
}

// checkText returns the problem of a text value that is not valid UTF-8,
// holds a control character (tab and line feed are allowed when multiline)
// or a bidirectional control; nil when it passes. The place is given as
// the character's position (1-based, in characters) and code point.
func checkText(field, s string, multiline bool) *Problem {
	pos := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		pos++
		switch {
		case r == utf8.RuneError && size == 1:
			p := problem(field, CodeUTF8, SeverityError,
				fmt.Sprintf("第 %d 个字符处（第 %d 字节）不是有效的 UTF-8 编码：请用 UTF-8 保存文件后重试。", pos, i+1),
				fmt.Sprintf("is not valid UTF-8 at character %d (byte %d): save the file as UTF-8 and retry.", pos, i+1))
			return &p
		case multiline && (r == '\t' || r == '\n'):
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			p := problem(field, CodeControl, SeverityError,
				fmt.Sprintf("第 %d 个字符是看不见的控制字符 U+%04X，请删去。", pos, r),
				fmt.Sprintf("character %d is an invisible control character U+%04X; remove it.", pos, r))
			if r == '\n' || r == '\r' {
				p = problem(field, "one_line", SeverityError,
					fmt.Sprintf("只能填一行（第 %d 个字符是换行）。", pos),
					fmt.Sprintf("must be one line (character %d is a line break).", pos))
			}
			return &p
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			p := problem(field, CodeBidi, SeverityError,
				fmt.Sprintf("第 %d 个字符是改变文字方向的控制字符 U+%04X（会让文字显示得与实际内容不同），请删去。", pos, r),
				fmt.Sprintf("character %d is a bidirectional control U+%04X (it makes text display otherwise than it reads); remove it.", pos, r))
			return &p
		}
		i += size
	}
	return nil
}

// checkTexts returns the problems of one-line metadata texts, by field.
func checkTexts(fields ...string) []Problem {
	var out []Problem
	for i := 0; i+1 < len(fields); i += 2 {
		if p := checkText(fields[i], fields[i+1], false); p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// checkList returns the problem of the first bad item of a list of
// one-line texts (codes), with its 1-based item number.
func checkList(field string, l []string) []Problem {
	for i, s := range l {
		if p := checkText(field, s, false); p != nil {
			if len(l) > 1 {
				p.Item = i + 1
			}
			return []Problem{*p}
		}
	}
	return nil
}

// checkTextValues applies the text rule to every value of v, known field
// or not (Validate checks the values of the entity's own fields).
func (c *Catalogue) checkTextValues(v Values) []Problem {
	var out []Problem
	for id, l := range v {
		multi := false
		if f, ok := c.Field(id); ok {
			multi = f.Kind == KindLongText
		}
		for i, s := range l {
			if p := checkText(id, s, multi); p != nil {
				if len(l) > 1 {
					p.Item = i + 1
				}
				out = append(out, *p)
				break
			}
		}
	}
	return out
}

// metaLabels names the records' metadata keys in messages (zh, en).
var metaLabels = map[string][2]string{
	"id":                {"编号", "id"},
	"rev":               {"修订号", "revision"},
	"base_rev":          {"所据修订号", "base revision"},
	"enterprise_id":     {"所属企业编号", "enterprise id"},
	"contact_id":        {"联系人编号", "contact id"},
	"contacts":          {"联系人", "contacts"},
	"team":              {"团队", "team"},
	"created_by":        {"建档人", "created by"},
	"catalogue_version": {"字段目录版本", "catalogue version"},
	"missing":           {"缺项", "missing fields"},
	"overrides":         {"已确认保留的提示", "accepted warnings"},
	"by":                {"诊断人", "diagnosed by"},
	"notice_version":    {"告知书版本", "notice version"},
	"platform":          {"平台状态", "platform state"},
	"confirmation":      {"企业确认", "confirmation"},
	"need_id":           {"所属需求编号", "need id"},
	"receipt":           {"回执编号", "receipt"},
	"source":            {"方案来源", "source"},
	"evaluation":        {"竞榜评估", "evaluation"},
}

// InvalidUTF8Error is returned by the records' UnmarshalJSON for JSON that
// is not valid UTF-8 (encoding/json would replace the bad bytes with
// U+FFFD without a word). Field is the key whose value holds the first bad
// byte ("" when it is in a key), Item the 1-based item of a list (a
// contact, a value of a multi-valued field), 0 when none.
type InvalidUTF8Error struct {
	Field string
	Item  int
}

func (e *InvalidUTF8Error) Error() string {
	if e.Item > 0 {
		return fmt.Sprintf("field %s, item %d: not valid UTF-8", e.Field, e.Item)
	}
	if e.Field == "" {
		return "a field name is not valid UTF-8"
	}
	return fmt.Sprintf("field %s: not valid UTF-8", e.Field)
}

// Problem returns the error as a validation problem of its field.
func (e *InvalidUTF8Error) Problem() Problem {
	p := problem(e.Field, CodeUTF8, SeverityError,
		"不是有效的 UTF-8 编码：请用 UTF-8 保存文件后重试。", "is not valid UTF-8: save the file as UTF-8 and retry.")
	p.Item = e.Item
	return p
}

// checkJSONUTF8 returns an *InvalidUTF8Error naming where b, a JSON object,
// is not valid UTF-8; nil when it is.
func checkJSONUTF8(b []byte) error {
	if utf8.Valid(b) {
		return nil
	}
	field, item := invalidUTF8Place(b)
	return &InvalidUTF8Error{Field: field, Item: item}
}

// invalidUTF8Place finds the innermost key (and list item) of the JSON
// object b whose value holds invalid UTF-8.
func invalidUTF8Place(b []byte) (field string, item int) {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return "", 0
	}
	keys := slices.Sorted(maps.Keys(m))
	for _, k := range keys {
		raw := m[k]
		if utf8.Valid(raw) {
			continue
		}
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			for i, it := range items {
				if utf8.Valid(it) {
					continue
				}
				if f, j := invalidUTF8Place(it); f != "" {
					if j > 0 {
						return f, j
					}
					return f, i + 1
				}
				return k, i + 1
			}
		}
		if f, j := invalidUTF8Place(raw); f != "" {
			return f, j
		}
		return k, 0
	}
	return "", 0
}

// needGate applies the gate to a need's ids and metadata texts (its
// diagnosis's are ValidateDiagnosis's; its values are Validate's).
func needGate(n *Need) []Problem {
	var out []Problem
	for _, id := range [][2]string{{"id", n.ID}, {"enterprise_id", n.EnterpriseID}, {"contact_id", n.ContactID}, {"rev", n.Rev}, {"base_rev", n.BaseRev}} {
		out = append(out, checkID(id[0], id[1])...)
	}
	out = append(out, checkTexts("team", n.Team, "created_by", n.CreatedBy, "catalogue_version", n.CatalogueVersion,
		"platform", n.Platform.State, "platform", n.Platform.URL)...)
	if p := checkText("platform", n.Platform.Comment, true); p != nil {
		out = append(out, *p)
	}
	out = append(out, checkList("missing", n.Missing)...)
	out = append(out, checkList("overrides", n.Overrides)...)
	if cf := n.Confirmation; cf != nil {
		out = append(out, checkTexts("notice_version", cf.NoticeVersion, "confirmation", string(cf.Visibility), "confirmation", cf.ContentHash)...)
		out = append(out, Default().checkTextValues(cf.Values)...)
	}
	return append(out, evaluationGate(n.Evaluation)...)
}

// enterpriseGate applies the gate to an enterprise's ids and metadata
// texts (its contacts' ids are checked with their item number).
func enterpriseGate(e *Enterprise) []Problem {
	out := checkID("id", e.ID)
	out = append(out, checkID("rev", e.Rev)...)
	out = append(out, checkTexts("team", e.Team, "created_by", e.CreatedBy, "catalogue_version", e.CatalogueVersion)...)
	return append(out, checkList("overrides", e.Overrides)...)
}
