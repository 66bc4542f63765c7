package app

import (
	"context"
	"io"

	"github.com/xunbang/xunbang/forms/xlsx"
)

// excelEvaluation is the 竞榜 evaluation sheet (`xunbang export --format
// evaluation`, issue 15.5): one sheet per evaluated need, internal.
const excelEvaluation = "evaluation"

// writeEvaluations writes the evaluation sheet of the records to w.
func writeEvaluations(ctx context.Context, w io.Writer, recs xlsx.EvaluationRecords, opt exportOptions) (xlsx.ExportStats, error) {
	return xlsx.WriteEvaluations(ctx, w, recs, xlsx.EvaluationOptions{Lang: opt.Lang, Progress: opt.Progress,
		Organisation: firstOf(opt.Settings.Report.Unit, opt.Settings.Team)})
}
