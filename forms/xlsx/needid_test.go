package xlsx

import (
	"slices"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// TestReadNeedID: the need-id column under each of its headers, and what a
// bad value costs.
func TestReadNeedID(t *testing.T) {
	const id = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"
	for _, tc := range []struct {
		name, header, value string
		wantID              string // "" when the need gets a new one
		code                string // the problem at the id cell, "" for none
		errs                bool
	}{
		{"需求编号", "需求编号", id, id, "", false},
		{"upper case", "需求编号", strings.ToUpper(id), id, "", false},
		{"需求ID", "需求ID", id, id, "", false},
		{"编号", "编号", id, id, "", false},
		{"starred header", "*需求编号", id, id, "", false},
		{"malformed", "需求编号", "6f1c2d3e-4b5a-4c6d-8e7f-0123456789", "", "need_id.format", true},
		{"card number", "需求编号", "6F1C2D3E", "", "need_id.format", true},
		{"running number under 编号", "编号", "1", "", "need_id.ignored", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := newBook(t, "需求").
				row("需求", 1, "企业名称", "统一社会信用代码", "需求名称", "需求类型", tc.header).
				row("需求", 2, "昆山精密机械有限公司", nil, "数控机床主轴热变形补偿", "技术改造").
				text("需求", "B2", creditCode(t, "9132058312345678")).
				text("需求", "E2", tc.value).
				bytes()
			b := mustRead(t, data, Options{})
			if len(b.Needs) != 1 {
				t.Fatalf("%d needs\n%s", len(b.Needs), dumpProblems(b))
			}
			n := b.Needs[0]
			if tc.wantID != "" && n.ID != tc.wantID {
				t.Errorf("need id %q, want %q", n.ID, tc.wantID)
			}
			if tc.wantID == "" && (n.ID == tc.value || n.ID == "") {
				t.Errorf("need id %q", n.ID)
			}
			at := problemsAt(b, "需求", 2, "E")
			switch {
			case tc.code == "" && len(at) > 0:
				t.Errorf("problems at E2:\n%s", dumpProblems(b))
			case tc.code != "" && (len(at) != 1 || at[0].Code != tc.code || !strings.Contains(at[0].Message("zh"), "「需求」第 2 行 E 列") || !strings.Contains(at[0].ZH, tc.value)):
				t.Errorf("want %s at E2 naming the value, got:\n%s", tc.code, dumpProblems(b))
			}
			if b.HasErrors() != tc.errs {
				t.Errorf("errors %v, want %v:\n%s", b.HasErrors(), tc.errs, dumpProblems(b))
			}
			if tc.errs && len(b.Partial().Needs) != 0 {
				t.Error("a need with a bad id survives --partial")
			}
			if tc.name == "card number" && !strings.Contains(at[0].ZH, "短编号") {
				t.Errorf("no hint about the card's short number: %s", at[0].ZH)
			}
			if i := slices.IndexFunc(b.Sheets[0].Columns, func(c ColumnInfo) bool { return c.Column == "E" }); i < 0 || b.Sheets[0].Columns[i].Field != ColumnNeedID {
				t.Errorf("columns %+v", b.Sheets[0].Columns)
			}
			for _, p := range b.Problems {
				if p.Code == "unknown_columns" {
					t.Errorf("the id column is unknown: %s", p.ZH)
				}
			}
		})
	}
}

// TestReadNeedIDTwice: one need on two rows is an error on the second.
func TestReadNeedIDTwice(t *testing.T) {
	const id = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"
	data := newBook(t, "需求").
		row("需求", 1, "企业名称", "需求名称", "需求类型", "需求编号").
		row("需求", 2, "昆山精密机械有限公司", "数控机床主轴热变形补偿", "技术改造", id).
		row("需求", 3, "昆山精密机械有限公司", "伺服电机编码器国产化", "技术改造", id).
		bytes()
	b := mustRead(t, data, Options{})
	at := problemsAt(b, "需求", 3, "D")
	if len(at) != 1 || at[0].Code != "need_id.duplicate" || !at[0].Error() || !strings.Contains(at[0].ZH, "第 2 行") {
		t.Fatalf("want a duplicate error at D3:\n%s", dumpProblems(b))
	}
	if p := b.Partial(); len(p.Needs) != 1 || p.Needs[0].ID != id {
		t.Errorf("partial keeps %v", titles(p.Needs))
	}
}

// TestReadAliasRows: rows that name their enterprise only by a public alias,
// with no credit code, are not merged by it, and each says so.
func TestReadAliasRows(t *testing.T) {
	data := newBook(t, "需求").
		row("需求", 1, "企业名称", "统一社会信用代码", "需求名称", "需求类型", "公开方式", "公开称谓").
		row("需求", 2, "苏州市某微电子企业", nil, "晶圆级封装良率提升", "技术改造", "匿名公开", "苏州市某微电子企业").
		row("需求", 3, "苏州市某微电子企业", nil, "MEMS 传感器温漂补偿", "技术改造", "匿名公开", "苏州市某微电子企业").
		row("需求", 4, "昆山精密机械有限公司", nil, "数控机床主轴热变形补偿", "技术改造", "实名公开").
		row("需求", 5, "昆山精密机械有限公司", nil, "伺服电机编码器国产化", "技术改造", "实名公开").
		bytes()
	b := mustRead(t, data, Options{})
	if b.HasErrors() {
		t.Fatalf("errors:\n%s", dumpProblems(b))
	}
	ent := func(title string) string { return needByTitle(b, title).EnterpriseID }
	if ent("晶圆级封装良率提升") == ent("MEMS 传感器温漂补偿") {
		t.Error("two rows of one alias were taken as one enterprise")
	}
	if ent("数控机床主轴热变形补偿") != ent("伺服电机编码器国产化") {
		t.Error("two rows of one real name were taken as two enterprises")
	}
	if len(b.Enterprises) != 3 {
		t.Errorf("%d enterprises, want 3", len(b.Enterprises))
	}
	for _, row := range []int{2, 3} {
		at := problemsAt(b, "需求", row, "A")
		if len(at) != 1 || at[0].Code != "enterprise.alias_only" || at[0].Error() || at[0].Field != "enterprise_name" {
			t.Errorf("row %d: want an alias warning at A:\n%s", row, dumpProblems(b))
		}
	}
	if e := entByID(b, ent("晶圆级封装良率提升")); e.Name() != "苏州市某微电子企业" {
		t.Errorf("alias enterprise named %q", e.Name())
	}
}

// TestIsPublicAlias: the helper the reader and the store tell aliases by.
func TestIsPublicAlias(t *testing.T) {
	for name, want := range map[string]bool{
		"苏州市某微电子企业": true, "某企业": true, "昆山精密机械有限公司": false, "": false,
	} {
		if forms.IsPublicAlias(name) != want {
			t.Errorf("IsPublicAlias(%q) != %v", name, want)
		}
	}
}
