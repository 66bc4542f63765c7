package store

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
)

// writeV0 writes a schema 0 (prototype) data file: records in "enterprises"
// and "needs" with their fields in a nested "values" object, no meta bucket.
func writeV0(t *testing.T, dir string) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(btx *bolt.Tx) error {
		ents, err := btx.CreateBucket([]byte("enterprises"))
		if err != nil {
			return err
		}
		needs, err := btx.CreateBucket([]byte("needs"))
		if err != nil {
			return err
		}
		if err := ents.Put([]byte("ent-1"), []byte(`{"id":"ent-1","values":{"enterprise_name":["苏州旧数据有限公司"],"credit_code":["91320500OLD0000001"],"region":["320505"]},"contacts":[{"values":{"contact_name":["钱七"]}}],"created_at":"2025-06-01T08:00:00+08:00","updated_at":"2025-06-02T08:00:00+08:00"}`)); err != nil {
			return err
		}
		if err := needs.Put([]byte("need-1"), []byte(`{"id":"need-1","enterprise_id":"ent-1","status":"待诊断","values":{"title":["旧版录入的工业视觉检测需求"],"keywords":["机器视觉"]},"created_at":"2025-06-01T09:00:00+08:00","updated_at":"2025-06-03T09:00:00+08:00"}`)); err != nil {
			return err
		}
		return needs.Put([]byte("need-2"), []byte(`{"id":"need-2","enterprise_id":"ent-1","status":"draft","values":{"title":["第二条"]},"created_at":"2025-06-01T10:00:00+08:00","updated_at":"2025-06-01T10:00:00+08:00"}`))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateFromV0(t *testing.T) {
	dir := t.TempDir()
	writeV0(t, dir)
	var logBuf bytes.Buffer
	s, err := Open(bg, dir, Options{Logger: slog.New(slog.NewTextHandler(&logBuf, nil))})
	if err != nil {
		t.Fatalf("Open v0: %v", err)
	}
	defer s.Close()
	if err := s.Check(bg); err != nil {
		t.Fatalf("Check after migration: %v", err)
	}

	backups, _ := filepath.Glob(filepath.Join(dir, FileName+".schema0-*.bak"))
	if len(backups) != 1 {
		t.Fatalf("backups: %v", backups)
	}
	// The backup is the old file, intact.
	old, err := bolt.Open(backups[0], 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	_ = old.View(func(btx *bolt.Tx) error {
		if btx.Bucket(metaBucket) != nil || btx.Bucket([]byte("needs")).Get([]byte("need-1")) == nil {
			t.Error("the backup is not the schema 0 file")
		}
		return nil
	})
	old.Close()
	if !strings.Contains(logBuf.String(), "migrat") {
		t.Errorf("no migration log: %q", logBuf.String())
	}

	n, err := s.Need(bg, "need-1")
	if err != nil {
		t.Fatal(err)
	}
	if n.Title() != "旧版录入的工业视觉检测需求" || n.Status != forms.StatusToDiagnose || n.Rev == "" ||
		n.CatalogueVersion == "" || !n.UpdatedAt.Equal(time.Date(2025, 6, 3, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("migrated need: %+v", n)
	}
	e, err := s.EnterpriseByCreditCode(bg, "91320500OLD0000001")
	if err != nil || e.ID != "ent-1" || e.Contacts[0].ID == "" {
		t.Errorf("migrated enterprise: %+v, %v", e, err)
	}
	l, _ := s.Needs(bg, Query{Text: "视觉"})
	if len(l) != 1 || l[0].EnterpriseName != "苏州旧数据有限公司" || l[0].Region != "320505" {
		t.Errorf("need list after migration: %+v", l)
	}
	if box, _ := s.Outbox(bg, 0); len(box) != 3 {
		t.Errorf("outbox after migration: %d entries, want 3", len(box))
	}
	var schema, upgraded string
	_ = s.View(bg, func(tx *Tx) error {
		schema, upgraded = string(tx.Meta("schema")), string(tx.Meta("upgraded"))
		return nil
	})
	if schema != strconv.Itoa(schemaVersion) || upgraded == "" {
		t.Errorf("meta after migration: schema %q upgraded %q", schema, upgraded)
	}

	// A second open does not migrate again.
	s.Close()
	again, err := Open(bg, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if backups, _ := filepath.Glob(filepath.Join(dir, "*.bak")); len(backups) != 1 {
		t.Errorf("backups after reopening: %v", backups)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(btx *bolt.Tx) error {
		return btx.Bucket(metaBucket).Put(metaSchemaKey, []byte(strconv.Itoa(schemaVersion+1)))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(filepath.Join(dir, FileName))

	_, err = Open(bg, dir, testOpts())
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open(newer schema) = %v, want ErrNewerSchema", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !bytes.Equal(before, after) {
		t.Error("opening a newer file changed it")
	}
	if backups, _ := filepath.Glob(filepath.Join(dir, "*.bak")); len(backups) != 0 {
		t.Errorf("a newer file was backed up: %v", backups)
	}
	// The file is not left locked.
	if _, err := Open(bg, dir, Options{Timeout: 100 * time.Millisecond}); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("second Open = %v", err)
	}
}

func TestReadOnly(t *testing.T) {
	dir := t.TempDir()
	roOpts := testOpts()
	roOpts.ReadOnly = true
	if _, err := Open(bg, dir, roOpts); err == nil {
		t.Error("read-only Open of a missing file succeeded")
	}
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	s.Close()
	ro, err := Open(bg, dir, roOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Enterprise(bg, e.ID); err != nil {
		t.Error(err)
	}
	if err := ro.SaveEnterprise(bg, e); !errors.Is(err, ErrReadOnly) {
		t.Errorf("SaveEnterprise on a read-only store = %v", err)
	}
}

func TestBackup(t *testing.T) {
	s, dir := openTest(t)
	mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	path := filepath.Join(dir, "copy.db")
	if err := s.Backup(bg, path); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(bg, path); !errors.Is(err, os.ErrExist) {
		t.Errorf("Backup over an existing file = %v", err)
	}
	copyDir := filepath.Join(dir, "restored")
	os.Mkdir(copyDir, 0o700)
	if err := os.Rename(path, filepath.Join(copyDir, FileName)); err != nil {
		t.Fatal(err)
	}
	c, err := Open(bg, copyDir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if found, _ := c.FindEnterprises(bg, "甲", 0); len(found) != 1 {
		t.Error("the backup does not hold the enterprise")
	}
}

// TestMigrateSchema2Outbox migrates testdata/schema2.db.gz (written by
// testdata/mkschema2 with the schema 2 store): the outbox keeps one entry
// per record with its latest revision on the base the platform
// acknowledged, refusals and conflicts stay set aside, and the need list
// learns the platform's verdict.
func TestMigrateSchema2Outbox(t *testing.T) {
	dir := t.TempDir()
	gunzipFixture(t, "schema2.db.gz", filepath.Join(dir, FileName))
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(bg); err != nil {
		t.Fatalf("Check after migration: %v", err)
	}
	if backups, _ := filepath.Glob(filepath.Join(dir, FileName+".schema2-*.bak")); len(backups) != 1 {
		t.Errorf("backups: %v", backups)
	}
	current := func(id string) *forms.Need {
		n, err := s.Need(bg, id)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	revs := func(id string) []string {
		l, err := s.NeedRevisions(bg, id)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range l {
			out = append(out, n.Rev)
		}
		return out
	}
	type entry struct{ id, rev, base string }
	var pending []entry
	for _, o := range mustOutbox(t, s) {
		pending = append(pending, entry{o.ID, o.Rev, o.BaseRev})
	}
	chain, acked, refused := revs("need-chain"), revs("need-acked"), revs("need-refused")
	want := []entry{
		{"need-chain", chain[2], ""},             // three autosaves, one push of the last
		{"need-acked", acked[2], acked[0]},       // on the revision the platform has
		{"need-refused", refused[2], refused[0]}, // the fix, on what the platform had before the refusal
	}
	if !slices.Equal(pending, want) {
		t.Errorf("pending after migration:\n got %v\nwant %v", pending, want)
	}
	q, _ := s.QuarantinedOutbox(bg)
	if len(q) != 2 || q[0].ID != "need-refused" || q[0].Conflict || q[0].Rev != refused[1] ||
		q[1].ID != "need-conflict" || !q[1].Conflict || q[1].Rev != current("need-conflict").Rev {
		t.Errorf("quarantined after migration: %+v", q)
	}
	if st, _ := s.OutboxStats(bg); st.Pending != 3 || st.Quarantined != 2 || st.Conflicts != 1 {
		t.Errorf("stats: %+v", st)
	}
	l, _ := s.Needs(bg, Query{Text: "已在平台发布"})
	if len(l) != 1 || l[0].Platform.Or().State != "已发布" || l[0].Platform.Or().URL != "https://hub.example.cn/n/need-published" ||
		l[0].Platform.Or().Comment != "内容完整" || l[0].Platform.Or().UpdatedAt.IsZero() {
		t.Errorf("verdict in the need list: %+v", l)
	}
	// A save after the migration folds into the queued entry.
	n := current("need-chain")
	n.Values.Set("title", "迁移后又改了一次")
	mustSaveNeed(t, s, n)
	if box := mustOutbox(t, s); len(box) != 3 || box[0].Rev != n.Rev || box[0].BaseRev != "" {
		t.Errorf("after a save: %+v", box[0])
	}
}
