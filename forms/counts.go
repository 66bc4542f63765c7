package forms

import (
	"slices"
	"strconv"
)

// The organisers' counts, defined once. A 专场 is judged by them (≥100
// enterprises served, ≥80 valid needs published, ≥30 enterprises outside
// the host region, ≥20 intended matches, ≥10 deals, ≥5 typical cases); the
// 工作台, the organisers' report and the hub's dashboard all count through
// FactsOf and Tally, so they never disagree.
//
// The rules, where the window and the report once differed:
//   - Enterprises served and cross-region enterprises count every enterprise
//     recorded (a visit with no need yet is service too); a breakdown (by
//     town, by field) counts the enterprises of its needs.
//   - A valid need (有效需求) is one whose diagnosis concluded 有效需求 and
//     that has not gone back or away since: 待企业确认 or any later step of
//     the lifecycle (a withdrawn, closed or returned need is not counted).
//   - An intended match (意向对接) is a need with an 意向 follow-up, a
//     solution recommended or further on, or in 对接中 or a later step.
//   - A deal (签约) is a need with a 合同 follow-up, a signed solution, or in
//     已签约 or 已解决; the amount is the sum of its contracts.

// validStatuses are the statuses a valid need may stand in.
var validStatuses = []Status{
	StatusToConfirm, StatusConfirmed, StatusSynced, StatusPublished,
	StatusMatching, StatusSolved, StatusSigned, StatusResolved,
}

// publishedStatuses are the statuses of a need the platform has published.
var publishedStatuses = []Status{StatusPublished, StatusMatching, StatusSolved, StatusSigned, StatusResolved}

// Published reports whether a need in status s has been published by the
// platform (or the team's hub): 已发布 and every status after it but 已关闭.
func (s Status) Published() bool { return slices.Contains(publishedStatuses, s) }

// Progress is what happened to a need after publication: its follow-ups
// and the solutions it received.
type Progress struct {
	Intent, Contract bool
	// AmountWan is the sum of the contracts' amounts, in 万元.
	AmountWan float64
	// Solutions counts the solutions received; SolutionMatch says one was
	// recommended for matching or went further, SolutionDeal that one was
	// signed.
	Solutions                   int
	SolutionMatch, SolutionDeal bool
}

// AddFollowUp adds a follow-up's news to p.
func (p *Progress) AddFollowUp(f *FollowUp) {
	switch f.Kind {
	case FollowUpIntent:
		p.Intent = true
	case FollowUpContract:
		p.Contract = true
		if x, err := strconv.ParseFloat(f.AmountWan, 64); err == nil {
			p.AmountWan += x
		}
	}
}

// ProgressByNeed gathers follow-ups by need.
func ProgressByNeed(fus []FollowUp) map[string]*Progress {
	out := map[string]*Progress{}
	for i := range fus {
		p := out[fus[i].NeedID]
		if p == nil {
			p = &Progress{}
			out[fus[i].NeedID] = p
		}
		p.AddFollowUp(&fus[i])
	}
	return out
}

// NeedFacts are what the counts take from one need.
type NeedFacts struct {
	Enterprise  string
	CrossRegion bool // its enterprise lies outside the home region
	Valid       bool
	Confirmed   bool // the enterprise's confirmation is current
	Published   bool
	Match, Deal bool
	TypicalCase bool
	AmountWan   float64
	Solutions   int
}

// FactsOf decides the facts of a need, with its enterprise (nil if
// unknown), its progress (nil for none) and the home region (a code; ""
// counts nothing as cross-region).
func (c *Catalogue) FactsOf(n *Need, e *Enterprise, p *Progress, home string) NeedFacts {
	if p == nil {
		p = &Progress{}
	}
	f := NeedFacts{
		Enterprise:  n.EnterpriseID,
		Valid:       n.Diagnosis != nil && n.Diagnosis.Conclusion() == ConclusionValid && slices.Contains(validStatuses, n.Status),
		Confirmed:   c.ConfirmationCurrent(n, e),
		Published:   n.Platform.URL != "" || n.Status.Published(),
		Match:       p.Intent || p.SolutionMatch || slices.Contains([]Status{StatusMatching, StatusSolved, StatusSigned, StatusResolved}, n.Status),
		Deal:        p.Contract || p.SolutionDeal || n.Status == StatusSigned || n.Status == StatusResolved,
		TypicalCase: n.Values.Bool("typical_case"),
		AmountWan:   p.AmountWan,
		Solutions:   p.Solutions,
	}
	if e != nil {
		f.CrossRegion = CrossRegion(e, home)
	}
	return f
}

// CrossRegion reports whether an enterprise lies outside the home region
// (both known).
func CrossRegion(e *Enterprise, home string) bool {
	r := e.Values.Get("region")
	return home != "" && r != "" && !Regions().Within(r, home)
}

// Counts are the organisers' figures over a set of needs and enterprises.
type Counts struct {
	Enterprises, CrossRegion                                    int
	Needs, Valid, Confirmed, Published, Matches, Deals, Typical int
	AmountWan                                                   float64
	// Solutions counts the solutions received; NeedsWith3Solutions the
	// needs with three or more (those go to 竞榜).
	Solutions, NeedsWith3Solutions int
}

// Tally adds up Counts. The zero value is not ready: use NewTally.
type Tally struct {
	ents, cross map[string]bool
	c           Counts
}

// NewTally returns an empty tally.
func NewTally() *Tally { return &Tally{ents: map[string]bool{}, cross: map[string]bool{}} }

// AddEnterprise counts an enterprise served (for the totals: a breakdown
// adds needs only, and counts their enterprises).
func (t *Tally) AddEnterprise(e *Enterprise, home string) {
	t.ents[e.ID] = true
	if CrossRegion(e, home) {
		t.cross[e.ID] = true
	}
}

// AddNeed counts a need by its facts.
func (t *Tally) AddNeed(f NeedFacts) {
	t.c.Needs++
	if f.Enterprise != "" {
		t.ents[f.Enterprise] = true
		if f.CrossRegion {
			t.cross[f.Enterprise] = true
		}
	}
	for _, x := range []struct {
		ok bool
		n  *int
	}{{f.Valid, &t.c.Valid}, {f.Confirmed, &t.c.Confirmed}, {f.Published, &t.c.Published}, {f.Match, &t.c.Matches}, {f.Deal, &t.c.Deals}, {f.TypicalCase, &t.c.Typical}, {f.Solutions >= 3, &t.c.NeedsWith3Solutions}} {
		if x.ok {
			*x.n++
		}
	}
	t.c.AmountWan += f.AmountWan
	t.c.Solutions += f.Solutions
}

// Counts returns the figures so far.
func (t *Tally) Counts() Counts {
	c := t.c
	c.Enterprises, c.CrossRegion = len(t.ents), len(t.cross)
	return c
}
