package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/atomicfile"
	"github.com/xunbang/xunbang/internal/keys"
)

// The need list's cache.
//
// Opening 200,000 needs means decrypting and decoding 200,000 summaries and
// folding their search texts: half a second of the window's start. So
// Close writes what memory holds — the summaries' texts laid out as memory
// lays them out, their codes, the search texts and the enterprises' heads —
// to one file beside the data file (CacheFileName), sealed with the data
// key, and the next Open reads it back in one pass, when nothing has been
// written since.
//
// "Nothing written since" is checked, not assumed. Close writes a random
// generation into the meta bucket (one more transaction) and the cache
// carries it with the id bbolt gave that transaction. Any later write — a
// command run between two sessions, a save before a crash, a restore that
// puts another file in place — moves the transaction id or changes the
// generation; Open then reads the store as it always did and removes the
// cache. So does a cache that does not open (damaged, cut short, sealed
// with another key). The cache is an optimisation only: removing it loses
// nothing.

// CacheFileName is the name of the need list's cache inside the data dir.
const CacheFileName = "xunbang.needlist"

// cacheGenKey is the meta key (a caller's key in form, so that the layout
// stays schema 5's) of the generation the cache was written with.
const cacheGenKey = "store.needlist.generation"

// defaultCacheMin is the fewest needs for which Close writes the cache:
// below it Open reads the store in a few milliseconds anyway.
const defaultCacheMin = 2000

// 2: search texts folded to （）：，；！？ (forms.FoldSearch); 3: keywords kept
// only as part of the search text.
var cacheMagic = [8]byte{'X', 'B', 'N', 'L', 0, 0, 0, 3}

// cacheHeader is the cache file's plain header: magic, generation,
// transaction id, and the lengths of the two plain parts (texts, then the
// rest). The sealed records are bound to it.
type cacheHeader struct {
	gen             [16]byte
	txid            uint64
	textLen, rawLen uint64
}

const cacheHeaderLen = 8 + 16 + 3*8

func (h *cacheHeader) encode() []byte {
	b := append([]byte(nil), cacheMagic[:]...)
	b = append(b, h.gen[:]...)
	b = binary.BigEndian.AppendUint64(b, h.txid)
	b = binary.BigEndian.AppendUint64(b, h.textLen)
	return binary.BigEndian.AppendUint64(b, h.rawLen)
}

func (h *cacheHeader) decode(b []byte) error {
	if len(b) != cacheHeaderLen || !bytes.Equal(b[:8], cacheMagic[:]) {
		return errors.New("not a need list cache of this version")
	}
	copy(h.gen[:], b[8:24])
	h.txid = binary.BigEndian.Uint64(b[24:])
	h.textLen = binary.BigEndian.Uint64(b[32:])
	h.rawLen = binary.BigEndian.Uint64(b[40:])
	if h.textLen > 1<<40 || h.rawLen > 1<<40 {
		return errors.New("need list cache: impossible lengths")
	}
	return nil
}

func cacheAD(header []byte) []byte { return append([]byte("xunbang need list\x00"), header...) }

// writeNeedCache writes the cache of memory, if it is worth writing and
// memory is not what the cache on disk already holds. It is called by
// Close, with writeMu held.
func (s *Store) writeNeedCache() error {
	if !s.crypt.encrypted() || s.db.IsReadOnly() || s.cacheMin == 0 {
		return nil // the cache is sealed with the data key; a command writes none
	}
	// Memory does not change meanwhile: Close holds writeMu, which every
	// commit (and so every change of memory) takes.
	m := &s.mem
	m.mu.RLock()
	worth := m.loadedAll && !m.cached && len(m.sums) >= s.cacheMin
	var (
		text    io.Reader
		textLen int
		raw     []byte
	)
	if worth {
		text, textLen, raw = m.cacheLayout()
	}
	m.mu.RUnlock()
	if !worth {
		return nil
	}
	h := cacheHeader{textLen: uint64(textLen), rawLen: uint64(len(raw))}
	copy(h.gen[:], keys.Random(len(h.gen)))
	err := s.rawUpdate(context.Background(), func(btx *bolt.Tx) error {
		h.txid = uint64(btx.ID())
		k := s.crypt.metaKey(cacheGenKey)
		return btx.Bucket(metaBucket).Put(k, s.crypt.seal(metaBucket, k, encodeMetaValue(cacheGenKey, h.gen[:])))
	})
	if err != nil {
		return fmt.Errorf("need list cache: %w", err)
	}
	header := h.encode()
	err = atomicfile.Write(filepath.Join(s.dir, CacheFileName), 0o600, func(w io.Writer) error {
		if _, err := w.Write(header); err != nil {
			return err
		}
		m.mu.RLock() // text reads memory as it goes
		defer m.mu.RUnlock()
		return keys.SealStream(w, io.MultiReader(text, bytes.NewReader(raw)), s.crypt.file, cacheAD(header))
	})
	if err != nil {
		return fmt.Errorf("need list cache: %w", err)
	}
	m.mu.Lock()
	m.cached = true
	m.mu.Unlock()
	return nil
}

// cacheLayout lays memory out for the cache: the texts (kept as they are
// by the reader), given as a reader that makes them as it is read, and
// their exact length; and the rest (read, then dropped). Needs go in id
// order, as Open's full read puts them. Per need, the texts are title ‖ 0
// ‖ enterprise name ‖ tail ‖ id ‖ platform URL ‖ comment, then the search
// text when it is not title ‖ 0 ‖ enterprise name ‖ tail (cacheSplit: the
// tail is (0 ‖ keyword)…, folded); the rest holds their
// lengths, the enterprise (its place in the list of enterprises), codes
// (indexes into a table of codes), flags, times and the revision's
// sequence number.
//
// The texts are not made into one buffer first: 60 MB at 200,000 needs,
// allocated in a process that holds the list, cost the collector more
// than the writing.
func (m *memory) cacheLayout() (text io.Reader, textLen int, raw []byte) {
	order := make([]int32, len(m.sums))
	for i := range order {
		order[i] = int32(i)
	}
	if len(m.added) > 0 {
		slices.SortFunc(order, func(a, b int32) int { return strings.Compare(m.sums[a].ID, m.sums[b].ID) })
	}
	codes := map[string]uint64{}
	var table []string
	code := func(s string) uint64 {
		if s == "" {
			return 0
		}
		i, ok := codes[s]
		if !ok {
			table = append(table, s)
			i = uint64(len(table))
			codes[s] = i
		}
		return i
	}
	entList := make([]*entHead, 0, len(m.ents))
	entIdx := make(map[string]uint64, len(m.ents))
	for id, e := range m.ents {
		entList = append(entList, e.head)
		entIdx[id] = uint64(len(entList))
	}
	w := headWriter{b: make([]byte, 0, 48*len(order))}
	uv := func(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
	for _, i := range order {
		s := m.sums[i]
		v := s.Platform.Or()
		tail, apart := cacheSplit(s, m.hays[i])
		textLen += cacheTextLen(s, tail, apart)
		uv(uint64(len(s.Title)))
		uv(uint64(len(s.EnterpriseName)))
		uv(uint64(len(tail)))
		uv(uint64(len(s.ID)))
		uv(uint64(len(v.URL)))
		uv(uint64(len(v.Comment)))
		if apart != "" {
			uv(uint64(len(apart)) + 1)
		} else {
			uv(0)
		}
		// The enterprise by its place in the list (from 1), or 0 and
		// its id.
		if e, ok := entIdx[s.EnterpriseID]; ok {
			uv(e)
		} else {
			uv(0)
			w.str(s.EnterpriseID)
		}
		uv(code(string(s.Status)))
		uv(code(s.NeedType))
		uv(code(s.Region))
		uv(code(string(s.Visibility)))
		uv(code(v.State))
		uv(uint64(s.TechFields.Len()))
		for f := range s.TechFields.All() {
			uv(code(f))
		}
		w.bool(s.Confirmed)
		w.time(s.UpdatedAt.Time())
		w.time(v.UpdatedAt)
		uv(s.revSeq)
	}
	needs := w.b
	w = headWriter{}
	uv(uint64(len(entList)))
	for _, h := range entList {
		enc := h.encode()
		uv(uint64(len(enc)))
		w.b = append(w.b, enc...)
	}
	w.strs(table)
	uv(uint64(len(order)))
	return &cacheText{m: m, order: order}, textLen, append(w.b, needs...)
}

// cacheSplit returns how the cache writes a need's search text hay: as
// the tail that follows title ‖ 0 ‖ enterprise name in it, when hay is
// those and the tail (folding changed nothing, and the tail is its
// keywords, each after a 0) — the cache then keeps the texts once; else
// apart, in full (apart is then hay, never empty).
func cacheSplit(s *Summary, hay string) (tail, apart string) {
	rest, ok := strings.CutPrefix(hay, s.Title)
	if !ok || rest == "" || rest[0] != 0 {
		return "", hay
	}
	if rest, ok = strings.CutPrefix(rest[1:], s.EnterpriseName); !ok || rest != "" && rest[0] != 0 {
		return "", hay
	}
	return rest, ""
}

// cacheTextLen is the length of a need's texts in the cache, its search
// text split by cacheSplit.
func cacheTextLen(s *Summary, tail, apart string) int {
	v := s.Platform.Or()
	return len(s.Title) + 1 + len(s.EnterpriseName) + len(tail) + len(s.ID) + len(v.URL) + len(v.Comment) + len(apart)
}

// appendCacheText appends a need's texts in the cache, as cacheTextLen
// counts them.
func appendCacheText(b []byte, s *Summary, tail, apart string) []byte {
	b = append(b, s.Title...)
	b = append(b, 0)
	b = append(b, s.EnterpriseName...)
	b = append(b, tail...)
	v := s.Platform.Or()
	b = append(b, s.ID...)
	b = append(b, v.URL...)
	b = append(b, v.Comment...)
	return append(b, apart...)
}

// cacheText makes the cache's texts as they are read, some 64 KiB at a
// time.
type cacheText struct {
	m        *memory
	order    []int32
	next     int
	buf      []byte
	consumed int
}

func (c *cacheText) Read(p []byte) (int, error) {
	for c.consumed == len(c.buf) {
		if c.next == len(c.order) {
			return 0, io.EOF
		}
		c.buf, c.consumed = c.buf[:0], 0
		for c.next < len(c.order) && len(c.buf) < 64<<10 {
			i := c.order[c.next]
			s := c.m.sums[i]
			tail, apart := cacheSplit(s, c.m.hays[i])
			c.buf = appendCacheText(c.buf, s, tail, apart)
			c.next++
		}
	}
	n := copy(p, c.buf[c.consumed:])
	c.consumed += n
	return n, nil
}

// needCache is what readNeedCache gives load.
type needCache struct {
	sums  []*Summary
	hays  []string
	ents  map[string]memEnt
	arena arenas
}

// readNeedCache reads the cache, if it is the cache of the store as btx
// sees it.
func (s *Store) readNeedCache(btx *bolt.Tx) (*needCache, error) {
	if !s.crypt.encrypted() {
		return nil, fs.ErrNotExist
	}
	f, err := os.Open(filepath.Join(s.dir, CacheFileName))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	header := make([]byte, cacheHeaderLen)
	if _, err := io.ReadFull(f, header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	var h cacheHeader
	if err := h.decode(header); err != nil {
		return nil, err
	}
	k := s.crypt.metaKey(cacheGenKey)
	v := btx.Bucket(metaBucket).Get(k)
	if v == nil {
		return nil, errors.New("the store holds no cache generation")
	}
	p, err := s.crypt.open(metaBucket, k, v)
	if err != nil {
		return nil, err
	}
	if key, gen, err := decodeMetaValue(p); err != nil || key != cacheGenKey || !bytes.Equal(gen, h.gen[:]) {
		return nil, errors.New("written for another generation of the store")
	}
	if uint64(btx.ID()) != h.txid {
		return nil, errors.New("the store was written since")
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// The sealed records are a little longer than what they hold.
	if uint64(st.Size()) < h.textLen+h.rawLen {
		return nil, errors.New("cut short")
	}
	dst := &cacheSink{}
	dst.text.Grow(int(h.textLen))
	dst.textLen = int(h.textLen)
	dst.raw = make([]byte, 0, h.rawLen)
	if err := keys.OpenStream(dst, f, s.crypt.file, cacheAD(header)); err != nil {
		return nil, err
	}
	if dst.text.Len() != int(h.textLen) || len(dst.raw) != int(h.rawLen) {
		return nil, errors.New("lengths do not match the header")
	}
	return parseNeedCache(dst.text.String(), dst.raw)
}

// cacheSink receives the opened cache: its first textLen bytes into text
// (whose buffer the summaries' strings then share), the rest into raw.
type cacheSink struct {
	text    strings.Builder
	textLen int
	raw     []byte
}

func (c *cacheSink) Write(p []byte) (int, error) {
	n := len(p)
	if room := c.textLen - c.text.Len(); room > 0 {
		k := min(room, len(p))
		c.text.Write(p[:k])
		p = p[k:]
	}
	c.raw = append(c.raw, p...)
	return n, nil
}

var errCacheShort = errors.New("need list cache: texts cut short")

// parseNeedCache makes memory's summaries from the cache's two parts.
func parseNeedCache(text string, raw []byte) (*needCache, error) {
	r := byteReader{b: raw}
	nEnts := r.uvarint()
	if r.err != nil || nEnts > uint64(len(r.b)) {
		return nil, fmt.Errorf("need list cache: enterprises: %w", errShortHead)
	}
	c := &needCache{ents: make(map[string]memEnt, nEnts)}
	entIDs := make([]string, 1, nEnts+1) // entIDs[0]: not held
	for range nEnts {
		h, err := decodeEntHead(r.bytes())
		if err != nil {
			return nil, err
		}
		c.ents[h.ID] = memEntOf(h)
		entIDs = append(entIDs, h.ID)
	}
	nCodes := r.uvarint()
	if r.err != nil || nCodes > uint64(len(r.b)) {
		return nil, fmt.Errorf("need list cache: codes: %w", errShortHead)
	}
	a := &c.arena
	table := make([]string, nCodes+1)
	for i := range nCodes {
		table[i+1] = a.code(r.bytes())
	}
	codeOf := func() string {
		i := r.uvarint()
		if i >= uint64(len(table)) {
			r.err = errors.New("code out of range")
			return ""
		}
		return table[i]
	}
	count := r.uvarint()
	if r.err != nil || count > uint64(len(r.b)) {
		return nil, fmt.Errorf("need list cache: count: %w", errShortHead)
	}
	a.sums = make([]Summary, 0, count)
	c.sums = make([]*Summary, 0, count)
	c.hays = make([]string, 0, count)
	pos := 0
	var bad error
	var techs []string
	take := func(n uint64) string {
		if bad != nil || n > uint64(len(text)-pos) {
			bad = errCacheShort
			return ""
		}
		s := text[pos : pos+int(n)]
		pos += int(n)
		return s
	}
	for range count {
		start := pos
		titleLen, nameLen, tailLen := r.uvarint(), r.uvarint(), r.uvarint()
		s := a.summary()
		s.Title = take(titleLen)
		take(1)
		s.EnterpriseName = take(nameLen)
		take(tailLen)
		hay := text[start:pos]
		s.ID = take(r.uvarint())
		var v Verdict
		v.URL = take(r.uvarint())
		v.Comment = take(r.uvarint())
		if l := r.uvarint(); l > 0 {
			hay = take(l - 1)
		}
		switch e := r.uvarint(); {
		case e == 0:
			s.EnterpriseID = string(r.bytes())
		case e < uint64(len(entIDs)):
			s.EnterpriseID = entIDs[e]
		default:
			r.err = errors.New("enterprise out of range")
		}
		s.Status = forms.Status(codeOf())
		s.NeedType = codeOf()
		s.Region = codeOf()
		s.Visibility = forms.Visibility(codeOf())
		v.State = codeOf()
		nTech := r.uvarint()
		if nTech > uint64(len(r.b)) {
			return nil, fmt.Errorf("need list cache: tech fields: %w", errShortHead)
		}
		techs = techs[:0]
		for range nTech {
			techs = append(techs, codeOf())
		}
		s.TechFields = a.codeStrings(techs)
		s.Confirmed = r.byte() == 1
		s.UpdatedAt = StampOf(r.time())
		v.UpdatedAt = r.time()
		s.Platform = a.verdict(v)
		s.revSeq = r.uvarint()
		if r.err != nil || bad != nil {
			return nil, fmt.Errorf("need list cache: %w", errors.Join(r.err, bad))
		}
		c.sums = append(c.sums, s)
		c.hays = append(c.hays, hay)
	}
	if len(r.b) != 0 || pos != len(text) {
		return nil, errors.New("need list cache: bytes left over")
	}
	if !slices.IsSortedFunc(c.sums, func(a, b *Summary) int { return strings.Compare(a.ID, b.ID) }) {
		return nil, errors.New("need list cache: needs out of order")
	}
	return c, nil
}
