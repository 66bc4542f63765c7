//go:build ci

package app

import (
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/xunbang/xunbang/store"
)

// TestRunScreenshot drives Run end to end with Fyne's test driver and
// software painter (build tag ci), so it needs neither cgo nor a display:
// every screen, on a demo data dir.
func TestRunScreenshot(t *testing.T) {
	setLocale(t, "C")
	dir := filepath.Join(t.TempDir(), "数据")
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	importDemo(t, st, 60)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, screen := range screens {
		t.Run(screen, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), screen+".png")
			err := Run(context.Background(), Options{DataDir: dir, Screenshot: p, Screen: screen, Size: fyne.NewSize(1024, 700)})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			img := decodePNG(t, p)
			if b := img.Bounds(); b.Dx() != 1024 || b.Dy() != 700 {
				t.Errorf("screenshot is %v, want 1024×700", b.Size())
			}
		})
	}
}

func decodePNG(t *testing.T, p string) image.Image {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", p, err)
	}
	return img
}

func TestRunRejectsUnknownScreen(t *testing.T) {
	err := Run(context.Background(), Options{DataDir: t.TempDir(), Screen: "nonsense", Screenshot: filepath.Join(t.TempDir(), "x.png")})
	if err == nil {
		t.Fatal("Run with an unknown screen succeeded")
	}
}

func TestRunNeedsADataDir(t *testing.T) {
	if err := Run(context.Background(), Options{Screenshot: filepath.Join(t.TempDir(), "x.png")}); err == nil {
		t.Fatal("Run without a data dir succeeded")
	}
}
