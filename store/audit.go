package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"slices"
	"time"
)

// Audit kinds: what was done. The store records AuditChangeConfirmed
// itself, and AuditEncrypt, AuditPassphrase and AuditRestore; the jobs both
// faces run (package jobs: export, cards, import, backup) and the window
// (confirmation, lock) record the others with Store.Audit.
const (
	// AuditViewConfirmation: the confirmation screen showed a need to an
	// enterprise's representative.
	AuditViewConfirmation = "view_confirmation"
	// AuditExport: records left the store in a file (JSON, Excel).
	AuditExport = "export"
	// AuditPrintCards: need cards were written (PDF, PNG).
	AuditPrintCards = "print_cards"
	// AuditImport: records came into the store from a file (JSON Lines, a
	// 需求征集表 or 《技术需求解决方案表》 workbook).
	AuditImport = "import"
	// AuditSync: the store was synced with the platform.
	AuditSync = "sync"
	// AuditChangeConfirmed: a need whose confirmation was current was
	// changed (or its enterprise was), so it no longer is.
	AuditChangeConfirmed = "change_confirmed"
	// AuditBackup: a backup copy of the data was written.
	AuditBackup = "backup"
	// AuditRestore: the data file was replaced by a backup.
	AuditRestore = "restore"
	// AuditEncrypt: an unencrypted data file was encrypted.
	AuditEncrypt = "encrypt"
	// AuditPassphrase: the passphrase was set or changed.
	AuditPassphrase = "passphrase"
	// AuditLock: the window locked (idle, or 立即锁定); its data was hidden.
	AuditLock = "lock"
	// AuditUnlock: the window was unlocked with the passphrase.
	AuditUnlock = "unlock"
)

// AuditKinds lists the known kinds, each with its zh and en label.
var AuditKinds = []struct{ Kind, Zh, En string }{
	{AuditViewConfirmation, "查看确认页", "viewed confirmation"},
	{AuditExport, "导出", "exported"},
	{AuditPrintCards, "打印卡片", "printed cards"},
	{AuditImport, "导入", "imported"},
	{AuditSync, "同步", "synced"},
	{AuditChangeConfirmed, "修改已确认需求", "changed a confirmed need"},
	{AuditBackup, "备份", "backup"},
	{AuditRestore, "恢复备份", "restored a backup"},
	{AuditEncrypt, "加密数据", "encrypted the data"},
	{AuditPassphrase, "设置口令", "set the passphrase"},
	{AuditLock, "锁定窗口", "locked the window"},
	{AuditUnlock, "解锁窗口", "unlocked the window"},
}

// AuditLabel returns a kind's label in lang ("zh" or "en"); an unknown
// kind is returned as it is.
func AuditLabel(kind, lang string) string {
	for _, k := range AuditKinds {
		if k.Kind == kind {
			if lang == "en" {
				return k.En
			}
			return k.Zh
		}
	}
	return kind
}

func knownAuditKind(kind string) bool {
	return slices.ContainsFunc(AuditKinds, func(k struct{ Kind, Zh, En string }) bool { return k.Kind == kind })
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Seq    uint64    // 1, 2, 3 … in the order they were written
	At     time.Time // when
	User   string    // who: Settings.User (or Options.User), else the OS account
	Kind   string    // what: one of the Audit… kinds
	Detail string    // what exactly: a need's id and title, a file, a count
}

// auditRecord is an audit entry as stored (sealed).
type auditRecord struct {
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	Kind   string    `json:"kind"`
	Detail string    `json:"detail,omitempty"`
}

// Audit appends an entry to the audit log, in its own transaction. kind must
// be one of the Audit… constants (ErrInvalid otherwise); detail says what
// exactly (a need's id and title, a file name, a count). The log is
// append-only: the store offers no way to change or remove an entry, and
// Check reports a gap.
func (s *Store) Audit(ctx context.Context, kind, detail string) error {
	return s.update(ctx, "audit", func(tx *Tx) error { return tx.Audit(kind, detail) })
}

// Audit appends an entry to the audit log in this transaction: it is
// committed with the change it records, or not at all.
func (tx *Tx) Audit(kind, detail string) error {
	if err := tx.checkWrite(); err != nil {
		return fmt.Errorf("audit %s: %w", kind, err)
	}
	if !knownAuditKind(kind) {
		return fmt.Errorf("audit kind %q: %w", kind, ErrInvalid)
	}
	user, _ := tx.s.userTeam()
	if user == "" {
		user = tx.s.osUser
	}
	return tx.appendAudit(auditRecord{At: tx.s.clock().UTC(), User: user, Kind: kind, Detail: detail})
}

// appendAudit appends a record as it is (Restore carries entries over).
func (tx *Tx) appendAudit(rec auditRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if tx.stage != nil {
		return tx.stage.audit(tx, v) // its number is given at publication
	}
	seq, err := tx.bucket(auditBucket).NextSequence()
	if err != nil {
		return err
	}
	return tx.putSealedAppend(auditBucket, u64Key(seq), v)
}

// AuditQuery selects audit entries for AuditLog. The zero value is all of
// them.
type AuditQuery struct {
	Kind  string    // only this kind
	Since time.Time // only entries at or after this time
	Last  int       // only the last n (after the filters); <= 0: all
}

// AuditLog returns the audit entries q selects, oldest first.
func (s *Store) AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.View(ctx, func(tx *Tx) error {
		return tx.bucket(auditBucket).ForEach(func(k, v []byte) error {
			p, err := tx.s.crypt.open(auditBucket, k, v)
			if err != nil {
				return err
			}
			var rec auditRecord
			if err := json.Unmarshal(p, &rec); err != nil {
				return fmt.Errorf("audit entry %x: %w", k, err)
			}
			if q.Kind != "" && rec.Kind != q.Kind || !q.Since.IsZero() && rec.At.Before(q.Since) {
				return nil
			}
			out = append(out, AuditEntry{Seq: binary.BigEndian.Uint64(k), At: rec.At, User: rec.User, Kind: rec.Kind, Detail: rec.Detail})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	if q.Last > 0 && len(out) > q.Last {
		out = out[len(out)-q.Last:]
	}
	return out, nil
}

// osUserName returns the name of the operating system's account running
// the program, for the audit log when no user is set.
func osUserName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}
