package forms

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNeedJSONRoundTrip(t *testing.T) {
	n := sampleNeed()
	n.Values.Set("key_core", "true")
	n.Values.Set("future_field", "from a newer catalogue")
	n.CreatedAt = time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)
	n.Diagnosis = &Diagnosis{Values: Values{"diag_conclusion": {"valid"}, "diag_validity": {"pass"}}, By: "李", At: n.CreatedAt}
	n.Confirmation = &Confirmation{Values: Values{"confirmer_name": {"王晓明"}}, ContentHash: "ab", Content: []byte(`{"a":1}`), Visibility: VisibilityAnonymous}
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"title":"高精度伺服电机编码器国产化"`, `"budget_wan":200`, `"key_core":true`, `"tech_fields":["80","804"]`, `"diag_conclusion":"valid"`, `"future_field":"from a newer catalogue"`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s: %s", want, s)
		}
	}
	var back Need
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*n, back) {
		t.Errorf("round trip differs:\n%+v\n%+v", *n, back)
	}
	again, _ := json.Marshal(back)
	if string(again) != s {
		t.Errorf("second encoding differs:\n%s\n%s", s, again)
	}
}

func TestEnterpriseJSONRoundTrip(t *testing.T) {
	e := sampleEnterprise()
	e.Overrides = []string{"credit_code.check_char"}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var back Enterprise
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*e, back) {
		t.Errorf("round trip differs:\n%+v\n%+v", *e, back)
	}
}

func TestDecodeRejectsObjectsAsValues(t *testing.T) {
	var n Need
	err := json.Unmarshal([]byte(`{"id":"x","title":{"a":1}}`), &n)
	fe, ok := err.(*FieldTypeError)
	if !ok || fe.Field != "title" {
		t.Fatalf("error %v, want a FieldTypeError on title", err)
	}
}

func TestCloneIsDeep(t *testing.T) {
	n := sampleNeed()
	n.Diagnosis = &Diagnosis{Values: Values{"diag_conclusion": {"valid"}}}
	n.Confirmation = &Confirmation{Values: Values{"confirmer_name": {"王晓明"}}, Signature: []byte{1}, Content: []byte("x")}
	c := n.Clone()
	if !reflect.DeepEqual(n, c) {
		t.Fatal("clone differs")
	}
	c.Values["title"][0] = "改"
	c.Diagnosis.Values.Set("diag_conclusion", "reject")
	c.Confirmation.Signature[0], c.Confirmation.Content[0] = 9, 'y'
	if n.Title() == "改" || n.Diagnosis.Conclusion() != "valid" || n.Confirmation.Signature[0] != 1 || n.Confirmation.Content[0] != 'x' {
		t.Error("changing the clone changed the original")
	}
	e := sampleEnterprise()
	ec := e.Clone()
	ec.Contacts[0].Values.Set("contact_name", "别人")
	if e.Contacts[0].Values.Get("contact_name") != "王晓明" {
		t.Error("changing the enterprise clone changed the original")
	}
}

// encodeValueWithEncoder is how values were encoded before appendValue: an
// encoding/json Encoder with HTML escaping off per value. appendValue must
// write the same bytes (stored revisions and content hashes depend on them).
func encodeValueWithEncoder(f *Field, l []string) string {
	enc := func(v any) string {
		var buf bytes.Buffer
		e := json.NewEncoder(&buf)
		e.SetEscapeHTML(false)
		if err := e.Encode(v); err != nil {
			panic(err)
		}
		return strings.TrimRight(buf.String(), "\n")
	}
	if f == nil && len(l) == 1 {
		return enc(l[0])
	}
	if f == nil || f.Kind.Multi() || len(l) > 1 {
		return enc(l)
	}
	s := l[0]
	switch f.Kind {
	case KindBool:
		if s == "true" || s == "false" {
			return s
		}
	case KindNumber, KindMoney:
		if decimalRe.MatchString(s) && json.Valid([]byte(s)) {
			return s
		}
	}
	return enc(s)
}

// FuzzAppendValue checks appendValue against the Encoder it replaced, for
// every kind of field.
func FuzzAppendValue(f *testing.F) {
	f.Add("title", "高精度MEMS<传感器>&\"封装\"\n\t\x01\u2028\xff", "", false)
	f.Add("budget_wan", "12.50", "", false)
	f.Add("budget_wan", "1e3", "", false)
	f.Add("above_scale", "true", "", false)
	f.Add("keywords", "传感器", "检测", true)
	f.Add("unknown_field", "x", "", false)
	cat := Default()
	f.Fuzz(func(t *testing.T, id, a, b string, two bool) {
		fld, _ := cat.Field(id)
		l := []string{a}
		if two {
			l = append(l, b)
		}
		want := encodeValueWithEncoder(fld, l)
		if got := string(appendValue(nil, fld, l)); got != want {
			t.Errorf("appendValue(%s, %q) = %s, want %s", id, l, got, want)
		}
	})
}
