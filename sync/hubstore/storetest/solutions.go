package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/xunbang/xunbang/sync/hubstore"
)

// testSolutions covers SolutionTx: links are found by id, by receipt, by
// need and all together (in id order), replacing a link moves its index
// entries, and a rolled-back link leaves nothing.
func testSolutions(t *testing.T, s hubstore.Store) {
	at := time.Date(2026, 5, 12, 9, 30, 0, 0, time.UTC)
	update(t, s, func(tx hubstore.Tx) error {
		for _, l := range []*hubstore.SolutionLink{
			{ID: "s2", NeedID: "n1", Team: "suzhou", Receipt: "JB0002", At: at},
			{ID: "s1", NeedID: "n1", Team: "suzhou", Receipt: "JB0001", At: at},
			{ID: "s3", NeedID: "n2", Team: "suzhou", At: at},
			{ID: "s0", NeedID: "n10", Team: "wuxi", Receipt: "JB0003", At: at},
		} {
			if err := tx.PutSolutionLink(l); err != nil {
				return err
			}
		}
		return nil
	})
	links := func(tx hubstore.Tx, need string) string {
		var ids []string
		if err := tx.SolutionLinks(need, func(l *hubstore.SolutionLink) error {
			ids = append(ids, l.ID+"@"+l.NeedID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ids)
	}
	view(t, s, func(tx hubstore.Tx) error {
		l, err := tx.SolutionLink("s1")
		if err != nil || *l != (hubstore.SolutionLink{ID: "s1", NeedID: "n1", Team: "suzhou", Receipt: "JB0001", At: at}) {
			t.Errorf("link s1 = %+v, %v", l, err)
		}
		l, err = tx.SolutionByReceipt("JB0002")
		if err != nil || l.ID != "s2" {
			t.Errorf("by receipt: %+v, %v", l, err)
		}
		_, err = tx.SolutionLink("s9")
		notFound(t, "unknown solution", err)
		_, err = tx.SolutionByReceipt("JB9999")
		notFound(t, "unknown receipt", err)
		// n1 must not pick up n10's solutions (a prefix of its id).
		if got := links(tx, "n1"); got != "[s1@n1 s2@n1]" {
			t.Errorf("solutions of n1: %s", got)
		}
		if got := links(tx, "n3"); got != "[]" {
			t.Errorf("solutions of n3: %s", got)
		}
		stop := errors.New("stop")
		n := 0
		if err := tx.SolutionLinks("n1", func(*hubstore.SolutionLink) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("SolutionLinks went on after an error: %d calls, %v", n, err)
		}
		var all []string
		if err := tx.AllSolutionLinks(func(l *hubstore.SolutionLink) error { all = append(all, l.ID+"@"+l.NeedID+"#"+l.Receipt); return nil }); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(all) != "[s0@n10#JB0003 s1@n1#JB0001 s2@n1#JB0002 s3@n2#]" {
			t.Errorf("all links %v", all)
		}
		return nil
	})
	// Replacing a link with another need and receipt moves its entries.
	update(t, s, func(tx hubstore.Tx) error {
		return tx.PutSolutionLink(&hubstore.SolutionLink{ID: "s2", NeedID: "n2", Team: "suzhou", Receipt: "JB0004", At: at})
	})
	view(t, s, func(tx hubstore.Tx) error {
		if got := links(tx, "n1"); got != "[s1@n1]" {
			t.Errorf("after the move, n1: %s", got)
		}
		if got := links(tx, "n2"); got != "[s2@n2 s3@n2]" {
			t.Errorf("after the move, n2: %s", got)
		}
		_, err := tx.SolutionByReceipt("JB0002")
		notFound(t, "the replaced receipt", err)
		if l, err := tx.SolutionByReceipt("JB0004"); err != nil || l.ID != "s2" {
			t.Errorf("new receipt: %+v, %v", l, err)
		}
		return nil
	})
	// A rolled-back link is not kept.
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx hubstore.Tx) error {
		if err := tx.PutSolutionLink(&hubstore.SolutionLink{ID: "s5", NeedID: "n1", Team: "suzhou", Receipt: "JB0005", At: at}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v", err)
	}
	view(t, s, func(tx hubstore.Tx) error {
		_, err := tx.SolutionLink("s5")
		notFound(t, "a rolled-back link", err)
		_, err = tx.SolutionByReceipt("JB0005")
		notFound(t, "a rolled-back receipt", err)
		if got := links(tx, "n1"); got != "[s1@n1]" {
			t.Errorf("after rollback, n1: %s", got)
		}
		return nil
	})
}
