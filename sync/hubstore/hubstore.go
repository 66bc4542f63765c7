package hubstore

import (
	"context"
	"errors"
	"time"

	"github.com/xunbang/xunbang/sync/protocol"
)

// Errors a Store returns (wrapped; test with errors.Is).
var (
	// ErrNotFound: no such token, head, revision, refusal or meta key.
	ErrNotFound = errors.New("not found")
	// ErrInUse: another process holds the store (a bbolt file is opened by
	// one process at a time).
	ErrInUse = errors.New("the hub's data is in use by another process")
	// ErrNewerSchema: the store was written by a newer xunbang.
	ErrNewerSchema = errors.New("the hub's data was written by a newer version of xunbang")
)

// Store keeps the hub's data. See the package documentation for the
// contract every implementation keeps.
type Store interface {
	// Update runs fn in one read-write transaction, serialised with every
	// other Update (across processes where the store is shared).
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction on a consistent snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	// Close releases the store.
	Close() error
}

// Tx is one transaction. Methods that write fail in a View. Its methods
// come in groups, one file each: RecordTx here (the sync: tokens, records,
// the feed), AccountTx (the reviewers' console: accounts.go) and SolutionTx
// (揭榜: solutions.go). Every Store implements them all; the conformance
// suite covers them all.
type Tx interface {
	RecordTx
	AccountTx
	SolutionTx
}

// RecordTx is what the sync keeps: tokens, records and their revisions,
// the verdicts, the feed, and the facts anonymity is decided by.
type RecordTx interface {
	// Meta returns the value of a meta key (schema, server id, key check);
	// ErrNotFound if unset.
	Meta(key string) ([]byte, error)
	// SetMeta sets a meta key.
	SetMeta(key string, value []byte) error
	// Metas calls fn for every meta key and value, in key order, until fn
	// fails (for copying a hub into another store).
	Metas(fn func(key string, value []byte) error) error

	// Token returns the token whose SHA-256 (hex) is hash.
	Token(hash string) (*Token, error)
	// PutToken stores a token under t.Hash, replacing one there.
	PutToken(t *Token) error
	// DeleteToken removes a token; removing one that is not there is no error.
	DeleteToken(hash string) error
	// Tokens calls fn for every token, in hash order, until fn fails.
	Tokens(fn func(*Token) error) error

	// Head returns a record's current state.
	Head(kind, id string) (*Head, error)
	// PutHead stores a head under (h.Kind, h.ID), replacing one there.
	PutHead(h *Head) error
	// Heads calls fn for every head of a kind ("" for all), in (kind, id)
	// order, until fn fails.
	Heads(kind string, fn func(*Head) error) error

	// Revision returns one stored revision.
	Revision(rev string) (*Revision, error)
	// PutRevision stores a revision under r.Rev, replacing one there (the
	// hub checks that a revision id is new before it stores it; replacing
	// is for re-sealing).
	PutRevision(r *Revision) error
	// RevisionCount returns how many revisions are stored.
	RevisionCount() (int, error)
	// Revisions calls fn for every stored revision, in revision id order,
	// until fn fails (for copying a hub into another store).
	Revisions(fn func(*Revision) error) error

	// Refusal returns a refused revision's note.
	Refusal(rev string) (*Refusal, error)
	// PutRefusal notes a refused revision under r.Rev.
	PutRefusal(r *Refusal) error
	// Refusals calls fn for every refusal, in revision id order, until fn
	// fails (for copying a hub).
	Refusals(fn func(*Refusal) error) error

	// AppendEvent appends an event to the feed and returns its sequence
	// number: 1 for the first, then one more than the last.
	AppendEvent(ev *Event) (uint64, error)
	// Events calls fn for the events after the sequence number after, in
	// order, until fn returns false or an error.
	Events(after uint64, fn func(seq uint64, ev *Event) (bool, error)) error
	// ReplaceEvent rewrites the event at seq (for re-sealing); ErrNotFound
	// if there is none.
	ReplaceEvent(seq uint64, ev *Event) error

	// MarkAnonymous records that an enterprise stands behind a 匿名公开
	// need, and reports whether it was not marked before. A mark is never
	// removed: the enterprise stays out of the shared registry for good.
	MarkAnonymous(enterpriseID string) (bool, error)
	// Anonymous reports whether an enterprise is marked.
	Anonymous(enterpriseID string) (bool, error)
	// AnonymousMarks calls fn for every marked enterprise, in id order,
	// until fn fails (for copying a hub into another store).
	AnonymousMarks(fn func(enterpriseID string) error) error

	// NoteRegistrySent records that a team was sent the registry entries
	// of these enterprises (noting one again is no error): a team is told
	// that an enterprise left the registry only if it had received it. The
	// hub notes the public needs it sends in the same record, under keys
	// that cannot be an enterprise's id (platform's sentNeedKey).
	NoteRegistrySent(team string, enterpriseIDs []string) error
	// RegistrySent reports whether a team was ever sent an enterprise's
	// registry entry (or a key noted as above).
	RegistrySent(team, enterpriseID string) (bool, error)
	// RegistrySents calls fn for every (team, enterprise) noted, in (team,
	// enterprise id) order, until fn fails (for copying a hub).
	RegistrySents(fn func(team, enterpriseID string) error) error

	// AddRegionCounts adds each delta to the count kept for its region
	// prefix (how many listed enterprises lie inside it).
	AddRegionCounts(deltas map[string]int) error
	// RegionCount returns the count kept for a region prefix (0 if none).
	RegionCount(prefix string) (int, error)
	// RegionCounts calls fn for every region prefix with a count above 0,
	// in prefix order, until fn fails (for copying a hub).
	RegionCounts(fn func(prefix string, n int) error) error
}

// Token is a bearer token as the hub keeps it: its SHA-256, never the token.
type Token struct {
	Hash      string    `json:"-"`
	User      string    `json:"user"`
	Team      string    `json:"team,omitempty"`  // "" for an admin token
	Admin     bool      `json:"admin,omitempty"` // may review; may not push or pull
	CreatedAt time.Time `json:"created_at"`
}

// Head is a record's current state on the hub, and for a need the
// platform's verdict on it. It holds no content: ids, times, states and the
// few facts the hub decides by (which enterprise, its region, the
// visibility), never text an enterprise wrote, except the reviewer's sealed
// comment.
type Head struct {
	Kind      string    `json:"kind"`
	ID        string    `json:"id"`
	Team      string    `json:"team"`
	Rev       string    `json:"rev"`
	Revisions int       `json:"revisions"`
	UpdatedAt time.Time `json:"updated_at"`

	// Needs: the enterprise, and the verdict.
	EnterpriseID string                 `json:"enterprise_id,omitempty"`
	State        protocol.PlatformState `json:"state,omitempty"`
	URL          string                 `json:"url,omitempty"`
	// Comment is the reviewer's comment, sealed by the hub.
	Comment   []byte    `json:"comment_sealed,omitempty"`
	StateAt   time.Time `json:"state_at,omitzero"`
	WasPublic bool      `json:"was_public,omitempty"`
	// PublicRev and PublicEntRev are the need's and its enterprise's
	// revisions that the last verdict made public: what other teams and
	// the public see while the verdict stays public, whatever is edited
	// after it.
	PublicRev    string `json:"public_rev,omitempty"`
	PublicEntRev string `json:"public_ent_rev,omitempty"`
	// PublicRegion is, for a 匿名公开 need, the region it was shown with
	// when that verdict published it ("" for none): it is never shown
	// finer later, whatever enterprises are listed since. nil when not
	// set (a need published before the hub kept it).
	PublicRegion *string `json:"public_region,omitempty"`

	// Enterprises: the region code of the current revision, kept for the
	// counts behind RegionCount.
	Region string `json:"region,omitempty"`

	// LegacyComment is a schema-1 comment in plain text, read only to seal
	// it on upgrade.
	LegacyComment string `json:"comment,omitempty"`
}

// Revision is one accepted revision of a record.
type Revision struct {
	Rev     string    `json:"-"`
	Kind    string    `json:"kind"`
	ID      string    `json:"id"`
	Team    string    `json:"team"`
	User    string    `json:"user"`
	BaseRev string    `json:"base_rev,omitempty"`
	At      time.Time `json:"at"`
	// Body is the record as pushed, sealed by the hub (schema 1 kept it
	// plain).
	Body []byte `json:"-"`
}

// Refusal is a revision the hub answered invalid, kept with its base so that
// a revision edited from it is judged against the base the hub really has.
type Refusal struct {
	Rev     string `json:"-"`
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Team    string `json:"team"`
	BaseRev string `json:"base_rev,omitempty"`
}

// Event types.
const (
	EventRevision = "rev"    // a revision was accepted
	EventState    = "state"  // the platform gave a verdict on a need
	EventUnlist   = "unlist" // an enterprise left the shared registry
	// EventView: a need's public view changed with no verdict — its team
	// narrowed the visibility the verdict published it under (or widened
	// it back), which hides the need (or shows it again).
	EventView = "view"
)

// Event is one entry of the change feed: what happened, in order. The pull
// feed is the events as each team may see them (sync/platform decides).
type Event struct {
	Type string `json:"t"`
	Kind string `json:"k"`
	ID   string `json:"id"`
	Team string `json:"team"`
	Rev  string `json:"rev,omitempty"`
	// For EventState.
	State protocol.PlatformState `json:"state,omitempty"`
	URL   string                 `json:"url,omitempty"`
	// Comment is the verdict's comment, sealed by the hub.
	Comment     []byte    `json:"comment_sealed,omitempty"`
	At          time.Time `json:"at,omitzero"`
	PublicAfter bool      `json:"pub,omitempty"` // the need is public after this event
	WasPublic   bool      `json:"was,omitempty"` // it was public before
	// LegacyComment is a schema-1 comment in plain text, read only to seal
	// it on upgrade.
	LegacyComment string `json:"comment,omitempty"`
}
