package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

func init() {
	commands = append(commands, command{"audit",
		[2]string{"查看审计日志：audit [--json] [--kind 类别] [--last N]", "print the audit log: audit [--json] [--kind KIND] [--last N]"}, runAudit})
}

// audit records in the audit log that this command did kind (one of the
// store.Audit… kinds) with detail, by the user of the settings. Commands
// call it once what they record has happened (the export is written, the
// cards printed, the sync run): an error here is the command's error, so
// that nothing leaves the store unrecorded without the user being told.
func (c *call) audit(ctx context.Context, st *store.Store, kind, detail string) error {
	if err := st.Audit(ctx, kind, detail); err != nil {
		return fmt.Errorf("record %s in the audit log: %w", kind, err)
	}
	return nil
}

// outputName names an output for the audit log as the jobs do: the
// absolute path of a file, or "stdout".
func outputName(path string) string { return jobs.OutputName(path) }

// runAudit prints the audit log, oldest first: `xunbang audit [--json]
// [--kind KIND] [--last N]`.
func runAudit(ctx context.Context, c *call) error {
	asJSON := c.fs.Bool("json", false, tr(c.lang, "每条记录输出一行 JSON", "one JSON object per line per entry"))
	kind := c.fs.String("kind", "", tr(c.lang, "只列出此类别："+auditKinds(), "only this kind: "+auditKinds()))
	last := c.fs.Int("last", 0, tr(c.lang, "只列出最后 N 条", "only the last N entries"))
	if err := c.parse(); err != nil {
		return err
	}
	if len(c.args) > 0 {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "用法：xunbang audit [--json] [--kind 类别] [--last N]", "usage: xunbang audit [--json] [--kind KIND] [--last N]"))
		return errUsage
	}
	// An unknown kind is its own label; the Chinese labels of known kinds
	// never equal their ASCII kinds (the English ones may: "backup").
	if *kind != "" && store.AuditLabel(*kind, "zh") == *kind {
		return userError{zh: fmt.Sprintf("未知类别“%s”。可用：%s", *kind, auditKinds()), en: fmt.Sprintf("unknown kind %q. Known: %s", *kind, auditKinds())}
	}
	st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	log, err := st.AuditLog(ctx, store.AuditQuery{Kind: *kind, Last: *last})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.env.Stdout)
		enc.SetEscapeHTML(false)
		for _, a := range log {
			obj := struct {
				Seq    uint64    `json:"seq"`
				At     time.Time `json:"at"`
				User   string    `json:"user"`
				Kind   string    `json:"kind"`
				Detail string    `json:"detail,omitempty"`
			}{a.Seq, a.At, a.User, a.Kind, a.Detail}
			if err := enc.Encode(obj); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(c.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, tr(c.lang, "序号\t时间\t用户\t操作\t详情", "SEQ\tTIME\tUSER\tACTION\tDETAIL"))
	for _, a := range log {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", a.Seq, a.At.Local().Format("2006-01-02 15:04:05"), a.User, store.AuditLabel(a.Kind, c.lang), a.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang, fmt.Sprintf("共 %d 条记录。", len(log)), fmt.Sprintf("%d entries.", len(log))))
	return nil
}

func auditKinds() string {
	var l []string
	for _, k := range store.AuditKinds {
		l = append(l, k.Kind)
	}
	return strings.Join(l, " ")
}
