package app

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/store"
)

const benchNeeds = 50_000

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// benchStore returns a data dir holding 50,000 needs (2,000 demo needs,
// each stored 25 times under new ids and numbered titles), made once per
// test binary and removed by TestMain.
func benchStore(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		start := time.Now()
		benchDir, benchErr = os.MkdirTemp("", "xunbang-bench-")
		if benchErr != nil {
			return
		}
		ctx := context.Background()
		st, err := store.Open(ctx, benchDir, store.Options{})
		if err != nil {
			benchErr = err
			return
		}
		defer st.Close()
		set := demo.Generate(2026, 2000)
		for _, e := range set.Enterprises {
			if e.Rev == "" {
				e.Rev = forms.NewID()
			}
		}
		needs := make([]*forms.Need, 0, benchNeeds)
		for k := 0; len(needs) < benchNeeds; k++ {
			for _, n := range set.Needs {
				if len(needs) == benchNeeds {
					break
				}
				c := n.Clone()
				c.ID = forms.NewIDFrom(uint64(k)+1, uint64(len(needs)))
				c.Rev = forms.NewID()
				c.Values.Set("title", fmt.Sprintf("%s %d", n.Title(), k+1))
				c.UpdatedAt = n.UpdatedAt.Add(time.Duration(k) * time.Minute)
				needs = append(needs, c)
			}
		}
		if _, err := st.Import(ctx, set.Enterprises, needs, store.ImportOptions{Exact: true}); err != nil {
			benchErr = err
			return
		}
		fmt.Fprintf(os.Stderr, "bench: stored %d needs in %v\n", len(needs), time.Since(start).Round(time.Second))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkNeedList50k measures the need list over 50,000 needs: building
// its model from the store's summaries, and one search keystroke — a
// selective one, one that matches every need, a filtered and re-sorted
// one, and one through the window (query, then the list's refresh with
// Fyne's test driver). It also reports the heap the store's summaries and
// the model take.
func BenchmarkNeedList50k(b *testing.B) {
	dir := benchStore(b)
	ctx := context.Background()

	heap := func() float64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	h0 := heap()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	h1 := heap()
	sums, err := st.Needs(ctx, store.Query{})
	if err != nil {
		b.Fatal(err)
	}
	ix := newNeedIndex(sums)
	ix.order(store.SortUpdated)
	h2 := heap()
	if ix.Len() != benchNeeds {
		b.Fatalf("%d needs", ix.Len())
	}
	storeMB, modelMB := h1-h0, h2-h1
	runtime.KeepAlive(ix)

	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			sums, err := st.Needs(ctx, store.Query{})
			if err != nil {
				b.Fatal(err)
			}
			ix := newNeedIndex(sums)
			ix.order(store.SortUpdated)
		}
		b.ReportMetric(storeMB, "store-heap-MB")
		b.ReportMetric(modelMB, "model-heap-MB")
	})
	for _, c := range []struct {
		name string
		q    store.Query
	}{
		{"keystroke", store.Query{Text: "碳化"}},
		{"keystroke-matches-all", store.Query{Text: "苏"}},
		{"keystroke-filtered-by-title", store.Query{Text: "主轴", Status: []forms.Status{forms.StatusToConfirm}, Sort: store.SortTitle}},
	} {
		b.Run(c.name, func(b *testing.B) {
			ix := newNeedIndex(sums)
			ix.order(c.q.Sort)
			n := 0
			for b.Loop() {
				n = len(ix.query(c.q))
			}
			b.ReportMetric(float64(n), "needs")
		})
	}
	b.Run("keystroke-store-Needs", func(b *testing.B) {
		// For comparison: the same keystroke through store.Needs, which
		// copies and sorts the matches each time.
		for b.Loop() {
			if _, err := st.Needs(ctx, store.Query{Text: "苏"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("keystroke-window", func(b *testing.B) {
		a := test.NewTempApp(b)
		a.Settings().SetTheme(NewTheme())
		w := a.NewWindow("寻榜")
		u := newUI(ctx, a, w, st, store.DefaultSettings(), Options{DataDir: dir})
		useQueue(u)
		w.Resize(fyne.NewSize(1280, 800))
		defer func() { settle(b, u); w.Close() }()
		u.tabs.Select(u.needsTab)
		u.needs.reload()
		settle(b, u)
		// The whole process: store, need list, window and fonts.
		windowMB := heap()
		l := u.needs
		texts := []string{"碳", "碳化", "碳化硅", "苏州"}
		i := 0
		for b.Loop() {
			l.search.Text = texts[i%len(texts)] // as typed, without the debounce
			i++
			l.runQuery()
			settle(b, u)
		}
		b.ReportMetric(float64(len(l.rows)), "needs")
		b.ReportMetric(windowMB, "process-heap-MB")
	})
}
