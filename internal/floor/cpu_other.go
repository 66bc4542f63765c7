//go:build !unix

package floor

import "time"

var start = time.Now()

// CPUTime returns the time since the program started: this system's CPU
// time is not read here, so CompareCPU falls back on the wall clock.
func CPUTime() time.Duration { return time.Since(start) }
