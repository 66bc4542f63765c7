package xlsx

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xunbang/xunbang/forms"
)

// readSheet reads the records below a planned sheet's header. The rows are
// decoded on one goroutine (excelize's XML decoding is most of the cost of a
// big sheet) while they are turned into records on this one.
func (rd *reader) readSheet(p *sheetPlan) error {
	if rd.lacksEnterpriseColumn(p) {
		rd.sheetRead(p, 0)
		return nil
	}
	src := p.src
	feed := startRows(src)
	defer func() {
		feed.stop()
		_ = src.close()
	}()
	sr := &sheetReading{p: p, key: p.keyColumn(), vals: make([]string, len(p.cols))}
	var (
		stopped string // why reading stopped early
		row     int    // the row at hand
		n       int
	)
read:
	for b := range feed.ch {
		for _, r := range b.rows {
			row = r.row
			if n++; n%512 == 0 {
				if err := rd.checkpoint(p, row); err != nil {
					return err
				}
			}
			empty, err := rd.dataRow(sr, r)
			if err != nil {
				return err
			}
			if empty {
				stopped = "empty"
				break read
			}
		}
		if b.err != nil {
			rd.addProblem(Problem{Sheet: p.name, Row: b.last + 1, Severity: forms.SeverityError, Code: "xml.broken",
				ZH: fmt.Sprintf("工作表内容已损坏，第 %d 行及以后未能读取（%s）。", b.last+1, clipName(b.err.Error())),
				EN: fmt.Sprintf("the sheet is damaged; row %d and below could not be read (%s).", b.last+1, clipName(b.err.Error()))})
			stopped = "error"
			break
		}
		if b.end {
			row = b.last
		}
	}
	feed.stop()
	if err := src.close(); err != nil && stopped != "error" {
		rd.addProblem(Problem{Sheet: p.name, Severity: forms.SeverityError, Code: "xml.broken",
			ZH: fmt.Sprintf("工作表读取出错：%s", clipName(err.Error())), EN: "the sheet could not be read to the end: " + clipName(err.Error())})
	}
	if stopped != "error" {
		rd.reportUnreadRows(p, stopped == "empty", row)
	}
	rd.reportInherited(p, sr.inherited)
	rd.sheetRead(p, row)
	return nil
}

// sheetReading is the state of reading one sheet's data rows.
type sheetReading struct {
	p         *sheetPlan
	key       int      // the column whose value makes a row a record, -1 if none
	vals      []string // the mapped cells of the row at hand
	last      *entState
	inherited []int // rows that took the enterprise of the row above
	emptyRun  int   // empty rows in a row so far
	signed    bool  // a signature line has been passed
}

// lacksEnterpriseColumn reports, as a problem, a sheet of needs with no
// column naming the enterprise: none of its rows can be read.
func (rd *reader) lacksEnterpriseColumn(p *sheetPlan) bool {
	_, hasName := p.byField["enterprise_name"]
	_, hasCode := p.byField["credit_code"]
	if p.role != RoleNeeds || hasName || hasCode {
		return false
	}
	rd.addProblem(Problem{Sheet: p.name, Row: p.headerRow, Severity: forms.SeverityError, Code: "no_enterprise_column",
		ZH: "表中没有“企业名称”或“统一社会信用代码”列，无法确定需求属于哪家企业；请补上其中一列。",
		EN: "the sheet has no enterprise name or credit code column, so its needs cannot be tied to an enterprise; add one of them."})
	return true
}

// keyColumn returns the sheet column whose value makes a row a record: the
// need title, else the enterprise name; -1 when there is neither.
func (p *sheetPlan) keyColumn() int {
	if p.titleCol >= 0 {
		return p.cols[p.titleCol].idx
	}
	if i, ok := p.byField["enterprise_name"]; ok {
		return p.cols[i].idx
	}
	return -1
}

// checkpoint stops the import when its context is done and reports the
// progress through row of sheet p.
func (rd *reader) checkpoint(p *sheetPlan, row int) error {
	if err := rd.ctx.Err(); err != nil {
		return err
	}
	if rd.opt.Progress != nil {
		rd.progress(p, row)
	}
	return nil
}

// dataRow reads one row of the sheet into records, passing over the
// header and what lies above it, empty rows, totals, signature blocks and
// repeated headers. It reports whether the row ends a run of empty rows
// long enough to stop reading.
func (rd *reader) dataRow(sr *sheetReading, r bufRow) (stop bool, err error) {
	p := sr.p
	if r.row <= p.headerRow {
		return false, nil
	}
	if !sr.load(r.cells) {
		sr.emptyRun++
		return sr.emptyRun >= rd.lim.MaxEmptyRun, nil
	}
	sr.emptyRun = 0
	if sr.footer(r.cells) || p.repeatedHeader(sr.vals) {
		return false, nil
	}
	rd.records++
	if rd.records > rd.lim.MaxRecords {
		return false, fileErr(ErrTooLarge, nil,
			fmt.Sprintf("工作簿超过 %d 行数据，请拆分后分批导入。", rd.lim.MaxRecords),
			fmt.Sprintf("the workbook holds more than %d rows of data; split it and import the parts one by one.", rd.lim.MaxRecords))
	}
	p.info.Records++
	idRaw, noRaw := cellAt(r.cells, p.idCol.idx), cellAt(r.cells, p.platNo.idx)
	if rd.record(p, r.row, sr.vals, idRaw, noRaw, &sr.last) {
		sr.inherited = append(sr.inherited, r.row)
	}
	return false, nil
}

// load puts a row's mapped cells, trimmed, into sr.vals and reports
// whether any holds a value.
func (sr *sheetReading) load(cells []string) bool {
	filled := false
	for i, c := range sr.p.cols {
		sr.vals[i] = cellAt(cells, c.idx)
		if sr.vals[i] != "" {
			filled = true
		}
	}
	return filled
}

// footer reports whether a row is a total or a signature line, or one of
// the lines of a signature block below one.
func (sr *sheetReading) footer(cells []string) bool {
	if kind := footerKind(cells, sr.key); kind != "" {
		if kind == "signature" {
			sr.signed = true
		}
		return true
	}
	return sr.signed && cellAt(cells, sr.key) == ""
}

// cellAt returns cell i of a row, trimmed; "" when the row has no such cell.
func cellAt(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

// reportUnreadRows reports rows of a sheet that were never read: those
// after a long run of empty rows (emptyRun), those past where its XML broke
// off, or a sheet whose XML is cut short. row is the last row read.
func (rd *reader) reportUnreadRows(p *sheetPlan, emptyRun bool, row int) {
	sc := p.scan
	if sc == nil {
		return
	}
	switch {
	case emptyRun && sc.lastRow > row:
		rd.addProblem(Problem{Sheet: p.name, Row: row, Severity: forms.SeverityWarning, Code: "rows.empty_run",
			ZH: fmt.Sprintf("自第 %d 行起连续 %d 行为空，已停止读取；工作表延伸到第 %d 行，其后若有内容请删去空行后重新导入。", row-rd.lim.MaxEmptyRun+1, rd.lim.MaxEmptyRun, sc.lastRow),
			EN: fmt.Sprintf("%d empty rows in a row from row %d; reading stopped. The sheet extends to row %d: if anything follows, delete the empty rows and import again.", rd.lim.MaxEmptyRun, row-rd.lim.MaxEmptyRun+1, sc.lastRow)})
	case !emptyRun && sc.lastRow > row:
		rd.addProblem(Problem{Sheet: p.name, Row: row + 1, Severity: forms.SeverityError, Code: "xml.broken",
			ZH: fmt.Sprintf("工作表的 XML 已损坏：读到第 %d 行后中断（工作表延伸到第 %d 行），其后的内容未能读取。请在 Excel 或 WPS 中打开并另存后重试。", row, sc.lastRow),
			EN: fmt.Sprintf("the sheet's XML is broken: reading stopped after row %d (the sheet extends to row %d); what follows could not be read. Open and save it again in Excel or WPS, then retry.", row, sc.lastRow)})
	case !sc.complete:
		rd.addProblem(Problem{Sheet: p.name, Severity: forms.SeverityError, Code: "xml.truncated",
			ZH: "工作表的 XML 不完整（文件末尾被截断），内容可能缺失。请在 Excel 或 WPS 中打开并另存后重试。",
			EN: "the sheet's XML is incomplete (its end is cut off); content may be missing. Open and save it again in Excel or WPS, then retry."})
	}
}

// reportInherited warns of the rows that named no enterprise and took the
// one of the row above.
func (rd *reader) reportInherited(p *sheetPlan, rows []int) {
	if len(rows) == 0 {
		return
	}
	rd.addProblem(Problem{Sheet: p.name, Row: rows[0], Severity: forms.SeverityWarning, Code: "enterprise.inherited",
		ZH: fmt.Sprintf("第 %s 行没有填写企业，已按上方最近一行的企业处理。", rowList(rows, "、")),
		EN: fmt.Sprintf("row(s) %s name no enterprise and were taken as the enterprise of the nearest row above.", rowList(rows, ", "))})
}

// rowFeed decodes a sheet's rows on its own goroutine and hands them over
// in batches.
type rowFeed struct {
	ch      chan rowBatch
	quit    chan struct{}
	stopped bool
}

type rowBatch struct {
	rows []bufRow
	end  bool  // the sheet ended; last is its last row
	err  error // decoding failed after row last
	last int
}

func startRows(src *rowSource) *rowFeed {
	f := &rowFeed{ch: make(chan rowBatch, 4), quit: make(chan struct{})}
	go func() {
		defer close(f.ch)
		send := func(b rowBatch) bool {
			select {
			case f.ch <- b:
				return true
			case <-f.quit:
				return false
			}
		}
		var buf []bufRow
		for {
			cells, ok, err := src.next()
			switch {
			case err != nil:
				send(rowBatch{rows: buf, err: err, last: src.row})
				return
			case !ok:
				send(rowBatch{rows: buf, end: true, last: src.row})
				return
			}
			buf = append(buf, bufRow{src.row, cells})
			if len(buf) == 64 {
				if !send(rowBatch{rows: buf}) {
					return
				}
				buf = nil
			}
		}
	}()
	return f
}

// stop ends the feed and waits for its goroutine, which then no longer
// touches the rows.
func (f *rowFeed) stop() {
	if f.stopped {
		return
	}
	f.stopped = true
	close(f.quit)
	for range f.ch {
	}
}

func rowList(rows []int, sep string) string {
	var parts []string
	for i, r := range rows {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("…(%d)", len(rows)))
			break
		}
		parts = append(parts, strconv.Itoa(r))
	}
	return strings.Join(parts, sep)
}

// repeatedHeader reports whether a row repeats the header (sheets pasted
// together from several towns).
func (p *sheetPlan) repeatedHeader(vals []string) bool {
	n := 0
	for i, v := range vals {
		if v != "" && v == p.cols[i].header {
			n++
		}
	}
	return n >= 2
}

// record turns one data row into records; idRaw is its need-id cell. It
// reports whether the row named no enterprise and took the one of the row
// above.
func (rd *reader) record(p *sheetPlan, row int, vals []string, idRaw, noRaw string, last **entState) (inherited bool) {
	at := p.problemAt(row)
	rowBad := rd.dropOverlongCells(p, vals, at)
	has := p.entitiesIn(vals)
	es, inherited := rd.rowEnterprise(p, row, vals, idRaw != "", has, *last, at)
	if es == nil {
		return false
	}
	if *last != nil && *last != es {
		rd.settle(*last)
	}
	*last = es
	if rowBad && !has.need {
		rd.batch.bad[es.e.ID] = true
	}
	rd.enterpriseCells(p, row, es, vals, at)
	contactID := ""
	if has.contact {
		contactID = rd.contact(p, es, vals, at)
	}
	if has.need {
		rd.need(p, row, vals, idRaw, noRaw, es, contactID, rowBad, at)
	}
	return inherited
}

// problemAt returns the function that places a cell problem at a row of
// the sheet and, for i >= 0, at the column of p.cols[i].
func (p *sheetPlan) problemAt(row int) func(i int, cp cellProblem) Problem {
	return func(i int, cp cellProblem) Problem {
		pr := Problem{Sheet: p.name, Row: row, Field: cp.field, Severity: cp.severity, Code: cp.code, ZH: cp.zh, EN: cp.en}
		if i >= 0 {
			pr.Column = p.cols[i].letter
		}
		return pr
	}
}

// dropOverlongCells empties the cells over the length limit, each an
// error, and reports whether there were any.
func (rd *reader) dropOverlongCells(p *sheetPlan, vals []string, at func(int, cellProblem) Problem) bool {
	dropped := false
	for i, v := range vals {
		if len(v) <= rd.lim.MaxCellChars {
			continue
		}
		if n := utf8.RuneCountInString(v); n > rd.lim.MaxCellChars {
			f := p.cols[i].field
			rd.addProblem(at(i, cellProblem{field: f.ID, code: "cell.too_long", severity: forms.SeverityError,
				zh: fmt.Sprintf("「%s」单元格有 %d 个字，超过上限 %d，未读取。", f.ZH, n, rd.lim.MaxCellChars),
				en: fmt.Sprintf("%s: the cell holds %d characters, over the limit of %d; not read.", f.EN, n, rd.lim.MaxCellChars)}))
			vals[i] = ""
			dropped = true
		}
	}
	return dropped
}

// rowEntities says which records a row has cells for.
type rowEntities struct {
	need, contact, enterprise bool
}

// entitiesIn tells which records a row's filled cells belong to.
func (p *sheetPlan) entitiesIn(vals []string) rowEntities {
	var has rowEntities
	for i, c := range p.cols {
		if vals[i] == "" {
			continue
		}
		switch c.field.Entity {
		case forms.EntityNeed:
			has.need = true
		case forms.EntityContact:
			has.contact = true
		default:
			has.enterprise = true
		}
	}
	return has
}

// cell returns a row's value for a field and its index in p.cols; "" and
// -1 when the sheet has no column for it.
func (p *sheetPlan) cell(vals []string, id string) (string, int) {
	if i, ok := p.byField[id]; ok {
		return vals[i], i
	}
	return "", -1
}

// rowEnterprise finds or starts the enterprise a row names: by credit code
// or name, as an enterprise of its own when it is named only by a public
// alias, or the enterprise of the row above (last) when it names none — then
// inherited. It returns nil, reporting why when the row holds anything,
// when the row names no enterprise and none is above.
func (rd *reader) rowEnterprise(p *sheetPlan, row int, vals []string, hasID bool, has rowEntities, last *entState, at func(int, cellProblem) Problem) (es *entState, inherited bool) {
	name, nameCol := p.cell(vals, "enterprise_name")
	code, codeCol := p.cell(vals, "credit_code")
	if name == "" && code == "" {
		if last != nil {
			return last, true
		}
		col := nameCol
		if col < 0 {
			col = codeCol
		}
		if has.need || has.contact || has.enterprise {
			rd.addProblem(at(col, cellProblem{field: "enterprise_name", code: "enterprise.missing", severity: forms.SeverityError,
				zh: "没有填写企业名称或统一社会信用代码，无法确定是哪家企业，此行未导入。",
				en: "no enterprise name or credit code: the row cannot be tied to an enterprise and was not imported."}))
		}
		return nil, false
	}
	if alias, _ := p.cell(vals, "public_alias"); p.role == RoleNeeds && code == "" && has.need &&
		(forms.IsPublicAlias(name) || alias != "" && nameKey(alias) == nameKey(name)) {
		return rd.aliasEnterprise(p, row, name, nameCol, hasID, at), false
	}
	return rd.enterprise(p, row, name, nameCol, code, codeCol, at), false
}

// enterpriseCells reads a row's enterprise cells other than its name and
// credit code into the enterprise, the region last (an unresolved one may
// go to the address).
func (rd *reader) enterpriseCells(p *sheetPlan, row int, es *entState, vals []string, at func(int, cellProblem) Problem) {
	regionRaw, regionCol := "", -1
	for i, c := range p.cols {
		f := c.field
		if f.Entity != forms.EntityEnterprise || vals[i] == "" || f.ID == "enterprise_name" || f.ID == "credit_code" {
			continue
		}
		if f.Kind == forms.KindRegion {
			regionRaw, regionCol = vals[i], i
			continue
		}
		rd.setEnterprise(es, f, vals[i], func(cp cellProblem) Problem { return at(i, cp) }, Origin{p.name, row})
	}
	if regionRaw != "" {
		rd.setRegion(es, regionRaw, func(cp cellProblem) Problem { return at(regionCol, cp) }, Origin{p.name, row})
	}
}

// need adds the need of a row to the batch, of enterprise es and contact
// contactID, marked bad when a cell of the row was (rowBad) or one of its
// own is in error.
func (rd *reader) need(p *sheetPlan, row int, vals []string, idRaw, noRaw string, es *entState, contactID string, rowBad bool, at func(int, cellProblem) Problem) {
	n := &forms.Need{
		ID: forms.NewID(), EnterpriseID: es.e.ID, ContactID: contactID,
		CatalogueVersion: rd.cat.Version, Values: forms.Values{},
	}
	bad := rowBad
	if idRaw != "" && rd.needID(p, row, idRaw, n) {
		bad = true
	}
	if noRaw != "" && !n.Values.Has("platform_need_no") && rd.platformNeedNo(p, row, noRaw, n) {
		bad = true
	}
	if rd.needCells(p, vals, n, at) {
		bad = true
	}
	if bad {
		rd.batch.bad[n.ID] = true
	}
	rd.batch.spill.add(n, Origin{p.name, row})
	rd.batch.needs++
}

// platformNeedNo reads the platform's own need number, from the column
// beside the need id, into n and reports whether it is in error.
func (rd *reader) platformNeedNo(p *sheetPlan, row int, noRaw string, n *forms.Need) (bad bool) {
	for _, cp := range parseCell(rd.cat, n.Values, rd.cat.MustField("platform_need_no"), noRaw) {
		cp.field = "platform_need_no"
		rd.addProblem(Problem{Sheet: p.name, Row: row, Column: p.platNo.letter, Field: cp.field, Severity: cp.severity, Code: cp.code, ZH: cp.zh, EN: cp.en})
		if cp.severity == forms.SeverityError {
			bad = true
		}
	}
	return bad
}

// needCells reads a row's need cells into n (amounts in 元 turned into
// 万元) and reports whether any is in error.
func (rd *reader) needCells(p *sheetPlan, vals []string, n *forms.Need, at func(int, cellProblem) Problem) (bad bool) {
	for i, c := range p.cols {
		if c.field.Entity != forms.EntityNeed || vals[i] == "" {
			continue
		}
		raw := vals[i]
		if c.yuan {
			raw = yuanToWan(raw)
		}
		for _, cp := range parseCell(rd.cat, n.Values, c.field, raw) {
			if cp.field == "" {
				cp.field = c.field.ID
			}
			rd.addProblem(at(i, cp))
			if cp.severity == forms.SeverityError {
				bad = true
			}
		}
	}
	return bad
}

// nameKey normalises an enterprise name for matching rows to each other.
func nameKey(s string) string {
	return strings.Join(strings.Fields(forms.Fold(s)), "")
}

// enterprise finds the batch's enterprise a row names, by credit code first
// and name second, or starts a new one.
func (rd *reader) enterprise(p *sheetPlan, row int, name string, nameCol int, code string, codeCol int, at func(int, cellProblem) Problem) *entState {
	cat := rd.cat
	normCode := ""
	if code != "" {
		normCode = forms.NormalizeCreditCode(code)
	}
	codeKey := normCode
	if len(codeKey) != 18 {
		codeKey = ""
	}
	var nameVals []string
	if name != "" {
		nameVals, _ = cat.ParseInput(cat.MustField("enterprise_name"), name)
	}
	nk := ""
	if len(nameVals) > 0 {
		nk = nameKey(nameVals[0])
	}
	var es *entState
	nameDiffers := false
	if codeKey != "" {
		es = rd.byCode[codeKey]
		if es != nil && nk != "" && es.name != "" && nameKey(es.name) != nk {
			nameDiffers = true
			rd.addProblem(at(nameCol, cellProblem{field: "enterprise_name", code: "enterprise.name_differs", severity: forms.SeverityWarning,
				zh: fmt.Sprintf("信用代码与第 %d 行相同，但企业名称不同（“%s”与“%s”），按同一家企业处理，采用先出现的名称。", es.origin.Row, clipText(name, 30), clipText(es.name, 30)),
				en: fmt.Sprintf("same credit code as row %d but a different name (%q and %q): taken as one enterprise under the name that came first.", es.origin.Row, clipText(name, 30), clipText(es.name, 30))}))
		}
	}
	if es == nil && nk != "" {
		if cand := rd.byName[nk]; cand != nil {
			other := cand.code
			if codeKey != "" && other != "" && other != codeKey {
				rd.addProblem(at(codeCol, cellProblem{field: "credit_code", code: "enterprise.code_differs", severity: forms.SeverityWarning,
					zh: fmt.Sprintf("企业名称与第 %d 行相同，但信用代码不同，按两家企业处理。", cand.origin.Row),
					en: fmt.Sprintf("same enterprise name as row %d but a different credit code: taken as two enterprises.", cand.origin.Row)}))
			} else {
				es = cand
			}
		}
	}
	origin := Origin{p.name, row}
	if es != nil {
		rd.wake(es)
	}
	if es == nil {
		es = rd.newEnterprise(origin)
		if p.role == RoleNeeds && rd.haveEntSheet {
			who := clipText(name, 30)
			if who == "" {
				who = normCode
			}
			rd.addProblem(at(max(nameCol, codeCol), cellProblem{field: "enterprise_name", code: "enterprise.not_in_sheet", severity: forms.SeverityWarning,
				zh: fmt.Sprintf("企业“%s”不在企业信息表中，已按此行新建。", who),
				en: fmt.Sprintf("enterprise %q is not on the enterprise sheet; created from this row.", who)}))
		}
	}
	if name != "" && !nameDiffers {
		rd.setEnterprise(es, cat.MustField("enterprise_name"), name, func(cp cellProblem) Problem { return at(nameCol, cp) }, origin)
	}
	if code != "" {
		rd.setEnterprise(es, cat.MustField("credit_code"), code, func(cp cellProblem) Problem { return at(codeCol, cp) }, origin)
	}
	es.name, es.code = es.e.Name(), es.e.CreditCode()
	if c := es.code; len(c) == 18 && rd.byCode[c] == nil {
		rd.byCode[c] = es
	}
	if n := es.name; n != "" && rd.byName[nameKey(n)] == nil {
		rd.byName[nameKey(n)] = es
	}
	return es
}

// aliasEnterprise starts the enterprise of a need row that names it only by
// a public alias (苏州市某微电子企业) and gives no credit code — a 匿名公开
// row of the platform sheet. Different enterprises share an alias, so the
// row is never joined to another by it: each such row is an enterprise of
// its own, which the store's Import replaces by the stored need's
// enterprise when the row's 需求编号 names a stored need. A warning asks
// for the real name and credit code.
func (rd *reader) aliasEnterprise(p *sheetPlan, row int, name string, nameCol int, hasID bool, at func(int, cellProblem) Problem) *entState {
	origin := Origin{p.name, row}
	es := rd.newEnterprise(origin)
	rd.setEnterprise(es, rd.cat.MustField("enterprise_name"), name, func(cp cellProblem) Problem { return at(nameCol, cp) }, origin)
	who := clipText(name, 30)
	zh := fmt.Sprintf("企业只有公开称谓“%s”（匿名公开），没有真实名称和统一社会信用代码：不与同一称谓的其他行合并，", who)
	en := fmt.Sprintf("the enterprise is known only by its public alias %q (published anonymously), with no real name or credit code: it is not merged with other rows of the same alias; ", who)
	if hasID {
		zh += "若此行的需求编号是本机已有的需求，归入该需求原来的企业，否则单独建为一家企业；"
		en += "if the row's need number is a need already stored here it goes to that need's enterprise, else it becomes an enterprise of its own; "
	} else {
		zh += "已单独建为一家企业；"
		en += "it becomes an enterprise of its own; "
	}
	rd.addProblem(at(nameCol, cellProblem{field: "enterprise_name", code: "enterprise.alias_only", severity: forms.SeverityWarning,
		zh: zh + "请补全其真实名称和统一社会信用代码。",
		en: en + "complete its real name and credit code."}))
	return es
}

// newEnterprise starts a new enterprise of the batch, first seen at origin.
func (rd *reader) newEnterprise(origin Origin) *entState {
	e := &forms.Enterprise{ID: forms.NewID(), CatalogueVersion: rd.cat.Version, Values: forms.Values{}}
	es := &entState{e: e, id: e.ID, origin: origin}
	rd.ents = append(rd.ents, es)
	return es
}

// setEnterprise parses one enterprise cell into the enterprise. A value the
// enterprise already has from an earlier row is kept; a different one is a
// warning.
func (rd *reader) setEnterprise(es *entState, f *forms.Field, raw string, at func(cellProblem) Problem, origin Origin) {
	if prev, seen := es.raw[f.ID]; seen && prev == raw {
		return // the enterprise repeated on its next need's row
	}
	v := forms.Values{}
	ps := parseCell(rd.cat, v, f, raw)
	for _, cp := range ps {
		if cp.field == "" {
			cp.field = f.ID
		}
		rd.addProblem(at(cp))
		if cp.severity == forms.SeverityError {
			rd.batch.bad[es.e.ID] = true
		}
	}
	es.setRaw(f.ID, raw)
	for id, l := range v {
		if es.e.Values.Has(id) {
			if !slices.Equal(es.e.Values.List(id), l) {
				first := es.from(id)
				fd := rd.cat.MustField(id)
				rd.addProblem(at(cellProblem{field: id, code: "enterprise.conflict", severity: forms.SeverityWarning,
					zh: fmt.Sprintf("「%s」与第 %d 行填写的不同，采用第 %d 行的。", fd.ZH, first.Row, first.Row),
					en: fmt.Sprintf("%s differs from what row %d says; row %d's is kept.", fd.EN, first.Row, first.Row)}))
			}
			continue
		}
		es.e.Values[id] = l
		es.setFrom(id, origin)
	}
}

// setRegion resolves a region cell to a code. What cannot be resolved is a
// warning, and the text is kept in the enterprise's address.
func (rd *reader) setRegion(es *entState, raw string, at func(cellProblem) Problem, origin Origin) {
	if prev, seen := es.raw["region"]; seen && prev == raw {
		return
	}
	es.setRaw("region", raw)
	res := rd.resolveRegion(raw)
	if res.code != "" {
		if es.e.Values.Has("region") && es.e.Values.Get("region") != res.code {
			first := es.from("region")
			rd.addProblem(at(cellProblem{field: "region", code: "enterprise.conflict", severity: forms.SeverityWarning,
				zh: fmt.Sprintf("「所在地区」与第 %d 行填写的不同，采用第 %d 行的。", first.Row, first.Row),
				en: fmt.Sprintf("Region differs from what row %d says; row %d's is kept.", first.Row, first.Row)}))
			return
		}
		if !es.e.Values.Has("region") {
			es.e.Values.Set("region", res.code)
			es.setFrom("region", origin)
		}
		if a := res.alias; a != nil {
			rd.addProblem(at(cellProblem{field: "region", code: "region.alias", severity: forms.SeverityWarning,
				zh: fmt.Sprintf("「所在地区」“%s”：%s", clipText(raw, 30), a.Note("zh")),
				en: fmt.Sprintf("Region %q: %s", clipText(raw, 30), a.Note("en"))}))
		}
		return
	}
	text := strings.Join(strings.Fields(raw), " ")
	addr := es.e.Values.Get("address")
	where := "written to the address"
	whereZH := "已写入「详细地址」"
	switch {
	case strings.Contains(addr, text):
		where, whereZH = "the address already holds it", "「详细地址」中已有此文字"
	case addr == "":
		es.e.Values.Set("address", text)
	default:
		es.e.Values.Set("address", text+" "+addr)
		where, whereZH = "put in front of the address", "已添加到「详细地址」开头"
	}
	rd.addProblem(at(cellProblem{field: "region", code: res.problem, severity: forms.SeverityWarning,
		zh: fmt.Sprintf("「所在地区」%s保留原文“%s”，%s；请在诊断时选定地区。", res.zh, clipText(text, 30), whereZH),
		en: fmt.Sprintf("Region: %s The text %q is kept, %s; choose the region at the diagnosis visit.", res.en, clipText(text, 30), where)}))
}

// contact adds the row's contact to the enterprise, or finds it there, and
// returns its ID.
func (rd *reader) contact(p *sheetPlan, es *entState, vals []string, at func(int, cellProblem) Problem) string {
	var key strings.Builder
	for i, c := range p.cols {
		if c.field.Entity == forms.EntityContact {
			key.WriteString(c.field.ID + "=" + vals[i] + "\x00")
		}
	}
	if id, ok := es.contacts[key.String()]; ok {
		return id
	}
	cv := forms.Values{}
	for i, c := range p.cols {
		if c.field.Entity != forms.EntityContact || vals[i] == "" {
			continue
		}
		for _, cp := range parseCell(rd.cat, cv, c.field, vals[i]) {
			if cp.field == "" {
				cp.field = c.field.ID
			}
			rd.addProblem(at(i, cp))
			if cp.severity == forms.SeverityError {
				rd.batch.bad[es.e.ID] = true
			}
		}
	}
	if len(cv) == 0 {
		return ""
	}
	// The same person on another row: by name, else by mobile, else (a
	// contact with neither, on a row after the enterprise settled) by
	// every value.
	for j := range es.e.Contacts {
		ct := &es.e.Contacts[j]
		same := cv.Has("contact_name") && ct.Values.Get("contact_name") == cv.Get("contact_name") ||
			!cv.Has("contact_name") && cv.Has("contact_mobile") && ct.Values.Get("contact_mobile") == cv.Get("contact_mobile") ||
			!cv.Has("contact_name") && !cv.Has("contact_mobile") && maps.EqualFunc(ct.Values, cv, slices.Equal)
		if same {
			for id, l := range cv {
				if !ct.Values.Has(id) {
					ct.Values[id] = l
				}
			}
			es.noteContact(key.String(), ct.ID)
			return ct.ID
		}
	}
	ct := forms.Contact{ID: forms.NewID(), Values: cv}
	es.e.Contacts = append(es.e.Contacts, ct)
	es.noteContact(key.String(), ct.ID)
	return ct.ID
}

// enterprisesOut hands the enterprises read to the batch, in the order
// started: in Enterprises (with their origins), or (stream) as the spill
// they were settled into and where each lies in it, from which
// Batch.EachEnterprise reads them back — an import goes through them once,
// before the needs.
func (rd *reader) enterprisesOut(stream bool) error {
	b := rd.batch
	if !stream {
		b.Enterprises = make([]*forms.Enterprise, len(rd.ents))
		for i, es := range rd.ents {
			rd.wake(es)
			b.Enterprises[i] = es.e
			b.Origins[es.id] = es.origin
		}
		return rd.packErr
	}
	if rd.packErr != nil {
		return rd.packErr
	}
	b.entKeys = make([][16]byte, len(rd.ents))
	b.entRefs = make([]packRef, len(rd.ents))
	for i, es := range rd.ents {
		k, ok := forms.ParseUUID(es.id)
		if !ok {
			if b.entOddIDs == nil {
				b.entOddIDs = map[int]string{}
			}
			b.entOddIDs[i] = es.id
		}
		b.entKeys[i], b.entRefs[i] = k, es.ref
	}
	b.entSpill, rd.packs = rd.packs, nil
	return nil
}

// finish prepares the completion of the needs (needFinisher: what fields
// are missing or break a limit a draft may break — the need's own and its
// enterprise's — and the status that follows: 待补充 when there are any),
// done as each need is read back. The reasons were reported as warnings at
// their cells.
func (rd *reader) finish() {
	entMissing := newEntMissing()
	for _, es := range rd.ents {
		rd.settle(es) // the rows are read: every enterprise is done
		if len(es.missing) > 0 {
			entMissing.set(es.id, es.missing)
		}
	}
	rd.batch.finish = &needFinisher{cat: rd.cat, order: rd.order, entMissing: entMissing}
	rd.finishProblems()
}

// yuanToWan turns an amount in 元 into 万元 (1500000 → 150); text that is
// no plain amount (面议, 50万) is left for the money parser.
func yuanToWan(s string) string {
	t := strings.TrimSuffix(strings.TrimSpace(unexponent(strings.ReplaceAll(s, ",", ""))), "元")
	x, err := strconv.ParseFloat(t, 64)
	if err != nil || x < 0 {
		return s
	}
	return strconv.FormatFloat(x/10000, 'f', -1, 64)
}
