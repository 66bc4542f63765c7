package xlsx

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// countedRecords are memRecords that count their needs, as the store does.
type countedRecords struct{ *memRecords }

func (c countedRecords) CountNeeds(context.Context) int { return len(c.needs) }

// progressRecords: the sample records and n more needs, some unconfirmed,
// some 不公开, so that an export goes through several hundred needs.
func progressRecords(t testing.TB, n int) *memRecords {
	t.Helper()
	m := sampleRecords(t)
	e := m.ents[0]
	for i := range n {
		vis := forms.VisibilityNamed
		if i%7 == 0 {
			vis = forms.VisibilityPrivate
		}
		m.addNeed(t, e, fmt.Sprintf("批量需求第%04d号", i), vis, i%5 != 0, nil)
	}
	return m
}

// progressLog records the calls of a Progress callback.
type progressLog struct{ done, total []int }

func (l *progressLog) report(done, total int) {
	l.done = append(l.done, done)
	l.total = append(l.total, total)
}

// check says what is wrong with the calls: none, done decreasing, an end
// other than wantTotal, or (with many) fewer than two calls.
func (l *progressLog) check(t *testing.T, wantTotal int, many bool) {
	t.Helper()
	if len(l.done) == 0 {
		t.Fatal("Progress was never called")
	}
	if !slices.IsSorted(l.done) {
		t.Errorf("done decreases: %v", l.done)
	}
	last := len(l.done) - 1
	if l.total[last] != wantTotal || (wantTotal > 0 && l.done[last] != wantTotal) {
		t.Errorf("the last call is (%d, %d), want (%d, %d)", l.done[last], l.total[last], wantTotal, wantTotal)
	}
	for i := range l.done {
		if l.total[i] > 0 && l.done[i] > l.total[i] {
			t.Errorf("call %d: done %d > total %d", i, l.done[i], l.total[i])
		}
		if i > 0 && l.done[i]-l.done[i-1] > 0 && l.done[i]-l.done[i-1] < progressEvery && i < last {
			t.Errorf("calls %d and %d only %d apart", i-1, i, l.done[i]-l.done[i-1])
		}
	}
	if many && len(l.done) < 2 {
		t.Errorf("%d calls over %d: want some before the end", len(l.done), wantTotal)
	}
}

// Every export reports its progress, ending at its total, and writes the
// same bytes with a callback as without.
func TestExportProgress(t *testing.T) {
	const extra = 1200
	m := progressRecords(t, extra)
	all := len(m.needs)
	handbookNeeds := func(include bool) int {
		st, err := WriteHandbook(context.Background(), io.Discard, m, HandbookOptions{Now: fixedNow, IncludeUnconfirmed: include})
		if err != nil {
			t.Fatal(err)
		}
		return st.Needs
	}
	type write func(recs Records, progress func(done, total int)) ([]byte, error)
	run := func(fn func(w io.Writer) (ExportStats, error)) ([]byte, error) {
		var buf bytes.Buffer
		_, err := fn(&buf)
		return buf.Bytes(), err
	}
	platform := func(recs Records, p func(int, int)) ([]byte, error) {
		return run(func(w io.Writer) (ExportStats, error) {
			return WritePlatform(context.Background(), w, recs, PlatformOptions{Now: fixedNow, Progress: p})
		})
	}
	handbook := func(include bool) write {
		return func(recs Records, p func(int, int)) ([]byte, error) {
			return run(func(w io.Writer) (ExportStats, error) {
				return WriteHandbook(context.Background(), w, recs, HandbookOptions{Now: fixedNow, IncludeUnconfirmed: include, Progress: p})
			})
		}
	}
	report := func(recs Records, p func(int, int)) ([]byte, error) {
		return run(func(w io.Writer) (ExportStats, error) {
			return WriteReport(context.Background(), w, recs, ReportOptions{HomeRegion: kunshan, Now: fixedNow, Progress: p})
		})
	}
	for _, tc := range []struct {
		name  string
		recs  Records
		write write
		total int
	}{
		{"platform", countedRecords{m}, platform, all},
		{"platform, no count", m, platform, 0},
		{"handbook", m, handbook(false), handbookNeeds(false)},
		{"handbook with unconfirmed", countedRecords{m}, handbook(true), handbookNeeds(true)},
		{"report", countedRecords{m}, report, all},
		{"report, no count", m, report, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain, err := tc.write(tc.recs, nil)
			if err != nil {
				t.Fatal(err)
			}
			var log progressLog
			got, err := tc.write(tc.recs, log.report)
			if err != nil {
				t.Fatal(err)
			}
			samePackage(t, plain, got)
			log.check(t, tc.total, tc.total > 0)
			if tc.total == 0 && log.done[len(log.done)-1] != all {
				t.Errorf("without a total, done ends at %d, want the %d needs gone through", log.done[len(log.done)-1], all)
			}
		})
	}
	if handbookNeeds(true) <= handbookNeeds(false) {
		t.Error("the fixture has no unconfirmed needs to include")
	}
}

// samePackage fails unless the workbooks a and b hold the same parts, each
// byte for byte. (The zip files themselves can differ: excelize writes the
// worksheet parts in the order of a map, with or without a callback.)
func samePackage(t *testing.T, a, b []byte) {
	t.Helper()
	pa, pb := unzipParts(t, a), unzipParts(t, b)
	if len(pa) != len(pb) {
		t.Errorf("%d parts, with a Progress callback %d", len(pa), len(pb))
	}
	for name, data := range pa {
		if other, ok := pb[name]; !ok || !bytes.Equal(data, other) {
			t.Errorf("part %s differs with a Progress callback", name)
		}
	}
}

// An empty export ends with (0, 0).
func TestExportProgressEmpty(t *testing.T) {
	var log progressLog
	if _, err := WritePlatform(context.Background(), io.Discard, countedRecords{&memRecords{}}, PlatformOptions{Now: fixedNow, Progress: log.report}); err != nil {
		t.Fatal(err)
	}
	if len(log.done) != 1 || log.done[0] != 0 || log.total[0] != 0 {
		t.Errorf("calls %v / %v, want one (0, 0)", log.done, log.total)
	}
}

// Reading reports the rows read of the rows the sheets hold, and reads the
// same with a callback as without.
func TestReadProgress(t *testing.T) {
	m := progressRecords(t, 1500)
	data, st := platformBytes(t, m)
	rows := st.Needs + 1 // and the header
	for _, tc := range []struct {
		name  string
		data  []byte
		opt   Options
		total int
		ids   bool // the rows carry their need ids
	}{
		{"platform sheet", data, Options{}, rows, true},
		{"one sheet", data, Options{Sheet: "需求上传表"}, rows, true},
		{"small book", newBook(t, "需求").
			row("需求", 1, "技术需求征集表").
			row("需求", 3, "企业名称", "需求名称", "需求类型").
			row("需求", 4, "昆山精密机械有限公司", "主轴热变形补偿", "技术攻关").
			row("需求", 5, "合计").bytes(), Options{}, 5, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain := mustRead(t, tc.data, tc.opt)
			var log progressLog
			opt := tc.opt
			opt.Progress = log.report
			got := mustRead(t, tc.data, opt)
			log.check(t, tc.total, tc.total > progressEvery)
			if !slices.Equal(titles(plain.Needs), titles(got.Needs)) || !slices.Equal(plain.Messages(), got.Messages()) {
				t.Error("the batch differs with a Progress callback")
			}
			for i := range plain.Needs {
				if tc.ids && plain.Needs[i].ID != got.Needs[i].ID {
					t.Fatalf("need %d: id %s, with a callback %s", i, plain.Needs[i].ID, got.Needs[i].ID)
				}
			}
		})
	}
}
