package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
)

// Tx is one transaction over the store, given to the functions passed to
// Store.Update and Store.View. Everything a Tx returns is a copy that stays
// valid after the transaction; a Tx itself must not be used after its
// function returns, nor from another goroutine.
type Tx struct {
	s        *Store
	btx      *bolt.Tx
	ctx      context.Context
	writable bool
	// needs and ents are the heads written by this transaction; memory
	// takes them over once it commits.
	needs map[string]*needHead
	ents  map[string]*entHead
	// undo restores the callers' records if the transaction does not commit.
	undo []func()
	// batch, when set, defers writes (see writeBatch).
	batch *writeBatch
	// outboxDelta is how many pending outbox entries this transaction
	// added (less those it removed); see countOutbox.
	outboxDelta int
	// onStatus, when set, is told of each write that changes a stored
	// need's status (Import reports them).
	onStatus func(id, title string, from, to forms.Status)
	// stage, when set, sends the writes to a staged import (see stage.go):
	// no reader sees them, and memory does not take the heads over.
	stage *stager
	// entIDs, when set, gives the ids of the enterprises saved without one:
	// an import's rise, so that its enterprises are written in key order
	// (nil: random). Not a need's: its id is public (/n/{id}, the QR
	// cards), and ids rising in the order of a sheet's rows would tell
	// which enterprise's rows an anonymous need's row lies among.
	entIDs *forms.IDRun
	// held, when set, holds back a staged import's rows of need_by_enterprise
	// for enterprises new to the store (see stage_defer.go).
	held *heldRows
}

func (tx *Tx) rollback() {
	for i := len(tx.undo) - 1; i >= 0; i-- {
		tx.undo[i]()
	}
	tx.undo = nil
}

func (tx *Tx) checkWrite() error {
	if !tx.writable {
		return ErrReadOnly
	}
	return tx.ctx.Err()
}

func (tx *Tx) bucket(name []byte) *bolt.Bucket {
	b := tx.btx.Bucket(name)
	if b == nil {
		// Open creates every bucket; a missing one is a broken file.
		panic(fmt.Sprintf("store: bucket %s missing", name))
	}
	return b
}

// Meta returns a copy of the value stored under key in the meta bucket, or
// nil (also for a value that does not open: Check reports those). The
// store's own keys ("schema", "upgraded", "settings", "crypt") can be read
// too.
func (tx *Tx) Meta(key string) []byte {
	k := []byte(key)
	if isReservedMeta(k) {
		v := tx.get(metaBucket, k)
		if v != nil && bytes.Equal(k, metaSettingsKey) {
			v, _ = tx.s.crypt.open(metaBucket, k, v)
		}
		if v == nil {
			return nil
		}
		return bytes.Clone(v)
	}
	sk := tx.s.crypt.metaKey(key)
	p, err := tx.getOpen(metaBucket, sk)
	if err != nil || p == nil {
		return nil
	}
	stored, val, err := decodeMetaValue(p)
	if err != nil || stored != key {
		return nil
	}
	return bytes.Clone(val)
}

// reservedMeta lists the meta keys the store keeps for itself.
var reservedMeta = [][]byte{metaSchemaKey, metaUpgradedKey, metaSettingsKey, metaCryptKey}

func isReservedMeta(k []byte) bool {
	return slices.ContainsFunc(reservedMeta, func(r []byte) bool { return bytes.Equal(r, k) })
}

// SetMeta stores a small value (a sync cursor, a last-run time) in the meta
// bucket, in this transaction; a nil val removes the key. The store's own
// keys ("schema", "upgraded", "settings", "crypt") are refused. The value is
// sealed and the key stored as its HMAC, so either may hold content (the
// sync keeps registry entries by credit code).
func (tx *Tx) SetMeta(key string, val []byte) error {
	if err := tx.checkWrite(); err != nil {
		return fmt.Errorf("set meta %s: %w", key, err)
	}
	if key == "" || isReservedMeta([]byte(key)) {
		return fmt.Errorf("set meta %q: reserved key: %w", key, ErrInvalid)
	}
	sk := tx.s.crypt.metaKey(key)
	if val == nil {
		return tx.del(metaBucket, sk)
	}
	return tx.putSealed(metaBucket, sk, encodeMetaValue(key, val))
}

// DeleteMetaPrefix removes, in this transaction, every value SetMeta
// stored under a key that starts with prefix, and returns how many. It
// reads the whole meta bucket (keys are stored as their HMAC): it is for
// rare clean-ups, such as the sync starting its feed over.
func (tx *Tx) DeleteMetaPrefix(prefix string) (int, error) {
	if err := tx.checkWrite(); err != nil {
		return 0, fmt.Errorf("delete meta %s…: %w", prefix, err)
	}
	if prefix == "" || tx.batch != nil || tx.stage != nil {
		return 0, fmt.Errorf("delete meta %q…: an empty prefix, or inside an import: %w", prefix, ErrInvalid)
	}
	var doomed [][]byte
	err := tx.bucket(metaBucket).ForEach(func(k, v []byte) error {
		if isReservedMeta(k) {
			return nil
		}
		p, err := tx.s.crypt.open(metaBucket, k, v)
		if err != nil {
			return nil // Check reports a value that does not open
		}
		if key, _, err := decodeMetaValue(p); err == nil && strings.HasPrefix(key, prefix) {
			doomed = append(doomed, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delete meta %s…: %w", prefix, err)
	}
	for _, k := range doomed {
		if err := tx.del(metaBucket, k); err != nil {
			return 0, fmt.Errorf("delete meta %s…: %w", prefix, err)
		}
	}
	return len(doomed), nil
}

// getOpen returns the plain bytes of a value, nil if there is none; in an
// unencrypted store they are valid only inside the transaction.
func (tx *Tx) getOpen(bucket, key []byte) ([]byte, error) {
	v := tx.get(bucket, key)
	if v == nil {
		return nil, nil
	}
	return tx.s.crypt.open(bucket, key, v)
}

// putSealed writes a value, sealed.
func (tx *Tx) putSealed(bucket, key, plain []byte) error {
	return tx.putValue(bucket, key, tx.s.crypt.seal(bucket, key, plain), tx.s.crypt.sealsApart())
}

// putSealedAppend writes a value, sealed, into a bucket whose keys grow.
func (tx *Tx) putSealedAppend(bucket, key, plain []byte) error {
	return tx.putAppendValue(bucket, key, tx.s.crypt.seal(bucket, key, plain), tx.s.crypt.sealsApart())
}

// Need returns the current revision of a need, or an error wrapping
// ErrNotFound.
func (tx *Tx) Need(id string) (*forms.Need, error) {
	h, err := tx.needHead(id)
	if err != nil {
		return nil, fmt.Errorf("need %s: %w", id, err)
	}
	if h == nil {
		return nil, fmt.Errorf("need %s: %w", id, ErrNotFound)
	}
	v, err := tx.getOpen(needRevisionsBucket, seqKey(id, h.RevSeq))
	if err != nil {
		return nil, fmt.Errorf("need %s: %w", id, err)
	}
	if v == nil {
		return nil, fmt.Errorf("need %s: revision row %d missing: %w", id, h.RevSeq, ErrCorrupt)
	}
	return decodeNeed(id, v)
}

// decodeNeed decodes a revision row, which the store wrote: straight
// through forms' decoder (json.Unmarshal would first check the whole row
// once more).
func decodeNeed(id string, v []byte) (*forms.Need, error) {
	n := new(forms.Need)
	if err := n.UnmarshalJSON(v); err != nil {
		return nil, fmt.Errorf("need %s: decode: %v: %w", id, err, ErrCorrupt)
	}
	return n, nil
}

// Enterprise returns the current revision of an enterprise, or an error
// wrapping ErrNotFound.
func (tx *Tx) Enterprise(id string) (*forms.Enterprise, error) {
	h, err := tx.entHead(id)
	if err != nil {
		return nil, fmt.Errorf("enterprise %s: %w", id, err)
	}
	if h == nil {
		return nil, fmt.Errorf("enterprise %s: %w", id, ErrNotFound)
	}
	v, err := tx.getOpen(enterpriseRevisionsBucket, seqKey(id, h.RevSeq))
	if err != nil {
		return nil, fmt.Errorf("enterprise %s: %w", id, err)
	}
	if v == nil {
		return nil, fmt.Errorf("enterprise %s: revision row %d missing: %w", id, h.RevSeq, ErrCorrupt)
	}
	return decodeEnterprise(id, v)
}

// decodeEnterprise decodes a revision row of an enterprise, as decodeNeed
// one of a need.
func decodeEnterprise(id string, v []byte) (*forms.Enterprise, error) {
	e := new(forms.Enterprise)
	if err := e.UnmarshalJSON(v); err != nil {
		return nil, fmt.Errorf("enterprise %s: decode: %v: %w", id, err, ErrCorrupt)
	}
	return e, nil
}

// NeedRevisions returns every stored revision of a need, oldest first.
func (tx *Tx) NeedRevisions(id string) ([]*forms.Need, error) {
	var out []*forms.Need
	err := tx.eachRevision(needRevisionsBucket, id, func(_ uint64, v []byte) error {
		n := new(forms.Need)
		if err := json.Unmarshal(v, n); err != nil {
			return err
		}
		out = append(out, n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("need %s revisions: %w", id, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("need %s revisions: %w", id, ErrNotFound)
	}
	return out, nil
}

// EnterpriseRevisions returns every stored revision of an enterprise,
// oldest first.
func (tx *Tx) EnterpriseRevisions(id string) ([]*forms.Enterprise, error) {
	var out []*forms.Enterprise
	err := tx.eachRevision(enterpriseRevisionsBucket, id, func(_ uint64, v []byte) error {
		e := new(forms.Enterprise)
		if err := json.Unmarshal(v, e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("enterprise %s revisions: %w", id, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("enterprise %s revisions: %w", id, ErrNotFound)
	}
	return out, nil
}

// eachRevision calls fn with every revision row of a record (opened),
// oldest first. v is valid only during the call.
func (tx *Tx) eachRevision(bucket []byte, id string, fn func(seq uint64, v []byte) error) error {
	return tx.scan(bucket, id, func(k, v []byte) error {
		rid, seq, ok := splitSeqKey(k)
		if !ok || rid != id {
			return nil
		}
		p, err := tx.s.crypt.open(bucket, k, v)
		if err != nil {
			return err
		}
		return fn(seq, p)
	})
}

// EnterpriseByCreditCode returns the enterprise with the credit code, which
// is normalised first. When several have it (only records pulled from the
// platform can share one), it returns the one updated last.
func (tx *Tx) EnterpriseByCreditCode(code string) (*forms.Enterprise, error) {
	code = forms.NormalizeCreditCode(code)
	ids := tx.idsByCode(code)
	if code == "" || len(ids) == 0 {
		return nil, fmt.Errorf("enterprise with credit code %q: %w", code, ErrNotFound)
	}
	best := ids[0]
	if len(ids) > 1 {
		var bestHead *entHead
		for _, id := range ids {
			h, err := tx.entHead(id)
			if err != nil {
				return nil, err
			}
			if bestHead == nil || h.UpdatedAt.After(bestHead.UpdatedAt) {
				bestHead, best = h, id
			}
		}
	}
	return tx.Enterprise(best)
}

func (tx *Tx) idsByCode(code string) []string {
	if code == "" {
		return nil
	}
	return tx.pairIDs(enterpriseByCodeBucket, tx.s.crypt.codeKey(code))
}

// NeedIDsOf returns the ids of an enterprise's needs.
func (tx *Tx) NeedIDsOf(enterpriseID string) []string {
	return tx.pairIDs(needByEnterpriseBucket, enterpriseID)
}

// pairIDs returns the b of every a 0x00 b key of an index.
func (tx *Tx) pairIDs(bucket []byte, a string) []string {
	var ids []string
	_ = tx.scan(bucket, a, func(k, _ []byte) error {
		ids = append(ids, string(k[len(a)+1:]))
		return nil
	})
	return ids
}

// needHead returns the stored head of a need, nil if there is none.
func (tx *Tx) needHead(id string) (*needHead, error) {
	v, err := tx.getOpen(needSummariesBucket, []byte(id))
	if v == nil || err != nil {
		return nil, err
	}
	return decodeNeedHead(v)
}

// entHead returns the stored head of an enterprise, nil if there is none.
func (tx *Tx) entHead(id string) (*entHead, error) {
	v, err := tx.getOpen(enterpriseSummariesBucket, []byte(id))
	if v == nil || err != nil {
		return nil, err
	}
	return decodeEntHead(v)
}

// SaveNeed saves a new revision of a need in this transaction; see
// Store.SaveNeed.
func (tx *Tx) SaveNeed(n *forms.Need) error {
	if err := tx.saveNeed(n); err != nil {
		return fmt.Errorf("save need %s: %w", displayID(n.ID), err)
	}
	return nil
}

func displayID(id string) string {
	if id == "" {
		return "(new)"
	}
	return id
}

func (tx *Tx) saveNeed(n *forms.Need) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	if !n.Status.Valid() {
		return fmt.Errorf("status %q: %w", n.Status, ErrInvalid)
	}
	if n.ID != "" {
		if err := checkID("need", n.ID); err != nil {
			return err
		}
	}
	ent, err := tx.entHead(n.EnterpriseID)
	if err != nil {
		return err
	}
	if ent == nil {
		return fmt.Errorf("enterprise %q: %w", n.EnterpriseID, ErrNotFound)
	}
	var prev *needHead
	if n.ID != "" {
		if prev, err = tx.needHead(n.ID); err != nil {
			return err
		}
	}
	if prev != nil && n.Rev != "" && n.Rev != prev.Rev {
		return fmt.Errorf("saving an edit of revision %s, the stored one is %s: %w", n.Rev, prev.Rev, ErrConflict)
	}
	var full *forms.Enterprise
	if n.Confirmation != nil {
		if full, err = tx.Enterprise(n.EnterpriseID); err != nil {
			return err
		}
	}

	snap := *n
	tx.undo = append(tx.undo, func() { *n = snap })
	if prev != nil && prev.Platform.Or().UpdatedAt.After(n.Platform.UpdatedAt) {
		// The copy was loaded before the platform's latest verdict, which
		// changed the stored revision in place: the verdict is the
		// platform's word, not something this edit may undo.
		stored, err := tx.Need(n.ID)
		if err != nil {
			return err
		}
		n.Platform = stored.Platform
		if n.Status != stored.Status && forms.CanTransition(n.Status, stored.Status) {
			n.Status = stored.Status
		}
	}
	now := tx.s.clock()
	user, team := tx.s.userTeam()
	if n.ID == "" {
		n.ID = forms.NewID()
	}
	if prev == nil {
		n.BaseRev = ""
		if n.CreatedAt.IsZero() {
			n.CreatedAt = now
		}
		if n.CreatedBy == "" {
			n.CreatedBy = user
		}
		if n.Team == "" {
			n.Team = team
		}
		if user != "" && !n.Values.Has("tech_manager") {
			// The responsible 技术经理人 of a new need is, unless given,
			// the user who records it (the settings' user). A new map:
			// a rollback restores the caller's.
			v := n.Values.Clone()
			if v == nil {
				v = forms.Values{}
			}
			v.Set("tech_manager", user)
			n.Values = v
		}
	} else {
		n.BaseRev = prev.Rev
		n.CreatedAt = prev.CreatedAt
		if prev.CreatedBy != "" {
			n.CreatedBy = prev.CreatedBy
		}
		if n.Team == "" {
			n.Team = prev.Team
		}
	}
	n.Rev = forms.NewID()
	n.CatalogueVersion = catalogue().Version
	n.UpdatedAt = now
	if full != nil {
		catalogue().Reconcile(n, full)
	}
	return tx.writeNeed(n, prev, ent, full, writeLocal)
}

// appendFill is the fill percent of buckets whose keys are mostly appended
// in order (by time, by sequence): pages split nearly full instead of half
// full, so the file grows by fewer pages.
const appendFill = 0.9

// writeMode says how a record's revision is written.
type writeMode int

const (
	// writeLocal is a local save: a new revision row and an outbox entry.
	writeLocal writeMode = iota
	// writeRemote stores the record as given: a new row unless the record's
	// Rev is the current one (then the row is replaced), no outbox entry.
	writeRemote
	// writeRemoteOutbox is writeRemote with an outbox entry (exact import).
	writeRemoteOutbox
)

// writeNeed writes n as the need's current revision: the record, its
// revision row, head, indexes and (for a local save) an outbox entry.
// prev is the head before this write, nil for a new need; ent and full may
// be nil when the enterprise is not stored (a remote need can arrive first).
func (tx *Tx) writeNeed(n *forms.Need, prev *needHead, ent *entHead, full *forms.Enterprise, mode writeMode) error {
	data, err := marshalRecord(n)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	seq, err := tx.putRevision(needRevisionsBucket, n.ID, n.Rev, prev.rev(), data, mode)
	if err != nil {
		return err
	}
	head := &needHead{
		Summary: Summary{
			ID:           n.ID,
			Title:        n.Title(),
			EnterpriseID: n.EnterpriseID,
			Status:       n.Status,
			NeedType:     n.Values.Get("need_type"),
			TechFields:   CodesOf(n.Values.List("tech_fields")...),
			Visibility:   n.Visibility(),
			UpdatedAt:    StampOf(n.UpdatedAt),
			Platform:     verdictOf(n.Platform),
		},
		Keywords: slices.Clone(n.Values.List("keywords")),
		Updated:  n.UpdatedAt.UTC(),
		Rev:      n.Rev, BaseRev: n.BaseRev, RevSeq: seq,
		CreatedAt: n.CreatedAt.UTC(), CreatedBy: n.CreatedBy, Team: n.Team,
		HasConfirmation: n.Confirmation != nil,
	}
	if ent != nil {
		head.EnterpriseName, head.Region = ent.Name, ent.Region
	}
	if n.Confirmation != nil {
		head.Confirmed = catalogue().ConfirmationCurrent(n, full)
	}
	if err := tx.putNeedHead(head, prev); err != nil {
		return err
	}
	if tx.onStatus != nil && prev != nil && prev.Status != n.Status {
		tx.onStatus(n.ID, n.Title(), prev.Status, n.Status)
	}
	if mode == writeLocal && prev != nil && prev.Confirmed && !head.Confirmed {
		// A local edit made a current confirmation stale (or removed it):
		// the enterprise confirmed something else than what is stored now.
		detail := fmt.Sprintf("%s 「%s」 %s → %s (%s)", n.ID, n.Title(), prev.Rev, n.Rev, n.Status)
		if err := tx.Audit(AuditChangeConfirmed, detail); err != nil {
			return err
		}
	}
	if mode != writeRemote {
		return tx.appendOutbox(KindNeed, n.ID, n.Rev, n.BaseRev, seq)
	}
	return nil
}

// putNeedHead writes a need's head and moves its index entries from prev's
// values to head's.
func (tx *Tx) putNeedHead(head, prev *needHead) error {
	if prev != nil {
		if prev.Status != head.Status {
			if err := tx.del(needByStatusBucket, pairKey(string(prev.Status), prev.ID)); err != nil {
				return err
			}
		}
		if prev.EnterpriseID != head.EnterpriseID {
			if err := tx.del(needByEnterpriseBucket, pairKey(prev.EnterpriseID, prev.ID)); err != nil {
				return err
			}
		}
		if !prev.Updated.Equal(head.Updated) {
			if err := tx.del(needByUpdatedBucket, timeKey(prev.Updated, prev.ID)); err != nil {
				return err
			}
		}
	}
	// Unchanged entries are not written again: every bucket page a
	// transaction touches is one more page to write and sync.
	if prev == nil || prev.Status != head.Status {
		if err := tx.put(needByStatusBucket, pairKey(string(head.Status), head.ID), nil); err != nil {
			return err
		}
	}
	if prev == nil || prev.EnterpriseID != head.EnterpriseID {
		if err := tx.put(needByEnterpriseBucket, pairKey(head.EnterpriseID, head.ID), nil); err != nil {
			return err
		}
	}
	if prev == nil || !prev.Updated.Equal(head.Updated) {
		if err := tx.putAppend(needByUpdatedBucket, timeKey(head.Updated, head.ID), nil); err != nil {
			return err
		}
	}
	if err := tx.putSealed(needSummariesBucket, []byte(head.ID), head.encode()); err != nil {
		return err
	}
	tx.keepNeedHead(head)
	return nil
}

// keepNeedHead keeps a head written, for memory to take over once the
// transaction commits (not a staged one's: see stage.go).
func (tx *Tx) keepNeedHead(h *needHead) {
	if tx.stage != nil {
		return
	}
	if tx.needs == nil {
		tx.needs = map[string]*needHead{}
	}
	tx.needs[h.ID] = h
}

func (h *needHead) rev() string {
	if h == nil {
		return ""
	}
	return h.Rev
}

func (h *entHead) rev() string {
	if h == nil {
		return ""
	}
	return h.Rev
}

// putRevision writes a revision row and returns its seq. For a remote write
// of the current revision (curRev) the row is replaced in place; a remote
// write of an older revision is a conflict, since the store would lose its
// order of revisions.
func (tx *Tx) putRevision(bucket []byte, id, rev, curRev string, data []byte, mode writeMode) (uint64, error) {
	b := tx.bucket(bucket)
	if mode != writeLocal {
		var found uint64
		var latest bool
		err := tx.eachRevision(bucket, id, func(seq uint64, v []byte) error {
			r, err := rowRev(v)
			if err != nil {
				return err
			}
			if r == rev {
				found = seq
			}
			latest = r == rev
			return nil
		})
		if err != nil {
			return 0, err
		}
		if found != 0 {
			if !latest || rev != curRev {
				return 0, fmt.Errorf("revision %s is older than the stored %s: %w", rev, curRev, ErrConflict)
			}
			return found, tx.putSealed(bucket, seqKey(id, found), data)
		}
	}
	seq, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	return seq, tx.putSealed(bucket, seqKey(id, seq), data)
}

// rowRev returns the "rev" of a record's JSON without decoding its fields.
func rowRev(v []byte) (string, error) {
	var r struct {
		Rev string `json:"rev"`
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return "", err
	}
	return r.Rev, nil
}

// hasRevision reports whether a record has a revision row with the rev.
func (tx *Tx) hasRevision(bucket []byte, id, rev string) (bool, error) {
	found := false
	err := tx.eachRevision(bucket, id, func(_ uint64, v []byte) error {
		r, err := rowRev(v)
		if err == nil && r == rev {
			found = true
		}
		return err
	})
	return found, err
}

// SaveEnterprise saves a new revision of an enterprise in this transaction;
// see Store.SaveEnterprise.
func (tx *Tx) SaveEnterprise(e *forms.Enterprise) error {
	if err := tx.saveEnterprise(e); err != nil {
		return fmt.Errorf("save enterprise %s: %w", displayID(e.ID), err)
	}
	return nil
}

func (tx *Tx) saveEnterprise(e *forms.Enterprise) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	var prev *entHead
	if e.ID != "" {
		if err := checkID("enterprise", e.ID); err != nil {
			return err
		}
		var err error
		if prev, err = tx.entHead(e.ID); err != nil {
			return err
		}
	}
	if prev != nil && e.Rev != "" && e.Rev != prev.Rev {
		return fmt.Errorf("saving an edit of revision %s, the stored one is %s: %w", e.Rev, prev.Rev, ErrConflict)
	}
	code := forms.NormalizeCreditCode(e.CreditCode())
	for _, other := range tx.idsByCode(code) {
		if other != e.ID {
			return fmt.Errorf("credit code %s is %s's: %w", code, other, ErrDuplicate)
		}
	}

	snap, contacts := *e, slices.Clone(e.Contacts)
	tx.undo = append(tx.undo, func() {
		*e = snap
		copy(e.Contacts, contacts)
	})
	now := tx.s.clock()
	user, team := tx.s.userTeam()
	if e.ID == "" {
		e.ID = tx.entIDs.Next()
	}
	for i := range e.Contacts {
		if e.Contacts[i].ID == "" {
			e.Contacts[i].ID = forms.NewID()
		}
	}
	if prev == nil {
		if e.CreatedAt.IsZero() {
			e.CreatedAt = now
		}
		if e.CreatedBy == "" {
			e.CreatedBy = user
		}
		if e.Team == "" {
			e.Team = team
		}
	} else {
		e.CreatedAt = prev.CreatedAt
		if prev.CreatedBy != "" {
			e.CreatedBy = prev.CreatedBy
		}
		if e.Team == "" {
			e.Team = prev.Team
		}
	}
	e.Rev = forms.NewID()
	e.CatalogueVersion = catalogue().Version
	e.UpdatedAt = now
	return tx.writeEnterprise(e, prev, writeLocal)
}

// writeEnterprise writes e as the enterprise's current revision, then
// brings its needs' heads up to date and re-reconciles their confirmations:
// the enterprise's name, credit code and region are confirmed content.
func (tx *Tx) writeEnterprise(e *forms.Enterprise, prev *entHead, mode writeMode) error {
	data, err := marshalRecord(e)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	seq, err := tx.putRevision(enterpriseRevisionsBucket, e.ID, e.Rev, prev.rev(), data, mode)
	if err != nil {
		return err
	}
	head := &entHead{
		ID: e.ID, Name: e.Name(), CreditCode: forms.NormalizeCreditCode(e.CreditCode()),
		Region: e.Values.Get("region"), Rev: e.Rev, RevSeq: seq,
		CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC(), CreatedBy: e.CreatedBy, Team: e.Team,
	}
	if prev != nil {
		if prev.CreditCode != "" && prev.CreditCode != head.CreditCode {
			if err := tx.del(enterpriseByCodeBucket, pairKey(tx.s.crypt.codeKey(prev.CreditCode), e.ID)); err != nil {
				return err
			}
		}
		if !prev.UpdatedAt.Equal(head.UpdatedAt) {
			if err := tx.del(enterpriseByUpdatedBucket, timeKey(prev.UpdatedAt, e.ID)); err != nil {
				return err
			}
		}
	}
	if head.CreditCode != "" && (prev == nil || prev.CreditCode != head.CreditCode) {
		if err := tx.put(enterpriseByCodeBucket, pairKey(tx.s.crypt.codeKey(head.CreditCode), e.ID), nil); err != nil {
			return err
		}
	}
	if prev == nil || !prev.UpdatedAt.Equal(head.UpdatedAt) {
		if err := tx.putAppend(enterpriseByUpdatedBucket, timeKey(head.UpdatedAt, e.ID), nil); err != nil {
			return err
		}
	}
	if err := tx.putSealed(enterpriseSummariesBucket, []byte(e.ID), head.encode()); err != nil {
		return err
	}
	if tx.stage == nil {
		if tx.ents == nil {
			tx.ents = map[string]*entHead{}
		}
		tx.ents[e.ID] = head
	}
	if mode != writeRemote {
		if err := tx.appendOutbox(KindEnterprise, e.ID, e.Rev, prev.rev(), seq); err != nil {
			return err
		}
	}
	return tx.refreshNeedsOf(e, head)
}

// refreshNeedsOf updates the heads of an enterprise's needs after the
// enterprise changed, and sends a need whose confirmed content changed back
// to 待企业确认 with a new revision (and outbox entry) of its own.
func (tx *Tx) refreshNeedsOf(e *forms.Enterprise, ent *entHead) error {
	for _, id := range tx.NeedIDsOf(e.ID) {
		prev, err := tx.needHead(id)
		if err != nil {
			return err
		}
		if prev == nil {
			return fmt.Errorf("need %s: in the enterprise index but has no head: %w", id, ErrCorrupt)
		}
		head := *prev
		head.EnterpriseName, head.Region = ent.Name, ent.Region
		if prev.HasConfirmation {
			n, err := tx.Need(id)
			if err != nil {
				return err
			}
			if catalogue().Reconcile(n, e) {
				n.BaseRev, n.Rev = n.Rev, forms.NewID()
				n.UpdatedAt = tx.s.clock()
				n.CatalogueVersion = catalogue().Version
				if err := tx.writeNeed(n, prev, ent, e, writeLocal); err != nil {
					return fmt.Errorf("reconcile need %s: %w", id, err)
				}
				continue
			}
			head.Confirmed = catalogue().ConfirmationCurrent(n, e)
			if prev.Confirmed && !head.Confirmed {
				detail := fmt.Sprintf("%s 「%s」: enterprise %s %s", id, n.Title(), e.ID, e.Rev)
				if err := tx.Audit(AuditChangeConfirmed, detail); err != nil {
					return err
				}
			}
		}
		if head.EnterpriseName == prev.EnterpriseName && head.Region == prev.Region && head.Confirmed == prev.Confirmed {
			continue
		}
		if err := tx.putSealed(needSummariesBucket, []byte(id), head.encode()); err != nil {
			return err
		}
		tx.keepNeedHead(&head)
	}
	return nil
}

// PutNeedRemote stores a need as given — its Rev, BaseRev, Status and times
// are kept, nothing is reconciled and no outbox entry is written: for
// records pulled from the platform and for exact import. The need's
// enterprise need not be stored yet. A Rev equal to the stored current one
// replaces that revision; a Rev of an older stored revision is refused with
// ErrConflict.
func (tx *Tx) PutNeedRemote(n *forms.Need) error {
	if err := tx.putNeedRemote(n, writeRemote); err != nil {
		return fmt.Errorf("put need %s: %w", displayID(n.ID), err)
	}
	return nil
}

func (tx *Tx) putNeedRemote(n *forms.Need, mode writeMode) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	if err := checkID("need", n.ID); err != nil {
		return err
	}
	if err := checkID("revision", n.Rev); err != nil {
		return err
	}
	if !n.Status.Valid() {
		return fmt.Errorf("status %q: %w", n.Status, ErrInvalid)
	}
	if n.EnterpriseID != "" {
		if err := checkID("enterprise", n.EnterpriseID); err != nil {
			return err
		}
	}
	prev, err := tx.needHead(n.ID)
	if err != nil {
		return err
	}
	ent, err := tx.entHead(n.EnterpriseID)
	if err != nil {
		return err
	}
	var full *forms.Enterprise
	if ent != nil && n.Confirmation != nil {
		if full, err = tx.Enterprise(n.EnterpriseID); err != nil {
			return err
		}
	}
	return tx.writeNeed(n, prev, ent, full, mode)
}

// PutEnterpriseRemote stores an enterprise as given (see PutNeedRemote).
// Two enterprises may share a credit code this way. Its needs' heads are
// brought up to date and their confirmations re-reconciled, as for a save.
func (tx *Tx) PutEnterpriseRemote(e *forms.Enterprise) error {
	if err := tx.putEnterpriseRemote(e, writeRemote); err != nil {
		return fmt.Errorf("put enterprise %s: %w", displayID(e.ID), err)
	}
	return nil
}

func (tx *Tx) putEnterpriseRemote(e *forms.Enterprise, mode writeMode) error {
	if err := tx.checkWrite(); err != nil {
		return err
	}
	if err := checkID("enterprise", e.ID); err != nil {
		return err
	}
	if err := checkID("revision", e.Rev); err != nil {
		return err
	}
	prev, err := tx.entHead(e.ID)
	if err != nil {
		return err
	}
	return tx.writeEnterprise(e, prev, mode)
}
