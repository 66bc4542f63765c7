package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/forms/xlsx"
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

func TestImportMerge(t *testing.T) { testImportMerge(t) }

// TestImportMergeWhenTitleHashesCollide: the import's title index answers
// as an exact map even when every enterprise and title hash alike.
func TestImportMergeWhenTitleHashesCollide(t *testing.T) {
	old := titleSum
	t.Cleanup(func() { titleSum = old })
	titleSum = func(maphash.Seed, string, string) uint64 { return 42 }
	testImportMerge(t)
}

func testImportMerge(t *testing.T) {
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
	// One entry per record: the need's carries its latest revision, based
	// on nothing the platform has.
	box, _ := dst.Outbox(bg, 0)
	if len(box) != 2 || box[1].Rev != revs[1].Rev || box[1].BaseRev != "" {
		t.Errorf("outbox: %+v, want the enterprise and the need's latest revision", box)
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

// countEnterprises counts the stored enterprises.
func countEnterprises(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	if err := s.ForEachEnterprise(bg, func(*forms.Enterprise) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// storedNeeds maps the stored needs by id.
func storedNeeds(t *testing.T, s *Store) map[string]*forms.Need {
	t.Helper()
	out := map[string]*forms.Need{}
	if err := s.ForEachNeed(bg, func(n *forms.Need) error { out[n.ID] = n; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportPlatformSheet exports demo data to the platform sheet and
// imports it: into an empty store (anonymous needs of one alias stay with
// different enterprises), into it again, and into the store it came from —
// no need or enterprise is created twice.
func TestImportPlatformSheet(t *testing.T) {
	orig, _ := openTest(t)
	set := demo.Generate(2026, 80)
	if _, err := orig.Import(bg, set.Enterprises, set.Needs, ImportOptions{Exact: true}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	st, err := xlsx.WritePlatform(bg, &buf, orig, xlsx.PlatformOptions{Profile: "xunbang"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := xlsx.Read(bg, bytes.NewReader(buf.Bytes()), int64(buf.Len()), xlsx.Options{HomeRegion: "320500"})
	if err != nil {
		t.Fatal(err)
	}
	if b.HasErrors() {
		t.Fatalf("the platform sheet reads with errors: %v", b.Errors())
	}
	if len(b.Needs) != st.Needs {
		t.Fatalf("read %d needs, exported %d", len(b.Needs), st.Needs)
	}
	origNeeds := storedNeeds(t, orig)
	// Anonymous needs of different enterprises under one alias.
	byAlias := map[string][]*forms.Need{}
	for _, n := range b.Needs {
		o := origNeeds[n.ID]
		if o == nil {
			t.Fatalf("need %s (%s) does not carry its original id", n.ID, n.Title())
		}
		if o.Visibility() == forms.VisibilityAnonymous {
			a := n.Values.Get("public_alias")
			byAlias[a] = append(byAlias[a], n)
		}
	}
	var shared [][2]*forms.Need // pairs of one alias, different enterprises
	for _, ns := range byAlias {
		for i := 1; i < len(ns); i++ {
			if origNeeds[ns[0].ID].EnterpriseID != origNeeds[ns[i].ID].EnterpriseID {
				shared = append(shared, [2]*forms.Need{ns[0], ns[i]})
			}
		}
	}
	if len(shared) == 0 {
		t.Fatal("the demo data has no two enterprises sharing an alias: the test proves nothing")
	}
	// The upload is not the publication (issue 13.4): an anonymous row
	// names its real enterprise, so nothing is known only by an alias.
	for _, p := range b.Problems {
		if p.Code == "enterprise.alias_only" {
			t.Errorf("an anonymous row names no real enterprise: %v", p)
		}
	}
	origEntNames := map[string]string{}
	if err := orig.ForEachEnterprise(bg, func(e *forms.Enterprise) error { origEntNames[e.ID] = e.Name(); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, ns := range byAlias {
		for _, n := range ns {
			var name string
			for _, e := range b.Enterprises {
				if e.ID == n.EnterpriseID {
					name = e.Name()
				}
			}
			if want := origEntNames[origNeeds[n.ID].EnterpriseID]; name != want {
				t.Errorf("anonymous need %q: enterprise %q on the sheet, want %q", n.Title(), name, want)
			}
		}
	}

	fresh, _ := openTest(t)
	rep, err := fresh.Import(bg, b.Enterprises, b.Needs, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := fresh.CountNeeds(bg); got != len(b.Needs) || countNeedItems(rep, ActionCreate) != len(b.Needs) {
		t.Fatalf("empty store: %d needs stored, %d created, want %d", got, countNeedItems(rep, ActionCreate), len(b.Needs))
	}
	got := storedNeeds(t, fresh)
	for _, pr := range shared {
		a, c := got[pr[0].ID], got[pr[1].ID]
		if a == nil || c == nil {
			t.Fatalf("needs %s, %s not stored under their ids", pr[0].ID, pr[1].ID)
		}
		if a.EnterpriseID == c.EnterpriseID {
			t.Errorf("%q and %q, of different enterprises sharing the alias %q, were put under one enterprise",
				a.Title(), c.Title(), pr[0].Values.Get("public_alias"))
		}
	}
	ents := countEnterprises(t, fresh)

	// Again, as a preview and for real: nothing is created.
	for _, dry := range []bool{true, false} {
		rep, err := fresh.Import(bg, b.Enterprises, b.Needs, ImportOptions{DryRun: dry})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 0 || countNeedItems(rep, ActionUpdate)+countNeedItems(rep, ActionSkip) != len(b.Needs) {
			t.Errorf("re-import (dry run %v): %d created, %d updated, %d skipped", dry, rep.Created, rep.Updated, rep.Skipped)
		}
		if fresh.CountNeeds(bg) != len(b.Needs) || countEnterprises(t, fresh) != ents {
			t.Errorf("re-import (dry run %v): %d needs, %d enterprises; want %d, %d", dry, fresh.CountNeeds(bg), countEnterprises(t, fresh), len(b.Needs), ents)
		}
	}
	for id, n := range storedNeeds(t, fresh) {
		if got[id] == nil || got[id].EnterpriseID != n.EnterpriseID {
			t.Errorf("re-import moved need %s", id)
		}
	}

	// Into the store it came from: every row updates its need, in place.
	origEnts := map[string]string{}
	if err := orig.ForEachEnterprise(bg, func(e *forms.Enterprise) error { origEnts[e.ID] = e.Name(); return nil }); err != nil {
		t.Fatal(err)
	}
	needsBefore := orig.CountNeeds(bg)
	rep, err = orig.Import(bg, b.Enterprises, b.Needs, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 0 {
		for _, it := range rep.Items {
			if it.Action == ActionCreate {
				t.Errorf("import into the original store created %s %s %q %q", it.Kind, it.ID, it.Name, it.Title)
			}
		}
	}
	// Nothing on the sheet is news to the store it came from.
	if n := countNeedItems(rep, ActionSkip); n != len(b.Needs) || rep.Updated != 0 {
		t.Errorf("original store: %d of %d needs unchanged, %d records updated", n, len(b.Needs), rep.Updated)
	}
	if orig.CountNeeds(bg) != needsBefore || countEnterprises(t, orig) != len(origEnts) {
		t.Errorf("original store: %d needs, %d enterprises; had %d, %d", orig.CountNeeds(bg), countEnterprises(t, orig), needsBefore, len(origEnts))
	}
	for id, n := range storedNeeds(t, orig) {
		if origNeeds[id].EnterpriseID != n.EnterpriseID {
			t.Errorf("need %s moved to another enterprise", id)
		}
	}
	if err := orig.ForEachEnterprise(bg, func(e *forms.Enterprise) error {
		if e.Name() != origEnts[e.ID] {
			t.Errorf("enterprise %s renamed %q → %q", e.ID, origEnts[e.ID], e.Name())
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func countNeedItems(rep ImportReport, action string) int {
	n := 0
	for _, it := range rep.Items {
		if it.Kind == KindNeed && it.Action == action {
			n++
		}
	}
	return n
}

// TestImportNeedByID: a need that carries a stored need's id is that need,
// whatever its title; one whose id is new keeps it; one given as another
// stored enterprise's is a conflict, and nothing is written.
func TestImportNeedByID(t *testing.T) {
	const newID = "0b9c8d7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e"
	type want struct {
		action   string // of the need
		ent      string // "a", "b", or "new": the enterprise the need ends up with
		conflict bool
	}
	for _, tc := range []struct {
		name string
		// ent is the need's enterprise in the import: "code-a", "code-b",
		// "code-new" (a credit code not stored), "alias", "name-only", or
		// "stored-b" (enterprise b's id, not in ents).
		ent   string
		id    string // "stored", "new" or ""
		title string
		want  want
	}{
		{"stored id, renamed", "code-a", "stored", "改过名的需求", want{ActionUpdate, "a", false}},
		{"stored id, alias, no code", "alias", "stored", "原有需求", want{ActionSkip, "a", false}},
		{"stored id, name only", "name-only", "stored", "原有需求", want{ActionSkip, "a", false}},
		{"stored id, code of another stored enterprise", "code-b", "stored", "原有需求", want{conflict: true}},
		{"stored id, another stored enterprise's id", "stored-b", "stored", "原有需求", want{conflict: true}},
		{"stored id, a credit code not stored", "code-new", "stored", "原有需求", want{conflict: true}},
		{"new id", "code-a", "new", "新的需求", want{ActionCreate, "a", false}},
		{"new id, alias", "alias", "new", "新的需求", want{ActionCreate, "new", false}},
		{"no id, same title", "code-a", "", "原有需求", want{ActionSkip, "a", false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTest(t)
			a := mustSaveEnterprise(t, s, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
			bEnt := mustSaveEnterprise(t, s, newEnterprise("乙公司", "91320500BBBBBBBB2B", "320500"))
			stored := newNeed(a.ID, "原有需求")
			stored.ContactID = a.Contacts[0].ID
			mustSaveNeed(t, s, stored)
			before := fileDigest(t, s)

			var ents []*forms.Enterprise
			eid := "row-2"
			switch tc.ent {
			case "code-a":
				ents = append(ents, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
			case "code-b":
				ents = append(ents, newEnterprise("乙公司", "91320500BBBBBBBB2B", "320500"))
			case "code-new":
				ents = append(ents, newEnterprise("丙公司", "91320500CCCCCCCC3C", "320500"))
			case "alias":
				e := newEnterprise("苏州市某微电子企业", "", "320500")
				e.Contacts = nil
				ents = append(ents, e)
			case "name-only":
				ents = append(ents, newEnterprise("甲公司", "", "320500"))
			case "stored-b":
				eid = bEnt.ID
			}
			if len(ents) > 0 {
				ents[0].ID = eid
			}
			n := newNeed(eid, tc.title)
			if tc.ent == "alias" {
				n.Values.Set("visibility", string(forms.VisibilityAnonymous))
				n.Values.Set("public_alias", "苏州市某微电子企业")
				stored := storedNeeds(t, s)[stored.ID]
				n.Values = stored.Values.Clone() // unchanged but for the enterprise
				if tc.id == "new" {
					n.Values.Set("title", tc.title)
				}
			}
			switch tc.id {
			case "stored":
				n.ID = stored.ID
			case "new":
				n.ID = newID
			}
			rep, err := s.Import(bg, ents, []*forms.Need{n}, ImportOptions{})
			if tc.want.conflict {
				var ce *ImportConflictError
				if !errors.Is(err, ErrNeedElsewhere) || !errors.As(err, &ce) || len(ce.Needs) != 1 {
					t.Fatalf("Import = %v, want a conflict", err)
				}
				if c := ce.Needs[0]; c.Index != 0 || c.ID != stored.ID || c.Enterprise != "甲公司" || c.EnterpriseCode != "91320500AAAAAAAA1A" || c.Given == "" {
					t.Errorf("conflict %+v", c)
				}
				if !strings.Contains(err.Error(), "need 1") {
					t.Errorf("error %q does not name the need", err)
				}
				if fileDigest(t, s) != before {
					t.Error("a failed import changed the store")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			it := rep.Items[len(rep.Items)-1]
			if it.Kind != KindNeed || it.Action != tc.want.action {
				t.Fatalf("need item %+v, want %s", it, tc.want.action)
			}
			if tc.id != "" && it.ID != n.ID {
				t.Errorf("need stored as %s, want %s", it.ID, n.ID)
			}
			got, err := s.Need(bg, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch tc.want.ent {
			case "a":
				if got.EnterpriseID != a.ID {
					t.Errorf("need's enterprise %s, want 甲公司's %s", got.EnterpriseID, a.ID)
				}
			case "new":
				if got.EnterpriseID == a.ID || got.EnterpriseID == bEnt.ID {
					t.Errorf("need's enterprise %s, want a new one", got.EnterpriseID)
				}
			}
			if got.Title() != tc.title {
				t.Errorf("title %q, want %q", got.Title(), tc.title)
			}
			if e, _ := s.Enterprise(bg, a.ID); e.Name() != "甲公司" {
				t.Errorf("甲公司 renamed %q", e.Name())
			}
			wantEnts := 2
			if tc.want.ent == "new" {
				wantEnts = 3
			}
			if n := countEnterprises(t, s); n != wantEnts {
				t.Errorf("%d enterprises, want %d", n, wantEnts)
			}
		})
	}
}

// TestImportUnknownIDSameTitle: a sheet row carrying an ID the store does
// not know, for a need its enterprise already has under the same title
// (recorded before sheets carried IDs), updates that need rather than
// doubling it; two rows of one import with IDs of their own are two needs
// even when their titles agree.
func TestImportUnknownIDSameTitle(t *testing.T) {
	const id1, id2 = "0b9c8d7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e", "1c0d9e8f-7a6b-4c5d-9e3f-2a1b0c9d8e7f"
	s, _ := openTest(t)
	a := mustSaveEnterprise(t, s, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
	old := newNeed(a.ID, "原有需求")
	mustSaveNeed(t, s, old)

	row := func(id, title string) ([]*forms.Enterprise, *forms.Need) {
		e := newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500")
		e.ID = "row-" + id
		n := newNeed(e.ID, title)
		n.ID = id
		return []*forms.Enterprise{e}, n
	}
	ents, n := row(id1, "原有需求")
	rep, err := s.Import(bg, ents, []*forms.Need{n}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	it := rep.Items[len(rep.Items)-1]
	if it.Kind != KindNeed || it.Action == ActionCreate || it.ID != old.ID {
		t.Errorf("need item %+v, want the stored need %s updated or unchanged", it, old.ID)
	}
	if got := len(storedNeeds(t, s)); got != 1 {
		t.Errorf("%d needs stored, want 1", got)
	}

	e1, n1 := row(id1, "新的需求")
	_, n2 := row(id2, "新的需求")
	n2.EnterpriseID = e1[0].ID
	if _, err := s.Import(bg, e1, []*forms.Need{n1, n2}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	needs := storedNeeds(t, s)
	if len(needs) != 3 || needs[id1] == nil || needs[id2] == nil {
		t.Errorf("stored needs %d (want 3, with both sheet IDs)", len(needs))
	}
}

// TestImportTellsWhatChangesAndWhatGoesBack is issue 12.11: an import says,
// per updated record, which fields it changes, and which needs it sends back
// to 待企业确认 — also those of an enterprise whose confirmed name changes.
func TestImportTellsWhatChangesAndWhatGoesBack(t *testing.T) {
	s, _ := openTest(t)
	cat := forms.Default()
	ent := mustSaveEnterprise(t, s, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
	published := func(title string) *forms.Need {
		n := newNeed(ent.ID, title)
		n.Status = forms.StatusToConfirm
		if err := cat.Confirm(n, ent, forms.Confirmation{}); err != nil {
			t.Fatal(err)
		}
		if err := n.Transition(forms.StatusPublished); err != nil {
			t.Fatal(err)
		}
		return mustSaveNeed(t, s, n)
	}
	a, b := published("甲需求"), published("乙需求")

	for _, dry := range []bool{true, false} {
		// The sheet's row of 甲需求, its budget edited.
		row := newNeed("row-2", "甲需求")
		row.ID = a.ID
		row.Values.Set("budget_wan", "80")
		rep, err := s.Import(bg, []*forms.Enterprise{withID(newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"), "row-2")},
			[]*forms.Need{row}, ImportOptions{DryRun: dry})
		if err != nil {
			t.Fatal(err)
		}
		var it ImportItem
		for _, x := range rep.Items {
			if x.Kind == KindNeed {
				it = x
			}
		}
		if it.Action != ActionUpdate || !slices.Equal(it.Fields, []string{"budget_wan"}) {
			t.Errorf("dry run %v: need item %+v", dry, it)
		}
		c, ok := rep.StatusChange(a.ID)
		if !ok || c.From != forms.StatusPublished || c.To != forms.StatusToConfirm || c.Title != "甲需求" {
			t.Errorf("dry run %v: status changes %+v", dry, rep.StatusChanges)
		}
		if _, ok := rep.StatusChange(b.ID); ok {
			t.Errorf("dry run %v: 乙需求's status changes too", dry)
		}
	}

	// A new name of the enterprise: both its confirmed needs go back, the
	// one the sheet does not name included.
	renamed := withID(newEnterprise("甲公司（新名）", "91320500AAAAAAAA1A", "320500"), "row-9")
	rep, err := s.Import(bg, []*forms.Enterprise{renamed}, nil, ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != 1 || !slices.Contains(rep.Items[0].Fields, "enterprise_name") {
		t.Errorf("enterprise item %+v", rep.Items)
	}
	if c, ok := rep.StatusChange(b.ID); !ok || c.From != forms.StatusPublished || c.To != forms.StatusToConfirm {
		t.Errorf("renaming the enterprise: status changes %+v", rep.StatusChanges)
	}
}

func withID(e *forms.Enterprise, id string) *forms.Enterprise {
	e.ID = id
	return e
}

// A report keeps at most MaxItems items and counts every record, by
// action and by kind: the report of a big import takes a fixed room.
func TestImportReportKeepsAtMostMaxItems(t *testing.T) {
	for _, max := range []int{0, 1, 7, 100} {
		s, _ := openTest(t)
		ents := []*forms.Enterprise{newEnterprise("乙公司", "91320500BBBBBBBB2B", "320583")}
		ents[0].ID = "row-2"
		var needs []*forms.Need
		for i := range 12 {
			needs = append(needs, newNeed("row-2", fmt.Sprintf("第 %d 条需求", i+1)))
		}
		rep, err := s.Import(bg, ents, needs, ImportOptions{MaxItems: max})
		if err != nil {
			t.Fatal(err)
		}
		kept := 13
		if max > 0 {
			kept = min(max, 13)
		}
		if len(rep.Items) != kept || rep.ItemsLeftOut != 13-kept {
			t.Errorf("MaxItems %d: %d items kept, %d left out", max, len(rep.Items), rep.ItemsLeftOut)
		}
		if rep.Created != 13 || rep.Kinds[KindNeed] != (ActionCounts{Created: 12}) || rep.Kinds[KindEnterprise] != (ActionCounts{Created: 1}) {
			t.Errorf("MaxItems %d: created %d, kinds %v", max, rep.Created, rep.Kinds)
		}
		if s.CountNeeds(bg) != 12 {
			t.Errorf("MaxItems %d: %d needs stored", max, s.CountNeeds(bg))
		}
	}
}

// TestImportContactOfNeed: a need names its contact by the id the import
// gives it; the need is stored with the id the contact has in the store.
// An enterprise matched to a stored one maps its contacts by name (a new
// one is added); one the import creates keeps its contacts' ids, also when
// a later row of the same enterprise brings another contact.
func TestImportContactOfNeed(t *testing.T) {
	const (
		keptID  = "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d" // a valid id, kept
		otherID = "6e2d3c4b-5f6a-4b7c-9d8e-0f1a2b3c4d5e"
	)
	s, _ := openTest(t)
	stored := mustSaveEnterprise(t, s, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500")) // contact 李四

	// Enterprise a: the stored one, given as "row-a" with 李四 (as g-li)
	// and a new 王五 (g-wang). Enterprise n: new, given twice ("row-n1"
	// with 赵六, "row-n2" — the same credit code — with 钱七).
	a := newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500")
	a.ID = "row-a"
	a.Contacts = []forms.Contact{
		{ID: "g-li", Values: forms.Values{"contact_name": {"李四"}}},
		{ID: "g-wang", Values: forms.Values{"contact_name": {"王五"}, "contact_mobile": {"13900000000"}}},
	}
	n1 := newEnterprise("丁公司", "91320500DDDDDDDD4D", "320500")
	n1.ID = "row-n1"
	n1.Contacts = []forms.Contact{{ID: keptID, Values: forms.Values{"contact_name": {"赵六"}}}}
	n2 := newEnterprise("丁公司", "91320500DDDDDDDD4D", "320500")
	n2.ID = "row-n2"
	n2.Contacts = []forms.Contact{{ID: otherID, Values: forms.Values{"contact_name": {"钱七"}}}}

	need := func(eid, contact, title string) *forms.Need {
		n := newNeed(eid, title)
		n.ContactID = contact
		return n
	}
	needs := []*forms.Need{
		need("row-a", "g-li", "找李四"),
		need("row-a", "g-wang", "找王五"),
		need("row-n1", keptID, "找赵六"),
		need("row-n2", otherID, "找钱七"),
		need("row-n2", keptID, "丁公司另一行找赵六"),
	}
	if _, err := s.Import(bg, []*forms.Enterprise{a, n1, n2}, needs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	contactName := map[string]string{} // stored contact id -> name
	ents := map[string]*forms.Enterprise{}
	if err := s.ForEachEnterprise(bg, func(e *forms.Enterprise) error {
		ents[e.Name()] = e
		for _, c := range e.Contacts {
			contactName[c.ID] = c.Values.Get("contact_name")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(ents) != 2 || ents["甲公司"].ID != stored.ID {
		t.Fatalf("enterprises after import: %v", slices.Collect(maps.Keys(ents)))
	}
	if got := len(ents["甲公司"].Contacts); got != 2 {
		t.Errorf("甲公司 has %d contacts, want 李四 and 王五", got)
	}
	if got := len(ents["丁公司"].Contacts); got != 2 {
		t.Errorf("丁公司 has %d contacts, want 赵六 and 钱七", got)
	}
	want := map[string]string{"找李四": "李四", "找王五": "王五", "找赵六": "赵六", "找钱七": "钱七", "丁公司另一行找赵六": "赵六"}
	for _, n := range storedNeeds(t, s) {
		if name := contactName[n.ContactID]; name != want[n.Title()] {
			t.Errorf("need %s: contact %q (%s), want %s", n.Title(), n.ContactID, name, want[n.Title()])
		}
	}
	if c, ok := ents["丁公司"].Contact(keptID); !ok || c.Values.Get("contact_name") != "赵六" {
		t.Errorf("the created enterprise's contact did not keep its id")
	}
}

// TestImportSameTitleAtANewEnterprise: an enterprise the import creates
// has no stored needs to look up by title (loadTitles skips it), yet two
// rows of one import without IDs, for that enterprise and of one title,
// are one need, as at a stored enterprise; the next import of the same
// rows finds it too.
func TestImportSameTitleAtANewEnterprise(t *testing.T) {
	s, _ := openTest(t)
	rows := func() ([]*forms.Enterprise, []*forms.Need) {
		e := newEnterprise("乙公司", "91320500BBBBBBBB2B", "320500")
		e.ID = "row-e"
		n1, n2, n3 := newNeed(e.ID, "主轴国产化"), newNeed(e.ID, "主轴国产化"), newNeed(e.ID, "刀具寿命")
		n1.ID, n2.ID, n3.ID = "", "", ""
		return []*forms.Enterprise{e}, []*forms.Need{n1, n2, n3}
	}
	for round := 1; round <= 2; round++ {
		ents, needs := rows()
		if _, err := s.Import(bg, ents, needs, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		titles := map[string]int{}
		for _, n := range storedNeeds(t, s) {
			titles[n.Title()]++
		}
		if len(titles) != 2 || titles["主轴国产化"] != 1 || titles["刀具寿命"] != 1 {
			t.Errorf("import %d: stored titles %v, want each once", round, titles)
		}
	}
}
