package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// plainRows reads a worksheet's rows as excelize's row iterator reads them
// with RawCellValue — Next then Columns, the same cells for the same rows —
// for worksheets written in the plain XML that Excel, WPS and xunbang
// write: rows of cells with a value, an inline string or a shared string.
//
// It exists for speed: excelize decodes every cell through encoding/xml,
// token by token and field by field, which at 200,000 rows was a third of
// an import's time. This reader scans the inflated bytes once and makes a
// string for each cell and nothing else.
//
// Anything outside that plain XML — a formula, a cell of another type, an
// entity encoding/xml does not know, a comment, a text with a carriage
// return or "_x", a shared string table excelize would keep on disk, broken
// XML, a sheet whose part excelize might find otherwise (see
// sheetScan.plain) — it does not guess at: next returns errNotPlain before
// it hands out the row it is in, and rowSource goes on from there with
// excelize itself (see rowSource.pull). FuzzPlainRows holds the two readers to the same
// rows for every input the plain reader accepts.
type plainRows struct {
	sc   xmlScanner
	part io.Closer
	sst  *plainSST // nil until a cell names a shared string

	sstPart *zip.File // the shared string table's part, nil when none
	sstMax  int64     // the largest table read here (excelize keeps larger ones on disk)

	seek    int      // rows handed out (excelize's seekRow)
	cur     int      // the number of the last <row> read (excelize's curRow)
	pending []string // the cells of row cur, read ahead while gap rows are handed out
	done    bool     // </sheetData> was read
	started bool     // the first <row> or </sheetData> was read

	// The <row> tag read after the row last read: its number, and whether
	// it is an empty element.
	nextNum   int
	nextEmpty bool

	vals []byte // the texts of the row being read, end to end
	ends []int  // where each cell's text ends in vals (-1: no cell)
	text []byte // a text being read
}

// errNotPlain says the worksheet holds XML the plain reader leaves to
// excelize.
var errNotPlain = errors.New("xlsx: not plain worksheet XML")

// maxPrologue is how far into a part its body may start (<sheetData>,
// <sst>): the part's start is checked by encoding/xml itself.
const maxPrologue = 256 << 10

// openPlainRows opens the worksheet part zf for plainRows, or returns
// errNotPlain.
func openPlainRows(zf, sst *zip.File, sstMax int64) (*plainRows, error) {
	if zf == nil {
		return nil, errNotPlain
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, errNotPlain
	}
	p := &plainRows{part: rc, sstPart: sst, sstMax: sstMax}
	// The inflated size was checked against the limits by inspect;
	// a part that grows beyond it since is not read here.
	r := io.LimitReader(rc, int64(zf.UncompressedSize64)+1)
	if err := p.sc.start(r, "sheetData"); err != nil {
		_ = rc.Close()
		return nil, err
	}
	return p, nil
}

func (p *plainRows) close() error { return p.part.Close() }

// next returns what excelize's Rows.Next and Rows.Columns return for the
// next row: ok false at the end of the rows, nil cells for an empty one.
//
// A row is handed out only once the tag after it is read: excelize goes on
// reading a row's cells into the next <row> unless that one's number is
// higher, and a bad number there is an error of the row before.
func (p *plainRows) next() (cells []string, ok bool, err error) {
	p.seek++
	if p.cur >= p.seek {
		if p.cur == p.seek {
			cells, p.pending = p.pending, nil
		}
		return cells, true, nil
	}
	if p.done {
		return nil, false, nil
	}
	if !p.started {
		p.started = true
		if err := p.rowStart(); err != nil {
			return nil, false, err
		}
		if p.done {
			return nil, false, nil
		}
	}
	num, empty := p.nextNum, p.nextEmpty
	if !empty {
		if cells, err = p.row(); err != nil {
			return nil, false, err
		}
	}
	p.cur = num
	if err := p.rowStart(); err != nil {
		return nil, false, err
	}
	if num == p.seek {
		return cells, true, nil
	}
	p.pending = cells
	return nil, true, nil
}

// rowStart reads the tag after a row (or the sheet's first): a <row>,
// whose number it notes, or </sheetData>.
func (p *plainRows) rowStart() error {
	k, name, attrs, err := p.sc.tag()
	if err != nil {
		return err
	}
	switch {
	case k == tagEnd && name == "sheetData":
		p.done = true
		return nil
	case k != tagEnd && name == "row":
		p.nextEmpty = k == tagEmpty
		p.nextNum, err = p.rowNumber(attrs)
		return err
	}
	return errNotPlain
}

// rowNumber returns the number of a <row>: its r, or the one after the
// last. Rows must come in order, within the sheet.
func (p *plainRows) rowNumber(attrs []byte) (int, error) {
	num := p.cur + 1
	seen := false
	err := eachAttr(attrs, func(name, val []byte) error {
		if string(name) != "r" {
			return nil
		}
		n, ok := plainUint(val)
		if !ok || seen || n <= p.cur || n > excelize.TotalRows {
			return errNotPlain
		}
		num, seen = n, true
		return nil
	})
	return num, err
}

// row reads a row's cells up to its </row>.
func (p *plainRows) row() ([]string, error) {
	p.vals, p.ends = p.vals[:0], p.ends[:0]
	col := 0
	for {
		k, name, attrs, err := p.sc.tag()
		if err != nil {
			return nil, err
		}
		if k == tagEnd && name == "row" {
			break
		}
		if k == tagEnd || name != "c" {
			return nil, errNotPlain
		}
		if col, err = p.cell(k, attrs, col); err != nil {
			return nil, err
		}
	}
	if len(p.ends) == 0 {
		return nil, nil
	}
	// A string for each cell, not one for the row sliced: the reader
	// keeps some cells (an enterprise's name, a need's number) well after
	// the row, which would keep all of it.
	cells := make([]string, len(p.ends))
	start := 0
	for i, end := range p.ends {
		if end < 0 {
			continue
		}
		cells[i] = string(p.vals[start:end])
		start = end
	}
	return cells, nil
}

// cell reads a <c> (its start tag read) and adds its value where
// excelize's Columns puts it: at its column, when not empty. col is the
// column of the cell before, and the cell's own is returned.
func (p *plainRows) cell(k tagKind, attrs []byte, col int) (int, error) {
	col, typ, err := cellAttrs(attrs, col+1)
	if err != nil {
		return 0, err
	}
	mark := len(p.vals)
	if k == tagStart {
		if err := p.cellValue(typ, mark); err != nil {
			return 0, err
		}
	}
	if typ == "s" && len(p.vals) > mark {
		if err := p.sharedString(mark); err != nil {
			return 0, err
		}
	}
	if len(p.vals) == mark {
		return col, nil // excelize leaves out an empty cell without a formula
	}
	for len(p.ends) < col-1 {
		p.ends = append(p.ends, -1)
	}
	p.ends = append(p.ends, len(p.vals))
	return col, nil
}

// cellAttrs reads a cell's column (its r, else col) and type: one of the
// types plainRows reads, as a constant.
func cellAttrs(attrs []byte, col int) (int, string, error) {
	typ, seen := "", 0
	err := eachAttr(attrs, func(name, val []byte) error {
		switch string(name) {
		case "r":
			c, ok := plainColumn(val)
			if !ok || c < col || seen&1 != 0 {
				return errNotPlain
			}
			col, seen = c, seen|1
		case "s":
			if _, ok := plainUint(val); !ok && string(val) != "0" || seen&2 != 0 {
				return errNotPlain
			}
			seen |= 2
		case "t":
			if seen&4 != 0 {
				return errNotPlain
			}
			seen |= 4
			switch string(val) {
			case "n":
				typ = "n"
			case "s":
				typ = "s"
			case "str":
				typ = "str"
			case "inlineStr":
				typ = "inlineStr"
			case "":
			default:
				return errNotPlain
			}
		}
		return nil
	})
	return col, typ, err
}

// cellValue reads a cell's <v> or <is> up to its </c>, appending the value
// to vals[:mark] as excelize takes it: of an inline string its <is> when
// it has one, else its <v>.
func (p *plainRows) cellValue(typ string, mark int) error {
	var v, is bool // a <v>, an <is> read
	for {
		k, name, _, err := p.sc.tag()
		if err != nil {
			return err
		}
		switch {
		case k == tagEnd && name == "c":
			return nil
		case k == tagEnd:
			return errNotPlain
		case name == "v" && !v:
			v = true
			if k == tagStart {
				if p.text, err = p.sc.textUntil(p.text[:0], "v"); err != nil {
					return err
				}
				if typ != "inlineStr" || !is {
					p.vals = append(p.vals[:mark], p.text...)
				}
			}
		case name == "is" && !is && typ == "inlineStr":
			is = true
			p.vals = p.vals[:mark]
			if k == tagStart {
				if p.vals, err = p.stringItem(p.vals, "is"); err != nil {
					return err
				}
			}
		default: // a formula, a second <v>, anything else
			return errNotPlain
		}
	}
}

// sharedString puts in vals[mark:], a shared string's index, the string.
func (p *plainRows) sharedString(mark int) error {
	ref := bytes.TrimSpace(p.vals[mark:])
	i, ok := plainUint(ref)
	if !ok && string(ref) != "0" {
		return errNotPlain
	}
	if err := p.loadSST(); err != nil {
		return err
	}
	if i >= len(p.sst.items) {
		return errNotPlain
	}
	p.vals = append(p.vals[:mark], p.sst.items[i]...)
	return nil
}

// stringItem appends the text of a string item (<is>, a shared string's
// <si>) as excelize's xlsxSI.String makes it — its <t>, then each run's <t>
// — reading up to the item's end tag.
func (p *plainRows) stringItem(dst []byte, end string) ([]byte, error) {
	return readStringItem(&p.sc, dst, &p.text, end)
}

func readStringItem(sc *xmlScanner, dst []byte, scratch *[]byte, end string) ([]byte, error) {
	var t, runs []byte
	hasT := false
	err := sc.children(end, func(k tagKind, name string) error {
		switch {
		case name == "t" && !hasT:
			hasT = true
			text, err := sc.elementText(k, scratch)
			t = append(t[:0], text...)
			return err
		case name == "r" && k == tagStart:
			var err error
			runs, err = readRun(sc, runs, scratch)
			return err
		case name == "r":
			return nil
		case name == "rPh" || name == "phoneticPr":
			return sc.skipElement(k, name)
		}
		return errNotPlain
	})
	if err != nil {
		return nil, err
	}
	dst = append(append(dst, t...), runs...)
	if bytes.Contains(dst, []byte("_x")) {
		return nil, errNotPlain // excelize's bstrUnmarshal: left to it
	}
	return dst, nil
}

// readRun appends the text of a rich text run, read up to its </r>.
func readRun(sc *xmlScanner, dst []byte, scratch *[]byte) ([]byte, error) {
	hasT := false
	err := sc.children("r", func(k tagKind, name string) error {
		switch {
		case name == "t" && !hasT:
			hasT = true
			text, err := sc.elementText(k, scratch)
			dst = append(dst, text...)
			return err
		case name == "rPr":
			return sc.skipElement(k, name)
		}
		return errNotPlain
	})
	return dst, err
}

// plainSST is a shared string table as excelize reads it.
type plainSST struct{ items []string }

// loadSST reads the shared string table the first time a cell needs it.
func (p *plainRows) loadSST() error {
	if p.sst != nil {
		return nil
	}
	if p.sstPart == nil || int64(p.sstPart.UncompressedSize64) > p.sstMax {
		return errNotPlain
	}
	rc, err := p.sstPart.Open()
	if err != nil {
		return errNotPlain
	}
	defer rc.Close()
	var sc xmlScanner
	if err := sc.start(io.LimitReader(rc, int64(p.sstPart.UncompressedSize64)+1), "sst"); err != nil {
		return err
	}
	sst := &plainSST{}
	var item, scratch []byte
	for {
		k, name, _, err := sc.tag()
		if err != nil {
			return err
		}
		switch {
		case k == tagEnd && name == "sst":
			p.sst = sst
			return nil
		case name == "si" && k == tagStart:
			if item, err = readStringItem(&sc, item[:0], &scratch, "si"); err != nil {
				return err
			}
			if bytes.Contains(item, []byte("purl.oclc.org")) {
				return errNotPlain // excelize rewrites strict namespaces in the whole table
			}
			sst.items = append(sst.items, string(item))
		case name == "si":
			sst.items = append(sst.items, "")
		default:
			return errNotPlain
		}
	}
}

// plainUint parses a positive decimal number without sign or leading zero.
func plainUint(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 || b[0] == '0' {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// plainColumn returns the column of a cell reference such as AB12: capital
// letters, then a row number.
func plainColumn(b []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(b) && b[i] >= 'A' && b[i] <= 'Z'; i++ {
		col = col*26 + int(b[i]-'A'+1)
	}
	if i == 0 || i > 3 || col > excelize.MaxColumns {
		return 0, false
	}
	if _, ok := plainUint(b[i:]); !ok {
		return 0, false
	}
	return col, true
}

// tagKind is a start tag, an empty element's tag or an end tag.
type tagKind int

const (
	tagStart tagKind = iota
	tagEmpty
	tagEnd
)

// xmlScanner reads the body of an XML part in the plain subset plainRows
// reads: tags with quoted attributes free of '<' and '&', whitespace
// between them, and texts of valid UTF-8 with the five named entities and
// character references. Whatever else it meets is errNotPlain.
type xmlScanner struct {
	r   io.Reader
	buf []byte
	i   int // the next byte to read in buf
	eof bool

	scratch []byte // texts checked and left out
}

// start checks the part up to and including its start tag named body with
// encoding/xml — so that what precedes the body reads as excelize reads
// it — and leaves the scanner after that tag.
func (sc *xmlScanner) start(r io.Reader, body string) error {
	head := make([]byte, maxPrologue)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return errNotPlain
	}
	head = head[:n]
	d := xml.NewDecoder(bytes.NewReader(head))
	for {
		tok, err := d.Token()
		if err != nil {
			return errNotPlain
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local == "row" || se.Name.Local == "c" || se.Name.Local == "si" {
				return errNotPlain
			}
			if se.Name.Local == body {
				off := int(d.InputOffset())
				if bytes.HasSuffix(bytes.TrimRight(head[:off], " \t\n"), []byte("/>")) {
					return errNotPlain // an empty body: left to excelize
				}
				sc.r, sc.buf = r, append(make([]byte, 0, 64<<10), head[off:]...)
				return nil
			}
		}
	}
}

// more reads more of the part into buf, keeping buf[sc.i:]; false at its
// end.
func (sc *xmlScanner) more() bool {
	if sc.eof {
		return false
	}
	if sc.i > 0 {
		sc.buf = append(sc.buf[:0], sc.buf[sc.i:]...)
		sc.i = 0
	}
	if cap(sc.buf)-len(sc.buf) < 32<<10 {
		sc.buf = append(sc.buf, make([]byte, 64<<10)...)[:len(sc.buf)]
	}
	n, err := sc.r.Read(sc.buf[len(sc.buf):cap(sc.buf)])
	sc.buf = sc.buf[:len(sc.buf)+n]
	if err != nil {
		sc.eof = true
		if err != io.EOF {
			return n > 0
		}
	}
	return true
}

// maxTag is the longest tag read.
const maxTag = 64 << 10

// tag skips whitespace and reads the next tag: its kind, its local name
// and its attributes' text.
func (sc *xmlScanner) tag() (tagKind, string, []byte, error) {
	for {
		for sc.i < len(sc.buf) {
			switch sc.buf[sc.i] {
			case ' ', '\t', '\n':
				sc.i++
				continue
			case '<':
			default:
				return 0, "", nil, errNotPlain
			}
			break
		}
		if sc.i < len(sc.buf) {
			end := bytes.IndexByte(sc.buf[sc.i:], '>')
			if end >= 0 {
				return sc.parseTag(sc.i, sc.i+end)
			}
			if len(sc.buf)-sc.i > maxTag {
				return 0, "", nil, errNotPlain
			}
		}
		if !sc.more() {
			return 0, "", nil, errNotPlain
		}
	}
}

// parseTag parses buf[from:to] ('<' to the byte before '>') and moves past
// it.
func (sc *xmlScanner) parseTag(from, to int) (tagKind, string, []byte, error) {
	t := sc.buf[from+1 : to]
	sc.i = to + 1
	k := tagStart
	if len(t) > 0 && t[0] == '/' {
		k, t = tagEnd, t[1:]
	} else if len(t) > 0 && t[len(t)-1] == '/' {
		k, t = tagEmpty, t[:len(t)-1]
	}
	n := 0
	for n < len(t) && nameByte(t[n]) {
		n++
	}
	local, ok := elementName(t[:n])
	if !ok {
		return 0, "", nil, errNotPlain
	}
	attrs := t[n:]
	if k == tagEnd {
		if len(bytes.Trim(attrs, " \t\n")) != 0 {
			return 0, "", nil, errNotPlain
		}
		return k, local, nil, nil
	}
	if len(attrs) > 0 && !space(attrs[0]) {
		return 0, "", nil, errNotPlain
	}
	if err := eachAttr(attrs, func([]byte, []byte) error { return nil }); err != nil {
		return 0, "", nil, err
	}
	return k, local, attrs, nil
}

// textUntil appends the text up to the end tag named end, decoded, and
// reads that tag.
func (sc *xmlScanner) textUntil(dst []byte, end string) ([]byte, error) {
	for {
		lt := bytes.IndexByte(sc.buf[sc.i:], '<')
		if lt < 0 {
			if len(sc.buf)-sc.i > maxTag<<4 { // a text beyond 1 MiB is decoded by excelize
				return nil, errNotPlain
			}
			if !sc.more() {
				return nil, errNotPlain
			}
			continue
		}
		var ok bool
		if dst, ok = appendXMLText(dst, sc.buf[sc.i:sc.i+lt]); !ok {
			return nil, errNotPlain
		}
		sc.i += lt
		k, name, _, err := sc.tag()
		if err != nil {
			return nil, err
		}
		if k != tagEnd || name != end {
			return nil, errNotPlain
		}
		return dst, nil
	}
}

// children reads the elements inside the one named end, its start tag
// read, up to its end tag: fn reads each from its tag (of kind k, and
// name). Any other end tag is errNotPlain.
func (sc *xmlScanner) children(end string, fn func(k tagKind, name string) error) error {
	for {
		k, name, _, err := sc.tag()
		switch {
		case err != nil:
			return err
		case k == tagEnd && name == end:
			return nil
		case k == tagEnd:
			return errNotPlain
		}
		if err := fn(k, name); err != nil {
			return err
		}
	}
}

// elementText reads the text of a <t> whose tag, of kind k, was read: into
// scratch, up to its end tag; nothing for an empty element.
func (sc *xmlScanner) elementText(k tagKind, scratch *[]byte) ([]byte, error) {
	if k != tagStart {
		return nil, nil
	}
	var err error
	*scratch, err = sc.textUntil((*scratch)[:0], "t")
	return *scratch, err
}

// skipElement passes over the element named name whose tag, of kind k,
// was read.
func (sc *xmlScanner) skipElement(k tagKind, name string) error {
	if k != tagStart {
		return nil
	}
	return sc.skip(name)
}

// skip reads up to the end tag of the element named name, its start tag
// read, through the elements inside it, whose texts it checks and leaves
// out.
func (sc *xmlScanner) skip(name string) error {
	open := []string{name}
	for len(open) > 0 {
		lt := bytes.IndexByte(sc.buf[sc.i:], '<')
		if lt < 0 {
			if len(sc.buf)-sc.i > maxTag || !sc.more() {
				return errNotPlain
			}
			continue
		}
		var ok bool
		if sc.scratch, ok = appendXMLText(sc.scratch[:0], sc.buf[sc.i:sc.i+lt]); !ok {
			return errNotPlain
		}
		sc.i += lt
		k, n, _, err := sc.tag()
		if err != nil {
			return err
		}
		switch k {
		case tagStart:
			if len(open) == 64 {
				return errNotPlain
			}
			open = append(open, n)
		case tagEnd:
			if n != open[len(open)-1] {
				return errNotPlain
			}
			open = open[:len(open)-1]
		}
	}
	return nil
}

// appendXMLText appends raw XML text decoded: false for what the plain subset
// leaves to encoding/xml (a carriage return, which it turns into a line
// feed; a control character; invalid UTF-8; another entity).
func appendXMLText(dst, raw []byte) ([]byte, bool) {
	for len(raw) > 0 {
		amp := bytes.IndexByte(raw, '&')
		lit := raw
		if amp >= 0 {
			lit = raw[:amp]
		}
		for _, c := range lit {
			if c < 0x20 && c != '\t' && c != '\n' {
				return nil, false
			}
		}
		if !xmlChars(lit) {
			return nil, false
		}
		dst = append(dst, lit...)
		if amp < 0 {
			return dst, true
		}
		raw = raw[amp:]
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 {
			return nil, false
		}
		r, ok := entity(raw[1:semi])
		if !ok {
			return nil, false
		}
		dst = utf8.AppendRune(dst, r)
		raw = raw[semi+1:]
	}
	return dst, true
}

// xmlChars reports whether b is valid UTF-8 of characters XML allows.
func xmlChars(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 || !xmlChar(r) {
			return false
		}
		i += n
	}
	return true
}

// xmlChar reports whether XML allows r in a text (other than a carriage
// return, which this subset leaves out).
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// entity decodes a named entity of XML or a character reference.
func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 || len(digits) > 6 || digits[0] == '+' || digits[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || !xmlChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ':'
}

func space(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

// elementName returns an element's name as a string: ASCII, no prefix
// (a prefixed name is left to excelize, whose end tags match by namespace),
// starting with a letter or '_'. The names plainRows reads come back as
// constants, without allocating.
func elementName(b []byte) (string, bool) {
	if len(b) == 0 || !(b[0] == '_' || b[0] >= 'a' && b[0] <= 'z' || b[0] >= 'A' && b[0] <= 'Z') || bytes.IndexByte(b, ':') >= 0 {
		return "", false
	}
	switch string(b) {
	case "row":
		return "row", true
	case "c":
		return "c", true
	case "v":
		return "v", true
	case "is":
		return "is", true
	case "t":
		return "t", true
	case "r":
		return "r", true
	case "rPr":
		return "rPr", true
	case "rPh":
		return "rPh", true
	case "si":
		return "si", true
	case "sst":
		return "sst", true
	case "sheetData":
		return "sheetData", true
	}
	return string(b), true
}

// eachAttr calls fn with the local name and value of each attribute in a
// tag's attribute text, which must be whitespace-separated name="value"
// pairs whose values hold neither '<' nor '&'. Attributes of the xml and
// xmlns prefixes are passed over; any other prefix is errNotPlain.
func eachAttr(attrs []byte, fn func(name, val []byte) error) error {
	i := 0
	for {
		for i < len(attrs) && space(attrs[i]) {
			i++
		}
		if i == len(attrs) {
			return nil
		}
		start := i
		for i < len(attrs) && nameByte(attrs[i]) {
			i++
		}
		qname := attrs[start:i]
		for i < len(attrs) && space(attrs[i]) {
			i++
		}
		if i == len(attrs) || attrs[i] != '=' || len(qname) == 0 {
			return errNotPlain
		}
		i++
		for i < len(attrs) && space(attrs[i]) {
			i++
		}
		if i == len(attrs) || attrs[i] != '"' && attrs[i] != '\'' {
			return errNotPlain
		}
		q := attrs[i]
		end := bytes.IndexByte(attrs[i+1:], q)
		if end < 0 {
			return errNotPlain
		}
		val := attrs[i+1 : i+1+end]
		i += end + 2
		if bytes.ContainsAny(val, "<&\r") || !xmlChars(val) || i < len(attrs) && !space(attrs[i]) {
			return errNotPlain
		}
		for _, c := range val {
			if c < 0x20 {
				return errNotPlain
			}
		}
		if c := bytes.IndexByte(qname, ':'); c >= 0 {
			switch string(qname[:c]) {
			case "xml", "xmlns":
				continue
			}
			return errNotPlain
		}
		if string(qname) == "xmlns" {
			continue
		}
		if _, ok := elementName(qname); !ok {
			return errNotPlain
		}
		if err := fn(qname, val); err != nil {
			return err
		}
	}
}
