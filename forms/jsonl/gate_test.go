package jsonl

import (
	"context"
	"strings"
	"testing"
)

// TestGateRefusesBadIDsAndText: a file with a path as an id, invalid UTF-8,
// NUL or a right-to-left override in a name is refused line by line, each
// with its line, field and what is wrong — never silently mended (issue
// 11.6).
func TestGateRefusesBadIDsAndText(t *testing.T) {
	const ent = `{"type":"enterprise","id":"e1","enterprise_name":"苏州测试科技有限公司","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`
	need := func(id, title string) string {
		return `{"type":"need","id":"` + id + `","enterprise_id":"e1","status":"draft","title":"` + title + `","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`
	}
	lines := []string{
		ent,                        // 1: good
		need("../../x", "一个好好的需求"), // 2
		need("n3", "一个好"+"\xff\xfe"+"的需求"),                                                          // 3
		need("n4", `一个好\u0000的需求`),                                                                  // 4
		need("n5", "一个好\u202e求需的"),                                                                  // 5
		need("n6", "一个好好的需求"),                                                                       // 6: good
		`{"type":"enterprise","id":"e 7"}`,                                                          // 7
		`{"type":"enterprise","id":"e8","contacts":[{"id":"c1","contact_name":"王` + "\xc0" + `"}]}`, // 8
	}
	b, err := Read(context.Background(), strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Needs) != 1 || b.Needs[0].ID != "n6" || len(b.Enterprises) != 1 {
		t.Errorf("read %d needs, %d enterprises: bad lines got through", len(b.Needs), len(b.Enterprises))
	}
	want := map[int][]string{
		2: {"第 2 行", "编号", "../../x"},
		3: {"第 3 行", "需求名称", "UTF-8"},
		4: {"第 4 行", "需求名称", "U+0000"},
		5: {"第 5 行", "需求名称", "U+202E"},
		7: {"第 7 行", "编号", "e 7"},
		8: {"第 8 行", "第 1 项", "UTF-8"},
	}
	got := map[int]string{}
	for _, p := range b.Problems {
		got[p.Line] += p.Message("zh") + "\n"
	}
	for line, says := range want {
		for _, s := range says {
			if !strings.Contains(got[line], s) {
				t.Errorf("line %d: %q lacks %q", line, got[line], s)
			}
		}
	}
	for _, line := range []int{1, 6} {
		if got[line] != "" {
			t.Errorf("good line %d: %s", line, got[line])
		}
	}
	for _, n := range b.Needs {
		if strings.ContainsRune(n.Title(), '\uFFFD') {
			t.Errorf("a replacement character was stored: %q", n.Title())
		}
	}
}
