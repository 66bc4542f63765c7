package store

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

func TestImportAllOrNothing(t *testing.T) {
	s, _ := openTest(t)
	existing := mustSaveEnterprise(t, s, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
	mustSaveNeed(t, s, newNeed(existing.ID, "原有需求"))
	fileBefore := fileDigest(t, s)
	boxBefore, _ := s.Outbox(bg, 0)

	ents := []*forms.Enterprise{
		func() *forms.Enterprise {
			e := newEnterprise("乙公司", "91320500BBBBBBBB2B", "320583")
			e.ID = "row-2"
			return e
		}(),
	}
	needs := []*forms.Need{
		newNeed("row-2", "第一条"),
		newNeed("row-2", "第二条"),
		newNeed("row-99", "引用不存在的企业"), // fails: the whole import must leave nothing
		newNeed("row-2", "第四条"),
	}
	rep, err := s.Import(bg, ents, needs, ImportOptions{})
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "need 3") {
		t.Fatalf("Import = %v, want ErrNotFound for need 3", err)
	}
	if len(rep.Items) != 0 {
		t.Errorf("a failed import reported %v", rep.Items)
	}
	if got := fileDigest(t, s); got != fileBefore {
		t.Errorf("a failed import changed the store:\n%s\nwas\n%s", got, fileBefore)
	}
	if s.CountNeeds(bg) != 1 {
		t.Errorf("need list has %d needs", s.CountNeeds(bg))
	}
	if box, _ := s.Outbox(bg, 0); len(box) != len(boxBefore) {
		t.Errorf("outbox has %d entries, had %d", len(box), len(boxBefore))
	}
	if ents[0].ID != "row-2" || needs[0].ID != "" || needs[0].Rev != "" {
		t.Error("Import modified its arguments")
	}

	// A dry run of the good records reports, and changes nothing.
	rep, err = s.Import(bg, ents, slices.Delete(slices.Clone(needs), 2, 3), ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.DryRun || rep.Created != 4 || len(rep.Items) != 4 {
		t.Errorf("dry run report: %+v", rep)
	}
	if got := fileDigest(t, s); got != fileBefore {
		t.Error("a dry run changed the store")
	}
	if s.CountNeeds(bg) != 1 {
		t.Errorf("need list has %d needs after a dry run", s.CountNeeds(bg))
	}
}

// fileDigest describes everything stored, bucket by bucket: each key with
// a hash of its value.
func fileDigest(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	err := s.View(bg, func(tx *Tx) error {
		for _, name := range allBuckets {
			fmt.Fprintf(&b, "%s (seq %d):", name, tx.bucket(name).Sequence())
			err := tx.bucket(name).ForEach(func(k, v []byte) error {
				fmt.Fprintf(&b, " %q=%x", k, sha256.Sum256(v))
				return nil
			})
			if err != nil {
				return err
			}
			b.WriteByte('\n')
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestImportMerge(t *testing.T) {
	s, _ := openTest(t)
	stored := mustSaveEnterprise(t, s, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
	storedNeed := mustSaveNeed(t, s, newNeed(stored.ID, "MEMS 封装"))

	same := newEnterprise("甲公司（新名）", " 91320500aaaaaaaa1a ", "")
	same.ID = "r1"
	same.Contacts = []forms.Contact{{ID: "c1", Values: forms.Values{"contact_name": {"李四"}, "contact_email": {"li@example.com"}}}}
	other := newEnterprise("乙公司", "91320500BBBBBBBB2B", "320583")
	other.ID = "r2"
	unchanged := newNeed("r1", "mems 封装") // same title, ignoring case: matches the stored need
	unchanged.Values = forms.Values{"title": {"MEMS 封装"}}
	updated := newNeed("r1", "MEMS 封装")
	updated.Values = forms.Values{"budget_wan": {"120"}}
	updated.Values.Set("title", "MEMS 封装")
	updated.ContactID = "c1"
	created := newNeed("r2", "新需求")
	created.Status = ""
	// The same need twice in the sheet: the second row updates what the
	// first created, in the same transaction.
	again := newNeed("r2", "新需求")
	again.Values = forms.Values{"title": {"新需求"}, "indicators": {"精度0.1μm"}}

	rep, err := s.Import(bg, []*forms.Enterprise{same, other}, []*forms.Need{unchanged, updated, created, again}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type item struct{ action, kind, id string }
	var got []item
	for _, it := range rep.Items {
		got = append(got, item{it.Action, it.Kind, it.ID})
	}
	want := []item{
		{ActionUpdate, KindEnterprise, stored.ID},
		{ActionCreate, KindEnterprise, rep.Items[1].ID},
		{ActionSkip, KindNeed, storedNeed.ID},
		{ActionUpdate, KindNeed, storedNeed.ID},
		{ActionCreate, KindNeed, rep.Items[4].ID},
		{ActionUpdate, KindNeed, rep.Items[4].ID},
	}
	if !slices.Equal(got, want) || rep.Created != 2 || rep.Updated != 3 || rep.Skipped != 1 {
		t.Fatalf("report:\n got %v %+v\nwant %v", got, rep, want)
	}
	if rep.Items[1].ID == "r2" || rep.Items[4].ID == "" {
		t.Error("created records kept the sheet's ids")
	}

	e, _ := s.Enterprise(bg, stored.ID)
	if e.Name() != "甲公司（新名）" || e.Values.Get("region") != "320500" || len(e.Contacts) != 1 ||
		e.Contacts[0].Values.Get("contact_email") != "li@example.com" || e.Contacts[0].Values.Get("contact_mobile") == "" {
		t.Errorf("merged enterprise: %+v %+v", e.Values, e.Contacts)
	}
	n, _ := s.Need(bg, storedNeed.ID)
	if n.Values.Get("budget_wan") != "120" || n.Values.Get("problem") == "" || n.ContactID != e.Contacts[0].ID || n.BaseRev != storedNeed.Rev {
		t.Errorf("merged need: %+v", n)
	}
	c, _ := s.Need(bg, rep.Items[4].ID)
	if c.Status != forms.StatusDraft || c.EnterpriseID != rep.Items[1].ID || rep.Items[4].Name != "乙公司" ||
		c.Values.Get("indicators") != "精度0.1μm" || c.Values.Get("problem") == "" {
		t.Errorf("created need: status %s enterprise %s values %v", c.Status, c.EnterpriseID, c.Values)
	}
	if revs, _ := s.NeedRevisions(bg, c.ID); len(revs) != 2 || revs[1].BaseRev != revs[0].Rev {
		t.Errorf("the need created and updated by one import has %d revisions", len(revs))
	}
	if l, _ := s.Needs(bg, Query{Text: "新需求"}); len(l) != 1 || l[0].EnterpriseName != "乙公司" {
		t.Errorf("need list after the import: %+v", l)
	}
}

func TestImportExact(t *testing.T) {
	src, _ := openTest(t)
	e := mustSaveEnterprise(t, src, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
	n := newNeed(e.ID, "第一版")
	mustSaveNeed(t, src, n)
	n.Values.Set("title", "第二版")
	mustSaveNeed(t, src, n)
	revs, _ := src.NeedRevisions(bg, n.ID)

	dst, _ := openTest(t)
	ents := []*forms.Enterprise{e}
	rep, err := dst.Import(bg, ents, revs, ImportOptions{Exact: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 2 || rep.Updated != 1 {
		t.Errorf("report: %+v", rep)
	}
	got, err := dst.NeedRevisions(bg, n.ID)
	if err != nil || len(got) != 2 {
		t.Fatalf("revisions in the copy: %d, %v", len(got), err)
	}
	for i := range got {
		if got[i].ID != revs[i].ID || got[i].Rev != revs[i].Rev || got[i].BaseRev != revs[i].BaseRev ||
			!got[i].UpdatedAt.Equal(revs[i].UpdatedAt) || got[i].CreatedBy != revs[i].CreatedBy {
			t.Errorf("revision %d: %s/%s base %s, want %s/%s base %s", i, got[i].ID, got[i].Rev, got[i].BaseRev, revs[i].ID, revs[i].Rev, revs[i].BaseRev)
		}
	}
	ge, _ := dst.Enterprise(bg, e.ID)
	if ge.Rev != e.Rev || ge.Contacts[0].ID != e.Contacts[0].ID {
		t.Errorf("enterprise: rev %s, want %s", ge.Rev, e.Rev)
	}
	box, _ := dst.Outbox(bg, 0)
	if len(box) != 3 {
		t.Errorf("outbox: %d entries, want 3", len(box))
	}

	// Importing the same file again is a no-op.
	rep, err = dst.Import(bg, ents, revs, ImportOptions{Exact: true})
	if err != nil || rep.Skipped != 3 || rep.Created+rep.Updated != 0 {
		t.Errorf("second import: %+v, %v", rep, err)
	}
	if box2, _ := dst.Outbox(bg, 0); len(box2) != len(box) {
		t.Errorf("outbox grew to %d on a repeated import", len(box2))
	}
	// Exact import needs ids and revs.
	noRev := newNeed(e.ID, "x")
	noRev.ID = forms.NewID()
	if _, err := dst.Import(bg, nil, []*forms.Need{noRev}, ImportOptions{Exact: true}); !errors.Is(err, ErrInvalid) {
		t.Errorf("exact import without rev: %v", err)
	}
}

func TestPutRemote(t *testing.T) {
	s, _ := openTest(t)
	// A need can arrive before its enterprise.
	n := newNeed("ent-remote", "平台上的需求")
	n.ID, n.Rev, n.Status = forms.NewID(), forms.NewID(), forms.StatusPublished
	n.Platform = forms.Platform{State: "已发布", URL: "https://example.org/need/1"}
	if err := s.Update(bg, func(tx *Tx) error { return tx.PutNeedRemote(n) }); err != nil {
		t.Fatal(err)
	}
	e := newEnterprise("远方公司", "91320500DDDDDDDD4D", "320500")
	e.ID, e.Rev = "ent-remote", forms.NewID()
	e.Contacts[0].ID = "c"
	if err := s.Update(bg, func(tx *Tx) error { return tx.PutEnterpriseRemote(e) }); err != nil {
		t.Fatal(err)
	}
	l, _ := s.Needs(bg, Query{Text: "远方"})
	if len(l) != 1 || l[0].Status != forms.StatusPublished {
		t.Errorf("need list after the enterprise arrived: %+v", l)
	}
	if box, _ := s.Outbox(bg, 0); len(box) != 0 {
		t.Errorf("remote records went to the outbox: %+v", box)
	}
	// The same revision again replaces it; an older one is a conflict.
	old := n.Rev
	n.Platform.Comment = "已审核"
	if err := s.Update(bg, func(tx *Tx) error { return tx.PutNeedRemote(n) }); err != nil {
		t.Fatal(err)
	}
	n2 := *n
	n2.Rev, n2.BaseRev = forms.NewID(), old
	if err := s.Update(bg, func(tx *Tx) error { return tx.PutNeedRemote(&n2) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(bg, func(tx *Tx) error { return tx.PutNeedRemote(n) }); !errors.Is(err, ErrConflict) {
		t.Errorf("putting an older revision = %v, want ErrConflict", err)
	}
	revs, _ := s.NeedRevisions(bg, n.ID)
	if len(revs) != 2 || revs[0].Platform.Comment != "已审核" || revs[1].Rev != n2.Rev {
		t.Errorf("revisions: %d", len(revs))
	}
}
