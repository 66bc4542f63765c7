package store

import (
	"context"
	"encoding/binary"
	"fmt"
)

// jsonBatch is how many needs ForEachNeedJSON reads per read transaction.
const jsonBatch = 1024

// ForEachNeedJSON calls fn with the JSON of the current revision of each
// need of sums (as Needs returned them), in that order, until fn returns an
// error, which it returns: the bytes the store keeps, as package forms
// encoded them (catalogue field ids inline), undecoded. raw is valid only
// until fn returns. The needs are read a batch per read transaction; fn
// runs outside any transaction. A need that is not stored (any more) is an
// error wrapping ErrNotFound.
//
// It is what `xunbang list --json` writes, without decoding and encoding
// every need again.
func (s *Store) ForEachNeedJSON(ctx context.Context, sums []*Summary, fn func(i int, raw []byte) error) error {
	ends := make([]int, 0, jsonBatch)
	var arena []byte
	var key []byte
	for start := 0; start < len(sums); start += jsonBatch {
		batch := sums[start:min(start+jsonBatch, len(sums))]
		arena, ends = arena[:0], ends[:0]
		err := s.View(ctx, func(tx *Tx) error {
			b := tx.bucket(needRevisionsBucket)
			for _, sum := range batch {
				if sum.revSeq == 0 {
					return fmt.Errorf("need %s: not a summary of the store's: %w", sum.ID, ErrNotFound)
				}
				key = binary.BigEndian.AppendUint64(append(append(key[:0], sum.ID...), 0), sum.revSeq)
				v := b.Get(key)
				if v == nil {
					return fmt.Errorf("need %s: revision row %d missing: %w", sum.ID, sum.revSeq, ErrCorrupt)
				}
				var err error
				if arena, err = s.crypt.openAppend(arena, needRevisionsBucket, key, v); err != nil {
					return fmt.Errorf("need %s: %w", sum.ID, err)
				}
				ends = append(ends, len(arena))
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read needs: %w", err)
		}
		from := 0
		for j, end := range ends {
			if err := fn(start+j, arena[from:end:end]); err != nil {
				return err
			}
			from = end
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}
