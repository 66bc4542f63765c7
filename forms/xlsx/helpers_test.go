package xlsx

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// creditCode completes 17 characters to a valid 统一社会信用代码, fixing the
// organisation code's check character (position 17) and computing the last.
func creditCode(t testing.TB, first16 string) string {
	t.Helper()
	code := first16 + "00"
	for range 3 {
		r := forms.CheckCreditCode(code)
		switch r.Level {
		case forms.CreditCodeOK:
			return code
		case forms.CreditCodeInner:
			code = code[:16] + string(r.WantInner) + code[17:]
		case forms.CreditCodeCheckChar:
			code = code[:17] + string(r.Want)
		default:
			t.Fatalf("creditCode(%q): level %v", first16, r.Level)
		}
	}
	if forms.CheckCreditCode(code).Level != forms.CreditCodeOK {
		t.Fatalf("creditCode(%q) = %q does not check", first16, code)
	}
	return code
}

// book builds a workbook in a test with excelize's ordinary API.
type book struct {
	t testing.TB
	f *excelize.File
}

func newBook(t testing.TB, firstSheet string) *book {
	t.Helper()
	f := excelize.NewFile()
	if firstSheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", firstSheet); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = f.Close() })
	return &book{t: t, f: f}
}

func (b *book) sheet(name string) *book {
	b.t.Helper()
	if idx, _ := b.f.GetSheetIndex(name); idx < 0 {
		if _, err := b.f.NewSheet(name); err != nil {
			b.t.Fatal(err)
		}
	}
	return b
}

// row writes values from column A of a row; a nil leaves the cell empty.
func (b *book) row(sheet string, row int, vals ...any) *book {
	b.t.Helper()
	for i, v := range vals {
		if v == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, row)
		if err := b.f.SetCellValue(sheet, cell, v); err != nil {
			b.t.Fatal(err)
		}
	}
	return b
}

// text writes a cell as a string even when it looks like a number.
func (b *book) text(sheet, cell, s string) *book {
	b.t.Helper()
	if err := b.f.SetCellStr(sheet, cell, s); err != nil {
		b.t.Fatal(err)
	}
	return b
}

func (b *book) merge(sheet, from, to string) *book {
	b.t.Helper()
	if err := b.f.MergeCell(sheet, from, to); err != nil {
		b.t.Fatal(err)
	}
	return b
}

func (b *book) bytes() []byte {
	b.t.Helper()
	var buf bytes.Buffer
	if err := b.f.Write(&buf); err != nil {
		b.t.Fatal(err)
	}
	return buf.Bytes()
}

func readBytes(t testing.TB, data []byte, opt Options) (*Batch, error) {
	t.Helper()
	return Read(context.Background(), bytes.NewReader(data), int64(len(data)), opt)
}

func mustRead(t testing.TB, data []byte, opt Options) *Batch {
	t.Helper()
	b, err := readBytes(t, data, opt)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return b
}

// problemsAt returns the problems at a sheet, row and column ("" matches any).
func problemsAt(b *Batch, sheet string, row int, col string) []Problem {
	var out []Problem
	for _, p := range b.Problems {
		if (sheet == "" || p.Sheet == sheet) && (row == 0 || p.Row == row) && (col == "" || p.Column == col) {
			out = append(out, p)
		}
	}
	return out
}

func dumpProblems(b *Batch) string {
	var sb strings.Builder
	for _, p := range b.Problems {
		sev := "W"
		if p.Error() {
			sev = "E"
		}
		fmt.Fprintf(&sb, "  %s %s!%s%d [%s/%s] %s\n", sev, p.Sheet, p.Column, p.Row, p.Field, p.Code, p.ZH)
	}
	return sb.String()
}

func needByTitle(b *Batch, title string) *forms.Need {
	for _, n := range b.Needs {
		if n.Title() == title {
			return n
		}
	}
	return nil
}

func entByID(b *Batch, id string) *forms.Enterprise {
	for _, e := range b.Enterprises {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// rowsText joins a sheet's rows as text, cells by "|", rows by newlines,
// for tests that look for what a sheet says.
func rowsText(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|") + "\n")
	}
	return b.String()
}
