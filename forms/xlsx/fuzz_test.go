package xlsx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// FuzzRead feeds the importer arbitrary bytes, seeded with small generated
// workbooks. It must never panic (the recovery that turns an excelize panic
// into ErrDamaged is off here, so that a panic anywhere shows), must fail
// only with a *FileError, and what it returns must hang together.
func FuzzRead(f *testing.F) {
	prev := recoverPanics
	recoverPanics = false
	f.Cleanup(func() { recoverPanics = prev })

	f.Add(baseBook(f))
	messy, _, _ := messyBookTB(f)
	f.Add(messy)
	b := newBook(f, "企业信息")
	b.row("企业信息", 1, "单位名称", "社会信用代码", "所在地区", "联系人姓名", "手机号码")
	b.row("企业信息", 2, "昆山甲企业有限公司", "91320583MA1XYW0100", "玉山镇", "张三", "13800000001")
	b.sheet("需求信息")
	b.row("需求信息", 1, "需求单位", "需求标题", "需求分类", "拟投入资金（万元）")
	b.row("需求信息", 2, "昆山甲企业有限公司", "一项测试需求名称", "技术改造", "30")
	b.merge("需求信息", "A2", "A3")
	f.Add(b.bytes())
	plat, _ := platformBytes(f, sampleRecords(f))
	f.Add(plat)
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})

	lim := Limits{MaxFileSize: 1 << 20, MaxUnzipSize: 32 << 20, MaxInMemory: 32 << 20, InMemoryPart: 1 << 20,
		MaxRecords: 2000, MaxEmptyRun: 200, MaxProblems: 200, MaxSharedStrings: 100_000}
	f.Fuzz(func(t *testing.T, data []byte) {
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
