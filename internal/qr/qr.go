// Package qr makes QR codes. It is the one place xunbang touches
// github.com/skip2/go-qrcode, whose upstream is dormant: if it ever has to be
// replaced, only this file changes.
//
// Every code is made with error correction level H (about 30 % of the symbol
// may be lost), so that a creased or smudged printed card still scans.
package qr

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"slices"
	"sync"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"
)

// QuietZone is the width, in modules, of the white margin the QR standard
// asks for around a symbol.
const QuietZone = 4

// Code is an encoded QR symbol, without its quiet zone.
type Code struct {
	size int
	dark []bool // size*size, row by row
}

// Encode encodes content at error correction level H, in the smallest
// version that a decoder reads back.
//
// Every symbol go-qrcode makes is valid (zbar reads them all), but about
// one in a hundred short URLs comes out in a form ZXing's detector — the
// one in most Android scanning apps — does not find: a mask that leaves
// finder-like runs in the data confuses it. So each symbol is read back
// with ZXing's port (gozxing) before it is used, and when it does not
// scan, the same content is encoded one version larger (another layout,
// another mask) — up to scanTries versions. Should none scan, the first
// symbol is returned: it is still a correct code.
func Encode(content string) (*Code, error) {
	q, err := qrcode.New(content, qrcode.Highest)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	first, err := fromQRCode(q)
	if err != nil {
		return nil, err
	}
	if first.scans(content) {
		return first, nil
	}
	for v := q.VersionNumber + 1; v <= min(q.VersionNumber+scanTries, 40); v++ {
		q, err := qrcode.NewWithForcedVersion(content, v, qrcode.Highest)
		if err != nil {
			break
		}
		if c, err := fromQRCode(q); err == nil && c.scans(content) {
			return c, nil
		}
	}
	return first, nil
}

// scanTries is how many larger versions Encode tries for a symbol that
// does not scan.
const scanTries = 4

// scans reports whether ZXing's detector and decoder read content back
// from the symbol drawn at 4 and at 6 pixels a module, with its quiet zone
// (the detector misses some symbols at one size only).
func (c *Code) scans(content string) bool {
	for _, scale := range []int{4, 6} {
		bmp, err := gozxing.NewBinaryBitmapFromImage(c.Image(scale, QuietZone))
		if err != nil {
			return false
		}
		res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
		if err != nil || res.GetText() != content {
			return false
		}
	}
	return true
}

// fromQRCode takes go-qrcode's symbol without its quiet zone.
func fromQRCode(q *qrcode.QRCode) (*Code, error) {
	bm := q.Bitmap() // with its quiet zone: the mask is chosen looking at it
	border := 0
	for border < len(bm) && !slices.Contains(bm[border], true) {
		border++
	}
	n := len(bm) - 2*border
	if n <= 0 {
		return nil, fmt.Errorf("qr: empty symbol")
	}
	c := &Code{size: n, dark: make([]bool, n*n)}
	for y := 0; y < n; y++ {
		row := bm[border+y]
		if len(row) != len(bm) {
			return nil, fmt.Errorf("qr: symbol is not square")
		}
		copy(c.dark[y*n:], row[border:border+n])
	}
	return c, nil
}

// Size returns the number of modules along a side (21 for version 1, 4 more
// for each version after it), quiet zone excluded.
func (c *Code) Size() int { return c.size }

// Dark reports whether the module at column x, row y is dark. Coordinates
// outside the symbol (the quiet zone) are light.
func (c *Code) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= c.size || y >= c.size {
		return false
	}
	return c.dark[y*c.size+x]
}

// Image draws the symbol with scale pixels per module and a quiet zone of
// quiet modules on every side, black on white.
func (c *Code) Image(scale, quiet int) *image.Gray {
	if scale < 1 {
		scale = 1
	}
	if quiet < 0 {
		quiet = 0
	}
	n := (c.size + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, n, n))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 0; y < c.size; y++ {
		for x := 0; x < c.size; x++ {
			if !c.dark[y*c.size+x] {
				continue
			}
			x0, y0 := (x+quiet)*scale, (y+quiet)*scale
			for dy := 0; dy < scale; dy++ {
				row := img.Pix[(y0+dy)*img.Stride:]
				for dx := 0; dx < scale; dx++ {
					row[x0+dx] = 0
				}
			}
		}
	}
	return img
}

// PNG returns [Code.Image] as a 1-bit greyscale PNG: small (a few hundred
// bytes), quick to make, and readable by gopdf's PNG parser, which copies
// its compressed data into the PDF as it is.
func (c *Code) PNG(scale, quiet int) ([]byte, error) {
	if scale < 1 {
		scale = 1
	}
	if quiet < 0 {
		quiet = 0
	}
	n := (c.size + 2*quiet) * scale
	rowLen := 1 + (n+7)/8 // filter byte, then 8 pixels a byte, 1 = white
	raw := make([]byte, rowLen*n)
	for y := 0; y < n; y++ {
		row := raw[y*rowLen+1 : (y+1)*rowLen]
		for i := range row {
			row[i] = 0xff
		}
		my := y/scale - quiet
		for x := 0; x < n; x++ {
			if c.Dark(x/scale-quiet, my) {
				row[x/8] &^= 0x80 >> (x % 8)
			}
		}
	}
	var z bytes.Buffer
	zw, _ := zlibWriters.Get().(*zlib.Writer)
	if zw == nil {
		zw = zlib.NewWriter(&z)
	} else {
		zw.Reset(&z)
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	zlibWriters.Put(zw)

	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(n))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(n))
	ihdr[8] = 1 // bit depth; colour type 0 (grey), deflate, no filter, no interlace
	chunk(&out, "IHDR", ihdr[:])
	chunk(&out, "IDAT", z.Bytes())
	chunk(&out, "IEND", nil)
	return out.Bytes(), nil
}

// zlibWriters keeps compressors: one is large next to a QR code's few
// hundred bytes, and a sheet of cards makes hundreds.
var zlibWriters sync.Pool

func chunk(w *bytes.Buffer, typ string, data []byte) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(len(data)))
	w.Write(b[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	w.WriteString(typ)
	w.Write(data)
	binary.BigEndian.PutUint32(b[:], crc.Sum32())
	w.Write(b[:])
}
