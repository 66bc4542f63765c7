// Command mkschema2 wrote store/testdata/schema2.db.gz with the store of
// schema 2 (commit 7ef84af, before the outbox kept one entry per record),
// encrypted with the tests' raw key (32 bytes of 0x5a): an outbox as the
// window left it after autosaves and syncs — chains of revisions of one
// record, a refused revision and its fix, a conflict — and a need with the
// platform's verdict, for the test of the migration to schema 3. It is kept
// as the record of how the fixture was made; it is not built by ./... (it
// lives under testdata) and need not compile against later stores.
//
//	go run ./store/testdata/mkschema2 -out /tmp/schema2 && gzip -9 -n -c /tmp/schema2/xunbang.db > store/testdata/schema2.db.gz
package main

import (
	"bytes"
	"context"
	"flag"
	"log"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

func main() {
	out := flag.String("out", "", "data dir to create")
	flag.Parse()
	ctx := context.Background()
	t := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { t = t.Add(time.Minute); return t }
	s, err := store.Open(ctx, *out, store.Options{Now: now, Key: store.KeySource{Raw: bytes.Repeat([]byte{0x5a}, 32)}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	e := &forms.Enterprise{ID: "ent-1", Values: forms.Values{}}
	e.Values.Set("enterprise_name", "苏州迁移测试精密机械有限公司")
	e.Values.Set("region", "320505")
	must(s.SaveEnterprise(ctx, e))
	need := func(id, title string) *forms.Need {
		n := &forms.Need{ID: id, EnterpriseID: e.ID, Status: forms.StatusDraft, Values: forms.Values{}}
		n.Values.Set("title", title)
		must(s.SaveNeed(ctx, n))
		return n
	}
	edit := func(n *forms.Need, title string) {
		n.Values.Set("title", title)
		must(s.SaveNeed(ctx, n))
	}
	// seqOf returns the outbox entry of a revision.
	seqOf := func(rev string) uint64 {
		box, err := s.Outbox(ctx, 0)
		must(err)
		for _, o := range box {
			if o.Rev == rev {
				return o.Seq
			}
		}
		log.Fatalf("no outbox entry for %s", rev)
		return 0
	}

	// chain: three autosaves, never synced.
	chain := need("need-chain", "自动保存第一版")
	edit(chain, "自动保存第二版")
	edit(chain, "自动保存第三版")

	// acked: synced once, then edited twice.
	acked := need("need-acked", "已同步的需求")
	must(s.AckOutbox(ctx, seqOf(acked.Rev)))
	edit(acked, "已同步后改了一次")
	edit(acked, "已同步后改了两次")

	// refused: synced, then a revision refused, then fixed.
	refused := need("need-refused", "被退回前的版本")
	must(s.AckOutbox(ctx, seqOf(refused.Rev)))
	edit(refused, "短")
	must(s.QuarantineOutbox(ctx, seqOf(refused.Rev), []string{"「需求名称」至少 4 个字，现有 1 个。"}))
	edit(refused, "改好了的需求名称")

	// conflict: synced, then a revision answered with a conflict.
	conflict := need("need-conflict", "两边都改过的需求")
	must(s.AckOutbox(ctx, seqOf(conflict.Rev)))
	edit(conflict, "本机改过的需求")
	must(s.QuarantineOutbox(ctx, seqOf(conflict.Rev), []string{"conflict：平台上已有同事修改过的版本（abcdef12），两边都已保留，请逐项选择保留哪一边。"}))

	// verdict: synced, then published on the platform.
	published := need("need-published", "已在平台发布的需求")
	must(s.AckOutbox(ctx, seqOf(published.Rev)))
	must(s.AckOutbox(ctx, seqOf(e.Rev)))
	must(s.Update(ctx, func(tx *store.Tx) error {
		n, err := tx.Need(published.ID)
		if err != nil {
			return err
		}
		n.Platform = forms.Platform{State: "已发布", URL: "https://hub.example.cn/n/need-published", Comment: "内容完整", UpdatedAt: now()}
		return tx.PutNeedRemote(n)
	}))
	must(s.Check(ctx))
	box, _ := s.Outbox(ctx, 0)
	q, _ := s.QuarantinedOutbox(ctx)
	log.Printf("wrote %s: %d pending, %d quarantined", *out, len(box), len(q))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
