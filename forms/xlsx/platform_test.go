package xlsx

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
)

func TestProfilesLoad(t *testing.T) {
	if got := ProfileIDs(); len(got) < 2 || got[0] != DefaultProfile || !slices.Contains(got, "xunbang") {
		t.Fatalf("profiles %v, want jstec first and xunbang", got)
	}
	if _, ok := ProfileByID("kjzy"); ok {
		t.Error("an unknown profile was found")
	}
	if p, ok := ProfileByID(""); !ok || p.ID != "jstec" {
		t.Error("the default profile is not jstec")
	}
	// A profile may not map what the upload must never carry.
	cat := forms.Default()
	for _, id := range []string{"confidential_notes", "rd_spend_wan", "legal_representative", "diag_summary", "address"} {
		doc := `{"format":1,"id":"x","zh":"甲","en":"A","sheet":"S","sources":["s"],"columns":[{"header":"H","field":"` + id + `"},{"header":"I","special":"need_id"}]}`
		if _, err := parseProfile(cat, []byte(doc)); err == nil || !strings.Contains(err.Error(), "may not go to a platform") {
			t.Errorf("a profile mapping %s: %v", id, err)
		}
	}
	// A vocabulary option without a decision in the profile is refused.
	doc := `{"format":1,"id":"x","zh":"甲","en":"A","sheet":"S","sources":["s"],"codes":{"need_type":{"00":"00"}},"labels":{"need_type":{"00":"关键技术研发"}},"columns":[{"header":"H","field":"need_type","value":"code"},{"header":"I","special":"need_id"}]}`
	if _, err := parseProfile(cat, []byte(doc)); err == nil || !strings.Contains(err.Error(), "no entry in codes") {
		t.Errorf("a profile missing codes: %v", err)
	}
}

// jstecRow writes one confirmed need through the jstec profile and returns
// its row by header, and the row's need.
func jstecRow(t *testing.T, edit func(n *forms.Need, e *forms.Enterprise)) map[string]string {
	t.Helper()
	m := &memRecords{}
	e := m.addEnterprise(t, entSpec{name: "昆山精密机械有限公司", code: creditCode(t, "91320583MA1XYW01"), region: "320583100",
		contact: forms.Values{"contact_name": {"王晓明"}, "contact_mobile": {"13812345678"}}})
	n := m.addNeed(t, e, "数控机床主轴热变形补偿", forms.VisibilityNamed, false, nil)
	edit(n, e)
	n.Status = forms.StatusToConfirm
	if err := forms.Default().Confirm(n, e, forms.Confirmation{At: fixedNow()}); err != nil {
		t.Fatal(err)
	}
	data, st := platformBytes(t, m)
	if st.Needs != 1 {
		t.Fatalf("stats %+v", st)
	}
	rows, err := openBook(t, data).GetRows("需求上传表")
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %v, %v", rows, err)
	}
	out := map[string]string{}
	for i, h := range rows[0] {
		if i < len(rows[1]) {
			out[h] = rows[1][i]
		}
	}
	return out
}

// TestJstecCodesAndUnits is issue 13.1: every jstec code and unit, as the
// platform's own records have them (forms/xlsx/profiles/jstec.json cites
// them): the need type codes, one cooperation mode in the platform's
// codes, the budget in 元, the region as province, city and county codes,
// the tech field as a name path, the summary composed.
func TestJstecCodesAndUnits(t *testing.T) {
	cat := forms.Default()
	for _, o := range cat.Vocabulary("need_type").Options {
		row := jstecRow(t, func(n *forms.Need, _ *forms.Enterprise) { n.Values.Set("need_type", o.Code) })
		if row["需求类型"] != o.Code {
			t.Errorf("need type %s %s written %q", o.Code, o.ZH, row["需求类型"])
		}
	}
	// Ours → the platform's (COOPERATION_MODE_MAP of the cited scraper):
	// 00 股权投资 01 技术转让 02 许可使用 03 合作开发 04 合作兴办新企业 05 其他
	// 06 技术咨询 07 技术服务 20 银行贷款 21 股权融资.
	want := map[string]string{"01": "05", "02": "03", "03": "01", "04": "02", "05": "06", "06": "07", "07": "05", "08": "04", "10": "00", "20": "20", "21": "21", "99": "05"}
	for _, o := range cat.Vocabulary("cooperation_mode").Options {
		w, ok := want[o.Code]
		if !ok {
			t.Errorf("cooperation mode %s %s: no expectation: add it", o.Code, o.ZH)
			continue
		}
		row := jstecRow(t, func(n *forms.Need, _ *forms.Enterprise) { n.Values.SetList("cooperation_modes", []string{o.Code}) })
		if row["合作方式"] != w {
			t.Errorf("cooperation mode %s %s written %q, want %s", o.Code, o.ZH, row["合作方式"], w)
		}
		// A mode the platform has no code for is said in the summary.
		if lost := o.Code == "01" || o.Code == "07"; lost != strings.Contains(row["需求详情"], "合作方式："+o.ZH) {
			t.Errorf("cooperation mode %s: summary %q", o.ZH, row["需求详情"])
		}
	}
	// One mode only: the first the platform has; the rest in the summary.
	row := jstecRow(t, func(n *forms.Need, _ *forms.Enterprise) {
		n.Values.SetList("cooperation_modes", []string{"01", "02", "03"})
	})
	if row["合作方式"] != "03" || !strings.Contains(row["需求详情"], "合作方式：委托开发、合作开发、技术转让") {
		t.Errorf("several modes: %q, summary %q", row["合作方式"], row["需求详情"])
	}
	for budget, yuan := range map[string]string{"200": "2000000", "0.5": "5000", "12.3456": "123456"} {
		row := jstecRow(t, func(n *forms.Need, _ *forms.Enterprise) { n.Values.Set("budget_wan", budget) })
		if row["意向投入（元）"] != yuan {
			t.Errorf("budget %s 万元 written %q, want %s 元", budget, row["意向投入（元）"], yuan)
		}
	}
	row = jstecRow(t, func(n *forms.Need, _ *forms.Enterprise) {
		delete(n.Values, "budget_wan")
		n.Values.Set("budget_negotiable", "true")
	})
	if row["意向投入（元）"] != "" || !strings.Contains(row["需求详情"], "拟投入资金：面议") {
		t.Errorf("面议: %q, summary %q", row["意向投入（元）"], row["需求详情"])
	}
	row = jstecRow(t, func(n *forms.Need, _ *forms.Enterprise) {
		n.Values.SetList("tech_fields", []string{"80", "804", "10101"})
		n.Values.Set("trl_now", "4")
		n.Values.Set("trl_target", "7")
		n.Values.Set("current_basis", "已投入 300 万元，研发团队 12 人。")
		n.Values.Set("tech_manager", "李科技")
		n.Values.Set("activity", "2026 昆山揭榜挂帅专场")
		n.Values.Set("platform_need_no", "FT6851882291613696")
	})
	for h, w := range map[string]string{
		"技术领域": "先进制造与自动化,先进制造工艺与装备", "技术领域代码": "804", "所在地区": "320000,320500,320583",
		"发布者": "王晓明", "联系方式": "13812345678", "技术经理人": "李科技", "专场": "2026 昆山揭榜挂帅专场",
		"需求编号": "FT6851882291613696", "公开方式": "实名公开", "公开称谓": "",
	} {
		if row[h] != w {
			t.Errorf("%s = %q, want %q", h, row[h], w)
		}
	}
	sum := row["需求详情"]
	for _, part := range []string{"一、需求内容：现有进口编码器", "技术关键：23 位", "二、技术指标：分辨率", "三、技术就绪度：当前技术就绪度：4 实验室验证；期望技术就绪度：7 实际环境演示"} {
		if !strings.Contains(sum, part) {
			t.Errorf("summary lacks %q:\n%s", part, sum)
		}
	}
	if strings.Contains(sum, "已投入 300 万元") || strings.Contains(sum, "技术领域") {
		t.Errorf("the summary holds the current basis the enterprise did not publish, or a lost tech field:\n%s", sum)
	}
	if !strings.Contains(sum, "合作方式：合作开发、委托开发") {
		t.Errorf("the summary does not say the second cooperation mode:\n%s", sum)
	}
	row = jstecRow(t, func(n *forms.Need, _ *forms.Enterprise) {
		n.Values.Set("current_basis", "已投入 300 万元，研发团队 12 人。")
		n.Values.Set("current_basis_public", "true")
	})
	if !strings.Contains(row["需求详情"], "现有基础：已投入 300 万元") {
		t.Errorf("published current basis missing:\n%s", row["需求详情"])
	}
}

// TestPlatformCodeSheets: the 代码表 lists the platform's codes with the
// platform's names, and the 说明 sheet cites the sources.
func TestPlatformCodeSheets(t *testing.T) {
	data, _ := platformBytes(t, sampleRecords(t))
	f := openBook(t, data)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"需求上传表", PlatformCodesSheet, PlatformAboutSheet}) {
		t.Fatalf("sheets %v", got)
	}
	codes, _ := f.GetRows(PlatformCodesSheet)
	for _, want := range [][]string{{"需求类型", "00", "关键技术研发"}, {"需求类型", "13", "测试标准"}, {"合作方式", "02", "许可使用"}, {"合作方式", "21", "股权融资"}, {"公开方式", "匿名公开", "匿名公开"}} {
		if !containsRow(codes, want) {
			t.Errorf("代码表 lacks %v", want)
		}
	}
	about, _ := f.GetRows(PlatformAboutSheet)
	text := rowsText(about)
	for _, want := range []string{"github.com/zhuxiaoxingshu-lab/technexus-demo", "意向投入（元）|intendedPrice", "匿名公开"} {
		if !strings.Contains(text, want) {
			t.Errorf("说明 lacks %q", want)
		}
	}
}

// TestUploadIsNotPublication is issue 13.4: the upload sheet carries the
// enterprise's name, credit code and contact for 匿名公开 needs too, with
// the visibility and the alias in their own columns; never a secret the
// enterprise did not publish, an internal note, or a 不公开 or unconfirmed
// need. (The public outputs stay redacted: TestRedaction.)
func TestUploadIsNotPublication(t *testing.T) {
	for _, profile := range []string{"jstec", "xunbang"} {
		recs := sampleRecords(t)
		for _, n := range recs.needs {
			n.Values.Set("confidential_notes", "竞争对手正在做同类产品"+n.ID[:4])
			n.Values.Set("current_basis", "已投入研发资金 777 万元"+n.ID[:4])
			n.Values.Set("tech_manager", "周镇长")
			// Re-confirm what was confirmed: the edits changed the content.
			if n.Confirmation != nil && n.Title() != "尚未确认的需求项目" {
				n.Status = forms.StatusToConfirm
				if err := forms.Default().Confirm(n, entOf(recs, n), forms.Confirmation{At: fixedNow()}); err != nil {
					t.Fatal(err)
				}
			}
		}
		data, st := platformBytes(t, recs, profile)
		if st != (ExportStats{Needs: 3, Unconfirmed: 1, Private: 1}) {
			t.Errorf("%s: stats %+v", profile, st)
		}
		prof, _ := ProfileByID(profile)
		rows, _ := openBook(t, data).GetRows(prof.Sheet)
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		cell := func(r []string, h string) string {
			if i, ok := col[h]; ok && i < len(r) {
				return r[i]
			}
			return ""
		}
		var anon []string
		for _, r := range rows[1:] {
			if cell(r, "需求名称") == "高导热陶瓷基板材料开发" {
				anon = r
			}
		}
		if anon == nil {
			t.Fatalf("%s: the anonymous need is missing", profile)
		}
		phone := "联系方式"
		if profile == "xunbang" {
			phone = "手机"
		}
		for h, want := range map[string]string{"企业名称": "昆山精密机械有限公司", "统一社会信用代码": recs.ents[0].CreditCode(),
			phone: "13812345678", "公开方式": "匿名公开", "公开称谓": "苏州市某装备制造企业"} {
			if got := cell(anon, h); got != want {
				t.Errorf("%s: anonymous row %s = %q, want %q", profile, h, got, want)
			}
		}
		for part, b := range unzipParts(t, data) {
			for _, secret := range []string{"竞争对手正在做同类产品", "已投入研发资金 777 万元", "尚未确认的需求项目", "不公开的需求项目"} {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s: %q in %s", profile, secret, part)
				}
			}
		}
	}
}

func entOf(m *memRecords, n *forms.Need) *forms.Enterprise {
	for _, e := range m.ents {
		if e.ID == n.EnterpriseID {
			return e
		}
	}
	return nil
}

// TestColumnsStableWhenCatalogueGrows is issue 13.1: a new public field in
// the catalogue, even among the need's first fields, shifts no platform's
// columns.
func TestColumnsStableWhenCatalogueGrows(t *testing.T) {
	before, err := loadProfiles(forms.Default())
	if err != nil {
		t.Fatal(err)
	}
	grown := grownCatalogue(t)
	after, err := loadProfiles(grown)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if b, a := PlatformHeaders(before[i]), PlatformHeaders(after[i]); !slices.Equal(b, a) {
			t.Errorf("profile %s: headers changed with the catalogue:\n%v\n%v", before[i].ID, b, a)
		}
	}
	// And the xunbang profile is today's sheet, column for column.
	x, _ := ProfileByID("xunbang")
	today := []string{"企业名称", "统一社会信用代码", "所在地区", "所在园区", "单位类型", "企业规模", "是否规上企业", "企业资质", "所属行业",
		"联系人", "职务", "手机", "座机", "电子邮箱", "需求名称", "需求类型", "是否“卡脖子”关键核心技术", "需求层级", "技术领域", "所属产业",
		"关键词", "主要问题", "技术关键", "技术指标", "预期目标", "当前技术就绪度", "期望技术就绪度", "合作方式", "拟投入资金（万元）",
		"期望完成时间", "公开方式", "公开称谓", "需求编号"}
	if got := PlatformHeaders(x); !slices.Equal(got, today) {
		t.Errorf("xunbang headers\n%v\nwant\n%v", got, today)
	}
	// The sheet writes the profile's headers, whatever the catalogue.
	data, _ := platformBytes(t, sampleRecords(t))
	rows, _ := openBook(t, data).GetRows("需求上传表")
	p, _ := ProfileByID("jstec")
	if !slices.Equal(rows[0], PlatformHeaders(p)) {
		t.Errorf("written headers %v", rows[0])
	}
}

// grownCatalogue is the embedded catalogue with two public fields more:
// one right after the need's title, one among the enterprise's.
func grownCatalogue(t *testing.T) *forms.Catalogue {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(catalogueBytes(t), &doc); err != nil {
		t.Fatal(err)
	}
	fields := doc["fields"].([]any)
	var out []any
	for _, f := range fields {
		out = append(out, f)
		switch f.(map[string]any)["id"] {
		case "title":
			out = append(out, map[string]any{"id": "new_public_need_field", "entity": "need", "section": "need", "zh": "新的公开字段", "en": "New public field", "kind": "text", "class": "public"})
		case "credit_code":
			out = append(out, map[string]any{"id": "new_public_ent_field", "entity": "enterprise", "section": "basic", "zh": "新的企业字段", "en": "New enterprise field", "kind": "text", "class": "public"})
		}
	}
	doc["fields"] = out
	b, _ := json.Marshal(doc)
	cat, err := forms.ParseCatalogue(b)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestWorkbookStructure is issue 13.7: every sheet's <dimension> is its
// real range, the upload sheet's coded columns have drop-down lists over
// 代码表, the document properties name the organisation, and the fonts are
// Chinese. The handbook and the report are written the same way.
func TestWorkbookStructure(t *testing.T) {
	recs := sampleRecords(t)
	files := map[string][]byte{}
	files["platform"], _ = platformBytes(t, recs)
	files["platform xunbang"], _ = platformBytes(t, recs, "xunbang")
	files["handbook"], _ = handbookBytes(t, recs, HandbookOptions{Now: fixedNow})
	files["report"] = reportBytes(t, recs)
	dimRe := regexp.MustCompile(`<dimension ref="([A-Z0-9:]+)"`)
	for name, data := range files {
		parts := unzipParts(t, data)
		f := openBook(t, data)
		for _, sheet := range f.GetSheetList() {
			part := sheetPart(f, sheet)
			m := dimRe.FindSubmatch(parts[part])
			if m == nil {
				t.Errorf("%s/%s: no dimension", name, sheet)
				continue
			}
			want := usedRange(t, parts[part])
			if string(m[1]) != want {
				t.Errorf("%s/%s: dimension %s, the cells span %s", name, sheet, m[1], want)
			}
		}
		core := string(parts["docProps/core.xml"])
		if strings.Contains(name, "platform") && !strings.Contains(core, "<dc:creator>昆山科技镇长团</dc:creator>") {
			t.Errorf("%s: core properties do not name the organisation: %s", name, core)
		}
		if strings.Contains(core, "<dc:creator>xunbang</dc:creator>") {
			t.Errorf("%s: the program is named as the author", name)
		}
		if !strings.Contains(string(parts["xl/styles.xml"]), `<name val="宋体"`) {
			t.Errorf("%s: no Chinese font in the styles", name)
		}
	}
	// Drop-down lists on the coded columns, reading 代码表.
	f := openBook(t, files["platform"])
	dvs, err := f.GetDataValidations("需求上传表")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := ProfileByID("jstec")
	codes, _ := f.GetRows(PlatformCodesSheet)
	got := map[string]bool{}
	for _, dv := range dvs {
		col := strings.TrimRightFunc(strings.SplitN(dv.Sqref, ":", 2)[0], func(r rune) bool { return r >= '0' && r <= '9' })
		n, _ := excelize.ColumnNameToNumber(col)
		h := p.Columns[n-1].Header
		got[h] = true
		var first, last int
		if _, err := fmt.Sscanf(strings.TrimPrefix(dv.Formula1, "'"+PlatformCodesSheet+"'!"), "$B$%d:$B$%d", &first, &last); err != nil {
			t.Errorf("%s: list %q", h, dv.Formula1)
			continue
		}
		for r := first; r <= last; r++ {
			if codes[r-1][0] != h {
				t.Errorf("%s: list row %d of 代码表 is %v", h, r, codes[r-1])
			}
		}
	}
	for _, h := range []string{"需求类型", "合作方式", "公开方式"} {
		if !got[h] {
			t.Errorf("no drop-down list on %s", h)
		}
	}
}

func catalogueBytes(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../data/catalogue.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sheetPart is the zip part of a sheet excelize wrote: sheet<id>.xml.
func sheetPart(f *excelize.File, sheet string) string {
	for id, name := range f.GetSheetMap() {
		if name == sheet {
			return fmt.Sprintf("xl/worksheets/sheet%d.xml", id)
		}
	}
	return ""
}

// usedRange decodes a worksheet's XML and returns the range its cells and
// merged ranges span, "A1" when it has none.
func usedRange(t *testing.T, part []byte) string {
	t.Helper()
	var e extent
	dec := xml.NewDecoder(bytes.NewReader(part))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		for _, a := range se.Attr {
			switch {
			case se.Name.Local == "c" && a.Name.Local == "r":
				c, r, err := excelize.CellNameToCoordinates(a.Value)
				if err != nil {
					t.Fatal(err)
				}
				e.add(c, r)
			case se.Name.Local == "mergeCell" && a.Name.Local == "ref":
				m, _ := parseRange(a.Value)
				e.add(m.c1, m.r1)
				e.add(m.c2, m.r2)
			}
		}
	}
	return e.ref()
}

func reportBytes(t *testing.T, recs Records) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := WriteReport(context.Background(), &buf, recs, ReportOptions{HomeRegion: kunshan, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestJstecSheetReadBack: the jstec upload sheet reads back by its 寻榜编号,
// its amounts in 元 as 万元, its partial columns (one cooperation mode of
// several, the county of a town, the composed summary) left unread, with
// a warning saying so; any sheet's 元 column is read as 万元.
func TestJstecSheetReadBack(t *testing.T) {
	recs := sampleRecords(t)
	data, _ := platformBytes(t, recs)
	b := mustRead(t, data, Options{})
	if b.HasErrors() {
		t.Fatalf("errors:\n%s", dumpProblems(b))
	}
	n := needByTitle(b, "数控机床主轴热变形补偿")
	if n == nil || n.ID != recs.needs[0].ID {
		t.Fatalf("need %+v", n)
	}
	if n.Values.Get("budget_wan") != "200" || n.Values.Has("cooperation_modes") || n.Values.Has("tech_fields") {
		t.Errorf("values %v", n.Values)
	}
	if e := entByID(b, n.EnterpriseID); e.Values.Has("region") {
		t.Errorf("the county was read as the enterprise's region: %v", e.Values)
	}
	warned := false
	for _, p := range b.Problems {
		warned = warned || p.Code == "upload_sheet.partial_columns" && strings.Contains(p.ZH, "合作方式")
	}
	if !warned {
		t.Errorf("no warning about the partial columns:\n%s", dumpProblems(b))
	}
	town := newBook(t, "需求").
		row("需求", 1, "企业名称", "需求名称", "拟投入资金（元）", "所在地区").
		row("需求", 2, "昆山精密机械有限公司", "主轴热变形补偿", 500000, "320000,320500,320583").bytes()
	tb := mustRead(t, town, Options{})
	if got := tb.Needs[0].Values.Get("budget_wan"); got != "50" {
		t.Errorf("500000 元 read as %s 万元", got)
	}
	if got := tb.Enterprises[0].Values.Get("region"); got != "320583" {
		t.Errorf("a region written as its codes read as %q", got)
	}
}

// TestUploadRowsNeedOnlyTheProfilesFields: the upload sheet keeps of each
// enterprise and contact only the fields its profile's columns write
// (issue 17); a row built from those is the row built from the whole
// records, for every need of the demo data and every profile.
func TestUploadRowsNeedOnlyTheProfilesFields(t *testing.T) {
	set := demo.Generate(7, 400)
	ents := map[string]*forms.Enterprise{}
	for _, e := range set.Enterprises {
		ents[e.ID] = e
	}
	cat := forms.Default()
	for _, id := range ProfileIDs() {
		prof, _ := ProfileByID(id)
		f := excelize.NewFile()
		sty, err := platformStyles(f)
		if err != nil {
			t.Fatal(err)
		}
		rb := newRowBuilder(cat, prof, PlatformOptions{User: "李科技"}, sty)
		written := prof.fields()
		keep := func(id string) bool { return written[id] || confirmedContentField(id) }
		rows := 0
		for _, n := range set.Needs {
			full := ents[n.EnterpriseID]
			trimmed := unpackEnterprise(packEnterprise(nil, full, byID(keep), byID(func(id string) bool { return written[id] })))
			if len(trimmed.Values) >= len(full.Values) {
				t.Fatalf("%s: nothing trimmed of %v", id, full.Values)
			}
			if cat.ConfirmationCurrent(n, trimmed) != cat.ConfirmationCurrent(n, full) {
				t.Errorf("%s: need %s: the confirmation's currency differs", id, n.ID)
			}
			got, want := rb.row(n, trimmed), rb.row(n, full)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: need %s:\n got %v\nwant %v", id, n.ID, got, want)
			}
			rows++
		}
		f.Close()
		if rows < 400 {
			t.Fatalf("%s: %d rows", id, rows)
		}
	}
}
