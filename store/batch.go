package store

import (
	"bytes"
	"slices"
)

// A big import is one transaction, and bbolt splits the nodes a transaction
// changes only when it commits: until then every Put into a bucket inserts
// into one in-memory array per leaf. Into an empty store, 50,000 needs with
// random ids would go into a handful of arrays growing to 50,000 entries,
// each insert moving half of one (a quadratic 20 s). So Import defers its
// writes and applies them per bucket in key order at the end, when every
// insert is an append.
//
// While deferring, reads go through the pending writes: get sees them, and
// a prefix scan first applies its bucket's writes if any of them has that
// prefix (which an import rarely causes).

// writeBatch holds deferred writes, per bucket.
type writeBatch struct {
	buckets map[string]*pendingBucket
	order   []string // bucket names in first-write order
}

type pendingBucket struct {
	writes map[string]pendingWrite // key → last write
	// prefixes holds the part before the first 0x00 of every pending key:
	// what a prefix scan looks for.
	prefixes map[string]bool
}

type pendingWrite struct {
	val []byte
	del bool
}

// reset empties the bucket's writes, keeping the maps' room.
func (pb *pendingBucket) reset() {
	clear(pb.writes)
	clear(pb.prefixes)
}

func newWriteBatch() *writeBatch { return &writeBatch{buckets: map[string]*pendingBucket{}} }

func keyPrefix(k []byte) []byte {
	if i := bytes.IndexByte(k, 0); i >= 0 {
		return k[:i]
	}
	return k
}

func (wb *writeBatch) bucket(name []byte) *pendingBucket {
	pb := wb.buckets[string(name)]
	if pb == nil {
		pb = &pendingBucket{writes: map[string]pendingWrite{}, prefixes: map[string]bool{}}
		wb.buckets[string(name)] = pb
		wb.order = append(wb.order, string(name))
	}
	return pb
}

// put writes val (nil is an empty value) under key.
func (tx *Tx) put(bucket, key, val []byte) error {
	return tx.putValue(bucket, key, val, false)
}

// putValue is put; owned says the value was made for the write and no one
// else holds it (a sealed one), so a batch keeps it without a copy.
func (tx *Tx) putValue(bucket, key, val []byte, owned bool) error {
	if tx.held.put(tx, bucket, key) {
		return nil
	}
	tx.countOutbox(bucket, key, 1)
	if tx.batch == nil {
		if tx.stage != nil {
			return tx.stage.write(tx, bucket, key, pendingWrite{val: val})
		}
		return tx.bucket(bucket).Put(key, val)
	}
	pb := tx.batch.bucket(bucket)
	if !owned {
		val = bytes.Clone(val)
	}
	pb.writes[string(key)] = pendingWrite{val: val}
	pb.prefixes[string(keyPrefix(key))] = true
	return nil
}

// putAppend is put into a bucket whose keys mostly grow (by time, by
// sequence): its pages are filled before they split.
func (tx *Tx) putAppend(bucket, key, val []byte) error {
	return tx.putAppendValue(bucket, key, val, false)
}

func (tx *Tx) putAppendValue(bucket, key, val []byte, owned bool) error {
	if tx.batch == nil && tx.stage == nil {
		tx.countOutbox(bucket, key, 1)
		b := tx.bucket(bucket)
		b.FillPercent = appendFill
		return b.Put(key, val)
	}
	return tx.putValue(bucket, key, val, owned)
}

// del removes key.
func (tx *Tx) del(bucket, key []byte) error {
	if tx.held.del(tx, bucket, key) {
		return nil
	}
	tx.countOutbox(bucket, key, -1)
	if tx.batch == nil {
		if tx.stage != nil {
			return tx.stage.write(tx, bucket, key, pendingWrite{del: true})
		}
		return tx.bucket(bucket).Delete(key)
	}
	pb := tx.batch.bucket(bucket)
	pb.writes[string(key)] = pendingWrite{del: true}
	pb.prefixes[string(keyPrefix(key))] = true
	return nil
}

// countOutbox keeps tx.outboxDelta, the change in the number of pending
// outbox entries, before a write of key into bucket: dir 1 for a put, -1
// for a delete. Memory takes the delta over at commit, so that the sync
// strip's count (OutboxStats) reads no page of the outbox. A staged
// import's writes are counted when they are published (copyStaged).
func (tx *Tx) countOutbox(bucket, key []byte, dir int) {
	if tx.stage != nil || !bytes.Equal(bucket, outboxBucket) {
		return
	}
	if exists := tx.get(bucket, key) != nil; exists != (dir > 0) {
		tx.outboxDelta += dir
	}
}

// get returns the value of key, nil if there is none. The value is valid
// until the transaction ends and must not be modified.
func (tx *Tx) get(bucket, key []byte) []byte {
	if tx.batch != nil {
		if pb := tx.batch.buckets[string(bucket)]; pb != nil {
			if w, ok := pb.writes[string(key)]; ok {
				if w.del {
					return nil
				}
				if w.val == nil {
					return []byte{}
				}
				return w.val
			}
		}
	}
	if tx.stage != nil {
		if v, staged := tx.stage.get(bucket, key); staged {
			return v
		}
	}
	return tx.bucket(bucket).Get(key)
}

// scan calls fn with every key-value pair whose key starts with a 0x00
// (see prefixKey), in key order. v is valid only during the call.
func (tx *Tx) scan(bucket []byte, a string, fn func(k, v []byte) error) error {
	if tx.batch != nil {
		if pb := tx.batch.buckets[string(bucket)]; pb != nil && pb.prefixes[a] {
			if err := tx.flushBucket(string(bucket)); err != nil {
				return err
			}
		}
	}
	if tx.held != nil && bytes.Equal(bucket, needByEnterpriseBucket) {
		if held := tx.held.needsOf(a); len(held) > 0 {
			return tx.scanHeld(bucket, a, held, fn)
		}
	}
	return tx.scanWritten(bucket, a, fn)
}

// scanWritten is scan of what is written: the store's pairs with the
// staged ones over them, without rows held back (see stage_defer.go).
func (tx *Tx) scanWritten(bucket []byte, a string, fn func(k, v []byte) error) error {
	p := prefixKey(a)
	if tx.stage != nil {
		if sb := tx.stage.bucket(bucket); sb != nil {
			return scanStaged(tx.bucket(bucket).Cursor(), sb.Cursor(), p, fn)
		}
	}
	c := tx.bucket(bucket).Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// flushBucket applies a bucket's pending writes in key order.
func (tx *Tx) flushBucket(name string) error {
	pb := tx.batch.buckets[name]
	if pb == nil || len(pb.writes) == 0 {
		return nil
	}
	keys := make([]string, 0, len(pb.writes))
	for k := range pb.writes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if tx.stage != nil {
		for _, k := range keys {
			if err := tx.stage.write(tx, []byte(name), []byte(k), pb.writes[k]); err != nil {
				return err
			}
		}
		pb.reset()
		return nil
	}
	b := tx.bucket([]byte(name))
	// In key order every Put appends to the node it lands in, so nodes can
	// be filled before they split.
	b.FillPercent = appendFill
	for _, k := range keys {
		w := pb.writes[k]
		var err error
		if w.del {
			err = b.Delete([]byte(k))
		} else {
			err = b.Put([]byte(k), w.val)
		}
		if err != nil {
			return err
		}
	}
	pb.reset()
	return nil
}

// flush applies every pending write and leaves deferring.
func (tx *Tx) flush() error {
	if tx.batch == nil {
		return nil
	}
	for _, name := range tx.batch.order {
		if err := tx.flushBucket(name); err != nil {
			return err
		}
	}
	tx.batch = nil
	return nil
}
