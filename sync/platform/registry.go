package platform

import (
	"errors"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// noteRegistrySentBefore sets up, once, the record of the registry entries
// each team was sent (hubstore's NoteRegistrySent), which decides who is
// told that an enterprise left the registry. A hub that kept no such
// record is assumed to have sent every team it knows (by a token, a
// record, or a revoked token in the audit) every enterprise listed now of
// another team — what it told before this record existed — so that no
// team keeps an enterprise it should drop; from then on the record is
// exact. (A team that only ever pulled, and whose tokens were removed with
// no trace, is not known: it keeps such an enterprise.)
func noteRegistrySentBefore(tx hubstore.Tx) error {
	if _, err := tx.Meta(metaRegistrySent); err == nil {
		return nil
	} else if !errors.Is(err, hubstore.ErrNotFound) {
		return err
	}
	teams := map[string]bool{}
	err := tx.Tokens(func(t *hubstore.Token) error {
		if t.Team != "" {
			teams[t.Team] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	// A team whose tokens were all revoked may get one again: its laptops
	// still hold what they were sent.
	err = tx.Audit(0, func(_ uint64, e *hubstore.AuditEntry) (bool, error) {
		if e.Action == auditTokenRevoke {
			if team, ok := tokenAuditTeam(e.Detail); ok {
				teams[team] = true
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	listed := map[string][]string{} // team => its listed enterprises
	err = tx.Heads("", func(h *hubstore.Head) error {
		teams[h.Team] = true
		if h.Kind != protocol.KindEnterprise {
			return nil
		}
		anon, err := tx.Anonymous(h.ID)
		if err == nil && !anon {
			listed[h.Team] = append(listed[h.Team], h.ID)
		}
		return err
	})
	if err != nil {
		return err
	}
	for team := range teams {
		for owner, ids := range listed {
			if owner == team {
				continue
			}
			if err := tx.NoteRegistrySent(team, ids); err != nil {
				return err
			}
		}
	}
	return tx.SetMeta(metaRegistrySent, []byte("1"))
}
