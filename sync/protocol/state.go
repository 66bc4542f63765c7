package protocol

import (
	"fmt"
	"strings"

	"github.com/xunbang/xunbang/forms"
)

// PlatformState is what the platform says about a need: its review and
// matching progress. It is the platform's word, distinct from the need's
// local lifecycle status (forms.Status), which it moves when the lifecycle
// allows.
type PlatformState string

// Platform states.
const (
	StateReviewing PlatformState = "reviewing" // 审核中
	StatePublished PlatformState = "published" // 已发布 (with the public URL)
	StateReturned  PlatformState = "returned"  // 退回 (with comments)
	StateMatching  PlatformState = "matching"  // 对接中
	StateSolved    PlatformState = "solved"    // 已揭榜
	StateSigned    PlatformState = "signed"    // 已签约
	StateResolved  PlatformState = "resolved"  // 已解决
	StateClosed    PlatformState = "closed"    // 已关闭 (taken off the platform)
)

type stateInfo struct {
	zh, en string
	local  forms.Status
	public bool
}

var states = map[PlatformState]stateInfo{
	StateReviewing: {"审核中", "Under review", forms.StatusSynced, false},
	StatePublished: {"已发布", "Published", forms.StatusPublished, true},
	StateReturned:  {"退回", "Returned", forms.StatusToComplete, false},
	StateMatching:  {"对接中", "Matching", forms.StatusMatching, true},
	StateSolved:    {"已揭榜", "Solution chosen", forms.StatusSolved, true},
	StateSigned:    {"已签约", "Signed", forms.StatusSigned, true},
	StateResolved:  {"已解决", "Resolved", forms.StatusResolved, true},
	StateClosed:    {"已关闭", "Closed", forms.StatusClosed, false},
}

// PlatformStates lists the states in order.
var PlatformStates = []PlatformState{
	StateReviewing, StatePublished, StateReturned, StateMatching,
	StateSolved, StateSigned, StateResolved, StateClosed,
}

// Valid reports whether s is a known state.
func (s PlatformState) Valid() bool { _, ok := states[s]; return ok }

// Label returns the state's word in the given language ("zh" or "en").
func (s PlatformState) Label(lang string) string {
	info, ok := states[s]
	if !ok {
		return string(s)
	}
	if lang == "en" {
		return info.en
	}
	return info.zh
}

// Public reports whether a need in this state is visible to the public (and
// so, redacted, to other teams).
func (s PlatformState) Public() bool { return states[s].public }

// LocalStatus returns the lifecycle status the state corresponds to.
func (s PlatformState) LocalStatus() forms.Status { return states[s].local }

// ParsePlatformState accepts a state code, its Chinese word or its English
// label: "published", "已发布", "Published".
func ParsePlatformState(s string) (PlatformState, error) {
	t := strings.TrimSpace(s)
	for _, st := range PlatformStates {
		info := states[st]
		if t == string(st) || t == info.zh || strings.EqualFold(t, info.en) {
			return st, nil
		}
	}
	var l []string
	for _, st := range PlatformStates {
		l = append(l, states[st].zh)
	}
	return "", fmt.Errorf("unknown platform state %q (known: %s)", s, strings.Join(l, " "))
}
