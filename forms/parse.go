package forms

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ParseError says why a value written by a person could not be read.
type ParseError struct {
	Field  string
	Value  string
	zh, en string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.en) }

// Problem returns the error as a validation problem on its field.
func (e *ParseError) Problem() Problem {
	return problem(e.Field, "parse", SeverityError, e.zh, e.en)
}

// Message returns the error in the user's language, naming the field.
func (e *ParseError) Message(cat *Catalogue, lang string) string {
	return e.Problem().Message(cat, lang)
}

// ParseInput reads a value as a person writes it — in a form, a spreadsheet
// cell or a chat message — into the field's canonical form: 50万 → "50",
// 2024/6/30 → "2024-06-30", 技术改造 → "02", "138 1234 5678" → "13812345678",
// 是 → "true". Multi-valued fields split on 、，,；; and line breaks (see
// [SplitList]), except that an option whose label holds one of them, such as
// 中药、天然药物, is kept whole. Regions are returned as written; resolving a
// name to a code needs the region index and a home region (see
// [RegionIndex.Resolve]). An empty input returns nil.
func (c *Catalogue) ParseInput(f *Field, raw string) ([]string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, nil
	}
	bad := func(zh, en string) error { return &ParseError{Field: f.ID, Value: s, zh: zh, en: en} }
	switch f.Kind {
	case KindKeywords:
		if l := SplitList(s); len(l) > 0 {
			return l, nil
		}
		return nil, nil
	case KindMultiEnum:
		out, unknown := c.vocabularies[f.Vocabulary].matchList(s)
		if unknown != "" {
			return nil, bad(fmt.Sprintf("“%s”不是可选值。", clip(unknown)), fmt.Sprintf("%q is not one of the options.", clip(unknown)))
		}
		return out, nil
	case KindEnum:
		o, ok := c.vocabularies[f.Vocabulary].Match(s)
		if !ok {
			return nil, bad(fmt.Sprintf("“%s”不是可选值。", clip(s)), fmt.Sprintf("%q is not one of the options.", clip(s)))
		}
		return []string{o.Code}, nil
	case KindMoney:
		m, err := ParseMoney(s)
		if err != nil {
			return nil, bad(fmt.Sprintf("“%s”不是金额（如 50、50万元、0.5亿、面议）。", clip(s)), fmt.Sprintf("%q is not an amount (e.g. 50, 50万元, 0.5亿, 面议).", clip(s)))
		}
		if m.Negotiable {
			if f.NegotiableFlag == "" {
				return nil, bad("此处须填写具体金额。", "needs an amount here.")
			}
			return []string{Negotiable}, nil
		}
		return []string{m.Wan}, nil
	case KindNumber:
		t := strings.ReplaceAll(Fold(s), ",", "")
		t = strings.TrimRight(t, "人个名")
		if !decimalRe.MatchString(t) {
			return nil, bad(fmt.Sprintf("“%s”不是数字。", clip(s)), fmt.Sprintf("%q is not a number.", clip(s)))
		}
		return []string{canonicalDecimal(t)}, nil
	case KindDate:
		d, err := ParseDate(s)
		if err != nil {
			return nil, bad(fmt.Sprintf("“%s”不是日期（如 2024-06-30、2024年6月）。", clip(s)), fmt.Sprintf("%q is not a date (e.g. 2024-06-30, 2024年6月).", clip(s)))
		}
		return []string{d}, nil
	case KindBool:
		switch matchKey(s) {
		case "是", "true", "yes", "y", "1", "√", "✓", "✔", "有":
			return []string{"true"}, nil
		case "否", "false", "no", "n", "0", "×", "✗", "无", "不是":
			return []string{"false"}, nil
		}
		return nil, bad(fmt.Sprintf("“%s”应为“是”或“否”。", clip(s)), fmt.Sprintf("%q should be yes or no.", clip(s)))
	case KindCreditCode:
		return []string{NormalizeCreditCode(s)}, nil
	case KindMobile:
		return []string{NormalizePhone(s, true)}, nil
	case KindLandline:
		return []string{NormalizePhone(s, false)}, nil
	case KindEmail:
		return []string{strings.ToLower(Fold(strings.TrimPrefix(s, "mailto:")))}, nil
	case KindText:
		return []string{strings.Join(strings.Fields(s), " ")}, nil
	case KindLongText:
		// Line breaks as typed on Windows or pasted from there: the gate
		// lets only line feeds into a long text.
		return []string{strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")}, nil
	}
	return []string{s}, nil
}

// SplitList splits a multi-valued cell on 、，,；; and line breaks.
func SplitList(s string) []string {
	parts := strings.FieldsFunc(s, listSeparator)
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func listSeparator(r rune) bool {
	switch r {
	case '、', '，', ',', '；', ';', '\n', '\r', '/', '|', '　':
		return true
	}
	return false
}

// listSpan is where one part of a list (see [SplitList]) lies in its text.
type listSpan struct{ start, end int }

// listSpans returns where the parts [SplitList] gives lie in s: s[start:end]
// of each span is the part.
func listSpans(s string) []listSpan {
	var out []listSpan
	add := func(a, b int) {
		p := s[a:b]
		q := strings.TrimSpace(p)
		if q == "" {
			return
		}
		lead := len(p) - len(strings.TrimLeftFunc(p, unicode.IsSpace))
		out = append(out, listSpan{a + lead, a + lead + len(q)})
	}
	start := -1
	for i, r := range s {
		switch {
		case listSeparator(r):
			if start >= 0 {
				add(start, i)
				start = -1
			}
		case start < 0:
			start = i
		}
	}
	if start >= 0 {
		add(start, len(s))
	}
	return out
}

// matchList reads the options of a multi-valued cell, as codes. An option
// whose name holds a list separator (中药、天然药物; "Water, environment and
// public facilities") is kept whole: the whole text is tried first, then, from
// the left, the longest run of list parts that names an option. It returns
// the first part that names none as unknown.
func (v *Vocabulary) matchList(s string) (codes []string, unknown string) {
	if o, ok := v.Match(s); ok {
		return []string{o.Code}, ""
	}
	spans := listSpans(s)
	for i := 0; i < len(spans); {
		j := min(len(spans), i+max(1, v.listParts))
		for ; j > i; j-- {
			if o, ok := v.Match(s[spans[i].start:spans[j-1].end]); ok {
				codes = append(codes, o.Code)
				break
			}
		}
		if j == i {
			return nil, s[spans[i].start:spans[i].end]
		}
		i = j
	}
	return codes, ""
}

// NormalizePhone removes spaces, dashes (for mobiles), brackets and a +86 or
// 0086 country prefix.
func NormalizePhone(s string, mobile bool) string {
	s = Fold(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' && !mobile:
			b.WriteRune(r)
		case r == '+' || r == ' ' || r == '(' || r == ')' || r == '-' || r == '.':
		default:
			b.WriteRune(r) // kept, so validation names what is wrong
		}
	}
	out := b.String()
	for _, p := range []string{"0086", "86"} {
		if mobile && len(out) == 11+len(p) && strings.HasPrefix(out, p) {
			out = out[len(p):]
		}
	}
	return out
}

// Negotiable is what [Catalogue.ParseInput] returns for 面议 in a money
// field that has a negotiable flag; [Catalogue.SetInput] turns it into the flag.
const Negotiable = "面议"

// SetInput parses raw with [Catalogue.ParseInput] and stores the result in v.
// 面议 in a money field clears the amount and sets its negotiable flag; an
// amount clears the flag. Nothing is changed when raw cannot be read.
func (c *Catalogue) SetInput(v Values, f *Field, raw string) error {
	vals, err := c.ParseInput(f, raw)
	if err != nil {
		return err
	}
	if f.Kind == KindMoney && f.NegotiableFlag != "" {
		if len(vals) == 1 && vals[0] == Negotiable {
			delete(v, f.ID)
			v.Set(f.NegotiableFlag, "true")
			return nil
		}
		if len(vals) > 0 {
			delete(v, f.NegotiableFlag)
		}
	}
	v.SetList(f.ID, vals)
	return nil
}

// Money is an amount in 万元, or negotiable.
type Money struct {
	Wan        string // canonical decimal in 万元, up to 4 places (1 元 = 0.0001 万元)
	Negotiable bool
}

// ParseMoney reads an amount as people write it: 50, 50万, 50万元, 0.5亿,
// 500,000元, ¥500000, 面议 / 待定 / 协商. A bare number is in 万元.
func ParseMoney(s string) (Money, error) {
	t := moneyNoise.Replace(matchKey(strings.TrimSpace(s)))
	switch t {
	case "面议", "待定", "协商", "商议", "议定", "面谈", "negotiable":
		return Money{Negotiable: true}, nil
	}
	shift := 0 // powers of ten to 万元
	switch {
	case strings.HasSuffix(t, "亿元"), strings.HasSuffix(t, "亿"):
		t = strings.TrimSuffix(strings.TrimSuffix(t, "元"), "亿")
		shift = 4
	case strings.HasSuffix(t, "万元"), strings.HasSuffix(t, "万"):
		t = strings.TrimSuffix(strings.TrimSuffix(t, "元"), "万")
	case strings.HasSuffix(t, "千元"):
		t = strings.TrimSuffix(t, "千元")
		shift = -1
	case strings.HasSuffix(t, "元"):
		t = strings.TrimSuffix(t, "元")
		shift = -4
	}
	if !decimalRe.MatchString(t) || strings.HasPrefix(t, "-") || len(t) > 30 {
		return Money{}, fmt.Errorf("not an amount: %q", s)
	}
	return Money{Wan: canonicalDecimal(shiftDecimal(t, shift))}, nil
}

// moneyNoise is what ParseMoney drops before reading an amount: thousands
// separators, currency marks and words such as 约 and 左右.
var moneyNoise = strings.NewReplacer(",", "", "￥", "", "¥", "", "rmb", "", "人民币", "", "约", "", "左右", "", "以内", "", "以上", "")

// shiftDecimal multiplies a plain decimal t (digits, optionally a point and
// more digits) by 10^shift and writes it with exactly four decimal places,
// the last rounded half up, as big.Rat's FloatString(4) would: no sign, no
// leading zeros but one before the point.
func shiftDecimal(t string, shift int) string {
	intPart, frac, _ := strings.Cut(t, ".")
	// The digits, and where the point goes among them.
	var buf [80]byte
	digits := append(append(buf[:0], intPart...), frac...)
	point := len(intPart) + shift
	for point < 1 { // at least one digit before the point
		digits = append(digits, 0)
		copy(digits[1:], digits)
		digits[0] = '0'
		point++
	}
	for len(digits) < point+5 { // and five after it, for rounding
		digits = append(digits, '0')
	}
	up := digits[point+4] >= '5'
	digits = digits[:point+4]
	for i := len(digits) - 1; up && i >= 0; i-- {
		if digits[i] == '9' {
			digits[i] = '0'
			continue
		}
		digits[i]++
		up = false
	}
	if up { // carried out of the first digit: 9.99995 → 10.0000
		digits = append(digits, 0)
		copy(digits[1:], digits)
		digits[0] = '1'
		point++
	}
	whole := digits[:point]
	for len(whole) > 1 && whole[0] == '0' {
		whole = whole[1:]
	}
	out := make([]byte, 0, len(whole)+5)
	out = append(out, whole...)
	out = append(out, '.')
	return string(append(out, digits[point:]...))
}

// canonicalDecimal drops trailing zeros and a trailing point: "50.5000" → "50.5".
func canonicalDecimal(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "" || s == "-0" {
		return "0"
	}
	return s
}

// ParseDate reads a date as people write it: an Excel serial number (45473),
// 2024-06-30, 2024/6/30, 2024.6.30, 2024年6月30日, 2024年6月, 2024-06, 2024.6.
// Month-only dates are returned as "2006-01".
func ParseDate(s string) (string, error) {
	t := strings.TrimSpace(Fold(s))
	if t == "" {
		return "", fmt.Errorf("empty date")
	}
	if isDigits(t) && len(t) == 5 { // 10000 is 1927-05-18: four digits are a year, not a serial
		n, _ := strconv.Atoi(t)
		if n > 0 && n < 2958466 {
			return ExcelSerialDate(float64(n)), nil
		}
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && strings.Contains(t, ".") && f > 20000 && f < 2958466 {
		return ExcelSerialDate(f), nil // a serial with a time fraction
	}
	t = dateMarks.Replace(t)
	t = strings.TrimSuffix(strings.Fields(t + " ")[0], "-")
	parts := strings.Split(t, "-")
	if len(parts) < 2 || len(parts) > 3 {
		return "", fmt.Errorf("not a date: %q", s)
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		if !isDigits(p) || len(p) > 4 {
			return "", fmt.Errorf("not a date: %q", s)
		}
		nums[i], _ = strconv.Atoi(p)
	}
	y, m := nums[0], nums[1]
	if y < 1900 || y > 2200 || m < 1 || m > 12 {
		return "", fmt.Errorf("not a date: %q", s)
	}
	if len(nums) == 2 {
		return fmt.Sprintf("%04d-%02d", y, m), nil
	}
	d := time.Date(y, time.Month(m), nums[2], 0, 0, 0, 0, time.UTC)
	if d.Day() != nums[2] {
		return "", fmt.Errorf("no such day: %q", s)
	}
	return d.Format("2006-01-02"), nil
}

// dateMarks turns the ways people separate a date's parts into dashes.
var dateMarks = strings.NewReplacer("年", "-", "月", "-", "日", "", "号", "", "/", "-", ".", "-")

// ExcelSerialDate converts an Excel (1900 system) serial day number to a date.
func ExcelSerialDate(serial float64) string {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	return base.AddDate(0, 0, int(math.Floor(serial))).Format("2006-01-02")
}
