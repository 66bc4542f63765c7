package cli

import (
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/sync/platform"
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
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "12"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	tok, errs, code := run(t, env, "serve", "token", "create", "--user", "李科技", "--team", "苏州科技镇长团", "--data", hub)
	tok = strings.TrimSpace(tok)
	if code != 0 || len(tok) < 20 || strings.ContainsAny(tok, " \n") {
		t.Fatalf("token create: %d %q %s", code, tok, errs)
	}
	t.Setenv("XUNBANG_TOKEN", tok)

	url, stop := serveOnce(t, hub)
	if _, errs, code := run(t, env, "sync", "--server", url, "--data", data); code != 0 {
		t.Fatalf("sync: %d %s", code, errs)
	}
	stop()

	out, _, _ := run(t, env, "list", "--json", "--status", "已确认", "--data", data)
	var first struct{ ID string }
	line, _, _ := strings.Cut(out, "\n")
	if err := json.Unmarshal([]byte(line), &first); err != nil || first.ID == "" {
		t.Fatalf("no confirmed need to publish: %q", out)
	}
	if _, errs, code := run(t, env, "serve", "review", first.ID, "--status", "已发布", "--url", "https://example.invalid/need/1", "--data", hub); code != 0 {
		t.Fatalf("review: %d %s", code, errs)
	}

	url, stop = serveOnce(t, hub)
	defer stop()
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
