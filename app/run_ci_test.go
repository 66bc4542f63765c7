//go:build ci

package app

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
)

// TestRunScreenshot drives Run end to end with Fyne's test driver and
// software painter (build tag ci), so it needs neither cgo nor a display.
func TestRunScreenshot(t *testing.T) {
	setLocale(t, "C")
	p := filepath.Join(t.TempDir(), "shot.png")
	err := Run(context.Background(), Options{DataDir: "/tmp/数据", Screenshot: p, Size: fyne.NewSize(640, 400)})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", p, err)
	}
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 400 {
		t.Errorf("screenshot is %v, want 640×400", b.Size())
	}
}

func TestRunRejectsUnknownScreen(t *testing.T) {
	err := Run(context.Background(), Options{Screen: "nonsense", Screenshot: filepath.Join(t.TempDir(), "x.png")})
	if err == nil {
		t.Fatal("Run with an unknown screen succeeded")
	}
}
