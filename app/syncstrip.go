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
	Pending     int       // records waiting to be pushed
	Refused     int       // records the platform refused, waiting for the official
	LastSuccess time.Time // zero: never
	LastError   string    // in plain words, in the UI's language; "" after a success
	NextRetry   time.Time // zero: none scheduled
	Running     bool
	Conflicts   int // needs edited on both sides, waiting for the user to choose
	// Problem says why nothing is syncing now (SyncOK while it is).
	Problem SyncProblem
	// LastChange is when a sync last changed a record here: open screens
	// reload what they show when it moves.
	LastChange time.Time
}

// syncStrip is the line at the bottom of the window: 待同步 N 条 (records),
// the last success, why nothing syncs if nothing does — with the one button
// that fixes it (连接平台…, 立即同步) —, the next retry, the records the
// platform refused and the conflicts to settle.
type syncStrip struct {
	u         *ui
	st        outboxSource
	pending   *widget.Label
	last      *widget.Label
	problem   *widget.Label // why nothing syncs; the last error
	retry     *widget.Label
	connect   *widget.Button // 连接平台…: opens 设置 → 平台连接
	syncNow   *widget.Button
	refused   *widget.Button // N 条被平台退回: the refused-records dialog
	conflicts *widget.Button
	// backup says when the daily backup last succeeded, or why it failed.
	backup   *widget.Label
	backupAt time.Time
	content  fyne.CanvasObject

	refreshLater *debouncer
	running      bool
	// Outcome of the last 立即同步, for when no SyncStatus is wired.
	lastSuccess time.Time
	lastErr     string
	seq         uint64
	// lastChange is the LastChange seen last; a newer one reloads the open
	// screens.
	lastChange time.Time
	// now is the clock (tests set it).
	now func() time.Time
}

func newSyncStrip(u *ui) *syncStrip {
	s := &syncStrip{u: u, st: u.st, now: time.Now, lastChange: time.Now()}
	s.refreshLater = newDebouncer(u, 500*time.Millisecond, 0, s.refresh)
	s.pending = widget.NewLabel("")
	s.last = widget.NewLabel("")
	s.last.Importance = widget.LowImportance
	s.problem = widget.NewLabel("")
	s.problem.Importance = widget.DangerImportance
	s.problem.Truncation = fyne.TextTruncateEllipsis
	s.problem.Hide()
	s.retry = widget.NewLabel("")
	s.retry.Importance = widget.LowImportance
	s.retry.Hide()
	s.connect = widget.NewButtonWithIcon(lang.L("sync.connect"), theme.LoginIcon(), u.showPlatformSettings)
	s.connect.Importance = widget.HighImportance
	s.connect.Hide()
	s.syncNow = widget.NewButtonWithIcon(lang.L("sync.now"), theme.UploadIcon(), s.runSync)
	if u.opts.Sync == nil {
		s.syncNow.Hide()
	}
	s.refused = widget.NewButtonWithIcon("", theme.ErrorIcon(), u.showRefusals)
	s.refused.Importance = widget.WarningImportance
	s.refused.Hide()
	s.conflicts = widget.NewButtonWithIcon("", theme.WarningIcon(), u.showConflicts)
	s.conflicts.Importance = widget.WarningImportance
	s.conflicts.Hide()
	s.backup = widget.NewLabel("")
	s.backup.Importance = widget.LowImportance
	// A failure says why (a damaged file, and how to restore it, is
	// long): cut short here, the window never grows wider than the screen
	// for it. A damaged file is also said in full in a dialog.
	s.backup.Truncation = fyne.TextTruncateEllipsis
	s.backup.Hide() // until the backups folder has been looked at
	icon := widget.NewIcon(theme.StorageIcon())
	// The backup's word and a sync problem share what the left and right
	// groups leave (a grid lays out only what shows).
	s.content = onBackground(container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil,
		container.NewHBox(icon, s.pending, s.last, s.retry),
		container.NewHBox(s.refused, s.conflicts, s.connect, s.syncNow),
		container.NewGridWithRows(1, s.backup, s.problem))))
	return s
}

// showBackup says when the daily backup last succeeded (at, zero: not
// known anew), or, with failure, why the last one failed.
func (s *syncStrip) showBackup(at time.Time, failure string) {
	if !at.IsZero() {
		s.backupAt = at
	}
	switch {
	case failure != "":
		s.backup.SetText(lang.L("backup.daily.failed", map[string]any{"Err": failure}))
		s.backup.Importance = widget.DangerImportance
	case s.backupAt.IsZero():
		s.backup.SetText(lang.L("backup.daily.never"))
		s.backup.Importance = widget.LowImportance
	default:
		s.backup.SetText(lang.L("backup.daily.last", map[string]any{"Time": s.backupAt.Local().Format("01-02 15:04")}))
		s.backup.Importance = widget.LowImportance
	}
	s.backup.Refresh()
	s.backup.Show()
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
			os, err = readOutbox(u.ctx, s.st)
			st.Pending, st.Refused = os.pending, os.refused
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

type outboxStats struct{ pending, refused int }

func readOutbox(ctx context.Context, src outboxSource) (outboxStats, error) {
	os, err := src.OutboxStats(ctx)
	return outboxStats{os.Pending, os.Quarantined - os.Conflicts}, err
}

// problemText says why nothing syncs, in the user's words.
func problemText(st SyncStatus) string {
	switch st.Problem {
	case SyncNoAddress:
		return lang.L("sync.problem.noaddress")
	case SyncNoToken:
		return lang.L("sync.problem.notoken")
	case SyncBadAddress:
		return lang.L("sync.problem.badaddress")
	case SyncTokenRefused:
		return lang.L("sync.problem.tokenrefused")
	case SyncOffline:
		return lang.L("sync.problem.offline")
	case SyncUnreachable:
		return lang.L("sync.problem.unreachable")
	case SyncNotHub:
		return lang.L("sync.problem.nothub")
	case SyncVersion:
		return lang.L("sync.problem.version")
	}
	if st.LastError != "" {
		return lang.L("sync.error", map[string]any{"Err": st.LastError})
	}
	return ""
}

// show puts a status on the strip.
func (s *syncStrip) show(st SyncStatus) {
	u := s.u
	text := lang.L("sync.pending", map[string]any{"N": st.Pending})
	if st.Pending == 0 {
		text = lang.L("sync.uptodate")
	}
	if st.Refused > 0 && u.opts.Refusals == nil {
		text += lang.L("sync.quarantined", map[string]any{"N": st.Refused})
	}
	s.pending.SetText(text)
	if st.LastSuccess.IsZero() {
		s.last.SetText(lang.L("sync.never"))
	} else {
		s.last.SetText(lang.L("sync.last", map[string]any{"Time": st.LastSuccess.Local().Format("01-02 15:04")}))
	}
	if p := problemText(st); p != "" {
		s.problem.SetText(p)
		s.problem.Importance = widget.DangerImportance
		if st.Problem == SyncOffline || st.Problem == SyncNoAddress || st.Problem == SyncNoToken {
			s.problem.Importance = widget.WarningImportance
		}
		s.problem.Refresh()
		s.problem.Show()
	} else {
		s.problem.Hide()
	}
	// A retry the loop will make by itself is worth saying; one whose time
	// has passed is not.
	if !st.NextRetry.IsZero() && st.NextRetry.After(s.now()) && st.Problem != SyncOK && !st.Problem.needsConnecting() {
		s.retry.SetText(lang.L("sync.retry", map[string]any{"Time": clockTime(st.NextRetry)}))
		s.retry.Show()
	} else {
		s.retry.Hide()
	}
	// The one action that fixes it: connecting, or syncing again.
	connecting := st.Problem.needsConnecting() && u.opts.Connection != nil
	if connecting {
		s.connect.Show()
	} else {
		s.connect.Hide()
	}
	if u.opts.Sync != nil && !connecting && st.Problem != SyncVersion {
		s.syncNow.Show()
	} else {
		s.syncNow.Hide()
	}
	if st.Refused > 0 && u.opts.Refusals != nil {
		s.refused.SetText(lang.L("sync.refused", map[string]any{"N": st.Refused}))
		s.refused.Show()
	} else {
		s.refused.Hide()
	}
	if st.Conflicts > 0 && u.opts.Conflicts != nil {
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
	if st.LastChange.After(s.lastChange) {
		s.lastChange = st.LastChange
		u.pulled()
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

// showPlatformSettings opens 设置 → 平台连接 with the cursor where the
// official pastes: the token (or the address, while there is none).
func (u *ui) showPlatformSettings() {
	u.touch()
	u.tabs.Select(u.settingsTab)
	v := u.settingsView
	v.scroll.ScrollToTop()
	p := v.platform
	if p.address.Text == "" {
		u.win.Canvas().Focus(p.address)
	} else {
		u.win.Canvas().Focus(p.token)
	}
}

// pulled runs when a sync changed records here: the list and the open need
// catch up with what the platform and colleagues said.
func (u *ui) pulled() {
	u.needs.reloadLater.Trigger()
	u.dashboard.stale = true
	u.editor.recheck()
}
