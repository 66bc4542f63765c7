package forms

import (
	"slices"
	"testing"
)

// TestNewNeedFields is issue 13.3: the fields the real forms have, as
// catalogue entries whose data classes keep redaction right.
func TestNewNeedFields(t *testing.T) {
	cat := Default()
	for _, tt := range []struct {
		id     string
		kind   Kind
		class  DataClass
		upload bool
	}{
		{"tech_manager", KindText, ClassInternal, true},
		{"activity", KindText, ClassInternal, true},
		{"platform_need_no", KindText, ClassInternal, true},
		{"valid_until", KindDate, ClassPublic, false},
		{"period_start_year", KindNumber, ClassPublic, false},
		{"period_end_year", KindNumber, ClassPublic, false},
		{"current_basis_public", KindBool, ClassPublic, false},
	} {
		f, ok := cat.Field(tt.id)
		if !ok || f.Entity != EntityNeed || f.Kind != tt.kind || f.Class != tt.class || f.Upload != tt.upload {
			t.Errorf("field %s: %+v", tt.id, f)
		}
	}
	if f := cat.MustField("current_basis"); f.Class != ClassSecret || f.PublishFlag != "current_basis_public" {
		t.Errorf("current_basis: class %s, publish flag %q", f.Class, f.PublishFlag)
	}
	for header, id := range map[string]string{"机构属性": "institution_type", "需求时限": "period_start_year", "需求有效期": "valid_until",
		"截止日期": "valid_until", "技术经理人": "tech_manager", "专场": "activity", "平台需求编号": "platform_need_no", "期望完成时间": "timeframe"} {
		if f, ok := cat.FieldByHeader(header); !ok || f.ID != id {
			t.Errorf("header %s maps to %v, want %s", header, f, id)
		}
	}
	// The header 需求编号 is no field: it is xunbang's id or the platform's
	// number, told by its value (forms/xlsx).
	if f, ok := cat.FieldByHeader("需求编号"); ok {
		t.Errorf("需求编号 maps to %s", f.ID)
	}
}

// TestCurrentBasisPublishedByChoice: 现有基础 is a business secret unless
// the enterprise chose, need by need, to publish it; the team's own
// fields (技术经理人, 专场, the platform's number) are never published.
func TestCurrentBasisPublishedByChoice(t *testing.T) {
	cat := Default()
	for _, vis := range []string{"named", "anonymous"} {
		for _, choice := range []bool{false, true} {
			n, e := sampleNeed(), sampleEnterprise()
			n.Values.Set("visibility", vis)
			n.Values.Set("tech_manager", "李科技")
			n.Values.Set("activity", "2026 吴江区揭榜挂帅专场")
			n.Values.Set("platform_need_no", "FT6851882291613696")
			if choice {
				n.Values.Set("current_basis_public", "true")
			}
			for _, reuse := range []bool{false, true} {
				var p PublicNeed
				if reuse {
					cat.PublishInto(&p, n, e)
				} else {
					p, _ = cat.Publish(n, e)
				}
				if got := p.Values.Has("current_basis"); got != choice {
					t.Errorf("%s, chosen %v, reuse %v: current basis published %v", vis, choice, reuse, got)
				}
				for _, id := range []string{"tech_manager", "activity", "platform_need_no", "confidential_notes"} {
					if p.Values.Has(id) {
						t.Errorf("%s: internal field %s published", vis, id)
					}
				}
			}
		}
	}
	// The choice is part of what the enterprise confirms.
	n, e := sampleNeed(), sampleEnterprise()
	before := cat.ContentHash(n, e)
	n.Values.Set("current_basis_public", "true")
	if cat.ContentHash(n, e) == before {
		t.Error("publishing the current basis does not change the confirmed content")
	}
	n.Values.Set("tech_manager", "周镇长")
	after := cat.ContentHash(n, e)
	n.Values.Set("tech_manager", "钱经理")
	if cat.ContentHash(n, e) != after {
		t.Error("a change of the responsible manager made the confirmation stale")
	}
}

func TestNeedPeriod(t *testing.T) {
	cat := Default()
	n := sampleNeed()
	n.Values.Set("period_start_year", "2027")
	n.Values.Set("period_end_year", "2025")
	if ps := cat.ValidateNeed(n, Draft); !slices.ContainsFunc(ps, func(p Problem) bool { return p.Field == "period_end_year" && p.Code == "range" }) {
		t.Errorf("an end before the start: %v", messages(cat, ps))
	}
	n.Values.Set("period_end_year", "2028")
	if ps := cat.ValidateNeed(n, Final); len(ps) != 0 {
		t.Errorf("a good period: %v", messages(cat, ps))
	}
}
