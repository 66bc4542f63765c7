package batchmem

import (
	"runtime/debug"
	"testing"
)

func TestSetAndRestore(t *testing.T) {
	gc := debug.SetGCPercent(150)
	limit := debug.SetMemoryLimit(1 << 40)
	defer func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) }()

	restore := Set()
	if got := debug.SetGCPercent(-1); got != Percent {
		t.Errorf("GOGC %d, want %d", got, Percent)
	}
	debug.SetGCPercent(Percent)
	if got := debug.SetMemoryLimit(-1); got != Limit {
		t.Errorf("memory limit %d, want %d", got, Limit)
	}
	restore()
	if got := debug.SetGCPercent(-1); got != 150 {
		t.Errorf("GOGC after restore %d, want 150", got)
	}
	debug.SetGCPercent(150)
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("memory limit after restore %d", got)
	}
}
