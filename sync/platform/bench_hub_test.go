package platform_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/sync/hubstore/postgres"
	"github.com/xunbang/xunbang/sync/hubstore/postgres/pgtest"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// The hub's push and pull throughput on each store, over loopback, each
// beside its floor: a bare INSERT (or bbolt Put) and SELECT (or cursor
// scan) of the same rows, one transaction per batch, measured in the same
// run. Each benchmark reports x-floor, its time over the floor's; with
// two `serve` processes (this test binary run again as a server, see
// TestMain) on one database the floor is two connections inserting and
// selecting at once.

// helperServeEnv makes this test binary a hub server on the PostgreSQL
// database it names (with the key in helperKeyEnv), for the two-process
// benchmarks: it prints its address and serves until its standard input
// closes.
const (
	helperServeEnv = "XUNBANG_HELPER_SERVE_DB"
	helperKeyEnv   = "XUNBANG_HELPER_SERVE_KEY"
)

func TestMain(m *testing.M) {
	if db := os.Getenv(helperServeEnv); db != "" {
		os.Exit(helperServe(db))
	}
	os.Exit(m.Run())
}

func helperServe(db string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	key, _ := hex.DecodeString(os.Getenv(helperKeyEnv))
	st, err := postgres.Open(ctx, db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv, err := platform.OpenStore(ctx, st, platform.Options{Key: key, Logger: slog.New(slog.DiscardHandler), MaxInFlight: 16})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(ln.Addr().String())
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); cancel() }()
	if err := srv.ServeListener(ctx, ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// serveProcess starts this binary as a hub server on db and returns its
// address; it stops when the benchmark ends.
func serveProcess(b *testing.B, db string, key []byte) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperServeEnv+"="+db, helperKeyEnv+"="+hex.EncodeToString(key))
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("the server process said nothing: %v", err)
	}
	return "http://" + strings.TrimSpace(line)
}

const (
	benchBatch   = 200 // records per push (the client's default batch)
	benchBatches = 5   // batches per benchmark iteration
)

// benchRecords makes n fresh records (one enterprise a need, bodies as
// the demo set makes them), in push batches.
func benchRecords(n int) [][]protocol.Record {
	set := demo.Generate(uint64(time.Now().UnixNano()), n/2)
	var all []protocol.Record
	for i, nd := range set.Needs {
		e := *set.Enterprises[i%len(set.Enterprises)]
		e.ID, e.Rev = forms.NewID(), forms.NewID()
		eb, _ := json.Marshal(&e)
		nn := *nd
		nn.ID, nn.Rev, nn.BaseRev, nn.EnterpriseID = forms.NewID(), forms.NewID(), "", e.ID
		nb, _ := json.Marshal(&nn)
		all = append(all,
			protocol.Record{Kind: protocol.KindEnterprise, ID: e.ID, Rev: e.Rev, Body: eb},
			protocol.Record{Kind: protocol.KindNeed, ID: nn.ID, Rev: nn.Rev, Body: nb})
	}
	var out [][]protocol.Record
	for len(all) > 0 {
		k := min(benchBatch, len(all))
		out, all = append(out, all[:k]), all[k:]
	}
	return out
}

func benchPush(b *testing.B, base, token string, batch []protocol.Record) {
	body, _ := json.Marshal(protocol.PushRequest{Protocol: protocol.Version, Records: batch})
	for attempt := 0; ; attempt++ {
		req, _ := http.NewRequest(http.MethodPost, base+protocol.PathPush, bytes.NewReader(body))
		protocol.SetHeaders(req.Header)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests && attempt < 100 {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		var pr protocol.PushResponse
		if resp.StatusCode != http.StatusOK || protocol.Decode(resp.Header, raw, &pr) != nil {
			b.Fatalf("push: %d %.300s", resp.StatusCode, raw)
		}
		for _, r := range pr.Results {
			if r.Outcome != protocol.Accepted {
				b.Fatalf("push: %s %s %v", r.ID, r.Outcome, r.Reasons)
			}
		}
		return
	}
}

// benchPullAll reads a team's whole feed after cursor; it returns the new
// cursor and how many records came.
func benchPullAll(b *testing.B, base, token, cursor string) (string, int) {
	n := 0
	for range 10000 {
		req, _ := http.NewRequest(http.MethodGet, base+protocol.PathChanges+"?limit=500&after="+cursor, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var pr protocol.PullResponse
		if resp.StatusCode != http.StatusOK || protocol.Decode(resp.Header, raw, &pr) != nil {
			b.Fatalf("pull: %d %.300s", resp.StatusCode, raw)
		}
		for _, c := range pr.Changes {
			if c.Record != nil {
				n++
			}
		}
		cursor = pr.Cursor
		if !pr.More {
			return cursor, n
		}
	}
	b.Fatal("the feed did not end")
	return "", 0
}

// floor is a bare store of the same rows: insert a batch in one
// transaction, select them all back.
type floor interface {
	insert(b *testing.B, batch []protocol.Record)
	selectAll(b *testing.B) int
	reset(b *testing.B)
}

type boltFloor struct{ db *bolt.DB }

func newBoltFloor(b *testing.B) *boltFloor {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "floor.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return &boltFloor{db}
}

func (f *boltFloor) insert(b *testing.B, batch []protocol.Record) {
	err := f.db.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte("revs"))
		if err != nil {
			return err
		}
		for _, r := range batch {
			if err := bk.Put([]byte(r.Rev), r.Body); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

func (f *boltFloor) reset(b *testing.B) {
	_ = f.db.Update(func(tx *bolt.Tx) error { _ = tx.DeleteBucket([]byte("revs")); return nil })
}

func (f *boltFloor) selectAll(b *testing.B) int {
	n := 0
	_ = f.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("revs")).ForEach(func(_, v []byte) error { n += min(len(v), 1); return nil })
	})
	return n
}

type pgFloor struct{ conn *pgx.Conn }

func newPGFloor(b *testing.B, db string) *pgFloor {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close(ctx) })
	if _, err := conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS floor (rev text PRIMARY KEY, kind text, id text, body bytea)"); err != nil {
		b.Fatal(err)
	}
	return &pgFloor{conn}
}

func (f *pgFloor) insert(b *testing.B, batch []protocol.Record) {
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, f.conn, func(tx pgx.Tx) error {
		for _, r := range batch {
			if _, err := tx.Exec(ctx, "INSERT INTO floor (rev, kind, id, body) VALUES ($1, $2, $3, $4)", r.Rev, r.Kind, r.ID, []byte(r.Body)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

func (f *pgFloor) reset(b *testing.B) {
	if _, err := f.conn.Exec(context.Background(), "DELETE FROM floor"); err != nil {
		b.Fatal(err)
	}
}

func (f *pgFloor) selectAll(b *testing.B) int {
	rows, err := f.conn.Query(context.Background(), "SELECT rev, body FROM floor ORDER BY rev")
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var rev string
		var body []byte
		if err := rows.Scan(&rev, &body); err != nil {
			b.Fatal(err)
		}
		n++
	}
	rows.Close()
	return n
}

// hubTarget is where a benchmark pushes and pulls: one or two servers,
// and as many floors (one connection each).
type hubTarget struct {
	urls   []string
	tokens []string
	floors []floor
}

// run measures pushes (or pulls) of benchBatches batches per iteration
// through every server at once, then inserts (or selects) of the same
// rows in the floors, one connection a server.
func (h *hubTarget) run(b *testing.B, pull bool) {
	var hubTime, floorTime time.Duration
	cursors := make([]string, len(h.urls))
	var wg sync.WaitGroup
	timed := func(fn func(i int)) time.Duration {
		start := time.Now()
		for i := range h.urls {
			wg.Go(func() { fn(i) })
		}
		wg.Wait()
		return time.Since(start)
	}
	for b.Loop() {
		b.StopTimer()
		work := make([][][]protocol.Record, len(h.urls))
		for i := range work {
			work[i] = benchRecords(benchBatch * benchBatches / len(h.urls))
		}
		if pull {
			// What this iteration pulls and selects: a fresh set.
			for i := range h.urls {
				h.floors[i].reset(b)
				for _, batch := range work[i] {
					benchPush(b, h.urls[i], h.tokens[i], batch)
					h.floors[i].insert(b, batch)
				}
			}
		}
		b.StartTimer()
		hubTime += timed(func(i int) {
			if pull {
				var n int
				cursors[i], n = benchPullAll(b, h.urls[i], h.tokens[i], cursors[i])
				if n != benchBatch*benchBatches/len(h.urls) {
					b.Errorf("pulled %d records, pushed %d", n, benchBatch*benchBatches/len(h.urls))
				}
				return
			}
			for _, batch := range work[i] {
				benchPush(b, h.urls[i], h.tokens[i], batch)
			}
		})
		b.StopTimer()
		floorTime += timed(func(i int) {
			if pull {
				h.floors[i].selectAll(b)
				return
			}
			for _, batch := range work[i] {
				h.floors[i].insert(b, batch)
			}
		})
		b.StartTimer()
	}
	b.ReportMetric(float64(benchBatch*benchBatches*b.N)/hubTime.Seconds(), "records/s")
	b.ReportMetric(hubTime.Seconds()/floorTime.Seconds(), "x-floor")
}

func benchKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

func boltTarget(b *testing.B) *hubTarget {
	h := newConsoleHub(b, platform.Options{MaxInFlight: 16})
	tok, _ := h.srv.CreateToken(context.Background(), "bench", "吴江镇长团")
	return &hubTarget{urls: []string{h.URL}, tokens: []string{tok}, floors: []floor{newBoltFloor(b)}}
}

func pgTarget(b *testing.B, processes int) *hubTarget {
	db := pgtest.URL(b)
	key := benchKey()
	t := &hubTarget{}
	if processes == 1 {
		h := pgHub(b, db, key)
		t.urls = []string{h.URL}
	} else {
		for range processes {
			t.urls = append(t.urls, serveProcess(b, db, key))
		}
	}
	// Tokens through an in-process server on the same hub.
	h := pgHub(b, db, key)
	for i := range t.urls {
		tok, err := h.srv.CreateToken(context.Background(), "bench", fmt.Sprint("团队", i))
		if err != nil {
			b.Fatal(err)
		}
		t.tokens = append(t.tokens, tok)
		t.floors = append(t.floors, newPGFloor(b, db))
	}
	return t
}

func BenchmarkHubPush(b *testing.B) {
	b.Run("bolt", func(b *testing.B) { boltTarget(b).run(b, false) })
	b.Run("postgres", func(b *testing.B) { pgTarget(b, 1).run(b, false) })
	b.Run("postgres-2-processes", func(b *testing.B) { pgTarget(b, 2).run(b, false) })
}

func BenchmarkHubPull(b *testing.B) {
	for _, c := range []struct {
		name string
		t    func(*testing.B) *hubTarget
	}{
		{"bolt", boltTarget},
		{"postgres", func(b *testing.B) *hubTarget { return pgTarget(b, 1) }},
		{"postgres-2-processes", func(b *testing.B) *hubTarget { return pgTarget(b, 2) }},
	} {
		b.Run(c.name, func(b *testing.B) { c.t(b).run(b, true) })
	}
}
