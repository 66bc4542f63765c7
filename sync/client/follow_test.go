package client_test

import (
	"context"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// signSolution takes a solution through its lifecycle to 已签约 and saves
// it in st as a plain solution save, the need left as it is: a change made
// where the need does not follow (the hub's console, an older client).
func signSolution(t *testing.T, st *store.Store, s *forms.Solution) {
	t.Helper()
	for _, to := range []forms.SolutionStatus{forms.SolutionScreened, forms.SolutionRecommended, forms.SolutionNegotiating, forms.SolutionChosen, forms.SolutionSigned} {
		if err := s.Transition(to); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SaveSolution(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

// Issue 15.4: a solution whose status changed on the hub reaches the
// official's laptop by the pull feed, and the need follows it there as it
// would after an edit in the window — one new revision, in the outbox for
// the next sync; pulling the same solutions again moves nothing.
func TestPulledSolutionMovesItsNeed(t *testing.T) {
	ctx := context.Background()
	h := newPublicHub(t)
	tok := h.token("li", "suzhou")
	stA := openStore(t, t.TempDir(), "li", "suzhou")
	cA := newClient(t, stA, fastConfig(h.URL, tok))
	n, _ := publishAnonymousNeed(t, h, stA, cA)
	if n.Status != forms.StatusPublished {
		t.Fatalf("the need is %s", n.Status)
	}
	// A colleague types in a paper 方案表, which reaches the laptop as
	// submitted: nothing to follow.
	stC := openStore(t, t.TempDir(), "zhou", "suzhou")
	cC := newClient(t, stC, fastConfig(h.URL, tok))
	if _, err := cC.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	sol := &forms.Solution{NeedID: n.ID, Status: forms.SolutionSubmitted, Source: forms.SourcePaper,
		Values: forms.Values{"provider_name": {jbProvider}, "solution_contact": {"陈工"}, "solution_phone": {jbPhone}}}
	if err := stC.SaveSolution(ctx, sol); err != nil {
		t.Fatal(err)
	}
	if _, err := cC.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if rep, err := cA.Sync(ctx); err != nil || rep.Followed != 0 {
		t.Fatalf("first pull: %+v, %v", rep, err)
	}
	revs, _ := stA.NeedRevisions(ctx, n.ID)
	if got, _ := stA.Need(ctx, n.ID); got.Status != forms.StatusPublished {
		t.Fatalf("a submitted solution moved the need to %s", got.Status)
	}

	// The solution is signed elsewhere; the laptop's pull brings it.
	signSolution(t, stC, sol)
	if _, err := cC.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := cA.Sync(ctx)
	if err != nil || rep.Followed != 1 {
		t.Fatalf("pull of the signed solution: %+v, %v", rep, err)
	}
	got, err := stA.Need(ctx, n.ID)
	if err != nil || got.Status != forms.StatusSigned {
		t.Fatalf("the need is %s after the pull (%v)", got.Status, err)
	}
	after, _ := stA.NeedRevisions(ctx, n.ID)
	if len(after) != len(revs)+1 {
		t.Errorf("%d revisions after the pull, %d before", len(after), len(revs))
	}
	out, err := stA.Outbox(ctx, 0)
	if err != nil || len(out) != 1 || out[0].Kind != store.KindNeed || out[0].ID != n.ID || out[0].Rev != got.Rev {
		t.Fatalf("outbox after the pull: %+v, %v", out, err)
	}

	// The next sync pushes the move; pulling again moves nothing.
	rep, err = cA.Sync(ctx)
	if err != nil || rep.Accepted != 1 || rep.Followed != 0 {
		t.Fatalf("push of the move: %+v, %v", rep, err)
	}
	rep, err = cA.Sync(ctx)
	if err != nil || rep.Followed != 0 || rep.Pushed != 0 {
		t.Fatalf("again: %+v, %v", rep, err)
	}
	if again, _ := stA.NeedRevisions(ctx, n.ID); len(again) != len(after) {
		t.Errorf("%d revisions after pulling again, %d before", len(again), len(after))
	}
	// The colleague's laptop gets the need as it followed: a fast-forward,
	// no move of its own.
	rep, err = cC.Sync(ctx)
	if err != nil || rep.Followed != 0 || rep.Conflicts != 0 {
		t.Fatalf("the colleague's pull: %+v, %v", rep, err)
	}
	if theirs, _ := stC.Need(ctx, n.ID); theirs.Status != forms.StatusSigned || theirs.Rev != got.Rev {
		t.Errorf("the colleague's need: %s at %s", theirs.Status, theirs.Rev)
	}
}
