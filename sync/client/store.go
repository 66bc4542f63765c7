package client

import (
	"context"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// Store is what the engine, its status, its conflicts and its refusals need
// of the local store: the outbox, the records, and transactions for what is
// applied together (a feed page and its cursor). Package store's *Store is
// the one implementation.
type Store interface {
	View(ctx context.Context, fn func(tx *store.Tx) error) error
	Update(ctx context.Context, fn func(tx *store.Tx) error) error

	Outbox(ctx context.Context, limit int) ([]store.OutboxEntry, error)
	QuarantinedOutbox(ctx context.Context) ([]store.OutboxEntry, error)
	OutboxStats(ctx context.Context) (store.OutboxStats, error)
	RecordOutbox(ctx context.Context, kind, id string) (pending, quarantined *store.OutboxEntry, err error)
	QuarantineOutbox(ctx context.Context, seq uint64, reasons []store.Reason) error
	SettleOutbox(ctx context.Context, settled []store.Settlement) error
	AckOutbox(ctx context.Context, seqs ...uint64) error
	Precedes(ctx context.Context, kind, id, earlier, later string) (bool, error)

	Need(ctx context.Context, id string) (*forms.Need, error)
	Enterprise(ctx context.Context, id string) (*forms.Enterprise, error)
}

// ConnectionStore is Store with what connecting a data dir to its platform
// also needs: the settings (the platform's address), whether the data file
// is encrypted (where a token may be sealed), and the audit log.
type ConnectionStore interface {
	Store
	Settings(ctx context.Context) (store.Settings, error)
	SaveSettings(ctx context.Context, set store.Settings) error
	Encrypted() bool
	Audit(ctx context.Context, kind, detail string) error
}

var (
	_ Store           = (*store.Store)(nil)
	_ ConnectionStore = (*store.Store)(nil)
)
