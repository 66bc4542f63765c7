package app

import (
	"context"
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
	v.platform.SetText("ftp://x")
	test.Tap(v.save_)
	if !v.message.Visible() || v.message.Text != "平台地址应以 https:// 开头。" {
		t.Errorf("message = %q", v.message.Text)
	}
	v.platform.SetText("https://kjcg.example.cn")
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
	want.User, want.Team, want.HomeRegion, want.Lang, want.PlatformURL = "周镇长", "昆山科技镇长团", "320583", "en", "https://kjcg.example.cn"
	want.Targets.Enterprises = 120
	if s != want {
		t.Errorf("stored %+v\nwant %+v", s, want)
	}
	if u.settings != want {
		t.Error("the window did not take over the settings")
	}
}
