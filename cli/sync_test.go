package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// serveOnce runs the reference server on a loopback port until the test's
// context ends.
func serveOnce(t *testing.T, dir string) (url string, stop func()) {
	t.Helper()
	srv, err := platform.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.ServeListener(ctx, ln) }()
	return "http://" + ln.Addr().String(), func() { cancel(); <-done; srv.Close() }
}

func TestSyncServeReviewEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data, hub := filepath.Join(dir, "laptop"), filepath.Join(dir, "hub")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "40"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	tok, errs, code := run(t, env, "serve", "token", "create", "--user", "李科技", "--team", "苏州科技镇长团", "--data", hub)
	tok = strings.TrimSpace(tok)
	if code != 0 || len(tok) < 20 || strings.ContainsAny(tok, " \n") {
		t.Fatalf("token create: %d %q %s", code, tok, errs)
	}
	t.Setenv("XUNBANG_TOKEN", tok)
	adminTok, errs, code := run(t, env, "serve", "token", "create", "--admin", "--user", "审核员", "--team", "平台", "--data", hub)
	if adminTok = strings.TrimSpace(adminTok); code != 0 || adminTok == "" {
		t.Fatalf("admin token create: %d %s", code, errs)
	}

	url, stop := serveOnce(t, hub)
	if _, errs, code := run(t, env, "sync", "--server", url, "--data", data); code != 0 || !strings.Contains(errs, "推送 ") || strings.Contains(errs, "pushed") {
		t.Fatalf("sync: %d %s", code, errs)
	}
	stop()

	out, _, _ := run(t, env, "list", "--json", "--data", data)
	// The first confirmed need that may be published, and the first 不公开 one.
	var first, private struct{ ID string }
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var n struct {
			ID, Visibility, Status string
			Confirmation           *struct {
				ContentHash string `json:"content_hash"`
			}
		}
		if err := json.Unmarshal([]byte(line), &n); err != nil {
			t.Fatal(err)
		}
		switch {
		case n.Confirmation == nil:
		case n.Visibility == "private":
			if private.ID == "" {
				private.ID = n.ID
			}
		case first.ID == "" && n.Status == "confirmed":
			first.ID = n.ID
		}
	}
	if first.ID == "" || private.ID == "" {
		t.Fatalf("no confirmed need to publish (%q), or none private (%q)", first.ID, private.ID)
	}
	// A 不公开 need is not published, and the hub says so in words.
	if _, errs, code := run(t, env, "serve", "review", private.ID, "--status", "已发布", "--data", hub); code != ExitError || !strings.Contains(errs, "不公开") || !strings.Contains(errs, "没有记录") {
		t.Fatalf("review of a private need: %d %s", code, errs)
	}
	if _, errs, code := run(t, env, "serve", "review", first.ID[:8], "--status", "已发布", "--data", hub); code != ExitError || !strings.Contains(errs, "完整编号") {
		t.Fatalf("review of a short id: %d %s", code, errs)
	}
	if _, errs, code := run(t, env, "serve", "review", first.ID, "--status", "已发布", "--url", "https://example.invalid/need/1", "--data", hub); code != 0 {
		t.Fatalf("review: %d %s", code, errs)
	}

	url, stop = serveOnce(t, hub)
	defer stop()
	// Through the running hub's admin endpoint the answers are in words too.
	for _, c := range []struct {
		token, status, want string
	}{
		{adminTok, "已发布", "不公开"},
		{tok, "已发布", "管理员令牌"},
		{adminTok, "乱写", "没有「乱写」这个平台状态"},
	} {
		remote := map[string]string{"LANG": "zh_CN.UTF-8", "XUNBANG_TOKEN": c.token}
		_, errs, code := run(t, remote, "serve", "review", private.ID, "--status", c.status, "--server", url)
		if code == 0 || !strings.Contains(errs, c.want) || strings.Contains(errs, "review ") {
			t.Errorf("remote review (%s): %d %s", c.want, code, errs)
		}
	}
	if _, errs, code := run(t, env, "sync", "--server", url, "--data", data); code != 0 {
		t.Fatalf("second sync: %d %s", code, errs)
	}
	out, _, _ = run(t, env, "list", "--json", "--data", data)
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var n struct {
			ID       string
			Status   string
			Platform struct{ URL string }
		}
		if err := json.Unmarshal([]byte(l), &n); err != nil {
			t.Fatal(err)
		}
		if n.ID == first.ID {
			if n.Status != "published" || n.Platform.URL != "https://example.invalid/need/1" {
				t.Fatalf("after review and sync: status %s, url %q", n.Status, n.Platform.URL)
			}
			return
		}
	}
	t.Fatal("the reviewed need is gone from the list")
}

func TestSyncRefusesPlainHTTPToOtherHosts(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XUNBANG_TOKEN", "x")
	_, errs, code := run(t, map[string]string{"LANG": "zh_CN.UTF-8"}, "sync", "--server", "http://example.com", "--data", dir)
	if code == 0 || !strings.Contains(errs, "HTTPS") && !strings.Contains(errs, "https") {
		t.Fatalf("plain http to a remote host: %d %s", code, errs)
	}
}

func TestServeSiteSettings(t *testing.T) {
	hub := filepath.Join(t.TempDir(), "hub")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "serve", "site", "--event", "2026“科技镇长团杯”苏州国际创新挑战赛", "--deadline", "2026-09-15", "--data", hub); code != 0 {
		t.Fatalf("serve site: %d %s", code, errs)
	}
	// A flag left out keeps what is stored; one given changes it.
	out, errs, code := run(t, env, "serve", "site", "--organiser", "苏州市科学技术局", "--data", hub)
	if code != 0 || !strings.Contains(out, "2026“科技镇长团杯”苏州国际创新挑战赛") || !strings.Contains(out, "苏州市科学技术局") || !strings.Contains(out, "2026-09-15") {
		t.Fatalf("serve site: %d %q %s", code, out, errs)
	}
	if _, errs, code := run(t, env, "serve", "site", "--deadline", "9月15日", "--data", hub); code == 0 || !strings.Contains(errs, "YYYY-MM-DD") {
		t.Errorf("a bad deadline: %d %s", code, errs)
	}
	srv, err := platform.Open(hub)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if st, _ := srv.Site(context.Background()); st.Deadline != "2026-09-15" || st.Organiser != "苏州市科学技术局" {
		t.Errorf("stored %+v", st)
	}
}

// noKeyring is a computer without an OS keyring, as these machines are.
type noKeyring struct{}

func (noKeyring) Get(string, string) (string, error) { return "", client.ErrNoKeyring }
func (noKeyring) Set(string, string, string) error   { return client.ErrNoKeyring }
func (noKeyring) Delete(string, string) error        { return client.ErrNoKeyring }

// TestLoginWithoutKeyring: on a computer without a keyring, login keeps the
// token sealed in the encrypted data file (the raw file does not hold it),
// sync finds it there without XUNBANG_TOKEN, and logout forgets it.
func TestLoginWithoutKeyring(t *testing.T) {
	old := tokenKeyring
	tokenKeyring = noKeyring{}
	t.Cleanup(func() { tokenKeyring = old })
	t.Setenv("XUNBANG_TOKEN", "")
	dir := t.TempDir()
	data, hub := filepath.Join(dir, "laptop"), filepath.Join(dir, "hub")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "6"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	tok, errs, code := run(t, env, "serve", "token", "create", "--user", "李科技", "--team", "苏州科技镇长团", "--data", hub)
	if tok = strings.TrimSpace(tok); code != 0 {
		t.Fatalf("token create: %s", errs)
	}
	url, stop := serveOnce(t, hub)
	defer stop()
	if _, errs, code := run(t, env, "login", "--server", url, "--token", "wrong", "--data", data); code == 0 || !strings.Contains(errs, "不认可") {
		t.Fatalf("login with a wrong token: %d %s", code, errs)
	}
	_, errs, code = run(t, env, "login", "--server", url, "--token", tok, "--data", data)
	if code != 0 || !strings.Contains(errs, "李科技") || !strings.Contains(errs, "加密的数据文件") {
		t.Fatalf("login: %d %s", code, errs)
	}
	raw, err := os.ReadFile(filepath.Join(data, "xunbang.db"))
	if err != nil || len(raw) == 0 || bytes.Contains(raw, []byte(tok)) {
		t.Fatalf("the data file holds the token in plain text (or is missing: %v)", err)
	}
	if _, errs, code := run(t, env, "sync", "--data", data); code != 0 {
		t.Fatalf("sync with the kept token: %d %s", code, errs)
	}
	if _, errs, code := run(t, env, "logout", "--data", data); code != 0 {
		t.Fatalf("logout: %d %s", code, errs)
	}
	if _, errs, code := run(t, env, "sync", "--data", data); code == 0 || !strings.Contains(errs, "平台连接") {
		t.Fatalf("sync after logout: %d %s", code, errs)
	}
	// The connect text the hub's console hands out, pasted at the prompt.
	var out, errb bytes.Buffer
	code = Main(context.Background(), []string{"login", "--data", data}, Env{
		Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(protocol.FormatConnectText(url, tok)),
		Getenv: func(k string) string { return env[k] },
	})
	if code != 0 || !strings.Contains(errb.String(), "已连接平台 "+url) {
		t.Fatalf("login with a pasted connect text: %d %s", code, errb.String())
	}
}
