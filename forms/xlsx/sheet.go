package xlsx

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// headerScanRows is how far down a sheet the header is looked for.
const headerScanRows = 30

// reader is one import in progress.
type reader struct {
	ctx   context.Context
	f     *excelize.File
	info  *pkgInfo
	opt   Options
	lim   Limits
	cat   *forms.Catalogue
	batch *Batch

	records       int
	dropped       int
	droppedErrors bool

	ents         []*entState // in the order started
	packs        *spill      // the settled enterprises (entState.ref)
	packBuf      []byte      // an enterprise being packed or unpacked
	packErr      error       // the first error packing or unpacking an enterprise
	byCode       map[string]*entState
	byName       map[string]*entState
	haveEntSheet bool
	needIDs      map[needKey]Origin // need ids read so far, where from

	regionCache map[string]regionResult
	order       map[string]int // field id → catalogue position

	// For Options.Progress: the rows of all sheets to read (0 when
	// unknown) and those of the sheets read so far.
	rowsTotal, rowsBefore int
}

// entState is an enterprise being assembled from rows.
//
// Its maps are made when first written. Once rows go on to another
// enterprise, settle packs it: the enterprise is kept encoded on disk, in
// the reader's spill of enterprises (a few hundred bytes where the decoded
// record took over two thousand), with what the needs read back want of
// it (what it lacks), and raw and contacts — which only spare work while
// the enterprise's rows come together — are dropped (issue 17: a workbook
// of 200,000 rows names some 80,000 enterprises, which took 33 MB packed
// in memory). An enterprise named again later is woken (read back and
// decoded) and read as if for the first time, its values checked against
// what it has.
type entState struct {
	e   *forms.Enterprise // nil while packed
	ref packRef           // the enterprise in rd.packs, while settled
	// id, name and code are the enterprise's ID, name and credit code,
	// for finding it by them while it is packed.
	id, name, code string
	// missing is what the enterprise lacks to be complete
	// (forms.ToComplete), as of its last settling (every enterprise is
	// settled once the rows are read: reader.finish).
	missing  []string
	origin   Origin
	fromRow  map[string]Origin // field id → where its value came from, unless origin
	raw      map[string]string // field id → the cell text last read for it
	contacts map[string]string // a row's contact cells → contact ID
}

// from returns where the value of field id came from.
func (es *entState) from(id string) Origin {
	if o, ok := es.fromRow[id]; ok {
		return o
	}
	return es.origin
}

// setFrom notes where the value of field id came from.
func (es *entState) setFrom(id string, o Origin) {
	if o == es.origin {
		delete(es.fromRow, id)
		return
	}
	if es.fromRow == nil {
		es.fromRow = map[string]Origin{}
	}
	es.fromRow[id] = o
}

// setRaw notes the cell text read for field id.
func (es *entState) setRaw(id, raw string) {
	if es.raw == nil {
		es.raw = map[string]string{}
	}
	es.raw[id] = raw
}

// noteContact notes the contact a row's contact cells stand for.
func (es *entState) noteContact(key, id string) {
	if es.contacts == nil {
		es.contacts = map[string]string{}
	}
	es.contacts[key] = id
}

// settle packs the enterprise (see entState).
func (rd *reader) settle(es *entState) {
	if es.e == nil {
		return
	}
	es.missing = forms.ToComplete(rd.cat.ValidateEnterprise(es.e, forms.Final))
	p, err := packReadEnterprise(rd.packBuf[:0], es.e)
	if err == nil && rd.packs == nil {
		rd.packs, err = newSpill()
	}
	if err != nil {
		rd.packErr = cmp.Or(rd.packErr, fmt.Errorf("xlsx: keep enterprise %s: %w", es.e.ID, err))
		return
	}
	rd.packBuf = p
	es.e, es.ref, es.raw, es.contacts = nil, rd.packs.put(p), nil, nil
}

// wake unpacks a settled enterprise.
func (rd *reader) wake(es *entState) {
	if es.e != nil {
		return
	}
	p, err := rd.packs.get(es.ref, rd.packBuf)
	var e *forms.Enterprise
	if err == nil {
		rd.packBuf = p
		e, err = unpackReadEnterprise(p)
	}
	if err != nil {
		rd.packErr = cmp.Or(rd.packErr, fmt.Errorf("xlsx: read back enterprise: %w", err))
		e = &forms.Enterprise{ID: es.id, Values: forms.Values{}}
	}
	es.e = e
}

func newReader(ctx context.Context, f *excelize.File, info *pkgInfo, opt Options, lim Limits) *reader {
	cat := forms.Default()
	rd := &reader{
		ctx: ctx, f: f, info: info, opt: opt, lim: lim, cat: cat,
		batch:       &Batch{Origins: map[string]Origin{}, lang: opt.Lang, bad: map[string]bool{}},
		byCode:      map[string]*entState{},
		byName:      map[string]*entState{},
		needIDs:     map[needKey]Origin{},
		regionCache: map[string]regionResult{},
		order:       map[string]int{},
	}
	for i, fd := range cat.Fields() {
		rd.order[fd.ID] = i
	}
	return rd
}

// column is a mapped column of a sheet.
type column struct {
	idx    int // 0-based
	letter string
	header string
	field  *forms.Field
	// yuan: a money column whose header gives its unit as 元 (意向投入（元）);
	// its amounts are turned into 万元.
	yuan bool
}

// yuanHeader reports whether a money column's header says its unit is 元
// rather than 万元.
func yuanHeader(h string) bool {
	h = forms.Fold(h)
	return strings.Contains(h, "元") && !strings.Contains(h, "万元") && !strings.Contains(h, "万")
}

// sheetPlan is how a sheet will be read.
type sheetPlan struct {
	name      string
	role      string
	headerRow int
	cols      []column // mapped columns, in sheet order
	byField   map[string]int
	titleCol  int // index into cols of the need title, -1 if none
	idCol     needIDColumn
	platNo    needIDColumn // a 需求编号 beside the id column: the platform's number
	ignored   []ColumnInfo
	info      *SheetInfo
	scan      *sheetScan
	startRows map[int][]mergeRange // vertical merges by first row
	src       *rowSource           // open from plan to readSheet
}

func (rd *reader) run() error {
	sheets := rd.f.GetSheetList()
	if len(sheets) == 0 {
		return fileErr(ErrDamaged, nil, "工作簿中没有工作表。", "the workbook holds no sheets.")
	}
	var names []string
	if rd.opt.Sheet != "" {
		name, ok := findSheet(sheets, rd.opt.Sheet)
		if !ok {
			return fileErr(ErrNoData, nil,
				fmt.Sprintf("没有名为「%s」的工作表（现有：%s）。", rd.opt.Sheet, strings.Join(sheets, "、")),
				fmt.Sprintf("there is no sheet named %q (there are: %s).", rd.opt.Sheet, strings.Join(sheets, ", ")))
		}
		names = []string{name}
	} else {
		for _, s := range sheets {
			if vis, err := rd.f.GetSheetVisible(s); err == nil && !vis {
				rd.batch.Sheets = append(rd.batch.Sheets, SheetInfo{Name: s, Role: RoleSkipped})
				continue
			}
			names = append(names, s)
		}
	}
	var plans []*sheetPlan
	defer func() {
		for _, p := range plans {
			_ = p.src.close()
		}
	}()
	for _, name := range names {
		if sc := rd.info.sheets[name]; sc != nil && sc.tooLong {
			return tooLongError(name, sc, rd.lim)
		}
		p, err := rd.plan(name)
		if err != nil {
			return err
		}
		rd.batch.Sheets = append(rd.batch.Sheets, *p.info)
		p.info = &rd.batch.Sheets[len(rd.batch.Sheets)-1]
		if p.role != RoleSkipped {
			plans = append(plans, p)
		} else if p.headerRow == 0 && rd.opt.Sheet == "" && len(names) > 1 {
			// A sheet of notes or option lists beside the data: say so quietly.
			rd.addProblem(Problem{Sheet: name, Severity: forms.SeverityWarning, Code: "sheet.skipped",
				ZH: "没有找到可识别的表头，已跳过此工作表。", EN: "no recognisable header found; sheet skipped."})
		}
	}
	// Pointers into batch.Sheets are stable only once it stops growing.
	for _, p := range plans {
		for i := range rd.batch.Sheets {
			if rd.batch.Sheets[i].Name == p.name {
				p.info = &rd.batch.Sheets[i]
			}
		}
	}
	if len(plans) == 0 {
		return fileErr(ErrNoData, nil,
			"没有找到可识别的表头：表头应包含“企业名称”“需求名称”“需求类型”等栏目（前 30 行内）。",
			"no recognisable header found: a header row with columns such as 企业名称, 需求名称, 需求类型 is expected within the first 30 rows.")
	}
	for _, p := range plans {
		if p.scan == nil {
			rd.rowsTotal = 0
			break
		}
		rd.rowsTotal += p.scan.lastRow
	}
	// Enterprise sheets first, so that need sheets can join them.
	for _, role := range []string{RoleEnterprises, RoleNeeds} {
		for _, p := range plans {
			if p.role != role {
				continue
			}
			if role == RoleEnterprises {
				rd.haveEntSheet = true
			}
			if err := rd.readSheet(p); err != nil {
				return err
			}
		}
	}
	rd.finish()
	if rd.opt.Progress != nil {
		rd.opt.Progress(max(rd.rowsTotal, rd.rowsBefore), rd.rowsTotal)
	}
	return nil
}

// progress reports that row of the sheet p is read.
func (rd *reader) progress(p *sheetPlan, row int) {
	if rd.rowsTotal > 0 {
		row = min(row, p.scan.lastRow)
	}
	rd.opt.Progress(rd.rowsBefore+row, rd.rowsTotal)
}

// sheetRead counts the rows of sheet p, read through row, as read.
func (rd *reader) sheetRead(p *sheetPlan, row int) {
	if rd.rowsTotal > 0 {
		row = p.scan.lastRow
	}
	rd.rowsBefore += row
}

func findSheet(sheets []string, want string) (string, bool) {
	for _, s := range sheets {
		if s == want {
			return s, true
		}
	}
	k := forms.HeaderKey(want)
	for _, s := range sheets {
		if forms.HeaderKey(s) == k || strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(want)) {
			return s, true
		}
	}
	return "", false
}

// rowSource yields a sheet's rows with vertically merged cells filled in
// from their top cell, cut to MaxColumns. The rows read while looking for
// the header are replayed to the reader, so that no row is decoded twice.
type rowSource struct {
	rows    *excelize.Rows
	plain   *plainRows // reading instead of rows while the sheet is plain XML
	f       *excelize.File
	name    string
	read    int // rows read from the sheet
	row     int // the number of the row last returned
	maxCols int
	starts  map[int][]mergeRange
	active  []fill
	replay  []bufRow
	record  bool // keep what is read for replay
}

type bufRow struct {
	row   int
	cells []string
}

type fill struct {
	col, until int // 0-based column, last row
	val        string
}

func (rd *reader) openRows(p *sheetPlan) (*rowSource, error) {
	s := &rowSource{f: rd.f, name: p.name, maxCols: rd.lim.MaxColumns, starts: p.startRows}
	if p.scan != nil && !plainOff {
		if pr, err := openPlainRows(p.scan.plain, rd.info.sst, rd.lim.InMemoryPart); err == nil {
			s.plain = pr
			return s, nil
		}
	}
	return s, s.openExcelize(0)
}

// plainOff turns plainRows off, for tests that compare it with excelize.
var plainOff = false

// openExcelize opens the sheet's rows with excelize, past the first skip
// rows (those plainRows handed out before it fell back).
func (s *rowSource) openExcelize(skip int) error {
	rows, err := s.f.Rows(s.name)
	if err != nil {
		return fileErr(ErrDamaged, err,
			fmt.Sprintf("工作表「%s」无法读取。", s.name), fmt.Sprintf("sheet %q cannot be read.", s.name))
	}
	s.rows = rows
	for range skip {
		if !rows.Next() {
			return fmt.Errorf("xlsx: sheet %q: excelize ends before row %d, where the plain reader went on", s.name, skip)
		}
		if _, err := rows.Columns(); err != nil {
			return err
		}
	}
	return nil
}

// pull reads the next row from the sheet: with plainRows until it meets
// XML it leaves to excelize, then with excelize from that row on.
func (s *rowSource) pull() ([]string, bool, error) {
	if s.plain != nil {
		cells, ok, err := s.plain.next()
		if !errors.Is(err, errNotPlain) {
			return cells, ok, err
		}
		slog.Debug("xlsx: the rest of the sheet is read by excelize", "sheet", s.name, "row", s.read+1)
		_ = s.plain.close()
		s.plain = nil
		if err := s.openExcelize(s.read); err != nil {
			return nil, false, err
		}
	}
	if !s.rows.Next() {
		return nil, false, nil
	}
	cells, err := s.rows.Columns()
	return cells, err == nil, err
}

// next returns the next row's cells (nil for an empty row) or false at the end.
func (s *rowSource) next() ([]string, bool, error) {
	if !s.record && len(s.replay) > 0 {
		r := s.replay[0]
		s.replay = s.replay[1:]
		s.row = r.row
		return r.cells, true, nil
	}
	cells, ok, err := s.pull()
	if err != nil || !ok {
		return nil, false, err
	}
	s.read++
	s.row = s.read
	if len(cells) > s.maxCols {
		cells = cells[:s.maxCols]
	}
	if len(s.starts) > 0 {
		cells = s.fill(cells)
	}
	if s.record {
		s.replay = append(s.replay, bufRow{s.row, cells})
	}
	return cells, true, nil
}

// fill fills cells inside a vertical merge from the merge's top cell.
func (s *rowSource) fill(cells []string) []string {
	keep := s.active[:0]
	for _, a := range s.active {
		if a.until >= s.read {
			keep = append(keep, a)
		}
	}
	s.active = keep
	for _, a := range s.active {
		if a.col >= s.maxCols {
			continue
		}
		for len(cells) <= a.col {
			cells = append(cells, "")
		}
		if cells[a.col] == "" {
			cells[a.col] = a.val
		}
	}
	for _, m := range s.starts[s.read] {
		c := m.c1 - 1
		if c < len(cells) && cells[c] != "" && len(s.active) < 4096 {
			s.active = append(s.active, fill{col: c, until: m.r2, val: cells[c]})
		}
	}
	return cells
}

func (s *rowSource) close() error {
	if s != nil && s.plain != nil {
		_ = s.plain.close()
		s.plain = nil
	}
	if s == nil || s.rows == nil {
		return nil
	}
	err := s.rows.Close()
	if err2 := s.rows.Error(); err == nil {
		err = err2
	}
	s.rows = nil
	return err
}

// plan finds a sheet's header row and maps its columns.
func (rd *reader) plan(name string) (*sheetPlan, error) {
	p := &sheetPlan{name: name, role: RoleSkipped, titleCol: -1, idCol: needIDColumn{idx: -1}, platNo: needIDColumn{idx: -1}, byField: map[string]int{}, scan: rd.info.sheets[name]}
	p.info = &SheetInfo{Name: name, Role: RoleSkipped}
	rd.indexMerges(p)
	src, err := rd.openRows(p)
	if err != nil {
		return nil, err
	}
	headerRow, header, err := findHeader(rd.cat, src)
	if err != nil {
		_ = src.close()
		return nil, damagedSheet(name, err)
	}
	if headerRow == 0 {
		if err := src.close(); err != nil {
			return nil, damagedSheet(name, err)
		}
		return p, nil
	}
	p.src = src // kept open for readSheet, which replays the rows read so far
	p.headerRow = headerRow
	p.info.HeaderRow = headerRow
	needCols := rd.mapColumns(p, header)
	_, hasTitle := p.byField["title"]
	_, hasName := p.byField["enterprise_name"]
	_, hasCode := p.byField["credit_code"]
	switch {
	case hasTitle || needCols >= 2:
		p.role = RoleNeeds
	case hasName || hasCode:
		p.role = RoleEnterprises
		p.keepEnterpriseColumns()
	default:
		_ = src.close()
		p.src = nil
		return p, nil
	}
	if i, ok := p.byField["title"]; ok {
		p.titleCol = i
	}
	p.info.Role = p.role
	rd.reportIgnoredColumns(p)
	return p, nil
}

// indexMerges keeps a sheet's vertical merges by their first row, for
// filling the cells below, warning when there were too many to keep.
func (rd *reader) indexMerges(p *sheetPlan) {
	if p.scan == nil {
		return
	}
	if p.scan.mergesCut {
		rd.addProblem(Problem{Sheet: p.name, Severity: forms.SeverityWarning, Code: "merges.cut",
			ZH: fmt.Sprintf("工作表有超过 %d 个合并单元格，只按前 %d 个补全了合并区域的内容。", maxMerges, maxMerges),
			EN: fmt.Sprintf("the sheet has more than %d merged ranges; only the first %d were used to fill merged cells.", maxMerges, maxMerges)})
	}
	if len(p.scan.merges) == 0 {
		return
	}
	p.startRows = map[int][]mergeRange{}
	for _, m := range p.scan.merges {
		if m.r2 > m.r1 {
			p.startRows[m.r1] = append(p.startRows[m.r1], m)
		}
	}
}

// findHeader reads the first rows of a sheet, for replay, and returns the
// row that names the most fields (at least two) and its cells; row 0 when
// none does. Of two rows naming as many, the later wins only directly
// below the other: the sub-header of a two-row header (联系人 over 姓名 |
// 手机).
func findHeader(cat *forms.Catalogue, src *rowSource) (row int, cells []string, err error) {
	src.record = true
	defer func() { src.record = false }()
	best := 0
	for src.row < headerScanRows {
		got, ok, err := src.next()
		if err != nil {
			return 0, nil, err
		}
		if !ok {
			break
		}
		n := countHeaderFields(cat, got)
		if n < 2 {
			continue
		}
		if n > best || n == best && src.row == row+1 {
			row, cells, best = src.row, append([]string(nil), got...), n
		}
	}
	return row, cells, nil
}

// mapColumns maps the header's columns to fields, need-id columns and
// ignored ones, recording each in p.info.Columns, and returns how many need
// fields it mapped. A column that a platform upload sheet xunbang wrote
// holds only in part is not read; of two columns of one field, the first.
func (rd *reader) mapColumns(p *sheetPlan, header []string) (needCols int) {
	lossy := rd.partialColumns(p.name, p.headerRow, header)
	var idCands []idCand
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		letter, _ := excelize.ColumnNumberToName(i + 1)
		f, ok := headerField(rd.cat, h)
		ci := ColumnInfo{Column: letter, Header: h}
		if lossy[i] {
			p.info.Columns = append(p.info.Columns, ci)
			continue
		}
		if c, isID := needIDHeader(h); !ok && isID {
			c.idx, c.letter, c.header = i, letter, h
			idCands = append(idCands, idCand{c, len(p.info.Columns)})
			p.info.Columns = append(p.info.Columns, ci)
			continue
		}
		if !ok {
			p.ignored = append(p.ignored, ci)
			p.info.Columns = append(p.info.Columns, ci)
			continue
		}
		if j, dup := p.byField[f.ID]; dup {
			rd.addProblem(Problem{Sheet: p.name, Row: p.headerRow, Column: letter, Field: f.ID, Severity: forms.SeverityWarning, Code: "column.duplicate",
				ZH: fmt.Sprintf("「%s」列与 %s 列都对应「%s」，只读取 %s 列。", h, p.cols[j].letter, f.ZH, p.cols[j].letter),
				EN: fmt.Sprintf("column %q and column %s both map to %s; only column %s is read.", h, p.cols[j].letter, f.EN, p.cols[j].letter)})
			p.info.Columns = append(p.info.Columns, ci)
			continue
		}
		ci.Field = f.ID
		p.info.Columns = append(p.info.Columns, ci)
		p.byField[f.ID] = len(p.cols)
		p.cols = append(p.cols, column{idx: i, letter: letter, header: h, field: f, yuan: f.Kind == forms.KindMoney && yuanHeader(h)})
		if f.Entity == forms.EntityNeed {
			needCols++
		}
	}
	p.chooseIDColumn(idCands)
	return needCols
}

// keepEnterpriseColumns drops, from an enterprise sheet, the columns that
// name a need: its need-id columns (a need id there names no need of it)
// and its need fields, which are not read.
func (p *sheetPlan) keepEnterpriseColumns() {
	if p.idCol.idx >= 0 {
		p.ignored = append(p.ignored, ColumnInfo{Column: p.idCol.letter, Header: p.idCol.header})
		for i := range p.info.Columns {
			if f := p.info.Columns[i].Field; f == ColumnNeedID || f == "platform_need_no" && p.platNo.idx >= 0 {
				p.info.Columns[i].Field = ""
			}
		}
		p.idCol = needIDColumn{idx: -1}
	}
	if p.platNo.idx >= 0 {
		p.ignored = append(p.ignored, ColumnInfo{Column: p.platNo.letter, Header: p.platNo.header})
		p.platNo = needIDColumn{idx: -1}
	}
	kept := p.cols[:0]
	for _, c := range p.cols {
		if c.field.Entity == forms.EntityNeed {
			p.ignored = append(p.ignored, ColumnInfo{Column: c.letter, Header: c.header})
			continue
		}
		kept = append(kept, c)
	}
	p.cols = kept
	p.byField = map[string]int{}
	for i, c := range p.cols {
		p.byField[c.field.ID] = i
	}
}

// reportIgnoredColumns warns of the columns that match no field of the
// form.
func (rd *reader) reportIgnoredColumns(p *sheetPlan) {
	if len(p.ignored) == 0 {
		return
	}
	var zh, en []string
	for _, c := range p.ignored {
		zh = append(zh, fmt.Sprintf("%s「%s」", c.Column, clipText(c.Header, 20)))
		en = append(en, fmt.Sprintf("%s %q", c.Column, clipText(c.Header, 20)))
	}
	rd.addProblem(Problem{Sheet: p.name, Row: p.headerRow, Severity: forms.SeverityWarning, Code: "unknown_columns",
		ZH: "以下列无法对应到需求征集表的栏目，已忽略：" + strings.Join(zh, "、") + "。",
		EN: "these columns match no field of the form and were ignored: " + strings.Join(en, ", ") + "."})
}

func damagedSheet(name string, err error) error {
	return fileErr(ErrDamaged, err,
		fmt.Sprintf("工作表「%s」已损坏，无法读取（%s）。", name, clipName(err.Error())),
		fmt.Sprintf("sheet %q is damaged and cannot be read (%s).", name, clipName(err.Error())))
}

// headerField maps a header cell to a catalogue field of an entity that a
// filled-in form carries.
func headerField(cat *forms.Catalogue, h string) (*forms.Field, bool) {
	if len(h) > 200 {
		return nil, false
	}
	f, ok := cat.FieldByHeader(h)
	if !ok {
		return nil, false
	}
	switch f.Entity {
	case forms.EntityEnterprise, forms.EntityContact, forms.EntityNeed:
		return f, true
	}
	return nil, false
}

// countHeaderFields counts the distinct fields a row's cells name.
func countHeaderFields(cat *forms.Catalogue, cells []string) int {
	seen := map[string]bool{}
	for _, c := range cells {
		if c == "" {
			continue
		}
		if f, ok := headerField(cat, c); ok {
			seen[f.ID] = true
		}
	}
	return len(seen)
}

func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// Footer rows: totals and signature blocks.
var (
	totalWords = []string{"合计", "总计", "小计", "共计", "累计", "total"}
	// roleWords start a signature line even in the key column.
	roleWords = []string{"填表人", "填报人", "制表人", "审核人", "负责人签", "填表日期", "填报日期", "审核日期", "单位公章", "单位盖章", "单位(盖章)", "signature"}
	// signatureWords mark a signature line anywhere else in the row.
	signatureWords = []string{"签字", "签名", "盖章"}
)

// footerKind tells a total row ("total") or a signature row ("signature")
// from a record by its short cells. When the row's key cell (the need
// title, or the enterprise name on an enterprise sheet) holds a value, only
// that cell is looked at, and only for words that start a footer: a need may
// well be about 电子签名.
func footerKind(cells []string, key int) string {
	if key >= 0 && key < len(cells) && strings.TrimSpace(cells[key]) != "" {
		return footerWord(cells[key], true)
	}
	for _, c := range cells {
		if k := footerWord(c, false); k != "" {
			return k
		}
	}
	return ""
}

func footerWord(c string, key bool) string {
	if c == "" || len(c) > 120 {
		return ""
	}
	k := forms.Fold(strings.TrimSpace(c))
	if strings.ContainsAny(k, " \t\n") {
		k = strings.Join(strings.Fields(k), "")
	}
	for _, w := range totalWords {
		if strings.HasPrefix(k, w) {
			return "total"
		}
	}
	for _, w := range roleWords {
		if key && strings.HasPrefix(k, w) || !key && strings.Contains(k, w) {
			return "signature"
		}
	}
	if !key {
		for _, w := range signatureWords {
			if strings.Contains(k, w) {
				return "signature"
			}
		}
	}
	return ""
}

// uploadSheetProfile returns the profile whose upload sheet a sheet is —
// its name and its headers, in order — or nil.
func uploadSheetProfile(sheet string, header []string) *Profile {
	for _, p := range Profiles() {
		if p.Sheet != sheet {
			continue
		}
		want := PlatformHeaders(p)
		got := header
		for len(got) > 0 && strings.TrimSpace(got[len(got)-1]) == "" {
			got = got[:len(got)-1]
		}
		if len(got) != len(want) {
			continue
		}
		same := true
		for i := range want {
			same = same && strings.TrimSpace(got[i]) == want[i]
		}
		if same {
			return p
		}
	}
	return nil
}

// idCand is a column whose header names a need id, and its place among the
// sheet's columns (SheetInfo.Columns).
type idCand struct {
	col  needIDColumn
	info int
}

// chooseIDColumn takes the best-ranked id column (寻榜编号 over 需求编号
// over 需求ID over 编号). A 需求编号 beside a 寻榜编号 is the platform's own
// number; other extra id columns are ignored.
func (p *sheetPlan) chooseIDColumn(idCands []idCand) {
	slices.SortStableFunc(idCands, func(a, b idCand) int { return a.col.rank - b.col.rank })
	for i, c := range idCands {
		switch {
		case i == 0:
			p.idCol = c.col
			p.info.Columns[c.info].Field = ColumnNeedID
		case c.col.platformNo && p.platNo.idx < 0:
			if _, mapped := p.byField["platform_need_no"]; !mapped {
				p.platNo = c.col
				p.info.Columns[c.info].Field = "platform_need_no"
				continue
			}
			fallthrough
		default:
			p.ignored = append(p.ignored, p.info.Columns[c.info])
		}
	}
}

// partialColumns returns, for a platform upload sheet xunbang wrote, the
// columns that carry only part of a value (one cooperation mode of
// several, the county of a town, a composed text), which are not read back
// over the whole one; a warning names them.
func (rd *reader) partialColumns(name string, row int, cells []string) map[int]bool {
	lossy := map[int]bool{}
	prof := uploadSheetProfile(name, cells)
	if prof == nil {
		return lossy
	}
	var cols []string
	for i, c := range prof.Columns {
		if c.lossy() {
			lossy[i] = true
			letter, _ := excelize.ColumnNumberToName(i + 1)
			cols = append(cols, fmt.Sprintf("%s「%s」", letter, c.Header))
		}
	}
	if len(cols) > 0 {
		rd.addProblem(Problem{Sheet: name, Row: row, Severity: forms.SeverityWarning, Code: "upload_sheet.partial_columns",
			ZH: fmt.Sprintf("这是寻榜导出的“%s”平台上传表，以下列只写了部分信息（如一种合作方式、区县一级的地区、合写的需求详情），导入时不读取：%s。", prof.ZH, strings.Join(cols, "、")),
			EN: fmt.Sprintf("this is a platform upload sheet xunbang wrote for %s; these columns hold part of a value (one cooperation mode, the region to the county, a composed text) and are not read: %s.", prof.EN, strings.Join(cols, ", "))})
	}
	return lossy
}
