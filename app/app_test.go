package app

import (
	"image"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// labelTexts returns the texts of all labels under o.
func labelTexts(o fyne.CanvasObject) []string {
	switch o := o.(type) {
	case *widget.Label:
		return []string{o.Text}
	case *fyne.Container:
		var texts []string
		for _, c := range o.Objects {
			texts = append(texts, labelTexts(c)...)
		}
		return texts
	}
	return nil
}

func TestPlaceholderWindowIsChinese(t *testing.T) {
	setLocale(t, "en_US.UTF-8")
	mustSetLanguage(t, Chinese)
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())

	w := newMainWindow(a, Options{DataDir: "/home/官员/寻榜"})
	defer w.Close()
	w.Resize(fyne.NewSize(800, 500))
	if got := w.Title(); got != "寻榜" {
		t.Errorf("title = %q, want 寻榜", got)
	}
	texts := labelTexts(w.Content())
	for _, want := range []string{"寻榜", taglineZH, "数据目录：/home/官员/寻榜"} {
		if !slices.Contains(texts, want) {
			t.Errorf("window has no label %q; labels: %q", want, texts)
		}
	}
	if img := w.Canvas().Capture(); uniform(opaque(img)) {
		t.Error("window renders as a single colour")
	}
}

func TestPlaceholderWindowInEnglish(t *testing.T) {
	setLocale(t, "zh_CN.UTF-8")
	mustSetLanguage(t, English)
	a := test.NewTempApp(t)

	w := newMainWindow(a, Options{})
	defer w.Close()
	if got := w.Title(); got != "Xunbang" {
		t.Errorf("title = %q, want Xunbang", got)
	}
	texts := labelTexts(w.Content())
	for _, want := range []string{taglineEN, "Data folder: not set"} {
		if !slices.Contains(texts, want) {
			t.Errorf("window has no label %q; labels: %q", want, texts)
		}
	}
}

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
