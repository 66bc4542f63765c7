package app

import (
	"context"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/store"
)

// newStartSession is Run's session on a data dir whose key Run was given:
// the window's first screen opens the data in the background.
func newStartSession(t *testing.T, dir string, key store.KeySource, quit func()) (*session, *postQueue) {
	t.Helper()
	state, err := store.Inspect(context.Background(), dir, key.Keyring)
	if err != nil {
		t.Fatal(err)
	}
	s, q := newUnlockSession(t, dir, key, state, quit)
	s.unlock.openWithKey()
	s.win.SetContent(s.unlock.content)
	return s, q
}

// gcAt sets the collector's GOGC to p for the test and returns a function
// that reads it.
func gcAt(t *testing.T, p int) func() int {
	t.Helper()
	old := debug.SetGCPercent(p)
	t.Cleanup(func() { debug.SetGCPercent(old) })
	return func() int {
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		return p
	}
}

// TestStartShowsProgressBeforeTheData checks that the window's first screen
// comes before the data is open: it says the data is opening, with an
// activity indicator, and the main window replaces it once the store is
// open (issue 17.4).
func TestStartShowsProgressBeforeTheData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	kr := &store.MemoryKeyring{}
	st, err := store.Open(ctx, dir, store.Options{Key: store.KeySource{Keyring: kr}})
	if err != nil {
		t.Fatal(err)
	}
	saveEnterprise(t, st, "常熟开关制造有限公司", "")
	st.Close()

	gc := gcAt(t, 100)
	s, q := newStartSession(t, dir, store.KeySource{Keyring: kr}, nil)
	if g := gc(); g != startGCPercent {
		t.Errorf("GOGC while the data opens = %d, want %d", g, startGCPercent)
	}
	p := s.unlock.prompt
	if p.mode != promptOpening || !p.busy.Visible() || p.pass != nil || !containsText(windowTexts(s.win), "正在打开数据") {
		t.Fatalf("first screen: mode %d, busy %v, texts %q", p.mode, p.busy.Visible(), windowTexts(s.win))
	}
	if s.ui() != nil {
		t.Fatal("the main window was built before the data opened")
	}
	q.drain(&s.unlock.bg)
	mainWindowShows(t, s, "常熟开关制造有限公司")
	if g := gc(); g != 100 {
		t.Errorf("GOGC once the window started = %d, want 100 as before", g)
	}
	if s.unlock.failed != nil {
		t.Errorf("failed = %v", s.unlock.failed)
	}
	if p.spinning {
		// It would go on drawing frames, behind the main window.
		t.Error("the opening screen's activity indicator still runs")
	}
}

// TestStartWithAWrongEnvironmentPassphraseAsks checks that a wrong
// XUNBANG_PASSPHRASE leads from the opening screen to the passphrase
// prompt, which says so, and that the right passphrase opens the data.
func TestStartWithAWrongEnvironmentPassphraseAsks(t *testing.T) {
	dir := t.TempDir()
	st := openWithPassphrase(t, dir)
	saveEnterprise(t, st, "张家港冶金设备有限公司", "")
	st.Close()

	key := store.KeySource{Keyring: &store.MemoryKeyring{Broken: true}, Passphrase: "not the passphrase"}
	gc := gcAt(t, 100)
	s, q := newStartSession(t, dir, key, nil)
	if s.unlock.prompt.mode != promptOpening {
		t.Fatal("the first screen is not the opening screen")
	}
	q.drain(&s.unlock.bg)
	p := s.unlock.prompt
	if p.mode != promptEnter || !strings.Contains(p.message.Text, store.PassphraseEnv) || s.ui() != nil {
		t.Fatalf("after a wrong XUNBANG_PASSPHRASE: mode %d, message %q", p.mode, p.message.Text)
	}
	if s.win.Canvas().Focused() != p.pass {
		t.Error("the passphrase entry is not focused: what the user types goes nowhere")
	}
	if g := gc(); g != 100 {
		t.Errorf("GOGC at the prompt, after an Open failed = %d, want 100 as before", g)
	}
	p.pass.SetText(testPassphrase)
	p.trySubmit()
	if g := gc(); g != startGCPercent {
		t.Errorf("GOGC while the data opens = %d, want %d", g, startGCPercent)
	}
	q.drain(&s.unlock.bg)
	mainWindowShows(t, s, "张家港冶金设备有限公司")
	if g := gc(); g != 100 {
		t.Errorf("GOGC once the window started = %d, want 100 as before", g)
	}
}
