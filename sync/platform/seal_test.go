package platform_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// What an enterprise wrote, its contacts and the reviewer's comments are
// sealed in the hub's file: a copy of platform.db shows none of them
// (issue 11.3).
func TestHubSealsContentAtRest(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f := newFixtureIn(t, dir, platform.Options{})
	a := f.token("li", "suzhou")
	ent := enterprise("e1", "e1r1", "", "苏州昆仑精密机械有限公司")
	f.push(a, ent, confirmed(need("n1", "r1", "", "e1", "高温合金部件焊接工艺", forms.VisibilityNamed), ent))
	if err := f.srv.Review(ctx, "n1", "退回", "", "审核意见：请补充技术指标"); err != nil {
		t.Fatal(err)
	}
	f.close()
	raw, err := os.ReadFile(filepath.Join(dir, platform.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"苏州昆仑精密机械", "张三", secretMobile, "高温合金部件焊接", secretNotes, "内部地址", "914403001922038216", "审核意见", "苏州市某装备制造企业"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("platform.db holds %q in plain text", s)
		}
	}
	key, err := os.ReadFile(filepath.Join(dir, platform.KeyFileName))
	if err != nil {
		t.Fatalf("the key file was not created: %v", err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, platform.KeyFileName)); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode().Perm())
	}
	if bytes.Contains(raw, bytes.TrimSpace(key)) {
		t.Error("platform.db holds the key")
	}
	if strings.Contains(f.logText(), strings.TrimSpace(string(key))) {
		t.Error("the key was logged")
	}

	// Opened again with its key, the hub reads what it sealed.
	f = newFixtureIn(t, dir, platform.Options{})
	changes, _, _ := f.pull(a, "")
	var comment string
	var title string
	for _, c := range changes {
		if c.Status != nil {
			comment = c.Status.Comment
		}
		if c.Record != nil && c.Record.Kind == protocol.KindNeed {
			var n forms.Need
			_ = json.Unmarshal(c.Record.Body, &n)
			title = n.Title()
		}
	}
	if comment != "审核意见：请补充技术指标" || title != "高温合金部件焊接工艺" {
		t.Errorf("after reopening: comment %q, title %q", comment, title)
	}
	f.close()

	// Another key does not open it, and says so; a missing key file is
	// not replaced by a new key.
	other := make([]byte, 32)
	if _, err := platform.Open(dir, platform.Options{Key: other, Logger: quiet}); !errors.Is(err, platform.ErrWrongKey) {
		t.Errorf("another key: %v, want ErrWrongKey", err)
	}
	if err := os.Rename(filepath.Join(dir, platform.KeyFileName), filepath.Join(dir, "elsewhere.key")); err != nil {
		t.Fatal(err)
	}
	if _, err := platform.Open(dir, platform.Options{Logger: quiet}); !errors.Is(err, platform.ErrNoKey) {
		t.Errorf("missing key file: %v, want ErrNoKey", err)
	}
	if _, err := os.Stat(filepath.Join(dir, platform.KeyFileName)); err == nil {
		t.Error("a new key file was made for sealed data")
	}
	srv, err := platform.Open(dir, platform.Options{KeyFile: filepath.Join(dir, "elsewhere.key"), Logger: quiet})
	if err != nil {
		t.Fatalf("with the key file named: %v", err)
	}
	srv.Close()
}

// A hub written before sealing (schema 1, bodies and comments in plain
// text) is upgraded when opened: everything sealed, no plain page left in
// the file, and every team still gets what it got before.
func TestSchema1HubIsSealedOnOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, platform.FileName)
	ent := enterprise("e1", "e1r1", "", "苏州昆仑精密机械有限公司")
	named := confirmed(need("n1", "r1", "", "e1", "高温合金部件焊接工艺", forms.VisibilityNamed), ent)
	anon := confirmed(need("n2", "r2", "", "e1", "匿名的表面处理工艺需求", forms.VisibilityAnonymous), ent)
	writeSchema1(t, path, []protocol.Record{ent, named, anon}, "n1", "审核意见：已通过")

	srv, err := platform.Open(dir, platform.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	f := &fixture{t: t, srv: srv, ts: ts, log: &bytes.Buffer{}}
	t.Cleanup(func() { ts.Close(); srv.Close() })
	a, b := f.token("li", "suzhou"), f.token("wang", "wuxi")

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"苏州昆仑精密机械", secretMobile, "高温合金部件焊接", "匿名的表面处理", secretNotes, "审核意见"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the upgraded platform.db still holds %q", s)
		}
	}
	if _, err := os.Stat(path + ".old"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a copy of the plain file is left: %v", err)
	}
	changes, _, _ := f.pull(a, "")
	bodies := map[string][]byte{}
	var comment string
	for _, c := range changes {
		if c.Record != nil {
			bodies[c.Record.Rev] = c.Record.Body
		}
		if c.Status != nil {
			comment = c.Status.Comment
		}
	}
	for _, r := range []protocol.Record{ent, named, anon} {
		if !bytes.Equal(bodies[r.Rev], r.Body) {
			t.Errorf("revision %s changed in the upgrade", r.Rev)
		}
	}
	if comment != "审核意见：已通过" {
		t.Errorf("comment after the upgrade: %q", comment)
	}
	// Team B: the published named need; not the registry entry of e1,
	// which stands behind an anonymous need.
	changes, _, _ = f.pull(b, "")
	var gotNamed bool
	for _, c := range changes {
		switch {
		case c.Public != nil && c.NeedID == "n1":
			gotNamed = true
		case c.Registry != nil:
			t.Errorf("team B got the registry entry of %s", c.Registry.Name)
		}
	}
	if !gotNamed {
		t.Error("team B lost the published need in the upgrade")
	}
	if n, _ := srv.RevisionCount(ctx); n != 3 {
		t.Errorf("%d revisions after the upgrade", n)
	}
}

// writeSchema1 writes a hub file as xunbang wrote it before sealing: the
// records pushed by team suzhou, the need published with a comment.
func writeSchema1(t *testing.T, path string, recs []protocol.Record, published, comment string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
	err = db.Update(func(tx *bolt.Tx) error {
		bk := map[string]*bolt.Bucket{}
		for _, name := range []string{"meta", "tokens", "heads", "revs", "feed", "refused"} {
			b, err := tx.CreateBucket([]byte(name))
			if err != nil {
				return err
			}
			bk[name] = b
		}
		bk["meta"].Put([]byte("schema"), []byte("1"))
		bk["meta"].Put([]byte("server_id"), []byte("0123456789abcdef"))
		seq := uint64(0)
		event := func(v any) error {
			seq++
			b, _ := json.Marshal(v)
			return bk["feed"].Put(binary.BigEndian.AppendUint64(nil, seq), b)
		}
		for _, r := range recs {
			h, _ := json.Marshal(map[string]any{"kind": r.Kind, "id": r.ID, "team": "suzhou", "user": "li", "at": at})
			if err := bk["revs"].Put([]byte(r.Rev), append(append(h, '\n'), r.Body...)); err != nil {
				return err
			}
			head := map[string]any{"kind": r.Kind, "id": r.ID, "team": "suzhou", "rev": r.Rev, "revisions": 1, "updated_at": at}
			if r.ID == published {
				head["state"], head["url"], head["comment"], head["state_at"], head["was_public"] = "published", "https://p.example.cn/1", comment, at, true
			}
			hb, _ := json.Marshal(head)
			if err := bk["heads"].Put([]byte(r.Kind+"/"+r.ID), hb); err != nil {
				return err
			}
			if err := event(map[string]any{"t": "rev", "k": r.Kind, "id": r.ID, "team": "suzhou", "rev": r.Rev}); err != nil {
				return err
			}
		}
		if err := event(map[string]any{"t": "state", "k": "need", "id": published, "team": "suzhou", "state": "published",
			"url": "https://p.example.cn/1", "comment": comment, "at": at, "pub": true}); err != nil {
			return err
		}
		return bk["feed"].SetSequence(seq)
	})
	if err != nil {
		t.Fatal(err)
	}
}

var quiet = slog.New(slog.DiscardHandler)
