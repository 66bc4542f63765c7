package app

import (
	"time"

	"github.com/xunbang/xunbang/internal/batchmem"
)

// The collector while the window starts (issue 17). Opening the data,
// building the main window and loading its first need list allocate far
// more than they keep: Fyne shapes every label's text, colours its icons
// and measures glyphs, and the store decrypts and decodes. At the default
// GOGC the heap is let grow by as much as it holds before the collector
// runs, so what the start keeps is spread over pages that were mostly that
// garbage: once it is collected those pages stay in use, part empty, for as
// long as the window runs. With the collector running more often meanwhile
// the garbage's room is used again: at 50,000 needs 5 MB less resident
// memory for some 0.1 s more CPU, at 200,000 needs 5 MB for 0.1 s
// (docs/performance.md). The collector's
// target goes back to what it was once the need list shows, or when the
// Open fails.

// startGCPercent is the GOGC while the window starts.
const startGCPercent = 10

// startGCLimit bounds how long the start's GOGC lasts if the need list
// never loads.
const startGCLimit = 30 * time.Second

// lowerGCWhileStarting sets the start's GOGC (batchmem.Lower, which the
// store's load of the need list, batchmem.Growing, knows of) and returns
// what puts the one before it back: that may be called any number of
// times, from any goroutine, and runs after startGCLimit in any case.
func lowerGCWhileStarting() (restore func()) {
	restore = batchmem.Lower(startGCPercent)
	time.AfterFunc(startGCLimit, restore)
	return restore
}
