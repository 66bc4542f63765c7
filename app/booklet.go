package app

import (
	"context"
	"io"

	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/forms/card"
	"github.com/xunbang/xunbang/forms/xlsx"
	"github.com/xunbang/xunbang/store"
)

// excelBooklet is the 《技术需求汇编》 as a print-ready PDF booklet
// (`xunbang export --format booklet`), offered in the export menu beside the
// Excel handbook.
const excelBooklet = "booklet"

// exportExt is the file extension of an output.
func exportExt(format string) string {
	if format == excelBooklet {
		return ".pdf"
	}
	return ".xlsx"
}

// bookletOptions are the booklet's options from the settings, as on the
// command line (cli/booklet.go): the campaign on the cover, the hub's
// address in the QR codes.
func bookletOptions(s store.Settings) card.BookletOptions {
	return card.BookletOptions{Font: assets.FontBytes(), Event: card.Event(s.Event), HubPublicURL: s.HubPublicURL}
}

// writeBooklet writes the booklet of the records to w and says what it
// holds, as the Excel exports do.
func writeBooklet(ctx context.Context, w io.Writer, recs card.Records, opt exportOptions) (xlsx.ExportStats, error) {
	bo := bookletOptions(opt.Settings)
	bo.Progress = opt.Progress
	rep, err := card.WriteBooklet(ctx, w, recs, bo)
	return xlsx.ExportStats{Needs: rep.Needs, Private: rep.Private, Unconfirmed: rep.Unconfirmed}, err
}
