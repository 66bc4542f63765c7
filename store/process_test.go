package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// The tests here re-execute the test binary as a child process, which runs
// TestChildProcess with XUNBANG_STORE_CHILD naming its role:
//
//	open   open the store in XUNBANG_STORE_DIR, print how it went, exit
//	crash  save records in a loop, printing "saved <id> <rev>" after each
//	       save returns, until killed
//	encrypt open the unencrypted store in XUNBANG_STORE_DIR with the test
//	       key (which encrypts it), print "encrypted", exit
//	import import rounds of needs (staged in small batches, published,
//	       some staged and discarded) in a loop, printing "imported <round>"
//	       after each import returns, until killed
const (
	childEnv    = "XUNBANG_STORE_CHILD"
	childDirEnv = "XUNBANG_STORE_DIR"
)

func childCommand(t *testing.T, role, dir string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+role, childDirEnv+"="+dir)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestChildProcess is the child's side; it does nothing in a normal run.
func TestChildProcess(t *testing.T) {
	role := os.Getenv(childEnv)
	if role == "" {
		return // the entry point of the child processes the tests below start; nothing to do in the parent
	}
	dir := os.Getenv(childDirEnv)
	switch role {
	case "open":
		start := time.Now()
		s, err := Open(context.Background(), dir, testOpts())
		took := time.Since(start)
		if err == nil {
			s.Close()
		}
		fmt.Printf("result inuse=%t took=%d err=%v\n", errors.Is(err, ErrInUse), took.Milliseconds(), err)
	case "crash":
		crashWriter(dir)
	case "import":
		importWriter(dir)
	case "encrypt":
		s, err := Open(context.Background(), dir, testOpts())
		if err != nil {
			fmt.Println("error open:", err)
			os.Exit(2)
		}
		s.Close()
		fmt.Println("encrypted")
	default:
		t.Fatalf("unknown child role %q", role)
	}
}

func TestErrInUseFromAnotherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts a process")
	}
	s, dir := openTest(t)
	_ = s
	cmd := childCommand(t, "open", dir)
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	line := ""
	for l := range strings.Lines(string(out)) {
		if strings.HasPrefix(l, "result ") {
			line = strings.TrimSpace(l)
		}
	}
	var inUse bool
	var took int
	var msg string
	if _, err := fmt.Sscanf(line, "result inuse=%t took=%d", &inUse, &took); err != nil {
		t.Fatalf("child said %q: %v", out, err)
	}
	_, msg, _ = strings.Cut(line, " err=")
	if !inUse {
		t.Fatalf("second process: %s, want ErrInUse", msg)
	}
	if took >= 2000 {
		t.Errorf("second process waited %d ms for ErrInUse, want < 2 s", took)
	}
	for _, want := range []string{"另一个寻榜", "another xunbang", dir} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
	t.Logf("second process got ErrInUse after %d ms (%v with process start): %s", took, wall.Round(time.Millisecond), msg)
}

func TestErrInUseSameProcess(t *testing.T) {
	// bbolt locks with flock(2), which on Linux and the BSDs belongs to the
	// open file description: a second Open in the same process is refused
	// as well. (The child-process test above is the one that matters.)
	_, dir := openTest(t)
	_, err := Open(bg, dir, Options{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrInUse) && runtime.GOOS == "linux" {
		t.Fatalf("second Open in the same process = %v, want ErrInUse", err)
	}
}

// crashWriter is the child of TestCrashSafety: it saves enterprises and
// needs in a loop, reporting each save after it returned, until killed.
func crashWriter(dir string) {
	ctx := context.Background()
	s, err := Open(ctx, dir, testOpts())
	if err != nil {
		fmt.Println("error open:", err)
		os.Exit(2)
	}
	fail := func(what string, err error) {
		fmt.Printf("error %s: %v\n", what, err)
		os.Exit(2)
	}
	var entIDs []string
	if err := s.ForEachEnterprise(ctx, func(e *forms.Enterprise) error { entIDs = append(entIDs, e.ID); return nil }); err != nil {
		fail("list enterprises", err)
	}
	sums, err := s.Needs(ctx, Query{})
	if err != nil {
		fail("list needs", err)
	}
	var needIDs []string
	for _, x := range sums {
		needIDs = append(needIDs, x.ID)
	}
	fmt.Println("ready")
	say := func(id, rev string) { fmt.Printf("saved %s %s\n", id, rev) } // one write(2) per line
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(os.Getpid())))
	deadline := time.Now().Add(30 * time.Second) // never outlive a parent that died
	for i := 0; time.Now().Before(deadline); i++ {
		r := rng.IntN(100)
		switch {
		case len(entIDs) == 0 || r < 8: // a new enterprise
			e := newEnterprise(fmt.Sprintf("苏州第%d精密制造有限公司", i), fmt.Sprintf("91320500%09dX", rng.IntN(1e9)), "320505")
			if err := s.SaveEnterprise(ctx, e); err != nil {
				if errors.Is(err, ErrDuplicate) {
					continue
				}
				fail("save enterprise", err)
			}
			entIDs = append(entIDs, e.ID)
			say(e.ID, e.Rev)
		case r < 15: // rename an enterprise: its confirmed needs go back to 待企业确认
			e, err := s.Enterprise(ctx, entIDs[rng.IntN(len(entIDs))])
			if err != nil {
				fail("load enterprise", err)
			}
			e.Values.Set("enterprise_name", fmt.Sprintf("苏州第%d精密制造股份有限公司", i))
			if err := s.SaveEnterprise(ctx, e); err != nil {
				fail("save enterprise", err)
			}
			say(e.ID, e.Rev)
		case len(needIDs) == 0 || r < 40: // a new need
			n := newNeed(entIDs[rng.IntN(len(entIDs))], fmt.Sprintf("第%d项：高端装备关键零部件国产化", i))
			n.Values.Set("problem", strings.Repeat("现有工艺良率低、成本高。", 1+rng.IntN(40)))
			if err := s.SaveNeed(ctx, n); err != nil {
				fail("save need", err)
			}
			needIDs = append(needIDs, n.ID)
			say(n.ID, n.Rev)
		case r < 50: // an enterprise and a need in one transaction
			e := newEnterprise(fmt.Sprintf("昆山第%d新材料公司", i), "", "320583")
			n := newNeed("", fmt.Sprintf("第%d项：新材料", i))
			err := s.Update(ctx, func(tx *Tx) error {
				if err := tx.SaveEnterprise(e); err != nil {
					return err
				}
				n.EnterpriseID = e.ID
				return tx.SaveNeed(n)
			})
			if err != nil {
				fail("save enterprise and need", err)
			}
			entIDs = append(entIDs, e.ID)
			needIDs = append(needIDs, n.ID)
			say(e.ID, e.Rev)
			say(n.ID, n.Rev)
		case r < 55: // the sync acknowledges a few entries
			box, err := s.Outbox(ctx, 3)
			if err != nil {
				fail("outbox", err)
			}
			if len(box) > 0 {
				if err := s.AckOutbox(ctx, box[0].Seq); err != nil {
					fail("ack", err)
				}
			}
			if len(box) > 1 {
				if err := s.QuarantineOutbox(ctx, box[1].Seq, []Reason{{Message: "test"}}); err != nil {
					fail("quarantine", err)
				}
			}
		default: // edit a need: a new revision
			n, err := s.Need(ctx, needIDs[rng.IntN(len(needIDs))])
			if err != nil {
				fail("load need", err)
			}
			n.Values.Set("budget_wan", strconv.Itoa(rng.IntN(500)+1))
			switch n.Status {
			case forms.StatusDraft:
				n.Status = forms.StatusToDiagnose
			case forms.StatusToDiagnose:
				n.Status = forms.StatusToConfirm
			case forms.StatusToConfirm:
				e, err := s.Enterprise(ctx, n.EnterpriseID)
				if err != nil {
					fail("load enterprise", err)
				}
				if err := forms.Default().Confirm(n, e, forms.Confirmation{At: time.Now()}); err != nil {
					fail("confirm", err)
				}
			}
			if err := s.SaveNeed(ctx, n); err != nil {
				fail("save need", err)
			}
			say(n.ID, n.Rev)
		}
	}
	s.Close()
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: kills child processes")
	}
	rounds := 25
	if v, err := strconv.Atoi(os.Getenv("XUNBANG_CRASH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	start := time.Now()
	totalSaved := 0
	for round := range rounds {
		saved, output := crashRound(t, dir, rng, round%5 == 0)
		totalSaved += len(saved)
		verifyAfterCrash(t, dir, round, saved, output)
		if t.Failed() {
			return
		}
	}
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, _ := s.OutboxStats(bg)
	t.Logf("%d rounds, %d saves reported, %d needs in the end, outbox %+v, in %v",
		rounds, totalSaved, s.CountNeeds(bg), st, time.Since(start).Round(time.Millisecond))
}

type savedRev struct{ id, rev string }

// crashRound starts a writer, kills it with SIGKILL after a random 5–200 ms
// (counted from its start when early, else from its first save being
// possible), and returns what it reported as saved.
func crashRound(t *testing.T, dir string, rng *rand.Rand, early bool) ([]savedRev, string) {
	t.Helper()
	cmd := childCommand(t, "crash", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	delay := time.Duration(5+rng.IntN(196)) * time.Millisecond
	var all []string
	if !early {
		timeout := time.After(20 * time.Second)
	wait:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break wait
				}
				all = append(all, l)
				if l == "ready" {
					break wait
				}
			case <-timeout:
				cmd.Process.Kill()
				t.Fatalf("writer not ready after 20 s")
			}
		}
	}
	time.Sleep(delay)
	// Process.Kill is SIGKILL on Unix: no deferred call, no Close, no flush.
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	for l := range lines {
		all = append(all, l)
	}
	_ = cmd.Wait()
	var saved []savedRev
	for _, l := range all {
		if strings.HasPrefix(l, "error ") {
			t.Fatalf("writer failed: %s", l)
		}
		f := strings.Fields(l)
		if len(f) == 3 && f[0] == "saved" {
			saved = append(saved, savedRev{f[1], f[2]})
		}
	}
	return saved, strings.Join(all, "\n")
}

// verifyAfterCrash reopens the store and checks that every reported save
// is there (at that revision or a later one) and that the file keeps every
// invariant.
func verifyAfterCrash(t *testing.T, dir string, round int, saved []savedRev, output string) {
	t.Helper()
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatalf("round %d: reopening after the kill: %v", round, err)
	}
	defer s.Close()
	if err := s.Check(bg); err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	err = s.View(bg, func(tx *Tx) error {
		for _, sv := range saved {
			if nrevs, err := tx.NeedRevisions(sv.id); err == nil {
				checkRevision(t, round, sv, len(nrevs), func(i int) (string, string) { return nrevs[i].Rev, nrevs[i].BaseRev })
				continue
			}
			erevs, err := tx.EnterpriseRevisions(sv.id)
			if err != nil {
				t.Errorf("round %d: reported saved %s %s, not stored: %v", round, sv.id, sv.rev, err)
				continue
			}
			checkRevision(t, round, sv, len(erevs), func(i int) (string, string) {
				base := ""
				if i > 0 {
					base = erevs[i-1].Rev
				}
				return erevs[i].Rev, base
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every need's enterprise exists, and the need list matches the file.
	l, _ := s.Needs(bg, Query{})
	if len(l) != s.CountNeeds(bg) {
		t.Errorf("round %d: list %d, count %d", round, len(l), s.CountNeeds(bg))
	}
	for _, x := range l {
		if _, err := s.Enterprise(bg, x.EnterpriseID); err != nil {
			t.Errorf("round %d: need %s: %v", round, x.ID, err)
		}
	}
	if t.Failed() {
		t.Logf("writer output:\n%s", output)
	}
}

// checkRevision checks that sv.rev is among a record's n revisions, and
// that the revisions form a chain (each based on the one before).
func checkRevision(t *testing.T, round int, sv savedRev, n int, rev func(int) (rev, base string)) {
	t.Helper()
	found := false
	prev := ""
	for i := range n {
		r, base := rev(i)
		if r == sv.rev {
			found = true
		}
		if base != prev {
			t.Errorf("round %d: %s revision %d is based on %q, the one before is %q", round, sv.id, i, base, prev)
		}
		prev = r
	}
	if !found {
		t.Errorf("round %d: reported saved %s at %s, the file has %d other revisions", round, sv.id, sv.rev, n)
	}
}

// TestEncryptCrashSafety kills a process while it encrypts an unencrypted
// data dir, at random moments, and checks that the next Open finds either
// the old file or the encrypted one — never a mix, never a loss — and,
// once it has finished the job, nothing readable left in the data dir.
func TestEncryptCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: kills child processes")
	}
	// An unencrypted store big enough for the copy to take a while.
	src := t.TempDir()
	s, err := Open(bg, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ents, needs := bigRecords(5000)
	ents, needs = ents[:200], needs[:400]
	for i, n := range needs {
		n.EnterpriseID = strconv.Itoa(i % 200)
	}
	if _, err := s.Import(bg, ents, needs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	fillSecrets(t, s)
	wantNeeds := s.CountNeeds(bg)
	s.Close()

	fresh := func() string {
		dir := t.TempDir()
		if err := copyFile(filepath.Join(dir, FileName), filepath.Join(src, FileName)); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	// How long one whole encryption takes, as a child.
	start := time.Now()
	if out, err := childCommand(t, "encrypt", fresh()).Output(); err != nil || !strings.Contains(string(out), "encrypted") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	whole := time.Since(start)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	rounds := 8
	if raceEnabled {
		rounds = 3 // each round takes seconds with the race detector
	}
	if v, err := strconv.Atoi(os.Getenv("XUNBANG_CRASH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	for round := range rounds {
		dir := fresh()
		cmd := childCommand(t, "encrypt", dir)
		cmd.Stdout = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(whole))))
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		s, err := Open(bg, dir, testOpts())
		if err != nil {
			t.Fatalf("round %d: open after the kill: %v", round, err)
		}
		if err := s.Check(bg); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if got := s.CountNeeds(bg); got != wantNeeds || !s.Encrypted() {
			t.Errorf("round %d: %d needs (want %d), encrypted %t", round, got, wantNeeds, s.Encrypted())
		}
		s.Close()
		if found := leaksInDir(t, dir); len(found) > 0 {
			t.Errorf("round %d: files reveal secrets: %v", round, found)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if n := e.Name(); n != FileName && !strings.HasSuffix(n, sealedSuffix) {
				t.Errorf("round %d: left behind %s", round, n)
			}
		}
	}
	t.Logf("%d rounds; one encryption takes %v", rounds, whole.Round(time.Millisecond))
}

// Rounds of the import crash test: each imports importRoundNeeds new needs
// of a new enterprise, titled by the round, and sets the budget of the
// first importTracked stored needs to the round.
const (
	importRoundNeeds = 40
	importTracked    = 12
)

// importWriter is the child of TestImportCrashSafety.
func importWriter(dir string) {
	ctx := context.Background()
	stageBatch, publishBatch = 3, 5 // many transactions, many moments to be killed in
	s, err := Open(ctx, dir, testOpts())
	if err != nil {
		fmt.Println("error open:", err)
		os.Exit(2)
	}
	var tracked []*forms.Need
	sums, _ := s.Needs(ctx, Query{Sort: SortTitle})
	for _, x := range sums {
		if strings.HasPrefix(x.Title, "跟踪") && len(tracked) < importTracked {
			n, err := s.Need(ctx, x.ID)
			if err != nil {
				fmt.Println("error load:", err)
				os.Exit(2)
			}
			tracked = append(tracked, n)
		}
	}
	fmt.Println("ready")
	start := time.Now().UnixNano()
	for r := 0; time.Since(time.Unix(0, start)) < 30*time.Second; r++ {
		round := fmt.Sprintf("%d-%d", start, r)
		e := newEnterprise("第"+round+"轮企业", "", "320505")
		e.ID = "row-e"
		needs := make([]*forms.Need, 0, importRoundNeeds+len(tracked))
		for i := range importRoundNeeds {
			n := newNeed("row-e", fmt.Sprintf("第%s轮需求%02d", round, i))
			n.Values.Set("problem", strings.Repeat("现有工艺良率低、成本高。", 1+i%30))
			needs = append(needs, n)
		}
		for _, t := range tracked {
			n := t.Clone()
			n.Rev, n.BaseRev = "", ""
			n.Values.Set("budget_wan", strconv.Itoa(r+1))
			needs = append(needs, n)
		}
		if r%4 == 3 { // staged, then thrown away
			si, err := s.StageImport(ctx, ImportSlices{Enterprises: []*forms.Enterprise{e}, Needs: needs}, ImportOptions{})
			if err != nil {
				fmt.Println("error stage:", err)
				os.Exit(2)
			}
			if err := si.Discard(ctx); err != nil {
				fmt.Println("error discard:", err)
				os.Exit(2)
			}
			continue
		}
		if _, err := s.Import(ctx, []*forms.Enterprise{e}, needs, ImportOptions{}); err != nil {
			fmt.Println("error import:", err)
			os.Exit(2)
		}
		fmt.Printf("imported %s %d\n", round, r+1)
	}
	s.Close()
}

// TestImportCrashSafety kills a process while it imports, at random
// moments — while it stages, publishes, or discards — and checks after each
// kill that the next Open finds every import whole or not at all: each
// round's new needs all there or none, the needs every round updates all
// at one round's budget, every reported import there, no staging left, and
// the file keeping every invariant.
func TestImportCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: kills child processes")
	}
	dir := t.TempDir()
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	e := mustSaveEnterprise(t, s, newEnterprise("被跟踪的企业", "", "320505"))
	for i := range importTracked {
		mustSaveNeed(t, s, newNeed(e.ID, fmt.Sprintf("跟踪需求%02d", i)))
	}
	s.Close()
	rounds := 12
	if raceEnabled {
		rounds = 5
	}
	if v, err := strconv.Atoi(os.Getenv("XUNBANG_CRASH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 4))
	imported := 0
	for round := range rounds {
		cmd := childCommand(t, "import", dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		var all []string
		timeout := time.After(20 * time.Second)
	wait:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break wait
				}
				all = append(all, l)
				if l == "ready" {
					break wait
				}
			case <-timeout:
				_ = cmd.Process.Kill()
				t.Fatal("importer not ready after 20 s")
			}
		}
		time.Sleep(time.Duration(20+rng.IntN(600)) * time.Millisecond)
		_ = cmd.Process.Kill() // SIGKILL
		for l := range lines {
			all = append(all, l)
		}
		_ = cmd.Wait()
		reported := map[string]string{} // round → budget
		for _, l := range all {
			if strings.HasPrefix(l, "error ") {
				t.Fatalf("importer failed: %s", l)
			}
			if f := strings.Fields(l); len(f) == 3 && f[0] == "imported" {
				reported[f[1]] = f[2]
			}
		}
		imported += len(reported)
		verifyImportAfterCrash(t, dir, round, reported, strings.Join(all, "\n"))
		if t.Failed() {
			return
		}
	}
	t.Logf("%d rounds, %d imports reported", rounds, imported)
}

// verifyImportAfterCrash reopens the store after a kill and checks it.
func verifyImportAfterCrash(t *testing.T, dir string, round int, reported map[string]string, output string) {
	t.Helper()
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatalf("round %d: reopening after the kill: %v", round, err)
	}
	defer s.Close()
	if err := s.Check(bg); err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	if stagingLeft(t, s) {
		t.Errorf("round %d: a staging area is left after Open", round)
	}
	sums, err := s.Needs(bg, Query{})
	if err != nil {
		t.Fatal(err)
	}
	perRound := map[string]int{}
	budgets := map[string]bool{}
	for _, x := range sums {
		if r, ok := strings.CutPrefix(x.Title, "第"); ok {
			r, _, _ = strings.Cut(r, "轮")
			perRound[r]++
		}
		if strings.HasPrefix(x.Title, "跟踪") {
			n, err := s.Need(bg, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			budgets[n.Values.Get("budget_wan")] = true
		}
	}
	for r, n := range perRound {
		if n != importRoundNeeds {
			t.Errorf("round %d: import %s is there with %d of its %d needs", round, r, n, importRoundNeeds)
		}
	}
	for r := range reported {
		if perRound[r] != importRoundNeeds {
			t.Errorf("round %d: import %s was reported, %d of its needs are there", round, r, perRound[r])
		}
	}
	if len(budgets) != 1 {
		t.Errorf("round %d: the tracked needs have budgets %v: an import's updates are there in part", round, budgets)
	}
	if t.Failed() {
		t.Logf("importer output:\n%s", output)
	}
}
