package jsonl

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// LineSet is a set of line numbers.
type LineSet struct{ bits []uint64 }

func (s *LineSet) add(n int) {
	for len(s.bits) <= n/64 {
		s.bits = append(s.bits, 0)
	}
	s.bits[n/64] |= 1 << (n % 64)
}

// Has reports whether line n is in the set.
func (s *LineSet) Has(n int) bool {
	return n/64 < len(s.bits) && s.bits[n/64]&(1<<(n%64)) != 0
}

// Replay reads again a file that Scan read, calling fn with each of the
// records of type typ (TypeEnterprise or TypeNeed) that Scan kept, in order;
// scan is the batch Scan returned. A record is decoded and upgraded as Scan
// decoded it, but not checked again; with keysOnly only its type, ID and (a
// need's) enterprise are read. The caller makes sure the file is the one
// scanned.
func Replay(ctx context.Context, r io.Reader, scan *Batch, typ string, keysOnly bool, fn func(Record) error) error {
	if typ != TypeEnterprise && typ != TypeNeed {
		return fmt.Errorf("jsonl: replay of %q records", typ)
	}
	cat := forms.Default()
	_, err := eachLine(ctx, r, func(lineNo int, line []byte) error {
		if scan.Left.Has(lineNo) {
			return nil
		}
		var head struct {
			Type         string `json:"type"`
			ID           string `json:"id"`
			EnterpriseID string `json:"enterprise_id"`
		}
		if err := json.Unmarshal(line, &head); err != nil {
			return changedLine(lineNo, err)
		}
		if head.Type != typ {
			return nil
		}
		rec := Record{Line: lineNo}
		switch {
		case keysOnly && typ == TypeNeed:
			rec.Need = &forms.Need{ID: head.ID, EnterpriseID: head.EnterpriseID}
		case keysOnly:
			rec.Enterprise = &forms.Enterprise{ID: head.ID}
		case typ == TypeEnterprise:
			var e forms.Enterprise
			if err := json.Unmarshal(line, &e); err != nil {
				return changedLine(lineNo, err)
			}
			cat.UpgradeValues(forms.EntityEnterprise, e.Values)
			rec.Enterprise = &e
		default:
			var n forms.Need
			if err := json.Unmarshal(line, &n); err != nil {
				return changedLine(lineNo, err)
			}
			if scan.upgraded.Has(lineNo) {
				cat.UpgradeNeed(&n, time.Now())
			}
			rec.Need = &n
		}
		return fn(rec)
	})
	if _, long := err.(*lineTooLong); long {
		return nil // where Scan stopped too
	}
	return err
}

func changedLine(lineNo int, err error) error {
	return fmt.Errorf("jsonl: line %d, read before, no longer decodes: %w", lineNo, err)
}
