package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xunbang/xunbang/internal/browsertest"
)

// The browser renders a page served over loopback, scripts off or on, and
// gives back what the page says.
func TestChromiumReadsALoopbackPage(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="zh-CN"><title>寻榜</title><h1 id="t">需求公开页</h1></html>`)
	}))
	defer ts.Close()
	ctx := browsertest.New(t, 390, 844, 60*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL)); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text("#t"))
	if err != nil {
		t.Fatal(err)
	}
	if title != "寻榜" || text != "需求公开页" {
		t.Fatalf("title %q, text %q", title, text)
	}
}
