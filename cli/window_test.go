package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// windowEnv is an Env whose window opens the data dir as the real window
// does (store.Open with the key), and which records what ShowError shows.
func windowEnv(shown *[]string) Env {
	return Env{
		Stdout: &strings.Builder{}, Stderr: &strings.Builder{},
		Getenv: func(k string) string { return map[string]string{"LANG": "zh_CN.UTF-8"}[k] },
		OpenWindow: func(ctx context.Context, o WindowOptions) error {
			st, err := store.Open(ctx, o.DataDir, store.Options{Key: store.KeySource{Keyring: keyring}, Timeout: 200 * time.Millisecond})
			if err != nil {
				return err
			}
			return st.Close()
		},
		ShowError: func(_ context.Context, lang, msg string) { *shown = append(*shown, lang+": "+msg) },
	}
}

// TestSecondStartShowsWhy: a second start on a data dir a window has open
// shows a window that says so and what to do; a damaged data file shows
// the damage and the way out — instead of nothing (issues 12.13, 11.4).
func TestSecondStartShowsWhy(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := filepath.Join(t.TempDir(), "data")
	st, err := store.Open(ctx, data, store.Options{Key: store.KeySource{Keyring: keyring}})
	if err != nil {
		t.Fatal(err)
	}
	// The first window: its store and its control channel.
	srv, err := jobs.ServeControl(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	if code := Main(ctx, []string{"--data", data}, windowEnv(&shown)); code != ExitError {
		t.Fatalf("second start: exit %d", code)
	}
	if len(shown) != 1 || !strings.Contains(shown[0], "zh: 寻榜已经在另一个窗口中打开了数据目录 "+data) || !strings.Contains(shown[0], "切换到那个窗口") {
		t.Errorf("second start showed %q", shown)
	}
	// --lang en is the window's language.
	shown = nil
	Main(ctx, []string{"--data", data, "--lang", "en"}, windowEnv(&shown))
	if len(shown) != 1 || !strings.Contains(shown[0], "en: xunbang already has the data dir") {
		t.Errorf("English: %q", shown)
	}
	// A command (no window) holding the data dir is not called a window.
	srv.Close()
	<-srv.Done()
	shown = nil
	Main(ctx, []string{"--data", data}, windowEnv(&shown))
	if len(shown) != 1 || !strings.Contains(shown[0], "另一个寻榜程序使用") || strings.Contains(shown[0], "另一个窗口中") {
		t.Errorf("held by a command: %q", shown)
	}
	st.Close()

	// A damaged data file.
	if err := os.Truncate(filepath.Join(data, store.FileName), 0); err != nil {
		t.Fatal(err)
	}
	shown = nil
	Main(ctx, []string{"--data", data}, windowEnv(&shown))
	if len(shown) != 1 || !strings.Contains(shown[0], "已损坏") || !strings.Contains(shown[0], "xunbang restore") {
		t.Errorf("damaged: %q", shown)
	}
	// A screenshot run shows no window.
	shown = nil
	Main(ctx, []string{"--data", data, "--screenshot", filepath.Join(t.TempDir(), "x.png")}, windowEnv(&shown))
	if len(shown) != 0 {
		t.Errorf("screenshot showed %q", shown)
	}
}
