package client_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/fakeplatform"
	"github.com/xunbang/xunbang/sync/faultproxy"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Through a proxy that fails 30% of requests in every way it knows, syncs
// fail and retry; once the faults stop, one more sync leaves the server
// holding exactly the client's records — none lost, none twice — and the
// outbox empty.
func TestSyncThroughFaults(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	seedN := uint64(time.Now().UnixNano())
	t.Logf("fault seed %d", seedN)
	px, err := faultproxy.New(h.URL, seedN)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(px)
	defer front.Close()
	px.SetRate(0.3)

	a := openStore(t, t.TempDir(), "li", "suzhou")
	b := openStore(t, t.TempDir(), "zhou", "suzhou")
	_, ids := seed(t, a, 120)
	cfgA, cfgB := fastConfig(front.URL, h.token("li", "suzhou")), fastConfig(front.URL, h.token("zhou", "suzhou"))
	cfgA.BatchSize, cfgA.RetryCount = 7, 1
	cfgB.RetryCount = 1
	ca, cb := newClient(t, a, cfgA), newClient(t, b, cfgB)
	failures := 0
	for round := range 25 {
		// Keep editing between syncs, as an official would.
		n, err := a.Need(ctx, ids[round%len(ids)])
		if err != nil {
			t.Fatal(err)
		}
		n.Values.Set("keywords", fmt.Sprintf("第%d轮", round))
		if err := a.SaveNeed(ctx, n); err != nil {
			t.Fatal(err)
		}
		if round%5 == 0 {
			if err := h.srv.Review(context.Background(), ids[round], "审核中", "", ""); err != nil && round > 0 {
				t.Fatal(err)
			}
		}
		if _, err := ca.Sync(ctx); err != nil {
			failures++
		}
		if _, err := cb.Sync(ctx); err != nil {
			failures++
		}
	}
	t.Logf("with faults: %d of 50 syncs failed; proxy saw %s", failures, px)
	if failures == 0 {
		t.Fatal("no sync failed: the proxy injected nothing")
	}
	s, _ := ca.Status(ctx)
	t.Logf("status during faults: pending %d, last error %q", s.Pending, s.Message("zh"))

	px.SetRate(0)
	if rep, err := ca.Sync(ctx); err != nil {
		t.Fatalf("after the faults: %s: %v", rep, err)
	}
	if _, err := cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	assertInSync(t, h, "suzhou", a)
	if d := diff(localRevs(t, a), localRevs(t, b)); d != "" {
		t.Fatalf("the colleague's store differs:\n%s", d)
	}
	s, _ = ca.Status(ctx)
	if s.Message("zh") != "" || !s.NextRetry.IsZero() || s.Pending != 0 {
		t.Fatalf("status after recovery %+v", s)
	}
}

// TestSyncKilled re-runs this test binary as a child that syncs, and kills
// it with SIGKILL at random moments, editing between kills. A later sync
// completes with exactly the result an undisturbed one would have: the
// server holds every local revision once and the outbox is empty.
func TestSyncKilled(t *testing.T) {
	if os.Getenv("XUNBANG_SYNC_CHILD") == "1" {
		syncChild(t)
		return
	}
	if testing.Short() {
		t.Skip("-short: re-executes the test binary")
	}
	ctx := context.Background()
	h := newHub(t)
	tok := h.token("li", "suzhou")
	dir := t.TempDir()
	st := openStore(t, dir, "li", "suzhou")
	_, ids := seed(t, st, 300)
	st.Close()

	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	killed, finished := 0, 0
	for round := range 8 {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestSyncKilled$", "-test.count", "1")
		cmd.Env = append(os.Environ(), "XUNBANG_SYNC_CHILD=1", "XUNBANG_SYNC_DIR="+dir,
			"XUNBANG_SYNC_SERVER="+h.URL, client.TokenEnv+"="+tok)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("child: %v", err)
			}
			finished++
		case <-time.After(time.Duration(150+round*150+rnd.IntN(400)) * time.Millisecond):
			cmd.Process.Kill() // SIGKILL
			<-done
			killed++
		}
		// Edit between runs, as an official would.
		st := openStore(t, dir, "li", "suzhou")
		stats, _ := st.OutboxStats(ctx)
		onServer, _ := h.srv.RevisionCount(context.Background())
		t.Logf("round %d: %d pending, %d revisions on the server", round, stats.Pending, onServer)
		for i := range 5 {
			n, err := st.Need(ctx, ids[(round*5+i)%len(ids)])
			if err != nil {
				t.Fatal(err)
			}
			n.Values.Set("keywords", "第"+strconv.Itoa(round)+"次")
			if err := st.SaveNeed(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		st.Close()
	}
	t.Logf("children killed %d times, finished %d times", killed, finished)
	st = openStore(t, dir, "li", "suzhou")
	c := newClient(t, st, fastConfig(h.URL, tok))
	if rep, err := c.Sync(ctx); err != nil {
		t.Fatalf("%s: %v", rep, err)
	}
	assertInSync(t, h, "suzhou", st)
	// And once more: nothing left to do.
	rep, err := c.Sync(ctx)
	if err != nil || rep.Pushed != 0 || rep.Applied != 0 {
		t.Fatalf("second sync: %s %v", rep, err)
	}
}

func syncChild(t *testing.T) {
	dir := os.Getenv("XUNBANG_SYNC_DIR")
	st := openStore(t, dir, "li", "suzhou")
	cfg := fastConfig(os.Getenv("XUNBANG_SYNC_SERVER"), "")
	cfg.Keyring = nil
	cfg.BatchSize = 5
	c := newClient(t, st, cfg)
	if _, err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "xunbang.db")); err != nil {
		t.Fatal(err)
	}
}

// Each fault alone, on every request: the sync fails with the right kind of
// error and loses nothing; once the fault stops, the next sync completes —
// and where the server had committed before the answer was lost, it says
// "duplicate" rather than storing anything twice.
func TestEachFault(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		fault     faultproxy.Fault
		kind      client.ErrorKind // 0: the sync succeeds despite the fault
		committed bool             // the server stored the first batch before failing
	}{
		{faultproxy.Drop, client.KindNetwork, false},
		{faultproxy.Delay, 0, false},
		{faultproxy.Error500, client.KindServer, false},
		{faultproxy.TooMany, client.KindBusy, false},
		{faultproxy.Truncate, client.KindNetwork, true},
		{faultproxy.LostReply, client.KindNetwork, true},
		{faultproxy.LoginPage, client.KindNotProtocol, false},
		{faultproxy.Redirect, client.KindNotProtocol, false},
	} {
		t.Run(string(tc.fault), func(t *testing.T) {
			h := newHub(t)
			px, err := faultproxy.New(h.URL, 1, tc.fault)
			if err != nil {
				t.Fatal(err)
			}
			front := httptest.NewServer(px)
			defer front.Close()
			px.SetRate(1)
			st := openStore(t, t.TempDir(), "li", "suzhou")
			seed(t, st, 10)
			c := newClient(t, st, fastConfig(front.URL, h.token("li", "suzhou")))
			_, err = c.Sync(ctx)
			var e *client.Error
			switch {
			case tc.kind == 0 && err != nil:
				t.Fatalf("sync failed: %v", err)
			case tc.kind != 0 && (!errors.As(err, &e) || e.Kind != tc.kind):
				t.Fatalf("err = %v, want kind %d", err, tc.kind)
			}
			if n, _ := h.srv.RevisionCount(context.Background()); tc.committed != (n > 0) && tc.kind != 0 {
				t.Errorf("server holds %d revisions after the fault", n)
			}
			px.SetRate(0)
			rep, err := c.Sync(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tc.committed && rep.Duplicates == 0 {
				t.Errorf("no duplicate after a lost answer: %s", rep)
			}
			assertInSync(t, h, "suzhou", st)
		})
	}
}

// When the answer to a push is lost and the need is then edited again, the
// next sync finds the server holding the store's own earlier revision: it
// pushes the edit on it, with no conflict for the user to resolve.
func TestLostAnswerThenEdit(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	px, err := faultproxy.New(h.URL, 1, faultproxy.LostReply)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(px)
	defer front.Close()
	st := openStore(t, t.TempDir(), "li", "suzhou")
	_, ids := seed(t, st, 3)
	cfg := fastConfig(front.URL, h.token("li", "suzhou"))
	cfg.RetryCount = 0
	c := newClient(t, st, cfg)
	px.SetRate(1)
	if _, err := c.Sync(ctx); err == nil {
		t.Fatal("the sync whose answer was lost succeeded")
	}
	if n, _ := h.srv.RevisionCount(context.Background()); n == 0 {
		t.Fatal("the server stored nothing before the answer was lost")
	}
	px.SetRate(0)
	for i, id := range ids[:2] {
		n, err := st.Need(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 2 { // two autosaves
			n.Values.Set("keywords", fmt.Sprintf("第%d条第%d稿", i, j))
			if err := st.SaveNeed(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
	}
	rep, err := c.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Conflicts != 0 || rep.Rebased != 2 {
		t.Fatalf("after the lost answer and two edits: %s, %d rebased", rep, rep.Rebased)
	}
	if cfs, _ := client.Conflicts(ctx, st); len(cfs) != 0 {
		t.Fatalf("conflicts kept: %+v", cfs)
	}
	assertInSync(t, h, "suzhou", st)
}

// stuckPlatform answers every push with a conflict against the record's
// first revision, as a broken server might, every time.
type stuckPlatform struct {
	client.Platform
	first map[string]string // need id => its first revision
	calls int
}

func (p *stuckPlatform) Push(_ context.Context, recs []protocol.Record) ([]protocol.Result, error) {
	p.calls++
	out := make([]protocol.Result, len(recs))
	for i, r := range recs {
		out[i] = protocol.Result{Kind: r.Kind, ID: r.ID, Rev: r.Rev, Outcome: protocol.Conflict,
			Current: &protocol.Record{Kind: r.Kind, ID: r.ID, Rev: p.first[r.ID], Body: r.Body}}
	}
	return out, nil
}

// A server that answers each push again with the store's own earlier
// revision gets each record pushed again once, then the conflict is kept:
// the sync ends.
func TestRebasedOnceASync(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir(), "li", "suzhou")
	_, ids := seed(t, st, 3)
	first := map[string]string{}
	for _, id := range ids {
		n, err := st.Need(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		first[id] = n.Rev
		n.Values.Set("keywords", "改过")
		if err := st.SaveNeed(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	fp := fakeplatform.New(fakeplatform.Options{})
	p := &stuckPlatform{Platform: fp.Open(fp.Token("li", "suzhou")), first: first}
	c := newClient(t, st, client.Config{Platform: p, BatchSize: 10, PullLimit: 5, Logger: quiet})
	rep, err := c.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The enterprise seed made is answered with no known revision: a
	// conflict at once.
	if rep.Rebased != 3 || rep.Conflicts != 4 || p.calls != 2 {
		t.Fatalf("%s, %d rebased, %d pushes", rep, rep.Rebased, p.calls)
	}
}
