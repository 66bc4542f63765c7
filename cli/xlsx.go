package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/xunbang/xunbang/forms/xlsx"
	"github.com/xunbang/xunbang/store"
)

func init() {
	importers[".xlsx"] = importXLSX
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
