package app

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/store"
)

// TestStartErrorWindow: the start error window shows the whole message,
// copies it (it may hold the command to run) and closes (issues 11.4,
// 12.13).
func TestStartErrorWindow(t *testing.T) {
	for _, l := range []Language{Chinese, English} {
		if err := SetLanguage(l); err != nil {
			t.Fatal(err)
		}
		a := test.NewTempApp(t)
		w := a.NewWindow("寻榜")
		msg := "寻榜已经在另一个窗口中打开了数据目录 /home/li/.config/xunbang。请切换到那个窗口继续工作。"
		v := newStartErrorView(a, w, msg)
		w.SetContent(v.content)
		w.Show()
		if v.message.Text != msg || !v.message.Selectable {
			t.Errorf("message %q", v.message.Text)
		}
		want := map[Language][2]string{Chinese: {"关闭", "复制这段说明"}, English: {"Close", "Copy this text"}}[l]
		if v.close.Text != want[0] || v.copyBtn.Text != want[1] {
			t.Errorf("%s: buttons %q %q", l, v.close.Text, v.copyBtn.Text)
		}
		test.Tap(v.copyBtn)
		if got := a.Clipboard().Content(); got != msg {
			t.Errorf("copied %q", got)
		}
		if v.note.Text == "" {
			t.Error("no word that it was copied")
		}
		closed := false
		w.SetOnClosed(func() { closed = true })
		test.Tap(v.close)
		if !closed {
			t.Error("关闭 did not close the window")
		}
	}
}

// TestOpenErrorsNameDamage: a damaged data file met while the window runs
// (by the daily backup's check, or a record on a damaged page) is shown
// as the same message the command line gives (issue 11.4).
func TestOpenErrorsNameDamage(t *testing.T) {
	if err := SetLanguage(Chinese); err != nil {
		t.Fatal(err)
	}
	de := &store.DamagedError{Path: filepath.Join("d", store.FileName), Err: store.ErrCorrupt}
	for _, m := range []string{userMessage(errors.Join(errors.New("load"), de), "zh"), openFailure(de)} {
		if !strings.Contains(m, "已损坏") || !strings.Contains(m, "xunbang restore") {
			t.Errorf("%q", m)
		}
	}
}
