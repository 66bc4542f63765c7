package xlsx

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Small real workbooks for FuzzRead: the parts a spreadsheet program needs
// and no more (no theme, styles or properties), stored rather than
// deflated and with no CRC, so that the fuzzer's mutations of a byte reach
// the XML the reader parses instead of breaking a deflate stream or a
// checksum. Each is a workbook Excel, WPS and LibreOffice open, and [Read]
// reads without error (TestFuzzSeedsRead).

const (
	seedContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`%s</Types>`
	seedRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
)

// seedSheet is one worksheet of a seed workbook.
type seedSheet struct {
	name, xml string
	hidden    bool
}

// seedBook builds a minimal workbook of the given sheets and, when not
// empty, a shared string table.
func seedBook(sheets []seedSheet, shared []string) []byte {
	var overrides, wbSheets, wbRels strings.Builder
	parts := map[string]string{"_rels/.rels": seedRootRels}
	for i, s := range sheets {
		n := i + 1
		fmt.Fprintf(&overrides, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		state := ""
		if s.hidden {
			state = ` state="hidden"`
		}
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, s.name, n, state, n)
		fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		parts[fmt.Sprintf("xl/worksheets/sheet%d.xml", n)] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + s.xml + `</worksheet>`
	}
	if len(shared) > 0 {
		overrides.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
		fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, len(sheets)+1)
		var sst strings.Builder
		fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(shared), len(shared))
		for _, s := range shared {
			fmt.Fprintf(&sst, "<si><t>%s</t></si>", s)
		}
		sst.WriteString("</sst>")
		parts["xl/sharedStrings.xml"] = sst.String()
	}
	parts["[Content_Types].xml"] = fmt.Sprintf(seedContentTypes, overrides.String())
	parts["xl/workbook.xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<sheets>` + wbSheets.String() + `</sheets></workbook>`
	parts["xl/_rels/workbook.xml.rels"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + wbRels.String() + `</Relationships>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
		"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"} {
		body, ok := parts[name]
		if !ok {
			continue
		}
		// Stored, sizes given, CRC 0: a reader checks no checksum.
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store,
			CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(len(body))})
		if err != nil {
			panic(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// seedIS writes an inline-string cell, seedN a number cell, seedS a
// shared string, seedRow a row of cells.
func seedIS(ref, text string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, text)
}
func seedN(ref, v string) string     { return fmt.Sprintf(`<c r="%s"><v>%s</v></c>`, ref, v) }
func seedS(ref string, i int) string { return fmt.Sprintf(`<c r="%s" t="s"><v>%d</v></c>`, ref, i) }
func seedRow(r int, cells ...string) string {
	return fmt.Sprintf(`<row r="%d">%s</row>`, r, strings.Join(cells, ""))
}

var updateSeeds = flag.Bool("update-seeds", false, "write the seed workbooks into testdata/fuzz/FuzzRead")

// fuzzSeeds are the seed workbooks, by corpus file name.
func fuzzSeeds() map[string][]byte {
	code := "91320583MA1XYW0100"
	return map[string][]byte{
		// A town's sheet: a title row, the header, two needs, a total.
		"seed-town-sheet": seedBook([]seedSheet{{name: "需求表", xml: `<dimension ref="A1:H5"/><sheetData>` +
			seedRow(1, seedIS("A1", "玉山镇企业技术需求征集表")) +
			seedRow(2, seedIS("A2", "企业名称"), seedIS("B2", "所在镇"), seedIS("C2", "需求名称"), seedIS("D2", "需求类型"), seedIS("E2", "主要问题"), seedIS("F2", "拟投入资金（万元）"), seedIS("G2", "联系电话"), seedIS("H2", "需求时限")) +
			seedRow(3, seedIS("A3", "昆山甲精密机械有限公司"), seedIS("B3", "玉山镇"), seedIS("C3", "注塑件良率提升"), seedIS("D3", "技术改造"), seedIS("E3", "良率低需提升"), seedN("F3", "50"), seedN("G3", "13812345678"), seedIS("H3", "2025—2027")) +
			seedRow(4, seedIS("A4", "昆山乙光电有限公司"), seedIS("B4", "淀山湖镇"), seedIS("C4", "激光器散热模组开发"), seedIS("D4", "01"), seedIS("E4", "散热不足导致功率衰减，需要新的散热结构。"), seedIS("F4", "面议"), seedIS("G4", "0512-57771234"), seedIS("H4", "2026")) +
			seedRow(5, seedIS("A5", "合计"), seedN("F5", "50")) +
			`</sheetData><mergeCells count="1"><mergeCell ref="A1:H1"/></mergeCells>`}}, nil),
		// Shared strings, a two-row header and a vertically merged
		// enterprise.
		"seed-shared-merged": seedBook([]seedSheet{{name: "Sheet1", xml: `<sheetData>` +
			seedRow(1, seedS("A1", 0), seedS("B1", 1), seedS("C1", 2), seedS("D1", 3)) +
			seedRow(2, seedS("C2", 4), seedS("D2", 5)) +
			seedRow(3, seedS("A3", 6), seedS("B3", 7), seedIS("C3", "张三"), seedN("D3", "13800000001")) +
			seedRow(4, seedS("B4", 8), seedIS("C4", "李四"), seedN("D4", "1.3800000002E10")) +
			`</sheetData><mergeCells count="3"><mergeCell ref="A1:A2"/><mergeCell ref="B1:B2"/><mergeCell ref="A3:A4"/></mergeCells>`}},
			[]string{"企业名称", "需求名称", "联系人", "", "姓名", "手机", "昆山丙科技有限公司", "视觉定位模组开发", "焊接机器人视觉引导"}),
		// An enterprise sheet and a need sheet joined by the credit code,
		// and a hidden notes sheet.
		"seed-two-sheets": seedBook([]seedSheet{
			{name: "企业信息", xml: `<sheetData>` +
				seedRow(1, seedIS("A1", "单位名称"), seedIS("B1", "社会信用代码"), seedIS("C1", "机构属性"), seedIS("D1", "企业规模")) +
				seedRow(2, seedIS("A2", "昆山丁新材料有限公司"), seedIS("B2", code), seedIS("C2", "企业"), seedIS("D2", "小型")) + `</sheetData>`},
			{name: "需求信息", xml: `<sheetData>` +
				seedRow(1, seedIS("A1", "统一社会信用代码"), seedIS("B1", "技术需求名称"), seedIS("C1", "技术领域"), seedIS("D1", "合作方式"), seedIS("E1", "公开方式"), seedIS("F1", "公开称谓")) +
				seedRow(2, seedIS("A2", code), seedIS("B2", "高导热陶瓷基板材料开发"), seedIS("C2", "新材料、无机非金属材料"), seedIS("D2", "合作开发、许可使用"), seedIS("E2", "匿名公开"), seedIS("F2", "苏州市某新材料企业")) + `</sheetData>`},
			{name: "说明", hidden: true, xml: `<sheetData>` + seedRow(1, seedIS("A1", "填表说明")) + `</sheetData>`},
		}, nil),
		// The shape of the jstec upload sheet: a 寻榜编号, the platform's
		// 需求编号, an amount in 元 and a region as its codes.
		"seed-upload-sheet": seedBook([]seedSheet{{name: "需求上传表", xml: `<sheetData>` +
			seedRow(1, seedIS("A1", "需求名称"), seedIS("B1", "需求类型"), seedIS("C1", "意向投入（元）"), seedIS("D1", "所在地区"), seedIS("E1", "企业名称"), seedIS("F1", "统一社会信用代码"), seedIS("G1", "需求编号"), seedIS("H1", "寻榜编号")) +
			seedRow(2, seedIS("A2", "数控机床主轴热变形补偿"), seedIS("B2", "02"), seedN("C2", "2000000"), seedIS("D2", "320000,320500,320583"), seedIS("E2", "昆山精密机械有限公司"), seedIS("F2", code), seedIS("G2", "FT6851882291613696"), seedIS("H2", "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab")) +
			`</sheetData>`}}, nil),
		// No header at all: a file that is refused with ErrNoData.
		"seed-no-header": seedBook([]seedSheet{{name: "Sheet1", xml: `<sheetData>` + seedRow(1, seedIS("A1", "随便写的内容")) + `</sheetData>`}}, nil),
	}
}

// TestFuzzSeedsRead: the seed workbooks are real ones the reader takes
// (the header-less one refused as it should be), and the corpus files
// under testdata/fuzz/FuzzRead are exactly they. With -update, the files
// are written.
func TestFuzzSeedsRead(t *testing.T) {
	for name, data := range fuzzSeeds() {
		b, err := readBytes(t, data, Options{HomeRegion: kunshan})
		switch {
		case name == "seed-no-header":
			fileErrOf(t, err, ErrNoData)
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case len(b.Needs)+len(b.Enterprises) == 0:
			t.Errorf("%s: nothing read\n%s", name, dumpProblems(b))
		}
		if len(data) > 8<<10 {
			t.Errorf("%s is %d bytes: a seed should be small", name, len(data))
		}
		path := filepath.Join("testdata", "fuzz", "FuzzRead", name)
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if *updateSeeds {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s: the corpus file differs from the seed (go test -run TestFuzzSeedsRead -update-seeds): %v", path, err)
		}
	}
}
