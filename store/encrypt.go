package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/internal/atomicfile"
)

// Encrypting a data file is not done in place: bbolt keeps the pages a
// transaction replaced as free pages, plaintext and all, until it happens to
// reuse them. So encryptFile writes a new file with every value sealed,
// checks it, and renames it over the old one; the old file's bytes are then
// overwritten with zeros and the file removed (best effort: a journalling
// file system or an SSD may still hold old blocks, which only full-disk
// encryption covers).
//
// Crash safety: the new file is written under DIR/xunbang.db.encrypting and
// becomes the data file by one rename. Until then the old file is the data
// file, untouched; after it, the new one. A leftover .encrypting file is
// garbage and removed; a leftover .plaintext name (a hard link kept to wipe
// the old file) is wiped, unless it still is the data file.

const (
	encryptingSuffix = ".encrypting"
	plaintextSuffix  = ".plaintext"
	// copyBatch bounds one write transaction of copyStore.
	copyBatch      = 20_000
	copyBatchBytes = 32 << 20
)

// encryptFile replaces the unencrypted data file with an encrypted copy
// under c, whose meta/crypt record is rec, and makes c the store's crypt.
// backup is the copy taken before; it is sealed once the new file is in
// place (sealPlainBackups).
func (s *Store) encryptFile(ctx context.Context, c *crypt, rec *cryptRecord, backup string) error {
	start := time.Now()
	tmpPath := s.path + encryptingSuffix
	linkPath := s.path + plaintextSuffix
	if err := s.clearLeftovers(); err != nil {
		return err
	}
	dst, err := bolt.Open(tmpPath, 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	fail := func(err error) error {
		dst.Close()
		os.Remove(tmpPath)
		s.log.Error("store: encrypting the data file failed; it is unchanged", "err", err, "backup", backup)
		return fmt.Errorf("encrypt: %w", err)
	}
	if err := copyStore(ctx, s.db, plainCrypt, dst, c, rec); err != nil {
		return fail(err)
	}
	// Check the new file as a store before it replaces the old one.
	check := &Store{db: dst, dir: s.dir, path: tmpPath, now: s.now, log: s.log, crypt: c}
	if err := check.Check(ctx); err != nil {
		return fail(err)
	}
	if err := dst.Sync(); err != nil {
		return fail(err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmpPath)
		return fmt.Errorf("encrypt: %w", err)
	}
	// A second name for the old file, to wipe its bytes once it is no
	// longer the data file. (Where hard links are not possible, as on a
	// FAT-formatted stick, the old file is only unlinked.)
	linked := os.Link(s.path, linkPath) == nil
	if err := s.replaceDataFile(tmpPath); err != nil {
		if linked {
			os.Remove(linkPath)
		}
		os.Remove(tmpPath)
		return fmt.Errorf("encrypt: %w", err)
	}
	s.crypt, s.rec = c, rec
	if linked {
		if err := wipeFile(linkPath); err != nil {
			s.log.Warn("store: could not wipe the unencrypted file", "path", linkPath, "err", err)
		}
	}
	where := "passphrase"
	switch {
	case rec.Keyring && rec.Passphrase != nil:
		where = "keyring, passphrase"
	case rec.Keyring:
		where = "keyring"
	}
	s.openAudit = append(s.openAudit, [2]string{AuditEncrypt, fmt.Sprintf("%s (key %s in %s)", filepath.Base(s.path), rec.KeyID, where)})
	s.log.Info("store: encrypted the data file", "path", s.path, "key", rec.KeyID, "in", where, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// clearLeftovers removes what an encryption killed half-way left behind: a
// new file not yet in place, and a second name of the old file (wiped,
// unless it is still the data file).
func (s *Store) clearLeftovers() error {
	tmpPath, linkPath := s.path+encryptingSuffix, s.path+plaintextSuffix
	if err := os.Remove(tmpPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	li, err := os.Stat(linkPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if di, err := os.Stat(s.path); err == nil && os.SameFile(li, di) {
		return os.Remove(linkPath) // a second name of the data file itself: never wipe it
	}
	return wipeFile(linkPath)
}

// replaceDataFile renames path over the data file and reopens the store's
// bbolt handle on it. The rename happens while the old file is still open
// and locked (possible except on Windows), so that a process waiting for
// the lock finds, once it has it, that the file was replaced (see
// openBolt); where the rename needs the file closed, it is closed first.
func (s *Store) replaceDataFile(path string) error {
	err := os.Rename(path, s.path)
	if err != nil {
		if cerr := s.db.Close(); cerr != nil {
			return cerr
		}
		if err = os.Rename(path, s.path); err != nil {
			// The old file is still the data file; open it again.
			if db, oerr := openBolt(s.path, time.Second, false); oerr == nil {
				s.db = db
			}
			return err
		}
	} else if err := s.db.Close(); err != nil {
		s.log.Warn("store: closing the replaced file", "err", err)
	}
	syncDir(s.dir)
	db, err := openBolt(s.path, time.Second, false)
	if err != nil {
		return fmt.Errorf("reopen %s: %w", s.path, err)
	}
	s.db = db
	return nil
}

// copyStore copies every bucket of src, whose values from opens, into the
// empty file dst, sealing them with to; it hashes the credit-code index and
// the callers' meta keys anew under to's index key and writes rec as
// meta/crypt. Bucket sequences are kept. src must be at the current schema.
func copyStore(ctx context.Context, src *bolt.DB, from *crypt, dst *bolt.DB, to *crypt, rec *cryptRecord) error {
	return src.View(func(stx *bolt.Tx) error {
		err := stx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if !slices.ContainsFunc(allBuckets, func(b []byte) bool { return bytes.Equal(b, name) }) {
				return fmt.Errorf("bucket %q is not of schema %d: %w", name, schemaVersion, ErrCorrupt)
			}
			return nil
		})
		if err != nil {
			return err
		}
		w := &copyWriter{db: dst}
		var codeKeys [][]byte
		for _, name := range allBuckets {
			if err := ctx.Err(); err != nil {
				return err
			}
			sb := stx.Bucket(name)
			var seq uint64
			if sb != nil {
				seq = sb.Sequence()
			}
			if err := w.bucket(name, seq); err != nil {
				return err
			}
			if sb == nil {
				continue
			}
			sealed := slices.ContainsFunc(sealedBuckets, func(b []byte) bool { return bytes.Equal(b, name) })
			switch {
			case bytes.Equal(name, metaBucket):
				err = copyMeta(sb, from, to, rec, w)
			case bytes.Equal(name, enterpriseByCodeBucket):
				slices.SortFunc(codeKeys, bytes.Compare)
				for _, k := range codeKeys {
					if err = w.put(k, nil); err != nil {
						break
					}
				}
			default:
				err = sb.ForEach(func(k, v []byte) error {
					if !sealed {
						return w.put(k, v)
					}
					p, err := from.open(name, k, v)
					if err != nil {
						return err
					}
					if bytes.Equal(name, enterpriseSummariesBucket) {
						h, err := decodeEntHead(p)
						if err != nil {
							return fmt.Errorf("enterprise %s: %w", k, err)
						}
						if h.CreditCode != "" {
							codeKeys = append(codeKeys, pairKey(to.codeKey(h.CreditCode), h.ID))
						}
					}
					return w.put(k, to.seal(name, k, p))
				})
			}
			if err != nil {
				return fmt.Errorf("copy %s: %w", name, err)
			}
		}
		return w.flush()
	})
}

func copyMeta(sb *bolt.Bucket, from, to *crypt, rec *cryptRecord, w *copyWriter) error {
	var out []kv
	err := sb.ForEach(func(k, v []byte) error {
		switch {
		case bytes.Equal(k, metaCryptKey):
		case bytes.Equal(k, metaSettingsKey):
			p, err := from.open(metaBucket, k, v)
			if err != nil {
				return err
			}
			out = append(out, kv{k, to.seal(metaBucket, k, p)})
		case isReservedMeta(k):
			out = append(out, kv{k, v})
		case isHashedMetaKey(k):
			p, err := from.open(metaBucket, k, v)
			if err != nil {
				return err
			}
			key, _, err := decodeMetaValue(p)
			if err != nil {
				return err
			}
			nk := to.metaKey(key)
			out = append(out, kv{nk, to.seal(metaBucket, nk, p)})
		default:
			return fmt.Errorf("meta key %q is not of schema %d: %w", k, schemaVersion, ErrCorrupt)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if rec != nil {
		v, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		out = append(out, kv{metaCryptKey, v})
	}
	slices.SortFunc(out, func(a, b kv) int { return bytes.Compare(a.k, b.k) })
	for _, e := range out {
		if err := w.put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// copyWriter writes a new file bucket by bucket, in key order, committing
// every copyBatch values so that a big store is copied in bounded memory.
// The file becomes the data file only when complete, so these commits need
// no crash safety of their own (the file is opened NoSync and synced once).
type copyWriter struct {
	db      *bolt.DB
	name    []byte
	pending []kv
	size    int
}

type kv struct{ k, v []byte }

func (w *copyWriter) bucket(name []byte, seq uint64) error {
	if err := w.flush(); err != nil {
		return err
	}
	w.name = name
	return w.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		return b.SetSequence(seq)
	})
}

// put queues a value; k and v must stay valid until the next flush (the
// source's read transaction keeps them).
func (w *copyWriter) put(k, v []byte) error {
	w.pending = append(w.pending, kv{k, v})
	w.size += len(k) + len(v)
	if len(w.pending) >= copyBatch || w.size >= copyBatchBytes {
		return w.flush()
	}
	return nil
}

func (w *copyWriter) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	err := w.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(w.name)
		b.FillPercent = appendFill
		for _, e := range w.pending {
			v := e.v
			if v == nil {
				v = []byte{}
			}
			if err := b.Put(e.k, v); err != nil {
				return err
			}
		}
		return nil
	})
	w.pending, w.size = w.pending[:0], 0
	return err
}

// wipeFile overwrites a file with zeros, syncs it and removes it.
func wipeFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	fi, err := f.Stat()
	if err == nil {
		zero := make([]byte, 1<<20)
		for left := fi.Size(); left > 0 && err == nil; {
			n := min(left, int64(len(zero)))
			_, err = f.Write(zero[:n])
			left -= n
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Remove(path); err == nil {
		err = rerr
	}
	return err
}

// syncDir makes a rename in dir durable (a no-op where directories cannot be
// synced).
func syncDir(dir string) { atomicfile.SyncDir(dir) }

// copyFile copies src to a new file dst, synced.
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}
