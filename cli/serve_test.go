package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/hubstore/postgres"
	"github.com/xunbang/xunbang/sync/hubstore/postgres/pgtest"
	"github.com/xunbang/xunbang/sync/platform"
)

// lockedBuffer is a buffer a running command writes while a test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveInBackground runs `xunbang serve ARGS` until the test ends.
func serveInBackground(t *testing.T, env map[string]string, args ...string) *lockedBuffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	done := make(chan int)
	go func() {
		done <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), Env{
			Stdout: logs, Stderr: logs, Getenv: func(k string) string { return env[k] },
		})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, logs.String())
		}
	})
	return logs
}

// waitFor polls cond for up to 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 300 {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// While `serve --data DIR` holds the data dir, `serve token create` and
// `serve review` reach it through its control file; after it stops the
// control file is gone.
func TestServeTokenAndReviewWhileRunning(t *testing.T) {
	dir := t.TempDir()
	data, hub := filepath.Join(dir, "laptop"), filepath.Join(dir, "hub")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "12"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	logs := serveInBackground(t, env, "--data", hub)
	var ctl platform.Control
	waitFor(t, "the control file", func() bool {
		var err error
		ctl, err = platform.ReadControl(hub)
		return err == nil
	})
	tok, errs, code := run(t, env, "serve", "token", "create", "--user", "李科技", "--team", "吴江镇长团", "--data", hub)
	tok = strings.TrimSpace(tok)
	if code != 0 || len(tok) != 64 {
		t.Fatalf("token create while serving: %d %q %s\n%s", code, tok, errs, logs)
	}
	t.Setenv("XUNBANG_TOKEN", tok)
	// An admin token is not issued through the running hub, and it says so.
	if out, errs, code := run(t, env, "serve", "token", "create", "--admin", "--user", "审核员", "--data", hub); code != ExitError || out != "" || !strings.Contains(errs, "停止") {
		t.Errorf("admin token create while serving: %d %q %s", code, out, errs)
	}
	if _, errs, code := run(t, env, "sync", "--server", ctl.Server, "--data", data); code != 0 {
		t.Fatalf("sync: %s", errs)
	}
	out, _, _ := run(t, env, "list", "--json", "--status", "已确认", "--data", data)
	var first struct{ ID string }
	line, _, _ := strings.Cut(out, "\n")
	if err := json.Unmarshal([]byte(line), &first); err != nil || first.ID == "" {
		t.Fatalf("no confirmed need: %q", out)
	}
	// The 8 characters a card shows are not an id: said so, in Chinese.
	if _, errs, code := run(t, env, "serve", "review", first.ID[:8], "--status", "退回", "--data", hub); code != ExitError || !strings.Contains(errs, "完整编号") {
		t.Fatalf("review of a short id while serving: %d %s", code, errs)
	}
	if _, errs, code := run(t, env, "serve", "review", first.ID, "--status", "退回", "--comment", "请补充指标", "--data", hub); code != 0 {
		t.Fatalf("review while serving: %d %s", code, errs)
	}
	if _, errs, code := run(t, env, "sync", "--server", ctl.Server, "--data", data); code != 0 {
		t.Fatalf("second sync: %s", errs)
	}
	out, _, _ = run(t, env, "list", "--json", "--data", data)
	if !strings.Contains(out, "请补充指标") {
		t.Fatal("the verdict given while serving did not reach the laptop")
	}
	// An admin cannot be made while serve holds the file: the message says
	// where to go instead.
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("一个足够长的管理员密码\n"), 0o600)
	if _, errs, code := run(t, env, "serve", "admin", "create", "--user", "admin", "--password-file", pw, "--data", hub); code == 0 || !strings.Contains(errs, "控制台") {
		t.Fatalf("admin create while serving: %d %s", code, errs)
	}
}

// A district's bbolt hub moves into PostgreSQL with one command, and the
// hub then runs there: the same records, the same feed (a laptop's cursor
// goes on), the same key; its first admin logs in.
func TestServeMigrateToPostgres(t *testing.T) {
	db := pgtest.URL(t)
	dir := t.TempDir()
	data, hub := filepath.Join(dir, "laptop"), filepath.Join(dir, "hub")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "20"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("一个足够长的管理员密码\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run(t, env, "serve", "admin", "create", "--user", "admin", "--password-file", pw, "--data", hub); code != 0 {
		t.Fatalf("admin create: %s", errs)
	}
	tok, _, _ := run(t, env, "serve", "token", "create", "--user", "李科技", "--team", "吴江镇长团", "--data", hub)
	t.Setenv("XUNBANG_TOKEN", strings.TrimSpace(tok))
	url, stop := serveOnce(t, hub)
	if _, errs, code := run(t, env, "sync", "--server", url, "--data", data); code != 0 {
		t.Fatalf("sync: %s", errs)
	}
	stop()
	before, _ := openRecords(t, hub, "")

	if _, errs, code := run(t, env, "serve", "migrate", "--from", hub, "--db", db); code != 0 || !strings.Contains(errs, "已复制到 PostgreSQL") {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	if _, errs, code := run(t, env, "serve", "migrate", "--from", hub, "--db", db); code == 0 || !strings.Contains(errs, "已经有一个汇集节点") {
		t.Fatalf("a second migrate into the same database: %d %s", code, errs)
	}
	// Without the key the PostgreSQL hub does not open; with it, it serves.
	if _, errs, code := run(t, env, "serve", "token", "create", "--user", "x", "--team", "y", "--db", db); code == 0 || !strings.Contains(errs, "密钥") {
		t.Fatalf("a PostgreSQL hub without its key: %d %s", code, errs)
	}
	keyFile := filepath.Join(hub, platform.KeyFileName)
	after, _ := openRecords(t, "", db, keyFile)
	if len(after) != len(before) || len(after) < 20 {
		t.Fatalf("%d records after the move, %d before", len(after), len(before))
	}
	logs := serveInBackground(t, env, "--db", db, "--key-file", keyFile)
	var addr string
	waitFor(t, "the PostgreSQL hub to listen", func() bool {
		_, a, ok := strings.Cut(logs.String(), "console at http://")
		if ok {
			addr, _, _ = strings.Cut(a, "/console/")
		}
		_, a2, ok2 := strings.Cut(logs.String(), "审核控制台：http://")
		if ok2 {
			addr, _, _ = strings.Cut(a2, "/console/")
		}
		return ok || ok2
	})
	// The laptop's cursor of the bbolt hub goes on on PostgreSQL: nothing
	// comes twice, a new verdict comes.
	out, _, _ := run(t, env, "list", "--json", "--status", "已确认", "--data", data)
	var first struct{ ID string }
	line, _, _ := strings.Cut(out, "\n")
	_ = json.Unmarshal([]byte(line), &first)
	if _, errs, code := run(t, env, "serve", "review", first.ID, "--status", "审核中", "--db", db, "--key-file", keyFile); code != 0 {
		t.Fatalf("review on PostgreSQL beside the running server: %d %s", code, errs)
	}
	if _, errs, code := run(t, env, "sync", "--server", "http://"+addr, "--data", data); code != 0 {
		t.Fatalf("sync with the PostgreSQL hub: %d %s", code, errs)
	}
	out, _, _ = run(t, env, "list", "--json", "--data", data)
	if !strings.Contains(out, `"审核中"`) {
		t.Fatalf("the verdict on PostgreSQL did not reach the laptop:\n%.2000s", out)
	}
}

// openRecords lists a hub's records, from a data dir or a database.
func openRecords(t *testing.T, dir, db string, keyFile ...string) ([]platform.RecordInfo, error) {
	t.Helper()
	ctx := context.Background()
	var srv *platform.Server
	var err error
	if db == "" {
		srv, err = platform.Open(dir)
	} else {
		st, oerr := postgres.Open(ctx, db)
		if oerr != nil {
			t.Fatal(oerr)
		}
		srv, err = platform.OpenStore(ctx, st, platform.Options{KeyFile: keyFile[0]})
		if err != nil {
			st.Close()
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	recs, err := srv.Records(ctx, "")
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	return recs, err
}

func TestServeRestoredGivesANewServerID(t *testing.T) {
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	hub := t.TempDir()
	if _, errs, code := run(t, env, "serve", "token", "create", "--user", "li", "--team", "suzhou", "--data", hub); code != ExitOK {
		t.Fatalf("token create: %d %s", code, errs)
	}
	id := func() string {
		t.Helper()
		db, err := hubstore.OpenBolt(filepath.Join(hub, platform.FileName), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var v []byte
		if err := db.View(context.Background(), func(tx hubstore.Tx) error { v, err = tx.Meta("server_id"); return err }); err != nil {
			t.Fatal(err)
		}
		return string(v)
	}
	before := id()
	_, errs, code := run(t, env, "serve", "restored", "--data", hub)
	if code != ExitOK || !strings.Contains(errs, "从头读取变更") {
		t.Fatalf("serve restored: exit %d, %q", code, errs)
	}
	if after := id(); after == before || after == "" {
		t.Errorf("server id %q, then %q", before, after)
	}
	if _, errs, code := run(t, env, "serve", "restored", "extra", "--data", hub); code != ExitUsage || !strings.Contains(errs, "用法：xunbang serve restored") {
		t.Errorf("with an extra argument: %d %q", code, errs)
	}
}
