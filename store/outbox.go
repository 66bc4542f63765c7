package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Outbox entry kinds.
const (
	KindEnterprise = "enterprise"
	KindNeed       = "need"
)

// OutboxEntry is one saved revision that still has to reach the platform.
// Entries are written in the same transaction as the revision they carry,
// so a crash can lose neither.
type OutboxEntry struct {
	Seq     uint64 // position in the queue; the key for Ack/Fail/Quarantine
	Kind    string // KindEnterprise, KindNeed or KindSolution
	ID      string // the record's id
	Rev     string // the revision to push; the platform's idempotency key
	BaseRev string // the revision it was edited from ("" for a new record)
	Body    []byte // the record's JSON at that revision
	// CreatedAt is when the entry was written (when the record was saved).
	CreatedAt   time.Time
	Attempts    int
	LastError   string
	LastAttempt time.Time
	Quarantined bool
	Reasons     []string
}

// OutboxStats counts the outbox.
type OutboxStats struct {
	Pending     int       // waiting to be pushed, not quarantined
	Quarantined int       // rejected by the platform as invalid
	Oldest      time.Time // when the oldest pending entry was written; zero when none
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
	Reasons     []string  `json:"reasons,omitempty"`
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

func (tx *Tx) appendOutbox(kind, id, rev, baseRev string, revSeq uint64) error {
	seq, err := tx.bucket(outboxBucket).NextSequence()
	if err != nil {
		return err
	}
	rec := outboxRecord{Kind: kind, ID: id, Rev: rev, BaseRev: baseRev, RevSeq: revSeq, CreatedAt: tx.s.clock()}
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.putSealedAppend(outboxBucket, u64Key(seq), v)
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
		LastAttempt: rec.LastAttempt, Quarantined: quarantined, Reasons: rec.Reasons,
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

// Outbox returns up to limit pending entries (not quarantined) in the order
// they were written; limit <= 0 means all.
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

// QuarantinedOutbox returns the entries the platform rejected, in order.
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

// OutboxStats counts pending and quarantined entries.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	err := s.View(ctx, func(tx *Tx) error {
		st.Pending = tx.bucket(outboxBucket).Stats().KeyN
		st.Quarantined = tx.bucket(outboxQuarantineBucket).Stats().KeyN
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
		return nil
	})
	if err != nil {
		return OutboxStats{}, fmt.Errorf("outbox stats: %w", err)
	}
	return st, nil
}

// AckOutbox removes entries the platform has accepted (or already had).
// Unknown seqs are ignored, so an ack can be repeated safely.
func (s *Store) AckOutbox(ctx context.Context, seqs ...uint64) error {
	err := s.update(ctx, "", func(tx *Tx) error {
		for _, seq := range seqs {
			for _, b := range [][]byte{outboxBucket, outboxQuarantineBucket} {
				if err := tx.bucket(b).Delete(u64Key(seq)); err != nil {
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
		return tx.changeOutbox(seq, func(rec *outboxRecord) []byte {
			rec.Attempts++
			rec.LastError = errText
			rec.LastAttempt = tx.s.clock()
			return outboxBucket
		})
	})
	if err != nil {
		return fmt.Errorf("fail outbox %d: %w", seq, err)
	}
	return nil
}

// QuarantineOutbox sets an entry aside because the platform called it
// invalid, with the platform's reasons. It no longer blocks the queue; a
// later save of the record writes a new entry.
func (s *Store) QuarantineOutbox(ctx context.Context, seq uint64, reasons []string) error {
	err := s.update(ctx, "", func(tx *Tx) error {
		return tx.changeOutbox(seq, func(rec *outboxRecord) []byte {
			rec.Reasons = slices.Clone(reasons)
			rec.LastAttempt = tx.s.clock()
			return outboxQuarantineBucket
		})
	})
	if err != nil {
		return fmt.Errorf("quarantine outbox %d: %w", seq, err)
	}
	return nil
}

// RequeueOutbox moves quarantined entries back into the queue (after the
// user has dealt with the reasons), keeping their place in the order.
// Unknown seqs are ignored.
func (s *Store) RequeueOutbox(ctx context.Context, seqs ...uint64) error {
	err := s.update(ctx, "", func(tx *Tx) error {
		q := tx.bucket(outboxQuarantineBucket)
		for _, seq := range seqs {
			v, err := tx.getOpen(outboxQuarantineBucket, u64Key(seq))
			if err != nil {
				return err
			}
			if v == nil {
				continue
			}
			var rec outboxRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			rec.Reasons = nil
			nv, err := json.Marshal(rec)
			if err != nil {
				return err
			}
			if err := q.Delete(u64Key(seq)); err != nil {
				return err
			}
			if err := tx.putSealed(outboxBucket, u64Key(seq), nv); err != nil {
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

// changeOutbox applies fn to a pending entry and stores it in the bucket fn
// returns.
func (tx *Tx) changeOutbox(seq uint64, fn func(*outboxRecord) []byte) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	pending := tx.bucket(outboxBucket)
	k := u64Key(seq)
	v, err := tx.getOpen(outboxBucket, k)
	if err != nil {
		return err
	}
	if v == nil {
		return fmt.Errorf("pending entry %d: %w", seq, ErrNotFound)
	}
	var rec outboxRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return err
	}
	dst := fn(&rec)
	nv, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if !bytes.Equal(dst, outboxBucket) {
		if err := pending.Delete(k); err != nil {
			return err
		}
	}
	return tx.putSealed(dst, k, nv)
}
