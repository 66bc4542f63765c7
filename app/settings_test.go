package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/store"
)

func TestSettingsAreSaved(t *testing.T) {
	u, st := newTestUI(t, nil)
	v := u.settingsView
	v.user.SetText("周镇长")
	v.team.SetText("昆山科技镇长团")
	v.home.setCode("320583")
	v.language.SetSelected("English")
	if !v.langNote.Visible() {
		t.Error("no note that the language applies after a restart")
	}
	v.targets[0].SetText("0")
	test.Tap(v.save_)
	if v.message.Text != "目标须为正整数。" {
		t.Errorf("message = %q", v.message.Text)
	}
	v.targets[0].SetText("120")
	test.Tap(v.save_)
	settle(t, u)
	s, err := st.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := store.DefaultSettings()
	want.User, want.Team, want.HomeRegion, want.Lang = "周镇长", "昆山科技镇长团", "320583", "en"
	want.Targets.Enterprises = 120
	if s != want {
		t.Errorf("stored %+v\nwant %+v", s, want)
	}
	if u.settings != want {
		t.Error("the window did not take over the settings")
	}
}

func TestSettingsSetAndChangeThePassphrase(t *testing.T) {
	// Encrypted, its key in the keyring only (here a raw key): no passphrase.
	u, st, _ := newTestUIWithKey(t, store.KeySource{Raw: testRawKey}, nil)
	v := u.settingsView
	if st.HasPassphrase() || v.oldPass.Visible() || !v.lockNote.Visible() || !u.idle.menuItem.Disabled {
		t.Fatal("a store without a passphrase: the form asks for the current one, or the lock seems on")
	}
	if !strings.Contains(v.passWarning.Text, "无法找回") {
		t.Errorf("warning %q", v.passWarning.Text)
	}
	v.newPass.SetText("kurz")
	v.repeatPass.SetText("kurz")
	test.Tap(v.passSet)
	if !strings.Contains(v.passMessage.Text, "至少 8 个字符") {
		t.Errorf("message %q", v.passMessage.Text)
	}
	const first, second = "erstes-passwort", "第二个数据口令，更长"
	v.newPass.SetText(first)
	v.repeatPass.SetText(first)
	test.Tap(v.passSet)
	if !v.passSet.Disabled() || !v.passBusy.Visible() {
		t.Error("no progress while the passphrase is set")
	}
	settle(t, u)
	if err := st.CheckPassphrase(first); err != nil {
		t.Fatalf("CheckPassphrase after setting it in the settings: %v (message %q)", err, v.passMessage.Text)
	}
	if !strings.Contains(v.passMessage.Text, "已设置") || v.newPass.Text != "" || !v.oldPass.Visible() || v.lockNote.Visible() {
		t.Errorf("after setting: message %q, entries not cleared or the form not updated", v.passMessage.Text)
	}
	if u.idle.menuItem.Disabled {
		t.Error("立即锁定 stays disabled once a passphrase is set")
	}

	// Changing it needs the current one.
	v.newPass.SetText(second)
	v.repeatPass.SetText(second)
	test.Tap(v.passSet)
	if !strings.Contains(v.passMessage.Text, "当前口令") {
		t.Errorf("no current passphrase: message %q", v.passMessage.Text)
	}
	v.oldPass.SetText("falsch-falsch")
	test.Tap(v.passSet)
	settle(t, u)
	if !strings.Contains(v.passMessage.Text, "当前口令不对") || st.CheckPassphrase(first) != nil {
		t.Errorf("wrong current passphrase: message %q", v.passMessage.Text)
	}
	if v.oldPass.Text != "" { // issue 12.14
		t.Errorf("the wrong passphrase stays in its field: %q", v.oldPass.Text)
	}
	v.oldPass.SetText(first)
	test.Tap(v.passSet)
	settle(t, u)
	if err := st.CheckPassphrase(second); err != nil {
		t.Errorf("CheckPassphrase(second): %v (message %q)", err, v.passMessage.Text)
	}
	if st.CheckPassphrase(first) == nil {
		t.Error("the old passphrase still works")
	}
	log, err := st.AuditLog(context.Background(), store.AuditQuery{Kind: store.AuditPassphrase})
	if err != nil || len(log) != 2 {
		t.Errorf("audit log: %v %+v", err, log)
	}
}

func TestSettingsLockTime(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) {
		s, _ := st.Settings(context.Background())
		s.LockAfterMinutes = 20
		if err := st.SaveSettings(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	})
	v := u.settingsView
	if v.lockAfter.Selected != "20 分钟" || v.lockAfter.Options[len(v.lockAfter.Options)-1] != "从不" {
		t.Errorf("lock time %q of %q", v.lockAfter.Selected, v.lockAfter.Options)
	}
	v.lockAfter.SetSelected("从不")
	test.Tap(v.save_)
	settle(t, u)
	s, err := st.Settings(context.Background())
	if err != nil || s.LockAfterMinutes != -1 || u.settings.LockAfterMinutes != -1 {
		t.Errorf("stored lock time %d (%v), window's %d", s.LockAfterMinutes, err, u.settings.LockAfterMinutes)
	}
}
