package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

func TestEnterpriseBadCreditCodeWarns(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) {
		s := store.DefaultSettings()
		s.HomeRegion, s.User = "320583", "李科技"
		if err := st.SaveSettings(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	})
	ctx := context.Background()
	v := u.enterprises
	u.tabs.Select(u.entTab)
	v.newEnterprise()

	// The region picker starts at the home region.
	if got := v.form.input("region").region.code(); got != "320583" {
		t.Errorf("region = %q, want the home region 320583", got)
	}
	test.Type(v.form.input("enterprise_name").entry, "苏州昆仑精密机械有限公司")

	code := v.form.input("credit_code")
	// A wrong length is an error.
	test.Type(code.entry, "91320583")
	code.entry.FocusLost()
	if !strings.Contains(code.message.Text, "18 位") || code.message.Importance != widget.DangerImportance {
		t.Errorf("short code: message %q (importance %v)", code.message.Text, code.message.Importance)
	}
	if v.keepCode.Visible() && code.extra.Visible() {
		t.Error("an error offers to keep the code")
	}

	// A code failing only its check character is a warning that can be kept.
	good := validCreditCode(t, "91320583MA1N2P3Q4")
	bad := good[:17] + string(map[bool]byte{true: 'A', false: 'B'}[good[17] != 'A'])
	code.entry.SetText(bad)
	if !strings.Contains(code.message.Text, "校验位不符") {
		t.Fatalf("bad check character: message %q", code.message.Text)
	}
	if code.message.Importance != widget.WarningImportance {
		t.Error("the check-character failure shows as an error, not a warning")
	}
	if !code.extra.Visible() || !v.keepCode.Visible() {
		t.Fatal("no 核对无误，保留 button")
	}
	test.Tap(v.keepCode)
	if !slices.Contains(v.ent.Overrides, overrideCheckChar) {
		t.Error("keeping did not record the override")
	}
	if code.message.Text != "" || !v.kept.Visible() {
		t.Errorf("after keeping: message %q visible %v, kept %v", code.message.Text, code.message.Visible(), v.kept.Visible())
	}

	// A contact, shown with the mobile masked.
	v.applyContact(-1, forms.Values{"contact_name": {"张伟"}, "contact_position": {"总经理"}, "contact_mobile": {"13912345678"}})
	if !hasLabel(v.contactsBox, "139****5678") || hasLabel(v.contactsBox, "13912345678") {
		t.Errorf("contacts = %q", visibleLabels(v.contactsBox))
	}

	test.Tap(v.saveBtn)
	settle(t, u)
	if v.ent.ID == "" {
		t.Fatalf("not saved: %q", v.saved.Text)
	}
	e, err := st.Enterprise(ctx, v.ent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if e.CreditCode() != bad || !slices.Contains(e.Overrides, overrideCheckChar) || e.Values.Get("region") != "320583" {
		t.Errorf("stored: code %q, overrides %q, region %q", e.CreditCode(), e.Overrides, e.Values.Get("region"))
	}
	if len(e.Contacts) != 1 || e.Contacts[0].Values.Get("contact_mobile") != "13912345678" {
		t.Errorf("stored contacts = %+v", e.Contacts)
	}
	if len(u.enterprises.results) != 1 || !strings.Contains(enterpriseDetail(u.enterprises.results[0]), "139****5678") {
		t.Errorf("list row detail = %q", enterpriseDetail(u.enterprises.results[0]))
	}

	// Changing the code again drops the override: it was about that code.
	code.entry.SetText(good)
	if slices.Contains(v.ent.Overrides, overrideCheckChar) {
		t.Error("the override survived a new code")
	}
	if code.message.Text != "" {
		t.Errorf("a valid code shows %q", code.message.Text)
	}
}

func TestEnterpriseDuplicateIsOffered(t *testing.T) {
	var code string
	var existing *forms.Enterprise
	u, st := newTestUI(t, func(st *store.Store) {
		code = validCreditCode(t, "91320505MA1B2C3D4")
		existing = saveEnterprise(t, st, "苏州太湖光电科技有限公司", code)
	})
	v := u.enterprises
	v.newEnterprise()

	// By credit code (typed with spaces and lower case).
	test.Type(v.form.input("credit_code").entry, strings.ToLower(code[:6])+" "+strings.ToLower(code[6:]))
	settle(t, u)
	if !v.dupBox.Visible() || v.dupID != existing.ID || !strings.Contains(v.dupLabel.Text, "苏州太湖光电科技有限公司") {
		t.Fatalf("no offer for the code: %q", v.dupLabel.Text)
	}
	test.Tap(v.dupOpen)
	settle(t, u)
	if v.ent.ID != existing.ID || v.dupBox.Visible() {
		t.Fatalf("打开它 opened %q", v.ent.ID)
	}

	// By name.
	v.newEnterprise()
	test.Type(v.form.input("enterprise_name").entry, "苏州太湖光电科技")
	settle(t, u)
	if !v.dupBox.Visible() || v.dupID != existing.ID {
		t.Errorf("no offer for the name (%q)", v.dupLabel.Text)
	}
	v.form.input("enterprise_name").entry.SetText("苏州完全不同有限公司")
	settle(t, u)
	if v.dupBox.Visible() {
		t.Error("an unrelated name is offered a duplicate")
	}

	// Following the offer does not save the half-typed duplicate.
	v.form.input("enterprise_name").entry.SetText("苏州太湖光电科技有限公司")
	settle(t, u)
	test.Tap(v.dupOpen)
	settle(t, u)
	all, err := st.FindEnterprises(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || v.ent.ID != existing.ID {
		t.Errorf("%d enterprises stored after 打开它", len(all))
	}
}

func TestVisitLog(t *testing.T) {
	var ent *forms.Enterprise
	u, st := newTestUI(t, func(st *store.Store) { ent = saveEnterprise(t, st, "苏州周庄纺织科技有限公司", "") })
	v := u.enterprises
	u.openEnterprise(ent.ID)
	settle(t, u)
	if v.addVisit.Disabled() {
		t.Fatal("cannot add a visit to a saved enterprise")
	}
	v.visitDate.SetText("2026年5月8日")
	v.visitWho.SetText("李科技、周镇长")
	v.visitNotes.SetText("了解印染废水回用需求")
	test.Tap(v.addVisit)
	settle(t, u)
	visits, err := st.Visits(context.Background(), ent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(visits) != 1 || visits[0].Date != "2026-05-08" || visits[0].Who != "李科技、周镇长" {
		t.Fatalf("visits = %+v", visits)
	}
	if !hasLabel(v.visitsBox, "了解印染废水回用需求") {
		t.Errorf("visit log = %q", visitLabels(v))
	}
}

func visitLabels(v *enterpriseView) []string { return visibleLabels(v.visitsBox) }

func TestFollowUps(t *testing.T) {
	var need *forms.Need
	u, st := newTestUI(t, func(st *store.Store) { need = confirmedNeed(t, st) })
	u.openNeed(need.ID)
	settle(t, u)
	p := u.editor.followUps
	p.kind.SetSelected("合同")
	p.date.SetText("2026-09-01")
	p.partner.SetText("苏州大学")
	p.amount.SetText("120万元")
	test.Tap(p.add)
	settle(t, u)
	fus, err := st.FollowUps(context.Background(), need.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fus) != 1 || fus[0].Kind != forms.FollowUpContract || fus[0].AmountWan != "120" || fus[0].Partner != "苏州大学" {
		t.Fatalf("follow-ups = %+v", fus)
	}
	if !hasLabel(p.rows, "120 万元") {
		t.Errorf("rows = %q", visibleLabels(p.rows))
	}
	p.amount.SetText("很多")
	test.Tap(p.add)
	if !p.message.Visible() {
		t.Error("a bad amount was accepted")
	}
}
