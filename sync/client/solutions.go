package client

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Solutions (揭榜) in the sync. The client asks the feed for solutions
// (Platform.Pull's kinds; the reference protocol's protocol.ParamKinds): the solutions providers send on the hub's public
// page for the team's needs, and colleagues' changes to them, arrive as
// records of kind solution and are stored like needs (fast-forward, or kept
// aside in a conflict); the team's own changes — a status, a paper 方案表
// typed in — go out through the outbox like any record.

// feedKinds are the optional record kinds this client asks the feed for,
// as the store keeps them beside the cursor (comma-separated).
const feedKinds = protocol.KindSolution

// askKinds are feedKinds as Platform.Pull takes them.
var askKinds = strings.Split(feedKinds, ",")

// metaFeedKinds is the meta key of the kinds the stored cursor was read
// with. A cursor read without solutions (by a client of before 揭榜) has
// gone past solutions it never received: the feed is read again from the
// start, once (applying it again is idempotent).
const metaFeedKinds = "sync.feed-kinds"

// feedCursor returns the stored cursor, or "" when it was read without the
// kinds this client asks for.
func feedCursor(tx *store.Tx) string {
	if string(tx.Meta(metaFeedKinds)) != feedKinds {
		return ""
	}
	return string(tx.Meta(metaCursor))
}

// markFeedKinds records, with a page's cursor, the kinds it was read with.
func markFeedKinds(tx *store.Tx) error {
	if string(tx.Meta(metaFeedKinds)) == feedKinds {
		return nil
	}
	return tx.SetMeta(metaFeedKinds, []byte(feedKinds))
}

// applySolution stores a solution from the feed: new here, or a
// fast-forward of the one stored; otherwise a conflict's server side is
// kept current (the push reports the conflict).
func (c *Client) applySolution(tx *store.Tx, rec *protocol.Record) (bool, error) {
	local, err := tx.Solution(rec.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return false, err
	case local.Rev == rec.Rev:
		return false, nil
	case local.Rev != rec.BaseRev:
		return false, c.refreshConflict(tx, rec)
	}
	var s forms.Solution
	if err := json.Unmarshal(rec.Body, &s); err != nil || !s.Status.Valid() || !s.Source.Valid() {
		c.log.Warn("sync: skipped an unreadable solution from the feed", "id", rec.ID, "rev", rec.Rev)
		return false, nil
	}
	if err := tx.PutSolutionRemote(&s); err != nil {
		return false, err
	}
	return true, markFollow(tx, s.NeedID)
}

// metaFollow is the meta key of the needs whose solutions the feed changed
// and which have not yet followed them (JSON list of need ids). They follow
// once the feed has been read to its end (followPulled), not page by page:
// a colleague's push carries the solution and the need that followed it
// one after the other, and the need, should it come on a later page, is
// then a fast-forward here rather than a conflict with a move of our own.
const metaFollow = "sync.follow"

func followIndex(tx *store.Tx) []string {
	var l []string
	if b := tx.Meta(metaFollow); b != nil {
		_ = json.Unmarshal(b, &l)
	}
	return l
}

func setFollowIndex(tx *store.Tx, l []string) error {
	if len(l) == 0 {
		return tx.SetMeta(metaFollow, nil)
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return tx.SetMeta(metaFollow, b)
}

// markFollow notes, in the transaction that stored a pulled solution, that
// its need is to follow its solutions.
func markFollow(tx *store.Tx, needID string) error {
	l := followIndex(tx)
	if slices.Contains(l, needID) {
		return nil
	}
	return setFollowIndex(tx, append(l, needID))
}

// followPulled moves each need whose solutions the feed changed as its
// solutions call for (store.Tx.FollowSolutions: a local edit, which the
// next sync pushes), in the transaction of the feed's last page, and
// returns how many moved. A need with a conflict kept waits for the
// official to settle it: it stays noted and follows after a later pull.
func (c *Client) followPulled(tx *store.Tx) (int, error) {
	var wait []string
	moved := 0
	for _, id := range followIndex(tx) {
		if tx.Meta(conflictKey(protocol.KindNeed, id)) != nil {
			wait = append(wait, id)
			continue
		}
		f, err := tx.FollowSolutions(id)
		if err != nil {
			return 0, err
		}
		switch {
		case f.Moved():
			moved++
			c.log.Info("sync: the need followed its solutions", "need", id, "from", f.From, "to", f.To)
		case f.Blocked:
			c.log.Info("sync: the need stays, its solutions notwithstanding", "need", id, "status", f.From, "want", f.Want)
		}
	}
	return moved, setFollowIndex(tx, wait)
}

// LocalSolution and ServerSolution decode the two sides of a solution's
// conflict.
func (c *Conflict) LocalSolution() (*forms.Solution, error)  { return decodeSolution(c.Local) }
func (c *Conflict) ServerSolution() (*forms.Solution, error) { return decodeSolution(c.Server.Body) }

func decodeSolution(b []byte) (*forms.Solution, error) {
	var s forms.Solution
	return &s, json.Unmarshal(b, &s)
}

// ResolveSolution ends a solution's conflict as ResolveNeed does a need's:
// the server's revision becomes the current one here, and merged, if not
// nil, is saved on top of it as a new revision for the next sync to push.
func ResolveSolution(ctx context.Context, st Store, id string, merged *forms.Solution) error {
	return resolve(ctx, st, protocol.KindSolution, id, merged == nil, func(tx *store.Tx, cf *Conflict) error {
		srv, err := cf.ServerSolution()
		if err != nil {
			return err
		}
		local, err := tx.Solution(id)
		if err != nil {
			return err
		}
		if local.Rev != srv.Rev {
			if err := tx.PutSolutionRemote(srv); err != nil {
				return err
			}
		}
		if merged == nil {
			return nil
		}
		m := *merged
		m.ID, m.Rev = id, srv.Rev
		if err := tx.SaveSolution(&m); err != nil {
			return err
		}
		*merged = m
		return nil
	})
}
