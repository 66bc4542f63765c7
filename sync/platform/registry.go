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
	return noteSentBefore(tx, metaRegistrySent, protocol.KindEnterprise, func(h *hubstore.Head) (string, bool, error) {
		anon, err := tx.Anonymous(h.ID)
		return h.ID, err == nil && !anon, err
	})
}

// sentNeedKey is how the record of what each team was sent
// (NoteRegistrySent) holds a public need: apart from enterprises, whose
// ids have no "/".
func sentNeedKey(id string) string { return "need/" + id }

// noteNeedsSentBefore sets up, once, the record of the public needs each
// team was sent, which decides who is told that a need is no longer
// public: a hub that kept none is assumed to have sent every team it knows
// every need of another team ever shown, so that no team keeps a need it
// should drop. A team that comes later is told only of what it was sent.
func noteNeedsSentBefore(tx hubstore.Tx) error {
	return noteSentBefore(tx, metaNeedsSent, protocol.KindNeed, func(h *hubstore.Head) (string, bool, error) {
		return sentNeedKey(h.ID), h.WasPublic, nil
	})
}

// noteSentBefore notes, once (the meta key mark), every team the hub knows
// as sent what sent gives for each record of kind of another team: the key
// to note, and whether it was ever shown to others.
func noteSentBefore(tx hubstore.Tx, mark, kind string, sent func(*hubstore.Head) (string, bool, error)) error {
	if _, err := tx.Meta(mark); err == nil {
		return nil
	} else if !errors.Is(err, hubstore.ErrNotFound) {
		return err
	}
	teams, err := knownTeams(tx)
	if err != nil {
		return err
	}
	keys := map[string][]string{} // team => what others were sent of it
	err = tx.Heads(kind, func(h *hubstore.Head) error {
		key, ok, err := sent(h)
		if ok {
			keys[h.Team] = append(keys[h.Team], key)
		}
		return err
	})
	if err != nil {
		return err
	}
	if err := noteSentToOthers(tx, teams, keys); err != nil {
		return err
	}
	return tx.SetMeta(mark, []byte("1"))
}

// noteSentToOthers notes every team as sent the keys of every other team.
func noteSentToOthers(tx hubstore.Tx, teams map[string]bool, keys map[string][]string) error {
	for team := range teams {
		for owner, ids := range keys {
			if owner == team {
				continue
			}
			if err := tx.NoteRegistrySent(team, ids); err != nil {
				return err
			}
		}
	}
	return nil
}

// knownTeams are the teams a hub knows: by a token, a revoked token in the
// audit, or a record.
func knownTeams(tx hubstore.Tx) (map[string]bool, error) {
	teams := map[string]bool{}
	err := tx.Tokens(func(t *hubstore.Token) error {
		if t.Team != "" {
			teams[t.Team] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
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
		return nil, err
	}
	err = tx.Heads("", func(h *hubstore.Head) error {
		teams[h.Team] = true
		return nil
	})
	return teams, err
}
