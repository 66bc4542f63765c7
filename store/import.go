package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
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
	// Solutions, with Exact only, are stored exactly too, in the same
	// transaction, after the needs (xunbang's own JSON carries them): each
	// must carry its ID and Rev; one whose Rev the store has is skipped,
	// any other is stored as given with an outbox entry.
	Solutions []*forms.Solution
	// MaxItems, when positive, is the most items the report keeps in
	// Items; the others are counted (ImportReport.ItemsLeftOut, Kinds), so
	// that the report of a big import takes a fixed room.
	MaxItems int
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// Import actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionSkip   = "skip"
)

// ImportItem says what Import did with one record.
type ImportItem struct {
	Action string // ActionCreate, ActionUpdate or ActionSkip
	Kind   string // KindEnterprise, KindNeed or KindSolution
	Index  int    // position in the ents or needs argument (or opt.Solutions)
	ID     string // the stored record's id
	Title  string // a need's title
	Name   string // the enterprise's name (for a need, its enterprise's)
	// Fields are the catalogue ids of the stored values an update changes
	// (for an enterprise, its contacts' too; "contact_id" when a need's
	// contact changes), sorted; nil unless Action is ActionUpdate. Only
	// imports without Exact tell them.
	Fields []string
}

// StatusChange is a stored need whose status an import changes: an edit of
// confirmed content sends it back to 待企业确认 (see forms.Need.FollowConfirmation),
// whether the edit is of the need or of its enterprise.
type StatusChange struct {
	ID, Title string
	From, To  forms.Status
}

// ImportReport lists what Import did, enterprises first, each in argument
// order.
type ImportReport struct {
	Items []ImportItem
	// ItemsLeftOut counts the records done but not listed in Items, past
	// ImportOptions.MaxItems; every count below counts them.
	ItemsLeftOut              int
	Created, Updated, Skipped int
	// Kinds counts the actions by kind of record (KindEnterprise,
	// KindNeed, KindSolution).
	Kinds  map[string]ActionCounts
	DryRun bool
	// StatusChanges lists, in the order they happened, the stored needs
	// whose status the import changes, each once (first status to last),
	// including needs of an updated enterprise that the import does not
	// name.
	StatusChanges []StatusChange
	// StatusHeld lists the stored needs whose imported solutions call for
	// a status the lifecycle does not let them take (a need not yet
	// published, say): they stay, and Followed.Message says why.
	StatusHeld []Followed

	lastName string // the Name of the last item added, its own copy
	maxItems int    // ImportOptions.MaxItems
}

// ActionCounts counts what an import did with the records of one kind.
type ActionCounts struct{ Created, Updated, Skipped int }

// StatusChange returns the change of a need's status, if the import
// changes it.
func (r *ImportReport) StatusChange(id string) (StatusChange, bool) {
	for _, c := range r.StatusChanges {
		if c.ID == id {
			return c, true
		}
	}
	return StatusChange{}, false
}

// trackStatus returns the Tx.onStatus that records the changes of status
// an import makes (in one transaction or several) into r.StatusChanges.
func trackStatus(r *ImportReport) func(id, title string, from, to forms.Status) {
	at := map[string]int{}
	return func(id, title string, from, to forms.Status) {
		if i, ok := at[id]; ok {
			r.StatusChanges[i].To, r.StatusChanges[i].Title = to, title
			return
		}
		at[id] = len(r.StatusChanges)
		r.StatusChanges = append(r.StatusChanges, StatusChange{ID: id, Title: title, From: from, To: to})
	}
}

func (r *ImportReport) add(it ImportItem) {
	if r.Kinds == nil {
		r.Kinds = map[string]ActionCounts{}
	}
	k := r.Kinds[it.Kind]
	switch it.Action {
	case ActionCreate:
		r.Created++
		k.Created++
	case ActionUpdate:
		r.Updated++
		k.Updated++
	default:
		r.Skipped++
		k.Skipped++
	}
	r.Kinds[it.Kind] = k
	if r.maxItems > 0 && len(r.Items) >= r.maxItems {
		r.ItemsLeftOut++
		return
	}
	// An item's Name is often a piece of a record read for it (an
	// enterprise's head), which it would keep in memory: the items of a
	// big import keep one copy of each name instead (an enterprise's
	// needs come together), not the records.
	if it.Name != r.lastName {
		r.lastName = strings.Clone(it.Name)
	}
	it.Name = r.lastName
	r.Items = append(r.Items, it)
}

// ErrNeedElsewhere is the kind of an [ImportConflictError]: an imported
// need is a stored need of another enterprise than its row names.
var ErrNeedElsewhere = errors.New("the need belongs to another enterprise")

// NeedConflict is an imported need whose ID names a stored need of another
// enterprise than the one its record gives.
type NeedConflict struct {
	Index int    // position in the needs argument
	ID    string // the need's id
	Title string // the stored need's title
	// Enterprise is the stored need's enterprise, by name, and its credit
	// code.
	Enterprise, EnterpriseCode string
	// Given is the enterprise the imported record names, and its credit
	// code.
	Given, GivenCode string
}

// ImportConflictError fails an import that would move needs between
// enterprises. errors.Is(err, ErrNeedElsewhere) holds.
type ImportConflictError struct {
	Needs []NeedConflict
}

func (e *ImportConflictError) Error() string {
	var b strings.Builder
	for i, c := range e.Needs {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "need %d (%s): %s is a need of %q (credit code %q), the record names %q (credit code %q)",
			c.Index+1, c.Title, c.ID, c.Enterprise, c.EnterpriseCode, c.Given, c.GivenCode)
	}
	return ErrNeedElsewhere.Error() + ": " + b.String()
}

// Is reports whether target is ErrNeedElsewhere.
func (e *ImportConflictError) Is(target error) bool { return target == ErrNeedElsewhere }

// Import stores enterprises and needs: all of them, or — if any record
// fails — none. It stages them in batches where no reader sees them and
// then publishes them (see StageImport and doc.go), so that its memory does
// not grow with the import; after a crash the next Open finds all of it or
// none. It never modifies its arguments.
//
// With opt.Exact each record must carry its ID and Rev. A record whose Rev
// the store already has is skipped; any other is stored as given (as
// Tx.PutEnterpriseRemote / PutNeedRemote) with an outbox entry.
//
// Without Exact (spreadsheets), a need that carries the ID of a stored need
// (a sheet's 需求编号) is that need, whatever its title: it is updated,
// never created again. Its enterprise is the stored need's: an enterprise
// of ents that matches no stored one by ID or credit code stands for the
// stored enterprise of its needs that are stored (the first one's, should
// they be several) and is merged into it rather than created. When the
// need's enterprise of ents is another stored enterprise — matched by ID or
// credit code, or carrying a credit code of its own that differs from the
// stored enterprise's — the need is not moved: Import fails with an
// *ImportConflictError listing every such need (errors.Is ErrNeedElsewhere).
// A need that carries an ID the store does not have is created with that
// ID, as Exact import would, so a sheet's ids survive into another store
// and its later re-imports update — unless its enterprise has a need of the
// same title from before this import, which is then updated (keeping its
// own ID) rather than doubled.
//
// Otherwise an enterprise matches a stored one by ID, else by credit code;
// never by name (a 匿名公开 row names only a public alias, which several
// enterprises share). A need without an ID matches by its enterprise and
// the same title (ignoring case and width). A match is updated — the
// imported non-empty values overwrite, except that a public alias never
// replaces a stored enterprise's name ([forms.IsPublicAlias]); contacts
// match by name — and saved as a local edit (new revision, outbox entry) if
// anything changed, else skipped. No match is created, with a new ID unless
// it carries one as above. A need's EnterpriseID may name an enterprise of
// ents by the ID given there (any unique string, e.g. the sheet's row) or a
// stored enterprise; likewise its ContactID. A new need with no status is a
// draft.
func (s *Store) Import(ctx context.Context, ents []*forms.Enterprise, needs []*forms.Need, opt ImportOptions) (ImportReport, error) {
	if err := ctx.Err(); err != nil {
		return ImportReport{}, fmt.Errorf("import: %w", err)
	}
	if s.db.IsReadOnly() {
		return ImportReport{}, fmt.Errorf("import: %w", ErrReadOnly)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	rep, err := s.stageLocked(ctx, ImportSlices{Enterprises: ents, Needs: needs}, opt)
	if err != nil {
		return ImportReport{}, fmt.Errorf("import: %w", err)
	}
	rep.DryRun = opt.DryRun
	if opt.DryRun {
		if err := s.discardStaging(context.WithoutCancel(ctx)); err != nil {
			return ImportReport{}, fmt.Errorf("import: discard the dry run: %w", err)
		}
		return rep, nil
	}
	if err := s.publishStaging(ctx); err != nil {
		return ImportReport{}, fmt.Errorf("import: publish: %w", err)
	}
	s.gen.Add(1)
	return rep, nil
}

// exactImport imports records as they are (ImportOptions.Exact), one at a
// time, counting them.
type exactImport struct {
	rep         *ImportReport
	ents, needs int // records imported so far
}

func (ex *exactImport) enterprise(tx *Tx, e *forms.Enterprise) error {
	i := ex.ents
	ex.ents++
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
	ex.rep.add(it)
	return nil
}

func (ex *exactImport) need(tx *Tx, n *forms.Need) error {
	i := ex.needs
	ex.needs++
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
	ex.rep.add(it)
	return nil
}

// importSolutionExact stores solution i of an import as given, with an
// outbox entry, unless the store has its revision.
func (tx *Tx) importSolutionExact(i int, s *forms.Solution, rep *ImportReport) error {
	if err := checkID("solution", s.ID); err != nil {
		return fmt.Errorf("solution %d: %w", i+1, err)
	}
	has, err := tx.hasRevision(solutionRevisionsBucket, s.ID, s.Rev)
	if err != nil {
		return fmt.Errorf("solution %d (%s): %w", i+1, s.ID, err)
	}
	it := ImportItem{Action: ActionSkip, Kind: KindSolution, Index: i, ID: s.ID, Name: s.Provider()}
	if !has {
		prev, err := tx.solHead(s.ID)
		if err != nil {
			return err
		}
		it.Action = ActionCreate
		if prev != nil {
			it.Action = ActionUpdate
		}
		if err := tx.putSolutionRemote(s.Clone(), writeRemoteOutbox); err != nil {
			return fmt.Errorf("solution %d (%s): %w", i+1, s.ID, err)
		}
	}
	rep.add(it)
	return nil
}

// merger imports spreadsheet records by matching them to stored ones.
type merger struct {
	tx *Tx
	// entID maps an enterprise id given in ents to the stored id.
	entID *idMap
	// contactID maps a stored enterprise's id and a contact id given in
	// ents to the stored contact's id. One map for all
	// enterprises: a map for each held 10 MB of a sheet of 50,000 needs
	// that came back.
	contactID *contactMap
	// createdEnts holds the enterprises this import created: their
	// contacts kept the ids they were given.
	createdEnts *idSet
	// titles finds a stored enterprise's need by its folded title.
	titles *titleIndex
	// anchors maps an enterprise id given in ents to the stored
	// enterprise of the first of its needs that is stored.
	anchors *idMap
	// pinned holds the given enterprise ids whose identity the record
	// states: matched to a stored enterprise by ID or credit code, or
	// carrying a credit code.
	pinned    *idSet
	conflicts []NeedConflict
	// full caches stored enterprises read in the needs' turn, up to
	// fullCacheSize of them (see enterpriseOf).
	full map[string]*forms.Enterprise
	// ents counts the enterprises imported so far.
	ents int
}

// contactKey is a stored enterprise's id and a contact id given with it.
type contactKey struct{ ent, given string }

func newMerger(tx *Tx) *merger {
	m := &merger{tx: tx, entID: newIDMap(), contactID: newContactMap(), createdEnts: newIDSet(),
		anchors: newIDMap(), pinned: newIDSet(), full: map[string]*forms.Enterprise{}}
	m.titles = newTitleIndex(func(id string) (*needHead, error) { return m.tx.needHead(id) })
	return m
}

// anchor notes, for the i-th need, the stored enterprise of the stored
// need whose ID it carries, if any: its given enterprise may stand for that
// one (see storedEnterprise).
func (m *merger) anchor(i int, in *forms.Need) error {
	if in.ID == "" || !validID(in.ID) {
		return nil
	}
	h, err := m.tx.needHead(in.ID)
	if err != nil {
		return fmt.Errorf("need %d (%s): %w", i+1, in.Title(), err)
	}
	if h == nil {
		return nil
	}
	if !m.anchors.has(in.EnterpriseID) {
		// A copy: the head's texts share one string, which the id would
		// keep alive (some 25 MB over 200,000 needs) were it kept as text.
		m.anchors.set(in.EnterpriseID, strings.Clone(h.EnterpriseID))
	}
	return nil
}

// addEnterprise imports the next enterprise into the report.
func (m *merger) addEnterprise(in *forms.Enterprise, rep *ImportReport) error {
	i := m.ents
	m.ents++
	it, err := m.enterprise(in)
	if err != nil {
		return fmt.Errorf("enterprise %d (%s): %w", i+1, in.Name(), err)
	}
	it.Index = i
	rep.add(it)
	return nil
}

// addNeed imports the i-th need into the report; one that would move
// between enterprises is a conflict, left out.
func (m *merger) addNeed(i int, in *forms.Need, rep *ImportReport) error {
	it, err := m.need(i, in)
	if err != nil {
		return fmt.Errorf("need %d (%s): %w", i+1, in.Title(), err)
	}
	if it.Kind == "" {
		return nil // a conflict
	}
	it.Index = i
	rep.add(it)
	return nil
}

// finish fails the import when needs would move between enterprises.
func (m *merger) finish() error {
	if len(m.conflicts) > 0 {
		return &ImportConflictError{Needs: m.conflicts}
	}
	return nil
}

// enterprise imports an enterprise: merged into the stored one it is, or
// saved as a new one.
func (m *merger) enterprise(in *forms.Enterprise) (ImportItem, error) {
	stored, err := m.storedEnterprise(in)
	if err != nil {
		return ImportItem{}, err
	}
	if stored == nil {
		return m.createEnterprise(in)
	}
	return m.updateEnterprise(stored, in)
}

// storedEnterprise finds the stored enterprise an imported one is: by its
// ID, by its credit code, or as the enterprise of its stored needs (unless
// that has another credit code: then the needs are conflicts, and this one
// is new). nil when there is none. The given ID is pinned when the record
// states its identity (matched, or carrying a credit code).
func (m *merger) storedEnterprise(in *forms.Enterprise) (*forms.Enterprise, error) {
	tx := m.tx
	var stored *forms.Enterprise
	if in.ID != "" && validID(in.ID) {
		e, err := tx.Enterprise(in.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		stored = e
	}
	code := forms.NormalizeCreditCode(in.CreditCode())
	if stored == nil && code != "" && len(tx.idsByCode(code)) > 0 {
		e, err := tx.EnterpriseByCreditCode(code)
		if err != nil {
			return nil, err
		}
		stored = e
	}
	if in.ID != "" && (stored != nil || code != "") {
		m.pinned.add(in.ID)
	}
	if stored != nil || in.ID == "" {
		return stored, nil
	}
	if anchor, ok := m.anchors.get(in.ID); ok {
		e, err := tx.Enterprise(anchor)
		if err != nil {
			return nil, err
		}
		if other := forms.NormalizeCreditCode(e.CreditCode()); code == "" || other == "" || other == code {
			stored = e
		}
	}
	return stored, nil
}

// createEnterprise saves an imported enterprise that matches none stored
// as a new one, its contacts keeping their IDs.
func (m *merger) createEnterprise(in *forms.Enterprise) (ImportItem, error) {
	e := in.Clone()
	if e.Values == nil {
		e.Values = forms.Values{}
	}
	e.ID, e.Rev = "", ""
	if err := m.tx.SaveEnterprise(e); err != nil {
		return ImportItem{}, err
	}
	m.mapEnterprise(in.ID, e.ID)
	m.createdEnts.add(e.ID) // its contacts keep their ids
	return ImportItem{Kind: KindEnterprise, Action: ActionCreate, ID: e.ID, Name: e.Name()}, nil
}

// updateEnterprise merges an imported enterprise's values and contacts
// into the stored one it matches (a public alias never replaces a name),
// saving it when anything changed.
func (m *merger) updateEnterprise(stored, in *forms.Enterprise) (ImportItem, error) {
	// The merger's maps keep the stored enterprise's ids and its contacts'
	// for the rest of the import: copies, which do not keep the record's
	// decoded texts alive with them.
	stored.ID = strings.Clone(stored.ID)
	m.mapEnterprise(in.ID, stored.ID)
	vals := in.Values
	if forms.IsPublicAlias(in.Name()) && stored.Name() != "" {
		vals = vals.Clone()
		delete(vals, "enterprise_name") // an alias never replaces a name
	}
	fields := mergeValues(&stored.Values, vals)
	fields = m.mergeContacts(stored, in.Contacts, fields)
	it := ImportItem{Kind: KindEnterprise, ID: stored.ID, Name: stored.Name()}
	if len(fields) == 0 {
		it.Action = ActionSkip
		return it, nil
	}
	if err := m.tx.SaveEnterprise(stored); err != nil {
		return ImportItem{}, err
	}
	it.Action, it.Fields = ActionUpdate, fields
	return it, nil
}

// mergeContacts merges imported contacts into a stored enterprise's: one
// of the same name takes the imported values, another is added (keeping
// its ID when that is free). It maps the given contact IDs to the stored
// ones and returns fields with the ids of the values changed added.
func (m *merger) mergeContacts(stored *forms.Enterprise, in []forms.Contact, fields []string) []string {
	mapContact := func(given, id string) {
		if given != "" {
			m.contactID.set(contactKey{stored.ID, given}, id)
		}
	}
	for _, c := range in {
		j := slices.IndexFunc(stored.Contacts, func(s forms.Contact) bool {
			name := forms.FoldSearch(strings.TrimSpace(c.Values.Get("contact_name")))
			return name != "" && forms.FoldSearch(strings.TrimSpace(s.Values.Get("contact_name"))) == name
		})
		if j < 0 {
			nc := forms.Contact{Values: c.Values.Clone()}
			if c.ID != "" && validID(c.ID) && !slices.ContainsFunc(stored.Contacts, func(s forms.Contact) bool { return s.ID == c.ID }) {
				nc.ID = c.ID
			} else {
				nc.ID = forms.NewID()
			}
			stored.Contacts = append(stored.Contacts, nc)
			mapContact(c.ID, nc.ID)
			fields = addFields(fields, slices.Sorted(maps.Keys(nc.Values))...)
			continue
		}
		fields = addFields(fields, mergeValues(&stored.Contacts[j].Values, c.Values)...)
		mapContact(c.ID, strings.Clone(stored.Contacts[j].ID))
	}
	return fields
}

func (m *merger) mapEnterprise(given, stored string) {
	if given != "" {
		m.entID.set(given, stored)
	}
}

// need imports the i-th need. A need that conflicts is recorded in
// m.conflicts and yields a zero ImportItem.
func (m *merger) need(i int, in *forms.Need) (ImportItem, error) {
	eid := in.EnterpriseID
	id, given := m.entID.get(eid)
	if given {
		eid = id
	}
	stored, err := m.storedNeedByID(in)
	if err != nil {
		return ImportItem{}, err
	}
	redirected := false
	if stored != nil && stored.EnterpriseID != eid {
		// A stored enterprise named directly, or one the record identifies.
		if !given || m.pinned.has(in.EnterpriseID) {
			return ImportItem{}, m.conflict(i, stored, eid)
		}
		// The record does not say which enterprise it is: the need's own.
		eid, redirected = stored.EnterpriseID, true
	}
	ent, err := m.tx.entHead(eid)
	if err != nil {
		return ImportItem{}, err
	}
	if ent == nil {
		return ImportItem{}, fmt.Errorf("enterprise %q: %w", in.EnterpriseID, ErrNotFound)
	}
	at := needPlace{eid: eid, key: forms.FoldSearch(strings.TrimSpace(in.Title()))}
	if err = m.loadTitles(eid); err != nil {
		return ImportItem{}, err
	}
	hasID := in.ID != "" && validID(in.ID)
	if stored == nil && at.key != "" {
		if stored, err = m.storedNeedByTitle(at, hasID); err != nil {
			return ImportItem{}, err
		}
	}
	if at.contactID, err = m.contactAt(eid, in.ContactID, redirected); err != nil {
		return ImportItem{}, err
	}
	var it ImportItem
	if stored == nil {
		it, err = m.createNeed(in, at, hasID)
	} else {
		it, err = m.updateNeed(stored, in, at)
	}
	if err != nil {
		return ImportItem{}, err
	}
	it.Name = ent.Name
	return it, nil
}

// contactAt returns the stored contact of the enterprise eid that the
// contact id given with a need stands for: the stored one it was mapped to;
// else the id itself, but for a need redirected to another enterprise than
// its record's, whose contact it is not.
func (m *merger) contactAt(eid, given string, redirected bool) (string, error) {
	if id, ok := m.contactID.get(contactKey{eid, given}); ok {
		return id, nil
	}
	if !redirected {
		return given, nil
	}
	if m.createdEnts.has(eid) { // its contacts kept their ids, or are mapped above
		e, err := m.tx.Enterprise(eid)
		if err != nil {
			return "", err
		}
		if _, ok := e.Contact(given); ok {
			return given, nil
		}
	}
	return "", nil // a contact of the record's enterprise, not the need's
}

// needPlace is where an imported need goes: its stored enterprise, the
// contact there it names, and that enterprise's needs by folded title.
type needPlace struct {
	eid, contactID string
	key            string // the need's folded title
}

// storedNeedByID returns the stored need with the ID the imported one
// carries (perhaps created earlier in this import), or nil.
func (m *merger) storedNeedByID(in *forms.Need) (*forms.Need, error) {
	if in.ID == "" || !validID(in.ID) {
		return nil, nil
	}
	h, err := m.tx.needHead(in.ID)
	if err != nil || h == nil {
		return nil, err
	}
	return m.tx.Need(in.ID)
}

// storedNeedByTitle returns the need of the same title at the same
// enterprise, or nil: the need recorded before it had an ID in a sheet
// (imported without one, or typed in), so not a new one. Not a need this
// import created when the imported one has an ID: two rows with their own
// IDs are two needs, whatever their titles.
func (m *merger) storedNeedByTitle(at needPlace, hasID bool) (*forms.Need, error) {
	id, ok, err := m.titles.get(at.eid, at.key)
	if err != nil || !ok || hasID && m.createdHere(id) {
		return nil, err
	}
	return m.tx.Need(id)
}

// createdHere reports whether a need the title index holds was created by
// this import: the store has no summary of it but the staged one (a need
// it updates has its own). A lookup in the file where a map of every need
// created held 8 MB at 200,000 needs.
func (m *merger) createdHere(id string) bool {
	return m.tx.newToStore(needSummariesBucket, []byte(id))
}

// createNeed saves an imported need as a new one of the enterprise at
// at.eid, keeping its ID when it has one (keepID).
func (m *merger) createNeed(in *forms.Need, at needPlace, keepID bool) (ImportItem, error) {
	n := in.Clone()
	if n.Values == nil {
		n.Values = forms.Values{}
	}
	n.Rev, n.BaseRev = "", ""
	if !keepID {
		n.ID = ""
	}
	n.EnterpriseID, n.ContactID = at.eid, at.contactID
	if n.Status == "" {
		n.Status = forms.StatusDraft
	}
	if err := m.tx.SaveNeed(n); err != nil {
		return ImportItem{}, err
	}
	if at.key != "" {
		if err := m.titles.set(at.eid, at.key, n.ID); err != nil {
			return ImportItem{}, err
		}
	}
	return ImportItem{Kind: KindNeed, Action: ActionCreate, ID: n.ID, Title: n.Title()}, nil
}

// updateNeed merges an imported need's values, contact and missing fields
// into the stored need, saving it when anything changed.
func (m *merger) updateNeed(stored, in *forms.Need, at needPlace) (ImportItem, error) {
	fields := mergeValues(&stored.Values, in.Values)
	changed := len(fields) > 0
	if at.contactID != "" && at.contactID != stored.ContactID {
		stored.ContactID = at.contactID
		fields = addFields(fields, "contact_id")
		changed = true
	}
	if in.Missing != nil {
		missing, err := m.stillMissing(stored, in.Missing, at.eid)
		if err != nil {
			return ImportItem{}, err
		}
		if !slices.Equal(missing, stored.Missing) {
			stored.Missing = missing
			changed = true
		}
	}
	it := ImportItem{Kind: KindNeed, ID: stored.ID, Title: stored.Title()}
	if !changed {
		it.Action = ActionSkip
		return it, nil
	}
	if err := m.tx.SaveNeed(stored); err != nil {
		return ImportItem{}, err
	}
	if at.key != "" {
		if err := m.titles.set(at.eid, at.key, stored.ID); err != nil {
			return ImportItem{}, err
		}
	}
	it.Action, it.Fields = ActionUpdate, fields
	return it, nil
}

// stillMissing returns the fields of missing that neither the stored need
// nor its enterprise eid has: what the sheet lacks may be on record (say,
// a 匿名公开 row's enterprise, which the sheet leaves out). Whether the need
// lacks one of its own fields its catalogue's validation says (a 面议
// budget is no missing amount: an upload sheet writes 面议 as an empty
// cell, the platform's way).
func (m *merger) stillMissing(stored *forms.Need, missing []string, eid string) ([]string, error) {
	full, err := m.enterpriseOf(eid)
	if err != nil {
		return nil, err
	}
	cat := catalogue()
	lacking := forms.ToComplete(cat.ValidateNeed(stored, forms.Final))
	var out []string
	for _, f := range missing {
		if stored.Values.Has(f) || hasValue(full, f) {
			continue
		}
		if fd, ok := cat.Field(f); ok && fd.Entity == forms.EntityNeed && !slices.Contains(lacking, f) {
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// conflict records that the i-th need, stored as a need of another
// enterprise, is given as one of eid.
func (m *merger) conflict(i int, stored *forms.Need, eid string) error {
	c := NeedConflict{Index: i, ID: stored.ID, Title: stored.Title()}
	if h, err := m.tx.entHead(stored.EnterpriseID); err != nil {
		return err
	} else if h != nil {
		c.Enterprise = h.Name
	}
	if e, err := m.tx.Enterprise(stored.EnterpriseID); err == nil {
		c.EnterpriseCode = e.CreditCode()
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	if e, err := m.tx.Enterprise(eid); err == nil {
		c.Given, c.GivenCode = e.Name(), e.CreditCode()
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	m.conflicts = append(m.conflicts, c)
	return nil
}

// fullCacheSize is how many enterprises enterpriseOf keeps. A sheet lists
// an enterprise's needs together, so a few suffice; kept all, the
// enterprises of a sheet of 50,000 needs that come back (16,000 of them,
// with their contacts) held 41 MB until the import ended.
const fullCacheSize = 64

// enterpriseOf returns a stored enterprise as it stands once the
// enterprises of the import are merged (needs come after them).
func (m *merger) enterpriseOf(eid string) (*forms.Enterprise, error) {
	if e, ok := m.full[eid]; ok {
		return e, nil
	}
	e, err := m.tx.Enterprise(eid)
	if err != nil {
		return nil, err
	}
	if len(m.full) >= fullCacheSize {
		clear(m.full)
	}
	m.full[eid] = e
	return e, nil
}

// hasValue reports whether an enterprise, or one of its contacts, has a
// value for field id.
func hasValue(e *forms.Enterprise, id string) bool {
	if e.Values.Has(id) {
		return true
	}
	for _, c := range e.Contacts {
		if c.Values.Has(id) {
			return true
		}
	}
	return false
}

// loadTitles puts the needs stored of an enterprise into m.titles, by
// their folded titles (the first of a title), once. An enterprise this
// import created has no needs but those the import put there, which
// createNeed and updateNeed have put into m.titles already: nothing to
// load, and nothing to note (at 200,000 needs into an empty store, the
// set of them took 2.5 MB).
func (m *merger) loadTitles(eid string) error {
	if m.createdEnts.has(eid) || m.titles.loaded.has(eid) {
		return nil
	}
	m.titles.loaded.add(eid)
	for _, id := range m.tx.NeedIDsOf(eid) {
		h, err := m.tx.needHead(id)
		if err != nil {
			return err
		}
		if h == nil {
			return fmt.Errorf("need %s: no head: %w", id, ErrCorrupt)
		}
		k := forms.FoldSearch(strings.TrimSpace(h.Title))
		if k == "" {
			continue
		}
		if _, dup, err := m.titles.get(eid, k); err != nil {
			return err
		} else if !dup {
			if err := m.titles.set(eid, k, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// mergeValues copies src's filled-in values over *dst and returns the ids
// of the values it changed, sorted.
func mergeValues(dst *forms.Values, src forms.Values) []string {
	if *dst == nil {
		*dst = forms.Values{}
	}
	var changed []string
	for id, l := range src {
		if !src.Has(id) || slices.Equal((*dst)[id], l) {
			continue
		}
		(*dst)[id] = slices.Clone(l)
		changed = append(changed, id)
	}
	slices.Sort(changed)
	return changed
}

// addFields adds ids to a sorted list of field ids, each once.
func addFields(list []string, ids ...string) []string {
	for _, id := range ids {
		if i, found := slices.BinarySearch(list, id); !found {
			list = slices.Insert(list, i, id)
		}
	}
	return list
}
