package xlsx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

const kunshan = "320583" // 昆山市

var messyHeader = []any{"序号", "企业名称*", "统一社会信用代码", "所在镇（街道）", "联系人", "联系电话",
	"技术需求名称", "需求类型", "技术领域", "关键词", "需求描述", "关键技术", "拟投入资金（万元）",
	"合作方式", "期望完成时间", "公开方式", "公开称谓", "预期目标", "是否走访"}

// messyBook is a 需求征集表 as a town sends it up: a merged title and a note
// above the header, blank rows, money and dates written every which way, a
// 合计 row and a signature block at the bottom, and three malformed values
// on row 9.
func messyBook(t *testing.T) ([]byte, string, string) { return messyBookTB(t) }

func messyBookTB(t testing.TB) ([]byte, string, string) {
	code1 := creditCode(t, "91320583MA1XYW01")
	code2 := creditCode(t, "91320583MA200001")
	lower := strings.ToLower(code1[:6]) + " " + strings.ToLower(code1[6:12]) + " " + strings.ToLower(code1[12:])
	const s = "需求征集表"
	b := newBook(t, s)
	b.row(s, 1, "2024年昆山市企业技术需求征集表").merge(s, "A1", "S1")
	b.row(s, 2, "填表说明：带 * 为必填项；金额单位为万元；每行填写一项需求。").merge(s, "A2", "S2")
	b.row(s, 3, messyHeader...)
	b.row(s, 4, 1, "昆山精密机械有限公司", lower, "玉山镇", "王晓明", "138 1234 5678",
		"数控机床主轴热变形补偿", "技术改造", "先进制造与自动化", "热变形、数控",
		"主轴连续运行后热伸长导致加工精度超差。", "温度场建模与实时补偿", "50万",
		"合作开发、委托开发", 45473, "实名公开", nil, "定位精度提升到 2 微米", "重点企业")
	// row 5 left blank
	b.row(s, 6, 2, "昆山精密机械有限公司", nil, nil, nil, nil,
		"高导热陶瓷基板材料开发", 1, "新材料；电子信息", "陶瓷基板",
		"现有基板导热率不足，功率器件温升过高。", "氮化铝烧结工艺", "0.5亿",
		"技术转让\n技术许可", "2024/6/30", "匿名公开", nil, "导热率达到 170 W/mK")
	b.row(s, 7, 3, "苏州远望新材料有限公司", code2, "周市镇", "李华", "0512-57771234",
		"中药提取物稳定性研究", "产品升级", "中药、天然药物，软件", "提取物",
		"提取物放置三个月后有效成分下降明显。", "稳定剂配方", "500,000元",
		"技术咨询", "2024年6月", "实名公开", nil, "有效期延长到两年")
	b.text(s, "M7", "500,000元")
	b.row(s, 8, 4, "昆山某小微企业", nil, "火星镇", nil, nil,
		"小型设备自动化改造", "设备改进", nil, nil, nil, nil, "面议")
	b.row(s, 9, 5, "昆山问题数据有限公司", nil, "玉山镇", "赵六", "12345",
		"一项写错了的需求名称", "黑科技", "电子信息", "错误", "这一行有三个格式错误的单元格。", "无",
		"很多", "合作开发", "2025-12-31", "实名公开")
	b.text(s, "F9", "12345")
	b.row(s, 10, "合计", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, 5050)
	b.row(s, 11, "填表人：张三", nil, nil, nil, nil, "联系电话：13900001111")
	b.row(s, 12, "单位（盖章）：", nil, nil, nil, nil, "日期：2024年6月30日")
	return b.bytes(), code1, code2
}

func TestReadMessySheet(t *testing.T) {
	data, code1, code2 := messyBook(t)
	b := mustRead(t, data, Options{HomeRegion: kunshan})
	const s = "需求征集表"
	if len(b.Sheets) != 1 || b.Sheets[0].HeaderRow != 3 || b.Sheets[0].Role != RoleNeeds || b.Sheets[0].Records != 5 {
		t.Fatalf("sheets: %+v", b.Sheets)
	}
	if len(b.Needs) != 5 || len(b.Enterprises) != 4 {
		t.Fatalf("got %d needs, %d enterprises; want 5, 4\n%s", len(b.Needs), len(b.Enterprises), dumpProblems(b))
	}

	// Exactly the three malformed values are errors, each with its place.
	errs := b.Errors()
	wantErrs := []struct{ col, field string }{{"F", "contact_mobile"}, {"H", "need_type"}, {"M", "budget_wan"}}
	if len(errs) != len(wantErrs) {
		t.Fatalf("errors:\n%s", dumpProblems(b))
	}
	for _, w := range wantErrs {
		ps := problemsAt(b, s, 9, w.col)
		if len(ps) != 1 || !ps[0].Error() || ps[0].Field != w.field {
			t.Errorf("row 9 column %s: want one error on %s, got %v", w.col, w.field, ps)
		}
	}
	if ps := problemsAt(b, s, 9, "F"); len(ps) == 1 && !strings.Contains(ps[0].ZH, "12345") {
		t.Errorf("phone error does not quote the value: %s", ps[0].ZH)
	}
	if ps := problemsAt(b, s, 9, "M"); len(ps) == 1 {
		if got := ps[0].Message("zh"); got != "「需求征集表」第 9 行 M 列：「拟投入资金（万元）」“很多”不是金额（如 50、50万元、0.5亿、面议）。" {
			t.Errorf("money error message = %q", got)
		}
		if got := ps[0].Message("en"); !strings.HasPrefix(got, "sheet 需求征集表, row 9, column M: ") {
			t.Errorf("money error message (en) = %q", got)
		}
	}

	// Warnings: the ignored columns, the town that is not in 昆山.
	var unknown, region *Problem
	for i, p := range b.Problems {
		switch p.Code {
		case "unknown_columns":
			unknown = &b.Problems[i]
		case "region.unresolved":
			region = &b.Problems[i]
		}
	}
	if unknown == nil || !strings.Contains(unknown.ZH, "A「序号」") || !strings.Contains(unknown.ZH, "S「是否走访」") || unknown.Error() {
		t.Errorf("unknown columns warning: %+v", unknown)
	}
	if region == nil || region.Row != 8 || region.Column != "D" || region.Error() || !strings.Contains(region.ZH, "详细地址") {
		t.Errorf("unresolved region warning: %+v", region)
	}

	n1 := needByTitle(b, "数控机床主轴热变形补偿")
	if n1 == nil {
		t.Fatal("need 1 missing")
	}
	e1 := entByID(b, n1.EnterpriseID)
	checkValues(t, "need 1", n1.Values, map[string][]string{
		"need_type": {"02"}, "tech_fields": {"80"}, "keywords": {"热变形", "数控"}, "budget_wan": {"50"},
		"cooperation_modes": {"02", "01"}, "timeframe": {"2024-06-30"}, "visibility": {"named"},
	})
	if n1.Status != forms.StatusToDiagnose || len(n1.Missing) != 0 {
		t.Errorf("complete need 1: status %s, missing %v", n1.Status, n1.Missing)
	}
	if e1.CreditCode() != code1 || e1.Values.Get("region") != "320583100" {
		t.Errorf("enterprise 1: code %q (want %q), region %q", e1.CreditCode(), code1, e1.Values.Get("region"))
	}
	if len(e1.Contacts) != 1 || e1.Contacts[0].Values.Get("contact_mobile") != "13812345678" || n1.ContactID != e1.Contacts[0].ID {
		t.Errorf("enterprise 1 contacts %+v, need contact %q", e1.Contacts, n1.ContactID)
	}
	if o := b.Origins[n1.ID]; o != (Origin{s, 4}) {
		t.Errorf("need 1 origin %+v", o)
	}

	n2 := needByTitle(b, "高导热陶瓷基板材料开发")
	if n2 == nil || n2.EnterpriseID != e1.ID {
		t.Fatalf("need 2 is not the first enterprise's: %+v", n2)
	}
	checkValues(t, "need 2", n2.Values, map[string][]string{
		"need_type": {"01"}, "tech_fields": {"40", "10"}, "budget_wan": {"5000"},
		"cooperation_modes": {"03", "04"}, "timeframe": {"2024-06-30"}, "visibility": {"anonymous"},
	})
	if n2.Status != forms.StatusToComplete || !slices.Equal(n2.Missing, []string{"public_alias"}) {
		t.Errorf("need 2: status %s, missing %v; want to_complete, [public_alias]", n2.Status, n2.Missing)
	}

	n3 := needByTitle(b, "中药提取物稳定性研究")
	e2 := entByID(b, n3.EnterpriseID)
	checkValues(t, "need 3", n3.Values, map[string][]string{
		"tech_fields": {"202", "101"}, "budget_wan": {"50"}, "timeframe": {"2024-06"},
	})
	if e2.CreditCode() != code2 || e2.Values.Get("region") != "320583102" {
		t.Errorf("enterprise 2: %v", e2.Values)
	}
	if c := e2.Contacts[0].Values; c.Get("contact_landline") != "0512-57771234" || c.Has("contact_mobile") {
		t.Errorf("a landline under 联系电话 should go to 座机: %v", c)
	}
	if !slices.Contains(n3.Missing, "contact_mobile") {
		t.Errorf("need 3 missing %v, want contact_mobile among them", n3.Missing)
	}

	n4 := needByTitle(b, "小型设备自动化改造")
	e3 := entByID(b, n4.EnterpriseID)
	if !n4.Values.Bool("budget_negotiable") || n4.Values.Has("budget_wan") {
		t.Errorf("面议: %v", n4.Values)
	}
	if e3.Values.Has("region") || e3.Values.Get("address") != "火星镇" {
		t.Errorf("unresolved region should be kept in the address: %v", e3.Values)
	}
	for _, id := range []string{"credit_code", "region", "contact_name", "problem", "key_technology", "tech_fields"} {
		if !slices.Contains(n4.Missing, id) {
			t.Errorf("need 4 missing %v, want %s among them", n4.Missing, id)
		}
	}
	if n4.Status != forms.StatusToComplete {
		t.Errorf("need 4 status %s", n4.Status)
	}

	// Partial import drops the need and the enterprise with errors.
	pb := b.Partial()
	if len(pb.Needs) != 4 || len(pb.Enterprises) != 3 {
		t.Errorf("partial: %d needs, %d enterprises; want 4, 3", len(pb.Needs), len(pb.Enterprises))
	}
	for _, n := range pb.Needs {
		if n.Title() == "一项写错了的需求名称" {
			t.Error("partial batch kept the need with errors")
		}
	}
}

func checkValues(t *testing.T, what string, v forms.Values, want map[string][]string) {
	t.Helper()
	for id, w := range want {
		if got := v.List(id); !slices.Equal(got, w) {
			t.Errorf("%s: %s = %q, want %q", what, id, got, w)
		}
	}
}

// TestReadValueForms reads one cell at a time, written the ways people
// write it, through a small generated sheet.
func TestReadValueForms(t *testing.T) {
	code := creditCode(t, "91320583MA1XYW01")
	tests := []struct {
		name   string
		header string
		cell   any  // written as is: numbers stay numbers
		text   bool // write the cell as text even if it looks like a number
		field  string
		want   []string // nil: want an error on the field instead
	}{
		{"money number", "拟投入资金（万元）", 50, false, "budget_wan", []string{"50"}},
		{"money as text", "拟投入资金（万元）", "50", true, "budget_wan", []string{"50"}},
		{"money 万", "投入资金", "50万", true, "budget_wan", []string{"50"}},
		{"money 万元", "预算", "50万元", true, "budget_wan", []string{"50"}},
		{"money 亿", "拟投入资金", "0.5亿", true, "budget_wan", []string{"5000"}},
		{"money 元 with commas", "拟投入资金", "500,000元", true, "budget_wan", []string{"50"}},
		{"money 面议", "拟投入资金", "面议", true, "budget_negotiable", []string{"true"}},
		{"money 很多", "拟投入资金", "很多", true, "budget_wan", nil},
		{"date serial", "期望完成时间", 45473, false, "timeframe", []string{"2024-06-30"}},
		{"date serial as text", "完成时限", "45473", true, "timeframe", []string{"2024-06-30"}},
		{"date slashes", "期望完成时间", "2024/6/30", true, "timeframe", []string{"2024-06-30"}},
		{"date 年月", "期望完成时间", "2024年6月", true, "timeframe", []string{"2024-06"}},
		{"date dotted month", "期望完成时间", "2024.6", true, "timeframe", []string{"2024-06"}},
		{"date nonsense", "期望完成时间", "明年", true, "timeframe", nil},
		{"need type label", "需求类型", "技术改造", true, "need_type", []string{"02"}},
		{"need type alias", "需求类别", "技改", true, "need_type", []string{"02"}},
		{"need type code", "需求类型", "00", true, "need_type", []string{"00"}},
		{"need type code lost its zero", "需求类型", 3, false, "need_type", []string{"03"}},
		{"need type unknown", "需求类型", "黑科技", true, "need_type", nil},
		{"multi with 、", "合作方式", "委托开发、合作开发", true, "cooperation_modes", []string{"01", "02"}},
		{"multi with ，", "合作方式", "委托开发，合作开发", true, "cooperation_modes", []string{"01", "02"}},
		{"multi with ;", "合作方式", "委托开发;合作开发", true, "cooperation_modes", []string{"01", "02"}},
		{"multi with line breaks", "合作方式", "委托开发\n合作开发\r\n技术许可", true, "cooperation_modes", []string{"01", "02", "04"}},
		{"multi label holding 、", "技术领域", "中药、天然药物、软件", true, "tech_fields", []string{"202", "101"}},
		{"multi codes", "所属领域", "0101,0202", true, "tech_fields", []string{"101", "202"}},
		{"multi unknown", "合作方式", "委托开发、随便", true, "cooperation_modes", nil},
		{"credit code lower case with spaces", "统一社会信用代码", strings.ToLower(code[:9]) + "  " + strings.ToLower(code[9:]), true, "credit_code", []string{code}},
		{"credit code broken", "统一社会信用代码", "91320583MA1XYZ0ZZZ", true, "credit_code", nil},
		{"mobile with spaces", "手机", "138 1234 5678", true, "contact_mobile", []string{"13812345678"}},
		{"mobile as number", "手机号码", 13812345678, false, "contact_mobile", []string{"13812345678"}},
		{"mobile five digits", "手机", "12345", true, "contact_mobile", nil},
		{"landline under 联系电话", "联系电话", "0512-57771234", true, "contact_landline", []string{"0512-57771234"}},
		{"two numbers", "联系方式", "13812345678、0512-57771234", true, "contact_landline", []string{"0512-57771234"}},
		{"yes/no", "是否卡脖子", "是", true, "key_core", []string{"true"}},
		{"visibility label", "公开方式", "匿名公开", true, "visibility", []string{"anonymous"}},
		{"number as text with unit", "研发人员数", "12人", true, "rd_staff", []string{"12"}},
		{"title with line break", "项目名称", "高精度主轴\n热变形补偿", true, "title", []string{"高精度主轴 热变形补偿"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const s = "Sheet1"
			b := newBook(t, s)
			b.row(s, 1, "企业名称", "关键词", tt.header, "预期目标")
			b.row(s, 2, "测试企业有限公司", "测试", nil, "完成测试")
			cell := tt.cell
			if str, ok := cell.(string); ok {
				cell = strings.NewReplacer(`\n`, "\n", `\r`, "\r").Replace(str)
			}
			if tt.text {
				b.text(s, "C2", cell.(string))
			} else {
				b.row(s, 2, nil, nil, cell)
			}
			batch := mustRead(t, b.bytes(), Options{HomeRegion: kunshan})
			if len(batch.Needs) != 1 || len(batch.Enterprises) != 1 {
				t.Fatalf("%d needs, %d enterprises\n%s", len(batch.Needs), len(batch.Enterprises), dumpProblems(batch))
			}
			v := batch.Needs[0].Values
			if f := forms.Default().MustField(tt.field); f.Entity == forms.EntityEnterprise {
				v = batch.Enterprises[0].Values
			} else if f.Entity == forms.EntityContact {
				if len(batch.Enterprises[0].Contacts) == 0 {
					v = forms.Values{}
				} else {
					v = batch.Enterprises[0].Contacts[0].Values
				}
			}
			errs := batch.Errors()
			if tt.want == nil {
				if len(errs) != 1 || errs[0].Row != 2 || errs[0].Column != "C" || errs[0].Field != tt.field {
					t.Fatalf("want one error at C2 on %s, got\n%s", tt.field, dumpProblems(batch))
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("unexpected errors:\n%s", dumpProblems(batch))
			}
			if got := v.List(tt.field); !slices.Equal(got, tt.want) {
				t.Errorf("%s = %q, want %q", tt.field, got, tt.want)
			}
		})
	}
}

// Enterprise cells merged down over its needs' rows belong to every row.
func TestReadMergedEnterpriseAndTwoRowHeader(t *testing.T) {
	const s = "汇总"
	b := newBook(t, s)
	b.row(s, 1, "玉山镇技术需求汇总表").merge(s, "A1", "F1")
	b.row(s, 3, "企业名称", "联系人", nil, "需求名称", "需求类型", "备注")
	b.row(s, 4, nil, "姓名", "手机")
	b.merge(s, "A3", "A4").merge(s, "B3", "C3").merge(s, "D3", "D4").merge(s, "E3", "E4")
	b.row(s, 5, "昆山合并单元格有限公司", "王晓明", "13812345678", "第一项合并行需求", "技术改造")
	b.row(s, 6, nil, nil, nil, "第二项合并行需求", "产品升级")
	b.row(s, 7, nil, nil, nil, "第三项合并行需求", "设备改进")
	b.merge(s, "A5", "A7").merge(s, "B5", "B7").merge(s, "C5", "C7")
	b.row(s, 8, "另一家企业有限公司", "李四", "13900001111", "另一家企业的需求", "技术咨询")
	b.row(s, 9, nil, nil, nil, "没合并也没填企业的需求", "技术咨询")
	batch := mustRead(t, b.bytes(), Options{})
	if si := batch.Sheets[0]; si.HeaderRow != 4 {
		t.Fatalf("header row %d, want 4 (the sub-header); columns %+v", si.HeaderRow, si.Columns)
	}
	if len(batch.Enterprises) != 2 || len(batch.Needs) != 5 {
		t.Fatalf("%d enterprises, %d needs\n%s", len(batch.Enterprises), len(batch.Needs), dumpProblems(batch))
	}
	e := batch.Enterprises[0]
	for _, n := range batch.Needs[:3] {
		if n.EnterpriseID != e.ID || n.ContactID != e.Contacts[0].ID {
			t.Errorf("need %q not tied to the merged enterprise and contact", n.Title())
		}
	}
	if len(e.Contacts) != 1 || e.Contacts[0].Values.Get("contact_name") != "王晓明" || e.Contacts[0].Values.Get("contact_mobile") != "13812345678" {
		t.Errorf("contacts %+v", e.Contacts)
	}
	// Row 9 names no enterprise and is not merged: it takes row 8's, with a warning.
	if batch.Needs[4].EnterpriseID != batch.Enterprises[1].ID {
		t.Error("row 9 did not take the enterprise of row 8")
	}
	ps := problemsAt(batch, s, 9, "")
	if len(ps) != 1 || ps[0].Code != "enterprise.inherited" || ps[0].Error() {
		t.Errorf("row 9: %v", ps)
	}
	for _, p := range batch.Problems {
		if p.Code == "enterprise.inherited" && p.Row != 9 {
			t.Errorf("merged rows reported as inherited: %v", p)
		}
	}
}

// An enterprise sheet and a need sheet, joined by credit code or name.
func TestReadTwoSheets(t *testing.T) {
	code1 := creditCode(t, "91320583MA1XYW01")
	code2 := creditCode(t, "91320583MA200001")
	b := newBook(t, "企业信息")
	b.row("企业信息", 1, "一、企业基本信息").merge("企业信息", "A1", "E1")
	b.row("企业信息", 2, "单位名称", "社会信用代码", "所在地区", "联系人姓名", "手机号码")
	b.row("企业信息", 3, "昆山甲企业有限公司", code1, "江苏省苏州市昆山市玉山镇", "张三", "13800000001")
	b.row("企业信息", 4, "昆山乙企业有限公司", code2, "周市镇", "李四", "13800000002")
	b.sheet("需求信息")
	b.row("需求信息", 1, "需求单位", "信用代码", "需求标题", "需求分类", "拟投入资金（万元）")
	b.row("需求信息", 2, nil, code1, "按信用代码关联的需求", "技术改造", "30")
	b.row("需求信息", 3, "昆山乙企业有限公司", nil, "按企业名称关联的需求", "产品升级", "面议")
	b.row("需求信息", 4, "昆山丙企业有限公司", nil, "企业表里没有的企业", "技术咨询", 10)
	b.sheet("填表说明").row("填表说明", 1, "请按模板填写，不要修改表头。")
	batch := mustRead(t, b.bytes(), Options{HomeRegion: kunshan})
	roles := map[string]string{}
	for _, si := range batch.Sheets {
		roles[si.Name] = si.Role
	}
	if roles["企业信息"] != RoleEnterprises || roles["需求信息"] != RoleNeeds || roles["填表说明"] != RoleSkipped {
		t.Fatalf("roles %v", roles)
	}
	if len(batch.Enterprises) != 3 || len(batch.Needs) != 3 {
		t.Fatalf("%d enterprises, %d needs\n%s", len(batch.Enterprises), len(batch.Needs), dumpProblems(batch))
	}
	byName := map[string]*forms.Enterprise{}
	for _, e := range batch.Enterprises {
		byName[e.Name()] = e
	}
	jia, yi := byName["昆山甲企业有限公司"], byName["昆山乙企业有限公司"]
	if jia == nil || yi == nil || jia.Values.Get("region") != "320583100" || yi.Values.Get("region") != "320583102" {
		t.Fatalf("enterprises %v", byName)
	}
	if n := needByTitle(batch, "按信用代码关联的需求"); n.EnterpriseID != jia.ID {
		t.Error("join by credit code failed")
	}
	if n := needByTitle(batch, "按企业名称关联的需求"); n.EnterpriseID != yi.ID || !n.Values.Bool("budget_negotiable") {
		t.Error("join by name failed")
	}
	if batch.HasErrors() {
		t.Errorf("errors:\n%s", dumpProblems(batch))
	}
	ps := problemsAt(batch, "需求信息", 4, "")
	if len(ps) != 1 || ps[0].Code != "enterprise.not_in_sheet" {
		t.Errorf("row 4 of the need sheet: %v", ps)
	}
	// --sheet reads one sheet only.
	only := mustRead(t, b.bytes(), Options{Sheet: "需求信息"})
	if len(only.Sheets) != 1 || len(only.Needs) != 3 {
		t.Errorf("--sheet: %+v", only.Sheets)
	}
	if _, err := readBytes(t, b.bytes(), Options{Sheet: "没有这张表"}); !errors.Is(err, ErrNoData) {
		t.Errorf("unknown --sheet: %v", err)
	}
}

func TestReadNoHeader(t *testing.T) {
	b := newBook(t, "Sheet1")
	b.row("Sheet1", 1, "姓名", "年龄").row("Sheet1", 2, "张三", 30)
	_, err := readBytes(t, b.bytes(), Options{})
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrNoData) || !strings.Contains(fe.Message("zh"), "表头") {
		t.Fatalf("want ErrNoData, got %v", err)
	}
}

func TestReadRegionAmbiguousWithoutHome(t *testing.T) {
	b := newBook(t, "Sheet1")
	b.row("Sheet1", 1, "企业名称", "需求名称", "所在地区")
	b.row("Sheet1", 2, "测试企业有限公司", "一项测试需求名称", "玉山镇")
	batch := mustRead(t, b.bytes(), Options{})
	ps := problemsAt(batch, "Sheet1", 2, "C")
	if len(ps) != 1 || ps[0].Code != "region.ambiguous" || ps[0].Error() || !strings.Contains(ps[0].ZH, "--region") {
		t.Fatalf("want an ambiguity warning, got\n%s", dumpProblems(batch))
	}
	if got := batch.Enterprises[0].Values.Get("address"); got != "玉山镇" {
		t.Errorf("address %q", got)
	}
	// With the home region it resolves.
	batch = mustRead(t, b.bytes(), Options{HomeRegion: kunshan})
	if got := batch.Enterprises[0].Values.Get("region"); got != "320583100" {
		t.Errorf("region %q\n%s", got, dumpProblems(batch))
	}
}

// Sheets pasted together from several towns: the header repeated, 小计
// rows between the parts, an enterprise that two towns both list.
func TestReadPastedTownSheets(t *testing.T) {
	code := creditCode(t, "91320583MA1XYW01")
	const s = "汇总"
	b := newBook(t, s)
	header := []any{"序号", "企业名称", "统一社会信用代码", "所在地区", "需求名称", "需求类型"}
	b.row(s, 1, header...)
	b.row(s, 2, 1, "昆山甲企业有限公司", code, "玉山镇", "玉山镇上报的第一项需求", "技术改造")
	b.row(s, 3, "小  计", nil, nil, nil, nil, nil)
	b.row(s, 4, header...)
	b.row(s, 5, 1, "昆山甲企业（集团）有限公司", code, "周市镇", "周市镇上报的同一企业需求", "产品升级")
	b.row(s, 6, 2, "昆山乙企业有限公司", nil, "周市镇", "基于区块链的电子签名系统", "技术咨询")
	b.row(s, 7, "合 计", nil, nil, nil, nil, nil)
	b.sheet("隐藏的选项表").row("隐藏的选项表", 1, "需求类型", "技术领域", "合作方式").row("隐藏的选项表", 2, "技术改造", "电子信息", "委托开发")
	if err := b.f.SetSheetVisible("隐藏的选项表", false); err != nil {
		t.Fatal(err)
	}
	batch := mustRead(t, b.bytes(), Options{HomeRegion: kunshan})
	if got := titles(batch.Needs); !slices.Equal(got, []string{"玉山镇上报的第一项需求", "周市镇上报的同一企业需求", "基于区块链的电子签名系统"}) {
		t.Fatalf("needs %v\n%s", got, dumpProblems(batch))
	}
	if len(batch.Enterprises) != 2 || batch.Needs[0].EnterpriseID != batch.Needs[1].EnterpriseID {
		t.Fatalf("the same credit code should be one enterprise: %d enterprises", len(batch.Enterprises))
	}
	e := batch.Enterprises[0]
	if e.Name() != "昆山甲企业有限公司" || e.Values.Get("region") != "320583100" {
		t.Errorf("first values should be kept: %v", e.Values)
	}
	codes := map[string]int{}
	for _, p := range batch.Problems {
		codes[p.Code] = p.Row
	}
	if codes["enterprise.name_differs"] != 5 || codes["enterprise.conflict"] != 5 {
		t.Errorf("want warnings on row 5 for the other name and region:\n%s", dumpProblems(batch))
	}
	if batch.HasErrors() {
		t.Errorf("errors:\n%s", dumpProblems(batch))
	}
	for _, si := range batch.Sheets {
		if si.Name == "隐藏的选项表" && si.Role != RoleSkipped {
			t.Errorf("hidden sheet read: %+v", si)
		}
	}
}

// TestReadEnterpriseNamedAgainLater: once rows go on to another
// enterprise, the reader keeps little of the first (issue 17); named again
// later, it is the same enterprise, with the same contact, and a value
// that differs is still a warning naming the row that gave the kept one.
func TestReadEnterpriseNamedAgainLater(t *testing.T) {
	codeA := creditCode(t, "91320583MA1XYW02")
	const s = "Sheet1"
	b := newBook(t, s)
	b.row(s, 1, "企业名称", "统一社会信用代码", "所在地区", "电子邮箱", "需求名称")
	b.row(s, 2, "昆山甲企业有限公司", codeA, "玉山镇", "jia@example.com", "甲企业的第一项需求")
	b.row(s, 3, "昆山乙企业有限公司", nil, "周市镇", "yi@example.com", "乙企业的第一项需求")
	b.row(s, 4, "昆山甲企业有限公司", codeA, "玉山镇", "jia@example.com", "甲企业的第二项需求")
	b.row(s, 5, "昆山甲企业有限公司", codeA, "周市镇", "jia@example.com", "甲企业的第三项需求")
	batch := mustRead(t, b.bytes(), Options{HomeRegion: kunshan})
	if len(batch.Enterprises) != 2 {
		t.Fatalf("%d enterprises, want 2\n%s", len(batch.Enterprises), dumpProblems(batch))
	}
	a := batch.Enterprises[0]
	if len(a.Contacts) != 1 {
		t.Errorf("甲 has %d contacts, want the one of its three rows: %+v", len(a.Contacts), a.Contacts)
	}
	for _, title := range []string{"甲企业的第一项需求", "甲企业的第二项需求", "甲企业的第三项需求"} {
		n := needByTitle(batch, title)
		if n == nil || n.EnterpriseID != a.ID || len(a.Contacts) == 0 || n.ContactID != a.Contacts[0].ID {
			t.Errorf("need %q: %+v", title, n)
		}
	}
	if a.Values.Get("region") != "320583100" {
		t.Errorf("甲's region %q, want row 2's", a.Values.Get("region"))
	}
	var conflicts []Problem
	for _, p := range batch.Problems {
		if p.Code == "enterprise.conflict" {
			conflicts = append(conflicts, p)
		}
	}
	if len(conflicts) != 1 || conflicts[0].Row != 5 || !strings.Contains(conflicts[0].ZH, "第 2 行") {
		t.Errorf("want one conflict on row 5 naming row 2:\n%s", dumpProblems(batch))
	}
}

// TestStreamBatchIsTheBatch: a batch read by ReadFileStream keeps its
// needs and enterprises on disk (issue 17) and hands out the records a
// batch of ReadFile holds, whole and in part.
func TestStreamBatchIsTheBatch(t *testing.T) {
	code := creditCode(t, "91320583MA1XYW03")
	const s = "Sheet1"
	b := newBook(t, s)
	b.row(s, 1, "企业名称", "统一社会信用代码", "所在地区", "企业规模", "联系人", "手机", "需求名称", "预期投入（万元）")
	b.row(s, 2, "昆山甲企业有限公司", code, "玉山镇", "中型", "王晓明", "13812345678", "甲企业的第一项需求", "120")
	b.row(s, 3, "昆山乙企业有限公司", nil, "周市镇", "特大型XYZ", "李华", "13900001111", "乙企业的第一项需求", "60") // an error: 乙 is left out in part
	b.row(s, 4, "昆山甲企业有限公司", code, "玉山镇", "中型", "王晓明", "13812345678", "甲企业的第二项需求", "80")
	b.row(s, 5, "昆山丙企业有限公司", nil, "千灯镇", nil, "赵敏", "13700002222", "丙企业的第一项需求", "50")
	path := filepath.Join(t.TempDir(), "needs.xlsx")
	if err := os.WriteFile(path, b.bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opt := Options{HomeRegion: kunshan}
	mem, err := ReadFile(ctx, path, opt)
	if err != nil {
		t.Fatal(err)
	}
	st, err := ReadFileStream(ctx, path, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Enterprises != nil {
		t.Errorf("a stream batch holds %d enterprises in memory", len(st.Enterprises))
	}
	// IDs are new at each read: numbered in the order they appear.
	uuid := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	encode := func(b *Batch) (ents []string, needs []string) {
		t.Helper()
		seen := map[string]string{}
		defer func() {
			for _, l := range [][]string{ents, needs} {
				for i, v := range l {
					l[i] = uuid.ReplaceAllStringFunc(v, func(id string) string {
						if seen[id] == "" {
							seen[id] = fmt.Sprintf("id%d", len(seen)+1)
						}
						return seen[id]
					})
				}
			}
		}()
		if err := b.EachEnterprise(func(e *forms.Enterprise) error {
			p, err := e.MarshalJSON()
			ents = append(ents, string(p))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := b.EachNeed(func(n *forms.Need, _ Origin) error {
			p, err := n.MarshalJSON()
			needs = append(needs, string(p))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return ents, needs
	}
	for _, part := range []bool{false, true} {
		m, s := mem, st
		if part {
			m, s = mem.Partial(), st.Partial()
		}
		me, mn := encode(m)
		se, sn := encode(s)
		wantEnts := 3
		if part {
			wantEnts = 2
		}
		if len(me) != wantEnts || !slices.Equal(me, se) || !slices.Equal(mn, sn) {
			t.Errorf("partial %v: enterprises\n%v\n%v\nneeds\n%v\n%v", part, me, se, mn, sn)
		}
		if m.EnterpriseCount() != wantEnts || s.EnterpriseCount() != wantEnts {
			t.Errorf("partial %v: %d and %d enterprises counted, want %d", part, m.EnterpriseCount(), s.EnterpriseCount(), wantEnts)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.EachEnterprise(func(*forms.Enterprise) error { return nil }); err == nil {
		t.Error("a closed stream batch still reads its enterprises")
	}
}
