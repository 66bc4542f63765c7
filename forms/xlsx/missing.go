package xlsx

import (
	"strings"

	"github.com/xunbang/xunbang/forms"
)

// entMissing is what each enterprise of a workbook lacks to be complete
// (forms.ToComplete), kept once the rows are read for the needs read back
// from the spill. The lists are few and repeat, so each is kept once and
// an enterprise holds its list's place, under its ID's 16 bytes: a map of
// ID strings to lists took 14 MB of a 200,000-need import's peak heap
// (issue 17), and kept every enterprise's ID string alive.
type entMissing struct {
	byEnt forms.IDKeyed[uint32] // enterprise ID → place
	lists [][]string            // place → list
	place map[string]uint32     // list, its ids joined by "\x00" → place
}

func newEntMissing() *entMissing { return &entMissing{place: map[string]uint32{}} }

// set notes that enterprise id lacks the fields miss (not empty). The
// finisher reads miss and does not change it.
func (m *entMissing) set(id string, miss []string) {
	joined := strings.Join(miss, "\x00")
	p, ok := m.place[joined]
	if !ok {
		p = uint32(len(m.lists))
		m.lists = append(m.lists, miss)
		m.place[joined] = p
	}
	m.byEnt.Set(id, p)
}

// get returns what enterprise id lacks: nil for an enterprise that lacks
// nothing, or that m does not know.
func (m *entMissing) get(id string) []string {
	p, ok := m.byEnt.Get(id)
	if !ok {
		return nil
	}
	return m.lists[p]
}
