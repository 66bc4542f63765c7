package forms

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The hash of a fixed need is part of the contract: a confirmation made today
// must still match the same content in every later version of xunbang. If this
// test fails, the encoding changed: bump ContentFormat and keep the old one
// readable instead of editing the expected value.
func TestContentHashIsStable(t *testing.T) {
	cat := Default()
	const wantContent = `{"enterprise":{"credit_code":"914403001922038216","enterprise_name":"苏州昆仑精密机械有限公司","region":"320583102"},"format":"xunbang-need-content/1","need":{"budget_wan":"200","cooperation_modes":["02","01"],"current_basis":"已投入 300 万元，研发团队 12 人。","expected_goal":"完成样机并小批量试产。","key_technology":"23 位绝对值编码，抗振动。","keywords":["编码器","伺服"],"need_type":"00","problem":"现有进口编码器价格高、交期长，需要国产替代方案。","public_alias":"苏州市某装备制造企业","tech_fields":["80","804"],"title":"高精度伺服电机编码器国产化","visibility":"anonymous"},"visibility":"anonymous"}`
	// printf '%s' "$wantContent" | sha256sum
	const wantHash = "e31fe25f10ccad585809c79b0239bfb4e0ca847b25f44c23f2a250c84d01d1e4"
	if got := string(cat.CanonicalContent(sampleNeed(), sampleEnterprise())); got != wantContent {
		t.Errorf("canonical content\n%s\nwant\n%s", got, wantContent)
	}
	if got := cat.ContentHash(sampleNeed(), sampleEnterprise()); got != wantHash {
		t.Errorf("content hash %s, want %s", got, wantHash)
	}
}

func TestCanonicalContent(t *testing.T) {
	cat := Default()
	n, e := sampleNeed(), sampleEnterprise()
	base := cat.CanonicalContent(n, e)
	if !json.Valid(base) || !bytes.HasPrefix(base, []byte(`{"enterprise":`)) {
		t.Fatalf("not sorted JSON: %s", base)
	}
	if bytes.Contains(base, []byte(`\u`)) {
		t.Errorf("content escapes characters: %s", base)
	}
	same := []func(*Need, *Enterprise){
		func(n *Need, _ *Enterprise) { n.Values.Set("intended_partners", "某大学") }, // internal
		func(n *Need, _ *Enterprise) { n.Status = StatusPublished },
		func(n *Need, _ *Enterprise) { n.Rev, n.UpdatedAt = "r9", time.Now() },
		func(_ *Need, e *Enterprise) { e.Values.Set("address", "别处") },
		func(n *Need, _ *Enterprise) {
			n.Values["title"] = []string{" 高精度伺服电机编码器国产化 "}
		},
		func(n *Need, _ *Enterprise) { n.Values["indicators"] = []string{""} },
		func(n *Need, _ *Enterprise) { n.Values = n.Values.Clone() },
	}
	for i, edit := range same {
		n, e := sampleNeed(), sampleEnterprise()
		edit(n, e)
		if got := cat.CanonicalContent(n, e); !bytes.Equal(got, base) {
			t.Errorf("edit %d changed the content:\n%s\n%s", i, base, got)
		}
	}
	differ := []func(*Need, *Enterprise){
		func(n *Need, _ *Enterprise) { n.Values.Set("title", "高精度伺服电机编码器国产化二期") },
		func(n *Need, _ *Enterprise) { n.Values.Set("budget_wan", "201") },
		func(n *Need, _ *Enterprise) { n.Values.Set("visibility", "named") },
		func(n *Need, _ *Enterprise) { n.Values.Set("current_basis", "已投入 400 万元") }, // secret, but confirmed
		func(n *Need, _ *Enterprise) { n.Values.SetList("cooperation_modes", []string{"01", "02"}) },
		func(_ *Need, e *Enterprise) { e.Values.Set("enterprise_name", "另一家公司") },
	}
	for i, edit := range differ {
		n, e := sampleNeed(), sampleEnterprise()
		edit(n, e)
		if got := cat.CanonicalContent(n, e); bytes.Equal(got, base) {
			t.Errorf("edit %d did not change the content", i)
		}
	}
}

func TestConfirmationGoesStale(t *testing.T) {
	cat := Default()
	n, e := sampleNeed(), sampleEnterprise()
	n.Status = StatusToConfirm
	conf := Confirmation{Values: Values{"confirmer_name": {"王晓明"}, "confirmer_position": {"技术总监"}, "confirmation_method": {"sign"}}, At: time.Now()}
	if err := cat.Confirm(n, e, conf); err != nil {
		t.Fatal(err)
	}
	if n.Status != StatusConfirmed || !cat.ConfirmationCurrent(n, e) {
		t.Fatalf("after confirming: status %s, current %v", n.Status, cat.ConfirmationCurrent(n, e))
	}
	if HashContent(n.Confirmation.Content) != n.Confirmation.ContentHash {
		t.Fatal("stored content does not hash to the stored hash")
	}
	if cat.Reconcile(n, e) {
		t.Fatal("reconcile moved an unchanged need")
	}
	n.Values.Set("intended_partners", "苏州大学")
	if cat.Reconcile(n, e) || n.Status != StatusConfirmed {
		t.Fatal("an internal edit made the confirmation stale")
	}
	n.Values.Set("budget_wan", "300")
	if !cat.Reconcile(n, e) || n.Status != StatusToConfirm || cat.ConfirmationCurrent(n, e) {
		t.Fatalf("a budget edit left status %s", n.Status)
	}
	if n.Confirmation == nil || !strings.Contains(string(n.Confirmation.Content), `"200"`) {
		t.Error("the stale confirmation lost what was confirmed")
	}
	n.Status = StatusDraft
	if err := cat.Confirm(n, e, conf); err == nil {
		t.Error("a draft could be confirmed")
	}
}
