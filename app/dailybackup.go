package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/xunbang/xunbang/store"
)

// The daily backup (issue 17.5) never runs at the start: a copy of a large
// data file reads all of it and checks every page, and the start has better
// uses for the machine. The sync strip says at once when the last backup
// was made (a look at the backups folder); the first daily backup runs a
// while after the window opened, then the check repeats every hour, so a
// window open overnight makes the next day's. store.DailyBackup copies
// nothing when today's backup exists or nothing changed since the last one.

// Timing of the daily backup.
const (
	dailyBackupDelay = 2 * time.Minute
	dailyBackupEvery = time.Hour
)

// dailyBackupStore is what the daily backup needs of the store.
type dailyBackupStore interface {
	Dir() string
	DailyBackup(ctx context.Context, keep int) (store.DailyResult, error)
}

// dailyBackups runs the daily backup off the UI goroutine and shows its
// outcome on the sync strip.
type dailyBackups struct {
	u     *ui
	st    dailyBackupStore
	keep  int
	delay time.Duration
	every time.Duration
}

func newDailyBackups(u *ui, st dailyBackupStore, keep int) *dailyBackups {
	return &dailyBackups{u: u, st: st, keep: keep, delay: dailyBackupDelay, every: dailyBackupEvery}
}

// start shows the last backup, and runs the daily backup after delay, then
// every every, until ctx ends.
func (d *dailyBackups) start(ctx context.Context) {
	u := d.u
	u.bg.Go(func() {
		last, err := store.LastDailyBackup(d.st.Dir())
		if err != nil {
			slog.Warn("look for the last backup", "err", err)
			return
		}
		u.run(func() { u.sync.showBackup(last.At, "") })
	})
	go func() {
		t := time.NewTimer(d.delay)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			done := make(chan struct{})
			u.bg.Go(func() {
				defer close(done)
				d.run(ctx)
			})
			<-done
			t.Reset(d.every)
		}
	}()
}

// run makes today's backup if it is due, and shows how it went. A damaged
// data file is said at once, as any damage is.
func (d *dailyBackups) run(ctx context.Context) {
	u := d.u
	res, err := d.st.DailyBackup(ctx, d.keep)
	var de *store.DamagedError
	switch {
	case errors.As(err, &de):
		u.run(func() {
			u.sync.showBackup(time.Time{}, userMessage(err, u.lang))
			u.showError(err)
		})
	case err != nil:
		if ctx.Err() != nil {
			return
		}
		slog.Warn("daily backup failed", "err", err)
		u.run(func() { u.sync.showBackup(time.Time{}, userMessage(err, u.lang)) })
	default:
		if res.Made {
			slog.Info("daily backup written", "path", res.Path)
		}
		u.run(func() { u.sync.showBackup(res.At, "") })
	}
}
