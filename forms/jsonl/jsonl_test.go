package jsonl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
)

func records() ([]*forms.Enterprise, []*forms.Need) {
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	e := &forms.Enterprise{ID: "e-1", Rev: "r-e1", CreatedAt: at, UpdatedAt: at,
		Values:   forms.Values{"enterprise_name": {"苏州昆仑精密机械有限公司"}, "credit_code": {"914403001922038216"}, "region": {"320583102"}, "qualifications": {"hnte", "srdi"}},
		Contacts: []forms.Contact{{ID: "c-1", Values: forms.Values{"contact_name": {"王晓明"}, "contact_mobile": {"13812345678"}}}},
	}
	n := &forms.Need{ID: "n-1", EnterpriseID: "e-1", Rev: "r-n1", BaseRev: "r-n0", Status: forms.StatusToConfirm, CreatedAt: at, UpdatedAt: at,
		Values:    forms.Values{"title": {"高精度伺服电机编码器国产化"}, "budget_wan": {"200.5"}, "budget_negotiable": {"false"}, "keywords": {"编码器", "伺服"}, "visibility": {"named"}},
		Diagnosis: &forms.Diagnosis{Values: forms.Values{"diag_conclusion": {"valid"}}, By: "李", At: at},
	}
	return []*forms.Enterprise{e}, []*forms.Need{n}
}

func write(t *testing.T, ents []*forms.Enterprise, needs []*forms.Need) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, e := range ents {
		if err := w.Enterprise(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range needs {
		if err := w.Need(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTripIsExact(t *testing.T) {
	ents, needs := records()
	first := write(t, ents, needs)
	if !bytes.HasPrefix(first, []byte(`{"type":"enterprise","id":"e-1",`)) {
		t.Errorf("line does not start with its type: %.60s", first)
	}
	b, err := Read(context.Background(), bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Problems) != 0 || len(b.Enterprises) != 1 || len(b.Needs) != 1 {
		t.Fatalf("read back: %d enterprises, %d needs, problems %v", len(b.Enterprises), len(b.Needs), b.Problems)
	}
	if second := write(t, b.Enterprises, b.Needs); !bytes.Equal(first, second) {
		t.Errorf("round trip differs:\n%s\n%s", first, second)
	}
}

func TestReadReportsEveryBadLine(t *testing.T) {
	ents, needs := records()
	good := string(write(t, ents, needs))
	lines := strings.Split(strings.TrimSpace(good), "\n")
	file := strings.Join([]string{
		lines[0], // 1: ok
		`{"type":"need","id":"n-2","enterprise_id":"e-1","status":"draft","title":"电机"`,       // 2: broken JSON
		`{"type":"need","id":"n-3","enterprise_id":"e-1","status":"draft","budget_wan":"很多"}`, // 3: bad money
		`{"type":"need","id":"n-4","enterprise_id":"e-1","status":"maybe"}`,                   // 4: bad status
		``, // 5: blank, fine
		`{"type":"enterprise","id":"e-2","credit_code":"123"}`,                              // 6: bad credit code
		`{"type":"need","id":"n-5","enterprise_id":"e-1","status":"draft","title":{"x":1}}`, // 7: object as value
		`{"type":"widget","id":"w"}`,                                                        // 8: unknown type
		`{"type":"need","enterprise_id":"e-1","status":"draft"}`,                            // 9: no id
		lines[1], // 10: ok
		lines[0], // 11: duplicate id
		`{"type":"enterprise","id":"e-3","enterprise_name":"某公司有限公司","credit_code":"914403001922038217"}`, // 12: warning only
	}, "\n")
	b, err := Read(context.Background(), strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{2: "", 3: "budget_wan", 4: "status", 6: "credit_code", 7: "title", 8: "type", 9: "id", 11: "id"}
	got := map[int]string{}
	for _, p := range b.Problems {
		if p.Severity == forms.SeverityError {
			got[p.Line] = p.Field
		}
		if msg := p.Message("zh"); !strings.Contains(msg, "第 ") {
			t.Errorf("message %q does not name the line", msg)
		}
	}
	for line, field := range want {
		if f, ok := got[line]; !ok || f != field {
			t.Errorf("line %d: got field %q (reported %v), want %q", line, f, ok, field)
		}
	}
	if len(got) != len(want) {
		t.Errorf("errors on lines %v, want exactly %v", got, want)
	}
	if len(b.Enterprises) != 2 || len(b.Needs) != 1 {
		t.Errorf("clean records: %d enterprises, %d needs; want 2 and 1", len(b.Enterprises), len(b.Needs))
	}
	if b.Errors() != len(want) {
		t.Errorf("Errors() = %d", b.Errors())
	}
}

func TestMessageNamesFieldInBothLanguages(t *testing.T) {
	_, _, ps := DecodeLine(7, []byte(`{"type":"need","id":"n","enterprise_id":"e","status":"draft","budget_wan":"很多"}`))
	if len(ps) != 1 {
		t.Fatalf("problems %v", ps)
	}
	if zh := ps[0].Message("zh"); !strings.Contains(zh, "第 7 行") || !strings.Contains(zh, "拟投入资金") {
		t.Errorf("zh %q", zh)
	}
	if en := ps[0].Message("en"); !strings.Contains(en, "line 7") || !strings.Contains(en, "Budget") {
		t.Errorf("en %q", en)
	}
}

// writtenLines are the lines the writer makes of an enterprise and a need
// (and the empty last one), fuzzing seeds.
func writtenLines() []string {
	ents, needs := records()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Enterprise(ents[0])
	w.Need(needs[0])
	w.Flush()
	return strings.Split(buf.String(), "\n")
}

func FuzzDecodeLine(f *testing.F) {
	for _, l := range writtenLines() {
		f.Add([]byte(l))
	}
	f.Add([]byte(`{"type":"need","id":"x","title":[["a"]]}`))
	f.Add([]byte(`{"type":"need","id":"x","title":1e999}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, n, ps := DecodeLine(1, line)
		if e != nil && n != nil {
			t.Fatal("both an enterprise and a need")
		}
		if !hasError(ps) && e == nil && n == nil {
			t.Fatal("no record and no error")
		}
		// A record that decoded cleanly must survive a round trip unchanged.
		if !hasError(ps) {
			var out bytes.Buffer
			w := NewWriter(&out)
			if e != nil {
				w.Enterprise(e)
			} else {
				w.Need(n)
			}
			w.Flush()
			e2, n2, ps2 := DecodeLine(1, bytes.TrimSpace(out.Bytes()))
			if hasError(ps2) {
				t.Fatalf("re-encoded record has errors: %v\n%s", ps2, out.Bytes())
			}
			var again bytes.Buffer
			w2 := NewWriter(&again)
			if e2 != nil {
				w2.Enterprise(e2)
			} else {
				w2.Need(n2)
			}
			w2.Flush()
			if !bytes.Equal(out.Bytes(), again.Bytes()) {
				t.Fatalf("not stable:\n%s\n%s", out.Bytes(), again.Bytes())
			}
		}
	})
}

// TestReadUpgradesLegacyTechFields: a JSON Lines export written before the
// tech fields had their official codes reads with the new codes, without an
// error (issue 13.2).
func TestReadUpgradesLegacyTechFields(t *testing.T) {
	ents, needs := records()
	needs[0].Values.SetList("tech_fields", []string{"08", "0804"})
	b, err := Read(context.Background(), bytes.NewReader(write(t, ents, needs)))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Problems) != 0 || len(b.Needs) != 1 {
		t.Fatalf("problems %v", b.Problems)
	}
	if got := b.Needs[0].Values.List("tech_fields"); len(got) != 2 || got[0] != "80" || got[1] != "804" {
		t.Errorf("tech_fields %v", got)
	}
}

// FuzzUnmarshalScanned holds unmarshalScanned to json.Unmarshal: the same
// record, or the same error, for any line that is JSON; and no record for
// one that is not (a line changed after it was scanned).
func FuzzUnmarshalScanned(f *testing.F) {
	for _, l := range writtenLines() {
		f.Add([]byte(l))
		f.Add([]byte(" \t" + l + "\r\n"))
	}
	f.Add([]byte(`{"type":"need","id":"x","title":[["a"]]}`))
	f.Add([]byte(`{"type":"need","id":"x"} {}`))
	f.Add([]byte(`{"type":"need","id":"x","id":"y","TITLE":"大"}`))
	f.Add([]byte("{\"type\":\"need\",\"id\":\"x\"}\v"))
	f.Add([]byte(`{"type":"need","id":"x","title":"a"`))
	f.Add([]byte(`[1]`))
	f.Fuzz(func(t *testing.T, line []byte) {
		valid := json.Valid(line)
		var n1, n2 forms.Need
		err1, err2 := json.Unmarshal(line, &n1), unmarshalScanned(line, &n2)
		if valid && (fmt.Sprint(err1) != fmt.Sprint(err2) || !reflect.DeepEqual(n1, n2)) {
			t.Fatalf("need: json.Unmarshal %v %+v\nunmarshalScanned %v %+v", err1, n1, err2, n2)
		}
		if !valid && err2 == nil {
			t.Fatalf("need from a line that is not JSON: %+v", n2)
		}
		var e1, e2 forms.Enterprise
		err1, err2 = json.Unmarshal(line, &e1), unmarshalScanned(line, &e2)
		if valid && (fmt.Sprint(err1) != fmt.Sprint(err2) || !reflect.DeepEqual(e1, e2)) {
			t.Fatalf("enterprise: json.Unmarshal %v %+v\nunmarshalScanned %v %+v", err1, e1, err2, e2)
		}
		if !valid && err2 == nil {
			t.Fatalf("enterprise from a line that is not JSON: %+v", e2)
		}
	})
}
