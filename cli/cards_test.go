package cli

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

func fontBytes(t *testing.T) func() []byte {
	t.Helper()
	b, err := os.ReadFile("../assets/fonts/wqy-microhei-subset.ttf")
	if err != nil {
		t.Fatal(err)
	}
	return func() []byte { return b }
}

func TestCardsCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "24"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	pdf := filepath.Join(dir, "cards.pdf")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"cards", "--data", data, "-o", pdf, "--layout", "a4-8"}, Env{
		Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Font: fontBytes(t),
	})
	if code != 0 {
		t.Fatalf("cards: %d %s", code, errb.String())
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	if !strings.Contains(errb.String(), "跳过") || !strings.Contains(errb.String(), "张卡片") || !strings.Contains(errb.String(), "张带二维码") {
		t.Errorf("the command does not report skipped private needs and the count:\n%s", errb.String())
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext missing: run make deps")
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "技术需求") {
		t.Errorf("the PDF's text lacks the card heading:\n%.300s", text)
	}
	// A bad layout is a usage message, not a crash.
	errb.Reset()
	code = Main(context.Background(), []string{"cards", "--data", data, "--layout", "a3"}, Env{
		Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Font: fontBytes(t),
	})
	if code == 0 || !strings.Contains(errb.String(), "未知版式") {
		t.Errorf("bad layout: %d %s", code, errb.String())
	}
}

// saveSettings changes the settings of the data dir as the window would.
func saveSettings(t *testing.T, data string, change func(*store.Settings)) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, data, store.Options{Key: store.KeySource{Keyring: keyring}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set, err := st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	change(&set)
	if err := st.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
}

// hubPublishes records, on up to n confirmed needs, the verdict of a hub
// that published them without another platform's address (as a pull
// applies it): their cards may point to the hub's page.
func hubPublishes(t *testing.T, data string, n int) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, data, store.Options{Key: store.KeySource{Keyring: keyring}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sums, err := st.Needs(ctx, store.Query{Status: []forms.Status{forms.StatusConfirmed}})
	if err != nil || len(sums) == 0 {
		t.Fatalf("no confirmed need to publish: %v", err)
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		for _, s := range sums[:min(n, len(sums))] {
			x, err := tx.Need(s.ID)
			if err != nil {
				return err
			}
			x.Platform = forms.Platform{State: "已发布", UpdatedAt: time.Now()}
			x.Status = forms.StatusPublished
			if err := tx.PutNeedRemote(x); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCardsPointToTheHub: the command takes what a card's QR code holds
// from the settings, as the window does: the hub's page of a need the hub
// published when a hub is configured, and no QR code at all for a need no
// address resolves to; no card points to xunbang.invalid, whatever the
// environment says.
func TestCardsPointToTheHub(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"LANG": "zh_CN.UTF-8", "XUNBANG_CARD_URL": "https://xunbang.invalid/n/{id}?h={hash8}"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "24"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	const hub = "https://hub.wujiang.example.gov.cn"
	saveSettings(t, data, func(s *store.Settings) {
		s.HubPublicURL = hub
		s.Event.Platform = "江苏省科技资源统筹服务云平台"
	})
	hubPublishes(t, data, 3)
	out := filepath.Join(dir, "png")
	var stdout, errb bytes.Buffer
	code := Main(context.Background(), []string{"cards", "--data", data, "--png", "-o", out, "--layout", "a6"}, Env{
		Stdout: &stdout, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Font: fontBytes(t),
	})
	if code != 0 {
		t.Fatalf("cards: %d %s", code, errb.String())
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.png"))
	if want := fmt.Sprintf("共 %d 张卡片，每张一个 PNG", len(files)); !strings.Contains(errb.String(), want) {
		t.Errorf("the summary %q does not say %q", errb.String(), want)
	}
	toHub, none := 0, 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
		res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
		if err != nil {
			none++
			continue
		}
		switch got := res.GetText(); {
		case strings.HasPrefix(got, hub+"/n/"):
			toHub++
		case strings.Contains(got, "xunbang.invalid"):
			t.Errorf("%s points nowhere: %s", filepath.Base(f), got)
		}
	}
	if toHub == 0 || none == 0 {
		t.Errorf("of %d cards, %d point to the hub and %d have no QR code; want some of each", len(files), toHub, none)
	}

	// The PDF says where the needs without a QR code will be published.
	pdf := filepath.Join(dir, "cards.pdf")
	errb.Reset()
	if code := Main(context.Background(), []string{"cards", "--data", data, "-o", pdf}, Env{
		Stdout: &stdout, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Font: fontBytes(t),
	}); code != 0 {
		t.Fatalf("cards: %s", errb.String())
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (run make deps): %v", err)
	}
	if flat := strings.Join(strings.Fields(string(text)), ""); !strings.Contains(flat, "江苏省科技资源统筹服务云平台") || !strings.Contains(flat, "核验号") {
		t.Errorf("the cards without a QR code do not say where the needs will be published:\n%.600s", text)
	}
}
