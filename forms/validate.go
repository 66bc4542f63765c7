package forms

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Severity says whether a problem blocks.
type Severity int

// Severities.
const (
	// SeverityError blocks finalising (and, for malformed values, importing).
	SeverityError Severity = iota
	// SeverityWarning is shown but may be overridden by the user.
	SeverityWarning
)

// Problem is one finding of validation, tied to a field.
type Problem struct {
	Field    string   // catalogue field id
	Item     int      // 1-based item of a multi-valued field or contact; 0 when not applicable
	Code     string   // stable machine code, e.g. "required", "credit_code.check_char"
	Severity Severity //
	zh, en   string   // the message without the field name
}

// Message returns the problem in the user's language, naming the field by its
// label: 「统一社会信用代码」校验位不符，应为 8。
func (p Problem) Message(cat *Catalogue, lang string) string {
	label := cat.Label(p.Field, lang)
	if lang == "en" {
		if p.Item > 0 {
			return fmt.Sprintf("%s (item %d): %s", label, p.Item, p.en)
		}
		return fmt.Sprintf("%s: %s", label, p.en)
	}
	if p.Item > 0 {
		return fmt.Sprintf("「%s」第 %d 项%s", label, p.Item, p.zh)
	}
	return fmt.Sprintf("「%s」%s", label, p.zh)
}

// Label names a catalogue field or a record's metadata key (id,
// enterprise_id, team…) in the user's language, for messages; an id that
// is neither is returned as it is.
func (c *Catalogue) Label(id, lang string) string {
	if f, ok := c.Field(id); ok {
		return f.Label(lang)
	}
	if l, ok := metaLabels[id]; ok {
		if lang == "en" {
			return l[1]
		}
		return l[0]
	}
	return id
}

// Text returns the message alone, without the field, in the given language.
func (p Problem) Text(lang string) string {
	if lang == "en" {
		return p.en
	}
	return p.zh
}

func problem(field, code string, sev Severity, zh, en string) Problem {
	return Problem{Field: field, Code: code, Severity: sev, zh: zh, en: en}
}

// Mode says how strict validation is.
type Mode int

// Validation modes.
const (
	// Draft checks only values that are present: saving a draft never fails
	// for what is missing.
	Draft Mode = iota
	// Final also requires every required field: finalising a record.
	Final
)

// Validate checks the values of one entity against the catalogue. Unknown
// field ids are reported, so nothing is stored that no one can see. In
// Draft mode a limit a draft may break (see [Problem.DraftLimit]) is a
// warning; in Final mode it is an error, as it blocks 定稿.
func (c *Catalogue) Validate(entity Entity, v Values, mode Mode) []Problem {
	var out []Problem
	for _, f := range c.Fields(entity) {
		if !v.Has(f.ID) {
			if mode == Final && f.Required {
				out = append(out, problem(f.ID, "required", SeverityError, "为必填项。", "is required."))
			}
			continue
		}
		ps := c.CheckField(f, v.List(f.ID))
		if mode == Draft {
			ps = SoftenDraftLimits(ps)
		}
		out = append(out, ps...)
	}
	for id := range v {
		if f, ok := c.Field(id); !ok || f.Entity != entity {
			if p := checkText("", id, false); p != nil {
				out = append(out, problem("", "unknown_field", SeverityError, "有一个字段名含有无效字符。", "a field name holds invalid characters."))
				continue
			}
			out = append(out, problem(id, "unknown_field", SeverityError, "不是此表的字段。", "is not a field of this form."))
			out = append(out, c.checkTextValues(Values{id: v[id]})...)
		}
	}
	slices.SortStableFunc(out, func(a, b Problem) int { return c.order(a.Field) - c.order(b.Field) })
	return out
}

func (c *Catalogue) order(id string) int {
	for i, f := range c.fields {
		if f.ID == id {
			return i
		}
	}
	return len(c.fields)
}

// ValidateNeed checks a need's own fields and the rules across them: an
// anonymous need needs a public alias, a budget is a number or 面议.
func (c *Catalogue) ValidateNeed(n *Need, mode Mode) []Problem {
	out := needGate(n)
	out = append(out, c.Validate(EntityNeed, n.Values, mode)...)
	if mode == Final {
		if n.Visibility() == VisibilityAnonymous && !n.Values.Has("public_alias") {
			out = append(out, problem("public_alias", "required", SeverityError, "匿名公开时必填。", "is required for anonymous publication."))
		}
		if !n.Values.Has("budget_wan") && !n.Values.Bool("budget_negotiable") {
			out = append(out, problem("budget_wan", "required", SeverityError, "请填写金额或勾选“面议”。", "enter an amount or tick Negotiable."))
		}
	}
	for _, f := range c.fields {
		if f.Entity != EntityNeed || f.RangeEnd == "" || !n.Values.Has(f.ID) || !n.Values.Has(f.RangeEnd) {
			continue
		}
		from, err1 := strconv.ParseFloat(n.Values.Get(f.ID), 64)
		to, err2 := strconv.ParseFloat(n.Values.Get(f.RangeEnd), 64)
		if err1 == nil && err2 == nil && to < from {
			out = append(out, problem(f.RangeEnd, "range", SeverityError,
				fmt.Sprintf("不能早于「%s」（%s）。", f.ZH, n.Values.Get(f.ID)),
				fmt.Sprintf("cannot come before %s (%s).", f.EN, n.Values.Get(f.ID))))
		}
	}
	return withoutOverridden(out, n.Overrides)
}

// ValidateEnterprise checks an enterprise and its contacts.
func (c *Catalogue) ValidateEnterprise(e *Enterprise, mode Mode) []Problem {
	out := enterpriseGate(e)
	out = append(out, c.Validate(EntityEnterprise, e.Values, mode)...)
	for i, ct := range e.Contacts {
		for _, p := range checkID("contact_id", ct.ID) {
			p.Item = i + 1
			out = append(out, p)
		}
		for _, p := range c.Validate(EntityContact, ct.Values, mode) {
			p.Item = i + 1
			out = append(out, p)
		}
	}
	if mode == Final && len(e.Contacts) == 0 {
		out = append(out, problem("contact_name", "required", SeverityError, "至少填写一位联系人。", "at least one contact is required."))
	}
	return withoutOverridden(out, e.Overrides)
}

// ValidateDiagnosis checks a diagnosis: in Final mode every criterion must be
// rated, a doubt or failure needs a comment, and the conclusion is required.
func (c *Catalogue) ValidateDiagnosis(d *Diagnosis, mode Mode) []Problem {
	out := checkTexts("by", d.By)
	out = append(out, c.Validate(EntityDiagnosis, d.Values, mode)...)
	if mode == Final {
		for _, id := range DiagnosisCriteria {
			if v := d.Values.Get(id); (v == "doubt" || v == "fail") && !d.Values.Has(id+"_comment") {
				out = append(out, problem(id+"_comment", "required", SeverityError, "评为存疑或不通过时须写明理由。", "give a reason for a doubtful or failed rating."))
			}
		}
	}
	return out
}

func withoutOverridden(ps []Problem, overrides []string) []Problem {
	if len(overrides) == 0 {
		return ps
	}
	out := ps[:0]
	for _, p := range ps {
		if p.Severity == SeverityWarning && slices.Contains(overrides, p.Code) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// draftLimits are the codes of the limits a draft may break: how long a
// text is and how many items a list holds. A town's workbook with a short
// 主要问题 is still worth importing; the need is completed before 定稿.
var draftLimits = map[string]bool{"min_len": true, "max_len": true, "min_items": true, "max_items": true}

// DraftLimit reports whether the problem is a limit a draft may break (a
// minimum or maximum length, a minimum or maximum count): a warning while
// the record is a draft, an error when it is finalised.
func (p Problem) DraftLimit() bool { return draftLimits[p.Code] }

// ToComplete returns the fields ps says a record must complete before it
// is final — a missing value, or one breaking a limit a draft may break —
// each once, in the order of ps: the record's Missing (待补充).
func ToComplete(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		if (p.Code == "required" || p.DraftLimit()) && !slices.Contains(out, p.Field) {
			out = append(out, p.Field)
		}
	}
	return out
}

// SoftenDraftLimits returns ps with every draft limit (see
// [Problem.DraftLimit]) turned into a warning, for a draft or an import.
// The messages say that the value must be completed before 定稿. ps is
// changed in place.
func SoftenDraftLimits(ps []Problem) []Problem {
	for i := range ps {
		if ps[i].DraftLimit() && ps[i].Severity == SeverityError {
			ps[i].Severity = SeverityWarning
			ps[i].zh += "草稿可以保存，定稿前须改正。"
			ps[i].en += " A draft may keep it; mend it before finalising."
		}
	}
	return ps
}

// Blocking reports whether any problem is an error.
func Blocking(ps []Problem) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Severity == SeverityError })
}

// CheckField checks the values of one field (already known to be present).
func (c *Catalogue) CheckField(f *Field, vals []string) []Problem {
	var out []Problem
	if !f.Kind.Multi() && len(vals) > 1 {
		out = append(out, problem(f.ID, "multiple", SeverityError, "只能填一个值。", "takes a single value."))
	}
	if f.Kind.Multi() {
		if f.MinItems > 0 && len(vals) < f.MinItems {
			out = append(out, problem(f.ID, "min_items", SeverityError, fmt.Sprintf("至少 %d 项。", f.MinItems), fmt.Sprintf("needs at least %d.", f.MinItems)))
		}
		if f.MaxItems > 0 && len(vals) > f.MaxItems {
			out = append(out, problem(f.ID, "max_items", SeverityError, fmt.Sprintf("最多 %d 项，现有 %d 项。", f.MaxItems, len(vals)), fmt.Sprintf("takes at most %d, has %d.", f.MaxItems, len(vals))))
		}
	}
	for i, s := range vals {
		if p := checkText(f.ID, s, f.Kind == KindLongText); p != nil {
			if f.Kind.Multi() && len(vals) > 1 {
				p.Item = i + 1
			}
			out = append(out, *p)
			continue
		}
		for _, p := range c.checkValue(f, s) {
			if f.Kind.Multi() && len(vals) > 1 {
				p.Item = i + 1
			}
			out = append(out, p)
		}
	}
	return out
}

var (
	mobileRe   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRe = regexp.MustCompile(`^(0[0-9]{2,3}-?)?[1-9][0-9]{6,7}(-[0-9]{1,6})?$`)
	decimalRe  = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
)

// valueCheck checks one value of a field of the kinds it is listed for in
// valueChecks, returning its problems (none when it is fine).
type valueCheck func(c *Catalogue, f *Field, s string) []Problem

// valueChecks are the checks of one value, by the field's kind. A kind
// not listed takes any value.
var valueChecks = map[Kind]valueCheck{
	KindText:       checkLength,
	KindLongText:   checkLength,
	KindKeywords:   checkLength,
	KindNumber:     checkNumber,
	KindMoney:      checkNumber,
	KindDate:       checkDate,
	KindEnum:       checkOption,
	KindMultiEnum:  checkOption,
	KindBool:       checkBool,
	KindRegion:     checkRegionCode,
	KindCreditCode: checkCreditCode,
	KindMobile:     checkMobile,
	KindLandline:   checkLandline,
	KindEmail:      checkEmail,
}

func (c *Catalogue) checkValue(f *Field, s string) []Problem {
	if check := valueChecks[f.Kind]; check != nil {
		return check(c, f, s)
	}
	return nil
}

// checkLength checks a text's length in characters, and that a one-line
// text is one line.
func checkLength(_ *Catalogue, f *Field, s string) []Problem {
	n := utf8.RuneCountInString(s)
	if f.MinLen > 0 && n < f.MinLen {
		return []Problem{problem(f.ID, "min_len", SeverityError, fmt.Sprintf("至少 %d 个字，现有 %d 个。", f.MinLen, n), fmt.Sprintf("needs at least %d characters, has %d.", f.MinLen, n))}
	}
	if f.MaxLen > 0 && n > f.MaxLen {
		return []Problem{problem(f.ID, "max_len", SeverityError, fmt.Sprintf("最多 %d 个字，现有 %d 个。", f.MaxLen, n), fmt.Sprintf("takes at most %d characters, has %d.", f.MaxLen, n))}
	}
	if f.Kind == KindText && strings.ContainsAny(s, "\r\n") {
		return []Problem{problem(f.ID, "one_line", SeverityError, "只能填一行。", "must be one line.")}
	}
	return nil
}

// checkNumber checks a decimal number: whole when the field says so, and
// within the field's range.
func checkNumber(_ *Catalogue, f *Field, s string) []Problem {
	if !decimalRe.MatchString(s) {
		return []Problem{problem(f.ID, "number", SeverityError, fmt.Sprintf("“%s”不是数字。", clip(s)), fmt.Sprintf("%q is not a number.", clip(s)))}
	}
	x, _ := strconv.ParseFloat(s, 64)
	if f.Integer && strings.Contains(s, ".") {
		return []Problem{problem(f.ID, "integer", SeverityError, "须为整数。", "must be a whole number.")}
	}
	if f.Min != nil && x < *f.Min {
		return []Problem{problem(f.ID, "min", SeverityError, fmt.Sprintf("不能小于 %s。", fmtNum(*f.Min)), fmt.Sprintf("must be at least %s.", fmtNum(*f.Min)))}
	}
	if f.Max != nil && x > *f.Max {
		return []Problem{problem(f.ID, "max", SeverityError, fmt.Sprintf("不能大于 %s。", fmtNum(*f.Max)), fmt.Sprintf("must be at most %s.", fmtNum(*f.Max)))}
	}
	return nil
}

// checkDate checks a date, a day (2025-12-31) or a month (2025-12).
func checkDate(_ *Catalogue, f *Field, s string) []Problem {
	if _, err := time.Parse("2006-01-02", s); err == nil {
		return nil
	}
	if _, err := time.Parse("2006-01", s); err == nil {
		return nil
	}
	return []Problem{problem(f.ID, "date", SeverityError, fmt.Sprintf("“%s”不是日期（如 2025-12-31）。", clip(s)), fmt.Sprintf("%q is not a date (e.g. 2025-12-31).", clip(s)))}
}

// checkOption checks that a value is an option of the field's vocabulary.
func checkOption(c *Catalogue, f *Field, s string) []Problem {
	if _, ok := c.vocabularies[f.Vocabulary].Option(s); !ok {
		return []Problem{problem(f.ID, "option", SeverityError, fmt.Sprintf("“%s”不是可选值。", clip(s)), fmt.Sprintf("%q is not one of the options.", clip(s)))}
	}
	return nil
}

// checkBool checks a yes or no, stored as "true" or "false".
func checkBool(_ *Catalogue, f *Field, s string) []Problem {
	if s != "true" && s != "false" {
		return []Problem{problem(f.ID, "bool", SeverityError, "须为“是”或“否”。", "must be yes or no.")}
	}
	return nil
}

// checkRegionCode checks the form of a region code: 6 digits (GB/T 2260)
// or 9 (a town).
func checkRegionCode(_ *Catalogue, f *Field, s string) []Problem {
	if !isDigits(s) || len(s) != 6 && len(s) != 9 {
		return []Problem{problem(f.ID, "region", SeverityError, fmt.Sprintf("“%s”不是行政区划代码。", clip(s)), fmt.Sprintf("%q is not a region code.", clip(s)))}
	}
	return nil
}

// checkCreditCode checks a 统一社会信用代码 (see [CheckCreditCode]).
func checkCreditCode(_ *Catalogue, f *Field, s string) []Problem {
	return creditProblems(f.ID, CheckCreditCode(s))
}

// checkMobile checks an 11-digit mobile number.
func checkMobile(_ *Catalogue, f *Field, s string) []Problem {
	if !mobileRe.MatchString(s) {
		return []Problem{problem(f.ID, "mobile", SeverityError, fmt.Sprintf("“%s”不是 11 位手机号。", clip(s)), fmt.Sprintf("%q is not an 11-digit mobile number.", clip(s)))}
	}
	return nil
}

// checkLandline checks a landline number, with or without its area code
// and extension.
func checkLandline(_ *Catalogue, f *Field, s string) []Problem {
	if !landlineRe.MatchString(s) {
		return []Problem{problem(f.ID, "landline", SeverityError, fmt.Sprintf("“%s”不是电话号码（如 0512-65246015）。", clip(s)), fmt.Sprintf("%q is not a phone number (e.g. 0512-65246015).", clip(s)))}
	}
	return nil
}

// checkEmail checks a bare e-mail address whose domain has a dot, and its
// length.
func checkEmail(_ *Catalogue, f *Field, s string) []Problem {
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return []Problem{problem(f.ID, "email", SeverityError, fmt.Sprintf("“%s”不是电子邮箱地址。", clip(s)), fmt.Sprintf("%q is not an e-mail address.", clip(s)))}
	}
	if n := utf8.RuneCountInString(s); f.MaxLen > 0 && n > f.MaxLen {
		return []Problem{problem(f.ID, "max_len", SeverityError, fmt.Sprintf("最多 %d 个字符。", f.MaxLen), fmt.Sprintf("takes at most %d characters.", f.MaxLen))}
	}
	return nil
}

func creditProblems(id string, r CreditCodeResult) []Problem {
	switch r.Level {
	case CreditCodeFormat:
		return []Problem{problem(id, "credit_code.format", SeverityError,
			"应为 18 位，由数字和大写字母组成（不含 I、O、S、V、Z）。",
			"must be 18 digits and capital letters (no I, O, S, V or Z).")}
	case CreditCodeCategory:
		return []Problem{problem(id, "credit_code.category", SeverityError,
			fmt.Sprintf("前两位“%s”不是有效的登记管理部门和机构类别。", r.Normalized[:2]),
			fmt.Sprintf("the first two characters %q are not a known authority and category.", r.Normalized[:2]))}
	case CreditCodeInner:
		return []Problem{problem(id, "credit_code.inner", SeverityError,
			"第 9–17 位的组织机构代码校验不通过，请核对营业执照。",
			"the organisation code in positions 9–17 fails its check; compare with the business licence.")}
	case CreditCodeCheckChar:
		return []Problem{problem(id, "credit_code.check_char", SeverityWarning,
			fmt.Sprintf("校验位不符（按国标应为 %c）。早期发放的个别代码确实如此，核对营业执照无误后可确认保留。", r.Want),
			fmt.Sprintf("the check character does not match (the standard gives %c). A few early codes are like this; keep it if the licence agrees.", r.Want))}
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= 20 {
		return s
	}
	r := []rune(s)
	return string(r[:20]) + "…"
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
