package card

import (
	"strings"
	"unicode"

	"github.com/xunbang/xunbang/forms"
)

// content is the text of one card, taken from the need's public view only.
type content struct {
	id        string
	number    string // ShortID
	kind      string // need type label
	title     string
	field     string // 电子信息 / 软件；…
	region    string // full name down to the town
	publisher string
	budget    string // 50 万元, 面议
	modes     string // 委托开发、合作开发
	problem   string
	indicator string
	confirmed bool
	qr        string // what the QR code holds; "" for none
	check     string // CheckNumber, printed when there is no QR code
	where     string // where the need will be published, said when there is no QR code
}

// contentOf builds a card's content. It reports false, with a skip, for an
// item that gets no card.
func contentOf(it Item, opt *Options) (content, *Skip) {
	if it.Need == nil {
		return content{}, &Skip{Code: SkipNoNeed, Reason: "没有需求记录"}
	}
	p, ok := opt.catalogue().Publish(it.Need, it.Enterprise)
	if !ok {
		return content{}, &Skip{
			ID: it.Need.ID, Title: it.Need.Title(), Code: SkipPrivate,
			Reason: "公开方式为不公开，不印制公开卡片",
		}
	}
	if ps := opt.catalogue().NamesEnterprise(it.Need, it.Enterprise); len(ps) > 0 {
		return content{}, &Skip{
			ID: it.Need.ID, Title: it.Need.Title(), Code: SkipNamesEnterprise,
			Reason: "匿名公开，却在「" + opt.catalogue().Label(ps[0].Field, "zh") + "」中写出了企业，不印制卡片；请改写后再打印",
		}
	}
	if place := opt.catalogue().NamesShownPlace(it.Need, it.Enterprise, &p); place != "" {
		return content{}, &Skip{
			ID: it.Need.ID, Title: it.Need.Title(), Code: SkipNamesPlace,
			Reason: "匿名公开，却在公开称谓或文字中写出了「" + place + "」，比卡片上的地区更细，不印制卡片；请改写（例如只写到地级市）后再打印",
		}
	}
	return contentOfPublic(it, &p, opt), nil
}

// contentOfPublic builds the content of a need from its public view p.
func contentOfPublic(it Item, p *forms.PublicNeed, opt *Options) content {
	cat := opt.catalogue()
	v := p.Values
	c := content{
		id:        p.ID,
		number:    ShortID(p.ID),
		kind:      enumLabel(cat, "need_type", v.Get("need_type")),
		title:     clean(v.Get("title")),
		field:     techFields(cat, v.List("tech_fields")),
		region:    clean(opt.regions().FullName(p.Region)),
		publisher: clean(p.Publisher),
		budget:    budget(v),
		modes:     enumList(cat, "cooperation_modes", v.List("cooperation_modes")),
		problem:   clean(v.Get("problem")),
		indicator: clean(v.Get("indicators")),
		confirmed: p.Confirmed,
		qr:        qrContent(p, true, opt),
	}
	if c.qr == "" {
		c.check = checkNumber(p.ID, cat.ContentHash(it.Need, it.Enterprise))
		c.where = opt.publishedWhere()
	}
	if c.publisher == "" && p.Visibility == forms.VisibilityAnonymous {
		c.publisher = "匿名企业"
	}
	return c
}

func vocabularyOf(cat *forms.Catalogue, field string) *forms.Vocabulary {
	f, ok := cat.Field(field)
	if !ok {
		return nil
	}
	return cat.Vocabulary(f.Vocabulary)
}

func enumLabel(cat *forms.Catalogue, field, code string) string {
	if code == "" {
		return ""
	}
	if v := vocabularyOf(cat, field); v != nil {
		return clean(v.Label(code, "zh"))
	}
	return clean(code)
}

func enumList(cat *forms.Catalogue, field string, codes []string) string {
	var l []string
	for _, c := range codes {
		if s := enumLabel(cat, field, c); s != "" {
			l = append(l, s)
		}
	}
	return strings.Join(l, "、")
}

// techFields writes each tech field as "first level / second level".
func techFields(cat *forms.Catalogue, codes []string) string {
	v := vocabularyOf(cat, "tech_fields")
	// A first-level field is said by its second-level ones, when there are any.
	said := map[string]bool{}
	if v != nil {
		for _, code := range codes {
			p := v.Path(code) // the tech fields have three levels
			for _, o := range p[:max(0, len(p)-1)] {
				said[o.Code] = true
			}
		}
	}
	var l []string
	for _, code := range codes {
		if said[code] {
			continue
		}
		if v == nil {
			l = append(l, code)
			continue
		}
		o, ok := v.Option(code)
		if !ok {
			l = append(l, code)
			continue
		}
		s := o.ZH
		if o.Parent != "" {
			s = v.Label(o.Parent, "zh") + " / " + s
		}
		l = append(l, s)
	}
	return clean(strings.Join(l, "；"))
}

func budget(v forms.Values) string {
	if v.Bool("budget_negotiable") {
		return "面议"
	}
	if b := strings.TrimSpace(v.Get("budget_wan")); b != "" {
		return clean(b) + " 万元"
	}
	return "面议"
}

// clean makes text fit for one flowing paragraph: line breaks, tabs and runs
// of spaces become one space, control and format characters (zero widths,
// bidi overrides) go.
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t' || r == ' ' || r == '\u3000' || r == '\u00a0':
			space = true
			continue
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || unicode.Is(unicode.Cf, r):
			continue // controls, and format characters: zero widths, bidi overrides
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
