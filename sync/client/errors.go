package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xunbang/xunbang/sync/protocol"
)

// ErrorKind says what kind of failure a sync step met; the window and the
// CLI map it to a message once, with Message.
type ErrorKind int

// Error kinds.
const (
	KindNetwork      ErrorKind = iota + 1 // the server could not be reached, or the connection broke
	KindNotProtocol                       // something answered that is not the sync server (a Wi-Fi login page…)
	KindVersion                           // the server speaks another protocol version
	KindUnauthorized                      // no token, or the server does not know it
	KindTooLarge                          // the server refused a request as too large
	KindBusy                              // 429 or 503: try again later
	KindServer                            // 5xx
	KindRejected                          // 4xx the protocol does not expect: a bug on one side
	KindCanceled                          // the context ended (the window was closed)
	KindInsecure                          // http:// to a host that is not this computer
	KindLocal                             // the local store failed
)

// Error is a failed sync step.
type Error struct {
	Op         string        // "push", "pull", "whoami", "health", "store"
	Kind       ErrorKind     //
	Status     int           // HTTP status, if there was an answer
	Code       string        // the server's error code, if it sent one
	RetryAfter time.Duration // the server's Retry-After, if it sent one
	Err        error
}

func (e *Error) Error() string {
	s := "sync " + e.Op
	if e.Status != 0 {
		s += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ErrNoToken: there is no token for the server, neither in XUNBANG_TOKEN nor
// in the OS keyring.
var ErrNoToken = errors.New("no token: run `xunbang login --server URL` or set XUNBANG_TOKEN")

// Message returns err as one plain sentence for the user, in Chinese ("zh",
// the default) or English ("en").
func Message(err error, lang string) string {
	if err == nil {
		return ""
	}
	en := lang == "en"
	pick := func(zh, e string) string {
		if en {
			return e
		}
		return zh
	}
	if errors.Is(err, ErrNoToken) {
		return pick("尚未登录同步服务器：请先运行 xunbang login --server 地址，或设置环境变量 XUNBANG_TOKEN。",
			"Not signed in to the sync server: run xunbang login --server URL, or set XUNBANG_TOKEN.")
	}
	if errors.Is(err, protocol.ErrInsecureURL) {
		return pick("服务器地址须以 https:// 开头（只有本机地址可以用 http://）。",
			"The server address must start with https:// (http:// only for this computer).")
	}
	var e *Error
	if !errors.As(err, &e) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return pick("同步已取消。", "Sync was cancelled.")
		}
		return pick("同步出错："+err.Error(), "Sync failed: "+err.Error())
	}
	switch e.Kind {
	case KindNetwork:
		return pick("连不上同步服务器，请检查网络；恢复后会自动重试。",
			"Cannot reach the sync server; check the network. It will retry by itself.")
	case KindNotProtocol:
		return pick("这个地址的回答不是寻榜平台的回答：请核对平台地址。如果在酒店、园区或学校，可能要先在浏览器里登录无线网络。",
			"This address does not answer as a xunbang platform: check the platform address. On hotel or campus Wi-Fi, sign in to the network in a browser first.")
	case KindVersion:
		return pick("同步服务器的协议版本与本程序不一致，请升级 xunbang 或联系服务器管理员。",
			"The sync server speaks another protocol version; update xunbang or ask the server's administrator.")
	case KindUnauthorized:
		return pick("同步服务器不认可当前的登录令牌，请重新登录（xunbang login）。",
			"The sync server does not accept the token; sign in again (xunbang login).")
	case KindTooLarge:
		return pick("有记录太大，服务器拒收。", "A record is too large for the server.")
	case KindBusy:
		return pick("同步服务器正忙，稍后会自动重试。", "The sync server is busy; it will retry later.")
	case KindServer:
		return pick("同步服务器出错，稍后会自动重试。", "The sync server had an error; it will retry later.")
	case KindRejected:
		return pick(fmt.Sprintf("同步服务器拒绝了请求（%d %s）。", e.Status, e.Code),
			fmt.Sprintf("The sync server refused the request (%d %s).", e.Status, e.Code))
	case KindCanceled:
		return pick("同步已取消。", "Sync was cancelled.")
	case KindInsecure:
		return pick("服务器地址须以 https:// 开头（只有本机地址可以用 http://）。",
			"The server address must start with https:// (http:// only for this computer).")
	case KindLocal:
		return pick("本机数据保存出错："+e.Err.Error(), "Saving on this computer failed: "+e.Err.Error())
	}
	return pick("同步出错："+err.Error(), "Sync failed: "+err.Error())
}

// transient reports whether a later attempt may succeed without anyone
// doing anything.
func transient(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return true
	}
	switch e.Kind {
	case KindNetwork, KindBusy, KindServer, KindNotProtocol, KindTooLarge, KindLocal:
		return true
	}
	return false
}
