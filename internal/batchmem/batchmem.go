// Package batchmem sets the garbage collector for a command that streams
// many records and exits: `xunbang export` and `xunbang import`.
//
// Such a command holds little (an export a few MB, an import tens of MB
// at 50,000 needs) and makes much garbage, so the collector's default —
// collect each time the heap doubles — runs it dozens of times for
// nothing: a sixth of an import's CPU and more of an export's. A batch
// command lets the heap grow to five times what it holds (GOGC 400), within
// a soft limit of Limit, where the collector runs as often as it must: the
// budget an import of 200,000 needs (some 120 MB live) already used. The
// window keeps the defaults: it lives long, beside other programs.
package batchmem

import "runtime/debug"

// Limit is a batch command's soft memory limit.
const Limit = 256 << 20

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
