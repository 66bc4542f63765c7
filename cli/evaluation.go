package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/xunbang/xunbang/forms/xlsx"
	"github.com/xunbang/xunbang/store"
)

func init() {
	exporters["evaluation"] = exportEvaluation
}

// exportEvaluation writes the 竞榜 evaluation sheet (issue 15.5): one sheet
// per evaluated need, internal.
func exportEvaluation(ctx context.Context, c *call, out string) error {
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
	var stats xlsx.ExportStats
	err = writeOutput(c, out, func(w io.Writer) error {
		var err error
		stats, err = xlsx.WriteEvaluations(ctx, w, st, xlsx.EvaluationOptions{Lang: c.lang, Organisation: firstNonEmpty(set.Report.Unit, set.Team)})
		return err
	})
	if err != nil {
		return err
	}
	if err := c.audit(ctx, st, store.AuditExport, fmt.Sprintf("evaluation → %s (%d needs)", outputName(out), stats.Needs)); err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		fmt.Sprintf("导出 %d 条需求的竞榜评估（内部资料，评分不公开）。", stats.Needs),
		fmt.Sprintf("exported the evaluations of %d needs (internal: the scores are not published).", stats.Needs)))
	return nil
}
