package xlsx

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/xunbang/xunbang/forms"
)

// cellProblem is a problem with one cell's value, before it gets a location.
type cellProblem struct {
	field    string
	code     string
	severity forms.Severity
	zh, en   string
}

func fromForms(cat *forms.Catalogue, p forms.Problem) cellProblem {
	return cellProblem{field: p.Field, code: p.Code, severity: p.Severity, zh: p.Message(cat, "zh"), en: p.Message(cat, "en")}
}

func fromParseError(cat *forms.Catalogue, err error) cellProblem {
	var pe *forms.ParseError
	if errors.As(err, &pe) {
		return fromForms(cat, pe.Problem())
	}
	return cellProblem{code: "parse", severity: forms.SeverityError, zh: err.Error(), en: err.Error()}
}

// parseCell reads one cell's text into v under field f, as leniently as the
// catalogue allows and a little more: enum codes that lost their leading
// zeros in Excel (1 for 01), multi-valued labels that contain 、 themselves
// (中药、天然药物), numbers Excel wrote in exponent form, a landline or an
// e-mail address in a column headed 联系电话. Present values are then checked
// against the catalogue. Region fields are not handled here (see
// resolveRegion).
func parseCell(cat *forms.Catalogue, v forms.Values, f *forms.Field, raw string) []cellProblem {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil
	}
	var out []cellProblem
	check := func(id string) {
		fd, ok := cat.Field(id)
		if !ok || !v.Has(id) {
			return
		}
		// A length or a count a draft may break is a warning: the need
		// comes in as 待补充 (see reader.finish), never refused.
		for _, p := range forms.SoftenDraftLimits(cat.CheckField(fd, v.List(id))) {
			out = append(out, fromForms(cat, p))
		}
	}
	switch f.Kind {
	case forms.KindEnum:
		code, err := matchOption(cat, f, s)
		if err != nil {
			return []cellProblem{fromParseError(cat, err)}
		}
		v.Set(f.ID, code)
	case forms.KindMultiEnum:
		codes, err := matchOptions(cat, f, s)
		if err != nil {
			return []cellProblem{fromParseError(cat, err)}
		}
		v.SetList(f.ID, codes)
	case forms.KindMobile, forms.KindLandline:
		if f.Entity == forms.EntityContact {
			return parsePhones(cat, v, f, s)
		}
		if err := cat.SetInput(v, f, unexponent(s)); err != nil {
			return []cellProblem{fromParseError(cat, err)}
		}
	case forms.KindNumber, forms.KindMoney, forms.KindDate:
		if f.RangeEnd != "" {
			if from, to, ok := yearRange(s); ok {
				v.Set(f.ID, from)
				v.Set(f.RangeEnd, to)
				check(f.ID)
				check(f.RangeEnd)
				return out
			}
			s = strings.TrimSuffix(s, "年")
		}
		if err := cat.SetInput(v, f, unexponent(s)); err != nil {
			return []cellProblem{fromParseError(cat, err)}
		}
	default:
		if err := cat.SetInput(v, f, s); err != nil {
			return []cellProblem{fromParseError(cat, err)}
		}
	}
	check(f.ID)
	if f.NegotiableFlag != "" {
		check(f.NegotiableFlag)
	}
	return out
}

// unexponent rewrites a number Excel stored in exponent form (1.3812345678E+10)
// as plain digits.
func unexponent(s string) string {
	if !strings.ContainsAny(s, "eE") || len(s) > 40 {
		return s
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// matchOption finds an enum option by label, code or alias; a code written
// as a number that lost its leading zeros (1 for 01, 101 for 0101) is
// accepted too.
func matchOption(cat *forms.Catalogue, f *forms.Field, s string) (string, error) {
	voc := cat.Vocabulary(f.Vocabulary)
	if o, ok := voc.Match(s); ok {
		return o.Code, nil
	}
	if d := unexponent(s); isDigits(d) {
		for _, w := range []int{2, 4} {
			if len(d) < w {
				if o, ok := voc.Option(strings.Repeat("0", w-len(d)) + d); ok {
					return o.Code, nil
				}
			}
		}
	}
	_, err := cat.ParseInput(f, s) // the catalogue's own wording of the error
	if err == nil {
		err = fmt.Errorf("%q is not one of the options", s)
	}
	return "", err
}

// matchOptions splits a multi-valued cell and matches each part, joining
// neighbouring parts again where an option's label holds a separator itself
// (中药、天然药物; 农、林、牧、渔业).
func matchOptions(cat *forms.Catalogue, f *forms.Field, s string) ([]string, error) {
	voc := cat.Vocabulary(f.Vocabulary)
	if o, ok := voc.Match(s); ok {
		return []string{o.Code}, nil
	}
	parts := forms.SplitList(s)
	var codes []string
	for i := 0; i < len(parts); {
		matched := false
		for j := min(len(parts), i+4); j > i; j-- {
			cand := strings.Join(parts[i:j], "、")
			if j == i+1 {
				if code, err := matchOption(cat, f, cand); err == nil {
					codes = append(codes, code)
					i, matched = j, true
					break
				}
				continue
			}
			if o, ok := voc.Match(cand); ok {
				codes = append(codes, o.Code)
				i, matched = j, true
				break
			}
		}
		if !matched {
			_, err := matchOption(cat, f, parts[i])
			return nil, err
		}
	}
	return codes, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parsePhones reads a contact's phone cell, which people use for whatever
// number they have: a mobile, a landline, both (13812345678、0512-57771234),
// or an e-mail address. Each part goes to the field of its kind; a part
// that is none of them is an error on the column's own field.
func parsePhones(cat *forms.Catalogue, v forms.Values, f *forms.Field, s string) []cellProblem {
	mobile, landline, email := cat.MustField("contact_mobile"), cat.MustField("contact_landline"), cat.MustField("contact_email")
	var out []cellProblem
	for _, part := range forms.SplitList(s) {
		part = unexponent(part)
		m := forms.NormalizePhone(part, true)
		if len(cat.CheckField(mobile, []string{m})) == 0 {
			if !v.Has(mobile.ID) {
				v.Set(mobile.ID, m)
			}
			continue
		}
		if l := forms.NormalizePhone(part, false); len(cat.CheckField(landline, []string{l})) == 0 {
			if !v.Has(landline.ID) {
				v.Set(landline.ID, l)
			}
			continue
		}
		if strings.Contains(part, "@") {
			vals, err := cat.ParseInput(email, part)
			if err == nil && len(cat.CheckField(email, vals)) == 0 {
				if !v.Has(email.ID) {
					v.SetList(email.ID, vals)
				}
				continue
			}
		}
		// Report it the catalogue's way, on the column's own field.
		norm := forms.NormalizePhone(part, f.Kind == forms.KindMobile)
		ps := cat.CheckField(f, []string{norm})
		if len(ps) == 0 { // cannot happen: it failed above
			ps = cat.CheckField(mobile, []string{norm})
		}
		for _, p := range ps {
			out = append(out, fromForms(cat, p))
		}
	}
	return out
}

// yearRangeRe matches a range of years as forms write 需求时限: 2025-2027,
// 2025年—2027年, 2025 至 2027, 2025~2027.
var yearRangeRe = regexp.MustCompile(`^\s*(\d{4})\s*年?\s*(?:-|—|–|－|~|～|至|到|——)+\s*(\d{4})\s*年?\s*$`)

// yearRange reads a range of years ("2025—2027") into its first and last.
func yearRange(s string) (from, to string, ok bool) {
	m := yearRangeRe.FindStringSubmatch(forms.Fold(s))
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}
