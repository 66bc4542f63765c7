// Package xunbangv1 is the reference platform adapter: the client side of
// xunbang's sync protocol v1 (docs/sync-protocol.md; wire types in
// sync/protocol) over HTTP, spoken by the hub (`xunbang serve`,
// sync/platform). Hub implements client.Platform; it passes the conformance
// suite sync/client/platformtest against the real hub over loopback.
//
// Retries. Every request carries a context. resty retries network errors,
// 408, 429 (honouring Retry-After), 500 and 502–504 with capped exponential
// backoff and jitter — but only for idempotent requests: GETs, and pushes,
// which are idempotent because the hub keys every revision by its id (a
// repeated push answers "duplicate" and stores nothing twice). Every push
// carries an Idempotency-Key header to say so; the retry condition refuses
// any other request.
//
// Answers. An answer that is not a well-formed protocol message (a Wi-Fi
// login page answering 200, a redirect, JSON of another service) is a
// failure of kind client.KindNotProtocol, never a success. Plain http goes
// only to this computer (protocol.Transport), and an answer whose media
// type is not the protocol's is read no further than a few kilobytes.
package xunbangv1

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Hub is a hub reached over sync protocol v1 with one token. Its methods
// are safe for concurrent use.
type Hub struct {
	base *url.URL
	rc   *resty.Client
}

var _ client.Platform = (*Hub)(nil)

// Dial is New as a client.Dialer.
func Dial(server, token string, o client.DialOptions) (client.Platform, error) {
	return New(server, token, o)
}

// New returns the hub at server (https://…, or http:// to this computer
// only) reached with token. Zero options take the defaults: a timeout of
// 60 s per attempt, 4 retries waiting 500 ms to 30 s.
func New(server, token string, o client.DialOptions) (*Hub, error) {
	base, err := protocol.ParseServerURL(server)
	if err != nil {
		if errors.Is(err, protocol.ErrInsecureURL) {
			return nil, &client.Error{Op: "config", Kind: client.KindInsecure, Err: err}
		}
		return nil, &client.Error{Op: "config", Kind: client.KindBadAddress, Err: err}
	}
	if strings.TrimSpace(token) == "" {
		return nil, client.ErrNoToken
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.RetryCount == 0 {
		o.RetryCount = 4
	}
	if o.RetryWait <= 0 {
		o.RetryWait = 500 * time.Millisecond
	}
	if o.RetryMaxWait <= 0 {
		o.RetryMaxWait = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Hub{base: base, rc: newResty(base, token, o)}, nil
}

// CheckToken asks the hub at server whom token belongs to (GET
// /v1/whoami), keeping nothing; hc may be nil. client.Connect does the same
// through whichever platform the address chooses.
func CheckToken(ctx context.Context, server, token string, hc *http.Client) (client.Identity, error) {
	h, err := New(server, strings.TrimSpace(token), client.DialOptions{HTTPClient: hc, RetryCount: 1,
		Timeout: 20 * time.Second, RetryWait: 200 * time.Millisecond, RetryMaxWait: 2 * time.Second})
	if err != nil {
		return client.Identity{}, err
	}
	return h.WhoAmI(ctx)
}

// Server returns the hub's normalised address.
func (h *Hub) Server() string { return h.base.String() }

// newResty configures resty deliberately: see the package comment.
func newResty(base *url.URL, token string, o client.DialOptions) *resty.Client {
	var hc http.Client
	if o.HTTPClient != nil {
		hc = *o.HTTPClient
	}
	hc.Transport = transport(hc.Transport)
	hc.Timeout = o.Timeout
	// A redirect is not a protocol answer (captive portals redirect to their
	// login page) and must not carry the token elsewhere: hand it back as is.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	rc := resty.NewWithClient(&hc).
		SetBaseURL(base.String()).
		SetLogger(restyLogger{o.Logger}).
		SetHeader(protocol.HeaderVersion, protocol.Version).
		SetHeader("Accept", protocol.MediaType).
		SetHeader("User-Agent", "xunbang-sync/"+protocol.Version).
		SetAuthToken(token).
		SetResponseBodyLimit(protocol.MaxResponseBytes).
		SetRetryCount(max(o.RetryCount, 0)).
		SetRetryWaitTime(o.RetryWait).
		SetRetryMaxWaitTime(o.RetryMaxWait).
		SetRetryAfter(retryAfter)
	// resty's conditions replace its default (retry transport errors only),
	// so this one condition decides everything.
	rc.AddRetryCondition(shouldRetry)
	return rc
}

// Health asks the hub whether it is up (no token needed).
func (h *Hub) Health(ctx context.Context) error {
	var v protocol.Health
	return h.call(ctx, "health", http.MethodGet, protocol.PathHealth, nil, nil, &v)
}

// WhoAmI returns whom the token belongs to (GET /v1/whoami).
func (h *Hub) WhoAmI(ctx context.Context) (client.Identity, error) {
	var id protocol.Identity
	if err := h.call(ctx, "whoami", http.MethodGet, protocol.PathWhoAmI, nil, nil, &id); err != nil {
		return client.Identity{}, err
	}
	return client.Identity{User: id.User, Team: id.Team, PublicURL: id.PublicURL, Kinds: id.Kinds}, nil
}

// Push sends records in one POST /v1/push and returns the hub's verdicts,
// checked to answer the request record by record.
func (h *Hub) Push(ctx context.Context, records []protocol.Record) ([]protocol.Result, error) {
	req := protocol.PushRequest{Protocol: protocol.Version, Records: records}
	var resp protocol.PushResponse
	if err := h.call(ctx, "push", http.MethodPost, protocol.PathPush, nil, encodePush(records), &resp); err != nil {
		return nil, err
	}
	if err := resp.MatchRequest(&req); err != nil {
		return nil, &client.Error{Op: "push", Kind: client.KindNotProtocol, Status: http.StatusOK, Err: err}
	}
	return resp.Results, nil
}

// Pull reads one page of the feed (GET
// /v1/changes?after=CURSOR&limit=N&kinds=K,…).
func (h *Hub) Pull(ctx context.Context, cursor string, limit int, kinds []string) (client.Page, error) {
	q := url.Values{}
	if len(kinds) > 0 {
		q.Set(protocol.ParamKinds, strings.Join(kinds, ","))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(min(limit, protocol.MaxPullLimit)))
	}
	if cursor != "" {
		q.Set("after", cursor)
	}
	var resp protocol.PullResponse
	if err := h.call(ctx, "pull", http.MethodGet, protocol.PathChanges, q, nil, &resp); err != nil {
		return client.Page{}, err
	}
	return client.Page{Changes: resp.Changes, Cursor: resp.Cursor, More: resp.More, Reset: resp.Reset}, nil
}

// call makes one protocol request (with resty's retries) and decodes the
// answer into out. body, if any, is a push: it carries an idempotency key.
func (h *Hub) call(ctx context.Context, op, method, path string, query url.Values, body []byte, out protocol.Message) error {
	req := h.rc.R().SetContext(ctx)
	if query != nil {
		req.SetQueryParamsFromValues(query)
	}
	if body != nil {
		sum := sha256.Sum256(body)
		req.SetHeader("Content-Type", protocol.MediaType).
			SetHeader(protocol.HeaderIdempotencyKey, hex.EncodeToString(sum[:16])).
			SetBody(body)
	}
	resp, err := req.Execute(method, path)
	if err != nil {
		return requestError(ctx, op, resp, err)
	}
	status := resp.StatusCode()
	if status == http.StatusOK {
		if err := protocol.Decode(resp.Header(), resp.Body(), out); err != nil {
			var ve *protocol.VersionError
			if errors.As(err, &ve) {
				return &client.Error{Op: op, Kind: client.KindVersion, Status: status, Err: err}
			}
			return &client.Error{Op: op, Kind: client.KindNotProtocol, Status: status, Err: err}
		}
		return nil
	}
	return answerError(op, resp, time.Now())
}

// answerError is the error of an answer other than 200: its kind by the
// status and, when it is a protocol answer, the hub's error code.
func answerError(op string, resp *resty.Response, now time.Time) *client.Error {
	status := resp.StatusCode()
	e := &client.Error{Op: op, Status: status, RetryAfter: parseRetryAfter(resp.Header().Get(protocol.HeaderRetryAfter), now)}
	var eb protocol.ErrorBody
	isProto := protocol.Decode(resp.Header(), resp.Body(), &eb) == nil
	if isProto {
		e.Code = eb.Error.Code
		e.Err = errors.New(eb.Error.Message)
	}
	switch {
	case isProto && eb.Error.Code == protocol.CodeVersion:
		e.Kind = client.KindVersion
	case status == http.StatusUnauthorized && isProto:
		e.Kind = client.KindUnauthorized
	case status == http.StatusRequestEntityTooLarge:
		e.Kind = client.KindTooLarge
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		e.Kind = client.KindBusy
	case status >= 500:
		e.Kind = client.KindServer
	case !isProto:
		e.Kind = client.KindNotProtocol
		e.Err = fmt.Errorf("HTTP %d with a %q body", status, resp.Header().Get("Content-Type"))
	default:
		e.Kind = client.KindRejected
	}
	return e
}

// requestError is the error of a request that got no answer to decode:
// the context ended, a plain-http address off this computer, an answer too
// large to be a protocol message, or the network.
func requestError(ctx context.Context, op string, resp *resty.Response, err error) *client.Error {
	switch {
	case ctx.Err() != nil:
		return &client.Error{Op: op, Kind: client.KindCanceled, Err: ctx.Err()}
	case errors.Is(err, protocol.ErrInsecureURL):
		return &client.Error{Op: op, Kind: client.KindInsecure, Err: err}
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		// No protocol answer is that large.
		e := &client.Error{Op: op, Kind: client.KindNotProtocol, Err: fmt.Errorf("an answer over %d bytes: %w", protocol.MaxResponseBytes, err)}
		if resp != nil {
			e.Status = resp.StatusCode()
		}
		return e
	case offline(err):
		return &client.Error{Op: op, Kind: client.KindOffline, Err: err}
	}
	return &client.Error{Op: op, Kind: client.KindNetwork, Err: err}
}

// encodePush writes a push request by hand: the bodies are copied as they
// are (the engine checked them with Record.Validate), where encoding/json
// would scan and compact each of them again.
func encodePush(recs []protocol.Record) []byte {
	size := 64
	for _, r := range recs {
		size += len(r.Body) + 256
	}
	buf := make([]byte, 0, size)
	buf = append(buf, `{"protocol":`...)
	buf = strconv.AppendQuote(buf, protocol.Version)
	buf = append(buf, `,"records":[`...)
	for i, r := range recs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"kind":`...)
		buf = strconv.AppendQuote(buf, r.Kind)
		buf = append(buf, `,"id":`...)
		buf = strconv.AppendQuote(buf, r.ID)
		buf = append(buf, `,"rev":`...)
		buf = strconv.AppendQuote(buf, r.Rev)
		if r.BaseRev != "" {
			buf = append(buf, `,"base_rev":`...)
			buf = strconv.AppendQuote(buf, r.BaseRev)
		}
		buf = append(buf, `,"body":`...)
		buf = append(buf, r.Body...)
		buf = append(buf, '}')
	}
	return append(buf, "]}\n"...)
}
