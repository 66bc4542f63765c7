// Package diskerr names the file-system failures a user can do something
// about — a full disk, a read-only disk, a file they may not touch — in
// the user's language, for the command line and the window alike. Errors
// are classified by their cause (errors.Is through the %w chain), so the
// operation that failed may wrap them as it likes.
package diskerr

import (
	"errors"
	"fmt"
	"io/fs"
)

// Kind is a file-system failure a user can act on.
type Kind int

// Kinds.
const (
	None     Kind = iota
	Full          // no space left on the disk (or the user's quota)
	ReadOnly      // the disk or its mount is read-only
	Denied        // the user may not read or write the file or directory
)

// Classify says which kind of failure err is, None for any other error.
func Classify(err error) Kind {
	switch {
	case err == nil:
		return None
	case isFull(err):
		return Full
	case isReadOnly(err):
		return ReadOnly
	case errors.Is(err, fs.ErrPermission):
		return Denied
	}
	return None
}

// Message returns err as a sentence in lang ("en", else Chinese) that says
// what happened and what to do, and true; or "", false when err is not a
// failure of this package's kinds. The file is named when err carries it
// (an *fs.PathError or *os.LinkError).
func Message(err error, lang string) (string, bool) {
	k := Classify(err)
	if k == None {
		return "", false
	}
	path := ""
	var pe *fs.PathError
	if errors.As(err, &pe) {
		path = pe.Path
	}
	zhAt, enAt := "", ""
	if path != "" {
		zhAt, enAt = fmt.Sprintf("（%s）", path), fmt.Sprintf(" (%s)", path)
	}
	var zh, en string
	switch k {
	case Full:
		zh = "磁盘已满，文件没有写成" + zhAt + "。请删除不需要的文件、腾出磁盘空间后重试；已保存的数据没有受影响。"
		en = "the disk is full; the file was not written" + enAt + ". Free some disk space and try again; the data saved before is unharmed."
	case ReadOnly:
		zh = "磁盘是只读的，无法写入" + zhAt + "。请换一个可写的位置（例如用 --data 或“另存为”选择其他目录），或解除磁盘的写保护。"
		en = "the disk is read-only; nothing can be written there" + enAt + ". Choose a writable place (another directory with --data or Save as), or remove the write protection."
	case Denied:
		zh = "没有权限读写" + zhAt + "。请检查这个文件或目录的权限与所有者，或换一个位置。"
		en = "permission denied" + enAt + ". Check the permissions and owner of the file or directory, or choose another place."
	}
	if lang == "en" {
		return en, true
	}
	return zh, true
}
