package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/hubstore/postgres"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// The hub's commands: serve, and its admin subcommands. A hub lives in a
// data dir (one bbolt file, --data) or in PostgreSQL (--db, or
// XUNBANG_HUB_DB). A bbolt hub is held by the running serve: token create
// and review then reach it through its control file (platform.Control); a
// PostgreSQL hub is opened by every command directly, beside running
// servers.

// DBEnv is the environment variable for --db.
const DBEnv = "XUNBANG_HUB_DB"

// hubFlags are the flags every hub command takes.
type hubFlags struct {
	db, keyFile *string
}

func declareHubFlags(c *call) hubFlags {
	return hubFlags{
		db: c.fs.String("db", "", tr(c.lang, "PostgreSQL 数据库地址 postgres://…（不给则用 --data 目录；环境变量 "+DBEnv+"）",
			"the PostgreSQL database, postgres://… (default: the --data dir; env "+DBEnv+")")),
		keyFile: c.fs.String("key-file", "", tr(c.lang, "汇集节点密钥文件（默认 数据目录/hub.key；环境变量 "+platform.KeyEnv+" 优先）",
			"the hub key's file (default DATA/hub.key; "+platform.KeyEnv+" wins)")),
	}
}

func (f hubFlags) dbURL(c *call) string {
	if *f.db != "" {
		return *f.db
	}
	return c.env.Getenv(DBEnv)
}

// runServe runs the hub, or one of its subcommands.
func runServe(ctx context.Context, c *call) error {
	if len(c.args) >= 1 && slices.Contains([]string{"help", "-h", "-help", "--help"}, c.args[0]) {
		usage(c.env.Stdout, c.lang)
		return nil
	}
	sub := map[string]func(context.Context, *call) error{
		"token create": runServeToken, "admin create": runServeAdmin,
		"review": runServeReview, "migrate": runServeMigrate, "site": runServeSite,
		"restored": runServeRestored,
	}
	for name, fn := range sub {
		words := strings.Fields(name)
		if len(c.args) >= len(words) && strings.Join(c.args[:len(words)], " ") == name {
			c.args = c.args[len(words):]
			return fn(ctx, c)
		}
	}
	addr := c.fs.String("addr", "127.0.0.1:8787", tr(c.lang, "监听地址", "address to listen on"))
	publicURL := c.fs.String("public-url", "", tr(c.lang, "本汇集节点的公开网址（需求公开页 网址/n/编号，卡片二维码指向这里）", "this hub's public base address (need pages at URL/n/ID; cards' QR codes point here)"))
	hf := declareHubFlags(c)
	site, pages := declareSiteFlags(c), declarePageFlags(c)
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
	srv, where, err := openHub(ctx, c, hf, *publicURL, pages.options())
	if err != nil {
		return err
	}
	defer srv.Close()
	if _, err := site.apply(ctx, c, srv); err != nil { // the public pages' settings: jiebang.go
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return userError{zh: "无法监听 " + *addr + "：" + err.Error(), en: "cannot listen on " + *addr + ": " + err.Error(), err: err}
	}
	unpublish, err := srv.PublishControl(ctx, ln.Addr())
	if err != nil {
		ln.Close()
		return err
	}
	defer unpublish()
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		"汇集节点运行于 "+ln.Addr().String()+"，数据在 "+where+"。审核控制台：http://"+ln.Addr().String()+"/console/ 。按 Ctrl+C 停止。",
		"hub serving on "+ln.Addr().String()+", data in "+where+"; console at http://"+ln.Addr().String()+"/console/. Ctrl+C stops it."))
	return srv.ServeListener(ctx, ln)
}

// openHub opens the hub in PostgreSQL (--db) or the data dir, with its key:
// from XUNBANG_HUB_KEY, else the key file, and the public pages' options if
// given. It says where the data is.
func openHub(ctx context.Context, c *call, hf hubFlags, publicURL string, pages ...platform.PageOptions) (*platform.Server, string, error) {
	opt := platform.Options{KeyFile: *hf.keyFile, PublicURL: strings.TrimRight(publicURL, "/")}
	if len(pages) > 0 {
		opt.Pages = pages[0]
	}
	if v := c.env.Getenv(platform.KeyEnv); v != "" {
		k, err := platform.ParseKey(v)
		if err != nil {
			return nil, "", userError{zh: platform.KeyEnv + " 不是有效的密钥：" + err.Error(), en: platform.KeyEnv + " is not a valid key: " + err.Error(), err: err}
		}
		opt.Key = k
	}
	db := hf.dbURL(c)
	if db == "" {
		srv, err := platform.Open(c.data, opt)
		return srv, c.data, hubError(err)
	}
	if opt.Key == nil && opt.KeyFile == "" {
		return nil, "", userError{zh: "PostgreSQL 上的汇集节点需要密钥：设置 " + platform.KeyEnv + "，或用 --key-file 指定密钥文件（新节点会在那里生成密钥）。",
			en: "a hub on PostgreSQL needs its key: set " + platform.KeyEnv + ", or give --key-file (a new hub makes its key there).", err: platform.ErrNoKey}
	}
	st, err := postgres.Open(ctx, db)
	if err != nil {
		return nil, "", dbError(err)
	}
	srv, err := platform.OpenStore(ctx, st, opt)
	if err != nil {
		st.Close()
		return nil, "", hubError(err)
	}
	return srv, "PostgreSQL", nil
}

// dbError maps a PostgreSQL store's failure to open.
func dbError(err error) error {
	switch {
	case errors.Is(err, hubstore.ErrNewerSchema):
		return userError{zh: "这个数据库由更新版本的 xunbang 写入，请升级 xunbang。", en: "this database was written by a newer xunbang: upgrade xunbang.", err: err}
	case postgres.IsUnavailable(err):
		return userError{zh: "连不上 PostgreSQL 数据库（检查 --db 地址、数据库是否运行、用户和密码）：" + err.Error(),
			en: "cannot reach the PostgreSQL database (check the --db address, that it runs, the user and password): " + err.Error(), err: err}
	}
	return userError{zh: "打开 PostgreSQL 数据库失败：" + err.Error(), en: "opening the PostgreSQL database failed: " + err.Error(), err: err}
}

// hubError maps the hub's failures to open.
func hubError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, platform.ErrInUse):
		return userError{zh: "平台数据目录正被另一个 xunbang serve 使用。", en: "the platform data dir is in use by another xunbang serve.", err: err}
	case errors.Is(err, platform.ErrWrongKey):
		return userError{zh: "汇集节点密钥不对，打不开这里的数据（检查 hub.key 或 " + platform.KeyEnv + "）。", en: "the hub key does not open this data (check hub.key or " + platform.KeyEnv + ").", err: err}
	case errors.Is(err, platform.ErrNoKey):
		return userError{zh: "这里的数据已加密，但找不到汇集节点密钥（hub.key 或 " + platform.KeyEnv + "）。请放回密钥文件或设置环境变量。", en: "this hub's data is sealed and its key is missing (hub.key or " + platform.KeyEnv + "): put the key file back or set the variable.", err: err}
	}
	return err
}

// running reports whether err is a data dir held by a running serve, and
// then returns its control file.
func running(c *call, hf hubFlags, err error) (platform.Control, bool, error) {
	if hf.dbURL(c) != "" || !errors.Is(err, platform.ErrInUse) {
		return platform.Control{}, false, nil
	}
	ctl, cerr := platform.ReadControl(c.data)
	if cerr != nil {
		return platform.Control{}, false, userError{
			zh: "平台数据目录正被另一个 xunbang serve 使用，但找不到它的控制文件 " + platform.ControlFileName + "（它可能是旧版本）。请停止它后再试，或在审核控制台操作。",
			en: "the data dir is in use by another xunbang serve, but its control file " + platform.ControlFileName + " is missing (an older version?): stop it and retry, or use the console.", err: cerr}
	}
	return ctl, true, nil
}

func runServeToken(ctx context.Context, c *call) error {
	user := c.fs.String("user", "", tr(c.lang, "用户名", "user name"))
	team := c.fs.String("team", "", tr(c.lang, "所属团队", "team"))
	admin := c.fs.Bool("admin", false, tr(c.lang, "签发管理员令牌（可远程审核）", "issue an admin token (may review remotely)"))
	hf := declareHubFlags(c)
	if err := c.parse(); err != nil {
		return err
	}
	if *user == "" || *team == "" && !*admin {
		return userError{zh: "用法：xunbang serve token create --user 用户 (--team 团队 | --admin) (--data 目录 | --db postgres://…)", en: "usage: xunbang serve token create --user U (--team T | --admin) (--data DIR | --db postgres://…)", err: errUsage}
	}
	srv, _, err := openHub(ctx, c, hf, "")
	if ctl, ok, cerr := running(c, hf, err); cerr != nil {
		return cerr
	} else if ok && *admin {
		// An admin token may review every team's needs: it is issued only
		// by whoever holds the data, never through the running hub.
		return userError{
			zh:  "汇集节点正在运行：管理员令牌只在节点停止时签发（它能审核所有团队的需求，不经运行中的节点签发）。请先停止 xunbang serve 再签发；成员令牌可以在运行时签发。",
			en:  "the hub is running: admin tokens are issued only while it is stopped (they may review every team's needs, so never through the running hub). Stop xunbang serve first; member tokens may be issued while it runs.",
			err: err,
		}
	} else if ok {
		tok, err := platform.CreateTokenRemote(ctx, ctl.Server, ctl.Token, *user, *team, nil)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.env.Stdout, tok)
		return nil
	}
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
	remote := c.fs.String("server", "", tr(c.lang, "经由此地址的汇集节点审核（需管理员令牌 XUNBANG_TOKEN）", "review through the hub at this address (needs an admin token in XUNBANG_TOKEN)"))
	hf := declareHubFlags(c)
	if err := c.parse(); err != nil {
		return err
	}
	if len(c.args) != 1 || *status == "" {
		return userError{zh: "用法：xunbang serve review 编号 --status 状态 [--url 网址] [--comment 意见] (--data 目录 | --db postgres://… | --server 网址，管理员令牌在 XUNBANG_TOKEN)", en: "usage: xunbang serve review ID --status S [--url U] [--comment C] (--data DIR | --db postgres://… | --server URL, an admin token in XUNBANG_TOKEN)", err: errUsage}
	}
	id := c.args[0]
	if !protocol.ValidID(id) {
		return userError{
			zh:  fmt.Sprintf("「%s」不是需求编号。请给出需求的完整编号（36 个字符，如 xunbang list --json 中的 ID；卡片上的 8 位编号是它的开头）。", id),
			en:  fmt.Sprintf("%q is not a need id. Give the need's full id (36 characters, as in xunbang list --json; the 8 characters on a card are its start).", id),
			err: errUsage,
		}
	}
	if u := strings.TrimSpace(*url); u != "" && !platform.WebAddress(u) {
		return userError{
			zh:  fmt.Sprintf("--url 要给平台上这条需求的网址（http:// 或 https:// 开头），“%s”不是。", u),
			en:  fmt.Sprintf("--url takes the need's address on the platform (starting http:// or https://); %q is not one.", u),
			err: errUsage,
		}
	}
	if _, err := protocol.ParsePlatformState(*status); err != nil {
		var names []string
		for _, st := range protocol.PlatformStates {
			names = append(names, st.Label(c.lang))
		}
		return userError{
			zh:  fmt.Sprintf("没有「%s」这个平台状态。可用的状态：%s。", *status, strings.Join(names, "、")),
			en:  fmt.Sprintf("there is no platform status %q. The statuses: %s.", *status, strings.Join(names, ", ")),
			err: errUsage,
		}
	}
	var err error
	if *remote != "" {
		err = platform.ReviewRemote(ctx, *remote, c.env.Getenv("XUNBANG_TOKEN"), id, *status, *url, *comment, nil)
	} else {
		var srv *platform.Server
		srv, _, err = openHub(ctx, c, hf, "")
		if ctl, ok, cerr := running(c, hf, err); cerr != nil {
			return cerr
		} else if ok {
			err = platform.ReviewRemote(ctx, ctl.Server, ctl.Token, id, *status, *url, *comment, nil)
		} else if err == nil {
			defer srv.Close()
			err = srv.Review(ctx, id, *status, *url, *comment)
		}
	}
	if errors.Is(err, platform.ErrNotAdmin) {
		return userError{
			zh:  "汇集节点不接受这个令牌审核：请在环境变量 XUNBANG_TOKEN 中给出管理员令牌（xunbang serve token create --admin 签发）。审核结果没有记录。",
			en:  "the hub does not accept this token for reviews: give an admin token (xunbang serve token create --admin) in XUNBANG_TOKEN. No verdict recorded.",
			err: err,
		}
	}
	if errors.Is(err, hubstore.ErrNotFound) {
		return userError{
			zh:  fmt.Sprintf("汇集节点上没有编号为「%s」的需求。请给出需求的完整编号（36 个字符，如 xunbang list --json 中的 ID；卡片上的 8 位编号是它的开头）。", id),
			en:  fmt.Sprintf("the hub holds no need with the id %q. Give the need's full id (36 characters, as in xunbang list --json; the 8 characters on a card are its start).", id),
			err: err,
		}
	}
	switch {
	case errors.Is(err, platform.ErrNoPublicURL):
		return userError{
			zh:  "“已发布”需要公开网址：用 --url 给出平台上这条需求的网址，或以 --public-url 启动汇集节点，让需求在节点自己的页面上发布。审核结果没有记录。",
			en:  "已发布 needs the public address: give the need's address on the platform with --url, or start the hub with --public-url to publish at its own page. No verdict recorded.",
			err: err,
		}
	case errors.Is(err, platform.ErrNotPublishable):
		zh, _ := platform.RefusalMessage(err, "zh")
		en, _ := platform.RefusalMessage(err, "en")
		return userError{
			zh:  fmt.Sprintf("需求「%s」：%s审核结果没有记录。", id, zh),
			en:  fmt.Sprintf("need %s: %s No verdict recorded.", id, en),
			err: err,
		}
	case err != nil:
		return err
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang, "已记录审核结果："+id+" → "+*status, "review recorded: "+id+" → "+*status))
	return nil
}

// runServeAdmin creates a hub user who may log into the console: the first
// admin comes from here.
func runServeAdmin(ctx context.Context, c *call) error {
	user := c.fs.String("user", "", tr(c.lang, "用户名", "user name"))
	display := c.fs.String("name", "", tr(c.lang, "姓名（可选）", "full name (optional)"))
	passwordFile := c.fs.String("password-file", "", tr(c.lang, "从这个文件的第一行读密码（不给则在终端输入）", "read the password from this file's first line (default: type it on the terminal)"))
	hf := declareHubFlags(c)
	if err := c.parse(); err != nil {
		return err
	}
	if *user == "" || len(c.args) > 0 {
		return userError{zh: "用法：xunbang serve admin create --user 用户名 [--password-file 文件] (--data 目录 | --db postgres://…)", en: "usage: xunbang serve admin create --user U [--password-file F] (--data DIR | --db postgres://…)", err: errUsage}
	}
	pw, err := readPassword(c, *passwordFile)
	if err != nil {
		return err
	}
	srv, _, err := openHub(ctx, c, hf, "")
	if errors.Is(err, platform.ErrInUse) {
		return userError{zh: "汇集节点正在运行，持有数据目录：请在审核控制台的“用户”页创建用户，或先停止 serve。", en: "the hub is running and holds the data dir: create the user on the console's 用户 page, or stop serve first.", err: err}
	}
	if err != nil {
		return err
	}
	defer srv.Close()
	err = srv.CreateUser(ctx, platform.NewUser{Name: *user, Display: *display, Password: pw, Role: hubstore.RoleAdmin}, "", "")
	if err != nil {
		msg := err.Error()
		switch {
		case errors.Is(err, platform.ErrUserExists):
			msg = "已有同名用户。"
		case strings.Contains(msg, "password"):
			msg = "密码至少 10 个字符。"
		}
		return userError{zh: "未创建管理员：" + msg, en: "the admin was not created: " + err.Error(), err: err}
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang, "已创建管理员 "+*user+"，可以登录审核控制台 /console/ 。", "admin "+*user+" created; log into the console at /console/."))
	return nil
}

// readPassword reads a new password from a file's first line, or from the
// terminal without echo (twice), or else one line of standard input.
func readPassword(c *call, file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", userError{zh: "读不了密码文件：" + err.Error(), en: "cannot read the password file: " + err.Error(), err: err}
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimRight(line, "\r"), nil
	}
	if f, ok := c.env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(c.env.Stderr, tr(c.lang, "新密码（至少 10 个字符）：", "new password (at least 10 characters): "))
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.env.Stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(c.env.Stderr, tr(c.lang, "再输一遍：", "again: "))
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.env.Stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", userError{zh: "两次输入的密码不一样。", en: "the two passwords differ."}
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(c.env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", userError{zh: "没有读到密码（用 --password-file，或在终端运行）。", en: "no password was read (use --password-file, or run on a terminal).", err: err}
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// runServeMigrate copies a bbolt hub into an empty PostgreSQL database:
// how a district's hub becomes a city's.
func runServeMigrate(ctx context.Context, c *call) error {
	from := c.fs.String("from", "", tr(c.lang, "bbolt 汇集节点的数据目录", "the bbolt hub's data dir"))
	hf := declareHubFlags(c)
	if err := c.parse(); err != nil {
		return err
	}
	db := hf.dbURL(c)
	if *from == "" || db == "" || len(c.args) > 0 {
		return userError{zh: "用法：xunbang serve migrate --from 数据目录 --db postgres://…", en: "usage: xunbang serve migrate --from DIR --db postgres://…", err: errUsage}
	}
	path := *from + string(os.PathSeparator) + platform.FileName
	if _, err := os.Stat(path); err != nil {
		return userError{zh: "在 " + *from + " 找不到汇集节点的数据文件 " + platform.FileName + "。", en: "no hub data file " + platform.FileName + " in " + *from + ".", err: err}
	}
	src, err := hubstore.OpenBolt(path, 0)
	if errors.Is(err, hubstore.ErrInUse) {
		return userError{zh: "这个汇集节点正在运行：请先停止它的 xunbang serve，再迁移。", en: "this hub is running: stop its xunbang serve first, then migrate.", err: err}
	}
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, db)
	if err != nil {
		return dbError(err)
	}
	defer dst.Close()
	st, err := hubstore.Copy(ctx, dst, src)
	if errors.Is(err, hubstore.ErrNotEmpty) {
		return userError{zh: "目标数据库里已经有一个汇集节点，未复制任何内容。请换一个空数据库。", en: "the database already holds a hub; nothing was copied. Use an empty database.", err: err}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		fmt.Sprintf("已复制到 PostgreSQL：%d 条记录、%d 个修订、%d 条变更、%d 个令牌、%d 个用户、%d 条操作记录。以后用同一把密钥（%s）运行 xunbang serve --db …", st.Heads, st.Revisions, st.Events, st.Tokens, st.Users, st.Audit, keyHint(*from, *hf.keyFile)),
		fmt.Sprintf("copied into PostgreSQL: %d records, %d revisions, %d feed events, %d tokens, %d users, %d audit entries. From now on run xunbang serve --db … with the same key (%s).", st.Heads, st.Revisions, st.Events, st.Tokens, st.Users, st.Audit, keyHint(*from, *hf.keyFile))))
	return nil
}

// runServeRestored is `serve restored`: the hub's data was put back to an
// earlier copy; a new server id makes every laptop's next sync start the
// feed over (docs/sync-protocol.md).
func runServeRestored(ctx context.Context, c *call) error {
	hf := declareHubFlags(c)
	if err := c.parse(); err != nil {
		return err
	}
	if len(c.args) > 0 {
		return userError{zh: "用法：xunbang serve restored (--data 目录 | --db postgres://…)", en: "usage: xunbang serve restored (--data DIR | --db postgres://…)", err: errUsage}
	}
	srv, _, err := openHub(ctx, c, hf, "")
	if errors.Is(err, platform.ErrInUse) {
		return userError{zh: "汇集节点正在运行：请先停止它的 xunbang serve（用数据库时停止所有的），再运行本命令。", en: "the hub is running: stop its xunbang serve first (every one, on a database), then run this.", err: err}
	}
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.NewServerID(ctx); err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		"已为汇集节点换了新的编号：各台电脑下次同步时从头读取变更，不会漏掉恢复之后的任何变更。",
		"the hub has a new id: every laptop's next sync reads the changes from the start, and misses none made after the restore."))
	return nil
}

func keyHint(dir, keyFile string) string {
	if keyFile != "" {
		return keyFile
	}
	return dir + string(os.PathSeparator) + platform.KeyFileName
}
