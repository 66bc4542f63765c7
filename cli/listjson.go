package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// listJSON writes one object per need: the need's fields by catalogue id, and
// always id, title, status and enterprise_name. Each line is the need's
// stored JSON (which has id and status, and title when the need has one)
// with enterprise_name set: no need is decoded and encoded again.
func listJSON(ctx context.Context, c *call, st *store.Store, sums []*store.Summary) error {
	w := bufio.NewWriterSize(c.env.Stdout, 64<<10)
	var line []byte
	err := st.ForEachNeedJSON(ctx, sums, func(i int, raw []byte) error {
		var err error
		if line, err = needLine(line[:0], raw, sums[i].EnterpriseName, sums[i].Title != ""); err != nil {
			return fmt.Errorf("need %s: %w", sums[i].ID, err)
		}
		_, err = w.Write(line)
		return err
	})
	if err != nil {
		return err
	}
	return w.Flush()
}

// errNotObject is needLine's error for bytes that are not one JSON object.
var errNotObject = errors.New("stored need is not a JSON object")

// needLine appends to dst the line list --json writes for a need whose
// stored JSON is raw: raw with its top-level enterprise_name set to name
// (replaced when there is one, else added), "title":"" added when it has no
// title, and a newline. hasTitle says that the need has a title (its
// summary's is not empty), which spares looking for it.
func needLine(dst, raw []byte, name string, hasTitle bool) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if hasTitle && len(raw) > 2 && raw[0] == '{' && raw[len(raw)-1] == '}' && !hasEnterpriseNameKey(raw) {
		// What the store writes: an object with a title and no
		// enterprise_name anywhere. (Its bytes are the store's own,
		// authenticated when sealed: not outside input.)
		dst = append(dst, raw[:len(raw)-1]...)
		dst = append(dst, `,"enterprise_name":`...)
		dst = forms.AppendJSONString(dst, name)
		return append(dst, '}', '\n'), nil
	}
	fields, err := topFields(raw)
	if err != nil {
		return dst, err
	}
	var title, ent *span
	for i := range fields {
		switch string(raw[fields[i].key.from:fields[i].key.to]) {
		case `"title"`:
			title = &fields[i].val
		case `"enterprise_name"`:
			ent = &fields[i].val
		}
	}
	if ent != nil {
		dst = append(dst, raw[:ent.from]...)
		dst = forms.AppendJSONString(dst, name)
		dst = append(dst, raw[ent.to:]...)
		if title != nil {
			return append(dst, '\n'), nil
		}
		dst = dst[:len(dst)-1] // the closing brace, put back below
	} else {
		dst = append(dst, raw[:len(raw)-1]...)
		if len(fields) > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `"enterprise_name":`...)
		dst = forms.AppendJSONString(dst, name)
	}
	if title == nil {
		dst = append(dst, `,"title":""`...)
	}
	return append(dst, '}', '\n'), nil
}

// hasEnterpriseNameKey reports whether raw holds "enterprise_name" (with
// its quotes) anywhere, as bytes.Contains would. It looks for its tail
// `prise_name"`, whose first byte is one in 75 of a need's JSON, and checks
// what comes before: bytes.Contains looked for the leading quote, one byte
// in thirteen, gave up on skipping to it and compared at every byte, a fifth
// of list --json (issue 17).
func hasEnterpriseNameKey(raw []byte) bool {
	const head, tail = `"enter`, `prise_name"`
	for i := len(head); i <= len(raw); {
		j := bytes.Index(raw[i:], []byte(tail))
		if j < 0 {
			return false
		}
		if at := i + j; string(raw[at-len(head):at]) == head {
			return true
		}
		i += j + 1
	}
	return false
}

// span is a range of bytes, [from, to).
type span struct{ from, to int }

// field is a top-level member of a JSON object: its key (with its quotes)
// and its value.
type field struct{ key, val span }

// topFields returns the top-level members of the JSON object b, which must
// be nothing but the object. It checks the object's structure (strings,
// nesting, separators), not the spelling of numbers and literals.
func topFields(b []byte) ([]field, error) {
	bad := func(at int, what string) error {
		return fmt.Errorf("%w: %s at byte %d", errNotObject, what, at)
	}
	if len(b) < 2 || b[0] != '{' {
		return nil, bad(0, "no object")
	}
	var fields []field
	i := skipSpace(b, 1)
	if i < len(b) && b[i] == '}' {
		if skipSpace(b, i+1) != len(b) {
			return nil, bad(i+1, "text after the object")
		}
		return nil, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, bad(i, "no key")
		}
		end, ok := skipString(b, i)
		if !ok {
			return nil, bad(i, "unterminated key")
		}
		f := field{key: span{i, end}}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, bad(i, "no colon")
		}
		i = skipSpace(b, i+1)
		end, ok = skipValue(b, i)
		if !ok || end == i {
			return nil, bad(i, "bad value")
		}
		f.val = span{i, end}
		fields = append(fields, f)
		i = skipSpace(b, end)
		if i >= len(b) {
			return nil, bad(i, "unterminated object")
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			if skipSpace(b, i+1) != len(b) {
				return nil, bad(i+1, "text after the object")
			}
			return fields, nil
		default:
			return nil, bad(i, "no comma")
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string that starts at b[i] ('"').
func skipString(b []byte, i int) (int, bool) {
	for j := i + 1; ; {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false
		}
		j += k
		// The quote ends the string unless an odd number of backslashes
		// stands before it.
		bs := 0
		for j-1-bs > i && b[j-1-bs] == '\\' {
			bs++
		}
		if bs%2 == 0 {
			return j + 1, true
		}
		j++
	}
}

// skipValue returns the index after the value that starts at b[i].
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		var stack []byte
		for j := i; j < len(b); j++ {
			switch c := b[j]; c {
			case '"':
				end, ok := skipString(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				stack = append(stack, c)
			case '}', ']':
				if len(stack) == 0 || stack[len(stack)-1] != c-2 { // '{'+2 == '}', '['+2 == ']'
					return 0, false
				}
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		if b[j] == '"' || b[j] == '{' || b[j] == '[' || b[j] == ':' {
			return 0, false
		}
		j++
	}
	return j, true
}
