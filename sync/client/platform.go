package client

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/xunbang/xunbang/sync/protocol"
)

// Platform is what the engine needs of a platform: who the token belongs
// to, a push of a batch of revisions with one verdict per revision, and a
// page of the change feed after a cursor. The reference protocol
// (sync/client/xunbangv1) is one implementation, an in-memory fake
// (sync/client/fakeplatform) another; sync/client/platformtest is the suite
// every implementation must pass, and sync/client/platforms chooses one for
// a server address.
//
// Records and changes are sync/protocol's values: the vocabulary every
// platform is mapped onto. A method that fails returns an *Error whose Kind
// says what kind of failure it was — the engine records the kind, decides
// whether and when to retry from it, and the edge words it (Message):
//
//   - KindUnauthorized: the platform does not know the token (or it was
//     withdrawn). Nothing was done.
//   - KindOffline: this computer has no network; KindNetwork: the platform
//     cannot be reached, or the connection broke — a push may or may not
//     have been stored (pushing it again is safe: see Push).
//   - KindNotProtocol: what answered is not this platform (a Wi-Fi login
//     page, a redirect, another service), or its answer is malformed.
//   - KindVersion: the platform speaks another version of its API.
//   - KindBusy: the platform asks to be called later (RetryAfter, if it
//     said when); KindServer: it failed. Nothing was done, or a push may
//     have been stored, as with KindNetwork.
//   - KindTooLarge: the request was too large; the engine halves the batch.
//   - KindRejected: the platform refused the request for a reason the
//     adapter does not expect (a bug on one side).
//   - KindCanceled: ctx ended.
//
// Implementations may retry inside a call (only what is safe to repeat),
// must honour ctx, and must be safe for concurrent use.
type Platform interface {
	// WhoAmI says whom the token belongs to: the user, the team, and the
	// platform's public base address when it has one.
	WhoAmI(ctx context.Context) (Identity, error)

	// Push offers revisions (needs, enterprises, and records of the
	// optional kinds WhoAmI names), in order, and returns one Result per
	// revision, in the same order, each naming the same kind, id and rev.
	// Every record given has passed protocol.Record.Validate (its body is
	// a JSON object naming its id and rev). A batch may carry several
	// revisions of one record, each based on the one before. The outcomes:
	//
	//   - protocol.Accepted: the revision is new and its BaseRev is the
	//     platform's current revision of the record (or the platform has
	//     no such record): it is stored and becomes current, and appears in
	//     the team's feed. Warnings may say what the platform kept without
	//     understanding it (fields of another catalogue version).
	//   - protocol.Duplicate: the platform already holds this revision of
	//     this record for this team (an earlier push got through): nothing
	//     changes. Pushing the same revision again is therefore always
	//     safe.
	//   - protocol.Conflict: the revision is new but its BaseRev is not the
	//     platform's current revision: nothing changes; Current carries the
	//     current revision, body included, so that both sides can be kept.
	//   - protocol.Invalid: the revision breaks a rule (Reasons, each with a
	//     Code and a Chinese Message, tied to a field where there is one);
	//     nothing is stored and the rest of the batch goes on. A record of
	//     another team is Invalid without a Current (nothing of it is
	//     told). A later revision based on a refused one is judged against
	//     the refused revision's own base.
	//
	// On error no result is returned, and the batch may or may not have
	// been stored in part (see KindNetwork): the engine pushes it again.
	Push(ctx context.Context, records []protocol.Record) ([]protocol.Result, error)

	// Pull returns at most limit changes of the team's feed after cursor
	// ("" for the beginning), and the cursor to pass next. More says that
	// the feed goes on after Page.Cursor (a page may be empty with More).
	// kinds names the optional record kinds (protocol.OptionalKinds: today
	// solutions) the engine takes: the feed carries records of those kinds
	// only when asked, so that an engine that does not know a kind is never
	// sent one; a kind the platform does not know is ignored.
	// Pulling from the same cursor again returns the same changes or
	// later ones: applying a change twice must be harmless. The feed
	// holds the team's own records' revisions (its members' pushes,
	// echoes included, and solutions offered for its needs, when asked)
	// and the platform's verdicts on its needs; a platform with public
	// views adds other teams' public needs and its shared enterprise
	// registry — never another team's unpublished record or solution. A
	// cursor the platform does not know starts the feed over.
	Pull(ctx context.Context, cursor string, limit int, kinds []string) (Page, error)
}

// Identity is whom a platform says a token belongs to.
type Identity struct {
	User string
	Team string
	// PublicURL is the platform's public base address, where each
	// published need has its page (forms.PublicPageURL); "" when it has
	// none.
	PublicURL string
	// Kinds are the optional record kinds (protocol.OptionalKinds) the
	// platform takes in a push and sends when asked; none for a platform
	// that takes only needs and enterprises.
	Kinds []string
}

// Page is one page of a platform's change feed.
type Page struct {
	Changes []protocol.Change
	Cursor  string // pass it to the next Pull; the engine stores it with the changes
	More    bool   // more changes follow Cursor
	// Reset: this page starts the feed over (protocol.PullResponse.Reset);
	// the engine first forgets what it kept of other teams.
	Reset bool
}

// Dialer opens the platform at a server address (normalised by
// protocol.ParseServerURL) with a token. platforms.Dial is the one that
// chooses an adapter by the address; tests may pass their own.
type Dialer func(server, token string, o DialOptions) (Platform, error)

// DialOptions say how an adapter reaches its platform. The engine passes
// them on from Config and uses none of them itself; zero values mean the
// adapter's defaults.
type DialOptions struct {
	// HTTPClient is the HTTP client to start from (tests); an adapter
	// copies it and does not change it.
	HTTPClient *http.Client
	// Timeout bounds one request attempt.
	Timeout time.Duration
	// RetryCount is how many times a failed request that is safe to
	// repeat is retried; negative for none.
	RetryCount int
	// RetryWait and RetryMaxWait bound the backoff between retries.
	RetryWait, RetryMaxWait time.Duration
	// Logger gets the adapter's debug logs (ids and counts only).
	Logger *slog.Logger
}
