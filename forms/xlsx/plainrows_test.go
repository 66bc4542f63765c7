package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// maxCompared bounds the rows either reader is asked for: a fuzzed row
// number may lie a million rows ahead.
const maxCompared = 3000

// readings is what bothReaders read: excelize's rows and error, plainRows'
// rows up to where it left the sheet to excelize, and whether it read the
// whole sheet itself. ok is false when the workbook does not pass inspect
// (nothing is read then).
type readings struct {
	want    [][]string
	wantErr error
	got     [][]string
	whole   bool
	ok      bool
}

// bothReaders reads the first sheet of a workbook with excelize's row iterator (as
// the reader opens it: raw cell values) and with plainRows.
func bothReaders(t testing.TB, data []byte) readings {
	t.Helper()
	var want, got [][]string
	var wantErr error
	lim := Limits{}.withDefaults()
	info, err := inspect(bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		return readings{}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: lim.MaxUnzipSize, UnzipXMLSizeLimit: lim.InMemoryPart})
	if err != nil {
		return readings{}
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	if info.sheets[sheet] == nil {
		return readings{}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return readings{}
	}
	for range maxCompared {
		if !rows.Next() {
			break
		}
		cells, err := rows.Columns()
		if err != nil {
			wantErr = err
			break
		}
		want = append(want, cells)
	}
	_ = rows.Close()

	pr, err := openPlainRows(info.sheets[sheet].plain, info.sst, lim.InMemoryPart)
	if err != nil {
		if !errors.Is(err, errNotPlain) {
			t.Fatalf("openPlainRows: %v", err)
		}
		return readings{want: want, wantErr: wantErr, ok: true}
	}
	defer pr.close()
	for range maxCompared {
		cells, more, err := pr.next()
		if errors.Is(err, errNotPlain) {
			return readings{want: want, wantErr: wantErr, got: got, ok: true}
		}
		if err != nil {
			t.Fatalf("plainRows: %v", err)
		}
		if !more {
			return readings{want: want, wantErr: wantErr, got: got, whole: true, ok: true}
		}
		got = append(got, cells)
	}
	return readings{want: want, wantErr: wantErr, got: got, whole: true, ok: true}
}

// samePlainRows fails unless plainRows' rows are excelize's, as far as it
// read them itself, and, where it read the whole sheet, excelize read the
// same rows without an error.
func samePlainRows(t testing.TB, data []byte) (whole bool) {
	t.Helper()
	r := bothReaders(t, data)
	if !r.ok {
		return false
	}
	want, wantErr, got, whole := r.want, r.wantErr, r.got, r.whole
	if len(got) > len(want) {
		t.Fatalf("plainRows read %d rows, excelize %d (%v)\nplain: %q\nexcelize: %q", len(got), len(want), wantErr, got, want)
	}
	for i := range got {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("row %d: plainRows %q, excelize %q", i+1, got[i], want[i])
		}
	}
	if whole && len(got) < maxCompared && (len(got) != len(want) || wantErr != nil) {
		t.Fatalf("plainRows read the whole sheet, %d rows; excelize %d rows, error %v", len(got), len(want), wantErr)
	}
	return whole
}

// withSheet1 is baseBook with sheet1's rows replaced by body.
func withSheet1(t testing.TB, body string) []byte {
	return rezip(t, baseBook(t), map[string]func(io.Writer){
		"xl/worksheets/sheet1.xml": func(w io.Writer) {
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
				`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>`+
				body+`</sheetData><mergeCells count="0"/></worksheet>`)
		},
	})
}

// TestPlainRowsReadsWhatExcelWrites holds plainRows to excelize on
// workbooks written the usual ways — shared strings (excelize's
// SetCellValue, as Excel and WPS write), inline strings (xunbang's export,
// excelize's StreamWriter), rich text, numbers, gaps, merged cells — and
// fails if it left any of them to excelize.
func TestPlainRowsReadsWhatExcelWrites(t *testing.T) {
	shared := newBook(t, "Sheet1")
	shared.row("Sheet1", 1, "企业名称", "需求名称", "金额", nil, "备注")
	shared.row("Sheet1", 2, "苏州<某>&企业", 12.5, 100000, nil, "  前后空格  ")
	shared.row("Sheet1", 5, "跳过两行", "line1\nline2", nil, nil, "")
	shared.text("Sheet1", "B6", "007")
	shared.merge("Sheet1", "A5", "A7")
	if err := shared.f.SetCellRichText("Sheet1", "C6", []excelize.RichTextRun{{Text: "粗体"}, {Text: "与常规", Font: &excelize.Font{Bold: true}}}); err != nil {
		t.Fatal(err)
	}

	stream := excelize.NewFile()
	defer stream.Close()
	sw, err := stream.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 300; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		row := []any{fmt.Sprintf("需求 %d 'quote' \"double\"", r), r * 3, nil, "技术领域,代码", strings.Repeat("长文本", r%40)}
		if r%7 == 0 {
			row = []any{nil, nil, "只有第三列"}
		}
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var sbuf bytes.Buffer
	if err := stream.Write(&sbuf); err != nil {
		t.Fatal(err)
	}

	upload, _ := platformBytes(t, sampleRecords(t))
	// The demo's upload sheet opened and saved again by LibreOffice Calc
	// 7 (soffice --convert-to xlsx): shared strings, its own styles and
	// row attributes, as another program than excelize writes a sheet.
	calc, err := os.ReadFile("testdata/libreoffice-upload.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"shared strings":                       shared.bytes(),
		"shared strings named in another case": renamePart(t, shared.bytes(), "xl/sharedStrings.xml", "xl/SharedStrings.xml"),
		"stream writer":                        sbuf.Bytes(),
		"xunbang's upload sheet":               upload,
		"saved by LibreOffice":                 calc,
	} {
		t.Run(name, func(t *testing.T) {
			if !samePlainRows(t, data) {
				t.Fatal("plainRows left a usual workbook to excelize")
			}
		})
	}
}

// renamePart copies a workbook package with the part from renamed to.
func renamePart(t testing.TB, data []byte, from, to string) []byte {
	t.Helper()
	content := readPart(t, data, from)
	return rezip(t, data, map[string]func(w io.Writer){
		from: nil,
		to:   func(w io.Writer) { _, _ = w.Write(content) },
	})
}

// TestPlainRowsLeavesTheRest holds plainRows to excelize on XML it must
// leave to excelize, and on XML it must read itself, and the whole reader
// to the same batch with plainRows and without.
func TestPlainRowsLeavesTheRest(t *testing.T) {
	head := `<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c><c r="B1" t="inlineStr"><is><t>需求名称</t></is></c><c r="C1" t="inlineStr"><is><t>主要问题</t></is></c></row>`
	row := func(r int, cells string) string { return fmt.Sprintf(`<row r="%d">%s</row>`, r, cells) }
	ok := func(r int) string {
		return row(r, fmt.Sprintf(`<c r="A%d" t="inlineStr"><is><t>某企业</t></is></c><c r="B%d" t="inlineStr"><is><t>需求%d</t></is></c>`, r, r, r))
	}
	tests := []struct {
		name  string
		body  string
		plain bool
	}{
		{"entities and character references", row(2, `<c r="B2" t="inlineStr"><is><t xml:space="preserve"> a&lt;b&amp;c&#x4E2D;&#25991; </t></is></c>`), true},
		{"shared string", row(2, `<c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v> 1 </v></c>`), true},
		{"number and str", row(2, `<c r="A2"><v>1.50</v></c><c r="B2" t="str"><v>x</v></c><c r="C2" t="n"><v>-0</v></c>`), true},
		{"row without r", `<row><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c></row>` + `<row><c r="C2"><v>3</v></c></row>`, true},
		{"gap rows", head + ok(4) + ok(9), true},
		{"empty row element", head + `<row r="2"/>` + ok(3), true},
		{"rich text with phonetic", row(2, `<c r="A2" t="inlineStr"><is><r><rPr><b/><sz val="11"/></rPr><t>甲</t></r><r><t>乙</t></r><rPh sb="0" eb="1"><t>こう</t></rPh><phoneticPr fontId="1"/></is></c>`), true},
		{"formula", head + row(2, `<c r="A2"><f>1+1</f><v>2</v></c>`), false},
		{"boolean", head + row(2, `<c r="A2" t="b"><v>1</v></c>`), false},
		{"carriage return", head + row(2, "<c r=\"A2\" t=\"inlineStr\"><is><t>a\r\nb</t></is></c>"), false},
		{"escaped character", head + row(2, `<c r="A2" t="inlineStr"><is><t>a_x000D_b</t></is></c>`), false},
		{"unknown entity", head + row(2, `<c r="A2" t="inlineStr"><is><t>a&nbsp;b</t></is></c>`), false},
		{"cdata", head + row(2, `<c r="A2" t="inlineStr"><is><t><![CDATA[<b>]]></t></is></c>`), false},
		{"comment", head + `<!-- a -->` + ok(2), false},
		{"prefixed", head + `<x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c></x:row>`, false},
		{"columns out of order", head + row(2, `<c r="C2"><v>1</v></c><c r="A2"><v>2</v></c>`), false},
		{"rows out of order", head + ok(5) + ok(3), false},
		{"row number not a number", head + `<row r="x">` + `</row>`, false},
		{"shared string out of range", head + row(2, `<c r="A2" t="s"><v>99</v></c>`), false},
		{"broken XML", head + `<row r="2"><c r="A2"><v>1</v></row>` + ok(3), false},
		{"mismatched end in a run", head + row(2, `<c r="A2" t="inlineStr"><is><r><rPr><b></i></rPr><t>x</t></r></is></c>`) + ok(3), false},
		{"invalid UTF-8", head + row(2, "<c r=\"A2\" t=\"inlineStr\"><is><t>a\xffb</t></is></c>"), false},
		{"control character", head + row(2, "<c r=\"A2\" t=\"inlineStr\"><is><t>a\x01b</t></is></c>"), false},
		{"too many rows", head + `<row r="1048577"></row>`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := withSheet1(t, tc.body+ok(20)+ok(21))
			if whole := samePlainRows(t, data); whole != tc.plain {
				t.Fatalf("plainRows read the whole sheet: %v, want %v", whole, tc.plain)
			}
			with, errWith := readBytes(t, data, Options{})
			plainOff = true
			without, errWithout := readBytes(t, data, Options{})
			plainOff = false
			if fmt.Sprint(errWith) != fmt.Sprint(errWithout) {
				t.Fatalf("read with plainRows: %v; without: %v", errWith, errWithout)
			}
			if errWith == nil && (dumpProblems(with) != dumpProblems(without) || batchTitles(with) != batchTitles(without)) {
				t.Fatalf("with plainRows:\n%s%s\nwithout:\n%s%s", dumpProblems(with), batchTitles(with), dumpProblems(without), batchTitles(without))
			}
		})
	}
}

func batchTitles(b *Batch) string {
	var s []string
	_ = b.EachNeed(func(n *forms.Need, o Origin) error {
		s = append(s, fmt.Sprintf("%s@%d:%t", n.Title(), o.Row, n.EnterpriseID != ""))
		return nil
	})
	return strings.Join(s, "\n")
}

// FuzzPlainRows holds plainRows to excelize's row iterator on any
// sheetData: wherever plainRows reads a row itself, it reads what excelize
// reads.
func FuzzPlainRows(f *testing.F) {
	for _, s := range []string{
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>x&amp;y</t></is></c></row><row r="3"><c r="B3"><v>7</v></c></row>`,
		`<row><c t="inlineStr"><is><r><rPr><b/></rPr><t>a</t></r><t>b</t></is></c><c t="str"><v> s </v></c></row>`,
		`<row r="2" spans="1:3" ht="20" customHeight="1"><c r="A2" s="3" t="s"><v>2</v></c><c r="B2" s="0"/><c r="C2" t="inlineStr"><is><t xml:space="preserve">  </t></is></c></row>`,
		`<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>`,
		`<row r="1"><c r="A1" t="inlineStr"><v>v</v><is><t>is</t></is></c><c r="B1" t="inlineStr"><is><t>is</t></is><v>v</v></c></row>`,
	} {
		f.Add(s)
	}
	base := baseBook(f)
	f.Fuzz(func(t *testing.T, body string) {
		data := rezip(t, base, map[string]func(io.Writer){
			"xl/worksheets/sheet1.xml": func(w io.Writer) {
				_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
					`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
					body+`</sheetData></worksheet>`)
			},
		})
		samePlainRows(t, data)
	})
}
