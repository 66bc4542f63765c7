// Command mkschema1 wrote store/testdata/schema1.db.gz with the store of
// schema 1 (commit fd98d16, before encryption): a small data dir holding
// distinctive names, phone numbers, credit codes and need text in every
// bucket, for the test that migrates it to the encrypted schema. It is kept
// as the record of how the fixture was made; it is not built by ./... (it
// lives under testdata) and need not compile against later stores.
//
//	go run ./store/testdata/mkschema1 -out /tmp/schema1 && gzip -9 -n -c /tmp/schema1/xunbang.db > store/testdata/schema1.db.gz
package main

import (
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
	t := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { t = t.Add(time.Minute); return t }
	s, err := store.Open(ctx, *out, store.Options{Now: now})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	set := store.DefaultSettings()
	set.User, set.Team, set.HomeRegion = "钱审计员", "苏州科技镇长团", "320500"
	must(s.SaveSettings(ctx, set))

	e := &forms.Enterprise{Values: forms.Values{}}
	e.Values.Set("enterprise_name", "苏州琰珖微纳光电有限公司")
	e.Values.Set("credit_code", "91320594MA1Y7QXE3K")
	e.Values.Set("region", "320594")
	e.Values.Set("address", "苏州工业园区星湖街328号创意产业园")
	e.Contacts = []forms.Contact{{Values: forms.Values{"contact_name": {"鞠晓燕"}, "contact_mobile": {"13912345678"}, "contact_email": {"juxy@yanguang.example"}}}}
	must(s.SaveEnterprise(ctx, e))
	e2 := &forms.Enterprise{Values: forms.Values{}}
	e2.Values.Set("enterprise_name", "昆山翀霁精密模具有限公司")
	e2.Values.Set("credit_code", "91320583MA20K8LW6P")
	e2.Values.Set("region", "320583")
	e2.Contacts = []forms.Contact{{Values: forms.Values{"contact_name": {"阚志远"}, "contact_mobile": {"15850011223"}}}}
	must(s.SaveEnterprise(ctx, e2))

	n := &forms.Need{EnterpriseID: e.ID, Status: forms.StatusToConfirm, Values: forms.Values{}}
	n.Values.Set("title", "石墨烯散热膜卷对卷连续化制备工艺")
	n.Values.Set("need_type", "00")
	n.Values.SetList("tech_fields", []string{"04"})
	n.Values.SetList("keywords", []string{"石墨烯", "散热膜"})
	n.Values.Set("problem", "现有间歇式烧结导致膜厚不均，良品率仅六成二。")
	n.Values.Set("key_technology", "卷对卷高温石墨化与在线测厚")
	n.Values.Set("expected_goal", "膜厚偏差小于百分之三")
	n.Values.SetList("cooperation_modes", []string{"01"})
	n.Values.Set("budget_wan", "180")
	n.Values.Set("visibility", string(forms.VisibilityNamed))
	n.Diagnosis = &forms.Diagnosis{Values: forms.Values{"diag_conclusion": {"valid"}}, By: "钱审计员", At: now()}
	must(forms.Default().Confirm(n, e, forms.Confirmation{
		Values: forms.Values{"confirmer_name": {"鞠晓燕"}, "confirmer_position": {"总经理"}},
		At:     now(), Signature: []byte("\x89PNG fake signature"),
	}))
	must(s.SaveNeed(ctx, n))
	n2 := &forms.Need{EnterpriseID: e2.ID, Status: forms.StatusDraft, Values: forms.Values{}}
	n2.Values.Set("title", "注塑模具随形冷却水路增材制造")
	n2.Values.Set("problem", "冷却不均造成翘曲，周期长达四十二秒。")
	must(s.SaveNeed(ctx, n2))
	n2.Values.Set("budget_wan", "60")
	must(s.SaveNeed(ctx, n2)) // a second revision

	must(s.SaveVisit(ctx, &forms.Visit{EnterpriseID: e.ID, Date: "2026-01-05", Who: "钱审计员", Notes: "参观琰珖洁净车间，鞠总介绍散热膜产线"}))
	must(s.SaveFollowUp(ctx, &forms.FollowUp{NeedID: n.ID, Kind: forms.FollowUpIntent, Date: "2026-01-20", Partner: "东南大学苏州研究院", Notes: "意向金额待议"}))
	must(s.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetMeta("sync.cursor", []byte("c-000042")); err != nil {
			return err
		}
		return tx.SetMeta("sync.registry.91320583MA20K8LW6P", []byte(`{"id":"r1","name":"昆山翀霁精密模具有限公司","credit_code":"91320583MA20K8LW6P"}`))
	}))
	box, err := s.Outbox(ctx, 0)
	must(err)
	must(s.QuarantineOutbox(ctx, box[len(box)-1].Seq, []string{"需求名称“注塑模具随形冷却水路增材制造”过短"}))
	must(s.FailOutbox(ctx, box[0].Seq, "连接超时"))
	must(s.Check(ctx))
	log.Printf("wrote %s: enterprises %s %s, needs %s %s", *out, e.ID, e2.ID, n.ID, n2.ID)
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
