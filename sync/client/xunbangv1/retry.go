package xunbangv1

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/xunbang/xunbang/sync/protocol"
)

// shouldRetry: idempotent requests only; then transport errors (including a
// body cut short), 408, 429 and 5xx other than 501.
func shouldRetry(resp *resty.Response, err error) bool {
	if resp == nil || resp.Request == nil {
		return false
	}
	req := resp.Request
	if req.Context().Err() != nil {
		return false
	}
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead ||
		req.Header.Get(protocol.HeaderIdempotencyKey) != ""
	if !idempotent {
		return false
	}
	if err != nil {
		return !final(err)
	}
	switch s := resp.StatusCode(); {
	case s == http.StatusRequestTimeout, s == http.StatusTooManyRequests:
		return true
	case s >= 500 && s != http.StatusNotImplemented:
		return true
	}
	return false
}

// retryAfter honours the server's Retry-After (seconds or an HTTP date);
// (0, nil) tells resty to use its jittered backoff. resty caps the result at
// RetryMaxWait.
func retryAfter(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	if resp == nil || resp.RawResponse == nil {
		return 0, nil
	}
	return parseRetryAfter(resp.Header().Get(protocol.HeaderRetryAfter), time.Now()), nil
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, 3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), time.Hour)
	}
	return 0
}

type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) {
	r.l.Debug("sync http", "msg", fmt.Sprintf(format, v...))
}
func (r restyLogger) Warnf(format string, v ...any) {
	r.l.Debug("sync http retry", "msg", fmt.Sprintf(format, v...))
}
func (r restyLogger) Debugf(format string, v ...any) {}
