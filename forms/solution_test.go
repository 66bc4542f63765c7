package forms

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func filledSolution() *Solution {
	s := &Solution{ID: "s1", NeedID: "n1", Rev: "r1", Status: SolutionSubmitted, Source: SourcePublicPage, Values: Values{},
		Receipt: "JB260512-0001", Consent: &Consent{NoticeVersion: "v1", At: time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC)},
		CreatedAt: time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC)}
	v := s.Values
	v.Set("provider_name", "苏州大学机电工程学院")
	v.Set("provider_type", "university")
	v.Set("provider_region", "江苏苏州")
	v.Set("solution_contact", "王晓明")
	v.Set("solution_position", "教授")
	v.Set("solution_phone", "13812345678")
	v.Set("solution_email", "wxm@suda.example.edu.cn")
	v.Set("solution_summary", "采用渗碳淬火与表面喷丸复合工艺提升柔轮疲劳寿命，已在两家企业中试验证。")
	v.Set("solution_cooperation", "02")
	v.Set("quote_wan", "80")
	v.Set("solution_period", "8 个月")
	return s
}

func TestSolutionJSONRoundTrip(t *testing.T) {
	s := filledSolution()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"provider_name":"苏州大学机电工程学院"`) || !strings.Contains(string(b), `"quote_wan":80`) {
		t.Errorf("fields are not inline: %s", b)
	}
	var back Solution
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Values.Equal(s.Values) || back.Status != s.Status || back.Source != s.Source || back.Receipt != s.Receipt ||
		back.Consent == nil || back.Consent.NoticeVersion != "v1" || back.NeedID != "n1" {
		t.Errorf("round trip: %+v", back)
	}
	c := s.Clone()
	c.Values.Set("provider_name", "别的单位")
	c.Consent.NoticeVersion = "v2"
	if s.Provider() != "苏州大学机电工程学院" || s.Consent.NoticeVersion != "v1" {
		t.Error("Clone shares state with the original")
	}
}

func TestValidateSolution(t *testing.T) {
	cat := Default()
	if ps := cat.ValidateSolution(filledSolution(), Final); len(ps) != 0 {
		t.Fatalf("a filled solution has problems: %v", ps)
	}
	empty := &Solution{Values: Values{}}
	if ps := cat.ValidateSolution(empty, Draft); len(ps) != 0 {
		t.Errorf("an empty draft has problems: %v", ps)
	}
	req := map[string]bool{}
	for _, p := range cat.ValidateSolution(empty, Final) {
		if p.Code == "required" {
			req[p.Field] = true
		}
	}
	for _, id := range []string{"provider_name", "provider_type", "provider_region", "solution_contact", "solution_position", "solution_phone", "solution_email", "solution_summary"} {
		if !req[id] {
			t.Errorf("%s is not required in Final mode", id)
		}
	}
	for _, id := range []string{"solution_cooperation", "quote_wan", "solution_period", "solution_notes"} {
		if req[id] {
			t.Errorf("%s is required, but the form has it optional", id)
		}
	}
	for _, c := range []struct{ field, value, code string }{
		{"solution_phone", "call me", "phone"},
		{"solution_phone", "123", "phone"},
		{"solution_email", "not-an-address", "email"},
		{"provider_type", "外星人", "option"},
		{"solution_summary", "太短", "min_len"},
		{"solution_summary", strings.Repeat("长", 2001), "max_len"},
		{"quote_wan", "-1", "min"},
		{"provider_name", "<script>alert(1)</script>\n第二行", "one_line"},
	} {
		s := filledSolution()
		s.Values.Set(c.field, c.value)
		ps := cat.ValidateSolution(s, Final)
		if len(ps) != 1 || ps[0].Field != c.field || ps[0].Code != c.code {
			t.Errorf("%s = %q: %v, want one %s problem", c.field, c.value, ps, c.code)
			continue
		}
		if msg := ps[0].Message(cat, "zh"); !strings.Contains(msg, "「") {
			t.Errorf("message does not name the field: %s", msg)
		}
	}
}

func TestPlausiblePhone(t *testing.T) {
	for in, want := range map[string]bool{
		"13812345678": true, "138 1234 5678": true, "0512-65246015": true, "+49 89 1234567": true,
		"(0512) 6524 6015 转 802": true, "13812345678 / 0512-65246015": true, "１３８１２３４５６７８": true,
		"": false, "123456": false, "abc1234567": false, "1234567890123456789012": false,
		"13812345678/1381234567/13812345678": false, "javascript:1234567": false,
	} {
		if got := PlausiblePhone(in); got != want {
			t.Errorf("PlausiblePhone(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzPlausiblePhone(f *testing.F) {
	for _, s := range []string{"13812345678", "+49 (89) 123-4567 ext 12", "电话：0512", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if PlausiblePhone(s) {
			digits := 0
			for _, r := range Fold(s) {
				if r >= '0' && r <= '9' {
					digits++
				}
			}
			if digits < 7 {
				t.Errorf("%q accepted with %d digits", s, digits)
			}
		}
	})
}

func TestSolutionHeaders(t *testing.T) {
	cat := Default()
	for h, want := range map[string]string{
		"方案提供方 单位名称": "provider_name", "地区": "provider_region", "联系人": "solution_contact",
		"联系方式": "solution_phone", "E-mail": "solution_email", "职务": "solution_position",
		"解决方案 简要介绍": "solution_summary", "单位类型": "provider_type", "合作方式": "solution_cooperation",
		"报价（万元）": "quote_wan", "周期": "solution_period", "电子邮箱": "solution_email",
	} {
		f, ok := cat.SolutionFieldByHeader(h)
		if !ok || f.ID != want {
			t.Errorf("header %q: %v %v, want %s", h, f, ok, want)
		}
	}
	if f, ok := cat.SolutionFieldByHeader("需求名称"); ok {
		t.Errorf("需求名称 maps to solution field %s", f.ID)
	}
	// The need form's headers are not changed by the solution's.
	if f, ok := cat.FieldByHeader("联系人"); !ok || f.ID != "contact_name" {
		t.Errorf("联系人 on a need sheet: %v", f)
	}
}

func TestSolutionLifecycle(t *testing.T) {
	path := []SolutionStatus{SolutionSubmitted, SolutionScreened, SolutionRecommended, SolutionNegotiating, SolutionChosen, SolutionSigned}
	s := &Solution{Status: SolutionSubmitted}
	for _, to := range path[1:] {
		if err := s.Transition(to); err != nil {
			t.Fatal(err)
		}
	}
	var te *SolutionTransitionError
	if err := s.Transition(SolutionDeclined); !errors.As(err, &te) || !strings.Contains(te.Message("zh"), "已签约") {
		t.Errorf("a signed solution was declined: %v", err)
	}
	for _, from := range path[:len(path)-1] {
		if !CanTransitionSolution(from, SolutionDeclined) {
			t.Errorf("%s cannot be declined", from)
		}
	}
	if !CanTransitionSolution(SolutionDeclined, SolutionScreened) || CanTransitionSolution(SolutionDeclined, SolutionSigned) {
		t.Error("a declined solution: back to 初筛 only")
	}
	if CanTransitionSolution(SolutionSubmitted, SolutionSigned) {
		t.Error("submitted straight to signed")
	}
	for _, st := range SolutionStatuses {
		got, err := ParseSolutionStatus(st.Label("zh"))
		if err != nil || got != st {
			t.Errorf("parse %s: %v %v", st.Label("zh"), got, err)
		}
		if got, _ := ParseSolutionStatus(string(st)); got != st {
			t.Errorf("parse id %s", st)
		}
	}
	if _, err := ParseSolutionStatus("已搁置"); err == nil {
		t.Error("unknown status parsed")
	}
}

func TestProgressCountsSolutions(t *testing.T) {
	var p Progress
	for _, st := range []SolutionStatus{SolutionSubmitted, SolutionDeclined, SolutionRecommended} {
		p.AddSolution(&Solution{Status: st})
	}
	if p.Solutions != 3 || !p.SolutionMatch || p.SolutionDeal {
		t.Errorf("progress %+v", p)
	}
	p.AddSolution(&Solution{Status: SolutionSigned})
	if !p.SolutionDeal {
		t.Error("a signed solution is no deal")
	}
}

// The gate holds for solutions: ids and metadata texts, values, and the
// bytes of JSON.
func TestSolutionGate(t *testing.T) {
	cat := Default()
	s := filledSolution()
	s.NeedID = "../../etc/passwd"
	s.Receipt = "JB\u202e0001"
	s.Values.Set("solution_contact", "王\x00晓明")
	codes := map[string]string{}
	for _, p := range cat.ValidateSolution(s, Draft) {
		codes[p.Field] = p.Code
	}
	if codes["need_id"] != CodeID || codes["receipt"] != CodeBidi || codes["solution_contact"] != CodeControl {
		t.Errorf("gate: %v", codes)
	}
	var back Solution
	var ue *InvalidUTF8Error
	if err := json.Unmarshal([]byte("{\"id\":\"s1\",\"provider_name\":\"\xff\"}"), &back); !errors.As(err, &ue) || ue.Field != "provider_name" {
		t.Errorf("invalid UTF-8: %v", err)
	}
}
