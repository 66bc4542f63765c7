package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/store"
)

// TestAutosaveStates drives the editors' one autosave through its states
// with a record of its own: an edit is saved after the wait, a save that
// fails leaves the edit unsaved (and says so), a record not ready is not
// saved, and the window's closing saves synchronously.
func TestAutosaveStates(t *testing.T) {
	mustSetLanguage(t, Chinese)
	u, _ := newTestUI(t, func(*store.Store) {})
	label := widget.NewLabel("")
	a := newAutosave[string](u, label)
	a.later.delay, a.later.maxWait = time.Millisecond, 0
	var stored []string
	var fail error
	ready := true
	record := "v1"
	a.ready = func(bool) bool { return ready }
	a.take = func() string { return record }
	a.store = func(_ context.Context, s string) error {
		if fail != nil {
			return fail
		}
		stored = append(stored, s)
		return nil
	}
	a.current = func(string) bool { return true }
	a.settle = func(string, error) time.Time { return time.Date(2026, 12, 3, 9, 30, 0, 0, time.Local) }

	steps := []struct {
		name   string
		do     func()
		stored int
		dirty  bool
		label  string
	}{
		{"an edit waits", func() { a.edited("未保存", false) }, 0, true, "未保存"},
		{"then is saved", func() { a.edited("未保存", true); time.Sleep(20 * time.Millisecond) }, 1, false, "已保存 09:30:00"},
		{"nothing new, nothing saved", func() { a.save(true) }, 1, false, "已保存 09:30:00"},
		{"a failed save keeps the edit", func() { record, fail = "v2", errors.New("disk full"); a.edited("未保存", false); a.save(false) }, 1, true, "保存失败"},
		{"not ready, not saved", func() { fail, ready = nil, false; a.save(true) }, 1, true, "保存失败"},
		{"closing saves at once", func() { ready = true; a.flush() }, 2, false, "已保存 09:30:00"},
		{"another record", func() { a.edited("未保存", true); a.reset() }, 2, false, ""},
	}
	for _, s := range steps {
		s.do()
		settle(t, u)
		if len(stored) != s.stored || a.dirty != s.dirty || !strings.HasPrefix(label.Text, s.label) || s.label == "" && label.Text != "" {
			t.Errorf("%s: stored %v, dirty %v, label %q", s.name, stored, a.dirty, label.Text)
		}
	}
	if stored[1] != "v2" {
		t.Errorf("the flush stored %q", stored[1])
	}
	// The error was shown once, in the user's words.
	if !containsText(windowTexts(u.win), "disk full") {
		t.Error("the failed save was not shown")
	}
}
