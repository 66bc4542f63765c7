package cli

import (
	"context"
	"errors"
	"io/fs"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/diskerr"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/protocol"
)

// userError carries a message already written for the user.
type userError struct {
	zh, en string
	err    error
}

func (e userError) Error() string { return e.en }
func (e userError) Unwrap() error { return e.err }

// userMessage maps an error to one message in the user's language. Errors
// from below carry their operation for the log; the user gets the meaning.
func userMessage(err error, lang string) string {
	var ue userError
	if errors.As(err, &ue) {
		return tr(lang, ue.zh, ue.en)
	}
	var te *forms.TransitionError
	if errors.As(err, &te) {
		return te.Message(lang)
	}
	var de *store.DamagedError
	if errors.As(err, &de) {
		return de.Message(lang)
	}
	var fe *jobs.FileError // a file that changed while being imported
	if errors.As(err, &fe) {
		return fe.Message(lang)
	}
	if msg, ok := diskerr.Message(err, lang); ok {
		return msg
	}
	switch {
	case errors.Is(err, store.ErrInUse):
		return tr(lang, "数据目录正被另一个寻榜程序使用。请先关闭它，或用 --data 指定其他目录。",
			"the data dir is in use by another xunbang. Close it first, or choose another with --data.")
	case errors.Is(err, store.ErrNewerSchema):
		return tr(lang, "这个数据目录由更新版本的寻榜写入，请升级后再打开。数据未作任何改动。",
			"this data dir was written by a newer xunbang; upgrade to open it. Nothing was changed.")
	case errors.Is(err, store.ErrNotFound):
		return tr(lang, "找不到记录："+err.Error(), "not found: "+err.Error())
	case errors.Is(err, fs.ErrNotExist):
		return tr(lang, "文件不存在："+err.Error(), "no such file: "+err.Error())
	case errors.Is(err, fs.ErrPermission):
		return tr(lang, "没有权限："+err.Error(), "permission denied: "+err.Error())
	case errors.Is(err, context.Canceled):
		return tr(lang, "已取消。", "cancelled.")
	case errors.Is(err, protocol.ErrInsecureURL):
		return tr(lang, "不在本机的汇集节点须用 https:// 地址：令牌和企业的数据不经明文网络传输。",
			"a hub that is not on this computer needs an https:// address: the token and the enterprises' data never cross the network in plain text.")
	}
	return tr(lang, "出错了："+err.Error(), "error: "+err.Error())
}
