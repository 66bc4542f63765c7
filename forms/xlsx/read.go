package xlsx

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// Options steer an import.
type Options struct {
	// Sheet names the one sheet to read; "" reads every visible sheet whose
	// header the catalogue recognises (an enterprise sheet and a need sheet
	// are joined by enterprise name or credit code).
	Sheet string
	// HomeRegion is the region code of the team's home (Settings.HomeRegion,
	// --region): a town name alone (玉山镇) is looked up inside it.
	HomeRegion string
	// Lang is the language of [Batch.Messages] ("zh", the default, or "en");
	// every [Problem] carries both.
	Lang string
	// Limits bound the cost of hostile input; zero fields take defaults.
	Limits Limits
	// Progress, when not nil, is told how far reading has got: done rows
	// of total, counting every row of the sheets read (title and header
	// rows too, through each sheet's last row). total is known from the
	// scan of the package before reading; it is 0 when unknown. Progress
	// is called on the reading goroutine, every few hundred rows and once
	// at the end, with done never decreasing; after a complete read the
	// last call has done == total unless total is 0. It must return
	// quickly.
	Progress func(done, total int)
	// RefuseSolutions makes a read of needs first look whether the
	// workbook holds filled 《技术需求解决方案表》, as [IsSolutionWorkbook]
	// does, and return ErrSolutionWorkbook if so: one opening of the
	// workbook for both questions instead of one each.
	RefuseSolutions bool
}

// Batch is what an import read: records ready for the store's Import, and
// the problems found on the way. Enterprises carry new IDs (forms.NewID);
// every need's EnterpriseID names one of them, and its ContactID one of
// that enterprise's contacts. A need carries the id of its row's 需求编号
// cell ([PlatformNeedIDHeader]), which the store's Import takes as that
// need's; a row without one gets a new ID. An enterprise known only by a
// public alias (a 匿名公开 row of the platform sheet) is one of its own for
// each row: rows sharing an alias are not taken as one enterprise.
//
// A batch read by [ReadFileStream] keeps its needs and its enterprises on
// disk, not in Needs and Enterprises: [Batch.EachNeed] and
// [Batch.EachEnterprise] hand them out, and [Batch.Close] removes them.
type Batch struct {
	// Enterprises are the enterprises (nil in a batch read by
	// ReadFileStream; see EachEnterprise).
	Enterprises []*forms.Enterprise
	// Needs are the needs (nil in a batch read by ReadFileStream; see
	// EachNeed).
	Needs    []*forms.Need
	Problems []Problem
	// Sheets says how each sheet was read: as needs, as enterprises, or
	// skipped, with its header row and column mapping.
	Sheets []SheetInfo
	// Origins maps a record's ID to the row it came from (the first row,
	// for an enterprise named on several). A batch read by ReadFileStream
	// holds none: EachNeed tells each need's, and nothing asks for an
	// enterprise's once the rows are read (at 200,000 needs the map held
	// some 80,000 enterprises' for the whole import).
	Origins map[string]Origin

	lang string
	bad  map[string]bool // record IDs with an error of their own

	// Of a batch read by ReadFileStream (and its Partial): the needs on
	// disk, how many, what completes each one read back, and which of them
	// the batch holds (nil: all).
	spill  *spill
	needs  int
	finish *needFinisher
	keep   func(*forms.Need) bool
	// Of a batch read by ReadFileStream: the enterprises on disk, and
	// their IDs and places there in the order read (all of them, in a
	// Partial too). An ID is kept as its 16 bytes (the reader makes every
	// enterprise's a UUID; entOddIDs holds any that is not, by place): as
	// strings they took 4 MB at 200,000 needs.
	entSpill  *spill
	entKeys   [][16]byte
	entOddIDs map[int]string
	entRefs   []packRef
}

// entID returns the ID of the i-th enterprise on disk.
func (b *Batch) entID(i int) string {
	if id, ok := b.entOddIDs[i]; ok {
		return id
	}
	return forms.UUIDString(b.entKeys[i])
}

// EnterpriseCount returns how many enterprises the batch holds.
func (b *Batch) EnterpriseCount() int {
	if b.entSpill == nil {
		return len(b.Enterprises)
	}
	n := 0
	for i := range b.entRefs {
		if !b.leftOut(i) {
			n++
		}
	}
	return n
}

// leftOut reports whether a Partial of a batch read by ReadFileStream
// leaves out the i-th enterprise on disk (one with an error of its own).
func (b *Batch) leftOut(i int) bool { return b.keep != nil && b.bad[b.entID(i)] }

// EachEnterprise calls fn with each enterprise of the batch, in the order
// read, until fn returns an error (which it returns). A batch read by
// ReadFileStream reads them back from disk each time, new records each
// time: fn may keep them.
func (b *Batch) EachEnterprise(fn func(e *forms.Enterprise) error) error {
	if b.entSpill == nil {
		for _, e := range b.Enterprises {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
	var p []byte
	for i, ref := range b.entRefs {
		if b.leftOut(i) {
			continue
		}
		var err error
		if p, err = b.entSpill.get(ref, p); err != nil {
			return fmt.Errorf("xlsx: read the spilled enterprises: %w", err)
		}
		e, err := unpackReadEnterprise(p)
		if err != nil {
			return fmt.Errorf("xlsx: read the spilled enterprises: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// needFinisher completes a need read back from the spill, as the reader
// would have once every row was read: the fields it lacks, its own and its
// enterprise's, and the status that follows.
type needFinisher struct {
	cat        *forms.Catalogue
	order      map[string]int // field id → catalogue position
	entMissing *entMissing
}

// NeedCount returns how many needs the batch holds.
func (b *Batch) NeedCount() int {
	if b.spill == nil {
		return len(b.Needs)
	}
	if b.keep == nil {
		return b.needs
	}
	n := 0
	_ = b.EachNeedKey(func(*forms.Need) error { n++; return nil })
	return n
}

// EachNeed calls fn with each need of the batch, in the order read, and the
// row it came from, until fn returns an error (which it returns). A batch
// read by ReadFileStream reads them back from disk each time, new records
// each time: fn may keep them.
func (b *Batch) EachNeed(fn func(n *forms.Need, o Origin) error) error {
	if b.spill == nil {
		for _, n := range b.Needs {
			if err := fn(n, b.Origins[n.ID]); err != nil {
				return err
			}
		}
		return nil
	}
	return b.spill.each(false, func(n *forms.Need, o Origin) error {
		b.finish.need(n)
		if b.keep != nil && !b.keep(n) {
			return nil
		}
		return fn(n, o)
	})
}

// EachNeedKey calls fn with each need's ID and EnterpriseID, as EachNeed
// orders them: the other fields of the need it passes are empty. It is
// cheaper than EachNeed.
func (b *Batch) EachNeedKey(fn func(n *forms.Need) error) error {
	if b.spill == nil {
		return b.EachNeed(func(n *forms.Need, _ Origin) error { return fn(n) })
	}
	return b.spill.each(true, func(n *forms.Need, _ Origin) error {
		if b.keep != nil && !b.keep(n) { // keep looks at the keys only
			return nil
		}
		return fn(n)
	})
}

// Close removes what a batch read by ReadFileStream keeps on disk: its
// needs cannot be read after. Close a batch, or a Partial of it, once; it
// does nothing for a batch of Read.
func (b *Batch) Close() error {
	var err error
	if b.spill != nil {
		err = b.spill.close()
	}
	if b.entSpill != nil {
		if cerr := b.entSpill.close(); err == nil {
			err = cerr
		}
	}
	return err
}

// need completes a need read back.
func (f *needFinisher) need(n *forms.Need) {
	miss := forms.ToComplete(f.cat.ValidateNeed(n, forms.Final))
	for _, id := range f.entMissing.get(n.EnterpriseID) {
		if !slices.Contains(miss, id) {
			miss = append(miss, id)
		}
	}
	slices.SortStableFunc(miss, func(a, b string) int { return f.order[a] - f.order[b] })
	n.Missing = miss
	if len(miss) > 0 {
		n.Status = forms.StatusToComplete
	} else {
		n.Status = forms.StatusToDiagnose
	}
}

// Origin is where a record came from.
type Origin struct {
	Sheet string
	Row   int
}

// Sheet roles in [SheetInfo].
const (
	RoleNeeds       = "needs"       // one row a need, the enterprise beside it
	RoleEnterprises = "enterprises" // one row an enterprise (and a contact)
	RoleSkipped     = "skipped"     // no recognisable header, or hidden
)

// SheetInfo says how one sheet was read.
type SheetInfo struct {
	Name      string
	Role      string
	HeaderRow int // 0 when no header was found
	Columns   []ColumnInfo
	Records   int // rows read as records
}

// ColumnInfo is one column of a header.
type ColumnInfo struct {
	Column string // letter
	Header string // as written
	Field  string // catalogue field id, or ColumnNeedID; "" when ignored
}

// ColumnNeedID is [ColumnInfo.Field] of the need-id column (需求编号,
// 需求ID, 编号), which is no catalogue field: it names the record, it is not
// part of it.
const ColumnNeedID = "need_id"

// HasErrors reports whether any problem blocks the import.
func (b *Batch) HasErrors() bool { return slices.ContainsFunc(b.Problems, Problem.Error) }

// Errors returns the problems that block the import.
func (b *Batch) Errors() []Problem { return blocking(b.Problems) }

// blocking returns the problems of ps that are errors.
func blocking(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Error() {
			out = append(out, p)
		}
	}
	return out
}

// Messages returns every problem with its location, in the language of
// Options.Lang.
func (b *Batch) Messages() []string {
	out := make([]string, len(b.Problems))
	for i, p := range b.Problems {
		out[i] = p.Message(b.lang)
	}
	return out
}

// Partial returns the batch without the records that have errors of their
// own — a need with a malformed value, an enterprise with a malformed value
// together with its needs — for an import with --partial. Problems are kept.
func (b *Batch) Partial() *Batch {
	out := &Batch{Problems: b.Problems, Sheets: b.Sheets, Origins: b.Origins, lang: b.lang, bad: b.bad,
		spill: b.spill, needs: b.needs, finish: b.finish, entSpill: b.entSpill, entKeys: b.entKeys, entOddIDs: b.entOddIDs, entRefs: b.entRefs}
	if b.spill != nil {
		bad := b.bad
		out.keep = func(n *forms.Need) bool { return !bad[n.ID] && !bad[n.EnterpriseID] }
	}
	for _, e := range b.Enterprises {
		if !b.bad[e.ID] {
			out.Enterprises = append(out.Enterprises, e)
		}
	}
	for _, n := range b.Needs {
		if !b.bad[n.ID] && !b.bad[n.EnterpriseID] {
			out.Needs = append(out.Needs, n)
		}
	}
	return out
}

// recoverPanics turns a panic inside excelize on a malformed workbook into
// ErrDamaged. The fuzz test turns it off to see real panics.
var recoverPanics = true

// ReadFile imports the workbook at path; see [Read].
func ReadFile(ctx context.Context, path string, opt Options) (b *Batch, err error) {
	return readFile(ctx, path, opt, false)
}

// ReadFileStream imports the workbook at path as ReadFile does, but keeps
// its needs on disk (sealed with a key only this process has) rather than
// in memory: what it holds does not grow with the number of rows, but for
// each enterprise. Batch.EachNeed hands the needs out; Close the batch
// once done.
func ReadFileStream(ctx context.Context, path string, opt Options) (*Batch, error) {
	return readFile(ctx, path, opt, true)
}

func readFile(ctx context.Context, path string, opt Options, stream bool) (*Batch, error) {
	return withFile(path, func(r io.ReaderAt, size int64) (*Batch, error) { return read(ctx, r, size, opt, stream) })
}

// withFile opens the workbook at path for read, refusing a folder by name.
func withFile[T any](path string, read func(r io.ReaderAt, size int64) (T, error)) (T, error) {
	var zero T
	fh, err := os.Open(path)
	if err != nil {
		return zero, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return zero, err
	}
	if st.IsDir() {
		return zero, fileErr(ErrNotWorkbook, nil, "这是一个文件夹，不是 Excel 工作簿。", "this is a folder, not an Excel workbook.")
	}
	return read(fh, st.Size())
}

// Read imports a workbook of size bytes. It returns a *FileError for a file
// that cannot be read at all (not an xlsx, over a limit, damaged, no
// recognisable header) and the context's error when ctx ends; everything
// else — malformed values, unknown columns, unresolved regions — is a
// [Problem] in the batch.
func Read(ctx context.Context, r io.ReaderAt, size int64, opt Options) (b *Batch, err error) {
	return read(ctx, r, size, opt, false)
}

// read reads a workbook, its needs through a spill; unless stream, they
// are then read back into the batch.
func read(ctx context.Context, r io.ReaderAt, size int64, opt Options, stream bool) (b *Batch, err error) {
	if recoverPanics {
		defer func() {
			if p := recover(); p != nil {
				b = nil
				err = fileErr(ErrDamaged, fmt.Errorf("excelize panic: %v\n%s", p, debug.Stack()),
					"工作簿已损坏，无法读取。", "the workbook is damaged and cannot be read.")
			}
		}()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lim := opt.Limits.withDefaults()
	info, err := inspect(r, size, lim)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    lim.MaxUnzipSize,
		UnzipXMLSizeLimit: lim.InMemoryPart,
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, fileErr(ErrDamaged, err, "工作簿已损坏，无法打开（"+clipName(err.Error())+"）。", "the workbook is damaged and cannot be opened ("+clipName(err.Error())+").")
	}
	defer f.Close()
	rd := newReader(ctx, f, info, opt, lim)
	if opt.RefuseSolutions && rd.holdsSolutions() {
		return nil, ErrSolutionWorkbook
	}
	if err := refuseLongSheets(info, opt, lim); err != nil {
		return nil, err
	}
	sp, err := newSpill()
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	rd.batch.spill = sp
	err = rd.run()
	if err == nil {
		err = rd.enterprisesOut(stream)
	}
	if err == nil {
		err = sp.done()
	}
	if err == nil && !stream {
		err = rd.batch.inMemory()
	}
	if err != nil || !stream {
		if cerr := sp.close(); err == nil {
			err = cerr
		}
	}
	if rd.packs != nil { // not handed to the batch
		if cerr := rd.packs.close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		if es := rd.batch.entSpill; es != nil {
			_ = es.close()
		}
		return nil, err
	}
	return rd.batch, nil
}

// inMemory reads the spilled needs back into Needs (and their origins into
// Origins): the batch Read returns.
func (b *Batch) inMemory() error {
	err := b.EachNeed(func(n *forms.Need, o Origin) error {
		b.Needs = append(b.Needs, n)
		b.Origins[n.ID] = o
		return nil
	})
	b.spill, b.finish = nil, nil
	return err
}

// addProblem records a problem, capping their number.
func (rd *reader) addProblem(p Problem) {
	if len(rd.batch.Problems) >= rd.lim.MaxProblems {
		rd.dropped++
		if p.Error() {
			rd.droppedErrors = true
		}
		return
	}
	rd.batch.Problems = append(rd.batch.Problems, p)
}

func (rd *reader) finishProblems() {
	if rd.dropped == 0 {
		return
	}
	sev := forms.SeverityWarning
	if rd.droppedErrors {
		sev = forms.SeverityError
	}
	rd.batch.Problems = append(rd.batch.Problems, Problem{
		Severity: sev, Code: "problems.truncated",
		ZH: fmt.Sprintf("另有 %d 个问题未列出。", rd.dropped),
		EN: fmt.Sprintf("%d more problems are not listed.", rd.dropped),
	})
}
