package forms

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
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

// A multi-valued cell keeps an option whose label holds a list separator
// whole, and still splits options joined by one.
func TestParseInputLabelsWithSeparators(t *testing.T) {
	cat := Default()
	tests := []struct {
		field, in string
		want      []string
		bad       string // the part named in the error
	}{
		{"tech_fields", "中药、天然药物", []string{"202"}, ""},
		{"tech_fields", " 中药 、天然药物 ", []string{"202"}, ""},
		{"tech_fields", "化学药研发技术、医药生物技术", []string{"203", "201"}, ""},
		{"tech_fields", "中药、天然药物，化学药研发技术", []string{"202", "203"}, ""},
		{"tech_fields", "化学药研发技术，中药、天然药物", []string{"203", "202"}, ""},
		{"tech_fields", "中药、天然药物、医疗仪器、设备与医学专用软件", []string{"202", "205"}, ""},
		{"tech_fields", "医药生物技术;中药、天然药物\n0203", []string{"201", "202", "203"}, ""},
		{"tech_fields", "Traditional Chinese and natural medicine, Chemical drug R&D", []string{"202", "203"}, ""},
		{"tech_fields", "中药、天然药物、西药", nil, "西药"},
		{"tech_fields", "中药、化学药研发技术", nil, "中药"},
		{"tech_fields", "、；", nil, ""},
		{"cooperation_modes", "合作开发、委托开发；技术转让", []string{"02", "01", "03"}, ""},
	}
	for _, tt := range tests {
		got, err := cat.ParseInput(cat.MustField(tt.field), tt.in)
		if tt.bad != "" {
			pe, ok := err.(*ParseError)
			if !ok || !strings.Contains(pe.en, strconv.Quote(tt.bad)) {
				t.Errorf("%s %q: %q, %v; want an error naming %q", tt.field, tt.in, got, err, tt.bad)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s %q: %q, %v; want %q", tt.field, tt.in, got, err, tt.want)
		}
	}
}

// Any two options of any multi-valued field, written by label and joined by
// 、 or ，, read back as those two options: joining never makes a run of
// parts that names a third option first.
func TestParseInputEveryPairOfLabels(t *testing.T) {
	cat := Default()
	for _, f := range cat.Fields() {
		if f.Kind != KindMultiEnum {
			continue
		}
		opts := cat.Vocabulary(f.Vocabulary).Options
		for _, a := range opts {
			for _, b := range opts {
				for _, sep := range []string{"、", "，"} {
					in := a.ZH + sep + b.ZH
					got, err := cat.ParseInput(f, in)
					if err != nil || len(got) != 2 || got[0] != a.Code || got[1] != b.Code {
						t.Fatalf("%s %q: %q, %v; want [%s %s]", f.ID, in, got, err, a.Code, b.Code)
					}
				}
			}
		}
	}
}

func TestListSpans(t *testing.T) {
	for _, s := range []string{
		"", "a", "、", "a、b", " a 、 b ,c;;d\n\re", "\u00a0x\u00a0|/y", "\xc2\xa0\xa0\xa0、z", "　全角　空格　",
		"中药、天然药物，化学药", "\xff,\xfe", "tab\tin、\tside\t",
	} {
		checkListSpans(t, s)
	}
}

func FuzzListSpans(f *testing.F) {
	for _, s := range []string{"a、b", " a ,\u00a0b", "\xc2\xa0\xa0\xa0、z"} {
		f.Add(s)
	}
	f.Fuzz(checkListSpans)
}

// checkListSpans fails t unless listSpans finds exactly the parts SplitList
// gives.
func checkListSpans(t *testing.T, s string) {
	want := SplitList(s)
	spans := listSpans(s)
	got := make([]string, len(spans))
	for i, sp := range spans {
		got[i] = s[sp.start:sp.end]
	}
	if !slices.Equal(got, want) {
		t.Fatalf("listSpans(%q) gives %q, SplitList %q", s, got, want)
	}
}

func TestParseInputKeywords(t *testing.T) {
	cat := Default()
	f := cat.MustField("keywords")
	for in, want := range map[string][]string{
		"编码器、伺服":  {"编码器", "伺服"},
		"、；,":     nil,
		" 数控 ":    {"数控"},
		"a/b|c　d": {"a", "b", "c", "d"},
	} {
		got, err := cat.ParseInput(f, in)
		if err != nil || !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Errorf("keywords %q: %#v, %v; want %#v", in, got, err, want)
		}
	}
}

// shiftDecimalRat is how ParseMoney first scaled an amount, with big.Rat:
// the reference for shiftDecimal.
func shiftDecimalRat(t string, shift int) string {
	r, ok := new(big.Rat).SetString(t)
	if !ok {
		panic("not a decimal: " + t)
	}
	scale := new(big.Rat).SetInt64(1)
	switch shift {
	case 4:
		scale.SetInt64(10000)
	case -1:
		scale.SetFrac64(1, 10)
	case -4:
		scale.SetFrac64(1, 10000)
	}
	return r.Mul(r, scale).FloatString(4)
}

var decimalTable = []string{
	"0", "00", "000.000", "1", "5", "9", "10", "50", "050", "0.5", "0.05", "0.00005", "0.00004999",
	"0.00015", "0.000149", "1.2", "12345", "99999", "99999.99995", "9.99995", "9.99994", "0.99995",
	"0.000049999", "0.00005", "0.0000500", "123456789012345678901234567890", "999999999999999999999999999999",
	"9999999999999999999999999999.9", "1.23456789", "0.12345", "0.12344", "45.00005", "100000000", "3.14159265358979",
}

func TestShiftDecimalMatchesBigRat(t *testing.T) {
	for _, d := range decimalTable {
		for _, shift := range []int{4, 0, -1, -4} {
			if got, want := shiftDecimal(d, shift), shiftDecimalRat(d, shift); got != want {
				t.Errorf("shiftDecimal(%q, %d) = %q, big.Rat gives %q", d, shift, got, want)
			}
		}
	}
}

func FuzzShiftDecimal(f *testing.F) {
	for _, d := range decimalTable {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, d string) {
		if !decimalRe.MatchString(d) || strings.HasPrefix(d, "-") || len(d) > 30 {
			return // ParseMoney rejects these before scaling
		}
		for _, shift := range []int{4, 0, -1, -4} {
			if got, want := shiftDecimal(d, shift), shiftDecimalRat(d, shift); got != want {
				t.Fatalf("shiftDecimal(%q, %d) = %q, big.Rat gives %q", d, shift, got, want)
			}
		}
	})
}

// parseMoneyRat is ParseMoney as first written, with big.Rat and a
// replacer built on each call: the reference for the faster one.
func parseMoneyRat(s string) (Money, error) {
	t := matchKey(strings.TrimSpace(s))
	t = strings.NewReplacer(",", "", "￥", "", "¥", "", "rmb", "", "人民币", "", "约", "", "左右", "", "以内", "", "以上", "").Replace(t)
	switch t {
	case "面议", "待定", "协商", "商议", "议定", "面谈", "negotiable":
		return Money{Negotiable: true}, nil
	}
	scale := new(big.Rat).SetInt64(1)
	switch {
	case strings.HasSuffix(t, "亿元"), strings.HasSuffix(t, "亿"):
		t = strings.TrimSuffix(strings.TrimSuffix(t, "元"), "亿")
		scale.SetInt64(10000)
	case strings.HasSuffix(t, "万元"), strings.HasSuffix(t, "万"):
		t = strings.TrimSuffix(strings.TrimSuffix(t, "元"), "万")
	case strings.HasSuffix(t, "千元"):
		t = strings.TrimSuffix(t, "千元")
		scale.SetFrac64(1, 10)
	case strings.HasSuffix(t, "元"):
		t = strings.TrimSuffix(t, "元")
		scale.SetFrac64(1, 10000)
	}
	if !decimalRe.MatchString(t) || strings.HasPrefix(t, "-") || len(t) > 30 {
		return Money{}, fmt.Errorf("not an amount: %q", s)
	}
	r, ok := new(big.Rat).SetString(t)
	if !ok {
		return Money{}, fmt.Errorf("not an amount: %q", s)
	}
	r.Mul(r, scale)
	return Money{Wan: canonicalDecimal(r.FloatString(4))}, nil
}

var moneyTable = []string{
	"50", "50万", "50万元", "５０万元", "0.5亿", "1.2亿元", "500,000元", "¥500000元", "￥1,234.5元", "12345元",
	"12345.67元", "0.00001万", "0.00005万元", "1元", "0.5元", "5千元", "0.15千元", "约 30 万元", "30万左右", "RMB 8万",
	"人民币8亿以上", "100万以内", "面议", "待定", "Negotiable", "很多", "-5", "5e9", "", "万元", "亿", ".5", "5.",
	"0.000000000000000000000000001亿", "999999999999999999999999999999", "9999999999999999999999999999999",
	"1,000,000,000,000,000,000,000,000,000元", "0050.0500万", "3.14159亿元", "1 2 3", "１２．５万元",
}

func TestParseMoneyMatchesBigRat(t *testing.T) {
	for _, s := range moneyTable {
		checkParseMoney(t, s)
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range moneyTable {
		f.Add(s)
	}
	f.Fuzz(checkParseMoney)
}

func checkParseMoney(t *testing.T, s string) {
	got, err := ParseMoney(s)
	want, wantErr := parseMoneyRat(s)
	if got != want || (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("ParseMoney(%q) = %+v, %v; big.Rat version %+v, %v", s, got, err, want, wantErr)
	}
}
