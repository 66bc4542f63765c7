package forms

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
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
func (c *Catalogue) CanonicalContent(n *Need, e *Enterprise) []byte {
	need := map[string]any{}
	for id, l := range n.Values {
		f, known := c.Field(id)
		if known && (f.Entity != EntityNeed || f.Class == ClassInternal) {
			continue
		}
		if v, ok := canonicalValue(f, l); ok {
			need[id] = v
		}
	}
	ent := map[string]any{}
	if e != nil {
		for _, id := range []string{"enterprise_name", "credit_code", "region"} {
			if v, ok := canonicalValue(c.byID[id], e.Values[id]); ok {
				ent[id] = v
			}
		}
	}
	doc := map[string]any{"format": ContentFormat, "need": need, "enterprise": ent, "visibility": string(n.Visibility())}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		panic("forms: canonical content: " + err.Error()) // maps of strings always encode
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func canonicalValue(f *Field, l []string) (any, bool) {
	var out []string
	for _, s := range l {
		s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
		if s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, false
	}
	if f != nil && !f.Kind.Multi() && len(out) == 1 {
		return out[0], true
	}
	return out, true
}

// HashContent returns the hex SHA-256 of canonical content.
func HashContent(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// ContentHash returns the hex SHA-256 of the need's canonical content.
func (c *Catalogue) ContentHash(n *Need, e *Enterprise) string {
	return HashContent(c.CanonicalContent(n, e))
}

// ConfirmationCurrent reports whether the need has a confirmation and its
// content is still exactly what was confirmed.
func (c *Catalogue) ConfirmationCurrent(n *Need, e *Enterprise) bool {
	return n.Confirmation != nil && n.Confirmation.ContentHash == c.ContentHash(n, e)
}

// Confirm records the enterprise's confirmation of the need's current
// content and moves it to 已确认. The confirmation keeps the exact bytes it
// hashed.
func (c *Catalogue) Confirm(n *Need, e *Enterprise, conf Confirmation) error {
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
// 待企业确认. The old confirmation is kept, and shows as stale, since its
// content no longer matches. It reports whether the status changed.
func (c *Catalogue) Reconcile(n *Need, e *Enterprise) bool {
	if n.Confirmation == nil || !n.Status.AfterConfirmation() || c.ConfirmationCurrent(n, e) {
		return false
	}
	n.Status = StatusToConfirm
	return true
}
