package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/card"
	"github.com/xunbang/xunbang/forms/jsonl"
	"github.com/xunbang/xunbang/forms/xlsx"
	"github.com/xunbang/xunbang/internal/atomicfile"
	"github.com/xunbang/xunbang/store"
)

// Format is an output of [Export].
type Format string

// The formats.
const (
	// FormatJSON: every enterprise, then every need followed by its
	// solutions, one JSON object a line (forms/jsonl): the interchange
	// format `xunbang import` reads back.
	FormatJSON Format = "json"
	// FormatPlatform: the platform's batch-upload sheet, per profile.
	FormatPlatform Format = "platform"
	// FormatHandbook: the 《技术需求汇编》 as an Excel workbook.
	FormatHandbook Format = "handbook"
	// FormatBooklet: the 《技术需求汇编》 as a print-ready PDF.
	FormatBooklet Format = "booklet"
	// FormatReport: the organisers' counts and list (internal).
	FormatReport Format = "report"
	// FormatEvaluation: the 竞榜 evaluation sheet, one sheet per evaluated
	// need (internal: the scores are not published).
	FormatEvaluation Format = "evaluation"
)

// Formats lists the formats.
var Formats = []Format{FormatJSON, FormatPlatform, FormatHandbook, FormatBooklet, FormatReport, FormatEvaluation}

// Ext is the file extension of the format's files.
func (f Format) Ext() string {
	switch f {
	case FormatJSON:
		return ".jsonl"
	case FormatBooklet:
		return ".pdf"
	}
	return ".xlsx"
}

// NeedsFile reports whether the format must go to a file: a workbook or a
// PDF is no use on a terminal.
func (f Format) NeedsFile() bool { return f != FormatJSON }

// Errors of Export, which the faces turn into sentences.
var (
	// ErrUnknownFormat means the format is none of Formats.
	ErrUnknownFormat = errors.New("unknown export format")
	// ErrNeedsFile means the format was asked for on standard output.
	ErrNeedsFile = errors.New("this output must be written to a file")
	// ErrNoFont means a PDF was asked for without the CJK font.
	ErrNoFont = card.ErrNoFont
	// ErrUnknownProfile means no platform profile has the name asked for
	// (or the one in the settings).
	ErrUnknownProfile = xlsx.ErrUnknownProfile
)

// ExportSource is what an export reads: the settings it takes its options
// from, every record, the follow-ups and the solutions' statuses the report
// counts, each need's solutions (the JSON export and the evaluation sheet),
// the number of needs (the total of its progress) and the audit log that
// records it.
type ExportSource interface {
	SettingsSource
	ForEachEnterprise(ctx context.Context, fn func(*forms.Enterprise) error) error
	ForEachNeed(ctx context.Context, fn func(*forms.Need) error) error
	AllFollowUps(ctx context.Context) ([]forms.FollowUp, error)
	Solutions(ctx context.Context, needID string) ([]*forms.Solution, error)
	SolutionStatuses(ctx context.Context) (map[string][]forms.SolutionStatus, error)
	CountNeeds(ctx context.Context) int
	Auditor
}

// ExportRequest says what to export and where.
type ExportRequest struct {
	Format Format
	// IncludeUnconfirmed (the handbook only) adds the needs whose
	// confirmation is not current, each marked 未经企业确认.
	IncludeUnconfirmed bool
	// Profile (the upload sheet only) names the platform profile; "" takes
	// the settings' (PlatformProfile), else xlsx.DefaultProfile.
	Profile string
	// Path is the file to write, replaced only once complete. "" (or "-")
	// writes to W instead, which only FormatJSON may.
	Path string
	W    io.Writer
	// Lang is the language of the labels: "zh" (the default) or "en".
	Lang string
	// Font is the CJK TrueType font of the booklet.
	Font []byte
	// Now stamps the output; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is told needs done of total.
	Progress Progress
}

// ExportResult says what an export wrote.
type ExportResult struct {
	// Output is the absolute path written, or Stdout.
	Output string
	// Needs is how many needs the output holds (the evaluation sheet: how
	// many evaluated needs); Enterprises and Solutions (JSON only) how many
	// enterprises and solutions.
	Needs, Enterprises, Solutions int
	// Private and Unconfirmed count the needs left out (or, for the
	// handbook with IncludeUnconfirmed, marked) as 不公开 and for want of
	// a current confirmation.
	Private, Unconfirmed int
	// NamesEnterprise counts the 匿名公开 needs left out of the handbook
	// or booklet because their text names the enterprise.
	NamesEnterprise int
	// Pages is the booklet's number of pages.
	Pages int
	// MissingGlyphs lists the characters the booklet's font lacks, drawn
	// as □.
	MissingGlyphs []rune
}

// auditName is how the audit log names the output: the format, and for the
// handbook with the unconfirmed needs "handbook.unconfirmed", so that the log
// says unconfirmed needs left the store (the window's name, kept when the
// command line's plain "handbook" and it were made one).
func (r ExportRequest) auditName() string {
	if r.Format == FormatHandbook && r.IncludeUnconfirmed {
		return "handbook.unconfirmed"
	}
	return string(r.Format)
}

// Export writes one output of the records of src: to req.Path atomically,
// recorded in the audit log before the file takes its name, or to req.W.
// A cancelled or failed export leaves no file, no temporary file and no
// audit entry.
func Export(ctx context.Context, src ExportSource, req ExportRequest) (ExportResult, error) {
	var res ExportResult
	if !slices.Contains(Formats, req.Format) {
		return res, fmt.Errorf("export %q: %w", req.Format, ErrUnknownFormat)
	}
	toFile := req.Path != "" && req.Path != "-"
	if !toFile && req.Format.NeedsFile() {
		return res, fmt.Errorf("export %s: %w", req.Format, ErrNeedsFile)
	}
	if req.Format == FormatBooklet && len(req.Font) == 0 {
		return res, fmt.Errorf("export %s: %w", req.Format, ErrNoFont)
	}
	set, err := src.Settings(ctx)
	if err != nil {
		return res, fmt.Errorf("export %s: %w", req.Format, err)
	}
	if req.Format == FormatPlatform {
		if req.Profile == "" {
			req.Profile = set.PlatformProfile
		}
		if _, ok := xlsx.ProfileByID(req.Profile); !ok {
			return res, fmt.Errorf("export %s: %w", req.Format, &UnknownProfileError{req.Profile})
		}
	}
	res.Output = OutputName(req.Path)
	write := func(w io.Writer) error {
		if err := writeFormat(ctx, w, src, set, req, &res); err != nil {
			return err
		}
		return ctx.Err()
	}
	record := func() error {
		detail := fmt.Sprintf("%s → %s (%d needs)", req.auditName(), res.Output, res.Needs)
		if req.Format == FormatJSON {
			detail = "json → " + res.Output
		}
		return audit(ctx, src, store.AuditExport, detail)
	}
	if !toFile {
		if err := write(req.W); err != nil {
			return res, fmt.Errorf("export %s: %w", req.Format, err)
		}
		return res, record()
	}
	if err := atomicfile.WriteThen(req.Path, outputPerm, write, record); err != nil {
		return res, fmt.Errorf("export %s: %w", req.Path, err)
	}
	return res, nil
}

// writeFormat writes the output to w with the options the settings give.
func writeFormat(ctx context.Context, w io.Writer, src ExportSource, set store.Settings, req ExportRequest, res *ExportResult) error {
	var stats xlsx.ExportStats
	var err error
	switch req.Format {
	case FormatJSON:
		return writeJSON(ctx, w, src, res)
	case FormatPlatform:
		stats, err = xlsx.WritePlatform(ctx, w, withBriefs(src), xlsx.PlatformOptions{Profile: req.Profile,
			Organisation: firstNonEmpty(set.Report.Unit, set.Team), User: set.User, Now: req.Now, Progress: req.Progress})
	case FormatHandbook:
		stats, err = xlsx.WriteHandbook(ctx, w, src, xlsx.HandbookOptions{IncludeUnconfirmed: req.IncludeUnconfirmed,
			Lang: req.Lang, HubPublicURL: set.HubPublicURL, Now: req.Now, Progress: req.Progress})
	case FormatReport:
		stats, err = xlsx.WriteReport(ctx, w, src, reportOptions(set, req))
	case FormatBooklet:
		var rep card.BookletReport
		rep, err = card.WriteBooklet(ctx, w, src, card.BookletOptions{Font: req.Font, Event: card.Event(set.Event),
			HubPublicURL: set.HubPublicURL, Now: req.Now, Progress: req.Progress})
		stats = xlsx.ExportStats{Needs: rep.Needs, Private: rep.Private, Unconfirmed: rep.Unconfirmed, NamesEnterprise: rep.NamesEnterprise}
		res.Pages, res.MissingGlyphs = rep.Pages, rep.MissingGlyphs
	case FormatEvaluation:
		stats, err = xlsx.WriteEvaluations(ctx, w, src, xlsx.EvaluationOptions{Lang: req.Lang,
			Organisation: firstNonEmpty(set.Report.Unit, set.Team), Now: req.Now, Progress: req.Progress})
	}
	res.Needs, res.Private, res.Unconfirmed, res.NamesEnterprise = stats.Needs, stats.Private, stats.Unconfirmed, stats.NamesEnterprise
	return err
}

// needScanner is a source that reads needs by their summaries
// (*store.Store's ScanNeeds): a writer then reads only the needs it writes.
type needScanner interface {
	ScanNeeds(ctx context.Context, read func(*store.Summary) bool, fn func(*store.Summary, *forms.Need) error) error
}

// briefRecords is an ExportSource that tells the writers each need's brief
// (xlsx.NeedBriefs) from its summary.
type briefRecords struct {
	ExportSource
	scan needScanner
}

// withBriefs returns src telling the needs' briefs when it can.
func withBriefs(src ExportSource) xlsx.Records {
	if sc, ok := src.(needScanner); ok {
		return briefRecords{src, sc}
	}
	return src
}

// ForEachNeedBrief implements xlsx.NeedBriefs.
func (r briefRecords) ForEachNeedBrief(ctx context.Context, read func(xlsx.NeedBrief) bool, fn func(xlsx.NeedBrief, *forms.Need) error) error {
	brief := func(s *store.Summary) xlsx.NeedBrief {
		return xlsx.NeedBrief{Visibility: s.Visibility, Confirmed: s.Confirmed}
	}
	return r.scan.ScanNeeds(ctx, func(s *store.Summary) bool { return read(brief(s)) },
		func(s *store.Summary, n *forms.Need) error { return fn(brief(s), n) })
}

// writeJSON writes every enterprise, then every need followed by its
// solutions (records too, issue 15.3), as JSON Lines.
func writeJSON(ctx context.Context, w io.Writer, src ExportSource, res *ExportResult) error {
	jw := jsonl.NewWriter(w)
	if err := src.ForEachEnterprise(ctx, func(e *forms.Enterprise) error {
		res.Enterprises++
		return jw.Enterprise(e)
	}); err != nil {
		return err
	}
	if err := src.ForEachNeed(ctx, func(n *forms.Need) error {
		res.Needs++
		if err := jw.Need(n); err != nil {
			return err
		}
		sols, err := src.Solutions(ctx, n.ID)
		if err != nil {
			return fmt.Errorf("solutions of need %s: %w", n.ID, err)
		}
		for _, s := range sols {
			res.Solutions++
			if err := jw.Solution(s); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return jw.Flush()
}

// reportOptions are the report's options from the settings: the title,
// 填报单位 and 填报人 (the user when none is set), the home region and the
// targets.
func reportOptions(set store.Settings, req ExportRequest) xlsx.ReportOptions {
	t := set.Targets
	return xlsx.ReportOptions{HomeRegion: set.HomeRegion, Lang: req.Lang, Now: req.Now, Progress: req.Progress,
		Title: set.Report.Title, Unit: set.Report.Unit, Filer: firstNonEmpty(set.Report.Filer, set.User),
		Targets: &xlsx.Targets{Enterprises: t.Enterprises, ValidNeeds: t.ValidNeeds, CrossRegion: t.CrossRegion,
			Matches: t.Matches, Deals: t.Deals, TypicalCases: t.TypicalCases}}
}

// firstNonEmpty returns the first of its arguments that is not empty.
func firstNonEmpty(l ...string) string {
	for _, s := range l {
		if s != "" {
			return s
		}
	}
	return ""
}

// Profile is a platform profile: the columns, order, codes and units of one
// platform's upload sheet (forms/xlsx).
type Profile = xlsx.Profile

// DefaultProfile is the profile used when none is chosen.
const DefaultProfile = xlsx.DefaultProfile

// Profiles lists the platform profiles.
func Profiles() []*Profile { return xlsx.Profiles() }

// ProfileIDs lists the profiles' names.
func ProfileIDs() []string { return xlsx.ProfileIDs() }

// UnknownProfileError names the profile no platform has.
// errors.Is(err, ErrUnknownProfile) holds.
type UnknownProfileError struct{ Profile string }

func (e *UnknownProfileError) Error() string {
	return fmt.Sprintf("%v %q (known: %s)", ErrUnknownProfile, e.Profile, strings.Join(xlsx.ProfileIDs(), ", "))
}

// Is reports whether target is ErrUnknownProfile.
func (e *UnknownProfileError) Is(target error) bool { return target == ErrUnknownProfile }
