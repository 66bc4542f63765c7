package app

import (
	"context"
	"sync"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// Each screen declares the little it needs from the data layer and holds
// the store as that interface (its st field), which newUI hands it: the
// screens never discover a capability by a type assertion (deps_test.go
// checks). *store.Store satisfies every one, checked at compile time below;
// the window as a whole takes their union, [backend].

// needSource is what the need list reads: the needs' summaries, and the
// statuses of their solutions (the 揭榜 column).
type needSource interface {
	NeedList(ctx context.Context) (*store.NeedList, error)
	SolutionStatuses(ctx context.Context) (map[string][]forms.SolutionStatus, error)
}

// followUpStore is what a need's follow-ups (意向, 合同, 付款) read and write.
type followUpStore interface {
	FollowUps(ctx context.Context, needID string) ([]forms.FollowUp, error)
	SaveFollowUp(ctx context.Context, f *forms.FollowUp) error
}

// needStore is what the need editor, the diagnosis panel and the
// confirmation screen read and write.
type needStore interface {
	Need(ctx context.Context, id string) (*forms.Need, error)
	Enterprise(ctx context.Context, id string) (*forms.Enterprise, error)
	SaveNeed(ctx context.Context, n *forms.Need) error
	followUpStore
}

// enterpriseStore is what the enterprise screen reads and writes.
type enterpriseStore interface {
	Enterprise(ctx context.Context, id string) (*forms.Enterprise, error)
	EnterpriseByCreditCode(ctx context.Context, code string) (*forms.Enterprise, error)
	FindEnterprises(ctx context.Context, text string, limit int) ([]*forms.Enterprise, error)
	SaveEnterprise(ctx context.Context, e *forms.Enterprise) error
	Visits(ctx context.Context, enterpriseID string) ([]forms.Visit, error)
	SaveVisit(ctx context.Context, v *forms.Visit) error
}

// settingsStore is what the settings screen, its platform profile and the
// window's memory of where it was read and write.
type settingsStore interface {
	Settings(ctx context.Context) (store.Settings, error)
	SaveSettings(ctx context.Context, s store.Settings) error
}

// dashboardSource is what the dashboard counts over.
type dashboardSource interface {
	Settings(ctx context.Context) (store.Settings, error)
	Needs(ctx context.Context, q store.Query) ([]*store.Summary, error)
	ForEachEnterprise(ctx context.Context, fn func(*forms.Enterprise) error) error
	ForEachNeed(ctx context.Context, fn func(*forms.Need) error) error
	AllFollowUps(ctx context.Context) ([]forms.FollowUp, error)
	SolutionStatuses(ctx context.Context) (map[string][]forms.SolutionStatus, error)
}

// outboxSource is what the sync strip reads when no sync status is wired.
type outboxSource interface {
	OutboxStats(ctx context.Context) (store.OutboxStats, error)
}

// auditor is what the window needs to write the audit log (the
// confirmation screen shown, the window locked and unlocked).
type auditor interface {
	Audit(ctx context.Context, kind, detail string) error
}

// backend is everything the window needs: the screens' interfaces (the idle
// lock's passphraseStore is in lock.go) and the jobs' (package jobs: the
// Excel imports and exports, the cards, the backup).
type backend interface {
	needSource
	needStore
	enterpriseStore
	settingsStore
	dashboardSource
	outboxSource
	solutionStore
	passphraseStore
	auditor
	jobs.Importer
	jobs.ExportSource
	jobs.CardSource
	jobs.BackupSource
}

var (
	_ needSource      = (*store.Store)(nil)
	_ followUpStore   = (*store.Store)(nil)
	_ needStore       = (*store.Store)(nil)
	_ enterpriseStore = (*store.Store)(nil)
	_ settingsStore   = (*store.Store)(nil)
	_ dashboardSource = (*store.Store)(nil)
	_ outboxSource    = (*store.Store)(nil)
	_ solutionStore   = (*store.Store)(nil)
	_ auditor         = (*store.Store)(nil)
	_ backend         = (*store.Store)(nil)
)

// saver serialises the window's writes of needs and enterprises and keeps
// the revision each record was last saved at, so that edits saved one after
// another from different copies (autosave, confirmation, diagnosis) always
// build on the latest revision instead of conflicting with each other.
// Loading a record takes the same lock, so it never reads a record while a
// save of it is under way.
type saver struct {
	// inflight counts saves started but not finished.
	inflight sync.WaitGroup
	mu       sync.Mutex
	revs     map[string]string // record id → the Rev of its last save from this window
}

func newSaver() *saver { return &saver{revs: map[string]string{}} }

// saveNeed saves n (a copy owned by the caller) on top of the latest
// revision this window saved.
func (s *saver) saveNeed(ctx context.Context, st needStore, n *forms.Need) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rev, ok := s.revs[n.ID]; ok && n.ID != "" {
		n.Rev = rev
	}
	if err := st.SaveNeed(ctx, n); err != nil {
		return err
	}
	s.revs[n.ID] = n.Rev
	return nil
}

// saveEnterprise is saveNeed for an enterprise.
func (s *saver) saveEnterprise(ctx context.Context, st enterpriseStore, e *forms.Enterprise) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rev, ok := s.revs[e.ID]; ok && e.ID != "" {
		e.Rev = rev
	}
	if err := st.SaveEnterprise(ctx, e); err != nil {
		return err
	}
	s.revs[e.ID] = e.Rev
	return nil
}

// loadNeed reads a need and its enterprise once no save is under way.
func (s *saver) loadNeed(ctx context.Context, st needStore, id string) (*forms.Need, *forms.Enterprise, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := st.Need(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	e, err := st.Enterprise(ctx, n.EnterpriseID)
	if err != nil {
		return nil, nil, err
	}
	s.revs[n.ID] = n.Rev
	s.revs[e.ID] = e.Rev
	return n, e, nil
}

// loadEnterprise reads an enterprise once no save is under way.
func (s *saver) loadEnterprise(ctx context.Context, st enterpriseStore, id string) (*forms.Enterprise, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := st.Enterprise(ctx, id)
	if err != nil {
		return nil, err
	}
	s.revs[e.ID] = e.Rev
	return e, nil
}

// clockTime formats a time of day as the "saved at" labels show it.
func clockTime(t time.Time) string { return t.Local().Format("15:04:05") }
