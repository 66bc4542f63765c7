package protocol

import (
	"encoding/json"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// Version is the protocol version this package speaks. It is sent in the
// [HeaderVersion] header and in the "protocol" field of every body, in both
// directions.
const Version = "1"

// MediaType is the Content-Type of every protocol body, request and response.
// A response with another media type (text/html from a captive portal, say)
// is not a protocol answer.
const MediaType = "application/vnd.xunbang.sync+json"

// Header names.
const (
	// HeaderVersion carries [Version] on every request and response.
	HeaderVersion = "X-Xunbang-Protocol"
	// HeaderIdempotencyKey is set on every push: the batch's revision ids are
	// the real idempotency keys; this header (a digest of them) tells HTTP
	// intermediaries and the client's retry policy that the request may be
	// repeated safely.
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderRetryAfter is the standard Retry-After header (seconds), sent with
	// 429 and 503.
	HeaderRetryAfter = "Retry-After"
)

// Paths of the v1 endpoints.
const (
	PathHealth  = "/v1/health"  // GET, no auth
	PathWhoAmI  = "/v1/whoami"  // GET: who the bearer token belongs to
	PathPush    = "/v1/push"    // POST PushRequest → PushResponse
	PathChanges = "/v1/changes" // GET ?after=CURSOR&limit=N → PullResponse
	// PathAdminReview records a platform verdict (admin tokens only):
	// POST ReviewRequest → ReviewResponse.
	PathAdminReview = "/v1/admin/review"
)

// Limits both sides enforce.
const (
	// MaxRequestBytes is the largest request body the server reads; a larger
	// one is answered 413.
	MaxRequestBytes = 8 << 20
	// MaxResponseBytes is the largest response body the client reads.
	MaxResponseBytes = 64 << 20
	// MaxRecordBytes is the largest body of one record revision.
	MaxRecordBytes = 1 << 20
	// MaxBatch is the most records one push may carry.
	MaxBatch = 1000
	// MaxPullLimit is the most changes one pull page may carry;
	// DefaultPullLimit is used when the request names none.
	MaxPullLimit     = 2000
	DefaultPullLimit = 500
	// MaxIDLen bounds record and revision ids (a UUID is 36).
	MaxIDLen = forms.MaxIDLen
	// MaxReasons bounds the reasons of one invalid result.
	MaxReasons = 100
)

// Record kinds.
const (
	KindEnterprise = "enterprise"
	KindNeed       = "need"
	// KindSolution is a solution offered for one of the team's needs
	// (揭榜: a 《技术需求解决方案表》 from the hub's public page, or one the
	// team entered). Added within v1: the feed carries solutions only to a
	// client that names the kind in ParamKinds, so a client that knows only
	// needs and enterprises is never sent one; a hub that takes them in a
	// push says so in Identity.Kinds.
	KindSolution = "solution"
)

// ParamKinds is the query parameter of GET /v1/changes in which a client
// names the optional record kinds it understands, comma-separated
// ("kinds=solution"). Unknown names are ignored.
const ParamKinds = "kinds"

// OptionalKinds are the record kinds a client must ask for (ParamKinds).
var OptionalKinds = []string{KindSolution}

// Record is one revision of one record as it travels: in a push, and as the
// server's current revision in a conflict.
type Record struct {
	Kind    string `json:"kind"`               // KindEnterprise, KindNeed or KindSolution
	ID      string `json:"id"`                 // the record's UUID
	Rev     string `json:"rev"`                // this revision's id: the idempotency key
	BaseRev string `json:"base_rev,omitempty"` // the revision it was edited from; "" for a new record
	// Body is the record's JSON as package forms encodes it (catalogue fields
	// inline). Its id, rev and base_rev must equal the fields above.
	Body json.RawMessage `json:"body"`
}

// PushRequest is the body of POST /v1/push.
type PushRequest struct {
	Protocol string   `json:"protocol"`
	Records  []Record `json:"records"`
}

// Outcome is the server's verdict on one pushed revision.
type Outcome string

// Outcomes.
const (
	// Accepted: the revision is now the record's current revision.
	Accepted Outcome = "accepted"
	// Duplicate: the server already holds this revision (an earlier attempt
	// got through); nothing was changed. The client treats it as accepted.
	Duplicate Outcome = "duplicate"
	// Conflict: the revision's base is not the server's current revision. The
	// result carries the server's current revision; nothing was changed.
	Conflict Outcome = "conflict"
	// Invalid: the revision was refused, with reasons; nothing was changed.
	Invalid Outcome = "invalid"
)

// Reason explains why a revision is invalid, tied to a field where there is one.
type Reason struct {
	Field   string `json:"field,omitempty"` // catalogue field id, or "" for the record as a whole
	Item    int    `json:"item,omitempty"`  // 1-based item of a multi-valued field or contact
	Code    string `json:"code"`            // stable machine code, e.g. "required", "max_len", "forbidden"
	Message string `json:"message"`         // in Chinese, for the user
}

// Result is the verdict on one pushed record, in the order of the request.
type Result struct {
	Kind    string  `json:"kind"`
	ID      string  `json:"id"`
	Rev     string  `json:"rev"`
	Outcome Outcome `json:"outcome"`
	// Current is the server's current revision (Conflict only).
	Current *Record `json:"current,omitempty"`
	// Reasons say what is wrong (Invalid only).
	Reasons []Reason `json:"reasons,omitempty"`
	// Warnings say what was accepted but not understood (Accepted only):
	// fields or options of another catalogue version, kept as sent.
	Warnings []Reason `json:"warnings,omitempty"`
}

// PushResponse is the 200 answer to a push: one result per record, in order.
type PushResponse struct {
	Protocol string   `json:"protocol"`
	Results  []Result `json:"results"`
}

// Change kinds in the feed.
const (
	// ChangeRecord is a revision of one of the team's own records (a
	// colleague's need or enterprise, or an echo of the client's own push).
	ChangeRecord = "record"
	// ChangeStatus is the platform's verdict on one of the team's needs.
	ChangeStatus = "status"
	// ChangePublicNeed is another team's need as the public may see it
	// (redacted by its visibility), or its withdrawal from public view.
	ChangePublicNeed = "public_need"
	// ChangeRegistry is an entry of the shared enterprise registry: another
	// team's enterprise, public fields only, never contacts.
	ChangeRegistry = "registry"
)

// Change is one entry of the change feed.
type Change struct {
	Kind string `json:"kind"` // one of the Change* constants
	// Record is set for ChangeRecord.
	Record *Record `json:"record,omitempty"`
	// Status is set for ChangeStatus.
	Status *StatusChange `json:"status,omitempty"`
	// Public is set for ChangePublicNeed; nil Public with a NeedID means the
	// need is no longer public.
	Public *PublicNeed `json:"public,omitempty"`
	// NeedID names the need of a ChangePublicNeed.
	NeedID string `json:"need_id,omitempty"`
	// Registry is set for ChangeRegistry; nil Registry with a RegistryID
	// means the enterprise has left the registry (one of its needs became
	// 匿名公开): forget what was received of it.
	Registry *RegistryEntry `json:"registry,omitempty"`
	// RegistryID names the enterprise of a ChangeRegistry that withdraws it.
	RegistryID string `json:"registry_id,omitempty"`
}

// StatusChange is the platform's verdict on a need.
type StatusChange struct {
	NeedID  string        `json:"need_id"`
	State   PlatformState `json:"state"`             // machine code, e.g. "published"
	Label   string        `json:"label"`             // the platform's word, e.g. 已发布
	URL     string        `json:"url,omitempty"`     // public address (published and later)
	Comment string        `json:"comment,omitempty"` // review comments (returned, or any)
	At      time.Time     `json:"at"`
	// PublicRegion is, for a 匿名公开 need the hub shows, the region code
	// its public page and other teams' pulls show it with ("" for none):
	// the team's own cards and 《技术需求汇编》 print it no finer. It is
	// absent for any other need, and from a hub older than the field.
	PublicRegion *string `json:"public_region,omitempty"`
}

// PublicNeed is another team's need as it may be shown in public: the
// redacted view of forms.Catalogue.Publish, with no contact of the
// enterprise (a contact given by an earlier hub is dropped when read).
type PublicNeed struct {
	ID         string              `json:"id"`
	Team       string              `json:"team"`
	Visibility string              `json:"visibility"`
	Publisher  string              `json:"publisher,omitempty"` // enterprise name (实名) or public alias (匿名)
	Region     string              `json:"region,omitempty"`
	Values     map[string][]string `json:"values"`
	URL        string              `json:"url,omitempty"`
	State      PlatformState       `json:"state"`
	UpdatedAt  time.Time           `json:"updated_at"`
}

// RegistryEntry is an enterprise another team has recorded: its public
// fields (name, credit code, region…) and who recorded it, never contacts or
// internal, secret or personal fields.
type RegistryEntry struct {
	ID         string              `json:"id"`
	Team       string              `json:"team"`
	Name       string              `json:"name"`
	CreditCode string              `json:"credit_code,omitempty"`
	Values     map[string][]string `json:"values"`
	UpdatedAt  time.Time           `json:"updated_at"`
}

// PullResponse is the 200 answer to GET /v1/changes.
type PullResponse struct {
	Protocol string   `json:"protocol"`
	Changes  []Change `json:"changes"`
	// Cursor is opaque; the client stores it (in the same transaction as the
	// changes it applied) and sends it as ?after= next time.
	Cursor string `json:"cursor"`
	// More reports that the feed has more changes after Cursor.
	More bool `json:"more"`
	// Reset says that this page starts the feed over from its beginning
	// (the cursor sent was another server's, or past the feed's end): the
	// client drops what it keeps of other teams (their published needs,
	// the registry) before applying it, and gets it again from the feed.
	Reset bool `json:"reset,omitempty"`
}

// Health is the answer to GET /v1/health.
type Health struct {
	Protocol string    `json:"protocol"`
	Status   string    `json:"status"` // "ok"
	Time     time.Time `json:"time"`
}

// Identity is the answer to GET /v1/whoami: whom the token belongs to.
type Identity struct {
	Protocol string `json:"protocol"`
	User     string `json:"user"`
	Team     string `json:"team"`
	// PublicURL is the hub's public base address (`serve --public-url`),
	// where each published need has its page at forms.PublicPageURL; absent
	// when the hub has none.
	PublicURL string `json:"public_url,omitempty"`
	// Kinds are the optional record kinds (OptionalKinds) the hub takes in
	// a push and sends when asked; absent from a hub that takes none.
	Kinds []string `json:"kinds,omitempty"`
}

// ErrorBody is the body of every non-200 answer.
type ErrorBody struct {
	Protocol string    `json:"protocol"`
	Error    ErrorInfo `json:"error"`
}

// ErrorInfo says what went wrong.
type ErrorInfo struct {
	Code    string `json:"code"`    // one of the Code* constants
	Message string `json:"message"` // for a human, in English
}

// Error codes.
const (
	CodeBadRequest   = "bad_request"        // 400: malformed body or parameters
	CodeVersion      = "protocol_version"   // 400: the request speaks another protocol version
	CodeUnauthorized = "unauthorized"       // 401: no token or an unknown one
	CodeNotFound     = "not_found"          // 404
	CodeMethod       = "method_not_allowed" // 405
	CodeTooLarge     = "too_large"          // 413: body over MaxRequestBytes or batch over MaxBatch
	CodeMediaType    = "unsupported_media"  // 415: Content-Type is not MediaType
	CodeBusy         = "busy"               // 429: too many requests in flight; see Retry-After
	CodeInternal     = "internal"           // 500
	CodeShuttingDown = "shutting_down"      // 503: see Retry-After
	CodeForbidden    = "forbidden"          // 403: the token may not do this (admin vs team tokens)
	// CodeNotPublishable (409): a verdict 已发布 for a need that is 不公开
	// or whose current content the enterprise has not confirmed.
	CodeNotPublishable = "not_publishable"
)

// ReviewRequest is the body of POST /v1/admin/review: a reviewer's verdict on
// a need, as `xunbang serve review` gives it.
type ReviewRequest struct {
	Protocol string `json:"protocol"`
	NeedID   string `json:"need_id"`
	State    string `json:"state"` // a platform state: code, Chinese word or English label
	URL      string `json:"url,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// Validate checks a review request.
func (r *ReviewRequest) Validate() error {
	if err := checkVersion(r.Protocol); err != nil {
		return err
	}
	if !ValidID(r.NeedID) || r.State == "" {
		return notProtocol("review without a need id or state")
	}
	return nil
}

// ReviewResponse is the 200 answer to a review.
type ReviewResponse struct {
	Protocol string        `json:"protocol"`
	NeedID   string        `json:"need_id"`
	State    PlatformState `json:"state"`
}

// Validate checks a review answer.
func (r *ReviewResponse) Validate() error {
	if err := checkVersion(r.Protocol); err != nil {
		return err
	}
	if !ValidID(r.NeedID) || !r.State.Valid() {
		return notProtocol("review answer without a need id or state")
	}
	return nil
}
