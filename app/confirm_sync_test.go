package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/platforms"
)

// colleague is a teammate's laptop: its own store and client, syncing with
// the same hub as the window.
func colleague(t *testing.T, hub *testHub, tok string) (*store.Store, *client.Client) {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{User: "周同事", Team: "苏州科技镇长团", Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := client.New(st, client.Config{Server: hub.url, Token: tok, Keyring: noKeyring{}, Dial: platforms.Dial, Logger: quietLog,
		Timeout: 10 * time.Second, RetryCount: -1})
	if err != nil {
		t.Fatal(err)
	}
	return st, c
}

// TestConfirmScreenFollowsAPull (issue 12): the 企业确认 screen is open on a
// confirmed need when a colleague's edit of its confirmed content arrives
// by a sync; without reopening, the screen shows the new content and says
// that the confirmation is no longer current.
func TestConfirmScreenFollowsAPull(t *testing.T) {
	hub := startHub(t)
	tok := hub.token(t, "李科技", "苏州科技镇长团")
	var need *forms.Need
	u, _, link, _ := newSyncTestUI(t, func(st *store.Store) { need = confirmedNeed(t, st) })
	syncOnce(t, u, link, hub, tok)
	u.openNeed(need.ID)
	settle(t, u)
	u.showConfirm()
	settle(t, u)
	v := u.confirm
	if !u.confirmShowing() || !strings.HasPrefix(v.state.Text, "企业确认：当前有效") {
		t.Fatalf("before the pull: showing %v, state %q", u.confirmShowing(), v.state.Text)
	}

	ctx := context.Background()
	stC, cC := colleague(t, hub, tok)
	if _, err := cC.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	theirs, err := stC.Need(ctx, need.ID)
	if err != nil {
		t.Fatal(err)
	}
	theirs.Values.Set("expected_goal", "良率九成八，单线产能翻番")
	if err := stC.SaveNeed(ctx, theirs); err != nil {
		t.Fatal(err)
	}
	if theirs.Status != forms.StatusToConfirm {
		t.Fatalf("the colleague's edit left the need %s", theirs.Status)
	}
	if _, err := cC.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	test.Tap(u.sync.syncNow)
	settle(t, u)
	u.sync.refresh()
	settle(t, u)
	if !u.confirmShowing() {
		t.Fatal("the sync left the confirmation screen")
	}
	if v.state.Text != "内容已修改，需重新确认" {
		t.Errorf("state after the pull: %q", v.state.Text)
	}
	texts := strings.Join(objectTexts(v.privateBox), "\n") + strings.Join(objectTexts(v.publicBox), "\n")
	if !strings.Contains(texts, "良率九成八，单线产能翻番") {
		t.Errorf("the screen does not show the pulled content:\n%s", texts)
	}
	if v.confirmBtn.Disabled() || !v.message.Visible() || !strings.Contains(v.message.Text, "同步更新") {
		t.Errorf("confirm button enabled %v, message %q", !v.confirmBtn.Disabled(), v.message.Text)
	}
}
