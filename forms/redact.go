package forms

import (
	"net/url"
	"strings"
)

// PublicNeed is what may be shown in public about a need under its
// visibility: on a card, in the 《技术需求汇编》, on the hub's page, in
// another team's pull. It holds no internal, secret or personal field — no
// contact, even of a 实名公开 need: a contact's name and phone are personal
// information the enterprise never confirms for publication (solvers reach
// the enterprise through the organisers and the 揭榜 form) — and no field
// that identifies the enterprise unless the need is 实名公开.
type PublicNeed struct {
	ID         string
	Status     Status
	Visibility Visibility
	// Publisher is the enterprise's name (实名公开) or its public alias (匿名公开).
	Publisher string
	// Region is the enterprise's region code: its own (down to the town) when
	// 实名公开, no finer than its county when 匿名公开 (PublicRegion).
	Region string
	// Values are the need's public fields (visibility and public_alias excluded).
	Values Values
	// Confirmed reports whether the enterprise's confirmation is current.
	Confirmed bool
	// URL is the platform's public address, once published.
	URL string
}

// Publish returns the public view of a need, or false for a need that is 不公开
// and so appears in no public output.
func (c *Catalogue) Publish(n *Need, e *Enterprise) (PublicNeed, bool) {
	var p PublicNeed
	if !c.publish(&p, n, e, false) {
		return PublicNeed{}, false
	}
	return p, true
}

// PublishInto is [Catalogue.Publish] for an output that reads many needs
// one at a time: it fills *p with the need's public view, reusing the room of
// the map p.Values holds from an earlier call, so the previous view must no
// longer be in use. The lists in the map are the record's own, not copies:
// read them, never change them. For a 不公开 need it returns false and leaves
// p as it was.
func (c *Catalogue) PublishInto(p *PublicNeed, n *Need, e *Enterprise) bool {
	return c.publish(p, n, e, true)
}

// publish fills p with the need's public view: in a new map of copied
// lists, or, with reuse, in p's map, cleared, with the record's own lists.
func (c *Catalogue) publish(p *PublicNeed, n *Need, e *Enterprise, reuse bool) bool {
	vis := n.Visibility()
	if vis == VisibilityPrivate {
		return false
	}
	var values Values
	if reuse {
		values = p.Values
		if values == nil {
			values = Values{}
		}
		clear(values)
		for id, l := range n.Values {
			if c.publicNeedField(id, n.Values, vis) && id != "visibility" && id != "public_alias" {
				values[id] = l
			}
		}
	} else {
		values = c.publicValues(EntityNeed, n.Values, vis, "visibility", "public_alias")
	}
	*p = PublicNeed{
		ID: n.ID, Status: n.Status, Visibility: vis,
		Values:    values,
		Confirmed: c.ConfirmationCurrent(n, e),
		URL:       n.Platform.URL,
	}
	if e != nil {
		p.Region = ShownRegion(n, e.Values.Get("region"))
	}
	switch vis {
	case VisibilityNamed:
		if e != nil {
			p.Publisher = e.Name()
		}
	case VisibilityAnonymous:
		p.Publisher = n.Values.Get("public_alias")
	}
	return true
}

// PublicRegion is the region code a need may be published with: the
// enterprise's own when 实名公开; for 匿名公开 no finer than its county (a
// town code is cut to its county's six digits), because a town holds too
// few enterprises to hide one among them; nothing when 不公开.
func PublicRegion(code string, vis Visibility) string {
	switch vis {
	case VisibilityNamed:
		return code
	case VisibilityAnonymous:
		return CoarsenRegion(code, RegionCounty)
	}
	return ""
}

// ShownRegion is the region code a need of an enterprise in region code
// may be shown with in a public output: PublicRegion under the need's
// visibility, and for a 匿名公开 need no finer than the platform said it
// shows the need with (Platform.RegionShown) — the hub widens an anonymous
// need's region until enough listed enterprises share it, so a card or the
// 《技术需求汇编》 printed at the county would name what its page withholds.
// The platform's region only sets how fine: the region printed is always
// the enterprise's own, cut to that level; a region the platform gave that
// is not a region code shows none.
func ShownRegion(n *Need, code string) string {
	vis := n.Visibility()
	region := PublicRegion(code, vis)
	if vis != VisibilityAnonymous || !n.Platform.RegionShown {
		return region
	}
	level := regionLevel(strings.TrimSpace(n.Platform.Region))
	if level == 0 {
		return ""
	}
	return CoarsenRegion(region, level)
}

// CoarsenRegion returns the region code at most as fine as level: a town's
// 9-digit code cut to its county (RegionCounty), its city (RegionCity) or
// its province (RegionProvince), as a 6-digit GB/T 2260 code. A code already
// as coarse, or not a region code at all, comes back as it is, except that
// something that is not a code gives "" for any level above the town.
func CoarsenRegion(code string, level RegionLevel) string {
	code = strings.TrimSpace(code)
	if len(code) == 12 && strings.HasSuffix(code, "000") {
		code = code[:9]
	}
	have := regionLevel(code)
	if have == 0 {
		if len(code) == 9 && strings.HasSuffix(code, "000") {
			code, have = code[:6], regionLevel(code[:6])
		}
		if have == 0 {
			return ""
		}
	}
	if have <= level {
		return code
	}
	switch level {
	case RegionProvince:
		return code[:2] + "0000"
	case RegionCity:
		return code[:4] + "00"
	case RegionCounty:
		return code[:6]
	}
	return code
}

// Address returns where the published need can be read — what a card's QR
// code holds and a handbook prints: the platform's public URL when the
// platform published it at an address that resolves, else its page on the
// team's hub (PublicPageURL(hub, id)) when the hub published it with no
// address of its own (the hub shows nothing before its verdict, and a need
// published at an address that does not resolve — demo data, a placeholder
// — was not published by the hub); "" when none resolves, while the
// enterprise's confirmation is not current, and for a need not or no longer
// published (a verdict 退回 or 已关闭 leaves the address it had).
func (p *PublicNeed) Address(hub string) string {
	if !p.Confirmed || !p.Status.Published() {
		return "" // not, or no longer (退回, 已关闭), to be read anywhere
	}
	if ResolvableURL(p.URL) {
		return p.URL
	}
	if u := PublicPageURL(hub, p.ID); ResolvableURL(u) && p.URL == "" {
		return u
	}
	return ""
}

// ResolvableURL reports whether s is an absolute http(s) URL that may lead
// somewhere: not one whose host is under .invalid, which by RFC 6761 never
// resolves (demo data and placeholders use it).
func ResolvableURL(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" {
		return false
	}
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return h != "invalid" && !strings.HasSuffix(h, ".invalid")
}

// PublicPageURL is the address of a need's public page on a hub whose public
// base address is base (`xunbang serve --public-url`): base + "/n/" + id.
// It is "" when no base is known.
func PublicPageURL(base, id string) string {
	base = strings.TrimRight(strings.TrimSpace(base), "/")
	if base == "" || id == "" {
		return ""
	}
	return base + "/n/" + id
}

// PublicValues returns the values of an entity that may be published under a
// visibility: public fields only, and identifying ones only when 实名公开.
// 不公开 yields nothing.
func (c *Catalogue) PublicValues(entity Entity, v Values, vis Visibility) Values {
	if vis != VisibilityNamed && vis != VisibilityAnonymous {
		return Values{}
	}
	return c.publicValues(entity, v, vis, "", "")
}

// publicField reports whether the field id of an entity may be published
// under a visibility, 实名公开 or 匿名公开: a public field, and an identifying
// one only when 实名公开.
func (c *Catalogue) publicField(entity Entity, id string, vis Visibility) bool {
	f, ok := c.byID[id]
	return ok && f.Entity == entity && f.Class == ClassPublic && (!f.Identifying || vis == VisibilityNamed)
}

// publicNeedField reports whether a need's field id may be published under
// a visibility: a public field (identifying ones only when 实名公开), or a
// business-secret one whose publish flag the need sets (现有基础 when the
// enterprise agreed).
func (c *Catalogue) publicNeedField(id string, v Values, vis Visibility) bool {
	if c.publicField(EntityNeed, id, vis) {
		return true
	}
	f, ok := c.byID[id]
	return ok && f.Entity == EntityNeed && f.Class == ClassSecret && f.PublishFlag != "" && v.Bool(f.PublishFlag)
}

// publicValues returns what PublicValues does for 实名公开 or 匿名公开,
// leaving out the fields omit1 and omit2 too. The lists it returns share one
// backing array, each capped at its length, so that appending to one copies
// it rather than overwrite the next.
func (c *Catalogue) publicValues(entity Entity, v Values, vis Visibility, omit1, omit2 string) Values {
	type kept struct {
		id string
		l  []string
	}
	var buf [64]kept
	keep, total := buf[:0], 0
	public := func(id string) bool { return c.publicField(entity, id, vis) }
	if entity == EntityNeed {
		public = func(id string) bool { return c.publicNeedField(id, v, vis) }
	}
	for id, l := range v {
		if public(id) && id != omit1 && id != omit2 {
			keep = append(keep, kept{id, l})
			total += len(l)
		}
	}
	out := make(Values, len(keep))
	all := make([]string, 0, total)
	for _, k := range keep {
		if len(k.l) == 0 {
			out[k.id] = nil // as append([]string(nil), k.l...) gives
			continue
		}
		start := len(all)
		all = append(all, k.l...)
		out[k.id] = all[start:len(all):len(all)]
	}
	return out
}

// MaskMobile shows a mobile number as 138****5678, for screens and lists
// where the full number is not needed.
func MaskMobile(s string) string {
	if len(s) != 11 {
		return s
	}
	return s[:3] + "****" + s[7:]
}

// MaskPhone shows any phone number — a mobile, a landline, a number
// abroad — with its middle hidden, for lists where the full number is not
// needed: up to its third digit, ****, and its last four digits
// (13912345678 → 139****5678, 0512-57771234 → 051****1234). A number of
// fewer than eight digits keeps only its last four; text without digits is
// returned as it is.
func MaskPhone(s string) string {
	s = strings.TrimSpace(s)
	var pos []int // byte offsets of the digits
	for i, r := range s {
		if r >= '0' && r <= '9' {
			pos = append(pos, i)
		}
	}
	n := len(pos)
	switch {
	case n == 0:
		return s
	case n < 8:
		return "****" + s[pos[max(n-4, 0)]:]
	}
	return s[:pos[2]+1] + "****" + s[pos[n-4]:]
}

// MaskEmail shows an e-mail address with its name part hidden but for its
// first two characters (zh***@example.edu.cn).
func MaskEmail(s string) string {
	name, domain, ok := strings.Cut(strings.TrimSpace(s), "@")
	if !ok {
		return s
	}
	r := []rune(name)
	return string(r[:min(2, len(r))]) + "***@" + domain
}

// IsPublicAlias reports whether an enterprise name reads as a public alias
// (公开称谓) such as 苏州市某微电子企业 — the name a 匿名公开 need is
// published under — rather than a registered name: it says 某 ("a certain").
// Registered enterprise names do not. Several enterprises may share an
// alias, so it never identifies one.
func IsPublicAlias(name string) bool {
	return strings.Contains(name, "某")
}
