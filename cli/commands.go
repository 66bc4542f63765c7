package cli

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// open opens the data dir, encrypted with the key from the OS keyring or
// XUNBANG_PASSPHRASE (see openStore in backup.go).
func (c *call) open(ctx context.Context) (*store.Store, error) {
	return c.openStore(ctx, store.Options{})
}

// openLazy opens the store for a command that reads the records in passes
// (export, import): the need list is loaded only if the command asks for
// it (store.Options.Lazy).
func (c *call) openLazy(ctx context.Context) (*store.Store, error) {
	return c.openStore(ctx, store.Options{Lazy: true})
}

func runVersion(_ context.Context, c *call) error {
	if err := c.parse(); err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "xunbang %s (catalogue %s, %s, %s/%s)\n", Version, forms.Default().Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

func runList(ctx context.Context, c *call) error {
	status := c.fs.String("status", "", tr(c.lang, "只列出此状态的需求（如 待诊断 或 to_diagnose）", "only needs in this status (e.g. 待诊断 or to_diagnose)"))
	asJSON := c.fs.Bool("json", false, tr(c.lang, "每条需求输出一行 JSON", "one JSON object per line per need"))
	if err := c.parse(); err != nil {
		return err
	}
	q := store.Query{Sort: "updated"}
	if *status != "" {
		st, err := forms.ParseStatus(*status)
		if err != nil {
			return userError{zh: fmt.Sprintf("未知状态“%s”。可用：%s", *status, statusNames("zh")), en: fmt.Sprintf("unknown status %q. Known: %s", *status, statusNames("en")), err: err}
		}
		q.Status = []forms.Status{st}
	}
	st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sums, err := st.Needs(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		return listJSON(ctx, c, st, sums)
	}
	tw := tabwriter.NewWriter(c.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, tr(c.lang, "编号\t状态\t需求名称\t企业", "ID\tSTATUS\tTITLE\tENTERPRISE"))
	for _, s := range sums {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", shortID(s.ID), s.Status.Label(c.lang), s.Title, s.EnterpriseName)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang, fmt.Sprintf("共 %d 条需求。", len(sums)), fmt.Sprintf("%d needs.", len(sums))))
	return nil
}

func printImportReport(c *call, rep store.ImportReport, dryRun bool) {
	counts := map[string]int{"create": rep.Created, "update": rep.Updated, "skip": rep.Skipped}
	if dryRun {
		for _, it := range rep.Items {
			fmt.Fprintf(c.env.Stdout, "%s\t%s\t%s\t%s\n", actionLabel(it.Action, c.lang), it.Kind, shortID(it.ID), it.Title)
		}
		if rep.ItemsLeftOut > 0 {
			fmt.Fprintln(c.env.Stdout, tr(c.lang, fmt.Sprintf("……另有 %d 条记录没有逐条列出（计入下面的数目）。", rep.ItemsLeftOut),
				fmt.Sprintf("… %d more records not listed one by one (in the counts below).", rep.ItemsLeftOut)))
		}
	}
	verb := tr(c.lang, "已导入", "imported")
	if dryRun {
		verb = tr(c.lang, "预览（未写入）", "preview (nothing written)")
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		fmt.Sprintf("%s：新建 %d，更新 %d，跳过 %d。", verb, counts["create"], counts["update"], counts["skip"]),
		fmt.Sprintf("%s: %d created, %d updated, %d skipped.", verb, counts["create"], counts["update"], counts["skip"])))
	printStatusChanges(c, rep, dryRun)
}

// printStatusChanges names the needs whose status an import changes (an
// edit of confirmed content sends a need back to 待企业确认; imported
// solutions move their need) and those its solutions would move but the
// lifecycle keeps where they are.
func printStatusChanges(c *call, rep store.ImportReport, dryRun bool) {
	for _, ch := range rep.StatusChanges {
		from, to := ch.From.Label(c.lang), ch.To.Label(c.lang)
		switch {
		case dryRun:
			fmt.Fprintln(c.env.Stderr, tr(c.lang, fmt.Sprintf("需求「%s」（%s）的状态将从「%s」变为「%s」。", ch.Title, shortID(ch.ID), from, to),
				fmt.Sprintf("need %q (%s) would go from %s to %s.", ch.Title, shortID(ch.ID), from, to)))
		default:
			fmt.Fprintln(c.env.Stderr, tr(c.lang, fmt.Sprintf("需求「%s」（%s）的状态已从「%s」变为「%s」。", ch.Title, shortID(ch.ID), from, to),
				fmt.Sprintf("need %q (%s) went from %s to %s.", ch.Title, shortID(ch.ID), from, to)))
		}
	}
	for _, h := range rep.StatusHeld {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, fmt.Sprintf("需求「%s」（%s）：%s", h.Title, shortID(h.ID), h.Message("zh")),
			fmt.Sprintf("need %q (%s): %s", h.Title, shortID(h.ID), h.Message("en"))))
	}
}

func actionLabel(a, lang string) string {
	switch a {
	case "create":
		return tr(lang, "新建", "create")
	case "update":
		return tr(lang, "更新", "update")
	}
	return tr(lang, "跳过", "skip")
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func statusNames(lang string) string {
	var l []string
	for _, s := range forms.Statuses {
		l = append(l, s.Label(lang))
	}
	return strings.Join(l, " ")
}
