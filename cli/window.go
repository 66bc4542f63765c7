package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// runWindow opens the desktop window: `xunbang [--data DIR] [--lang zh|en]
// [--screenshot FILE.png [--screen S] [--size WxH]]`.
func runWindow(ctx context.Context, args []string, env Env, lang string) int {
	c := &call{env: env, lang: lang, fs: flag.NewFlagSet("xunbang", flag.ContinueOnError), args: args}
	c.fs.SetOutput(env.Stderr)
	c.fs.StringVar(&c.data, "data", "", tr(lang, "数据目录（也可用环境变量 XUNBANG_DATA）", "data directory (or XUNBANG_DATA)"))
	langFlag := c.fs.String("lang", "", tr(lang, "界面语言：zh 或 en（默认按设置）", "interface language: zh or en (default: the setting)"))
	shot := c.fs.String("screenshot", "", tr(lang, "把窗口画面存为 PNG 后退出", "write the window to a PNG and exit"))
	screen := c.fs.String("screen", "", tr(lang, "截图的界面：needs、editor、confirm、dashboard", "screen to capture: needs, editor, confirm, dashboard"))
	size := c.fs.String("size", "", tr(lang, "窗口大小，如 1280x800（默认：截图 1280x800，窗口按屏幕大小）", "window size, e.g. 1280x800 (default: 1280x800 for a screenshot, else what fits the screen)"))
	c.fs.StringVar(&c.passphraseFile, passphraseFileFlag, "", tr(lang, "从这个文件的第一行读取数据口令", "read the data's passphrase from the first line of this file"))
	if err := c.parse(); err != nil {
		return ExitUsage
	}
	if len(c.args) > 0 {
		fmt.Fprintln(env.Stderr, tr(lang, "多余的参数："+strings.Join(c.args, " "), "unexpected arguments: "+strings.Join(c.args, " ")))
		return ExitUsage
	}
	w, h, ok := 0, 0, true
	if *size != "" {
		w, h, ok = parseSize(*size)
	}
	if !ok {
		fmt.Fprintln(env.Stderr, tr(lang, "窗口大小应写成 宽x高，如 1280x800。", "the size must be WIDTHxHEIGHT, e.g. 1280x800."))
		return ExitUsage
	}
	switch *screen {
	case "", "needs", "editor", "confirm", "dashboard", "enterprises", "settings", "sync", "lock":
	default:
		fmt.Fprintln(env.Stderr, tr(lang, "未知界面："+*screen, "unknown screen: "+*screen))
		return ExitUsage
	}
	if env.OpenWindow == nil {
		fmt.Fprintln(env.Stderr, tr(lang, "这个程序没有图形界面。", "this build has no window."))
		return ExitError
	}
	opts := WindowOptions{DataDir: c.data, Screenshot: *shot, Screen: *screen, Width: w, Height: h}
	if c.passphraseFile != "" {
		p, err := readPassphraseFile(c.passphraseFile)
		if err != nil {
			fmt.Fprintln(env.Stderr, userMessage(err, lang))
			return ExitError
		}
		opts.Passphrase = p
	}
	if *langFlag != "" {
		opts.Lang = normLang(*langFlag)
	}
	if err := env.OpenWindow(ctx, opts); err != nil {
		language := c.lang
		if opts.Lang != "" {
			language = opts.Lang
		}
		msg := c.windowError(ctx, err, language)
		fmt.Fprintln(env.Stderr, msg)
		// The window says itself why the data did not open once it is on
		// screen (it opens the data after its first frame).
		var shown interface{ ShownInWindow() bool }
		inWindow := errors.As(err, &shown) && shown.ShownInWindow()
		if env.ShowError != nil && opts.Screenshot == "" && ctx.Err() == nil && !inWindow {
			env.ShowError(ctx, language, msg)
		}
		return ExitError
	}
	return ExitOK
}

// windowError says why the window did not open, in language, and what to
// do.
func (c *call) windowError(ctx context.Context, err error, language string) string {
	if errors.Is(err, store.ErrInUse) {
		if jobs.WindowAnswers(ctx, c.data) {
			return tr(language,
				fmt.Sprintf("寻榜已经在另一个窗口中打开了数据目录 %s。请切换到那个窗口继续工作（可在任务栏中找到它）：同一个数据目录同时只能在一个窗口中打开。如要同时打开另一份数据，请用 --data 指定其他目录。", c.data),
				fmt.Sprintf("xunbang already has the data dir %s open in another window. Switch to that window (look in the taskbar): a data dir opens in one window at a time. To open other data at the same time, choose another dir with --data.", c.data))
		}
		return tr(language,
			fmt.Sprintf("数据目录 %s 正被另一个寻榜程序使用（没有寻榜窗口打开它：可能是正在运行的命令，如同步、导入或 serve，或旧版本的窗口）。请等它结束或关闭它后再打开寻榜。", c.data),
			fmt.Sprintf("the data dir %s is in use by another xunbang process (no xunbang window has it: a command such as sync, import or serve still running, or a window of an older version). Let it finish or close it, then open xunbang again.", c.data))
	}
	return userMessage(c.keyError(ctx, err), language)
}

func parseSize(s string) (int, int, bool) {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	if !ok {
		return 0, 0, false
	}
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if err1 != nil || err2 != nil || w < 320 || h < 240 || w > 8000 || h > 8000 {
		return 0, 0, false
	}
	return w, h, true
}
