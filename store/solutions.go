package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// Solutions (揭榜). A solution is kept as a need is: a head (its need,
// status and where its current revision row is), every revision, an index
// by need, and an outbox entry for every local save, all in the
// transaction of the save. Solutions come from the platform (a provider on
// the hub's public page; PutSolutionRemote, by the sync), or the team
// enters them (a paper 方案表, an Excel import, a change of status;
// SaveSolution), and go back to the platform like needs.

// KindSolution is the outbox kind of a solution's revision.
const KindSolution = "solution"

// solHead is what the store keeps beside a solution's revisions.
type solHead struct {
	ID        string               `json:"-"`
	NeedID    string               `json:"need_id"`
	Rev       string               `json:"rev"`
	BaseRev   string               `json:"base_rev,omitempty"`
	RevSeq    uint64               `json:"rev_seq"`
	Status    forms.SolutionStatus `json:"status"`
	CreatedAt time.Time            `json:"created_at"`
	CreatedBy string               `json:"created_by,omitempty"`
	Team      string               `json:"team,omitempty"`
	UpdatedAt time.Time            `json:"updated_at"`
}

func (h *solHead) rev() string {
	if h == nil {
		return ""
	}
	return h.Rev
}

// solHead returns the stored head of a solution, nil if there is none.
func (tx *Tx) solHead(id string) (*solHead, error) {
	v, err := tx.getOpen(solutionSummariesBucket, []byte(id))
	if v == nil || err != nil {
		return nil, err
	}
	h := &solHead{ID: id}
	if err := json.Unmarshal(v, h); err != nil {
		return nil, fmt.Errorf("solution %s head: %w", id, err)
	}
	return h, nil
}

// Solution returns the current revision of a solution, or an error
// wrapping ErrNotFound.
func (tx *Tx) Solution(id string) (*forms.Solution, error) {
	h, err := tx.solHead(id)
	if err != nil {
		return nil, fmt.Errorf("solution %s: %w", id, err)
	}
	if h == nil {
		return nil, fmt.Errorf("solution %s: %w", id, ErrNotFound)
	}
	v, err := tx.getOpen(solutionRevisionsBucket, seqKey(id, h.RevSeq))
	if err != nil {
		return nil, fmt.Errorf("solution %s: %w", id, err)
	}
	if v == nil {
		return nil, fmt.Errorf("solution %s: revision row %d missing: %w", id, h.RevSeq, ErrCorrupt)
	}
	s := new(forms.Solution)
	if err := json.Unmarshal(v, s); err != nil {
		return nil, fmt.Errorf("solution %s: decode: %w", id, err)
	}
	return s, nil
}

// SolutionsOf returns the current revisions of a need's solutions, oldest
// first.
func (tx *Tx) SolutionsOf(needID string) ([]*forms.Solution, error) {
	var out []*forms.Solution
	for _, id := range tx.pairIDs(solutionByNeedBucket, needID) {
		s, err := tx.Solution(id)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *forms.Solution) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// SolutionRevisions returns every stored revision of a solution, oldest
// first.
func (tx *Tx) SolutionRevisions(id string) ([]*forms.Solution, error) {
	var out []*forms.Solution
	err := tx.eachRevision(solutionRevisionsBucket, id, func(_ uint64, v []byte) error {
		s := new(forms.Solution)
		if err := json.Unmarshal(v, s); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("solution %s revisions: %w", id, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("solution %s revisions: %w", id, ErrNotFound)
	}
	return out, nil
}

// SaveSolution saves a new revision of a solution in this transaction; see
// Store.SaveSolution.
func (tx *Tx) SaveSolution(s *forms.Solution) error {
	if err := tx.saveSolution(s); err != nil {
		return fmt.Errorf("save solution %s: %w", displayID(s.ID), err)
	}
	return nil
}

func (tx *Tx) saveSolution(s *forms.Solution) error {
	need, prev, err := tx.solutionSaveTarget(s)
	if err != nil {
		return err
	}
	snap := *s
	tx.undo = append(tx.undo, func() { *s = snap })
	now := tx.s.clock()
	user, team := tx.s.userTeam()
	if s.ID == "" {
		s.ID = forms.NewID()
	}
	if prev == nil {
		s.BaseRev = ""
		if s.CreatedAt.IsZero() {
			s.CreatedAt = now
		}
		s.CreatedBy = cmp.Or(s.CreatedBy, user)
		s.Team = cmp.Or(s.Team, need.Team, team)
	} else {
		s.BaseRev, s.CreatedAt = prev.Rev, prev.CreatedAt
		s.CreatedBy = cmp.Or(prev.CreatedBy, s.CreatedBy)
		s.Team = cmp.Or(s.Team, prev.Team)
	}
	s.Rev = forms.NewID()
	s.CatalogueVersion = catalogue().Version
	s.UpdatedAt = now
	return tx.writeSolution(s, prev, writeLocal)
}

// solutionSaveTarget checks a solution about to be saved and returns its
// need's head and its own stored head (nil for a new solution).
func (tx *Tx) solutionSaveTarget(s *forms.Solution) (*needHead, *solHead, error) {
	if err := tx.checkWrite(); err != nil {
		return nil, nil, err
	}
	if err := checkSolution(s); err != nil {
		return nil, nil, err
	}
	if s.ID != "" {
		if err := checkID("solution", s.ID); err != nil {
			return nil, nil, err
		}
	}
	need, err := tx.needHead(s.NeedID)
	if err != nil {
		return nil, nil, err
	}
	if need == nil {
		return nil, nil, fmt.Errorf("need %q: %w", s.NeedID, ErrNotFound)
	}
	var prev *solHead
	if s.ID != "" {
		if prev, err = tx.solHead(s.ID); err != nil {
			return nil, nil, err
		}
	}
	if prev != nil && s.Rev != "" && s.Rev != prev.Rev {
		return nil, nil, fmt.Errorf("saving an edit of revision %s, the stored one is %s: %w", s.Rev, prev.Rev, ErrConflict)
	}
	if prev != nil && prev.NeedID != s.NeedID {
		return nil, nil, fmt.Errorf("a solution stays with its need (%s, not %s): %w", prev.NeedID, s.NeedID, ErrInvalid)
	}
	return need, prev, nil
}

// checkSolution checks what the store needs of a solution: a known status
// and source, a valid need id.
func checkSolution(s *forms.Solution) error {
	if !s.Status.Valid() {
		return fmt.Errorf("status %q: %w", s.Status, ErrInvalid)
	}
	if !s.Source.Valid() {
		return fmt.Errorf("source %q: %w", s.Source, ErrInvalid)
	}
	return checkID("need", s.NeedID)
}

// PutSolutionRemote stores a solution as given — its Rev, BaseRev, Status
// and times are kept and no outbox entry is written: for solutions pulled
// from the platform. Its need need not be stored. A Rev equal to the
// stored current one replaces that revision; a Rev of an older stored
// revision is refused with ErrConflict.
func (tx *Tx) PutSolutionRemote(s *forms.Solution) error {
	if err := tx.putSolutionRemote(s, writeRemote); err != nil {
		return fmt.Errorf("put solution %s: %w", displayID(s.ID), err)
	}
	return nil
}

func (tx *Tx) putSolutionRemote(s *forms.Solution, mode writeMode) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	if err := checkSolution(s); err != nil {
		return err
	}
	if err := checkID("solution", s.ID); err != nil {
		return err
	}
	if err := checkID("revision", s.Rev); err != nil {
		return err
	}
	prev, err := tx.solHead(s.ID)
	if err != nil {
		return err
	}
	return tx.writeSolution(s, prev, mode)
}

// writeSolution writes s as the solution's current revision: its revision
// row, head, index entry and (for a local save) an outbox entry.
func (tx *Tx) writeSolution(s *forms.Solution, prev *solHead, mode writeMode) error {
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	seq, err := tx.putRevision(solutionRevisionsBucket, s.ID, s.Rev, prev.rev(), data, mode)
	if err != nil {
		return err
	}
	head := &solHead{
		ID: s.ID, NeedID: s.NeedID, Rev: s.Rev, BaseRev: s.BaseRev, RevSeq: seq, Status: s.Status,
		CreatedAt: s.CreatedAt.UTC(), CreatedBy: s.CreatedBy, Team: s.Team, UpdatedAt: s.UpdatedAt.UTC(),
	}
	hv, err := json.Marshal(head)
	if err != nil {
		return err
	}
	if prev != nil && prev.NeedID != head.NeedID {
		if err := tx.del(solutionByNeedBucket, pairKey(prev.NeedID, s.ID)); err != nil {
			return err
		}
	}
	if prev == nil || prev.NeedID != head.NeedID {
		if err := tx.put(solutionByNeedBucket, pairKey(head.NeedID, s.ID), nil); err != nil {
			return err
		}
	}
	if err := tx.putSealed(solutionSummariesBucket, []byte(s.ID), hv); err != nil {
		return err
	}
	if mode != writeRemote {
		return tx.appendOutbox(KindSolution, s.ID, s.Rev, s.BaseRev, seq)
	}
	return nil
}

// SaveSolution saves a new revision of a solution in one transaction: its
// revision row (old revisions are kept), head, index by need and an outbox
// entry, which the next sync pushes.
//
// It assigns the ID if empty, sets BaseRev to the stored current Rev ("" for
// a new solution) and Rev to a new id, CatalogueVersion, UpdatedAt, and for a
// new solution CreatedAt (unless set), CreatedBy and Team (the need's). The
// need must exist (ErrNotFound); status and source must be known, and a
// solution stays with its need (ErrInvalid). The store does not check the
// status transition (forms.Solution.Transition does) nor the fields
// (forms.Catalogue.ValidateSolution): a paper 方案表 may be typed in
// unfinished. A solution whose Rev is set but is not the stored current
// revision is refused with ErrConflict. On any error s is left as it was.
func (s *Store) SaveSolution(ctx context.Context, sol *forms.Solution) error {
	return s.update(ctx, "save solution", func(tx *Tx) error { return tx.SaveSolution(sol) })
}

// Solution returns a solution's current revision, or an error wrapping
// ErrNotFound.
func (s *Store) Solution(ctx context.Context, id string) (*forms.Solution, error) {
	var out *forms.Solution
	err := s.View(ctx, func(tx *Tx) (err error) { out, err = tx.Solution(id); return err })
	if err != nil {
		return nil, fmt.Errorf("load solution: %w", err)
	}
	return out, nil
}

// Solutions returns a need's solutions (their current revisions), oldest
// first: what the window's 解决方案 section lists.
func (s *Store) Solutions(ctx context.Context, needID string) ([]*forms.Solution, error) {
	var out []*forms.Solution
	err := s.View(ctx, func(tx *Tx) (err error) { out, err = tx.SolutionsOf(needID); return err })
	if err != nil {
		return nil, fmt.Errorf("load solutions of %s: %w", needID, err)
	}
	return out, nil
}

// SolutionRevisions returns every revision of a solution, oldest first.
func (s *Store) SolutionRevisions(ctx context.Context, id string) ([]*forms.Solution, error) {
	var out []*forms.Solution
	err := s.View(ctx, func(tx *Tx) (err error) { out, err = tx.SolutionRevisions(id); return err })
	if err != nil {
		return nil, fmt.Errorf("load solution revisions: %w", err)
	}
	return out, nil
}

// SolutionStatuses returns, by need id, the statuses of the need's
// solutions, read from their heads without decoding a revision: what the
// need list's 揭榜 column and the counts need (len for how many,
// forms.Progress.AddSolution for matches and deals).
func (s *Store) SolutionStatuses(ctx context.Context) (map[string][]forms.SolutionStatus, error) {
	out := map[string][]forms.SolutionStatus{}
	err := s.View(ctx, func(tx *Tx) error {
		return tx.bucket(solutionSummariesBucket).ForEach(func(k, _ []byte) error {
			h, err := tx.solHead(string(k))
			if err != nil {
				return err
			}
			out[h.NeedID] = append(out[h.NeedID], h.Status)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("solution statuses: %w", err)
	}
	return out, nil
}

// checkSolutions checks every solution's head against its current revision
// row, the index by need against the heads, and that every revision row
// belongs to a solution.
func (tx *Tx) checkSolutions(report reportFunc) {
	n := 0
	_ = tx.bucket(solutionSummariesBucket).ForEach(func(k, _ []byte) error {
		n++
		id := string(k)
		h, err := tx.solHead(id)
		if err != nil {
			report("solution %s: %v", id, err)
			return nil
		}
		v, err := tx.getOpen(solutionRevisionsBucket, seqKey(id, h.RevSeq))
		if err != nil || v == nil {
			report("solution %s: current revision row %d missing (%v)", id, h.RevSeq, err)
			return nil
		}
		var rec forms.Solution
		if err := json.Unmarshal(v, &rec); err != nil {
			report("solution %s: %v", id, err)
			return nil
		}
		if rec.ID != id || rec.Rev != h.Rev || rec.NeedID != h.NeedID || rec.Status != h.Status || !rec.UpdatedAt.Equal(h.UpdatedAt) {
			report("solution %s: head %s/%s/%s does not match its revision row %s/%s/%s", id, h.Rev, h.NeedID, h.Status, rec.Rev, rec.NeedID, rec.Status)
		}
		if last := tx.lastRevisionSeq(solutionRevisionsBucket, id); last != h.RevSeq {
			report("solution %s: current revision is row %d, the last row is %d", id, h.RevSeq, last)
		}
		if !tx.hasKey(solutionByNeedBucket, pairKey(h.NeedID, id)) {
			report("solution %s: missing from %s", id, solutionByNeedBucket)
		}
		return nil
	})
	tx.checkIndex(solutionByNeedBucket, n, report, func(k []byte) (string, bool) {
		need, id, ok := strings.Cut(string(k), "\x00")
		h, err := tx.solHead(id)
		return id, ok && err == nil && h != nil && h.NeedID == need
	})
	tx.checkRevisionRows(solutionRevisionsBucket, solutionSummariesBucket, report)
}

// ImportSolutions saves solutions read from workbooks (forms/xlsx) in one
// transaction: all of them or, on any error, none. A solution whose ID is
// stored already (the same workbook imported again) is updated with the
// imported values that differ, its status and notes kept, or skipped when
// nothing differs; a new one is saved with its ID and status. Every save
// is a local one: a new revision and an outbox entry. Then each need whose
// solutions were created or updated follows them (Tx.FollowSolutions), in
// the same transaction: the report's StatusChanges list the needs that
// moved, its StatusHeld those the lifecycle kept where they were. With
// opt.DryRun nothing is written and the report says what would be.
func (s *Store) ImportSolutions(ctx context.Context, sols []*forms.Solution, opt ImportOptions) (ImportReport, error) {
	var rep ImportReport
	err := s.update(ctx, "import solutions", func(tx *Tx) error {
		rep = ImportReport{DryRun: opt.DryRun, maxItems: opt.MaxItems}
		tx.onStatus = trackStatus(&rep)
		var touched []string // needs whose solutions changed, in order
		seen := map[string]bool{}
		for i, in := range sols {
			it := ImportItem{Kind: KindSolution, Index: i, Title: in.Provider()}
			old, err := tx.Solution(in.ID)
			switch {
			case errors.Is(err, ErrNotFound):
				c := in.Clone()
				if err := tx.SaveSolution(c); err != nil {
					return err
				}
				it.Action, it.ID = ActionCreate, c.ID
			case err != nil:
				return err
			default:
				changed := false
				for id, l := range in.Values {
					if in.Values.Has(id) && !slices.Equal(old.Values[id], l) {
						old.Values[id], changed = slices.Clone(l), true
					}
				}
				it.Action, it.ID = ActionSkip, old.ID
				if changed {
					if err := tx.SaveSolution(old); err != nil {
						return err
					}
					it.Action = ActionUpdate
				}
			}
			rep.add(it)
			if it.Action != ActionSkip && !seen[in.NeedID] {
				seen[in.NeedID] = true
				touched = append(touched, in.NeedID)
			}
		}
		for _, id := range touched {
			f, err := tx.FollowSolutions(id)
			if err != nil {
				return err
			}
			if f.Blocked {
				rep.StatusHeld = append(rep.StatusHeld, f)
			}
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return rep, nil
	}
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}
