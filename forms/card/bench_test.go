package card

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkCards1000 renders 1,000 cards on A4 sheets of 8 (125 pages).
// Targets (issue 6): under 3 s per op on the 2-core machine, and a PDF under
// 5 MB, reported as the metric pdf-bytes.
func BenchmarkCards1000(b *testing.B) {
	items := randomItems(b, 1000, 1)
	opt := testOptions(b, LayoutA4x8)
	var buf bytes.Buffer
	var rep Report
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		var err error
		rep, err = Render(context.Background(), &buf, items, opt)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if rep.Cards != 1000 || rep.Pages != 125 {
		b.Fatalf("report %+v", rep)
	}
	b.ReportMetric(float64(buf.Len()), "pdf-bytes")
	b.ReportMetric(float64(buf.Len())/float64(rep.Cards), "bytes/card")
}
