package xlsx

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// evaluatedRecords are the sample records with three solutions for the
// named need, two for the 不公开 one, and an evaluation of each.
func evaluatedRecords(t *testing.T) (*memRecords, *forms.Need, []*forms.Solution) {
	recs := sampleRecords(t)
	named, private := recs.needs[0], recs.needs[4]
	named.Status = forms.StatusMatching
	sols := []*forms.Solution{
		recs.addSolution(named, "苏州大学机电工程学院", forms.SolutionRecommended),
		recs.addSolution(named, "东南大学材料科学与工程学院", forms.SolutionScreened),
		recs.addSolution(named, "中科院苏州纳米所测试分析平台", forms.SolutionChosen),
	}
	ev := &forms.Evaluation{Date: "2026-10-08", Experts: []string{"张立华 教授（苏州大学）", "刘建 研究员（中科院苏州纳米所）"},
		Suggested: sols[0].ID, Chosen: sols[2].ID, Opinion: "需求明确，具有行业代表性。建议企业与方案一、方案三深入洽谈。"}
	for i, c := range forms.NeedCriteria {
		ev.SetScore("", c.ID, float64(7+i%3), true)
	}
	for i, s := range sols[:2] {
		for j, c := range forms.SolutionCriteria {
			ev.SetScore(s.ID, c.ID, float64(6+(i+j)%4)+0.5, true)
		}
	}
	ev.SetScore(sols[2].ID, "match", 9, true) // the third is not scored in full
	named.Evaluation = ev
	ps := []*forms.Solution{recs.addSolution(private, "绝密揭榜方有限公司", forms.SolutionSubmitted)}
	private.Evaluation = &forms.Evaluation{Date: "2026-10-09", Need: forms.Scores{"innovation": 6}, Chosen: ps[0].ID}
	return recs, named, sols
}

// TestWriteEvaluations (issue 15.5): a sheet per evaluated need with the
// need, the experts, every score and total, the experts' suggestion and
// the enterprise's choice; internal and saying so; no provider's contact;
// a 不公开 need unnamed; A4 portrait, its text at 8 pt or more and its
// columns within the page.
func TestWriteEvaluations(t *testing.T) {
	recs, named, sols := evaluatedRecords(t)
	var buf bytes.Buffer
	st, err := WriteEvaluations(context.Background(), &buf, recs, EvaluationOptions{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if st.Needs != 2 {
		t.Errorf("stats %+v", st)
	}
	if out := os.Getenv("XUNBANG_EVALUATION_OUT"); out != "" { // to look at it: soffice --convert-to pdf
		_ = os.WriteFile(out, buf.Bytes(), 0o644)
	}
	f := openBook(t, buf.Bytes())
	sheets := f.GetSheetList()
	if !slices.Equal(sheets, []string{"竞榜评估1", "竞榜评估2"}) {
		t.Fatalf("sheets %v", sheets)
	}
	rows, _ := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	all := rowsText(rows)
	for _, want := range []string{"技术需求竞榜评估表", "内部资料", named.Title(), "昆山精密机械有限公司", "2026-10-08", "张立华 教授（苏州大学）；刘建 研究员（中科院苏州纳米所）",
		"创新性", "行业代表性", "匹配性", "可实施性", "苏州大学机电工程学院|高校|6.5|7.5|8.5|9.5|32|√\n",
		"东南大学材料科学与工程学院|高校|7.5|8.5|9.5|6.5|32\n", "中科院苏州纳米所测试分析平台|高校|9||||9（未评完）||√",
		"专家建议的最佳方案", "1. 苏州大学机电工程学院", "企业选定的最佳方案", "3. 中科院苏州纳米所测试分析平台", "建议企业与方案一"} {
		if !strings.Contains(all, want) {
			t.Errorf("the sheet lacks %q:\n%s", want, all)
		}
	}
	if r := rowStarting(t, rows, "专家组评分"); !slices.Equal(r[2:9], []string{"7", "", "8", "", "9", "", "7"}) {
		t.Errorf("need scores %q", r)
	}
	if r := rowStarting(t, rows, "合计（满分 40）"); r[2] != "31" {
		t.Errorf("need total %q", r)
	}
	// No contact of a provider, and nothing of the 不公开 need but that it
	// was evaluated.
	parts := unzipParts(t, buf.Bytes())
	for _, s := range []string{"13912345678", "zhao@example.edu.cn", "赵明远", "不公开的需求项目", "苏州远望新材料有限公司"} {
		for name, b := range parts {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%q is in %s", s, name)
			}
		}
	}
	priv, _ := f.GetRows(sheets[1])
	if p := rowsText(priv); !strings.Contains(p, "（不公开需求）") || !strings.Contains(p, "绝密揭榜方有限公司") {
		t.Errorf("the 不公开 need's sheet:\n%s", p)
	}
	// Printable: A4 portrait at a fixed scale, text at 8 pt or more, the
	// columns within the page (as TestReportHeadFontsAndPrint measures).
	for _, sheet := range sheets {
		pl, _ := f.GetPageLayout(sheet)
		if *pl.Size != 9 || *pl.Orientation != "portrait" || pl.AdjustTo == nil {
			t.Fatalf("%s: page layout %+v", sheet, pl)
		}
		scale := float64(*pl.AdjustTo) / 100
		width := 0.0
		for c := 1; c <= len(evaluationWidths); c++ {
			name, _ := excelize.ColumnNumberToName(c)
			w, _ := f.GetColWidth(sheet, name)
			width += (9.5*w + 5) * 0.75
		}
		m, _ := f.GetPageMargins(sheet)
		if printable := 595 - 72*(*m.Left+*m.Right); width*scale > printable {
			t.Errorf("%s is %.0f pt wide at %.0f %%, the page has %.0f", sheet, width*scale, scale*100, printable)
		}
		rows, _ := f.GetRows(sheet)
		for i, r := range rows {
			for j := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				id, _ := f.GetCellStyle(sheet, cell)
				if st, err := f.GetStyle(id); err == nil && st.Font != nil && st.Font.Size*scale < 8 {
					t.Errorf("%s!%s prints at %.1f pt", sheet, cell, st.Font.Size*scale)
				}
			}
		}
	}

	// One need only; none at all.
	buf.Reset()
	if st, err := WriteEvaluations(context.Background(), &buf, recs, EvaluationOptions{NeedIDs: []string{named.ID}, Now: fixedNow}); err != nil || st.Needs != 1 {
		t.Fatalf("one need: %+v %v", st, err)
	}
	for _, n := range recs.needs {
		n.Evaluation = nil
	}
	buf.Reset()
	if st, err := WriteEvaluations(context.Background(), &buf, recs, EvaluationOptions{Now: fixedNow}); err != nil || st.Needs != 0 {
		t.Fatalf("none: %+v %v", st, err)
	}
	f = openBook(t, buf.Bytes())
	rows, _ = f.GetRows(f.GetSheetList()[0])
	if !strings.Contains(rowsText(rows), "尚未记录任何竞榜评估") {
		t.Errorf("no evaluation: %q", rows)
	}
	_ = sols
}
