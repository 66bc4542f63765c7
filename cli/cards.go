package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

func init() {
	commands = append(commands, command{"cards",
		[2]string{"打印需求卡片：cards [-o 文件.pdf] [--layout a4-8|a4-4|a6] [--status 状态] [--png -o 目录] [编号…]",
			"print need cards: cards [-o FILE.pdf] [--layout a4-8|a4-4|a6] [--status S] [--png -o DIR] [ID…]"}, runCards})
}

// runCards writes QR need cards for the selected needs: the given ids (full
// or the 8-character 编号), else those in --status, else every need. Needs
// that are 不公开 get no card; the command says so for each. A card's QR code
// points to the platform's page of the need, or to the hub's
// (Settings.HubPublicURL); a card with neither says where the need will be
// published (Settings.Event.Platform) and prints its check number.
func runCards(ctx context.Context, c *call) error {
	out := c.fs.String("o", "", tr(c.lang, "输出的 PDF 文件（--png 时为目录）", "output PDF (a directory with --png)"))
	layout := c.fs.String("layout", "a4-8", tr(c.lang, "版式：a4-8、a4-4、a6", "layout: a4-8, a4-4, a6"))
	status := c.fs.String("status", "", tr(c.lang, "只打印此状态的需求", "only needs in this status"))
	asPNG := c.fs.Bool("png", false, tr(c.lang, "每张卡片输出一个 PNG", "one PNG per card"))
	if err := c.parse(); err != nil {
		return err
	}
	lay, err := jobs.ParseLayout(*layout)
	if err != nil {
		return userError{zh: fmt.Sprintf("未知版式“%s”，可用 a4-8、a4-4、a6。", *layout), en: fmt.Sprintf("unknown layout %q; use a4-8, a4-4 or a6.", *layout), err: err}
	}
	if c.env.Font == nil {
		return userError{zh: "这个程序没有内置字体，无法打印卡片。", en: "this build has no embedded font; cannot print cards."}
	}
	if *asPNG && *out == "" {
		return userError{zh: "--png 需要用 -o 指定输出目录。", en: "--png needs an output directory with -o."}
	}
	if *out == "" {
		*out = "cards.pdf"
	}
	st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ids, err := selectCards(ctx, c, st, *status)
	if err != nil {
		return err
	}
	rep, err := jobs.PrintCards(ctx, st, jobs.CardsRequest{IDs: ids, Path: *out, PNG: *asPNG, Layout: lay, Font: c.env.Font()})
	for _, s := range rep.Skipped {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, fmt.Sprintf("跳过 %s「%s」：%s", jobs.ShortID(s.ID), s.Title, s.Reason), fmt.Sprintf("skipped %s %q: %s", jobs.ShortID(s.ID), s.Title, s.Code)))
	}
	if len(rep.MissingGlyphs) > 0 {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "字体缺少这些字，已画作 □："+string(rep.MissingGlyphs), "the font lacks these characters, drawn as □: "+string(rep.MissingGlyphs)))
	}
	if errors.Is(err, jobs.ErrNoCards) {
		return userError{zh: "没有可打印的卡片（所选需求都被跳过）。", en: "nothing to print: every selected need was skipped.", err: err}
	}
	if err != nil {
		return err
	}
	where := tr(c.lang, fmt.Sprintf("%d 页", rep.Pages), fmt.Sprintf("on %d pages", rep.Pages))
	if *asPNG {
		where = tr(c.lang, "每张一个 PNG，在 "+*out, "one PNG each, in "+*out)
	} else {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "已写入 "+*out, "wrote "+*out))
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		fmt.Sprintf("共 %d 张卡片，%s；其中 %d 张未经企业确认；%d 张带二维码，%d 张尚无二维码（需求还没有扫码可到的网页）。", rep.Cards, where, rep.Unconfirmed, rep.WithQR, rep.Cards-rep.WithQR),
		fmt.Sprintf("%d cards %s; %d not confirmed by the enterprise; %d with a QR code, %d without (no web page of the need to lead to yet).", rep.Cards, where, rep.Unconfirmed, rep.WithQR, rep.Cards-rep.WithQR)))
	return nil
}

// selectCards resolves which needs get cards: the ids given (full, or at
// least 6 characters of the 编号), else those in status, else every need,
// by title.
func selectCards(ctx context.Context, c *call, st *store.Store, status string) ([]string, error) {
	var ids []string
	if len(c.args) > 0 {
		all, err := st.Needs(ctx, store.Query{})
		if err != nil {
			return nil, err
		}
		for _, a := range c.args {
			var match []string
			for _, s := range all {
				if s.ID == a || len(a) >= 6 && strings.HasPrefix(strings.ToLower(s.ID), strings.ToLower(a)) {
					match = append(match, s.ID)
				}
			}
			switch len(match) {
			case 0:
				return nil, userError{zh: "找不到编号为 " + a + " 的需求。", en: "no need with id " + a + "."}
			case 1:
				ids = append(ids, match[0])
			default:
				return nil, userError{zh: "编号 " + a + " 对应多条需求，请写完整编号。", en: "id " + a + " matches several needs; give the full id."}
			}
		}
	} else {
		q := store.Query{Sort: "title"}
		if status != "" {
			s, err := forms.ParseStatus(status)
			if err != nil {
				return nil, userError{zh: fmt.Sprintf("未知状态“%s”。", status), en: fmt.Sprintf("unknown status %q.", status), err: err}
			}
			q.Status = []forms.Status{s}
		}
		sums, err := st.Needs(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, s := range sums {
			ids = append(ids, s.ID)
		}
	}
	return ids, nil
}
