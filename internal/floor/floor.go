// Package floor measures a benchmark against its floor: the same work done
// the barest way (a plain scan, a bare bbolt program), timed in the same
// run, interleaved, so that a loaded machine slows both alike and the
// ratio printed ("x-floor") can be compared with a target.
package floor

import (
	"slices"
	"testing"
	"time"
)

// Compare runs floor and measure alternately, once each per iteration of
// b.Loop (in turn first), and times them on the wall clock: for work that waits (a save
// that syncs the file). The benchmark's own time (ns/op) is measure's; it
// reports the median times of floor and measure as "floor-median-ns" and
// "median-ns", and their ratio as "x-floor": medians, because a disk that
// others share now and then stalls one sync for many times its usual
// time, and a mean would be that stall's.
func Compare(b *testing.B, floor, measure func()) {
	b.Helper()
	var mts, fts []time.Duration
	timeFloor := func() {
		b.StopTimer()
		t := time.Now()
		floor()
		fts = append(fts, time.Since(t))
		b.StartTimer()
	}
	for b.Loop() {
		// Which goes first alternates: the one that follows the other can
		// find the disk, or the caches, in another state.
		first := len(mts)%2 == 0
		if first {
			timeFloor()
		}
		t := time.Now()
		measure()
		mts = append(mts, time.Since(t))
		if !first {
			timeFloor()
		}
	}
	if len(fts) == 0 {
		return
	}
	m, f := median(mts), median(fts)
	b.ReportMetric(float64(m.Nanoseconds()), "median-ns")
	b.ReportMetric(float64(f.Nanoseconds()), "floor-median-ns")
	if f > 0 {
		b.ReportMetric(float64(m)/float64(f), "x-floor")
	}
}

func median(l []time.Duration) time.Duration {
	l = slices.Clone(l)
	slices.Sort(l)
	return l[len(l)/2]
}

// CompareCPU is Compare that times the process's CPU time (where the
// system gives it; the wall clock elsewhere): for work that computes, on a
// machine others share, where the wall clock says more about them than
// about the work. The CPU time includes the garbage collector's. It
// reports "cpu-ns/op", "floor-cpu-ns/op" and the ratio "x-floor", and the
// wall clock's ratio as "x-floor-wall".
func CompareCPU(b *testing.B, floor, measure func()) {
	b.Helper()
	var mt, ft, mw, fw time.Duration
	for b.Loop() {
		b.StopTimer()
		t, c := time.Now(), CPUTime()
		floor()
		ft += CPUTime() - c
		fw += time.Since(t)
		b.StartTimer()
		t, c = time.Now(), CPUTime()
		measure()
		mt += CPUTime() - c
		mw += time.Since(t)
	}
	Report(b, mt, ft, "cpu-")
	if b.N > 0 && fw > 0 {
		b.ReportMetric(float64(mw)/float64(fw), "x-floor-wall")
	}
}

// Report reports a measure's and its floor's total times over b.N
// iterations: "<kind>ns/op" (when kind is not empty), "floor-<kind>ns/op"
// and "x-floor".
func Report(b *testing.B, measure, floor time.Duration, kind string) {
	b.Helper()
	if b.N == 0 || floor <= 0 {
		return
	}
	if kind != "" {
		b.ReportMetric(float64(measure.Nanoseconds())/float64(b.N), kind+"ns/op")
	}
	b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "floor-"+kind+"ns/op")
	b.ReportMetric(float64(measure)/float64(floor), "x-floor")
}
