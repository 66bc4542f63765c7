package app

import "github.com/xunbang/xunbang/jobs"

// excelBooklet is the 《技术需求汇编》 as a print-ready PDF booklet
// (`xunbang export --format booklet`), offered in the export menu beside the
// Excel handbook.
const excelBooklet = string(jobs.FormatBooklet)

// exportExt is the file extension of an output.
func exportExt(format string) string {
	if format == excelHandbookUnconfirmed {
		return jobs.FormatHandbook.Ext()
	}
	return jobs.Format(format).Ext()
}
