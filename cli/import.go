package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/xunbang/xunbang/internal/batchmem"
	"github.com/xunbang/xunbang/jobs"
)

// runImport imports a file (package jobs: the same preview and import as
// the window's 导入 Excel): `xunbang import FILE [--dry-run] [--partial]`.
// JSON Lines keep their records' ids and revisions; a 需求征集表 workbook is
// merged into the stored records; a filled 《技术需求解决方案表》 (recognised,
// or with --solutions) adds solutions to the stored needs. One transaction;
// nothing is imported from a file with errors unless --partial.
func runImport(ctx context.Context, c *call) error {
	dryRun := c.fs.Bool("dry-run", false, tr(c.lang, "只检查并预览，不写入", "check and preview only; write nothing"))
	partial := c.fs.Bool("partial", false, tr(c.lang, "文件有错误时仍导入无误的记录", "import the good records even when some lines have errors"))
	sheet := c.fs.String("sheet", "", tr(c.lang, "Excel：只读这个工作表", "Excel: read only this sheet"))
	region := c.fs.String("region", "", tr(c.lang, "Excel：解析镇名所在的本地区代码（默认取设置）", "Excel: home region code for resolving town names (default: settings)"))
	solutions := c.fs.Bool("solutions", false, tr(c.lang, "Excel：按《技术需求解决方案表》导入（能自动识别时可不加）", "Excel: read filled 《技术需求解决方案表》 (recognised without it too)"))
	if err := c.parse(); err != nil {
		return err
	}
	defer batchmem.Set()()
	if len(c.args) != 1 {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "用法：xunbang import 文件 [--dry-run] [--partial]", "usage: xunbang import FILE [--dry-run] [--partial]"))
		return errUsage
	}
	path := c.args[0]
	if _, err := jobs.KindByName(path, *solutions); errors.Is(err, jobs.ErrUnsupportedFile) {
		return userError{zh: fmt.Sprintf("无法导入“%s”：只支持 .jsonl 与 .xlsx 文件。", path), en: fmt.Sprintf("cannot import %q: only .jsonl and .xlsx files are supported.", path), err: err}
	}
	st, err := c.openLazy(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := jobs.PreviewImport(ctx, st, jobs.ImportRequest{Path: path, Sheet: *sheet, HomeRegion: *region, Solutions: *solutions, Lang: c.lang})
	var fe *jobs.FileError
	if errors.As(err, &fe) {
		return userError{zh: filepath.Base(path) + "：" + fe.Message("zh"), en: filepath.Base(path) + ": " + fe.Message("en"), err: err}
	}
	if err != nil {
		return err
	}
	defer func() { _ = p.Close(context.WithoutCancel(ctx)) }() // what a dry run, or a blocked import, staged
	for _, q := range p.Problems {
		fmt.Fprintf(c.env.Stderr, "%s: %s\n", filepath.Base(path), q.Message(c.lang))
	}
	if p.HasErrors() && !*partial {
		return blockedImport(p, path, &jobs.BlockedError{Errors: p.Errors(), Moved: p.Moved()})
	}
	if *dryRun {
		printImportReport(c, p.Report, true)
		return nil
	}
	rep, err := jobs.ApplyImport(ctx, st, p, *partial)
	var be *jobs.BlockedError
	if errors.As(err, &be) {
		return blockedImport(p, path, be)
	}
	if err != nil {
		return err
	}
	printImportReport(c, rep, false)
	return nil
}

// blockedImport says why nothing was imported: the file's errors, or its
// rows whose need number is a need of another enterprise.
func blockedImport(p *jobs.Preview, path string, be *jobs.BlockedError) error {
	switch n := be.Errors - be.Moved; {
	case p.Kind == jobs.ImportRecords:
		return userError{
			zh:  fmt.Sprintf("%s 有 %d 处错误，未导入任何记录。改正后重试，或加 --partial 只导入无误的记录。", path, be.Errors),
			en:  fmt.Sprintf("%s has %d errors; nothing was imported. Mend them and retry, or add --partial to import the good records.", path, be.Errors),
			err: be,
		}
	case p.Kind == jobs.ImportSolutions:
		return userError{
			zh:  fmt.Sprintf("%s 有 %d 处错误，未导入任何方案。改正后重试，或加 --partial 只导入无误的方案。", path, be.Errors),
			en:  fmt.Sprintf("%s has %d errors; no solution was imported. Mend them and retry, or add --partial to import the good ones.", path, be.Errors),
			err: be,
		}
	case n > 0:
		return userError{
			zh:  fmt.Sprintf("%s 有 %d 处错误，未导入任何记录。改正后重试，或加 --partial 只导入无误的行。", path, n),
			en:  fmt.Sprintf("%s has %d errors; nothing was imported. Mend them and retry, or add --partial to import the good rows.", path, n),
			err: be,
		}
	}
	return userError{
		zh:  fmt.Sprintf("%s 有 %d 行的需求编号属于另一家企业的需求，未导入任何记录。改正后重试，或加 --partial 只导入无误的行。", path, be.Moved),
		en:  fmt.Sprintf("%s has %d rows whose need number is a need of another enterprise; nothing was imported. Mend them and retry, or add --partial to import the good rows.", path, be.Moved),
		err: be,
	}
}
