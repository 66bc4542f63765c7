package forms

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// ContentFormat names the canonical content encoding. It is part of the
// hashed bytes, so a future encoding can never collide with this one.
const ContentFormat = "xunbang-need-content/1"

// CanonicalContent returns the exact bytes an enterprise confirms: the need's
// fields except the team's internal ones, with who the enterprise is (name,
// credit code, region) and the visibility it agreed to. The encoding is JSON
// with keys sorted, no HTML escaping, no insignificant space, empty fields
// left out, text trimmed and line breaks as \n. It does not depend on the
// catalogue version or the order of fields in code, so the same content gives
// the same bytes — and the same hash — in every run and every later version.
//
// The bytes are those encoding/json gives for
//
//	{"enterprise": {id: value…}, "format": ContentFormat, "need": {id: value…}, "visibility": …}
//
// as maps with SetEscapeHTML(false) and the final newline cut, where a value
// is a string, or a list of strings for a multi-valued (or unknown) field.
// They are written by hand, as hashing them is on the path of every public
// output; content_json_test.go keeps the encoding/json version and checks
// that the two agree.
func (c *Catalogue) CanonicalContent(n *Need, e *Enterprise) []byte {
	buf := getContentBuffer()
	defer putContentBuffer(buf)
	*buf = c.appendContent((*buf)[:0], n, e)
	return bytes.Clone(*buf)
}

// contentBuffers holds scratch space for encoding content, so that hashing
// a need allocates nothing.
var contentBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

func getContentBuffer() *[]byte { return contentBuffers.Get().(*[]byte) }

func putContentBuffer(b *[]byte) {
	if cap(*b) <= 64<<10 { // let an outsized one go
		contentBuffers.Put(b)
	}
}

// contentEnterpriseFields are the enterprise's fields in the content, sorted.
var contentEnterpriseFields = [...]string{"credit_code", "enterprise_name", "region"}

// appendContent appends the canonical content of a need to dst.
func (c *Catalogue) appendContent(dst []byte, n *Need, e *Enterprise) []byte {
	dst = append(dst, `{"enterprise":{`...)
	first := true
	if e != nil {
		for _, id := range contentEnterpriseFields {
			dst, first = appendContentMember(dst, first, id, c.byID[id], e.Values[id])
		}
	}
	dst = append(dst, `},"format":`...)
	dst = AppendJSONString(dst, ContentFormat)
	dst = append(dst, `,"need":{`...)
	// The need's fields in the order encoding/json sorts map keys, by bytes:
	// the catalogue's content fields are sorted once (c.content), each
	// present one's values are put in its place; fields the catalogue does
	// not know are sorted here and merged in.
	var listBuf [32][]string
	var lists [][]string
	if len(c.content) <= len(listBuf) {
		lists = listBuf[:len(c.content)]
	} else {
		lists = make([][]string, len(c.content))
	}
	var unknown []string
	for id, l := range n.Values {
		f, known := c.byID[id]
		switch {
		case !known:
			unknown = append(unknown, id)
		case f.contentIndex > 0:
			lists[f.contentIndex-1] = l
		}
	}
	slices.Sort(unknown)
	first = true
	for i, f := range c.content {
		for len(unknown) > 0 && unknown[0] < f.ID {
			dst, first = appendContentMember(dst, first, unknown[0], nil, n.Values[unknown[0]])
			unknown = unknown[1:]
		}
		dst, first = appendContentMember(dst, first, f.ID, f, lists[i])
	}
	for _, id := range unknown {
		dst, first = appendContentMember(dst, first, id, nil, n.Values[id])
	}
	dst = append(dst, `},"visibility":`...)
	dst = AppendJSONString(dst, string(n.Visibility()))
	return append(dst, '}')
}

// appendContentMember appends `"id":value` for a field's values, preceded by
// a comma unless first, and reports whether the next member is still first.
// A field with no value left after trimming is left out. f is nil for a
// field the catalogue does not know, which is written as a list.
func appendContentMember(dst []byte, first bool, id string, f *Field, l []string) ([]byte, bool) {
	count, one := 0, ""
	for _, s := range l {
		if s = canonicalText(s); s != "" {
			count++
			one = s
		}
	}
	if count == 0 {
		return dst, first
	}
	if !first {
		dst = append(dst, ',')
	}
	dst = AppendJSONString(dst, id)
	dst = append(dst, ':')
	if f != nil && !f.Kind.Multi() && count == 1 {
		return AppendJSONString(dst, one), false
	}
	dst = append(dst, '[')
	i := 0
	for _, s := range l {
		if s = canonicalText(s); s == "" {
			continue
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, s)
		i++
	}
	return append(dst, ']'), false
}

// canonicalText is a value as the content holds it: trimmed, with line
// breaks as \n.
func canonicalText(s string) string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	if s == "" || plainEdges(s) {
		return s
	}
	return strings.TrimSpace(s)
}

// plainEdges reports, without decoding, that s neither starts nor ends with
// white space (as unicode.IsSpace has it) in the usual cases: ASCII, and
// three-byte runes such as Chinese text and its punctuation. False means it
// may. s must not be empty.
//
// White space is ASCII \t \n \v \f \r and space, U+0085, U+00A0, U+1680,
// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and U+3000: in UTF-8,
// the only runes led by 0xC2, 0xE1, 0xE2 and, of those led by 0xE3, only
// U+3000 (E3 80 80). A byte that is not valid UTF-8 is no space.
func plainEdges(s string) bool {
	switch b := s[0]; {
	case b < utf8.RuneSelf:
		if asciiSpace(b) {
			return false
		}
	case b == 0xC2 || b == 0xE1 || b == 0xE2:
		return false
	case b == 0xE3:
		if len(s) < 3 || s[1] == 0x80 && s[2] == 0x80 {
			return false
		}
	}
	n := len(s)
	if b := s[n-1]; b < utf8.RuneSelf {
		return !asciiSpace(b)
	}
	// Ends with a three-byte rune led by 0xE3–0xEF other than U+3000?
	if n < 3 {
		return false
	}
	lead, mid, last := s[n-3], s[n-2], s[n-1]
	return lead >= 0xE3 && lead <= 0xEF && mid&0xC0 == 0x80 && last&0xC0 == 0x80 &&
		!(lead == 0xE3 && mid == 0x80 && last == 0x80)
}

func asciiSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r'
}

// AppendJSONString appends s as a JSON string exactly as encoding/json
// writes it with SetEscapeHTML(false): " and \ escaped with a backslash,
// control characters as \b \f \n \r \t or \u00XX, U+2028 and U+2029 as
// \u2028 and \u2029, each byte of invalid UTF-8 as \ufffd, everything else
// (<, >, & and DEL included) as it is.
func AppendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		if b := s[i]; b >= 0xE1 && b <= 0xEC && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 && (b != 0xE2 || s[i+1] != 0x80 || s[i+2]&0xFE != 0xA8) {
			i += 3 // a well-formed three-byte rune, other than U+2028 and U+2029: most Chinese text
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// HashContent returns the hex SHA-256 of canonical content.
func HashContent(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// ContentHash returns the hex SHA-256 of the need's canonical content.
func (c *Catalogue) ContentHash(n *Need, e *Enterprise) string {
	h := c.contentHash(n, e)
	return string(h[:])
}

// contentHash returns the hex SHA-256 of the need's canonical content,
// encoded in scratch space.
func (c *Catalogue) contentHash(n *Need, e *Enterprise) [sha256.Size * 2]byte {
	buf := getContentBuffer()
	*buf = c.appendContent((*buf)[:0], n, e)
	sum := sha256.Sum256(*buf)
	putContentBuffer(buf)
	var h [sha256.Size * 2]byte
	hex.Encode(h[:], sum[:])
	return h
}

// ConfirmationCurrent reports whether the need has a confirmation and its
// content is still exactly what was confirmed.
func (c *Catalogue) ConfirmationCurrent(n *Need, e *Enterprise) bool {
	if n.Confirmation == nil {
		return false
	}
	h := c.contentHash(n, e)
	return n.Confirmation.ContentHash == string(h[:])
}

// Confirm records the enterprise's confirmation of the need's current
// content and moves it to 已确认. The confirmation keeps the exact bytes it
// hashed. A 匿名公开 need whose published text names its enterprise
// (NamesEnterprise) is not confirmed: an *AnonymityError says where.
func (c *Catalogue) Confirm(n *Need, e *Enterprise, conf Confirmation) error {
	if ps := c.NamesEnterprise(n, e); len(ps) > 0 {
		return &AnonymityError{Problems: ps, cat: c}
	}
	if err := n.Transition(StatusConfirmed); err != nil {
		return err
	}
	conf.Content = c.CanonicalContent(n, e)
	conf.ContentHash = HashContent(conf.Content)
	conf.Visibility = n.Visibility()
	n.Confirmation = &conf
	return nil
}

// Reconcile sends a need whose confirmed content has changed back to
// 待企业确认, and one whose content is again what was confirmed back to the
// status it left then ([Need.FollowConfirmation]). The old confirmation is
// kept, and shows as stale while its content no longer matches. It reports
// whether the status changed.
func (c *Catalogue) Reconcile(n *Need, e *Enterprise) bool {
	if n.Confirmation == nil {
		return false
	}
	return n.FollowConfirmation(c.ConfirmationCurrent(n, e))
}
