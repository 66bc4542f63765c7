package forms

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestCatalogueHasTheUnifiedFormFields(t *testing.T) {
	cat := Default()
	want := map[string]Kind{
		"enterprise_name": KindText, "credit_code": KindCreditCode, "region": KindRegion,
		"address": KindText, "qualifications": KindMultiEnum, "scale": KindEnum,
		"contact_name": KindText, "contact_position": KindText, "contact_mobile": KindMobile,
		"contact_email": KindEmail, "title": KindText, "need_type": KindEnum,
		"tech_fields": KindMultiEnum, "keywords": KindKeywords, "problem": KindLongText,
		"key_technology": KindLongText, "indicators": KindLongText, "expected_goal": KindLongText,
		"current_basis": KindLongText, "budget_wan": KindMoney, "budget_negotiable": KindBool,
		"cooperation_modes": KindMultiEnum, "timeframe": KindDate, "visibility": KindEnum,
		"public_alias": KindText, "diag_conclusion": KindEnum,
	}
	for _, id := range DiagnosisCriteria {
		want[id] = KindEnum
		want[id+"_comment"] = KindText
	}
	for id, kind := range want {
		f, ok := cat.Field(id)
		if !ok {
			t.Errorf("catalogue lacks %s", id)
			continue
		}
		if f.Kind != kind {
			t.Errorf("%s: kind %s, want %s", id, f.Kind, kind)
		}
	}
	if cat.Version == "" {
		t.Error("catalogue has no version")
	}
}

func TestCatalogueFieldsAreComplete(t *testing.T) {
	cat := Default()
	meta := map[Entity]map[string]bool{
		EntityEnterprise: MetaKeys(Enterprise{}), EntityContact: MetaKeys(Contact{}), EntityNeed: MetaKeys(Need{}),
		EntityDiagnosis: MetaKeys(Diagnosis{}), EntityConfirmation: MetaKeys(Confirmation{}),
		EntitySolution: MetaKeys(Solution{}),
	}
	for _, f := range cat.Fields() {
		if meta[f.Entity][f.ID] || f.ID == "type" {
			t.Errorf("field id %s clashes with a record metadata key", f.ID)
		}
		if f.ZH == "" || f.EN == "" {
			t.Errorf("%s lacks a label", f.ID)
		}
		if f.Class == "" {
			t.Errorf("%s lacks a data class", f.ID)
		}
		if f.Entity == EntityContact && f.Class != ClassPersonal {
			t.Errorf("contact field %s must be personal information, is %s", f.ID, f.Class)
		}
		if f.NegotiableFlag != "" {
			if g, ok := cat.Field(f.NegotiableFlag); !ok || g.Kind != KindBool {
				t.Errorf("%s: negotiable flag %s is not a bool field", f.ID, f.NegotiableFlag)
			}
		}
	}
}

func TestNeedTypeCodesArePlatformCodes(t *testing.T) {
	v := Default().Vocabulary("need_type")
	want := map[string]string{"00": "关键技术研发", "01": "产品升级", "02": "技术改造", "03": "设备改进",
		"04": "技术交易", "05": "技术咨询", "06": "海外创新合作", "07": "科技金融", "10": "测试参数",
		"11": "测试方法", "12": "测试设备", "13": "测试标准", "99": "其他"}
	if len(v.Options) != len(want) {
		t.Errorf("%d need types, want %d", len(v.Options), len(want))
	}
	for code, zh := range want {
		if got := v.Label(code, "zh"); got != zh {
			t.Errorf("need type %s: %s, want %s", code, got, zh)
		}
	}
}

func TestVocabularyMatch(t *testing.T) {
	cat := Default()
	tests := []struct{ vocab, in, code string }{
		{"need_type", "关键核心技术", "00"},
		{"need_type", "02", "02"},
		{"need_type", "技术改造", "02"},
		{"need_type", " 技术 改造 ", "02"},
		{"need_type", "Product upgrade", "01"},
		{"cooperation_mode", "作价入股", "07"},
		{"visibility", "匿名公开", "anonymous"},
		{"qualification", "专精特新“小巨人”企业", "giant"},
		{"qualification", "专精特新\"小巨人\"企业", "giant"},
		{"tech_field", "先进制造与自动化", "80"},
		{"tech_field", "软件", "101"},
		{"scale", "中型企业", "2"},
		{"tier", "区域产业（行业）关键技术需求", "2"},
	}
	for _, tt := range tests {
		o, ok := cat.Vocabulary(tt.vocab).Match(tt.in)
		if !ok || o.Code != tt.code {
			t.Errorf("%s.Match(%q) = %q, %v; want %q", tt.vocab, tt.in, o.Code, ok, tt.code)
		}
	}
	if _, ok := cat.Vocabulary("need_type").Match("很多"); ok {
		t.Error("an unknown need type matched")
	}
}

// TestTechFieldsOfficialCodes is issue 13.2: the 国家重点支持的高新技术领域
// in three levels with the official codes (10 / 101 / 10101), each code
// spelling its parent's, the source cited in the data file; the 2026.1
// two-level codes are legacy codes of the same fields.
func TestTechFieldsOfficialCodes(t *testing.T) {
	cat := Default()
	v := cat.Vocabulary("tech_field")
	top := v.Children("")
	if len(top) != 8 {
		t.Fatalf("%d top-level tech fields, want 8", len(top))
	}
	var second, third int
	for i, o := range top {
		if want := fmt.Sprintf("%d0", i+1); o.Code != want {
			t.Errorf("top-level %s has code %s, want %s", o.ZH, o.Code, want)
		}
		kids := v.Children(o.Code)
		if len(kids) == 0 {
			t.Errorf("tech field %s has no second level", o.ZH)
		}
		for j, k := range kids {
			second++
			if want := fmt.Sprintf("%c0%d", o.Code[0], j+1); k.Code != want {
				t.Errorf("%s › %s has code %s, want %s", o.ZH, k.ZH, k.Code, want)
			}
			for n, g := range v.Children(k.Code) {
				third++
				if want := fmt.Sprintf("%s%02d", k.Code, n+1); g.Code != want {
					t.Errorf("%s › %s has code %s, want %s", k.ZH, g.ZH, g.Code, want)
				}
				if p := v.Path(g.Code); len(p) != 3 || p[0].Code != o.Code || v.Root(g.Code) != o.Code {
					t.Errorf("path of %s: %v", g.Code, p)
				}
			}
		}
	}
	if second != 52 || third != 254 {
		t.Errorf("%d second-level and %d third-level fields, want 52 and 254 (the cited table)", second, third)
	}
	for code, zh := range map[string]string{"10101": "基础软件", "40105": "金属及金属基复合新材料制备技术", "80902": "印刷技术", "809": "传统文化产业改造技术", "80": "先进制造与自动化"} {
		if got := v.Label(code, "zh"); got != zh {
			t.Errorf("%s is %q, want %q", code, got, zh)
		}
	}
	for legacy, want := range map[string]string{"01": "10", "08": "80", "0101": "101", "0809": "809", "0402": "402"} {
		if got, ok := v.Upgrade(legacy); !ok || got != want {
			t.Errorf("Upgrade(%s) = %s, %v; want %s", legacy, got, ok, want)
		}
		if o, ok := v.Match(legacy); !ok || o.Code != want {
			t.Errorf("Match(%s) = %s, want %s", legacy, o.Code, want)
		}
	}
	for _, id := range []string{"tech_field", "cooperation_mode"} {
		if src := cat.Sources[id]; !strings.Contains(src, "github.com/") {
			t.Errorf("vocabulary %s cites no public source: %q", id, src)
		}
	}
}

// TestCooperationModes is issue 13.2: 委托开发 stays, the platform's modes
// are there, 许可使用 is 技术许可.
func TestCooperationModes(t *testing.T) {
	v := Default().Vocabulary("cooperation_mode")
	for in, want := range map[string]string{"委托开发": "01", "许可使用": "04", "技术许可": "04", "股权投资": "10", "银行贷款": "20", "股权融资": "21", "合作开发": "02"} {
		if o, ok := v.Match(in); !ok || o.Code != want {
			t.Errorf("Match(%s) = %s, %v; want %s", in, o.Code, ok, want)
		}
	}
}

// TestNestedCodesStayApart: the tech field codes nest (10, 104, 10401),
// so codes listed with 、 are several, never glued into one.
func TestNestedCodesStayApart(t *testing.T) {
	cat := Default()
	v := cat.Vocabulary("tech_field")
	if o, ok := v.Match("10、104"); ok {
		t.Errorf("Match(10、104) = %s", o.Code)
	}
	for _, in := range []string{"10、104", "10,104", "10 、104", "电子信息、通信技术"} {
		got, err := cat.ParseInput(cat.MustField("tech_fields"), in)
		if err != nil || !slices.Equal(got, []string{"10", "104"}) {
			t.Errorf("ParseInput(%q) = %v, %v", in, got, err)
		}
	}
}

func TestUpgradeValues(t *testing.T) {
	cat := Default()
	v := Values{"tech_fields": {"08", "0804", "80"}, "need_type": {"02"}, "title": {"08"}}
	orig := v["tech_fields"]
	if !cat.UpgradeValues(EntityNeed, v) {
		t.Fatal("nothing upgraded")
	}
	if got := v.List("tech_fields"); !slices.Equal(got, []string{"80", "804"}) {
		t.Errorf("tech_fields %v", got)
	}
	if !slices.Equal(orig, []string{"08", "0804", "80"}) {
		t.Error("the caller's list was changed in place")
	}
	if v.Get("title") != "08" || v.Get("need_type") != "02" {
		t.Errorf("other fields changed: %v", v)
	}
	if cat.UpgradeValues(EntityNeed, v) {
		t.Error("upgrading twice changed something")
	}
}

func TestFieldByHeader(t *testing.T) {
	cat := Default()
	tests := []struct{ header, id string }{
		{"需求名称", "title"},
		{"技术需求名称", "title"},
		{"项目名称", "title"},
		{"拟投入资金（万元）", "budget_wan"},
		{"拟投入资金(万元)", "budget_wan"},
		{"投入资金", "budget_wan"},
		{"预算", "budget_wan"},
		{"*需求名称", "title"},
		{"需求\n名称", "title"},
		{"１、需求名称：", "title"},
		{"统一社会信用代码", "credit_code"},
		{"企业名称（盖章）", "enterprise_name"},
		{"手机", "contact_mobile"},
		{"E-mail", "contact_email"},
		{"need_type", "need_type"},
	}
	for _, tt := range tests {
		f, ok := cat.FieldByHeader(tt.header)
		if !ok || f.ID != tt.id {
			got := ""
			if f != nil {
				got = f.ID
			}
			t.Errorf("FieldByHeader(%q) = %q, want %q", tt.header, got, tt.id)
		}
	}
	if _, ok := cat.FieldByHeader("序号"); ok {
		t.Error("序号 mapped to a field")
	}
}

func TestParseCatalogueRejectsBadFiles(t *testing.T) {
	tests := map[string]string{
		"not json":      `{`,
		"no version":    `{"format":1,"fields":[]}`,
		"bad kind":      `{"format":1,"version":"x","fields":[{"id":"a","entity":"need","zh":"甲","en":"A","kind":"blob","class":"public"}]}`,
		"bad id":        `{"format":1,"version":"x","fields":[{"id":"A b","entity":"need","zh":"甲","en":"A","kind":"text","class":"public"}]}`,
		"missing vocab": `{"format":1,"version":"x","fields":[{"id":"a","entity":"need","zh":"甲","en":"A","kind":"enum","vocabulary":"nope","class":"public"}]}`,
		"bad class":     `{"format":1,"version":"x","fields":[{"id":"a","entity":"need","zh":"甲","en":"A","kind":"text","class":"open"}]}`,
		"dup field":     `{"format":1,"version":"x","fields":[{"id":"a","entity":"need","zh":"甲","en":"A","kind":"text","class":"public"},{"id":"a","entity":"need","zh":"乙","en":"B","kind":"text","class":"public"}]}`,
		"alias clash":   `{"format":1,"version":"x","fields":[{"id":"a","entity":"need","zh":"甲","en":"A","kind":"text","class":"public"},{"id":"b","entity":"need","zh":"乙","en":"B","kind":"text","class":"public","aliases":["甲"]}]}`,
		"future format": `{"format":2,"version":"x","fields":[]}`,
	}
	for name, doc := range tests {
		if _, err := ParseCatalogue([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), "catalogue") {
			t.Errorf("%s: error %q does not say what it was reading", name, err)
		}
	}
}

// TestAboveIsPath: Above(a, b) holds exactly when a is on b's path above b.
func TestAboveIsPath(t *testing.T) {
	voc := Default().Vocabulary("tech_field")
	above := 0
	for _, b := range voc.Options {
		p := voc.Path(b.Code)
		for _, a := range voc.Options {
			want := slices.ContainsFunc(p[:max(0, len(p)-1)], func(o Option) bool { return o.Code == a.Code })
			if got := voc.Above(a.Code, b.Code); got != want {
				t.Fatalf("Above(%s, %s) = %v, want %v", a.Code, b.Code, got, want)
			}
			if want {
				above++
			}
		}
	}
	if above < 50 {
		t.Fatalf("only %d pairs one above the other: not the tree expected", above)
	}
	if voc.Above("01", "no such code") || voc.Above("", "01") {
		t.Error("Above holds for an unknown code or the empty one")
	}
}
