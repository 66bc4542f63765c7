// Command mkicon draws xunbang's application icon and writes it as a PNG.
//
// The icon is a 512×512 rounded square in Chinese red with a white list (three
// bullet rows) and a white magnifying glass with a blue lens over it: "looking
// for needs". It is drawn from signed distance functions with 4×4
// supersampling, using only the standard library, so it needs no font and the
// output is byte-for-byte reproducible.
//
// Run it from the repository root; the output is committed:
//
//	go run ./tools/mkicon            # writes assets/icon.png
//	go run ./tools/mkicon -o x.png   # writes elsewhere
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/xunbang/xunbang/internal/atomicfile"
)

const (
	size    = 512 // edge of the square icon, in pixels
	samples = 4   // supersampling per axis
)

var (
	red   = color.NRGBA{R: 0xD7, G: 0x26, B: 0x2E, A: 0xFF} // background
	blue  = color.NRGBA{R: 0x1E, G: 0x5A, B: 0xA8, A: 0xFF} // lens
	white = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF} // list and magnifier
)

// A layer is one flat-coloured shape; sd is its signed distance function
// (negative inside).
type layer struct {
	c  color.NRGBA
	sd func(x, y float64) float64
}

// layers lists the shapes from back to front.
func layers() []layer {
	ls := []layer{{red, func(x, y float64) float64 { return roundedRect(x, y, 16, 16, 496, 496, 104) }}}
	for i, y := range []float64{146, 226, 306} {
		ls = append(ls,
			layer{white, func(px, py float64) float64 { return circle(px, py, 118, y, 20) }},
			layer{white, func(px, py float64) float64 { return capsule(px, py, 172, y, []float64{372, 340, 250}[i], y, 15) }},
		)
	}
	const cx, cy, outer, ring = 318.0, 318.0, 104.0, 30.0
	ls = append(ls,
		// a red halo separates the magnifier from the list rows it covers
		layer{red, func(x, y float64) float64 { return circle(x, y, cx, cy, outer+14) }},
		layer{white, func(x, y float64) float64 { return capsule(x, y, 392, 392, 444, 444, 27) }},
		layer{white, func(x, y float64) float64 { return circle(x, y, cx, cy, outer) }},
		layer{blue, func(x, y float64) float64 { return circle(x, y, cx, cy, outer-ring) }},
		// a highlight on the glass
		layer{white, func(x, y float64) float64 {
			return math.Max(math.Abs(math.Hypot(x-cx, y-cy)-44)-8, math.Max(x-cx+6, y-cy+6))
		}},
	)
	return ls
}

func roundedRect(x, y, x0, y0, x1, y1, r float64) float64 {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hx, hy := (x1-x0)/2-r, (y1-y0)/2-r
	dx, dy := math.Abs(x-cx)-hx, math.Abs(y-cy)-hy
	return math.Hypot(math.Max(dx, 0), math.Max(dy, 0)) + math.Min(math.Max(dx, dy), 0) - r
}

func circle(x, y, cx, cy, r float64) float64 { return math.Hypot(x-cx, y-cy) - r }

// capsule is a line segment from (ax, ay) to (bx, by) with round caps and
// half-width r.
func capsule(x, y, ax, ay, bx, by, r float64) float64 {
	px, py, dx, dy := x-ax, y-ay, bx-ax, by-ay
	t := math.Max(0, math.Min(1, (px*dx+py*dy)/(dx*dx+dy*dy)))
	return math.Hypot(px-t*dx, py-t*dy) - r
}

// draw renders the icon.
func draw() *image.NRGBA {
	ls := layers()
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64 // premultiplied sums
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					x := float64(px) + (float64(sx)+0.5)/samples
					y := float64(py) + (float64(sy)+0.5)/samples
					for i := len(ls) - 1; i >= 0; i-- {
						if ls[i].sd(x, y) <= 0 {
							c := ls[i].c
							r, g, b, a = r+float64(c.R), g+float64(c.G), b+float64(c.B), a+255
							break
						}
					}
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r * 255 / a)),
				G: uint8(math.Round(g * 255 / a)),
				B: uint8(math.Round(b * 255 / a)),
				A: uint8(math.Round(a / (samples * samples))),
			})
		}
	}
	return img
}

// writePNG writes img to path atomically: a temporary file in the same
// directory, renamed over path once complete.
func writePNG(path string, img image.Image) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		if err := png.Encode(w, img); err != nil {
			return fmt.Errorf("encode PNG: %w", err)
		}
		return nil
	})
}

func main() {
	out := flag.String("o", filepath.Join("assets", "icon.png"), "output PNG file")
	flag.Parse()
	if err := writePNG(*out, draw()); err != nil {
		log.Fatalf("mkicon: %v", err)
	}
	fmt.Printf("mkicon: wrote %s (%d×%d)\n", *out, size, size)
}
