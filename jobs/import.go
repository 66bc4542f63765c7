package jobs

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/xlsx"
	"github.com/xunbang/xunbang/store"
)

// ImportKind is what an imported file holds.
type ImportKind string

// The kinds of import.
const (
	// ImportRecords: JSON Lines as `xunbang export --format json` writes
	// them (enterprises, needs and their solutions); records keep their ids
	// and revisions.
	ImportRecords ImportKind = "records"
	// ImportNeeds: a filled 需求征集表 workbook (or an upload sheet):
	// enterprises and needs, merged into those stored.
	ImportNeeds ImportKind = "needs"
	// ImportSolutions: filled 《技术需求解决方案表》: each solution finds its
	// need among the stored ones by number or title.
	ImportSolutions ImportKind = "solutions"
)

// Importer is what an import needs of the store: the settings (the home
// region town names are looked up in), the needs solutions are matched to,
// the two imports and the audit log.
type Importer interface {
	SettingsSource
	Needs(ctx context.Context, q store.Query) ([]*store.Summary, error)
	StageImport(ctx context.Context, src store.ImportSource, opt store.ImportOptions) (*store.StagedImport, error)
	ImportSolutions(ctx context.Context, sols []*forms.Solution, opt store.ImportOptions) (store.ImportReport, error)
	Auditor
}

// ImportRequest says what to import.
type ImportRequest struct {
	// Path is the file: .jsonl (also .json, .ndjson) or .xlsx.
	Path string
	// Sheet names the one sheet of a workbook to read; "" reads all.
	Sheet string
	// HomeRegion is the region code a town name alone is looked up in;
	// "" takes the settings' (HomeRegion).
	HomeRegion string
	// Solutions reads a workbook as 《技术需求解决方案表》 even when it is
	// not recognised as one.
	Solutions bool
	// Lang is the language of the readers' messages kept with the records.
	Lang string
	// Progress, when set, is told rows read of total.
	Progress Progress
}

// ErrUnsupportedFile means that the file is neither JSON Lines nor a
// workbook.
var ErrUnsupportedFile = errors.New("only .jsonl and .xlsx files can be imported")

// ErrBlocked is the kind of a [BlockedError].
var ErrBlocked = errors.New("the file has errors: nothing imported")

// BlockedError refuses to import a file with errors unless only the records
// without them are asked for. errors.Is(err, ErrBlocked) holds.
type BlockedError struct {
	// Errors counts the errors; Moved of them are rows whose need number
	// is a stored need of another enterprise, which the store refuses to
	// move.
	Errors, Moved int
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("%v (%d errors, %d of them needs of another enterprise)", ErrBlocked, e.Errors, e.Moved)
}

// Is reports whether target is ErrBlocked.
func (e *BlockedError) Is(target error) bool { return target == ErrBlocked }

// ImportCounts counts records by kind.
type ImportCounts struct{ Enterprises, Needs, Solutions int }

// records are what an import stores: a workbook's records where its batch
// keeps them (on disk), a JSON Lines file's in the file (read again for each
// pass: jsonlSource), and solutions in memory.
type records struct {
	sols  []*forms.Solution
	book  *xlsx.Batch  // a workbook's records without errors
	lines *jsonlSource // or a JSON Lines file's
}

func (r records) counts() ImportCounts {
	switch {
	case r.book != nil:
		return ImportCounts{Enterprises: r.book.EnterpriseCount(), Needs: r.book.NeedCount()}
	case r.lines != nil:
		c := r.lines.scan.Counts
		return ImportCounts{c.Enterprises, c.Needs, len(r.sols)}
	}
	return ImportCounts{Solutions: len(r.sols)}
}

// source is what the store imports of the records.
func (r records) source() store.ImportSource {
	switch {
	case r.book != nil:
		return bookSource{r.book}
	case r.lines != nil:
		return r.lines
	}
	return store.ImportSlices{}
}

// bookSource is a workbook's batch as the store's import reads it.
type bookSource struct{ b *xlsx.Batch }

// Len tells the store how many records the batch gives.
func (s bookSource) Len() int { return s.b.EnterpriseCount() + s.b.NeedCount() }

func (s bookSource) EachEnterprise(fn func(*forms.Enterprise) error) error {
	return s.b.EachEnterprise(fn)
}

func (s bookSource) EachNeed(keysOnly bool, fn func(*forms.Need) error) error {
	if keysOnly {
		return s.b.EachNeedKey(fn)
	}
	return s.b.EachNeed(func(n *forms.Need, _ xlsx.Origin) error { return fn(n) })
}

// Preview is what importing a file would do: the file read and checked, and
// its records without errors staged in the store (store.StageImport) where
// no reader sees them — the import itself, which ApplyImport publishes.
// Close a preview that is not applied: until then its staging stays in the
// data file (and a workbook's needs in a temporary file).
type Preview struct {
	// Request is the request, its HomeRegion taken from the settings when
	// it gave none.
	Request ImportRequest
	Kind    ImportKind
	// Sheets are the workbook's sheets that hold records, in order (none
	// for JSON Lines): a face may offer to read one of them only.
	Sheets []string
	// Problems are the file's errors and warnings, in the order found.
	Problems []Problem
	// Read counts the records the file holds, with or without errors.
	Read ImportCounts
	// Report is the dry run of what ApplyImport stores: the whole file
	// when it has no errors, else its records without errors, which only
	// ApplyImport with partial stores.
	Report store.ImportReport

	good   records
	xb     *xlsx.Batch // a needs workbook, which refuses moved needs row by row
	moved  int
	staged *store.StagedImport // the good records staged, until published or closed
}

// Close discards what the preview staged, unless it was applied, and the
// workbook's needs kept on disk. It may be called more than once.
func (p *Preview) Close(ctx context.Context) error {
	var err error
	if p.staged != nil {
		err = p.staged.Discard(ctx)
		p.staged = nil
	}
	if p.xb != nil {
		if cerr := p.xb.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// Release lets go of a preview that is not applied as its program ends:
// it removes the workbook's needs kept on disk at once and leaves what it
// staged in the store to the store's next Open, which discards a staging
// it finds (a quick step here where Close may delete many rows). The
// preview cannot be applied after.
func (p *Preview) Release() error {
	p.staged = nil
	if p.xb == nil {
		return nil
	}
	return p.xb.Close()
}

// HasErrors reports whether the file has errors (which block a whole import).
func (p *Preview) HasErrors() bool { return p.Errors() > 0 }

// Errors counts the errors.
func (p *Preview) Errors() int {
	n := 0
	for _, q := range p.Problems {
		if q.Error() {
			n++
		}
	}
	return n
}

// Moved counts the errors that are rows whose need number is a stored need
// of another enterprise.
func (p *Preview) Moved() int { return p.moved }

// Good counts what ApplyImport would store.
func (p *Preview) Good() ImportCounts { return p.good.counts() }

// Empty reports whether there is nothing to import: no record without an
// error.
func (p *Preview) Empty() bool { return p.good.counts() == ImportCounts{} }

// Messages lists the problems in lang, each with its place.
func (p *Preview) Messages(lang string) []string {
	out := make([]string, len(p.Problems))
	for i, q := range p.Problems {
		out[i] = q.Message(lang)
	}
	return out
}

// KindOf says what a file holds by its name, and for a workbook by its
// sheets (a filled 《技术需求解决方案表》 is recognised by its labels).
func KindOf(ctx context.Context, path string, solutions bool) (ImportKind, error) {
	kind, err := KindByName(path, solutions)
	if err == nil && kind == ImportNeeds {
		if ok, _ := xlsx.IsSolutionWorkbook(ctx, path, xlsx.Options{}); ok {
			return ImportSolutions, nil
		}
	}
	return kind, err
}

// KindByName says what a file holds by its name alone, without opening
// it: a workbook is taken for needs unless solutions says it holds
// 《技术需求解决方案表》. An unsupported file is ErrUnsupportedFile.
func KindByName(path string, solutions bool) (ImportKind, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".json", ".ndjson":
		return ImportRecords, nil
	case ".xlsx":
		if solutions {
			return ImportSolutions, nil
		}
		return ImportNeeds, nil
	}
	return "", fmt.Errorf("import %s: %w", path, ErrUnsupportedFile)
}

// PreviewImport reads the file of req and stages its records without
// errors in the store (a 《技术需求解决方案表》 is tried in a dry run). It
// returns a *FileError (errors.As) for a workbook that cannot be read at
// all, and ctx's error when cancelled; on an error nothing is left staged.
// Close the preview unless it is applied.
func PreviewImport(ctx context.Context, st Importer, req ImportRequest) (*Preview, error) {
	kind, err := KindByName(req.Path, req.Solutions)
	if err != nil {
		return nil, err
	}
	p := &Preview{Request: req, Kind: kind}
	switch kind {
	case ImportRecords:
		err = p.readRecords(ctx)
	case ImportNeeds:
		// The reader of needs first looks whether the workbook holds
		// filled 《技术需求解决方案表》: one opening of it, not two.
		if err = p.readNeeds(ctx, st); errors.Is(err, xlsx.ErrSolutionWorkbook) {
			p.Kind = ImportSolutions
			err = p.readSolutions(ctx, st)
		}
	case ImportSolutions:
		err = p.readSolutions(ctx, st)
	}
	if err != nil {
		_ = p.Close(ctx)
		return nil, fmt.Errorf("read %s: %w", req.Path, err)
	}
	if p.Kind == ImportSolutions {
		p.Report, err = st.ImportSolutions(ctx, p.good.sols, store.ImportOptions{DryRun: true})
	} else {
		err = p.stage(ctx, st)
	}
	if err != nil {
		_ = p.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("import %s: %w", req.Path, err)
	}
	return p, nil
}

// ApplyImport stores what the preview read: it publishes the staging, all
// of it at once — the whole file when it has no errors; when it has,
// nothing (a *BlockedError) unless partial, and with partial its records
// without errors. Should the store have been written since the preview,
// the records are staged again first (the report may then differ from the
// preview's). The import is then recorded in the audit log. Once it
// tried to store anything the preview is closed, whatever the outcome; a
// blocked preview stays open, for an import with partial.
func ApplyImport(ctx context.Context, st Importer, p *Preview, partial bool) (store.ImportReport, error) {
	if p.HasErrors() && !partial {
		return store.ImportReport{}, &BlockedError{Errors: p.Errors(), Moved: p.moved}
	}
	defer func() { _ = p.Close(context.WithoutCancel(ctx)) }()
	rep, err := p.apply(ctx, st)
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", p.Request.Path, err)
	}
	detail := fmt.Sprintf("%s ← %s (%d created, %d updated, %d skipped)", p.Kind, OutputName(p.Request.Path), rep.Created, rep.Updated, rep.Skipped)
	if n := p.Errors(); n > 0 {
		detail += fmt.Sprintf("; %d errors left out", n)
	}
	return rep, audit(ctx, st, store.AuditImport, detail)
}

// stageAttempts bounds how many times an import is staged: once, and again
// after refusing the rows whose needs belong to another enterprise.
const stageAttempts = 2

// MaxReportItems is the most records an import's report lists one by one
// (store.ImportOptions.MaxItems); it counts them all. A preview shows the
// changes of the records listed, and says how many more there are: a
// workbook of 200,000 rows keeps its report in a fixed room.
const MaxReportItems = 5000

// stage stages the good records. A need whose number the store finds to be
// another enterprise's is refused row by row: an error of its row (which
// then blocks an import of the whole file), after which the rest is
// staged again.
func (p *Preview) stage(ctx context.Context, st Importer) error {
	opt := store.ImportOptions{Exact: p.Kind == ImportRecords, MaxItems: MaxReportItems}
	if p.Kind == ImportRecords {
		opt.Solutions = p.good.sols // xunbang's own JSON carries them
	}
	for attempt := 1; ; attempt++ {
		si, err := st.StageImport(ctx, p.good.source(), opt)
		var ce *store.ImportConflictError
		if p.xb == nil || attempt == stageAttempts || !errors.As(err, &ce) {
			if err != nil {
				return err
			}
			p.staged, p.Report = si, si.Report()
			return nil
		}
		moved := make([]xlsx.MovedNeed, len(ce.Needs))
		for i, c := range ce.Needs {
			moved[i] = xlsx.MovedNeed(c)
		}
		if err := p.xb.RefuseMoved(moved); err != nil {
			return err
		}
		p.moved += len(moved)
		p.Problems = fromXLSX(p.xb.Problems)
		p.good = records{book: p.xb.Partial()}
	}
}

// apply publishes the staging (solutions: imports them), staging the
// records again when the store changed since.
func (p *Preview) apply(ctx context.Context, st Importer) (store.ImportReport, error) {
	if p.Kind == ImportSolutions {
		return st.ImportSolutions(ctx, p.good.sols, store.ImportOptions{})
	}
	for attempt := 0; ; attempt++ {
		if p.staged == nil {
			if err := p.stage(ctx, st); err != nil {
				return store.ImportReport{}, err
			}
		}
		err := p.staged.Publish(ctx)
		if errors.Is(err, store.ErrStale) && attempt < 3 {
			p.staged = nil // discarded by Publish
			continue
		}
		if err != nil {
			return store.ImportReport{}, err
		}
		rep := p.staged.Report()
		rep.DryRun = false
		p.staged = nil
		return rep, nil
	}
}

// readRecords reads JSON Lines, checking every line; the records are read
// again from the file when they are staged. A record with an error is left
// out. Records keep their ids and revisions; a hand-written line without a
// revision gets one, as if it had been saved.
func (p *Preview) readRecords(ctx context.Context) error {
	b, sols, src, err := scanJSONL(ctx, p.Request.Path)
	if err != nil {
		return err
	}
	p.Problems = fromJSONL(b.Problems)
	p.good = records{lines: src, sols: sols}
	p.Read = p.good.counts()
	return nil
}

// readNeeds reads a 需求征集表 workbook.
func (p *Preview) readNeeds(ctx context.Context, st Importer) error {
	if p.Request.HomeRegion == "" {
		set, err := st.Settings(ctx)
		if err != nil {
			return err
		}
		p.Request.HomeRegion = set.HomeRegion
	}
	opt := p.xlsxOptions()
	opt.RefuseSolutions = true
	b, err := xlsx.ReadFileStream(ctx, p.Request.Path, opt)
	if err != nil {
		return err
	}
	p.xb = b
	p.Problems = fromXLSX(b.Problems)
	p.Read = ImportCounts{Enterprises: b.EnterpriseCount(), Needs: b.NeedCount()}
	good := b
	if b.HasErrors() {
		good = b.Partial()
	}
	p.good = records{book: good}
	p.Sheets = recordSheets(b.Sheets)
	return nil
}

// readSolutions reads filled 《技术需求解决方案表》 and finds each solution's
// need.
func (p *Preview) readSolutions(ctx context.Context, st Importer) error {
	b, err := xlsx.ReadSolutionsFile(ctx, p.Request.Path, p.xlsxOptions())
	if err != nil {
		return err
	}
	needs, err := st.Needs(ctx, store.Query{})
	if err != nil {
		return err
	}
	infos := make([]xlsx.NeedInfo, len(needs))
	for i, n := range needs {
		infos[i] = xlsx.NeedInfo{ID: n.ID, Title: n.Title}
	}
	b.Resolve(infos)
	p.Problems = fromXLSX(b.Problems)
	p.Read = ImportCounts{Solutions: len(b.Solutions)}
	good := b
	if b.HasErrors() {
		good = b.Partial()
	}
	p.good = records{sols: good.Solutions}
	p.Sheets = recordSheets(b.Sheets)
	return nil
}

func (p *Preview) xlsxOptions() xlsx.Options {
	r := p.Request
	return xlsx.Options{Sheet: r.Sheet, HomeRegion: r.HomeRegion, Lang: r.Lang, Progress: r.Progress}
}

// recordSheets names the sheets read as records.
func recordSheets(l []xlsx.SheetInfo) []string {
	var out []string
	for _, s := range l {
		if s.Role != xlsx.RoleSkipped {
			out = append(out, s.Name)
		}
	}
	return out
}
