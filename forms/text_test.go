package forms

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidID(t *testing.T) {
	for _, id := range []string{"e1", "0b8f5a4e-1111-4222-8333-444455556666", "jstec:FT2024.001", "a_b", strings.Repeat("x", MaxIDLen)} {
		if !ValidID(id) {
			t.Errorf("%q refused", id)
		}
	}
	for _, id := range []string{"", "../../x", "a/b", `a\b`, "a b", "需求1", "a\x00b", "x\u202e", strings.Repeat("x", MaxIDLen+1), "a\nb"} {
		if ValidID(id) {
			t.Errorf("%q accepted", id)
		}
	}
}

// TestGate: ids and texts are refused the same way in every mode, with the
// field and the character named (issue 11.6).
func TestGate(t *testing.T) {
	cat := Default()
	tests := []struct {
		name  string
		edit  func(*Need)
		field string
		code  string
		says  string // in the Chinese message
	}{
		{"path as id", func(n *Need) { n.ID = "../../x" }, "id", CodeID, "编号"},
		{"space in enterprise id", func(n *Need) { n.EnterpriseID = "e 1" }, "enterprise_id", CodeID, "所属企业编号"},
		{"slash in revision", func(n *Need) { n.Rev = "r/1" }, "rev", CodeID, "修订号"},
		{"NUL in title", func(n *Need) { n.Values.Set("title", "伺服电机\x00编码器国产化") }, "title", CodeControl, "U+0000"},
		{"NUL in a long text", func(n *Need) { n.Values.Set("problem", "第一行\n第二行\x00") }, "problem", CodeControl, "第 8 个字符"},
		{"escape in a keyword", func(n *Need) { n.Values.SetList("keywords", []string{"伺服", "编码\x1b器"}) }, "keywords", CodeControl, "U+001B"},
		{"C1 control", func(n *Need) { n.Values.Set("title", "伺服电机编码器\u0085国产化") }, "title", CodeControl, "U+0085"},
		{"right-to-left override", func(n *Need) { n.Values.Set("title", "伺服电机\u202e化产国器码编") }, "title", CodeBidi, "U+202E"},
		{"isolate", func(n *Need) { n.Values.Set("problem", "温度\u2066高\u2069时开裂") }, "problem", CodeBidi, "U+2066"},
		{"invalid UTF-8", func(n *Need) { n.Values["title"] = []string{"伺服电机\xff编码器国产化"} }, "title", CodeUTF8, "UTF-8"},
		{"tab in a one-line text", func(n *Need) { n.Values.Set("title", "伺服电机\t编码器国产化") }, "title", CodeControl, "U+0009"},
		{"bidi in the team", func(n *Need) { n.Team = "苏州\u202e" }, "team", CodeBidi, "团队"},
		{"NUL in the platform's comment", func(n *Need) { n.Platform.Comment = "退回\x00" }, "platform", CodeControl, "平台状态"},
		{"NUL in an unknown field", func(n *Need) { n.Values.Set("colour", "red\x00") }, "colour", CodeControl, "U+0000"},
	}
	for _, tt := range tests {
		for _, mode := range []Mode{Draft, Final} {
			n := sampleNeed()
			tt.edit(n)
			ps := cat.ValidateNeed(n, mode)
			var found *Problem
			for i, p := range ps {
				if p.Field == tt.field && p.Code == tt.code {
					found = &ps[i]
				}
			}
			if found == nil || found.Severity != SeverityError {
				t.Errorf("%s (mode %d): no %s error on %s; got %v", tt.name, mode, tt.code, tt.field, ps)
				continue
			}
			if m := found.Message(cat, "zh"); !strings.Contains(m, tt.says) {
				t.Errorf("%s: message %q lacks %q", tt.name, m, tt.says)
			}
			if m := found.Message(cat, "en"); m == "" || strings.ContainsRune(m, 0) || !utf8.ValidString(m) {
				t.Errorf("%s: English message %q", tt.name, m)
			}
		}
	}
	// What must pass: tabs and line breaks in long texts, Chinese
	// punctuation, symbols engineers type, left-to-right marks.
	n := sampleNeed()
	n.Values.Set("problem", "一、温度 ≥ 120℃ 时开裂；\n二、\t振动 ±0.5 mm。")
	n.Values.Set("title", "Ω 级电阻 ½ 尺寸\u200e国产化")
	if ps := cat.ValidateNeed(n, Final); len(ps) > 0 {
		t.Errorf("a good need refused: %v", ps)
	}

	e := sampleEnterprise()
	e.Contacts[0].ID = "../c1"
	e.Contacts = append(e.Contacts, Contact{ID: "c2", Values: Values{"contact_name": {"李\u202e四"}}})
	ps := cat.ValidateEnterprise(e, Draft)
	var idItem, bidiItem int
	for _, p := range ps {
		switch {
		case p.Field == "contact_id" && p.Code == CodeID:
			idItem = p.Item
		case p.Field == "contact_name" && p.Code == CodeBidi:
			bidiItem = p.Item
		}
	}
	if idItem != 1 || bidiItem != 2 {
		t.Errorf("contacts: %v", ps)
	}
	if ps := cat.ValidateDiagnosis(&Diagnosis{By: "王\x00", Values: Values{}}, Draft); len(ps) != 1 || ps[0].Field != "by" {
		t.Errorf("diagnosis: %v", ps)
	}
}

// TestInvalidUTF8InJSONIsRefusedWithItsPlace: encoding/json would turn bad
// bytes into U+FFFD without a word; the records' decoders refuse them and
// say where (issue 11.6).
func TestInvalidUTF8InJSONIsRefusedWithItsPlace(t *testing.T) {
	for _, tc := range []struct {
		json  string
		field string
		item  int
	}{
		{`{"id":"n1","title":"伺服` + "\xff" + `电机"}`, "title", 0},
		{`{"id":"n1","keywords":["伺服","编码` + "\xc3" + `"]}`, "keywords", 2},
		{`{"id":"n1","diagnosis":{"diag_conclusion":"valid","diag_validity_comment":"` + "\xed\xa0\x80" + `"}}`, "diag_validity_comment", 0},
		{`{"id":"n1","team":"` + "\xfe" + `"}`, "team", 0},
	} {
		var n Need
		err := json.Unmarshal([]byte(tc.json), &n)
		var ue *InvalidUTF8Error
		if !errors.As(err, &ue) || ue.Field != tc.field || ue.Item != tc.item {
			t.Errorf("%q: err = %v (%+v), want field %s item %d", tc.json, err, ue, tc.field, tc.item)
			continue
		}
		if p := ue.Problem(); p.Code != CodeUTF8 || p.Field != tc.field {
			t.Errorf("problem %+v", p)
		}
	}
	var e Enterprise
	err := json.Unmarshal([]byte(`{"id":"e1","contacts":[{"id":"c1"},{"id":"c2","contact_name":"王`+"\x80"+`"}]}`), &e)
	var ue *InvalidUTF8Error
	if !errors.As(err, &ue) || ue.Field != "contact_name" || ue.Item != 2 {
		t.Errorf("contact: %v %+v", err, ue)
	}
	if err := json.Unmarshal([]byte(`{"id":"e1","enterprise_name":"苏州昆仑精密机械有限公司"}`), &e); err != nil {
		t.Errorf("good JSON: %v", err)
	}
}

func TestLongTextInputKeepsOnlyLineFeeds(t *testing.T) {
	cat := Default()
	v := Values{}
	if err := cat.SetInput(v, cat.MustField("problem"), "第一行\r\n第二行\r第三行"); err != nil {
		t.Fatal(err)
	}
	if got := v.Get("problem"); got != "第一行\n第二行\n第三行" {
		t.Errorf("%q", got)
	}
	if ps := cat.Validate(EntityNeed, v, Draft); len(ps) > 0 {
		t.Errorf("%v", ps)
	}
}

// FuzzCheckText: the gate never panics, and what it lets through is valid
// UTF-8 without a forbidden character.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"伺服电机", "a\x00b", "\u202e", "\xff", "一\n二\t三", "\r\n"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		if checkText("title", s, multiline) != nil {
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("%q passed", s)
		}
		for _, r := range s {
			if r < 0x20 && !(multiline && (r == '\t' || r == '\n')) || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Fatalf("%q passed with U+%04X", s, r)
			}
		}
	})
}
