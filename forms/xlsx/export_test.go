package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// unzipParts returns every part of a workbook, checking each XML part is
// well-formed.
func unzipParts(t testing.TB, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = b
		if strings.HasSuffix(zf.Name, ".xml") || strings.HasSuffix(zf.Name, ".rels") {
			dec := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := dec.Token(); err != nil {
					if err != io.EOF {
						t.Errorf("%s is not well-formed XML: %v", zf.Name, err)
					}
					break
				}
			}
		}
	}
	return out
}

func openBook(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize cannot reopen the export: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func platformBytes(t testing.TB, recs Records, profile ...string) ([]byte, ExportStats) {
	t.Helper()
	var buf bytes.Buffer
	opt := PlatformOptions{Now: fixedNow, Organisation: "昆山科技镇长团"}
	if len(profile) > 0 {
		opt.Profile = profile[0]
	}
	st, err := WritePlatform(context.Background(), &buf, recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

func containsRow(rows [][]string, want []string) bool {
	return slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) })
}

func handbookBytes(t testing.TB, recs Records, opt HandbookOptions) ([]byte, ExportStats) {
	t.Helper()
	var buf bytes.Buffer
	if opt.Now == nil {
		opt.Now = fixedNow
	}
	st, err := WriteHandbook(context.Background(), &buf, recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

func TestWriteHandbook(t *testing.T) {
	recs := sampleRecords(t)
	// A long problem must be split over rows no taller than Excel allows.
	recs.needs[0].Values.Set("problem", strings.Repeat("主轴连续运行后热伸长导致加工精度超差，需要建立温度场模型并实时补偿。", 40))
	recs.needs[0].Status = forms.StatusToConfirm // confirm the edited content again
	if err := forms.Default().Confirm(recs.needs[0], recs.ents[0], forms.Confirmation{At: fixedNow()}); err != nil {
		t.Fatal(err)
	}
	data, st := handbookBytes(t, recs, HandbookOptions{})
	if st != (ExportStats{Needs: 3, Unconfirmed: 1, Private: 1}) {
		t.Errorf("stats %+v", st)
	}
	parts := unzipParts(t, data)
	f := openBook(t, data)
	sheet := f.GetSheetList()[0]
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	all := rowsText(rows)
	if rows[0][0] != "技术需求汇编" {
		t.Errorf("title row %v", rows[0])
	}
	for _, want := range []string{"一、生物与新医药", "二、新材料", "三、先进制造与自动化",
		"数控机床主轴热变形补偿", "昆山精密机械有限公司", "苏州市某装备制造企业", "面议", "200 万元", "江苏省苏州市昆山市玉山镇",
		"合作开发、委托开发"} {
		if !strings.Contains(all, want) {
			t.Errorf("handbook lacks %q", want)
		}
	}
	// No contact, even of a named need: personal information (DESIGN.md).
	for _, absent := range []string{"不公开的需求项目", "尚未确认的需求项目", "未经企业确认", "王晓明", "联系方式"} {
		if strings.Contains(all, absent) {
			t.Errorf("handbook holds %q", absent)
		}
	}
	// Groups by the first level of the first tech field, in vocabulary
	// order: the need under 08 and 01 is in 08 only, and comes after 02 and
	// 04 though it was recorded first.
	if strings.Contains(all, "电子信息（") || strings.Index(all, "一、生物与新医药（") > strings.Index(all, "三、先进制造与自动化（") {
		t.Error("groups wrong or out of order")
	}
	// Print setup.
	pl, _ := f.GetPageLayout(sheet)
	if *pl.Size != 9 || *pl.Orientation != "portrait" || *pl.FitToWidth != 1 {
		t.Errorf("page layout %+v", pl)
	}
	hf, _ := f.GetHeaderFooter(sheet)
	if hf == nil || !strings.Contains(hf.OddFooter, "&P") || !strings.Contains(hf.OddFooter, "&N") {
		t.Errorf("footer %+v", hf)
	}
	// A digit right after a font size code such as &9 would be read as
	// part of the size, and the date would lose its year.
	if hf == nil || regexp.MustCompile(`&\d+\d{4}-`).MatchString(hf.OddHeader) || !strings.Contains(hf.OddHeader, "编制日期 ") {
		t.Errorf("header %+v", hf)
	}
	// The page header names the handbook; its big title is not repeated.
	if dn := f.GetDefinedName(); len(dn) != 0 {
		t.Errorf("print titles %+v", dn)
	}
	sheetXML := string(parts["xl/worksheets/sheet1.xml"])
	for _, want := range []string{`paperSize="9"`, `orientation="portrait"`, `fitToHeight="0"`, `<pageSetUpPr fitToPage="true"`, `<rowBreaks`,
		`<mergeCell ref="A1:B1"/>`, `<cols><col min="1" max="1" width="14" customWidth="1"/><col min="2" max="2"`} {
		if !strings.Contains(sheetXML, want) {
			t.Errorf("sheet XML lacks %q", want)
		}
	}
	if w, _ := f.GetColWidth(sheet, "B"); w != hbValueWidth {
		t.Errorf("column B width %v", w)
	}
	// No row taller than Excel's maximum; the long problem took several rows.
	problemRows := 0
	for i, r := range rows {
		h, _ := f.GetRowHeight(sheet, i+1)
		if h > 409 {
			t.Errorf("row %d is %v points tall", i+1, h)
		}
		if len(r) > 1 && strings.Contains(r[1], "热伸长") {
			problemRows++
		}
	}
	if problemRows < 2 {
		t.Errorf("the long problem took %d rows", problemRows)
	}

	// With IncludeUnconfirmed the unconfirmed need is in, and marked.
	data, st = handbookBytes(t, recs, HandbookOptions{IncludeUnconfirmed: true})
	if st.Needs != 4 {
		t.Errorf("stats %+v", st)
	}
	f = openBook(t, data)
	rows, _ = f.GetRows(f.GetSheetList()[0])
	found := false
	for _, r := range rows {
		if len(r) > 0 && strings.Contains(r[0], "尚未确认的需求项目") && strings.Contains(r[0], "未经企业确认") {
			found = true
		}
		if len(r) > 0 && strings.Contains(strings.Join(r, ""), "不公开的需求项目") {
			t.Error("a private need is in the handbook")
		}
	}
	if !found {
		t.Error("the unconfirmed need is not marked 未经企业确认")
	}
}

func TestWriteReport(t *testing.T) {
	recs := sampleRecords(t)
	// An enterprise outside 昆山, with no need; a valid need with an intent
	// and a contract.
	recs.addEnterprise(t, entSpec{name: "吴中区外地企业有限公司", code: creditCode(t, "91320506MA300001"), region: "320506"})
	n := recs.needs[0]
	n.Diagnosis = &forms.Diagnosis{Values: forms.Values{"diag_conclusion": {"valid"}}}
	recs.followUps = []forms.FollowUp{
		{NeedID: n.ID, Kind: forms.FollowUpIntent}, {NeedID: n.ID, Kind: forms.FollowUpContract, AmountWan: "80"},
		{NeedID: recs.needs[2].ID, Kind: forms.FollowUpIntent},
	}
	var buf bytes.Buffer
	st, err := WriteReport(context.Background(), &buf, recs, ReportOptions{HomeRegion: kunshan, Now: fixedNow,
		Targets: &Targets{Enterprises: 100, ValidNeeds: 80, CrossRegion: 30, Matches: 20, Deals: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Needs != 5 {
		t.Errorf("stats %+v", st)
	}
	unzipParts(t, buf.Bytes())
	f := openBook(t, buf.Bytes())
	if got := f.GetSheetList(); !slices.Equal(got, []string{ReportStatsSheet, ReportListSheet}) {
		t.Fatalf("sheets %v", got)
	}
	stats, _ := f.GetRows(ReportStatsSheet, excelize.Options{RawCellValue: true})
	find := func(label string) []string {
		for _, r := range stats {
			if len(r) > 0 && r[0] == label {
				return r
			}
		}
		t.Fatalf("no row %q in\n%v", label, stats)
		return nil
	}
	for label, want := range map[string][]string{
		"服务企业数":    {"3", "100", "0.03"},
		"有效需求数":    {"1", "80"},
		"跨区域企业数":   {"1", "30"},
		"意向对接数":    {"2", "20", "0.1"},
		"签约（成交）数":  {"1", "10", "0.1"},
		"需求总数":     {"5"},
		"签约金额（万元）": {"80"},
	} {
		if got := find(label)[1:]; !slices.Equal(got[:len(want)], want) {
			t.Errorf("%s: %v, want %v", label, got, want)
		}
	}
	if r := find("玉山镇"); r[1] != "1" || r[3] != "2" {
		t.Errorf("玉山镇: %v", r)
	}
	// 苏州远望新材料 (320583102) has a named need, so its town has a line;
	// its 不公开 need is counted in the line of its own.
	if r := find("不公开需求（不分地区、领域）"); r[3] != "1" {
		t.Errorf("不公开: %v", r)
	}
	if r := find("江苏省苏州市吴中区（区外）"); r[1] != "1" || r[2] != "1" || r[3] != "0" {
		t.Errorf("吴中区: %v", r)
	}
	list, _ := f.GetRows(ReportListSheet)
	if len(list) != 9 { // title, 填报 line, internal note, header, 5 needs
		t.Fatalf("list has %d rows", len(list))
	}
	who := map[string]string{}
	for _, r := range list[4:] {
		who[r[1]] = r[2]
	}
	if who["数控机床主轴热变形补偿"] != "昆山精密机械有限公司" || who["高导热陶瓷基板材料开发"] != "苏州市某装备制造企业" || who["（不公开需求）"] != "（不公开）" {
		t.Errorf("names per visibility: %v", who)
	}
	if _, ok := who["不公开的需求项目"]; ok {
		t.Error("the 不公开 need is listed by its title")
	}
	// Both sheets print on A4 landscape; the list repeats its header row
	// on every page.
	for _, sheet := range []string{ReportStatsSheet, ReportListSheet} {
		pl, _ := f.GetPageLayout(sheet)
		if pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" {
			t.Errorf("%s: page layout %+v", sheet, pl)
		}
		if hf, _ := f.GetHeaderFooter(sheet); hf == nil || !strings.Contains(hf.OddFooter, "&P") || !strings.Contains(hf.OddHeader, "内部资料") {
			t.Errorf("%s: header and footer %+v", sheet, hf)
		}
	}
	dn := f.GetDefinedName()
	if len(dn) != 1 || dn[0].Name != "_xlnm.Print_Titles" || !strings.HasSuffix(dn[0].RefersTo, "!$4:$4") || dn[0].Scope != ReportListSheet {
		t.Errorf("print titles %+v", dn)
	}
}

// A handbook refers a need to where it can be read as a card's QR code
// does (forms.PublicNeed.Address): the platform's page at an address that
// resolves, the hub's page of a need the hub published, never an address
// that leads nowhere.
func TestHandbookAddressesResolve(t *testing.T) {
	const hub = "https://hub.wujiang.example.gov.cn"
	for _, tc := range []struct {
		name, url string
		status    forms.Status
		want      string // in the handbook; "" for no address
	}{
		{"the platform's page", "https://kjt.example.gov.cn/xq/1", forms.StatusPublished, "https://kjt.example.gov.cn/xq/1"},
		{"an address that does not resolve", "https://kjzy.jstd.gov.cn.invalid/need/1", forms.StatusPublished, ""},
		{"published by the hub", "", forms.StatusPublished, hub + "/n/"},
		{"confirmed, not published", "", forms.StatusConfirmed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := sampleRecords(t)
			for _, n := range recs.needs {
				n.Platform.URL, n.Status = tc.url, tc.status
			}
			data, _ := handbookBytes(t, recs, HandbookOptions{HubPublicURL: hub})
			f := openBook(t, data)
			rows, err := f.GetRows(f.GetSheetList()[0])
			if err != nil {
				t.Fatal(err)
			}
			text := rowsText(rows)
			if strings.Contains(text, ".invalid") {
				t.Error("the handbook prints an address that leads nowhere")
			}
			if got := strings.Contains(text, "http"); got != (tc.want != "") || tc.want != "" && !strings.Contains(text, tc.want) {
				t.Errorf("addresses printed: %t, want %q", got, tc.want)
			}
		})
	}
}

// An anonymous need whose text names its enterprise stays out of the
// handbook — confirmed before the check existed, or unconfirmed with
// IncludeUnconfirmed — and is counted apart.
func TestHandbookLeavesOutAnAnonymousNeedThatNamesItsEnterprise(t *testing.T) {
	recs := sampleRecords(t)
	anon := recs.needs[1] // 高导热陶瓷基板材料开发, 匿名公开, of 昆山精密机械有限公司
	anon.Values.Set("problem", "联系人王晓明（138 1234 5678）：陶瓷基板导热率不足。")
	for _, include := range []bool{false, true} {
		data, st := handbookBytes(t, recs, HandbookOptions{IncludeUnconfirmed: include})
		if st.NamesEnterprise != 1 {
			t.Errorf("include unconfirmed %v: stats %+v", include, st)
		}
		f := openBook(t, data)
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		if all := rowsText(rows); strings.Contains(all, "高导热陶瓷基板") || strings.Contains(all, "王晓明") {
			t.Errorf("include unconfirmed %v: the handbook holds the need that names its enterprise", include)
		}
	}
}

// An anonymous need whose alias names a place finer than the region the
// handbook prints — its county, where the platform shows it with the city
// — stays out, and is counted with those that name their enterprise.
func TestHandbookLeavesOutAnAnonymousNeedThatNamesAFinerPlace(t *testing.T) {
	recs := sampleRecords(t)
	anon := recs.needs[1] // 高导热陶瓷基板材料开发, 匿名公开, of 昆山精密机械有限公司 in 昆山市玉山镇
	anon.Values.Set("public_alias", "昆山市某电子材料企业")
	for _, shown := range []bool{false, true} {
		anon.Platform = forms.Platform{State: "已发布", RegionShown: shown, Region: "320500"}
		data, st := handbookBytes(t, recs, HandbookOptions{IncludeUnconfirmed: true})
		f := openBook(t, data)
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		in := strings.Contains(rowsText(rows), "高导热陶瓷基板")
		if in == shown || st.NamesEnterprise != map[bool]int{true: 1}[shown] {
			t.Errorf("shown with the city %v: in the handbook %v, stats %+v", shown, in, st)
		}
	}
}
