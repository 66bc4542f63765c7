package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

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
	NeedType       string   // option code of the need_type vocabulary
	TechFields     []string // option codes of the tech_field vocabulary
	Keywords       []string
	Region         string // the enterprise's region code
	Visibility     forms.Visibility
	Confirmed      bool // the need has a confirmation and it is current
	UpdatedAt      time.Time
	// Platform is the platform's last verdict on the need (its word, the
	// public address, the comment); zero when it has said nothing.
	Platform forms.Platform
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
	// NeedType and TechField keep needs with this need_type code, or with
	// this code among their tech_fields.
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

// memory is the in-memory need list and enterprise list.
type memory struct {
	mu    sync.RWMutex
	needs []memNeed
	pos   map[string]int // need id → index in needs
	ents  map[string]memEnt
	// newest holds the indexes of needs, newest first: the default order,
	// computed by the first query after a change and then reused, so that
	// a search per keystroke only scans.
	newest atomic.Pointer[[]int32]
}

type memNeed struct {
	sum Summary
	hay string // folded title, enterprise name and keywords, for Text
}

type memEnt struct {
	head *entHead
	hay  string // folded name
}

func newMemNeed(h *needHead) memNeed {
	s := h.Summary
	s.TechFields = slices.Clip(s.TechFields)
	s.Keywords = slices.Clip(s.Keywords)
	return memNeed{sum: s, hay: forms.SearchText(s.Title, s.EnterpriseName, s.Keywords)}
}

// load reads the heads into memory. It is called once, at Open.
func (s *Store) load() error {
	var needs []memNeed
	var pos map[string]int
	ents := map[string]memEnt{}
	err := s.db.View(func(btx *bolt.Tx) error {
		nb := btx.Bucket(needSummariesBucket)
		count := nb.Stats().KeyN
		needs = make([]memNeed, 0, count)
		pos = make(map[string]int, count)
		o := &opener{c: s.crypt}
		err := nb.ForEach(func(k, v []byte) error {
			p, err := o.open(needSummariesBucket, k, v)
			if err != nil {
				return err
			}
			h, err := decodeNeedHead(p)
			if err != nil {
				return fmt.Errorf("need %s: %w", k, err)
			}
			pos[h.ID] = len(needs)
			needs = append(needs, newMemNeed(h))
			return nil
		})
		if err != nil {
			return err
		}
		return btx.Bucket(enterpriseSummariesBucket).ForEach(func(k, v []byte) error {
			p, err := o.open(enterpriseSummariesBucket, k, v)
			if err != nil {
				return err
			}
			h, err := decodeEntHead(p)
			if err != nil {
				return fmt.Errorf("enterprise %s: %w", k, err)
			}
			ents[h.ID] = memEnt{head: h, hay: forms.FoldSearch(h.Name)}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("load need list: %w", err)
	}
	s.mem.mu.Lock()
	defer s.mem.mu.Unlock()
	s.mem.needs, s.mem.pos, s.mem.ents = needs, pos, ents
	return nil
}

// apply takes over the heads a committed transaction wrote.
func (m *memory) apply(tx *Tx) {
	if len(tx.needs) == 0 && len(tx.ents) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, h := range tx.needs {
		mn := newMemNeed(h)
		if i, ok := m.pos[id]; ok {
			m.needs[i] = mn
		} else {
			m.pos[id] = len(m.needs)
			m.needs = append(m.needs, mn)
		}
	}
	for id, h := range tx.ents {
		m.ents[id] = memEnt{head: h, hay: forms.FoldSearch(h.Name)}
	}
	m.newest.Store(nil)
}

// newestOrder returns the indexes of needs, newest first. The caller holds
// m.mu for reading.
func (m *memory) newestOrder() []int32 {
	if p := m.newest.Load(); p != nil {
		return *p
	}
	order := make([]int32, len(m.needs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return newestFirst(&m.needs[a].sum, &m.needs[b].sum) })
	// Safe while m.mu is held for reading: apply, which clears it, holds
	// it for writing.
	m.newest.Store(&order)
	return order
}

// Needs returns the summaries of the needs q selects, in q's order. It reads
// memory only: no transaction, no decoding.
func (s *Store) Needs(ctx context.Context, q Query) ([]Summary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	less, err := summaryOrder(q.Sort)
	if err != nil {
		return nil, fmt.Errorf("list needs: %w", err)
	}
	terms := strings.Fields(forms.FoldSearch(q.Text))
	region := forms.RegionCodePrefix(q.Region)
	match := func(m *memNeed) bool {
		sum := &m.sum
		if len(q.Status) > 0 && !slices.Contains(q.Status, sum.Status) {
			return false
		}
		if q.NeedType != "" && sum.NeedType != q.NeedType {
			return false
		}
		if q.TechField != "" && !slices.Contains(sum.TechFields, q.TechField) {
			return false
		}
		if region != "" && !strings.HasPrefix(sum.Region, region) {
			return false
		}
		for _, t := range terms {
			if !strings.Contains(m.hay, t) {
				return false
			}
		}
		return true
	}

	s.mem.mu.RLock()
	all := len(terms) == 0 && len(q.Status) == 0 && q.NeedType == "" && q.TechField == "" && region == ""
	limit := q.Limit
	if less != nil {
		limit = 0 // the limit applies after sorting
	}
	// Pick first, then copy the summaries into a slice of the right size:
	// half the copying and a fifth of the garbage of growing it by append.
	order := s.mem.newestOrder()
	picked := order
	if !all {
		picked = make([]int32, 0, 256)
		for _, i := range order {
			if match(&s.mem.needs[i]) {
				picked = append(picked, i)
				if limit > 0 && len(picked) == limit {
					break
				}
			}
		}
	}
	if limit > 0 && len(picked) > limit {
		picked = picked[:limit]
	}
	out := make([]Summary, len(picked))
	for j, i := range picked {
		out[j] = s.mem.needs[i].sum
	}
	s.mem.mu.RUnlock()

	if less != nil {
		// Sort an index, not the 200-byte summaries themselves. The input
		// is newest first and the sort stable, so ties stay newest first.
		idx := make([]int32, len(out))
		for i := range idx {
			idx[i] = int32(i)
		}
		slices.SortStableFunc(idx, func(a, b int32) int { return less(&out[a], &out[b]) })
		if q.Limit > 0 && len(idx) > q.Limit {
			idx = idx[:q.Limit]
		}
		sorted := make([]Summary, len(idx))
		for i, j := range idx {
			sorted[i] = out[j]
		}
		out = sorted
	}
	return out, nil
}

// CountNeeds returns the number of needs.
func (s *Store) CountNeeds(ctx context.Context) int {
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	return len(s.mem.needs)
}

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
