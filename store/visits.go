package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// checkDate accepts "" or a date written 2006-01-02.
func checkDate(d string) error {
	if d == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, d); err != nil {
		return fmt.Errorf("date %q is not YYYY-MM-DD: %w", d, ErrInvalid)
	}
	return nil
}

// SaveVisit stores a visit to an enterprise, which must exist. It assigns
// the ID if empty and CreatedAt if zero. Visits have no revisions and do not
// go to the platform.
func (s *Store) SaveVisit(ctx context.Context, v *forms.Visit) error {
	if err := s.update(ctx, "", func(tx *Tx) error { return tx.saveVisit(v) }); err != nil {
		return fmt.Errorf("save visit %s: %w", displayID(v.ID), err)
	}
	return nil
}

// SaveVisit stores a visit in this transaction; see Store.SaveVisit.
func (tx *Tx) SaveVisit(v *forms.Visit) error {
	if err := tx.saveVisit(v); err != nil {
		return fmt.Errorf("save visit %s: %w", displayID(v.ID), err)
	}
	return nil
}

func (tx *Tx) saveVisit(v *forms.Visit) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	if err := checkDate(v.Date); err != nil {
		return err
	}
	if v.ID != "" {
		if err := checkID("visit", v.ID); err != nil {
			return err
		}
	}
	if tx.bucket(enterpriseSummariesBucket).Get([]byte(v.EnterpriseID)) == nil {
		return fmt.Errorf("enterprise %q: %w", v.EnterpriseID, ErrNotFound)
	}
	snap := *v
	tx.undo = append(tx.undo, func() { *v = snap })
	if v.ID == "" {
		v.ID = forms.NewID()
	}
	if v.CreatedAt.IsZero() {
		v.CreatedAt = tx.s.clock()
	}
	return tx.putLinked(visitsBucket, visitByEnterpriseBucket, v.ID, v.EnterpriseID, v,
		func(old []byte) (string, error) {
			var o forms.Visit
			err := json.Unmarshal(old, &o)
			return o.EnterpriseID, err
		})
}

// Visits returns an enterprise's visits, by date.
func (s *Store) Visits(ctx context.Context, enterpriseID string) ([]forms.Visit, error) {
	var out []forms.Visit
	err := s.View(ctx, func(tx *Tx) error {
		return tx.eachLinked(visitsBucket, visitByEnterpriseBucket, enterpriseID, func(v []byte) error {
			var x forms.Visit
			if err := json.Unmarshal(v, &x); err != nil {
				return err
			}
			out = append(out, x)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("load visits of %s: %w", enterpriseID, err)
	}
	slices.SortFunc(out, func(a, b forms.Visit) int {
		return cmp.Or(strings.Compare(a.Date, b.Date), a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// SaveFollowUp stores a follow-up of a need, which must exist. It assigns
// the ID if empty and CreatedAt if zero.
func (s *Store) SaveFollowUp(ctx context.Context, f *forms.FollowUp) error {
	if err := s.update(ctx, "", func(tx *Tx) error { return tx.saveFollowUp(f) }); err != nil {
		return fmt.Errorf("save follow-up %s: %w", displayID(f.ID), err)
	}
	return nil
}

// SaveFollowUp stores a follow-up in this transaction; see
// Store.SaveFollowUp.
func (tx *Tx) SaveFollowUp(f *forms.FollowUp) error {
	if err := tx.saveFollowUp(f); err != nil {
		return fmt.Errorf("save follow-up %s: %w", displayID(f.ID), err)
	}
	return nil
}

func (tx *Tx) saveFollowUp(f *forms.FollowUp) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	switch f.Kind {
	case forms.FollowUpIntent, forms.FollowUpContract, forms.FollowUpPayment:
	default:
		return fmt.Errorf("kind %q: %w", f.Kind, ErrInvalid)
	}
	if err := checkDate(f.Date); err != nil {
		return err
	}
	if f.ID != "" {
		if err := checkID("follow-up", f.ID); err != nil {
			return err
		}
	}
	if tx.bucket(needSummariesBucket).Get([]byte(f.NeedID)) == nil {
		return fmt.Errorf("need %q: %w", f.NeedID, ErrNotFound)
	}
	snap := *f
	tx.undo = append(tx.undo, func() { *f = snap })
	if f.ID == "" {
		f.ID = forms.NewID()
	}
	if f.CreatedAt.IsZero() {
		f.CreatedAt = tx.s.clock()
	}
	return tx.putLinked(followUpsBucket, followUpByNeedBucket, f.ID, f.NeedID, f,
		func(old []byte) (string, error) {
			var o forms.FollowUp
			err := json.Unmarshal(old, &o)
			return o.NeedID, err
		})
}

// FollowUps returns a need's follow-ups, by date.
func (s *Store) FollowUps(ctx context.Context, needID string) ([]forms.FollowUp, error) {
	var out []forms.FollowUp
	err := s.View(ctx, func(tx *Tx) error {
		return tx.eachLinked(followUpsBucket, followUpByNeedBucket, needID, func(v []byte) error {
			var x forms.FollowUp
			if err := json.Unmarshal(v, &x); err != nil {
				return err
			}
			out = append(out, x)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("load follow-ups of %s: %w", needID, err)
	}
	sortFollowUps(out)
	return out, nil
}

// AllFollowUps returns every follow-up, by date.
func (s *Store) AllFollowUps(ctx context.Context) ([]forms.FollowUp, error) {
	var out []forms.FollowUp
	err := s.View(ctx, func(tx *Tx) error {
		return tx.bucket(followUpsBucket).ForEach(func(k, v []byte) error {
			p, err := tx.s.crypt.open(followUpsBucket, k, v)
			if err != nil {
				return err
			}
			var x forms.FollowUp
			if err := json.Unmarshal(p, &x); err != nil {
				return err
			}
			out = append(out, x)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("load follow-ups: %w", err)
	}
	sortFollowUps(out)
	return out, nil
}

func sortFollowUps(l []forms.FollowUp) {
	slices.SortFunc(l, func(a, b forms.FollowUp) int {
		return cmp.Or(strings.Compare(a.Date, b.Date), a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
}

// putLinked stores a record that belongs to a parent (a visit to an
// enterprise, a follow-up to a need) and its parent 0x00 id index entry,
// moving the entry if the parent changed.
func (tx *Tx) putLinked(bucket, index []byte, id, parent string, rec any, oldParent func([]byte) (string, error)) error {
	ix := tx.bucket(index)
	old, err := tx.getOpen(bucket, []byte(id))
	if err != nil {
		return err
	}
	if old != nil {
		p, err := oldParent(old)
		if err != nil {
			return err
		}
		if p != parent {
			if err := ix.Delete(pairKey(p, id)); err != nil {
				return err
			}
		}
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := tx.putSealed(bucket, []byte(id), data); err != nil {
		return err
	}
	return ix.Put(pairKey(parent, id), nil)
}

// eachLinked calls fn with the value of every record of a parent.
func (tx *Tx) eachLinked(bucket, index []byte, parent string, fn func([]byte) error) error {
	return tx.scan(index, parent, func(k, _ []byte) error {
		v, err := tx.getOpen(bucket, k[len(parent)+1:])
		if err != nil {
			return err
		}
		if v == nil {
			return fmt.Errorf("index entry %q: no record: %w", k, ErrCorrupt)
		}
		return fn(v)
	})
}
