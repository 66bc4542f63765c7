package forms

import (
	"bytes"
	"encoding/json"
	"time"
)

// UpgradeNeed rewrites a need's legacy option codes to the current ones
// (see [Catalogue.UpgradeValues]) and re-encodes its confirmation to match
// (see [Catalogue.UpgradeNeedWith]). It reports whether anything changed.
func (c *Catalogue) UpgradeNeed(n *Need, at time.Time) bool {
	return c.UpgradeNeedWith(n, at, "legacy option codes of catalogue "+c.Version,
		func(v Values) bool { return c.UpgradeValues(EntityNeed, v) })
}

// UpgradeNeedWith applies upgrade, a change of codes that keeps every
// value's meaning (an option's old code replaced by its new one), to the
// need's values and, when the need has a confirmation whose stored content
// is intact, to the confirmed content too: Content is re-encoded with the
// new codes, ContentHash follows, and a [Recoding] keeps the old hash and
// the reason. A confirmation that was current therefore stays current, and
// one that was stale stays stale; the confirmation is never carried over to
// a change of meaning, since upgrade changes only codes. It reports whether
// anything changed. A store migration passes its own frozen upgrade.
func (c *Catalogue) UpgradeNeedWith(n *Need, at time.Time, reason string, upgrade func(Values) bool) bool {
	changed := upgrade(n.Values)
	conf := n.Confirmation
	if conf == nil || len(conf.Content) == 0 || HashContent(conf.Content) != conf.ContentHash {
		return changed
	}
	content, ok := recodeContent(conf.Content, upgrade)
	if !ok {
		return changed
	}
	conf.Recoded = append(conf.Recoded, Recoding{At: at.UTC(), FromHash: conf.ContentHash, Reason: reason})
	conf.Content = content
	conf.ContentHash = HashContent(content)
	return true
}

// recodeContent applies upgrade to the need fields of canonical content
// (see [Catalogue.CanonicalContent]) and returns the content encoded again,
// and whether upgrade changed anything. Content it cannot read is left
// alone.
func recodeContent(content []byte, upgrade func(Values) bool) ([]byte, bool) {
	var doc map[string]any
	if err := json.Unmarshal(content, &doc); err != nil {
		return nil, false
	}
	need, ok := doc["need"].(map[string]any)
	if !ok {
		return nil, false
	}
	v := Values{}
	single := map[string]bool{}
	for id, val := range need {
		switch x := val.(type) {
		case string:
			v[id], single[id] = []string{x}, true
		case []any:
			l := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, false
				}
				l = append(l, s)
			}
			v[id] = l
		default:
			return nil, false
		}
	}
	if !upgrade(v) {
		return nil, false
	}
	out := map[string]any{}
	for id, l := range v {
		if single[id] && len(l) == 1 {
			out[id] = l[0]
		} else {
			out[id] = l
		}
	}
	doc["need"] = out
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, false
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), true
}
