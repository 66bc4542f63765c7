// Package control is the local channel through which a command asks the
// running window to do what only the process holding the data dir can do.
// bbolt lets one process have DIR/xunbang.db; while the window has it,
// `xunbang backup` reaches the window through this channel and the window
// writes the backup (a hot copy from one read transaction).
//
// The window starts a [Server] once its store is open. It listens on
// 127.0.0.1 (an ephemeral port; TCP loopback works alike on Linux and
// Windows) and writes DIR/control.json — the port, its process id and a
// random 256-bit token — with mode 0600, atomically (a temporary file
// renamed into place), and removes it when it stops. A command calls
// [Backup]: it reads the file, dials the port and proves it may ask by
// sending the token, which the server compares in constant time.
//
// The protocol is one exchange per connection, each message one line of
// JSON:
//
//	server → client  hello     {"service":"xunbang-control","v":1}
//	client → server  request   {"v":1,"token":"<64 hex>","op":"backup","path":"/abs/out.db"}
//	server → client  response  {"ok":true,"backup":{"bytes":…,"needs":…,"encrypted":…,"key_id":…,"has_passphrase":…}}
//	                           {"ok":false,"code":"exists","error":"…"}
//
// The hello comes first so that a client which finds a stale control.json
// whose port some other program now uses gives up within a second or two
// instead of waiting for an answer that never comes, and so that the token
// goes only to a peer that speaks the protocol. A request is at most
// [MaxRequest] bytes and must arrive within a few seconds of the
// connection; the response comes once the operation is done. An operation
// is a field of [Handlers]; a new one is a new op name, a new field there and
// a new result field in [Response].
package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"
)

// FileName is the control file inside the data dir.
const FileName = "control.json"

// Version is the protocol version spoken here.
const Version = 1

// MaxRequest is the largest request line the server reads, newline
// included.
const MaxRequest = 16 << 10

// maxResponse is the largest response line the client reads.
const maxResponse = 64 << 10

// maxFile is the largest control file the client reads.
const maxFile = 4 << 10

// service names the protocol in the hello line.
const service = "xunbang-control"

// Timeouts. The operation itself has none here: the client's ctx bounds it.
var (
	// dialTimeout bounds connecting to the port in the control file.
	dialTimeout = time.Second
	// helloTimeout bounds the wait for the server's hello: a stale file
	// whose port another program has taken fails within it.
	helloTimeout = 2 * time.Second
	// requestTimeout bounds the server's wait for the request line.
	requestTimeout = 5 * time.Second
	// writeTimeout bounds writing one line, on either side.
	writeTimeout = 5 * time.Second
	// defaultTimeout bounds a whole exchange when the caller's ctx has no
	// deadline.
	defaultTimeout = 30 * time.Minute
)

// Ops.
const (
	// OpBackup: write a consistent copy of the data to Request.Path, an
	// absolute path that must not exist.
	OpBackup = "backup"
)

// Codes say why a request failed (Response.Code).
const (
	CodeUnauthorized = "unauthorized" // the token is wrong
	CodeBadRequest   = "bad_request"  // malformed, too large, wrong version, bad path
	CodeUnsupported  = "unsupported"  // this server does not do that op
	CodeExists       = "exists"       // the output file exists
	CodeFailed       = "failed"       // the operation failed
)

// hello is the server's first line.
type hello struct {
	Service string `json:"service"`
	V       int    `json:"v"`
}

// Request is what the client sends.
type Request struct {
	V     int    `json:"v"`
	Token string `json:"token"`
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"` // OpBackup: the absolute output path
}

// Response is what the server answers: OK with the op's result, or a Code
// and a message.
type Response struct {
	OK     bool          `json:"ok"`
	Code   string        `json:"code,omitempty"`
	Error  string        `json:"error,omitempty"`
	Backup *BackupResult `json:"backup,omitempty"` // OpBackup
}

// BackupResult says what OpBackup wrote: enough for the command to print
// what it prints after a backup of its own.
type BackupResult struct {
	Bytes         int64  `json:"bytes"`          // size of the backup file
	Needs         int    `json:"needs"`          // needs in the data
	Encrypted     bool   `json:"encrypted"`      // the data (and so the backup) is encrypted
	KeyID         string `json:"key_id"`         // the data key's public fingerprint, "" when not encrypted
	HasPassphrase bool   `json:"has_passphrase"` // a passphrase unlocks it (else only this computer's keyring)
}

// file is the content of the control file.
type file struct {
	Port  int    `json:"port"`
	PID   int    `json:"pid"`
	Token string `json:"token"` // 64 hex digits
}

// tokenLen is the length of a token in hex digits.
const tokenLen = 64

// ErrUnreachable means no window answers on the control channel — there is no
// control file, it is malformed, or it is stale (the window that wrote it
// is gone: nothing listens on its port, or something else does).
var ErrUnreachable = errors.New("no xunbang window answers on the control channel")

// Error is the server's refusal or failure, as the client sees it.
type Error struct {
	Code    string // one of the Code… constants
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "control: " + e.Code
	}
	return "control: " + e.Code + ": " + e.Message
}

// Is makes an Error with CodeExists match fs.ErrExist.
func (e *Error) Is(target error) bool {
	return e.Code == CodeExists && target == fs.ErrExist
}

// errTooLarge: a request line longer than MaxRequest.
var errTooLarge = errors.New("request too large")

// decodeRequest parses one request line (without the newline) and checks
// its shape: the version, a token of the right form, a known op with its
// arguments. It does not check the token's value.
func decodeRequest(line []byte) (Request, error) {
	var r Request
	if len(line) >= MaxRequest {
		return r, errTooLarge
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("malformed request: %w", err)
	}
	if dec.More() {
		return r, errors.New("malformed request: more than one value")
	}
	if r.V != Version {
		return r, fmt.Errorf("protocol version %d, this window speaks %d", r.V, Version)
	}
	if !validToken(r.Token) {
		return r, errors.New("malformed token")
	}
	if r.Op == "" {
		return r, errors.New("no op")
	}
	return r, nil
}

// validToken reports whether t has the form of a token: 64 lowercase hex
// digits.
func validToken(t string) bool {
	if len(t) != tokenLen {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
