package forms

import (
	"fmt"
	"slices"
	"strings"
)

// Status is where a need stands in its lifecycle:
//
//	草稿 → 待诊断 → 待补充 → 待企业确认 → 已确认 → 已同步 → 已发布 → 对接中 → 已揭榜 → 已签约 → 已解决
//
// plus 长期跟踪, 已撤回 and 已关闭. Every change of status goes through
// [CanTransition]; the table below is the one place the rules live.
type Status string

// The statuses, with stable ids used in files, the store and the protocol.
const (
	StatusDraft      Status = "draft"       // 草稿
	StatusToDiagnose Status = "to_diagnose" // 待诊断
	StatusToComplete Status = "to_complete" // 待补充
	StatusToConfirm  Status = "to_confirm"  // 待企业确认
	StatusConfirmed  Status = "confirmed"   // 已确认
	StatusSynced     Status = "synced"      // 已同步 (with the platform, under review)
	StatusPublished  Status = "published"   // 已发布
	StatusMatching   Status = "matching"    // 对接中
	StatusSolved     Status = "solved"      // 已揭榜
	StatusSigned     Status = "signed"      // 已签约
	StatusResolved   Status = "resolved"    // 已解决
	StatusLongTerm   Status = "long_term"   // 长期跟踪
	StatusWithdrawn  Status = "withdrawn"   // 已撤回
	StatusClosed     Status = "closed"      // 已关闭
)

type statusInfo struct {
	zh, en string
	next   []Status
}

// lifecycle is the transition table. Withdrawing and closing are allowed from
// every status that is not already final; they are added in init.
var lifecycle = map[Status]*statusInfo{
	StatusDraft:      {"草稿", "Draft", []Status{StatusToDiagnose, StatusToComplete}},
	StatusToDiagnose: {"待诊断", "To diagnose", []Status{StatusToComplete, StatusToConfirm, StatusLongTerm, StatusDraft}},
	StatusToComplete: {"待补充", "To complete", []Status{StatusToDiagnose, StatusDraft}},
	StatusToConfirm:  {"待企业确认", "To confirm", []Status{StatusConfirmed, StatusToComplete, StatusToDiagnose, StatusLongTerm}},
	StatusConfirmed:  {"已确认", "Confirmed", []Status{StatusSynced, StatusPublished, StatusToConfirm, StatusToComplete}},
	StatusSynced:     {"已同步", "Synced", []Status{StatusPublished, StatusToComplete, StatusToConfirm}},
	StatusPublished:  {"已发布", "Published", []Status{StatusMatching, StatusSolved, StatusToConfirm, StatusToComplete}},
	StatusMatching:   {"对接中", "Matching", []Status{StatusSolved, StatusSigned, StatusPublished, StatusToConfirm}},
	StatusSolved:     {"已揭榜", "Solution chosen", []Status{StatusSigned, StatusMatching}},
	StatusSigned:     {"已签约", "Signed", []Status{StatusResolved}},
	StatusResolved:   {"已解决", "Resolved", nil},
	StatusLongTerm:   {"长期跟踪", "Long-term", []Status{StatusToDiagnose, StatusToComplete, StatusMatching}},
	StatusWithdrawn:  {"已撤回", "Withdrawn", []Status{StatusDraft}},
	StatusClosed:     {"已关闭", "Closed", nil},
}

// restsOnConfirmation marks, beside the transition table, the statuses that
// rest on a current enterprise confirmation: an edit that makes the
// confirmation stale sends the need to 待企业确认 (one of their next), and
// undoing the edit brings it back (see Need.FollowConfirmation).
var restsOnConfirmation = map[Status]bool{
	StatusConfirmed: true, StatusSynced: true, StatusPublished: true, StatusMatching: true,
}

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusDraft, StatusToDiagnose, StatusToComplete, StatusToConfirm, StatusConfirmed, StatusSynced,
	StatusPublished, StatusMatching, StatusSolved, StatusSigned, StatusResolved,
	StatusLongTerm, StatusWithdrawn, StatusClosed,
}

func init() {
	for s, info := range lifecycle {
		if s == StatusResolved || s == StatusClosed || s == StatusWithdrawn {
			continue
		}
		info.next = append(info.next, StatusWithdrawn, StatusClosed)
	}
}

// Label returns the status's name in the given language ("zh" or "en").
func (s Status) Label(lang string) string {
	info, ok := lifecycle[s]
	if !ok {
		return string(s)
	}
	if lang == "en" {
		return info.en
	}
	return info.zh
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := lifecycle[s]; return ok }

// Final reports whether nothing more happens to a need in this status.
func (s Status) Final() bool { return s == StatusResolved || s == StatusClosed }

// AfterConfirmation reports whether the status rests on a current enterprise
// confirmation, so that editing the confirmed content must send it back to
// 待企业确认.
func (s Status) AfterConfirmation() bool { return restsOnConfirmation[s] }

// ParseStatus accepts a status id, its Chinese or English label.
func ParseStatus(s string) (Status, error) {
	t := strings.TrimSpace(s)
	for _, st := range Statuses {
		info := lifecycle[st]
		if t == string(st) || t == info.zh || strings.EqualFold(t, info.en) {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q (known: %s)", s, statusList())
}

func statusList() string {
	var l []string
	for _, s := range Statuses {
		l = append(l, lifecycle[s].zh)
	}
	return strings.Join(l, " ")
}

// CanTransition reports whether a need may move from one status to another.
func CanTransition(from, to Status) bool {
	info, ok := lifecycle[from]
	return ok && slices.Contains(info.next, to)
}

// TransitionError is returned for a change of status the lifecycle forbids.
type TransitionError struct{ From, To Status }

func (e *TransitionError) Error() string {
	return fmt.Sprintf("status cannot change from %s to %s", e.From, e.To)
}

// Message returns the error in the user's language.
func (e *TransitionError) Message(lang string) string {
	if lang == "en" {
		return fmt.Sprintf("A need cannot go from %s to %s.", e.From.Label("en"), e.To.Label("en"))
	}
	return fmt.Sprintf("需求状态不能从「%s」变为「%s」。", e.From.Label("zh"), e.To.Label("zh"))
}

// Transition moves the need to another status, or returns a *TransitionError.
// Moving to the same status is a no-op. A need moved on forgets the status
// its confirmation's going stale took it from (StaleFrom).
func (n *Need) Transition(to Status) error {
	if n.Status == to {
		return nil
	}
	if !CanTransition(n.Status, to) {
		return &TransitionError{From: n.Status, To: to}
	}
	n.Status, n.StaleFrom = to, ""
	return nil
}

// FollowConfirmation makes the need's status follow whether its confirmation
// is current (issue 12.11), both ways, by the lifecycle table: when an edit
// makes the confirmation stale, a need in a status that rests on it goes to
// 待企业确认 and remembers that status in StaleFrom; when the content is again
// what was confirmed (the edit undone), a need still in 待企业确认 goes back
// there. It reports whether the status changed.
func (n *Need) FollowConfirmation(current bool) bool {
	switch {
	case !current && n.Confirmation != nil && n.Status.AfterConfirmation() && CanTransition(n.Status, StatusToConfirm):
		n.StaleFrom, n.Status = n.Status, StatusToConfirm
		return true
	case current && n.Status == StatusToConfirm && n.StaleFrom.AfterConfirmation():
		n.Status, n.StaleFrom = n.StaleFrom, ""
		return true
	}
	return false
}

// StatusForConclusion returns the status a diagnosis conclusion leads to.
func StatusForConclusion(conclusion string) (Status, bool) {
	switch conclusion {
	case ConclusionValid:
		return StatusToConfirm, true
	case ConclusionSupplement:
		return StatusToComplete, true
	case ConclusionLongTerm:
		return StatusLongTerm, true
	case ConclusionReject:
		return StatusClosed, true
	}
	return "", false
}
