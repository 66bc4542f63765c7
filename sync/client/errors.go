package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/xunbang/xunbang/sync/protocol"
)

// ErrorKind says what kind of failure a sync step met; the window and the
// CLI map it to a message once, with Message. The store keeps a kind by its
// name (String), never a sentence.
type ErrorKind int

// Error kinds. Their numbers are those a status written by an earlier
// version kept; their names are what is kept now.
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
	KindOffline                           // this computer has no network (no route to anywhere)
	KindBadAddress                        // the server address is not an address
	KindUnknown                           // a failure kept by an earlier version without its kind, or of a kind this version does not know
)

// kindNames are the kinds' names as the store keeps them.
var kindNames = map[ErrorKind]string{
	KindNetwork: "unreachable", KindNotProtocol: "not_a_platform", KindVersion: "version",
	KindUnauthorized: "unauthorized", KindTooLarge: "too_large", KindBusy: "busy",
	KindServer: "server_error", KindRejected: "refused", KindCanceled: "canceled",
	KindInsecure: "insecure_address", KindLocal: "local", KindOffline: "offline",
	KindBadAddress: "bad_address", KindUnknown: "unknown",
}

// String is the kind's stable name ("offline", "unauthorized",
// "not_a_platform", "busy", "server_error", "version", "refused"…); "" for
// no kind.
func (k ErrorKind) String() string { return kindNames[k] }

// MarshalText writes the kind's name.
func (k ErrorKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind's name; a name this version does not know is
// KindUnknown.
func (k *ErrorKind) UnmarshalText(b []byte) error {
	*k = KindUnknown
	if len(b) == 0 {
		*k = 0
	}
	for kind, name := range kindNames {
		if name == string(b) {
			*k = kind
		}
	}
	return nil
}

// UnmarshalJSON reads a kind's name, or the number an earlier version kept.
func (k *ErrorKind) UnmarshalJSON(b []byte) error {
	if n, err := strconv.Atoi(string(b)); err == nil {
		*k = ErrorKind(n)
		if _, ok := kindNames[*k]; !ok && n != 0 {
			*k = KindUnknown
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	return k.UnmarshalText([]byte(s))
}

// kindOf is the kind of err, 0 when it is not an *Error.
func kindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// Error is a failed sync step. Platform adapters return it, with the Kind
// that says what happened (see Platform).
type Error struct {
	Op         string        // "push", "pull", "whoami", "health", "store", "config"
	Kind       ErrorKind     //
	Status     int           // HTTP status, if there was an answer
	Code       string        // the platform's error code, if it sent one
	RetryAfter time.Duration // the platform's Retry-After, if it sent one
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

// ErrNoToken means there is no token for the server, neither in XUNBANG_TOKEN nor
// in the OS keyring.
var ErrNoToken = errors.New("no token: paste it in 设置 → 平台连接, run `xunbang login --server URL`, or set XUNBANG_TOKEN")

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
	if errors.Is(err, ErrNoAddress) {
		return pick("还没有填写平台地址：请在 设置 → 平台连接 中填写平台地址和令牌。",
			"No platform address yet: fill in the address and the token in Settings → Platform connection.")
	}
	if errors.Is(err, ErrNoToken) {
		return pick("尚未登录平台：请在 设置 → 平台连接 中粘贴平台管理员给的令牌（或运行 xunbang login --server 地址）。",
			"Not signed in to the platform: paste the token from the platform's operator in Settings → Platform connection (or run xunbang login --server URL).")
	}
	if errors.Is(err, ErrNoPlaceForToken) {
		return pick("本机没有系统密钥环，数据文件也未加密，令牌无法安全保存。请先设置数据口令，或改用环境变量 XUNBANG_TOKEN。",
			"There is no OS keyring here and the data file is not encrypted, so the token cannot be kept safely. Set a passphrase first, or use the XUNBANG_TOKEN environment variable.")
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
		return pick("平台不认可这个令牌（可能输错了，或已被收回）：请向平台管理员要一个新令牌，在 设置 → 平台连接 中重新粘贴。",
			"The platform does not accept the token (mistyped, or withdrawn): ask the platform's operator for a new one and paste it in Settings → Platform connection.")
	case KindOffline:
		return pick("本机没有连上网络；联网后会自动同步。",
			"This computer is not on a network; it will sync once it is.")
	case KindBadAddress:
		return pick("平台地址写得不对，应形如 https://平台网址（平台管理员会告诉您）。",
			"The platform address is not valid; it looks like https://platform.example (the platform's operator will tell you).")
	case KindTooLarge:
		return pick("有记录太大，服务器拒收。", "A record is too large for the server.")
	case KindBusy:
		return pick("同步服务器正忙，稍后会自动重试。", "The sync server is busy; it will retry later.")
	case KindServer:
		return pick("同步服务器出错，稍后会自动重试。", "The sync server had an error; it will retry later.")
	case KindRejected:
		if e.Status == http.StatusForbidden && e.Code == protocol.CodeForbidden {
			// The reference hub answers so to an admin token on the sync.
			return pick("平台不让这个令牌同步：它是管理员令牌（只用于审核）吧？请向平台管理员要一个团队令牌，在 设置 → 平台连接 中粘贴。",
				"The platform does not let this token sync: is it an admin token (for reviews only)? Ask the platform's operator for a team token and paste it in Settings → Platform connection.")
		}
		return pick(fmt.Sprintf("同步服务器拒绝了请求（%d %s）。", e.Status, e.Code),
			fmt.Sprintf("The sync server refused the request (%d %s).", e.Status, e.Code))
	case KindCanceled:
		return pick("同步已取消。", "Sync was cancelled.")
	case KindInsecure:
		return pick("服务器地址须以 https:// 开头（只有本机地址可以用 http://）。",
			"The server address must start with https:// (http:// only for this computer).")
	case KindLocal:
		return pick("本机数据保存出错："+detail(e), "Saving on this computer failed: "+detail(e))
	case KindUnknown:
		// A failure an earlier version kept as a sentence (its detail).
		return pick("同步出错："+detail(e), "Sync failed: "+detail(e))
	}
	return pick("同步出错："+err.Error(), "Sync failed: "+err.Error())
}

func detail(e *Error) string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

// transient reports whether a later attempt may succeed without anyone
// doing anything.
func transient(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return true
	}
	switch e.Kind {
	case KindNetwork, KindOffline, KindBusy, KindServer, KindNotProtocol, KindTooLarge, KindLocal:
		return true
	}
	return false
}

// Problem says why a data dir is not syncing now, so that the window can
// say it and offer the one thing that fixes it.
type Problem int

// Problems, from what Status reads.
const (
	ProblemNone         Problem = iota // syncing (or nothing to do)
	ProblemNoAddress                   // no platform address in the settings: connect
	ProblemNoToken                     // an address but no token: connect
	ProblemBadAddress                  // the address is not usable (not https, malformed): connect
	ProblemTokenRefused                // the hub refused the token: connect again
	ProblemOffline                     // no network here: it retries by itself
	ProblemUnreachable                 // the hub does not answer: it retries by itself
	ProblemNotHub                      // something else answered (a Wi-Fi login page): sign in to the network
	ProblemVersion                     // the hub speaks another protocol version: update
	ProblemServer                      // the hub is busy or failing: it retries by itself
	ProblemLocal                       // saving here failed
)

// problemOf maps the kind of the last sync's error to a Problem.
func problemOf(k ErrorKind) Problem {
	switch k {
	case KindOffline:
		return ProblemOffline
	case KindNetwork:
		return ProblemUnreachable
	case KindNotProtocol:
		return ProblemNotHub
	case KindVersion:
		return ProblemVersion
	case KindUnauthorized:
		return ProblemTokenRefused
	case KindInsecure, KindBadAddress:
		return ProblemBadAddress
	case KindLocal:
		return ProblemLocal
	case KindBusy, KindServer, KindTooLarge, KindRejected, KindUnknown:
		return ProblemServer
	}
	return ProblemNone
}

// ProblemOf says which Problem an error of Connect, New or Sync is.
func ProblemOf(err error) Problem {
	var e *Error
	switch {
	case err == nil:
		return ProblemNone
	case errors.Is(err, ErrNoToken):
		return ProblemNoToken
	case errors.Is(err, ErrNoAddress):
		return ProblemNoAddress
	case errors.Is(err, protocol.ErrInsecureURL):
		return ProblemBadAddress
	case errors.As(err, &e):
		return problemOf(e.Kind)
	}
	return ProblemLocal
}

// ErrNoAddress means the settings name no platform address.
var ErrNoAddress = errors.New("no platform address in the settings")
