// Package batchmem sets the garbage collector for a command that streams
// many records and exits: `xunbang export` and `xunbang import`.
//
// Such a command holds little (an export a few MB, an import tens of MB
// at 50,000 needs) and makes much garbage, so the collector's default —
// collect each time the heap doubles — runs it dozens of times for
// nothing: a sixth of an import's CPU and more of an export's. A batch
// command lets the heap grow to five times what it holds (GOGC 400), within
// a soft limit of Limit, where the collector runs as often as it must: the
// budget issue 17 set for 200,000 needs, which an import of that many and
// an export keep to (docs/performance.md has what each limit measured).
// The window keeps the defaults: it lives long, beside other programs.
//
// [Growing] is for the opposite case, in any program: building much memory
// that is kept (the need list of a store, some 800 bytes a need), where a
// collection while it grows marks what is all still live. [Lower] is for a
// stretch that allocates far more than it keeps, and should leave little
// behind: the window's start. Both put back what they found, and they
// know of each other: GOGC is one setting for the whole process.
package batchmem

import (
	"runtime/debug"
	"sync"
)

// Limit is a batch command's soft memory limit.
const Limit = 150 << 20

// Percent is a batch command's GOGC.
const Percent = 400

// Set sets the collector for a batch command and returns what puts the
// settings before it back.
func Set() (restore func()) {
	gc := debug.SetGCPercent(Percent)
	limit := debug.SetMemoryLimit(Limit)
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(gc)
	}
}

var (
	growMu    sync.Mutex
	growing   int // callers of Growing not yet done
	growSaved int // GOGC before the first of them, and after the last
)

// Growing lets the heap grow to five times what it held (GOGC Percent)
// until done is called, and then puts GOGC back. Where the default
// collector would mark the memory being built at each doubling (twice in
// loading 200,000 needs, a tenth of the window's start on two cores), it
// marks it once, after. Callers may overlap: GOGC goes back when the last
// is done. It does not lower a GOGC set higher.
func Growing() (done func()) {
	growMu.Lock()
	defer growMu.Unlock()
	if growing == 0 {
		growSaved = debug.SetGCPercent(Percent)
		if growSaved < 0 || growSaved > Percent {
			debug.SetGCPercent(growSaved)
		}
	}
	growing++
	var once sync.Once
	return func() {
		once.Do(func() {
			growMu.Lock()
			defer growMu.Unlock()
			if growing--; growing == 0 {
				debug.SetGCPercent(growSaved)
			}
		})
	}
}

// Lower sets GOGC to percent until restore is called, and restore puts
// back the GOGC it found. While a Growing is under way, GOGC stays as
// Growing set it and percent takes effect when the last Growing is done:
// Growing puts back what Lower set, or, once Lower's restore has run, what
// Lower found. (Before, the window's start set GOGC itself: a Growing that
// began inside it put the lowered GOGC back after the start had restored
// the default, and the collector ran at the start's pace for the rest of
// the session.) Calls of Lower must not overlap; restore may be called
// any number of times, from any goroutine.
func Lower(percent int) (restore func()) {
	growMu.Lock()
	prev := setBase(percent)
	growMu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			growMu.Lock()
			defer growMu.Unlock()
			setBase(prev)
		})
	}
}

// setBase sets the GOGC outside Growing to p and returns the one before:
// now, or, while Growing is under way, for when it is done. It does what
// Growing would have done, had it begun with p. growMu is held.
func setBase(p int) (prev int) {
	if growing == 0 {
		return debug.SetGCPercent(p)
	}
	prev, growSaved = growSaved, p
	if p < 0 || p > Percent {
		debug.SetGCPercent(p)
	} else {
		debug.SetGCPercent(Percent)
	}
	return prev
}
