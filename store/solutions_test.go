package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
)

const solPhone = "13987654321"

func newSolution(needID, provider string) *forms.Solution {
	s := &forms.Solution{NeedID: needID, Status: forms.SolutionSubmitted, Source: forms.SourcePaper, Values: forms.Values{}}
	s.Values.Set("provider_name", provider)
	s.Values.Set("provider_type", "institute")
	s.Values.Set("solution_contact", "赵研究员")
	s.Values.Set("solution_phone", solPhone)
	s.Values.Set("solution_summary", "采用激光熔覆修复工艺，已有三项授权专利与两家企业的应用案例。")
	return s
}

func TestSolutionsSaveListAndOutbox(t *testing.T) {
	s, dir := openTest(t)
	ctx := context.Background()
	e := mustSaveEnterprise(t, s, newEnterprise("苏州甲机械有限公司", "914403001922038216", "320505"))
	n1 := mustSaveNeed(t, s, newNeed(e.ID, "高温合金部件焊接工艺"))
	n2 := mustSaveNeed(t, s, newNeed(e.ID, "注塑模具随形冷却"))
	before, _ := s.OutboxStats(ctx)

	a := newSolution(n1.ID, "江苏省产业技术研究院")
	if err := s.SaveSolution(ctx, a); err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || a.Rev == "" || a.BaseRev != "" || a.Team != "苏州寻榜一队" || a.CreatedBy != "张三" || a.CreatedAt.IsZero() {
		t.Errorf("saved solution %+v", a)
	}
	b := newSolution(n1.ID, "东南大学苏州研究院")
	c := newSolution(n2.ID, "苏州某自动化公司")
	for _, x := range []*forms.Solution{b, c} {
		if err := s.SaveSolution(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	// The official screens a: a new revision on top of the first.
	first := a.Rev
	if err := a.Transition(forms.SolutionScreened); err != nil {
		t.Fatal(err)
	}
	a.Values.Set("solution_notes", "已电话沟通")
	if err := s.SaveSolution(ctx, a); err != nil {
		t.Fatal(err)
	}
	if a.BaseRev != first {
		t.Errorf("base %s, want %s", a.BaseRev, first)
	}
	list, err := s.Solutions(ctx, n1.ID)
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID || list[0].Status != forms.SolutionScreened {
		t.Fatalf("solutions of n1: %v, %v", list, err)
	}
	if l, _ := s.Solutions(ctx, n2.ID); len(l) != 1 || l[0].Provider() != "苏州某自动化公司" {
		t.Errorf("solutions of n2: %v", l)
	}
	revs, err := s.SolutionRevisions(ctx, a.ID)
	if err != nil || len(revs) != 2 || revs[0].Status != forms.SolutionSubmitted || revs[1].Values.Get("solution_notes") != "已电话沟通" {
		t.Errorf("revisions: %v, %v", revs, err)
	}
	st, err := s.SolutionStatuses(ctx)
	if err != nil || len(st[n1.ID]) != 2 || len(st[n2.ID]) != 1 {
		t.Errorf("statuses %v, %v", st, err)
	}
	// Every solution has one outbox entry, carrying its latest revision
	// from the base the platform knows (none yet: the first save's).
	box, _ := s.Outbox(ctx, 0)
	bySol := map[string]OutboxEntry{}
	for _, x := range box {
		if x.Kind == KindSolution {
			bySol[x.ID] = x
		}
	}
	if after, _ := s.OutboxStats(ctx); after.Pending-before.Pending != 3 || len(bySol) != 3 {
		t.Fatalf("%d solution entries", len(bySol))
	}
	if e := bySol[a.ID]; e.Rev != a.Rev || e.BaseRev != "" || !bytes.Contains(e.Body, []byte("已电话沟通")) {
		t.Errorf("a's entry %+v", e)
	}
	// Refusals, each leaving the record as it was.
	stale := *list[1]
	stale.Rev = "not-the-current"
	if err := s.SaveSolution(ctx, &stale); !errors.Is(err, ErrConflict) {
		t.Errorf("stale edit: %v", err)
	}
	moved := list[1].Clone()
	moved.NeedID = n2.ID
	if err := s.SaveSolution(ctx, moved); !errors.Is(err, ErrInvalid) || moved.Rev != list[1].Rev {
		t.Errorf("moved to another need: %v", err)
	}
	for _, bad := range []*forms.Solution{
		{NeedID: "no-such-need", Status: forms.SolutionSubmitted, Source: forms.SourcePaper},
		{NeedID: n1.ID, Status: "archived", Source: forms.SourcePaper},
		{NeedID: n1.ID, Status: forms.SolutionSubmitted, Source: "fax"},
	} {
		if err := s.SaveSolution(ctx, bad); err == nil || bad.ID != "" {
			t.Errorf("saved %+v (%v)", bad, err)
		}
	}
	// The contacts are sealed at rest (every commit is on disk).
	raw, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{solPhone, "赵研究员", "江苏省产业技术研究院", "已电话沟通"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the data file shows %q", secret)
		}
	}
}

func TestSolutionsFromThePlatform(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	at := time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC)
	remote := &forms.Solution{ID: "sol-1", NeedID: "need-not-here-yet", Rev: "h1", Status: forms.SolutionSubmitted, Source: forms.SourcePublicPage,
		Values: forms.Values{"provider_name": {"苏州大学"}}, Receipt: "JB260512-0001", Team: "suzhou", CreatedBy: "公开页揭榜", CreatedAt: at, UpdatedAt: at}
	before, _ := s.OutboxStats(ctx)
	if err := s.Update(ctx, func(tx *Tx) error { return tx.PutSolutionRemote(remote) }); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.OutboxStats(ctx); after.Pending != before.Pending {
		t.Error("a solution from the platform went into the outbox")
	}
	got, err := s.Solution(ctx, "sol-1")
	if err != nil || got.Rev != "h1" || got.Receipt != "JB260512-0001" || !got.CreatedAt.Equal(at) {
		t.Fatalf("remote solution %+v, %v", got, err)
	}
	if l, _ := s.Solutions(ctx, "need-not-here-yet"); len(l) != 1 {
		t.Errorf("listed by its need: %v", l)
	}
	// The same revision again replaces it in place; an older one is refused.
	remote.Values.Set("provider_name", "苏州大学（更正）")
	if err := s.Update(ctx, func(tx *Tx) error { return tx.PutSolutionRemote(remote) }); err != nil {
		t.Fatal(err)
	}
	next := remote.Clone()
	next.Rev, next.BaseRev, next.Status = "h2", "h1", forms.SolutionScreened
	if err := s.Update(ctx, func(tx *Tx) error { return tx.PutSolutionRemote(next) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, func(tx *Tx) error { return tx.PutSolutionRemote(remote) }); !errors.Is(err, ErrConflict) {
		t.Errorf("an older revision: %v", err)
	}
	if revs, _ := s.SolutionRevisions(ctx, "sol-1"); len(revs) != 2 || revs[0].Provider() != "苏州大学（更正）" {
		t.Errorf("revisions %v", revs)
	}
}

// A schema 3 data dir (before solutions) is migrated, after a backup, and
// takes solutions.
func TestMigrateToSolutions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	e := mustSaveEnterprise(t, s, newEnterprise("苏州乙电子有限公司", "91110108551385082Q", "320506"))
	n := mustSaveNeed(t, s, newNeed(e.ID, "MEMS 传感器晶圆级封装"))
	s.Close()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(btx *bolt.Tx) error {
		for _, b := range [][]byte{solutionSummariesBucket, solutionRevisionsBucket, solutionByNeedBucket} {
			if err := btx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return btx.Bucket(metaBucket).Put(metaSchemaKey, []byte("3"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if b, _ := filepath.Glob(filepath.Join(dir, FileName+".schema3-*.bak*")); len(b) != 1 {
		t.Errorf("backups %v", b)
	}
	_ = s.View(ctx, func(tx *Tx) error {
		if v := string(tx.Meta("schema")); v != strconv.Itoa(schemaVersion) {
			t.Errorf("schema %q", v)
		}
		return nil
	})
	if err := s.SaveSolution(ctx, newSolution(n.ID, "中科院苏州纳米所")); err != nil {
		t.Fatal(err)
	}
}
