package xlsx

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xunbang/xunbang/forms"
)

// Problem is one finding of an import, tied to where it was found.
type Problem struct {
	Sheet  string // the worksheet's name; "" for the workbook as a whole
	Row    int    // 1-based row number as Excel shows it; 0 when not about one row
	Column string // column letter ("C"); "" when not about one column
	Field  string // catalogue field id; "" when not about one field
	// Severity: an error blocks the import (unless partial), a warning does not.
	Severity forms.Severity
	// Code is a stable machine code: "parse", "credit_code.format",
	// "unknown_columns", "region.unresolved", "xml.broken" …
	Code string
	// ZH and EN are the message without the location, naming the field by
	// its label: 「手机」“12345”不是 11 位手机号。
	ZH, EN string
}

// Error reports whether the problem blocks the import.
func (p Problem) Error() bool { return p.Severity == forms.SeverityError }

// Text returns the message without the location in the given language.
func (p Problem) Text(lang string) string {
	if lang == "en" {
		return p.EN
	}
	return p.ZH
}

// Location returns where the problem was found: 「需求表」第 5 行 C 列,
// or sheet 需求表, row 5, column C.
func (p Problem) Location(lang string) string {
	var parts []string
	if lang == "en" {
		if p.Sheet != "" {
			parts = append(parts, "sheet "+p.Sheet)
		}
		if p.Row > 0 {
			parts = append(parts, fmt.Sprintf("row %d", p.Row))
		}
		if p.Column != "" {
			parts = append(parts, "column "+p.Column)
		}
		return strings.Join(parts, ", ")
	}
	var b strings.Builder
	if p.Sheet != "" {
		b.WriteString("「" + p.Sheet + "」")
	}
	if p.Row > 0 {
		fmt.Fprintf(&b, "第 %d 行", p.Row)
	}
	if p.Column != "" {
		if p.Row > 0 {
			b.WriteString(" ")
		}
		b.WriteString(p.Column + " 列")
	}
	return b.String()
}

// Message returns the location and the message in the given language.
func (p Problem) Message(lang string) string {
	loc := p.Location(lang)
	if loc == "" {
		return p.Text(lang)
	}
	if lang == "en" {
		return loc + ": " + p.EN
	}
	return loc + "：" + p.ZH
}

// String returns the problem in Chinese, for logs and test failures.
func (p Problem) String() string { return p.Message("zh") }

// Kinds of failure that stop an import as a whole; a *FileError wraps one.
var (
	// ErrNotWorkbook: the input is not an .xlsx workbook (not a zip, an old
	// .xls, an encrypted workbook, a zip that holds no workbook).
	ErrNotWorkbook = errors.New("not an .xlsx workbook")
	// ErrTooLarge: the input exceeds one of the [Limits].
	ErrTooLarge = errors.New("workbook exceeds a limit")
	// ErrDamaged: the package or its XML is broken.
	ErrDamaged = errors.New("workbook is damaged")
	// ErrNoData: no sheet holds a header the catalogue recognises.
	ErrNoData = errors.New("no sheet with recognisable headers")
	// ErrSolutionWorkbook: a read told to (Options.RefuseSolutions) found
	// filled 《技术需求解决方案表》 (see [IsSolutionWorkbook]); the workbook is
	// for ReadSolutions. Not a *FileError: nothing is wrong with it.
	ErrSolutionWorkbook = errors.New("the workbook holds filled solution forms")
)

// FileError is a failure of the import as a whole, with a message for the
// user in Chinese and English. errors.Is matches its Kind and the error it
// wraps.
type FileError struct {
	Kind   error // one of ErrNotWorkbook, ErrTooLarge, ErrDamaged, ErrNoData
	ZH, EN string
	Err    error // the underlying error, if any
}

func (e *FileError) Error() string {
	if e.Err != nil {
		return e.EN + " (" + e.Err.Error() + ")"
	}
	return e.EN
}

// Unwrap returns the kind and the underlying error.
func (e *FileError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Message returns the message in the given language.
func (e *FileError) Message(lang string) string {
	if lang == "en" {
		return e.EN
	}
	return e.ZH
}

func fileErr(kind error, err error, zh, en string) *FileError {
	return &FileError{Kind: kind, ZH: zh, EN: en, Err: err}
}

// mib formats a byte count for messages.
func mib(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
