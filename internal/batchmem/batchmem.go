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
// collection while it grows marks what is all still live.
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
	growSaved int // GOGC before the first of them
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
