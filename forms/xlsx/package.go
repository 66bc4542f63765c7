package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits bound what an import of outside input may cost. The zero value of
// each field means its default.
type Limits struct {
	// MaxFileSize caps the workbook file itself. Default 100 MB.
	MaxFileSize int64
	// MaxUnzipSize caps the sum of the uncompressed sizes of all parts.
	// Default 1 GB.
	MaxUnzipSize int64
	// MaxInMemory caps the parts excelize keeps in memory: every part but
	// the worksheets and shared strings larger than InMemoryPart, which go
	// to temporary files. Default 256 MB.
	MaxInMemory int64
	// InMemoryPart is the size above which a worksheet or the shared
	// strings are unzipped to a temporary file instead of memory. Default 8 MB.
	InMemoryPart int64
	// MaxSharedStrings caps the entries of the shared string table, which
	// excelize indexes in memory. Default 4,000,000.
	MaxSharedStrings int
	// MaxRatio caps the compression ratio of any part larger than 1 MB: a
	// zip bomb inflates a thousandfold, spreadsheet XML some ten- to
	// fiftyfold. Default 200.
	MaxRatio int64
	// MaxParts caps the entries of the zip package. Default 5,000.
	MaxParts int
	// MaxRecords caps the data rows read from a workbook. Default 250,000:
	// a province hub's export (issue 17 measures 200,000), read with its
	// needs spilled to disk (spill.go), not held in memory.
	MaxRecords int
	// MaxRows caps the rows that may hold cells (<row> elements other
	// than empty <row/>) of a sheet to be read, counted by the scan of the
	// package before any row is decoded: a sheet with more is refused at
	// once, by name. Default MaxRecords + 20,000 (room for titles, blank
	// rows and footers).
	MaxRows int
	// MaxColumns caps the columns looked at; cells further right are
	// ignored. Default 256.
	MaxColumns int
	// MaxCellChars caps a cell's length in characters; longer cells are
	// errors (Excel's own limit is 32,767). Default 32,767.
	MaxCellChars int
	// MaxEmptyRun stops reading a sheet after this many empty rows in a row.
	// Default 1,000.
	MaxEmptyRun int
	// MaxProblems caps the problems reported; the rest are counted in a
	// last one. Default 2,000.
	MaxProblems int
}

func (l Limits) withDefaults() Limits {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	defi := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxFileSize, 100<<20)
	def(&l.MaxUnzipSize, 1<<30)
	def(&l.MaxInMemory, 256<<20)
	def(&l.InMemoryPart, 8<<20)
	defi(&l.MaxSharedStrings, 4_000_000)
	def(&l.MaxRatio, 200)
	defi(&l.MaxParts, 5000)
	defi(&l.MaxRecords, 250_000)
	defi(&l.MaxRows, l.MaxRecords+20_000)
	defi(&l.MaxColumns, 256)
	defi(&l.MaxCellChars, excelize.TotalCellChars)
	defi(&l.MaxEmptyRun, 1000)
	defi(&l.MaxProblems, 2000)
	if l.InMemoryPart > l.MaxUnzipSize {
		l.InMemoryPart = l.MaxUnzipSize
	}
	return l
}

// oleMagic starts a Compound File: an old .xls, or an encrypted .xlsx.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// pkgInfo is what the inspection of a workbook's zip package learned.
type pkgInfo struct {
	sheets map[string]*sheetScan // by sheet name; missing when the part could not be mapped
	// sst is the shared string table's part as excelize finds it
	// (xl/sharedStrings.xml in any case), for plainRows.
	sst *zip.File
}

// sheetScan is what a byte-level scan of one worksheet's XML found:
// excelize's row iterator stops silently at broken XML, so the reader
// compares how far it got with how far the sheet goes.
type sheetScan struct {
	part      string
	lastRow   int  // the highest row number with a <row> element
	complete  bool // the XML reached </worksheet>
	merges    []mergeRange
	mergesCut bool // more merged ranges than are kept
	// tooLong: the sheet holds more than MaxRows rows; the scan stopped
	// there. declared is its <dimension ref>, "" when none.
	tooLong  bool
	declared string
	hidden   bool // the workbook hides the sheet: it is not read unless chosen
	// plain is the part when plainRows may read it: the workbook names it
	// as Excel, WPS and excelize write it, so that excelize is sure to read
	// this part for the sheet too (usualSheetTarget, onlyName); nil
	// otherwise.
	plain *zip.File
}

// refuseLongSheets refuses, before excelize opens the workbook, a sheet
// the import would read that holds more than MaxRows rows: the chosen one,
// or any visible one.
func refuseLongSheets(info *pkgInfo, opt Options, lim Limits) error {
	names := make([]string, 0, len(info.sheets))
	for name := range info.sheets {
		names = append(names, name)
	}
	slices.Sort(names)
	chosen := ""
	if opt.Sheet != "" {
		chosen, _ = findSheet(names, opt.Sheet)
	}
	for _, name := range names {
		sc := info.sheets[name]
		if sc.tooLong && (chosen == name || opt.Sheet == "" && !sc.hidden) {
			return tooLongError(name, sc, lim)
		}
	}
	return nil
}

// mergeRange is a merged cell range, 1-based and inclusive.
type mergeRange struct{ c1, r1, c2, r2 int }

const maxMerges = 100_000

// inspect checks a workbook's zip package against the limits before excelize
// opens it, and scans every worksheet's XML for its extent and merged cells.
// It inflates each worksheet once, counting bytes as it goes, so a part whose
// header lies about its size is caught too.
func inspect(r io.ReaderAt, size int64, lim Limits) (*pkgInfo, error) {
	if size > lim.MaxFileSize {
		return nil, fileErr(ErrTooLarge, nil,
			fmt.Sprintf("文件有 %s，超过导入上限 %s。", mib(size), mib(lim.MaxFileSize)),
			fmt.Sprintf("the file is %s, over the import limit of %s.", mib(size), mib(lim.MaxFileSize)))
	}
	head := make([]byte, 8)
	if n, _ := r.ReadAt(head, 0); n < 4 {
		return nil, fileErr(ErrNotWorkbook, nil, "文件是空的或太短，不是 Excel 工作簿（.xlsx）。", "the file is empty or too short to be an Excel workbook (.xlsx).")
	}
	if bytes.Equal(head, oleMagic) {
		return nil, fileErr(ErrNotWorkbook, nil,
			"这是旧版 .xls 文件或设了打开密码的工作簿。请在 Excel 或 WPS 中“另存为” .xlsx（不设密码）后再导入。",
			"this is an old .xls file or a password-protected workbook. Save it as .xlsx (without a password) in Excel or WPS, then import that.")
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fileErr(ErrNotWorkbook, err,
			"不是 Excel 工作簿（.xlsx）：文件无法按 xlsx 的 zip 格式打开。若是 .xls、.csv 或 .et 文件，请先另存为 .xlsx。",
			"not an Excel workbook (.xlsx): the file cannot be opened as the zip package an .xlsx is. Save .xls, .csv or .et files as .xlsx first.")
	}
	if len(zr.File) > lim.MaxParts {
		return nil, fileErr(ErrTooLarge, nil,
			fmt.Sprintf("工作簿包含 %d 个部件，超过上限 %d。", len(zr.File), lim.MaxParts),
			fmt.Sprintf("the workbook holds %d parts, over the limit of %d.", len(zr.File), lim.MaxParts))
	}
	var total, inMemory int64
	files := map[string]*zip.File{}
	for _, zf := range zr.File {
		name := strings.ReplaceAll(zf.Name, "\\", "/")
		lower := strings.ToLower(name)
		files[lower] = zf
		us := int64(zf.UncompressedSize64)
		if zf.UncompressedSize64 > 1<<62 {
			us = 1 << 62
		}
		total += us
		if total > lim.MaxUnzipSize {
			return nil, fileErr(ErrTooLarge, nil,
				fmt.Sprintf("工作簿解压后超过 %s，已拒绝（可能是压缩炸弹）。", mib(lim.MaxUnzipSize)),
				fmt.Sprintf("the workbook unzips to more than %s; refused (possibly a zip bomb).", mib(lim.MaxUnzipSize)))
		}
		if us > 1<<20 && zf.CompressedSize64 > 0 && us/int64(zf.CompressedSize64) > lim.MaxRatio ||
			us > 1<<20 && zf.CompressedSize64 == 0 {
			return nil, fileErr(ErrTooLarge, nil,
				fmt.Sprintf("部件 %s 的压缩比异常（%s 压缩到 %s），疑似压缩炸弹，已拒绝。", clipName(name), mib(us), mib(int64(zf.CompressedSize64))),
				fmt.Sprintf("part %s has an abnormal compression ratio (%s packed into %s), a likely zip bomb; refused.", clipName(name), mib(us), mib(int64(zf.CompressedSize64))))
		}
		onDisk := (isWorksheetPart(lower) || lower == "xl/sharedstrings.xml") && us > lim.InMemoryPart
		if !onDisk {
			inMemory += us
		}
		if inMemory > lim.MaxInMemory {
			return nil, fileErr(ErrTooLarge, nil,
				fmt.Sprintf("工作簿中需载入内存的部件超过 %s，已拒绝。", mib(lim.MaxInMemory)),
				fmt.Sprintf("the parts of the workbook that must be held in memory exceed %s; refused.", mib(lim.MaxInMemory)))
		}
	}
	wbPath := workbookPath(files)
	if files[strings.ToLower(wbPath)] == nil {
		return nil, fileErr(ErrNotWorkbook, nil,
			"这是一个 zip 文件，但其中没有 Excel 工作簿（可能是 Word、WPS 或其他格式的文档）。",
			"this is a zip file but holds no Excel workbook (perhaps a Word or other document).")
	}
	info := &pkgInfo{sheets: map[string]*sheetScan{}}
	if zf := files["xl/sharedstrings.xml"]; zf != nil {
		n, err := countSharedStrings(zf, lim)
		if err != nil {
			return nil, err
		}
		if n > lim.MaxSharedStrings {
			return nil, fileErr(ErrTooLarge, nil,
				fmt.Sprintf("共享字符串表有 %d 项，超过上限 %d。", n, lim.MaxSharedStrings),
				fmt.Sprintf("the shared string table holds %d entries, over the limit of %d.", n, lim.MaxSharedStrings))
		}
	}
	names, hidden, usual := sheetParts(files, wbPath)
	exact := map[string]*zip.File{}
	for _, zf := range zr.File {
		exact[zf.Name] = zf
	}
	info.sst = files["xl/sharedstrings.xml"] // excelize too takes it in any case, the last of that name
	for name, part := range names {
		zf := files[strings.ToLower(part)]
		if zf == nil {
			continue
		}
		sc, err := scanSheet(zf, lim)
		if err != nil {
			return nil, err
		}
		sc.part, sc.hidden = part, hidden[name]
		if usual[name] && wbPath == "xl/workbook.xml" && onlyName(names, name) {
			sc.plain = exact[part]
		}
		info.sheets[name] = sc
	}
	return info, nil
}

func clipName(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

func isWorksheetPart(lower string) bool {
	return strings.HasPrefix(lower, "xl/worksheets/sheet")
}

// workbookPath finds the workbook part through the package relationships,
// falling back to the usual xl/workbook.xml.
func workbookPath(files map[string]*zip.File) string {
	const def = "xl/workbook.xml"
	zf := files["_rels/.rels"]
	if zf == nil {
		return def
	}
	for _, rel := range readRels(zf) {
		if strings.HasSuffix(rel.typ, "/officeDocument") {
			return strings.TrimPrefix(path.Clean("/"+rel.target), "/")
		}
	}
	return def
}

type relationship struct{ id, typ, target string }

// readRels reads a relationships part (small: it was size-checked).
func readRels(zf *zip.File) []relationship {
	if zf.UncompressedSize64 > 4<<20 {
		return nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	var out []relationship
	dec := xml.NewDecoder(io.LimitReader(rc, 4<<20))
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			var r relationship
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "Id":
					r.id = a.Value
				case "Type":
					r.typ = a.Value
				case "Target":
					r.target = a.Value
				}
			}
			out = append(out, r)
		}
	}
}

// sheetParts maps sheet names to their worksheet parts, as excelize does:
// through the workbook's sheets and its relationships.
func sheetParts(files map[string]*zip.File, wbPath string) (out map[string]string, hidden, usual map[string]bool) {
	out, hidden, usual = map[string]string{}, map[string]bool{}, map[string]bool{}
	wb := files[strings.ToLower(wbPath)]
	dir := path.Dir(wbPath)
	relsZF := files[strings.ToLower(path.Join(dir, "_rels", path.Base(wbPath)+".rels"))]
	if wb == nil || relsZF == nil || wb.UncompressedSize64 > 16<<20 {
		return out, hidden, usual
	}
	targets := map[string]string{}
	usualTarget := map[string]bool{}
	for _, r := range readRels(relsZF) {
		_, dup := targets[r.id]
		usualTarget[r.id] = !dup && usualSheetTarget.MatchString(r.target)
		t := r.target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(path.Clean(t), "/")
		} else {
			t = path.Clean(path.Join(dir, t))
		}
		targets[r.id] = t
	}
	rc, err := wb.Open()
	if err != nil {
		return out, hidden, usual
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, 16<<20))
	for {
		tok, err := dec.Token()
		if err != nil {
			return out, hidden, usual
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "sheet" {
			var name, id string
			state := false
			for _, a := range se.Attr {
				switch {
				case a.Name.Local == "name":
					name = a.Value
				case a.Name.Local == "id" && a.Name.Space != "":
					id = a.Value
				case a.Name.Local == "state":
					state = a.Value == "hidden" || a.Value == "veryHidden"
				}
			}
			if name != "" {
				hidden[name] = state
			}
			if t, ok := targets[id]; ok && name != "" {
				_, dup := out[name]
				out[name], usual[name] = t, usualTarget[id] && !dup
			}
		}
	}
}

// usualSheetTarget is how Excel, WPS and excelize name a worksheet from
// the workbook's relationships.
var usualSheetTarget = regexp.MustCompile(`^(/xl/)?worksheets/sheet[1-9][0-9]{0,4}\.xml$`)

// onlyName reports whether no other sheet's name equals name but for case
// (excelize finds a sheet by its name in any case).
func onlyName(names map[string]string, name string) bool {
	for n := range names {
		if n != name && strings.EqualFold(n, name) {
			return false
		}
	}
	return true
}

// countingReader counts bytes and fails past a limit.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
	part  string
}

var errPartTooBig = errors.New("part larger than declared")

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return n, errPartTooBig
	}
	return n, err
}

func openPart(zf *zip.File, lim Limits) (*countingReader, io.Closer, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, nil, damagedPart(zf.Name, err)
	}
	limit := int64(zf.UncompressedSize64)
	if limit > lim.MaxUnzipSize || zf.UncompressedSize64 > 1<<62 {
		limit = lim.MaxUnzipSize
	}
	return &countingReader{r: rc, limit: limit, part: zf.Name}, rc, nil
}

func damagedPart(part string, err error) error {
	return fileErr(ErrDamaged, err,
		fmt.Sprintf("工作簿已损坏：部件 %s 无法解压（文件可能被截断或改动过）。", clipName(part)),
		fmt.Sprintf("the workbook is damaged: part %s cannot be unzipped (the file may be truncated or altered).", clipName(part)))
}

// partScanner looks for a few tags in an XML part at byte level, with
// SIMD-fast searches over large chunks: it is not a parser. A tag is found
// by its name right after "<" (or "</"), with the namespace prefix the
// part's root element uses, if any ("<x:row").
type partScanner struct {
	r io.Reader
	// size is the part's declared size, when known: a small part gets a
	// small buffer (a workbook of a few KB is scanned without clearing a
	// megabyte per part). It may lie: the buffer only bounds each read.
	size   int64
	buf    []byte
	prefix []byte // "" or "x:"
	ready  bool
}

const (
	scanChunk = 1 << 20
	scanKeep  = 4096 // the longest tag whose attributes are read
)

// scan calls fn for every tag named one of names (start tags, empty tags,
// and with end tags included when the name is given as "/name"), passing
// the index of the name and the tag's text up to its '>' (or up to
// scanKeep bytes).
func (s *partScanner) scan(names []string, fn func(which int, tag []byte), stop ...func() bool) error {
	if s.buf == nil {
		chunk := int64(scanChunk)
		if s.size > 0 && s.size < chunk {
			chunk = max(s.size, 4<<10)
		}
		s.buf = make([]byte, chunk+scanKeep)
	}
	var needles [][]byte
	carry := 0
	for {
		n, err := io.ReadFull(s.r, s.buf[carry:])
		data := s.buf[:carry+n]
		final := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !final {
			return err
		}
		if !s.ready {
			s.prefix = rootPrefix(data)
			for _, name := range names {
				end := strings.HasPrefix(name, "/")
				nd := []byte("<")
				if end {
					nd = append(nd, '/')
				}
				nd = append(nd, s.prefix...)
				nd = append(nd, strings.TrimPrefix(name, "/")...)
				needles = append(needles, nd)
			}
			s.ready = true
		}
		limit := len(data)
		if !final && limit > scanKeep {
			limit -= scanKeep
		}
		for w, nd := range needles {
			for i := 0; i < limit; {
				j := bytes.Index(data[i:], nd)
				if j < 0 || i+j >= limit {
					break
				}
				at := i + j
				k := at + len(nd)
				i = k
				if k < len(data) {
					switch data[k] {
					case ' ', '>', '/', '\t', '\r', '\n':
					default:
						continue // a longer name: <rowBreaks, <sip
					}
				}
				tag := data[at+1 : min(len(data), at+scanKeep)]
				if e := bytes.IndexByte(tag, '>'); e >= 0 {
					tag = tag[:e]
				}
				fn(w, tag)
			}
		}
		if final || len(stop) > 0 && stop[0]() {
			return nil
		}
		carry = copy(s.buf, data[limit:])
	}
}

// rootPrefix returns the namespace prefix of the first element ("x:"), or "".
func rootPrefix(data []byte) []byte {
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 || i+j+1 >= len(data) {
			return nil
		}
		i += j + 1
		if c := data[i]; c == '?' || c == '!' {
			continue
		}
		end := i
		for end < len(data) && data[end] != ' ' && data[end] != '>' && data[end] != '/' && data[end] != '\n' && data[end] != '\r' && data[end] != '\t' {
			end++
		}
		if c := bytes.IndexByte(data[i:end], ':'); c >= 0 {
			return append([]byte(nil), data[i:i+c+1]...)
		}
		return nil
	}
	return nil
}

// attr returns the value of an attribute in a tag's text.
func attr(tag []byte, name string) (string, bool) {
	for i := 0; i < len(tag); {
		j := bytes.Index(tag[i:], []byte(name))
		if j < 0 {
			return "", false
		}
		j += i
		i = j + len(name)
		if j == 0 || i >= len(tag) || tag[i] != '=' {
			continue
		}
		if c := tag[j-1]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			continue
		}
		rest := tag[i+1:]
		if len(rest) < 2 || rest[0] != '"' && rest[0] != '\'' {
			return "", false
		}
		k := bytes.IndexByte(rest[1:], rest[0])
		if k < 0 {
			return "", false
		}
		return string(rest[1 : 1+k]), true
	}
	return "", false
}

func partError(zf *zip.File, err error) error {
	if errors.Is(err, errPartTooBig) {
		return fileErr(ErrTooLarge, err,
			fmt.Sprintf("部件 %s 解压后比声明的大，已拒绝（可能是压缩炸弹）。", clipName(zf.Name)),
			fmt.Sprintf("part %s inflates beyond its declared size; refused (possibly a zip bomb).", clipName(zf.Name)))
	}
	return damagedPart(zf.Name, err)
}

// scanSheet finds a worksheet's extent (the last row number: the largest r
// of a <row>, or the count of rows when they carry no r), whether its XML
// reaches </worksheet>, and its merged ranges.
func scanSheet(zf *zip.File, lim Limits) (*sheetScan, error) {
	cr, closer, err := openPart(zf, lim)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	sc := &sheetScan{}
	rows, filled := 0, 0
	s := partScanner{r: cr, size: int64(min(zf.UncompressedSize64, 1<<40))}
	err = s.scan([]string{"row", "mergeCell", "/worksheet", "dimension"}, func(which int, tag []byte) {
		switch which {
		case 0:
			rows++
			// A row that may hold cells: not an empty <row r="9"/>,
			// which formatting leaves by the million and which cost
			// nothing to read.
			if !bytes.HasSuffix(tag, []byte("/")) {
				filled++
			}
			if filled > lim.MaxRows {
				sc.tooLong = true // enough is known: the scan stops here
			}
			if v, ok := attr(tag, "r"); ok {
				if n, err := strconv.Atoi(v); err == nil && n > sc.lastRow {
					sc.lastRow = n
				}
			}
		case 1:
			if len(sc.merges) >= maxMerges {
				sc.mergesCut = true
				return
			}
			if v, ok := attr(tag, "ref"); ok {
				if m, ok := parseRange(v); ok {
					sc.merges = append(sc.merges, m)
				}
			}
		case 2:
			sc.complete = true
		case 3:
			if v, ok := attr(tag, "ref"); ok && sc.declared == "" {
				sc.declared = clipName(v)
			}
		}
	}, func() bool { return sc.tooLong })
	if err != nil {
		return nil, partError(zf, err)
	}
	sc.lastRow = max(sc.lastRow, rows)
	return sc, nil
}

// tooLongError refuses a sheet with more rows than Limits.MaxRows, by its
// name, before any row is read.
func tooLongError(sheet string, sc *sheetScan, lim Limits) error {
	zh := fmt.Sprintf("工作表「%s」超过 %d 行", sheet, lim.MaxRows)
	en := fmt.Sprintf("sheet %q holds more than %d rows", sheet, lim.MaxRows)
	if sc.declared != "" {
		zh += fmt.Sprintf("（声明的范围 %s）", sc.declared)
		en += fmt.Sprintf(" (its declared range is %s)", sc.declared)
	}
	return fileErr(ErrTooLarge, nil,
		zh+fmt.Sprintf("，超出导入上限（%d 条数据），未读取。请拆分后分批导入，或删去多余的空行。", lim.MaxRecords),
		en+fmt.Sprintf(", over the import limit (%d rows of data); not read. Split it and import the parts one by one, or delete the empty rows.", lim.MaxRecords))
}

func parseRange(ref string) (mergeRange, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return mergeRange{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil {
		return mergeRange{}, false
	}
	return mergeRange{min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)}, true
}

func countSharedStrings(zf *zip.File, lim Limits) (int, error) {
	cr, closer, err := openPart(zf, lim)
	if err != nil {
		return 0, err
	}
	defer closer.Close()
	n := 0
	s := partScanner{r: cr, size: int64(min(zf.UncompressedSize64, 1<<40))}
	if err := s.scan([]string{"si"}, func(int, []byte) { n++ }); err != nil {
		return 0, partError(zf, err)
	}
	return n, nil
}
