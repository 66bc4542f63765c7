package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/xunbang/xunbang/forms/card"
	"github.com/xunbang/xunbang/store"
)

func init() {
	exporters["booklet"] = exportBooklet
}

// exportBooklet writes the 《技术需求汇编》 as a print-ready PDF booklet:
// the campaign from the settings (Event) on its cover, the hub's address
// (HubPublicURL) in its QR codes. Which needs, and what of them, is the
// booklet's rule (card.RenderBooklet), the same as the window's.
func exportBooklet(ctx context.Context, c *call, out string) error {
	if out == "" || out == "-" {
		return userError{zh: "汇编导出须用 -o 指定 .pdf 文件。", en: "the booklet needs -o FILE.pdf."}
	}
	if c.env.Font == nil {
		return userError{zh: "这个程序没有内置字体，无法生成汇编。", en: "this build has no embedded font; cannot make the booklet."}
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
	var rep card.BookletReport
	err = writeOutput(c, out, func(w io.Writer) error {
		var err error
		rep, err = card.WriteBooklet(ctx, w, st, bookletOptions(set, c.env.Font()))
		return err
	})
	if errors.Is(err, card.ErrNoFont) {
		return userError{zh: "这个程序没有内置字体，无法生成汇编。", en: "this build has no embedded font; cannot make the booklet.", err: err}
	}
	if err != nil {
		return err
	}
	if err := c.audit(ctx, st, store.AuditExport, fmt.Sprintf("booklet → %s (%d needs)", outputName(out), rep.Needs)); err != nil {
		return err
	}
	if len(rep.MissingGlyphs) > 0 {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "字体缺少这些字，已画作 □："+string(rep.MissingGlyphs), "the font lacks these characters, drawn as □: "+string(rep.MissingGlyphs)))
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		fmt.Sprintf("汇编收录 %d 条需求，共 %d 页（不公开 %d 条、未经企业确认 %d 条未收录）。", rep.Needs, rep.Pages, rep.Private, rep.Unconfirmed),
		fmt.Sprintf("the booklet holds %d needs on %d pages (%d private and %d unconfirmed left out).", rep.Needs, rep.Pages, rep.Private, rep.Unconfirmed)))
	return nil
}

// bookletOptions are the booklet's options from the settings, as in the
// window (app/booklet.go).
func bookletOptions(set store.Settings, font []byte) card.BookletOptions {
	return card.BookletOptions{Font: font, Event: card.Event(set.Event), HubPublicURL: set.HubPublicURL}
}
