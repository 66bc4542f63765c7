package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
)

// smallBatches makes staging and publishing take a transaction for every
// few records, so that small imports cross many transaction boundaries;
// the returned function puts the sizes back.
func smallBatches(stage, publish int) func() {
	s, p := stageBatch, publishBatch
	stageBatch, publishBatch = stage, publish
	return func() { stageBatch, publishBatch = s, p }
}

// The import tests again, every import staged two records a transaction
// and published three writes a transaction: the matching, the reports and
// the all-or-nothing hold across transactions.
func TestImportInSmallBatches(t *testing.T) {
	defer smallBatches(2, 3)()
	for _, tc := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"AllOrNothing", TestImportAllOrNothing},
		{"Merge", TestImportMerge},
		{"Exact", TestImportExact},
		{"PlatformSheet", TestImportPlatformSheet},
		{"NeedByID", TestImportNeedByID},
		{"UnknownIDSameTitle", TestImportUnknownIDSameTitle},
		{"TellsWhatChangesAndWhatGoesBack", TestImportTellsWhatChangesAndWhatGoesBack},
		{"ScanNeeds", TestScanNeeds},
	} {
		t.Run(tc.name, tc.fn)
	}
}

// stagingLeft reports whether the file holds a staging area.
func stagingLeft(t *testing.T, s *Store) bool {
	t.Helper()
	left := false
	err := s.View(bg, func(tx *Tx) error {
		left = tx.btx.Bucket(stagingBucket) != nil
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// demoRecords returns a demo set's records without ids, as a sheet gives
// them (enterprises by their row, needs pointing at them).
func demoRecords(seed uint64, n int) ([]*forms.Enterprise, []*forms.Need) {
	set := demo.Generate(seed, n)
	row := map[string]string{}
	for i, e := range set.Enterprises {
		row[e.ID] = fmt.Sprintf("row-%d", i)
		e.ID, e.Rev = row[e.ID], ""
	}
	for _, x := range set.Needs {
		x.ID, x.Rev, x.EnterpriseID = "", "", row[x.EnterpriseID]
		x.Confirmation = nil
		if x.Status != forms.StatusDraft {
			x.Status = forms.StatusToDiagnose
		}
	}
	return set.Enterprises, set.Needs
}

// firstOf returns the first k enterprises and their needs.
func firstOf(ents []*forms.Enterprise, needs []*forms.Need, k int) ([]*forms.Enterprise, []*forms.Need) {
	in := map[string]bool{}
	for _, e := range ents[:k] {
		in[e.ID] = true
	}
	var out []*forms.Need
	for _, n := range needs {
		if in[n.EnterpriseID] {
			out = append(out, n)
		}
	}
	return ents[:k], out
}

// firstOfSlices passes firstOf's records to Import.
func firstOfSlices(ents []*forms.Enterprise, needs []*forms.Need) (context.Context, []*forms.Enterprise, []*forms.Need, ImportOptions) {
	return bg, ents, needs, ImportOptions{}
}

// createdNeeds counts the needs a report says were created.
func createdNeeds(rep ImportReport) int {
	n := 0
	for _, it := range rep.Items {
		if it.Kind == KindNeed && it.Action == ActionCreate {
			n++
		}
	}
	return n
}

// A staged import is seen by no reader — the need list, a need read by id,
// the revisions of a need it updates, the outbox, the audit log, an export's
// scan, Check — until it is published; then all of it is, as Import would
// store it.
func TestStagedImportUnseenUntilPublished(t *testing.T) {
	defer smallBatches(7, 11)()
	s, _ := openTest(t)
	ents, needs := demoRecords(3, 40)
	someEnts, someNeeds := firstOf(ents, needs, 5)
	if _, err := s.Import(bg, someEnts, someNeeds, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	stored := storedNeeds(t, s)
	var updated *forms.Need
	for _, n := range stored {
		updated = n
		break
	}
	revsBefore, _ := s.NeedRevisions(bg, updated.ID)
	boxBefore, _ := s.Outbox(bg, 0)
	logBefore, _ := s.AuditLog(bg, AuditQuery{})
	digest := fileDigest(t, s)

	changed := updated.Clone()
	changed.Rev, changed.BaseRev = "", ""
	changed.Values.Set("budget_wan", "888")
	si, err := s.StageImport(bg, ImportSlices{Enterprises: ents, Needs: append(needs, changed)}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep := si.Report()
	if !rep.DryRun || rep.Created == 0 || rep.Updated == 0 {
		t.Fatalf("report %+v", rep)
	}
	if !stagingLeft(t, s) {
		t.Fatal("no staging area while staged")
	}
	if got := fileDigest(t, s); got != digest && !onlyRowsAdded(got, digest) {
		t.Error("staging changed what readers see")
	}
	if n := s.CountNeeds(bg); n != len(stored) {
		t.Errorf("the need list has %d needs while staged, had %d", n, len(stored))
	}
	if revs, _ := s.NeedRevisions(bg, updated.ID); len(revs) != len(revsBefore) {
		t.Errorf("need %s has %d revisions while staged, had %d", updated.ID, len(revs), len(revsBefore))
	}
	if box, _ := s.Outbox(bg, 0); len(box) != len(boxBefore) {
		t.Errorf("outbox %d entries while staged, had %d", len(box), len(boxBefore))
	}
	scanned := 0
	if err := s.ScanNeeds(bg, func(*Summary) bool { return true }, func(*Summary, *forms.Need) error { scanned++; return nil }); err != nil || scanned != len(stored) {
		t.Errorf("ScanNeeds saw %d needs while staged (%v), want %d", scanned, err, len(stored))
	}
	if err := s.Check(bg); err != nil {
		t.Errorf("Check while staged: %v", err)
	}
	if err := si.Publish(bg); err != nil {
		t.Fatal(err)
	}
	if stagingLeft(t, s) {
		t.Error("staging area left after publishing")
	}
	if n := s.CountNeeds(bg); n != len(stored)+createdNeeds(rep) {
		t.Errorf("the need list has %d needs after publishing; the report says %d created", n, createdNeeds(rep))
	}
	if revs, _ := s.NeedRevisions(bg, updated.ID); len(revs) != len(revsBefore)+1 {
		t.Errorf("need %s has %d revisions after publishing, had %d", updated.ID, len(revs), len(revsBefore))
	}
	if box, _ := s.Outbox(bg, 0); len(box) <= len(boxBefore) {
		t.Errorf("outbox %d entries after publishing, had %d", len(box), len(boxBefore))
	}
	if log, _ := s.AuditLog(bg, AuditQuery{}); len(log) < len(logBefore) {
		t.Errorf("audit log lost entries")
	}
	if err := si.Publish(bg); !errors.Is(err, ErrInvalid) {
		t.Errorf("second Publish = %v, want ErrInvalid", err)
	}
	// The same import done by Import on a copy of the store before gives
	// the same need list.
	s2, _ := openTest(t)
	if _, err := s2.Import(bg, someEnts, someNeeds, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	changed2 := changed.Clone()
	for _, n := range storedNeeds(t, s2) {
		if n.Title() == updated.Title() {
			changed2.ID, changed2.EnterpriseID, changed2.ContactID = n.ID, n.EnterpriseID, n.ContactID
		}
	}
	rep2, err := s2.Import(bg, ents, append(needs, changed2), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Created != rep.Created || rep2.Updated != rep.Updated || rep2.Skipped != rep.Skipped {
		t.Errorf("Import reported %d/%d/%d, the staged import %d/%d/%d", rep2.Created, rep2.Updated, rep2.Skipped, rep.Created, rep.Updated, rep.Skipped)
	}
	if a, b := needListShape(t, s), needListShape(t, s2); a != b {
		t.Errorf("staged then published:\n%s\nImport:\n%s", a, b)
	}
}

// onlyRowsAdded reports whether the digest got differs from was only by
// revision rows (a staging writes the rows of new records in place, where
// nothing reaches them) and sequences.
func onlyRowsAdded(got, was string) bool {
	strip := func(d string) string {
		var keep []string
		for l := range strings.Lines(d) {
			name, _, _ := strings.Cut(l, " ")
			if name == string(needRevisionsBucket) || name == string(enterpriseRevisionsBucket) || name == string(outboxBucket) {
				continue
			}
			keep = append(keep, l)
		}
		return strings.Join(keep, "")
	}
	return strip(got) == strip(was)
}

// needListShape describes the need list without ids and times: each need's
// title, status, enterprise and values, sorted.
func needListShape(t *testing.T, s *Store) string {
	t.Helper()
	var lines []string
	for _, n := range storedNeeds(t, s) {
		e, err := s.Enterprise(bg, n.EnterpriseID)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%s|%s|%s|%v|%v", n.Title(), n.Status, e.Name(), n.Values, n.Missing))
	}
	sortStrings(lines)
	return strings.Join(lines, "\n")
}

func sortStrings(l []string) {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && l[j] < l[j-1]; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

// A discarded staging leaves the store as it was, to the byte of every
// value and every sequence; so does a staging that fails.
func TestStagedImportDiscarded(t *testing.T) {
	defer smallBatches(3, 5)()
	s, _ := openTest(t)
	ents, needs := demoRecords(5, 30)
	if _, err := s.Import(bg, ents[:0], needs[:0], ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(firstOfSlices(firstOf(ents, needs, 3))); err != nil {
		t.Fatal(err)
	}
	before := fileDigest(t, s)
	si, err := s.StageImport(bg, ImportSlices{Enterprises: ents, Needs: needs}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := si.Discard(bg); err != nil {
		t.Fatal(err)
	}
	if got := fileDigest(t, s); got != before || stagingLeft(t, s) {
		t.Errorf("a discarded import changed the store (staging left %t)", stagingLeft(t, s))
	}
	if err := si.Publish(bg); !errors.Is(err, ErrInvalid) {
		t.Errorf("Publish after Discard = %v", err)
	}
	bad := append(needs[:len(needs):len(needs)], newNeed("row-999", "引用不存在的企业"))
	if _, err := s.StageImport(bg, ImportSlices{Enterprises: ents, Needs: bad}, ImportOptions{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("StageImport = %v, want ErrNotFound", err)
	}
	if got := fileDigest(t, s); got != before || stagingLeft(t, s) {
		t.Error("a failed staging changed the store")
	}
	if err := s.Check(bg); err != nil {
		t.Error(err)
	}
}

// An import staged before the store changed is not published: its
// decisions may be out of date.
func TestStagedImportStale(t *testing.T) {
	s, _ := openTest(t)
	ents, needs := demoRecords(6, 10)
	si, err := s.StageImport(bg, ImportSlices{Enterprises: ents, Needs: needs}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	if err := si.Publish(bg); !errors.Is(err, ErrStale) {
		t.Fatalf("Publish = %v, want ErrStale", err)
	}
	if n := s.CountNeeds(bg); n != 0 || stagingLeft(t, s) {
		t.Errorf("%d needs, staging left %t", n, stagingLeft(t, s))
	}
	if err := s.Check(bg); err != nil {
		t.Error(err)
	}
}

// What a crash leaves of an import is settled at the next Open: a staging
// is removed, a publication finished.
func TestStagingSettledAtOpen(t *testing.T) {
	defer smallBatches(3, 4)()
	for _, tc := range []struct {
		name    string
		publish bool // the crash came after publishing had begun
	}{{"staging", false}, {"publishing", true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(bg, dir, testOpts())
			if err != nil {
				t.Fatal(err)
			}
			ents, needs := demoRecords(7, 20)
			if _, err := s.Import(firstOfSlices(firstOf(ents, needs, 2))); err != nil {
				t.Fatal(err)
			}
			before := fileDigest(t, s)
			want := s.CountNeeds(bg)
			si, err := s.StageImport(bg, ImportSlices{Enterprises: ents, Needs: needs}, ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.publish {
				want += createdNeeds(si.Report())
				// Publishing decided, then the copy cut short after one
				// batch, as a crash would.
				if _, err := s.markPublishing(bg); err != nil {
					t.Fatal(err)
				}
				if err := s.copyStaged(bg, needSummariesBucket); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			s, err = Open(bg, dir, testOpts())
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if stagingLeft(t, s) {
				t.Error("staging area left after Open")
			}
			if err := s.Check(bg); err != nil {
				t.Error(err)
			}
			if got := s.CountNeeds(bg); got != want {
				t.Errorf("%d needs after Open, want %d", got, want)
			}
			if !tc.publish && fileDigest(t, s) != before {
				t.Error("the staging left a trace")
			}
		})
	}
}

// The sync strip's count of pending outbox entries, kept in memory, follows
// a staged import: unchanged while it is staged or when it is discarded,
// the bucket's count once it is published, and again after a reopen.
func TestStagedImportCountsTheOutbox(t *testing.T) {
	defer smallBatches(3, 5)()
	s, _ := openTest(t)
	ents, needs := demoRecords(9, 40)
	inBucket := func() int {
		n := 0
		if err := s.View(bg, func(tx *Tx) error {
			n = tx.btx.Bucket(outboxBucket).Stats().KeyN
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	pending := func(when string, want int) {
		t.Helper()
		st, err := s.OutboxStats(bg)
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending != want {
			t.Errorf("%s: %d pending, want %d", when, st.Pending, want)
		}
	}
	if _, err := s.Import(firstOfSlices(firstOf(ents, needs, 3))); err != nil {
		t.Fatal(err)
	}
	first := inBucket()
	if first == 0 {
		t.Fatal("an import queued nothing to sync")
	}
	pending("after an import", first)
	si, err := s.StageImport(bg, ImportSlices{Enterprises: ents, Needs: needs}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pending("staged", first)
	if err := si.Discard(bg); err != nil {
		t.Fatal(err)
	}
	pending("discarded", first)
	si, err = s.StageImport(bg, ImportSlices{Enterprises: ents, Needs: needs}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := si.Publish(bg); err != nil {
		t.Fatal(err)
	}
	if all := inBucket(); all <= first {
		t.Fatalf("the published import queued nothing: %d entries", all)
	}
	pending("published", inBucket())
	if err := s.Check(bg); err != nil {
		t.Error(err)
	}
}

// The enterprises an import creates get ids that rise in the order they
// are created, across its transactions (forms.IDRun: each B+tree keyed by
// them grows at its end); a second import starts a run of its own. The
// needs it creates do not: a need's id is public, and ids in the order of
// the rows would tell which enterprise's rows an anonymous need lies among.
func TestImportCreatesEnterprisesInKeyOrder(t *testing.T) {
	defer smallBatches(7, 5)()
	s, _ := openTest(t)
	var firsts []string
	for seed := range uint64(2) {
		ents, needs := demoRecords(40+seed, 30)
		rep, err := s.Import(bg, ents, needs, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		created := map[string][]string{}
		for _, it := range rep.Items {
			if it.Action == ActionCreate {
				if !validID(it.ID) || len(it.ID) != 36 {
					t.Fatalf("created id %q", it.ID)
				}
				created[it.Kind] = append(created[it.Kind], it.ID)
			}
		}
		es, ns := created[KindEnterprise], created[KindNeed]
		if len(es) < 5 || len(ns) < 30 {
			t.Fatalf("import %d created %d enterprises and %d needs", seed, len(es), len(ns))
		}
		for i := 1; i < len(es); i++ {
			if es[i] <= es[i-1] {
				t.Fatalf("import %d: enterprise %s created after %s", seed, es[i], es[i-1])
			}
		}
		if slices.IsSorted(ns) {
			t.Fatalf("import %d: the %d needs' ids rise in the order of their rows", seed, len(ns))
		}
		firsts = append(firsts, es[0])
	}
	if firsts[0][:8] == firsts[1][:8] {
		t.Fatalf("two imports' runs start together: %s, %s", firsts[0], firsts[1])
	}
}
