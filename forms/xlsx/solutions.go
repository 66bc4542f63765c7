package xlsx

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// Filled 《技术需求解决方案表》 workbooks (揭榜). Two layouts are read:
//
//   - a list: a header row (found in the first 30 rows, as for needs) with
//     解决方案简要介绍 and at least two more of the form's fields, then one
//     solution a row — what an organiser collecting many makes;
//   - the form itself (附件2): label cells (方案提供方单位名称, 联系人,
//     E-mail …) each with its value in the next cell to the right (or, for a
//     long one, the cell below) — one solution a sheet.
//
// Each solution names the need it answers by its number (需求编号: a card's
// 8-character number or the whole id) or its title (拟解决的需求名称); the
// caller resolves those against its needs (SolutionBatch.Resolve). Values
// are read as people write them (forms.ParseInput), then checked as a
// finished form; every problem names its sheet, row, column and field.

// Sheet roles of a solution import, in [SheetInfo].
const (
	RoleSolutions    = "solutions"     // one row a solution, under a header row
	RoleSolutionForm = "solution_form" // the 方案表 itself: one solution
)

// SolutionBatch is what an import of 方案表 workbooks read.
type SolutionBatch struct {
	// Solutions have Source excel and Status 已提交 unless a 方案状态
	// column (or label) gives another, new values only; their NeedID (and
	// ID) are set by Resolve.
	Solutions []*forms.Solution
	// Refs[i] is which need Solutions[i] answers, as written.
	Refs     []NeedRef
	Problems []Problem
	Sheets   []SheetInfo

	lang string
	bad  map[int]bool // solutions with an error of their own
	// noted are the fields of each solution with a problem noted already.
	noted map[int]map[string]bool
}

// NeedRef is a solution's need as its sheet names it.
type NeedRef struct {
	Number, Title string
	Sheet         string
	Row           int
	// NumberColumn and TitleColumn are where the number and title were
	// written (column letters).
	NumberColumn, TitleColumn string
}

// HasErrors reports whether any problem blocks the import.
func (b *SolutionBatch) HasErrors() bool { return slices.ContainsFunc(b.Problems, Problem.Error) }

// Errors returns the problems that block the import.
func (b *SolutionBatch) Errors() []Problem { return blocking(b.Problems) }

// Partial returns the batch without the solutions that have errors of
// their own (for an import with --partial). Problems are kept.
func (b *SolutionBatch) Partial() *SolutionBatch {
	out := &SolutionBatch{Problems: b.Problems, Sheets: b.Sheets, lang: b.lang, bad: map[int]bool{}, noted: map[int]map[string]bool{}}
	for i, s := range b.Solutions {
		if !b.bad[i] {
			out.Solutions = append(out.Solutions, s)
			out.Refs = append(out.Refs, b.Refs[i])
		}
	}
	return out
}

// NeedInfo is a need a solution may answer: what Resolve matches on.
type NeedInfo struct{ ID, Title string }

// Resolve finds each solution's need among needs: by its number (the
// first 8 letters or digits of the id, as a card prints it, or the whole
// id), else by its title (exactly, ignoring width and spaces). A solution
// whose need is not found, or whose title names several needs, is an error
// at its cell. A resolved solution gets its NeedID, and an ID made from its
// need, provider, contact and summary, so that importing a workbook again
// finds the solutions it made.
func (b *SolutionBatch) Resolve(needs []NeedInfo) {
	byNumber, byID, byTitle := map[string][]string{}, map[string]string{}, map[string][]string{}
	for _, n := range needs {
		byNumber[forms.ShortID(n.ID)] = append(byNumber[forms.ShortID(n.ID)], n.ID)
		byID[strings.ToLower(n.ID)] = n.ID
		k := titleKey(n.Title)
		byTitle[k] = append(byTitle[k], n.ID)
	}
	for i, s := range b.Solutions {
		r := b.Refs[i]
		fail := func(col, code, zh, en string) {
			b.addProblem(Problem{Sheet: r.Sheet, Row: r.Row, Column: col, Severity: forms.SeverityError, Code: code, ZH: zh, EN: en})
			b.bad[i] = true
		}
		var id string
		switch num := strings.TrimSpace(r.Number); {
		case num != "":
			if full, ok := byID[strings.ToLower(num)]; ok {
				id = full
				break
			}
			ids := byNumber[forms.ShortID(num)]
			if len(ids) != 1 || len(forms.ShortID(num)) != 8 {
				fail(r.NumberColumn, "need.unknown",
					fmt.Sprintf("需求编号“%s”不是已有需求的编号。", clipText(num, 40)),
					fmt.Sprintf("need number %q is no need's number.", clipText(num, 40)))
				continue
			}
			id = ids[0]
			if t := strings.TrimSpace(r.Title); t != "" && !slices.Contains(byTitle[titleKey(t)], id) {
				fail(r.TitleColumn, "need.mismatch",
					fmt.Sprintf("需求编号“%s”与拟解决的需求名称“%s”不是同一条需求。", clipText(num, 40), clipText(t, 40)),
					fmt.Sprintf("need number %q and need title %q are not the same need.", clipText(num, 40), clipText(t, 40)))
				continue
			}
		case strings.TrimSpace(r.Title) != "":
			t := strings.TrimSpace(r.Title)
			ids := byTitle[titleKey(t)]
			switch len(ids) {
			case 0:
				fail(r.TitleColumn, "need.unknown",
					fmt.Sprintf("没有名为“%s”的需求。", clipText(t, 40)),
					fmt.Sprintf("no need is titled %q.", clipText(t, 40)))
				continue
			case 1:
				id = ids[0]
			default:
				fail(r.TitleColumn, "need.ambiguous",
					fmt.Sprintf("有 %d 条需求名为“%s”，请填写需求编号。", len(ids), clipText(t, 40)),
					fmt.Sprintf("%d needs are titled %q: give the need number.", len(ids), clipText(t, 40)))
				continue
			}
		default:
			fail("", "need.missing", "没有写明拟解决的需求：请填写需求编号或拟解决的需求名称。",
				"the need it answers is not given: fill in the need number or the need's title.")
			continue
		}
		s.NeedID = id
		s.ID = solutionIdentity(s)
	}
}

// solutionIdentity is the id of an imported solution: the same need,
// provider, contact and summary, the same id.
func solutionIdentity(s *forms.Solution) string {
	h := sha256.New()
	for _, part := range []string{s.NeedID, s.Values.Get("provider_name"), s.Values.Get("solution_contact"), s.Values.Get("solution_summary")} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	sum := h.Sum(nil)
	return forms.NewIDFrom(binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16]))
}

func titleKey(s string) string { return strings.Join(strings.Fields(forms.Fold(s)), "") }

func (b *SolutionBatch) addProblem(p Problem) { b.Problems = append(b.Problems, p) }

// needTitleLabels and needNumberLabels name the cells of a 方案表 that say
// which need it answers, by forms.HeaderKey.
var (
	needTitleLabels  = headerKeys("拟解决的需求名称", "拟解决的需求", "拟解决需求名称", "需求名称", "技术需求名称", "对应需求", "揭榜需求")
	needNumberLabels = headerKeys(PlatformNeedIDHeader, "需求编号", "需求ID", "需求 ID", "需求号")
	// statusLabels name the cell of the solution's status (已提交 … 已签约,
	// 未采纳; forms.ParseSolutionStatus).
	statusLabels = headerKeys("方案状态", "状态", "揭榜状态", "对接状态", "对接进展", "进展")
)

func headerKeys(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[forms.HeaderKey(n)] = true
	}
	return m
}

// cellKind is what a cell of a 方案表 says, as a label.
type cellKind int

const (
	cellValue cellKind = iota
	cellField
	cellNeedTitle
	cellNeedNumber
	cellStatus
)

func labelOf(cat *forms.Catalogue, s string) (cellKind, *forms.Field) {
	if len(s) > 200 {
		return cellValue, nil
	}
	k := forms.HeaderKey(s)
	switch {
	case k == "":
		return cellValue, nil
	case needTitleLabels[k]:
		return cellNeedTitle, nil
	case needNumberLabels[k]:
		return cellNeedNumber, nil
	case statusLabels[k]:
		return cellStatus, nil
	}
	if f, ok := cat.SolutionFieldByHeader(s); ok {
		return cellField, f
	}
	return cellValue, nil
}

// ReadSolutionsFile imports the 方案表 workbook at path; see ReadSolutions.
func ReadSolutionsFile(ctx context.Context, path string, opt Options) (*SolutionBatch, error) {
	return withFile(path, func(r io.ReaderAt, size int64) (*SolutionBatch, error) { return ReadSolutions(ctx, r, size, opt) })
}

// ReadSolutions imports a workbook of filled 《技术需求解决方案表》 of size
// bytes, under the limits of Options (Sheet picks one sheet). It returns a
// *FileError for a file that cannot be read, or that holds no sheet in
// either layout (ErrNoData); everything else is a Problem in the batch.
func ReadSolutions(ctx context.Context, r io.ReaderAt, size int64, opt Options) (b *SolutionBatch, err error) {
	if recoverPanics {
		defer func() {
			if p := recover(); p != nil {
				b = nil
				err = fileErr(ErrDamaged, fmt.Errorf("excelize panic: %v\n%s", p, debug.Stack()),
					"工作簿已损坏，无法读取。", "the workbook is damaged and cannot be read.")
			}
		}()
	}
	rd, closeFn, err := openForSolutions(ctx, r, size, opt)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	b = &SolutionBatch{lang: opt.Lang, bad: map[int]bool{}, noted: map[int]map[string]bool{}}
	names, err := rd.sheetNames()
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		rows, err := rd.sheetRows(name)
		if err != nil {
			return nil, err
		}
		info := SheetInfo{Name: name, Role: RoleSkipped}
		switch hdr, ok := solutionHeader(rd.cat, rows); {
		case ok:
			info.Role, info.HeaderRow = RoleSolutions, rows[hdr].row
			info.Records = b.readSolutionList(rd, name, rows, hdr, &info)
		case isSolutionForm(rd.cat, rows):
			info.Role, info.Records = RoleSolutionForm, 1
			b.readSolutionForm(rd, name, rows)
		}
		b.Sheets = append(b.Sheets, info)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if len(b.Solutions) == 0 {
		return nil, fileErr(ErrNoData, nil,
			"没有找到《技术需求解决方案表》：应有“方案提供方单位名称”“联系人”“解决方案简要介绍”等栏目（表头在前 30 行内，或按方案表的格式左边是栏目名、右边是内容）。",
			"no 《技术需求解决方案表》 found: a header (in the first 30 rows) or label cells such as 方案提供方单位名称, 联系人, 解决方案简要介绍 are expected.")
	}
	return b, nil
}

// IsSolutionWorkbook reports whether the workbook at path holds a filled
// 《技术需求解决方案表》 in either layout, looking at its sheets' first rows
// only: what `xunbang import` decides by.
func IsSolutionWorkbook(ctx context.Context, path string, opt Options) (ok bool, err error) {
	if recoverPanics {
		defer func() {
			if p := recover(); p != nil {
				ok, err = false, nil
			}
		}()
	}
	fh, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return false, err
	}
	rd, closeFn, err := openForSolutions(ctx, fh, st.Size(), opt)
	if err != nil {
		return false, nil // the needs' reader says what is wrong with it
	}
	defer closeFn()
	return rd.holdsSolutions(), nil
}

// holdsSolutions reports whether a sheet of the workbook (Options.Sheet's,
// or any visible one) is a list or a form of 《技术需求解决方案表》: a sheet
// that cannot be read says no, and the reader of needs says what is wrong.
func (rd *reader) holdsSolutions() bool {
	names, err := rd.sheetNames()
	if err != nil {
		return false
	}
	for _, name := range names {
		rows, err := rd.sheetRowsUpTo(name, headerScanRows)
		if err != nil {
			return false
		}
		if _, ok := solutionHeader(rd.cat, rows); ok || isSolutionForm(rd.cat, rows) {
			return true
		}
	}
	return false
}

// openForSolutions checks and opens a workbook for the solution reader.
func openForSolutions(ctx context.Context, r io.ReaderAt, size int64, opt Options) (*reader, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	lim := opt.Limits.withDefaults()
	info, err := inspect(r, size, lim)
	if err != nil {
		return nil, nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		RawCellValue: true, UnzipSizeLimit: lim.MaxUnzipSize, UnzipXMLSizeLimit: lim.InMemoryPart,
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, nil, fileErr(ErrDamaged, err, "工作簿已损坏，无法打开（"+clipName(err.Error())+"）。", "the workbook is damaged and cannot be opened ("+clipName(err.Error())+").")
	}
	return newReader(ctx, f, info, opt, lim), func() { _ = f.Close() }, nil
}

// sheetNames returns the sheets to read: Options.Sheet, or every visible one.
func (rd *reader) sheetNames() ([]string, error) {
	sheets := rd.f.GetSheetList()
	if rd.opt.Sheet != "" {
		name, ok := findSheet(sheets, rd.opt.Sheet)
		if !ok {
			return nil, fileErr(ErrNoData, nil,
				fmt.Sprintf("没有名为「%s」的工作表（现有：%s）。", rd.opt.Sheet, strings.Join(sheets, "、")),
				fmt.Sprintf("there is no sheet named %q (there are: %s).", rd.opt.Sheet, strings.Join(sheets, ", ")))
		}
		return []string{name}, nil
	}
	var out []string
	for _, s := range sheets {
		if vis, err := rd.f.GetSheetVisible(s); err == nil && !vis {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// sheetRows reads a sheet's non-empty rows, vertically merged cells filled,
// up to MaxRecords rows and until MaxEmptyRun empty rows in a row.
func (rd *reader) sheetRows(name string) ([]bufRow, error) {
	return rd.sheetRowsUpTo(name, rd.lim.MaxRecords+headerScanRows)
}

func (rd *reader) sheetRowsUpTo(name string, limit int) ([]bufRow, error) {
	p := &sheetPlan{name: name, scan: rd.info.sheets[name]}
	if p.scan != nil && len(p.scan.merges) > 0 {
		p.startRows = map[int][]mergeRange{}
		for _, m := range p.scan.merges {
			if m.r2 > m.r1 {
				p.startRows[m.r1] = append(p.startRows[m.r1], m)
			}
		}
	}
	src, err := rd.openRows(p)
	if err != nil {
		return nil, err
	}
	defer src.close()
	var out []bufRow
	empty := 0
	for src.row < limit {
		if err := rd.ctx.Err(); err != nil {
			return nil, err
		}
		cells, ok, err := src.next()
		if err != nil {
			return nil, damagedSheet(name, err)
		}
		if !ok {
			break
		}
		if !slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			if empty++; empty > rd.lim.MaxEmptyRun {
				break
			}
			continue
		}
		empty = 0
		out = append(out, bufRow{row: src.row, cells: cells})
	}
	return out, nil
}

// solutionHeader finds the header row of a list of solutions among the
// first rows: the one naming most of the form's fields, with
// 解决方案简要介绍 and two more, most of its cells labels (a row of the form
// itself alternates labels and values).
func solutionHeader(cat *forms.Catalogue, rows []bufRow) (int, bool) {
	best, bestN := -1, 0
	for i, r := range rows {
		if r.row > headerScanRows {
			break
		}
		fields, labels, filled := map[string]bool{}, 0, 0
		for _, c := range r.cells {
			if strings.TrimSpace(c) == "" {
				continue
			}
			filled++
			k, f := labelOf(cat, c)
			if k != cellValue {
				labels++
			}
			if f != nil {
				fields[f.ID] = true
			}
		}
		if fields["solution_summary"] && len(fields) >= 3 && labels*10 >= filled*6 && len(fields) > bestN {
			best, bestN = i, len(fields)
		}
	}
	return best, best >= 0
}

// isSolutionForm reports whether a sheet is the 方案表 itself: label cells
// of at least four of its fields, 解决方案简要介绍 among them.
func isSolutionForm(cat *forms.Catalogue, rows []bufRow) bool {
	fields := map[string]bool{}
	for _, r := range rows {
		for _, c := range r.cells {
			if _, f := labelOf(cat, c); f != nil {
				fields[f.ID] = true
			}
		}
	}
	return fields["solution_summary"] && len(fields) >= 4
}

// listColumn is a mapped column of a list of solutions.
type listColumn struct {
	idx    int
	letter string
	kind   cellKind
	field  *forms.Field
}

// listColumns maps a header row: the form's fields (the first column of
// each), the need's number and title. It returns them with the column
// letter of each field and the index of the summary's column (-1 if none).
func listColumns(cat *forms.Catalogue, header []string, info *SheetInfo) ([]listColumn, map[string]string, int) {
	var cols []listColumn
	byField := map[string]string{}
	summaryIdx := -1
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			continue
		}
		letter, _ := excelize.ColumnNumberToName(i + 1)
		k, f := labelOf(cat, h)
		ci := ColumnInfo{Column: letter, Header: h}
		if k == cellValue || f != nil && byField[f.ID] != "" {
			info.Columns = append(info.Columns, ci)
			continue
		}
		switch k {
		case cellField:
			ci.Field = f.ID
			byField[f.ID] = letter
			if f.ID == "solution_summary" {
				summaryIdx = i
			}
		case cellNeedNumber:
			ci.Field = ColumnNeedID
		case cellNeedTitle:
			ci.Field = "need_title"
		case cellStatus:
			ci.Field = ColumnSolutionStatus
		}
		info.Columns = append(info.Columns, ci)
		cols = append(cols, listColumn{i, letter, k, f})
	}
	return cols, byField, summaryIdx
}

// readSolutionList reads the rows under a header row as solutions, and
// returns how many.
func (b *SolutionBatch) readSolutionList(rd *reader, sheet string, rows []bufRow, hdr int, info *SheetInfo) int {
	cols, byField, summaryIdx := listColumns(rd.cat, rows[hdr].cells, info)
	n := 0
	for _, r := range rows[hdr+1:] {
		if footerKind(r.cells, summaryIdx) != "" || sameHeader(rows[hdr].cells, r.cells) {
			continue
		}
		if len(b.Solutions) >= rd.lim.MaxRecords {
			b.addProblem(Problem{Sheet: sheet, Row: r.row, Severity: forms.SeverityError, Code: "records.limit",
				ZH: fmt.Sprintf("方案超过 %d 份，其余未读取。", rd.lim.MaxRecords), EN: fmt.Sprintf("more than %d solutions; the rest were not read.", rd.lim.MaxRecords)})
			break
		}
		b.readListRow(rd, sheet, r, cols, byField)
		n++
	}
	return n
}

// readListRow reads one row of a list as a solution.
func (b *SolutionBatch) readListRow(rd *reader, sheet string, r bufRow, cols []listColumn, byField map[string]string) {
	sol := newImported()
	ref := NeedRef{Sheet: sheet, Row: r.row}
	i := len(b.Solutions)
	for _, c := range cols {
		raw := ""
		if c.idx < len(r.cells) {
			raw = r.cells[c.idx]
		}
		switch c.kind {
		case cellNeedNumber:
			ref.Number, ref.NumberColumn = strings.TrimSpace(raw), c.letter
		case cellNeedTitle:
			ref.Title, ref.TitleColumn = strings.TrimSpace(raw), c.letter
		case cellStatus:
			b.readStatus(sol, i, raw, sheet, r.row, c.letter)
		case cellField:
			b.readCell(rd, sol, i, c.field, raw, sheet, r.row, c.letter)
		}
	}
	b.finishSolution(rd, sol, ref, i, byField)
}

// sameHeader reports whether a row repeats the header (a list pasted twice).
func sameHeader(hdr, cells []string) bool {
	if len(cells) == 0 {
		return false
	}
	same := 0
	for i, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			if i >= len(hdr) || forms.HeaderKey(hdr[i]) != forms.HeaderKey(c) {
				return false
			}
			same++
		}
	}
	return same > 1
}

// readSolutionForm reads a sheet laid out as the 方案表: each label's value
// is the next cell to its right that is not a label, else the cell below.
func (b *SolutionBatch) readSolutionForm(rd *reader, sheet string, rows []bufRow) {
	sol := newImported()
	i := len(b.Solutions)
	ref := NeedRef{Sheet: sheet}
	byField := map[string]string{}
	for ri, r := range rows {
		for ci, c := range r.cells {
			k, f := labelOf(rd.cat, c)
			if k == cellValue {
				continue
			}
			if ref.Row == 0 {
				ref.Row = r.row
			}
			val, vrow, vcol := formValue(rd.cat, rows, ri, ci)
			letter, _ := excelize.ColumnNumberToName(vcol + 1)
			switch k {
			case cellNeedNumber:
				ref.Number, ref.NumberColumn = strings.TrimSpace(val), letter
			case cellNeedTitle:
				ref.Title, ref.TitleColumn = strings.TrimSpace(val), letter
			case cellStatus:
				b.readStatus(sol, i, val, sheet, vrow, letter)
			case cellField:
				if byField[f.ID] != "" {
					continue
				}
				byField[f.ID] = letter
				b.readCell(rd, sol, i, f, val, sheet, vrow, letter)
			}
		}
	}
	b.finishSolution(rd, sol, ref, i, byField)
}

// formValue returns the value of the label at rows[ri].cells[ci], with its
// row number and 0-based column.
func formValue(cat *forms.Catalogue, rows []bufRow, ri, ci int) (string, int, int) {
	cells := rows[ri].cells
	for j := ci + 1; j < len(cells); j++ {
		if strings.TrimSpace(cells[j]) == "" {
			continue
		}
		if k, _ := labelOf(cat, cells[j]); k != cellValue {
			break
		}
		return cells[j], rows[ri].row, j
	}
	if ri+1 < len(rows) && rows[ri+1].row == rows[ri].row+1 && ci < len(rows[ri+1].cells) {
		if c := rows[ri+1].cells[ci]; strings.TrimSpace(c) != "" {
			if k, _ := labelOf(cat, c); k == cellValue {
				return c, rows[ri+1].row, ci
			}
		}
	}
	return "", rows[ri].row, min(ci+1, len(cells))
}

func newImported() *forms.Solution {
	return &forms.Solution{Status: forms.SolutionSubmitted, Source: forms.SourceExcel, Values: forms.Values{}}
}

// ColumnSolutionStatus is the ColumnInfo.Field of a solution list's
// 方案状态 column.
const ColumnSolutionStatus = "solution_status"

// readStatus reads a solution's status (a label such as 已签约, or its id);
// an empty cell leaves it 已提交, one that names no status is an error.
func (b *SolutionBatch) readStatus(sol *forms.Solution, i int, raw, sheet string, row int, letter string) {
	t := strings.TrimSpace(raw)
	if t == "" {
		return
	}
	st, err := forms.ParseSolutionStatus(t)
	if err != nil {
		var names []string
		for _, s := range forms.SolutionStatuses {
			names = append(names, s.Label("zh"))
		}
		b.cellProblem(cellProblem{field: ColumnSolutionStatus, severity: forms.SeverityError, code: "status",
			zh: fmt.Sprintf("方案状态“%s”无法识别（可填：%s）。", clipText(t, 20), strings.Join(names, "、")),
			en: fmt.Sprintf("solution status %q is not known (one of: %s).", clipText(t, 20), strings.Join(names, ", "))}, i, sheet, row, letter)
		return
	}
	sol.Status = st
}

// readCell reads one cell into a solution, noting its problems at the cell.
func (b *SolutionBatch) readCell(rd *reader, sol *forms.Solution, i int, f *forms.Field, raw, sheet string, row int, letter string) {
	if n := len([]rune(raw)); n > rd.lim.MaxCellChars {
		raw = string([]rune(raw)[:rd.lim.MaxCellChars])
	}
	if f.Kind == forms.KindLongText {
		if s := strings.TrimSpace(raw); s != "" {
			sol.Values.Set(f.ID, s)
			for _, p := range rd.cat.CheckField(f, sol.Values.List(f.ID)) {
				b.cellProblem(fromForms(rd.cat, p), i, sheet, row, letter)
			}
		}
		return
	}
	for _, cp := range parseCell(rd.cat, sol.Values, f, raw) {
		b.cellProblem(cp, i, sheet, row, letter)
	}
}

func (b *SolutionBatch) cellProblem(cp cellProblem, i int, sheet string, row int, letter string) {
	b.addProblem(Problem{Sheet: sheet, Row: row, Column: letter, Field: cp.field, Severity: cp.severity, Code: cp.code, ZH: cp.zh, EN: cp.en})
	if cp.severity == forms.SeverityError {
		b.bad[i] = true
	}
	if b.noted[i] == nil {
		b.noted[i] = map[string]bool{}
	}
	b.noted[i][cp.field] = true
}

// finishSolution checks a read solution as a finished form (what is
// missing, the phone) and adds it to the batch.
func (b *SolutionBatch) finishSolution(rd *reader, sol *forms.Solution, ref NeedRef, i int, byField map[string]string) {
	for _, p := range rd.cat.ValidateSolution(sol, forms.Final) {
		if b.noted[i][p.Field] || p.Code != "required" && p.Code != "phone" {
			continue // a cell's own problem is noted already
		}
		b.cellProblem(fromForms(rd.cat, p), i, ref.Sheet, ref.Row, byField[p.Field])
	}
	b.Solutions = append(b.Solutions, sol)
	b.Refs = append(b.Refs, ref)
}

// Messages returns every problem with its location, in the language of
// Options.Lang.
func (b *SolutionBatch) Messages() []string {
	out := make([]string, len(b.Problems))
	for i, p := range b.Problems {
		out[i] = p.Message(b.lang)
	}
	return out
}
