package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/jsonl"
	"github.com/xunbang/xunbang/store"
)

// open opens the data dir, encrypted with the key from the OS keyring or
// XUNBANG_PASSPHRASE (see openStore in backup.go).
func (c *call) open(ctx context.Context) (*store.Store, error) {
	return c.openStore(ctx, store.Options{})
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

// listJSON writes one object per need: the need's fields by catalogue id, and
// always id, title, status and enterprise_name.
func listJSON(ctx context.Context, c *call, st *store.Store, sums []store.Summary) error {
	enc := json.NewEncoder(c.env.Stdout)
	enc.SetEscapeHTML(false)
	for _, s := range sums {
		n, err := st.Need(ctx, s.ID)
		if err != nil {
			return err
		}
		b, err := json.Marshal(n)
		if err != nil {
			return err
		}
		var obj map[string]any
		if err := json.Unmarshal(b, &obj); err != nil {
			return err
		}
		obj["id"], obj["title"], obj["status"], obj["enterprise_name"] = n.ID, n.Title(), string(n.Status), s.EnterpriseName
		if err := enc.Encode(obj); err != nil {
			return err
		}
	}
	return nil
}

// importers holds importers by file extension, registered by their files.
var importers = map[string]func(ctx context.Context, c *call, path string, dryRun, partial bool) error{}

func runImport(ctx context.Context, c *call) error {
	dryRun := c.fs.Bool("dry-run", false, tr(c.lang, "只检查并预览，不写入", "check and preview only; write nothing"))
	partial := c.fs.Bool("partial", false, tr(c.lang, "文件有错误时仍导入无误的记录", "import the good records even when some lines have errors"))
	c.fs.String("sheet", "", tr(c.lang, "Excel：只读这个工作表", "Excel: read only this sheet"))
	c.fs.String("region", "", tr(c.lang, "Excel：解析镇名所在的本地区代码（默认取设置）", "Excel: home region code for resolving town names (default: settings)"))
	c.fs.Bool("solutions", false, tr(c.lang, "Excel：按《技术需求解决方案表》导入（能自动识别时可不加）", "Excel: read filled 《技术需求解决方案表》 (recognised without it too)"))
	if err := c.parse(); err != nil {
		return err
	}
	if len(c.args) != 1 {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "用法：xunbang import 文件 [--dry-run] [--partial]", "usage: xunbang import FILE [--dry-run] [--partial]"))
		return errUsage
	}
	path := c.args[0]
	ext := strings.ToLower(filepath.Ext(path))
	if imp, ok := importers[ext]; ok {
		return imp(ctx, c, path, *dryRun, *partial)
	}
	if ext != ".jsonl" && ext != ".json" && ext != ".ndjson" {
		return userError{zh: fmt.Sprintf("无法导入“%s”：只支持 .jsonl 与 .xlsx 文件。", path), en: fmt.Sprintf("cannot import %q: only .jsonl and .xlsx files are supported.", path)}
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	batch, err := jsonl.Read(ctx, f)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	for _, p := range batch.Problems {
		fmt.Fprintf(c.env.Stderr, "%s: %s\n", filepath.Base(path), p.Message(c.lang))
	}
	if n := batch.Errors(); n > 0 && !*partial {
		return userError{
			zh: fmt.Sprintf("%s 有 %d 处错误，未导入任何记录。改正后重试，或加 --partial 只导入无误的记录。", path, n),
			en: fmt.Sprintf("%s has %d errors; nothing was imported. Mend them and retry, or add --partial to import the good records.", path, n),
		}
	}
	st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// Records keep their ids and revisions; a hand-written line without a
	// revision gets one, as if it had been saved.
	for _, e := range batch.Enterprises {
		if e.Rev == "" {
			e.Rev = forms.NewID()
		}
	}
	for _, n := range batch.Needs {
		if n.Rev == "" {
			n.Rev = forms.NewID()
		}
	}
	rep, err := st.Import(ctx, batch.Enterprises, batch.Needs, store.ImportOptions{DryRun: *dryRun, Exact: true})
	if err != nil {
		return err
	}
	printImportReport(c, rep, *dryRun)
	return nil
}

func printImportReport(c *call, rep store.ImportReport, dryRun bool) {
	counts := map[string]int{}
	for _, it := range rep.Items {
		counts[it.Action]++
		if dryRun {
			fmt.Fprintf(c.env.Stdout, "%s\t%s\t%s\t%s\n", actionLabel(it.Action, c.lang), it.Kind, shortID(it.ID), it.Title)
		}
	}
	verb := tr(c.lang, "已导入", "imported")
	if dryRun {
		verb = tr(c.lang, "预览（未写入）", "preview (nothing written)")
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		fmt.Sprintf("%s：新建 %d，更新 %d，跳过 %d。", verb, counts["create"], counts["update"], counts["skip"]),
		fmt.Sprintf("%s: %d created, %d updated, %d skipped.", verb, counts["create"], counts["update"], counts["skip"])))
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
