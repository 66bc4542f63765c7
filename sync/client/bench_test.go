package client_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/platforms"
	"github.com/xunbang/xunbang/sync/platform"
)

// fill saves one enterprise and n needs in one transaction (each with an
// outbox entry, as n separate saves would leave).
func fill(b testing.TB, st *store.Store, n int) {
	b.Helper()
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		e := newEnterprise("苏州某精密机械有限公司")
		if err := tx.SaveEnterprise(e); err != nil {
			return err
		}
		for i := range n {
			if err := tx.SaveNeed(newNeed(e.ID, fmt.Sprintf("高温合金部件焊接工艺 %06d", i))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// benchConfig is the default configuration (batch size, pull page).
func benchConfig(url, token string) client.Config {
	return client.Config{Server: url, Token: token, Keyring: &memKeyring{}, Dial: platforms.Dial, Logger: quiet}
}

// heapPeak samples the live heap every 2ms until stop is called and returns
// the highest value seen, in MiB. Client and server share the process, so it
// is the peak of both.
func heapPeak() (stop func() float64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		<-finished
		return float64(peak.Load()) / (1 << 20)
	}
}

// BenchmarkPush10000 pushes 10,000 new needs (and their enterprise) to the
// reference server over loopback: one whole Sync, push and the pull of their
// echoes included. Metrics: records/s, and the peak live heap of client and
// server together.
func BenchmarkPush10000(b *testing.B) {
	ctx := context.Background()
	const n = 10000
	var peakMiB float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := newHub(b)
		st := openStore(b, b.TempDir(), "li", "suzhou")
		fill(b, st, n)
		c := newClient(b, st, benchConfig(h.URL, h.token("li", "suzhou")))
		stop := heapPeak()
		b.StartTimer()
		rep, err := c.Sync(ctx)
		b.StopTimer()
		peakMiB = max(peakMiB, stop())
		if err != nil || rep.Accepted != n+1 {
			b.Fatalf("%s: %v", rep, err)
		}
		st.Close()
	}
	b.ReportMetric(float64((n+1)*b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(peakMiB, "peak-heap-MiB")
}

// noChangeFixture is a laptop and a hub holding the same n needs, built
// once per test binary and size (filling and pushing 200,000 needs takes
// about a minute) and shared by the -count runs; TestMain removes them.
type noChangeFixture struct {
	once sync.Once
	err  error
	dir  string
	srv  *platform.Server
	ts   *httptest.Server
	st   *store.Store
	c    *client.Client
}

var noChange = map[int]*noChangeFixture{50000: {}, 200000: {}}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range noChange {
		f.close()
	}
	os.Exit(code)
}

func (f *noChangeFixture) close() {
	if f.ts != nil {
		f.ts.Close()
	}
	if f.st != nil {
		f.st.Close()
	}
	if f.srv != nil {
		f.srv.Close()
	}
	if f.dir != "" {
		os.RemoveAll(f.dir)
	}
}

func (f *noChangeFixture) setup(b *testing.B, n int) {
	ctx := context.Background()
	if f.dir, f.err = os.MkdirTemp("", "xunbang-bench-"); f.err != nil {
		return
	}
	if f.srv, f.err = platform.Open(filepath.Join(f.dir, "hub"), platform.Options{Logger: quiet}); f.err != nil {
		return
	}
	f.ts = httptest.NewServer(f.srv.Handler())
	tok, err := f.srv.CreateToken(context.Background(), "li", "suzhou")
	if err != nil {
		f.err = err
		return
	}
	if f.st, f.err = store.Open(ctx, filepath.Join(f.dir, "laptop"), store.Options{User: "li", Team: "suzhou", Logger: quiet}); f.err != nil {
		return
	}
	fill(b, f.st, n)
	if f.c, f.err = client.New(f.st, benchConfig(f.ts.URL, tok)); f.err != nil {
		return
	}
	rep, err := f.c.Sync(ctx)
	if err == nil && rep.Accepted != n+1 {
		err = fmt.Errorf("setup pushed %s", rep)
	}
	f.err = err
}

// BenchmarkSyncNoChange is a sync when nothing changed, with 50,000 and
// 200,000 needs in the store and on the server over loopback: one request,
// whatever the size (issue 17: under 20 ms at 200k). Metrics: requests per
// sync and the median sync time in ms (ns/op is the mean).
func BenchmarkSyncNoChange(b *testing.B) {
	for _, n := range []int{50000, 200000} {
		b.Run(fmt.Sprint(n/1000, "k"), func(b *testing.B) {
			f := noChange[n]
			f.once.Do(func() { f.setup(b, n) })
			if f.err != nil {
				b.Fatal(f.err)
			}
			ctx := context.Background()
			var times []time.Duration
			requests := 0
			for b.Loop() {
				start := time.Now()
				rep, err := f.c.Sync(ctx)
				times = append(times, time.Since(start))
				if err != nil || rep.Pushed != 0 || rep.Pulled != 0 {
					b.Fatalf("%s: %v", rep, err)
				}
				requests += rep.Requests
			}
			slices.Sort(times)
			b.ReportMetric(float64(requests)/float64(len(times)), "requests/sync")
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
		})
	}
}

// BenchmarkAutosaveBurst edits one need 30 times, saving after each edit as
// the window's autosave does, then syncs with the reference server over
// loopback: the outbox keeps one entry per record (issue 12.2), so the burst
// costs one revision on the wire, its last. Metrics: revisions pushed per
// burst (1) and saves per burst.
func BenchmarkAutosaveBurst(b *testing.B) {
	ctx := context.Background()
	const burst = 30
	h := newHub(b)
	st := openStore(b, b.TempDir(), "li", "suzhou")
	c := newClient(b, st, benchConfig(h.URL, h.token("li", "suzhou")))
	e := newEnterprise("苏州某精密机械有限公司")
	if err := st.SaveEnterprise(ctx, e); err != nil {
		b.Fatal(err)
	}
	n := newNeed(e.ID, "高温合金部件焊接工艺")
	if err := st.SaveNeed(ctx, n); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Sync(ctx); err != nil {
		b.Fatal(err)
	}
	pushed, k := 0, 0
	for b.Loop() {
		for range burst {
			k++
			n.Values.Set("problem", fmt.Sprintf("现有焊接工艺在高温下开裂，需要新的工艺路线（第 %d 稿）。", k))
			if err := st.SaveNeed(ctx, n); err != nil {
				b.Fatal(err)
			}
		}
		rep, err := c.Sync(ctx)
		if err != nil || rep.Pushed != 1 || rep.Accepted != 1 {
			b.Fatalf("after %d saves of one need: %s: %v", burst, rep, err)
		}
		pushed += rep.Pushed
	}
	b.ReportMetric(float64(pushed)/float64(b.N), "revisions-pushed/burst")
	b.ReportMetric(burst, "saves/burst")
}
