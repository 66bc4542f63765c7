package postgres

import (
	"github.com/jackc/pgx/v5"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// RecordTx over the tables of migration 1.

func (t *pgTx) Meta(key string) ([]byte, error) {
	var v []byte
	err := t.tx.QueryRow(t.ctx, "SELECT value FROM meta WHERE key = $1", key).Scan(&v)
	return v, notFound(err, "meta", key)
}

func (t *pgTx) SetMeta(key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	return t.exec("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", key, value)
}

func (t *pgTx) Metas(fn func(string, []byte) error) error {
	type kv struct {
		k string
		v []byte
	}
	return pages(t, func(after *kv) (pgx.Rows, error) {
		key := ""
		if after != nil {
			key = after.k
		}
		return t.tx.Query(t.ctx, "SELECT key, value FROM meta WHERE key > $1 ORDER BY key LIMIT $2", key, pageSize)
	}, func(row pgx.Row) (*kv, error) {
		var e kv
		return &e, row.Scan(&e.k, &e.v)
	}, func(e *kv) error { return fn(e.k, e.v) })
}

const tokenCols = "hash, user_name, team, admin, created_ns"

func scanToken(row pgx.Row) (*hubstore.Token, error) {
	var tok hubstore.Token
	var created *int64
	if err := row.Scan(&tok.Hash, &tok.User, &tok.Team, &tok.Admin, &created); err != nil {
		return nil, err
	}
	tok.CreatedAt = fromNS(created)
	return &tok, nil
}

func (t *pgTx) Token(hash string) (*hubstore.Token, error) {
	tok, err := scanToken(t.tx.QueryRow(t.ctx, "SELECT "+tokenCols+" FROM tokens WHERE hash = $1", hash))
	return tok, notFound(err, "token", hash)
}

func (t *pgTx) PutToken(tok *hubstore.Token) error {
	return t.exec(`INSERT INTO tokens (`+tokenCols+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (hash) DO UPDATE SET user_name = EXCLUDED.user_name, team = EXCLUDED.team, admin = EXCLUDED.admin, created_ns = EXCLUDED.created_ns`,
		tok.Hash, tok.User, tok.Team, tok.Admin, ns(tok.CreatedAt))
}

func (t *pgTx) DeleteToken(hash string) error {
	return t.exec("DELETE FROM tokens WHERE hash = $1", hash)
}

func (t *pgTx) Tokens(fn func(*hubstore.Token) error) error {
	return pages(t, func(after *hubstore.Token) (pgx.Rows, error) {
		key := ""
		if after != nil {
			key = after.Hash
		}
		return t.tx.Query(t.ctx, "SELECT "+tokenCols+" FROM tokens WHERE hash > $1 ORDER BY hash LIMIT $2", key, pageSize)
	}, scanToken, fn)
}

const headCols = `kind, id, team, rev, revisions, updated_ns, enterprise_id, state, url, comment, state_ns,
	was_public, public_rev, public_ent_rev, region, legacy_comment, public_region`

func scanHead(row pgx.Row) (*hubstore.Head, error) {
	var h hubstore.Head
	var state string
	var updated, stateAt *int64
	err := row.Scan(&h.Kind, &h.ID, &h.Team, &h.Rev, &h.Revisions, &updated, &h.EnterpriseID, &state, &h.URL, &h.Comment, &stateAt,
		&h.WasPublic, &h.PublicRev, &h.PublicEntRev, &h.Region, &h.LegacyComment, &h.PublicRegion)
	if err != nil {
		return nil, err
	}
	h.State, h.UpdatedAt, h.StateAt = protocol.PlatformState(state), fromNS(updated), fromNS(stateAt)
	return &h, nil
}

func (t *pgTx) Head(kind, id string) (*hubstore.Head, error) {
	h, err := scanHead(t.tx.QueryRow(t.ctx, "SELECT "+headCols+" FROM heads WHERE kind = $1 AND id = $2", kind, id))
	return h, notFound(err, "head", kind+"/"+id)
}

func (t *pgTx) PutHead(h *hubstore.Head) error {
	return t.exec(`INSERT INTO heads (`+headCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		ON CONFLICT (kind, id) DO UPDATE SET team = EXCLUDED.team, rev = EXCLUDED.rev, revisions = EXCLUDED.revisions,
		updated_ns = EXCLUDED.updated_ns, enterprise_id = EXCLUDED.enterprise_id, state = EXCLUDED.state, url = EXCLUDED.url,
		comment = EXCLUDED.comment, state_ns = EXCLUDED.state_ns, was_public = EXCLUDED.was_public, public_rev = EXCLUDED.public_rev,
		public_ent_rev = EXCLUDED.public_ent_rev, region = EXCLUDED.region, legacy_comment = EXCLUDED.legacy_comment,
		public_region = EXCLUDED.public_region`,
		h.Kind, h.ID, h.Team, h.Rev, h.Revisions, ns(h.UpdatedAt), h.EnterpriseID, string(h.State), h.URL, h.Comment, ns(h.StateAt),
		h.WasPublic, h.PublicRev, h.PublicEntRev, h.Region, h.LegacyComment, h.PublicRegion)
}

func (t *pgTx) Heads(kind string, fn func(*hubstore.Head) error) error {
	return pages(t, func(after *hubstore.Head) (pgx.Rows, error) {
		k, id := "", ""
		if after != nil {
			k, id = after.Kind, after.ID
		}
		if kind != "" {
			return t.tx.Query(t.ctx, "SELECT "+headCols+" FROM heads WHERE kind = $1 AND id > $2 ORDER BY kind, id LIMIT $3", kind, id, pageSize)
		}
		return t.tx.Query(t.ctx, "SELECT "+headCols+" FROM heads WHERE (kind, id) > ($1, $2) ORDER BY kind, id LIMIT $3", k, id, pageSize)
	}, scanHead, fn)
}

const revCols = "rev, kind, id, team, user_name, base_rev, at_ns, body"

func scanRevision(row pgx.Row) (*hubstore.Revision, error) {
	var r hubstore.Revision
	var at *int64
	if err := row.Scan(&r.Rev, &r.Kind, &r.ID, &r.Team, &r.User, &r.BaseRev, &at, &r.Body); err != nil {
		return nil, err
	}
	r.At = fromNS(at)
	return &r, nil
}

func (t *pgTx) Revision(rev string) (*hubstore.Revision, error) {
	r, err := scanRevision(t.tx.QueryRow(t.ctx, "SELECT "+revCols+" FROM revisions WHERE rev = $1", rev))
	return r, notFound(err, "revision", rev)
}

func (t *pgTx) PutRevision(r *hubstore.Revision) error {
	return t.exec(`INSERT INTO revisions (`+revCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (rev) DO UPDATE SET kind = EXCLUDED.kind, id = EXCLUDED.id, team = EXCLUDED.team, user_name = EXCLUDED.user_name,
		base_rev = EXCLUDED.base_rev, at_ns = EXCLUDED.at_ns, body = EXCLUDED.body`,
		r.Rev, r.Kind, r.ID, r.Team, r.User, r.BaseRev, ns(r.At), r.Body)
}

func (t *pgTx) RevisionCount() (int, error) {
	var n int
	err := t.tx.QueryRow(t.ctx, "SELECT count(*) FROM revisions").Scan(&n)
	return n, err
}

func (t *pgTx) Revisions(fn func(*hubstore.Revision) error) error {
	return pages(t, func(after *hubstore.Revision) (pgx.Rows, error) {
		key := ""
		if after != nil {
			key = after.Rev
		}
		return t.tx.Query(t.ctx, "SELECT "+revCols+" FROM revisions WHERE rev > $1 ORDER BY rev LIMIT $2", key, pageSize)
	}, scanRevision, fn)
}

const refusalCols = "rev, kind, id, team, base_rev"

func scanRefusal(row pgx.Row) (*hubstore.Refusal, error) {
	var r hubstore.Refusal
	return &r, row.Scan(&r.Rev, &r.Kind, &r.ID, &r.Team, &r.BaseRev)
}

func (t *pgTx) Refusal(rev string) (*hubstore.Refusal, error) {
	r, err := scanRefusal(t.tx.QueryRow(t.ctx, "SELECT "+refusalCols+" FROM refusals WHERE rev = $1", rev))
	if err != nil {
		return nil, notFound(err, "refusal", rev)
	}
	return r, nil
}

func (t *pgTx) PutRefusal(r *hubstore.Refusal) error {
	return t.exec(`INSERT INTO refusals (`+refusalCols+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (rev) DO UPDATE SET kind = EXCLUDED.kind, id = EXCLUDED.id, team = EXCLUDED.team, base_rev = EXCLUDED.base_rev`,
		r.Rev, r.Kind, r.ID, r.Team, r.BaseRev)
}

func (t *pgTx) Refusals(fn func(*hubstore.Refusal) error) error {
	return pages(t, func(after *hubstore.Refusal) (pgx.Rows, error) {
		key := ""
		if after != nil {
			key = after.Rev
		}
		return t.tx.Query(t.ctx, "SELECT "+refusalCols+" FROM refusals WHERE rev > $1 ORDER BY rev LIMIT $2", key, pageSize)
	}, scanRefusal, fn)
}

const eventCols = "type, kind, id, team, rev, state, url, comment, at_ns, public_after, was_public, legacy_comment"

type seqEvent struct {
	seq uint64
	ev  *hubstore.Event
}

func scanEvent(row pgx.Row) (*seqEvent, error) {
	var ev hubstore.Event
	var seq int64
	var state string
	var at *int64
	err := row.Scan(&seq, &ev.Type, &ev.Kind, &ev.ID, &ev.Team, &ev.Rev, &state, &ev.URL, &ev.Comment, &at, &ev.PublicAfter, &ev.WasPublic, &ev.LegacyComment)
	if err != nil {
		return nil, err
	}
	ev.State, ev.At = protocol.PlatformState(state), fromNS(at)
	return &seqEvent{uint64(seq), &ev}, nil
}

func (t *pgTx) AppendEvent(ev *hubstore.Event) (uint64, error) {
	var seq int64
	err := t.tx.QueryRow(t.ctx, `INSERT INTO events (seq, `+eventCols+`)
		VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM events), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq`,
		ev.Type, ev.Kind, ev.ID, ev.Team, ev.Rev, string(ev.State), ev.URL, ev.Comment, ns(ev.At), ev.PublicAfter, ev.WasPublic, ev.LegacyComment).Scan(&seq)
	return uint64(seq), err
}

func (t *pgTx) Events(after uint64, fn func(uint64, *hubstore.Event) (bool, error)) error {
	stop := errStop{}
	err := pages(t, func(last *seqEvent) (pgx.Rows, error) {
		from := after
		if last != nil {
			from = last.seq
		}
		return t.tx.Query(t.ctx, "SELECT seq, "+eventCols+" FROM events WHERE seq > $1 ORDER BY seq LIMIT $2", int64(from), pageSize)
	}, scanEvent, func(e *seqEvent) error {
		more, err := fn(e.seq, e.ev)
		if err == nil && !more {
			return stop
		}
		return err
	})
	if err == stop {
		return nil
	}
	return err
}

func (t *pgTx) ReplaceEvent(seq uint64, ev *hubstore.Event) error {
	tag, err := t.tx.Exec(t.ctx, `UPDATE events SET type = $2, kind = $3, id = $4, team = $5, rev = $6, state = $7, url = $8, comment = $9,
		at_ns = $10, public_after = $11, was_public = $12, legacy_comment = $13 WHERE seq = $1`,
		int64(seq), ev.Type, ev.Kind, ev.ID, ev.Team, ev.Rev, string(ev.State), ev.URL, ev.Comment, ns(ev.At), ev.PublicAfter, ev.WasPublic, ev.LegacyComment)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return notFound(pgx.ErrNoRows, "event", seq)
	}
	return nil
}

func (t *pgTx) MarkAnonymous(id string) (bool, error) {
	tag, err := t.tx.Exec(t.ctx, "INSERT INTO anonymous (enterprise_id) VALUES ($1) ON CONFLICT DO NOTHING", id)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

func (t *pgTx) Anonymous(id string) (bool, error) {
	var found bool
	err := t.tx.QueryRow(t.ctx, "SELECT EXISTS (SELECT 1 FROM anonymous WHERE enterprise_id = $1)", id).Scan(&found)
	return found, err
}

func (t *pgTx) AnonymousMarks(fn func(string) error) error {
	return pages(t, func(after *string) (pgx.Rows, error) {
		key := ""
		if after != nil {
			key = *after
		}
		return t.tx.Query(t.ctx, "SELECT enterprise_id FROM anonymous WHERE enterprise_id > $1 ORDER BY enterprise_id LIMIT $2", key, pageSize)
	}, func(row pgx.Row) (*string, error) {
		var id string
		return &id, row.Scan(&id)
	}, func(id *string) error { return fn(*id) })
}

func (t *pgTx) AddRegionCounts(deltas map[string]int) error {
	for prefix, d := range deltas {
		if d == 0 || prefix == "" {
			continue
		}
		n, err := t.RegionCount(prefix)
		if err != nil {
			return err
		}
		// Counts never go below zero; a count of zero is no row.
		if n = max(n+d, 0); n == 0 {
			err = t.exec("DELETE FROM region_counts WHERE prefix = $1", prefix)
		} else {
			err = t.exec("INSERT INTO region_counts (prefix, n) VALUES ($1, $2) ON CONFLICT (prefix) DO UPDATE SET n = EXCLUDED.n", prefix, n)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (t *pgTx) RegionCount(prefix string) (int, error) {
	var n int
	err := t.tx.QueryRow(t.ctx, "SELECT coalesce((SELECT n FROM region_counts WHERE prefix = $1), 0)", prefix).Scan(&n)
	return n, err
}

type regionCount struct {
	prefix string
	n      int
}

func (t *pgTx) RegionCounts(fn func(string, int) error) error {
	return pages(t, func(after *regionCount) (pgx.Rows, error) {
		key := ""
		if after != nil {
			key = after.prefix
		}
		return t.tx.Query(t.ctx, "SELECT prefix, n FROM region_counts WHERE prefix > $1 ORDER BY prefix LIMIT $2", key, pageSize)
	}, func(row pgx.Row) (*regionCount, error) {
		var c regionCount
		return &c, row.Scan(&c.prefix, &c.n)
	}, func(c *regionCount) error { return fn(c.prefix, c.n) })
}

// errStop ends a listing whose fn asked to stop.
type errStop struct{}

func (errStop) Error() string { return "stop" }

// pages runs a keyset-paged listing: query returns the page after the last
// value of the previous page (nil for the first), scan reads one row, and
// fn is called for each value once the page's query is closed, so that fn
// may use the transaction.
func pages[T any](t *pgTx, query func(after *T) (pgx.Rows, error), scan func(pgx.Row) (*T, error), fn func(*T) error) error {
	var last *T
	for {
		rows, err := query(last)
		if err != nil {
			return err
		}
		var page []*T
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				rows.Close()
				return err
			}
			page = append(page, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, v := range page {
			if err := fn(v); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		last = page[len(page)-1]
	}
}
