package store

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"github.com/xunbang/xunbang/forms"
)

/*
A staged import holds back, until its last record is staged, the rows of
need_by_enterprise that point at enterprises new to the store (issue 17).

Those rows are keyed by enterprise, then need. A sheet's rows come in any
order of enterprises (an export of the platform sheet: by need id), so each
staging transaction of 2,000 needs put a row on nearly as many pages of the
index, all over it: 141,000 of the 469,000 pages an import of 200,000 needs
wrote. Held back in memory (as a need's 16 bytes in one list: see
heldRows), they are written at the end in key order, where each page is
written once, full.

Nothing outside the import can see the held rows' absence: they point at
enterprises only the staging holds. Inside it, Tx.scan (NeedIDsOf) lays
them over what it finds, and a removal of one takes it out. A staging cut
short loses them with the rest of the staging, which the next Open undoes.
*/

// heldRows are the need_by_enterprise rows a staged import holds back.
// A row whose enterprise id and need id are both UUIDs as forms writes
// them (every row of an import but a hand-written file's) is kept as the
// need's 16 bytes in one list, an enterprise's rows chained from its last:
// nothing for the collector to follow (at 200,000 needs the rows as text,
// one slice an enterprise, took some 20 MB, a third of the staging's
// heap). Any other row is kept as text: by enterprise id, the ids of its
// needs, each ended by 0x00.
type heldRows struct {
	last  map[[16]byte]uint32 // enterprise → its last row in list, +1
	list  []heldRow
	other map[string][]byte
}

// heldRow is a need's row of an enterprise, and the enterprise's row
// before it in heldRows.list (+1; 0 for none).
type heldRow struct {
	need [16]byte
	prev uint32
}

func newHeldRows() *heldRows {
	return &heldRows{last: map[[16]byte]uint32{}, other: map[string][]byte{}}
}

// holds reports whether a write of key into bucket is one to hold back: a
// need_by_enterprise row of an enterprise the store does not have.
func (h *heldRows) holds(tx *Tx, bucket, key []byte) (eid, nid []byte, ok bool) {
	if h == nil || !bytes.Equal(bucket, needByEnterpriseBucket) {
		return nil, nil, false
	}
	i := bytes.IndexByte(key, 0)
	if i <= 0 || i == len(key)-1 {
		return nil, nil, false
	}
	eid, nid = key[:i], key[i+1:]
	if bytes.IndexByte(nid, 0) >= 0 || !tx.newToStore(enterpriseSummariesBucket, eid) {
		return nil, nil, false
	}
	return eid, nid, true
}

// put holds a row back, reporting whether it did. A row held twice is
// written once (needsOf).
func (h *heldRows) put(tx *Tx, bucket, key []byte) bool {
	eid, nid, ok := h.holds(tx, bucket, key)
	if !ok {
		return false
	}
	e, eok := forms.ParseUUID(eid)
	n, nok := forms.ParseUUID(nid)
	if eok && nok {
		h.list = append(h.list, heldRow{need: n, prev: h.last[e]})
		h.last[e] = uint32(len(h.list))
		return true
	}
	l := h.other[string(eid)]
	h.other[string(eid)] = append(append(l, nid...), 0)
	return true
}

// del removes a held row, reporting whether the row was one to hold back
// (then the store has no such row to remove).
func (h *heldRows) del(tx *Tx, bucket, key []byte) bool {
	eid, nid, ok := h.holds(tx, bucket, key)
	if !ok {
		return false
	}
	e, eok := forms.ParseUUID(eid)
	n, nok := forms.ParseUUID(nid)
	if eok && nok {
		after := -1 // the row whose prev is the one at hand
		for i := h.last[e]; i != 0; i = h.list[i-1].prev {
			switch {
			case h.list[i-1].need != n:
				after = int(i - 1)
			case after < 0:
				h.last[e] = h.list[i-1].prev
			default:
				h.list[after].prev = h.list[i-1].prev
			}
		}
		return true
	}
	if l, seen := h.other[string(eid)]; seen {
		ids := slices.DeleteFunc(split0(l), func(id string) bool { return id == string(nid) })
		h.other[string(eid)] = join0(ids)
	}
	return true
}

// needsOf returns the held need ids of an enterprise, sorted, each once.
func (h *heldRows) needsOf(eid string) []string {
	if h == nil {
		return nil
	}
	ids := split0(h.other[eid])
	if e, ok := forms.ParseUUID(eid); ok {
		for i := h.last[e]; i != 0; i = h.list[i-1].prev {
			ids = append(ids, forms.UUIDString(h.list[i-1].need))
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// writeHeld stages the held rows in key order, some publishBatch a
// transaction (an enterprise's rows in one), and lets them go.
func (s *Store) writeHeld(ctx context.Context, h *heldRows) error {
	eids := make([]string, 0, len(h.last)+len(h.other))
	for e := range h.last {
		eids = append(eids, forms.UUIDString(e))
	}
	for eid := range h.other {
		eids = append(eids, eid)
	}
	slices.Sort(eids)
	eids = slices.Compact(eids)
	for len(eids) > 0 {
		if err := s.stagedUpdate(ctx, func(tx *Tx) error {
			for n := 0; n < publishBatch && len(eids) > 0; eids = eids[1:] {
				for _, nid := range h.needsOf(eids[0]) {
					if err := tx.put(needByEnterpriseBucket, pairKey(eids[0], nid), nil); err != nil {
						return err
					}
					n++
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	h.last, h.list, h.other = nil, nil, nil
	return nil
}

// scanHeld is scan of need_by_enterprise for an enterprise with rows
// held back: the rows found and the rows held, in key order, each once.
func (tx *Tx) scanHeld(bucket []byte, a string, held []string, fn func(k, v []byte) error) error {
	var keys []string
	err := tx.scanWritten(bucket, a, func(k, _ []byte) error {
		keys = append(keys, string(k))
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range held {
		keys = append(keys, string(pairKey(a, id)))
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if err := fn([]byte(k), nil); err != nil {
			return err
		}
	}
	return nil
}

// split0 splits ids each ended by 0x00.
func split0(l []byte) []string {
	if len(l) == 0 {
		return nil
	}
	return strings.Split(string(l[:len(l)-1]), "\x00")
}

// join0 is split0 undone.
func join0(ids []string) []byte {
	var l []byte
	for _, id := range ids {
		l = append(append(l, id...), 0)
	}
	return l
}
