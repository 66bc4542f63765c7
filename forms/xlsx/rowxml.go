package xlsx

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// rowSpool holds the data rows of one worksheet until the workbook is
// written, encoded byte for byte as excelize's StreamWriter.SetRow encodes
// them (FuzzRowXML holds the two to the same bytes), in a temporary file;
// dimensionZip splices them into the worksheet before its </sheetData>.
//
// It exists for speed: SetRow escapes every text through encoding/xml into
// a new string, twice more through strings.ReplaceAll and a regular
// expression, and boxes each cell; for the upload sheet of 200,000 needs
// that was a third of the export's time. The spool escapes in place into
// one buffer, and its rows reach the zip in one copy.
//
// The rows must come in increasing order, after the rows the worksheet's
// own StreamWriter wrote (the header), and the worksheet may have no row or
// column styles: a cell's style is its Cell's StyleID or none.
type rowSpool struct {
	file *os.File
	w    *bufio.Writer
	ext  extent // the range of the cells written
	last int    // the last row written
	buf  []byte
}

// newRowSpool starts a spool in a new temporary file (see unlinkedTemp).
func newRowSpool() (*rowSpool, error) {
	f, err := unlinkedTemp("xunbang-rows-*.xml")
	if err != nil {
		return nil, err
	}
	return &rowSpool{file: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

// unlinkedTemp creates a temporary file readable by its owner only and
// removes its name at once where the system lets an open file lose its
// name (not Windows): the rows of an export are business secrets, and a
// process killed mid-export then leaves none of them behind. Where the
// name stays, the file is removed when done with.
func unlinkedTemp(pattern string) (*os.File, error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return nil, err
	}
	_ = os.Remove(f.Name())
	return f, nil
}

// remove deletes the spool's file.
func (s *rowSpool) remove() {
	_ = s.file.Close()
	_ = os.Remove(s.file.Name())
}

var errCellValue = errors.New("xlsx: a cell's value is not a text or a number")

// setRow writes row r (1-based) of cells, column A first, as SetRow(cell
// A<r>, cells, RowOpts{Height: height}) would, but that a cell without a
// Value is left out (as SetRow leaves out a nil one). A value is a string,
// float64 or int.
func (s *rowSpool) setRow(r int, cells []excelize.Cell, height float64) error {
	if r <= s.last {
		return fmt.Errorf("xlsx: row %d after row %d", r, s.last)
	}
	if height > excelize.MaxRowHeight {
		return excelize.ErrMaxRowHeight
	}
	s.last = r
	b := append(s.buf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, '"')
	if height > 0 {
		b = append(b, ` ht="`...)
		b = strconv.AppendFloat(b, height, 'f', -1, 64)
		b = append(b, `" customHeight="1"`...)
	}
	b = append(b, '>')
	for i, c := range cells {
		if c.Value == nil {
			continue
		}
		var err error
		if b, err = appendCell(b, i+1, r, c.StyleID, c.Value); err != nil {
			s.buf = b
			return err
		}
		s.ext.add(i+1, r)
	}
	b = append(b, `</row>`...)
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

// appendCell appends the <c> element of the cell at column col, row r.
func appendCell(b []byte, col, r, style int, val any) ([]byte, error) {
	b = append(b, `<c r="`...)
	b = appendCellName(b, col, r)
	b = append(b, '"')
	if style > 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	switch v := val.(type) {
	case string:
		b = appendInlineString(b, v)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = appendInlineString(b, fmt.Sprint(v))
			break
		}
		b = append(b, `><v>`...)
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
		b = append(b, `</v>`...)
	case int:
		b = append(b, `><v>`...)
		b = strconv.AppendInt(b, int64(v), 10)
		b = append(b, `</v>`...)
	default:
		return b, fmt.Errorf("%w: %T", errCellValue, val)
	}
	return append(b, `</c>`...), nil
}

// appendCellName appends the name of a cell (A1, AB12).
func appendCellName(b []byte, col, r int) []byte {
	var letters [8]byte
	i := len(letters)
	for col > 0 {
		col--
		i--
		letters[i] = byte('A' + col%26)
		col /= 26
	}
	b = append(b, letters[i:]...)
	return strconv.AppendInt(b, int64(r), 10)
}

// appendInlineString appends the type and the inline string of a text
// cell, as excelize's setInlineStr and writeCell do: the text cut at
// excelize.TotalCellChars UTF-16 units, xml:space="preserve" when it
// starts or ends with a space, tab or line break, escaped as
// encoding/xml's EscapeText escapes but for line breaks, which stay, and
// any _xHHHH_ in it escaped as excelize escapes it.
func appendInlineString(b []byte, s string) []byte {
	if len(s) > excelize.TotalCellChars { // a UTF-16 unit takes at least a byte
		s = truncateUTF16(s, excelize.TotalCellChars)
	}
	b = append(b, ` t="inlineStr"><is><t`...)
	if s != "" && (isXMLSpace(s[0]) || isXMLSpace(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	if !strings.Contains(s, "_x") {
		b = appendEscaped(b, s)
	} else {
		b = append(b, bstrMarshal(string(appendEscaped(nil, s)))...)
	}
	return append(b, `</t></is>`...)
}

func isXMLSpace(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c == ' ' }

// escapes holds, for each ASCII byte, its escape in encoding/xml's
// EscapeText, or nil for none (a line break is left as it is).
var escapes = [utf8.RuneSelf][]byte{
	'"': []byte("&#34;"), '\'': []byte("&#39;"), '&': []byte("&amp;"),
	'<': []byte("&lt;"), '>': []byte("&gt;"), '\t': []byte("&#x9;"), '\r': []byte("&#xD;"),
}

// invalid marks the ASCII bytes XML does not allow: the controls but for
// tab, line feed and carriage return.
var invalid = func() (t [utf8.RuneSelf]bool) {
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n' && c != '\r'
	}
	return t
}()

// appendEscaped appends s escaped as encoding/xml's EscapeText escapes it,
// line breaks left as they are: a character XML does not allow, or a byte
// that is not UTF-8, becomes U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case escapes[c] != nil:
				b = append(append(b, s[last:i-1]...), escapes[c]...)
				last = i
			case invalid[c]:
				b = append(append(b, s[last:i-1]...), "\uFFFD"...)
				last = i
			}
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		if (r == utf8.RuneError && width == 1) || r == 0xFFFE || r == 0xFFFF {
			b = append(append(b, s[last:i-width]...), "\uFFFD"...)
			last = i
		}
	}
	return append(b, s[last:]...)
}

// truncateUTF16 cuts s after n UTF-16 units, as excelize does.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		if units += utf16Len(r); units > n {
			return s[:i]
		}
	}
	return s
}

func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

// The expressions and bstrMarshal below are excelize's (lib.go, v2.11.0;
// Copyright 2016 - 2026 The excelize Authors, BSD 3-Clause licence), which
// it runs on every text; the spool runs them only on a text holding "_x".
var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal escapes the _xHHHH_ sequences of an escaped text, which
// readers would take for characters, as excelize does.
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}
