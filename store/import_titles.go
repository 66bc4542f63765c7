package store

import (
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/xunbang/xunbang/forms"
)

// titleIndex finds, for an import, the need of an enterprise by its folded
// title (see merger.storedNeedByTitle). A big import looks up every need it
// reads, and a map of maps of titles held some 200 bytes a need; the index
// holds a 64-bit hash of enterprise and title a need instead, and checks a
// hit against the need's head. Pairs whose hashes collide go to an exact
// map, so the index answers as a map of the pairs would.
type titleIndex struct {
	seed maphash.Seed
	// byHash maps a hash of (enterprise, folded title) to the need's id,
	// as 16 bytes where it is a UUID in lowercase (every id xunbang makes):
	// a map with no pointer for the collector to follow. oddIDs holds the
	// ids that are not (an id is any string the store accepts).
	byHash  map[uint64][16]byte
	oddIDs  map[uint64]string
	exact   map[string]string // enterprise 0x00 folded title → need id, where hashes collided
	loaded  *idSet            // enterprises whose stored needs are in the index
	headsOf func(id string) (*needHead, error)
}

func newTitleIndex(heads func(id string) (*needHead, error)) *titleIndex {
	return &titleIndex{seed: maphash.MakeSeed(), byHash: map[uint64][16]byte{}, oddIDs: map[uint64]string{},
		exact: map[string]string{}, loaded: newIDSet(), headsOf: heads}
}

func (x *titleIndex) hash(eid, key string) uint64 { return titleSum(x.seed, eid, key) }

// titleSum hashes an enterprise and a folded title (a variable: a test
// makes every pair collide).
var titleSum = func(seed maphash.Seed, eid, key string) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteString(eid)
	h.WriteByte(0)
	h.WriteString(key)
	return h.Sum64()
}

// holds reports whether the need id is of the enterprise eid and has the
// folded title key.
func (x *titleIndex) holds(id, eid, key string) (bool, error) {
	h, err := x.headsOf(id)
	if err != nil {
		return false, err
	}
	if h == nil {
		return false, fmt.Errorf("need %s: no head: %w", id, ErrCorrupt)
	}
	return h.EnterpriseID == eid && forms.FoldSearch(strings.TrimSpace(h.Title)) == key, nil
}

// get returns the need of the enterprise with the folded title.
func (x *titleIndex) get(eid, key string) (string, bool, error) {
	if id, ok := x.exact[eid+"\x00"+key]; ok {
		return id, true, nil
	}
	id, ok := x.byHashID(x.hash(eid, key))
	if !ok {
		return "", false, nil
	}
	ok, err := x.holds(id, eid, key)
	return id, ok, err
}

// byHashID returns the need id under a hash.
func (x *titleIndex) byHashID(hk uint64) (string, bool) {
	if u, ok := x.byHash[hk]; ok {
		return forms.UUIDString(u), true
	}
	id, ok := x.oddIDs[hk]
	return id, ok
}

// setByHash puts a need id under a hash.
func (x *titleIndex) setByHash(hk uint64, id string) {
	if u, ok := forms.ParseUUID(id); ok {
		x.byHash[hk] = u
		delete(x.oddIDs, hk)
		return
	}
	x.oddIDs[hk] = id
	delete(x.byHash, hk)
}

// set makes id the need of the enterprise with the folded title. The need
// must be saved with that title (holds reads its head).
func (x *titleIndex) set(eid, key, id string) error {
	exactKey := eid + "\x00" + key
	if _, ok := x.exact[exactKey]; ok {
		x.exact[exactKey] = id
		return nil
	}
	hk := x.hash(eid, key)
	if prev, ok := x.byHashID(hk); ok && prev != id {
		same, err := x.holds(prev, eid, key)
		if err != nil {
			return err
		}
		if !same { // another pair with the same hash: this one exactly
			x.exact[exactKey] = id
			return nil
		}
	}
	x.setByHash(hk, id)
	return nil
}
