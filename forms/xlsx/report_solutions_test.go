package xlsx

import (
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// TestReportCountsSolutions (issues 15.6, 14.2): the report counts the
// solutions received, the needs with three or more, and the intended
// matches and deals their statuses make — a need with a solution 推荐对接
// and no 意向 follow-up is a match, one with a solution 已签约 a deal — and
// lists each need's count; a 不公开 need's solutions are counted, its name
// still withheld.
func TestReportCountsSolutions(t *testing.T) {
	recs := sampleRecords(t)
	named, anon, other, private := recs.needs[0], recs.needs[1], recs.needs[2], recs.needs[4]
	for _, n := range []*forms.Need{named, anon, other} {
		n.Status = forms.StatusPublished
	}
	recs.addSolution(named, "苏州大学", forms.SolutionRecommended)
	recs.addSolution(named, "东南大学", forms.SolutionSubmitted)
	recs.addSolution(named, "江南大学", forms.SolutionDeclined)
	recs.addSolution(anon, "中科院苏州纳米所", forms.SolutionSigned)
	recs.addSolution(other, "南京理工大学", forms.SolutionScreened)
	recs.addSolution(private, "浙江大学宁波研究院", forms.SolutionSubmitted)

	data, _ := writeReport(t, recs, ReportOptions{HomeRegion: kunshan})
	f := openBook(t, data)
	stats, _ := f.GetRows(ReportStatsSheet, excelize.Options{RawCellValue: true})
	for label, want := range map[string]string{
		ReportSolutionsZH:  "6",
		ReportNeedsWith3ZH: "1",
		"意向对接数":            "2", // named (推荐对接) and anon (已签约)
		"签约（成交）数":          "1", // anon
	} {
		if got := rowStarting(t, stats, label); got[1] != want {
			t.Errorf("%s: %v, want %s", label, got, want)
		}
	}
	list, _ := f.GetRows(ReportListSheet)
	col := slices.Index(list[3], "方案数")
	if col < 0 {
		t.Fatalf("no 方案数 column in %q", list[3])
	}
	got := map[string]string{}
	for _, r := range list[4:] {
		if len(r) > col {
			got[r[1]] = r[col]
		}
	}
	want := map[string]string{named.Title(): "3", anon.Title(): "1", other.Title(): "1", "（不公开需求）": "1", recs.needs[3].Title(): ""}
	for title, n := range want {
		if got[title] != n {
			t.Errorf("%s: %q solutions, want %q (%v)", title, got[title], n, got)
		}
	}
}
