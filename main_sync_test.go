package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/cli"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/platforms"
	"github.com/xunbang/xunbang/sync/platform"
)

// TestWindowAndCommandLineSyncAlike: a sync the official asks for — the
// window's 立即同步 (the hook main gives the window) or `xunbang sync` —
// is one job (jobs.Sync) with one audit entry, the same from either face
// (issue 14: the window's syncs went unaudited). Each face syncs a copy
// of the same data dir with a hub of its own; the two entries are the
// same but for the hub's address and the time the sync took.
func TestWindowAndCommandLineSyncAlike(t *testing.T) {
	ctx := context.Background()
	const pass = "同一个口令"
	now := func() time.Time { return time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC) }
	dir := t.TempDir()
	cliData, winData := filepath.Join(dir, "cli"), filepath.Join(dir, "window")
	env := map[string]string{"LANG": "zh_CN.UTF-8", store.PassphraseEnv: pass}
	command := func(args ...string) {
		t.Helper()
		var o, e bytes.Buffer
		if code := cli.Main(ctx, args, cli.Env{Stdout: &o, Stderr: &e, Getenv: func(k string) string { return env[k] }, Now: now}); code != cli.ExitOK {
			t.Fatalf("xunbang %s: %d\n%s", strings.Join(args, " "), code, e.String())
		}
	}
	command("demo", "--data", cliData, "--needs", "20")
	if err := os.Mkdir(winData, 0o700); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(cliData, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(winData, store.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}

	hub := func() (url, token string) {
		srv, err := platform.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		tok, err := srv.CreateToken(ctx, "李科技", "苏州科技镇长团")
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); srv.ServeListener(sctx, ln) }()
		t.Cleanup(func() { cancel(); <-done; srv.Close() })
		return "http://" + ln.Addr().String(), tok
	}

	// The command line.
	cliURL, cliTok := hub()
	t.Setenv("XUNBANG_TOKEN", cliTok)
	command("sync", "--server", cliURL, "--data", cliData)

	// The window's 立即同步, through the hooks main gives the window.
	winURL, winTok := hub()
	t.Setenv("XUNBANG_TOKEN", winTok)
	st, err := store.Open(ctx, winData, store.Options{Key: store.KeySource{Passphrase: pass}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set, err := st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.PlatformURL = winURL
	if err := st.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	link := client.NewLink(st, client.LinkConfig{Client: client.Config{Dial: platforms.Dial, Keyring: noKeyring{}}})
	link.Start(ctx)
	if err := syncHooks(link, st, "zh").Sync(ctx); err != nil {
		t.Fatal(err)
	}

	entry := func(st *store.Store, url string) string {
		t.Helper()
		l, err := st.AuditLog(ctx, store.AuditQuery{Kind: store.AuditSync})
		if err != nil {
			t.Fatal(err)
		}
		var syncs []string
		for _, e := range l {
			if strings.HasPrefix(e.Detail, url+": ") {
				syncs = append(syncs, strings.TrimPrefix(e.Detail, url))
			}
		}
		if len(syncs) != 1 {
			t.Fatalf("%d audited syncs with %s: %q", len(syncs), url, syncs)
		}
		return regexp.MustCompile(` in [0-9.]+[µm]?s$`).ReplaceAllString(syncs[0], "")
	}
	win := entry(st, winURL)
	st.Close()
	cst, err := store.Open(ctx, cliData, store.Options{Key: store.KeySource{Passphrase: pass}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer cst.Close()
	if c := entry(cst, cliURL); c != win || !strings.Contains(win, "pushed ") {
		t.Errorf("the command line audited %q, the window %q", c, win)
	}
}

// noKeyring is the keyring of a machine without one (as this one): the
// token comes from XUNBANG_TOKEN.
type noKeyring struct{}

func (noKeyring) Get(string, string) (string, error) { return "", client.ErrNoKeyring }
func (noKeyring) Set(string, string, string) error   { return client.ErrNoKeyring }
func (noKeyring) Delete(string, string) error        { return client.ErrNoKeyring }
