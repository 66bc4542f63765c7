package hubstore

import (
	"context"
	"errors"
	"fmt"
)

// CopyStats says what Copy copied.
type CopyStats struct {
	Meta, Tokens, Heads, Revisions, Refusals, Events int
	Anonymous, Regions, RegistrySent                 int
	Users, Audit                                     int
	Solutions                                        int
}

// ErrNotEmpty means Copy's destination already holds a hub.
var ErrNotEmpty = errors.New("the destination already holds a hub")

// Copy copies everything src holds into dst — the way a district's bbolt
// hub moves to a city's PostgreSQL (`xunbang serve migrate`). dst must be
// empty (no schema in its meta), else Copy fails with ErrNotEmpty. It reads
// src in one View and writes dst in one Update, so a failure leaves dst
// empty. Console sessions are not copied (a session is found by its hash
// only): after a move, users log in again. Sealed values are copied as they are: the same hub key opens
// them. The feed's events and the audit's entries keep their sequence
// numbers, so the laptops' cursors stay valid; a source whose numbers have
// gaps (which no store here makes) is refused rather than renumbered.
func Copy(ctx context.Context, dst, src Store) (CopyStats, error) {
	var st CopyStats
	err := src.View(ctx, func(from Tx) error {
		return dst.Update(ctx, func(to Tx) error {
			st = CopyStats{} // a store may run fn again
			if _, err := to.Meta("schema"); err == nil {
				return ErrNotEmpty
			} else if !errors.Is(err, ErrNotFound) {
				return err
			}
			return copyAll(ctx, to, from, &st)
		})
	})
	if err != nil {
		return st, fmt.Errorf("hubstore: copy: %w", err)
	}
	return st, nil
}

func copyAll(ctx context.Context, to, from Tx, st *CopyStats) error {
	steps := []func() error{
		func() error {
			return from.Metas(func(k string, v []byte) error { st.Meta++; return to.SetMeta(k, v) })
		},
		func() error {
			return from.Tokens(func(t *Token) error { st.Tokens++; return to.PutToken(t) })
		},
		func() error {
			return from.Heads("", func(h *Head) error { st.Heads++; return to.PutHead(h) })
		},
		func() error {
			return from.Revisions(func(r *Revision) error {
				st.Revisions++
				if st.Revisions%1000 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				return to.PutRevision(r)
			})
		},
		func() error {
			return from.Refusals(func(r *Refusal) error { st.Refusals++; return to.PutRefusal(r) })
		},
		func() error {
			return from.Events(0, func(seq uint64, ev *Event) (bool, error) {
				got, err := to.AppendEvent(ev)
				if err == nil && got != seq {
					err = fmt.Errorf("event %d would become %d: the source's feed has a gap", seq, got)
				}
				st.Events++
				return err == nil, err
			})
		},
		func() error {
			return from.AnonymousMarks(func(id string) error { st.Anonymous++; _, err := to.MarkAnonymous(id); return err })
		},
		func() error {
			return from.RegionCounts(func(p string, n int) error {
				st.Regions++
				return to.AddRegionCounts(map[string]int{p: n})
			})
		},
		func() error {
			return from.RegistrySents(func(team, id string) error {
				st.RegistrySent++
				return to.NoteRegistrySent(team, []string{id})
			})
		},
		func() error {
			return from.Users(func(u *User) error { st.Users++; return to.PutUser(u) })
		},
		func() error {
			return copyAudit(to, from, st)
		},
		func() error {
			return from.AllSolutionLinks(func(l *SolutionLink) error { st.Solutions++; return to.PutSolutionLink(l) })
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// copyAudit copies the audit oldest first, keeping its numbers.
func copyAudit(to, from Tx, st *CopyStats) error {
	type entry struct {
		seq uint64
		e   *AuditEntry
	}
	var all []entry
	err := from.Audit(0, func(seq uint64, e *AuditEntry) (bool, error) {
		all = append(all, entry{seq, e})
		return true, nil
	})
	if err != nil {
		return err
	}
	for i := len(all) - 1; i >= 0; i-- {
		got, err := to.AppendAudit(all[i].e)
		if err != nil {
			return err
		}
		if got != all[i].seq {
			return fmt.Errorf("audit entry %d would become %d: the source's audit has a gap", all[i].seq, got)
		}
		st.Audit++
	}
	return nil
}
