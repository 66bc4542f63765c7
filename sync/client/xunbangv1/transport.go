package xunbangv1

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"syscall"

	"github.com/go-resty/resty/v2"

	"github.com/xunbang/xunbang/sync/protocol"
)

// maxForeignBody is how much of an answer that is not a protocol message
// (another media type: a login page, a file, another program's API) the
// client reads: enough to say what it was, never the whole of a large one.
const maxForeignBody = 4 << 10

// transport is the adapter's RoundTripper: protocol.Transport around base
// (plain http only to this computer, localhost dialled as loopback), with
// the body of every answer whose media type is not the protocol's cut to
// maxForeignBody bytes, so that a wrong address answering with a large
// file costs a few kilobytes, not its size.
func transport(base http.RoundTripper) http.RoundTripper {
	return foreignBodyLimit{next: protocol.Transport(base)}
}

type foreignBodyLimit struct{ next http.RoundTripper }

func (f foreignBodyLimit) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := f.next.RoundTrip(r)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != protocol.MediaType {
		resp.Body = limitedBody{Reader: io.LimitReader(resp.Body, maxForeignBody), c: resp.Body}
		resp.ContentLength = -1
	}
	return resp, nil
}

// limitedBody reads at most a limit of a body and closes the whole.
type limitedBody struct {
	io.Reader
	c io.Closer
}

func (b limitedBody) Close() error { return b.c.Close() }

// final reports whether a request's error cannot go away by asking again at
// once: an answer too large to be a protocol message, or a plain-http
// request off this computer.
func final(err error) bool {
	return errors.Is(err, resty.ErrResponseBodyTooLarge) || errors.Is(err, protocol.ErrInsecureURL)
}

// offline reports whether a transport error says that this computer has no
// network at all (rather than that the hub does not answer).
func offline(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case syscall.ENETUNREACH, syscall.ENETDOWN, syscall.EHOSTUNREACH,
		syscall.Errno(10050), syscall.Errno(10051), syscall.Errno(10065): // WSAENETDOWN, WSAENETUNREACH, WSAEHOSTUNREACH
		return true
	}
	return false
}
