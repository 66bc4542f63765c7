package xlsx

import (
	"slices"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// TestReadShortTextAsDraft is issue 13.9: a town's workbook whose 主要问题
// is shorter than the catalogue's minimum, or whose keywords are too many,
// comes in whole; each such need arrives as 待补充 with the reason at its
// cell, and the limit still blocks 定稿.
func TestReadShortTextAsDraft(t *testing.T) {
	b := newBook(t, "需求表")
	b.row("需求表", 1, "企业名称", "统一社会信用代码", "所在地区", "联系人", "手机", "需求名称", "需求类型", "技术领域", "关键词", "主要问题", "技术关键", "预期目标", "合作方式", "拟投入资金（万元）", "公开方式")
	code := creditCode(t, "91320583MA1XYW01")
	b.row("需求表", 2, "昆山甲精密机械有限公司", code, "玉山镇", "张三", "13800000001",
		"注塑件良率提升", "技术改造", "先进制造与自动化", "注塑", "良率低需提升", "模温控制", "良率达到 98%", "合作开发", "30", "实名公开")
	b.row("需求表", 3, "昆山甲精密机械有限公司", code, "玉山镇", "张三", "13800000001",
		"焊接机器人视觉引导", "设备改进", "先进制造与自动化", "焊接、视觉、机器人、引导、标定、轨迹", "现有焊接机器人靠示教，换型一次要半天，焊缝偏差常超过 0.5 mm。", "视觉识别焊缝", "换型 10 分钟内", "合作开发", "50", "实名公开")
	batch := mustRead(t, b.bytes(), Options{HomeRegion: kunshan})
	if batch.HasErrors() {
		t.Fatalf("a short text or too many keywords refused the file:\n%s", dumpProblems(batch))
	}
	if len(batch.Needs) != 2 {
		t.Fatalf("%d needs, want 2", len(batch.Needs))
	}
	cat := forms.Default()
	for _, tt := range []struct {
		title, field, code, col string
		row                     int
	}{
		{"注塑件良率提升", "problem", "min_len", "J", 2},
		{"焊接机器人视觉引导", "keywords", "max_items", "I", 3},
	} {
		n := needByTitle(batch, tt.title)
		if n == nil {
			t.Fatalf("need %s missing", tt.title)
		}
		if n.Status != forms.StatusToComplete || !slices.Contains(n.Missing, tt.field) {
			t.Errorf("%s: status %s, missing %v; want 待补充 with %s", tt.title, n.Status, n.Missing, tt.field)
		}
		ps := problemsAt(batch, "需求表", tt.row, tt.col)
		if len(ps) != 1 || ps[0].Code != tt.code || ps[0].Error() || !strings.Contains(ps[0].ZH, "定稿") || !strings.Contains(ps[0].ZH, cat.MustField(tt.field).ZH) {
			t.Errorf("%s: problems at %s%d: %v; want one %s warning naming the field and 定稿", tt.title, tt.col, tt.row, ps, tt.code)
		}
		// Kept as written, and still an error when finalised.
		if got := n.Values.List(tt.field); len(got) == 0 {
			t.Errorf("%s: %s not kept", tt.title, tt.field)
		}
		final := cat.ValidateNeed(n, forms.Final)
		if !slices.ContainsFunc(final, func(p forms.Problem) bool {
			return p.Field == tt.field && p.Code == tt.code && p.Severity == forms.SeverityError
		}) {
			t.Errorf("%s: finalising does not block on %s", tt.title, tt.code)
		}
	}
}

// TestReadRegionAlias is issue 13.2: a town people still write (淀山湖镇,
// now under 昆山旅游度假区) resolves there, with a note, not to a town of
// the same name elsewhere.
func TestReadRegionAlias(t *testing.T) {
	b := newBook(t, "企业")
	b.row("企业", 1, "企业名称", "统一社会信用代码", "所在镇")
	b.row("企业", 2, "昆山丙光电有限公司", creditCode(t, "91320583MA1XYW02"), "锦溪镇")
	b.row("企业", 3, "昆山丁机械有限公司", creditCode(t, "91320583MA1XYW03"), "昆山市淀山湖镇")
	batch := mustRead(t, b.bytes(), Options{HomeRegion: "320500"})
	if len(batch.Enterprises) != 2 {
		t.Fatalf("%d enterprises:\n%s", len(batch.Enterprises), dumpProblems(batch))
	}
	for i, e := range batch.Enterprises {
		if got := e.Values.Get("region"); got != "320583401" {
			t.Errorf("%s: region %s, want 320583401 昆山旅游度假区", e.Name(), got)
		}
		ps := problemsAt(batch, "企业", i+2, "C")
		if len(ps) != 1 || ps[0].Code != "region.alias" || ps[0].Error() || !strings.Contains(ps[0].ZH, "昆山旅游度假区") {
			t.Errorf("row %d: %v", i+2, ps)
		}
	}
}

// TestReadNewNeedFields is issue 13.3: 需求时限 as a range of years, the
// platform's own 需求编号 kept apart from our id, 机构属性, the 专场 and the
// 技术经理人.
func TestReadNewNeedFields(t *testing.T) {
	const id = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"
	code := creditCode(t, "91320583MA1XYW04")
	b := newBook(t, "需求").
		row("需求", 1, "企业名称", "统一社会信用代码", "机构属性", "需求名称", "需求类型", "需求时限", "需求有效期", "专场", "技术经理人", "需求编号", "寻榜编号").
		row("需求", 2, "昆山戊科技有限公司", nil, "企业", "高精度视觉定位模组开发", "产品升级", "2025年—2027年", "2026-12-31", "2026 昆山专场", "李科技", nil, nil).
		row("需求", 3, "昆山戊科技有限公司", nil, "企业", "锂电池极片缺陷在线检测", "产品升级", "2026-2026", nil, nil, nil, nil, nil).
		text("需求", "B2", code).text("需求", "B3", code).
		text("需求", "J2", "FT6851882291613696").text("需求", "K2", id).
		text("需求", "J3", "6851882291613696")
	batch := mustRead(t, b.bytes(), Options{})
	if batch.HasErrors() {
		t.Fatalf("errors:\n%s", dumpProblems(batch))
	}
	n := needByTitle(batch, "高精度视觉定位模组开发")
	if n == nil || n.ID != id {
		t.Fatalf("need 1: %+v", n)
	}
	checkValues(t, "need 1", n.Values, map[string][]string{
		"period_start_year": {"2025"}, "period_end_year": {"2027"}, "valid_until": {"2026-12-31"},
		"activity": {"2026 昆山专场"}, "tech_manager": {"李科技"}, "platform_need_no": {"FT6851882291613696"},
	})
	n2 := needByTitle(batch, "锂电池极片缺陷在线检测")
	if n2 == nil || n2.ID == id || n2.Values.Get("platform_need_no") != "6851882291613696" || n2.Values.Get("period_end_year") != "2026" {
		t.Errorf("need 2: %+v", n2)
	}
	if got := entByID(batch, n.EnterpriseID).Values.Get("institution_type"); got != "1" {
		t.Errorf("机构属性 read as %q", got)
	}
	cols := map[string]string{}
	for _, c := range batch.Sheets[0].Columns {
		cols[c.Header] = c.Field
	}
	if cols["寻榜编号"] != ColumnNeedID || cols["需求编号"] != "platform_need_no" {
		t.Errorf("columns %v", cols)
	}

	// Alone, 需求编号 is our id when it holds one, the platform's number
	// when it holds another system's, an error when it holds a mistyped id.
	for _, tc := range []struct{ value, wantID, wantNo, code string }{
		{id, id, "", ""},
		{"FT6851882291613696", "", "FT6851882291613696", ""},
		{"6F1C2D3E", "", "", "need_id.format"},
	} {
		data := newBook(t, "需求").
			row("需求", 1, "企业名称", "统一社会信用代码", "需求名称", "需求类型", "需求编号").
			row("需求", 2, "昆山戊科技有限公司", nil, "高精度视觉定位模组开发", "产品升级").
			text("需求", "B2", code).text("需求", "E2", tc.value).bytes()
		got := mustRead(t, data, Options{})
		n := got.Needs[0]
		if tc.wantID != "" && n.ID != tc.wantID || tc.wantID == "" && n.ID == tc.value || n.Values.Get("platform_need_no") != tc.wantNo {
			t.Errorf("需求编号 %q: id %s, platform number %q", tc.value, n.ID, n.Values.Get("platform_need_no"))
		}
		if ps := problemsAt(got, "需求", 2, "E"); tc.code == "" && len(ps) > 0 || tc.code != "" && (len(ps) != 1 || ps[0].Code != tc.code) {
			t.Errorf("需求编号 %q: problems %v", tc.value, ps)
		}
	}
}
