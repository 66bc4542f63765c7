package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
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
	if *langFlag != "" {
		opts.Lang = normLang(*langFlag)
	}
	if err := env.OpenWindow(ctx, opts); err != nil {
		fmt.Fprintln(env.Stderr, userMessage(c.keyError(ctx, err), c.lang))
		return ExitError
	}
	return ExitOK
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
