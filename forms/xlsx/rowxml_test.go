package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// excelizeRow returns row r of a worksheet excelize's StreamWriter wrote
// with SetRow, a cell without a value passed as nil, and SetRow's error.
func excelizeRow(t testing.TB, r int, row []excelize.Cell, height float64) ([]byte, error) {
	t.Helper()
	cells := make([]any, len(row))
	for i, c := range row {
		if c.Value != nil {
			cells[i] = c
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if serr := sw.SetRow(cellName(1, r), cells, excelize.RowOpts{Height: height}); serr != nil {
		return nil, serr
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	sheet := readPart(t, buf.Bytes(), firstSheetPart)
	start := bytes.Index(sheet, []byte("<row "))
	end := bytes.LastIndex(sheet, []byte("</row>"))
	if start < 0 || end < 0 {
		t.Fatalf("no row in %s", sheet)
	}
	return sheet[start : end+len("</row>")], nil
}

// spoolRow returns row r as a rowSpool writes it to its file.
func spoolRow(t testing.TB, r int, cells []excelize.Cell, height float64) ([]byte, error) {
	t.Helper()
	sp, err := newRowSpool()
	if err != nil {
		t.Fatal(err)
	}
	defer sp.remove()
	if serr := sp.setRow(r, cells, height); serr != nil {
		return nil, serr
	}
	if err := sp.w.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := sp.file.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(sp.file)
	if err != nil {
		t.Fatal(err)
	}
	return b, nil
}

func readPart(t testing.TB, book []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameRow fails unless the spool writes a row as excelize does, or fails
// as it does.
func sameRow(t testing.TB, r int, cells []excelize.Cell, height float64) {
	t.Helper()
	want, werr := excelizeRow(t, r, cells, height)
	got, gerr := spoolRow(t, r, cells, height)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("row %d height %v: spool error %v, excelize error %v", r, height, gerr, werr)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("row %d height %v:\nspool    %q\nexcelize %q", r, height, got, want)
	}
}

// rowTexts are texts that reach every branch of the encoding.
var rowTexts = []string{
	"", "需求", " leading space", "trailing line\n", "\ttab", "end\r",
	`a&b<c>"d'e` + "\tf\rg\nh", "\x00\x01\x1f\x7f", "bad \xff\xfe UTF-8 \xe4\xb8",
	"\uFFFD \uFFFE \uFFFF \U0001F600 \U00020000", "_x0041_", "_x005F_x0041_", "_x005F_",
	"_X0041_ _x00g1_ x_x12Ab_y", "中文_x00Ab_结尾&#xA;", "&#xA;&amp;",
	strings.Repeat("中", excelize.TotalCellChars+5),
	strings.Repeat("\U00020000", excelize.TotalCellChars/2+3),
	strings.Repeat("a", excelize.TotalCellChars-1) + "\U00020000" + "b",
	strings.Repeat("x", excelize.TotalCellChars) + " ",
}

func TestRowSpoolWritesAsExcelize(t *testing.T) {
	for _, s := range rowTexts {
		sameRow(t, 2, []excelize.Cell{{StyleID: 3, Value: s}, {StyleID: 3}, {Value: s}}, 0)
	}
	nums := []float64{0, -1.5, 1e21, 123456789.125, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1), math.Inf(-1)}
	for _, x := range nums {
		sameRow(t, 7, []excelize.Cell{{}, {StyleID: 2, Value: x}, {Value: x}, {Value: 12}, {StyleID: -1, Value: -3}}, 0)
	}
	for _, h := range []float64{0, -4, 15.75, 30, excelize.MaxRowHeight, excelize.MaxRowHeight + 0.5, math.NaN()} {
		sameRow(t, 2, []excelize.Cell{{Value: "x"}}, h)
	}
	var wide []excelize.Cell
	for i := range 800 { // to column ADT: three letters
		wide = append(wide, excelize.Cell{StyleID: i % 5, Value: "列"})
	}
	sameRow(t, 1048576, wide, 12.5)
}

func TestRowSpoolRefusesWhatItCannotWrite(t *testing.T) {
	sp, err := newRowSpool()
	if err != nil {
		t.Fatal(err)
	}
	defer sp.remove()
	if err := sp.setRow(2, []excelize.Cell{{Value: time.Now()}}, 0); !errors.Is(err, errCellValue) {
		t.Errorf("a time: %v, want errCellValue", err)
	}
	if err := sp.setRow(3, []excelize.Cell{{Value: "a"}}, 0); err != nil {
		t.Fatal(err)
	}
	if err := sp.setRow(3, []excelize.Cell{{Value: "b"}}, 0); err == nil {
		t.Error("row 3 twice: no error")
	}
}

// TestRowsWithoutTheirWorksheet: rows spooled for a worksheet the workbook
// does not have are an error, not rows silently left out.
func TestRowsWithoutTheirWorksheet(t *testing.T) {
	f, err := newBookFile("需求")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sp, err := newRowSpool()
	if err != nil {
		t.Fatal(err)
	}
	defer sp.remove()
	if err := sp.setRow(2, []excelize.Cell{{Value: "x"}}, 0); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = finishBookMeta(f, &out, bookMeta{Now: time.Now(), Rows: map[string]*rowSpool{"xl/worksheets/sheet9.xml": sp}})
	if err == nil || !strings.Contains(err.Error(), "sheet9") {
		t.Fatalf("err = %v, want one naming the missing worksheet", err)
	}
}

func FuzzRowXML(f *testing.F) {
	for i, s := range rowTexts[:16] {
		f.Add(s, float64(i)*1.25, uint8(i), float64(i*7))
	}
	f.Fuzz(func(t *testing.T, s string, x float64, style uint8, height float64) {
		sameRow(t, 2, []excelize.Cell{{StyleID: int(style) % 9, Value: s}, {}, {Value: x}, {StyleID: 1, Value: x}, {Value: s}}, height)
	})
}
