// Package browsertest drives Debian's headless Chromium from Go tests
// through chromedp: the hub's public pages and console are tested in a real
// browser. `make test` installs the `chromium` package; a machine without
// it fails the tests that need it with a message that says so.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Executable finds the Chromium binary: $CHROMIUM, else chromium or
// chromium-browser on the PATH.
func Executable() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// New starts a headless Chromium for one test, with a fresh profile in a
// temporary directory and nothing that reaches the network on its own, at
// the window size width × height, asking for pages in Chinese
// (Accept-Language: zh-CN, as an official's browser does); it returns a
// chromedp context (give it to chromedp.Run) that ends with the test or
// after timeout.
func New(t testing.TB, width, height int, timeout time.Duration) context.Context {
	t.Helper()
	exe, err := Executable()
	if err != nil {
		t.Fatalf("no Chromium here (install the Debian package chromium; `make test` does): %v", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelCtx := chromedp.NewContext(actx)
	// The first run starts the browser, which lives as long as that run's
	// context: so no timeout on it, only on what comes after.
	if err := chromedp.Do(bctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(bctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}
