package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/keys"
)

/*
The store is one bbolt file, DIR/xunbang.db. The schema as of version 5
(values marked [sealed] are encrypted, see crypt.go; keys are never
encrypted and never hold names, codes or text; schema 5 has the layout of
schema 4, its needs' tech field codes rewritten to the official ones, see
migrateV4):

meta/
|--> schema   -> "5" (decimal text, not JSON, so any version of xunbang can read it)
|--> upgraded -> time of the last migration, RFC 3339
|--> crypt    -> cryptRecord (JSON, in the clear: cipher, key id, key check, the
|                data key wrapped with the passphrase and the Argon2id salt and
|                parameters); absent in an unencrypted store
|--> settings -> Settings (JSON) [sealed]
|--> 0xFF <32 hex: HMAC of the caller's key> -> uvarint len, caller's key, caller's
                bytes (Tx.SetMeta), e.g. the sync cursor [sealed]

enterprise_summaries/
|--> <enterprise-id> -> entHead (compact binary: name, credit code, region, rev, times,
                        and <seq> of the current revision row) [sealed]
enterprise_revisions/
|--> <enterprise-id> 0x00 <seq> -> forms.Enterprise JSON, one per revision, oldest first;
                                   the last is the current one [sealed]
enterprise_by_code/
|--> <32 hex: HMAC of the credit code> 0x00 <enterprise-id> -> nil
enterprise_by_updated/
|--> <updated-at> <enterprise-id> -> nil

need_summaries/
|--> <need-id> -> needHead (compact binary: the need list's Summary with the
                  platform's verdict, rev, times, and <seq> of the current
                  revision row) [sealed]
need_revisions/
|--> <need-id> 0x00 <seq> -> forms.Need JSON, one per revision, oldest first;
                             the last is the current one [sealed]
need_by_status/
|--> <status> 0x00 <need-id> -> nil
need_by_enterprise/
|--> <enterprise-id> 0x00 <need-id> -> nil
need_by_updated/
|--> <updated-at> <need-id> -> nil

solution_summaries/
|--> <solution-id> -> solHead (JSON: need id, rev, status, times, and <seq> of the
                      current revision row) [sealed]
solution_revisions/
|--> <solution-id> 0x00 <seq> -> forms.Solution JSON, one per revision, oldest first;
                                 the last is the current one [sealed]
solution_by_need/
|--> <need-id> 0x00 <solution-id> -> nil

outbox/
|--> <seq> -> outboxRecord (JSON: kind, id, the record's latest rev, the base rev the
              platform acknowledged, <seq> of the revision row, attempts, last
              error) [sealed]; one per record
outbox_quarantine/
|--> <seq> -> outboxRecord, set aside: the platform refused it as invalid, or
              answered with a conflict [sealed]; one per record
outbox_by_record/
|--> <kind> 0x00 <record-id> -> 16 bytes: <seq> of the record's pending entry and
                                <seq> of its quarantined one (0: none)

visits/
|--> <visit-id> -> forms.Visit JSON [sealed]
visit_by_enterprise/
|--> <enterprise-id> 0x00 <visit-id> -> nil
followups/
|--> <followup-id> -> forms.FollowUp JSON [sealed]
followup_by_need/
|--> <need-id> 0x00 <followup-id> -> nil

audit/
|--> <seq> -> auditRecord (JSON: when, who, what, detail) [sealed]; append-only:
              seqs run 1, 2, 3 … up to the bucket's sequence with no gap

import_staging/   only while an import is staged or published: drawn in stage.go

A record is its summary (the entry point: a record exists when its summary
does) and its revision rows; the current JSON is not stored a second time.
<seq> is 8 bytes big-endian from the bucket's NextSequence, so rows sort in
the order they were written. <updated-at> is 12 bytes: seconds since 1970
with the sign bit flipped, big-endian, then nanoseconds, so keys sort by time.
Record ids never hold 0x00 (see validID), so "<id> 0x00" is an exact prefix.
A sealed value is 0xE1, a 24-byte nonce, the ciphertext and a 16-byte tag,
under the associated data <bucket> 0x00 <key>; in an unencrypted store
(opened with no KeySource: tests of other packages) it is the plain value,
and the HMACs use a key everybody knows.
*/

// schemaVersion is the version of the layout drawn above. Files with an older
// version are migrated at Open (see migrations); a newer one is refused.
const schemaVersion = 5

// FileName is the name of the data file inside the data dir.
const FileName = "xunbang.db"

var (
	// metaBucket holds the schema version, settings and callers' small values.
	metaBucket = []byte("meta")
	// metaSchemaKey is the key of the schema version, decimal text.
	metaSchemaKey = []byte("schema")
	// metaUpgradedKey is the key of the time of the last migration.
	metaUpgradedKey = []byte("upgraded")
	// metaSettingsKey is the key of the Settings JSON.
	metaSettingsKey = []byte("settings")

	// enterpriseSummariesBucket maps: enterprise-id => entHead, what lists,
	// search and need summaries show of an enterprise and where its current
	// revision is; loaded into memory at Open.
	enterpriseSummariesBucket = []byte("enterprise_summaries")
	// enterpriseRevisionsBucket maps: enterprise-id 0x00 seq => forms.Enterprise
	// JSON at that revision. Rows are never removed.
	enterpriseRevisionsBucket = []byte("enterprise_revisions")
	// enterpriseByCodeBucket maps: normalised credit code 0x00 enterprise-id => nil.
	enterpriseByCodeBucket = []byte("enterprise_by_code")
	// enterpriseByUpdatedBucket maps: updated-at enterprise-id => nil.
	enterpriseByUpdatedBucket = []byte("enterprise_by_updated")

	// needSummariesBucket maps: need-id => needHead, the need list's Summary
	// plus what a save needs of the current revision and where its row is,
	// so that neither Open nor a save decodes a full need.
	needSummariesBucket = []byte("need_summaries")
	// needRevisionsBucket maps: need-id 0x00 seq => forms.Need JSON at that
	// revision. Rows are never removed.
	needRevisionsBucket = []byte("need_revisions")
	// needByStatusBucket maps: status 0x00 need-id => nil.
	needByStatusBucket = []byte("need_by_status")
	// needByEnterpriseBucket maps: enterprise-id 0x00 need-id => nil.
	needByEnterpriseBucket = []byte("need_by_enterprise")
	// needByUpdatedBucket maps: updated-at need-id => nil.
	needByUpdatedBucket = []byte("need_by_updated")

	// solutionSummariesBucket maps: solution-id => solHead JSON, the
	// solution's need, status and where its current revision row is.
	solutionSummariesBucket = []byte("solution_summaries")
	// solutionRevisionsBucket maps: solution-id 0x00 seq => forms.Solution
	// JSON at that revision. Rows are never removed.
	solutionRevisionsBucket = []byte("solution_revisions")
	// solutionByNeedBucket maps: need-id 0x00 solution-id => nil.
	solutionByNeedBucket = []byte("solution_by_need")

	// outboxBucket maps: seq => outboxRecord JSON, a revision still to push.
	outboxBucket = []byte("outbox")
	// outboxQuarantineBucket maps: seq => outboxRecord JSON that the platform
	// rejected as invalid; it no longer blocks the queue.
	outboxQuarantineBucket = []byte("outbox_quarantine")
	// outboxByRecordBucket maps: kind 0x00 record-id => the seqs of the
	// record's pending and quarantined entries (outboxSlots).
	outboxByRecordBucket = []byte("outbox_by_record")

	// visitsBucket maps: visit-id => forms.Visit JSON.
	visitsBucket = []byte("visits")
	// visitByEnterpriseBucket maps: enterprise-id 0x00 visit-id => nil.
	visitByEnterpriseBucket = []byte("visit_by_enterprise")
	// followUpsBucket maps: followup-id => forms.FollowUp JSON.
	followUpsBucket = []byte("followups")
	// followUpByNeedBucket maps: need-id 0x00 followup-id => nil.
	followUpByNeedBucket = []byte("followup_by_need")

	// auditBucket maps: seq => auditRecord JSON, the append-only audit log.
	auditBucket = []byte("audit")
)

// allBuckets lists every top-level bucket of the current schema.
var allBuckets = [][]byte{
	metaBucket,
	enterpriseSummariesBucket, enterpriseRevisionsBucket, enterpriseByCodeBucket, enterpriseByUpdatedBucket,
	needSummariesBucket, needRevisionsBucket, needByStatusBucket, needByEnterpriseBucket, needByUpdatedBucket,
	outboxBucket, outboxQuarantineBucket, outboxByRecordBucket,
	visitsBucket, visitByEnterpriseBucket, followUpsBucket, followUpByNeedBucket,
	auditBucket,
	solutionSummariesBucket, solutionRevisionsBucket, solutionByNeedBucket,
}

// sealedBuckets lists the buckets whose every value is sealed in an
// encrypted store. (meta seals settings and callers' values only.)
var sealedBuckets = [][]byte{
	enterpriseSummariesBucket, enterpriseRevisionsBucket,
	needSummariesBucket, needRevisionsBucket,
	outboxBucket, outboxQuarantineBucket,
	visitsBucket, followUpsBucket,
	auditBucket,
	solutionSummariesBucket, solutionRevisionsBucket,
}

var (
	// ErrInUse is returned by Open when another process holds the data file.
	// Its text is bilingual; the CLI and the window show the half in the
	// user's language.
	ErrInUse = errors.New("数据目录正被另一个寻榜程序使用 / the data dir is in use by another xunbang")
	// ErrNotFound is returned when a record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNewerSchema is returned by Open for a file written by a newer xunbang.
	ErrNewerSchema = errors.New("数据文件由更新版本的寻榜写入 / the data file was written by a newer xunbang")
	// ErrConflict is returned by SaveNeed and SaveEnterprise for a record
	// whose Rev is set but is not the stored current revision: it was edited
	// from an out-of-date copy, and saving it would silently undo a change.
	ErrConflict = errors.New("record changed since it was loaded")
	// ErrDuplicate is returned by SaveEnterprise when another enterprise
	// already has the credit code.
	ErrDuplicate = errors.New("another enterprise has this credit code")
	// ErrInvalid is returned for a record or argument the store cannot take
	// (unknown status, bad id, unknown sort).
	ErrInvalid = errors.New("invalid")
	// ErrRestoreItself is returned by Restore for a backup that is the data
	// file itself (chosen by mistake); it wraps ErrInvalid.
	ErrRestoreItself = fmt.Errorf("the backup is the data file itself: %w", ErrInvalid)
	// ErrReadOnly is returned for a write to a store opened read-only.
	ErrReadOnly = errors.New("store is read-only")
	// ErrCorrupt is returned by Check when the file breaks an invariant.
	ErrCorrupt = errors.New("store is inconsistent")
)

// Options configure Open. The zero value is ready to use, and opens an
// unencrypted store: the CLI and the window always give a Key.
type Options struct {
	// Key says where the data key comes from (see KeySource). With a key,
	// a new data dir is created encrypted and an unencrypted one is
	// encrypted at Open, after a backup. An encrypted data dir cannot be
	// opened without its key (ErrLocked, ErrWrongKey).
	Key KeySource
	// Timeout is how long Open waits for another process to release the file
	// before it gives up with ErrInUse; default 1s.
	Timeout time.Duration
	// ReadOnly opens the file with a shared lock and refuses writes. A file
	// that does not exist or needs a migration (an older schema, or an
	// unencrypted file opened with a Key) cannot be opened read-only.
	ReadOnly bool
	// Now is the clock; default time.Now.
	Now func() time.Time
	// User and Team are recorded on new records (CreatedBy, Team) and in
	// the audit log. Empty means the User and Team of the stored Settings.
	User, Team string
	// Logger receives migration and recovery messages; default slog.Default().
	Logger *slog.Logger
	// Lazy leaves the need list out of memory until something reads it
	// (NeedList, Needs, CountNeeds, FindEnterprises): for a command that
	// reads the records in passes — an export, an import — which then
	// holds no summary of every need and spends no time making them.
	Lazy bool

	// argon2 overrides keys.DefaultArgon2 for new passphrases: tests use
	// cheap parameters. (The parameters are stored with each passphrase.)
	argon2 keys.Argon2
	// cacheMin overrides defaultCacheMin (tests write the cache of a few
	// needs).
	cacheMin int
	// account overrides the keyring account (Restore opens a staging copy
	// with the account of the data dir it restores into).
	account string
}

// Store is the bbolt-backed persistence of xunbang's records. Its methods
// are safe for concurrent use.
type Store struct {
	db     *bolt.DB
	dir    string
	path   string
	now    func() time.Time
	log    *slog.Logger
	userMu sync.RWMutex
	user   string
	team   string
	// optUser and optTeam are Options.User and Team, which win over Settings.
	optUser, optTeam string
	// osUser is the operating system's user name, the audit log's "who"
	// when no user is set.
	osUser string

	// crypt seals and opens values; set at Open, never changed after.
	crypt *crypt
	keyer *keyer
	// recMu guards rec, the meta/crypt record (nil when unencrypted), which
	// SetPassphrase changes.
	recMu sync.Mutex
	rec   *cryptRecord
	// openAudit holds audit entries (kind, detail) that Open records once
	// the settings, and so the user, are known.
	openAudit [][2]string

	// writeMu serialises write transactions together with the in-memory
	// update that follows their commit, so that memory sees commits in order.
	writeMu sync.Mutex
	// spareBatch is the write batch of the last staged transaction, kept
	// (emptied) for the next of the same import, whose maps then need not
	// grow again from nothing; writeMu guards it.
	spareBatch *writeBatch
	mem        memory
	// cacheMin is the fewest needs whose list Close caches; 0 when the
	// store was opened Lazy: a command does not spend its time on the
	// window's cache.
	cacheMin int
	// gen counts the write transactions committed (by update), so that a
	// staged import knows whether the store changed since it was staged.
	gen atomic.Uint64
}

// Open opens the store in dir, creating the directory and the file if they
// do not exist, migrating an older file (after a backup copy beside it),
// encrypting an unencrypted one when opts.Key is given, and loading the
// need list into memory (on first use with opts.Lazy). It returns an error wrapping ErrInUse when another
// process has the file open, ErrNewerSchema for a file a newer xunbang
// wrote, ErrLocked or ErrWrongKey for an encrypted file it cannot unlock,
// and ErrNoKeySource when it should encrypt but has nothing to keep a key
// in.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.argon2 == (keys.Argon2{}) {
		opts.argon2 = keys.DefaultArgon2
	}
	if opts.account == "" {
		opts.account = keyringAccount(dir)
	}
	if opts.cacheMin <= 0 {
		opts.cacheMin = defaultCacheMin
	}
	path := filepath.Join(dir, FileName)
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open store %s read-only: %w", dir, err)
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	db, err := openBolt(path, opts.Timeout, opts.ReadOnly)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{
		db: db, dir: dir, path: path, now: opts.Now, log: opts.Logger,
		optUser: opts.User, optTeam: opts.Team, user: opts.User, team: opts.Team,
		osUser: osUserName(), crypt: plainCrypt, cacheMin: opts.cacheMin,
		keyer: &keyer{src: opts.Key, account: opts.account, argon2: opts.argon2, now: opts.Now},
	}
	if opts.Lazy {
		s.cacheMin = 0
	}
	if err := guard(path, func() error { return s.open(ctx, opts.ReadOnly, opts.Key, opts.Lazy) }); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	return s, nil
}

// openBolt opens the bbolt file, waiting up to timeout for its lock. A file
// replaced while Open waited (an encryption or a restore by another
// process renames a new file into place) is opened again, so that nobody
// keeps working on the old one.
func openBolt(path string, timeout time.Duration, readOnly bool) (*bolt.DB, error) {
	for attempt := 0; ; attempt++ {
		before, _ := os.Stat(path)
		db, err := boltOpen(path, bolt.Options{Timeout: timeout, ReadOnly: readOnly})
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, ErrInUse
		}
		if err != nil {
			return nil, err
		}
		after, err := os.Stat(path)
		if err != nil || before == nil || os.SameFile(before, after) || attempt >= 3 {
			return db, nil
		}
		db.Close()
	}
}

// fileState is what Open finds in a file before it knows the key.
type fileState struct {
	version int
	fresh   bool         // no buckets at all
	rec     *cryptRecord // nil: unencrypted
}

// open brings the file to the current schema, unlocks or encrypts it, and
// loads memory.
func (s *Store) open(ctx context.Context, readOnly bool, key KeySource, lazy bool) error {
	st, err := s.state()
	if err != nil {
		return err
	}
	switch {
	case st.fresh && readOnly:
		return fmt.Errorf("empty data file: %w", ErrReadOnly)
	case st.fresh:
		if err := s.create(key); err != nil {
			return err
		}
	case st.version > schemaVersion:
		return fmt.Errorf("schema %d, this program knows up to %d: %w", st.version, schemaVersion, ErrNewerSchema)
	case st.rec != nil:
		if err := s.openEncrypted(ctx, st, readOnly); err != nil {
			return err
		}
	default:
		if err := s.openPlain(ctx, st, readOnly, key); err != nil {
			return err
		}
	}
	if s.crypt.encrypted() && !readOnly {
		s.sealPlainBackups()
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	s.applySettingsUser(set)
	for _, a := range s.openAudit {
		if err := s.Audit(ctx, a[0], a[1]); err != nil {
			return err
		}
	}
	s.openAudit = nil
	if !readOnly {
		if err := s.settleStaging(ctx); err != nil {
			return fmt.Errorf("an import cut short: %w", err)
		}
	}
	if lazy {
		return nil // ensureLoaded, on first use
	}
	return s.load()
}

// openEncrypted unlocks an encrypted file and brings it to the current
// schema.
func (s *Store) openEncrypted(ctx context.Context, st fileState, readOnly bool) error {
	c, err := s.keyer.unlock(st.rec)
	if err != nil {
		return err
	}
	s.crypt, s.rec = c, st.rec
	if st.version >= schemaVersion {
		return nil
	}
	if readOnly {
		return fmt.Errorf("schema %d needs a migration: %w", st.version, ErrReadOnly)
	}
	backup, err := s.backup(st.version)
	if err != nil {
		return fmt.Errorf("backup before migrating from schema %d: %w", st.version, err)
	}
	return s.migrate(ctx, st.version, backup)
}

// openPlain brings an unencrypted file to the current schema, and
// encrypts it when a key is given.
func (s *Store) openPlain(ctx context.Context, st fileState, readOnly bool, key KeySource) error {
	migrate, encrypt := st.version < schemaVersion, !key.zero()
	if (migrate || encrypt) && readOnly {
		return fmt.Errorf("schema %d, unencrypted: it needs a migration: %w", st.version, ErrReadOnly)
	}
	var c *crypt
	var rec *cryptRecord
	if encrypt {
		// Make (and keep) the key before touching the file: without a
		// place for the key, nothing changes.
		var err error
		if c, rec, err = s.keyer.create(); err != nil {
			return err
		}
	}
	if migrate || encrypt {
		backup, err := s.backup(st.version)
		if err != nil {
			return fmt.Errorf("backup before migrating from schema %d: %w", st.version, err)
		}
		if migrate {
			if err := s.migrate(ctx, st.version, backup); err != nil {
				return err
			}
		}
		if encrypt {
			// The copy takes the store's buckets only: what an import
			// left is settled first.
			if err := s.settleStaging(ctx); err != nil {
				return fmt.Errorf("an import cut short: %w", err)
			}
			if err := s.encryptFile(ctx, c, rec, backup); err != nil {
				return err
			}
		}
	}
	return nil
}

// create writes the buckets and meta of a new file, encrypted when key is
// given.
func (s *Store) create(key KeySource) error {
	c, rec := plainCrypt, (*cryptRecord)(nil)
	if !key.zero() {
		var err error
		if c, rec, err = s.keyer.create(); err != nil {
			return err
		}
	}
	err := s.db.Update(func(btx *bolt.Tx) error {
		if err := createBuckets(btx); err != nil {
			return err
		}
		meta := btx.Bucket(metaBucket)
		if rec != nil {
			v, err := json.Marshal(rec)
			if err != nil {
				return err
			}
			if err := meta.Put(metaCryptKey, v); err != nil {
				return err
			}
		}
		return meta.Put(metaSchemaKey, []byte(strconv.Itoa(schemaVersion)))
	})
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	s.crypt, s.rec = c, rec
	return nil
}

// state reads the file's schema version and crypt record. fresh reports a
// file with no buckets at all (new, or created by a process killed before
// its first transaction committed).
func (s *Store) state() (fileState, error) {
	var st fileState
	err := s.db.View(func(btx *bolt.Tx) error {
		var err error
		st, err = readState(btx)
		return err
	})
	return st, err
}

func readState(btx *bolt.Tx) (fileState, error) {
	var st fileState
	meta := btx.Bucket(metaBucket)
	if meta == nil {
		// Before schema 1 there was no meta bucket (schema 0, the
		// prototype). A file with no buckets at all is new. Anything but
		// the prototype's two buckets beside a missing meta bucket (a
		// later schema's bucket, or "meta" as a plain value) is damage,
		// not a file to migrate.
		empty, foreign := true, ""
		_ = btx.ForEach(func(name []byte, b *bolt.Bucket) error {
			empty = false
			if b == nil || !bytes.Equal(name, v0EnterprisesBucket) && !bytes.Equal(name, v0NeedsBucket) {
				foreign = string(name)
			}
			return nil
		})
		if foreign != "" {
			return st, fmt.Errorf("no meta bucket, yet %q of a later schema: %w", foreign, ErrCorrupt)
		}
		st.fresh = empty
		return st, nil
	}
	v := meta.Get(metaSchemaKey)
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 1 {
		return st, fmt.Errorf("bad schema version %q: %w", v, ErrCorrupt)
	}
	st.version = n
	if cv := meta.Get(metaCryptKey); cv != nil && n <= schemaVersion {
		if st.rec, err = parseCryptRecord(cv); err != nil {
			return st, err
		}
	}
	return st, nil
}

func createBuckets(btx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := btx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// Close closes the file. The store cannot be used afterwards.
//
// Close first writes the need list's cache (see CacheFileName) when the
// store holds enough needs and memory changed since it was read.
func (s *Store) Close() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.writeNeedCache(); err != nil {
		s.log.Warn("store: could not write the need list's cache; the next start reads every need", "err", err)
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Path returns the data file's path.
func (s *Store) Path() string { return s.path }

// Dir returns the data dir.
func (s *Store) Dir() string { return s.dir }

func (s *Store) applySettingsUser(set Settings) {
	s.userMu.Lock()
	defer s.userMu.Unlock()
	s.user, s.team = s.optUser, s.optTeam
	if s.user == "" {
		s.user = set.User
	}
	if s.team == "" {
		s.team = set.Team
	}
}

func (s *Store) userTeam() (string, string) {
	s.userMu.RLock()
	defer s.userMu.RUnlock()
	return s.user, s.team
}

// Update runs fn in one write transaction: everything fn saves is committed
// together, or nothing is. If fn returns an error, or the commit fails, the
// records fn saved are restored to what they were before (ID, Rev, times…).
// fn must not call other Store methods (they would wait for this
// transaction) nor keep the Tx after it returns.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	return s.update(ctx, "update", fn)
}

// update is Update with the operation's name: errors before and after fn
// (a canceled context, a read-only store, a failed commit) are wrapped with
// it; fn's own errors are returned as they are, since the Tx methods wrap
// theirs. With op "" the caller wraps every error itself.
func (s *Store) update(ctx context.Context, op string, fn func(tx *Tx) error) error {
	wrap := func(err error) error {
		if op == "" {
			return err
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := ctx.Err(); err != nil {
		return wrap(err)
	}
	if s.db.IsReadOnly() {
		return wrap(ErrReadOnly)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx := &Tx{s: s, ctx: ctx, writable: true}
	var fnErr error
	fnReturned := false
	err := guard(s.path, func() error {
		return s.db.Update(func(btx *bolt.Tx) error {
			tx.btx = btx
			fnErr = fn(tx)
			fnReturned = true
			return fnErr
		})
	})
	tx.btx = nil
	if err != nil {
		tx.rollback()
		switch {
		case !fnReturned: // a damaged page made bbolt panic under fn
			return wrap(err)
		case fnErr == nil:
			return wrap(fmt.Errorf("commit: %w", err))
		}
		return err // fn's own error (naming the file when it is damage)
	}
	s.gen.Add(1)
	s.mem.apply(tx)
	return nil
}

// View runs fn in a read transaction: fn sees one consistent state of the
// store. Records it reads are copies and stay valid afterwards.
func (s *Store) View(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tx := &Tx{s: s, ctx: ctx}
	err := guard(s.path, func() error {
		return s.db.View(func(btx *bolt.Tx) error {
			tx.btx = btx
			return fn(tx)
		})
	})
	tx.btx = nil
	return err
}

// catalogue is the field catalogue the store writes records with.
func catalogue() *forms.Catalogue { return forms.Default() }

// clock returns the time now, without the monotonic reading, so that a
// time read back from the file equals the one written.
func (s *Store) clock() time.Time { return s.now().Round(0) }
