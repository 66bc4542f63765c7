package app

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/forms/xlsx"
	"github.com/xunbang/xunbang/store"
)

// TestDashboardAgreesWithTheReport (issues 14.2, 15.6): over the demo set,
// with its solutions, the 工作台 and the organisers' report give the same
// figure for every line of the report's overall table — both count through
// forms.FactsOf and forms.Tally. A published need whose only news is a
// solution 推荐对接 is an intended match in both, one whose only news is a
// signed solution a deal in both.
func TestDashboardAgreesWithTheReport(t *testing.T) {
	var set *demo.Set
	u, st := newTestUI(t, func(st *store.Store) { set = importDemo(t, st, 240) })
	ctx := context.Background()
	// Two published needs with no follow-up: one gets a recommended
	// solution, the other a signed one.
	var bare []*forms.Need
	fu := map[string]bool{}
	for _, f := range set.FollowUps {
		fu[f.NeedID] = true
	}
	for _, n := range set.Needs {
		if n.Status == forms.StatusPublished && !fu[n.ID] && len(bare) < 2 {
			bare = append(bare, n)
		}
	}
	if len(bare) < 2 {
		t.Fatal("the demo has no published need without follow-ups")
	}
	before, err := computeDashboard(ctx, st, "zh")
	if err != nil {
		t.Fatal(err)
	}
	for i, st2 := range []forms.SolutionStatus{forms.SolutionRecommended, forms.SolutionSigned} {
		sol := &forms.Solution{NeedID: bare[i].ID, Status: st2, Source: forms.SourcePaper, Values: forms.Values{"provider_name": {"苏州大学"}}}
		if err := st.SaveSolution(ctx, sol); err != nil {
			t.Fatal(err)
		}
	}
	d, err := computeDashboard(ctx, st, "zh")
	if err != nil {
		t.Fatal(err)
	}
	if d.Matches != before.Matches+2 || d.Deals != before.Deals+1 || d.Solutions != before.Solutions+2 {
		t.Errorf("solutions' statuses do not count: matches %d → %d, deals %d → %d, solutions %d → %d",
			before.Matches, d.Matches, before.Deals, d.Deals, before.Solutions, d.Solutions)
	}
	if d.Solutions != len(set.Solutions)+2 || d.NeedsWith3Solutions == 0 || d.TypicalCases != 0 && d.TypicalCases > d.Needs {
		t.Errorf("solutions %d (demo %d), with three or more %d", d.Solutions, len(set.Solutions), d.NeedsWith3Solutions)
	}

	s, err := st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tg := s.Targets
	var buf bytes.Buffer
	if _, err := xlsx.WriteReport(ctx, &buf, st, xlsx.ReportOptions{HomeRegion: s.HomeRegion,
		Targets: &xlsx.Targets{Enterprises: tg.Enterprises, ValidNeeds: tg.ValidNeeds, CrossRegion: tg.CrossRegion, Matches: tg.Matches, Deals: tg.Deals, TypicalCases: tg.TypicalCases}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsx.ReportStatsSheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	report := map[string]string{}
	for _, r := range rows {
		if len(r) > 1 && report[r[0]] == "" { // the overall table comes first
			report[r[0]] = r[1]
		}
	}
	for label, got := range map[string]string{
		"服务企业数":                 strconv.Itoa(d.Enterprises),
		"有效需求数":                 strconv.Itoa(d.ValidNeeds),
		"跨区域企业数":                strconv.Itoa(d.CrossRegion),
		"意向对接数":                 strconv.Itoa(d.Matches),
		"签约（成交）数":               strconv.Itoa(d.Deals),
		"典型案例数":                 strconv.Itoa(d.TypicalCases),
		"需求总数":                  strconv.Itoa(d.Needs),
		"其中不公开需求":               strconv.Itoa(d.NotPublic),
		"签约金额（万元）":              strconv.FormatFloat(d.DealAmountWan, 'f', -1, 64),
		xlsx.ReportSolutionsZH:  strconv.Itoa(d.Solutions),
		xlsx.ReportNeedsWith3ZH: strconv.Itoa(d.NeedsWith3Solutions),
	} {
		if report[label] != got {
			t.Errorf("%s: the report says %q, the 工作台 %q", label, report[label], got)
		}
	}
	if d.Enterprises == 0 || d.ValidNeeds == 0 || d.CrossRegion == 0 || d.NotPublic == 0 || d.DealAmountWan == 0 {
		t.Errorf("the demo leaves figures at zero: %+v", d)
	}

	// The screen shows them.
	u.tabs.Select(u.dashTab)
	u.dashboard.stale = true
	u.dashboard.refresh()
	settle(t, u)
	for _, want := range []string{
		fmt.Sprintf("%d / %d", d.Matches, tg.Matches), fmt.Sprintf("%d / %d", d.Deals, tg.Deals),
		strconv.Itoa(d.Solutions), strconv.Itoa(d.NeedsWith3Solutions), "收到解决方案（揭榜）", "方案≥3个的需求（竞榜）",
	} {
		if !hasLabel(u.dashboard.kpis, want) {
			t.Errorf("the 工作台 has no %q: %q", want, visibleLabels(u.dashboard.kpis))
		}
	}
	if !hasLabel(u.dashboard.charts, fmt.Sprintf("其中不公开需求 %d 条（只计数）", d.NotPublic)) {
		t.Errorf("no 不公开 line under the statuses: %q", visibleLabels(u.dashboard.charts))
	}
}
