package forms

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// 竞榜: the evaluation of a need that received three or more solutions.
// The notice that sets the stages (seed 000, 2023 苏州国际创新挑战赛) says
// what is judged and by whom: "对揭榜阶段征集到3个及以上解决方案的需求，组织
// 专家赴企业从需求的创新性、完整性、明确性、行业代表性，解决方案的匹配性、
// 技术先进性等角度进行现场评估", and at the final "专家根据解决方案的完备性、
// 可实施性、企事业单位的匹配性进行打分，给出最佳解决方案建议，最终由技术需求
// 方确定最佳解决方案". The notices give no scale; ours is 0–10 per
// criterion (the panel's score, one decimal), so that four criteria make a
// total out of 40.
//
// An evaluation is part of its need (Need.Evaluation): it is saved, kept in
// revisions and synced with the need to the team's own hub, and it is
// internal. No public output carries it — forms.Publish builds the public
// view from the need's public fields only — and another team's pull is that
// public view.

// EvaluationMinSolutions is how many solutions a need must have received to
// be evaluated (竞榜).
const EvaluationMinSolutions = 3

// ScoreMax is the highest score of one criterion.
const ScoreMax = 10

// Criterion is one thing the experts score.
type Criterion struct {
	ID     string
	ZH, EN string
}

// Label returns the criterion's name in the given language.
func (c Criterion) Label(lang string) string {
	if lang == "en" {
		return c.EN
	}
	return c.ZH
}

// NeedCriteria are what the experts score of a need, in the notice's order.
var NeedCriteria = []Criterion{
	{"innovation", "创新性", "Innovation"},
	{"completeness", "完整性", "Completeness"},
	{"clarity", "明确性", "Clarity"},
	{"representativeness", "行业代表性", "Industry representativeness"},
}

// SolutionCriteria are what the experts score of each solution: 匹配性 and
// 技术先进性 from the on-site evaluation, 完备性 and 可实施性 from the final.
var SolutionCriteria = []Criterion{
	{"match", "匹配性", "Match"},
	{"advancement", "技术先进性", "Technical advancement"},
	{"thoroughness", "完备性", "Thoroughness"},
	{"feasibility", "可实施性", "Feasibility"},
}

// Scores are the panel's scores by criterion id, each 0 to ScoreMax. A
// criterion not scored yet is absent.
type Scores map[string]float64

// Total adds up the scores of the given criteria and reports whether every
// one of them is scored.
func (s Scores) Total(criteria []Criterion) (float64, bool) {
	total, all := 0.0, true
	for _, c := range criteria {
		v, ok := s[c.ID]
		if !ok {
			all = false
			continue
		}
		total += v
	}
	return math.Round(total*10) / 10, all
}

// Evaluation is the 竞榜 evaluation of a need: when and by which experts,
// the panel's scores of the need and of each of its solutions, the solution
// the experts suggest as the best and the one the enterprise chose.
type Evaluation struct {
	// Date is the day of the evaluation, 2006-01-02.
	Date string `json:"date,omitempty"`
	// Experts are the experts' names (and, if wanted, their units).
	Experts []string `json:"experts,omitempty"`
	// Need holds the need's scores (NeedCriteria).
	Need Scores `json:"need,omitempty"`
	// Solutions holds each solution's scores (SolutionCriteria), by
	// solution id.
	Solutions map[string]Scores `json:"solutions,omitempty"`
	// Suggested is the solution the experts suggest as the best (最佳解决方案
	// 建议); Chosen the one the enterprise chose (最终由技术需求方确定). ""
	// when not yet decided.
	Suggested string `json:"suggested,omitempty"`
	Chosen    string `json:"chosen,omitempty"`
	// Opinion is the experts' written opinion.
	Opinion string `json:"opinion,omitempty"`
	// By is who recorded the evaluation, At when it was last changed.
	By string    `json:"by,omitempty"`
	At time.Time `json:"at,omitzero"`
}

// Clone returns a deep copy of the evaluation.
func (ev *Evaluation) Clone() *Evaluation {
	if ev == nil {
		return nil
	}
	c := *ev
	c.Experts = slices.Clone(ev.Experts)
	c.Need = maps.Clone(ev.Need)
	if ev.Solutions != nil {
		c.Solutions = make(map[string]Scores, len(ev.Solutions))
		for id, s := range ev.Solutions {
			c.Solutions[id] = maps.Clone(s)
		}
	}
	return &c
}

// Empty reports whether nothing has been recorded.
func (ev *Evaluation) Empty() bool {
	if ev == nil {
		return true
	}
	for _, s := range ev.Solutions {
		if len(s) > 0 {
			return false
		}
	}
	return ev.Date == "" && len(ev.Experts) == 0 && len(ev.Need) == 0 && ev.Suggested == "" && ev.Chosen == "" && ev.Opinion == ""
}

// SolutionScores returns a solution's scores (nil when none).
func (ev *Evaluation) SolutionScores(id string) Scores {
	if ev == nil {
		return nil
	}
	return ev.Solutions[id]
}

// SetScore sets (or, with ok false, clears) a score: of the need when
// solutionID is "", else of that solution.
func (ev *Evaluation) SetScore(solutionID, criterion string, v float64, ok bool) {
	var s Scores
	if solutionID == "" {
		if ev.Need == nil {
			ev.Need = Scores{}
		}
		s = ev.Need
	} else {
		if ev.Solutions == nil {
			ev.Solutions = map[string]Scores{}
		}
		if ev.Solutions[solutionID] == nil {
			ev.Solutions[solutionID] = Scores{}
		}
		s = ev.Solutions[solutionID]
	}
	if ok {
		s[criterion] = v
	} else {
		delete(s, criterion)
	}
}

// SetScores sets a solution's scores, all of them.
func (ev *Evaluation) SetScores(solutionID string, s Scores) {
	if ev.Solutions == nil {
		ev.Solutions = map[string]Scores{}
	}
	ev.Solutions[solutionID] = s
}

// ParseScore reads a score as typed: a number from 0 to ScoreMax with at
// most one decimal (full-width digits and 。 as the point accepted).
func ParseScore(s string) (float64, error) {
	t := strings.ReplaceAll(strings.TrimSpace(Fold(s)), "。", ".")
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, &ScoreError{Text: s}
	}
	if v < 0 || v > ScoreMax || math.Abs(v*10-math.Round(v*10)) > 1e-9 {
		return 0, &ScoreError{Text: s}
	}
	return v, nil
}

// FormatScore writes a score as ParseScore reads it: 8, 7.5.
func FormatScore(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// ScoreError is a score that is not a number from 0 to ScoreMax with at
// most one decimal.
type ScoreError struct{ Text string }

func (e *ScoreError) Error() string {
	return fmt.Sprintf("score %q is not a number from 0 to %d with at most one decimal", e.Text, ScoreMax)
}

// Message returns the error in the user's language.
func (e *ScoreError) Message(lang string) string {
	if lang == "en" {
		return fmt.Sprintf("“%s” is not a score: write a number from 0 to %d, with at most one decimal.", clip(e.Text), ScoreMax)
	}
	return fmt.Sprintf("“%s”不是分数：请填 0 到 %d 之间的数，最多一位小数。", clip(e.Text), ScoreMax)
}

// ValidateEvaluation checks an evaluation against the need's solutions (by
// id): the gate on its texts, every score a known criterion from 0 to
// ScoreMax, scores and choices only of the need's solutions, a date as
// 2006-01-02. Problems name the field "evaluation".
func ValidateEvaluation(ev *Evaluation, solutionIDs []string) []Problem {
	out := evaluationGate(ev)
	if ev == nil {
		return out
	}
	for id := range ev.Solutions {
		if !slices.Contains(solutionIDs, id) {
			out = append(out, problem("evaluation", "evaluation.solution", SeverityError,
				fmt.Sprintf("评分所对应的方案 %s 不是本需求的方案。", clipID(id)),
				fmt.Sprintf("scores a solution (%s) that is not one of this need's.", clipID(id))))
		}
	}
	for _, pick := range []struct{ id, zh, en string }{{ev.Suggested, "专家建议的方案", "the experts' suggestion"}, {ev.Chosen, "企业选定的方案", "the enterprise's choice"}} {
		if pick.id != "" && !slices.Contains(solutionIDs, pick.id) {
			out = append(out, problem("evaluation", "evaluation.choice", SeverityError,
				fmt.Sprintf("%s不是本需求的方案。", pick.zh), fmt.Sprintf("%s is not one of this need's solutions.", pick.en)))
		}
	}
	return out
}

// evaluationGate applies the gate to an evaluation: its ids and texts, and
// its scores' criteria and range (what the hub must refuse of a pushed
// need).
func evaluationGate(ev *Evaluation) []Problem {
	if ev == nil {
		return nil
	}
	out := checkTexts("evaluation", ev.Date, "evaluation", ev.By)
	out = append(out, checkList("evaluation", ev.Experts)...)
	if p := checkText("evaluation", ev.Opinion, true); p != nil {
		out = append(out, *p)
	}
	out = append(out, checkID("evaluation", ev.Suggested)...)
	out = append(out, checkID("evaluation", ev.Chosen)...)
	if ev.Date != "" {
		if _, err := time.Parse("2006-01-02", ev.Date); err != nil {
			out = append(out, problem("evaluation", "evaluation.date", SeverityError,
				fmt.Sprintf("评估日期“%s”应写成 2026-10-08 这样。", clip(ev.Date)),
				fmt.Sprintf("the date %q should read like 2026-10-08.", clip(ev.Date))))
		}
	}
	out = append(out, checkScores(ev.Need, NeedCriteria)...)
	ids := slices.Sorted(maps.Keys(ev.Solutions))
	for _, id := range ids {
		out = append(out, checkID("evaluation", id)...)
		out = append(out, checkScores(ev.Solutions[id], SolutionCriteria)...)
	}
	return out
}

// checkScores checks that every score is of one of the criteria and from
// 0 to ScoreMax.
func checkScores(s Scores, criteria []Criterion) []Problem {
	var out []Problem
	for _, k := range slices.Sorted(maps.Keys(s)) {
		v := s[k]
		known := slices.ContainsFunc(criteria, func(c Criterion) bool { return c.ID == k })
		switch {
		case !known:
			out = append(out, problem("evaluation", "evaluation.criterion", SeverityError,
				fmt.Sprintf("没有名为“%s”的评分项。", clip(k)), fmt.Sprintf("there is no criterion %q.", clip(k))))
		case math.IsNaN(v) || v < 0 || v > ScoreMax:
			out = append(out, problem("evaluation", "evaluation.score", SeverityError,
				fmt.Sprintf("评分 %v 不在 0 到 %d 之间。", v, ScoreMax), fmt.Sprintf("the score %v is not from 0 to %d.", v, ScoreMax)))
		}
	}
	return out
}
