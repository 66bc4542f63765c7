package jobs

import (
	"context"

	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
)

// Syncer is what a sync asked for by the official runs: the sync client,
// or the window's link to it.
type Syncer interface {
	Sync(ctx context.Context) (client.Report, error)
}

// Sync runs one sync the official asked for — `xunbang sync`, the window's
// 立即同步 — and records it in the audit log, what it did or why it
// stopped, the same entry from either face. (The window's background loop
// syncs every few minutes unasked and is not audited.) server names the
// platform in the entry.
func Sync(ctx context.Context, s Syncer, a Auditor, server string) (client.Report, error) {
	rep, err := s.Sync(ctx)
	detail := server + ": " + rep.String()
	if err != nil {
		detail += "; stopped: " + err.Error()
	}
	if aerr := audit(ctx, a, store.AuditSync, detail); aerr != nil && err == nil {
		err = aerr
	}
	return rep, err
}
