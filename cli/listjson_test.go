package cli

import (
	"bytes"
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

func TestNeedLine(t *testing.T) {
	tests := []struct {
		name, raw, ent, want string
	}{
		{"adds the name", `{"id":"a","status":"draft","title":"主轴"}`, "苏州纳微", `{"id":"a","status":"draft","title":"主轴","enterprise_name":"苏州纳微"}`},
		{"adds an empty title", `{"id":"a","status":"draft"}`, "x", `{"id":"a","status":"draft","enterprise_name":"x","title":""}`},
		{"replaces a stored name", `{"enterprise_name":"旧","id":"a","title":"t"}`, "新", `{"enterprise_name":"新","id":"a","title":"t"}`},
		{"replaces, adds the title", `{"id":"a","enterprise_name":"旧"}`, "新", `{"id":"a","enterprise_name":"新","title":""}`},
		{"empty object", `{}`, "x", `{"enterprise_name":"x","title":""}`},
		{"nested keys are not top-level", `{"diagnosis":{"title":"d","enterprise_name":"n"},"x":["}",{"a":"\"]"}]}`, "e",
			`{"diagnosis":{"title":"d","enterprise_name":"n"},"x":["}",{"a":"\"]"}],"enterprise_name":"e","title":""}`},
		{"escapes the name", `{"title":"t"}`, "A\"B\\C\n\x01<&>\u2028", `{"title":"t","enterprise_name":"A\"B\\C\n\u0001<&>\u2028"}`},
		{"spaces", " { \"title\" : 1 , \"n\" : [ 1, 2 ] } ", "x", `{ "title" : 1 , "n" : [ 1, 2 ] ,"enterprise_name":"x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, hasTitle := range []bool{false, strings.Contains(tt.raw, `"title"`)} {
				got, err := needLine(nil, []byte(tt.raw), tt.ent, hasTitle)
				if err != nil {
					t.Fatal(err)
				}
				if !json.Valid(got) || !sameJSON(t, got, []byte(tt.want)) {
					t.Errorf("needLine(%s, %v) =\n%s\nwant\n%s", tt.raw, hasTitle, got, tt.want)
				}
			}
			got, _ := needLine(nil, []byte(tt.raw), tt.ent, false)
			if string(got) != tt.want+"\n" {
				t.Errorf("needLine(%s) =\n%s\nwant\n%s", tt.raw, got, tt.want)
			}
			if !json.Valid(got) {
				t.Errorf("%s is not JSON", got)
			}
		})
	}
	for _, raw := range []string{``, `[]`, `{"a":1`, `{"a" 1}`, `{"a":1,}`, `{"a":"1}`, `{"a":{"b":1}`, `{"a":1} x`, `{a:1}`, `{"a":}`, `{"a":[1}]}`} {
		if got, err := needLine(nil, []byte(raw), "x", false); err == nil {
			t.Errorf("needLine(%s) = %s, want an error", raw, got)
		}
	}
}

// FuzzNeedLine checks needLine against encoding/json: for any JSON object it
// gives a JSON object with the same members, enterprise_name set and a
// title.
func FuzzNeedLine(f *testing.F) {
	f.Add(`{"id":"a","title":"主轴","values":{"x":[1,"]"]}}`, "苏州")
	f.Add(`{"enterprise_name":"x"}`, "\"\\")
	f.Add(`{}`, "")
	f.Fuzz(func(t *testing.T, raw, name string) {
		var in map[string]any
		if err := json.Unmarshal([]byte(raw), &in); err != nil || in == nil || !json.Valid([]byte(raw)) {
			return
		}
		var top map[string]json.RawMessage
		_ = json.Unmarshal([]byte(raw), &top)
		title, ok := top["title"]
		got, err := needLine(nil, []byte(raw), name, ok && len(title) > 0 && string(title) != `""`)
		if err != nil {
			t.Fatalf("needLine(%q): %v", raw, err)
		}
		if !strings.HasSuffix(string(got), "\n") {
			t.Fatalf("no newline: %q", got)
		}
		var out map[string]any
		if err := json.Unmarshal(got, &out); err != nil {
			t.Fatalf("needLine(%q) = %q: %v", raw, got, err)
		}
		want := maps.Clone(in)
		var n string
		_ = json.Unmarshal(mustJSON(t, name), &n) // name as JSON reads it (invalid UTF-8 replaced)
		want["enterprise_name"] = n
		if _, ok := want["title"]; !ok {
			want["title"] = ""
		}
		if a, b := mustJSON(t, want), mustJSON(t, out); string(a) != string(b) {
			t.Fatalf("needLine(%q, %q):\n got %s\nwant %s", raw, name, b, a)
		}
	})
}

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(t *testing.T, a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return string(mustJSON(t, x)) == string(mustJSON(t, y))
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzHasEnterpriseNameKey holds hasEnterpriseNameKey to bytes.Contains.
func FuzzHasEnterpriseNameKey(f *testing.F) {
	for _, s := range []string{
		`{"enterprise_name":"x"}`, `"enterprise_name"`, `enterprise_name"`, `"enterprise_name`,
		`prise_name"`, `{"a":"prise_name\""}`, `"enterprise_names"`, `x"enterprise_name"`, "",
		`"enterprise_nameprise_name"`, `"enterenterprise_name"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if got, want := hasEnterpriseNameKey(raw), bytes.Contains(raw, []byte(`"enterprise_name"`)); got != want {
			t.Fatalf("hasEnterpriseNameKey(%q) = %v, want %v", raw, got, want)
		}
	})
}
