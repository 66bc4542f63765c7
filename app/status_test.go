package app

import (
	"context"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// TestUndoingAnEditRestoresTheStatus is issue 12.11 in the editor: an edit
// sends a published need to 待企业确认, and undoing it brings back 已发布
// with the confirmation current, on screen and in the store.
func TestUndoingAnEditRestoresTheStatus(t *testing.T) {
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) {
		need = confirmedNeed(t, st)
		if err := need.Transition(forms.StatusPublished); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveNeed(context.Background(), need); err != nil {
			t.Fatal(err)
		}
	})
	u.openNeed(need.ID)
	settle(t, u)
	e := u.editor
	title := e.form.input("title").entry
	old := title.Text
	title.SetText(old + "（修订）")
	settle(t, u)
	if e.need.Status != forms.StatusToConfirm || e.confirmed.Text != "内容已修改，需重新确认" {
		t.Fatalf("after an edit: status %s, %q", e.need.Status, e.confirmed.Text)
	}
	title.SetText(old)
	if e.need.Status != forms.StatusPublished || e.status.Text != "状态：已发布" || e.confirmed.Text != "企业确认：当前有效" {
		t.Errorf("after the undo: status %s, labels %q %q", e.need.Status, e.status.Text, e.confirmed.Text)
	}
	settle(t, u)
	n, err := st.Need(context.Background(), need.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != forms.StatusPublished || n.StaleFrom != "" {
		t.Errorf("stored after the undo: status %s, stale from %q", n.Status, n.StaleFrom)
	}
}
