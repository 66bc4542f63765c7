// Package jobs holds the long jobs that both faces of xunbang offer — import
// a file, export an output, print need cards, back up, restore — so that the
// window (package app) and the command line (package cli) run each the same
// way: the same records, the same settings, the same file written the same
// way, the same audit entry. The faces only ask for input (a path, a format,
// which needs) and show the result; everything between is here.
//
// Every job
//
//   - takes a context first and stops when it ends, leaving nothing behind:
//     a file is written atomically (package internal/atomicfile), so a
//     cancelled or failed job leaves no file, nor half of one, and a file
//     that was at the path as it was;
//   - declares the small interface it needs of the store (ExportSource,
//     CardSource, Importer, BackupSource), which *store.Store satisfies
//     (checked at compile time below) and a test may fake;
//   - takes a Progress callback where it can tell how far it has got;
//   - records what it did in the audit log, by the user of the settings,
//     before the file it wrote takes its name (an export or cards) or once
//     the change is committed (an import): when the log cannot take the
//     entry, the job fails, so that nothing leaves the store unrecorded.
//
// What a job's output holds (which needs, redacted how) is decided below
// it, by the writers of forms/xlsx, forms/card and forms/jsonl; the job
// supplies their options from the settings (the platform profile, the
// campaign, the hub's public address for the QR codes), so both faces make
// byte-identical files from the same data.
//
// This package never imports the UI toolkit; errors come back wrapped with
// the operation and are turned into sentences by the face that shows them.
package jobs

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/xunbang/xunbang/store"
)

// Progress is told how far a job has got: done of total, total 0 while it
// is not known. A job calls it from its own goroutine, as often as it
// likes; it must return quickly.
type Progress func(done, total int)

// Auditor is what a job needs to record itself in the audit log.
type Auditor interface {
	Audit(ctx context.Context, kind, detail string) error
}

// SettingsSource is what a job reads its options from.
type SettingsSource interface {
	Settings(ctx context.Context) (store.Settings, error)
}

// Stdout is how the audit log names standard output.
const Stdout = "stdout"

// OutputName names an output for the audit log: the absolute path of a
// file, or Stdout for "" and "-".
func OutputName(path string) string {
	if path == "" || path == "-" {
		return Stdout
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// outputPerm is the mode of the files the jobs write: they hold records,
// some of them personal information or business secrets, so only their
// owner reads them (the command line's mode, kept when the window's 0644
// and it were made one).
const outputPerm = 0o600

// audit records kind with detail, failing with the operation named.
func audit(ctx context.Context, a Auditor, kind, detail string) error {
	if err := a.Audit(ctx, kind, detail); err != nil {
		return fmt.Errorf("record %s in the audit log: %w", kind, err)
	}
	return nil
}

// The store does every job.
var (
	_ ExportSource = (*store.Store)(nil)
	_ CardSource   = (*store.Store)(nil)
	_ Importer     = (*store.Store)(nil)
	_ BackupSource = (*store.Store)(nil)
)
