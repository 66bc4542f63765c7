package hubstore

// The buckets of SolutionTx in a hub's bbolt file:
//
//	solutions/         solution id => SolutionLink (JSON)
//	solutions_by_need/ need id "/" solution id => nil
//	receipts/          receipt => solution id

import (
	"bytes"
	"encoding/json"
	"fmt"
)

var (
	bucketSolutions       = []byte("solutions")
	bucketSolutionsByNeed = []byte("solutions_by_need")
	bucketReceipts        = []byte("receipts")
)

func init() {
	allBuckets = append(allBuckets, bucketSolutions, bucketSolutionsByNeed, bucketReceipts)
}

func solutionNeedKey(needID, id string) []byte { return []byte(needID + "/" + id) }

func (t boltTx) PutSolutionLink(l *SolutionLink) error {
	sols, byNeed, receipts := t.tx.Bucket(bucketSolutions), t.tx.Bucket(bucketSolutionsByNeed), t.tx.Bucket(bucketReceipts)
	if old, err := t.SolutionLink(l.ID); err == nil {
		if old.NeedID != l.NeedID {
			if err := byNeed.Delete(solutionNeedKey(old.NeedID, l.ID)); err != nil {
				return err
			}
		}
		if old.Receipt != "" && old.Receipt != l.Receipt {
			if err := receipts.Delete([]byte(old.Receipt)); err != nil {
				return err
			}
		}
	}
	if err := putJSON(sols, []byte(l.ID), l); err != nil {
		return err
	}
	if err := byNeed.Put(solutionNeedKey(l.NeedID, l.ID), nil); err != nil {
		return err
	}
	if l.Receipt != "" {
		return receipts.Put([]byte(l.Receipt), []byte(l.ID))
	}
	return nil
}

func (t boltTx) SolutionLink(id string) (*SolutionLink, error) {
	var l SolutionLink
	if err := getJSON(t.tx.Bucket(bucketSolutions), []byte(id), &l, "solution"); err != nil {
		return nil, err
	}
	l.ID = id
	return &l, nil
}

func (t boltTx) SolutionByReceipt(receipt string) (*SolutionLink, error) {
	id := t.tx.Bucket(bucketReceipts).Get([]byte(receipt))
	if id == nil {
		return nil, fmt.Errorf("receipt %s: %w", receipt, ErrNotFound)
	}
	return t.SolutionLink(string(id))
}

func (t boltTx) SolutionLinks(needID string, fn func(*SolutionLink) error) error {
	prefix := []byte(needID + "/")
	c := t.tx.Bucket(bucketSolutionsByNeed).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		l, err := t.SolutionLink(string(k[len(prefix):]))
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return nil
}

func (t boltTx) AllSolutionLinks(fn func(*SolutionLink) error) error {
	return t.tx.Bucket(bucketSolutions).ForEach(func(k, v []byte) error {
		var l SolutionLink
		if err := json.Unmarshal(v, &l); err != nil {
			return fmt.Errorf("solution %s: %w", k, err)
		}
		l.ID = string(k)
		return fn(&l)
	})
}
