package app

import (
	"sync"
	"sync/atomic"
	"time"
)

// background runs the window's work off the UI goroutine and keeps count of
// it, so that a screenshot (and a test) can wait until the data on screen has
// arrived. Work hands its results back to the UI goroutine with ui.run
// (fyne.Do).
type background struct {
	wg     sync.WaitGroup
	active atomic.Int64
}

func (b *background) add() {
	b.active.Add(1)
	b.wg.Add(1)
}

func (b *background) done() {
	b.active.Add(-1)
	b.wg.Done()
}

// idle reports whether no work is running or pending.
func (b *background) idle() bool { return b.active.Load() == 0 }

// Go runs fn on a new goroutine.
func (b *background) Go(fn func()) {
	b.add()
	go func() {
		defer b.done()
		fn()
	}()
}

// Wait waits until all work started with Go, and all pending debounced
// calls, have finished.
func (b *background) Wait() { b.wg.Wait() }

// WaitTimeout is Wait with a limit; it reports whether everything finished.
func (b *background) WaitTimeout(d time.Duration) bool {
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// debouncer calls fn on the UI goroutine once its trigger has been quiet for
// delay, and — when maxWait is set — at the latest maxWait after the first
// trigger of a burst, so that continuous typing is still saved every so often.
// A pending call counts as background work (see background.Wait).
type debouncer struct {
	bg      *background
	run     func(func()) // runs a function on the UI goroutine
	delay   time.Duration
	maxWait time.Duration
	fn      func()

	mu    sync.Mutex
	timer *time.Timer
	gen   uint64
	first time.Time // start of the current burst; zero when nothing is pending
}

func newDebouncer(u *ui, delay, maxWait time.Duration, fn func()) *debouncer {
	return &debouncer{bg: &u.bg, run: u.run, delay: delay, maxWait: maxWait, fn: fn}
}

// Trigger (re)starts the wait. It may be called from any goroutine.
func (d *debouncer) Trigger() {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	if d.stopLocked() {
		// the burst goes on
	} else if d.first.IsZero() {
		d.first = now
	}
	wait := d.delay
	if d.maxWait > 0 {
		if left := d.maxWait - now.Sub(d.first); left < wait {
			wait = max(left, 0)
		}
	}
	d.gen++
	gen := d.gen
	d.bg.add()
	d.timer = time.AfterFunc(wait, func() {
		defer d.bg.done()
		d.mu.Lock()
		if d.gen != gen {
			d.mu.Unlock()
			return
		}
		d.timer, d.first = nil, time.Time{}
		d.mu.Unlock()
		d.run(d.fn)
	})
}

// stopLocked stops a pending timer and reports whether there was one.
func (d *debouncer) stopLocked() bool {
	if d.timer == nil {
		return false
	}
	d.gen++ // a callback already on its way does nothing
	if d.timer.Stop() {
		d.bg.done()
	}
	d.timer = nil
	return true
}

// Cancel drops a pending call and reports whether there was one.
func (d *debouncer) Cancel() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	had := d.stopLocked()
	d.first = time.Time{}
	return had
}

// Pending reports whether a call is waiting.
func (d *debouncer) Pending() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.timer != nil
}

// Flush runs a pending call now, on the calling goroutine, which must be the
// UI goroutine.
func (d *debouncer) Flush() {
	if d.Cancel() {
		d.fn()
	}
}
