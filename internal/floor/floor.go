// Package floor measures a benchmark against its floor: the same work done
// the barest way (a plain scan, a bare bbolt program), timed in the same
// run, interleaved, so that a loaded machine slows both alike and the
// ratio printed ("x-floor") can be compared with a target.
package floor

import (
	"testing"
	"time"
)

// Compare runs floor and measure alternately, once each per iteration of
// b.Loop. The benchmark's own time (ns/op) is measure's; it reports
// floor's time per op as "floor-ns/op" and measure's time over floor's as
// "x-floor".
func Compare(b *testing.B, floor, measure func()) {
	b.Helper()
	var mt, ft time.Duration
	for b.Loop() {
		b.StopTimer()
		t := time.Now()
		floor()
		ft += time.Since(t)
		b.StartTimer()
		t = time.Now()
		measure()
		mt += time.Since(t)
	}
	Report(b, mt, ft)
}

// Report reports a measure's and its floor's total times over b.N
// iterations: "floor-ns/op" and "x-floor".
func Report(b *testing.B, measure, floor time.Duration) {
	b.Helper()
	if b.N == 0 || floor <= 0 {
		return
	}
	b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "floor-ns/op")
	b.ReportMetric(float64(measure)/float64(floor), "x-floor")
}
