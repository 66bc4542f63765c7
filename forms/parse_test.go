package forms

import (
	"slices"
	"testing"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in, wan string
		neg     bool
		bad     bool
	}{
		{in: "50", wan: "50"},
		{in: "50万", wan: "50"},
		{in: "50万元", wan: "50"},
		{in: "５０万元", wan: "50"},
		{in: "0.5亿", wan: "5000"},
		{in: "1.2亿元", wan: "12000"},
		{in: "500,000元", wan: "50"},
		{in: "¥500000元", wan: "50"},
		{in: "12345元", wan: "1.2345"},
		{in: "约 30 万元", wan: "30"},
		{in: "面议", neg: true},
		{in: "待定", neg: true},
		{in: "很多", bad: true},
		{in: "-5", bad: true},
		{in: "5e9", bad: true},
		{in: "", bad: true},
	}
	for _, tt := range tests {
		m, err := ParseMoney(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseMoney(%q) = %+v, want an error", tt.in, m)
			}
			continue
		}
		if err != nil || m.Wan != tt.wan || m.Negotiable != tt.neg {
			t.Errorf("ParseMoney(%q) = %+v, %v; want %q negotiable=%v", tt.in, m, err, tt.wan, tt.neg)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"45473", "2024-06-30"},
		{"45473.5", "2024-06-30"},
		{"2024-06-30", "2024-06-30"},
		{"2024/6/30", "2024-06-30"},
		{"2024.6.30", "2024-06-30"},
		{"2024年6月30日", "2024-06-30"},
		{"2024年6月", "2024-06"},
		{"2024.6", "2024-06"},
		{"2024-06", "2024-06"},
		{"2024年6月底前", ""},
		{"2024-02-30", ""},
		{"明年", ""},
		{"2024", ""},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseDate(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseInput(t *testing.T) {
	cat := Default()
	tests := []struct {
		field, in string
		want      []string
		bad       bool
	}{
		{"need_type", "技术改造", []string{"02"}, false},
		{"need_type", "关键核心技术", []string{"00"}, false},
		{"need_type", "13", []string{"13"}, false},
		{"need_type", "未知类型", nil, true},
		{"cooperation_modes", "合作开发、委托开发；技术转让", []string{"02", "01", "03"}, false},
		{"cooperation_modes", "合作开发,作价入股\n其他", []string{"02", "07", "99"}, false},
		{"keywords", "编码器，伺服 电机；国产化", []string{"编码器", "伺服 电机", "国产化"}, false},
		{"contact_mobile", "+86 138-1234-5678", []string{"13812345678"}, false},
		{"contact_mobile", "138 1234 5678", []string{"13812345678"}, false},
		{"credit_code", " 91110108551385082q ", []string{"91110108551385082Q"}, false},
		{"key_core", "是", []string{"true"}, false},
		{"key_core", "√", []string{"true"}, false},
		{"key_core", "也许", nil, true},
		{"rd_staff", "12人", []string{"12"}, false},
		{"budget_wan", "0.5亿", []string{"5000"}, false},
		{"budget_wan", "面议", []string{Negotiable}, false},
		{"rd_spend_wan", "面议", nil, true},
		{"timeframe", "2024年6月", []string{"2024-06"}, false},
		{"title", "  一行   标题  ", []string{"一行 标题"}, false},
		{"contact_email", "Wang@Example.COM", []string{"wang@example.com"}, false},
	}
	for _, tt := range tests {
		got, err := cat.ParseInput(cat.MustField(tt.field), tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("%s %q: %q, want an error", tt.field, tt.in, got)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s %q: %q, %v; want %q", tt.field, tt.in, got, err, tt.want)
		}
	}
}

func TestSetInputNegotiable(t *testing.T) {
	cat := Default()
	v := Values{"budget_wan": {"50"}}
	if err := cat.SetInput(v, cat.MustField("budget_wan"), "面议"); err != nil {
		t.Fatal(err)
	}
	if v.Has("budget_wan") || !v.Bool("budget_negotiable") {
		t.Fatalf("面议: %v", v)
	}
	if err := cat.SetInput(v, cat.MustField("budget_wan"), "80万元"); err != nil {
		t.Fatal(err)
	}
	if v.Get("budget_wan") != "80" || v.Has("budget_negotiable") {
		t.Fatalf("80万元: %v", v)
	}
	if err := cat.SetInput(v, cat.MustField("budget_wan"), "很多"); err == nil {
		t.Fatal("很多 accepted")
	} else if pe, ok := err.(*ParseError); !ok || pe.Field != "budget_wan" {
		t.Fatalf("error %v does not name the field", err)
	}
	if v.Get("budget_wan") != "80" {
		t.Fatalf("a bad input changed the value: %v", v)
	}
}
