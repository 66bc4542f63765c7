package forms

import (
	"errors"
	"strings"
	"testing"
)

func TestNamesEnterprise(t *testing.T) {
	cat := Default()
	tests := []struct {
		name  string
		edit  func(n *Need, e *Enterprise)
		field string // "" when nothing names the enterprise or a contact
		code  string // names_enterprise, unless names_contact
	}{
		{"clean", func(*Need, *Enterprise) {}, "", ""},
		{"the name in the problem", func(n *Need, _ *Enterprise) {
			n.Values.Set("problem", "苏州昆仑精密机械有限公司现有进口编码器价格高。")
		}, "problem", ""},
		{"the distinctive part in the title", func(n *Need, _ *Enterprise) {
			n.Values.Set("title", "昆仑精密机械伺服编码器国产化")
		}, "title", ""},
		{"the name as the alias", func(n *Need, _ *Enterprise) {
			n.Values.Set("public_alias", "苏州昆仑精密机械有限公司")
		}, "public_alias", ""},
		{"the credit code in the indicators", func(n *Need, _ *Enterprise) {
			n.Values.Set("indicators", "参照 914403001922038216 企业标准。")
		}, "indicators", ""},
		{"a contact's mobile, full width", func(n *Need, _ *Enterprise) {
			n.Values.Set("expected_goal", "详询 １３８１２３４５６７８。")
		}, "expected_goal", "names_contact"},
		{"a contact's name in a keyword", func(n *Need, _ *Enterprise) {
			n.Values.SetList("keywords", []string{"编码器", "王晓明团队"})
		}, "keywords", "names_contact"},
		{"the name in an internal field is not published", func(n *Need, _ *Enterprise) {
			n.Values.Set("confidential_notes", "苏州昆仑精密机械有限公司老板很重视。")
		}, "", ""},
		{"the name in the basis, not published", func(n *Need, _ *Enterprise) {
			n.Values.Set("current_basis", "昆仑精密机械已投入 300 万元。")
		}, "", ""},
		{"the name in the basis, published", func(n *Need, _ *Enterprise) {
			n.Values.Set("current_basis", "昆仑精密机械已投入 300 万元。")
			n.Values.Set("current_basis_public", "true")
		}, "current_basis", ""},
		{"a named need may say its name", func(n *Need, _ *Enterprise) {
			n.Values.Set("visibility", "named")
			n.Values.Set("problem", "苏州昆仑精密机械有限公司现有进口编码器价格高。")
		}, "", ""},
		{"the distinctive part without its trade word", func(n *Need, e *Enterprise) {
			e.Values.Set("enterprise_name", "苏州阳澄新材料科技有限公司")
			n.Values.Set("problem", "阳澄新材料的隔膜涂层均匀性差。")
		}, "problem", ""},
		{"a mobile written with spaces", func(n *Need, _ *Enterprise) {
			n.Values.Set("problem", "联系电话 138 1234 5678。")
		}, "problem", "names_contact"},
		{"a mobile written with hyphens and +86", func(n *Need, _ *Enterprise) {
			n.Values.Set("problem", "联系电话 +86 138-1234-5678。")
		}, "problem", "names_contact"},
		{"the distinctive part with a space in it", func(n *Need, _ *Enterprise) {
			n.Values.Set("title", "昆仑 精密·机械的编码器国产化")
		}, "title", ""},
		{"a place name alone is no name", func(n *Need, _ *Enterprise) {
			n.Values.Set("problem", "昆山市玉山镇的产线需要国产替代。")
		}, "", ""},
		{"the address without its region", func(n *Need, e *Enterprise) {
			e.Values.Set("address", "昆山市玉山镇沙洲路 85 号")
			n.Values.Set("problem", "我司位于沙洲路85号，厂房需要改造。")
		}, "problem", ""},
		{"a named need may say its address", func(n *Need, e *Enterprise) {
			n.Values.Set("visibility", "named")
			e.Values.Set("address", "昆山市玉山镇沙洲路 85 号")
			n.Values.Set("problem", "我司位于沙洲路85号，厂房需要改造。")
		}, "", ""},
		{"a named need may not give a contact's mobile", func(n *Need, _ *Enterprise) {
			n.Values.Set("visibility", "named")
			n.Values.Set("problem", "联系人手机 13812345678，欢迎来电。")
		}, "problem", "names_contact"},
		{"a named need may not give a contact's name", func(n *Need, _ *Enterprise) {
			n.Values.Set("visibility", "named")
			n.Values.Set("expected_goal", "请与王晓明联系。")
		}, "expected_goal", "names_contact"},
		// Found from the outside: ways around the first versions.
		{"a mobile with zero-width spaces", func(n *Need, _ *Enterprise) {
			n.Values.Set("problem", "请联系 138\u200b1234\u200b5678。")
		}, "problem", "names_contact"},
		{"a mobile with soft hyphens and word joiners", func(n *Need, _ *Enterprise) {
			n.Values.Set("problem", "请联系 138\u00ad1234\u20605678。")
		}, "problem", "names_contact"},
		{"a name with a zero-width space", func(n *Need, _ *Enterprise) {
			n.Values.Set("visibility", "named")
			n.Values.Set("problem", "请找王\u200b晓明。")
		}, "problem", "names_contact"},
		{"a mobile in Chinese numerals", func(n *Need, _ *Enterprise) {
			n.Values.Set("problem", "电话一三八一二三四五六七八。")
		}, "problem", "names_contact"},
		{"a mobile in Arabic-Indic digits", func(n *Need, _ *Enterprise) {
			n.Values.Set("problem", "电话 ١٣٨١٢٣٤٥٦٧٨。")
		}, "problem", "names_contact"},
		{"a mobile in mathematical bold digits", func(n *Need, _ *Enterprise) {
			n.Values.Set("problem", "电话 𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖。")
		}, "problem", "names_contact"},
		{"a mobile split over the keywords", func(n *Need, _ *Enterprise) {
			n.Values.SetList("keywords", []string{"138", "1234", "5678"})
		}, "keywords", "names_contact"},
		{"a landline without its area code", func(n *Need, e *Enterprise) {
			e.Contacts[0].Values.Set("contact_landline", "0512-65246015")
			n.Values.Set("problem", "详询 6524 6015。")
		}, "problem", "names_contact"},
		{"a landline without its extension", func(n *Need, e *Enterprise) {
			e.Contacts[0].Values.Set("contact_landline", "0512-57701234-801")
			n.Values.Set("problem", "详询电话0512-57701234。")
		}, "problem", "names_contact"},
		{"the legal representative, named", func(n *Need, e *Enterprise) {
			n.Values.Set("visibility", "named")
			e.Values.Set("legal_representative", "王大锤")
			n.Values.Set("problem", "董事长王大锤高度重视。")
		}, "problem", "names_contact"},
		{"the address in Chinese numerals", func(n *Need, e *Enterprise) {
			e.Values.Set("address", "昆山市玉山镇沙洲路 85 号")
			n.Values.Set("problem", "我司位于沙洲路八十五号。")
		}, "problem", ""},
		{"the address to the house number", func(n *Need, e *Enterprise) {
			e.Values.Set("address", "昆山市玉山镇玉峰路188号3幢201室")
			n.Values.Set("problem", "我司位于玉峰路188号。")
		}, "problem", ""},
		{"the name's first four characters", func(n *Need, e *Enterprise) {
			e.Values.Set("enterprise_name", "苏州沙洲智能装备有限公司")
			n.Values.Set("problem", "本公司沙洲智能的产线。")
		}, "problem", ""},
		{"the distinctive part with a zero-width space", func(n *Need, _ *Enterprise) {
			n.Values.Set("title", "昆仑\u200b精密机械的编码器国产化")
		}, "title", ""},
		{"the name in traditional characters", func(n *Need, e *Enterprise) {
			e.Values.Set("enterprise_name", "苏州沙洲智能装备有限公司")
			n.Values.Set("problem", "本公司（沙洲智能裝備）的產線。")
		}, "problem", ""},
		{"a contact's name in traditional characters", func(n *Need, e *Enterprise) {
			n.Values.Set("visibility", "named")
			e.Contacts[0].Values.Set("contact_name", "张伟明")
			n.Values.Set("problem", "請找張偉明。")
		}, "problem", "names_contact"},
		{"a private need is not checked", func(n *Need, _ *Enterprise) {
			n.Values.Set("visibility", "private")
			n.Values.Set("problem", "联系人手机 13812345678。")
		}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, e := sampleNeed(), sampleEnterprise()
			tc.edit(n, e)
			if tc.code == "" {
				tc.code = "names_enterprise"
			}
			ps := cat.NamesEnterprise(n, e)
			switch {
			case tc.field == "" && len(ps) > 0:
				t.Errorf("problems %v", ps[0].Message(cat, "zh"))
			case tc.field != "" && (len(ps) == 0 || ps[0].Field != tc.field || ps[0].Code != tc.code):
				t.Errorf("problems %+v, want one on %s", ps, tc.field)
			}
			// Confirming is refused exactly when the need names its enterprise.
			n.Status = StatusToConfirm
			err := cat.Confirm(n, e, Confirmation{})
			var ae *AnonymityError
			if got := errors.As(err, &ae); got != (tc.field != "") {
				t.Errorf("Confirm: %v", err)
			}
			want := map[string]string{"names_enterprise": "匿名公开的需求不能写出企业", "names_contact": "不能写出联系人的个人信息"}[tc.code]
			if ae != nil && !strings.Contains(ae.Message("zh"), want) {
				t.Errorf("message %q", ae.Message("zh"))
			}
		})
	}
}

func TestSqueeze(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"138 1234-5678", "13812345678"},
		{"一三八", "138"},
		{"八十五号", "85号"},
		{"一百零五", "105"},
		{"十二个月", "12个月"},
		{"幺三八", "138"},
		{"①②", "12"},
		{"Ａｂ\u200bC", "abc"},
		{"裝備 張偉明", "装备张伟明"},
	} {
		if got := squeeze(tc.in); got != tc.want {
			t.Errorf("squeeze(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAddressCore(t *testing.T) {
	for _, tc := range []struct{ addr, region, want string }{
		{"昆山市玉山镇沙洲路 85 号", "320583102", "沙洲路 85 号"},
		{"江苏省苏州市工业园区星湖街 328 号", "320571", "星湖街 328 号"},
		{"苏州高新区科灵路 78 号 3 幢", "320505", "科灵路 78 号 3 幢"},
		{"张家港市经济技术开发区", "320582", ""},
		{"沙洲路 85 号", "", "沙洲路 85 号"},
	} {
		if got := addressCore(tc.addr, tc.region); got != tc.want {
			t.Errorf("addressCore(%q) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

func TestDistinctivePart(t *testing.T) {
	for _, tc := range []struct{ name, region, want string }{
		{"苏州昆仑精密机械有限公司", "320583102", "昆仑精密机械"},
		{"昆山市玉山精密机械股份有限公司", "320583", "玉山精密机械"},
		{"江苏苏州沙洲智能装备有限责任公司", "320582", "沙洲智能装备"},
		{"沙洲智能装备厂", "", "沙洲智能装备"},
		{"华为技术有限公司", "440300", "华为技术"},
		{"苏州虎丘检测技术有限公司", "320505", "虎丘检测技术"}, // 虎丘 is the 字号 here, though 虎丘区 is its district
	} {
		if got := distinctivePart(tc.name, tc.region); got != tc.want {
			t.Errorf("distinctivePart(%q, %s) = %q, want %q", tc.name, tc.region, got, tc.want)
		}
	}
}

func TestNamesPlace(t *testing.T) {
	cat := Default()
	for _, tc := range []struct {
		name, alias, problem, shown, want string
		vis                               Visibility
	}{
		{"the county in the alias, shown to the city", "常熟市某精工企业", "", "320500", "常熟市", VisibilityAnonymous},
		{"the county's short name", "常熟某精工企业", "", "320500", "常熟市", VisibilityAnonymous},
		{"the town in the text", "苏州市某精工企业", "我们在古里的新厂房。", "320581", "古里镇", VisibilityAnonymous},
		{"the county, shown to the county", "常熟市某精工企业", "", "320581", "", VisibilityAnonymous},
		{"the city may be named", "苏州市某精工企业", "", "", "", VisibilityAnonymous},
		{"shown with no region, the county still counts", "常熟市某精工企业", "", "", "常熟市", VisibilityAnonymous},
		{"a named need may say where it is", "常熟市某精工企业", "", "320500", "", VisibilityNamed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := sampleNeed()
			n.Values.Set("visibility", string(tc.vis))
			n.Values.Set("public_alias", tc.alias)
			if tc.problem != "" {
				n.Values.Set("problem", tc.problem)
			}
			if got := cat.NamesPlace(n, "320581104", tc.shown); got != tc.want {
				t.Errorf("NamesPlace = %q, want %q", got, tc.want)
			}
		})
	}
}
