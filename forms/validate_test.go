package forms

import (
	"strings"
	"testing"
)

// sampleNeed returns a need that passes final validation.
func sampleNeed() *Need {
	return &Need{
		ID: "0b8f5a4e-1111-4222-8333-444455556666", EnterpriseID: "e1", Status: StatusDraft,
		Values: Values{
			"title":              {"高精度伺服电机编码器国产化"},
			"need_type":          {"00"},
			"tech_fields":        {"80", "804"},
			"keywords":           {"编码器", "伺服"},
			"problem":            {"现有进口编码器价格高、交期长，需要国产替代方案。"},
			"key_technology":     {"23 位绝对值编码，抗振动。"},
			"expected_goal":      {"完成样机并小批量试产。"},
			"current_basis":      {"已投入 300 万元，研发团队 12 人。"},
			"cooperation_modes":  {"02", "01"},
			"budget_wan":         {"200"},
			"visibility":         {"anonymous"},
			"public_alias":       {"苏州市某装备制造企业"},
			"confidential_notes": {"竞争对手正在做同类产品。"},
		},
	}
}

func sampleEnterprise() *Enterprise {
	return &Enterprise{
		ID: "e1",
		Values: Values{
			"enterprise_name": {"苏州昆仑精密机械有限公司"},
			"credit_code":     {"914403001922038216"},
			"region":          {"320583102"},
			"address":         {"昆山市玉山镇某路 1 号"},
		},
		Contacts: []Contact{{ID: "c1", Values: Values{
			"contact_name": {"王晓明"}, "contact_position": {"技术总监"}, "contact_mobile": {"13812345678"},
		}}},
	}
}

func TestValidateNeed(t *testing.T) {
	cat := Default()
	tests := []struct {
		name  string
		edit  func(*Need)
		mode  Mode
		field string
		code  string
	}{
		{"complete need passes", func(*Need) {}, Final, "", ""},
		{"draft with nothing passes", func(n *Need) { n.Values = Values{} }, Draft, "", ""},
		{"missing title blocks finalising", func(n *Need) { delete(n.Values, "title") }, Final, "title", "required"},
		{"short title", func(n *Need) { n.Values.Set("title", "电机") }, Draft, "title", "min_len"},
		{"long title", func(n *Need) { n.Values.Set("title", strings.Repeat("长", 61)) }, Draft, "title", "max_len"},
		{"unknown need type", func(n *Need) { n.Values.Set("need_type", "42") }, Draft, "need_type", "option"},
		{"too many keywords", func(n *Need) { n.Values.SetList("keywords", []string{"a1", "b2", "c3", "d4", "e5", "f6"}) }, Draft, "keywords", "max_items"},
		{"budget not a number", func(n *Need) { n.Values.Set("budget_wan", "很多") }, Draft, "budget_wan", "number"},
		{"negative budget", func(n *Need) { n.Values.Set("budget_wan", "-5") }, Draft, "budget_wan", "min"},
		{"no budget and not negotiable", func(n *Need) { delete(n.Values, "budget_wan") }, Final, "budget_wan", "required"},
		{"anonymous without alias", func(n *Need) { delete(n.Values, "public_alias") }, Final, "public_alias", "required"},
		{"bad date", func(n *Need) { n.Values.Set("timeframe", "明年") }, Draft, "timeframe", "date"},
		{"unknown field", func(n *Need) { n.Values.Set("colour", "red") }, Draft, "colour", "unknown_field"},
		{"two titles", func(n *Need) { n.Values["title"] = []string{"一个标题啊", "两个标题啊"} }, Draft, "title", "multiple"},
		{"line break in title", func(n *Need) { n.Values.Set("title", "上一行内容\n下一行内容") }, Draft, "title", "one_line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := sampleNeed()
			tt.edit(n)
			ps := cat.ValidateNeed(n, tt.mode)
			if tt.field == "" {
				if len(ps) != 0 {
					t.Fatalf("problems: %v", messages(cat, ps))
				}
				return
			}
			for _, p := range ps {
				if p.Field == tt.field && p.Code == tt.code {
					zh, en := p.Message(cat, "zh"), p.Message(cat, "en")
					if f, ok := cat.Field(tt.field); ok && (!strings.Contains(zh, f.ZH) || !strings.Contains(en, f.EN)) {
						t.Errorf("messages %q / %q do not name the field", zh, en)
					}
					return
				}
			}
			t.Fatalf("no %s problem on %s; got %v", tt.code, tt.field, messages(cat, ps))
		})
	}
}

func TestValidateContact(t *testing.T) {
	cat := Default()
	tests := []struct {
		id, value, code string
	}{
		{"contact_mobile", "13812345678", ""},
		{"contact_mobile", "12812345678", "mobile"},
		{"contact_mobile", "12345", "mobile"},
		{"contact_email", "wang@example.com.cn", ""},
		{"contact_email", "wang@localhost", "email"},
		{"contact_email", "王@", "email"},
		{"contact_landline", "0512-65246015", ""},
		{"contact_landline", "65246015", ""},
		{"contact_landline", "0512-65246015-801", ""},
		{"contact_landline", "12", "landline"},
	}
	for _, tt := range tests {
		e := sampleEnterprise()
		e.Contacts[0].Values.Set(tt.id, tt.value)
		ps := cat.ValidateEnterprise(e, Final)
		if tt.code == "" && len(ps) != 0 {
			t.Errorf("%s=%q: %v", tt.id, tt.value, messages(cat, ps))
		}
		if tt.code != "" && (len(ps) != 1 || ps[0].Code != tt.code || ps[0].Item != 1) {
			t.Errorf("%s=%q: %+v, want one %s problem on contact 1", tt.id, tt.value, ps, tt.code)
		}
	}
}

func TestValidateDiagnosis(t *testing.T) {
	cat := Default()
	d := &Diagnosis{Values: Values{"diag_conclusion": {"valid"}}}
	for _, id := range DiagnosisCriteria {
		d.Values.Set(id, "pass")
	}
	if ps := cat.ValidateDiagnosis(d, Final); len(ps) != 0 {
		t.Fatalf("complete diagnosis: %v", messages(cat, ps))
	}
	d.Values.Set("diag_feasibility", "doubt")
	ps := cat.ValidateDiagnosis(d, Final)
	if len(ps) != 1 || ps[0].Field != "diag_feasibility_comment" {
		t.Fatalf("doubt without comment: %v", messages(cat, ps))
	}
	d.Values.Set("diag_feasibility_comment", "试制周期偏紧")
	delete(d.Values, "diag_conclusion")
	if ps := cat.ValidateDiagnosis(d, Final); len(ps) != 1 || ps[0].Field != "diag_conclusion" {
		t.Fatalf("no conclusion: %v", messages(cat, ps))
	}
}

func messages(cat *Catalogue, ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Message(cat, "zh"))
	}
	return out
}

// TestDraftLimits: a length or a count is a warning in a draft and an error
// when finalising (issue 13.9); a malformed value is an error in both.
func TestDraftLimits(t *testing.T) {
	cat := Default()
	for _, tt := range []struct {
		name string
		edit func(*Need)
		code string
		soft bool
	}{
		{"short problem", func(n *Need) { n.Values.Set("problem", "良率低需提升") }, "min_len", true},
		{"long problem", func(n *Need) { n.Values.Set("problem", strings.Repeat("长", 501)) }, "max_len", true},
		{"too many keywords", func(n *Need) { n.Values.SetList("keywords", []string{"a1", "b2", "c3", "d4", "e5", "f6"}) }, "max_items", true},
		{"bad number", func(n *Need) { n.Values.Set("budget_wan", "很多") }, "number", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := sampleNeed()
			tt.edit(n)
			find := func(mode Mode) *Problem {
				for _, p := range cat.ValidateNeed(n, mode) {
					if p.Code == tt.code {
						return &p
					}
				}
				t.Fatalf("mode %d: no %s problem", mode, tt.code)
				return nil
			}
			d, f := find(Draft), find(Final)
			if want := map[bool]Severity{true: SeverityWarning, false: SeverityError}[tt.soft]; d.Severity != want {
				t.Errorf("draft severity %v, want %v", d.Severity, want)
			}
			if f.Severity != SeverityError {
				t.Errorf("final severity %v, want an error", f.Severity)
			}
			if d.DraftLimit() != tt.soft {
				t.Errorf("DraftLimit = %v", d.DraftLimit())
			}
		})
	}
}
