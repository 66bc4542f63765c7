package xlsx

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

func writeReport(t *testing.T, recs Records, opt ReportOptions) ([]byte, ExportStats) {
	t.Helper()
	if opt.Now == nil {
		opt.Now = fixedNow
	}
	var buf bytes.Buffer
	st, err := WriteReport(context.Background(), &buf, recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

// rowStarting returns the first row of rows whose first cell is label.
func rowStarting(t *testing.T, rows [][]string, label string) []string {
	t.Helper()
	for _, r := range rows {
		if len(r) > 0 && r[0] == label {
			return r
		}
	}
	t.Fatalf("no row %q in\n%v", label, rows)
	return nil
}

// TestReportKeepsPrivateNeedsUnnamed (issue 11.9): a 不公开 need is counted,
// but no part of the report — sheets, shared strings, anything — holds its
// title, its enterprise, its town, its tech field or its type, even when
// that town and field are its alone.
func TestReportKeepsPrivateNeedsUnnamed(t *testing.T) {
	cat := forms.Default()
	techVoc := cat.Vocabulary("tech_field")
	tops := techVoc.Children("")
	pubTop, privTop := tops[0], tops[len(tops)-1]
	pubLeaf, privLeaf := techVoc.Children(pubTop.Code)[0], techVoc.Children(privTop.Code)[0]
	towns := forms.Regions().Children(kunshan)
	pubTown, privTown := towns[0], towns[len(towns)-1]
	typeVoc := cat.Vocabulary("need_type")
	pubType, privType := typeVoc.Options[0], typeVoc.Options[len(typeVoc.Options)-2]

	m := &memRecords{}
	pub := m.addEnterprise(t, entSpec{name: "昆山公开精密有限公司", code: creditCode(t, "91320583MA1XYW01"), region: pubTown.Code})
	priv := m.addEnterprise(t, entSpec{name: "昆山绝密叶片科技有限公司", code: creditCode(t, "91320583MA200001"), region: privTown.Code})
	m.addNeed(t, pub, "公开的伺服编码器国产化", forms.VisibilityNamed, true, forms.Values{"tech_fields": {pubLeaf.Code}, "need_type": {pubType.Code}})
	secret := m.addNeed(t, priv, "绝密钛合金叶片涂层攻关", forms.VisibilityPrivate, true, forms.Values{
		"tech_fields": {privLeaf.Code}, "need_type": {privType.Code}, "typical_case": {"true"},
		"problem": {"叶片涂层在 900 ℃ 下剥落，机密参数 XK-77。"},
	})
	data, st := writeReport(t, m, ReportOptions{HomeRegion: kunshan, Targets: &Targets{TypicalCases: 5}})
	if st.Needs != 2 || st.Private != 1 {
		t.Errorf("stats %+v", st)
	}

	parts := unzipParts(t, data)
	found := func(s string) []string {
		var in []string
		for name, b := range parts {
			if bytes.Contains(b, []byte(s)) {
				in = append(in, name)
			}
		}
		slices.Sort(in)
		return in
	}
	// The search can find things: the public need's town and field are there.
	for _, s := range []string{"公开的伺服编码器国产化", "昆山公开精密有限公司", pubTown.Name, pubTop.ZH, pubType.ZH} {
		if len(found(s)) == 0 {
			t.Fatalf("%q is not in the report, so the search proves nothing", s)
		}
	}
	for _, s := range []string{secret.Title(), "绝密", "昆山绝密叶片科技有限公司", privTown.Name, privTop.ZH, privLeaf.ZH, privType.ZH, "XK-77"} {
		if in := found(s); len(in) > 0 {
			t.Errorf("%q of the 不公开 need is in %v", s, in)
		}
	}

	// Counted all the same.
	f := openBook(t, data)
	stats, _ := f.GetRows(ReportStatsSheet, excelize.Options{RawCellValue: true})
	for label, want := range map[string]string{"需求总数": "2", "其中不公开需求": "1", "服务企业数": "2", "典型案例数": "1"} {
		if got := rowStarting(t, stats, label); got[1] != want {
			t.Errorf("%s: %v, want %s", label, got, want)
		}
	}
	if r := rowStarting(t, stats, "不公开需求（不分地区、领域）"); r[1] != "1" || r[3] != "1" {
		t.Errorf("the 不公开 line: %v (want its enterprise and its need)", r)
	}
	list, _ := f.GetRows(ReportListSheet)
	var row []string
	for _, r := range list[4:] {
		if r[1] == "（不公开需求）" {
			row = r
		}
	}
	if row == nil || row[2] != "（不公开）" || row[3] != "不公开" || row[4] != "" || row[5] != "" || row[6] != "" || row[12] != "是" {
		t.Errorf("the 不公开 need's line: %q", row)
	}
	// The sheet itself says the rule.
	for _, sheet := range []string{ReportStatsSheet, ReportListSheet} {
		rows, _ := f.GetRows(sheet)
		if len(rows) < 3 || !strings.Contains(rows[2][0], "内部资料") || !strings.Contains(rows[2][0], "不列出其名称、需求单位、地区、技术领域和需求类型") {
			t.Errorf("%s does not say it is internal and what it leaves out: %q", sheet, rows[:3])
		}
	}
}

// TestReportHeadFontsAndPrint (issue 13.6): the title, 填报单位, 填报人 and
// date lines from the options; a CJK font named for every font of the
// styles; the list on A4 landscape at a scale that never prints its text
// below 8 pt, its columns within the page's width; the 典型案例 count.
func TestReportHeadFontsAndPrint(t *testing.T) {
	recs := sampleRecords(t)
	for _, n := range recs.needs[:2] {
		n.Values.Set("typical_case", "true")
	}
	const title = "2026年 吴江区 技术需求征集情况统计表"
	data, _ := writeReport(t, recs, ReportOptions{HomeRegion: kunshan, Title: title, Unit: "吴江区科技镇长团", Filer: "李科技",
		Targets: &Targets{Enterprises: 100, ValidNeeds: 80, CrossRegion: 30, Matches: 20, Deals: 10, TypicalCases: 5}})
	f := openBook(t, data)
	date := fixedNow()
	for _, sheet := range []string{ReportStatsSheet, ReportListSheet} {
		rows, _ := f.GetRows(sheet)
		if rows[0][0] != title {
			t.Errorf("%s: title %q", sheet, rows[0][0])
		}
		for _, s := range []string{"填报单位：吴江区科技镇长团", "填报人：李科技", fmt.Sprintf("填报日期：%d年%d月%d日", date.Year(), int(date.Month()), date.Day())} {
			if !strings.Contains(rows[1][0], s) {
				t.Errorf("%s: the line under the title %q lacks %q", sheet, rows[1][0], s)
			}
		}
	}
	stats, _ := f.GetRows(ReportStatsSheet, excelize.Options{RawCellValue: true})
	if r := rowStarting(t, stats, "典型案例数"); !slices.Equal(r[1:4], []string{"2", "5", "0.4"}) {
		t.Errorf("典型案例数: %v", r)
	}

	// Every font of the styles is named, and named a CJK font.
	styles := string(unzipParts(t, data)["xl/styles.xml"])
	fonts := regexp.MustCompile(`(?s)<font>(.*?)</font>`).FindAllStringSubmatch(styles, -1)
	if len(fonts) < 3 {
		t.Fatalf("%d fonts in styles.xml", len(fonts))
	}
	for _, ft := range fonts {
		name := regexp.MustCompile(`<name val="([^"]*)"`).FindStringSubmatch(ft[1])
		if name == nil || name[1] != "宋体" && name[1] != "黑体" {
			t.Errorf("a font without a CJK name: %s", ft[0])
		}
	}
	if strings.Contains(styles, "Calibri") {
		t.Error("styles.xml still names Calibri")
	}

	// Both sheets print on A4 landscape at a fixed scale (never fitted
	// smaller), every cell's text at 8 pt or more, the columns within the
	// page: a character of column width is at most 9.5 px (LibreOffice's
	// substitute for 宋体; Excel's 宋体 7 px) plus 5 px of padding a column,
	// 0.75 pt a pixel. The header's text is not taken for a font size.
	for _, sheet := range []string{ReportStatsSheet, ReportListSheet} {
		pl, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if *pl.Size != 9 || *pl.Orientation != "landscape" || pl.AdjustTo == nil || *pl.AdjustTo < 50 {
			t.Fatalf("%s: page layout %+v", sheet, pl)
		}
		if props, _ := f.GetSheetProps(sheet); props.FitToPage != nil && *props.FitToPage {
			t.Errorf("%s is fitted to the page, which shrinks it without limit", sheet)
		}
		scale := float64(*pl.AdjustTo) / 100
		rows, _ := f.GetRows(sheet)
		cols := 0
		for i, r := range rows {
			cols = max(cols, len(r))
			for j := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				id, _ := f.GetCellStyle(sheet, cell)
				st, err := f.GetStyle(id)
				size := 11.0 // the default font's
				if err == nil && st.Font != nil && st.Font.Size > 0 {
					size = st.Font.Size
				}
				if size*scale < 8 {
					t.Fatalf("%s!%s: %.1f pt at %.0f %% prints below 8 pt", sheet, cell, size, scale*100)
				}
			}
		}
		width := 0.0
		for c := 1; c <= cols; c++ {
			name, _ := excelize.ColumnNumberToName(c)
			w, _ := f.GetColWidth(sheet, name)
			width += (9.5*w + 5) * 0.75
		}
		m, _ := f.GetPageMargins(sheet)
		printable := 842 - 72*(*m.Left+*m.Right)
		if width*scale > printable {
			t.Errorf("%s is %.0f pt wide at %.0f %%, the page has %.0f", sheet, width*scale, scale*100, printable)
		}
		hf, _ := f.GetHeaderFooter(sheet)
		if regexp.MustCompile(`&\d+\d`).MatchString(strings.ReplaceAll(hf.OddHeader, "&9 ", "")) || !strings.Contains(hf.OddHeader, title) {
			t.Errorf("%s: header %q", sheet, hf.OddHeader)
		}
	}

	// Without a title set: the year and the home region.
	data, _ = writeReport(t, recs, ReportOptions{HomeRegion: "320509"})
	rows, _ := openBook(t, data).GetRows(ReportStatsSheet)
	if want := strconv.Itoa(date.Year()) + "年 吴江区 技术需求征集情况统计表"; rows[0][0] != want {
		t.Errorf("default title %q, want %q", rows[0][0], want)
	}
	if !strings.Contains(rows[1][0], "填报单位：　") {
		t.Errorf("no room to write the unit in: %q", rows[1][0])
	}
}
