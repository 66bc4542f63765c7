package app

import (
	"bytes"
	"context"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// fillNeed fills a need's required fields through its widgets.
func fillNeed(t *testing.T, e *needEditor) {
	t.Helper()
	f := e.form
	test.Type(f.input("title").entry, "高速主轴轴承寿命提升")
	f.input("need_type").sel.SetSelected("产品升级")
	tree := f.input("tech_fields").tree
	tree.parent.SetSelected("电子信息")
	tree.child.SetSelected("软件")
	test.Tap(tree.add)
	test.Type(f.input("keywords").entry, "主轴，轴承、寿命")
	test.Type(f.input("problem").entry, "现有主轴轴承寿命不足两千小时，依赖进口。")
	test.Type(f.input("key_technology").entry, "材料热处理与润滑结构设计。")
	test.Type(f.input("expected_goal").entry, "寿命达到一万小时，实现国产替代。")
	test.Tap(f.input("cooperation_modes").checks[1]) // 合作开发
	test.Type(f.input("budget_wan").entry, "0.5亿")
	f.input("visibility").radio.SetSelected("实名公开")
}

func TestFillNeedThroughWidgetsAndFindItStored(t *testing.T) {
	var ent *forms.Enterprise
	u, st := newTestUI(t, func(st *store.Store) {
		ent = saveEnterprise(t, st, "苏州金鸡湖精密机械有限公司", "")
	})
	ctx := context.Background()
	u.createNeed(ent.ID)
	settle(t, u)
	e := u.editor
	if e.need == nil || e.need.EnterpriseID != ent.ID {
		t.Fatal("the new need is not open")
	}
	if u.needsStack.Objects[0] != e.content {
		t.Fatal("the editor is not shown")
	}
	id := e.need.ID

	// Finalising an empty draft lists what is missing, next to each field too.
	test.Tap(e.finalise)
	if e.need.Status != forms.StatusDraft {
		t.Errorf("an empty draft was finalised to %s", e.need.Status)
	}
	if in := e.form.input("title"); !strings.Contains(in.message.Text, "必填") {
		t.Errorf("title message = %q", in.message.Text)
	}

	fillNeed(t, e)
	if !strings.HasPrefix(e.saved.Text, "有未保存") && !strings.HasPrefix(e.saved.Text, "正在保存") && !strings.HasPrefix(e.saved.Text, "已保存") {
		t.Errorf("saved label = %q", e.saved.Text)
	}
	settle(t, u) // the autosave fires
	if !strings.HasPrefix(e.saved.Text, "已保存 ") {
		t.Errorf("saved label = %q, want 已保存 hh:mm:ss", e.saved.Text)
	}
	n, err := st.Need(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string][]string{
		"title":             {"高速主轴轴承寿命提升"},
		"need_type":         {"01"},
		"tech_fields":       {"101"},
		"keywords":          {"主轴", "轴承", "寿命"},
		"cooperation_modes": {"02"},
		"budget_wan":        {"5000"},
		"visibility":        {"named"},
	} {
		if got := n.Values.List(id); !slices.Equal(got, want) {
			t.Errorf("stored %s = %q, want %q", id, got, want)
		}
	}

	// 面议 replaces the amount.
	test.Tap(e.form.input("budget_wan").negotiable)
	settle(t, u)
	n, _ = st.Need(ctx, id)
	if n.Values.Has("budget_wan") || !n.Values.Bool("budget_negotiable") {
		t.Errorf("after 面议: budget %q, negotiable %q", n.Values["budget_wan"], n.Values["budget_negotiable"])
	}
	if !e.form.input("budget_wan").entry.Disabled() {
		t.Error("the amount is editable while 面议 is ticked")
	}

	// A malformed value is reported next to its field (at once: 定稿 was
	// asked for) and not stored; the message goes as soon as it is fixed.
	tf := e.form.input("timeframe")
	tf.entry.SetText("明年")
	if !strings.Contains(tf.message.Text, "不是日期") {
		t.Errorf("timeframe message = %q", tf.message.Text)
	}
	tf.entry.SetText("2027年6月")
	if tf.message.Text != "" {
		t.Errorf("a fixed timeframe still says %q", tf.message.Text)
	}

	// Now finalising moves the draft to 待诊断.
	test.Tap(e.finalise)
	settle(t, u)
	if e.need.Status != forms.StatusToDiagnose {
		t.Fatalf("status after 定稿 = %s", e.need.Status)
	}
	n, _ = st.Need(ctx, id)
	if n.Status != forms.StatusToDiagnose || n.Values.Get("timeframe") != "2027-06" {
		t.Errorf("stored status %s, timeframe %q", n.Status, n.Values.Get("timeframe"))
	}
	if !e.finalise.Disabled() {
		t.Error("定稿 is still enabled")
	}

	// The list shows the new need.
	settle(t, u)
	if u.needs.index == nil || u.needs.index.Len() != 1 || u.needs.index.sum(0).Title != "高速主轴轴承寿命提升" {
		t.Error("the need list did not catch up")
	}
}

func TestDiagnosisConclusionDrivesStatus(t *testing.T) {
	var ent *forms.Enterprise
	u, st := newTestUI(t, func(st *store.Store) {
		ent = saveEnterprise(t, st, "苏州虎丘检测技术有限公司", "")
	})
	u.createNeed(ent.ID)
	settle(t, u)
	e := u.editor
	fillNeed(t, e)

	// A conclusion on a draft is kept and says 定稿 comes first (issue
	// 12.12); the draft stays a draft.
	d := e.diag
	for _, id := range forms.DiagnosisCriteria {
		d.input(id).radio.SetSelected("通过")
	}
	d.input("diag_conclusion").radio.SetSelected("有效需求")
	test.Tap(e.applyDiag)
	if !e.diagResult.Visible() || !strings.Contains(e.diagResult.Text, "先定稿") || strings.Contains(e.diagResult.Text, "不能从") {
		t.Errorf("diagnosis result = %q", e.diagResult.Text)
	}
	if e.need.Status != forms.StatusDraft {
		t.Errorf("status after diagnosing a draft = %s", e.need.Status)
	}

	// At 定稿 the conclusion would take effect; a doubtful criterion
	// without a comment stops it there, finalised.
	d.input("diag_feasibility").radio.SetSelected("存疑")
	test.Tap(e.finalise)
	settle(t, u)
	if !strings.Contains(e.diagResult.Text, "理由") || e.need.Status != forms.StatusToDiagnose {
		t.Errorf("result %q, status %s", e.diagResult.Text, e.need.Status)
	}
	test.Type(d.input("diag_feasibility_comment").entry, "试验条件需企业补充说明")
	test.Tap(e.applyDiag)
	settle(t, u)
	if e.need.Status != forms.StatusToConfirm {
		t.Fatalf("status after 有效需求 = %s (%q)", e.need.Status, e.diagResult.Text)
	}
	n, err := st.Need(context.Background(), e.need.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != forms.StatusToConfirm || n.Diagnosis == nil || n.Diagnosis.Conclusion() != forms.ConclusionValid ||
		n.Diagnosis.Values.Get("diag_feasibility_comment") != "试验条件需企业补充说明" {
		t.Errorf("stored: status %s, diagnosis %+v", n.Status, n.Diagnosis)
	}
	if e.status.Text != "状态：待企业确认" {
		t.Errorf("status label = %q", e.status.Text)
	}
}

// confirmedNeed stores a need that its enterprise has confirmed.
func confirmedNeed(t *testing.T, st *store.Store) *forms.Need {
	t.Helper()
	ctx := context.Background()
	cat := forms.Default()
	ent := saveEnterprise(t, st, "苏州阳澄新材料科技有限公司", "")
	n := &forms.Need{EnterpriseID: ent.ID, ContactID: ent.Contacts[0].ID, Status: forms.StatusToConfirm, Values: forms.Values{
		"title": {"锂电池隔膜涂层工艺优化"}, "need_type": {"02"}, "tech_fields": {"40", "401"}, "keywords": {"隔膜", "涂层"},
		"problem": {"隔膜涂层均匀性差，良率只有八成，急需改进。"}, "key_technology": {"涂布工艺"}, "expected_goal": {"良率九成五"},
		"current_basis": {"已投入 200 万元"}, "cooperation_modes": {"01"}, "budget_wan": {"80"}, "visibility": {"anonymous"},
		"public_alias": {"苏州市某新材料企业"},
	}}
	if err := cat.Confirm(n, ent, forms.Confirmation{At: time.Now(), Values: forms.Values{
		"confirmer_name": {"王晓明"}, "confirmer_position": {"技术总监"}, "confirmation_method": {"sign"},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveNeed(ctx, n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEditConfirmedNeedGoesStale(t *testing.T) {
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) { need = confirmedNeed(t, st) })
	ctx := context.Background()
	u.openNeed(need.ID)
	settle(t, u)
	e := u.editor
	if got := e.confirmed.Text; got != "企业确认：当前有效" {
		t.Fatalf("confirmation label = %q", got)
	}
	if got := e.status.Text; got != "状态：已确认" {
		t.Fatalf("status label = %q", got)
	}

	// An internal note is not confirmed content: nothing goes stale.
	test.Type(e.form.input("confidential_notes").entry, "老板很重视")
	settle(t, u)
	if e.confirmed.Text != "企业确认：当前有效" || e.need.Status != forms.StatusConfirmed {
		t.Errorf("after an internal note: %q, %s", e.confirmed.Text, e.need.Status)
	}

	// Editing confirmed content does.
	test.Type(e.form.input("expected_goal").entry, "，并通过车规认证")
	if got := e.confirmed.Text; got != "内容已修改，需重新确认" {
		t.Errorf("confirmation label = %q", got)
	}
	if got := e.status.Text; got != "状态：待企业确认" {
		t.Errorf("status label = %q", got)
	}
	settle(t, u)
	n, err := st.Need(ctx, need.ID)
	if err != nil {
		t.Fatal(err)
	}
	ent, _ := st.Enterprise(ctx, n.EnterpriseID)
	if n.Status != forms.StatusToConfirm || forms.Default().ConfirmationCurrent(n, ent) {
		t.Errorf("stored: status %s, current %v", n.Status, forms.Default().ConfirmationCurrent(n, ent))
	}
	if n.Confirmation == nil {
		t.Error("the old confirmation was dropped")
	}

	// The confirmation screen says so, and confirms again.
	test.Tap(e.confirmBtn)
	settle(t, u)
	c := u.confirm
	if u.needsStack.Objects[0] != c.content {
		t.Fatal("the confirmation screen is not shown")
	}
	if c.state.Text != "内容已修改，需重新确认" {
		t.Errorf("confirmation screen state = %q", c.state.Text)
	}
	if !strings.Contains(c.banner.Text, "匿名公开") || !strings.Contains(c.banner.Text, "苏州市某新材料企业") {
		t.Errorf("banner = %q", c.banner.Text)
	}
	public := visibleLabels(c.publicBox)
	if slices.Contains(public, "苏州阳澄新材料科技有限公司") || slices.Contains(public, "已投入 200 万元") {
		t.Errorf("anonymous publication shows the name or a secret: %q", public)
	}
	if !slices.Contains(public, "苏州市某新材料企业") || !slices.Contains(public, "锂电池隔膜涂层工艺优化") {
		t.Errorf("public part = %q", public)
	}
	private := visibleLabels(c.privateBox)
	if !slices.Contains(private, "苏州阳澄新材料科技有限公司") || !slices.Contains(private, "已投入 200 万元") {
		t.Errorf("confirmed but private part = %q", private)
	}
	if got := c.form.input("confirmer_name").entry.Text; got != "王晓明" {
		t.Errorf("confirmer prefilled as %q", got)
	}

	// Without a signature the confirmation is refused.
	test.Tap(c.confirmBtn)
	if !strings.Contains(c.message.Text, "签名") {
		t.Errorf("message = %q", c.message.Text)
	}
	c.pad.Resize(fyne.NewSize(400, 140))
	c.pad.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(60, 70)}, Dragged: fyne.Delta{DX: 20, DY: 5}})
	c.pad.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(200, 40)}, Dragged: fyne.Delta{DX: 140, DY: -30}})
	c.pad.DragEnd()
	test.Tap(c.confirmBtn)
	settle(t, u)
	if c.state.Text == "" || !strings.HasPrefix(c.state.Text, "企业确认：当前有效") {
		t.Errorf("after confirming: state %q, message %q", c.state.Text, c.message.Text)
	}
	n, _ = st.Need(ctx, need.ID)
	if n.Status != forms.StatusConfirmed || !forms.Default().ConfirmationCurrent(n, ent) {
		t.Fatalf("stored after confirming: status %s", n.Status)
	}
	img, err := png.Decode(bytes.NewReader(n.Confirmation.Signature))
	if err != nil {
		t.Fatalf("signature: %v", err)
	}
	if b := img.Bounds(); b.Dy() != signatureHeight || b.Dx() != 686 { // 240 × 400/140
		t.Errorf("signature of a 400×140 pad is %v", b)
	}
	if n.Confirmation.Visibility != forms.VisibilityAnonymous || n.Confirmation.NoticeVersion != confirmNoticeVersion {
		t.Errorf("confirmation = %+v", n.Confirmation)
	}

	// Back in the editor the label is current again.
	test.Tap(c.back)
	if e.confirmed.Text != "企业确认：当前有效" {
		t.Errorf("editor label = %q", e.confirmed.Text)
	}
}

func TestClosingTheWindowSavesPendingEdits(t *testing.T) {
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) { need = confirmedNeed(t, st) })
	u.openNeed(need.ID)
	settle(t, u)
	e := u.editor
	e.autosave.later.delay = time.Hour // the debounce would never fire
	test.Type(e.form.input("indicators").entry, "良率 ≥ 95%")
	if !e.autosave.later.Pending() {
		t.Fatal("no autosave pending")
	}
	u.requestClose()
	if e.autosave.later.Pending() {
		t.Error("autosave still pending after close")
	}
	n, err := st.Need(context.Background(), need.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Values.Get("indicators"); got != "良率 ≥ 95%" {
		t.Errorf("stored indicators = %q", got)
	}
}

func TestSignaturePad(t *testing.T) {
	test.NewTempApp(t)
	p := newSignaturePad()
	w := test.NewTempWindow(t, p)
	w.Resize(fyne.NewSize(500, 200))
	if !p.Empty() || p.PNG() != nil {
		t.Fatal("a new pad is not empty")
	}
	changed := 0
	p.OnChanged = func() { changed++ }
	test.Drag(w.Canvas(), fyne.NewPos(100, 80), 120, 30)
	if p.Empty() || changed != 1 {
		t.Fatalf("drag drew nothing (changed %d)", changed)
	}
	img, err := png.Decode(bytes.NewReader(p.PNG()))
	if err != nil {
		t.Fatal(err)
	}
	inked := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				inked++
			}
		}
	}
	if inked < 50 {
		t.Errorf("only %d inked pixels", inked)
	}
	p.Clear()
	if !p.Empty() || changed != 2 {
		t.Error("Clear did not clear")
	}
}

// What the enterprise is shown it will publish holds no contact, even
// under its name: contacts are never published (DESIGN.md), so the screen
// must not suggest they will be, and says so.
func TestConfirmScreenOfANamedNeedShowsNoContact(t *testing.T) {
	_, _, c, _ := confirmScreenOf(t, func(n *forms.Need) { n.Values.Set("visibility", "named") })
	if !strings.Contains(c.banner.Text, "苏州阳澄新材料科技有限公司") || !strings.Contains(c.banner.Text, "联系人信息不公开") {
		t.Errorf("banner = %q", c.banner.Text)
	}
	public := visibleLabels(c.publicBox)
	if !slices.Contains(public, "苏州阳澄新材料科技有限公司") {
		t.Errorf("public part lacks the name: %q", public)
	}
	for _, s := range []string{"王晓明", "技术总监", "13812345678", "联系人"} {
		if slices.ContainsFunc(public, func(l string) bool { return strings.Contains(l, s) }) {
			t.Errorf("the public part shows %q: %q", s, public)
		}
	}
}

// An anonymous need that gives itself away cannot be confirmed: one whose
// text names its enterprise (forms.Catalogue.Confirm refuses it), or whose
// alias names its town, finer than the county it is shown with (the hub
// would not publish it, nor a card print it). The screen says where,
// before anyone signs, and 确认 stays disabled.
func TestConfirmScreenRefusesAnAnonymousNeedThatGivesItselfAway(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(*forms.Need)
		wants []string
	}{
		{"names its enterprise", func(n *forms.Need) {
			n.Values.Set("problem", "阳澄新材料的隔膜涂层均匀性差，良率只有八成。")
		}, []string{"主要问题", "阳澄新材料"}},
		{"names its town", func(n *forms.Need) { n.Values.Set("public_alias", "玉山镇某新材料企业") }, []string{"「玉山镇」", "昆山市"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			u, st, v, need := confirmScreenOf(t, c.edit)
			for _, w := range c.wants {
				if !v.notReady.Visible() || !strings.Contains(v.notReady.Text, w) {
					t.Fatalf("before signing, the screen says %q, want %q in it", v.notReady.Text, w)
				}
			}
			if !v.confirmBtn.Disabled() {
				t.Error("确认 is enabled")
			}
			test.Tap(v.confirmBtn)
			settle(t, u)
			n, err := st.Need(context.Background(), need.ID)
			if err != nil {
				t.Fatal(err)
			}
			if forms.Default().ConfirmationCurrent(n, nil) || n.Status == forms.StatusConfirmed {
				t.Errorf("stored: status %s", n.Status)
			}
		})
	}
}

// confirmScreenOf opens the confirmation screen of confirmedNeed's need
// after edit changed it (and it was saved).
func confirmScreenOf(t *testing.T, edit func(*forms.Need)) (*ui, *store.Store, *confirmView, *forms.Need) {
	t.Helper()
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) {
		need = confirmedNeed(t, st)
		edit(need)
		if err := st.SaveNeed(context.Background(), need); err != nil {
			t.Fatal(err)
		}
	})
	u.openNeed(need.ID)
	settle(t, u)
	test.Tap(u.editor.confirmBtn)
	settle(t, u)
	return u, st, u.confirm, need
}
