package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/store"
)

// TestOutputSettingsAreSaved: the campaign and the report's heading typed
// into 设置 are stored, and a bad 典型案例 target is refused.
func TestOutputSettingsAreSaved(t *testing.T) {
	mustSetLanguage(t, Chinese)
	u, st := newTestUI(t, nil)
	v := u.settingsView
	o := v.outputs
	if o.typicalCases.Text != "5" {
		t.Errorf("typical cases shown %q, want the default 5", o.typicalCases.Text)
	}
	o.eventName.SetText(" 2026年吴江区技术需求对接专场 ")
	o.eventOrganiser.SetText("吴江区科学技术局")
	o.eventDeadline.SetText("2026年9月15日")
	o.eventSubmit.SetText("发送至 kjj@wujiang.example.gov.cn\n咨询电话：0512-63000000")
	o.eventPlatform.SetText("江苏省科技资源统筹服务云平台")
	o.reportTitle.SetText("2026年 吴江区 技术需求征集情况统计表")
	o.reportUnit.SetText("吴江区科技镇长团")
	o.typicalCases.SetText("0")
	test.Tap(v.save_)
	if v.message.Text != "目标须为正整数。" {
		t.Errorf("message = %q", v.message.Text)
	}
	o.typicalCases.SetText("6")
	test.Tap(v.save_)
	settle(t, u)
	s, err := st.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := store.Event{Name: "2026年吴江区技术需求对接专场", Organiser: "吴江区科学技术局", Deadline: "2026年9月15日",
		Submit: "发送至 kjj@wujiang.example.gov.cn\n咨询电话：0512-63000000", Platform: "江苏省科技资源统筹服务云平台"}
	if s.Event != want || s.Report != (store.Report{Title: "2026年 吴江区 技术需求征集情况统计表", Unit: "吴江区科技镇长团"}) || s.Targets.TypicalCases != 6 {
		t.Errorf("stored %+v %+v %d", s.Event, s.Report, s.Targets.TypicalCases)
	}
	if u.settings.Event != want {
		t.Error("the window did not take over the settings")
	}
	// Shown again as stored.
	o.load(s)
	if o.eventSubmit.Text != want.Submit || o.typicalCases.Text != "6" {
		t.Errorf("reloaded %q %q", o.eventSubmit.Text, o.typicalCases.Text)
	}
}
