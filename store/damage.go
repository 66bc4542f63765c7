package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// A damaged data file.
//
// bbolt trusts its file: a flipped byte in a page it walks makes it panic
// (slice bounds, "invalid freelist page", "unexpected page type"), and a
// page past the end of a file cut short is a memory fault. The store
// never lets either reach the caller as a crash:
//
//   - Before bbolt opens an existing file, the file must not be empty (a
//     zero-length xunbang.db is never taken for a new store: the daily
//     backups would then rotate the real data out) and its meta pages
//     must be sound and cover the file's length (checkBoltMeta).
//   - bbolt's Open, and every transaction the store runs, are guarded:
//     a panic or a fault on the mapping becomes an error, and a panicking
//     Open leaves no file handle (and so no lock) behind.
//   - A value that fails its authentication (a flipped byte inside a sealed
//     value) is ErrCorrupt already (crypt.open).
//
// All of these reach the caller as a *DamagedError naming the file, which
// wraps ErrCorrupt. Backup and DailyBackup run bbolt's check on the view
// they copy, so a damaged file is never copied into a backup, and
// DailyBackup never rotates out the newest backup that holds records.

// DamagedError is the error (wrapped) for a data file that is damaged: it
// is empty, cut short, or a page or a value in it is not what was written.
// It wraps ErrCorrupt.
type DamagedError struct {
	Path  string // the data file
	Empty bool   // the file is empty (0 bytes)
	Err   error  // what was found; wraps ErrCorrupt
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("the data file %s is damaged: %v", e.Path, e.Err)
}

// Unwrap returns what was found, which wraps ErrCorrupt.
func (e *DamagedError) Unwrap() error { return e.Err }

// Describe says, in lang ("en", else Chinese), that the data file is
// damaged and how, and that nothing was changed; not what to do.
func (e *DamagedError) Describe(lang string) string {
	zh, en := e.describe()
	if lang == "en" {
		return en
	}
	return zh
}

func (e *DamagedError) describe() (zh, en string) {
	if e.Empty {
		return fmt.Sprintf("数据文件 %s 已损坏：它是空的（0 字节），不是寻榜的数据文件。数据没有作任何改动。", e.Path),
			fmt.Sprintf("the data file %s is damaged: it is empty (0 bytes), not a xunbang data file. Nothing was changed.", e.Path)
	}
	return fmt.Sprintf("数据文件 %s 已损坏（文件被截短或其中的内容与写入时不同），无法读取。数据没有作任何改动。", e.Path),
		fmt.Sprintf("the data file %s is damaged (cut short, or its content is not what was written) and cannot be read. Nothing was changed.", e.Path)
}

// Message says, in lang ("en", else Chinese), that the data file is damaged
// (Describe) and what to do on the command line: restore the newest backup
// with `xunbang restore`. (The window offers the restore itself.)
func (e *DamagedError) Message(lang string) string {
	dir := filepath.Dir(e.Path)
	backups := filepath.Join(dir, BackupDir)
	newest := newestBackup(backups)
	zh, en := e.describe()
	if newest != "" {
		zh += fmt.Sprintf("请关闭寻榜后从备份恢复：xunbang restore %s --data %s（备份在 %s；损坏的文件会被移到一旁保留）。", newest, dir, backups)
		en += fmt.Sprintf(" Close xunbang and restore a backup: xunbang restore %s --data %s (the backups are in %s; the damaged file is moved aside and kept).", newest, dir, backups)
	} else {
		zh += fmt.Sprintf("请关闭寻榜后从备份恢复：xunbang restore 备份文件 --data %s（窗口每天自动备份到 %s，这里还没有；损坏的文件会被移到一旁保留）。", dir, backups)
		en += fmt.Sprintf(" Close xunbang and restore a backup: xunbang restore BACKUP-FILE --data %s (the window backs up daily into %s, which holds none yet; the damaged file is moved aside and kept).", dir, backups)
	}
	if lang == "en" {
		return en
	}
	return zh
}

// newestBackup returns the newest daily backup in dir, "" when none.
func newestBackup(dir string) string {
	l, _ := filepath.Glob(filepath.Join(dir, dailyBackupGlob))
	if len(l) == 0 {
		return ""
	}
	slices.Sort(l)
	return l[len(l)-1]
}

// dailyBackupGlob matches the names of DailyBackup's copies.
const dailyBackupGlob = "xunbang-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9].db"

// damaged wraps err as a *DamagedError of the file at path when it wraps
// ErrCorrupt and is not one already.
func damaged(path string, err error) error {
	var de *DamagedError
	if err == nil || !errors.Is(err, ErrCorrupt) || errors.As(err, &de) {
		return err
	}
	return &DamagedError{Path: path, Err: err}
}

// guard runs fn, which reads the bbolt file at path, turning a panic of
// bbolt's on a damaged file, or a fault on its mapping, into a
// *DamagedError.
func guard(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &DamagedError{Path: path, Err: fmt.Errorf("%v: %w", r, ErrCorrupt)}
		}
	}()
	return damaged(path, fn())
}

// checkFile refuses an existing data file that is empty or whose meta
// pages are not sound (checkBoltMeta), before bbolt maps it. A file that
// does not exist passes: Open creates it.
func checkFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.Size() == 0:
		return &DamagedError{Path: path, Empty: true, Err: fmt.Errorf("empty file: %w", ErrCorrupt)}
	}
	return damaged(path, checkBoltMeta(path))
}

// boltOpen is bolt.Open on a file checked by checkFile, guarded: a panic
// while bbolt reads a damaged file is a *DamagedError, and the file
// handle bbolt had opened (with its lock) is closed.
func boltOpen(path string, opts bolt.Options) (*bolt.DB, error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var files []*os.File
	opts.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		if err == nil {
			mu.Lock()
			files = append(files, f)
			mu.Unlock()
		}
		return f, err
	}
	var db *bolt.DB
	err := guard(path, func() (err error) {
		db, err = bolt.Open(path, 0o600, &opts)
		return err
	})
	var de *DamagedError
	if errors.As(err, &de) && db == nil {
		mu.Lock()
		for _, f := range files {
			_ = f.Close() // releases the lock
		}
		mu.Unlock()
	}
	return db, err
}
