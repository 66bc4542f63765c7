package forms

import (
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
