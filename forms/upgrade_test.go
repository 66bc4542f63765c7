package forms

import (
	"bytes"
	"slices"
	"testing"
	"time"
)

// TestUpgradeNeedKeepsConfirmation: a need confirmed with the 2026.1
// two-level tech field codes gets the official codes, and its confirmation
// stays current, with the old hash kept; a stale one stays stale.
func TestUpgradeNeedKeepsConfirmation(t *testing.T) {
	cat := Default()
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for _, stale := range []bool{false, true} {
		n, e := sampleNeed(), sampleEnterprise()
		n.Values.SetList("tech_fields", []string{"08", "0804"})
		n.Status = StatusToConfirm
		if err := cat.Confirm(n, e, Confirmation{At: at}); err != nil {
			t.Fatal(err)
		}
		if stale {
			n.Values.Set("expected_goal", "另一个目标，企业没有确认过。")
		}
		oldHash := n.Confirmation.ContentHash
		if !cat.UpgradeNeed(n, at) {
			t.Fatal("nothing upgraded")
		}
		if got := n.Values.List("tech_fields"); !slices.Equal(got, []string{"80", "804"}) {
			t.Errorf("tech_fields %v", got)
		}
		if cur := cat.ConfirmationCurrent(n, e); cur == stale {
			t.Errorf("stale=%v: current after the upgrade = %v", stale, cur)
		}
		c := n.Confirmation
		if len(c.Recoded) != 1 || c.Recoded[0].FromHash != oldHash || c.Recoded[0].Reason == "" || !c.Recoded[0].At.Equal(at) {
			t.Errorf("recoded %+v", c.Recoded)
		}
		if HashContent(c.Content) != c.ContentHash || !bytes.Contains(c.Content, []byte(`"tech_fields":["80","804"]`)) {
			t.Errorf("content %s", c.Content)
		}
		if !stale && !bytes.Equal(c.Content, cat.CanonicalContent(n, e)) {
			t.Errorf("re-encoded content\n%s\nis not the canonical content\n%s", c.Content, cat.CanonicalContent(n, e))
		}
		if cat.UpgradeNeed(n, at) {
			t.Error("a second upgrade changed something")
		}
	}
}
