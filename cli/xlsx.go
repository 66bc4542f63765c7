package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xunbang/xunbang/forms/xlsx"
	"github.com/xunbang/xunbang/store"
)

func init() {
	importers[".xlsx"] = importXLSX
	exporters["platform"] = exportXLSX("platform")
	exporters["handbook"] = exportXLSX("handbook")
	exporters["report"] = exportXLSX("report")
}

// importXLSX reads a filled 需求征集表 workbook: one transaction, nothing
// imported from a file with errors unless --partial.
func importXLSX(ctx context.Context, c *call, path string, dryRun, partial bool) error {
	if isSolutionImport(ctx, c, path) { // 《技术需求解决方案表》: jiebang.go
		return importSolutionsXLSX(ctx, c, path, dryRun, partial)
	}
	st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	set, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	region := set.HomeRegion
	if f := c.fs.Lookup("region"); f != nil && f.Value.String() != "" {
		region = f.Value.String()
	}
	sheet := ""
	if f := c.fs.Lookup("sheet"); f != nil {
		sheet = f.Value.String()
	}
	batch, err := xlsx.ReadFile(ctx, path, xlsx.Options{Sheet: sheet, HomeRegion: region, Lang: c.lang})
	var fe *xlsx.FileError
	if errors.As(err, &fe) {
		return userError{zh: filepath.Base(path) + "：" + fe.Message("zh"), en: filepath.Base(path) + ": " + fe.Message("en"), err: err}
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	for _, p := range batch.Problems {
		fmt.Fprintf(c.env.Stderr, "%s: %s\n", filepath.Base(path), p.Message(c.lang))
	}
	if batch.HasErrors() {
		if !partial {
			n := len(batch.Errors())
			return userError{
				zh: fmt.Sprintf("%s 有 %d 处错误，未导入任何记录。改正后重试，或加 --partial 只导入无误的行。", path, n),
				en: fmt.Sprintf("%s has %d errors; nothing was imported. Mend them and retry, or add --partial to import the good rows.", path, n),
			}
		}
		batch = batch.Partial()
	}
	opt := store.ImportOptions{DryRun: dryRun}
	rep, err := st.Import(ctx, batch.Enterprises, batch.Needs, opt)
	var ce *store.ImportConflictError
	if errors.As(err, &ce) {
		before := len(batch.Problems)
		batch.RefuseMoved(batch.Needs, movedNeeds(ce))
		for _, p := range batch.Problems[before:] {
			fmt.Fprintf(c.env.Stderr, "%s: %s\n", filepath.Base(path), p.Message(c.lang))
		}
		if !partial {
			n := len(ce.Needs)
			return userError{
				zh:  fmt.Sprintf("%s 有 %d 行的需求编号属于另一家企业的需求，未导入任何记录。改正后重试，或加 --partial 只导入无误的行。", path, n),
				en:  fmt.Sprintf("%s has %d rows whose need number is a need of another enterprise; nothing was imported. Mend them and retry, or add --partial to import the good rows.", path, n),
				err: err,
			}
		}
		batch = batch.Partial()
		rep, err = st.Import(ctx, batch.Enterprises, batch.Needs, opt)
	}
	if err != nil {
		return err
	}
	printImportReport(c, rep, dryRun)
	return nil
}

// movedNeeds converts the store's refusal for the workbook's messages.
func movedNeeds(ce *store.ImportConflictError) []xlsx.MovedNeed {
	out := make([]xlsx.MovedNeed, len(ce.Needs))
	for i, c := range ce.Needs {
		out[i] = xlsx.MovedNeed(c)
	}
	return out
}

// exportXLSX writes one of the Excel outputs; redaction by visibility is
// the exporters' (and forms.Publish's) job.
func exportXLSX(format string) func(ctx context.Context, c *call, out string) error {
	return func(ctx context.Context, c *call, out string) error {
		if out == "" || out == "-" {
			return userError{zh: "Excel 导出须用 -o 指定 .xlsx 文件。", en: "an Excel export needs -o FILE.xlsx."}
		}
		st, err := c.open(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		set, err := st.Settings(ctx)
		if err != nil {
			return err
		}
		include := false
		if f := c.fs.Lookup("include-unconfirmed"); f != nil {
			include = f.Value.String() == "true"
		}
		profile := set.PlatformProfile
		if f := c.fs.Lookup("profile"); f != nil && f.Value.String() != "" {
			profile = f.Value.String()
		}
		if _, ok := xlsx.ProfileByID(profile); !ok {
			return userError{
				zh: fmt.Sprintf("没有名为“%s”的平台格式（可用：%s）。", profile, strings.Join(xlsx.ProfileIDs(), "、")),
				en: fmt.Sprintf("there is no platform profile %q (there are: %s).", profile, strings.Join(xlsx.ProfileIDs(), ", ")),
			}
		}
		var stats xlsx.ExportStats
		err = writeOutput(c, out, func(w io.Writer) error {
			var err error
			switch format {
			case "platform":
				stats, err = xlsx.WritePlatform(ctx, w, st, xlsx.PlatformOptions{Profile: profile, Organisation: firstNonEmpty(set.Report.Unit, set.Team), User: set.User})
			case "handbook":
				stats, err = xlsx.WriteHandbook(ctx, w, st, xlsx.HandbookOptions{IncludeUnconfirmed: include, Lang: c.lang})
			default:
				stats, err = xlsx.WriteReport(ctx, w, st, reportOptions(set, c.lang))
			}
			return err
		})
		if err != nil {
			return err
		}
		if err := c.audit(ctx, st, store.AuditExport, fmt.Sprintf("%s → %s (%d needs)", format, outputName(out), stats.Needs)); err != nil {
			return err
		}
		fmt.Fprintln(c.env.Stderr, tr(c.lang,
			fmt.Sprintf("导出 %d 条需求（不公开 %d 条未导出或仅计数，未经企业确认 %d 条）。", stats.Needs, stats.Private, stats.Unconfirmed),
			fmt.Sprintf("exported %d needs (%d private left out or only counted, %d unconfirmed).", stats.Needs, stats.Private, stats.Unconfirmed)))
		return nil
	}
}

// reportOptions are the report's options from the settings, as in the
// window (app/excel.go): the title, 填报单位 and 填报人 (the user when none
// is set), the home region and the targets.
func reportOptions(set store.Settings, lang string) xlsx.ReportOptions {
	t := set.Targets
	filer := set.Report.Filer
	if filer == "" {
		filer = set.User
	}
	return xlsx.ReportOptions{HomeRegion: set.HomeRegion, Lang: lang, Title: set.Report.Title, Unit: set.Report.Unit, Filer: filer,
		Targets: &xlsx.Targets{Enterprises: t.Enterprises, ValidNeeds: t.ValidNeeds, CrossRegion: t.CrossRegion, Matches: t.Matches, Deals: t.Deals, TypicalCases: t.TypicalCases}}
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
