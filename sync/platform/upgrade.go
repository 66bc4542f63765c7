package platform

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/keys"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// compactor is a store that can rewrite itself without the pages of
// values since replaced (hubstore.Bolt).
type compactor interface{ Compact() error }

// upgradeSchema1 brings a hub written before bodies were sealed (schema 1)
// to schema 2, in one transaction: every revision body and every comment is
// sealed; the facts the hub now decides by are filled in from the records
// (a need's enterprise, an enterprise's region and the counts of listed
// enterprises per region, the marks of enterprises behind anonymous
// needs); a need public under schema 1 stays public as the revision it
// showed then (its current one). Then the file is rewritten, so no plain
// page stays on disk.
func (s *Server) upgradeSchema1(ctx context.Context) error {
	err := s.store.Update(ctx, func(tx hubstore.Tx) error {
		var revEvents []hubstore.Event
		var stateEvents []uint64
		err := tx.Events(0, func(seq uint64, ev *hubstore.Event) (bool, error) {
			switch {
			case ev.Type == hubstore.EventRevision:
				revEvents = append(revEvents, *ev)
			case ev.LegacyComment != "":
				stateEvents = append(stateEvents, seq)
				ev.Comment, ev.LegacyComment = s.seal.sealComment(ev.ID, ev.LegacyComment), ""
				if err := tx.ReplaceEvent(seq, ev); err != nil {
					return false, err
				}
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		for _, ev := range revEvents {
			rv, err := tx.Revision(ev.Rev)
			if errors.Is(err, hubstore.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if !keys.IsSealed(rv.Body) {
				plain := rv.Body
				if ev.Kind == protocol.KindNeed {
					if err := s.noteAnonymous(tx, plain); err != nil {
						return err
					}
				}
				rv.Body = s.seal.sealBody(rv.Rev, plain)
				if err := tx.PutRevision(rv); err != nil {
					return err
				}
			}
		}
		var heads []*hubstore.Head
		if err := tx.Heads("", func(h *hubstore.Head) error { heads = append(heads, h); return nil }); err != nil {
			return err
		}
		for _, h := range heads {
			if err := s.upgradeHead(tx, h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if c, ok := s.store.(compactor); ok {
		return c.Compact()
	}
	return nil
}

// noteAnonymous marks the enterprise of a plain need body that is 匿名公开.
func (s *Server) noteAnonymous(tx hubstore.Tx, plain []byte) error {
	var n forms.Need
	if json.Unmarshal(plain, &n) != nil || n.Visibility() != forms.VisibilityAnonymous || n.EnterpriseID == "" {
		return nil
	}
	_, err := tx.MarkAnonymous(n.EnterpriseID)
	return err
}

func (s *Server) upgradeHead(tx hubstore.Tx, h *hubstore.Head) error {
	if h.LegacyComment != "" {
		h.Comment, h.LegacyComment = s.seal.sealComment(h.ID, h.LegacyComment), ""
	}
	rv, err := tx.Revision(h.Rev)
	if err != nil {
		return err
	}
	body, err := s.seal.openBody(rv.Rev, rv.Body)
	if err != nil {
		return err
	}
	switch h.Kind {
	case protocol.KindNeed:
		var n forms.Need
		if json.Unmarshal(body, &n) == nil {
			h.EnterpriseID = n.EnterpriseID
		}
		if h.State.Public() {
			h.PublicRev = h.Rev
			if eh, err := tx.Head(protocol.KindEnterprise, h.EnterpriseID); err == nil && eh.Team == h.Team {
				h.PublicEntRev = eh.Rev
			}
		}
	case protocol.KindEnterprise:
		var e forms.Enterprise
		if json.Unmarshal(body, &e) == nil {
			h.Region = e.Values.Get("region")
		}
		anon, err := tx.Anonymous(h.ID)
		if err != nil {
			return err
		}
		if !anon {
			if err := tx.AddRegionCounts(regionDeltas(h.Region, 1)); err != nil {
				return err
			}
		}
	}
	return tx.PutHead(h)
}
