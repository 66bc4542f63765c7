package jobs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/xunbang/xunbang/internal/control"
	"github.com/xunbang/xunbang/store"
)

// BackupSource is what a backup needs of the store: the hot copy, what the
// result says of the data, and the audit log.
type BackupSource interface {
	Backup(ctx context.Context, path string) error
	CountNeeds(ctx context.Context) int
	Encrypted() bool
	KeyID() string
	HasPassphrase() bool
	Auditor
}

// BackupResult says what a backup wrote: its size, the needs in it, and
// whether (and how) it is encrypted. It is also what the window answers
// `xunbang backup` over the control channel.
type BackupResult = control.BackupResult

// ErrNoWindow means that no xunbang window answers on the data dir's
// control channel (none is open, or it is an older one, or its control file
// is stale).
var ErrNoWindow = control.ErrUnreachable

// Backup writes a consistent copy of the data to path (made absolute; it
// must not exist: an error wrapping fs.ErrExist), while the store stays in
// use, and records it in the audit log. The copy is written atomically by
// the store; a failed backup leaves nothing at path.
func Backup(ctx context.Context, st BackupSource, path string) (BackupResult, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return BackupResult{}, fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := st.Backup(ctx, abs); err != nil {
		return BackupResult{}, err
	}
	if err := audit(ctx, st, store.AuditBackup, abs); err != nil {
		return BackupResult{}, err
	}
	res := BackupResult{Needs: st.CountNeeds(ctx), Encrypted: st.Encrypted(), KeyID: st.KeyID(), HasPassphrase: st.HasPassphrase()}
	if fi, err := os.Stat(abs); err == nil {
		res.Bytes = fi.Size()
	}
	return res, nil
}

// BackupThroughWindow asks the window that has the data dir dir open to
// write the backup (bbolt lets one process have the file): the same copy,
// recorded the same way, by the window's Backup. It returns an error
// wrapping ErrNoWindow when no window answers, one wrapping fs.ErrExist when
// path exists, and ctx's error when ctx ends first.
func BackupThroughWindow(ctx context.Context, dir, path string) (BackupResult, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return BackupResult{}, fmt.Errorf("backup to %s: %w", path, err)
	}
	return control.Backup(ctx, dir, abs)
}

// WindowAnswers reports whether a xunbang window answers on the control
// channel of the data dir dir, to say truthfully who has it when it is in
// use. It takes a few seconds at most.
func WindowAnswers(ctx context.Context, dir string) bool { return control.Answers(ctx, dir) }

// ControlServer is the window's end of the control channel.
type ControlServer = control.Server

// Dirs is a store that knows its data dir.
type Dirs interface{ Dir() string }

// ServeControl starts the window's end of the control channel on st's data
// dir, so that `xunbang backup` run while the window is open gets the
// backup from the window through Backup. The server stops, removing its
// control file, when ctx ends or on Close.
func ServeControl(ctx context.Context, st interface {
	BackupSource
	Dirs
}) (*ControlServer, error) {
	return control.Start(ctx, st.Dir(), control.Handlers{
		Backup: func(ctx context.Context, path string) (BackupResult, error) {
			return Backup(ctx, st, path)
		},
	})
}

// RestoreReport says what a restore put in place (package store).
type RestoreReport = store.RestoreReport

// Restore replaces the data file of dir with the backup file, once checked
// whole (it must not be in use: store.ErrInUse). The file replaced is kept
// beside it; the restore is recorded in the restored data's audit log by the
// store, in the same step. Nothing changes when any check fails.
func Restore(ctx context.Context, dir, file string, opts store.Options) (RestoreReport, error) {
	return store.Restore(ctx, dir, file, opts)
}
