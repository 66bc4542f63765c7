package forms

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/xunbang/xunbang/forms/regions"
)

// NamesEnterprise returns a problem for each text a public need would
// publish — its public alias and every public field Publish keeps — that
// gives away what must stay unpublished:
//
//   - any public need (实名公开 or 匿名公开): a contact's name, phone or
//     e-mail, or the enterprise's other personal fields (法定代表人) —
//     personal information, never published (DESIGN.md), whatever field it
//     was typed into;
//   - a 匿名公开 need, also its enterprise: the registered name, its
//     distinctive part and short forms, the credit code, or the address
//     without its region (identifyingMarks). Such a need is published
//     without the enterprise's name and yet names it (an official wrote
//     「本公司（苏州沙洲智能装备）……」 in 主要问题, or put the name in the alias).
//
// A need that is not public, or has no enterprise, gives nil. Texts are
// compared squeezed (squeeze: width, case, traditional characters, digits
// of any script and Chinese numerals, with spaces, punctuation and
// invisible characters dropped), each alone and all of them read on, as
// the page shows them.
func (c *Catalogue) NamesEnterprise(n *Need, e *Enterprise) []Problem {
	vis := n.Visibility()
	if e == nil || (vis != VisibilityAnonymous && vis != VisibilityNamed) {
		return nil
	}
	marks := c.identifyingMarks(e, vis == VisibilityAnonymous)
	if len(marks) == 0 {
		return nil
	}
	found := func(t string) (mark, bool) {
		for _, m := range marks {
			if strings.Contains(t, m.folded) {
				return m, true
			}
		}
		return mark{}, false
	}
	report := func(id string, item int, m mark) Problem {
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
		p.Item = item
		return p
	}
	// Each text alone, then all of them read on: a phone split over the
	// keywords (139、1234、5678) or between two fields is read whole on
	// the page.
	type part struct {
		field      string
		item, from int // item from 1 in a list of several; from: where in all
	}
	var (
		out   []Problem
		all   strings.Builder
		parts []part
	)
	check := func(id string, list []string) {
		reported := false
		for i, s := range list {
			t := squeeze(s)
			item := 0
			if len(list) > 1 {
				item = i + 1
			}
			parts = append(parts, part{id, item, all.Len()})
			all.WriteString(t)
			if m, ok := found(t); ok && !reported {
				out, reported = append(out, report(id, item, m)), true
			}
		}
	}
	check("public_alias", n.Values.List("public_alias"))
	public := c.publicValues(EntityNeed, n.Values, vis, "visibility", "public_alias")
	for _, f := range c.Fields(EntityNeed) {
		if l, ok := public[f.ID]; ok {
			check(f.ID, l)
		}
	}
	if len(out) == 0 {
		joined := all.String()
		for _, m := range marks {
			at := strings.Index(joined, m.folded)
			if at < 0 {
				continue
			}
			i := len(parts) - 1
			for i > 0 && parts[i].from > at {
				i--
			}
			out = append(out, report(parts[i].field, parts[i].item, m))
			break
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

// squeeze folds text for the search of marks: compatibility forms to their
// plain ones (NFKC: full width, 𝟏𝟑𝟗, ①), case and width (FoldSearch),
// traditional characters to simplified ones (裝備 → 装备), every decimal
// digit to 0–9 (١٣٩) and Chinese numerals to digits (一三九, 八十五); and it
// drops spaces, punctuation, symbols, marks and
// invisible characters (U+200B, U+00AD, U+2060), which written between the
// characters of a name or a phone would hide it: 176 3020 2396,
// 165-9562-8516, +86 176… and 176​3020… all hold 17630202396; 港城 新材料
// holds 港城新材料.
func squeeze(s string) string {
	s = FoldSearch(norm.NFKC.String(s))
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) ||
			unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
			continue
		case r > unicode.MaxASCII && unicode.IsDigit(r):
			b.WriteByte(byte('0' + digitValue(r)))
		case r >= 0x3400 && t2s()[r] != 0:
			b.WriteRune(t2s()[r])
		case isChineseNumeral(r):
			j := i
			for j < len(rs) && isChineseNumeral(rs[j]) {
				j++
			}
			b.WriteString(chineseNumber(rs[i:j]))
			i = j - 1
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// t2s maps traditional Chinese characters to simplified ones (t2sPairs,
// generated from OpenCC's dictionaries), made on first use.
var t2s = sync.OnceValue(func() map[rune]rune {
	m := make(map[rune]rune, utf8.RuneCountInString(t2sPairs)/2)
	rs := []rune(t2sPairs)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
})

// digitValue is the value of a decimal digit of any script: its place in
// its block of ten (every script's digits are ten in a row, 0 first).
func digitValue(r rune) int {
	z := r
	for unicode.IsDigit(z-1) && r-z < 9 {
		z--
	}
	return int(r-z) % 10
}

// chineseDigits are the Chinese numerals of the digits (幺 is 1 read out in
// phone numbers, 两 is 2).
var chineseDigits = map[rune]int{'〇': 0, '零': 0, '一': 1, '幺': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// chineseUnits are the numerals of ten, a hundred and a thousand.
var chineseUnits = map[rune]int{'十': 10, '百': 100, '千': 1000}

func isChineseNumeral(r rune) bool {
	_, d := chineseDigits[r]
	_, u := chineseUnits[r]
	return d || u
}

// chineseNumber writes a run of Chinese numerals as digits: read digit by
// digit when it has no 十, 百 or 千 (一三九 → 139), as a number when it has
// (八十五 → 85, 一百零五 → 105, 十二 → 12).
func chineseNumber(run []rune) string {
	hasUnit := false
	for _, r := range run {
		if _, ok := chineseUnits[r]; ok {
			hasUnit = true
		}
	}
	if !hasUnit {
		b := make([]byte, len(run))
		for i, r := range run {
			b[i] = byte('0' + chineseDigits[r])
		}
		return string(b)
	}
	total, digit := 0, -1
	for _, r := range run {
		if u, ok := chineseUnits[r]; ok {
			if digit < 0 {
				digit = 1 // 十二: a ten without its digit
			}
			total += digit * u
			digit = -1
			continue
		}
		digit = chineseDigits[r]
	}
	if digit > 0 {
		total += digit
	}
	return strconv.Itoa(total)
}

// identifyingMarks are the texts that give away an enterprise's people —
// its contacts' names (of two characters or more), phones (also a landline
// without its area code or extension) and e-mail, and its other personal
// fields (法定代表人) — and, with enterprise, the enterprise itself: its
// name, the name's distinctive part, with its trade word dropped, and its
// first four characters (沙洲智能装备 → 沙洲智能), its credit code and its
// address without its region, also only to the house number (玉峰路 188 号
// of 玉峰路 188 号 3 幢 201 室). Parts too short to tell it apart (under two
// characters, a distinctive part under four, an address under five) are
// left out, and a mark is searched squeezed (squeeze).
func (c *Catalogue) identifyingMarks(e *Enterprise, enterprise bool) []mark {
	var out []mark
	add := func(s string, minRunes int, personal bool) {
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) < minRunes {
			return
		}
		f := squeeze(s)
		if utf8.RuneCountInString(f) < minRunes {
			return
		}
		if !slices.ContainsFunc(out, func(m mark) bool { return m.folded == f }) {
			out = append(out, mark{s, f, personal})
		}
	}
	// A contact's fields are named, not taken by their class from the
	// catalogue as the enterprise's are below: 职务 (contact_position) is
	// personal too, yet names nobody (总经理), and each of these has its own
	// shortest length that still tells a person apart.
	for _, ct := range e.Contacts {
		add(ct.Values.Get("contact_name"), 2, true)
		add(ct.Values.Get("contact_mobile"), 7, true)
		for _, p := range phoneParts(ct.Values.Get("contact_landline")) {
			add(p, 7, true)
		}
		add(ct.Values.Get("contact_email"), 5, true)
	}
	for _, f := range c.Fields(EntityEnterprise) {
		if f.Class == ClassPersonal {
			add(e.Values.Get(f.ID), 2, true)
		}
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
	if r := []rune(core); len(r) > 4 { // 沙洲智能装备 → 沙洲智能
		add(string(r[:4]), 4, false)
	}
	add(e.CreditCode(), 18, false)
	addr := addressCore(e.Values.Get("address"), region)
	add(addr, 5, false)
	if i := strings.Index(addr, "号"); i > 0 {
		add(addr[:i+len("号")], 5, false)
	}
	return out
}

// phoneParts are the ways a landline is written: whole, without its
// extension (0512-57701234-801 → 0512-57701234) and without its area code
// (57701234).
func phoneParts(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	out := []string{s}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == ' ' || r == '—' || r == '－' || r == '转' })
	if len(fields) >= 2 {
		if strings.HasPrefix(fields[0], "0") && len(fields[0]) <= 4 {
			out = append(out, fields[0]+fields[1], fields[1]) // area code + number; the number alone
		} else {
			out = append(out, fields[0]) // the number without its extension
		}
	}
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

// GivesAway reports whether a need's public view p (Publish) would give
// away what it may not: a contact's details, or for 匿名公开 its enterprise
// (NamesEnterprise) or a place finer than the region p shows
// (NamesShownPlace). The public outputs leave such a need out.
func (c *Catalogue) GivesAway(n *Need, e *Enterprise, p *PublicNeed) bool {
	return len(c.NamesEnterprise(n, e)) > 0 || c.NamesShownPlace(n, e, p) != ""
}

// NamesShownPlace is NamesPlace for a need's public view p (Publish): the
// name of a county or town of its enterprise finer than the region p
// shows, that its alias or text gives, or "". A card, the booklet and the
// 《技术需求汇编》 leave such a need out, as the hub does not publish it:
// they would name what the region they print withholds.
func (c *Catalogue) NamesShownPlace(n *Need, e *Enterprise, p *PublicNeed) string {
	if e == nil || p.Visibility != VisibilityAnonymous {
		return ""
	}
	return c.NamesPlace(n, e.Values.Get("region"), p.Region)
}

// NamesPlace returns, for a 匿名公开 need, the name of a county or town of
// its enterprise's region (the region code) finer than shown — the region
// the need is shown with (a code of CoarsenRegion, "" for none) — that its
// public alias or published text gives, or "". Where fewer enterprises lie
// than the hub hides an anonymous need among, it shows the need's region
// coarser; an alias such as 常熟市碧溪街道某精工企业 would say it anyway.
// Cities and provinces may be named: many enterprises lie in each.
func (c *Catalogue) NamesPlace(n *Need, region, shown string) string {
	if n.Visibility() != VisibilityAnonymous || region == "" {
		return ""
	}
	var places []mark
	for _, r := range Regions().Path(region) {
		level := regionLevel(r.Code)
		if level != RegionCounty && level != RegionTown {
			continue
		}
		if shown != "" && len(RegionCodePrefix(r.Code)) <= len(RegionCodePrefix(shown)) {
			continue // the need is shown with this region, or a finer one
		}
		names := []string{r.Name}
		if short := regions.Stem(r.Name); utf8.RuneCountInString(short) >= 2 {
			names = append(names, short)
		}
		for _, name := range names {
			places = append(places, mark{text: r.Name, folded: squeeze(name)})
		}
	}
	if len(places) == 0 {
		return ""
	}
	texts := slices.Clone(n.Values.List("public_alias"))
	for _, l := range c.publicValues(EntityNeed, n.Values, VisibilityAnonymous, "visibility", "public_alias") {
		texts = append(texts, l...)
	}
	for _, t := range texts {
		t = squeeze(t)
		for _, p := range places {
			if p.folded != "" && strings.Contains(t, p.folded) {
				return p.text
			}
		}
	}
	return ""
}
