package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

func init() {
	commands = append(commands,
		command{"backup", [2]string{"备份数据：backup -o 文件（寻榜窗口打开时由窗口写出备份）",
			"back up the data: backup -o FILE (while the window is open, the window writes it)"}, runBackup},
		command{"restore", [2]string{"从备份恢复：restore 文件（先检查备份；原数据文件保留为 .bak；须先关闭寻榜窗口）",
			"restore a backup: restore FILE (checked first; the replaced data file is kept as .bak; close the window first)"}, runRestore},
		command{"passphrase", [2]string{"设置或更改数据口令（让备份能在其他电脑恢复）：passphrase [--remove]；新口令取自 XUNBANG_NEW_PASSPHRASE 或标准输入",
			"set or change the data's passphrase (so backups restore on other computers): passphrase [--remove]; the new one from XUNBANG_NEW_PASSPHRASE or standard input"}, runPassphrase},
	)
}

// newPassphraseEnv carries the new passphrase for `xunbang passphrase` in
// scripts.
const newPassphraseEnv = "XUNBANG_NEW_PASSPHRASE"

// keyring is where the CLI keeps and finds the data key: the OS keyring.
// Tests replace it with a store.MemoryKeyring.
var keyring store.Keyring = store.SystemKeyring()

// openStore opens the data dir with the key (keySource: the keyring, a
// passphrase given or typed), mapping the key errors to messages that say
// what to do. A typed passphrase that is wrong may be typed again.
func (c *call) openStore(ctx context.Context, opts store.Options) (*store.Store, error) {
	key, err := c.keySource(ctx)
	if err != nil {
		return nil, err
	}
	opts.Key = key
	if opts.Now == nil {
		opts.Now = c.env.Now
	}
	for tries := 0; ; {
		st, err := store.Open(ctx, c.data, opts)
		if err == nil {
			return st, nil
		}
		if c.retryWrongPassphrase(err, &opts.Key, &tries) {
			continue
		}
		return nil, c.keyError(ctx, err)
	}
}

// keyError turns the store's key errors into messages for the user; other
// errors are returned as they are.
func (c *call) keyError(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, store.ErrNoKeySource):
		return userError{
			zh: fmt.Sprintf("无法加密数据目录 %s：本机没有可用的系统钥匙串（桌面的“密钥环”/钥匙串），也没有提供口令。"+
				"请在终端中运行（会请你设置口令），或用 --passphrase-file 文件、环境变量 %s 提供一个口令（以后每次都要用同一个口令；忘记口令将无法打开数据），或在有钥匙串的桌面会话中运行。",
				c.data, store.PassphraseEnv),
			en: fmt.Sprintf("cannot encrypt the data dir %s: there is no usable OS keyring (the desktop's keyring or keychain) and no passphrase. "+
				"Run in a terminal (it asks you to choose one), or give a passphrase with --passphrase-file FILE or %s (the same one every time after; a forgotten passphrase cannot be recovered), or run in a desktop session with a keyring.",
				c.data, store.PassphraseEnv),
			err: err,
		}
	case errors.Is(err, store.ErrLocked):
		if ks, ierr := store.Inspect(ctx, c.data, keyring); ierr == nil && ks == store.KeyUnavailable {
			return userError{
				zh:  fmt.Sprintf("数据目录 %s 已加密，它的密钥只保存在加密它的那台电脑的系统钥匙串中，且没有设置口令：在这里无法打开。", c.data),
				en:  fmt.Sprintf("the data dir %s is encrypted, its key is only in the OS keyring of the computer that encrypted it, and it has no passphrase: it cannot be opened here.", c.data),
				err: err,
			}
		}
		return userError{
			zh:  fmt.Sprintf("数据目录 %s 已加密，本机系统钥匙串中没有它的密钥：请在终端中运行（会询问口令），或用 --passphrase-file 文件、环境变量 %s 提供口令。", c.data, store.PassphraseEnv),
			en:  fmt.Sprintf("the data dir %s is encrypted and the OS keyring here does not hold its key: run in a terminal (it asks for the passphrase), or give the passphrase with --passphrase-file FILE or in %s.", c.data, store.PassphraseEnv),
			err: err,
		}
	case errors.Is(err, store.ErrWrongKey):
		return userError{
			zh:  fmt.Sprintf("口令不对：%s解不开 %s 的数据。", c.passphraseSource("zh"), c.data),
			en:  fmt.Sprintf("wrong passphrase: %s does not unlock the data in %s.", c.passphraseSource("en"), c.data),
			err: err,
		}
	}
	return err
}

// inUseByWindow says who has the data dir — the window when one answers on
// the control channel, else another xunbang process — and what to do.
func (c *call) inUseByWindow(ctx context.Context, err error, what [2]string) error {
	backups := filepath.Join(c.data, store.BackupDir)
	if !jobs.WindowAnswers(ctx, c.data) {
		return userError{
			zh: fmt.Sprintf("数据目录 %s 正被另一个寻榜程序使用（没有寻榜窗口打开它：可能是正在运行的命令，如 sync、import 或 serve，或旧版本的窗口），%s。请等它结束或关闭它后再试。",
				c.data, what[0]),
			en: fmt.Sprintf("the data dir %s is in use by another xunbang process (no xunbang window has it open: a command such as sync, import or serve still running, or a window of an older version), so %s. Let it finish or close it, and try again.",
				c.data, what[1]),
			err: err,
		}
	}
	return userError{
		zh: fmt.Sprintf("数据目录 %s 正被寻榜窗口（或另一个寻榜程序）使用，命令行无法同时打开它，%s。请先关闭窗口再试。窗口打开时每天自动备份到 %s（保留最近 %d 份）。",
			c.data, what[0], backups, store.DefaultBackupsKept),
		en: fmt.Sprintf("the data dir %s is in use by the xunbang window (or another xunbang), which the command line cannot open at the same time, so %s. Close the window and try again. While open, the window backs up daily into %s (keeping the last %d).",
			c.data, what[1], backups, store.DefaultBackupsKept),
		err: err,
	}
}

// runBackup writes a consistent copy of the data file: `xunbang backup -o
// FILE`. bbolt lets one process have the file: while the window has it, the
// command asks the window, through the control channel, to write the copy;
// when no window answers (an older one, or another command has the file) it
// says the data dir is in use and points to the window's daily backups.
func runBackup(ctx context.Context, c *call) error {
	out := c.fs.String("o", "", tr(c.lang, "备份文件（必须尚不存在）", "the backup file (must not exist yet)"))
	if err := c.parse(); err != nil {
		return err
	}
	if *out == "" || len(c.args) > 0 {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "用法：xunbang backup -o 文件", "usage: xunbang backup -o FILE"))
		return errUsage
	}
	exists := userError{zh: fmt.Sprintf("%s 已存在：备份不会覆盖文件，请换一个文件名。", *out), en: fmt.Sprintf("%s exists: a backup never overwrites a file; choose another name.", *out)}
	if _, err := os.Lstat(*out); err == nil {
		return exists
	}
	abs, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx, store.Options{Timeout: 500 * time.Millisecond})
	if errors.Is(err, store.ErrInUse) {
		res, cerr := jobs.BackupThroughWindow(ctx, c.data, abs)
		switch {
		case cerr == nil:
			c.printBackup(*out, res)
			return nil
		case errors.Is(cerr, jobs.ErrNoWindow):
			return c.inUseByWindow(ctx, err, [2]string{"无法备份", "no backup was made"})
		case errors.Is(cerr, fs.ErrExist):
			exists.err = cerr
			return exists
		case ctx.Err() != nil:
			return cerr
		}
		return userError{
			zh:  fmt.Sprintf("数据目录 %s 正被寻榜窗口使用；窗口未能写出备份 %s：%v", c.data, *out, cerr),
			en:  fmt.Sprintf("the data dir %s is in use by the xunbang window, which could not write the backup %s: %v", c.data, *out, cerr),
			err: cerr,
		}
	}
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := jobs.Backup(ctx, st, abs)
	if err != nil {
		return err
	}
	c.printBackup(*out, res)
	return nil
}

// printBackup says what a backup to out (as the user wrote it) holds.
func (c *call) printBackup(out string, res jobs.BackupResult) {
	if res.Encrypted {
		fmt.Fprintln(c.env.Stderr, tr(c.lang,
			fmt.Sprintf("已备份到 %s：%d 条需求，已加密（密钥编号 %s）。", out, res.Needs, res.KeyID),
			fmt.Sprintf("backed up to %s: %d needs, encrypted (key %s).", out, res.Needs, res.KeyID)))
	} else {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, fmt.Sprintf("已备份到 %s：%d 条需求（未加密）。", out, res.Needs), fmt.Sprintf("backed up to %s: %d needs (not encrypted).", out, res.Needs)))
	}
	if res.Encrypted && !res.HasPassphrase {
		fmt.Fprintln(c.env.Stderr, tr(c.lang,
			"注意：这份数据没有设置口令，密钥只在本机的系统钥匙串中：备份只能在这台电脑上恢复。要在其他电脑上恢复，请先在窗口的设置中设置口令，再备份。",
			"note: this data has no passphrase and its key is only in this computer's OS keyring: the backup restores on this computer only. To restore elsewhere, set a passphrase in the window's settings first, then back up."))
	}
}

// runRestore replaces the data file with a checked backup: `xunbang restore
// FILE`.
func runRestore(ctx context.Context, c *call) error {
	if err := c.parse(); err != nil {
		return err
	}
	if len(c.args) != 1 {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "用法：xunbang restore 备份文件", "usage: xunbang restore BACKUP-FILE"))
		return errUsage
	}
	file := c.args[0]
	rep, err := c.restore(ctx, file)
	switch {
	case errors.Is(err, store.ErrInUse):
		// Restoring replaces the data file: the window must let go of it,
		// so unlike backup this never goes through the window.
		return c.inUseByWindow(ctx, err, [2]string{"无法恢复（数据未作改动）：恢复会替换数据文件，窗口必须先放开它", "nothing was restored (the data is unchanged): a restore replaces the data file, which the window must let go of first"})
	case errors.Is(err, store.ErrCorrupt):
		return userError{
			zh:  fmt.Sprintf("%s 已损坏或不是寻榜的数据文件，未作任何改动。（%v）", file, err),
			en:  fmt.Sprintf("%s is damaged or not a xunbang data file; nothing was changed. (%v)", file, err),
			err: err,
		}
	case errors.Is(err, store.ErrNewerSchema):
		return userError{zh: fmt.Sprintf("%s 由更新版本的寻榜写入，请升级后再恢复。数据未作改动。", file), en: fmt.Sprintf("%s was written by a newer xunbang; upgrade to restore it. Nothing was changed.", file), err: err}
	case errors.Is(err, store.ErrLocked):
		return userError{
			zh:  fmt.Sprintf("备份 %s 已加密，本机系统钥匙串中没有它的密钥：请在终端中运行（会询问口令），或用 --passphrase-file 文件、环境变量 %s 提供它的口令。（没有设置口令的备份只能在加密它的电脑上恢复。）数据未作改动。", file, store.PassphraseEnv),
			en:  fmt.Sprintf("the backup %s is encrypted and the OS keyring here does not hold its key: run in a terminal (it asks for the passphrase), or give its passphrase with --passphrase-file FILE or in %s. (A backup without a passphrase restores only on the computer that encrypted it.) Nothing was changed.", file, store.PassphraseEnv),
			err: err,
		}
	case errors.Is(err, store.ErrWrongKey):
		return userError{
			zh:  fmt.Sprintf("口令不对：%s解不开备份 %s。数据未作改动。", c.passphraseSource("zh"), file),
			en:  fmt.Sprintf("wrong passphrase: %s does not unlock the backup %s. Nothing was changed.", c.passphraseSource("en"), file),
			err: err,
		}
	case err != nil:
		return c.keyError(ctx, err)
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		fmt.Sprintf("已从 %s 恢复到 %s：%d 家企业，%d 条需求。", file, c.data, rep.Enterprises, rep.Needs),
		fmt.Sprintf("restored %s into %s: %d enterprises, %d needs.", file, c.data, rep.Enterprises, rep.Needs)))
	switch {
	case rep.Damaged:
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "损坏的数据文件已移到一旁，保留为 "+rep.Replaced, "the damaged data file was moved aside and is kept as "+rep.Replaced))
	case rep.Replaced != "":
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "原数据文件保留为 "+rep.Replaced, "the replaced data file is kept as "+rep.Replaced))
	}
	return nil
}

// runPassphrase sets, changes or removes the passphrase that unlocks the
// data: `xunbang passphrase [--remove]`. The data opens with its current key
// (the keyring, or XUNBANG_PASSPHRASE); the new passphrase comes from
// XUNBANG_NEW_PASSPHRASE, else one line of standard input.
func runPassphrase(ctx context.Context, c *call) error {
	remove := c.fs.Bool("remove", false, tr(c.lang, "去掉口令（仅当系统钥匙串保存着密钥时）", "remove the passphrase (only while the OS keyring holds the key)"))
	if err := c.parse(); err != nil {
		return err
	}
	// The current key first (a prompt for the current passphrase comes
	// before the one for the new).
	st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	p := ""
	if !*remove {
		p = c.env.Getenv(newPassphraseEnv)
		switch {
		case p != "":
		case c.env.Terminal != nil:
			if p, err = c.newPassphrase(); err != nil {
				return err
			}
		default:
			fmt.Fprint(c.env.Stderr, tr(c.lang, "请输入新口令后回车（输入可见）：", "type the new passphrase and press Enter (it is shown): "))
			line, err := bufio.NewReader(c.env.Stdin).ReadString('\n')
			if err != nil && line == "" {
				return userError{zh: "没有读到新口令。", en: "no new passphrase was read.", err: err}
			}
			p = strings.TrimRight(line, "\r\n")
		}
		if utf8.RuneCountInString(p) < minPassphraseLen {
			return userError{zh: fmt.Sprintf("口令太短：至少 %d 个字符。", minPassphraseLen), en: fmt.Sprintf("the passphrase is too short: %d characters at least.", minPassphraseLen)}
		}
	}
	if err := st.SetPassphrase(ctx, p); err != nil {
		if errors.Is(err, store.ErrInvalid) && *remove {
			return userError{zh: "不能去掉口令：系统钥匙串中没有这份数据的密钥，口令是打开它的唯一办法。", en: "cannot remove the passphrase: the OS keyring does not hold this data's key, so the passphrase is the only way in.", err: err}
		}
		return err
	}
	if *remove {
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "已去掉口令：数据只能用本机系统钥匙串中的密钥打开。", "the passphrase is removed: only the key in this computer's OS keyring opens the data."))
		return nil
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		"口令已设置。今后的备份可在其他电脑上用这个口令恢复（此前的备份仍用当时的口令或本机钥匙串）。请妥善保管：忘记口令且钥匙串丢失时，数据无法找回。",
		"the passphrase is set. Backups from now on restore on other computers with it (earlier backups keep what unlocked them then). Keep it safe: with the passphrase forgotten and the keyring lost, the data cannot be recovered."))
	return nil
}
