package store

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/internal/atomicfile"
	"github.com/xunbang/xunbang/internal/keys"
)

// Backups.
//
// A backup of an encrypted store is a copy of its bbolt file (Backup,
// DailyBackup): every value in it is sealed, and its meta/crypt record says
// what unlocks it — the keyring of this computer, and the passphrase if
// one was set. A store whose key is only in the keyring can therefore be
// restored on this computer only; set a passphrase to restore elsewhere.
//
// The copy taken before an unencrypted file is encrypted (and any older
// *.bak of unencrypted files in the data dir) would hand over everything;
// once the data is encrypted it is sealed whole into NAME.sealed — a header
// line, the meta/crypt record, then the file's bytes in sealed 64 KiB
// records (keys.SealStream) — and the plain copy wiped. Restore accepts
// all three: a bbolt file, encrypted or not, and a sealed file.

// BackupDir is the directory inside the data dir for DailyBackup's copies.
const BackupDir = "backups"

// DefaultBackupsKept is how many daily backups DailyBackup keeps when told
// keep <= 0.
const DefaultBackupsKept = 7

const sealedMagic = "XUNBANG-SEALED-FILE 1\n"

// sealedSuffix ends the name of a sealed copy.
const sealedSuffix = ".sealed"

// Backup writes a consistent copy of the data file to path (which must not
// exist), while the store stays in use: one read transaction's view of the
// file (bbolt's Tx.WriteTo), written to a temporary name, synced and
// renamed.
func (s *Store) Backup(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup to %s: %w", path, os.ErrExist)
	}
	if err := s.copyTo(path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// BackupInfo names a daily backup and when it was made.
type BackupInfo struct {
	Path string    // "" when there is none
	At   time.Time // when its copy was written (its modification time)
}

// DailyResult is what DailyBackup did.
type DailyResult struct {
	// BackupInfo is the backup that holds the data file as it is now:
	// today's, or an older one when nothing changed since it was made.
	BackupInfo
	// Made reports that this call copied the data file.
	Made bool
}

// LastDailyBackup returns the newest of the daily backups in the data dir
// dir (DIR/backups/xunbang-YYYYMMDD.db), zero when there is none. It reads
// the directory only.
func LastDailyBackup(dir string) (BackupInfo, error) {
	paths, err := filepath.Glob(filepath.Join(dir, BackupDir, dailyBackupGlob))
	if err != nil {
		return BackupInfo{}, err
	}
	slices.Sort(paths) // by date: the names sort in date order
	for i := len(paths) - 1; i >= 0; i-- {
		fi, err := os.Stat(paths[i])
		if err == nil && fi.Mode().IsRegular() {
			return BackupInfo{Path: paths[i], At: fi.ModTime()}, nil
		}
	}
	return BackupInfo{}, nil
}

// DailyBackup makes today's backup, DIR/backups/xunbang-YYYYMMDD.db (the
// local date), unless it exists or the data file has not changed since the
// newest backup was made: an unchanged file is never copied again. (Its
// bbolt meta tells: the id of the last transaction and the file's size in
// pages, which a backup's copy keeps.) It removes the oldest daily backups
// beyond keep (<= 0: DefaultBackupsKept) — except the newest one that
// holds records, which is never removed. A damaged data file is not copied
// (an error wrapping a *DamagedError), so it cannot push a good backup out.
// A copy takes about as long as reading the file, and holds a read
// transaction meanwhile: call it off the UI goroutine, away from the start.
func (s *Store) DailyBackup(ctx context.Context, keep int) (DailyResult, error) {
	var res DailyResult
	if keep <= 0 {
		keep = DefaultBackupsKept
	}
	dir := filepath.Join(s.dir, BackupDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, fmt.Errorf("daily backup: %w", err)
	}
	path := filepath.Join(dir, "xunbang-"+s.now().Local().Format("20060102")+".db")
	fi, err := os.Lstat(path)
	switch {
	case err == nil:
		res.BackupInfo = BackupInfo{Path: path, At: fi.ModTime()}
	case !errors.Is(err, os.ErrNotExist):
		return res, fmt.Errorf("daily backup: %w", err)
	default:
		last, err := LastDailyBackup(s.dir)
		if err != nil {
			return res, fmt.Errorf("daily backup: %w", err)
		}
		if last.Path != "" && s.sameAs(last.Path) {
			res.BackupInfo = last
			break
		}
		if err := s.checkHeads(ctx); err != nil {
			return res, fmt.Errorf("daily backup: %w", err)
		}
		if err := s.Backup(ctx, path); err != nil {
			return res, fmt.Errorf("daily backup: %w", err)
		}
		res.BackupInfo, res.Made = BackupInfo{Path: path, At: s.now()}, true
		if fi, err := os.Stat(path); err == nil {
			res.At = fi.ModTime()
		}
	}
	if err := rotateDailyBackups(dir, keep); err != nil {
		return res, fmt.Errorf("daily backup: %w", err)
	}
	return res, nil
}

// checkHeads opens every head the need list is made of (the needs' and
// the enterprises' summaries), as reading the list in full at Open does: a
// list read from its cache (CacheFileName) did not look at them, so a
// head damaged since is found here, before the file is copied over the
// good backups, and said as any damage is (*DamagedError).
func (s *Store) checkHeads(ctx context.Context) error {
	return guard(s.path, func() error {
		return s.db.View(func(btx *bolt.Tx) error {
			o := &opener{c: s.crypt}
			for _, b := range [][]byte{enterpriseSummariesBucket, needSummariesBucket} {
				err := btx.Bucket(b).ForEach(func(k, v []byte) error {
					_, err := o.open(b, k, v)
					return err
				})
				if err != nil {
					return err
				}
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// sameAs reports whether the bbolt file at path is a copy of the data file
// as it is now: the same last transaction and the same size.
func (s *Store) sameAs(path string) bool {
	m, err := readBoltMeta(path, false)
	if err != nil {
		return false
	}
	var txid, size int64
	_ = s.db.View(func(btx *bolt.Tx) error {
		txid, size = int64(btx.ID()), btx.Size()
		return nil
	})
	return txid > 0 && uint64(txid) == m.txid && size == int64(m.pgid)*int64(m.pageSize)
}

// rotateDailyBackups removes the oldest daily backups in dir beyond keep,
// except the newest one that holds records.
func rotateDailyBackups(dir string, keep int) error {
	old, err := filepath.Glob(filepath.Join(dir, dailyBackupGlob))
	if err != nil {
		return err
	}
	slices.Sort(old) // by date: the names sort in date order
	if len(old) <= keep {
		return nil
	}
	// The newest backup that holds records stays, however old: after the
	// data was lost (emptied, replaced by a new store), it is the way back.
	last := ""
	for i := len(old) - 1; i >= 0 && last == ""; i-- {
		if backupHasRecords(old[i]) {
			last = old[i]
		}
	}
	for _, p := range old[:len(old)-keep] {
		if p == last {
			continue
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("remove old %s: %w", p, err)
		}
	}
	return nil
}

// backupHasRecords reports whether the bbolt file at path is sound enough
// to open and holds at least one need or enterprise (of any schema).
func backupHasRecords(path string) bool {
	db, err := boltOpen(path, bolt.Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	if err != nil {
		return false
	}
	defer db.Close()
	found := false
	_ = guard(path, func() error {
		return db.View(func(btx *bolt.Tx) error {
			for _, name := range [][]byte{needSummariesBucket, enterpriseSummariesBucket, []byte("needs"), []byte("enterprises")} {
				if b := btx.Bucket(name); b != nil {
					if k, _ := b.Cursor().First(); k != nil {
						found = true
					}
				}
			}
			return nil
		})
	})
	return found
}

// sealPlainBackups seals every unencrypted bbolt file the data dir keeps
// as DIR/xunbang.db*.bak (the copies taken before migrations, a replaced
// file kept by Restore) and wipes it, and wipes what a process killed
// half-way left: temporary copies (DIR/.xunbang.db*.*.tmp, written by
// package atomicfile, and DIR/xunbang.db*.tmp* of earlier versions) and Restore's
// staging directories (DIR/.restore-*). It runs at every writable Open of
// an encrypted store, which holds the lock that every writer of those files
// holds. Best effort: problems are logged.
func (s *Store) sealPlainBackups() {
	if err := s.clearLeftovers(); err != nil {
		s.log.Warn("store: could not remove what an encryption left behind", "err", err)
	}
	tmps, _ := filepath.Glob(filepath.Join(s.dir, FileName+"*.tmp*"))
	atomic, _ := filepath.Glob(filepath.Join(s.dir, atomicfile.TempGlob(FileName+"*")))
	for _, p := range append(tmps, atomic...) {
		if err := wipeFile(p); err != nil {
			s.log.Warn("store: could not wipe a leftover temporary file", "path", p, "err", err)
		}
	}
	stagings, _ := filepath.Glob(filepath.Join(s.dir, ".restore-*"))
	for _, p := range stagings {
		removeStaging(p)
	}
	paths, _ := filepath.Glob(filepath.Join(s.dir, FileName+"*.bak"))
	for _, p := range paths {
		enc, err := isEncryptedFile(p)
		if err != nil {
			// A plain backup is wiped only once its sealed copy is whole
			// (sealFile renames it into place), so a .bak that no longer
			// reads beside its sealed copy is a wipe a crash cut short:
			// finish it, or its plain pages stay on disk.
			if _, serr := os.Stat(p + sealedSuffix); serr == nil {
				if werr := wipeFile(p); werr != nil {
					s.log.Warn("store: could not finish wiping an unencrypted backup", "path", p, "err", werr)
				}
				continue
			}
			s.log.Warn("store: cannot read a backup to seal it", "path", p, "err", err)
			continue
		}
		if enc {
			continue
		}
		if err := s.sealFile(p, p+sealedSuffix); err != nil {
			s.log.Warn("store: could not seal an unencrypted backup", "path", p, "err", err)
			continue
		}
		if err := wipeFile(p); err != nil {
			s.log.Warn("store: could not wipe an unencrypted backup", "path", p, "err", err)
			continue
		}
		s.log.Info("store: sealed an unencrypted backup", "path", p+sealedSuffix)
	}
}

// isEncryptedFile reports whether a bbolt file has a meta/crypt record.
func isEncryptedFile(path string) (enc bool, err error) {
	err = safely(func() error {
		db, err := boltOpen(path, bolt.Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
		if err != nil {
			return err
		}
		defer db.Close()
		return db.View(func(btx *bolt.Tx) error {
			if m := btx.Bucket(metaBucket); m != nil && m.Get(metaCryptKey) != nil {
				enc = true
			}
			return nil
		})
	})
	return enc, err
}

// safely runs fn, which reads a file from outside (a backup to restore),
// turning a panic of bbolt's on a damaged file, and a memory fault on its
// mapping, into an error wrapping ErrCorrupt. (A bbolt handle fn was
// opening when it panicked stays open until the program ends.)
func safely(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the file is damaged (%v): %w", r, ErrCorrupt)
		}
	}()
	return fn()
}

// boltMeta is what a bbolt file's meta page says of it.
type boltMeta struct {
	pageSize             uint32
	freelist, pgid, txid uint64
	valid, seen          bool
}

// checkBoltMeta reads the meta pages of a bbolt file as bbolt does and
// refuses a file that is not one, or is shorter than its meta page says:
// bbolt maps the file into memory, and reading a page past its end would
// stop the program (SIGBUS) instead of returning an error.
func checkBoltMeta(path string) error {
	_, err := readBoltMeta(path, true)
	return err
}

// readBoltMeta returns the meta bbolt would open a file with (the valid one
// of the highest transaction), checking the file's size and, with
// freelist, its freelist page.
func readBoltMeta(path string, freelist bool) (boltMeta, error) {
	f, err := os.Open(path)
	if err != nil {
		return boltMeta{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return boltMeta{}, err
	}
	read := func(off int64) boltMeta {
		var b [16 + 64]byte
		if _, err := f.ReadAt(b[:], off); err != nil {
			return boltMeta{}
		}
		m := b[16:]
		ne := binary.NativeEndian
		h := fnv.New64a()
		h.Write(m[:56])
		return boltMeta{
			pageSize: ne.Uint32(m[8:]), freelist: ne.Uint64(m[32:]), pgid: ne.Uint64(m[40:]), txid: ne.Uint64(m[48:]), seen: true,
			valid: ne.Uint32(m[0:]) == 0xED0CDAED && ne.Uint32(m[4:]) == 2 && h.Sum64() == ne.Uint64(m[56:]),
		}
	}
	m0 := read(0)
	if !m0.seen {
		return boltMeta{}, fmt.Errorf("%s is not a data file (too short): %w", path, ErrCorrupt)
	}
	var best boltMeta
	if m0.valid {
		best = m0
	}
	for _, ps := range []uint32{m0.pageSize, 4096, 16384, 65536} {
		if ps < 512 || ps > 1<<16 || ps&(ps-1) != 0 {
			continue
		}
		if m1 := read(int64(ps)); m1.valid && m1.pageSize == ps && (!best.valid || m1.txid > best.txid) {
			best = m1
		}
		break
	}
	if !best.valid {
		return boltMeta{}, fmt.Errorf("%s is not a data file: %w", path, ErrCorrupt)
	}
	if need := int64(best.pgid) * int64(best.pageSize); best.pgid > 1<<40 || fi.Size() < need {
		return boltMeta{}, fmt.Errorf("%s is cut short: %d bytes, its pages need %d: %w", path, fi.Size(), need, ErrCorrupt)
	}
	if freelist && best.freelist != noFreelist {
		if err := checkFreelist(f, best.freelist, best.pgid, int64(best.pageSize)); err != nil {
			return boltMeta{}, fmt.Errorf("%s: %w", path, err)
		}
	}
	return best, nil
}

// noFreelist is bbolt's freelist page id for a file written without one.
const noFreelist = ^uint64(0)

// checkFreelist reads the freelist page as bbolt will at Open — which
// panics on a bad one while it holds the file's lock, and which a write
// would trust to reuse pages — and checks its header and that every free
// page is a page of the file other than the meta pages.
func checkFreelist(f *os.File, id, pgid uint64, pageSize int64) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("freelist page %d: %s: %w", id, fmt.Sprintf(format, args...), ErrCorrupt)
	}
	if id < 2 || id >= pgid {
		return bad("not a page of the file (%d pages)", pgid)
	}
	var h [16]byte
	if _, err := f.ReadAt(h[:], int64(id)*pageSize); err != nil {
		return bad("unreadable: %v", err)
	}
	ne := binary.NativeEndian
	const freelistPageFlag = 0x10
	flags, count, overflow := ne.Uint16(h[8:]), uint64(ne.Uint16(h[10:])), uint64(ne.Uint32(h[12:]))
	if flags&freelistPageFlag == 0 || id+overflow >= pgid {
		return bad("flags %#x, overflow %d", flags, overflow)
	}
	size := int64(overflow+1) * pageSize
	body := io.NewSectionReader(f, int64(id)*pageSize+16, size-16)
	if count == 0xFFFF { // the count is in the first element
		var c [8]byte
		if _, err := body.ReadAt(c[:], 0); err != nil {
			return bad("unreadable count: %v", err)
		}
		count = ne.Uint64(c[:])
		body = io.NewSectionReader(f, int64(id)*pageSize+24, size-24)
	}
	if count > uint64(body.Size())/8 {
		return bad("%d free pages do not fit in %d bytes", count, body.Size())
	}
	ids := make([]byte, 8*count)
	if _, err := body.ReadAt(ids, 0); err != nil {
		return bad("unreadable ids: %v", err)
	}
	for i := uint64(0); i < count; i++ {
		if p := ne.Uint64(ids[8*i:]); p < 2 || p >= pgid {
			return bad("free page %d is not a page of the file", p)
		}
	}
	return nil
}

// sealFile writes src, sealed with the store's data key, to dst (a new
// file, written to a temporary name, synced and renamed).
func (s *Store) sealFile(src, dst string) error {
	s.recMu.Lock()
	rec, err := json.Marshal(s.rec)
	s.recMu.Unlock()
	if err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	f, err := atomicfile.Create(dst, 0o600)
	if err != nil {
		return err
	}
	defer f.Cleanup()
	w := bufio.NewWriter(f)
	w.WriteString(sealedMagic)
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(rec)))
	w.Write(n[:])
	w.Write(rec)
	err = keys.SealStream(w, in, s.crypt.file, sealedAD(rec))
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return err
	}
	return f.Commit()
}

func sealedAD(rec []byte) []byte { return append([]byte(sealedMagic), rec...) }

// isSealedFile reports whether the file at path starts like a sealed copy.
func isSealedFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(sealedMagic))
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == sealedMagic
}

// unsealFile writes the plain bytes of the sealed copy src to the new file
// dst, unlocking it with k. On error dst is removed.
func unsealFile(dst, src string, k *keyer) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	r := bufio.NewReader(in)
	head := make([]byte, len(sealedMagic)+4)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:len(sealedMagic)]) != sealedMagic {
		return fmt.Errorf("%s: not a sealed copy: %w", src, ErrCorrupt)
	}
	n := binary.BigEndian.Uint32(head[len(sealedMagic):])
	if n > 1<<20 {
		return fmt.Errorf("%s: header of %d bytes: %w", src, n, ErrCorrupt)
	}
	recBytes := make([]byte, n)
	if _, err := io.ReadFull(r, recBytes); err != nil {
		return fmt.Errorf("%s: %w", src, ErrCorrupt)
	}
	rec, err := parseCryptRecord(recBytes)
	if err != nil {
		return err
	}
	c, err := k.unlock(rec)
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = keys.OpenStream(out, r, c.file, sealedAD(recBytes))
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		wipeFile(dst)
		if errors.Is(err, keys.ErrAuth) || errors.Is(err, keys.ErrTruncated) || errors.Is(err, keys.ErrFormat) {
			return fmt.Errorf("%s: %v: %w", src, err, ErrCorrupt)
		}
		return err
	}
	return nil
}

// RestoreReport says what Restore did.
type RestoreReport struct {
	// Replaced is where the data file that was replaced is kept
	// (DIR/xunbang.db.replaced-<UTC time>.bak, or .damaged-<UTC time>
	// when it was damaged), "" when there was none.
	Replaced string
	// Damaged: the replaced data file was damaged (DamagedError); it was
	// moved aside as it was.
	Damaged           bool
	Needs             int
	Enterprises       int
	Encrypted         bool // the restored data is encrypted
	WasSealed         bool // the backup was a sealed copy
	MigratedOrSecured bool // the backup was older or unencrypted and was brought up to date
}

// Restore replaces the data file of dir with the backup at file, after
// checking the backup: it is copied (or unsealed) into a staging directory
// inside dir, opened there as a store with opts — which unlocks it with
// opts.Key (ErrLocked, ErrWrongKey), migrates and encrypts an older or
// unencrypted one, and loads it — and checked (bbolt's check and every
// store invariant, Check). Only then is the data dir locked (ErrInUse when
// another xunbang has it open: close the window first) and the staged file
// renamed into place; the replaced file is kept beside it as
// xunbang.db.replaced-<time>.bak. The restore is recorded in the restored
// store's audit log. A backup that fails any check leaves the data dir as
// it was.
func Restore(ctx context.Context, dir, file string, opts Options) (RestoreReport, error) {
	var rep RestoreReport
	wrap := func(err error) error { return fmt.Errorf("restore %s into %s: %w", file, dir, err) }
	if err := ctx.Err(); err != nil {
		return rep, wrap(err)
	}
	opts = restoreOptions(opts, dir)
	if fi, err := os.Stat(file); err != nil {
		return rep, wrap(err)
	} else if !fi.Mode().IsRegular() {
		return rep, wrap(fmt.Errorf("not a regular file: %w", ErrInvalid))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return rep, wrap(err)
	}
	path := filepath.Join(dir, FileName)
	if same, _ := sameFile(file, path); same {
		return rep, wrap(ErrRestoreItself)
	}
	// Fail fast when the data dir is in use. A damaged data file is
	// replaced too: it is what a restore is for.
	if err := probeLock(path, opts.Timeout); err != nil {
		return rep, wrap(err)
	}

	staging, err := os.MkdirTemp(dir, ".restore-")
	if err != nil {
		return rep, wrap(err)
	}
	defer removeStaging(staging)
	staged := filepath.Join(staging, FileName)
	if err := stageBackup(ctx, file, staging, opts, &rep); err != nil {
		return rep, wrap(err)
	}

	// The audit log is in the data file: entries written since the backup
	// would go with the replaced file. Read them, to carry them over.
	current, carryErr := readCurrentAudit(ctx, dir, opts)

	if rep.Replaced, rep.Damaged, err = replaceDataFile(dir, staged, opts); err != nil {
		return rep, wrap(err)
	}

	st, err := Open(ctx, dir, opts)
	if err != nil {
		return rep, wrap(fmt.Errorf("the restored file was put in place but does not open: %w", err))
	}
	detail := filepath.Base(file)
	if rep.Replaced != "" {
		detail += " (replaced file kept as " + filepath.Base(rep.Replaced) + ")"
	}
	err = st.update(ctx, "restore", func(tx *Tx) error {
		restored, err := tx.lastAudit()
		if err != nil {
			return err
		}
		n := 0
		for _, a := range current {
			if a.At.After(restored) {
				if err := tx.appendAudit(auditRecord{At: a.At, User: a.User, Kind: a.Kind, Detail: a.Detail}); err != nil {
					return err
				}
				n++
			}
		}
		switch {
		case n > 0:
			detail += fmt.Sprintf("; %d later audit entries carried over", n)
		case carryErr != nil:
			detail += fmt.Sprintf("; the replaced file's audit log could not be read: %v", carryErr)
		}
		return tx.Audit(AuditRestore, detail)
	})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return rep, wrap(err)
	}
	return rep, nil
}

// restoreOptions fills in Restore's defaults.
func restoreOptions(opts Options, dir string) Options {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.argon2 == (keys.Argon2{}) {
		opts.argon2 = keys.DefaultArgon2
	}
	opts.account = keyringAccount(dir)
	return opts
}

// stageBackup puts a copy of the backup file (unsealed, when it was
// sealed) in the staging directory, checks that it is a whole, consistent
// data file that opens (Open migrates and secures it there), and fills in
// what the report says of it.
func stageBackup(ctx context.Context, file, staging string, opts Options, rep *RestoreReport) error {
	staged := filepath.Join(staging, FileName)
	if isSealedFile(file) {
		rep.WasSealed = true
		k := &keyer{src: opts.Key, account: opts.account, argon2: opts.argon2, now: opts.Now}
		if err := unsealFile(staged, file, k); err != nil {
			return err
		}
	} else if err := copyFile(staged, file); err != nil {
		return err
	}
	if err := checkBoltMeta(staged); err != nil {
		return err
	}
	if err := safely(func() error { return checkBolt(staged) }); err != nil {
		return err
	}
	var st *Store
	err := safely(func() (err error) {
		st, err = Open(ctx, staging, opts)
		if err != nil {
			return fmt.Errorf("the backup does not open: %w", err)
		}
		if err := st.Check(ctx); err != nil {
			st.Close()
			st = nil
			return fmt.Errorf("the backup is damaged: %w", err)
		}
		return nil
	})
	if err != nil {
		if st != nil {
			st.Close()
		}
		return err
	}
	rep.Needs = st.CountNeeds(ctx)
	st.mem.mu.RLock()
	rep.Enterprises = len(st.mem.ents)
	st.mem.mu.RUnlock()
	rep.Encrypted = st.crypt.encrypted()
	bakFiles, _ := filepath.Glob(filepath.Join(staging, FileName+"*.bak*"))
	rep.MigratedOrSecured = len(bakFiles) > 0
	return st.Close()
}

// replaceDataFile puts the file staged in place of dir's data file, holding
// the data file's lock while it is renamed into place (except where a
// locked file cannot be renamed over). The file replaced is kept as
// xunbang.db.replaced-<time>.bak, or, when it is damaged, as
// xunbang.db.damaged-<time>: a damaged file, which bbolt cannot open, is
// locked as bbolt would lock it. It returns where the replaced file is
// kept ("" when there was none) and whether it was damaged.
func replaceDataFile(dir, staged string, opts Options) (replaced string, damagedFile bool, err error) {
	path := filepath.Join(dir, FileName)
	var unlock func()
	if _, err := os.Stat(path); err == nil {
		stamp := opts.Now().UTC().Format("20060102T150405Z")
		lock, err := openBolt(path, opts.Timeout, false)
		var de *DamagedError
		switch {
		case errors.As(err, &de):
			if unlock, err = lockFile(path, opts.Timeout); err != nil {
				return "", false, err
			}
			damagedFile = true
		case err != nil:
			return "", false, err
		default:
			unlock = func() { lock.Close() }
			// Damage bbolt's Open does not see (a page it has not read).
			damagedFile = guard(path, func() error { return lock.View(boltCheck) }) != nil
		}
		replaced = filepath.Join(dir, fmt.Sprintf("%s.replaced-%s.bak", FileName, stamp))
		if damagedFile {
			replaced = filepath.Join(dir, fmt.Sprintf("%s.damaged-%s", FileName, stamp))
		}
		if err := os.Link(path, replaced); err != nil {
			if err := copyFile(replaced, path); err != nil {
				unlock()
				return "", false, fmt.Errorf("keep the replaced file: %w", err)
			}
		}
	}
	if err := os.Rename(staged, path); err != nil {
		if unlock == nil {
			return replaced, damagedFile, err
		}
		unlock()
		unlock = nil
		if err := os.Rename(staged, path); err != nil {
			return replaced, damagedFile, err
		}
	}
	syncDir(dir)
	if unlock != nil {
		unlock()
	}
	return replaced, damagedFile, nil
}

// readCurrentAudit reads the audit log of the data file Restore is about to
// replace (none when there is none).
func readCurrentAudit(ctx context.Context, dir string, opts Options) ([]AuditEntry, error) {
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		return nil, nil
	}
	var last error
	for _, o := range []Options{opts, {}} {
		o.ReadOnly, o.Timeout, o.account = true, opts.Timeout, opts.account
		var log []AuditEntry
		err := safely(func() error {
			st, err := Open(ctx, dir, o)
			if err != nil {
				return err
			}
			defer st.Close()
			log, err = st.AuditLog(ctx, AuditQuery{})
			return err
		})
		if err == nil {
			return log, nil
		}
		last = err
	}
	return nil, last
}

// lastAudit returns the time of the last audit entry, zero if none.
func (tx *Tx) lastAudit() (time.Time, error) {
	k, v := tx.bucket(auditBucket).Cursor().Last()
	if k == nil {
		return time.Time{}, nil
	}
	p, err := tx.s.crypt.open(auditBucket, k, v)
	if err != nil {
		return time.Time{}, err
	}
	var rec auditRecord
	if err := json.Unmarshal(p, &rec); err != nil {
		return time.Time{}, err
	}
	return rec.At, nil
}

// probeLock returns ErrInUse when another process holds the data file,
// damaged or not.
func probeLock(path string, timeout time.Duration) error {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	db, err := openBolt(path, timeout, true)
	var de *DamagedError
	if errors.As(err, &de) {
		unlock, err := lockFile(path, timeout)
		if err != nil {
			return err
		}
		unlock()
		return nil
	}
	if err != nil {
		return err
	}
	return db.Close()
}

// checkBolt runs bbolt's own consistency check on a file.
func checkBolt(path string) error {
	db, err := boltOpen(path, bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("not a data file: %w", err)
	}
	defer db.Close()
	return db.View(boltCheck)
}

// boltCheck runs bbolt's own consistency check in btx: every page reached
// once, none both free and in use, keys in order. It returns an error
// wrapping ErrCorrupt naming the first problems.
func boltCheck(btx *bolt.Tx) error {
	var problems []error
	for err := range btx.Check() {
		if len(problems) < maxProblems {
			problems = append(problems, err)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("bbolt check: %w: %w", ErrCorrupt, errors.Join(problems...))
	}
	return nil
}

func sameFile(a, b string) (bool, error) {
	ai, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	bi, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(ai, bi), nil
}

// removeStaging wipes the files of a staging directory (a plain copy of an
// unencrypted backup may be among them) and removes it.
func removeStaging(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Type().IsRegular() {
			_ = wipeFile(filepath.Join(dir, e.Name()))
		}
	}
	_ = os.RemoveAll(dir)
}

// KeyState says what opening a data dir with the keyring alone would need.
type KeyState int

const (
	// KeyReady: the keyring holds the key (or will hold a new one): Open
	// with KeySource{Keyring: kr} works without asking.
	KeyReady KeyState = iota
	// KeyNewPassphrase: the data dir is new (or not yet encrypted) and no
	// keyring can keep its key: the user must choose a passphrase.
	KeyNewPassphrase
	// KeyPassphrase: the data is encrypted and the keyring does not hold its
	// key: the user must enter the passphrase.
	KeyPassphrase
	// KeyUnavailable: the data is encrypted, the keyring does not hold its
	// key and it has no passphrase: it opens only on the computer whose
	// keyring holds the key (or with a backup of that key).
	KeyUnavailable
)

// Inspect says what Open(dir, KeySource{Keyring: kr, …}) will need, without
// the key and without changing anything: the window calls it to know
// whether to ask for a passphrase (to choose or to enter) before opening.
// It returns ErrInUse when another process has the data dir open, and
// ErrNewerSchema for a file of a newer xunbang.
func Inspect(ctx context.Context, dir string, kr Keyring) (KeyState, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	account := keyringAccount(dir)
	keyringWorks := func() bool {
		if kr == nil {
			return false
		}
		_, err := kr.Get(keys.Service, account)
		return err == nil || errors.Is(err, keys.ErrNotFound)
	}
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if keyringWorks() {
			return KeyReady, nil
		}
		return KeyNewPassphrase, nil
	}
	db, err := openBolt(path, time.Second, true)
	if err != nil {
		return 0, fmt.Errorf("inspect %s: %w", dir, err)
	}
	defer db.Close()
	var st fileState
	if err := guard(path, func() error {
		return db.View(func(btx *bolt.Tx) (err error) { st, err = readState(btx); return err })
	}); err != nil {
		return 0, fmt.Errorf("inspect %s: %w", dir, err)
	}
	if st.version > schemaVersion {
		return 0, fmt.Errorf("inspect %s: %w", dir, ErrNewerSchema)
	}
	if st.rec == nil {
		if keyringWorks() {
			return KeyReady, nil
		}
		return KeyNewPassphrase, nil
	}
	k := &keyer{src: KeySource{Keyring: kr}, account: account}
	if _, err := k.unlock(st.rec); err == nil {
		return KeyReady, nil
	}
	if st.rec.Passphrase == nil {
		return KeyUnavailable, nil
	}
	return KeyPassphrase, nil
}

// NeedsPassphrase reports whether opening dir needs a passphrase from the
// user (to choose one, or to enter it) because the keyring kr cannot provide
// the key: Inspect's answer is not KeyReady.
func NeedsPassphrase(ctx context.Context, dir string, kr Keyring) (bool, error) {
	st, err := Inspect(ctx, dir, kr)
	return st != KeyReady, err
}
