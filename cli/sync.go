package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/protocol"
)

func init() {
	commands = append(commands,
		command{"sync", [2]string{"与平台同步：sync [--server 地址]", "sync with the platform: sync [--server URL]"}, runSync},
		command{"login", [2]string{"保存平台令牌：login --server 地址 [--token 令牌]", "store the platform token: login --server URL [--token T]"}, runLogin},
		command{"serve", [2]string{"运行汇集节点：serve [--addr 127.0.0.1:8787] (--data 目录 | --db postgres://…)；serve admin create --user U；serve token create --user U --team T；serve review 编号 --status 状态；serve migrate --from 目录 --db postgres://…；serve site [--event 活动 --organiser 单位 --deadline 日期 --contact 咨询]（公开页与揭榜）",
			"run the hub: serve [--addr 127.0.0.1:8787] (--data DIR | --db postgres://…); serve admin create --user U; serve token create --user U --team T; serve review ID --status S; serve migrate --from DIR --db postgres://…; serve site [--event E --organiser O --deadline D --contact C] (public pages, 揭榜)"}, runServe},
	)
}

// runSync pushes the outbox and pulls the platform's changes once.
func runSync(ctx context.Context, c *call) error {
	server := c.fs.String("server", "", tr(c.lang, "平台地址（默认取设置中的平台地址）", "platform address (default: the one in settings)"))
	if err := c.parse(); err != nil {
		return err
	}
	st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if *server == "" {
		set, err := st.Settings(ctx)
		if err != nil {
			return err
		}
		*server = set.PlatformURL
	}
	if *server == "" {
		return userError{zh: "请用 --server 指定平台地址，或在设置中填写。", en: "give the platform address with --server, or set it in settings."}
	}
	cl, err := client.New(st, client.Config{Server: *server})
	if err != nil {
		return userError{zh: client.Message(err, "zh"), en: client.Message(err, "en"), err: err}
	}
	start := time.Now()
	rep, err := cl.Sync(ctx)
	if aerr := c.audit(ctx, st, store.AuditSync, *server+": "+rep.String()); aerr != nil && err == nil {
		err = aerr
	}
	fmt.Fprintln(c.env.Stderr, rep.String())
	if err != nil {
		return userError{zh: client.Message(err, "zh"), en: client.Message(err, "en"), err: err}
	}
	if rep.Invalid > 0 {
		return c.refused(ctx, st, start, rep.Invalid)
	}
	return nil
}

// refused says which records the platform refused in the sync that began
// at start, and why, and returns the error that makes the command fail:
// they are set aside, and are not on the platform until they are mended.
func (c *call) refused(ctx context.Context, st *store.Store, start time.Time, n int) error {
	q, err := st.QuarantinedOutbox(ctx)
	if err != nil {
		return err
	}
	for _, e := range q {
		if e.LastAttempt.Before(start) {
			continue
		}
		kind, name := tr(c.lang, "需求", "need"), ""
		switch e.Kind {
		case protocol.KindNeed:
			if nd, err := st.Need(ctx, e.ID); err == nil {
				name = nd.Title()
			}
		case protocol.KindEnterprise:
			kind = tr(c.lang, "企业", "enterprise")
			if en, err := st.Enterprise(ctx, e.ID); err == nil {
				name = en.Name()
			}
		}
		fmt.Fprintf(c.env.Stderr, tr(c.lang, "平台拒收%s %s「%s」：%s\n", "the platform refused %s %s (%s): %s\n"),
			kind, e.ID, name, strings.Join(e.Reasons, tr(c.lang, "；", "; ")))
	}
	return userError{
		zh: fmt.Sprintf("%d 条记录被平台拒收，没有同步（见上）。请改正后再运行 xunbang sync。", n),
		en: fmt.Sprintf("the platform refused %d records, which were not synced (see above). Mend them and run xunbang sync again.", n),
	}
}

// runLogin checks a token with the server and keeps it in the OS keyring.
func runLogin(ctx context.Context, c *call) error {
	server := c.fs.String("server", "", tr(c.lang, "平台地址", "platform address"))
	token := c.fs.String("token", "", tr(c.lang, "令牌（不给则从标准输入读一行）", "the token (default: one line from standard input)"))
	if err := c.parse(); err != nil {
		return err
	}
	if *server == "" {
		return userError{zh: "请用 --server 指定平台地址。", en: "give the platform address with --server."}
	}
	if *token == "" {
		fmt.Fprint(c.env.Stderr, tr(c.lang, "请粘贴令牌后回车：", "paste the token and press Enter: "))
		line, err := bufio.NewReader(c.env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return userError{zh: "没有读到令牌。", en: "no token was read.", err: err}
		}
		*token = strings.TrimSpace(line)
	}
	id, err := client.Login(ctx, *server, *token, nil, nil)
	if errors.Is(err, client.ErrNoKeyring) {
		return userError{zh: "本机没有可用的系统密钥环，令牌未保存。请改用环境变量 XUNBANG_TOKEN。", en: "no usable OS keyring here; the token was not stored. Use the XUNBANG_TOKEN environment variable instead.", err: err}
	}
	if err != nil {
		return userError{zh: client.Message(err, "zh"), en: client.Message(err, "en"), err: err}
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang, fmt.Sprintf("已登录：%s（%s），令牌保存在系统密钥环中。", id.User, id.Team), fmt.Sprintf("logged in as %s (%s); the token is in the OS keyring.", id.User, id.Team)))
	return nil
}
