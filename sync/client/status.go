package client

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/xunbang/xunbang/store"
)

// persisted is what the store keeps of the sync's state (meta "sync.status").
type persisted struct {
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`    // plain Chinese
	LastErrorEN string    `json:"last_error_en,omitempty"` // the same in English
	// LastErrorKind is the ErrorKind of the last error (0 for none, or for
	// a status written before it was kept).
	LastErrorKind ErrorKind `json:"last_error_kind,omitempty"`
	// LastChange is when a sync last changed a record here (a colleague's
	// revision, a verdict): open screens reload what they show.
	LastChange time.Time `json:"last_change,omitzero"`
	NextRetry  time.Time `json:"next_retry,omitzero"`
	Failures   int       `json:"failures,omitempty"` // in a row
}

// Status is what the window shows about the queue, at all times.
type Status struct {
	Server      string
	Pending     int       // records waiting to be pushed
	Quarantined int       // records refused as invalid or kept as a conflict, waiting for the user
	Refused     int       // of Quarantined, those refused as invalid (see Refusals)
	Conflicts   int       // records with a server revision kept beside the local one
	Oldest      time.Time // when the oldest pending change was saved
	LastSuccess time.Time // zero: never
	LastAttempt time.Time
	LastError   string // plain Chinese; "" after a success
	LastErrorEN string
	NextRetry   time.Time // zero: no retry scheduled (the last sync succeeded)
	Running     bool
	// Problem is why nothing is syncing now; ProblemNone while it is.
	Problem Problem
	// LastChange is when a sync last changed a record here.
	LastChange time.Time
}

// Status returns the queue's state for the window. It reads the store only
// (no network) and is cheap enough to call every second.
func (c *Client) Status(ctx context.Context) (Status, error) {
	s, err := ReadStatus(ctx, c.st)
	s.Server = c.Server()
	s.Running = c.busy.Load()
	return s, err
}

// ReadStatus is Status for a store without a client (no server configured
// yet, or no token): the queue and what the last sync left.
func ReadStatus(ctx context.Context, st *store.Store) (Status, error) {
	var s Status
	os, err := st.OutboxStats(ctx)
	if err != nil {
		return s, err
	}
	s.Pending, s.Quarantined, s.Refused, s.Oldest = os.Pending, os.Quarantined, os.Quarantined-os.Conflicts, os.Oldest
	err = st.View(ctx, func(tx *store.Tx) error {
		var p persisted
		if b := tx.Meta(metaStatus); b != nil {
			if err := json.Unmarshal(b, &p); err != nil {
				return err
			}
		}
		s.LastSuccess, s.LastAttempt, s.LastError, s.LastErrorEN, s.NextRetry, s.LastChange =
			p.LastSuccess, p.LastAttempt, p.LastError, p.LastErrorEN, p.NextRetry, p.LastChange
		if p.LastError != "" {
			s.Problem = problemOf(p.LastErrorKind)
			if s.Problem == ProblemNone {
				s.Problem = ProblemServer // a status kept before kinds were
			}
		}
		s.Conflicts = len(conflictIndex(tx))
		return nil
	})
	return s, err
}

func (c *Client) saveStatus(tx *store.Tx, fn func(*persisted)) error {
	var p persisted
	if b := tx.Meta(metaStatus); b != nil {
		_ = json.Unmarshal(b, &p) // a damaged status is replaced
	}
	fn(&p)
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.SetMeta(metaStatus, b)
}

// recordFailure notes a failed sync and when to try again. A cancelled sync
// (the window closed) is not a failure.
func (c *Client) recordFailure(ctx context.Context, start time.Time, err error) {
	var e *Error
	if errors.As(err, &e) && e.Kind == KindCanceled || ctx.Err() != nil {
		return
	}
	now := c.cfg.Now()
	werr := c.st.Update(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		return c.saveStatus(tx, func(p *persisted) {
			p.LastAttempt = start
			p.LastError, p.LastErrorEN = Message(err, "zh"), Message(err, "en")
			p.LastErrorKind = 0
			if e := (*Error)(nil); errors.As(err, &e) {
				p.LastErrorKind = e.Kind
			}
			p.Failures++
			p.NextRetry = now.Add(retryDelay(p.Failures, err))
		})
	})
	if werr != nil {
		c.log.Warn("sync: recording the failure failed", "err", werr)
	}
}

// retryDelay is the wait before the next automatic sync after failures in a
// row: 15s doubling to 30 minutes, ±20% jitter, never less than the
// server's Retry-After. A failure no retry can fix (a refused token, another
// protocol version) waits the longest.
func retryDelay(failures int, err error) time.Duration {
	const base, ceiling = 15 * time.Second, 30 * time.Minute
	d := ceiling
	if transient(err) && failures < 20 {
		d = min(base<<(failures-1), ceiling)
	}
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > d {
		d = e.RetryAfter
	}
	return d
}

// SyncNow asks a running Run loop to sync at once (the 立即同步 button). It
// never blocks; the window may as well call Sync itself.
func (c *Client) SyncNow() {
	select {
	case c.trigger <- struct{}{}:
	default:
	}
}

// Run syncs in the background while the window is open: now, then every
// interval after a success, or at the next retry time after a failure (with
// backoff), or at once on SyncNow. It returns when ctx ends.
func (c *Client) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = 5 * time.Minute
	}
	for {
		wait := interval
		if _, err := c.Sync(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if s, serr := c.Status(ctx); serr == nil && !s.NextRetry.IsZero() {
				wait = max(s.NextRetry.Sub(c.cfg.Now()), time.Second)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		case <-c.trigger:
			t.Stop()
		}
	}
}
