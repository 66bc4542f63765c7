package card

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/xunbang/xunbang/internal/atomicfile"
)

// RenderPNG writes one PNG per card into dir (made if missing), named by the
// need's number ("6F1C2D3E.png"; by its whole id if two numbers collide). A
// card is drawn at the size of Options.Layout's card (a4-8: 95 × 65 mm,
// landscape, good for slides; a4-4 and a6: portrait) at Options.DPI. Items
// without a card are skipped as by Render. Report.Files lists the files.
func RenderPNG(ctx context.Context, dir string, items []Item, opt Options) (Report, error) {
	var rep Report
	sh, fc, cards, err := begin(ctx, items, &opt, &rep, false)
	if err != nil {
		return rep, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return rep, fmt.Errorf("card: %w", err)
	}
	names := pngNames(cards)
	slot := sh.slots[0]
	r := rect{0, 0, slot.w, slot.h}
	p := newPNGPainter(fc, opt.dpi(), r)
	for i := range cards {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		ops := layoutCard(fc, fc.metrics, sh.st, &cards[i].content, cards[i].code, r)
		img, err := p.paint(ops)
		if err != nil {
			return rep, fmt.Errorf("card: need %s: %w", cards[i].id, err)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return rep, fmt.Errorf("card: need %s: %w", cards[i].id, err)
		}
		path := filepath.Join(dir, names[i])
		if err := atomicfile.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return rep, fmt.Errorf("card: %w", err)
		}
		rep.Files = append(rep.Files, path)
		rep.drew(&cards[i])
	}
	return rep, nil
}

// pngNames names each card's file by its number, or by its whole id (made
// safe for a file name) where numbers collide.
func pngNames(cards []card) []string {
	count := map[string]int{}
	for _, c := range cards {
		count[c.number]++
	}
	names := make([]string, len(cards))
	for i, c := range cards {
		base := c.number
		if count[base] > 1 || base == "" {
			base = strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_' {
					return r
				}
				return '_'
			}, c.id)
			if base == "" {
				base = fmt.Sprintf("card-%d", i+1)
			}
		}
		names[i] = base + ".png"
	}
	return names
}

type pngPainter struct {
	fc    *face
	scale float64 // pixels per mm
	card  rect
	faces map[float64]font.Face
}

func newPNGPainter(fc *face, dpi float64, card rect) *pngPainter {
	return &pngPainter{fc: fc, scale: dpi / 25.4, card: card, faces: map[float64]font.Face{}}
}

func (p *pngPainter) px(mm float64) int { return int(math.Round(mm * p.scale)) }

func (p *pngPainter) face(size float64) (font.Face, error) {
	if f, ok := p.faces[size]; ok {
		return f, nil
	}
	f, err := opentype.NewFace(p.fc.f, &opentype.FaceOptions{Size: size, DPI: p.scale * 25.4, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	p.faces[size] = f
	return f, nil
}

func rgba(c rgb) color.RGBA { return color.RGBA{c.r, c.g, c.b, 0xff} }

func (p *pngPainter) fill(img *image.RGBA, x, y, w, h float64, c rgb) {
	r := image.Rect(p.px(x), p.px(y), p.px(x+w), p.px(y+h))
	draw.Draw(img, r, image.NewUniform(rgba(c)), image.Point{}, draw.Src)
}

func (p *pngPainter) paint(ops []op) (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, p.px(p.card.w), p.px(p.card.h)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for _, o := range ops {
		switch o.kind {
		case opFill:
			p.fill(img, o.x, o.y, o.w, o.h, o.col)
		case opStroke:
			lw := math.Max(o.lw, 1/p.scale) // at least a pixel
			p.fill(img, o.x-lw/2, o.y-lw/2, o.w+lw, lw, o.col)
			p.fill(img, o.x-lw/2, o.y+o.h-lw/2, o.w+lw, lw, o.col)
			p.fill(img, o.x-lw/2, o.y-lw/2, lw, o.h+lw, o.col)
			p.fill(img, o.x+o.w-lw/2, o.y-lw/2, lw, o.h+lw, o.col)
		case opText:
			f, err := p.face(o.size)
			if err != nil {
				return nil, err
			}
			d := font.Drawer{
				Dst: img, Src: image.NewUniform(rgba(o.col)), Face: f,
				Dot: fixed.Point26_6{X: fixed.Int26_6(math.Round(o.x * p.scale * 64)), Y: fixed.Int26_6(math.Round(o.y * p.scale * 64))},
			}
			d.DrawString(o.text)
		case opQR:
			n := o.code.Size()
			m := o.w / float64(n)
			for y := 0; y < n; y++ {
				for x := 0; x < n; x++ {
					if o.code.Dark(x, y) {
						// Edges from the same rounding, so modules meet without gaps.
						r := image.Rect(p.px(o.x+float64(x)*m), p.px(o.y+float64(y)*m), p.px(o.x+float64(x+1)*m), p.px(o.y+float64(y+1)*m))
						draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
					}
				}
			}
		}
	}
	return img, nil
}
