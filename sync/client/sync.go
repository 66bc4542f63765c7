package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Meta keys the client keeps in the store (in the same transactions as the
// changes they describe).
const (
	metaCursor    = "sync.cursor"    // the feed cursor, as the server gave it
	metaStatus    = "sync.status"    // persisted (JSON): last success, last failure's kind, next retry
	metaConflicts = "sync.conflicts" // JSON list of "kind.id" with a kept server revision
	prefConflict  = "sync.conflict." // + kind "." id => conflictRecord (JSON)
	prefPublic    = "sync.public."   // + need id => protocol.PublicNeed (JSON): other teams' published needs
	prefRegistry  = "sync.registry." // + credit code (or id) => protocol.RegistryEntry (JSON)
	// prefRegistryID + enterprise id => the prefRegistry key its entry is kept under
	prefRegistryID = "sync.registry-id."
)

// Report says what one Sync did.
type Report struct {
	Pushed     int // records sent, each in its latest revision (counting each once, however often retried)
	Accepted   int
	Duplicates int // the server already had them (an earlier answer was lost)
	Conflicts  int // kept beside the server's revision; see Conflicts
	// Rebased counts the records the server held in an earlier revision of
	// this store's own (the answer to a push was lost, then the record was
	// edited): each was pushed again on that revision, and counts once in
	// Pushed.
	Rebased  int
	Invalid  int // quarantined with the server's reasons
	Pulled   int // changes received
	Applied  int // changes that changed the store
	Requests int // platform calls made (not counting an adapter's own retries)
	Duration time.Duration
	// Followed counts the needs that moved after the solutions pulled (a
	// local edit each, pushed by the next sync).
	Followed int
}

func (r Report) String() string {
	return fmt.Sprintf("pushed %d (accepted %d, duplicate %d, rebased %d, conflict %d, invalid %d), pulled %d (applied %d), %d requests in %v",
		r.Pushed, r.Accepted, r.Duplicates, r.Rebased, r.Conflicts, r.Invalid, r.Pulled, r.Applied, r.Requests, r.Duration.Round(time.Millisecond))
}

// Sync pushes the outbox, then pulls the change feed. It returns what it did
// and the first error that stopped it; what was done before the error stays
// done (acknowledged entries, applied pages). Syncs run one at a time. The
// outcome is recorded for Status: the last success, or the failure's kind
// and facts and the time of the next retry.
func (c *Client) Sync(ctx context.Context) (Report, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy.Store(true)
	defer c.busy.Store(false)
	start := c.cfg.Now()
	var rep Report
	// The revisions this sync pushed come back in the feed as echoes; they
	// are skipped without a look into the store.
	pushed := map[string]struct{}{}
	err := c.push(ctx, &rep, pushed)
	if err == nil {
		err = c.pull(ctx, &rep, start, pushed)
	}
	rep.Duration = c.cfg.Now().Sub(start)
	if err != nil {
		c.recordFailure(ctx, start, err)
		c.log.Warn("sync failed", "server", c.Server(), "kind", kindOf(err).String(), "report", rep.String(), "err", err)
		return rep, err
	}
	c.log.Info("sync done", "server", c.Server(), "report", rep.String())
	return rep, nil
}

func localErr(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Op: "store", Kind: KindCanceled, Err: err}
	}
	return &Error{Op: "store", Kind: KindLocal, Err: err}
}

// push sends the outbox in batches until it is empty.
func (c *Client) push(ctx context.Context, rep *Report, pushed map[string]struct{}) error {
	batch := c.cfg.BatchSize
	rebased := map[uint64]struct{}{}
	for round := 0; round < 1_000_000; round++ {
		entries, err := c.st.Outbox(ctx, batch)
		if err != nil {
			return localErr(err)
		}
		if len(entries) == 0 {
			return nil
		}
		var recs []protocol.Record
		var sent []store.OutboxEntry
		size := 0
		for _, e := range entries {
			rec := protocol.Record{Kind: e.Kind, ID: e.ID, Rev: e.Rev, BaseRev: e.BaseRev, Body: e.Body}
			if len(e.Body) > protocol.MaxRecordBytes {
				if err := c.st.QuarantineOutbox(ctx, e.Seq, []store.Reason{{Code: ReasonTooBig}}); err != nil {
					return localErr(err)
				}
				rep.Invalid++
				continue
			}
			if err := rec.Validate(); err != nil {
				if err := c.st.QuarantineOutbox(ctx, e.Seq, []store.Reason{{Code: ReasonUnreadable, Detail: err.Error()}}); err != nil {
					return localErr(err)
				}
				rep.Invalid++
				continue
			}
			if len(sent) > 0 && size+len(e.Body)+256 > MaxPushBytes {
				break
			}
			size += len(e.Body) + 256
			recs = append(recs, rec)
			sent = append(sent, e)
		}
		if len(sent) == 0 {
			continue
		}
		rep.Requests++
		results, err := c.p.Push(ctx, recs)
		if err == nil {
			err = matchResults(recs, results)
		}
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e.Kind == KindTooLarge {
				if len(sent) > 1 {
					batch = max(1, len(sent)/2)
					continue
				}
				if err := c.st.QuarantineOutbox(ctx, sent[0].Seq, []store.Reason{{Code: ReasonRefusedTooBig}}); err != nil {
					return localErr(err)
				}
				rep.Invalid++
				continue
			}
			return err
		}
		rep.Pushed += len(sent)
		if err := c.settle(ctx, sent, results, rep, pushed, rebased); err != nil {
			return err
		}
	}
	return nil
}

// settle acts on the server's verdicts, in one store transaction. Every
// outcome takes the entry out of the pending queue — unless the record was
// saved again meanwhile, when the entry stays with its newer revision on
// the base the server now has — so the loop in push always makes progress.
//
// rebased holds the entries this sync pushed again on an earlier revision
// of their own (see the Conflict case); each is pushed again once a sync,
// so that a server answering so every time makes no endless loop.
func (c *Client) settle(ctx context.Context, sent []store.OutboxEntry, results []protocol.Result, rep *Report, pushed map[string]struct{}, rebased map[uint64]struct{}) error {
	settled := make([]store.Settlement, 0, len(results))
	for i, res := range results {
		e := sent[i]
		st := store.Settlement{Seq: e.Seq, Rev: e.Rev}
		switch res.Outcome {
		case protocol.Accepted:
			rep.Accepted++
			st.Outcome = store.Acknowledged
			pushed[e.Rev] = struct{}{}
		case protocol.Duplicate:
			rep.Duplicates++
			st.Outcome = store.Acknowledged
			pushed[e.Rev] = struct{}{}
		case protocol.Invalid:
			rep.Invalid++
			st.Outcome = store.Refused
			for _, r := range res.Reasons {
				st.Reasons = append(st.Reasons, store.Reason{Field: r.Field, Item: r.Item, Code: r.Code, Message: r.Message})
			}
			c.log.Info("sync: record refused", "kind", e.Kind, "id", e.ID, "rev", e.Rev, "reasons", len(st.Reasons))
		case protocol.Conflict:
			// The server may hold an earlier revision of this store's own:
			// the answer to its push was lost, then the record was edited
			// again. Not a conflict: the entry goes again on it, once.
			if _, again := rebased[e.Seq]; !again {
				own, err := c.st.Precedes(ctx, e.Kind, e.ID, res.Current.Rev, e.Rev)
				if err != nil {
					return localErr(err)
				}
				if own {
					rebased[e.Seq] = struct{}{}
					rep.Rebased++
					rep.Pushed--
					st.Rev, st.Outcome = res.Current.Rev, store.Acknowledged
					c.log.Info("sync: pushed again on an earlier revision of ours", "kind", e.Kind, "id", e.ID, "rev", e.Rev, "server_rev", res.Current.Rev)
					break
				}
			}
			rep.Conflicts++
			if err := c.keepConflict(ctx, e, res.Current); err != nil {
				return localErr(err)
			}
			st.Outcome = store.Conflicted
			st.Reasons = []store.Reason{{Code: ReasonConflict, Detail: res.Current.Rev}}
			c.log.Info("sync: conflict kept", "kind", e.Kind, "id", e.ID, "rev", e.Rev, "server_rev", res.Current.Rev)
		default:
			continue
		}
		settled = append(settled, st)
	}
	if err := c.st.SettleOutbox(ctx, settled); err != nil {
		return localErr(err)
	}
	return nil
}

// matchResults checks that a platform answered a push as Platform.Push
// promises: one known outcome per record, in order, naming the same kind,
// id and revision, a conflict with the current revision of the same
// record. Anything else is not an answer, whatever the adapter.
func matchResults(recs []protocol.Record, results []protocol.Result) error {
	bad := func(format string, args ...any) error {
		return &Error{Op: "push", Kind: KindNotProtocol, Err: fmt.Errorf(format, args...)}
	}
	if len(results) != len(recs) {
		return bad("%d results for %d records", len(results), len(recs))
	}
	for i, r := range results {
		q := &recs[i]
		if r.Kind != q.Kind || r.ID != q.ID || r.Rev != q.Rev {
			return bad("result %d names %s %s@%s, pushed %s %s@%s", i, r.Kind, r.ID, r.Rev, q.Kind, q.ID, q.Rev)
		}
		switch r.Outcome {
		case protocol.Accepted, protocol.Duplicate, protocol.Invalid:
		case protocol.Conflict:
			if r.Current == nil || r.Current.Kind != q.Kind || r.Current.ID != q.ID {
				return bad("result %d: a conflict without the record's current revision", i)
			}
		default:
			return bad("result %d: outcome %q", i, r.Outcome)
		}
	}
	return nil
}

func shortRev(r string) string {
	if len(r) > 8 {
		return r[:8]
	}
	return r
}

// pull reads the feed from the stored cursor to its end, applying each page
// and saving the cursor in one transaction. The last page's transaction also
// records the successful sync.
func (c *Client) pull(ctx context.Context, rep *Report, start time.Time, pushed map[string]struct{}) error {
	var cursor string
	if err := c.st.View(ctx, func(tx *store.Tx) error {
		cursor = feedCursor(tx)
		return nil
	}); err != nil {
		return localErr(err)
	}
	for page := 0; page < 1_000_000; page++ {
		rep.Requests++
		resp, err := c.p.Pull(ctx, cursor, c.cfg.PullLimit, askKinds)
		if err != nil {
			return err
		}
		if resp.Cursor == "" {
			return &Error{Op: "pull", Kind: KindNotProtocol, Err: errors.New("a feed page without a cursor")}
		}
		rep.Pulled += len(resp.Changes)
		err = c.st.Update(ctx, func(tx *store.Tx) error {
			if resp.Reset {
				if err := forgetOthers(tx); err != nil {
					return err
				}
			}
			for i := range resp.Changes {
				if r := resp.Changes[i].Record; r != nil {
					if _, ok := pushed[r.Rev]; ok {
						continue
					}
				}
				applied, err := c.apply(tx, &resp.Changes[i])
				if err != nil {
					return err
				}
				if applied {
					rep.Applied++
				}
			}
			if resp.Cursor != cursor {
				if err := tx.SetMeta(metaCursor, []byte(resp.Cursor)); err != nil {
					return err
				}
			}
			if err := markFeedKinds(tx); err != nil {
				return err
			}
			if !resp.More {
				moved, err := c.followPulled(tx)
				if err != nil {
					return err
				}
				rep.Followed += moved
			}
			if !resp.More || rep.Applied > 0 {
				return c.saveStatus(tx, func(p *persisted) {
					if rep.Applied > 0 || rep.Followed > 0 {
						p.LastChange = c.cfg.Now()
					}
					if !resp.More {
						p.LastAttempt, p.LastSuccess = start, c.cfg.Now()
						p.Failure, p.NextRetry, p.Failures = nil, time.Time{}, 0
					}
				})
			}
			return nil
		})
		if err != nil {
			return localErr(err)
		}
		cursor = resp.Cursor
		if !resp.More {
			return nil
		}
	}
	return nil
}

// forgetOthers drops what the store keeps of other teams — their published
// needs and the registry — when the feed starts over (another server, or a
// hub put back to an earlier copy): the feed gives again what is still
// shown, and what is not (withdrawn meanwhile) must not stay.
func forgetOthers(tx *store.Tx) error {
	for _, p := range []string{prefPublic, prefRegistry, prefRegistryID} {
		if _, err := tx.DeleteMetaPrefix(p); err != nil {
			return err
		}
	}
	return nil
}

// apply applies one change in tx and reports whether it changed anything.
// A change that cannot apply (a record this store already has in a newer or
// diverging revision) is skipped: the push side surfaces real conflicts.
func (c *Client) apply(tx *store.Tx, ch *protocol.Change) (bool, error) {
	switch {
	case ch.Kind == protocol.ChangeRecord && ch.Record == nil,
		ch.Kind == protocol.ChangeStatus && ch.Status == nil,
		ch.Kind == protocol.ChangePublicNeed && !protocol.ValidID(ch.NeedID):
		return false, nil // a change without its payload (an adapter's bug) changes nothing
	}
	switch ch.Kind {
	case protocol.ChangeRecord:
		switch ch.Record.Kind {
		case protocol.KindNeed:
			return c.applyNeed(tx, ch.Record)
		case protocol.KindEnterprise:
			return c.applyEnterprise(tx, ch.Record)
		case protocol.KindSolution:
			return c.applySolution(tx, ch.Record)
		}
	case protocol.ChangeStatus:
		return c.applyStatus(tx, ch.Status)
	case protocol.ChangePublicNeed:
		if ch.Public == nil {
			return true, tx.SetMeta(prefPublic+ch.NeedID, nil)
		}
		b, err := json.Marshal(ch.Public)
		if err != nil {
			return false, err
		}
		return true, tx.SetMeta(prefPublic+ch.NeedID, b)
	case protocol.ChangeRegistry:
		return c.applyRegistry(tx, ch)
	}
	return false, nil
}

// applyRegistry keeps another team's enterprise by its credit code (and
// notes under which key, by its id), or forgets it when the hub withdraws
// it from the registry.
func (c *Client) applyRegistry(tx *store.Tx, ch *protocol.Change) (bool, error) {
	if ch.Registry == nil {
		k := tx.Meta(prefRegistryID + ch.RegistryID)
		if k == nil {
			return false, nil
		}
		if err := tx.SetMeta(string(k), nil); err != nil {
			return false, err
		}
		return true, tx.SetMeta(prefRegistryID+ch.RegistryID, nil)
	}
	b, err := json.Marshal(ch.Registry)
	if err != nil {
		return false, err
	}
	key := registryKey(ch.Registry.CreditCode, ch.Registry.ID)
	if old := tx.Meta(prefRegistryID + ch.Registry.ID); old != nil && string(old) != key {
		if err := tx.SetMeta(string(old), nil); err != nil {
			return false, err
		}
	}
	if err := tx.SetMeta(prefRegistryID+ch.Registry.ID, []byte(key)); err != nil {
		return false, err
	}
	return true, tx.SetMeta(key, b)
}

func registryKey(code, id string) string {
	if code = forms.NormalizeCreditCode(code); code != "" {
		return prefRegistry + code
	}
	return prefRegistry + id
}

func (c *Client) applyNeed(tx *store.Tx, rec *protocol.Record) (bool, error) {
	local, err := tx.Need(rec.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		local = nil
	case err != nil:
		return false, err
	case local.Rev == rec.Rev:
		return false, nil // this store has it (an echo of its own push)
	case local.Rev != rec.BaseRev:
		return false, c.refreshConflict(tx, rec)
	}
	var n forms.Need
	if err := json.Unmarshal(rec.Body, &n); err != nil || !n.Status.Valid() {
		c.log.Warn("sync: skipped an unreadable need from the feed", "id", rec.ID, "rev", rec.Rev)
		return false, nil
	}
	// A colleague's edit of what this store has (or a need it did not have):
	// fast-forward, keeping the platform's word if this store heard it later.
	if local != nil && local.Platform.UpdatedAt.After(n.Platform.UpdatedAt) {
		n.Platform = local.Platform
	}
	if err := tx.PutNeedRemote(&n); err != nil {
		return false, err
	}
	return true, nil
}

func (c *Client) applyEnterprise(tx *store.Tx, rec *protocol.Record) (bool, error) {
	local, err := tx.Enterprise(rec.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return false, err
	case local.Rev == rec.Rev:
		return false, nil
	case local.Rev != rec.BaseRev:
		return false, c.refreshConflict(tx, rec)
	}
	var e forms.Enterprise
	if err := json.Unmarshal(rec.Body, &e); err != nil {
		c.log.Warn("sync: skipped an unreadable enterprise from the feed", "id", rec.ID, "rev", rec.Rev)
		return false, nil
	}
	if err := tx.PutEnterpriseRemote(&e); err != nil {
		return false, err
	}
	return true, nil
}

// applyStatus records the platform's verdict on a need, and moves the need's
// status where the lifecycle allows. It changes the current revision in
// place (no new revision, nothing to push): it is the platform's word, not
// an edit.
func (c *Client) applyStatus(tx *store.Tx, st *protocol.StatusChange) (bool, error) {
	n, err := tx.Need(st.NeedID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if n.Platform.UpdatedAt.After(st.At) {
		return false, nil
	}
	prev := n.Platform
	n.Platform = forms.Platform{State: st.State.Label("zh"), URL: st.URL, Comment: st.Comment, UpdatedAt: st.At}
	switch {
	case st.PublicRegion != nil:
		// Kept as a region code no finer than a county, or none: whatever
		// else a hub sends prints no region, and does not swell the need.
		n.Platform.RegionShown, n.Platform.Region = true, forms.CoarsenRegion(*st.PublicRegion, forms.RegionCounty)
	case prev.RegionShown:
		// Once shown 匿名公开 with a region, printed no finer after its
		// page is gone too: whoever saw the page holds that much.
		n.Platform.RegionShown, n.Platform.Region = true, prev.Region
	}
	if n.Platform == prev {
		return false, nil
	}
	// A verdict heard again (a hub telling the region it shows, or a feed
	// started over) does not move a status the need has left since.
	again := prev.UpdatedAt.Equal(st.At) && prev.State == n.Platform.State && prev.URL == n.Platform.URL
	if to := st.State.LocalStatus(); !again && forms.CanTransition(n.Status, to) {
		n.Status = to
	}
	if err := tx.PutNeedRemote(n); err != nil {
		return false, err
	}
	return true, nil
}
