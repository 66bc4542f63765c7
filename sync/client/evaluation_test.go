package client_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// TestEvaluationTravelsWithItsNeed (issue 15.5): a 竞榜 evaluation recorded
// on one laptop reaches the team's other laptop with its need, scores and
// all, through the real hub; another team, which sees the published need,
// sees nothing of it.
func TestEvaluationTravelsWithItsNeed(t *testing.T) {
	ctx := context.Background()
	h := newHub(t)
	a1 := openStore(t, t.TempDir(), "li", "suzhou")
	_, ids := seed(t, a1, 1)
	confirm(t, a1, ids[0])
	n, err := a1.Need(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	n.Evaluation = &forms.Evaluation{Date: "2026-10-08", Experts: []string{"张立华 教授（苏州大学）"}, Opinion: "建议与方案二深入洽谈"}
	n.Evaluation.SetScore("", "innovation", 8.5, true)
	n.Evaluation.SetScore("sol-2", "feasibility", 7, true)
	if err := a1.SaveNeed(ctx, n); err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(t, a1, fastConfig(h.URL, h.token("li", "suzhou"))).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Review(ctx, ids[0], "已发布", "https://platform.example.cn/need/8", ""); err != nil {
		t.Fatal(err)
	}

	a2 := openStore(t, t.TempDir(), "zhou", "suzhou")
	if _, err := newClient(t, a2, fastConfig(h.URL, h.token("zhou", "suzhou"))).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := a2.Need(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if ev := got.Evaluation; ev == nil || ev.Need["innovation"] != 8.5 || ev.SolutionScores("sol-2")["feasibility"] != 7 || ev.Experts[0] != "张立华 教授（苏州大学）" {
		t.Fatalf("the team's other laptop has %+v", got.Evaluation)
	}

	b := openStore(t, t.TempDir(), "wang", "wuxi")
	if _, err := newClient(t, b, fastConfig(h.URL, h.token("wang", "wuxi"))).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	var pub []byte
	if err := b.View(ctx, func(tx *store.Tx) error { pub = tx.Meta("sync.public." + ids[0]); return nil }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(pub), "https://platform.example.cn/need/8") {
		t.Fatalf("team B does not see the published need: %s", pub)
	}
	for _, secret := range []string{"张立华", "innovation", "feasibility", "建议与方案二", "2026-10-08"} {
		if strings.Contains(string(pub), secret) {
			t.Errorf("team B sees %q of the evaluation: %s", secret, pub)
		}
	}
}
