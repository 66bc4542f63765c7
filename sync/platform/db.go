package platform

// The server's bbolt file, DIR/platform.db:
//
//	meta/    "schema"    => "1"
//	         "server_id" => 16 random hex digits; names this feed in cursors, so
//	                        that a cursor from another server starts over
//	tokens/  hex SHA-256 of a bearer token => tokenInfo (JSON); the token itself
//	         is never stored
//	heads/   kind "/" record id => head (JSON): the record's team and current
//	         revision, and the platform's verdict on a need
//	revs/    revision id => revision header (JSON) "\n" body exactly as pushed:
//	         every revision ever accepted. The key is the idempotency key.
//	feed/    sequence (8 bytes, big endian) => event (JSON): what happened, in
//	         order; the pull feed is this bucket filtered per team
//	refused/ revision id => refusal (JSON): a revision answered "invalid", with
//	         its base, so that a later revision edited from it is judged
//	         against the base it really has on the server

import (
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/xunbang/xunbang/sync/protocol"
)

var (
	bucketMeta    = []byte("meta")
	bucketTokens  = []byte("tokens")
	bucketHeads   = []byte("heads")
	bucketRevs    = []byte("revs")
	bucketFeed    = []byte("feed")
	bucketRefused = []byte("refused")

	keySchema   = []byte("schema")
	keyServerID = []byte("server_id")
)

const schemaVersion = "1"

type tokenInfo struct {
	User      string    `json:"user"`
	Team      string    `json:"team,omitempty"`  // "" for an admin token
	Admin     bool      `json:"admin,omitempty"` // may review; may not push or pull
	CreatedAt time.Time `json:"created_at"`
}

// head is a record's current state on the server.
type head struct {
	Kind      string    `json:"kind"`
	ID        string    `json:"id"`
	Team      string    `json:"team"`
	Rev       string    `json:"rev"`
	Revisions int       `json:"revisions"`
	UpdatedAt time.Time `json:"updated_at"`
	// The platform's verdict (needs only).
	State     protocol.PlatformState `json:"state,omitempty"`
	URL       string                 `json:"url,omitempty"`
	Comment   string                 `json:"comment,omitempty"`
	StateAt   time.Time              `json:"state_at,omitzero"`
	WasPublic bool                   `json:"was_public,omitempty"`
}

// refusal is a revision the server refused as invalid.
type refusal struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Team    string `json:"team"`
	BaseRev string `json:"base_rev,omitempty"`
}

// revision is one accepted revision.
type revision struct {
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	Team    string          `json:"team"`
	User    string          `json:"user"`
	BaseRev string          `json:"base_rev,omitempty"`
	At      time.Time       `json:"at"`
	Body    json.RawMessage `json:"body,omitempty"` // stored after the header, see encodeRevision
}

// Event types in the feed.
const (
	eventRevision = "rev"   // a revision was accepted
	eventState    = "state" // the platform gave a verdict on a need
)

type event struct {
	Type string `json:"t"`
	Kind string `json:"k"`
	ID   string `json:"id"`
	Team string `json:"team"`
	Rev  string `json:"rev,omitempty"`
	// For eventState.
	State       protocol.PlatformState `json:"state,omitempty"`
	URL         string                 `json:"url,omitempty"`
	Comment     string                 `json:"comment,omitempty"`
	At          time.Time              `json:"at,omitzero"`
	PublicAfter bool                   `json:"pub,omitempty"` // the need is public after this event
	WasPublic   bool                   `json:"was,omitempty"` // it was public before
}

func headKey(kind, id string) []byte { return []byte(kind + "/" + id) }

func seqKey(seq uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	return b[:]
}
