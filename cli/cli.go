// Package cli is xunbang's command line: it parses arguments, opens the data
// dir, runs one command and maps every error to a message in the user's
// language. Every long job the window offers is also a command here, so it can
// be scripted, tested and benchmarked without a display.
//
// The window itself is not imported here: main passes it in as
// [Env.OpenWindow], so cli and everything below it build and test without a
// UI toolkit.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Version is the program's version, set at build time with
// -ldflags "-X github.com/xunbang/xunbang/cli.Version=…".
var Version = "0.1.0"

// WindowOptions tell the window what to open.
type WindowOptions struct {
	DataDir    string
	Lang       string // "zh" or "en"; "" means the saved setting
	Screenshot string // write a PNG of the window to this file and exit
	Screen     string // needs | editor | confirm | dashboard
	Width      int
	Height     int
	// Passphrase is the data's passphrase from --passphrase-file; "" when
	// not given (the window then uses XUNBANG_PASSPHRASE or asks).
	Passphrase string
}

// Env is what a command may touch of the outside world.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	Getenv         func(string) string
	// Terminal asks the person at the terminal for a passphrase; nil when
	// standard input is not a terminal (see StdinTerminal).
	Terminal Terminal
	// Font returns the embedded CJK TrueType font, for PDF cards.
	Font func() []byte
	// Now is the clock the data and the outputs are stamped with; nil
	// means time.Now (tests fix it).
	Now func() time.Time
	// OpenWindow opens the desktop window and returns when it closes.
	OpenWindow func(ctx context.Context, o WindowOptions) error
	// ShowError, when set, shows message (in lang) in a window of its own
	// and returns when it is closed: what the window does when it cannot
	// open (the data dir is in use, damaged…), for someone who started it
	// from a desktop icon and has no terminal to read an error in.
	ShowError func(ctx context.Context, lang, message string)
}

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

type command struct {
	name    string
	summary [2]string // zh, en
	run     func(ctx context.Context, c *call) error
}

// commands lists the commands; files for other commands append in init.
var commands = []command{
	{"version", [2]string{"显示版本", "print the version"}, runVersion},
	{"list", [2]string{"列出需求：list [--status 状态] [--json]", "list needs: list [--status S] [--json]"}, runList},
	{"export", [2]string{"导出：export --format json|platform|handbook|booklet|report|evaluation [-o 文件]", "export: export --format json|platform|handbook|booklet|report|evaluation [-o FILE]"}, runExport},
	{"import", [2]string{"导入：import 文件.jsonl|文件.xlsx [--sheet 表] [--region 代码] [--dry-run] [--partial]", "import: import FILE.jsonl|FILE.xlsx [--sheet S] [--region CODE] [--dry-run] [--partial]"}, runImport},
	{"demo", [2]string{"生成演示数据：demo --data 目录", "fill a data dir with a demo set: demo --data DIR"}, runDemo},
}

// call is one command's parsed invocation.
type call struct {
	env  Env
	lang string
	data string
	fs   *flag.FlagSet
	args []string // positional arguments
	// passphraseFile is --passphrase-file; typed says the passphrase in
	// use was typed at the terminal.
	passphraseFile string
	typed          bool
}

// Main runs xunbang with the given arguments (without the program name) and
// returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Stdin == nil {
		env.Stdin = os.Stdin
	}
	lang := langFromEnv(env.Getenv)
	args = commandFirst(args)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" && args[0] != "-help" {
		return runWindow(ctx, args, env, lang)
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		usage(env.Stdout, lang)
		return ExitOK
	}
	for _, cmd := range commands {
		if cmd.name != name {
			continue
		}
		c := &call{env: env, lang: lang, fs: flag.NewFlagSet(name, flag.ContinueOnError)}
		c.fs.SetOutput(env.Stderr)
		return c.exec(ctx, cmd, args[1:])
	}
	fmt.Fprintln(env.Stderr, tr(lang, "未知命令："+name+"。运行 xunbang help 查看全部命令。", "unknown command: "+name+". Run xunbang help to see them all."))
	return ExitUsage
}

// commandFirst moves the flags every command takes (--data, --lang,
// --passphrase-file), when they stand before a command's name, after it:
// `xunbang --data DIR demo` is `xunbang demo --data DIR`. Arguments that
// name no command after those flags (the window's) stay as they are.
func commandFirst(args []string) []string {
	common := &call{fs: flag.NewFlagSet("", flag.ContinueOnError)}
	common.declareCommon()
	i := 0
	for i < len(args) {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || common.fs.Lookup(name) == nil {
			break
		}
		i++
		if !hasValue {
			i++
		}
	}
	if i == 0 || i >= len(args) {
		return args
	}
	name := args[i]
	if name != "help" && !slices.ContainsFunc(commands, func(c command) bool { return c.name == name }) {
		return args
	}
	out := make([]string, 0, len(args))
	out = append(out, name)
	out = append(out, args[:i]...)
	return append(out, args[i+1:]...)
}

// declareCommon declares the flags every command takes, each of them
// taking a value (commandFirst relies on it).
func (c *call) declareCommon() {
	c.fs.StringVar(&c.data, "data", "", tr(c.lang, "数据目录（也可用环境变量 XUNBANG_DATA）", "data directory (or XUNBANG_DATA)"))
	c.fs.String("lang", "", tr(c.lang, "提示语言：zh 或 en", "message language: zh or en"))
	c.fs.StringVar(&c.passphraseFile, passphraseFileFlag, "", tr(c.lang, "从这个文件的第一行读取数据口令（也可用环境变量 XUNBANG_PASSPHRASE；在终端中运行时会询问）", "read the data's passphrase from the first line of this file (or XUNBANG_PASSPHRASE; in a terminal it is asked for)"))
}

func (c *call) exec(ctx context.Context, cmd command, args []string) int {
	c.declareCommon()
	// Each command registers its own flags, then calls c.parse.
	c.args = args
	err := cmd.run(ctx, c)
	if errors.Is(err, errHelped) {
		return ExitOK
	}
	if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
		// The flag package has said what was wrong with a flag; a command
		// that found its arguments wrong says it here, with the way on.
		if ue := (userError{}); errors.As(err, &ue) {
			fmt.Fprintln(c.env.Stderr, userMessage(ue, c.lang))
			fmt.Fprintln(c.env.Stderr, tr(c.lang, "运行 xunbang help 查看全部命令和用法。", "Run xunbang help to see every command and its use."))
		}
		return ExitUsage
	}
	if err != nil {
		fmt.Fprintln(c.env.Stderr, userMessage(err, c.lang))
		return ExitError
	}
	return ExitOK
}

var errUsage = errors.New("usage")

// parse parses the command's flags, which may stand before, between or after
// the positional arguments (xunbang import a.jsonl --dry-run).
func (c *call) parse() error {
	var pos []string
	rest := c.args
	c.fs.SetOutput(io.Discard) // the flag package's English: said below in the user's language
	for {
		if err := c.fs.Parse(rest); err != nil {
			return c.flagError(err)
		}
		rest = c.fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			pos = append(pos, rest[1:]...)
			break
		}
		pos = append(pos, rest[0])
		rest = rest[1:]
	}
	c.args = pos
	if l := c.fs.Lookup("lang"); l != nil && l.Value.String() != "" {
		c.lang = normLang(l.Value.String())
	}
	if c.data == "" {
		c.data = c.env.Getenv("XUNBANG_DATA")
	}
	if c.data == "" {
		d, err := DefaultDataDir()
		if err != nil {
			return err
		}
		c.data = d
	}
	return nil
}

// errHelped: a command's -h printed its options; nothing else to do.
var errHelped = errors.New("help shown")

// flagError says what the flag package found wrong, in the user's
// language; for -h it prints the command's options (their descriptions are
// in the user's language already).
func (c *call) flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "用法：xunbang "+c.fs.Name()+" [选项] …，选项：", "usage: xunbang "+c.fs.Name()+" [options] …, the options:"))
		c.fs.SetOutput(c.env.Stderr)
		c.fs.PrintDefaults()
		return errHelped
	}
	msg := err.Error()
	zh := "选项有误：" + msg
	switch {
	case strings.HasPrefix(msg, "flag provided but not defined: "):
		zh = "没有 " + strings.TrimPrefix(msg, "flag provided but not defined: ") + " 这个选项。"
	case strings.HasPrefix(msg, "flag needs an argument: "):
		zh = "选项 " + strings.TrimPrefix(msg, "flag needs an argument: ") + " 后面要给一个值。"
	case strings.HasPrefix(msg, "invalid value "), strings.HasPrefix(msg, "invalid boolean value "):
		zh = "选项的值不对（" + msg + "）。"
	}
	return userError{zh: zh + "运行 xunbang " + c.fs.Name() + " -h 查看它的选项。", en: msg + ". Run xunbang " + c.fs.Name() + " -h to see its options.", err: errUsage}
}

// DefaultDataDir is where xunbang keeps its data when not told otherwise: the
// OS user config dir (~/.config/xunbang, %AppData%\xunbang).
func DefaultDataDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user config dir: %w", err)
	}
	return filepath.Join(dir, "xunbang"), nil
}

func langFromEnv(getenv func(string) string) string {
	if l := getenv("XUNBANG_LANG"); l != "" {
		return normLang(l)
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			return normLang(v)
		}
	}
	return "zh"
}

func normLang(s string) string {
	if strings.HasPrefix(strings.ToLower(s), "en") {
		return "en"
	}
	return "zh"
}

func tr(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

func usage(w io.Writer, lang string) {
	fmt.Fprintln(w, tr(lang, "寻榜 xunbang — 企业技术需求走访、诊断、确认与同步", "xunbang (寻榜) — record, diagnose, confirm and sync enterprises' technology needs"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, tr(lang, "用法：", "Usage:"))
	fmt.Fprintln(w, tr(lang, "  xunbang [--data 目录]                 打开窗口", "  xunbang [--data DIR]                  open the window"))
	fmt.Fprintln(w, tr(lang, "  xunbang --screenshot 文件.png [--screen needs|editor|confirm|dashboard] [--size 1280x800]", "  xunbang --screenshot FILE.png [--screen needs|editor|confirm|dashboard] [--size 1280x800]"))
	for _, cmd := range commands {
		fmt.Fprintf(w, "  xunbang %-10s %s\n", cmd.name, tr(lang, cmd.summary[0], cmd.summary[1]))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, tr(lang, "所有命令都接受 --data 目录（或环境变量 XUNBANG_DATA）、--lang zh|en 与 --passphrase-file 文件（数据口令；也可用环境变量 XUNBANG_PASSPHRASE，在终端中运行时会询问）。",
		"Every command takes --data DIR (or XUNBANG_DATA), --lang zh|en and --passphrase-file FILE (the data's passphrase; or XUNBANG_PASSPHRASE; in a terminal it is asked for)."))
}
