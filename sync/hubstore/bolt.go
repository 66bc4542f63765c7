package hubstore

// The bbolt file of a hub, DIR/platform.db:
//
//	meta/    key => value: "schema", "server_id", "key_check" (the hub's)
//	tokens/  hex SHA-256 of a bearer token => Token (JSON)
//	heads/   kind "/" record id => Head (JSON)
//	revs/    revision id => Revision header (JSON) "\n" body: every revision
//	         ever accepted; the key is the idempotency key
//	feed/    sequence (8 bytes, big endian) => Event (JSON); the bucket's own
//	         sequence numbers the events
//	refused/ revision id => Refusal (JSON)
//	anon/    enterprise id => "1": enterprises behind a 匿名公开 need
//	regions/ region prefix => count (8 bytes, big endian) of listed
//	         enterprises inside it
//	sent/    team "\x00" enterprise id => "1": the registry entries each
//	         team was sent

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/xunbang/xunbang/internal/atomicfile"
)

var (
	bucketMeta    = []byte("meta")
	bucketTokens  = []byte("tokens")
	bucketHeads   = []byte("heads")
	bucketRevs    = []byte("revs")
	bucketFeed    = []byte("feed")
	bucketRefused = []byte("refused")
	bucketAnon    = []byte("anon")
	bucketRegions = []byte("regions")
	bucketSent    = []byte("sent")

	allBuckets = [][]byte{bucketMeta, bucketTokens, bucketHeads, bucketRevs, bucketFeed, bucketRefused, bucketAnon, bucketRegions, bucketSent}
)

// Bolt is a Store in one bbolt file, opened by one process at a time.
type Bolt struct {
	db   *bolt.DB
	path string
}

// OpenBolt opens (creating if needed) the bbolt file at path, waiting up to
// lockTimeout (default 1 s) for another process to let go of it; then it
// fails with ErrInUse.
func OpenBolt(path string, lockTimeout time.Duration) (*Bolt, error) {
	if lockTimeout <= 0 {
		lockTimeout = time.Second
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("hubstore: open %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, boltOptions(lockTimeout))
	if err == nil {
		// A copy of the file from before a Compact that did not finish.
		err = wipe(path + ".old")
		if err != nil {
			db.Close()
		}
	}
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("hubstore: open %s: %w", path, ErrInUse)
		}
		return nil, fmt.Errorf("hubstore: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("hubstore: open %s: %w", path, err)
	}
	return &Bolt{db: db, path: path}, nil
}

// boltOptions are the hub file's options: the hash-map freelist, which
// stays fast as a hub's file grows to hundreds of thousands of revisions,
// and, where a memory map larger than the file costs nothing (not on
// Windows, where bbolt grows the file to the map), a first map of 1 GiB so
// that a growing file is not remapped — every remap copies the open
// transaction's nodes.
func boltOptions(lockTimeout time.Duration) *bolt.Options {
	o := &bolt.Options{Timeout: lockTimeout, FreelistType: bolt.FreelistMapType}
	if runtime.GOOS != "windows" && strconv.IntSize == 64 {
		o.InitialMmapSize = 1 << 30
	}
	return o
}

// Path returns the file's path.
func (b *Bolt) Path() string { return b.path }

// Close closes the file.
func (b *Bolt) Close() error { return b.db.Close() }

// Update runs fn in one bbolt read-write transaction.
func (b *Bolt) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// View runs fn in one bbolt read-only transaction.
func (b *Bolt) View(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// Compact rewrites the file into a new one holding only live data and
// puts it in the old one's place; then it overwrites the old file's bytes
// with zeros before removing them, so that no page of a value since
// changed (a body stored before it was sealed) stays on disk. The store
// must not be in use meanwhile. A crash midway leaves either the old file
// or the new one at the path, and at most a leftover copy of the old one
// (path + ".old"), which the next OpenBolt zeroes and removes.
func (b *Bolt) Compact() error {
	tmp, old := b.path+".compact", b.path+".old"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("hubstore: compact: %w", err)
	}
	if err := bolt.Compact(dst, b.db, 16<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("hubstore: compact: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("hubstore: compact: %w", err)
	}
	if err := b.db.Close(); err != nil {
		return fmt.Errorf("hubstore: compact: %w", err)
	}
	reopen := func() error {
		db, err := bolt.Open(b.path, 0o600, boltOptions(time.Second))
		if err != nil {
			return fmt.Errorf("hubstore: compact: reopen: %w", err)
		}
		b.db = db
		return nil
	}
	_ = os.Remove(old)
	if err := os.Link(b.path, old); err != nil {
		os.Remove(tmp)
		return errors.Join(fmt.Errorf("hubstore: compact: %w", err), reopen())
	}
	if err := os.Rename(tmp, b.path); err != nil {
		os.Remove(old)
		os.Remove(tmp)
		return errors.Join(fmt.Errorf("hubstore: compact: %w", err), reopen())
	}
	syncDir(filepath.Dir(b.path))
	if err := wipe(old); err != nil {
		return errors.Join(fmt.Errorf("hubstore: compact: %w", err), reopen())
	}
	return reopen()
}

// wipe overwrites a file's bytes with zeros, then removes it; a file that
// is not there is no error.
func wipe(path string) error {
	err := zeroFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return os.Remove(path)
}

func syncDir(dir string) { atomicfile.SyncDir(dir) }

// zeroFile overwrites a file's bytes with zeros and syncs it.
func zeroFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	zero := make([]byte, 1<<20)
	for left := int64(0); err == nil && left < fi.Size(); {
		n := min(fi.Size()-left, int64(len(zero)))
		_, err = f.Write(zero[:n])
		left += n
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

type boltTx struct{ tx *bolt.Tx }

func (t boltTx) Meta(key string) ([]byte, error) {
	v := t.tx.Bucket(bucketMeta).Get([]byte(key))
	if v == nil {
		return nil, fmt.Errorf("meta %s: %w", key, ErrNotFound)
	}
	return bytes.Clone(v), nil
}

func (t boltTx) SetMeta(key string, value []byte) error {
	return t.tx.Bucket(bucketMeta).Put([]byte(key), value)
}

func (t boltTx) Metas(fn func(string, []byte) error) error {
	return t.tx.Bucket(bucketMeta).ForEach(func(k, v []byte) error { return fn(string(k), bytes.Clone(v)) })
}

func (t boltTx) Token(hash string) (*Token, error) {
	var tok Token
	if err := getJSON(t.tx.Bucket(bucketTokens), []byte(hash), &tok, "token"); err != nil {
		return nil, err
	}
	tok.Hash = hash
	return &tok, nil
}

func (t boltTx) PutToken(tok *Token) error {
	return putJSON(t.tx.Bucket(bucketTokens), []byte(tok.Hash), tok)
}

func (t boltTx) DeleteToken(hash string) error {
	return t.tx.Bucket(bucketTokens).Delete([]byte(hash))
}

func (t boltTx) Tokens(fn func(*Token) error) error {
	return t.tx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
		var tok Token
		if err := json.Unmarshal(v, &tok); err != nil {
			return fmt.Errorf("token %.12s: %w", k, err)
		}
		tok.Hash = string(k)
		return fn(&tok)
	})
}

func headKey(kind, id string) []byte { return []byte(kind + "/" + id) }

func (t boltTx) Head(kind, id string) (*Head, error) {
	var h Head
	if err := getJSON(t.tx.Bucket(bucketHeads), headKey(kind, id), &h, "head"); err != nil {
		return nil, err
	}
	return &h, nil
}

func (t boltTx) PutHead(h *Head) error {
	return putJSON(t.tx.Bucket(bucketHeads), headKey(h.Kind, h.ID), h)
}

func (t boltTx) Heads(kind string, fn func(*Head) error) error {
	c := t.tx.Bucket(bucketHeads).Cursor()
	prefix := []byte(nil)
	if kind != "" {
		prefix = []byte(kind + "/")
	}
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var h Head
		if err := json.Unmarshal(v, &h); err != nil {
			return fmt.Errorf("head %s: %w", k, err)
		}
		if err := fn(&h); err != nil {
			return err
		}
	}
	return nil
}

func (t boltTx) Revision(rev string) (*Revision, error) {
	v := t.tx.Bucket(bucketRevs).Get([]byte(rev))
	if v == nil {
		return nil, fmt.Errorf("revision %s: %w", rev, ErrNotFound)
	}
	i := bytes.IndexByte(v, '\n')
	if i < 0 {
		return nil, fmt.Errorf("revision %s: damaged row", rev)
	}
	var r Revision
	if err := json.Unmarshal(v[:i], &r); err != nil {
		return nil, fmt.Errorf("revision %s: %w", rev, err)
	}
	r.Rev, r.Body = rev, bytes.Clone(v[i+1:])
	return &r, nil
}

// A revision is stored as its JSON header (without the body), a newline,
// and the body's bytes.
func (t boltTx) PutRevision(r *Revision) error {
	h, err := json.Marshal(r)
	if err != nil {
		return err
	}
	out := make([]byte, 0, len(h)+1+len(r.Body))
	out = append(append(append(out, h...), '\n'), r.Body...)
	return t.tx.Bucket(bucketRevs).Put([]byte(r.Rev), out)
}

func (t boltTx) RevisionCount() (int, error) {
	return t.tx.Bucket(bucketRevs).Stats().KeyN, nil
}

func (t boltTx) Revisions(fn func(*Revision) error) error {
	c := t.tx.Bucket(bucketRevs).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		r, err := t.Revision(string(k))
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (t boltTx) Refusals(fn func(*Refusal) error) error {
	return t.tx.Bucket(bucketRefused).ForEach(func(k, v []byte) error {
		var r Refusal
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("refusal %s: %w", k, err)
		}
		r.Rev = string(k)
		return fn(&r)
	})
}

func (t boltTx) Refusal(rev string) (*Refusal, error) {
	var r Refusal
	if err := getJSON(t.tx.Bucket(bucketRefused), []byte(rev), &r, "refusal"); err != nil {
		return nil, err
	}
	r.Rev = rev
	return &r, nil
}

func (t boltTx) PutRefusal(r *Refusal) error {
	return putJSON(t.tx.Bucket(bucketRefused), []byte(r.Rev), r)
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func (t boltTx) AppendEvent(ev *Event) (uint64, error) {
	feed := t.tx.Bucket(bucketFeed)
	seq, err := feed.NextSequence()
	if err != nil {
		return 0, err
	}
	return seq, putJSON(feed, seqKey(seq), ev)
}

func (t boltTx) Events(after uint64, fn func(uint64, *Event) (bool, error)) error {
	c := t.tx.Bucket(bucketFeed).Cursor()
	for k, v := c.Seek(seqKey(after + 1)); k != nil; k, v = c.Next() {
		seq := binary.BigEndian.Uint64(k)
		var ev Event
		if err := json.Unmarshal(v, &ev); err != nil {
			return fmt.Errorf("event %d: %w", seq, err)
		}
		more, err := fn(seq, &ev)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func (t boltTx) ReplaceEvent(seq uint64, ev *Event) error {
	feed := t.tx.Bucket(bucketFeed)
	if feed.Get(seqKey(seq)) == nil {
		return fmt.Errorf("event %d: %w", seq, ErrNotFound)
	}
	return putJSON(feed, seqKey(seq), ev)
}

func (t boltTx) MarkAnonymous(id string) (bool, error) {
	b := t.tx.Bucket(bucketAnon)
	if b.Get([]byte(id)) != nil {
		return false, nil
	}
	return true, b.Put([]byte(id), []byte("1"))
}

func (t boltTx) Anonymous(id string) (bool, error) {
	return t.tx.Bucket(bucketAnon).Get([]byte(id)) != nil, nil
}

func (t boltTx) AnonymousMarks(fn func(string) error) error {
	return t.tx.Bucket(bucketAnon).ForEach(func(k, _ []byte) error { return fn(string(k)) })
}

func sentKey(team, id string) []byte { return []byte(team + "\x00" + id) }

func (t boltTx) NoteRegistrySent(team string, ids []string) error {
	b := t.tx.Bucket(bucketSent)
	for _, id := range ids {
		if err := b.Put(sentKey(team, id), []byte("1")); err != nil {
			return err
		}
	}
	return nil
}

func (t boltTx) RegistrySent(team, id string) (bool, error) {
	return t.tx.Bucket(bucketSent).Get(sentKey(team, id)) != nil, nil
}

func (t boltTx) RegistrySents(fn func(team, id string) error) error {
	return t.tx.Bucket(bucketSent).ForEach(func(k, _ []byte) error {
		team, id, ok := bytes.Cut(k, []byte{0})
		if !ok {
			return fmt.Errorf("sent: malformed key %q", k)
		}
		return fn(string(team), string(id))
	})
}

func (t boltTx) RegionCounts(fn func(string, int) error) error {
	return t.tx.Bucket(bucketRegions).ForEach(func(k, v []byte) error {
		if len(v) != 8 || binary.BigEndian.Uint64(v) == 0 {
			return nil
		}
		return fn(string(k), int(binary.BigEndian.Uint64(v)))
	})
}

func (t boltTx) AddRegionCounts(deltas map[string]int) error {
	b := t.tx.Bucket(bucketRegions)
	for prefix, d := range deltas {
		if d == 0 || prefix == "" {
			continue
		}
		n := int64(0)
		if v := b.Get([]byte(prefix)); len(v) == 8 {
			n = int64(binary.BigEndian.Uint64(v))
		}
		n = max(n+int64(d), 0)
		if n == 0 {
			if err := b.Delete([]byte(prefix)); err != nil {
				return err
			}
			continue
		}
		if err := b.Put([]byte(prefix), binary.BigEndian.AppendUint64(nil, uint64(n))); err != nil {
			return err
		}
	}
	return nil
}

func (t boltTx) RegionCount(prefix string) (int, error) {
	v := t.tx.Bucket(bucketRegions).Get([]byte(prefix))
	if len(v) != 8 {
		return 0, nil
	}
	return int(binary.BigEndian.Uint64(v)), nil
}

func getJSON(b *bolt.Bucket, key []byte, v any, what string) error {
	raw := b.Get(key)
	if raw == nil {
		return fmt.Errorf("%s %s: %w", what, key, ErrNotFound)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s %s: %w", what, key, err)
	}
	return nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}
