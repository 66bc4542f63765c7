package app

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

func TestMainWindowIsChinese(t *testing.T) {
	u, _ := newTestUI(t, nil)
	var titles []string
	for _, it := range u.tabs.Items {
		titles = append(titles, it.Text)
	}
	if want := []string{"工作台", "需求", "企业", "设置"}; !slices.Equal(titles, want) {
		t.Errorf("tabs = %q, want %q", titles, want)
	}
	if got := u.sync.pending.Text; got != "已全部同步" {
		t.Errorf("sync strip = %q, want 已全部同步", got)
	}
	if u.sync.syncNow.Visible() {
		t.Error("立即同步 is shown without a sync function")
	}
	if img := u.win.Canvas().Capture(); uniform(opaque(img)) {
		t.Error("window renders as a single colour")
	}
	menu := u.win.MainMenu()
	if menu == nil || len(menu.Items) == 0 {
		t.Fatal("no main menu")
	}
	shortcuts := map[string]bool{}
	for _, it := range menu.Items[0].Items {
		if it.Shortcut != nil {
			shortcuts[it.Shortcut.ShortcutName()] = true
		}
	}
	for _, sc := range []fyne.Shortcut{shortcutNew, shortcutSave, shortcutSearch} {
		if !shortcuts[sc.ShortcutName()] {
			t.Errorf("menu has no %s", sc.ShortcutName())
		}
	}
}

func TestMainWindowInEnglish(t *testing.T) {
	setLocale(t, "zh_CN.UTF-8")
	mustSetLanguage(t, English)
	a := test.NewTempApp(t)
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := a.NewWindow("x")
	u := newUI(context.Background(), a, w, st, store.DefaultSettings(), Options{})
	useQueue(u)
	defer func() { settle(t, u); w.Close() }()
	if got := u.tabs.Items[1].Text; got != "Needs" {
		t.Errorf("needs tab = %q", got)
	}
	if got := u.needs.status.Options[1]; got != "Draft" {
		t.Errorf("first status = %q, want Draft", got)
	}
	if got := u.editor.form.input("title").label.Text; got != "Need title *" {
		t.Errorf("title label = %q", got)
	}
}

func TestSyncStripShowsStatusAndRunsSync(t *testing.T) {
	setLocale(t, "zh_CN.UTF-8")
	mustSetLanguage(t, Chinese)
	a := test.NewTempApp(t)
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	saveEnterprise(t, st, "苏州同步测试有限公司", "")
	calls := 0
	w := a.NewWindow("x")
	u := newUI(context.Background(), a, w, st, store.DefaultSettings(), Options{
		Sync: func(context.Context) error { calls++; return errPlain("网络不通") },
	})
	useQueue(u)
	defer func() { settle(t, u); w.Close() }()
	u.sync.refresh()
	settle(t, u)
	if got := u.sync.pending.Text; got != "待同步 1 条" {
		t.Errorf("pending = %q, want 待同步 1 条", got)
	}
	test.Tap(u.sync.syncNow)
	settle(t, u)
	if calls != 1 {
		t.Errorf("sync ran %d times", calls)
	}
	if !u.sync.problem.Visible() || u.sync.problem.Text != "上次出错：网络不通" {
		t.Errorf("last error = %q (visible %v)", u.sync.problem.Text, u.sync.problem.Visible())
	}

	u.sync.show(SyncStatus{Pending: 3, Refused: 1, LastError: "平台维护中", Problem: SyncServerTrouble, NextRetry: time.Now().AddDate(3000, 0, 0)})
	if got := u.sync.pending.Text; got != "待同步 3 条，1 条被平台退回" {
		t.Errorf("pending = %q", got)
	}
	if !u.sync.retry.Visible() {
		t.Error("next retry not shown")
	}
}

type errPlain string

func (e errPlain) Error() string { return string(e) }

func TestKeyboard(t *testing.T) {
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) { need = confirmedNeed(t, st) })
	c := u.win.Canvas()
	sc, ok := c.(interface{ TypedShortcut(fyne.Shortcut) })
	if !ok {
		t.Fatal("the canvas takes no shortcuts")
	}

	// Ctrl+F: the search box of the current screen.
	sc.TypedShortcut(shortcutSearch)
	if c.Focused() != u.needs.search || u.tabs.Selected() != u.needsTab {
		t.Errorf("Ctrl+F focused %T", c.Focused())
	}
	u.tabs.Select(u.entTab)
	sc.TypedShortcut(shortcutSearch)
	if c.Focused() != u.enterprises.searchEntry {
		t.Errorf("Ctrl+F on 企业 focused %T", c.Focused())
	}

	// Tab follows the form, also out of a multi-line entry.
	u.openNeed(need.ID)
	settle(t, u)
	f := u.editor.form
	c.Focus(f.input("title").entry)
	test.FocusNext(c)
	if c.Focused() != f.input("need_type").sel {
		t.Errorf("Tab from the title went to %T", c.Focused())
	}
	if f.input("problem").entry.AcceptsTab() {
		t.Error("a multi-line field swallows Tab")
	}
	c.Focus(f.input("problem").entry)
	test.FocusNext(c)
	if c.Focused() != f.input("key_technology").entry {
		t.Errorf("Tab from 主要问题 went to %T", c.Focused())
	}

	// Ctrl+S saves at once.
	u.editor.autosave.later.delay = time.Hour
	test.Type(f.input("key_technology").entry, "与配方")
	sc.TypedShortcut(shortcutSave)
	settle(t, u)
	n, err := st.Need(context.Background(), need.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(n.Values.Get("key_technology"), "与配方") {
		t.Errorf("Ctrl+S did not save: %q", n.Values.Get("key_technology"))
	}

	// Ctrl+N asks for the enterprise of the new need.
	sc.TypedShortcut(shortcutNew)
	settle(t, u)
	if len(c.Overlays().List()) == 0 {
		t.Error("Ctrl+N showed no dialog")
	}
}
