package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/xunbang/xunbang/forms"
)

// A need's status follows its solutions (issue 15.4), whichever way they
// changed: the official's edit in the window (Store.SaveSolutionFollow), an
// import of a filled 《技术需求解决方案表》 (Store.ImportSolutions), the
// sync's pull feed (the sync client calls Tx.FollowSolutions once a pull
// has brought the solutions). One step, Tx.FollowSolutions, applies
// forms.Need.FollowSolutions and saves a move as a local edit.

// Followed is what following its solutions did to a stored need.
type Followed struct {
	ID, Title string
	// Rev is the need's revision saved by the move; "" when it did not
	// move.
	Rev string
	forms.SolutionFollow
}

// FollowSolutions moves need needID as its solutions' statuses call for
// (forms.Need.FollowSolutions: through the lifecycle table, never a need
// not yet published, withdrawn or closed) and, when it moved, saves it in
// this transaction as a local edit: a new revision and an outbox entry, as
// Tx.SaveNeed. It is idempotent: a need already where its solutions put it
// is not written. A need the store does not hold (a solution can arrive
// from the feed before its need) is left alone: the result is zero and the
// error nil.
func (tx *Tx) FollowSolutions(needID string) (Followed, error) {
	n, err := tx.Need(needID)
	if errors.Is(err, ErrNotFound) {
		return Followed{}, nil
	}
	if err != nil {
		return Followed{}, fmt.Errorf("follow solutions of %s: %w", needID, err)
	}
	var sts []forms.SolutionStatus
	for _, id := range tx.pairIDs(solutionByNeedBucket, needID) {
		h, err := tx.solHead(id)
		if err != nil {
			return Followed{}, fmt.Errorf("follow solutions of %s: %w", needID, err)
		}
		if h != nil {
			sts = append(sts, h.Status)
		}
	}
	if ent, err := tx.entHead(n.EnterpriseID); err != nil || ent == nil {
		// A need from the feed whose enterprise has not arrived yet cannot
		// be saved; it follows with the next change of its solutions.
		return Followed{ID: n.ID, Title: n.Title(), SolutionFollow: forms.SolutionFollow{From: n.Status, To: n.Status}}, err
	}
	f := Followed{ID: n.ID, Title: n.Title(), SolutionFollow: n.FollowSolutions(sts)}
	if f.Moved() {
		if err := tx.SaveNeed(n); err != nil {
			return Followed{}, fmt.Errorf("follow solutions: %w", err)
		}
		f.Rev = n.Rev
	}
	return f, nil
}

// FollowSolutions moves a need after its solutions in one transaction; see
// Tx.FollowSolutions.
func (s *Store) FollowSolutions(ctx context.Context, needID string) (Followed, error) {
	var f Followed
	err := s.update(ctx, "follow solutions", func(tx *Tx) (err error) { f, err = tx.FollowSolutions(needID); return err })
	return f, err
}

// SaveSolutionFollow saves a solution (Tx.SaveSolution) and, in the same
// transaction, moves its need after its solutions (Tx.FollowSolutions):
// what the window does when the official changes a solution's status or
// types in a new one. On any error nothing is written and sol is left as
// it was.
func (s *Store) SaveSolutionFollow(ctx context.Context, sol *forms.Solution) (Followed, error) {
	var f Followed
	err := s.update(ctx, "save solution", func(tx *Tx) error {
		if err := tx.SaveSolution(sol); err != nil {
			return err
		}
		var err error
		f, err = tx.FollowSolutions(sol.NeedID)
		return err
	})
	if err != nil {
		return Followed{}, err
	}
	return f, nil
}
