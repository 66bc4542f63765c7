package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
)

/*
A staged import (issue 17): a big import is written in batches, each its own
write transaction, where no reader sees it; one small transaction then makes
it the store's, and it is moved into place. A bbolt write transaction keeps
every page it changes in memory until it commits, so an import of 200,000
needs in one transaction held them all; staged, an import holds one batch.

import_staging/            present only while an import is staged or published
|--> state      -> "staging", or "publishing" once the import is the store's
|--> audit_base -> 8 bytes: the audit log's sequence before the import's
|                  entries (written when publishing starts)
|--> b/                    the import's writes, by the bucket they are for
|    |--> <bucket>/ <key> -> 0x01 <value, sealed as in that bucket> | 0x00 (a removal)
|--> inplace/ <bucket> 0x00 <key> -> nil
|                  revision rows written straight into their bucket: those of
|                  records new to the store, which nothing reaches until a
|                  summary points at them (summaries are staged)
|--> audit/ <seq> -> auditRecord JSON [sealed under import_staging/audit]:
                   audit entries the import writes, numbered when published

While staging, a transaction of the import reads through its own writes
(Tx.get, Tx.scan: staged values first, a staged removal hides a stored
value), so that each batch sees the batches before it. Readers, and every
other transaction, never look into import_staging.

Publishing first sets state to "publishing" and reserves the audit log's
numbers (one small transaction: from then on the import is the store's),
then copies the staged writes into their buckets in batches and removes
import_staging. Every step of the copy can be done again (a put of the same
value, a removal of what is gone), so a publication cut short is finished at
the next Open. A staging cut short (state "staging") is undone at the next
Open: the rows written in place are removed, then import_staging. Either
way the store is as it was before the import, or holds all of it.

While a publication copies, the need list in memory takes each batch's
summaries over as it commits: a reader in the same process may see part of
the import for the seconds the copy takes; a crash never leaves part of it.
*/

var (
	// stagingBucket holds a staged import; see above.
	stagingBucket = []byte("import_staging")
	// stagingStateKey is the key of the staging's state.
	stagingStateKey = []byte("state")
	// stagingAuditBaseKey is the key of the audit sequence reserved when
	// publishing starts.
	stagingAuditBaseKey = []byte("audit_base")
	// stagingWritesBucket holds the staged writes by target bucket.
	stagingWritesBucket = []byte("b")
	// stagingInPlaceBucket lists the revision rows written in place.
	stagingInPlaceBucket = []byte("inplace")
	// stagingAuditBucket holds the import's audit entries.
	stagingAuditBucket = []byte("audit")
	// stagingAuditAD is the associated data bucket of a staged audit entry.
	stagingAuditAD = []byte("import_staging/audit")
	// stagingSeqsBeforeKey and stagingSeqsAfterKey are the keys of the
	// sequences of sequencedBuckets when the staging began and when it
	// ended.
	stagingSeqsBeforeKey = []byte("seqs_before")
	stagingSeqsAfterKey  = []byte("seqs_after")
)

// Staging states.
const (
	stateStaging    = "staging"
	statePublishing = "publishing"
)

// Staged values: a write, or a removal.
const (
	stagedPut    = 0x01
	stagedRemove = 0x00
)

// stageBatch is how many records a staging transaction writes, and
// publishBatch how many staged writes a publishing transaction copies:
// what one transaction holds in memory. (Variables: the tests make them
// small, so that a small import takes many transactions.)
//
// Each staging transaction rewrites the pages its records land on. The
// enterprises an import creates take rising ids (forms.IDRun), so the
// trees keyed by them grow at their end; the others (keyed by a need's
// random id, a need's enterprise, a credit code) take writes all over,
// where fewer and larger transactions rewrite fewer pages: 2,000 records
// took 7–8% less CPU than 500 at 50,000 needs (2% at 200,000) for some
// 20 MB more of live heap, and stayed under 130 MB at 200,000
// (BenchmarkImportPlatformCommand).
var (
	stageBatch   = 2000
	publishBatch = 20000
)

// ErrStale is returned by StagedImport.Publish when the store changed after
// the import was staged: its decisions (which records it updates, from
// which revision) may no longer hold. Stage it again.
var ErrStale = errors.New("the store changed since the import was staged")

// stager is a transaction's view of the staging area.
type stager struct {
	root, writes, inplace, audits *bolt.Bucket
	nested                        map[string]*bolt.Bucket // writes/<bucket>, once opened
}

// openStager opens the staging area in a write transaction, creating it in
// state "staging" when there is none.
func openStager(btx *bolt.Tx) (*stager, error) {
	root := btx.Bucket(stagingBucket)
	if root == nil {
		var err error
		if root, err = btx.CreateBucket(stagingBucket); err != nil {
			return nil, err
		}
		if err := root.Put(stagingStateKey, []byte(stateStaging)); err != nil {
			return nil, err
		}
		if err := root.Put(stagingSeqsBeforeKey, sequencesOf(btx)); err != nil {
			return nil, err
		}
	}
	st := &stager{root: root, nested: map[string]*bolt.Bucket{}}
	for _, b := range []struct {
		p    **bolt.Bucket
		name []byte
	}{{&st.writes, stagingWritesBucket}, {&st.inplace, stagingInPlaceBucket}, {&st.audits, stagingAuditBucket}} {
		var err error
		if *b.p, err = root.CreateBucketIfNotExists(b.name); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// bucket returns the staged writes for a bucket, nil when there are none.
func (st *stager) bucket(name []byte) *bolt.Bucket {
	if b, ok := st.nested[string(name)]; ok {
		return b
	}
	b := st.writes.Bucket(name)
	if b != nil {
		st.nested[string(name)] = b
	}
	return b
}

// get returns the staged value of key, and whether the import staged one
// (nil for a removal).
func (st *stager) get(bucket, key []byte) ([]byte, bool) {
	b := st.bucket(bucket)
	if b == nil {
		return nil, false
	}
	v := b.Get(key)
	if v == nil {
		return nil, false
	}
	if v[0] == stagedRemove {
		return nil, true
	}
	return v[1:], true
}

// write stages one write. A revision row of a record the store does not
// have is written in place (and listed); every other write is staged.
func (st *stager) write(tx *Tx, bucket, key []byte, w pendingWrite) error {
	if !w.del && st.inPlace(tx, bucket, key) {
		if err := tx.bucket(bucket).Put(key, w.val); err != nil {
			return err
		}
		return st.inplace.Put(pairKey(string(bucket), string(key)), nil)
	}
	b := st.bucket(bucket)
	if b == nil {
		var err error
		if b, err = st.writes.CreateBucket(bucket); err != nil {
			return err
		}
		st.nested[string(bucket)] = b
	}
	b.FillPercent = appendFill // a batch's writes come in key order
	if w.del {
		return b.Put(key, []byte{stagedRemove})
	}
	v := make([]byte, 0, 1+len(w.val))
	return b.Put(key, append(append(v, stagedPut), w.val...))
}

// inPlace reports whether a write is a revision row of a record that has
// no summary in the store: a row nothing can reach before publication.
func (st *stager) inPlace(tx *Tx, bucket, key []byte) bool {
	var heads []byte
	switch {
	case bytes.Equal(bucket, needRevisionsBucket):
		heads = needSummariesBucket
	case bytes.Equal(bucket, enterpriseRevisionsBucket):
		heads = enterpriseSummariesBucket
	case bytes.Equal(bucket, solutionRevisionsBucket):
		heads = solutionSummariesBucket
	default:
		return false
	}
	id, _, ok := splitSeqKey(key)
	return ok && tx.newToStore(heads, []byte(id))
}

// newToStore reports whether the store, the staging aside, has no summary
// of the record id in the summaries bucket heads: during a staged import,
// a record the import creates.
func (tx *Tx) newToStore(heads, id []byte) bool {
	return tx.bucket(heads).Get(id) == nil
}

// audit stages an audit entry (its JSON), to be numbered when published.
func (st *stager) audit(tx *Tx, rec []byte) error {
	seq, err := st.audits.NextSequence()
	if err != nil {
		return err
	}
	k := u64Key(seq)
	return st.audits.Put(k, tx.s.crypt.seal(stagingAuditAD, k, rec))
}

// stagedInPlace returns the list of revision rows a staged import wrote in
// place, nil when there is none.
func stagedInPlace(btx *bolt.Tx) *bolt.Bucket {
	if root := btx.Bucket(stagingBucket); root != nil {
		return root.Bucket(stagingInPlaceBucket)
	}
	return nil
}

// scanStaged calls fn with the pairs under prefix p of a bucket (c) with
// the staged writes for it (sc) laid over them, in key order.
func scanStaged(c, sc *bolt.Cursor, p []byte, fn func(k, v []byte) error) error {
	k, v := c.Seek(p)
	sk, sv := sc.Seek(p)
	for {
		if k != nil && !bytes.HasPrefix(k, p) {
			k = nil
		}
		if sk != nil && !bytes.HasPrefix(sk, p) {
			sk = nil
		}
		if k == nil && sk == nil {
			return nil
		}
		switch cmp := compareKeys(k, sk); {
		case cmp < 0: // stored only
			if err := fn(k, v); err != nil {
				return err
			}
			k, v = c.Next()
		default: // staged (over a stored one when cmp == 0)
			if sv[0] == stagedPut {
				if err := fn(sk, sv[1:]); err != nil {
					return err
				}
			}
			if cmp == 0 {
				k, v = c.Next()
			}
			sk, sv = sc.Next()
		}
	}
}

// compareKeys compares two keys, nil after every other.
func compareKeys(a, b []byte) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return bytes.Compare(a, b)
}

// ImportSource is what StageImport reads: the enterprises, then the needs,
// as Import takes them, each in the same order every time it asks.
type ImportSource interface {
	// EachEnterprise calls fn with each enterprise, in order.
	EachEnterprise(fn func(*forms.Enterprise) error) error
	// EachNeed calls fn with each need, in order. With keysOnly, only the
	// needs' ID and EnterpriseID need be read (a first pass, which may be
	// cheaper).
	EachNeed(keysOnly bool, fn func(*forms.Need) error) error
}

// sizedSource is an ImportSource that also tells how many records it
// gives: the report's items are then made in one piece (issue 17: a
// growing list of 270,000 items held its old and new arrays at once).
type sizedSource interface {
	ImportSource
	Len() int
}

// ImportSlices is an ImportSource of records in memory.
type ImportSlices struct {
	Enterprises []*forms.Enterprise
	Needs       []*forms.Need
}

// Len returns how many records r holds.
func (r ImportSlices) Len() int { return len(r.Enterprises) + len(r.Needs) }

// EachEnterprise implements ImportSource.
func (r ImportSlices) EachEnterprise(fn func(*forms.Enterprise) error) error {
	for _, e := range r.Enterprises {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// EachNeed implements ImportSource.
func (r ImportSlices) EachNeed(_ bool, fn func(*forms.Need) error) error {
	for _, n := range r.Needs {
		if err := fn(n); err != nil {
			return err
		}
	}
	return nil
}

// StagedImport is an import StageImport has written where no reader sees
// it: Publish makes it the store's, all of it at once; Discard removes it.
// Only one import is staged at a time: a new StageImport discards the one
// before, and Open removes one a crash left.
type StagedImport struct {
	s      *Store
	gen    uint64 // the store's write count when staged
	report ImportReport
	done   bool
}

// Report says what the import does (as Import's report would).
func (si *StagedImport) Report() ImportReport { return si.report }

// StageImport imports src as Import does, with the same matching, report
// and errors (an *ImportConflictError for needs that would move between
// enterprises), but written in batches, each its own transaction, where no
// reader sees them: what it holds in memory does not grow with the import.
// Nothing is the store's until Publish. Other writes wait while it
// stages. On an error nothing is left staged. opt.DryRun is ignored (a
// staged import is a dry run until published).
func (s *Store) StageImport(ctx context.Context, src ImportSource, opt ImportOptions) (*StagedImport, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stage import: %w", err)
	}
	if s.db.IsReadOnly() {
		return nil, fmt.Errorf("stage import: %w", ErrReadOnly)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	rep, err := s.stageLocked(ctx, src, opt)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	rep.DryRun = true
	return &StagedImport{s: s, report: rep, gen: s.gen.Load()}, nil
}

// stageLocked settles what an earlier import left, stages src and notes
// the sequences the staging advanced; on an error it discards the staging.
// The caller holds writeMu.
func (s *Store) stageLocked(ctx context.Context, src ImportSource, opt ImportOptions) (ImportReport, error) {
	if err := s.settleStaging(ctx); err != nil {
		return ImportReport{}, fmt.Errorf("the import before: %w", err)
	}
	var rep ImportReport
	err := s.stage(ctx, src, opt, &rep)
	s.spareBatch = nil // the import's own: its maps are as big as its batches
	// A change undone within the import is none.
	rep.StatusChanges = slices.DeleteFunc(rep.StatusChanges, func(c StatusChange) bool { return c.From == c.To })
	if err == nil {
		err = s.rawUpdate(ctx, func(btx *bolt.Tx) error {
			root := btx.Bucket(stagingBucket)
			if root == nil { // nothing to import
				return nil
			}
			return root.Put(stagingSeqsAfterKey, sequencesOf(btx))
		})
	}
	if err != nil {
		if derr := s.discardStaging(context.WithoutCancel(ctx)); derr != nil {
			err = errors.Join(err, fmt.Errorf("discard: %w", derr))
		}
		return ImportReport{}, err
	}
	return rep, nil
}

// sequencedBuckets are the buckets whose sequence a staging advances (the
// numbers of revision rows and outbox entries): a staging discarded puts
// them back where they were, when nothing else moved them since.
var sequencedBuckets = [][]byte{needRevisionsBucket, enterpriseRevisionsBucket, solutionRevisionsBucket, outboxBucket}

// sequencesOf returns the sequences of sequencedBuckets, 8 bytes each.
func sequencesOf(btx *bolt.Tx) []byte {
	var out []byte
	for _, name := range sequencedBuckets {
		out = binary.BigEndian.AppendUint64(out, btx.Bucket(name).Sequence())
	}
	return out
}

// restoreSequences puts the sequences of sequencedBuckets back to before
// (as sequencesOf wrote them) where they are still at after (nil: where
// the staging left them, which a staging cut short did).
func restoreSequences(btx *bolt.Tx, before, after []byte) error {
	if len(before) != 8*len(sequencedBuckets) || after != nil && len(after) != len(before) {
		return nil
	}
	for i, name := range sequencedBuckets {
		b := btx.Bucket(name)
		if after != nil && b.Sequence() != binary.BigEndian.Uint64(after[8*i:]) {
			continue // moved by another write since
		}
		if err := b.SetSequence(binary.BigEndian.Uint64(before[8*i:])); err != nil {
			return err
		}
	}
	return nil
}

// stage runs the import in staging transactions of stageBatch records,
// then stages the rows it held back (see stage_defer.go).
func (s *Store) stage(ctx context.Context, src ImportSource, opt ImportOptions, rep *ImportReport) error {
	held := newHeldRows()
	if err := s.stageRecords(ctx, src, opt, rep, held); err != nil {
		return err
	}
	return s.writeHeld(ctx, held)
}

// stageRecords stages the records of an import.
func (s *Store) stageRecords(ctx context.Context, src ImportSource, opt ImportOptions, rep *ImportReport, held *heldRows) error {
	var m *merger
	if !opt.Exact {
		m = newMerger(nil)
	}
	track := trackStatus(rep)
	entIDs := forms.NewIDRun() // the enterprises it creates, in key order
	rep.maxItems = opt.MaxItems
	if sz, ok := src.(sizedSource); ok && rep.Items == nil {
		n := sz.Len() + len(opt.Solutions)
		if opt.MaxItems > 0 {
			n = min(n, opt.MaxItems)
		}
		rep.Items = make([]ImportItem, 0, n)
	}
	// run runs step on each of the records each gives, in transactions of
	// stageBatch records.
	run := func(each func(func(func(tx *Tx) error) error) error) error {
		var pending []func(tx *Tx) error
		flush := func() error {
			if len(pending) == 0 {
				return nil
			}
			err := s.stagedUpdate(ctx, func(tx *Tx) error {
				tx.onStatus, tx.entIDs, tx.held = track, entIDs, held
				if m != nil {
					m.tx = tx
				}
				for _, step := range pending {
					if err := step(tx); err != nil {
						return err
					}
				}
				return nil
			})
			pending = pending[:0]
			return err
		}
		err := each(func(step func(tx *Tx) error) error {
			pending = append(pending, step)
			if len(pending) < stageBatch {
				return nil
			}
			return flush()
		})
		if err != nil {
			return err
		}
		return flush()
	}
	if opt.Exact {
		ex := &exactImport{rep: rep}
		if err := run(func(add func(func(*Tx) error) error) error {
			return src.EachEnterprise(func(e *forms.Enterprise) error {
				return add(func(tx *Tx) error { return ex.enterprise(tx, e) })
			})
		}); err != nil {
			return err
		}
		if err := run(func(add func(func(*Tx) error) error) error {
			return src.EachNeed(false, func(n *forms.Need) error {
				return add(func(tx *Tx) error { return ex.need(tx, n) })
			})
		}); err != nil {
			return err
		}
		return run(func(add func(func(*Tx) error) error) error {
			for i, sol := range opt.Solutions {
				if err := add(func(tx *Tx) error { return tx.importSolutionExact(i, sol, rep) }); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if len(opt.Solutions) > 0 {
		return fmt.Errorf("solutions are imported exactly only: %w", ErrInvalid)
	}
	i := 0
	if err := run(func(add func(func(*Tx) error) error) error {
		return src.EachNeed(true, func(n *forms.Need) error {
			in, at := &forms.Need{ID: n.ID, EnterpriseID: n.EnterpriseID}, i
			i++
			return add(func(*Tx) error { return m.anchor(at, in) })
		})
	}); err != nil {
		return err
	}
	if err := run(func(add func(func(*Tx) error) error) error {
		return src.EachEnterprise(func(e *forms.Enterprise) error {
			return add(func(*Tx) error { return m.addEnterprise(e, rep) })
		})
	}); err != nil {
		return err
	}
	i = 0
	if err := run(func(add func(func(*Tx) error) error) error {
		return src.EachNeed(false, func(n *forms.Need) error {
			at := i
			i++
			return add(func(*Tx) error { return m.addNeed(at, n, rep) })
		})
	}); err != nil {
		return err
	}
	return m.finish()
}

// stagedUpdate runs fn in a write transaction of the staged import: its
// writes go to the staging area, batched (see batch.go). The caller holds
// writeMu.
func (s *Store) stagedUpdate(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	wb := s.spareBatch
	if wb == nil {
		wb = newWriteBatch()
	}
	s.spareBatch = nil
	tx := &Tx{s: s, ctx: ctx, writable: true, batch: wb}
	err := guard(s.path, func() error {
		return s.db.Update(func(btx *bolt.Tx) error {
			tx.btx = btx
			var err error
			if tx.stage, err = openStager(btx); err != nil {
				return err
			}
			if err := fn(tx); err != nil {
				return err
			}
			return tx.flush()
		})
	})
	tx.btx = nil
	if err != nil {
		tx.rollback()
		return err
	}
	s.spareBatch = wb // flushed: every bucket's writes emptied
	return nil
}

// Publish makes the staged import the store's: one small transaction
// decides it, then the staged writes are moved into place in batches (a
// crash in between is finished by the next Open). It fails with ErrStale,
// publishing nothing, when the store was written since the import was
// staged; the staging is then discarded. A published or discarded import
// cannot be published.
func (si *StagedImport) Publish(ctx context.Context) error {
	s := si.s
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish import: %w", err)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if si.done {
		return fmt.Errorf("publish import: already published or discarded: %w", ErrInvalid)
	}
	if s.gen.Load() != si.gen {
		si.done = true
		err := fmt.Errorf("publish import: %w", ErrStale)
		if derr := s.discardStaging(context.WithoutCancel(ctx)); derr != nil {
			err = errors.Join(err, derr)
		}
		return err
	}
	si.done = true
	if err := s.publishStaging(ctx); err != nil {
		return fmt.Errorf("publish import: %w", err)
	}
	s.gen.Add(1)
	return nil
}

// Discard removes the staged import. Discarding one that is published or
// discarded does nothing.
func (si *StagedImport) Discard(ctx context.Context) error {
	s := si.s
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if si.done {
		return nil
	}
	si.done = true
	if err := s.discardStaging(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("discard import: %w", err)
	}
	return nil
}

// settleStaging finishes what is left of a staged import: a publication
// (cut short by a crash or a failed write) is completed — the need list in
// memory taking it over if loaded — and a staging removed. Open
// calls it before it loads memory, and a new staging first. The caller
// holds writeMu (or is Open).
func (s *Store) settleStaging(ctx context.Context) error {
	var state []byte
	err := s.db.View(func(btx *bolt.Tx) error {
		if root := btx.Bucket(stagingBucket); root != nil {
			state = bytes.Clone(root.Get(stagingStateKey))
			if state == nil {
				state = []byte(stateStaging)
			}
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case state == nil:
		return nil
	case string(state) == statePublishing:
		s.log.Info("finishing the publication of an import that was cut short")
		return s.publishStaging(ctx)
	}
	return s.discardStaging(ctx)
}

// discardStaging removes the staging area, if any: first the revision rows
// written in place, in batches, then the area. Each step can be done
// again.
func (s *Store) discardStaging(ctx context.Context) error {
	for {
		done := false
		err := s.rawUpdate(ctx, func(btx *bolt.Tx) error {
			root := btx.Bucket(stagingBucket)
			if root == nil {
				done = true
				return nil
			}
			if string(root.Get(stagingStateKey)) == statePublishing {
				return fmt.Errorf("the import is being published, it cannot be discarded: %w", ErrInvalid)
			}
			ip := root.Bucket(stagingInPlaceBucket)
			if ip == nil {
				done = true
				return dropStaging(btx, root)
			}
			c := ip.Cursor()
			n := 0
			for k, _ := c.First(); k != nil && n < publishBatch; k, _ = c.First() {
				bucket, key, _ := bytes.Cut(k, []byte{0})
				if b := btx.Bucket(bucket); b != nil {
					if err := b.Delete(key); err != nil {
						return err
					}
				}
				if err := c.Delete(); err != nil {
					return err
				}
				n++
			}
			if n < publishBatch {
				done = true
				return dropStaging(btx, root)
			}
			return nil
		})
		if err != nil || done {
			return err
		}
	}
}

// dropStaging removes a discarded staging area, putting back the
// sequences it advanced.
func dropStaging(btx *bolt.Tx, root *bolt.Bucket) error {
	if err := restoreSequences(btx, bytes.Clone(root.Get(stagingSeqsBeforeKey)), bytes.Clone(root.Get(stagingSeqsAfterKey))); err != nil {
		return err
	}
	return btx.DeleteBucket(stagingBucket)
}

// publishStaging makes the staged import the store's (state
// "publishing", the audit numbers reserved), then copies the staged writes
// into their buckets in batches, the need list in memory taking each
// batch's summaries over if loaded, and removes the staging area.
func (s *Store) publishStaging(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx) // once decided, an import is finished
	staged, err := s.markPublishing(ctx)
	if err != nil || !staged {
		return err
	}
	return s.copyStagedAll(ctx)
}

// markPublishing makes the staged import the store's: the audit log's
// numbers reserved for its entries, the state "publishing". It reports
// false when nothing is staged (an import of nothing).
func (s *Store) markPublishing(ctx context.Context) (bool, error) {
	staged := false
	err := s.rawUpdate(ctx, func(btx *bolt.Tx) error {
		root := btx.Bucket(stagingBucket)
		if root == nil {
			return nil
		}
		staged = true
		if string(root.Get(stagingStateKey)) == statePublishing {
			return nil
		}
		audit := btx.Bucket(auditBucket)
		base := audit.Sequence()
		n := uint64(0)
		if a := root.Bucket(stagingAuditBucket); a != nil {
			n = a.Sequence()
		}
		if err := audit.SetSequence(base + n); err != nil {
			return err
		}
		if err := root.Put(stagingAuditBaseKey, u64Key(base)); err != nil {
			return err
		}
		return root.Put(stagingStateKey, []byte(statePublishing))
	})
	return staged, err
}

// copyStagedAll copies every staged write into place, then the audit
// entries, and removes the staging area.
func (s *Store) copyStagedAll(ctx context.Context) error {
	var names [][]byte
	err := s.db.View(func(btx *bolt.Tx) error {
		if w := btx.Bucket(stagingBucket).Bucket(stagingWritesBucket); w != nil {
			return w.ForEachBucket(func(k []byte) error {
				names = append(names, bytes.Clone(k))
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := s.copyStaged(ctx, name); err != nil {
			return fmt.Errorf("publish %s: %w", name, err)
		}
	}
	return s.rawUpdate(ctx, func(btx *bolt.Tx) error {
		root := btx.Bucket(stagingBucket)
		if a := root.Bucket(stagingAuditBucket); a != nil && a.Sequence() > 0 {
			bv := root.Get(stagingAuditBaseKey)
			if len(bv) != 8 {
				return fmt.Errorf("%s: no audit base: %w", stagingBucket, ErrCorrupt)
			}
			base := binary.BigEndian.Uint64(bv)
			audit := btx.Bucket(auditBucket)
			audit.FillPercent = appendFill
			err := a.ForEach(func(k, v []byte) error {
				p, err := s.crypt.open(stagingAuditAD, k, v)
				if err != nil {
					return err
				}
				key := u64Key(base + binary.BigEndian.Uint64(k))
				return audit.Put(key, s.crypt.seal(auditBucket, key, p))
			})
			if err != nil {
				return err
			}
		}
		return btx.DeleteBucket(stagingBucket)
	})
}

// copyStaged copies the staged writes for one bucket into it, publishBatch
// a transaction.
func (s *Store) copyStaged(ctx context.Context, name []byte) error {
	// The need list in memory takes each batch's summaries over — unless
	// nothing is loaded (at Open, or Options.Lazy): then they are not
	// decoded (a publishing batch's took 17 MB at 50k). The caller holds
	// writeMu, so memory is not loaded meanwhile (ensureLoaded).
	mem := s.mem.isLoaded()
	var after []byte
	for {
		var last []byte
		n := 0
		tx := &Tx{s: s}
		err := s.rawUpdate(ctx, func(btx *bolt.Tx) error {
			sb := btx.Bucket(stagingBucket).Bucket(stagingWritesBucket).Bucket(name)
			b := btx.Bucket(name)
			if b == nil {
				return fmt.Errorf("bucket %s missing: %w", name, ErrCorrupt)
			}
			b.FillPercent = appendFill
			c := sb.Cursor()
			k, v := c.First()
			if after != nil {
				if k, v = c.Seek(after); k != nil && bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			outbox := bytes.Equal(name, outboxBucket)
			for ; k != nil && n < publishBatch; k, v = c.Next() {
				if put := v[0] == stagedPut; outbox && put != (b.Get(k) != nil) {
					// memory's count of pending entries (countOutbox)
					if put {
						tx.outboxDelta++
					} else {
						tx.outboxDelta--
					}
				}
				var err error
				if v[0] == stagedRemove {
					err = b.Delete(k)
				} else {
					err = b.Put(k, v[1:])
				}
				if err != nil {
					return err
				}
				if mem && v[0] == stagedPut {
					if err := tx.takeHead(name, k, v[1:]); err != nil {
						return err
					}
				}
				last = k
				n++
			}
			last = bytes.Clone(last)
			return nil
		})
		if err != nil {
			return err
		}
		s.mem.apply(tx)
		if n < publishBatch {
			return nil
		}
		after = last
	}
}

// takeHead keeps a published summary for memory to take over.
func (tx *Tx) takeHead(bucket, k, v []byte) error {
	switch {
	case bytes.Equal(bucket, needSummariesBucket):
		p, err := tx.s.crypt.open(bucket, k, v)
		if err != nil {
			return err
		}
		h, err := decodeNeedHead(p)
		if err != nil {
			return err
		}
		tx.keepNeedHead(h)
	case bytes.Equal(bucket, enterpriseSummariesBucket):
		p, err := tx.s.crypt.open(bucket, k, v)
		if err != nil {
			return err
		}
		h, err := decodeEntHead(p)
		if err != nil {
			return err
		}
		if tx.ents == nil {
			tx.ents = map[string]*entHead{}
		}
		tx.ents[h.ID] = h
	}
	return nil
}

// rawUpdate runs fn in a bbolt write transaction, guarded against a
// damaged file. The caller holds writeMu.
func (s *Store) rawUpdate(ctx context.Context, fn func(btx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return guard(s.path, func() error { return s.db.Update(fn) })
}
