package forms

import (
	"encoding/json"
	"testing"

	"github.com/xunbang/xunbang/internal/floor"
)

// The per-need work of every public output (issue 5): a 50,000-need export
// does each of these 50,000 times.

func BenchmarkContentHash(b *testing.B) {
	cat, n, e := Default(), sampleNeed(), sampleEnterprise()
	b.ReportAllocs()
	for b.Loop() {
		cat.ContentHash(n, e)
	}
}

func BenchmarkPublish(b *testing.B) {
	cat, n, e := Default(), sampleNeed(), sampleEnterprise()
	n.Status = StatusToConfirm
	if err := cat.Confirm(n, e, Confirmation{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if p, ok := cat.Publish(n, e); !ok || !p.Confirmed {
			b.Fatal("not published")
		}
	}
}

func BenchmarkPublishInto(b *testing.B) {
	cat, n, e := Default(), sampleNeed(), sampleEnterprise()
	n.Status = StatusToConfirm
	if err := cat.Confirm(n, e, Confirmation{}); err != nil {
		b.Fatal(err)
	}
	var p PublicNeed
	b.ReportAllocs()
	for b.Loop() {
		if !cat.PublishInto(&p, n, e) || !p.Confirmed {
			b.Fatal("not published")
		}
	}
}

// BenchmarkParseMoney compares ParseMoney with the big.Rat version it
// replaced (parseMoneyRat, in parse_test.go).
func BenchmarkParseMoney(b *testing.B) {
	in := []string{"50", "500,000元", "0.5亿", "约 30 万元"}
	for _, c := range []struct {
		name  string
		parse func(string) (Money, error)
	}{{"now", ParseMoney}, {"big.Rat", parseMoneyRat}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range in {
					if _, err := c.parse(s); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkDecodeNeed decodes a confirmed need as a writer of outputs reads
// it (UnmarshalNeedWithoutEvidence) beside its floor: encoding/json reading
// the same bytes into a generic map, which checks and copies no less text
// but builds no record.
func BenchmarkDecodeNeed(b *testing.B) {
	var raw []byte
	for _, r := range fullRecords(b) {
		var n Need
		if n.UnmarshalJSON(r) == nil && n.Title() != "" && n.Confirmation != nil {
			raw = r
			break
		}
	}
	if raw == nil {
		b.Fatal("no confirmed need among the records")
	}
	b.ReportAllocs()
	floor.Compare(b, func() {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			b.Fatal(err)
		}
	}, func() {
		if _, err := UnmarshalNeedWithoutEvidence(raw); err != nil {
			b.Fatal(err)
		}
	})
}
