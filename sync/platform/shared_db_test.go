package platform_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/hubstore/postgres"
	"github.com/xunbang/xunbang/sync/hubstore/postgres/pgtest"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// pgHub is a hub server on a PostgreSQL database shared with others.
func pgHub(t testing.TB, db string, key []byte) *consoleHub {
	t.Helper()
	return startConsoleHub(t, func(o platform.Options) (*platform.Server, error) {
		st, err := postgres.Open(context.Background(), db)
		if err != nil {
			return nil, err
		}
		o.Key = key
		srv, err := platform.OpenStore(context.Background(), st, o)
		if err != nil {
			st.Close()
		}
		return srv, err
	}, platform.Options{MaxInFlight: 16})
}

// laptopRun is a laptop syncing through one of the servers.
type laptopRun struct {
	l   *laptop
	hub *consoleHub
}

// Two servers on one database are one hub: laptops pushing through both
// at once — twins pushing the same revisions through different servers
// among them — lose nothing and store nothing twice; verdicts given
// through both at once are all kept; the feed has one order, the same
// through either server.
func TestTwoServersOnOneDatabase(t *testing.T) {
	db := pgtest.URL(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	a, b := pgHub(t, db, key), pgHub(t, db, key)
	runs := []laptopRun{
		{a.newLaptop("吴江镇长团", "李科技", 40, 7), a},
		{b.newLaptop("吴江镇长团", "李科技", 40, 7), b}, // the same records and revisions, through the other server
		{a.newLaptop("昆山技术经理人", "周镇长", 30, 99), a},
		{b.newLaptop("相城技术经理人", "钱经理", 30, 123), b},
	}
	concurrently(t, len(runs), func(i int) error { _, err := runs[i].l.cl.Sync(context.Background()); return err })
	revisions := checkNothingLost(t, a, b, runs)

	// Verdicts through both servers at once, on needs of two teams.
	needs := needsOf(t, a, 24, "吴江镇长团", "相城技术经理人")
	concurrently(t, len(needs), func(i int) error {
		srv := []*platform.Server{a.srv, b.srv}[i%2]
		state, comment := verdictFor(i)
		return srv.Review(context.Background(), needs[i], state, "", comment)
	})
	checkOneFeed(t, db, revisions, needs)

	// The feed reads the same through either server, and every verdict
	// reaches the laptops.
	if pullAll(t, a, "吴江镇长团") != pullAll(t, b, "吴江镇长团") {
		t.Error("the two servers give one team different feeds")
	}
	for _, r := range runs {
		r.l.sync(t)
	}
	for i, id := range needs {
		state, comment := verdictFor(i)
		for _, r := range runs {
			n, err := r.l.st.Need(context.Background(), id)
			if err == nil && (n.Platform.State != state || n.Platform.Comment != comment) {
				t.Errorf("need %s on a laptop: %+v, want %s %q", id, n.Platform, state, comment)
			}
		}
	}
}

// concurrently runs fn(0…n-1) at once and fails on any error.
func concurrently(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			if err := fn(i); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func verdictFor(i int) (string, string) {
	if i%2 == 0 {
		return "退回", fmt.Sprintf("第 %d 条：请补充", i)
	}
	return "审核中", ""
}

// checkNothingLost checks that the hub holds every laptop's records at
// their revisions, and every distinct revision once; it returns those.
func checkNothingLost(t *testing.T, a, b *consoleHub, runs []laptopRun) map[string]bool {
	t.Helper()
	want, revisions := map[string]string{}, map[string]bool{}
	for _, r := range runs {
		maps.Copy(want, localRevisions(t, r.l))
		for _, rev := range allRevisions(t, r.l) {
			revisions[rev] = true
		}
	}
	recs, err := a.srv.Records(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records on the hub, %d pushed", len(recs), len(want))
	}
	for _, r := range recs {
		if want[r.Kind+"/"+r.ID] != r.Rev {
			t.Errorf("%s/%s: hub has %s, laptop %s", r.Kind, r.ID, r.Rev, want[r.Kind+"/"+r.ID])
		}
	}
	if n, _ := b.srv.RevisionCount(context.Background()); n != len(revisions) {
		t.Fatalf("%d revisions stored, %d distinct pushed", n, len(revisions))
	}
	return revisions
}

// needsOf lists up to n needs of the given teams.
func needsOf(t *testing.T, h *consoleHub, n int, teams ...string) []string {
	t.Helper()
	recs, err := h.srv.Records(context.Background(), protocol.KindNeed)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		if slices.Contains(teams, r.Team) && len(out) < n {
			out = append(out, r.ID)
		}
	}
	return out
}

// checkOneFeed reads the feed from the database: gapless, every revision
// once, every verdict once.
func checkOneFeed(t *testing.T, db string, revisions map[string]bool, needs []string) {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var seqs []uint64
	revEvents, stateEvents := map[string]int{}, map[string]int{}
	err = st.View(ctx, func(tx hubstore.Tx) error {
		return tx.Events(0, func(seq uint64, ev *hubstore.Event) (bool, error) {
			seqs = append(seqs, seq)
			switch ev.Type {
			case hubstore.EventRevision:
				revEvents[ev.Rev]++
			case hubstore.EventState:
				stateEvents[ev.ID]++
			}
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range seqs {
		if s != uint64(i+1) {
			t.Fatalf("the feed has %d at place %d", s, i+1)
		}
	}
	for rev, n := range revEvents {
		if n != 1 || !revisions[rev] {
			t.Errorf("revision %s is in the feed %d times", rev, n)
		}
	}
	if len(revEvents) != len(revisions) {
		t.Errorf("%d revisions in the feed, %d pushed", len(revEvents), len(revisions))
	}
	for _, id := range needs {
		if stateEvents[id] != 1 {
			t.Errorf("need %s has %d verdicts in the feed", id, stateEvents[id])
		}
	}
}

// pullAll reads a team's whole feed from a hub, as text.
func pullAll(t *testing.T, h *consoleHub, team string) string {
	t.Helper()
	tok, err := h.srv.CreateToken(context.Background(), "reader", team)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	cursor := ""
	for range 1000 {
		resp := pull(t, h.URL, tok, cursor)
		for _, c := range resp.Changes {
			out += fmt.Sprintf("%s %v %v %v\n", c.Kind, c.Record != nil && c.Record.Rev != "", c.NeedID, c.Status != nil)
			if c.Record != nil {
				out += c.Record.Rev + "\n"
			}
		}
		cursor = resp.Cursor
		if !resp.More {
			return out
		}
	}
	t.Fatal("the feed did not end")
	return ""
}

func localRevisions(t *testing.T, l *laptop) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	_ = l.st.ForEachNeed(ctx, func(n *forms.Need) error { out["need/"+n.ID] = n.Rev; return nil })
	_ = l.st.ForEachEnterprise(ctx, func(e *forms.Enterprise) error { out["enterprise/"+e.ID] = e.Rev; return nil })
	return out
}

func allRevisions(t *testing.T, l *laptop) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for key := range localRevisions(t, l) {
		kind, id := splitKey(key)
		if kind == "need" {
			revs, err := l.st.NeedRevisions(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range revs {
				out = append(out, n.Rev)
			}
		} else {
			revs, err := l.st.EnterpriseRevisions(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range revs {
				out = append(out, e.Rev)
			}
		}
	}
	return out
}

func splitKey(k string) (string, string) {
	for i := range k {
		if k[i] == '/' {
			return k[:i], k[i+1:]
		}
	}
	return k, ""
}

// pull reads one page of a team's feed over HTTP.
func pull(t *testing.T, base, token, cursor string) *protocol.PullResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+protocol.PathChanges+"?after="+url.QueryEscape(cursor), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	protocol.SetHeaders(req.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var pr protocol.PullResponse
	if err := protocol.Decode(resp.Header, body, &pr); err != nil {
		t.Fatalf("pull: %d %v", resp.StatusCode, err)
	}
	return &pr
}
