package forms

import (
	"errors"
	"testing"
)

func TestTransitions(t *testing.T) {
	tests := []struct {
		from, to Status
		ok       bool
	}{
		{StatusDraft, StatusToDiagnose, true},
		{StatusDraft, StatusPublished, false},
		{StatusDraft, StatusConfirmed, false},
		{StatusToDiagnose, StatusToConfirm, true},
		{StatusToConfirm, StatusConfirmed, true},
		{StatusConfirmed, StatusSynced, true},
		{StatusSynced, StatusPublished, true},
		{StatusPublished, StatusMatching, true},
		{StatusMatching, StatusSolved, true},
		{StatusSolved, StatusSigned, true},
		{StatusSigned, StatusResolved, true},
		{StatusResolved, StatusDraft, false},
		{StatusClosed, StatusDraft, false},
		{StatusPublished, StatusWithdrawn, true},
		{StatusWithdrawn, StatusDraft, true},
		{StatusWithdrawn, StatusClosed, false},
		{StatusConfirmed, StatusToConfirm, true},
		{Status("nonsense"), StatusDraft, false},
	}
	for _, tt := range tests {
		if got := CanTransition(tt.from, tt.to); got != tt.ok {
			t.Errorf("%s → %s: %v, want %v", tt.from, tt.to, got, tt.ok)
		}
	}
}

func TestEveryStatusIsReachableAndLabelled(t *testing.T) {
	reached := map[Status]bool{StatusDraft: true}
	for changed := true; changed; {
		changed = false
		for _, from := range Statuses {
			if !reached[from] {
				continue
			}
			for _, to := range Statuses {
				if CanTransition(from, to) && !reached[to] {
					reached[to], changed = true, true
				}
			}
		}
	}
	for _, s := range Statuses {
		if !reached[s] {
			t.Errorf("%s cannot be reached from 草稿", s)
		}
		if s.Label("zh") == string(s) || s.Label("en") == string(s) {
			t.Errorf("%s has no label", s)
		}
		if got, err := ParseStatus(s.Label("zh")); err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %s, %v", s.Label("zh"), got, err)
		}
		if got, err := ParseStatus(string(s)); err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %s, %v", s, got, err)
		}
	}
	if _, err := ParseStatus("随便"); err == nil {
		t.Error("ParseStatus accepted nonsense")
	}
}

func TestNeedTransition(t *testing.T) {
	n := &Need{Status: StatusDraft}
	err := n.Transition(StatusPublished)
	var te *TransitionError
	if !errors.As(err, &te) || n.Status != StatusDraft {
		t.Fatalf("draft → published: %v, status %s", err, n.Status)
	}
	if msg := te.Message("zh"); msg != "需求状态不能从「草稿」变为「已发布」。" {
		t.Errorf("message %q", msg)
	}
	if err := n.Transition(StatusToDiagnose); err != nil || n.Status != StatusToDiagnose {
		t.Fatalf("draft → to_diagnose: %v", err)
	}
}

func TestConclusionDrivesStatus(t *testing.T) {
	for c, want := range map[string]Status{
		ConclusionValid: StatusToConfirm, ConclusionSupplement: StatusToComplete,
		ConclusionLongTerm: StatusLongTerm, ConclusionReject: StatusClosed,
	} {
		got, ok := StatusForConclusion(c)
		if !ok || got != want {
			t.Errorf("%s → %s, want %s", c, got, want)
		}
		if !CanTransition(StatusToDiagnose, got) {
			t.Errorf("a diagnosed need cannot move to %s", got)
		}
		if _, ok := Default().Vocabulary("conclusion").Option(c); !ok {
			t.Errorf("conclusion %s not in the catalogue", c)
		}
	}
}

// TestStatusFollowsTheConfirmation is issue 12.11: an edit that makes the
// confirmation stale sends a need to 待企业确认, and undoing the edit brings
// it back to where it was, whichever status that was.
func TestStatusFollowsTheConfirmation(t *testing.T) {
	cat := Default()
	for _, from := range Statuses {
		if !from.AfterConfirmation() {
			continue
		}
		t.Run(string(from), func(t *testing.T) {
			if !CanTransition(from, StatusToConfirm) {
				t.Fatalf("the lifecycle table has no %s → 待企业确认", from)
			}
			n, e := sampleNeed(), sampleEnterprise()
			n.Status = StatusToConfirm
			if err := cat.Confirm(n, e, Confirmation{}); err != nil {
				t.Fatal(err)
			}
			n.Status = from
			budget := n.Values.Get("budget_wan")
			n.Values.Set("budget_wan", budget+"0")
			if !cat.Reconcile(n, e) || n.Status != StatusToConfirm || n.StaleFrom != from {
				t.Fatalf("after an edit: status %s, stale from %q", n.Status, n.StaleFrom)
			}
			if cat.Reconcile(n, e) {
				t.Error("reconciling again moved it")
			}
			n.Values.Set("budget_wan", budget) // undo
			if !cat.Reconcile(n, e) || n.Status != from || n.StaleFrom != "" {
				t.Fatalf("after the undo: status %s, stale from %q", n.Status, n.StaleFrom)
			}
		})
	}

	// A need moved on from 待企业确认 forgets where it came from: undoing
	// the edit then leaves its status alone.
	n, e := sampleNeed(), sampleEnterprise()
	n.Status = StatusToConfirm
	if err := cat.Confirm(n, e, Confirmation{}); err != nil {
		t.Fatal(err)
	}
	n.Status = StatusPublished
	budget := n.Values.Get("budget_wan")
	n.Values.Set("budget_wan", budget+"0")
	cat.Reconcile(n, e)
	if err := n.Transition(StatusToComplete); err != nil || n.StaleFrom != "" {
		t.Fatalf("transition: %v, stale from %q", err, n.StaleFrom)
	}
	n.Values.Set("budget_wan", budget)
	if cat.Reconcile(n, e) || n.Status != StatusToComplete {
		t.Errorf("an undo moved a need sent to 待补充 to %s", n.Status)
	}
	// Nor does a need that never had a confirmation move.
	m := sampleNeed()
	m.Status = StatusToConfirm
	if cat.Reconcile(m, e) || m.Status != StatusToConfirm {
		t.Errorf("a need without a confirmation moved to %s", m.Status)
	}
}
