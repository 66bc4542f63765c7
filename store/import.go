package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/xunbang/xunbang/forms"
)

// ImportOptions configure Import.
type ImportOptions struct {
	// DryRun does everything but commit: the report says what would happen.
	DryRun bool
	// Exact is for xunbang's own JSON (a backup, a colleague's export):
	// records keep their IDs and Revs. Without it (spreadsheets) records are
	// matched to stored ones and saved as local edits.
	Exact bool
}

// Import actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionSkip   = "skip"
)

// ImportItem says what Import did with one record.
type ImportItem struct {
	Action string // ActionCreate, ActionUpdate or ActionSkip
	Kind   string // KindEnterprise or KindNeed
	Index  int    // position in the ents or needs argument
	ID     string // the stored record's id
	Title  string // a need's title
	Name   string // the enterprise's name (for a need, its enterprise's)
}

// ImportReport lists what Import did, enterprises first, each in argument
// order.
type ImportReport struct {
	Items                     []ImportItem
	Created, Updated, Skipped int
	DryRun                    bool
}

func (r *ImportReport) add(it ImportItem) {
	r.Items = append(r.Items, it)
	switch it.Action {
	case ActionCreate:
		r.Created++
	case ActionUpdate:
		r.Updated++
	default:
		r.Skipped++
	}
}

var errDryRun = errors.New("dry run")

// Import stores enterprises and needs in one transaction: all of them, or —
// if any record fails — none. It never modifies its arguments.
//
// With opt.Exact each record must carry its ID and Rev. A record whose Rev
// the store already has is skipped; any other is stored as given (as
// Tx.PutEnterpriseRemote / PutNeedRemote) with an outbox entry.
//
// Without Exact (spreadsheets), an enterprise matches a stored one by ID,
// else by credit code; a need matches by ID, else by its enterprise and the
// same title (ignoring case and width). A match is updated — the imported
// non-empty values overwrite, contacts match by name — and saved as a local
// edit (new revision, outbox entry) if anything changed, else skipped. No
// match is created with a new ID. A need's EnterpriseID may name an
// enterprise of ents by the ID given there (any unique string, e.g. the
// sheet's row) or a stored enterprise; likewise its ContactID. A new need
// with no status is a draft.
func (s *Store) Import(ctx context.Context, ents []*forms.Enterprise, needs []*forms.Need, opt ImportOptions) (ImportReport, error) {
	var rep ImportReport
	err := s.update(ctx, "", func(tx *Tx) error {
		rep = ImportReport{DryRun: opt.DryRun}
		tx.batch = newWriteBatch()
		var err error
		if opt.Exact {
			err = tx.importExact(ents, needs, &rep)
		} else {
			err = newMerger(tx).run(ents, needs, &rep)
		}
		if err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return tx.flush()
	})
	if errors.Is(err, errDryRun) {
		return rep, nil
	}
	if err != nil {
		return ImportReport{}, fmt.Errorf("import: %w", err)
	}
	return rep, nil
}

func (tx *Tx) importExact(ents []*forms.Enterprise, needs []*forms.Need, rep *ImportReport) error {
	for i, e := range ents {
		if err := checkID("enterprise", e.ID); err != nil {
			return fmt.Errorf("enterprise %d: %w", i+1, err)
		}
		has, err := tx.hasRevision(enterpriseRevisionsBucket, e.ID, e.Rev)
		if err != nil {
			return fmt.Errorf("enterprise %d (%s): %w", i+1, e.ID, err)
		}
		it := ImportItem{Action: ActionSkip, Kind: KindEnterprise, Index: i, ID: e.ID, Name: e.Name()}
		if !has {
			prev, err := tx.entHead(e.ID)
			if err != nil {
				return err
			}
			it.Action = ActionCreate
			if prev != nil {
				it.Action = ActionUpdate
			}
			if err := tx.putEnterpriseRemote(e, writeRemoteOutbox); err != nil {
				return fmt.Errorf("enterprise %d (%s): %w", i+1, e.ID, err)
			}
		}
		rep.add(it)
	}
	for i, n := range needs {
		if err := checkID("need", n.ID); err != nil {
			return fmt.Errorf("need %d: %w", i+1, err)
		}
		has, err := tx.hasRevision(needRevisionsBucket, n.ID, n.Rev)
		if err != nil {
			return fmt.Errorf("need %d (%s): %w", i+1, n.ID, err)
		}
		it := ImportItem{Action: ActionSkip, Kind: KindNeed, Index: i, ID: n.ID, Title: n.Title()}
		if h, _ := tx.entHead(n.EnterpriseID); h != nil {
			it.Name = h.Name
		}
		if !has {
			prev, err := tx.needHead(n.ID)
			if err != nil {
				return err
			}
			it.Action = ActionCreate
			if prev != nil {
				it.Action = ActionUpdate
			}
			if err := tx.putNeedRemote(n, writeRemoteOutbox); err != nil {
				return fmt.Errorf("need %d (%s): %w", i+1, n.ID, err)
			}
		}
		rep.add(it)
	}
	return nil
}

// merger imports spreadsheet records by matching them to stored ones.
type merger struct {
	tx *Tx
	// entID maps an enterprise id given in ents to the stored id.
	entID map[string]string
	// contactID maps, per stored enterprise, a contact id given in ents to
	// the stored contact's id.
	contactID map[string]map[string]string
	// titles maps, per stored enterprise, a folded need title to the need id.
	titles map[string]map[string]string
}

func newMerger(tx *Tx) *merger {
	return &merger{tx: tx, entID: map[string]string{}, contactID: map[string]map[string]string{}, titles: map[string]map[string]string{}}
}

func (m *merger) run(ents []*forms.Enterprise, needs []*forms.Need, rep *ImportReport) error {
	for i, in := range ents {
		it, err := m.enterprise(in)
		if err != nil {
			return fmt.Errorf("enterprise %d (%s): %w", i+1, in.Name(), err)
		}
		it.Index = i
		rep.add(it)
	}
	for i, in := range needs {
		it, err := m.need(in)
		if err != nil {
			return fmt.Errorf("need %d (%s): %w", i+1, in.Title(), err)
		}
		it.Index = i
		rep.add(it)
	}
	return nil
}

func (m *merger) enterprise(in *forms.Enterprise) (ImportItem, error) {
	tx := m.tx
	var stored *forms.Enterprise
	if in.ID != "" && validID(in.ID) {
		e, err := tx.Enterprise(in.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return ImportItem{}, err
		}
		stored = e
	}
	if stored == nil {
		if code := forms.NormalizeCreditCode(in.CreditCode()); code != "" && len(tx.idsByCode(code)) > 0 {
			e, err := tx.EnterpriseByCreditCode(code)
			if err != nil {
				return ImportItem{}, err
			}
			stored = e
		}
	}
	it := ImportItem{Kind: KindEnterprise}
	if stored == nil {
		e := in.Clone()
		if e.Values == nil {
			e.Values = forms.Values{}
		}
		e.ID, e.Rev = "", ""
		if err := tx.SaveEnterprise(e); err != nil {
			return ImportItem{}, err
		}
		m.mapEnterprise(in.ID, e.ID)
		contacts := map[string]string{}
		for _, c := range e.Contacts {
			contacts[c.ID] = c.ID
		}
		m.contactID[e.ID] = contacts
		it.Action, it.ID, it.Name = ActionCreate, e.ID, e.Name()
		return it, nil
	}
	m.mapEnterprise(in.ID, stored.ID)
	changed := mergeValues(&stored.Values, in.Values)
	contacts := m.contactID[stored.ID]
	if contacts == nil {
		contacts = map[string]string{}
		m.contactID[stored.ID] = contacts
	}
	for _, c := range in.Contacts {
		j := slices.IndexFunc(stored.Contacts, func(s forms.Contact) bool {
			name := fold(strings.TrimSpace(c.Values.Get("contact_name")))
			return name != "" && fold(strings.TrimSpace(s.Values.Get("contact_name"))) == name
		})
		if j < 0 {
			nc := forms.Contact{Values: c.Values.Clone()}
			if c.ID != "" && validID(c.ID) && !slices.ContainsFunc(stored.Contacts, func(s forms.Contact) bool { return s.ID == c.ID }) {
				nc.ID = c.ID
			} else {
				nc.ID = forms.NewID()
			}
			stored.Contacts = append(stored.Contacts, nc)
			if c.ID != "" {
				contacts[c.ID] = nc.ID
			}
			changed = true
			continue
		}
		if mergeValues(&stored.Contacts[j].Values, c.Values) {
			changed = true
		}
		if c.ID != "" {
			contacts[c.ID] = stored.Contacts[j].ID
		}
	}
	it.ID, it.Name = stored.ID, stored.Name()
	if !changed {
		it.Action = ActionSkip
		return it, nil
	}
	if err := tx.SaveEnterprise(stored); err != nil {
		return ImportItem{}, err
	}
	it.Action = ActionUpdate
	return it, nil
}

func (m *merger) mapEnterprise(given, stored string) {
	if given != "" {
		m.entID[given] = stored
	}
}

func (m *merger) need(in *forms.Need) (ImportItem, error) {
	tx := m.tx
	eid := in.EnterpriseID
	if id, ok := m.entID[eid]; ok {
		eid = id
	}
	ent, err := tx.entHead(eid)
	if err != nil {
		return ImportItem{}, err
	}
	if ent == nil {
		return ImportItem{}, fmt.Errorf("enterprise %q: %w", in.EnterpriseID, ErrNotFound)
	}
	var stored *forms.Need
	if in.ID != "" && validID(in.ID) {
		n, err := tx.Need(in.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return ImportItem{}, err
		}
		if n != nil && n.EnterpriseID == eid {
			stored = n
		}
	}
	titles, err := m.titlesOf(eid)
	if err != nil {
		return ImportItem{}, err
	}
	key := fold(strings.TrimSpace(in.Title()))
	if stored == nil && key != "" {
		if id, ok := titles[key]; ok {
			if stored, err = tx.Need(id); err != nil {
				return ImportItem{}, err
			}
		}
	}
	contactID := in.ContactID
	if id, ok := m.contactID[eid][contactID]; ok {
		contactID = id
	}
	it := ImportItem{Kind: KindNeed, Name: ent.Name}
	if stored == nil {
		n := in.Clone()
		if n.Values == nil {
			n.Values = forms.Values{}
		}
		n.ID, n.Rev, n.BaseRev = "", "", ""
		n.EnterpriseID, n.ContactID = eid, contactID
		if n.Status == "" {
			n.Status = forms.StatusDraft
		}
		if err := tx.SaveNeed(n); err != nil {
			return ImportItem{}, err
		}
		if key != "" {
			titles[key] = n.ID
		}
		it.Action, it.ID, it.Title = ActionCreate, n.ID, n.Title()
		return it, nil
	}
	changed := mergeValues(&stored.Values, in.Values)
	if contactID != "" && contactID != stored.ContactID {
		stored.ContactID = contactID
		changed = true
	}
	if in.Missing != nil {
		var missing []string
		for _, f := range in.Missing {
			if !stored.Values.Has(f) {
				missing = append(missing, f)
			}
		}
		if !slices.Equal(missing, stored.Missing) {
			stored.Missing = missing
			changed = true
		}
	}
	it.ID, it.Title = stored.ID, stored.Title()
	if !changed {
		it.Action = ActionSkip
		return it, nil
	}
	if err := tx.SaveNeed(stored); err != nil {
		return ImportItem{}, err
	}
	if key != "" {
		titles[key] = stored.ID
	}
	it.Action = ActionUpdate
	return it, nil
}

// titlesOf returns the folded titles of a stored enterprise's needs.
func (m *merger) titlesOf(eid string) (map[string]string, error) {
	if t, ok := m.titles[eid]; ok {
		return t, nil
	}
	t := map[string]string{}
	for _, id := range m.tx.NeedIDsOf(eid) {
		h, err := m.tx.needHead(id)
		if err != nil {
			return nil, err
		}
		if h == nil {
			return nil, fmt.Errorf("need %s: no head: %w", id, ErrCorrupt)
		}
		if k := fold(strings.TrimSpace(h.Title)); k != "" {
			if _, dup := t[k]; !dup {
				t[k] = id
			}
		}
	}
	m.titles[eid] = t
	return t, nil
}

// mergeValues copies src's filled-in values over *dst and reports whether
// it changed.
func mergeValues(dst *forms.Values, src forms.Values) bool {
	if *dst == nil {
		*dst = forms.Values{}
	}
	changed := false
	for id, l := range src {
		if !src.Has(id) || slices.Equal((*dst)[id], l) {
			continue
		}
		(*dst)[id] = slices.Clone(l)
		changed = true
	}
	return changed
}
