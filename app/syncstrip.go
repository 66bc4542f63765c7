package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// SyncStatus is what the sync strip at the bottom of the window shows about
// the queue to the platform. Options.SyncStatus supplies it; without one the
// strip reads the outbox count from the store.
type SyncStatus struct {
	Pending     int       // revisions waiting to be pushed
	Quarantined int       // refused by the platform, waiting for the user
	LastSuccess time.Time // zero: never
	LastError   string    // in plain words, in the UI's language; "" after a success
	NextRetry   time.Time // zero: none scheduled
	Running     bool
	Conflicts   int // needs edited on both sides, waiting for the user to choose
}

// syncStrip is the line at the bottom of the window: 待同步 N 条, the last
// success, the last error, the next retry and 立即同步.
type syncStrip struct {
	u         *ui
	pending   *widget.Label
	last      *widget.Label
	lastError *widget.Label
	retry     *widget.Label
	syncNow   *widget.Button
	conflicts *widget.Button
	content   fyne.CanvasObject

	refreshLater *debouncer
	running      bool
	// Outcome of the last 立即同步, for when no SyncStatus is wired.
	lastSuccess time.Time
	lastErr     string
	seq         uint64
}

func newSyncStrip(u *ui) *syncStrip {
	s := &syncStrip{u: u}
	s.refreshLater = newDebouncer(u, 500*time.Millisecond, 0, s.refresh)
	s.pending = widget.NewLabel("")
	s.last = widget.NewLabel("")
	s.last.Importance = widget.LowImportance
	s.lastError = widget.NewLabel("")
	s.lastError.Importance = widget.DangerImportance
	s.lastError.Truncation = fyne.TextTruncateEllipsis
	s.lastError.Hide()
	s.retry = widget.NewLabel("")
	s.retry.Importance = widget.LowImportance
	s.retry.Hide()
	s.syncNow = widget.NewButtonWithIcon(lang.L("sync.now"), theme.UploadIcon(), s.runSync)
	if u.opts.Sync == nil {
		s.syncNow.Hide()
	}
	s.conflicts = widget.NewButtonWithIcon("", theme.WarningIcon(), u.showConflicts)
	s.conflicts.Importance = widget.WarningImportance
	s.conflicts.Hide()
	icon := widget.NewIcon(theme.StorageIcon())
	s.content = onBackground(container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil,
		container.NewHBox(icon, s.pending, s.last, s.retry), container.NewHBox(s.conflicts, s.syncNow), s.lastError)))
	return s
}

// refresh reads the queue's state off the UI goroutine.
func (s *syncStrip) refresh() {
	s.seq++
	seq := s.seq
	u := s.u
	u.bg.Go(func() {
		var st SyncStatus
		var err error
		if u.opts.SyncStatus != nil {
			st, err = u.opts.SyncStatus(u.ctx)
		} else {
			var os outboxStats
			os, err = readOutbox(u.ctx, u.st)
			st.Pending, st.Quarantined = os.pending, os.quarantined
		}
		u.run(func() {
			if seq != s.seq || err != nil {
				return
			}
			if u.opts.SyncStatus == nil {
				st.LastSuccess, st.LastError = s.lastSuccess, s.lastErr
			}
			s.show(st)
		})
	})
}

type outboxStats struct{ pending, quarantined int }

func readOutbox(ctx context.Context, src outboxSource) (outboxStats, error) {
	os, err := src.OutboxStats(ctx)
	return outboxStats{os.Pending, os.Quarantined}, err
}

// show puts a status on the strip.
func (s *syncStrip) show(st SyncStatus) {
	text := lang.L("sync.pending", map[string]any{"N": st.Pending})
	if st.Pending == 0 {
		text = lang.L("sync.uptodate")
	}
	if st.Quarantined > 0 {
		text += lang.L("sync.quarantined", map[string]any{"N": st.Quarantined})
	}
	s.pending.SetText(text)
	if st.LastSuccess.IsZero() {
		s.last.SetText(lang.L("sync.never"))
	} else {
		s.last.SetText(lang.L("sync.last", map[string]any{"Time": st.LastSuccess.Local().Format("01-02 15:04")}))
	}
	if st.LastError != "" {
		s.lastError.SetText(lang.L("sync.error", map[string]any{"Err": st.LastError}))
		s.lastError.Show()
	} else {
		s.lastError.Hide()
	}
	if !st.NextRetry.IsZero() && st.LastError != "" && time.Now().Before(st.NextRetry) { // a past retry is no news (issue 12.14)
		s.retry.SetText(lang.L("sync.retry", map[string]any{"Time": clockTime(st.NextRetry)}))
		s.retry.Show()
	} else {
		s.retry.Hide()
	}
	if st.Conflicts > 0 && s.u.opts.Conflicts != nil {
		s.conflicts.SetText(lang.L("sync.conflicts", map[string]any{"N": st.Conflicts}))
		s.conflicts.Show()
	} else {
		s.conflicts.Hide()
	}
	if st.Running || s.running {
		s.syncNow.SetText(lang.L("sync.running"))
		s.syncNow.Disable()
	} else {
		s.syncNow.SetText(lang.L("sync.now"))
		s.syncNow.Enable()
	}
}

// runSync runs the injected sync off the UI goroutine (立即同步).
func (s *syncStrip) runSync() {
	if s.u.opts.Sync == nil || s.running {
		return
	}
	s.running = true
	s.syncNow.SetText(lang.L("sync.running"))
	s.syncNow.Disable()
	u := s.u
	u.editor.saveNow()
	u.enterprises.saveNow()
	u.bg.Go(func() {
		u.saver.inflight.Wait() // push what was just typed too
		err := u.opts.Sync(u.ctx)
		u.run(func() {
			s.running = false
			if err != nil {
				s.lastErr = err.Error()
			} else {
				s.lastErr, s.lastSuccess = "", time.Now()
			}
			s.refresh()
			u.needs.reloadLater.Trigger()
			u.dashboard.stale = true
		})
	})
}
