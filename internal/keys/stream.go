package keys

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// streamChunk is how much plain text one sealed record of a stream holds.
const streamChunk = 64 << 10

// ErrTruncated is returned by OpenStream for a stream whose last record is
// missing: the file was cut short.
var ErrTruncated = errors.New("sealed stream is truncated")

// SealStream reads src to its end and writes it to dst sealed, in records of
// up to 64 KiB: each is a 4-byte big-endian length and a value sealed with
// b under ad ‖ the record's number ‖ whether it is the last. Records can
// therefore be neither reordered, dropped, nor cut off at the end without
// OpenStream noticing.
func SealStream(dst io.Writer, src io.Reader, b *Box, ad []byte) error {
	buf := make([]byte, streamChunk)
	next := make([]byte, streamChunk)
	n, err := io.ReadFull(src, buf)
	for i := uint64(0); ; i++ {
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return err
		}
		last := err != nil
		var m int
		var nerr error
		if !last {
			m, nerr = io.ReadFull(src, next)
			if m == 0 && (errors.Is(nerr, io.EOF) || errors.Is(nerr, io.ErrUnexpectedEOF)) {
				last = true
			}
		}
		rec := b.Seal(buf[:n], recordAD(ad, i, last))
		var hdr [4]byte
		binary.BigEndian.PutUint32(hdr[:], uint32(len(rec)))
		if _, werr := dst.Write(hdr[:]); werr != nil {
			return werr
		}
		if _, werr := dst.Write(rec); werr != nil {
			return werr
		}
		if last {
			return nil
		}
		buf, next = next, buf
		n, err = m, nerr
	}
}

// OpenStream checks and decrypts a stream SealStream wrote with the same b
// and ad, writing the plain text to dst as it goes. On error dst may have
// received part of the text: write it to a temporary file and keep it only
// when OpenStream returns nil.
func OpenStream(dst io.Writer, src io.Reader, b *Box, ad []byte) error {
	var hdr [4]byte
	for i := uint64(0); ; i++ {
		if _, err := io.ReadFull(src, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return ErrTruncated
			}
			return err
		}
		size := binary.BigEndian.Uint32(hdr[:])
		if size < SealedOverhead || size > streamChunk+SealedOverhead {
			return fmt.Errorf("record %d: size %d: %w", i, size, ErrFormat)
		}
		rec := make([]byte, size)
		if _, err := io.ReadFull(src, rec); err != nil {
			return ErrTruncated
		}
		last := false
		plain, err := b.Open(rec, recordAD(ad, i, false))
		if err != nil {
			if plain, err = b.Open(rec, recordAD(ad, i, true)); err != nil {
				return fmt.Errorf("record %d: %w", i, err)
			}
			last = true
		}
		if _, err := dst.Write(plain); err != nil {
			return err
		}
		if last {
			var one [1]byte
			if n, _ := src.Read(one[:]); n != 0 {
				return fmt.Errorf("data after the last record: %w", ErrFormat)
			}
			return nil
		}
	}
}

func recordAD(ad []byte, i uint64, last bool) []byte {
	out := make([]byte, 0, len(ad)+9)
	out = append(out, ad...)
	out = binary.BigEndian.AppendUint64(out, i)
	if last {
		return append(out, 1)
	}
	return append(out, 0)
}
