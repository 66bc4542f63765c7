package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

func init() {
	commands = append(commands,
		command{"sync", [2]string{"与平台同步：sync [--server 地址]", "sync with the platform: sync [--server URL]"}, runSync},
		command{"login", [2]string{"保存平台令牌：login --server 地址 [--token 令牌]", "store the platform token: login --server URL [--token T]"}, runLogin},
		command{"serve", [2]string{"运行参考平台服务端：serve [--addr 127.0.0.1:8787] [--public-url 网址] [--event 活动] [--organiser 单位] [--deadline 日期] --data 目录；serve token create --user U --team T；serve review 编号 --status 状态 [--url 网址] [--comment 意见]；serve site [--event …]",
			"run the reference platform: serve [--addr 127.0.0.1:8787] [--public-url URL] [--event E] [--organiser O] [--deadline D] --data DIR; serve token create --user U --team T; serve review ID --status S [--url U] [--comment C]; serve site [--event …]"}, runServe},
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

// runServe runs the reference platform server, or one of its admin
// subcommands: token create, review.
func runServe(ctx context.Context, c *call) error {
	if len(c.args) >= 2 && c.args[0] == "token" && c.args[1] == "create" {
		c.args = c.args[2:]
		return runServeToken(ctx, c)
	}
	if len(c.args) >= 1 && c.args[0] == "review" {
		c.args = c.args[1:]
		return runServeReview(ctx, c)
	}
	if len(c.args) >= 1 && c.args[0] == "site" {
		c.args = c.args[1:]
		return runServeSite(ctx, c)
	}
	addr := c.fs.String("addr", "127.0.0.1:8787", tr(c.lang, "监听地址", "address to listen on"))
	site := declareSiteFlags(c)
	trustProxy := c.fs.Bool("trust-proxy", false, tr(c.lang, "公开页按反向代理写入 X-Forwarded-For 的地址限流（仅在 nginx 等反向代理之后使用）", "rate-limit the public pages by the address a reverse proxy wrote into X-Forwarded-For (only behind one)"))
	publicURL := c.fs.String("public-url", "", tr(c.lang, "本汇集节点的公开网址（需求公开页 网址/n/编号，卡片二维码指向这里）", "this hub's public base address (need pages at URL/n/ID; cards' QR codes point here)"))
	keyFile := keyFileFlag(c)
	if err := c.parse(); err != nil {
		return err
	}
	if len(c.args) > 0 {
		return userError{zh: "未知的 serve 子命令：" + c.args[0], en: "unknown serve subcommand: " + c.args[0], err: errUsage}
	}
	if *publicURL != "" {
		u, err := url.Parse(*publicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return userError{zh: "--public-url 不是网址：" + *publicURL, en: "--public-url is not a web address: " + *publicURL, err: errUsage}
		}
	}
	srv, err := openPlatform(c, *keyFile, *publicURL, platform.PageOptions{TrustProxy: *trustProxy})
	if err != nil {
		return err
	}
	defer srv.Close()
	if _, err := site.apply(ctx, c, srv); err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang, "参考平台服务端运行于 "+*addr+"，数据目录 "+c.data+"。按 Ctrl+C 停止。", "reference platform serving on "+*addr+", data in "+c.data+". Ctrl+C stops it."))
	return srv.Serve(ctx, *addr)
}

// keyFileFlag declares --key-file, the hub key's file.
func keyFileFlag(c *call) *string {
	return c.fs.String("key-file", "", tr(c.lang, "汇集节点密钥文件（默认 数据目录/hub.key；环境变量 "+platform.KeyEnv+" 优先）", "the hub key's file (default DATA/hub.key; "+platform.KeyEnv+" wins)"))
}

// openPlatform opens the hub in the data dir with its key: from
// XUNBANG_HUB_KEY, else the key file; and the public pages' options, if
// given.
func openPlatform(c *call, keyFile, publicURL string, pages ...platform.PageOptions) (*platform.Server, error) {
	opt := platform.Options{KeyFile: keyFile, PublicURL: strings.TrimRight(publicURL, "/")}
	if len(pages) > 0 {
		opt.Pages = pages[0]
	}
	if v := c.env.Getenv(platform.KeyEnv); v != "" {
		k, err := platform.ParseKey(v)
		if err != nil {
			return nil, userError{zh: platform.KeyEnv + " 不是有效的密钥：" + err.Error(), en: platform.KeyEnv + " is not a valid key: " + err.Error(), err: err}
		}
		opt.Key = k
	}
	srv, err := platform.Open(c.data, opt)
	switch {
	case errors.Is(err, platform.ErrInUse):
		return nil, userError{zh: "平台数据目录正被另一个 xunbang serve 使用。", en: "the platform data dir is in use by another xunbang serve.", err: err}
	case errors.Is(err, platform.ErrWrongKey):
		return nil, userError{zh: "汇集节点密钥不对，打不开这里的数据（检查 hub.key 或 " + platform.KeyEnv + "）。", en: "the hub key does not open this data (check hub.key or " + platform.KeyEnv + ").", err: err}
	case errors.Is(err, platform.ErrNoKey):
		return nil, userError{zh: "这里的数据已加密，但找不到汇集节点密钥（hub.key 或 " + platform.KeyEnv + "）。请放回密钥文件或设置环境变量。", en: "this hub's data is sealed and its key is missing (hub.key or " + platform.KeyEnv + "): put the key file back or set the variable.", err: err}
	}
	return srv, err
}

func runServeToken(ctx context.Context, c *call) error {
	user := c.fs.String("user", "", tr(c.lang, "用户名", "user name"))
	team := c.fs.String("team", "", tr(c.lang, "所属团队", "team"))
	admin := c.fs.Bool("admin", false, tr(c.lang, "签发管理员令牌（可远程审核）", "issue an admin token (may review remotely)"))
	keyFile := keyFileFlag(c)
	if err := c.parse(); err != nil {
		return err
	}
	if *user == "" || *team == "" && !*admin {
		return userError{zh: "用法：xunbang serve token create --user 用户 --team 团队 --data 目录", en: "usage: xunbang serve token create --user U --team T --data DIR", err: errUsage}
	}
	srv, err := openPlatform(c, *keyFile, "")
	if err != nil {
		return err
	}
	defer srv.Close()
	var tok string
	if *admin {
		tok, err = srv.CreateAdminToken(ctx, *user)
	} else {
		tok, err = srv.CreateToken(ctx, *user, *team)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stdout, tok) // the token alone, for scripts
	return nil
}

func runServeReview(ctx context.Context, c *call) error {
	status := c.fs.String("status", "", tr(c.lang, "平台状态，如 审核中、已发布、退回、对接中、已签约", "platform status, e.g. 审核中, 已发布, 退回, 对接中, 已签约"))
	url := c.fs.String("url", "", tr(c.lang, "公开网址（已发布时必填）", "public address (required for 已发布)"))
	comment := c.fs.String("comment", "", tr(c.lang, "审核意见", "review comment"))
	remote := c.fs.String("server", "", tr(c.lang, "服务端正在运行时，经由此地址审核（需管理员令牌 XUNBANG_TOKEN）", "review through a running server at this address (needs an admin token in XUNBANG_TOKEN)"))
	keyFile := keyFileFlag(c)
	if err := c.parse(); err != nil {
		return err
	}
	if len(c.args) != 1 || *status == "" {
		return userError{zh: "用法：xunbang serve review 编号 --status 状态 [--url 网址] [--comment 意见] --data 目录", en: "usage: xunbang serve review ID --status S [--url U] [--comment C] --data DIR", err: errUsage}
	}
	id := c.args[0]
	if *remote != "" {
		// The admin token goes in clear text only to this computer.
		hc := &http.Client{Transport: protocol.Transport(nil), Timeout: time.Minute}
		return platform.ReviewRemote(ctx, *remote, c.env.Getenv("XUNBANG_TOKEN"), id, *status, *url, *comment, hc)
	}
	srv, err := openPlatform(c, *keyFile, "")
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.Review(ctx, id, *status, *url, *comment); err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang, "已记录审核结果："+id+" → "+*status, "review recorded: "+id+" → "+*status))
	return nil
}
