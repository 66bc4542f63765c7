package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/xunbang/xunbang/internal/batchmem"
	"github.com/xunbang/xunbang/jobs"
)

// runExport writes one output of the data (package jobs: the same file the
// window writes): `xunbang export --format F [-o FILE]`.
func runExport(ctx context.Context, c *call) error {
	format := c.fs.String("format", "json", tr(c.lang, "格式：json、platform（平台批量上传表）、handbook（《技术需求汇编》Excel）、booklet（《技术需求汇编》PDF 印刷版）、report（统计报表）、evaluation（竞榜评估表）", "format: json, platform (batch-upload sheet), handbook (《技术需求汇编》 as Excel), booklet (《技术需求汇编》 as a print-ready PDF), report (organisers' counts), evaluation (竞榜 evaluation sheet)"))
	include := c.fs.Bool("include-unconfirmed", false, tr(c.lang, "汇编中也收入未经企业确认的需求（标注“未经企业确认”）", "handbook: include needs without a current confirmation, marked 未经企业确认"))
	profile := c.fs.String("profile", "", tr(c.lang, "平台上传表按哪个平台的格式写："+strings.Join(jobs.ProfileIDs(), "、")+"（默认取设置，未设置时为 jstec）",
		"platform: the platform profile of the upload sheet: "+strings.Join(jobs.ProfileIDs(), ", ")+" (default: settings, else jstec)"))
	out := c.fs.String("o", "", tr(c.lang, "输出文件（默认标准输出）", "output file (default standard output)"))
	if err := c.parse(); err != nil {
		return err
	}
	defer batchmem.Set()()
	f := jobs.Format(*format)
	toFile := *out != "" && *out != "-"
	switch {
	case !slices.Contains(jobs.Formats, f):
		return userError{zh: fmt.Sprintf("不支持的导出格式“%s”。", *format), en: fmt.Sprintf("unsupported export format %q.", *format)}
	case *include && f != jobs.FormatHandbook:
		return userError{zh: "--include-unconfirmed 只用于 --format handbook（Excel 汇编，未确认的需求标注“未经企业确认”）；印刷版汇编和其他格式只收入企业确认过的需求。",
			en: "--include-unconfirmed is for --format handbook only (the Excel handbook, unconfirmed needs marked); the printed booklet and the other formats hold confirmed needs only."}
	case f == jobs.FormatBooklet && !toFile:
		return userError{zh: "汇编导出须用 -o 指定 .pdf 文件。", en: "the booklet needs -o FILE.pdf."}
	case f.NeedsFile() && !toFile:
		return userError{zh: "Excel 导出须用 -o 指定 .xlsx 文件。", en: "an Excel export needs -o FILE.xlsx."}
	}
	noFont := userError{zh: "这个程序没有内置字体，无法生成汇编。", en: "this build has no embedded font; cannot make the booklet."}
	var font []byte
	if c.env.Font != nil {
		font = c.env.Font()
	}
	if f == jobs.FormatBooklet && len(font) == 0 {
		return noFont
	}
	st, err := c.openLazy(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := jobs.Export(ctx, st, jobs.ExportRequest{Format: f, IncludeUnconfirmed: *include, Profile: *profile,
		Path: *out, W: c.env.Stdout, Lang: c.lang, Font: font, Now: c.env.Now})
	var pe *jobs.UnknownProfileError
	switch {
	case errors.As(err, &pe):
		return userError{
			zh:  fmt.Sprintf("没有名为“%s”的平台格式（可用：%s）。", pe.Profile, strings.Join(jobs.ProfileIDs(), "、")),
			en:  fmt.Sprintf("there is no platform profile %q (there are: %s).", pe.Profile, strings.Join(jobs.ProfileIDs(), ", ")),
			err: err,
		}
	case errors.Is(err, jobs.ErrNoFont):
		noFont.err = err
		return noFont
	case err != nil:
		return err
	}
	if toFile {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "已写入 "+*out, "wrote "+*out))
	}
	c.printExport(f, res)
	return nil
}

// printExport says what an export holds.
func (c *call) printExport(f jobs.Format, res jobs.ExportResult) {
	switch f {
	case jobs.FormatJSON:
	case jobs.FormatBooklet:
		if len(res.MissingGlyphs) > 0 {
			fmt.Fprintln(c.env.Stderr, tr(c.lang, "字体缺少这些字，已画作 □："+string(res.MissingGlyphs), "the font lacks these characters, drawn as □: "+string(res.MissingGlyphs)))
		}
		fmt.Fprintln(c.env.Stderr, tr(c.lang,
			fmt.Sprintf("汇编收录 %d 条需求，共 %d 页（不公开 %d 条、未经企业确认 %d 条未收录）。", res.Needs, res.Pages, res.Private, res.Unconfirmed),
			fmt.Sprintf("the booklet holds %d needs on %d pages (%d private and %d unconfirmed left out).", res.Needs, res.Pages, res.Private, res.Unconfirmed)))
	case jobs.FormatEvaluation:
		fmt.Fprintln(c.env.Stderr, tr(c.lang,
			fmt.Sprintf("导出 %d 条需求的竞榜评估（内部资料，评分不公开）。", res.Needs),
			fmt.Sprintf("exported the evaluations of %d needs (internal: the scores are not published).", res.Needs)))
	default:
		fmt.Fprintln(c.env.Stderr, tr(c.lang,
			fmt.Sprintf("导出 %d 条需求（不公开 %d 条未导出或仅计数，未经企业确认 %d 条）。", res.Needs, res.Private, res.Unconfirmed),
			fmt.Sprintf("exported %d needs (%d private left out or only counted, %d unconfirmed).", res.Needs, res.Private, res.Unconfirmed)))
	}
	if res.NamesEnterprise > 0 {
		fmt.Fprintln(c.env.Stderr, tr(c.lang,
			fmt.Sprintf("另有 %d 条需求在公开的文字里写出了联系人信息，或（匿名公开时）写出了企业或比公开地区更细的地名，未收录：请改写后请企业重新确认。", res.NamesEnterprise),
			fmt.Sprintf("%d more needs give a contact's details or (anonymous) name their enterprise, or a place finer than the region shown, in what would be published, and were left out: reword them and have them confirmed again.", res.NamesEnterprise)))
	}
}
