package forms

import "strings"

// creditAlphabet is the character set of the 统一社会信用代码 (GB 32100-2015):
// digits and upper-case letters without I, O, S, V and Z.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// categoryPairs lists, per registering authority (position 1), the categories
// (position 2) GB 32100 allows.
var categoryPairs = map[byte]string{
	'1': "1239",     // 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
	'2': "19",       // 外交
	'3': "12345679", // 司法行政
	'4': "19",       // 文化
	'5': "1239",     // 民政: 社会团体, 民办非企业单位, 基金会, 其他
	'6': "129",      // 旅游
	'7': "129",      // 宗教
	'8': "19",       // 工会
	'9': "123",      // 工商 / 市场监管: 企业, 个体工商户, 农民专业合作社
	'A': "19",       // 中央军委改革和编制办公室
	'N': "12349",    // 农业: 村集体经济组织…
	'Y': "1",        // 其他
}

// CreditCodeLevel says how far a credit code got through the layered check.
type CreditCodeLevel int

// The layers of the check, in order. Each failure stops at its layer.
const (
	CreditCodeOK        CreditCodeLevel = iota // passes every layer
	CreditCodeEmpty                            // nothing entered
	CreditCodeFormat                           // wrong length or characters
	CreditCodeCategory                         // authority/category pair unknown
	CreditCodeInner                            // GB 11714 organisation code check fails
	CreditCodeCheckChar                        // GB 32100 check character fails: a warning, overridable
)

// CreditCodeResult is the outcome of [CheckCreditCode].
type CreditCodeResult struct {
	Normalized string          // upper case, no spaces, half-width
	Level      CreditCodeLevel // CreditCodeOK when valid
	Want       byte            // for CreditCodeCheckChar: the check character the code should have
	WantInner  byte            // for CreditCodeInner: the organisation code check character expected
}

// NormalizeCreditCode upper-cases, folds full-width characters and removes
// spaces, dashes and other separators.
func NormalizeCreditCode(s string) string {
	if normalCreditCode(s) {
		return s // the common case: already digits and capitals, nothing to copy
	}
	s = Fold(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '-', '_', '.', '\u00a0':
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// normalCreditCode reports whether s is already as NormalizeCreditCode
// makes it: ASCII digits and capital letters only.
func normalCreditCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// CheckCreditCode runs the layered check on a 统一社会信用代码: format, the
// authority/category pair, the GB 11714 check of the embedded organisation code,
// and the GB 32100 check character. Some genuine early codes fail only the last
// layer, so callers treat CreditCodeCheckChar as a warning the user may override.
func CheckCreditCode(s string) CreditCodeResult {
	n := NormalizeCreditCode(s)
	r := CreditCodeResult{Normalized: n}
	if n == "" {
		r.Level = CreditCodeEmpty
		return r
	}
	if len(n) != 18 {
		r.Level = CreditCodeFormat
		return r
	}
	var idx [18]int
	for i := 0; i < 18; i++ {
		j := strings.IndexByte(creditAlphabet, n[i])
		if j < 0 {
			r.Level = CreditCodeFormat
			return r
		}
		idx[i] = j
	}
	// Positions 3–8 are a region code: digits only.
	for i := 2; i < 8; i++ {
		if n[i] < '0' || n[i] > '9' {
			r.Level = CreditCodeFormat
			return r
		}
	}
	if cats, ok := categoryPairs[n[0]]; !ok || strings.IndexByte(cats, n[1]) < 0 {
		r.Level = CreditCodeCategory
		return r
	}
	if want := orgCheck(n[8:16]); want != n[16] {
		r.Level = CreditCodeInner
		r.WantInner = want
		return r
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += idx[i] * creditWeights[i]
	}
	want := creditAlphabet[(31-sum%31)%31]
	if want != n[17] {
		r.Level = CreditCodeCheckChar
		r.Want = want
		return r
	}
	return r
}

// orgCheck computes the GB 11714 check character of an 8-character
// organisation code body; letters count A=10 … Z=35.
func orgCheck(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}
