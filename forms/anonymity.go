package forms

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NamesEnterprise returns a problem for each text a public need would
// publish — its public alias and every public field Publish keeps — that
// gives away what must stay unpublished:
//
//   - any public need (实名公开 or 匿名公开): a contact's name, phone or
//     e-mail — personal information, never published (DESIGN.md), whatever
//     field it was typed into;
//   - a 匿名公开 need, also its enterprise: the registered name, the name's
//     distinctive part (the name without its region and its legal form:
//     苏州沙洲智能装备有限公司 → 沙洲智能装备), the credit code, or the
//     address without its region (沙洲路 85 号). Such a need is published
//     without the enterprise's name and yet names it (an official wrote
//     「本公司（苏州沙洲智能装备）……」 in 主要问题, or put the name in the alias).
//
// A need that is not public, or has no enterprise, gives nil. Matching
// ignores case, full/half width, and the spaces and punctuation written
// between characters.
func (c *Catalogue) NamesEnterprise(n *Need, e *Enterprise) []Problem {
	vis := n.Visibility()
	if e == nil || (vis != VisibilityAnonymous && vis != VisibilityNamed) {
		return nil
	}
	marks := identifyingMarks(e, vis == VisibilityAnonymous)
	if len(marks) == 0 {
		return nil
	}
	found := func(text string) (mark, bool) {
		t := squeeze(text)
		for _, m := range marks {
			if strings.Contains(t, m.folded) {
				return m, true
			}
		}
		return mark{}, false
	}
	var out []Problem
	check := func(id string, list []string) {
		for i, s := range list {
			m, ok := found(s)
			if !ok {
				continue
			}
			var p Problem
			if m.personal {
				p = problem(id, "names_contact", SeverityError,
					fmt.Sprintf("公开的需求不能写出联系人的个人信息：这里出现了“%s”。请删去，联系人信息不公开。", m.text),
					fmt.Sprintf("a public need must not give a contact's personal details: %q appears here. Remove it: contacts are never published.", m.text))
			} else {
				p = problem(id, "names_enterprise", SeverityError,
					fmt.Sprintf("匿名公开的需求不能写出企业：这里出现了“%s”。请改写，否则发布后一看便知是哪家企业。", m.text),
					fmt.Sprintf("an anonymous need must not name its enterprise: %q appears here. Reword it, or the published need gives the enterprise away.", m.text))
			}
			if len(list) > 1 {
				p.Item = i + 1
			}
			out = append(out, p)
			return
		}
	}
	check("public_alias", n.Values.List("public_alias"))
	public := c.publicValues(EntityNeed, n.Values, vis, "visibility", "public_alias")
	for _, f := range c.Fields(EntityNeed) {
		if l, ok := public[f.ID]; ok {
			check(f.ID, l)
		}
	}
	return out
}

// mark is a text that identifies an enterprise, and its squeezed form;
// personal, a contact's.
type mark struct {
	text, folded string
	personal     bool
}

// squeeze folds text for the search of marks (FoldSearch: case, full and
// half width) and drops spaces, punctuation and symbols, which written
// between the characters of a name or a phone would hide it: 176 3020 2396,
// 165-9562-8516 and +86 176… all hold 17630202396; 港城 新材料 holds 港城新材料.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, FoldSearch(s))
}

// identifyingMarks are the texts that name an enterprise's contacts
// (names of two characters or more, phones, e-mail) and, with enterprise,
// the enterprise: its name, the name's distinctive part, its credit code
// and its address without its region. Parts too short to tell it apart
// (under two characters, a distinctive part under four, an address under
// five) are left out, and a mark is searched squeezed (squeeze).
func identifyingMarks(e *Enterprise, enterprise bool) []mark {
	var out []mark
	add := func(s string, minRunes int, personal bool) {
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) < minRunes {
			return
		}
		f := squeeze(s)
		if f == "" {
			return
		}
		if !slices.ContainsFunc(out, func(m mark) bool { return m.folded == f }) {
			out = append(out, mark{s, f, personal})
		}
	}
	for _, ct := range e.Contacts {
		add(ct.Values.Get("contact_name"), 2, true)
		add(ct.Values.Get("contact_mobile"), 7, true)
		add(ct.Values.Get("contact_landline"), 7, true)
		add(ct.Values.Get("contact_email"), 5, true)
	}
	if !enterprise {
		return out
	}
	name, region := e.Name(), e.Values.Get("region")
	add(name, 2, false)
	core := distinctivePart(name, region)
	add(core, 4, false)
	for _, w := range tradeWords { // 阳澄新材料科技 → 阳澄新材料
		if t, ok := strings.CutSuffix(core, w); ok {
			add(t, 4, false)
			break
		}
	}
	add(e.CreditCode(), 18, false)
	add(addressCore(e.Values.Get("address"), region), 5, false)
	return out
}

// legalForms end enterprise names (企业名称登记管理规定: 行政区划 + 字号 + 行业 +
// 组织形式), longest first.
var legalForms = []string{"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "分公司", "公司", "集团", "合伙企业", "研究院", "研究所", "工作室", "厂"}

// tradeWords often end the distinctive part of a name (its 行业 in a
// general word): the part without them still names the enterprise.
var tradeWords = []string{"科技发展", "科技", "技术", "实业", "发展", "工业", "贸易", "工程", "控股"}

// distinctivePart is an enterprise name without its leading region names
// (withoutRegion) and its legal form: what names the enterprise when its
// name is left out.
func distinctivePart(name, region string) string {
	s := strings.TrimSpace(name)
	for _, f := range legalForms {
		if t, ok := strings.CutSuffix(s, f); ok {
			s = t
			break
		}
	}
	return withoutRegion(s, region)
}

// addressCore is an address without the administrative places it starts
// with (its region's names, then any short leading part ending 省, 市, 区,
// 县, 镇, 乡 or 街道): 昆山市玉山镇沙洲路 85 号 → 沙洲路 85 号, the part a
// need's text would give.
func addressCore(addr, region string) string {
	s := withoutRegion(addr, region)
	for range 8 {
		cut := -1
		for _, w := range []string{"省", "市", "区", "县", "镇", "乡", "街道"} {
			i := strings.Index(s, w)
			if i < 0 || utf8.RuneCountInString(s[:i]) > 6 {
				continue
			}
			if end := i + len(w); cut < 0 || end < cut {
				cut = end
			}
		}
		if cut >= len(s) {
			return "" // all of it names places: nothing of the enterprise's own
		}
		if cut <= 0 {
			break
		}
		s = strings.TrimSpace(s[cut:])
	}
	return s
}

// withoutRegion is s without its leading region names: those of region and
// above, a province or city with or without 省/市, a county or town only
// whole.
func withoutRegion(s, region string) string {
	s = strings.TrimSpace(s)
	path := Regions().Path(region)
	for changed := true; changed; {
		changed = false
		for i, r := range path {
			names := []string{r.Name}
			if i < 2 {
				// A province's or a city's name may stand short (苏州);
				// a county's short name is often the 字号 itself (苏州
				// 虎丘检测技术 is 虎丘's, not 虎丘区's), so it goes only
				// when written whole (昆山市).
				names = append(names, strings.TrimRight(r.Name, "省市"))
			}
			for _, n := range names {
				if t, ok := strings.CutPrefix(s, n); ok && n != "" {
					s, changed = t, true
				}
			}
		}
	}
	return s
}

// AnonymityError is a confirmation refused because the 匿名公开 need names
// its enterprise where it would be published: Problems say where.
type AnonymityError struct {
	Problems []Problem
	cat      *Catalogue
}

func (e *AnonymityError) Error() string {
	return "confirm: the anonymous need names its enterprise: " + e.Problems[0].Message(e.cat, "en")
}

// Message says, in the user's language, where the need names its
// enterprise.
func (e *AnonymityError) Message(lang string) string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Message(e.cat, lang)
	}
	sep := "\n"
	return strings.Join(parts, sep)
}
