package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Conflict is a record edited both here and on the platform since they last
// agreed. Both revisions are kept: the local one in the store (its outbox
// entry quarantined with a "conflict" reason), the server's here. The window
// offers to choose or merge field by field, then calls ResolveNeed or
// ResolveEnterprise.
type Conflict struct {
	Kind     string          // protocol.KindNeed, KindEnterprise or KindSolution
	ID       string          // the record
	LocalRev string          // the latest local revision that conflicted
	Local    json.RawMessage // its body
	Server   protocol.Record // the server's current revision, body included
	At       time.Time       // when the conflict was found
}

// LocalNeed and ServerNeed decode the two sides of a need's conflict.
func (c *Conflict) LocalNeed() (*forms.Need, error)  { return decodeNeed(c.Local) }
func (c *Conflict) ServerNeed() (*forms.Need, error) { return decodeNeed(c.Server.Body) }

// LocalEnterprise and ServerEnterprise decode the two sides of an
// enterprise's conflict.
func (c *Conflict) LocalEnterprise() (*forms.Enterprise, error) { return decodeEnterprise(c.Local) }
func (c *Conflict) ServerEnterprise() (*forms.Enterprise, error) {
	return decodeEnterprise(c.Server.Body)
}

func decodeNeed(b []byte) (*forms.Need, error) {
	var n forms.Need
	return &n, json.Unmarshal(b, &n)
}

func decodeEnterprise(b []byte) (*forms.Enterprise, error) {
	var e forms.Enterprise
	return &e, json.Unmarshal(b, &e)
}

func conflictKey(kind, id string) string { return prefConflict + kind + "." + id }

func conflictIndex(tx *store.Tx) []string {
	var l []string
	if b := tx.Meta(metaConflicts); b != nil {
		_ = json.Unmarshal(b, &l)
	}
	return l
}

func setConflictIndex(tx *store.Tx, l []string) error {
	if len(l) == 0 {
		return tx.SetMeta(metaConflicts, nil)
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return tx.SetMeta(metaConflicts, b)
}

// keepConflict stores the server's revision beside the local one. Repeating
// it (after a crash, or for a later local revision) replaces the record.
func (c *Client) keepConflict(ctx context.Context, e store.OutboxEntry, server *protocol.Record) error {
	cf := Conflict{Kind: e.Kind, ID: e.ID, LocalRev: e.Rev, Local: e.Body, Server: *server, At: c.cfg.Now().UTC()}
	b, err := json.Marshal(cf)
	if err != nil {
		return err
	}
	return c.st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetMeta(conflictKey(e.Kind, e.ID), b); err != nil {
			return err
		}
		idx := conflictIndex(tx)
		if k := e.Kind + "." + e.ID; !slices.Contains(idx, k) {
			return setConflictIndex(tx, append(idx, k))
		}
		return nil
	})
}

// refreshConflict keeps a stored conflict's server side current when the
// feed brings a newer server revision of the same record.
func (c *Client) refreshConflict(tx *store.Tx, rec *protocol.Record) error {
	b := tx.Meta(conflictKey(rec.Kind, rec.ID))
	if b == nil {
		return nil
	}
	var cf Conflict
	if err := json.Unmarshal(b, &cf); err != nil || cf.Server.Rev != rec.BaseRev {
		return nil
	}
	cf.Server = *rec
	nb, err := json.Marshal(cf)
	if err != nil {
		return err
	}
	return tx.SetMeta(conflictKey(rec.Kind, rec.ID), nb)
}

// Conflicts lists the records with a kept server revision, oldest first.
func Conflicts(ctx context.Context, st Store) ([]Conflict, error) {
	var out []Conflict
	err := st.View(ctx, func(tx *store.Tx) error {
		for _, k := range conflictIndex(tx) {
			kind, id, _ := strings.Cut(k, ".")
			b := tx.Meta(conflictKey(kind, id))
			if b == nil {
				continue
			}
			var cf Conflict
			if err := json.Unmarshal(b, &cf); err != nil {
				return fmt.Errorf("conflict %s: %w", k, err)
			}
			out = append(out, cf)
		}
		return nil
	})
	return out, err
}

// ErrNoConflict means the record has no kept conflict.
var ErrNoConflict = errors.New("no conflict kept for this record")

// ResolveNeed ends a need's conflict. The server's revision becomes the
// need's current one here (so nothing of it is lost: it is in the need's
// history); then, if merged is not nil, merged — the user's field-by-field
// choice, or the local side whole for "keep mine" — is saved as a new
// revision on top of it, which the next sync pushes without conflict. With
// merged nil the server's side is kept as is ("keep theirs"). The local
// revisions that conflicted stay in the need's history.
func ResolveNeed(ctx context.Context, st Store, id string, merged *forms.Need) error {
	return resolve(ctx, st, protocol.KindNeed, id, merged == nil, func(tx *store.Tx, cf *Conflict) error {
		srv, err := cf.ServerNeed()
		if err != nil {
			return err
		}
		local, err := tx.Need(id)
		if err != nil {
			return err
		}
		if local.Platform.UpdatedAt.After(srv.Platform.UpdatedAt) {
			srv.Platform = local.Platform
		}
		if local.Rev != srv.Rev {
			if err := tx.PutNeedRemote(srv); err != nil {
				return err
			}
		}
		if merged == nil {
			return nil
		}
		m := *merged
		m.ID, m.Rev = id, srv.Rev
		if err := tx.SaveNeed(&m); err != nil {
			return err
		}
		*merged = m
		return nil
	})
}

// ResolveEnterprise is ResolveNeed for an enterprise.
func ResolveEnterprise(ctx context.Context, st Store, id string, merged *forms.Enterprise) error {
	return resolve(ctx, st, protocol.KindEnterprise, id, merged == nil, func(tx *store.Tx, cf *Conflict) error {
		srv, err := cf.ServerEnterprise()
		if err != nil {
			return err
		}
		local, err := tx.Enterprise(id)
		if err != nil {
			return err
		}
		if local.Rev != srv.Rev {
			if err := tx.PutEnterpriseRemote(srv); err != nil {
				return err
			}
		}
		if merged == nil {
			return nil
		}
		m := *merged
		m.ID, m.Rev = id, srv.Rev
		if err := tx.SaveEnterprise(&m); err != nil {
			return err
		}
		*merged = m
		return nil
	})
}

func resolve(ctx context.Context, st Store, kind, id string, theirs bool, fn func(*store.Tx, *Conflict) error) error {
	// The record's quarantined conflict is superseded: drop it first; and
	// when the server's side is kept whole, so is what the record still had
	// queued. Should the transaction below fail, the conflict (with the
	// local body) is still kept, and the local revisions are in the
	// record's history.
	pending, q, err := st.RecordOutbox(ctx, kind, id)
	if err != nil {
		return err
	}
	var seqs []uint64
	if q != nil && q.Conflict {
		seqs = append(seqs, q.Seq)
	}
	if theirs && pending != nil {
		seqs = append(seqs, pending.Seq)
	}
	if len(seqs) > 0 {
		if err := st.AckOutbox(ctx, seqs...); err != nil {
			return err
		}
	}
	return st.Update(ctx, func(tx *store.Tx) error {
		b := tx.Meta(conflictKey(kind, id))
		if b == nil {
			return fmt.Errorf("%s %s: %w", kind, id, ErrNoConflict)
		}
		var cf Conflict
		if err := json.Unmarshal(b, &cf); err != nil {
			return err
		}
		if err := fn(tx, &cf); err != nil {
			return err
		}
		if err := tx.SetMeta(conflictKey(kind, id), nil); err != nil {
			return err
		}
		return setConflictIndex(tx, slices.DeleteFunc(conflictIndex(tx), func(k string) bool { return k == kind+"."+id }))
	})
}

// RegistryEntry returns what the shared enterprise registry says about a
// credit code: an enterprise another team has recorded (public fields only),
// or nil. The window can show it when an official types the code.
func RegistryEntry(ctx context.Context, st Store, creditCode string) (*protocol.RegistryEntry, error) {
	var out *protocol.RegistryEntry
	err := st.View(ctx, func(tx *store.Tx) error {
		b := tx.Meta(registryKey(creditCode, ""))
		if b == nil || forms.NormalizeCreditCode(creditCode) == "" {
			return nil
		}
		out = new(protocol.RegistryEntry)
		return json.Unmarshal(b, out)
	})
	return out, err
}

// PublicNeed returns another team's published need as the feed last brought
// it (redacted by its visibility), or nil.
func PublicNeed(ctx context.Context, st Store, id string) (*protocol.PublicNeed, error) {
	var out *protocol.PublicNeed
	err := st.View(ctx, func(tx *store.Tx) error {
		b := tx.Meta(prefPublic + id)
		if b == nil {
			return nil
		}
		out = new(protocol.PublicNeed)
		return json.Unmarshal(b, out)
	})
	return out, err
}
