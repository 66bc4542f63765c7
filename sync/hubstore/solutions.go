package hubstore

import "time"

// SolutionTx is what 揭榜 keeps beside the records. A solution's content
// travels and is kept as any record is — revisions of kind "solution"
// (RecordTx), sealed by the hub, in the feed of the team that owns its
// need — and this group keeps what the hub decides by: which need each
// solution answers, whose it is, and the receipt its provider was given.
// (The receipts' running number is the hub's, in meta: Copy moves it with
// the rest of meta.)
type SolutionTx interface {
	// PutSolutionLink stores l under l.ID, replacing one there, and indexes
	// it by its need and, when it has one, its receipt.
	PutSolutionLink(l *SolutionLink) error
	// SolutionLink returns a solution's link; ErrNotFound if none.
	SolutionLink(id string) (*SolutionLink, error)
	// SolutionByReceipt returns the link of the solution given a receipt;
	// ErrNotFound if none.
	SolutionByReceipt(receipt string) (*SolutionLink, error)
	// SolutionLinks calls fn for every solution of a need, in id order,
	// until fn fails.
	SolutionLinks(needID string, fn func(*SolutionLink) error) error
	// AllSolutionLinks calls fn for every link, in solution id order, until
	// fn fails (Copy moves them).
	AllSolutionLinks(fn func(*SolutionLink) error) error
}

// SolutionLink ties a solution to the need it answers. It holds no content
// (no provider, no contact): ids, a team, a receipt number and a time.
type SolutionLink struct {
	ID     string `json:"-"`
	NeedID string `json:"need_id"`
	// Team is the need's team: the only one that sees the solution.
	Team string `json:"team"`
	// Receipt is the number given to the provider ("" for a solution the
	// team entered).
	Receipt string    `json:"receipt,omitempty"`
	At      time.Time `json:"at"`
}
