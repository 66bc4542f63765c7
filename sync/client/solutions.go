package client

import (
	"context"
	"encoding/json"
	"errors"
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
	return true, nil
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
