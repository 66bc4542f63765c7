package jsonl

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// The kinds of record a line of a scanned file holds (Batch.kinds).
const (
	kindEnterprise uint8 = 1 + iota
	kindNeed
	kindSolution
)

// kind returns the kind of record Scan kept at line n, 0 for none.
func (b *Batch) kind(n int) uint8 {
	if n < len(b.kinds) {
		return b.kinds[n]
	}
	return 0
}

// Replay reads again a file that Scan read, calling fn with each of the
// records of type typ (TypeEnterprise or TypeNeed) that Scan kept, in order;
// scan is the batch Scan returned. A record is decoded and upgraded as Read
// decodes it, but not checked again; with keysOnly only its ID and (a
// need's) enterprise are read. The caller makes sure the file is the one
// scanned.
func Replay(ctx context.Context, r io.Reader, scan *Batch, typ string, keysOnly bool, fn func(Record) error) error {
	if typ != TypeEnterprise && typ != TypeNeed {
		return fmt.Errorf("jsonl: replay of %q records", typ)
	}
	cat := forms.Default()
	want := kindEnterprise
	if typ == TypeNeed {
		want = kindNeed
	}
	_, err := eachLine(ctx, r, func(lineNo int, line []byte) error {
		if scan.kind(lineNo) != want { // left out, or another kind: not decoded again
			return nil
		}
		var head struct {
			ID           string `json:"id"`
			EnterpriseID string `json:"enterprise_id"`
		}
		if keysOnly {
			if err := json.Unmarshal(line, &head); err != nil {
				return changedLine(lineNo, err)
			}
		}
		rec := Record{Line: lineNo}
		switch {
		case keysOnly && typ == TypeNeed:
			rec.Need = &forms.Need{ID: head.ID, EnterpriseID: head.EnterpriseID}
		case keysOnly:
			rec.Enterprise = &forms.Enterprise{ID: head.ID}
		case typ == TypeEnterprise:
			var e forms.Enterprise
			if err := unmarshalScanned(line, &e); err != nil {
				return changedLine(lineNo, err)
			}
			cat.UpgradeValues(forms.EntityEnterprise, e.Values)
			rec.Enterprise = &e
		default:
			var n forms.Need
			if err := unmarshalScanned(line, &n); err != nil {
				return changedLine(lineNo, err)
			}
			cat.UpgradeNeed(&n, time.Now()) // values and confirmed content, as Read does
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
