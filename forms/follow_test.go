package forms_test

import (
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// A need's status follows its solutions through the lifecycle table, and
// says so; where the table forbids the move it stays and says why.
func TestFollowSolutions(t *testing.T) {
	s := func(l ...forms.SolutionStatus) []forms.SolutionStatus { return l }
	for _, c := range []struct {
		name    string
		from    forms.Status
		sols    []forms.SolutionStatus
		to      forms.Status
		blocked bool
		says    string // in the Chinese message; "" for no message
	}{
		{"published, only submitted", forms.StatusPublished, s(forms.SolutionSubmitted, forms.SolutionScreened), forms.StatusPublished, false, ""},
		{"published, one recommended", forms.StatusPublished, s(forms.SolutionRecommended), forms.StatusMatching, false, "由「已发布」变为「对接中」"},
		{"published, one chosen", forms.StatusPublished, s(forms.SolutionSubmitted, forms.SolutionChosen), forms.StatusSolved, false, "变为「已揭榜」"},
		{"published, one signed: two steps", forms.StatusPublished, s(forms.SolutionSigned), forms.StatusSigned, false, "变为「已签约」"},
		{"matching, chosen", forms.StatusMatching, s(forms.SolutionChosen, forms.SolutionDeclined), forms.StatusSolved, false, "由「对接中」变为「已揭榜」"},
		{"solved, signed", forms.StatusSolved, s(forms.SolutionSigned), forms.StatusSigned, false, "变为「已签约」"},
		{"solved, the chosen one declined: back", forms.StatusSolved, s(forms.SolutionNegotiating, forms.SolutionDeclined), forms.StatusMatching, false, "由「已揭榜」变为「对接中」"},
		{"matching, all declined: stays", forms.StatusMatching, s(forms.SolutionDeclined), forms.StatusMatching, false, ""},
		{"signed stays signed", forms.StatusSigned, s(forms.SolutionDeclined, forms.SolutionNegotiating), forms.StatusSigned, false, ""},
		{"resolved stays", forms.StatusResolved, s(forms.SolutionSigned), forms.StatusResolved, false, ""},
		{"long-term, recommended", forms.StatusLongTerm, s(forms.SolutionRecommended), forms.StatusMatching, false, "变为「对接中」"},
		{"long-term, chosen: via matching", forms.StatusLongTerm, s(forms.SolutionChosen), forms.StatusSolved, false, "变为「已揭榜」"},
		{"confirmed, not published", forms.StatusConfirmed, s(forms.SolutionChosen), forms.StatusConfirmed, true, "需求尚未发布"},
		{"synced, under review", forms.StatusSynced, s(forms.SolutionRecommended), forms.StatusSynced, true, "需求尚未发布"},
		{"withdrawn", forms.StatusWithdrawn, s(forms.SolutionSigned), forms.StatusWithdrawn, true, "按状态流转不能直接变更"},
		{"closed", forms.StatusClosed, s(forms.SolutionRecommended), forms.StatusClosed, true, "「已关闭」"},
		{"no solutions", forms.StatusPublished, nil, forms.StatusPublished, false, ""},
	} {
		n := &forms.Need{Status: c.from}
		f := n.FollowSolutions(c.sols)
		if n.Status != c.to || f.To != c.to || f.From != c.from || f.Blocked != c.blocked {
			t.Errorf("%s: %s → %s (result %+v), want %s blocked %v", c.name, c.from, n.Status, f, c.to, c.blocked)
		}
		msg := f.Message("zh")
		if (c.says == "") != (msg == "") || !strings.Contains(msg, c.says) {
			t.Errorf("%s: message %q, want one saying %q", c.name, msg, c.says)
		}
		if c.says != "" && f.Message("en") == "" {
			t.Errorf("%s: no English message", c.name)
		}
		// Every move is one the table allows, step by step: replaying it
		// through Transition from the start gets there too.
		if f.Moved() && !forms.CanTransition(c.from, c.to) {
			m := &forms.Need{Status: c.from}
			if err := m.Transition(forms.StatusMatching); err != nil || (c.to != forms.StatusMatching && m.Transition(c.to) != nil) {
				t.Errorf("%s: %s → %s is not a walk of the table", c.name, c.from, c.to)
			}
		}
	}
}
