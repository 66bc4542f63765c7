package jobs

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/jsonl"
)

// ErrFileChanged is the kind of the *FileError of a file that changed while
// it was being imported.
var ErrFileChanged = errors.New("the file changed during the import")

// jsonlSource is a JSON Lines file as the store's import reads it: not held
// in memory (a hub's export of 200,000 needs decoded was 860 MB, and the
// collector then took half the import's CPU) but read again for each pass
// the import makes, each record as the first reading decoded it. Each pass
// hashes the whole file and fails with ErrFileChanged, its records
// discarded with the staging, unless the file is the one first read.
type jsonlSource struct {
	path   string
	digest [sha256.Size]byte
	scan   *jsonl.Batch // what the first reading found: the lines kept, the counts
}

// scanJSONL reads a JSON Lines file once, checking every line: the batch
// (problems and counts, no records), the file's solutions (kept: a 方案表's
// handful), and the source that reads its enterprises and needs again.
func scanJSONL(ctx context.Context, path string) (*jsonl.Batch, []*forms.Solution, *jsonlSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	h := sha256.New()
	var sols []*forms.Solution
	b, err := jsonl.Scan(ctx, io.TeeReader(f, h), func(rec jsonl.Record) error {
		if rec.Solution != nil {
			if rec.Solution.Rev == "" { // a hand-written line: a revision, as if saved
				rec.Solution.Rev = forms.NewID()
			}
			sols = append(sols, rec.Solution)
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := io.Copy(h, f); err != nil { // past a line too long, where the scan stopped
		return nil, nil, nil, err
	}
	return b, sols, &jsonlSource{path: path, scan: b, digest: sum(h)}, nil
}

// sum returns what h has hashed.
func sum(h hash.Hash) (d [sha256.Size]byte) {
	h.Sum(d[:0])
	return d
}

// Len tells the store how many records the source gives.
func (s *jsonlSource) Len() int { return s.scan.Counts.Enterprises + s.scan.Counts.Needs }

func (s *jsonlSource) EachEnterprise(fn func(*forms.Enterprise) error) error {
	return s.replay(jsonl.TypeEnterprise, false, func(rec jsonl.Record) error {
		if rec.Enterprise.Rev == "" {
			rec.Enterprise.Rev = forms.NewID()
		}
		return fn(rec.Enterprise)
	})
}

func (s *jsonlSource) EachNeed(keysOnly bool, fn func(*forms.Need) error) error {
	return s.replay(jsonl.TypeNeed, keysOnly, func(rec jsonl.Record) error {
		if rec.Need.Rev == "" && !keysOnly {
			rec.Need.Rev = forms.NewID()
		}
		return fn(rec.Need)
	})
}

// replay reads the file's records of type typ again, and fails with
// ErrFileChanged unless the file's bytes are those first read.
func (s *jsonlSource) replay(typ string, keysOnly bool, fn func(jsonl.Record) error) error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	// The staging that calls for the records is cancelled between its
	// transactions (the source outlives the preview's context).
	err = jsonl.Replay(context.Background(), io.TeeReader(f, h), s.scan, typ, keysOnly, fn)
	if err == nil {
		_, err = io.Copy(h, f)
	}
	if err == nil && sum(h) == s.digest {
		return nil
	}
	if err != nil && !s.changed() {
		return err // the store's, fn's or the disk's, not the file's
	}
	name := filepath.Base(s.path)
	return &FileError{Kind: ErrFileChanged, Err: err,
		ZH: fmt.Sprintf("文件“%s”在导入过程中被改动了，没有导入任何记录。请等文件写完后重新导入。", name),
		EN: fmt.Sprintf("the file %q changed while it was being imported; nothing was imported. Import it again once it is written.", name)}
}

// changed reports whether the file's bytes are no longer those first read
// (or it cannot be read).
func (s *jsonlSource) changed() bool {
	f, err := os.Open(s.path)
	if err != nil {
		return true
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return true
	}
	return sum(h) != s.digest
}
