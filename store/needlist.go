package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/batchmem"
)

// The need list in memory.
//
// Open decodes every need's summary once; every committed write replaces
// the summaries it changed (a new *Summary: one handed out never changes).
// A search is one pass of substring tests over the needs' folded texts, in
// the order they sit in memory (the order of a plain scan, which the
// benchmarks take as the floor), marking hits in a bitmap by their place in
// the newest-first order; reading the bitmap gives them in that order
// without sorting. Results are pointers: a keystroke that matches 200,000
// needs copies 200,000 pointers, not 200,000 summaries.

// memory is the in-memory need list and enterprise list.
type memory struct {
	mu sync.RWMutex
	// sums and hays are parallel, in memory order: the order of the
	// summaries bucket at Open (by id), then needs in the order they were
	// added. hays[i] is the folded search text of sums[i] (title,
	// enterprise name, keywords).
	sums []*Summary
	hays []string
	// loaded is how many needs Open loaded: sums[:loaded] are in id order,
	// so an id is found by a binary search; added finds the others.
	loaded int
	added  map[string]int32
	// newest holds the indexes newest first (nil: to be sorted), rank its
	// inverse (nil: to be computed).
	newest, rank []int32
	// shared is set when list handed out sums, hays, newest or rank: the
	// next change copies them first.
	shared bool
	list   atomic.Pointer[NeedList] // the current NeedList, nil after a change
	ents   map[string]memEnt
	arena  arenas
	fields headFields // scratch of apply
	// outbox is the number of pending outbox entries, counted at Open and
	// kept by every commit; loadedAll says Open has loaded memory.
	outbox    int
	loadedAll bool
	// cached says memory is what the need list's cache on disk holds
	// (Open read it, or Close wrote it): Close need not write it again.
	cached bool
}

// index returns the position of a need in sums.
func (m *memory) index(id string) (int32, bool) {
	if i, ok := slices.BinarySearchFunc(m.sums[:m.loaded], id, func(s *Summary, id string) int { return strings.Compare(s.ID, id) }); ok {
		return int32(i), true
	}
	i, ok := m.added[id]
	return i, ok
}

type memEnt struct {
	head *entHead
	hay  string // folded name
}

// memEntOf is what memory keeps of an enterprise's head.
func memEntOf(h *entHead) memEnt { return memEnt{head: h, hay: forms.FoldSearch(h.Name)} }

// NeedList is the need list at one moment: every need's Summary and the
// text it is found by, with the newest-first order. It never changes (a
// save makes the next one) and is safe for concurrent use. The window's
// need list keeps one and searches it per keystroke.
type NeedList struct {
	sums   []*Summary
	hays   []string
	newest []int32
	rank   []int32
}

// NeedList returns the need list as it is now. It reads memory only.
func (s *Store) NeedList(ctx context.Context) (*NeedList, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.ensureLoaded(); err != nil {
		return nil, err
	}
	return s.mem.current(), nil
}

// ensureLoaded loads the need list into memory if Open left it out
// (Options.Lazy). It holds writeMu meanwhile, so that no commit falls
// between what it reads and what memory then takes over (apply skips
// commits while nothing is loaded): no write path may call it.
func (s *Store) ensureLoaded() error {
	if s.mem.isLoaded() {
		return nil
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.mem.isLoaded() {
		return nil
	}
	return s.load()
}

// Len returns the number of needs.
func (l *NeedList) Len() int { return len(l.sums) }

// At returns the summary of need i (0 <= i < Len), in no particular order.
// Treat it as read-only.
func (l *NeedList) At(i int) *Summary { return l.sums[i] }

// Newest returns the needs' positions newest first (Query.Sort "updated").
// Treat it as read-only.
func (l *NeedList) Newest() []int32 { return l.newest }

// Scan calls fn with the position (as At takes it) of every need q selects,
// in the list's own order; q's Sort and Limit do not apply.
func (l *NeedList) Scan(q Query, fn func(i int)) {
	terms := newTerms(strings.Fields(forms.FoldSearch(q.Text)))
	region := forms.RegionCodePrefix(q.Region)
	filtered := len(q.Status) > 0 || q.NeedType != "" || q.TechField != "" || region != ""
	for i, h := range l.hays {
		if !containsAll(h, terms) {
			continue
		}
		if filtered && !keep(l.sums[i], &q, region) {
			continue
		}
		fn(i)
	}
}

// keep applies q's filters other than its text.
func keep(s *Summary, q *Query, region string) bool {
	if len(q.Status) > 0 && !slices.Contains(q.Status, s.Status) {
		return false
	}
	if q.NeedType != "" && s.NeedType != q.NeedType {
		return false
	}
	if q.TechField != "" && !s.TechFields.AnyHasPrefix(q.TechField) {
		return false
	}
	return region == "" || strings.HasPrefix(s.Region, region)
}

// Bitmap is a set of small non-negative integers: the places, in some
// order, of the needs a search selected.
type Bitmap []uint64

// NewBitmap returns an empty set for 0 <= i < n.
func NewBitmap(n int) Bitmap { return make(Bitmap, (n+63)/64) }

// Set adds i.
func (b Bitmap) Set(i int32) { b[i>>6] |= 1 << (uint(i) & 63) }

// Each calls fn with every member in increasing order until fn returns
// false.
func (b Bitmap) Each(fn func(i int32) bool) {
	for w, word := range b {
		for word != 0 {
			t := bits.TrailingZeros64(word)
			if !fn(int32(w<<6 + t)) {
				return
			}
			word &= word - 1
		}
	}
}

// Needs returns the summaries of the needs q selects, in q's order.
func (l *NeedList) Needs(q Query) ([]*Summary, error) {
	less, err := summaryOrder(q.Sort)
	if err != nil {
		return nil, err
	}
	n := 0
	hits := NewBitmap(len(l.sums))
	l.Scan(q, func(i int) {
		hits.Set(l.rank[i])
		n++
	})
	if less == nil && q.Limit > 0 {
		n = min(n, q.Limit)
	}
	out := make([]*Summary, 0, n)
	hits.Each(func(r int32) bool {
		out = append(out, l.sums[l.newest[r]])
		return len(out) < n
	})
	if less != nil {
		// The input is newest first and the sort stable, so ties stay
		// newest first.
		slices.SortStableFunc(out, less)
		if q.Limit > 0 && len(out) > q.Limit {
			out = out[:q.Limit]
		}
	}
	return out, nil
}

// Needs returns the summaries of the needs q selects, in q's order. It reads
// memory only: no transaction, no decoding. The summaries are shared: treat
// them as read-only.
func (s *Store) Needs(ctx context.Context, q Query) ([]*Summary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.ensureLoaded(); err != nil {
		return nil, fmt.Errorf("list needs: %w", err)
	}
	out, err := s.mem.current().Needs(q)
	if err != nil {
		return nil, fmt.Errorf("list needs: %w", err)
	}
	return out, nil
}

// CountNeeds returns the number of needs.
func (s *Store) CountNeeds(ctx context.Context) int {
	s.mem.mu.RLock()
	n, loaded := len(s.mem.sums), s.mem.loadedAll
	s.mem.mu.RUnlock()
	if !loaded { // Options.Lazy: count the summaries instead
		_ = s.View(ctx, func(tx *Tx) error {
			n = tx.bucket(needSummariesBucket).Stats().KeyN
			return nil
		})
	}
	return n
}

// current returns the NeedList of now, making it if a change came since
// the last one.
func (m *memory) current() *NeedList {
	if l := m.list.Load(); l != nil {
		return l
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if l := m.list.Load(); l != nil {
		return l
	}
	if m.newest == nil {
		m.newest = newestOrder(m.sums)
	}
	if m.rank == nil {
		m.rank = make([]int32, len(m.newest))
		for r, i := range m.newest {
			m.rank[i] = int32(r)
		}
	}
	l := &NeedList{sums: m.sums, hays: m.hays, newest: m.newest, rank: m.rank}
	m.shared = true
	m.list.Store(l)
	return l
}

// newestOrder returns the indexes of sums newest first (ties by id).
//
// It sorts by radix: at 200,000 needs a comparison sort was a tenth of the
// window's start, and the times are plain numbers.
func newestOrder(sums []*Summary) []int32 {
	keys := make([]uint64, len(sums))
	order := make([]int32, len(sums))
	for i, s := range sums {
		// Ascending keys, newest first: the sign bit flipped makes the
		// order of uint64 that of int64, and the complement reverses it.
		keys[i] = ^(uint64(s.UpdatedAt.key()) ^ 1<<63)
		order[i] = int32(i)
	}
	radixSort(keys, order)
	for a := 0; a < len(keys); {
		b := a + 1
		for b < len(keys) && keys[b] == keys[a] {
			b++
		}
		if b-a > 1 {
			slices.SortFunc(order[a:b], func(x, y int32) int { return strings.Compare(sums[x].ID, sums[y].ID) })
		}
		a = b
	}
	return order
}

// radixSort sorts keys ascending, and vals with them, a byte at a time from
// the lowest (stable, so each pass keeps the order of the ones before). A
// byte the same in every key is passed over: the high bytes of times a few
// years apart are.
func radixSort(keys []uint64, vals []int32) {
	if len(keys) < 2 {
		return
	}
	origK, origV := keys, vals
	k2, v2 := make([]uint64, len(keys)), make([]int32, len(vals))
	for shift := uint(0); shift < 64; shift += 8 {
		var count [256]int
		for _, k := range keys {
			count[byte(k>>shift)]++
		}
		if count[byte(keys[0]>>shift)] == len(keys) {
			continue
		}
		pos := 0
		for b, c := range count {
			count[b] = pos
			pos += c
		}
		for i, k := range keys {
			d := &count[byte(k>>shift)]
			k2[*d], v2[*d] = k, vals[i]
			*d++
		}
		keys, k2 = k2, keys
		vals, v2 = v2, vals
	}
	if &keys[0] != &origK[0] { // an odd number of passes: the spare slices hold it
		copy(origK, keys)
		copy(origV, vals)
	}
}

// load reads the heads into memory. It is called once, at Open.
func (s *Store) load() error {
	m := &s.mem
	m.mu.Lock()
	defer m.mu.Unlock()
	// What load allocates is nearly all kept: the collector marks it once,
	// after.
	defer batchmem.Growing()()
	var (
		sums []*Summary
		hays []string
	)
	ents := map[string]memEnt{}
	fromCache := false
	err := s.db.View(func(btx *bolt.Tx) error {
		m.outbox = btx.Bucket(outboxBucket).Stats().KeyN
		c, err := s.readNeedCache(btx)
		if err == nil {
			sums, hays, ents, m.arena, fromCache = c.sums, c.hays, c.ents, c.arena, true
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Debug("store: reading every need: the need list's cache is not of this store as it is", "err", err)
			_ = os.Remove(filepath.Join(s.dir, CacheFileName))
		}
		sums, hays, err = s.readNeedList(btx, ents)
		return err
	})
	if err != nil {
		return fmt.Errorf("load need list: %w", err)
	}
	m.sums, m.hays, m.loaded, m.added, m.ents = sums, hays, len(sums), map[string]int32{}, ents
	m.newest, m.rank, m.shared = nil, nil, false
	m.loadedAll, m.cached = true, fromCache
	m.list.Store(nil)
	s.dropMapped()
	return nil
}

// readNeedList reads every summary from the store into the arenas, and
// the enterprises' heads into ents.
func (s *Store) readNeedList(btx *bolt.Tx, ents map[string]memEnt) ([]*Summary, []string, error) {
	m := &s.mem
	o := &opener{c: s.crypt}
	// The enterprises first: a need's summary shares its
	// enterprise's id.
	err := btx.Bucket(enterpriseSummariesBucket).ForEach(func(k, v []byte) error {
		p, err := o.open(enterpriseSummariesBucket, k, v)
		if err != nil {
			return err
		}
		h, err := decodeEntHead(p)
		if err != nil {
			return fmt.Errorf("enterprise %s: %w", k, err)
		}
		ents[h.ID] = memEntOf(h)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	nb := btx.Bucket(needSummariesBucket)
	count := nb.Stats().KeyN
	sums := make([]*Summary, 0, count)
	hays := make([]string, 0, count)
	m.arena = arenas{sums: make([]Summary, 0, count)}
	entID := entIDOf(ents)
	var f headFields
	err = nb.ForEach(func(k, v []byte) error {
		p, err := o.open(needSummariesBucket, k, v)
		if err != nil {
			return err
		}
		if err := f.parse(p); err != nil {
			return fmt.Errorf("need %s: %w", k, err)
		}
		sum, hay := m.arena.summaryOf(&f, entID)
		sums = append(sums, sum)
		hays = append(hays, hay)
		return nil
	})
	return sums, hays, err
}

// entIDOf returns a function giving the id string ents keeps for an
// enterprise, "" for one it does not hold.
func entIDOf(ents map[string]memEnt) func([]byte) string {
	return func(id []byte) string {
		if e, ok := ents[string(id)]; ok {
			return e.head.ID
		}
		return ""
	}
}

// maxMoves is how many changed needs apply moves in the newest-first order
// one by one; beyond it the order is sorted again when next needed.
const maxMoves = 64

// isLoaded reports whether Open (or ensureLoaded) has loaded memory.
func (m *memory) isLoaded() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.loadedAll
}

// apply takes over the heads a committed transaction wrote.
func (m *memory) apply(tx *Tx) {
	if len(tx.needs) == 0 && len(tx.ents) == 0 && tx.outboxDelta == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.loadedAll {
		return // nothing loaded (Options.Lazy): ensureLoaded reads it all
	}
	m.outbox += tx.outboxDelta
	if len(tx.needs) == 0 && len(tx.ents) == 0 {
		return
	}
	m.cached = false
	if m.shared {
		// A NeedList holds these: change copies.
		m.sums, m.hays = slices.Clone(m.sums), slices.Clone(m.hays)
		m.newest = slices.Clone(m.newest)
		m.shared = false
	}
	m.rank = nil
	if len(tx.needs) > maxMoves {
		m.newest = nil
	}
	// The enterprises first: a need's summary shares its enterprise's id.
	for id, h := range tx.ents {
		m.ents[id] = memEntOf(h)
	}
	for id, h := range tx.needs {
		if err := m.fields.parse(h.encode()); err != nil {
			panic(fmt.Sprintf("store: a head does not decode: %v", err)) // encode and parse disagree
		}
		m.fields.revSeq = h.RevSeq
		sum, hay := m.arena.summaryOf(&m.fields, entIDOf(m.ents))
		i, ok := m.index(id)
		if ok {
			m.sums[i], m.hays[i] = sum, hay
			if m.newest != nil {
				at := slices.Index(m.newest, i)
				m.newest = slices.Delete(m.newest, at, at+1)
			}
		} else {
			i = int32(len(m.sums))
			m.added[id] = i
			m.sums = append(m.sums, sum)
			m.hays = append(m.hays, hay)
		}
		if m.newest != nil {
			at, _ := slices.BinarySearchFunc(m.newest, sum, func(j int32, s *Summary) int { return newestFirst(m.sums[j], s) })
			m.newest = slices.Insert(m.newest, at, i)
		}
	}
	m.list.Store(nil)
}
