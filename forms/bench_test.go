package forms

import "testing"

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
