package store

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// Summary is one line of the need list: what the list shows and filters on.
// Summaries live in memory, loaded at Open from the need_heads bucket and
// kept up to date by every committed save, so that listing and searching
// never decode a need.
//
// The slices in a Summary are shared between callers and the store's
// memory; treat them as read-only.
type Summary struct {
	ID             string
	Title          string
	EnterpriseID   string
	EnterpriseName string
	Status         forms.Status
	NeedType       string // option code of the need_type vocabulary
	TechFields     Codes  // option codes of the tech_field vocabulary
	Region         string // the enterprise's region code
	Visibility     forms.Visibility
	Confirmed      bool  // the need has a confirmation and it is current
	UpdatedAt      Stamp // when the need was last saved
	// Platform is the platform's last verdict on the need (its word, the
	// public address, the comment); nil when it has said nothing (most
	// needs: a pointer, so that 200,000 summaries do not carry 72 empty
	// bytes each, issue 17).
	Platform *Verdict

	// revSeq is, in the summaries the store hands out, the key of this
	// revision's row (ForEachNeedJSON reads it without a lookup).
	revSeq uint64
}

// Verdict is what a summary keeps of the platform's last word on a need:
// forms.Platform without what only the need's public outputs read (the
// region an anonymous need is shown with), so that 200,000 summaries do not
// carry it.
type Verdict struct {
	State     string // the platform's word, e.g. 审核中, 已发布, 退回
	URL       string // the public address once published
	Comment   string
	UpdatedAt time.Time
}

// AsPlatform returns the verdict as the need records it, less the shown
// region; the zero Platform for a nil verdict.
func (v *Verdict) AsPlatform() forms.Platform {
	w := v.Or()
	return forms.Platform{State: w.State, URL: w.URL, Comment: w.Comment, UpdatedAt: w.UpdatedAt}
}

// Or returns the verdict, the zero one for nil.
func (v *Verdict) Or() Verdict {
	if v == nil {
		return Verdict{}
	}
	return *v
}

// verdictOf is what a summary keeps of a need's verdict: nil for none.
func verdictOf(p forms.Platform) *Verdict {
	return verdictPtr(Verdict{State: p.State, URL: p.URL, Comment: p.Comment, UpdatedAt: p.UpdatedAt})
}

// verdictPtr returns v in a new place, nil for the zero verdict.
func verdictPtr(v Verdict) *Verdict {
	if v == (Verdict{}) {
		return nil
	}
	return &v
}

// Query selects and orders needs for Store.Needs. The zero value lists
// every need, newest first.
type Query struct {
	// Text is matched case-insensitively (and ignoring full-width/half-width
	// differences) as a substring of the title, the enterprise's name and the
	// keywords. Words separated by spaces must all match.
	Text string
	// Status, when not empty, keeps needs in any of these statuses.
	Status []forms.Status
	// NeedType keeps needs with this need_type code; TechField keeps needs
	// filed under this tech_field code or one of its sub-fields (the codes
	// are hierarchical: 80 holds 809, which holds 80903).
	NeedType, TechField string
	// Region keeps needs of enterprises inside this region: a GB/T 2260 code
	// of a province, city, county or town ("320000", "320500", "320583",
	// "320583100"), or a bare code prefix ("3205").
	Region string
	// Sort is "updated" (the default: newest first), "title", "status"
	// (lifecycle order) or "enterprise" (by name). Ties go to the newest.
	Sort string
	// Limit caps the number of results; <= 0 means no limit.
	Limit int
}

// Sort orders of Query.Sort.
const (
	SortUpdated    = "updated"
	SortTitle      = "title"
	SortStatus     = "status"
	SortEnterprise = "enterprise"
)

var statusOrder = func() map[forms.Status]int {
	m := map[forms.Status]int{}
	for i, st := range forms.Statuses {
		m[st] = i
	}
	return m
}()

func newestFirst(a, b *Summary) int {
	if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// summaryOrder returns how to sort for Query.Sort: nil for the default,
// newest first, which is the order of the list in memory.
func summaryOrder(sort string) (func(a, b *Summary) int, error) {
	switch sort {
	case "", SortUpdated:
		return nil, nil
	case SortTitle:
		return func(a, b *Summary) int { return strings.Compare(a.Title, b.Title) }, nil
	case SortStatus:
		return func(a, b *Summary) int { return cmp.Compare(statusOrder[a.Status], statusOrder[b.Status]) }, nil
	case SortEnterprise:
		return func(a, b *Summary) int { return strings.Compare(a.EnterpriseName, b.EnterpriseName) }, nil
	}
	return nil, fmt.Errorf("sort %q: %w", sort, ErrInvalid)
}

// FindEnterprises returns up to limit enterprises whose name contains text
// (case-insensitively) or whose credit code starts with it, most recently
// updated first; limit <= 0 means no limit. An empty text matches all.
func (s *Store) FindEnterprises(ctx context.Context, text string, limit int) ([]*forms.Enterprise, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	term := forms.FoldSearch(strings.TrimSpace(text))
	code := forms.NormalizeCreditCode(text)
	if err := s.ensureLoaded(); err != nil {
		return nil, err
	}
	var heads []*entHead
	s.mem.mu.RLock()
	for _, e := range s.mem.ents {
		if strings.Contains(e.hay, term) || code != "" && strings.HasPrefix(e.head.CreditCode, code) {
			heads = append(heads, e.head)
		}
	}
	s.mem.mu.RUnlock()
	slices.SortFunc(heads, func(a, b *entHead) int {
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), strings.Compare(a.ID, b.ID))
	})
	if limit > 0 && len(heads) > limit {
		heads = heads[:limit]
	}
	out := make([]*forms.Enterprise, 0, len(heads))
	err := s.View(ctx, func(tx *Tx) error {
		for _, h := range heads {
			e, err := tx.Enterprise(h.ID)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find enterprises %q: %w", text, err)
	}
	return out, nil
}

// Stamp is a moment in 8 bytes where a time.Time takes 24 (issue 17: a
// summary's time of its last save, kept for every need): nanoseconds since
// the Unix epoch, UTC. It holds the years 1678 to 2262; a time outside them
// is kept as the nearest it holds. The zero Stamp is the zero time.
type Stamp int64

// The moments a Stamp holds, but for the zero time.
var (
	minStamp = time.Unix(0, math.MinInt64+1)
	maxStamp = time.Unix(0, math.MaxInt64)
)

// StampOf returns t as a Stamp.
func StampOf(t time.Time) Stamp {
	switch {
	case t.IsZero():
		return 0
	case t.Before(minStamp):
		return math.MinInt64 + 1
	case t.After(maxStamp):
		return math.MaxInt64
	case t.UnixNano() == 0:
		return 1 // the epoch itself, told from the zero time by a nanosecond
	}
	return Stamp(t.UnixNano())
}

// Time returns the moment, in UTC; the zero time for the zero Stamp.
func (s Stamp) Time() time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(s)).UTC()
}

// Compare returns -1, 0 or +1 as s is before, at or after o; the zero
// time comes first, as it does among times.
func (s Stamp) Compare(o Stamp) int { return cmp.Compare(s.key(), o.key()) }

// key orders stamps as their times: the zero Stamp, the zero time, first.
func (s Stamp) key() int64 {
	if s == 0 {
		return math.MinInt64
	}
	return int64(s)
}
