package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/platforms"
	"github.com/xunbang/xunbang/sync/protocol"
)

func init() {
	commands = append(commands,
		command{"sync", [2]string{"与平台同步：sync [--server 地址]", "sync with the platform: sync [--server URL]"}, runSync},
		command{"login", [2]string{"连接平台：login [--server 地址] [--token 令牌]（令牌存入系统密钥环，没有时存入加密的数据文件）", "connect to the platform: login [--server URL] [--token T] (the token goes into the OS keyring, or the encrypted data file where there is none)"}, runLogin},
		command{"logout", [2]string{"断开平台连接，删除令牌", "disconnect from the platform, forgetting the token"}, runLogout},
		command{"serve", [2]string{"运行汇集节点：serve [--addr 127.0.0.1:8787] (--data 目录 | --db postgres://…)；serve admin create --user U；serve token create --user U --team T；serve review 编号 --status 状态；serve migrate --from 目录 --db postgres://…；serve site [--event 活动 --organiser 单位 --deadline 日期 --contact 咨询]（公开页与揭榜）；serve restored（数据恢复为旧副本之后）",
			"run the hub: serve [--addr 127.0.0.1:8787] (--data DIR | --db postgres://…); serve admin create --user U; serve token create --user U --team T; serve review ID --status S; serve migrate --from DIR --db postgres://…; serve site [--event E --organiser O --deadline D --contact C] (public pages, 揭榜); serve restored (after putting the data back to a copy)"}, runServe},
	)
}

// tokenKeyring is where login keeps the hub's token (tests replace it);
// where it cannot, the token is sealed in the encrypted data file.
var tokenKeyring client.Keyring = client.SystemKeyring{}

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
		return userError{zh: "请用 --server 指定平台地址，或先运行 xunbang login（窗口中：设置 → 平台连接）。", en: "give the platform address with --server, or run xunbang login first (in the window: Settings → Platform connection)."}
	}
	cl, err := client.New(st, client.Config{Server: *server, Keyring: tokenKeyring, Dial: platforms.Dial})
	if err != nil {
		return userError{zh: client.Message(err, "zh"), en: client.Message(err, "en"), err: err}
	}
	start := time.Now()
	rep, err := jobs.Sync(ctx, cl, st, *server)
	fmt.Fprintln(c.env.Stderr, syncSummary(rep, c.lang))
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
			kind, e.ID, name, strings.Join(client.ReasonTexts(e.Reasons, e.Kind, e.Body, c.lang), tr(c.lang, "；", "; ")))
	}
	return userError{
		zh: fmt.Sprintf("%d 条记录被平台拒收，没有同步（见上）。请改正后再运行 xunbang sync。", n),
		en: fmt.Sprintf("the platform refused %d records, which were not synced (see above). Mend them and run xunbang sync again.", n),
	}
}

// runLogin connects the data dir to its hub: the token is checked with the
// hub and kept in the OS keyring, or — where there is none — sealed inside
// the encrypted data file; the address goes into the settings. The window's
// 设置 → 平台连接 does the same (client.Connect).
func runLogin(ctx context.Context, c *call) error {
	server := c.fs.String("server", "", tr(c.lang, "平台地址（默认取设置中的平台地址）", "platform address (default: the one in settings)"))
	token := c.fs.String("token", "", tr(c.lang, "令牌（不给则从标准输入读一行）", "the token (default: one line from standard input)"))
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
	if *token == "" {
		fmt.Fprint(c.env.Stderr, tr(c.lang, "请粘贴令牌（或整段“寻榜平台连接”文字）后回车：", "paste the token (or the whole 寻榜平台连接 text) and press Enter: "))
		text, err := readTokenText(c.env.Stdin)
		if err != nil && text == "" {
			return userError{zh: "没有读到令牌。", en: "no token was read.", err: err}
		}
		*token = text
	}
	conn, err := client.Connect(ctx, st, *server, *token, client.ConnectOptions{Keyring: tokenKeyring, Dial: platforms.Dial})
	if errors.Is(err, client.ErrNoAddress) {
		return userError{zh: "请用 --server 指定平台地址（或粘贴整段“寻榜平台连接”文字）。", en: "give the platform address with --server (or paste the whole 寻榜平台连接 text).", err: errUsage}
	}
	if err != nil {
		return userError{zh: client.Message(err, "zh"), en: client.Message(err, "en"), err: err}
	}
	where := tr(c.lang, "系统密钥环中", "in the OS keyring")
	if conn.Token == client.TokenInDataFile {
		where = tr(c.lang, "加密的数据文件中（本机没有系统密钥环）", "sealed in the encrypted data file (no OS keyring here)")
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		fmt.Sprintf("已连接平台 %s：用户 %s（%s），令牌保存在%s。", conn.Server, conn.User, conn.Team, where),
		fmt.Sprintf("connected to %s as %s (%s); the token is kept %s.", conn.Server, conn.User, conn.Team, where)))
	return nil
}

// readTokenText reads a pasted token: one line, or — when the first line is
// the title of a connect text (寻榜平台连接) — the lines of its address and
// token after it.
func readTokenText(r io.Reader) (string, error) {
	br := bufio.NewReader(r)
	line, err := br.ReadString('\n')
	text := strings.TrimSpace(line)
	if text != protocol.ConnectTitle {
		return text, err
	}
	for range 6 {
		if err != nil {
			break
		}
		line, err = br.ReadString('\n')
		text += "\n" + strings.TrimSpace(line)
		if strings.Contains(text, "令牌") || strings.Contains(strings.ToLower(text), "token") {
			break
		}
	}
	return text, err
}

// runLogout forgets the hub's token (the window's 断开).
func runLogout(ctx context.Context, c *call) error {
	if err := c.parse(); err != nil {
		return err
	}
	st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := client.Disconnect(ctx, st, client.ConnectOptions{Keyring: tokenKeyring}); err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang, "已断开平台连接，令牌已删除。", "disconnected; the token is forgotten."))
	return nil
}

// syncSummary says what a sync did in the user's language.
func syncSummary(r client.Report, lang string) string {
	return fmt.Sprintf(tr(lang,
		"推送 %d 条（平台收下 %d，平台已有 %d，续推 %d，冲突 %d，被拒 %d）；拉取 %d 条变更（本机应用 %d）；%d 次请求，用时 %v",
		"pushed %d (accepted %d, already there %d, pushed again %d, conflict %d, refused %d); pulled %d changes (applied %d); %d requests in %v"),
		r.Pushed, r.Accepted, r.Duplicates, r.Rebased, r.Conflicts, r.Invalid, r.Pulled, r.Applied, r.Requests, r.Duration.Round(time.Millisecond))
}
