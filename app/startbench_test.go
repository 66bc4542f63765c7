package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/internal/floor"
	"github.com/xunbang/xunbang/store"
)

// The window's start is measured in new processes — this test binary run
// again, as TestWindowStartChild — so that the CPU time counts all a start
// costs (the Go runtime, Fyne, the font) and the memory is the process's.

// startChildEnv tells TestWindowStartChild what to start: "app DIR N",
// "floor N" or "floor-button N".
const startChildEnv = "XUNBANG_START_CHILD"

// startResult is what a child reports.
type startResult struct {
	FirstCPU float64 // s of CPU until the first frame
	ListCPU  float64 // s of CPU until the need list shows every need (app)
	CloseCPU float64 // s of CPU to close the window and the data (app)
	RSS      int64   // resident bytes at rest
	Anon     int64   // of which anonymous (not a file's pages)
	Heap     int64   // live heap bytes at rest
}

// startKey is the data key of the start benchmark's data dirs: what the
// keyring would hand out (no passphrase to derive).
var startKey = bytes.Repeat([]byte{0x5a}, 32)

var (
	startMu   sync.Mutex
	startDirs = map[int]*benchData{}
)

// startStore returns an encrypted data dir of n needs for the start
// benchmark, made once per test binary and removed by TestMain.
func startStore(b *testing.B, n int) string {
	b.Helper()
	startMu.Lock()
	d := startDirs[n]
	if d == nil {
		d = &benchData{}
		startDirs[n] = d
		benchMu.Lock()
		benchDirs[-n] = d // for TestMain to remove
		benchMu.Unlock()
	}
	startMu.Unlock()
	d.once.Do(func() {
		if d.dir, d.err = os.MkdirTemp("", "xunbang-bench-start-"); d.err == nil {
			d.err = fillBenchStore(d.dir, store.KeySource{Raw: startKey}, n)
		}
	})
	if d.err != nil {
		b.Fatal(d.err)
	}
	return d.dir
}

// BenchmarkWindowStart starts the window (Fyne's test driver, which draws in
// software) on encrypted data of 50,000 and 200,000 needs, its key at hand
// as the keyring gives it, and reports the medians of:
//
//   - first-frame-cpu-s: the CPU time of the process until the window's
//     first frame, the opening screen, before the data opens;
//   - list-cpu-s: until the need list shows every need (its frame drawn),
//     the need list's cache written by the session before (the usual
//     start); uncached-list-cpu-s the same of the first start after the
//     data was written, which reads every need, once;
//   - close-cpu-s: the CPU time of closing the window and the data (with
//     the cache unchanged: nothing to write); uncached-close-cpu-s that of
//     the first start, which writes the cache;
//   - own-rss-B/need: the window's resident memory at rest, above that of
//     its floor, a minimal Fyne window in the same theme showing a list of
//     as many rows, started in the same run, per need; own-anon-B/need the
//     same of its anonymous memory (what is not a file's pages), and
//     own-heap-B/need of its live heap;
//   - floor-first-frame-cpu-s: the floor's CPU time until its first frame;
//   - own-rss-above-button-floor-B/need and own-heap-above-button-floor-B/need:
//     the same above a second floor, the minimal window with one button
//     above its list. Fyne draws every button's text (and the tabs' labels)
//     bold, and keeps the faces it parses per text style: the first bold
//     text parses the theme's font, its bold fallback, its emoji font and a
//     system face once more. That is a fixed cost of any window with a
//     button, paid once, whatever the number of needs; the second floor
//     shows what is left of the app's own memory without it.
func BenchmarkWindowStart(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			dir := startStore(b, n)
			var first, list, closing, coldList, coldClosing, floorFirst, rss, anon, heap, rssB, heapB []float64
			for b.Loop() {
				// The first start after the data was written elsewhere
				// reads every need; it writes the need list's cache as it
				// closes, which the next start reads (as a day's start
				// reads what the last session left).
				if err := os.Remove(filepath.Join(dir, store.CacheFileName)); err != nil && !os.IsNotExist(err) {
					b.Fatal(err)
				}
				cold := startChild(b, fmt.Sprintf("app %s %d", dir, n))
				coldList = append(coldList, cold.ListCPU)
				coldClosing = append(coldClosing, cold.CloseCPU)
				app := startChild(b, fmt.Sprintf("app %s %d", dir, n))
				fl := startChild(b, fmt.Sprintf("floor %d", n))
				flB := startChild(b, fmt.Sprintf("floor-button %d", n))
				first = append(first, app.FirstCPU)
				list = append(list, app.ListCPU)
				closing = append(closing, app.CloseCPU)
				floorFirst = append(floorFirst, fl.FirstCPU)
				rss = append(rss, float64(app.RSS-fl.RSS)/float64(n))
				anon = append(anon, float64(app.Anon-fl.Anon)/float64(n))
				heap = append(heap, float64(app.Heap-fl.Heap)/float64(n))
				rssB = append(rssB, float64(app.RSS-flB.RSS)/float64(n))
				heapB = append(heapB, float64(app.Heap-flB.Heap)/float64(n))
			}
			b.ReportMetric(medianOf(first), "first-frame-cpu-s")
			b.ReportMetric(medianOf(list), "list-cpu-s")
			b.ReportMetric(medianOf(coldList), "uncached-list-cpu-s")
			b.ReportMetric(medianOf(coldClosing), "uncached-close-cpu-s")
			b.ReportMetric(medianOf(closing), "close-cpu-s")
			b.ReportMetric(medianOf(floorFirst), "floor-first-frame-cpu-s")
			if medianOf(rss) != 0 {
				b.ReportMetric(medianOf(rss), "own-rss-B/need")
				b.ReportMetric(medianOf(anon), "own-anon-B/need")
			}
			b.ReportMetric(medianOf(heap), "own-heap-B/need")
			if medianOf(rssB) != 0 {
				b.ReportMetric(medianOf(rssB), "own-rss-above-button-floor-B/need")
			}
			b.ReportMetric(medianOf(heapB), "own-heap-above-button-floor-B/need")
		})
	}
}

func medianOf(l []float64) float64 {
	if len(l) == 0 {
		return 0
	}
	l = slices.Clone(l)
	slices.Sort(l)
	return l[len(l)/2]
}

// startChild runs TestWindowStartChild in a new process and returns what
// it reports.
func startChild(b *testing.B, spec string) startResult {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWindowStartChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), startChildEnv+"="+spec, "LANG=zh_CN.UTF-8")
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("start child %q: %v\n%s", spec, err, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "WINDOWSTART "); ok {
			var r startResult
			if err := json.Unmarshal([]byte(v), &r); err != nil {
				b.Fatal(err)
			}
			return r
		}
	}
	b.Fatalf("start child %q said nothing:\n%s", spec, out)
	return startResult{}
}

// TestWindowStartChild is BenchmarkWindowStart's child: it does nothing
// unless startChildEnv says what to start.
func TestWindowStartChild(t *testing.T) {
	spec := strings.Fields(os.Getenv(startChildEnv))
	if len(spec) == 0 {
		return // run by BenchmarkWindowStart, in a child process
	}
	var r startResult
	switch spec[0] {
	case "app":
		n, _ := strconv.Atoi(spec[2])
		r = startApp(t, spec[1], n)
	case "floor", "floor-button":
		n, _ := strconv.Atoi(spec[1])
		r = startFloor(t, n, spec[0] == "floor-button")
	default:
		t.Fatalf("%s=%q", startChildEnv, spec)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("WINDOWSTART %s\n", b)
}

// atRest returns the process's resident memory and live heap once the
// garbage is collected and returned to the system.
func atRest() (rss, anon, heap int64) {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return floor.RSS(), floor.RSSAnon(), int64(m.HeapAlloc)
}

// startApp starts the window on dir as Run does, with its key at hand.
func startApp(t *testing.T, dir string, n int) startResult {
	ctx := context.Background()
	mustSetLanguage(t, Chinese)
	key := store.KeySource{Raw: startKey}
	state, err := store.Inspect(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewApp()
	a.Settings().SetTheme(NewTheme())
	w := a.NewWindow("寻榜")
	q := &postQueue{}
	s := &session{ctx: ctx, opts: Options{DataDir: dir, Key: key, Screen: ScreenNeeds}, screen: ScreenNeeds, app: a, win: w, post: q.post}
	s.unlock = newUnlocker(ctx, dir, key, state, q.post, s.opened, func() {})
	s.unlock.setPrompt(newPassphrasePrompt(promptOpening, "正在打开数据…", dir, nil, nil))
	w.SetContent(s.unlock.content)
	w.Resize(fyne.NewSize(640, 560))
	w.Canvas().Capture() // the first frame
	var r startResult
	r.FirstCPU = floor.CPUTime().Seconds()

	s.unlock.openWithKey()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		s.unlock.bg.Wait()
		u := s.ui()
		if u != nil {
			u.bg.Wait()
		}
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		for _, fn := range fns {
			fn()
		}
		if u != nil && u.needs.index != nil && len(u.needs.rows) == n {
			break
		}
		if s.unlock.failed != nil || time.Now().After(deadline) {
			t.Fatalf("the need list did not load: %v", s.unlock.failed)
		}
		if len(fns) == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	w.Canvas().Capture() // the list's first frame
	r.ListCPU = floor.CPUTime().Seconds()
	r.RSS, r.Anon, r.Heap = atRest()
	before := floor.CPUTime()
	s.close()
	r.CloseCPU = (floor.CPUTime() - before).Seconds()
	return r
}

// startFloor shows a minimal Fyne window in the app's theme: a list of n
// rows, each a label made when it shows, and above it one button if
// button.
func startFloor(t *testing.T, n int, button bool) startResult {
	mustSetLanguage(t, Chinese)
	a := test.NewApp()
	a.Settings().SetTheme(NewTheme())
	w := a.NewWindow("寻榜")
	l := widget.NewList(func() int { return n }, func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText("需求 " + strconv.Itoa(i)) })
	if button {
		w.SetContent(container.NewBorder(widget.NewButton("新建需求", func() {}), nil, nil, nil, l))
	} else {
		w.SetContent(l)
	}
	w.Resize(fyne.NewSize(1280, 800))
	w.Canvas().Capture()
	var r startResult
	r.FirstCPU = floor.CPUTime().Seconds()
	r.ListCPU = r.FirstCPU
	r.RSS, r.Anon, r.Heap = atRest()
	runtime.KeepAlive(w)
	return r
}
