package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/internal/floor"
	"github.com/xunbang/xunbang/store"
)

// benchSizes are the numbers of needs of the benchmark data dirs.
var benchSizes = []int{50_000, 200_000}

type benchData struct {
	once sync.Once
	dir  string
	err  error
}

var (
	benchMu   sync.Mutex
	benchDirs = map[int]*benchData{}
)

// benchStore returns a data dir (unencrypted) holding n needs: 2,000 demo
// needs, each stored again under new ids and numbered titles, imported
// 50,000 at a time; made once per test binary and removed by TestMain.
func benchStore(b *testing.B, n int) string {
	b.Helper()
	benchMu.Lock()
	d := benchDirs[n]
	if d == nil {
		d = &benchData{}
		benchDirs[n] = d
	}
	benchMu.Unlock()
	d.once.Do(func() {
		start := time.Now()
		d.dir, d.err = os.MkdirTemp("", "xunbang-bench-")
		if d.err != nil {
			return
		}
		d.err = fillBenchStore(d.dir, store.KeySource{}, n)
		fmt.Fprintf(os.Stderr, "bench: stored %d needs in %v\n", n, time.Since(start).Round(time.Second))
	})
	if d.err != nil {
		b.Fatal(d.err)
	}
	return d.dir
}

// fillBenchStore stores n needs in dir, opened with key.
func fillBenchStore(dir string, key store.KeySource, n int) error {
	ctx := context.Background()
	st, err := store.Open(ctx, dir, store.Options{Key: key})
	if err != nil {
		return err
	}
	defer st.Close()
	set := demo.Generate(2026, 2000)
	for _, e := range set.Enterprises {
		if e.Rev == "" {
			e.Rev = forms.NewID()
		}
	}
	batch := make([]*forms.Need, 0, 50_000)
	ents := set.Enterprises
	for k, total := 0, 0; total < n; k++ {
		for _, x := range set.Needs {
			if total == n {
				break
			}
			c := x.Clone()
			c.ID = forms.NewIDFrom(uint64(k)+1, uint64(total))
			c.Rev = forms.NewID()
			c.Values.Set("title", fmt.Sprintf("%s %d", x.Title(), k+1))
			c.UpdatedAt = x.UpdatedAt.Add(time.Duration(k) * time.Minute)
			batch = append(batch, c)
			total++
			if len(batch) == cap(batch) || total == n {
				if _, err := st.Import(ctx, ents, batch, store.ImportOptions{Exact: true}); err != nil {
					return err
				}
				ents, batch = nil, batch[:0]
			}
		}
	}
	return nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range benchDirs {
		if d.dir != "" {
			os.RemoveAll(d.dir)
		}
	}
	os.Exit(code)
}

// BenchmarkNeedList measures the need list at 50,000 and 200,000 needs:
// building its model from the store's need list, and one search keystroke —
// a selective one, one that matches every need, a filtered and re-sorted
// one — through the list's index, through store.Needs, and through the
// window (query, then the list's refresh with Fyne's test driver). The
// floor of a keystroke is a plain scan: strings.Contains of the same words
// over the same folded texts (title, enterprise name, keywords).
func BenchmarkNeedList(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("%dk", size/1000), func(b *testing.B) { benchNeedList(b, size) })
	}
}

func benchNeedList(b *testing.B, size int) {
	dir := benchStore(b, size)
	ctx := context.Background()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	list, err := st.NeedList(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if list.Len() != size {
		b.Fatalf("%d needs", list.Len())
	}
	// The floor's texts: each need's title, enterprise name and keywords
	// (which a summary does not keep), as the store joins them.
	keywords := make(map[string][]string, list.Len())
	if err := st.ForEachNeed(ctx, func(n *forms.Need) error {
		keywords[n.ID] = n.Values.List("keywords")
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	hays := make([]string, list.Len())
	for i := range hays {
		s := list.At(i)
		hays[i] = forms.SearchText(s.Title, s.EnterpriseName, keywords[s.ID])
	}
	keywords = nil
	// plainScan is the floor: the needs whose text holds every word.
	plainScan := func(text string) int {
		terms := strings.Fields(forms.FoldSearch(text))
		n := 0
		for _, h := range hays {
			ok := true
			for _, t := range terms {
				if !strings.Contains(h, t) {
					ok = false
					break
				}
			}
			if ok {
				n++
			}
		}
		return n
	}

	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			ix := newNeedIndex(list)
			ix.order(store.SortUpdated)
		}
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
			ix := newNeedIndex(list)
			ix.order(c.q.Sort)
			n := 0
			floor.CompareCPU(b, func() { plainScan(c.q.Text) }, func() { n = len(ix.query(c.q)) })
			b.ReportMetric(float64(n), "needs")
		})
	}
	b.Run("keystroke-store-Needs", func(b *testing.B) {
		// The same keystroke through store.Needs.
		n, want := 0, plainScan("苏")
		floor.CompareCPU(b, func() { plainScan("苏") }, func() {
			l, err := st.Needs(ctx, store.Query{Text: "苏"})
			if err != nil {
				b.Fatal(err)
			}
			n = len(l)
		})
		if n != want {
			b.Fatalf("store.Needs found %d needs, the plain scan %d", n, want)
		}
		b.ReportMetric(float64(n), "needs")
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
		l := u.needs
		texts := []string{"碳", "碳化", "碳化硅", "苏州"}
		i := 0
		floor.CompareCPU(b, func() { plainScan(texts[i%len(texts)]) }, func() {
			l.search.Text = texts[i%len(texts)] // as typed, without the debounce
			i++
			l.runQuery()
			settle(b, u)
		})
		b.ReportMetric(float64(len(l.rows)), "needs")
	})
}
