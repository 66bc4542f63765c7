package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// bookFont is the workbooks' default font: a Chinese one, so that Excel,
// WPS and LibreOffice lay the text out with CJK metrics instead of
// Calibri's.
const bookFont = "宋体"

// newBookFile starts a workbook whose first sheet is named first, with
// bookFont as its default font.
func newBookFile(first string) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", first); err != nil {
		_ = f.Close()
		return nil, err
	}
	if err := f.SetDefaultFont(bookFont); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// firstSheetPart is the part of the first worksheet of a newBookFile:
// excelize names a worksheet's part by its sheet id, which renaming keeps.
const firstSheetPart = "xl/worksheets/sheet1.xml"

// bookMeta is what a workbook's document properties say.
type bookMeta struct {
	Title string
	// Organisation is the team or unit the file comes from (the settings'
	// team): its author and company. Empty when none is known; the
	// program is never named as the author.
	Organisation string
	Now          time.Time
	// Rows are worksheets' rows spooled apart (see rowSpool), by the
	// worksheet's part name: each is spliced into its worksheet before
	// </sheetData>.
	Rows map[string]*rowSpool
}

// finishBook sets the document properties and writes the workbook; see
// finishBookMeta.
func finishBook(f *excelize.File, w io.Writer, title string, now time.Time) error {
	return finishBookMeta(f, w, bookMeta{Title: title, Now: now})
}

// finishBookMeta sets the document properties (title, the organisation as
// author and company, times, language) and writes the workbook, every
// worksheet's <dimension> its real range (see dimensionZip).
func finishBookMeta(f *excelize.File, w io.Writer, m bookMeta) error {
	at := m.Now.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: m.Title, Creator: m.Organisation, LastModifiedBy: m.Organisation,
		Created: at, Modified: at, Language: "zh-CN",
	}); err != nil {
		return err
	}
	if err := f.SetAppProps(&excelize.AppProperties{Application: "xunbang", Company: m.Organisation}); err != nil {
		return err
	}
	for _, sp := range m.Rows {
		if err := sp.w.Flush(); err != nil {
			return fmt.Errorf("xlsx: write workbook: %w", err)
		}
	}
	var zerr error
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		return &dimensionZip{zw: zip.NewWriter(w), err: &zerr, rows: maps.Clone(m.Rows)}
	})
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: write workbook: %w", err)
	}
	if zerr != nil {
		return fmt.Errorf("xlsx: write workbook: %w", zerr)
	}
	return nil
}

// dimensionZip is the zip writer excelize writes a workbook through. It
// passes every part on, except that a worksheet is spooled to a temporary
// file and scanned first, so that its <dimension ref> — which excelize's
// StreamWriter writes before any row, as "A1" — states the sheet's real
// range (A1:R120), as strict readers expect. Worksheets created one after
// another are written out together, in name order, when the next other part
// (or the end) comes: excelize creates its streamed worksheets in the order
// of a Go map, and the same workbook must be the same bytes whoever writes
// it (the window and the command line; issue 14).
//
// It also splices the rows spooled apart for a worksheet (bookMeta.Rows)
// into it.
type dimensionZip struct {
	zw      *zip.Writer
	pending []spooled            // the worksheets spooled, not yet written
	err     *error               // the first error of a part, for finishBookMeta
	rows    map[string]*rowSpool // rows to splice, by part name, until spliced
}

// spooled is a worksheet's XML in a temporary file.
type spooled struct {
	name string
	file *os.File
}

func isSheetPart(name string) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	return strings.HasPrefix(n, "xl/worksheets/sheet") && strings.HasSuffix(n, ".xml")
}

// Create starts a part.
func (d *dimensionZip) Create(name string) (io.Writer, error) {
	if !isSheetPart(name) {
		if err := d.flush(); err != nil {
			return nil, err
		}
		return d.zw.Create(name)
	}
	sp, err := unlinkedTemp("xunbang-sheet-*.xml")
	if err != nil {
		return nil, err
	}
	d.pending = append(d.pending, spooled{name, sp})
	return sp, nil
}

// AddFS adds the files of fsys.
func (d *dimensionZip) AddFS(fsys fs.FS) error {
	if err := d.flush(); err != nil {
		return err
	}
	return d.zw.AddFS(fsys)
}

// Close writes the last part and the zip's directory.
func (d *dimensionZip) Close() error {
	err := d.flush()
	for name := range d.rows {
		if err == nil {
			err = fmt.Errorf("xlsx: no worksheet %s for its rows", name)
		}
	}
	if cerr := d.zw.Close(); err == nil {
		err = cerr
	}
	return err
}

// flush writes the spooled worksheets, in name order, each with its real
// dimension; after an error it removes the rest.
func (d *dimensionZip) flush() error {
	l := d.pending
	d.pending = nil
	slices.SortFunc(l, func(a, b spooled) int { return strings.Compare(a.name, b.name) })
	var err error
	for _, p := range l {
		if err == nil {
			err = d.write(p.file, p.name)
			continue
		}
		_ = p.file.Close()
		_ = os.Remove(p.file.Name())
	}
	return err
}

// write writes one spooled worksheet with its real dimension and removes
// its temporary file.
func (d *dimensionZip) write(sp *os.File, name string) (err error) {
	defer func() {
		_ = sp.Close()
		_ = os.Remove(sp.Name())
		if err != nil && *d.err == nil {
			*d.err = err
		}
	}()
	if _, err := sp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if rows, ok := d.rows[name]; ok {
		delete(d.rows, name)
		return d.splice(sp, name, rows)
	}
	ext, err := sheetExtent(bufio.NewReaderSize(sp, 1<<20))
	if err != nil {
		return err
	}
	if _, err := sp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	out, err := d.zw.Create(name)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(sp, 64<<10)
	head, _ := br.Peek(64 << 10)
	if i, j, ok := dimensionRef(head); ok {
		if _, err := out.Write(head[:i]); err != nil {
			return err
		}
		if _, err := io.WriteString(out, ext.ref()); err != nil {
			return err
		}
		if _, err := br.Discard(j); err != nil {
			return err
		}
	}
	_, err = io.Copy(out, br)
	return err
}

// splice writes a spooled worksheet with the rows spooled apart for it
// before its </sheetData>, and its dimension the range of both. The
// worksheet itself is small then (its header and settings), so it is read
// whole.
func (d *dimensionZip) splice(sp *os.File, name string, rows *rowSpool) error {
	part, err := io.ReadAll(sp)
	if err != nil {
		return err
	}
	ext, err := sheetExtent(bytes.NewReader(part))
	if err != nil {
		return err
	}
	if rows.ext.c1 > 0 {
		ext.add(rows.ext.c1, rows.ext.r1)
		ext.add(rows.ext.c2, rows.ext.r2)
	}
	at := bytes.Index(part, []byte("</sheetData>"))
	if at < 0 {
		return fmt.Errorf("xlsx: worksheet %s has no </sheetData>", name)
	}
	out, err := d.zw.Create(name)
	if err != nil {
		return err
	}
	head := part[:at]
	if i, j, ok := dimensionRef(head); ok {
		if _, err := out.Write(head[:i]); err != nil {
			return err
		}
		if _, err := io.WriteString(out, ext.ref()); err != nil {
			return err
		}
		head = head[j:]
	}
	if _, err := out.Write(head); err != nil {
		return err
	}
	if _, err := rows.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(out, bufio.NewReaderSize(rows.file, 64<<10)); err != nil {
		return err
	}
	_, err = out.Write(part[at:])
	return err
}

// dimensionRef finds the value of the first <dimension ref="…"> in the
// head of a worksheet: the bytes head[i:j].
func dimensionRef(head []byte) (i, j int, ok bool) {
	k := bytes.Index(head, []byte("<dimension "))
	if k < 0 {
		return 0, 0, false
	}
	end := bytes.IndexByte(head[k:], '>')
	if end < 0 {
		return 0, 0, false
	}
	tag := head[k : k+end]
	a := bytes.Index(tag, []byte(`ref="`))
	if a < 0 {
		return 0, 0, false
	}
	i = k + a + len(`ref="`)
	b := bytes.IndexByte(head[i:], '"')
	if b < 0 {
		return 0, 0, false
	}
	return i, i + b, true
}

// extent is the range of a worksheet's cells, 1-based; zero when empty.
type extent struct{ c1, r1, c2, r2 int }

func (e *extent) add(c, r int) {
	if c <= 0 || r <= 0 {
		return
	}
	if e.c1 == 0 || c < e.c1 {
		e.c1 = c
	}
	if e.r1 == 0 || r < e.r1 {
		e.r1 = r
	}
	e.c2, e.r2 = max(e.c2, c), max(e.r2, r)
}

// ref is the extent as a range reference, "A1" for an empty sheet.
func (e extent) ref() string {
	if e.c1 == 0 {
		return "A1"
	}
	a, b := cellName(e.c1, e.r1), cellName(e.c2, e.r2)
	if a == b {
		return a
	}
	return a + ":" + b
}

// sheetExtent scans a worksheet's XML for the range its cells and merged
// ranges cover.
func sheetExtent(r io.Reader) (extent, error) {
	var e extent
	s := partScanner{r: r}
	err := s.scan([]string{"c", "mergeCell"}, func(which int, tag []byte) {
		switch which {
		case 0:
			if v, ok := attr(tag, "r"); ok {
				if c, r, err := excelize.CellNameToCoordinates(v); err == nil {
					e.add(c, r)
				}
			}
		case 1:
			if v, ok := attr(tag, "ref"); ok {
				if m, ok := parseRange(v); ok {
					e.add(m.c1, m.r1)
					e.add(m.c2, m.r2)
				}
			}
		}
	})
	return e, err
}
