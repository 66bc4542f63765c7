package xlsx

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// A big workbook's needs do not stay in memory while it is read (issue 17:
// at 200,000 rows they took some 500 MB): the reader writes each need, as
// read, to a spill — a temporary file, sealed with a key that lives only
// in this process's memory (AES-GCM, one seal a chunk), so that what the
// file holds (business secrets) is unreadable on disk and after a crash.
// Once the workbook is read, the needs are read back one by one and
// finished (what is missing, the status), their enterprises complete.

// spillChunk is how many bytes of records are sealed together.
const spillChunk = 256 << 10

// spill is the needs of a workbook being read, on disk: sealed a chunk at
// a time (add) and read back in order (each). A spill of records put one
// by one (put) is read back in any order (get): the enterprises a workbook
// names, each kept there once its rows are done (reader.settle).
type spill struct {
	f    *os.File
	aead cipher.AEAD
	buf  []byte // records not yet sealed; of a put spill, sealed and not yet written
	n    int    // records written
	seq  uint64 // chunks written
	size int64  // of a put spill, the bytes written
	err  error  // the first write error
}

func newSpill() (*spill, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	removeStaleSpills(time.Now())
	f, err := os.CreateTemp("", "xunbang-import-*.spill")
	if err != nil {
		return nil, err
	}
	if err := lockSpill(f); err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return nil, err
	}
	return &spill{f: f, aead: aead}, nil
}

// A spill a killed process left is sealed with a key that died with it:
// unreadable, only taking room. Where spills are locked while in use
// (spillLocks), one nobody holds is such a spill, once older than
// orphanGrace (a spill just created is locked a moment later); elsewhere,
// one older than staleSpill is (an import reads a workbook in minutes).
const (
	orphanGrace = time.Minute
	staleSpill  = 24 * time.Hour
)

// removeStaleSpills removes the spills killed processes left in the
// temporary directory. Best effort.
func removeStaleSpills(now time.Time) {
	paths, _ := filepath.Glob(filepath.Join(os.TempDir(), "xunbang-import-*.spill"))
	for _, p := range paths {
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		switch age := now.Sub(fi.ModTime()); {
		case spillLocks && age > orphanGrace:
			removeIfOrphan(p)
		case !spillLocks && age > staleSpill:
			_ = os.Remove(p)
		}
	}
}

// add appends a need and where it came from.
func (s *spill) add(n *forms.Need, o Origin) {
	if s.err != nil {
		return
	}
	b := s.buf
	for _, v := range []string{n.ID, n.EnterpriseID, n.ContactID, n.CatalogueVersion, o.Sheet} {
		b = appendString(b, v)
	}
	b = binary.AppendUvarint(b, uint64(o.Row))
	b = binary.AppendUvarint(b, uint64(len(n.Values)))
	for id, l := range n.Values {
		b = appendString(b, id)
		b = binary.AppendUvarint(b, uint64(len(l)))
		for _, v := range l {
			b = appendString(b, v)
		}
	}
	s.buf = b
	s.n++
	if len(s.buf) >= spillChunk {
		s.flush()
	}
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// flush seals the records buffered and writes them: the sealed length,
// then the sealed chunk, whose nonce is its number.
func (s *spill) flush() {
	if s.err != nil || len(s.buf) == 0 {
		return
	}
	s.seq++
	sealed := s.aead.Seal(nil, s.nonce(s.seq), s.buf, nil)
	var head [binary.MaxVarintLen64]byte
	if _, err := s.f.Write(head[:binary.PutUvarint(head[:], uint64(len(sealed)))]); err != nil {
		s.err = err
		return
	}
	if _, err := s.f.Write(sealed); err != nil {
		s.err = err
	}
	s.buf = s.buf[:0]
}

func (s *spill) nonce(seq uint64) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	binary.BigEndian.PutUint64(nonce[len(nonce)-8:], seq)
	return nonce
}

// done ends writing.
func (s *spill) done() error {
	s.flush()
	s.buf = nil
	if s.err != nil {
		return fmt.Errorf("xlsx: spill the needs read: %w", s.err)
	}
	return nil
}

// packRef is where put left a record.
type packRef struct {
	off int64  // its offset in the spill, and its nonce
	n   uint32 // its sealed length
}

// put seals p on its own and appends it (written a chunk at a time).
// A spill takes either put or add, never both.
func (s *spill) put(p []byte) packRef {
	ref := packRef{off: s.size + int64(len(s.buf))}
	s.buf = s.aead.Seal(s.buf, s.nonce(uint64(ref.off)), p, nil)
	ref.n = uint32(int64(len(s.buf)) - (ref.off - s.size))
	if len(s.buf) >= spillChunk && s.err == nil {
		if _, err := s.f.Write(s.buf); err != nil {
			s.err = err
		} else {
			s.size += int64(len(s.buf))
			s.buf = s.buf[:0]
		}
	}
	return ref
}

// get returns the record put left at ref, in dst's storage if it has room.
func (s *spill) get(ref packRef, dst []byte) ([]byte, error) {
	switch {
	case s.f == nil:
		return nil, errors.New("xlsx: the batch is closed")
	case s.err != nil:
		return nil, s.err
	}
	nonce := s.nonce(uint64(ref.off))
	if at := ref.off - s.size; at >= 0 {
		return s.aead.Open(dst[:0], nonce, s.buf[at:at+int64(ref.n)], nil)
	}
	sealed := slices.Grow(dst[:0], int(ref.n))[:ref.n]
	if _, err := s.f.ReadAt(sealed, ref.off); err != nil {
		return nil, err
	}
	return s.aead.Open(sealed[:0], nonce, sealed, nil)
}

// each calls fn with every need, in the order written; the need is new
// each time. With keysOnly only its ID and EnterpriseID are read.
func (s *spill) each(keysOnly bool, fn func(n *forms.Need, o Origin) error) error {
	return s.chunks("needs", func(d *spillReader) error {
		n, o := d.need(keysOnly)
		if d.err != nil {
			return nil
		}
		return fn(n, o)
	})
}

// chunks opens each chunk in turn and calls next, which reads one record
// from d, until the chunk is read; an error of next ends it and is
// returned as it is, as does a record cut short (d.err). what names the
// records in its own errors.
func (s *spill) chunks(what string, next func(d *spillReader) error) error {
	if s.f == nil {
		return errors.New("xlsx: the batch is closed")
	}
	fail := func(err error) error { return fmt.Errorf("xlsx: read the spilled %s: %w", what, err) }
	r := bufio.NewReaderSize(io.NewSectionReader(s.f, 0, 1<<62), 1<<20)
	var chunk []byte
	for seq := uint64(1); seq <= s.seq; seq++ {
		size, err := binary.ReadUvarint(r)
		if err != nil {
			return fail(err)
		}
		sealed := make([]byte, size)
		if _, err := io.ReadFull(r, sealed); err != nil {
			return fail(err)
		}
		if chunk, err = s.aead.Open(chunk[:0], s.nonce(seq), sealed, nil); err != nil {
			return fail(err)
		}
		d := spillReader{b: chunk}
		for len(d.b) > 0 && d.err == nil {
			if err := next(&d); err != nil {
				return err
			}
		}
		if d.err != nil {
			return fail(d.err)
		}
	}
	return nil
}

// close removes the file.
func (s *spill) close() error {
	if s.f == nil {
		return nil
	}
	name := s.f.Name()
	err := s.f.Close()
	// Gone already if another import took it for an orphan in the moment
	// before it was locked (lockSpill).
	if rerr := os.Remove(name); err == nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = rerr
	}
	s.f = nil
	return err
}

var errShortSpill = errors.New("record cut short")

// fieldIDs maps the catalogue's field ids to themselves.
var fieldIDs = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, f := range forms.Default().Fields() {
		m[f.ID] = f.ID
	}
	return m
})

// spillReader decodes records.
type spillReader struct {
	b   []byte
	err error
}

func (d *spillReader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShortSpill
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *spillReader) bytes() []byte {
	n := d.uvarint()
	if d.err != nil || uint64(len(d.b)) < n {
		d.err = errShortSpill
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *spillReader) str() string { return string(d.bytes()) }

// need decodes the next record; with keysOnly it reads only the need's ID
// and EnterpriseID and passes over the rest.
func (d *spillReader) need(keysOnly bool) (*forms.Need, Origin) {
	n := &forms.Need{ID: d.str(), EnterpriseID: d.str()}
	if keysOnly {
		for range 3 {
			d.bytes()
		}
		d.uvarint()
		for range d.uvarint() {
			d.bytes()
			for range d.uvarint() {
				d.bytes()
			}
		}
		return n, Origin{}
	}
	n.ContactID, n.CatalogueVersion = d.str(), d.str()
	o := Origin{Sheet: d.str(), Row: int(d.uvarint())}
	count := d.uvarint()
	if d.err != nil || count > uint64(len(d.b)) {
		d.err = errShortSpill
		return nil, o
	}
	n.Values = make(forms.Values, count)
	ids := fieldIDs()
	for range count {
		raw := d.bytes()
		id, ok := ids[string(raw)] // no copy of a field id every need has
		if !ok {
			id = string(raw)
		}
		items := d.uvarint()
		if d.err != nil || items > uint64(len(d.b)) {
			d.err = errShortSpill
			return nil, o
		}
		l := make([]string, items)
		for i := range l {
			l[i] = d.str()
		}
		n.Values[id] = l
	}
	return n, o
}
