package forms

import (
	"fmt"
	"slices"
)

// A need's status follows its solutions (issue 15.4): a solution 推荐对接 or
// 洽谈中 makes the need 对接中, one 已揭榜 makes it 已揭榜, one 已签约 makes
// it 已签约 — through the lifecycle table (status.go), step by step, and only
// where the table allows every step. The need moves back only where the
// table has the step back: from 已揭榜 to 对接中 when no solution is chosen
// or signed any more. A 已签约 (or 已解决) need stays where it is; a need not
// yet published, withdrawn or closed does not move, and the official is
// told why.

// followPath are the statuses a need passes through by following its
// solutions, in order. A need never reaches 已发布 this way: publication is
// the platform's verdict.
var followPath = []Status{StatusMatching, StatusSolved, StatusSigned}

// StatusForSolutions returns the need status its solutions call for:
// 已签约 when one is signed, 已揭榜 when one is chosen, 对接中 when one is
// recommended for matching or in negotiation, and "" when none has got so
// far.
func StatusForSolutions(sols []SolutionStatus) Status {
	switch {
	case slices.Contains(sols, SolutionSigned):
		return StatusSigned
	case slices.Contains(sols, SolutionChosen):
		return StatusSolved
	case slices.ContainsFunc(sols, SolutionStatus.Match):
		return StatusMatching
	}
	return ""
}

// SolutionFollow says what following its solutions did to a need.
type SolutionFollow struct {
	From, To Status
	// Want is the status the solutions call for ("" when none).
	Want Status
	// Blocked is set when the need should have moved and the lifecycle
	// forbids it.
	Blocked bool
}

// Moved reports whether the need's status changed.
func (f SolutionFollow) Moved() bool { return f.From != f.To }

// Message says what happened in the user's language: the move, or why the
// need stayed; "" when there was nothing to say.
func (f SolutionFollow) Message(lang string) string {
	switch {
	case f.Moved():
		if lang == "en" {
			return fmt.Sprintf("Following its solutions, the need went from %s to %s.", f.From.Label("en"), f.To.Label("en"))
		}
		return fmt.Sprintf("需求状态随方案由「%s」变为「%s」。", f.From.Label("zh"), f.To.Label("zh"))
	case f.Blocked:
		why, whyEN := "按状态流转不能直接变更", "the lifecycle does not allow that step"
		if beforePublication(f.From) {
			why, whyEN = "需求尚未发布", "the need is not published yet"
		}
		if lang == "en" {
			return fmt.Sprintf("The solutions call for %s, but the need stays %s: %s.", f.wantLabel("en"), f.From.Label("en"), whyEN)
		}
		return fmt.Sprintf("按方案，需求应为「%s」；但需求现为「%s」，%s，状态未改变。", f.wantLabel("zh"), f.From.Label("zh"), why)
	}
	return ""
}

func (f SolutionFollow) wantLabel(lang string) string { return f.Want.Label(lang) }

// beforePublication reports whether a need in s has not been published.
func beforePublication(s Status) bool {
	switch s {
	case StatusDraft, StatusToDiagnose, StatusToComplete, StatusToConfirm, StatusConfirmed, StatusSynced:
		return true
	}
	return false
}

// FollowSolutions moves the need's status toward what its solutions call
// for (see StatusForSolutions), through the lifecycle table: forward along
// 对接中 → 已揭榜 → 已签约, each step one the table allows, and back from
// 已揭榜 to 对接中 when no solution is chosen or signed any more. It never
// moves a need against the table; the result says what it did, or why not.
func (n *Need) FollowSolutions(sols []SolutionStatus) SolutionFollow {
	want := StatusForSolutions(sols)
	f := SolutionFollow{From: n.Status, To: n.Status, Want: want}
	cur, target := slices.Index(followPath, n.Status), slices.Index(followPath, want)
	switch {
	case n.Status == want || n.Status == StatusSigned || n.Status == StatusResolved:
		// A signed need stays signed (the table has no step back), whatever
		// its other solutions do.
		return f
	case cur >= 0 && target < cur:
		// Behind the need: only 已揭榜 → 对接中 goes back.
		if n.Status == StatusSolved && CanTransition(StatusSolved, StatusMatching) {
			n.Status, n.StaleFrom = StatusMatching, ""
		}
		f.To = n.Status
		return f
	case want == "":
		return f
	}
	path, ok := followSteps(n.Status, want)
	if !ok {
		f.Blocked = true
		return f
	}
	for _, st := range path {
		if err := n.Transition(st); err != nil { // cannot happen: followSteps checked each step
			f.Blocked = true
			break
		}
	}
	f.To = n.Status
	return f
}

// followSteps finds the shortest way from one status to another whose
// every step the lifecycle table allows and whose every status after the
// first is on followPath.
func followSteps(from, to Status) ([]Status, bool) {
	type node struct {
		st   Status
		path []Status
	}
	queue := []node{{st: from}}
	seen := map[Status]bool{from: true}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, next := range followPath {
			if seen[next] || !CanTransition(cur.st, next) {
				continue
			}
			p := append(slices.Clone(cur.path), next)
			if next == to {
				return p, true
			}
			seen[next] = true
			queue = append(queue, node{next, p})
		}
	}
	return nil, false
}
