package forms

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Solution is one answer to a published need: a 《技术需求解决方案表》 as a
// provider (a university, an institute, a company or a person) filled it in
// — on the hub's public page, on paper at a 对接会, or in a workbook — with
// the official's status and notes. It belongs to one need and is seen only
// by that need's team: its contacts are personal information and its
// summary and quote the provider's business.
type Solution struct {
	ID               string         `json:"id"`
	NeedID           string         `json:"need_id"`
	Rev              string         `json:"rev,omitempty"`      // this revision's id, set by the store (or the hub)
	BaseRev          string         `json:"base_rev,omitempty"` // the revision this one was edited from
	CatalogueVersion string         `json:"catalogue_version,omitempty"`
	Status           SolutionStatus `json:"status"`
	Source           SolutionSource `json:"source"`
	Values           Values         `json:"-"` // solution fields by id
	// Receipt is the number the provider was given on submission (回执编号);
	// "" for a solution the team entered.
	Receipt string `json:"receipt,omitempty"`
	// Consent records the provider's consent to the use of the contact
	// data (个人信息保护法 Art. 13–14, 17): the notice shown and when.
	Consent   *Consent  `json:"consent,omitempty"`
	Team      string    `json:"team,omitempty"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Consent is a provider's consent to the notice on how the contact data is
// used.
type Consent struct {
	// NoticeVersion names the wording of the notice the provider agreed to.
	NoticeVersion string    `json:"notice_version"`
	At            time.Time `json:"at"`
}

// Provider returns the provider's name (方案提供方单位名称).
func (s *Solution) Provider() string { return s.Values.Get("provider_name") }

// Clone returns a deep copy of the solution.
func (s *Solution) Clone() *Solution {
	c := *s
	c.Values = s.Values.Clone()
	if s.Consent != nil {
		cs := *s.Consent
		c.Consent = &cs
	}
	return &c
}

type solutionMeta Solution

// MarshalJSON encodes the solution with its fields inline.
func (s Solution) MarshalJSON() ([]byte, error) { return marshalInline(solutionMeta(s), s.Values) }

// UnmarshalJSON decodes what MarshalJSON wrote.
func (s *Solution) UnmarshalJSON(b []byte) error {
	return unmarshalInline(b, (*solutionMeta)(s), &s.Values)
}

// SolutionStatus is where a solution stands:
//
//	已提交 → 初筛 → 推荐对接 → 洽谈中 → 已揭榜 → 已签约
//
// and 未采纳 from any step before 已签约 (a declined solution may be taken
// up again at 初筛). Every change goes through [CanTransitionSolution].
type SolutionStatus string

// Solution statuses, with stable ids used in files, the store and the
// protocol.
const (
	SolutionSubmitted   SolutionStatus = "submitted"   // 已提交
	SolutionScreened    SolutionStatus = "screened"    // 初筛 (passed the first screening)
	SolutionRecommended SolutionStatus = "recommended" // 推荐对接
	SolutionNegotiating SolutionStatus = "negotiating" // 洽谈中
	SolutionChosen      SolutionStatus = "chosen"      // 已揭榜 (the enterprise chose it)
	SolutionSigned      SolutionStatus = "signed"      // 已签约
	SolutionDeclined    SolutionStatus = "declined"    // 未采纳
)

// SolutionStatuses lists the statuses in lifecycle order.
var SolutionStatuses = []SolutionStatus{
	SolutionSubmitted, SolutionScreened, SolutionRecommended, SolutionNegotiating,
	SolutionChosen, SolutionSigned, SolutionDeclined,
}

var solutionLifecycle = map[SolutionStatus]*statusInfo{
	SolutionSubmitted:   {"已提交", "Submitted", nil},
	SolutionScreened:    {"初筛", "Screened", nil},
	SolutionRecommended: {"推荐对接", "Recommended", nil},
	SolutionNegotiating: {"洽谈中", "Negotiating", nil},
	SolutionChosen:      {"已揭榜", "Chosen", nil},
	SolutionSigned:      {"已签约", "Signed", nil},
	SolutionDeclined:    {"未采纳", "Declined", nil},
}

// solutionNext is the transition table: forward one step, back one step
// (a status set by mistake), and 未采纳 from every step before 已签约.
var solutionNext = map[SolutionStatus][]SolutionStatus{
	SolutionSubmitted:   {SolutionScreened, SolutionDeclined},
	SolutionScreened:    {SolutionRecommended, SolutionSubmitted, SolutionDeclined},
	SolutionRecommended: {SolutionNegotiating, SolutionScreened, SolutionDeclined},
	SolutionNegotiating: {SolutionChosen, SolutionRecommended, SolutionDeclined},
	SolutionChosen:      {SolutionSigned, SolutionNegotiating, SolutionDeclined},
	SolutionSigned:      nil,
	SolutionDeclined:    {SolutionScreened},
}

// Label returns the status's name in the given language ("zh" or "en").
func (s SolutionStatus) Label(lang string) string {
	info, ok := solutionLifecycle[s]
	if !ok {
		return string(s)
	}
	if lang == "en" {
		return info.en
	}
	return info.zh
}

// Valid reports whether s is a known solution status.
func (s SolutionStatus) Valid() bool { _, ok := solutionLifecycle[s]; return ok }

// Match reports whether the solution has been recommended for matching or
// gone further (推荐对接, 洽谈中, 已揭榜, 已签约): it counts as an intended
// match (意向对接) of its need.
func (s SolutionStatus) Match() bool {
	return slices.Contains([]SolutionStatus{SolutionRecommended, SolutionNegotiating, SolutionChosen, SolutionSigned}, s)
}

// ParseSolutionStatus accepts a status id or its Chinese or English label.
func ParseSolutionStatus(s string) (SolutionStatus, error) {
	t := strings.TrimSpace(s)
	var names []string
	for _, st := range SolutionStatuses {
		info := solutionLifecycle[st]
		if t == string(st) || t == info.zh || strings.EqualFold(t, info.en) {
			return st, nil
		}
		names = append(names, info.zh)
	}
	return "", fmt.Errorf("unknown solution status %q (known: %s)", s, strings.Join(names, " "))
}

// CanTransitionSolution reports whether a solution may move from one status
// to another.
func CanTransitionSolution(from, to SolutionStatus) bool {
	return slices.Contains(solutionNext[from], to)
}

// SolutionTransitionError is returned for a change of status the
// solution's lifecycle forbids.
type SolutionTransitionError struct{ From, To SolutionStatus }

func (e *SolutionTransitionError) Error() string {
	return fmt.Sprintf("solution status cannot change from %s to %s", e.From, e.To)
}

// Message returns the error in the user's language.
func (e *SolutionTransitionError) Message(lang string) string {
	if lang == "en" {
		return fmt.Sprintf("A solution cannot go from %s to %s.", e.From.Label("en"), e.To.Label("en"))
	}
	return fmt.Sprintf("方案状态不能从「%s」变为「%s」。", e.From.Label("zh"), e.To.Label("zh"))
}

// Transition moves the solution to another status, or returns a
// *SolutionTransitionError. Moving to the same status is a no-op.
func (s *Solution) Transition(to SolutionStatus) error {
	if s.Status == to {
		return nil
	}
	if !CanTransitionSolution(s.Status, to) {
		return &SolutionTransitionError{From: s.Status, To: to}
	}
	s.Status = to
	return nil
}

// SolutionSource says how a solution reached the team.
type SolutionSource string

// Solution sources.
const (
	SourcePublicPage SolutionSource = "public_page" // submitted on the hub's public need page (揭榜)
	SourcePaper      SolutionSource = "paper"       // handed in on paper (at a 对接会) and typed in
	SourceExcel      SolutionSource = "excel"       // imported from a filled workbook
)

// Valid reports whether s is a known source.
func (s SolutionSource) Valid() bool {
	return s == SourcePublicPage || s == SourcePaper || s == SourceExcel
}

// Label returns the source's name in the given language.
func (s SolutionSource) Label(lang string) string {
	zh := map[SolutionSource]string{SourcePublicPage: "公开页揭榜", SourcePaper: "纸质方案表", SourceExcel: "Excel 导入"}
	en := map[SolutionSource]string{SourcePublicPage: "Public page", SourcePaper: "Paper form", SourceExcel: "Excel import"}
	l := zh
	if lang == "en" {
		l = en
	}
	if v, ok := l[s]; ok {
		return v
	}
	return string(s)
}

// ValidateSolution checks a solution's fields, and that it names a need
// and has a known status and source. In Final mode — a submission on the
// public page — every required field must be filled in.
func (c *Catalogue) ValidateSolution(s *Solution, mode Mode) []Problem {
	out := solutionGate(s)
	out = append(out, c.Validate(EntitySolution, s.Values, mode)...)
	if v := s.Values.Get("solution_phone"); v != "" && !PlausiblePhone(v) {
		out = append(out, problem("solution_phone", "phone", SeverityError,
			fmt.Sprintf("“%s”不像电话号码（手机、座机，或带国家代码的境外号码）。", clip(v)),
			fmt.Sprintf("%q does not look like a phone number (mobile, landline, or a number abroad with its country code).", clip(v))))
	}
	return out
}

// PlausiblePhone reports whether s reads as one or two phone numbers: 7 to
// 20 digits in each, with only spaces, + - ( ) and an extension mark (转,
// ext) beside them. It accepts numbers abroad, which the mobile and
// landline kinds do not.
func PlausiblePhone(s string) bool {
	parts := strings.FieldsFunc(Fold(s), func(r rune) bool { return strings.ContainsRune("/,;、，；", r) })
	if len(parts) < 1 || len(parts) > 2 {
		return false
	}
	for _, part := range parts {
		if d := phoneDigits(part); d < 7 || d > 20 {
			return false
		}
	}
	return true
}

// phoneDigits counts the digits of one phone number, or returns -1 when it
// holds anything but digits, spaces, + - ( ) and an extension mark.
func phoneDigits(part string) int {
	digits := 0
	for _, r := range strings.NewReplacer("转", " ", "ext.", " ", "ext", " ", "x", " ").Replace(part) {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-' || r == '(' || r == ')':
		default:
			return -1
		}
	}
	return digits
}

// SolutionFieldByHeader maps a column header (or a label cell) of a
// 《技术需求解决方案表》 as people write it — 方案提供方单位名称, 联系方式,
// E-mail, 报价（万元）… — to a solution field, normalised as
// [Catalogue.FieldByHeader] does.
func (c *Catalogue) SolutionFieldByHeader(header string) (*Field, bool) {
	k := HeaderKey(header)
	if k == "" {
		return nil, false
	}
	f, ok := c.solutionByAlias[k]
	return f, ok
}

// indexSolutionHeaders builds the header index of the solution fields:
// labels first, then aliases; an alias may not steal a label.
func (c *Catalogue) indexSolutionHeaders() error {
	fields := c.Fields(EntitySolution)
	for _, fd := range fields {
		for _, name := range []string{fd.ID, fd.ZH, fd.EN} {
			k := HeaderKey(name)
			if other, taken := c.solutionByAlias[k]; taken && other != fd {
				return fmt.Errorf("parse catalogue: header %q names both %s and %s", name, other.ID, fd.ID)
			}
			c.solutionByAlias[k] = fd
		}
	}
	for _, fd := range fields {
		for _, a := range fd.Aliases {
			k := HeaderKey(a)
			if other, taken := c.solutionByAlias[k]; taken && other != fd {
				return fmt.Errorf("parse catalogue: alias %q of %s already names %s", a, fd.ID, other.ID)
			}
			c.solutionByAlias[k] = fd
		}
	}
	return nil
}

// AddSolution adds a solution's news to p: one more received, and whether
// it makes an intended match or a deal of its need.
func (p *Progress) AddSolution(s *Solution) { p.AddSolutionStatus(s.Status) }

// AddSolutionStatus is AddSolution for a solution known by its status only
// (store.Store.SolutionStatuses reads them without decoding a solution).
func (p *Progress) AddSolutionStatus(st SolutionStatus) {
	p.Solutions++
	if st.Match() {
		p.SolutionMatch = true
	}
	if st == SolutionSigned {
		p.SolutionDeal = true
	}
}

// solutionGate applies the gate (text.go) to a solution's ids and metadata
// texts.
func solutionGate(s *Solution) []Problem {
	var out []Problem
	for _, id := range [][2]string{{"id", s.ID}, {"need_id", s.NeedID}, {"rev", s.Rev}, {"base_rev", s.BaseRev}} {
		out = append(out, checkID(id[0], id[1])...)
	}
	out = append(out, checkTexts("team", s.Team, "created_by", s.CreatedBy, "catalogue_version", s.CatalogueVersion,
		"receipt", s.Receipt, "status", string(s.Status), "source", string(s.Source))...)
	if s.Consent != nil {
		out = append(out, checkTexts("notice_version", s.Consent.NoticeVersion)...)
	}
	return out
}
