package app

import (
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

func TestOpaqueAndUniform(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	if !uniform(opaque(img)) {
		t.Error("a blank image is not uniform")
	}
	img.Set(2, 1, color.RGBA{R: 10, G: 20, B: 30}) // alpha 0, as a GL front buffer may have
	o := opaque(img)
	if uniform(o) {
		t.Error("an image with a coloured pixel is uniform")
	}
	if got := o.NRGBAAt(2, 1); got != (color.NRGBA{R: 10, G: 20, B: 30, A: 255}) {
		t.Errorf("opaque pixel = %v", got)
	}
	if !uniform(opaque(nil)) {
		t.Error("nil image is not uniform")
	}
}

func TestWritePNGIsAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "shot.png")
	if err := writePNG(p, image.NewNRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "shot.png" {
		t.Errorf("directory holds %v, want only shot.png", entries)
	}
	if err := writePNG(filepath.Join(dir, "missing", "shot.png"), image.NewNRGBA(image.Rect(0, 0, 1, 1))); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
