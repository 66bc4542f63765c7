package floor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// PeakLive runs fn and returns the peak of the live heap (as measured at the
// end of each garbage collection) above the live heap before it, in MiB. The
// collector runs with GOGC=25 meanwhile, so that it measures often.
func PeakLive(fn func()) float64 {
	old := debug.SetGCPercent(25)
	defer debug.SetGCPercent(old)
	const live = "/gc/heap/live:bytes"
	runtime.GC()
	sample := []metrics.Sample{{Name: live}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	peak := base
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: live}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				metrics.Read(s)
				peak = max(peak, s[0].Value.Uint64())
			}
		}
	}()
	fn()
	runtime.GC() // count what fn left live at its end too
	close(stop)
	<-done
	metrics.Read(sample)
	peak = max(peak, sample[0].Value.Uint64())
	return float64(peak-base) / (1 << 20)
}
