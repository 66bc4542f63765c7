package jsonl

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
)

func solutionRecord() *forms.Solution {
	at := time.Date(2026, 10, 8, 9, 30, 0, 0, time.UTC)
	return &forms.Solution{ID: "s-1", NeedID: "n-1", Rev: "r-s1", Status: forms.SolutionRecommended, Source: forms.SourcePublicPage,
		Receipt: "JB1008-0042", Consent: &forms.Consent{NoticeVersion: "jiebang-notice-2026-1", At: at}, Team: "苏州", CreatedAt: at, UpdatedAt: at,
		Values: forms.Values{"provider_name": {"东南大学材料科学与工程学院"}, "provider_type": {"university"}, "solution_phone": {"025-84315678"},
			"quote_wan": {"45"}, "solution_notes": {"已约定到企业现场交流。\n第二行"}}}
}

// Solutions are records too (issue 15.3): written as "solution" lines and
// read back exactly, beside the enterprises and needs.
func TestSolutionRoundTrip(t *testing.T) {
	ents, needs := records()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	_ = w.Enterprise(ents[0])
	_ = w.Need(needs[0])
	if err := w.Solution(solutionRecord()); err != nil {
		t.Fatal(err)
	}
	_ = w.Flush()
	first := buf.Bytes()
	if !bytes.Contains(first, []byte(`{"type":"solution","id":"s-1",`)) {
		t.Fatalf("no solution line:\n%s", first)
	}
	b, err := Read(context.Background(), bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Problems) != 0 || len(b.Solutions) != 1 || len(b.Needs) != 1 || len(b.Enterprises) != 1 {
		t.Fatalf("read back %d/%d/%d, problems %v", len(b.Enterprises), len(b.Needs), len(b.Solutions), b.Problems)
	}
	s := b.Solutions[0]
	if s.Provider() != "东南大学材料科学与工程学院" || s.Consent == nil || s.Receipt != "JB1008-0042" || s.Values.Has("type") {
		t.Errorf("read %+v %v", s, s.Values)
	}
	buf.Reset()
	w = NewWriter(&buf)
	_ = w.Enterprise(b.Enterprises[0])
	_ = w.Need(b.Needs[0])
	_ = w.Solution(s)
	_ = w.Flush()
	if !bytes.Equal(first, buf.Bytes()) {
		t.Errorf("round trip differs:\n%s\n%s", first, buf.Bytes())
	}
}

// A bad solution line is reported with its line and field, and left out.
func TestReadReportsBadSolutionLines(t *testing.T) {
	lines := []string{
		`{"type":"solution","id":"s-1","need_id":"n-1","status":"chosen","source":"paper","provider_name":"苏州大学"}`,
		`{"type":"solution","id":"s-2","status":"chosen","source":"paper"}`,
		`{"type":"solution","id":"s-3","need_id":"n-1","status":"maybe","source":"paper"}`,
		`{"type":"solution","id":"s-4","need_id":"n-1","status":"submitted","source":"fax"}`,
		`{"type":"solution","id":"s-5","need_id":"n-1","status":"submitted","source":"paper","solution_phone":"电话见附件"}`,
		`{"type":"solution","id":"s-6","need_id":"n-1","status":"submitted","source":"paper","provider_name":"苏州\u0000大学"}`,
		`{"type":"solution","id":"s-1","need_id":"n-1","status":"chosen","source":"paper"}`,
		`{"type":"solution","need_id":"n-1","status":"chosen","source":"paper"}`,
	}
	b, err := Read(context.Background(), strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Solutions) != 1 || b.Solutions[0].ID != "s-1" {
		t.Fatalf("read %d solutions", len(b.Solutions))
	}
	want := map[int]string{2: "need_id", 3: "status", 4: "source", 5: "solution_phone", 6: "provider_name", 7: "id", 8: "id"}
	got := map[int]string{}
	for _, p := range b.Problems {
		if _, ok := got[p.Line]; !ok {
			got[p.Line] = p.Field
		}
		if p.Message("zh") == "" || p.Message("en") == "" {
			t.Errorf("line %d: no message", p.Line)
		}
	}
	for line, field := range want {
		if got[line] != field {
			t.Errorf("line %d: problem on %q, want %q (%v)", line, got[line], field, b.Problems)
		}
	}
}

func FuzzDecodeSolution(f *testing.F) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	_ = w.Solution(solutionRecord())
	_ = w.Flush()
	f.Add(bytes.TrimSpace(buf.Bytes()))
	f.Add([]byte(`{"type":"solution","id":"x","need_id":"n","status":"chosen","source":"paper","quote_wan":"面议"}`))
	f.Add([]byte(`{"type":"solution","id":"x","consent":{"at":"x"}}`))
	f.Add([]byte(`{"type":"solution"`))
	f.Fuzz(func(t *testing.T, line []byte) {
		s, ps := DecodeSolution(1, line)
		if hasError(ps) {
			return
		}
		if s == nil {
			t.Fatal("no solution and no error")
		}
		// A solution that decoded cleanly survives a round trip unchanged.
		var out, again bytes.Buffer
		w := NewWriter(&out)
		_ = w.Solution(s)
		_ = w.Flush()
		s2, ps2 := DecodeSolution(1, bytes.TrimSpace(out.Bytes()))
		if hasError(ps2) {
			t.Fatalf("re-encoded solution has errors: %v\n%s", ps2, out.Bytes())
		}
		w2 := NewWriter(&again)
		_ = w2.Solution(s2)
		_ = w2.Flush()
		if !bytes.Equal(out.Bytes(), again.Bytes()) {
			t.Fatalf("not stable:\n%s\n%s", out.Bytes(), again.Bytes())
		}
	})
}
