package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
)

// SaveEnterprise saves a new revision of an enterprise in one transaction:
// the record, its revision row, head, indexes and an outbox entry.
//
// It assigns the ID (forms.NewID) if empty and contact IDs if empty, a new
// Rev, CatalogueVersion, UpdatedAt, and for a new record CreatedAt (unless
// set), CreatedBy and Team (from Options or Settings). CreatedAt and
// CreatedBy of a stored record never change. The enterprise's needs are
// re-reconciled: name, credit code and region are confirmed content, so a
// confirmed need whose confirmation no longer matches goes back to
// 待企业确认 with a new revision of its own.
//
// Errors wrap ErrConflict when e.Rev is set but not the stored current
// revision, ErrDuplicate when another enterprise has the credit code, and
// ErrInvalid for a bad ID. On any error e is left as it was.
func (s *Store) SaveEnterprise(ctx context.Context, e *forms.Enterprise) error {
	return s.update(ctx, "save enterprise", func(tx *Tx) error { return tx.SaveEnterprise(e) })
}

// SaveNeed saves a new revision of a need in one transaction: the record,
// its revision row (old revisions are kept), head, indexes, the in-memory
// summary and an outbox entry.
//
// It assigns the ID if empty, sets BaseRev to the stored current Rev ("" for
// a new need) and Rev to a new id, CatalogueVersion, UpdatedAt, and for a
// new need CreatedAt (unless set), CreatedBy and Team. It runs
// forms.Default().Reconcile with the need's enterprise, so an edit of
// confirmed content sends the need back to 待企业确认.
//
// The status must be a known one (ErrInvalid) and the enterprise must exist
// (ErrNotFound). The store does not check the status transition against the
// stored status: a need may pass several steps (forms.Need.Transition
// checks each) between two saves. A need whose Rev is set but is not the
// stored current revision is refused with ErrConflict: it was edited from an
// out-of-date copy. On any error n is left as it was.
func (s *Store) SaveNeed(ctx context.Context, n *forms.Need) error {
	return s.update(ctx, "save need", func(tx *Tx) error { return tx.SaveNeed(n) })
}

// Enterprise returns an enterprise's current revision, or an error wrapping
// ErrNotFound.
func (s *Store) Enterprise(ctx context.Context, id string) (*forms.Enterprise, error) {
	var e *forms.Enterprise
	err := s.View(ctx, func(tx *Tx) (err error) { e, err = tx.Enterprise(id); return err })
	if err != nil {
		return nil, fmt.Errorf("load enterprise: %w", err)
	}
	return e, nil
}

// EnterpriseByCreditCode returns the enterprise with a credit code (which is
// normalised first), or an error wrapping ErrNotFound.
func (s *Store) EnterpriseByCreditCode(ctx context.Context, code string) (*forms.Enterprise, error) {
	var e *forms.Enterprise
	err := s.View(ctx, func(tx *Tx) (err error) { e, err = tx.EnterpriseByCreditCode(code); return err })
	if err != nil {
		return nil, fmt.Errorf("load enterprise by credit code: %w", err)
	}
	return e, nil
}

// Need returns a need's current revision, or an error wrapping ErrNotFound.
func (s *Store) Need(ctx context.Context, id string) (*forms.Need, error) {
	var n *forms.Need
	err := s.View(ctx, func(tx *Tx) (err error) { n, err = tx.Need(id); return err })
	if err != nil {
		return nil, fmt.Errorf("load need: %w", err)
	}
	return n, nil
}

// NeedRevisions returns every revision of a need, oldest first; the last is
// the current one. Each revision's BaseRev is the Rev of the one it was
// edited from.
func (s *Store) NeedRevisions(ctx context.Context, id string) ([]*forms.Need, error) {
	var l []*forms.Need
	err := s.View(ctx, func(tx *Tx) (err error) { l, err = tx.NeedRevisions(id); return err })
	if err != nil {
		return nil, fmt.Errorf("load revisions: %w", err)
	}
	return l, nil
}

// EnterpriseRevisions returns every revision of an enterprise, oldest first.
func (s *Store) EnterpriseRevisions(ctx context.Context, id string) ([]*forms.Enterprise, error) {
	var l []*forms.Enterprise
	err := s.View(ctx, func(tx *Tx) (err error) { l, err = tx.EnterpriseRevisions(id); return err })
	if err != nil {
		return nil, fmt.Errorf("load revisions: %w", err)
	}
	return l, nil
}

// forEachBatch is how many records ForEachNeed and ForEachEnterprise decode
// per read transaction.
const forEachBatch = 256

// ForEachEnterprise calls fn with every enterprise, in id order, until fn
// returns an error (which it returns). fn runs outside any transaction, so
// it may take its time and call other Store methods; records saved while it
// runs may or may not be seen.
func (s *Store) ForEachEnterprise(ctx context.Context, fn func(*forms.Enterprise) error) error {
	err := s.forEach(ctx, enterpriseSummariesBucket, KindEnterprise, func(tx *Tx, id string, v []byte, rows *rowCursor) (func() error, error) {
		// Tx.Enterprise, from the head the cursor is on and the row
		// rows finds.
		p, err := tx.s.crypt.open(enterpriseSummariesBucket, []byte(id), v)
		if err != nil {
			return nil, fmt.Errorf("enterprise %s: %w", id, err)
		}
		h, err := decodeEntHead(p)
		if err != nil {
			return nil, fmt.Errorf("enterprise %s: %w", id, err)
		}
		row, err := rows.row(id, h.RevSeq)
		if err != nil {
			return nil, err
		}
		e, err := decodeEnterprise(id, row)
		if err != nil {
			return nil, err
		}
		return func() error { return fn(e) }, nil
	})
	if err != nil {
		return fmt.Errorf("for each enterprise: %w", err)
	}
	return nil
}

// ForEachNeed calls fn with every need, in id order, as ForEachEnterprise.
func (s *Store) ForEachNeed(ctx context.Context, fn func(*forms.Need) error) error {
	err := s.forEach(ctx, needSummariesBucket, KindNeed, func(tx *Tx, id string, _ []byte, _ *rowCursor) (func() error, error) {
		n, err := tx.Need(id)
		if err != nil {
			return nil, err
		}
		return func() error { return fn(n) }, nil
	})
	if err != nil {
		return fmt.Errorf("for each need: %w", err)
	}
	return nil
}

// ScanNeeds calls fn with every need's summary, in id order, and with the
// need itself when read reports true for the summary, else nil: a reader of
// every need reads (decrypts and decodes) only the needs it wants, and still
// hears of the others — an export counts the needs it leaves out. It reads
// the summaries from the file, not the need list in memory, so the summary
// and the need come from one read transaction. Like ForEachNeed, fn runs
// outside any transaction, may take its time and call other Store methods,
// and what it gets is its own to keep; records saved meanwhile may or may
// not be seen. read runs inside a read transaction: it must be quick and
// call no Store method. The needs come without their confirmation's
// evidence (forms.UnmarshalNeedWithoutEvidence): a reader of every need
// writes outputs, which show neither the content as confirmed nor the
// signature.
func (s *Store) ScanNeeds(ctx context.Context, read func(*Summary) bool, fn func(*Summary, *forms.Need) error) error {
	type item struct {
		sum  *Summary
		need *forms.Need
	}
	var after []byte
	for {
		var items []item
		err := s.View(ctx, func(tx *Tx) error {
			c := tx.bucket(needSummariesBucket).Cursor()
			k, v := c.First()
			if after != nil {
				k, v = c.Seek(after)
				if k != nil && bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			o := &opener{c: s.crypt}
			rows := newRowCursor(tx, KindNeed)
			for ; k != nil && len(items) < forEachBatch; k, v = c.Next() {
				p, err := o.open(needSummariesBucket, k, v)
				if err != nil {
					return err
				}
				h, err := decodeNeedHead(p)
				if err != nil {
					return fmt.Errorf("need %s: %w", k, err)
				}
				it := item{sum: &h.Summary}
				if read(it.sum) {
					p, err := rows.row(h.ID, h.RevSeq)
					if err != nil {
						return err
					}
					if it.need, err = forms.UnmarshalNeedWithoutEvidence(p); err != nil {
						return fmt.Errorf("need %s: decode: %v: %w", h.ID, err, ErrCorrupt)
					}
				}
				items = append(items, it)
				after = k
			}
			after = bytes.Clone(after)
			return nil
		})
		if err != nil {
			return fmt.Errorf("scan needs: %w", err)
		}
		for _, it := range items {
			if err := fn(it.sum, it.need); err != nil {
				return err
			}
		}
		if len(items) < forEachBatch {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("scan needs: %w", err)
		}
	}
}

// forEach loads the records of a summaries bucket in batches, each in its
// own read transaction, and runs the calls load returns between
// transactions. load gets each record's id and stored head, and a
// rowCursor over the revisions of kind.
func (s *Store) forEach(ctx context.Context, bucket []byte, kind string, load func(tx *Tx, id string, v []byte, rows *rowCursor) (func() error, error)) error {
	var after []byte
	for {
		var calls []func() error
		err := s.View(ctx, func(tx *Tx) error {
			c := tx.bucket(bucket).Cursor()
			rows := newRowCursor(tx, kind)
			k, v := c.First()
			if after != nil {
				k, v = c.Seek(after)
				if k != nil && bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			var last []byte
			for ; k != nil && len(calls) < forEachBatch; k, v = c.Next() {
				call, err := load(tx, string(k), v, rows)
				if errors.Is(err, ErrNotFound) {
					// Listed by the cursor, not found by its key: the
					// bucket's pages are out of order.
					return fmt.Errorf("%s %q: listed but not found: %w", bucket, k, ErrCorrupt)
				}
				if err != nil {
					return err
				}
				calls = append(calls, call)
				last = k
			}
			after = bytes.Clone(last)
			return nil
		})
		if err != nil {
			return err
		}
		for _, call := range calls {
			if err := call(); err != nil {
				return err
			}
		}
		if len(calls) < forEachBatch {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// rowCursor finds revision rows in key order, as a scan of the summaries
// (in id order) asks for them: the row wanted is usually the next one, or
// a few further (older revisions of the next need, needs the scan skips),
// so it steps there, and seeks from the root only when it is further. A
// seek per need was 7% of an export at 200,000 needs.
type rowCursor struct {
	kind   string
	bucket []byte
	c      *bolt.Cursor
	o      opener
	k, v   []byte // where the cursor is; k nil at the end
	placed bool   // the cursor has been placed
}

// newRowCursor returns a rowCursor over the revisions of kind in tx.
func newRowCursor(tx *Tx, kind string) *rowCursor {
	b := revisionsBucketOf(kind)
	return &rowCursor{kind: kind, bucket: b, c: tx.bucket(b).Cursor(), o: opener{c: tx.s.crypt}}
}

// row returns revision seq of the record id, opened; the bytes are valid
// until the next call. A missing row is damage (ErrCorrupt): the record's
// head names it.
func (r *rowCursor) row(id string, seq uint64) ([]byte, error) {
	k := seqKey(id, seq)
	v := r.get(k)
	if v == nil {
		return nil, fmt.Errorf("%s %s: revision row %d missing: %w", r.kind, id, seq, ErrCorrupt)
	}
	p, err := r.o.open(r.bucket, k, v)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.kind, id, err)
	}
	return p, nil
}

// rowSteps is how many rows get steps over before it seeks.
const rowSteps = 8

// get returns the value at key k, or nil. It is fastest when the keys
// asked for grow.
func (r *rowCursor) get(k []byte) []byte {
	if r.placed {
		for i := 0; r.k != nil && i < rowSteps && bytes.Compare(r.k, k) < 0; i++ {
			r.k, r.v = r.c.Next()
		}
	}
	if !r.placed || !bytes.Equal(r.k, k) {
		r.k, r.v = r.c.Seek(k)
		r.placed = true
	}
	if r.k == nil || !bytes.Equal(r.k, k) {
		return nil
	}
	v := r.v
	r.k, r.v = r.c.Next()
	return v
}
