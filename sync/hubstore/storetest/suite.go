// Package storetest is the conformance suite of the hub's stores: every
// hubstore.Store implementation runs it (Run) from its own tests, so that
// the hub behaves the same on any of them.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Opener returns a new, empty store for one test, closed by the test's
// cleanup.
type Opener func(t *testing.T) hubstore.Store

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open Opener) {
	for _, c := range []struct {
		name string
		fn   func(*testing.T, hubstore.Store)
	}{
		{"Meta", testMeta},
		{"Tokens", testTokens},
		{"Heads", testHeads},
		{"Revisions", testRevisions},
		{"Refusals", testRefusals},
		{"Events", testEvents},
		{"Anonymous", testAnonymous},
		{"RegionCounts", testRegionCounts},
		{"RegistrySent", testRegistrySent},
		{"Rollback", testRollback},
		{"ValuesAreCopies", testValuesAreCopies},
		{"SerialisedUpdates", testSerialisedUpdates},
		{"Solutions", testSolutions},
		{"Listings", testListings},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Audit", testAudit},
		{"Copy", func(t *testing.T, s hubstore.Store) { testCopy(t, s, open(t)) }},
	} {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open(t)) })
	}
}

var ctx = context.Background()

func update(t *testing.T, s hubstore.Store, fn func(hubstore.Tx) error) {
	t.Helper()
	if err := s.Update(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func view(t *testing.T, s hubstore.Store, fn func(hubstore.Tx) error) {
	t.Helper()
	if err := s.View(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func notFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, hubstore.ErrNotFound) {
		t.Errorf("%s: %v, want ErrNotFound", what, err)
	}
}

func testMeta(t *testing.T, s hubstore.Store) {
	view(t, s, func(tx hubstore.Tx) error {
		_, err := tx.Meta("schema")
		notFound(t, "unset meta", err)
		return nil
	})
	update(t, s, func(tx hubstore.Tx) error { return tx.SetMeta("schema", []byte("2")) })
	update(t, s, func(tx hubstore.Tx) error { return tx.SetMeta("schema", []byte("3")) })
	view(t, s, func(tx hubstore.Tx) error {
		v, err := tx.Meta("schema")
		if err != nil || string(v) != "3" {
			t.Errorf("meta = %q, %v", v, err)
		}
		return nil
	})
}

func testTokens(t *testing.T, s hubstore.Store) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	update(t, s, func(tx hubstore.Tx) error {
		for _, tok := range []*hubstore.Token{
			{Hash: "bb", User: "li", Team: "suzhou", CreatedAt: at},
			{Hash: "aa", User: "op", Admin: true, CreatedAt: at},
		} {
			if err := tx.PutToken(tok); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx hubstore.Tx) error {
		tok, err := tx.Token("bb")
		if err != nil || tok.Hash != "bb" || tok.User != "li" || tok.Team != "suzhou" || tok.Admin || !tok.CreatedAt.Equal(at) {
			t.Errorf("token = %+v, %v", tok, err)
		}
		_, err = tx.Token("cc")
		notFound(t, "unknown token", err)
		var hashes []string
		err = tx.Tokens(func(tok *hubstore.Token) error { hashes = append(hashes, tok.Hash); return nil })
		if err != nil || fmt.Sprint(hashes) != "[aa bb]" {
			t.Errorf("tokens %v, %v", hashes, err)
		}
		return nil
	})
	update(t, s, func(tx hubstore.Tx) error {
		if err := tx.DeleteToken("bb"); err != nil {
			return err
		}
		return tx.DeleteToken("never-there")
	})
	view(t, s, func(tx hubstore.Tx) error {
		_, err := tx.Token("bb")
		notFound(t, "deleted token", err)
		return nil
	})
}

// headText writes out a head, with what its pointers point at.
func headText(h *hubstore.Head) string {
	c := *h
	region := "<nil>"
	if c.PublicRegion != nil {
		region = strconv.Quote(*c.PublicRegion)
	}
	c.PublicRegion = nil
	return fmt.Sprintf("%+v public_region=%s", c, region)
}

func testHeads(t *testing.T, s hubstore.Store) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 123456789, time.UTC)
	heads := []*hubstore.Head{
		{Kind: "need", ID: "n2", Team: "a", Rev: "r2", Revisions: 2, UpdatedAt: at, EnterpriseID: "e1",
			State: protocol.StatePublished, URL: "https://p.example.cn/n2", Comment: []byte{0xE1, 0, 1}, StateAt: at,
			WasPublic: true, PublicRev: "r1", PublicEntRev: "er1", PublicRegion: new("320500")},
		{Kind: "need", ID: "n1", Team: "a", Rev: "r9", Revisions: 1, UpdatedAt: at, PublicRegion: new("")},
		{Kind: "enterprise", ID: "e1", Team: "a", Rev: "er1", Revisions: 1, UpdatedAt: at, Region: "320583102"},
	}
	update(t, s, func(tx hubstore.Tx) error {
		for _, h := range heads {
			if err := tx.PutHead(h); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx hubstore.Tx) error {
		for i, id := range []string{"n2", "n1"} {
			h, err := tx.Head("need", id)
			if err != nil {
				t.Fatal(err)
			}
			if headText(h) != headText(heads[i]) {
				t.Errorf("head = %s\nwant   %s", headText(h), headText(heads[i]))
			}
		}
		_, err := tx.Head("enterprise", "n2")
		notFound(t, "head of another kind", err)
		var ids []string
		collect := func(h *hubstore.Head) error { ids = append(ids, h.Kind+"/"+h.ID); return nil }
		if err := tx.Heads("need", collect); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids) != "[need/n1 need/n2]" {
			t.Errorf("need heads %v", ids)
		}
		ids = nil
		if err := tx.Heads("", collect); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids) != "[enterprise/e1 need/n1 need/n2]" {
			t.Errorf("all heads %v", ids)
		}
		stop := errors.New("stop")
		n := 0
		err = tx.Heads("", func(*hubstore.Head) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("Heads went on after an error: %d calls, %v", n, err)
		}
		return nil
	})
}

func testRevisions(t *testing.T, s hubstore.Store) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	body := append([]byte{0xE1, 0, '\n', 0xFF}, bytes.Repeat([]byte("x"), 70000)...)
	update(t, s, func(tx hubstore.Tx) error {
		if err := tx.PutRevision(&hubstore.Revision{Rev: "r1", Kind: "need", ID: "n1", Team: "a", User: "li", At: at, Body: body}); err != nil {
			return err
		}
		return tx.PutRevision(&hubstore.Revision{Rev: "r2", Kind: "need", ID: "n1", Team: "a", User: "li", BaseRev: "r1", At: at, Body: []byte("{}")})
	})
	view(t, s, func(tx hubstore.Tx) error {
		r, err := tx.Revision("r1")
		if err != nil || r.Rev != "r1" || r.Kind != "need" || r.ID != "n1" || r.Team != "a" || r.User != "li" || r.BaseRev != "" || !r.At.Equal(at) || !bytes.Equal(r.Body, body) {
			t.Errorf("revision r1 = %+v (body %d bytes), %v", r, len(r.Body), err)
		}
		r, err = tx.Revision("r2")
		if err != nil || r.BaseRev != "r1" || string(r.Body) != "{}" {
			t.Errorf("revision r2 = %+v, %v", r, err)
		}
		_, err = tx.Revision("r3")
		notFound(t, "unknown revision", err)
		n, err := tx.RevisionCount()
		if err != nil || n != 2 {
			t.Errorf("RevisionCount = %d, %v", n, err)
		}
		return nil
	})
	// Replacing (re-sealing) keeps the count.
	update(t, s, func(tx hubstore.Tx) error {
		return tx.PutRevision(&hubstore.Revision{Rev: "r2", Kind: "need", ID: "n1", Team: "a", User: "li", BaseRev: "r1", At: at, Body: []byte("sealed")})
	})
	view(t, s, func(tx hubstore.Tx) error {
		r, err := tx.Revision("r2")
		n, _ := tx.RevisionCount()
		if err != nil || string(r.Body) != "sealed" || n != 2 {
			t.Errorf("replaced revision %+v, %v; count %d", r, err, n)
		}
		return nil
	})
}

func testRefusals(t *testing.T, s hubstore.Store) {
	update(t, s, func(tx hubstore.Tx) error {
		return tx.PutRefusal(&hubstore.Refusal{Rev: "x1", Kind: "need", ID: "n1", Team: "a", BaseRev: "r1"})
	})
	view(t, s, func(tx hubstore.Tx) error {
		r, err := tx.Refusal("x1")
		if err != nil || *r != (hubstore.Refusal{Rev: "x1", Kind: "need", ID: "n1", Team: "a", BaseRev: "r1"}) {
			t.Errorf("refusal %+v, %v", r, err)
		}
		_, err = tx.Refusal("x2")
		notFound(t, "unknown refusal", err)
		return nil
	})
}

func testEvents(t *testing.T, s hubstore.Store) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	update(t, s, func(tx hubstore.Tx) error {
		for i := 1; i <= 5; i++ {
			seq, err := tx.AppendEvent(&hubstore.Event{Type: hubstore.EventRevision, Kind: "need", ID: fmt.Sprint("n", i), Team: "a", Rev: fmt.Sprint("r", i)})
			if err != nil {
				return err
			}
			if seq != uint64(i) {
				t.Errorf("event %d got sequence %d", i, seq)
			}
		}
		_, err := tx.AppendEvent(&hubstore.Event{Type: hubstore.EventState, Kind: "need", ID: "n1", Team: "a",
			State: protocol.StateReturned, Comment: []byte{1, 2}, At: at, PublicAfter: false, WasPublic: true})
		return err
	})
	view(t, s, func(tx hubstore.Tx) error {
		var got []string
		err := tx.Events(2, func(seq uint64, ev *hubstore.Event) (bool, error) {
			got = append(got, fmt.Sprintf("%d %s", seq, ev.ID))
			return true, nil
		})
		if err != nil || fmt.Sprint(got) != "[3 n3 4 n4 5 n5 6 n1]" {
			t.Errorf("events after 2: %v, %v", got, err)
		}
		got = nil
		err = tx.Events(0, func(seq uint64, ev *hubstore.Event) (bool, error) {
			got = append(got, fmt.Sprint(seq))
			return seq < 2, nil
		})
		if err != nil || fmt.Sprint(got) != "[1 2]" {
			t.Errorf("stopped events: %v, %v", got, err)
		}
		var last *hubstore.Event
		_ = tx.Events(5, func(_ uint64, ev *hubstore.Event) (bool, error) { last = ev; return true, nil })
		if last == nil || last.State != protocol.StateReturned || !bytes.Equal(last.Comment, []byte{1, 2}) || !last.At.Equal(at) || !last.WasPublic || last.PublicAfter {
			t.Errorf("state event %+v", last)
		}
		return nil
	})
	update(t, s, func(tx hubstore.Tx) error {
		if err := tx.ReplaceEvent(6, &hubstore.Event{Type: hubstore.EventState, Kind: "need", ID: "n1", Team: "a", State: protocol.StateReturned, Comment: []byte{9}}); err != nil {
			return err
		}
		notFound(t, "replacing a missing event", tx.ReplaceEvent(99, &hubstore.Event{}))
		return nil
	})
	view(t, s, func(tx hubstore.Tx) error {
		var last *hubstore.Event
		_ = tx.Events(5, func(_ uint64, ev *hubstore.Event) (bool, error) { last = ev; return true, nil })
		if last == nil || !bytes.Equal(last.Comment, []byte{9}) {
			t.Errorf("replaced event %+v", last)
		}
		return nil
	})
	// Sequence numbers go on after what was appended, even across
	// transactions.
	update(t, s, func(tx hubstore.Tx) error {
		seq, err := tx.AppendEvent(&hubstore.Event{Type: hubstore.EventUnlist, Kind: "enterprise", ID: "e1", Team: "a"})
		if seq != 7 {
			t.Errorf("next sequence %d, want 7", seq)
		}
		return err
	})
}

func testAnonymous(t *testing.T, s hubstore.Store) {
	update(t, s, func(tx hubstore.Tx) error {
		first, err := tx.MarkAnonymous("e1")
		if err != nil || !first {
			t.Errorf("first mark: %v, %v", first, err)
		}
		again, err := tx.MarkAnonymous("e1")
		if err != nil || again {
			t.Errorf("second mark: %v, %v", again, err)
		}
		return nil
	})
	view(t, s, func(tx hubstore.Tx) error {
		a, err := tx.Anonymous("e1")
		b, err2 := tx.Anonymous("e2")
		if err != nil || err2 != nil || !a || b {
			t.Errorf("Anonymous: e1 %v, e2 %v (%v, %v)", a, b, err, err2)
		}
		return nil
	})
}

func testRegistrySent(t *testing.T, s hubstore.Store) {
	update(t, s, func(tx hubstore.Tx) error {
		return errors.Join(
			tx.NoteRegistrySent("相城", []string{"e2", "e1"}),
			tx.NoteRegistrySent("相城", []string{"e1"}), // again: no error
			tx.NoteRegistrySent("吴江", []string{"e3"}),
			tx.NoteRegistrySent("吴江", nil),
		)
	})
	view(t, s, func(tx hubstore.Tx) error {
		for _, c := range []struct {
			team, id string
			want     bool
		}{{"相城", "e1", true}, {"相城", "e2", true}, {"相城", "e3", false}, {"吴江", "e3", true}, {"吴江", "e1", false}, {"相", "e1", false}} {
			got, err := tx.RegistrySent(c.team, c.id)
			if err != nil || got != c.want {
				t.Errorf("RegistrySent(%s, %s) = %v, %v; want %v", c.team, c.id, got, err, c.want)
			}
		}
		var all []string
		err := tx.RegistrySents(func(team, id string) error { all = append(all, team+"/"+id); return nil })
		// Byte order of the team's UTF-8: 吴 (E5 90 B4) before 相 (E7 9B B8).
		if want := "吴江/e3 相城/e1 相城/e2"; strings.Join(all, " ") != want || err != nil {
			t.Errorf("RegistrySents: %v (%v); want %s", all, err, want)
		}
		return nil
	})
}

func testRegionCounts(t *testing.T, s hubstore.Store) {
	update(t, s, func(tx hubstore.Tx) error {
		return tx.AddRegionCounts(map[string]int{"32": 3, "3205": 2, "320583": 1, "": 5})
	})
	update(t, s, func(tx hubstore.Tx) error {
		return tx.AddRegionCounts(map[string]int{"32": -1, "320583": -1, "320584": -2})
	})
	view(t, s, func(tx hubstore.Tx) error {
		for prefix, want := range map[string]int{"32": 2, "3205": 2, "320583": 0, "320584": 0, "11": 0} {
			if n, err := tx.RegionCount(prefix); err != nil || n != want {
				t.Errorf("RegionCount(%q) = %d, %v; want %d", prefix, n, err, want)
			}
		}
		return nil
	})
}

// A failed Update keeps nothing of what it wrote.
func testRollback(t *testing.T, s hubstore.Store) {
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx hubstore.Tx) error {
		if err := tx.PutHead(&hubstore.Head{Kind: "need", ID: "n1", Team: "a", Rev: "r1"}); err != nil {
			return err
		}
		if err := tx.PutRevision(&hubstore.Revision{Rev: "r1", Kind: "need", ID: "n1", Body: []byte("x")}); err != nil {
			return err
		}
		if _, err := tx.AppendEvent(&hubstore.Event{Type: hubstore.EventRevision, Kind: "need", ID: "n1", Rev: "r1"}); err != nil {
			return err
		}
		if _, err := tx.MarkAnonymous("e1"); err != nil {
			return err
		}
		if err := tx.AddRegionCounts(map[string]int{"32": 1}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	view(t, s, func(tx hubstore.Tx) error {
		_, err := tx.Head("need", "n1")
		notFound(t, "head after rollback", err)
		_, err = tx.Revision("r1")
		notFound(t, "revision after rollback", err)
		n := 0
		_ = tx.Events(0, func(uint64, *hubstore.Event) (bool, error) { n++; return true, nil })
		a, _ := tx.Anonymous("e1")
		c, _ := tx.RegionCount("32")
		if n != 0 || a || c != 0 {
			t.Errorf("after rollback: %d events, anonymous %v, count %d", n, a, c)
		}
		return nil
	})
	// The sequence a rolled-back event took may be reused or skipped, but
	// never goes backwards.
	update(t, s, func(tx hubstore.Tx) error {
		seq, err := tx.AppendEvent(&hubstore.Event{Type: hubstore.EventRevision, Kind: "need", ID: "n1", Rev: "r1"})
		if seq < 1 {
			t.Errorf("sequence %d", seq)
		}
		return err
	})
}

// What a Tx returns does not change when the store does, and changing it
// does not change the store.
func testValuesAreCopies(t *testing.T, s hubstore.Store) {
	update(t, s, func(tx hubstore.Tx) error {
		return tx.PutRevision(&hubstore.Revision{Rev: "r1", Kind: "need", ID: "n1", Body: []byte("original")})
	})
	var r *hubstore.Revision
	view(t, s, func(tx hubstore.Tx) error {
		var err error
		r, err = tx.Revision("r1")
		return err
	})
	update(t, s, func(tx hubstore.Tx) error {
		return tx.PutRevision(&hubstore.Revision{Rev: "r1", Kind: "need", ID: "n1", Body: []byte("replaced")})
	})
	if string(r.Body) != "original" {
		t.Errorf("a revision read earlier changed to %q", r.Body)
	}
	r.Body[0] = 'X'
	view(t, s, func(tx hubstore.Tx) error {
		r2, err := tx.Revision("r1")
		if err != nil || string(r2.Body) != "replaced" {
			t.Errorf("store holds %q, %v", r2.Body, err)
		}
		return nil
	})
}

// RunShared runs the tests that take two stores opened on one hub (two
// processes sharing a database): Updates through both are serialised as
// one, and what one writes the other reads.
func RunShared(t *testing.T, a, b hubstore.Store) {
	t.Run("SerialisedUpdates", func(t *testing.T) { serialisedUpdates(t, a, b) })
	t.Run("WrittenByOneReadByOther", func(t *testing.T) {
		update(t, a, func(tx hubstore.Tx) error { return tx.SetMeta("shared", []byte("from a")) })
		view(t, b, func(tx hubstore.Tx) error {
			v, err := tx.Meta("shared")
			if err != nil || string(v) != "from a" {
				t.Errorf("b reads %q, %v", v, err)
			}
			return nil
		})
	})
}

func testSerialisedUpdates(t *testing.T, s hubstore.Store) { serialisedUpdates(t, s) }

// Updates from many goroutines at once, spread over the stores given (one
// hub), lose nothing, and their events appear in one order with no gaps a
// reader could see filled later.
func serialisedUpdates(t *testing.T, stores ...hubstore.Store) {
	s := stores[0]
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[w%len(stores)]
			for i := range each {
				err := s.Update(ctx, func(tx hubstore.Tx) error {
					id := fmt.Sprintf("w%d-%d", w, i)
					h, err := tx.Head("need", "counter")
					if errors.Is(err, hubstore.ErrNotFound) {
						h, err = &hubstore.Head{Kind: "need", ID: "counter"}, nil
					}
					if err != nil {
						return err
					}
					h.Revisions++
					if err := tx.PutHead(h); err != nil {
						return err
					}
					_, err = tx.AppendEvent(&hubstore.Event{Type: hubstore.EventRevision, Kind: "need", ID: id})
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	// Read the feed while they write: what a reader has seen is never
	// followed by an event below it.
	done := make(chan struct{})
	var seen []uint64
	go func() {
		defer close(done)
		var last uint64
		for i := range 200 {
			_ = stores[i%len(stores)].View(ctx, func(tx hubstore.Tx) error {
				return tx.Events(last, func(seq uint64, _ *hubstore.Event) (bool, error) {
					seen = append(seen, seq)
					last = seq
					return true, nil
				})
			})
			if len(seen) >= writers*each {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	<-done
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	view(t, s, func(tx hubstore.Tx) error {
		h, err := tx.Head("need", "counter")
		if err != nil || h.Revisions != writers*each {
			t.Errorf("counter %+v, %v: lost updates", h, err)
		}
		var all []uint64
		_ = tx.Events(0, func(seq uint64, _ *hubstore.Event) (bool, error) { all = append(all, seq); return true, nil })
		if len(all) != writers*each || !slices.IsSorted(all) {
			t.Errorf("%d events, sorted %v", len(all), slices.IsSorted(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i] != all[i-1]+1 {
				t.Errorf("gap in the feed: %d after %d", all[i], all[i-1])
				break
			}
		}
		return nil
	})
	if !slices.IsSorted(seen) || len(slices.Compact(slices.Clone(seen))) != len(seen) {
		t.Errorf("a reader saw events out of order: %v", seen)
	}
}
