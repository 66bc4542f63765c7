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

func TestGrowingOverlapping(t *testing.T) {
	for _, before := range []int{100, 250, 800, -1} {
		gc := debug.SetGCPercent(before)
		want := Percent
		if before < 0 || before > Percent {
			want = before
		}
		a := Growing()
		if got := gcPercent(); got != want {
			t.Errorf("GOGC %d: growing %d, want %d", before, got, want)
		}
		b := Growing()
		a()
		a() // twice: counted once
		if got := gcPercent(); got != want {
			t.Errorf("GOGC %d: one still growing %d, want %d", before, got, want)
		}
		b()
		if got := debug.SetGCPercent(gc); got != before {
			t.Errorf("GOGC %d: after both %d", before, got)
		}
	}
}

// gcPercent returns GOGC.
func gcPercent() int {
	v := debug.SetGCPercent(0)
	debug.SetGCPercent(v)
	return v
}

// TestLowerWithGrowing checks that Lower and Growing, in any order, leave
// GOGC as they found it, and that each sets what it says meanwhile.
func TestLowerWithGrowing(t *testing.T) {
	const before, low = 100, 10
	for _, c := range []struct {
		name  string
		steps string // L lower, G grow, r restore, d done
	}{
		{"lower alone", "Lr"},
		{"growing inside the lowered stretch", "LGdr"},
		{"restored while growing", "LGrd"},
		{"lowered while growing, restored after", "GLdr"},
		{"lowered and restored while growing", "GLrd"},
	} {
		gc := debug.SetGCPercent(before)
		var restore, done func()
		lowered, grown := false, false
		for _, s := range c.steps {
			switch s {
			case 'L':
				restore, lowered = Lower(low), true
			case 'G':
				done, grown = Growing(), true
			case 'r':
				restore()
				lowered = false
			case 'd':
				done()
				grown = false
			}
			want := before
			switch {
			case grown:
				want = Percent
			case lowered:
				want = low
			}
			if got := gcPercent(); got != want {
				t.Errorf("%s, after %c: GOGC %d, want %d", c.name, s, got, want)
			}
		}
		restore() // again: nothing
		if got := debug.SetGCPercent(gc); got != before {
			t.Errorf("%s: GOGC %d at the end, want %d", c.name, got, before)
		}
	}
}
