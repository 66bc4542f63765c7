package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/atomicfile"
)

// migration brings the file from schema to-1 to schema to. Each runs in its
// own write transaction, which also records the new version, so a crash
// during a migration leaves the file at the version before it.
//
// A migration must not depend on code that later schemas change: when a
// later schema changes the layout that the current write path produces,
// freeze a copy of what an older migration needs beside it (as v0Need
// below freezes the prototype's record types).
type migration struct {
	to   int
	name string
	fn   func(tx *Tx) error
}

// migrations lists every migration in order. Append only.
var migrations = []migration{
	{to: 1, name: "revisions, indexes, need list and outbox", fn: migrateV0},
	{to: 2, name: "hashed index keys and meta keys, audit log", fn: migrateV1},
	{to: 3, name: "one outbox entry per record, the platform's verdict in need heads", fn: migrateV2},
	{to: 4, name: "solutions (揭榜)", fn: migrateV3},
	{to: 5, name: "tech field codes to the three official levels", fn: migrateV4},
}

// migrate runs the migrations from version to schemaVersion. The caller has
// copied the file to backup (DIR/xunbang.db.schema<version>-<time>.bak)
// first. Encrypting an unencrypted file is not a migration: it comes after
// (see encryptFile).
func (s *Store) migrate(ctx context.Context, version int, backup string) error {
	s.log.Info("store: migrating data file", "path", s.path, "from", version, "to", schemaVersion, "backup", backup)
	for _, m := range migrations {
		if m.to <= version {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		start := time.Now()
		err := s.db.Update(func(btx *bolt.Tx) error {
			tx := &Tx{s: s, btx: btx, ctx: ctx, writable: true}
			if err := m.fn(tx); err != nil {
				return err
			}
			meta := btx.Bucket(metaBucket)
			if err := meta.Put(metaSchemaKey, []byte(strconv.Itoa(m.to))); err != nil {
				return err
			}
			return meta.Put(metaUpgradedKey, []byte(s.clock().UTC().Format(time.RFC3339)))
		})
		if err != nil {
			s.log.Error("store: migration failed", "to", m.to, "name", m.name, "err", err, "backup", backup)
			return fmt.Errorf("migrate to schema %d (%s): %w", m.to, m.name, err)
		}
		s.log.Info("store: migrated", "to", m.to, "name", m.name, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// backup copies the data file, as one consistent read transaction sees it,
// to a new file beside it, written to a temporary name, synced and renamed.
// (A copy of an unencrypted file is sealed once the data is encrypted; see
// sealPlainBackups.)
func (s *Store) backup(version int) (string, error) {
	name := fmt.Sprintf("%s.schema%d-%s.bak", FileName, version, s.clock().UTC().Format("20060102T150405Z"))
	path := filepath.Join(s.dir, name)
	if err := s.copyTo(path); err != nil {
		return "", err
	}
	return path, nil
}

func (s *Store) copyTo(path string) error {
	f, err := atomicfile.Create(path, 0o600)
	if err != nil {
		return err
	}
	defer f.Cleanup()
	err = guard(s.path, func() error {
		return s.db.View(func(btx *bolt.Tx) error {
			// A damaged file is never copied into a backup (which could
			// then push a good one out of the daily rotation).
			if err := boltCheck(btx); err != nil {
				return err
			}
			_, err := btx.WriteTo(f)
			return err
		})
	})
	if err != nil {
		return err
	}
	return f.Commit()
}

// Schema 0 was the prototype: buckets "enterprises" and "needs" holding
// records by id, with the catalogue fields in a nested "values" object, and
// nothing else — no meta bucket, revisions, indexes, list or outbox. Its
// types are frozen here.

type v0Enterprise struct {
	ID        string      `json:"id"`
	Values    v0Values    `json:"values"`
	Contacts  []v0Contact `json:"contacts"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

type v0Contact struct {
	ID     string   `json:"id"`
	Values v0Values `json:"values"`
}

type v0Need struct {
	ID           string    `json:"id"`
	EnterpriseID string    `json:"enterprise_id"`
	Status       string    `json:"status"` // id or Chinese label
	Values       v0Values  `json:"values"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

type v0Values map[string][]string

// The schema 0 buckets; schema 1 replaced them with summaries and revisions.
var (
	v0EnterprisesBucket = []byte("enterprises")
	v0NeedsBucket       = []byte("needs")
)

// migrateV0 turns the prototype's records into revision 1 of each record,
// with heads, indexes and an outbox entry (nothing of schema 0 was ever
// synced). Records keep their ids and times.
func migrateV0(tx *Tx) error {
	if err := createBuckets(tx.btx); err != nil {
		return err
	}
	var ents []*forms.Enterprise
	if err := forEachV0(tx.btx, v0EnterprisesBucket, func(k, v []byte) error {
		var old v0Enterprise
		if err := json.Unmarshal(v, &old); err != nil {
			return fmt.Errorf("schema 0 enterprise %s: %w", k, err)
		}
		e := &forms.Enterprise{ID: old.ID, Values: forms.Values(old.Values), CreatedAt: old.CreatedAt, UpdatedAt: old.UpdatedAt}
		if e.ID == "" {
			e.ID = string(k)
		}
		for _, c := range old.Contacts {
			e.Contacts = append(e.Contacts, forms.Contact{ID: c.ID, Values: forms.Values(c.Values)})
		}
		ents = append(ents, e)
		return nil
	}); err != nil {
		return err
	}
	var needs []*forms.Need
	if err := forEachV0(tx.btx, v0NeedsBucket, func(k, v []byte) error {
		var old v0Need
		if err := json.Unmarshal(v, &old); err != nil {
			return fmt.Errorf("schema 0 need %s: %w", k, err)
		}
		st, err := forms.ParseStatus(old.Status)
		if err != nil {
			st = forms.StatusDraft
		}
		n := &forms.Need{ID: old.ID, EnterpriseID: old.EnterpriseID, Status: st, Values: forms.Values(old.Values),
			CreatedAt: old.CreatedAt, UpdatedAt: old.UpdatedAt}
		if n.ID == "" {
			n.ID = string(k)
		}
		needs = append(needs, n)
		return nil
	}); err != nil {
		return err
	}
	for _, name := range [][]byte{v0EnterprisesBucket, v0NeedsBucket} {
		if err := tx.btx.DeleteBucket(name); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
	}
	// Records are rewritten in the new layout by the write path, with a new
	// Rev each; their old times are kept.
	for _, e := range ents {
		if err := checkID("enterprise", e.ID); err != nil {
			return err
		}
		for i := range e.Contacts {
			if e.Contacts[i].ID == "" {
				e.Contacts[i].ID = forms.NewID()
			}
		}
		e.Rev, e.CatalogueVersion = forms.NewID(), catalogue().Version
		if err := tx.writeEnterprise(e, nil, writeLocal); err != nil {
			return fmt.Errorf("enterprise %s: %w", e.ID, err)
		}
	}
	for _, n := range needs {
		if err := checkID("need", n.ID); err != nil {
			return err
		}
		ent, err := tx.entHead(n.EnterpriseID)
		if err != nil {
			return err
		}
		n.Rev, n.CatalogueVersion = forms.NewID(), catalogue().Version
		if err := tx.writeNeed(n, nil, ent, nil, writeLocal); err != nil {
			return fmt.Errorf("need %s: %w", n.ID, err)
		}
	}
	return nil
}

func forEachV0(btx *bolt.Tx, name []byte, fn func(k, v []byte) error) error {
	b := btx.Bucket(name)
	if b == nil {
		return nil
	}
	return b.ForEach(fn)
}

// migrateV1 brings schema 1 to 2: the keys of enterprise_by_code become
// HMACs of the credit code, callers' meta keys (the sync keeps the
// platform's enterprise registry by credit code) become HMACs too, with the
// key inside the value, and the audit bucket is created. Schema 1 files are
// never encrypted, so the hashes use the unencrypted store's key; encrypting
// the file hashes them again under the data key.
func migrateV1(tx *Tx) error {
	if err := createBuckets(tx.btx); err != nil {
		return err
	}
	c := plainCrypt
	if err := tx.btx.DeleteBucket(enterpriseByCodeBucket); err != nil {
		return err
	}
	byCode, err := tx.btx.CreateBucket(enterpriseByCodeBucket)
	if err != nil {
		return err
	}
	err = tx.btx.Bucket(enterpriseSummariesBucket).ForEach(func(k, v []byte) error {
		h, err := decodeEntHead(v)
		if err != nil {
			return fmt.Errorf("enterprise %s: %w", k, err)
		}
		if h.CreditCode == "" {
			return nil
		}
		return byCode.Put(pairKey(c.codeKey(h.CreditCode), h.ID), nil)
	})
	if err != nil {
		return err
	}
	meta := tx.btx.Bucket(metaBucket)
	type kv struct{ k, v []byte }
	var callers []kv
	err = meta.ForEach(func(k, v []byte) error {
		if !isReservedMeta(k) && !isHashedMetaKey(k) {
			callers = append(callers, kv{bytes.Clone(k), bytes.Clone(v)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range callers {
		if err := meta.Delete(e.k); err != nil {
			return err
		}
		if err := meta.Put(c.metaKey(string(e.k)), encodeMetaValue(string(e.k), e.v)); err != nil {
			return err
		}
	}
	return nil
}

// migrateV2 brings schema 2 to 3. The outbox of schema 2 held one entry per
// saved revision; schema 3 holds one pending and one quarantined entry per
// record (outbox_by_record). A record's pending entries fold into its
// first, which takes the last one's revision and keeps the first one's
// base (the revision the platform acknowledged), as appendOutbox now does
// on every save; of its quarantined entries the last is kept (the older
// refusals are superseded), and queued revisions older than it are dropped
// (it supersedes them). A quarantined entry whose first reason starts
// with "conflict" (the sync client's mark for a kept conflict) is marked
// as one. Need heads gain the platform's verdict, read from each need's
// current revision. Schema 2 files may be encrypted: values are opened and
// sealed with the store's key.
func migrateV2(tx *Tx) error {
	if err := tx.btx.DeleteBucket(outboxByRecordBucket); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
		return err
	}
	if _, err := tx.btx.CreateBucket(outboxByRecordBucket); err != nil {
		return err
	}
	type entry struct {
		seq uint64
		rec *outboxRecord
	}
	read := func(bucket []byte) ([]entry, error) {
		var out []entry
		err := tx.bucket(bucket).ForEach(func(k, v []byte) error {
			p, err := tx.s.crypt.open(bucket, k, v)
			if err != nil {
				return err
			}
			var rec outboxRecord
			if err := json.Unmarshal(p, &rec); err != nil {
				return fmt.Errorf("%s %x: %w", bucket, k, err)
			}
			out = append(out, entry{binary.BigEndian.Uint64(k), &rec})
			return nil
		})
		return out, err
	}
	pending, err := read(outboxBucket)
	if err != nil {
		return err
	}
	quarantined, err := read(outboxQuarantineBucket)
	if err != nil {
		return err
	}
	slots := map[string]*outboxSlots{}
	first := map[string]*outboxRecord{}
	lastPending := map[string]uint64{}
	slotOf := func(rec *outboxRecord) *outboxSlots {
		k := string(pairKey(rec.Kind, rec.ID))
		if slots[k] == nil {
			slots[k] = &outboxSlots{}
		}
		return slots[k]
	}
	for _, e := range pending { // in seq order
		k := string(pairKey(e.rec.Kind, e.rec.ID))
		s := slotOf(e.rec)
		lastPending[k] = e.seq
		if s.pending == 0 {
			s.pending, first[k] = e.seq, e.rec
			continue
		}
		f := first[k]
		if f.Rev != e.rec.BaseRev {
			f.BaseRev = e.rec.BaseRev
		}
		f.Rev, f.RevSeq = e.rec.Rev, e.rec.RevSeq
		if err := tx.del(outboxBucket, u64Key(e.seq)); err != nil {
			return err
		}
	}
	kept := map[string]*outboxRecord{}
	for _, e := range quarantined {
		s := slotOf(e.rec)
		if s.quarantined != 0 {
			if err := tx.del(outboxQuarantineBucket, u64Key(s.quarantined)); err != nil {
				return err
			}
		}
		s.quarantined = e.seq
		e.rec.Conflict = len(e.rec.Reasons) > 0 && e.rec.Reasons[0].Code == "conflict"
		kept[string(pairKey(e.rec.Kind, e.rec.ID))] = e.rec
	}
	for k, s := range slots {
		if q := kept[k]; q != nil {
			f := first[k]
			switch {
			case f == nil || q.Conflict:
			case s.quarantined > lastPending[k]:
				// The refused revision is newer than every queued one:
				// they are superseded, and it builds on what the platform
				// acknowledged before them.
				q.BaseRev = f.BaseRev
				if err := tx.del(outboxBucket, u64Key(s.pending)); err != nil {
					return err
				}
				first[k], s.pending = nil, 0
			case f.BaseRev == q.Rev:
				f.BaseRev = q.BaseRev
			}
			if err := tx.writeOutbox(outboxQuarantineBucket, s.quarantined, q); err != nil {
				return err
			}
		}
		if f := first[k]; f != nil {
			if err := tx.writeOutbox(outboxBucket, s.pending, f); err != nil {
				return err
			}
		}
		if err := tx.put(outboxByRecordBucket, []byte(k), s.encode()); err != nil {
			return err
		}
	}
	return migrateHeadsV2(tx)
}

// migrateHeadsV2 writes the platform's verdict into every need head whose
// current revision has one.
func migrateHeadsV2(tx *Tx) error {
	type verdict struct {
		Platform forms.Platform `json:"platform"`
	}
	var heads []*needHead
	err := tx.bucket(needSummariesBucket).ForEach(func(k, v []byte) error {
		p, err := tx.s.crypt.open(needSummariesBucket, k, v)
		if err != nil {
			return err
		}
		h, err := decodeNeedHead(p)
		if err != nil {
			return fmt.Errorf("need %s: %w", k, err)
		}
		row, err := tx.getOpen(needRevisionsBucket, seqKey(h.ID, h.RevSeq))
		if err != nil || row == nil {
			return err
		}
		var vd verdict
		if err := json.Unmarshal(row, &vd); err != nil {
			return fmt.Errorf("need %s: %w", k, err)
		}
		if vd.Platform != (forms.Platform{}) {
			h.Platform = verdictOf(vd.Platform)
			heads = append(heads, h)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, h := range heads {
		if err := tx.putSealed(needSummariesBucket, []byte(h.ID), h.encode()); err != nil {
			return err
		}
	}
	return nil
}

// migrateV3 brings schema 3 to 4: the solution buckets are created (empty:
// no solution existed before them).
func migrateV3(tx *Tx) error { return createBuckets(tx.btx) }

// v4TechField maps a tech field code of catalogue 2026.1 (schemas 2 to 4: the
// two levels 01…08 and 0101…0809, xunbang's own) to the official code of
// the same field (10…80, 101…809; see the catalogue's sources): "0X"
// becomes "X0" and "0XYZ" becomes "XYZ". Frozen here, as a rule that does
// not depend on a later catalogue; any other code is left as it is.
func v4TechField(code string) string {
	digits := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return true
	}
	if !digits(code) || len(code) == 0 || code[0] != '0' {
		return code
	}
	switch {
	case len(code) == 2 && code[1] >= '1' && code[1] <= '8':
		return code[1:] + "0"
	case len(code) == 4 && code[1] >= '1' && code[1] <= '8' && code[2] == '0' && code[3] >= '1':
		return code[1:]
	}
	return code
}

// v4UpgradeValues rewrites the schema 4 tech field codes of need values.
func v4UpgradeValues(v forms.Values) bool {
	l := v.List("tech_fields")
	out := make([]string, len(l))
	changed := false
	for i, c := range l {
		out[i] = v4TechField(c)
		changed = changed || out[i] != c
	}
	if changed {
		v.SetList("tech_fields", out)
	}
	return changed
}

// migrateV4 brings schema 4 to 5: every need's tech field codes become the
// official ones (v4TechField), in its current revision. A confirmation
// whose content was intact is re-encoded with the new codes and keeps the
// old hash in its Recoded list (forms.Catalogue.UpgradeNeedWith), so a
// current confirmation stays current; the meaning did not change. The
// team's own needs (the settings' team, or none recorded) get a new
// revision with an outbox entry, so that the hub learns the new codes as
// an edit; another team's needs, pulled from the hub, are rewritten in
// place, since only their team may edit them. Times are kept: a change of
// codes is no edit of the need.
func migrateV4(tx *Tx) error {
	team := ""
	if v, err := tx.getOpen(metaBucket, metaSettingsKey); err != nil {
		return fmt.Errorf("settings: %w", err)
	} else if v != nil {
		var set struct {
			Team string `json:"team"`
		}
		if err := json.Unmarshal(v, &set); err != nil {
			return fmt.Errorf("settings: %w", err)
		}
		team = set.Team
	}
	var ids []string
	if err := tx.btx.Bucket(needSummariesBucket).ForEach(func(k, _ []byte) error {
		ids = append(ids, string(k))
		return nil
	}); err != nil {
		return err
	}
	at := tx.s.clock()
	const reason = "tech_field codes of catalogue 2026.1 → 2026.2 (data file schema 5)"
	for _, id := range ids {
		n, err := tx.Need(id)
		if err != nil {
			return err
		}
		if !catalogue().UpgradeNeedWith(n, at, reason, v4UpgradeValues) {
			continue
		}
		prev, err := tx.needHead(id)
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
		mode := writeRemote // the same revision, rewritten in place
		if n.Team == "" || n.Team == team {
			mode = writeLocal
			n.BaseRev, n.Rev = prev.Rev, forms.NewID()
		}
		n.CatalogueVersion = catalogue().Version
		if err := tx.writeNeed(n, prev, ent, full, mode); err != nil {
			return fmt.Errorf("need %s: %w", id, err)
		}
	}
	return nil
}
