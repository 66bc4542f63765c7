package xlsx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// FuzzRead feeds the importer arbitrary bytes. It must never panic (the
// recovery that turns an excelize panic into ErrDamaged is off here, so
// that a panic anywhere shows), must fail only with a *FileError, and what
// it returns must hang together.
//
// The seeds are small real workbooks (fuzzSeeds; the same as the corpus
// files in testdata/fuzz/FuzzRead): a few KB each, their parts stored with
// no checksum, so that a mutated byte reaches the XML the reader parses and
// minimising an interesting input takes little time. (The generated
// workbooks the seeds were before — excelize's, with a theme and styles,
// deflated, 6 to 14 KB — made every mutation a broken deflate stream, and
// the fuzzer spent its minute minimising one of them: 8 executions in 40
// s.) Inputs over 64 KB are skipped: a seed grown that big tests nothing
// the small ones do not. The fuzzer minimises each new interesting input
// for up to a minute by default, and counts none of those runs: for a short
// run, cap it —
//
//	go test -run XXX -fuzz FuzzRead -fuzztime 60s -fuzzminimizetime 5s ./forms/xlsx
//
// did 3,910 executions in 60 s (22 new interesting inputs) with both
// cores shared by four other builds (load average 16).
func FuzzRead(f *testing.F) {
	prev := recoverPanics
	recoverPanics = false
	f.Cleanup(func() { recoverPanics = prev })

	names := make([]string, 0, len(fuzzSeeds()))
	for name := range fuzzSeeds() {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f.Add(fuzzSeeds()[name])
	}
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})

	lim := Limits{MaxFileSize: 1 << 20, MaxUnzipSize: 32 << 20, MaxInMemory: 32 << 20, InMemoryPart: 1 << 20,
		MaxRecords: 2000, MaxEmptyRun: 200, MaxProblems: 200, MaxSharedStrings: 100_000}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return // over 64 KB: the small seeds cover what it would
		}
		// Bounded time is part of the contract: a hang is a failure.
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				// A panic kills the worker, and the fuzzer keeps the input.
				panic(fmt.Sprintf("Read has run for 30 s on a %d-byte input", len(data)))
			}
		}()
		batch, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), Options{HomeRegion: kunshan, Limits: lim})
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not a *FileError: %v", err)
			}
			if fe.ZH == "" || fe.EN == "" {
				t.Fatalf("FileError without a message: %#v", fe)
			}
			return
		}
		ents := map[string]bool{}
		for _, e := range batch.Enterprises {
			if e.ID == "" || ents[e.ID] {
				t.Fatalf("enterprise ID %q empty or repeated", e.ID)
			}
			ents[e.ID] = true
		}
		for _, n := range batch.Needs {
			if !ents[n.EnterpriseID] {
				t.Fatalf("need %q names enterprise %q, not in the batch", n.Title(), n.EnterpriseID)
			}
			if n.Status == "" || !n.Status.Valid() {
				t.Fatalf("need status %q", n.Status)
			}
		}
		if len(batch.Problems) > lim.MaxProblems+1 {
			t.Fatalf("%d problems", len(batch.Problems))
		}
		for _, p := range batch.Problems {
			if p.ZH == "" || p.EN == "" || p.Row < 0 {
				t.Fatalf("problem %#v", p)
			}
		}
	})
}
