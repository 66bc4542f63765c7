package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// Where a command's passphrase comes from, first that gives one:
//
//  1. --passphrase-file FILE: the file's first line (for scripts that keep
//     it in a file readable by the user only, as restic's --password-file);
//  2. XUNBANG_PASSPHRASE (scripts, CI);
//  3. the terminal, when there is one and the data needs a passphrase that
//     the OS keyring cannot stand in for: asked once to unlock, twice
//     (typed alike) to choose one for new data, never echoed.
//
// Without any of them a command on a computer with no keyring says what
// to do (keyError).

// Terminal reads a passphrase from the person at the terminal, without
// echo. Env.Terminal is nil when standard input is not a terminal.
type Terminal interface {
	// ReadPassword shows prompt and reads one line without echoing it.
	ReadPassword(prompt string) (string, error)
}

// StdinTerminal returns the Terminal of standard input, nil when standard
// input is not a terminal (a pipe, a file, a service). Prompts go to
// standard error.
func StdinTerminal() Terminal {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return nil
	}
	return stdinTerminal{}
}

type stdinTerminal struct{}

func (stdinTerminal) ReadPassword(prompt string) (string, error) {
	fmt.Fprint(os.Stderr, prompt)
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(os.Stderr)
	return string(b), err
}

// minPassphraseLen is the shortest passphrase chosen at a prompt, in
// characters (the window's rule).
const minPassphraseLen = 8

// maxPassphraseTries is how often a typed passphrase may be wrong.
const maxPassphraseTries = 3

// passphraseFileFlag names the global flag.
const passphraseFileFlag = "passphrase-file"

// readPassphraseFile returns the first line of path, without its line
// ending.
func readPassphraseFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read the passphrase file: %w", err)
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	p := strings.TrimSuffix(string(line), "\r")
	if p == "" {
		return "", userError{zh: fmt.Sprintf("口令文件 %s 的第一行是空的。", path), en: fmt.Sprintf("the first line of the passphrase file %s is empty.", path)}
	}
	return p, nil
}

// givenPassphrase is the passphrase given without asking: --passphrase-file,
// else XUNBANG_PASSPHRASE; "" when neither.
func (c *call) givenPassphrase() (string, error) {
	if c.passphraseFile != "" {
		return readPassphraseFile(c.passphraseFile)
	}
	return c.env.Getenv(store.PassphraseEnv), nil
}

// keySource is the key the commands open the data dir with: the OS keyring
// and the passphrase given or typed (see above).
func (c *call) keySource(ctx context.Context) (store.KeySource, error) {
	k := store.KeySource{Keyring: keyring}
	p, err := c.givenPassphrase()
	if err != nil || p != "" || c.env.Terminal == nil {
		k.Passphrase = p
		return k, err
	}
	state, err := store.Inspect(ctx, c.data, keyring)
	if err != nil {
		return k, nil // Open says what is wrong
	}
	switch state {
	case store.KeyNewPassphrase:
		k.Passphrase, err = c.choosePassphrase()
	case store.KeyPassphrase:
		k.Passphrase, err = c.env.Terminal.ReadPassword(tr(c.lang,
			fmt.Sprintf("数据目录 %s 的口令：", c.data), fmt.Sprintf("passphrase of the data dir %s: ", c.data)))
		c.typed = true
	}
	return k, err
}

// choosePassphrase asks for a new passphrase twice, until both are alike
// and long enough (a few tries).
func (c *call) choosePassphrase() (string, error) {
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		fmt.Sprintf("本机没有可用的系统钥匙串，数据目录 %s 的数据将用口令加密。请设置一个口令（至少 %d 个字符；以后每次打开都要用它，忘记口令数据将无法找回）。", c.data, minPassphraseLen),
		fmt.Sprintf("there is no usable OS keyring here, so the data in %s will be encrypted with a passphrase. Choose one (%d characters at least; it opens the data from now on, and a forgotten passphrase cannot be recovered).", c.data, minPassphraseLen)))
	for try := 0; try < maxPassphraseTries; try++ {
		p, err := c.env.Terminal.ReadPassword(tr(c.lang, "新口令：", "new passphrase: "))
		if err != nil {
			return "", err
		}
		if utf8.RuneCountInString(p) < minPassphraseLen {
			fmt.Fprintln(c.env.Stderr, tr(c.lang, fmt.Sprintf("口令太短：至少 %d 个字符。", minPassphraseLen), fmt.Sprintf("too short: %d characters at least.", minPassphraseLen)))
			continue
		}
		again, err := c.env.Terminal.ReadPassword(tr(c.lang, "再输入一次：", "type it again: "))
		if err != nil {
			return "", err
		}
		if again != p {
			fmt.Fprintln(c.env.Stderr, tr(c.lang, "两次输入的口令不一样，请重新输入。", "the two passphrases differ; try again."))
			continue
		}
		return p, nil
	}
	return "", userError{zh: "没有设置口令，数据目录未作改动。", en: "no passphrase was chosen; the data dir is unchanged."}
}

// retryWrongPassphrase reports whether err is a wrong passphrase the user
// typed and may type again: it asks again and puts the answer in k.
func (c *call) retryWrongPassphrase(err error, k *store.KeySource, tries *int) bool {
	if !c.typed || !errors.Is(err, store.ErrWrongKey) || *tries >= maxPassphraseTries-1 {
		return false
	}
	*tries++
	fmt.Fprintln(c.env.Stderr, tr(c.lang, "口令不对，请再试一次。", "wrong passphrase; try again."))
	p, rerr := c.env.Terminal.ReadPassword(tr(c.lang,
		fmt.Sprintf("数据目录 %s 的口令：", c.data), fmt.Sprintf("passphrase of the data dir %s: ", c.data)))
	if rerr != nil {
		return false
	}
	k.Passphrase = p
	return true
}

// newPassphrase asks at the terminal for a new passphrase, twice.
func (c *call) newPassphrase() (string, error) {
	for try := 0; try < maxPassphraseTries; try++ {
		p, err := c.env.Terminal.ReadPassword(tr(c.lang, "新口令：", "new passphrase: "))
		if err != nil {
			return "", err
		}
		again, err := c.env.Terminal.ReadPassword(tr(c.lang, "再输入一次：", "type it again: "))
		if err != nil {
			return "", err
		}
		if again == p {
			return p, nil
		}
		fmt.Fprintln(c.env.Stderr, tr(c.lang, "两次输入的口令不一样，请重新输入。", "the two passphrases differ; try again."))
	}
	return "", userError{zh: "没有设置新口令。", en: "no new passphrase was set."}
}

// passphraseSource names where the passphrase came from, for messages.
func (c *call) passphraseSource(lang string) string {
	switch {
	case c.passphraseFile != "":
		return tr(lang, "口令文件 "+c.passphraseFile+" 中的口令", "the passphrase in "+c.passphraseFile)
	case c.typed:
		return tr(lang, "输入的口令", "the passphrase typed")
	}
	return tr(lang, store.PassphraseEnv+" 中的口令", "the one in "+store.PassphraseEnv)
}

// restore restores file into the data dir with the passphrase given; with
// none given and a terminal, it asks for the backup's passphrase when the
// keyring does not hold its key, or to choose one when the restored data
// needs one (an unencrypted backup on a computer without a keyring).
func (c *call) restore(ctx context.Context, file string) (store.RestoreReport, error) {
	key := store.KeySource{Keyring: keyring}
	p, err := c.givenPassphrase()
	if err != nil {
		return store.RestoreReport{}, err
	}
	key.Passphrase = p
	for tries := 0; ; tries++ {
		rep, err := jobs.Restore(ctx, c.data, file, store.Options{Key: key, Timeout: 500 * time.Millisecond, Now: c.env.Now})
		if err == nil || p != "" || c.env.Terminal == nil || tries >= maxPassphraseTries {
			return rep, err
		}
		switch {
		case errors.Is(err, store.ErrLocked), errors.Is(err, store.ErrWrongKey):
			if errors.Is(err, store.ErrWrongKey) {
				fmt.Fprintln(c.env.Stderr, tr(c.lang, "口令不对，请再试一次。", "wrong passphrase; try again."))
			}
			key.Passphrase, err = c.env.Terminal.ReadPassword(tr(c.lang,
				fmt.Sprintf("备份 %s 的口令：", file), fmt.Sprintf("passphrase of the backup %s: ", file)))
			c.typed = true
		case errors.Is(err, store.ErrNoKeySource):
			key.Passphrase, err = c.choosePassphrase()
		default:
			return rep, err
		}
		if err != nil {
			return rep, err
		}
	}
}
