package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Outbox entry kinds.
const (
	KindEnterprise = "enterprise"
	KindNeed       = "need"
)

// The outbox holds, per record, at most one pending entry and at most one
// quarantined one (outbox_by_record says which). A save of a record that
// already waits in the queue does not add an entry: it moves the waiting
// entry on to the new revision and keeps the entry's base, the revision
// the platform last acknowledged. So the queue counts records, and a sync
// pushes the latest revision of each, never the autosaves in between.

// OutboxEntry is a record whose latest revision still has to reach the
// platform. Entries are written in the same transaction as the revision
// they carry, so a crash can lose neither.
type OutboxEntry struct {
	Seq  uint64 // position in the queue; the key for SettleOutbox
	Kind string // KindEnterprise, KindNeed or KindSolution
	ID   string // the record's id
	Rev  string // the revision to push (the record's latest); the platform's idempotency key
	// BaseRev is the revision the platform last acknowledged for the record
	// (or the one it came from the platform with); "" for a record it has
	// never had. The platform judges Rev against it.
	BaseRev string
	Body    []byte // the record's JSON at Rev
	// CreatedAt is when the entry was written: when the oldest change it
	// carries was saved.
	CreatedAt   time.Time
	Attempts    int
	LastError   string
	LastAttempt time.Time
	Quarantined bool
	// Conflict marks a quarantined entry the platform answered with a
	// conflict (a colleague's revision is kept beside it), rather than
	// refused as invalid.
	Conflict bool
	Reasons  []Reason
}

// Reason is why a revision was set aside, as data: a machine code (the
// platform's, e.g. "required", "forbidden", or the client's own, e.g.
// "conflict", "too_big"), the field and item it concerns, the platform's
// own message (its words, in its language), and a detail for the code
// (the platform's revision in a conflict). What the official reads is made
// from it in the language of the window when shown, not kept.
type Reason struct {
	Field   string `json:"field,omitempty"`
	Item    int    `json:"item,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// UnmarshalJSON reads a reason, or a sentence as versions before reasons
// were data kept it (its Message; "conflict" its Code when it starts so).
func (r *Reason) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*r = Reason{Message: s}
		if strings.HasPrefix(s, "conflict") {
			r.Code = "conflict"
		}
		return nil
	}
	type plain Reason
	return json.Unmarshal(b, (*plain)(r))
}

// OutboxStats counts the outbox, in records.
type OutboxStats struct {
	Pending     int       // records waiting to be pushed
	Quarantined int       // records set aside: refused as invalid, or in conflict
	Conflicts   int       // of Quarantined, those in conflict
	Oldest      time.Time // when the oldest pending change was saved; zero when none
}

// outboxRecord is an outbox entry as stored. The body is not copied into
// the outbox: RevSeq points at the revision row, which is never removed.
type outboxRecord struct {
	Kind        string    `json:"kind"`
	ID          string    `json:"id"`
	Rev         string    `json:"rev"`
	BaseRev     string    `json:"base_rev,omitempty"`
	RevSeq      uint64    `json:"rev_seq"`
	CreatedAt   time.Time `json:"created_at"`
	Attempts    int       `json:"attempts,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	Conflict    bool      `json:"conflict,omitempty"`
	Reasons     []Reason  `json:"reasons,omitempty"`
}

func revisionsBucketOf(kind string) []byte {
	switch kind {
	case KindEnterprise:
		return enterpriseRevisionsBucket
	case KindSolution:
		return solutionRevisionsBucket
	}
	return needRevisionsBucket
}

// outboxSlots are a record's entries: the seq of its pending entry and of
// its quarantined one, 0 for none.
type outboxSlots struct{ pending, quarantined uint64 }

func (s outboxSlots) encode() []byte {
	b := binary.BigEndian.AppendUint64(nil, s.pending)
	return binary.BigEndian.AppendUint64(b, s.quarantined)
}

func decodeOutboxSlots(v []byte) (outboxSlots, bool) {
	if len(v) != 16 {
		return outboxSlots{}, false
	}
	return outboxSlots{binary.BigEndian.Uint64(v[:8]), binary.BigEndian.Uint64(v[8:])}, true
}

func (tx *Tx) outboxSlots(kind, id string) outboxSlots {
	s, _ := decodeOutboxSlots(tx.get(outboxByRecordBucket, pairKey(kind, id)))
	return s
}

func (tx *Tx) setOutboxSlots(kind, id string, s outboxSlots) error {
	k := pairKey(kind, id)
	if s == (outboxSlots{}) {
		return tx.del(outboxByRecordBucket, k)
	}
	return tx.put(outboxByRecordBucket, k, s.encode())
}

// readOutbox returns the entry stored under seq in bucket, nil if none.
func (tx *Tx) readOutbox(bucket []byte, seq uint64) (*outboxRecord, error) {
	if seq == 0 {
		return nil, nil
	}
	v, err := tx.getOpen(bucket, u64Key(seq))
	if err != nil || v == nil {
		return nil, err
	}
	var rec outboxRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("outbox entry %d: %w", seq, err)
	}
	return &rec, nil
}

func (tx *Tx) writeOutbox(bucket []byte, seq uint64, rec *outboxRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.putSealed(bucket, u64Key(seq), v)
}

// appendOutbox queues the record's new revision rev (saved from baseRev,
// its row at revSeq). A record already waiting keeps its entry, which now
// carries rev; its base stays the revision the platform acknowledged,
// unless a revision from elsewhere (the platform's, chosen in a conflict)
// came in between.
func (tx *Tx) appendOutbox(kind, id, rev, baseRev string, revSeq uint64) error {
	slots := tx.outboxSlots(kind, id)
	if slots.pending != 0 {
		rec, err := tx.readOutbox(outboxBucket, slots.pending)
		if err != nil {
			return err
		}
		if rec != nil {
			if rec.Rev != baseRev {
				rec.BaseRev = baseRev
			}
			rec.Rev, rec.RevSeq = rev, revSeq
			return tx.writeOutbox(outboxBucket, slots.pending, rec)
		}
	}
	// An edit of a revision the platform refused builds on what the
	// platform last acknowledged: the refused one never reached it.
	if q, err := tx.readOutbox(outboxQuarantineBucket, slots.quarantined); err != nil {
		return err
	} else if q != nil && q.Rev == baseRev && !q.Conflict {
		baseRev = q.BaseRev
	}
	seq, err := tx.bucket(outboxBucket).NextSequence()
	if err != nil {
		return err
	}
	rec := outboxRecord{Kind: kind, ID: id, Rev: rev, BaseRev: baseRev, RevSeq: revSeq, CreatedAt: tx.s.clock()}
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := tx.putSealedAppend(outboxBucket, u64Key(seq), v); err != nil {
		return err
	}
	slots.pending = seq
	return tx.setOutboxSlots(kind, id, slots)
}

// outboxEntry turns a stored record of bucket into an OutboxEntry, reading
// its body.
func (tx *Tx) outboxEntry(bucket, k, v []byte, quarantined bool) (OutboxEntry, error) {
	var rec outboxRecord
	p, err := tx.s.crypt.open(bucket, k, v)
	if err != nil {
		return OutboxEntry{}, err
	}
	if err := json.Unmarshal(p, &rec); err != nil {
		return OutboxEntry{}, fmt.Errorf("outbox entry %x: %w", k, err)
	}
	e := OutboxEntry{
		Seq: binary.BigEndian.Uint64(k), Kind: rec.Kind, ID: rec.ID, Rev: rec.Rev, BaseRev: rec.BaseRev,
		CreatedAt: rec.CreatedAt, Attempts: rec.Attempts, LastError: rec.LastError,
		LastAttempt: rec.LastAttempt, Quarantined: quarantined, Conflict: rec.Conflict, Reasons: rec.Reasons,
	}
	body, err := tx.getOpen(revisionsBucketOf(rec.Kind), seqKey(rec.ID, rec.RevSeq))
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("outbox entry %d: %w", e.Seq, err)
	}
	if body == nil {
		return OutboxEntry{}, fmt.Errorf("outbox entry %d: %s %s revision %s: %w", e.Seq, rec.Kind, rec.ID, rec.Rev, ErrCorrupt)
	}
	e.Body = bytes.Clone(body)
	return e, nil
}

// Precedes reports whether earlier is a revision of the record (kind, id)
// stored before its revision later: a state of the record that later was
// edited from, directly or through the revisions between. A push that
// conflicts with such a revision conflicts only with this store's own past
// (the answer to its push was lost, then the record was edited again), so
// the entry can be pushed again on it. Unknown revisions give false.
func (s *Store) Precedes(ctx context.Context, kind, id, earlier, later string) (bool, error) {
	if earlier == "" || earlier == later {
		return false, nil
	}
	found := false
	err := s.View(ctx, func(tx *Tx) error {
		seen := false
		return tx.eachRevision(revisionsBucketOf(kind), id, func(_ uint64, v []byte) error {
			rev, err := rowRev(v)
			if err != nil {
				return fmt.Errorf("%s %s revision: %w", kind, id, err)
			}
			switch rev {
			case earlier:
				seen = true
			case later:
				found = seen
			}
			return nil
		})
	})
	if err != nil {
		return false, fmt.Errorf("order of revisions: %w", err)
	}
	return found, nil
}

// Outbox returns up to limit pending entries (not quarantined), one per
// record, in the order the records first changed; limit <= 0 means all.
func (s *Store) Outbox(ctx context.Context, limit int) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.outboxList(outboxBucket, false, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// QuarantinedOutbox returns the entries the platform refused or answered
// with a conflict, one per record, in order.
func (s *Store) QuarantinedOutbox(ctx context.Context) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.outboxList(outboxQuarantineBucket, true, 0)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read quarantined outbox: %w", err)
	}
	return out, nil
}

func (tx *Tx) outboxList(bucket []byte, quarantined bool, limit int) ([]OutboxEntry, error) {
	var out []OutboxEntry
	c := tx.bucket(bucket).Cursor()
	for k, v := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
		e, err := tx.outboxEntry(bucket, k, v, quarantined)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// OutboxStats counts pending and quarantined records.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	// The count is memory's: counting the entries would read every page
	// of the outbox (all 200,000 of a new import) each time the strip
	// looks.
	s.mem.mu.RLock()
	pending, loaded := s.mem.outbox, s.mem.loadedAll
	s.mem.mu.RUnlock()
	st.Pending = pending
	err := s.View(ctx, func(tx *Tx) error {
		if !loaded { // Options.Lazy
			st.Pending = tx.bucket(outboxBucket).Stats().KeyN
		}
		if k, v := tx.bucket(outboxBucket).Cursor().First(); v != nil {
			var rec outboxRecord
			p, err := tx.s.crypt.open(outboxBucket, k, v)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(p, &rec); err != nil {
				return err
			}
			st.Oldest = rec.CreatedAt
		}
		return tx.bucket(outboxQuarantineBucket).ForEach(func(k, v []byte) error {
			st.Quarantined++
			p, err := tx.s.crypt.open(outboxQuarantineBucket, k, v)
			if err != nil {
				return err
			}
			var rec outboxRecord
			if err := json.Unmarshal(p, &rec); err != nil {
				return err
			}
			if rec.Conflict {
				st.Conflicts++
			}
			return nil
		})
	})
	if err != nil {
		return OutboxStats{}, fmt.Errorf("outbox stats: %w", err)
	}
	return st, nil
}

// Outcome is what the platform made of a pushed entry.
type Outcome int

// Outcomes of SettleOutbox.
const (
	// Acknowledged: the platform has the revision (accepted, or a
	// duplicate of what it had).
	Acknowledged Outcome = iota + 1
	// Refused: the platform refused the revision as invalid, with reasons.
	Refused
	// Conflicted: the platform holds a revision the pushed one was not
	// based on; the caller keeps both sides.
	Conflicted
)

// Settlement is the platform's answer about one pushed entry.
type Settlement struct {
	Seq     uint64  // the entry
	Rev     string  // the revision that was pushed
	Outcome Outcome //
	Reasons []Reason
}

// SettleOutbox records the platform's answers, all in one transaction. The
// record may have been saved again since the push (its entry now carries a
// newer revision): then an acknowledged revision becomes the entry's base
// and the entry stays queued; a refused one is forgotten, for the newer
// revision will be judged instead; a conflict sets the entry aside all the
// same (the newer revision has the same base). An acknowledgement also
// drops the record's quarantined entry: the refusal is superseded. Entries
// already settled are skipped, so settling can be repeated.
func (s *Store) SettleOutbox(ctx context.Context, settled []Settlement) error {
	err := s.update(ctx, "", func(tx *Tx) error {
		for _, st := range settled {
			if err := tx.settleOutbox(st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("settle outbox: %w", err)
	}
	return nil
}

func (tx *Tx) settleOutbox(st Settlement) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	rec, err := tx.readOutbox(outboxBucket, st.Seq)
	if err != nil || rec == nil {
		return err
	}
	slots := tx.outboxSlots(rec.Kind, rec.ID)
	current := rec.Rev == st.Rev
	switch st.Outcome {
	case Acknowledged:
		if slots.quarantined != 0 && slots.quarantined != st.Seq {
			if err := tx.del(outboxQuarantineBucket, u64Key(slots.quarantined)); err != nil {
				return err
			}
			slots.quarantined = 0
		}
		if current {
			if err := tx.del(outboxBucket, u64Key(st.Seq)); err != nil {
				return err
			}
			slots.pending = 0
		} else {
			rec.BaseRev, rec.Attempts, rec.LastError = st.Rev, 0, ""
			if err := tx.writeOutbox(outboxBucket, st.Seq, rec); err != nil {
				return err
			}
		}
	case Refused, Conflicted:
		if !current && st.Outcome == Refused {
			return nil
		}
		rec.Reasons, rec.Conflict, rec.LastAttempt = slices.Clone(st.Reasons), st.Outcome == Conflicted, tx.s.clock()
		if err := tx.quarantine(st.Seq, rec, &slots); err != nil {
			return err
		}
	default:
		return fmt.Errorf("outcome %d: %w", st.Outcome, ErrInvalid)
	}
	return tx.setOutboxSlots(rec.Kind, rec.ID, slots)
}

// quarantine moves the pending entry seq, rec, into the quarantine, where
// it replaces the record's older quarantined entry.
func (tx *Tx) quarantine(seq uint64, rec *outboxRecord, slots *outboxSlots) error {
	if slots.quarantined != 0 && slots.quarantined != seq {
		if err := tx.del(outboxQuarantineBucket, u64Key(slots.quarantined)); err != nil {
			return err
		}
	}
	if err := tx.del(outboxBucket, u64Key(seq)); err != nil {
		return err
	}
	if err := tx.writeOutbox(outboxQuarantineBucket, seq, rec); err != nil {
		return err
	}
	if slots.pending == seq {
		slots.pending = 0
	}
	slots.quarantined = seq
	return nil
}

// AckOutbox removes entries, pending or quarantined: the platform has them,
// or the user dismissed a refusal. Unknown seqs are ignored, so an ack can
// be repeated safely.
func (s *Store) AckOutbox(ctx context.Context, seqs ...uint64) error {
	err := s.update(ctx, "", func(tx *Tx) error {
		for _, seq := range seqs {
			for _, b := range [][]byte{outboxBucket, outboxQuarantineBucket} {
				rec, err := tx.readOutbox(b, seq)
				if err != nil {
					return err
				}
				if rec == nil {
					continue
				}
				if err := tx.del(b, u64Key(seq)); err != nil {
					return err
				}
				slots := tx.outboxSlots(rec.Kind, rec.ID)
				if slots.pending == seq {
					slots.pending = 0
				}
				if slots.quarantined == seq {
					slots.quarantined = 0
				}
				if err := tx.setOutboxSlots(rec.Kind, rec.ID, slots); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ack outbox %v: %w", seqs, err)
	}
	return nil
}

// FailOutbox records a failed attempt to push an entry: Attempts goes up by
// one and LastError is set. The entry stays in the queue.
func (s *Store) FailOutbox(ctx context.Context, seq uint64, errText string) error {
	err := s.update(ctx, "", func(tx *Tx) error {
		rec, err := tx.pendingOutbox(seq)
		if err != nil {
			return err
		}
		rec.Attempts++
		rec.LastError = errText
		rec.LastAttempt = tx.s.clock()
		return tx.writeOutbox(outboxBucket, seq, rec)
	})
	if err != nil {
		return fmt.Errorf("fail outbox %d: %w", seq, err)
	}
	return nil
}

// QuarantineOutbox sets a pending entry aside as refused, with the reasons
// (the platform's, or why it could not be sent). It no longer blocks the
// queue and replaces the record's older quarantined entry; a later save of
// the record queues it again.
func (s *Store) QuarantineOutbox(ctx context.Context, seq uint64, reasons []Reason) error {
	err := s.update(ctx, "", func(tx *Tx) error {
		rec, err := tx.pendingOutbox(seq)
		if err != nil {
			return err
		}
		rec.Reasons, rec.Conflict, rec.LastAttempt = slices.Clone(reasons), false, tx.s.clock()
		slots := tx.outboxSlots(rec.Kind, rec.ID)
		if err := tx.quarantine(seq, rec, &slots); err != nil {
			return err
		}
		return tx.setOutboxSlots(rec.Kind, rec.ID, slots)
	})
	if err != nil {
		return fmt.Errorf("quarantine outbox %d: %w", seq, err)
	}
	return nil
}

func (tx *Tx) pendingOutbox(seq uint64) (*outboxRecord, error) {
	if err := tx.checkWrite(); err != nil {
		return nil, err
	}
	rec, err := tx.readOutbox(outboxBucket, seq)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, fmt.Errorf("pending entry %d: %w", seq, ErrNotFound)
	}
	return rec, nil
}

// RequeueOutbox moves quarantined entries back into the queue (after the
// user has dealt with the reasons), keeping their place in the order. An
// entry whose record has been queued again since is dropped instead: the
// queued revision supersedes it. Unknown seqs are ignored.
func (s *Store) RequeueOutbox(ctx context.Context, seqs ...uint64) error {
	err := s.update(ctx, "", func(tx *Tx) error {
		for _, seq := range seqs {
			rec, err := tx.readOutbox(outboxQuarantineBucket, seq)
			if err != nil {
				return err
			}
			if rec == nil {
				continue
			}
			if err := tx.del(outboxQuarantineBucket, u64Key(seq)); err != nil {
				return err
			}
			slots := tx.outboxSlots(rec.Kind, rec.ID)
			if slots.quarantined == seq {
				slots.quarantined = 0
			}
			if slots.pending == 0 {
				rec.Reasons, rec.Conflict = nil, false
				if err := tx.writeOutbox(outboxBucket, seq, rec); err != nil {
					return err
				}
				slots.pending = seq
			}
			if err := tx.setOutboxSlots(rec.Kind, rec.ID, slots); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("requeue outbox %v: %w", seqs, err)
	}
	return nil
}

// RecordOutbox returns a record's pending and quarantined entries, nil for
// none.
func (s *Store) RecordOutbox(ctx context.Context, kind, id string) (pending, quarantined *OutboxEntry, err error) {
	err = s.View(ctx, func(tx *Tx) error {
		slots := tx.outboxSlots(kind, id)
		for _, x := range []struct {
			bucket []byte
			seq    uint64
			out    **OutboxEntry
		}{{outboxBucket, slots.pending, &pending}, {outboxQuarantineBucket, slots.quarantined, &quarantined}} {
			if x.seq == 0 {
				continue
			}
			k := u64Key(x.seq)
			v := tx.get(x.bucket, k)
			if v == nil {
				continue
			}
			e, err := tx.outboxEntry(x.bucket, k, v, bytes.Equal(x.bucket, outboxQuarantineBucket))
			if err != nil {
				return err
			}
			*x.out = &e
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("outbox of %s %s: %w", kind, id, err)
	}
	return pending, quarantined, nil
}
