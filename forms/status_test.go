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
