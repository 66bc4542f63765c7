package client

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/xunbang/xunbang/store"
)

// persisted is what the store keeps of the sync's state (meta
// "sync.status"): times, and the last failure's kind and facts — never a
// sentence (Message words it when it is shown).
type persisted struct {
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	// Failure is the last sync's failure; nil after a success.
	Failure *failure `json:"failure,omitempty"`
	// LastChange is when a sync last changed a record here (a colleague's
	// revision, a verdict): open screens reload what they show.
	LastChange time.Time `json:"last_change,omitzero"`
	NextRetry  time.Time `json:"next_retry,omitzero"`
	Failures   int       `json:"failures,omitempty"` // in a row
}

// failure is what is kept of a failed sync: its kind (by name) and its
// facts.
type failure struct {
	Kind       ErrorKind `json:"kind"`
	Op         string    `json:"op,omitempty"`          // push, pull, whoami, store…
	HTTPStatus int       `json:"http_status,omitempty"` // the platform's answer, if there was one
	Code       string    `json:"code,omitempty"`        // the platform's error code, if it sent one
	// Detail is the local store's error (KindLocal), or the sentence an
	// earlier version kept without a kind (KindUnknown); "" otherwise.
	Detail string `json:"detail,omitempty"`
}

// failureOf is what is kept of err.
func failureOf(err error) *failure {
	e := &Error{Kind: KindUnknown, Err: err}
	errors.As(err, &e)
	f := &failure{Kind: e.Kind, Op: e.Op, HTTPStatus: e.Status, Code: e.Code}
	if f.Kind == KindLocal || f.Kind == KindUnknown {
		f.Detail = detail(e)
	}
	return f
}

// err rebuilds the failure as the *Error Message and ProblemOf read.
func (f *failure) err() error {
	e := &Error{Op: f.Op, Kind: f.Kind, Status: f.HTTPStatus, Code: f.Code}
	if f.Detail != "" {
		e.Err = errors.New(f.Detail)
	}
	if e.Kind == 0 {
		e.Kind = KindUnknown
	}
	return e
}

// UnmarshalJSON reads a status, also one an earlier version wrote: that
// kept the failure as sentences (last_error, last_error_en) and, later, the
// kind's number (last_error_kind). Its kind is kept; a failure without one
// becomes KindUnknown with its Chinese sentence as the detail.
func (p *persisted) UnmarshalJSON(b []byte) error {
	type current persisted
	var v struct {
		current
		LegacyError string    `json:"last_error"`
		LegacyKind  ErrorKind `json:"last_error_kind"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = persisted(v.current)
	if p.Failure == nil && (v.LegacyError != "" || v.LegacyKind != 0) {
		p.Failure = &failure{Kind: v.LegacyKind}
		if _, known := kindNames[v.LegacyKind]; !known || v.LegacyKind == KindUnknown {
			p.Failure.Kind, p.Failure.Detail = KindUnknown, v.LegacyError
		}
	}
	return nil
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
	// Err is why the last sync failed — its kind and facts as the store
	// keeps them, an *Error — or, from Link.Status, why no sync can run
	// (ErrNoAddress, ErrNoToken…); nil after a success. Message(Err, lang),
	// or Status.Message, words it.
	Err       error
	NextRetry time.Time // zero: no retry scheduled (the last sync succeeded)
	Running   bool
	// Problem is why nothing is syncing now; ProblemNone while it is.
	Problem Problem
	// LastChange is when a sync last changed a record here.
	LastChange time.Time
}

// Message words why the last sync failed, in Chinese ("zh") or English
// ("en"); "" when it did not.
func (s Status) Message(lang string) string { return Message(s.Err, lang) }

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
func ReadStatus(ctx context.Context, st Store) (Status, error) {
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
		s.LastSuccess, s.LastAttempt, s.NextRetry, s.LastChange = p.LastSuccess, p.LastAttempt, p.NextRetry, p.LastChange
		if p.Failure != nil {
			s.Err = p.Failure.err()
			s.Problem = ProblemOf(s.Err)
		}
		s.Conflicts = len(conflictIndex(tx))
		return nil
	})
	return s, err
}

// saveStatus changes the kept status in tx.
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
			p.Failure = failureOf(err)
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
