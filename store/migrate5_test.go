package store

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
)

// TestMigrateSchema2TechFields is issue 13.2: a data dir written by the
// code of schema 2 (testdata/schema2-demo.db.gz, made by
// testdata/mkschema2demo from commit 7ef84af: the demo data, two-level
// tech field codes, confirmed needs among them) opens, through schemas 3
// and 4, as schema 5 with every tech field code official, every confirmation that
// was current still current (its old hash kept), the team's changed needs
// queued for the hub, and a backup of the old file.
func TestMigrateSchema2TechFields(t *testing.T) {
	dir := t.TempDir()
	gunzipFixture(t, "schema2-demo.db.gz", filepath.Join(dir, FileName))

	// What the fixture holds, read the schema 2 way.
	type before struct {
		fields    []string
		confirmed bool
		rev       string
	}
	old := map[string]before{}
	{
		db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.View(func(btx *bolt.Tx) error {
			if v := string(btx.Bucket(metaBucket).Get(metaSchemaKey)); v != "2" {
				t.Fatalf("the fixture is schema %s", v)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	// Open migrates; the backup it makes first is the schema 2 file, read
	// below as it was.
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatalf("Open schema 2: %v", err)
	}
	defer s.Close()
	if err := s.Check(bg); err != nil {
		t.Fatalf("Check after migration: %v", err)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, FileName+".schema2-*.bak"))
	if len(backups) != 1 {
		t.Fatalf("backups %v", backups)
	}
	needs, ents := readCurrentRecords(t, backups[0])
	for _, n := range needs {
		old[n.ID] = before{n.Values.List("tech_fields"), forms.Default().ConfirmationCurrent(n, ents[n.EnterpriseID]), n.Rev}
	}
	if len(old) != 24 {
		t.Fatalf("the fixture holds %d needs, want 24", len(old))
	}

	cat := forms.Default()
	voc := cat.Vocabulary("tech_field")
	changed, stillCurrent := 0, 0
	err = s.ForEachNeed(bg, func(n *forms.Need) error {
		b := old[n.ID]
		got := n.Values.List("tech_fields")
		if len(got) == 0 || len(got) != len(b.fields) {
			t.Errorf("need %s: tech fields %v, were %v", n.ID, got, b.fields)
		}
		for i, c := range got {
			o, ok := voc.Option(c)
			oldO, _ := voc.Match(b.fields[i]) // the legacy code, as the catalogue knows it
			if !ok || o.Code != oldO.Code || v4TechField(b.fields[i]) != c {
				t.Errorf("need %s: %s became %s", n.ID, b.fields[i], c)
			}
		}
		if n.Rev == b.rev {
			t.Errorf("need %s: no new revision", n.ID)
		}
		changed++
		e, err := s.Enterprise(bg, n.EnterpriseID)
		if err != nil {
			return err
		}
		if cur := cat.ConfirmationCurrent(n, e); cur != b.confirmed {
			t.Errorf("need %s (%s): confirmation current %v, was %v", n.ID, n.Status, cur, b.confirmed)
		} else if cur {
			stillCurrent++
			if r := n.Confirmation.Recoded; len(r) != 1 || r[0].FromHash == n.Confirmation.ContentHash {
				t.Errorf("need %s: recoded %+v", n.ID, r)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d needs recoded, %d confirmations still current", changed, stillCurrent)
	if stillCurrent == 0 {
		t.Error("the fixture has no confirmed need: the test proves nothing about confirmations")
	}
	box, err := s.Outbox(bg, 0)
	if err != nil {
		t.Fatal(err)
	}
	// One entry per record (schema 3): each changed need's entry carries
	// its new revision.
	queued := map[string]string{}
	for _, b := range box {
		if b.Kind == KindNeed {
			queued[b.ID] = b.Rev
		}
	}
	err = s.ForEachNeed(bg, func(n *forms.Need) error {
		if queued[n.ID] != n.Rev {
			t.Errorf("need %s: outbox has revision %q, want %s", n.ID, queued[n.ID], n.Rev)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The need list shows the new codes.
	l, err := s.Needs(bg, Query{TechField: "80"})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, b := range old {
		for _, f := range b.fields {
			if f == "08" {
				want++
				break
			}
		}
	}
	if len(l) != want || want == 0 {
		t.Errorf("%d needs under 80 in the list, want %d", len(l), want)
	}
}

// TestMigrateSchema4OtherTeam: another team's need (pulled from the hub)
// is rewritten in place, with its revision kept and nothing queued, since
// only its team may edit it.
func TestMigrateSchema4OtherTeam(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	set := DefaultSettings()
	set.Team = "吴江科技镇长团"
	if err := s.SaveSettings(bg, set); err != nil {
		t.Fatal(err)
	}
	e := newEnterprise("昆山乙公司", "", "320583")
	e.Rev = forms.NewID()
	e.ID = forms.NewID()
	n := &forms.Need{ID: forms.NewID(), Rev: forms.NewID(), EnterpriseID: e.ID, Status: forms.StatusPublished, Team: "昆山科技镇长团",
		Values: forms.Values{"title": {"别的团队的需求"}, "tech_fields": {"04", "0403"}}}
	if err := s.Update(bg, func(tx *Tx) error {
		if err := tx.PutEnterpriseRemote(e); err != nil {
			return err
		}
		return tx.PutNeedRemote(n)
	}); err != nil {
		t.Fatal(err)
	}
	box, _ := s.Outbox(bg, 0)
	s.Close()
	setSchema(t, dir, 4)

	s, err = Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Need(bg, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rev != n.Rev || got.Values.Get("tech_fields") != "40" || got.Values.List("tech_fields")[1] != "403" {
		t.Errorf("another team's need after migration: rev %s (was %s), fields %v", got.Rev, n.Rev, got.Values.List("tech_fields"))
	}
	if box2, _ := s.Outbox(bg, 0); len(box2) != len(box) {
		t.Errorf("outbox %d, was %d: another team's need was queued", len(box2), len(box))
	}
	if revs, _ := s.NeedRevisions(bg, n.ID); len(revs) != 1 {
		t.Errorf("%d revisions, want the one rewritten", len(revs))
	}
}

func TestV4TechField(t *testing.T) {
	voc := forms.Default().Vocabulary("tech_field")
	for _, o := range voc.Options {
		for _, l := range o.Legacy {
			if got := v4TechField(l); got != o.Code {
				t.Errorf("v4TechField(%s) = %s, the catalogue says %s", l, got, o.Code)
			}
		}
	}
	for _, c := range []string{"", "10", "804", "10101", "0", "09", "0810", "x1", "0100"} {
		if got := v4TechField(c); got != c {
			t.Errorf("v4TechField(%q) = %q, want it left alone", c, got)
		}
	}
}

// setSchema writes a schema version into a closed data file.
func setSchema(t *testing.T, dir string, v int) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(btx *bolt.Tx) error {
		return btx.Bucket(metaBucket).Put(metaSchemaKey, []byte(strconv.Itoa(v)))
	}); err != nil {
		t.Fatal(err)
	}
}

// readCurrentRecords reads the current revision of every need and
// enterprise of an encrypted data file (the tests' key) as stored, without
// the store, so without migrating it.
func readCurrentRecords(t *testing.T, path string) ([]*forms.Need, map[string]*forms.Enterprise) {
	t.Helper()
	c, err := newCrypt(testKey)
	if err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	current := func(btx *bolt.Tx, bucket []byte, v any) {
		last := map[string][]byte{}
		err := btx.Bucket(bucket).ForEach(func(k, val []byte) error {
			id, _, _ := bytes.Cut(k, []byte{0})
			plain, err := c.open(bucket, k, val)
			if err != nil {
				return err
			}
			last[string(id)] = plain
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		switch out := v.(type) {
		case *[]*forms.Need:
			for _, b := range last {
				n := new(forms.Need)
				if err := json.Unmarshal(b, n); err != nil {
					t.Fatal(err)
				}
				*out = append(*out, n)
			}
		case map[string]*forms.Enterprise:
			for id, b := range last {
				e := new(forms.Enterprise)
				if err := json.Unmarshal(b, e); err != nil {
					t.Fatal(err)
				}
				out[id] = e
			}
		}
	}
	var needs []*forms.Need
	ents := map[string]*forms.Enterprise{}
	_ = db.View(func(btx *bolt.Tx) error {
		current(btx, needRevisionsBucket, &needs)
		current(btx, enterpriseRevisionsBucket, ents)
		return nil
	})
	return needs, ents
}

// TestNewNeedTechManager is issue 13.3: a new need's responsible 技术经理人
// is the user who records it, unless one is given; an edit keeps it.
func TestNewNeedTechManager(t *testing.T) {
	s, _ := openTest(t) // user 张三
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	n := &forms.Need{EnterpriseID: e.ID, Status: forms.StatusDraft, Values: forms.Values{"title": {"一条新需求"}}}
	if err := s.SaveNeed(bg, n); err != nil {
		t.Fatal(err)
	}
	if got := n.Values.Get("tech_manager"); got != "张三" {
		t.Errorf("tech_manager %q, want the user 张三", got)
	}
	n.Values.Set("tech_manager", "李科技")
	if err := s.SaveNeed(bg, n); err != nil {
		t.Fatal(err)
	}
	given := &forms.Need{EnterpriseID: e.ID, Status: forms.StatusDraft, Values: forms.Values{"title": {"另一条"}, "tech_manager": {"周镇长"}}}
	if err := s.SaveNeed(bg, given); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{n.ID: "李科技", given.ID: "周镇长"} {
		if got, _ := s.Need(bg, id); got.Values.Get("tech_manager") != want {
			t.Errorf("need %s: tech_manager %q, want %q", id, got.Values.Get("tech_manager"), want)
		}
	}
}
