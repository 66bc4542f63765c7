package app

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// signaturePad is a white area the enterprise's confirmer signs with the
// mouse or a pen: every drag draws a stroke. The strokes are kept in
// coordinates relative to the pad's size, so the drawing survives a resize,
// and are rendered to a PNG for the confirmation with the proportions the
// pad had when the signing began.
type signaturePad struct {
	widget.BaseWidget

	strokes [][]point
	// aspect is the pad's width over its height when the first stroke was
	// drawn.
	aspect   float32
	drawing  bool
	raster   *canvas.Raster
	border   *canvas.Rectangle
	minSize  fyne.Size
	disabled bool
	// OnChanged is called after a stroke was drawn or the pad cleared.
	OnChanged func()
}

// point is a position on the pad, each coordinate from 0 to 1.
type point struct{ x, y float32 }

// The signature PNG is signatureHeight pixels high, as wide as the pad's
// proportions make it, but no wider than signatureMaxWidth (then less high).
const (
	signatureHeight   = 240
	signatureMaxWidth = 1200
)

var (
	inkColor   = color.NRGBA{R: 0x10, G: 0x20, B: 0x50, A: 0xff}
	paperColor = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
)

var (
	_ fyne.Draggable = (*signaturePad)(nil)
	_ fyne.Widget    = (*signaturePad)(nil)
)

func newSignaturePad() *signaturePad {
	p := &signaturePad{minSize: fyne.NewSize(420, 140)}
	p.raster = canvas.NewRaster(func(w, h int) image.Image { return p.render(w, h) })
	p.border = canvas.NewRectangle(color.Transparent)
	p.border.StrokeWidth = 1
	p.border.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer draws the pad.
func (p *signaturePad) CreateRenderer() fyne.WidgetRenderer {
	return &signatureRenderer{p: p}
}

// Dragged extends the current stroke, or starts one where the drag began.
func (p *signaturePad) Dragged(e *fyne.DragEvent) {
	if p.disabled {
		return
	}
	size := p.Size()
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	rel := func(pos fyne.Position) point {
		return point{clamp01(pos.X / size.Width), clamp01(pos.Y / size.Height)}
	}
	if !p.drawing {
		if len(p.strokes) == 0 {
			p.aspect = size.Width / size.Height
		}
		start := e.Position.Subtract(fyne.NewPos(e.Dragged.DX, e.Dragged.DY))
		p.strokes = append(p.strokes, []point{rel(start)})
		p.drawing = true
	}
	last := &p.strokes[len(p.strokes)-1]
	*last = append(*last, rel(e.Position))
	p.raster.Refresh()
}

// DragEnd finishes the stroke.
func (p *signaturePad) DragEnd() {
	if !p.drawing {
		return
	}
	p.drawing = false
	if p.OnChanged != nil {
		p.OnChanged()
	}
}

// Clear removes the drawing, unless the pad is disabled.
func (p *signaturePad) Clear() {
	if p.disabled {
		return
	}
	p.reset()
	if p.OnChanged != nil {
		p.OnChanged()
	}
}

// reset removes the drawing (a new need on screen).
func (p *signaturePad) reset() {
	p.strokes, p.drawing, p.aspect = nil, false, 0
	p.raster.Refresh()
}

// Empty reports whether nothing has been drawn.
func (p *signaturePad) Empty() bool { return len(p.strokes) == 0 }

// SetEnabled allows or stops drawing.
func (p *signaturePad) SetEnabled(on bool) { p.disabled = !on }

// PNG returns the drawing as a PNG with the pad's proportions (see
// signatureHeight), or nil when nothing has been drawn.
func (p *signaturePad) PNG() []byte {
	if p.Empty() {
		return nil
	}
	w, h := signatureSize(p.aspect)
	var buf bytes.Buffer
	if err := png.Encode(&buf, p.render(w, h)); err != nil {
		return nil // encoding an in-memory RGBA image does not fail
	}
	return buf.Bytes()
}

// signatureSize is the size of the PNG of a pad of the given proportions
// (width over height; 3 when unknown).
func signatureSize(aspect float32) (w, h int) {
	a := float64(aspect)
	if a <= 0 || math.IsNaN(a) || math.IsInf(a, 0) {
		a = 3
	}
	w = int(math.Round(signatureHeight * a))
	if w <= signatureMaxWidth {
		return max(w, 1), signatureHeight
	}
	return signatureMaxWidth, max(int(math.Round(signatureMaxWidth/a)), 1)
}

// render draws the strokes on white paper of w × h pixels.
func (p *signaturePad) render(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	draw.Draw(img, img.Bounds(), image.NewUniform(paperColor), image.Point{}, draw.Src)
	radius := math.Max(1.2, float64(h)/90)
	for _, s := range p.strokes {
		for i := range s {
			a := s[i]
			b := a
			if i+1 < len(s) {
				b = s[i+1]
			}
			line(img, float64(a.x)*float64(w), float64(a.y)*float64(h), float64(b.x)*float64(w), float64(b.y)*float64(h), radius)
		}
	}
	return img
}

// line stamps discs of the given radius along the segment from (x0, y0) to
// (x1, y1).
func line(img *image.NRGBA, x0, y0, x1, y1, r float64) {
	steps := int(math.Ceil(math.Hypot(x1-x0, y1-y0)/(r/2))) + 1
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		disc(img, x0+(x1-x0)*t, y0+(y1-y0)*t, r)
	}
}

func disc(img *image.NRGBA, cx, cy, r float64) {
	b := img.Bounds()
	for y := int(cy - r - 1); y <= int(cy+r+1); y++ {
		for x := int(cx - r - 1); x <= int(cx+r+1); x++ {
			if !(image.Point{X: x, Y: y}).In(b) {
				continue
			}
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			if d > r+0.5 {
				continue
			}
			cov := math.Min(1, r+0.5-d) // anti-aliased edge
			old := img.NRGBAAt(x, y)
			mix := func(o, n uint8) uint8 { return uint8(float64(o)*(1-cov) + float64(n)*cov) }
			if old == inkColor {
				continue
			}
			img.SetNRGBA(x, y, color.NRGBA{R: mix(old.R, inkColor.R), G: mix(old.G, inkColor.G), B: mix(old.B, inkColor.B), A: 0xff})
		}
	}
}

func clamp01(v float32) float32 { return min(max(v, 0), 1) }

type signatureRenderer struct {
	p *signaturePad
}

func (r *signatureRenderer) Destroy() {}

func (r *signatureRenderer) Layout(size fyne.Size) {
	r.p.raster.Resize(size)
	r.p.border.Resize(size)
}

func (r *signatureRenderer) MinSize() fyne.Size { return r.p.minSize }

func (r *signatureRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.p.raster, r.p.border}
}

func (r *signatureRenderer) Refresh() {
	r.p.border.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	r.p.raster.Refresh()
	r.p.border.Refresh()
}
