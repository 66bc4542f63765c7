package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/xunbang/xunbang/forms"
)

// maxProblems bounds the problems Check reports.
const maxProblems = 50

// Check verifies the data file: bbolt's own consistency check, then the
// store's invariants — every record has its head, revision rows (the last
// one equal to the record), and index entries; every index entry points at
// a record whose values it was made from; every outbox entry points at a
// stored revision. It returns nil or an error wrapping ErrCorrupt that
// lists the problems found. It reads the whole file in one transaction.
func (s *Store) Check(ctx context.Context) error {
	var problems []error
	report := func(format string, args ...any) {
		if len(problems) < maxProblems {
			problems = append(problems, fmt.Errorf(format, args...))
		}
	}
	err := s.View(ctx, func(tx *Tx) error {
		for err := range tx.btx.Check() {
			report("bbolt: %v", err)
		}
		if len(problems) > 0 {
			return nil // the B+trees are broken; reading on could panic
		}
		for _, name := range allBuckets {
			if tx.btx.Bucket(name) == nil {
				report("bucket %s missing", name)
			}
		}
		if len(problems) > 0 {
			return nil
		}
		if v := tx.bucket(metaBucket).Get(metaSchemaKey); string(v) != strconv.Itoa(schemaVersion) {
			report("schema version %q, want %d", v, schemaVersion)
		}
		tx.checkSealed(report)
		tx.checkMeta(report)
		tx.checkAudit(report)
		tx.checkNeeds(report)
		tx.checkEnterprises(report)
		tx.checkSolutions(report)
		tx.checkOutbox(report)
		tx.checkLinked(visitsBucket, visitByEnterpriseBucket, enterpriseSummariesBucket, "visit", report)
		tx.checkLinked(followUpsBucket, followUpByNeedBucket, needSummariesBucket, "follow-up", report)
		return nil
	})
	if err != nil {
		return fmt.Errorf("check store: %w", err)
	}
	if err := s.checkOutboxCount(ctx, report); err != nil {
		return fmt.Errorf("check store: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("check store: %w: %w", ErrCorrupt, errors.Join(problems...))
	}
	return nil
}

// checkOutboxCount compares memory's count of pending outbox entries with
// the bucket's, with no write in between.
func (s *Store) checkOutboxCount(ctx context.Context, report reportFunc) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mem.mu.RLock()
	counted, loaded := s.mem.outbox, s.mem.loadedAll
	s.mem.mu.RUnlock()
	if !loaded {
		return nil
	}
	return s.View(ctx, func(tx *Tx) error {
		if n := tx.bucket(outboxBucket).Stats().KeyN; n != counted {
			report("outbox: %d pending entries, the count kept in memory says %d", n, counted)
		}
		return nil
	})
}

type reportFunc func(format string, args ...any)

func (tx *Tx) checkNeeds(report reportFunc) {
	n := 0
	_ = tx.bucket(needSummariesBucket).ForEach(func(k, hv []byte) error {
		n++
		id := string(k)
		h, err := tx.needHead(id)
		if err != nil {
			report("need %s: %v", id, err)
			return nil
		}
		v, err := tx.getOpen(needRevisionsBucket, seqKey(id, h.RevSeq))
		if err != nil {
			report("need %s: %v", id, err)
			return nil
		}
		if v == nil {
			report("need %s: current revision row %d missing", id, h.RevSeq)
			return nil
		}
		var rec forms.Need
		if err := json.Unmarshal(v, &rec); err != nil {
			report("need %s: %v", id, err)
			return nil
		}
		if rec.ID != id || h.ID != id || h.Rev != rec.Rev || h.BaseRev != rec.BaseRev || h.Status != rec.Status ||
			h.EnterpriseID != rec.EnterpriseID || !h.Updated.Equal(rec.UpdatedAt) || h.Title != rec.Title() ||
			h.HasConfirmation != (rec.Confirmation != nil) {
			report("need %s: summary %s/%s/%s does not match its revision row %s/%s/%s", id, h.Rev, h.Status, h.EnterpriseID, rec.Rev, rec.Status, rec.EnterpriseID)
		}
		if last := tx.lastRevisionSeq(needRevisionsBucket, id); last != h.RevSeq {
			report("need %s: current revision is row %d, the last row is %d", id, h.RevSeq, last)
		}
		for _, ix := range []struct {
			bucket []byte
			key    []byte
		}{
			{needByStatusBucket, pairKey(string(rec.Status), id)},
			{needByEnterpriseBucket, pairKey(rec.EnterpriseID, id)},
			{needByUpdatedBucket, timeKey(rec.UpdatedAt, id)},
		} {
			if !tx.hasKey(ix.bucket, ix.key) {
				report("need %s: missing from %s", id, ix.bucket)
			}
		}
		return nil
	})
	tx.checkIndex(needByStatusBucket, n, report, func(k []byte) (string, bool) {
		st, id, ok := bytes.Cut(k, []byte{0})
		h := tx.headOrNil(id)
		return string(id), ok && h != nil && string(h.Status) == string(st)
	})
	tx.checkIndex(needByEnterpriseBucket, n, report, func(k []byte) (string, bool) {
		eid, id, ok := bytes.Cut(k, []byte{0})
		h := tx.headOrNil(id)
		return string(id), ok && h != nil && h.EnterpriseID == string(eid)
	})
	tx.checkIndex(needByUpdatedBucket, n, report, func(k []byte) (string, bool) {
		id := timeKeyID(k)
		h := tx.headOrNil([]byte(id))
		return id, h != nil && h.Updated.Equal(timeKeyTime(k))
	})
	tx.checkRevisionRows(needRevisionsBucket, needSummariesBucket, report)
}

// checkRevisionRows checks that every revision row belongs to a record
// (or to a record a staged import is writing: see stage.go).
func (tx *Tx) checkRevisionRows(revisions, summaries []byte, report reportFunc) {
	sum := tx.bucket(summaries)
	staged := stagedInPlace(tx.btx)
	var lastID []byte
	_ = tx.bucket(revisions).ForEach(func(k, _ []byte) error {
		id, _, ok := splitSeqKey(k)
		if !ok {
			report("%s: bad key %q", revisions, k)
			return nil
		}
		if string(lastID) == id {
			return nil
		}
		lastID = []byte(id)
		if sum.Get(lastID) == nil && (staged == nil || staged.Get(pairKey(string(revisions), string(k))) == nil) {
			report("%s: rows of %s, which has no summary", revisions, id)
		}
		return nil
	})
}

func (tx *Tx) hasKey(bucket, key []byte) bool {
	k, _ := tx.bucket(bucket).Cursor().Seek(key)
	return bytes.Equal(k, key)
}

func (tx *Tx) headOrNil(id []byte) *needHead {
	h, err := tx.needHead(string(id))
	if err != nil {
		return nil
	}
	return h
}

// checkIndex checks that an index has want entries, each of which ok
// accepts.
func (tx *Tx) checkIndex(bucket []byte, want int, report reportFunc, ok func(k []byte) (string, bool)) {
	n := 0
	_ = tx.bucket(bucket).ForEach(func(k, _ []byte) error {
		n++
		if id, good := ok(k); !good {
			report("%s entry %q (%s) does not match a record", bucket, k, id)
		}
		return nil
	})
	if n != want {
		report("%s has %d entries for %d records", bucket, n, want)
	}
}

func (tx *Tx) lastRevisionSeq(bucket []byte, id string) uint64 {
	var last uint64
	_ = tx.eachRevision(bucket, id, func(seq uint64, _ []byte) error { last = seq; return nil })
	return last
}

func (tx *Tx) checkEnterprises(report reportFunc) {
	heads := tx.bucket(enterpriseSummariesBucket)
	n, coded := 0, 0
	_ = heads.ForEach(func(k, _ []byte) error {
		n++
		id := string(k)
		h, err := tx.entHead(id)
		if err != nil {
			report("enterprise %s: %v", id, err)
			return nil
		}
		v, err := tx.getOpen(enterpriseRevisionsBucket, seqKey(id, h.RevSeq))
		if err != nil {
			report("enterprise %s: %v", id, err)
			return nil
		}
		if v == nil {
			report("enterprise %s: current revision row %d missing", id, h.RevSeq)
			return nil
		}
		var rec forms.Enterprise
		if err := json.Unmarshal(v, &rec); err != nil {
			report("enterprise %s: %v", id, err)
			return nil
		}
		code := forms.NormalizeCreditCode(rec.CreditCode())
		if rec.ID != id || h.ID != id || h.Rev != rec.Rev || h.CreditCode != code || h.Name != rec.Name() ||
			h.Region != rec.Values.Get("region") || !h.UpdatedAt.Equal(rec.UpdatedAt) {
			report("enterprise %s: summary does not match its revision row", id)
		}
		if last := tx.lastRevisionSeq(enterpriseRevisionsBucket, id); last != h.RevSeq {
			report("enterprise %s: current revision is row %d, the last row is %d", id, h.RevSeq, last)
		}
		if code != "" {
			coded++
			if !tx.hasKey(enterpriseByCodeBucket, pairKey(tx.s.crypt.codeKey(code), id)) {
				report("enterprise %s: missing from %s", id, enterpriseByCodeBucket)
			}
		}
		if !tx.hasKey(enterpriseByUpdatedBucket, timeKey(rec.UpdatedAt, id)) {
			report("enterprise %s: missing from %s", id, enterpriseByUpdatedBucket)
		}
		// The need summaries show the enterprise as it is now.
		for _, nid := range tx.NeedIDsOf(id) {
			if nh := tx.headOrNil([]byte(nid)); nh != nil && (nh.EnterpriseName != h.Name || nh.Region != h.Region) {
				report("need %s: summary shows enterprise %q/%s, it is %q/%s", nid, nh.EnterpriseName, nh.Region, h.Name, h.Region)
			}
		}
		return nil
	})
	entHeadOK := func(id []byte) *entHead {
		h, _ := tx.entHead(string(id))
		return h
	}
	tx.checkIndex(enterpriseByCodeBucket, coded, report, func(k []byte) (string, bool) {
		code, id, ok := bytes.Cut(k, []byte{0})
		h := entHeadOK(id)
		return string(id), ok && h != nil && h.CreditCode != "" && tx.s.crypt.codeKey(h.CreditCode) == string(code)
	})
	tx.checkIndex(enterpriseByUpdatedBucket, n, report, func(k []byte) (string, bool) {
		id := timeKeyID(k)
		h := entHeadOK([]byte(id))
		return id, h != nil && h.UpdatedAt.Equal(timeKeyTime(k))
	})
	tx.checkRevisionRows(enterpriseRevisionsBucket, enterpriseSummariesBucket, report)
}

func (tx *Tx) checkOutbox(report reportFunc) {
	for _, b := range [][]byte{outboxBucket, outboxQuarantineBucket} {
		_ = tx.bucket(b).ForEach(func(k, sv []byte) error {
			var rec outboxRecord
			v, err := tx.s.crypt.open(b, k, sv)
			if err != nil {
				return nil // reported by checkSealed
			}
			if err := json.Unmarshal(v, &rec); err != nil {
				report("%s %x: %v", b, k, err)
				return nil
			}
			if !slices.Contains([]string{KindEnterprise, KindNeed, KindSolution}, rec.Kind) {
				report("%s %x: kind %q", b, k, rec.Kind)
				return nil
			}
			row, err := tx.getOpen(revisionsBucketOf(rec.Kind), seqKey(rec.ID, rec.RevSeq))
			if err != nil || row == nil {
				report("%s %x: %s %s revision %s: no such revision", b, k, rec.Kind, rec.ID, rec.Rev)
				return nil
			}
			if r, err := rowRev(row); err != nil || r != rec.Rev {
				report("%s %x: %s %s revision row %d has rev %s, entry says %s", b, k, rec.Kind, rec.ID, rec.RevSeq, r, rec.Rev)
			}
			slots := tx.outboxSlots(rec.Kind, rec.ID)
			seq := binary.BigEndian.Uint64(k)
			if isPending := bytes.Equal(b, outboxBucket); isPending && slots.pending != seq || !isPending && slots.quarantined != seq {
				report("%s %x: %s %s: outbox_by_record says %d/%d (one entry per record)", b, k, rec.Kind, rec.ID, slots.pending, slots.quarantined)
			}
			return nil
		})
	}
	_ = tx.bucket(outboxByRecordBucket).ForEach(func(k, v []byte) error {
		slots, ok := decodeOutboxSlots(v)
		kind, id, _ := bytes.Cut(k, []byte{0})
		if !ok || slots == (outboxSlots{}) {
			report("outbox_by_record %q: value %x", k, v)
			return nil
		}
		for _, s := range []struct {
			bucket []byte
			seq    uint64
		}{{outboxBucket, slots.pending}, {outboxQuarantineBucket, slots.quarantined}} {
			if s.seq == 0 {
				continue
			}
			rec, err := tx.readOutbox(s.bucket, s.seq)
			if err != nil || rec == nil || rec.Kind != string(kind) || rec.ID != string(id) {
				report("outbox_by_record %q: %s entry %d is not the record's", k, s.bucket, s.seq)
			}
		}
		return nil
	})
}

func (tx *Tx) checkLinked(bucket, index, parents []byte, what string, report reportFunc) {
	n := 0
	b := tx.bucket(bucket)
	_ = tx.bucket(index).ForEach(func(k, _ []byte) error {
		n++
		parent, id, ok := bytes.Cut(k, []byte{0})
		if !ok || b.Get(id) == nil {
			report("%s entry %q: no %s", index, k, what)
		}
		if tx.bucket(parents).Get(parent) == nil {
			report("%s entry %q: no parent %s", index, k, parent)
		}
		return nil
	})
	if c := b.Stats().KeyN; c != n {
		report("%d %ss but %d index entries", c, what, n)
	}
}

// checkSealed checks that every value of the sealed buckets opens: in an
// encrypted store, that none is in the clear and none was altered or moved.
func (tx *Tx) checkSealed(report reportFunc) {
	if !tx.s.crypt.encrypted() {
		return
	}
	for _, b := range sealedBuckets {
		bad := 0
		_ = tx.bucket(b).ForEach(func(k, v []byte) error {
			if _, err := tx.s.crypt.open(b, k, v); err != nil {
				if bad++; bad <= 3 {
					report("%v", err)
				}
			}
			return nil
		})
		if bad > 3 {
			report("%s: %d values do not open", b, bad)
		}
	}
}

// checkMeta checks meta: the crypt record matches the key the store was
// opened with (and is absent from an unencrypted store), settings open,
// every other key is a caller's, stored under the HMAC of the key it holds.
func (tx *Tx) checkMeta(report reportFunc) {
	c := tx.s.crypt
	meta := tx.bucket(metaBucket)
	if v := meta.Get(metaCryptKey); c.encrypted() != (v != nil) {
		report("meta/crypt present %t in a store encrypted %t", v != nil, c.encrypted())
	} else if v != nil {
		rec, err := parseCryptRecord(v)
		if err != nil || !c.verify(rec) {
			report("meta/crypt does not match the data key (%v)", err)
		}
	}
	_ = meta.ForEach(func(k, v []byte) error {
		switch {
		case bytes.Equal(k, metaSettingsKey):
			if p, err := c.open(metaBucket, k, v); err != nil {
				report("%v", err)
			} else if !json.Valid(p) {
				report("meta/settings is not JSON")
			}
		case isReservedMeta(k):
		case isHashedMetaKey(k):
			p, err := c.open(metaBucket, k, v)
			if err != nil {
				report("%v", err)
				return nil
			}
			key, _, err := decodeMetaValue(p)
			if err != nil || !bytes.Equal(c.metaKey(key), k) {
				report("meta %x: holds key %q, which does not hash to it (%v)", k, key, err)
			}
		default:
			report("meta: unknown key %q", k)
		}
		return nil
	})
}

// checkAudit checks that the audit log is whole: its keys run 1, 2, 3 … up
// to the bucket's sequence, and every entry decodes.
func (tx *Tx) checkAudit(report reportFunc) {
	b := tx.bucket(auditBucket)
	want := uint64(1)
	_ = b.ForEach(func(k, v []byte) error {
		if len(k) != 8 || binary.BigEndian.Uint64(k) != want {
			report("audit: entry %x where %d was due: entries were removed", k, want)
			if len(k) == 8 {
				want = binary.BigEndian.Uint64(k)
			}
		}
		want++
		if p, err := tx.s.crypt.open(auditBucket, k, v); err == nil {
			var rec auditRecord
			if err := json.Unmarshal(p, &rec); err != nil {
				report("audit %x: %v", k, err)
			}
		}
		return nil
	})
	if seq := b.Sequence(); want-1 != seq {
		report("audit: the last entry is %d, the log has counted %d: entries were removed", want-1, seq)
	}
}
