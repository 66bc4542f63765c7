// Package store keeps xunbang's records — enterprises, needs, visits,
// follow-ups — and the sync outbox in one bbolt file, DIR/xunbang.db.
//
// # Contract
//
// Every write is one bbolt transaction: the record, a new revision row (old
// revisions are never removed), its secondary indexes (by status, by
// enterprise, by credit code, by update time), its head in the need or
// enterprise list and its outbox entry are committed together or not at
// all. A save that returned nil survives a crash of the process or the
// machine (bbolt syncs the file before Commit returns); a save that did not
// return leaves either all of its changes or none of them. The tests prove it
// by killing a writer with SIGKILL at random moments and checking the file.
//
// Values that bbolt hands out are valid only inside their transaction. The
// store never lets one escape: records are decoded (which copies) and raw
// bytes (outbox bodies, meta values) are copied before the transaction
// ends, so everything a method returns stays valid and belongs to the
// caller. A Tx itself is valid only inside the function given to
// Store.Update or Store.View.
//
// The need list does not decode needs. Open loads one compact summary per
// need into memory, every committed write updates it (under a lock, in
// commit order), and Store.Needs filters and sorts it in memory.
//
// An import is the exception to one transaction a write, and still all or
// nothing. bbolt keeps every page a write transaction changes in memory
// until it commits, so an import of 200,000 needs in one transaction would
// hold them all. An import is staged instead (stage.go): written in
// batches of a thousand records, each batch its own transaction, into a
// staging area no reader looks at (import_staging: the staged writes by
// bucket, and the revision rows of new records, which no summary reaches
// yet, written in place and listed); each batch reads through the batches
// before it. One small transaction then makes the import the store's
// (state "publishing", the audit log's numbers reserved), and the staged
// writes are copied into place in batches. What a crash leaves is settled
// at the next Open, before anything reads: a staging is removed (the rows
// written in place, then the area, the sequences it advanced put back), a
// publication is finished (every step of the copy can be done again). So
// after any crash the store holds the import whole or not at all; the tests
// prove it by killing an importing process at random moments
// (TestImportCrashSafety). Import stages and publishes in one call;
// StageImport and StagedImport.Publish do it in two, so that a preview is
// the import itself, published only when the user says so (and refused,
// ErrStale, when the store was written in between). While a publication
// copies, the need list in memory takes each batch over: a reader in the
// same process may see part of an import for those seconds. Within each
// transaction the writes are deferred and applied per bucket in key order
// (batch.go), which keeps big imports linear.
//
// Only one process can have a data dir open: a second Open waits
// Options.Timeout (1s) for bbolt's file lock and then fails with ErrInUse.
// A file written by an older xunbang is copied to a backup beside it and
// migrated at Open; one written by a newer xunbang is refused with
// ErrNewerSchema.
//
// # Encryption at rest
//
// Opened with a KeySource (the CLI and the window always give one), the
// store seals every value that holds content — revisions, summaries, outbox
// entries, visits, follow-ups, the audit log, settings and callers' meta
// values — with XChaCha20-Poly1305 under the associated data bucket ‖ key,
// and keeps no name, credit code or text in a key: the credit-code index
// and callers' meta keys are HMACs. A stolen data file (or backup) alone
// reveals no enterprise name, phone number or need text; the tests prove it
// by searching the raw bytes. The data key is random; it lives in the OS
// keyring (account: the data dir's absolute path) and/or is wrapped with a
// passphrase (Argon2id) in meta/crypt. A new data dir is created encrypted;
// an unencrypted one (every data dir of schema 1) is encrypted at Open by
// writing a new file and renaming it into place, after a backup that is
// then sealed. Opened with no KeySource, a store is unencrypted (tests of
// other packages); see crypt.go.
//
// # Audit log and backups
//
// The audit log (Store.Audit, Store.AuditLog) is in the same file, sealed,
// append-only: entries are numbered 1, 2, 3 … and Check reports a gap. A
// save that makes a current confirmation stale records AuditChangeConfirmed
// in its own transaction. Backup writes a hot copy (bbolt's Tx.WriteTo),
// DailyBackup keeps the last N in DIR/backups, Restore checks a backup
// (bbolt's check, the key, Check) before it replaces the data file and
// carries over the audit entries written since.
//
// # A damaged file
//
// A data file that is empty, cut short, or whose pages or values are not
// what was written is never a crash and never taken for a new store: Open,
// and every transaction after it, return an error wrapping a
// *DamagedError (which wraps ErrCorrupt) naming the file, whose Message
// gives the way out (xunbang restore, the backups folder). bbolt's own
// check runs on every copy a backup makes, so a damaged file is never
// backed up; DailyBackup never removes the newest backup holding records;
// Restore moves a damaged data file aside (xunbang.db.damaged-<time>) and
// puts the backup in its place. See damage.go.
//
// Every I/O method takes a context and checks it before starting a
// transaction; errors are wrapped with the operation and, where it helps,
// wrap one of the package's sentinel errors (ErrNotFound, ErrConflict, …)
// for errors.Is.
//
// # Buckets
//
//   - meta: the schema version, the time of the last migration, the crypt
//     record (how the data key is kept; absent when unencrypted), Settings,
//     and small values of other packages (Tx.SetMeta: the sync cursor),
//     stored under the HMAC of their key.
//   - need_summaries, enterprise_summaries: one compact binary head per
//     record — the need list's Summary (what lists show and search), the
//     current Rev and where its revision row is. A record exists when its
//     summary does. Open loads them into memory without decoding a record.
//   - need_revisions, enterprise_revisions: every revision as the JSON of
//     package forms (catalogue fields inline), keyed by record id and a
//     sequence number, oldest first; the last is the current one. Rows are
//     never removed.
//   - need_by_status, need_by_enterprise, need_by_updated,
//     enterprise_by_code, enterprise_by_updated: secondary indexes whose keys
//     are the indexed value (for the credit code: its HMAC) and the record
//     id, with empty values.
//   - outbox, outbox_quarantine, outbox_by_record: per record, the latest
//     revision still to push to the platform, on the base the platform
//     acknowledged (pointing at its revision row, which is the body), and
//     the one the platform refused or answered with a conflict; the index
//     says which entries are the record's.
//   - visits, visit_by_enterprise, followups, followup_by_need: visits and
//     follow-ups with their parent indexes; they have no revisions and are
//     not pushed.
//   - audit: the audit log, by sequence number.
//   - import_staging: only while an import is staged or being published
//     (stage.go).
//
// The full tree is drawn at the top of store.go.
//
// store imports package forms, internal/keys (the cryptography and the OS
// keyring) and bbolt, never a UI toolkit.
package store
