package jsonl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// A file of good, bad, repeated, blank and solution lines, ending in a line
// too long to read.
func mixedFile(t *testing.T) []byte {
	ents, needs := records()
	var b bytes.Buffer
	b.Write(write(t, ents, needs))
	b.WriteString("\n   \n{not json\n")
	b.Write(write(t, nil, needs)) // the same need again: a repeated id
	e2 := *ents[0]
	e2.ID, e2.Contacts = "e-2", nil
	n2 := *needs[0]
	n2.ID, n2.EnterpriseID, n2.Rev = "n-2", "e-2", ""
	n3 := n2
	n3.ID, n3.Status = "n-3", "nonsense"
	n5 := n2
	n5.ID, n5.Values = "n-5", n2.Values.Clone()
	n5.Values.SetList("tech_fields", []string{"08", "0804"}) // codes of an older catalogue: upgraded
	n6 := n5
	n6.ID, n6.Values = "n-6", n5.Values.Clone()
	n6.Status, n6.Confirmation = forms.StatusToConfirm, nil
	if err := forms.Default().Confirm(&n6, &e2, forms.Confirmation{At: n6.CreatedAt}); err != nil { // the content it confirmed has the old codes too
		t.Fatal(err)
	}
	b.Write(write(t, []*forms.Enterprise{&e2}, []*forms.Need{&n2, &n3, &n5, &n6}))
	b.WriteString(`{"type":"solution","id":"s-1","need_id":"n-1","status":"submitted","source":"paper"}` + "\n")
	b.WriteString(`{"type":"need","id":"n-4","enterprise_id":"e-2","values":{"title":"` + strings.Repeat("长", MaxLine/3+1) + `"}}` + "\n")
	b.Write(write(t, nil, []*forms.Need{&n2})) // past the long line: not read
	return b.Bytes()
}

// asRead is a need Scan handed out as Read keeps it (its confirmed content
// upgraded too), in JSON without the time of the upgrade.
func asRead(t *testing.T, n *forms.Need) string {
	t.Helper()
	upgradeConfirmation(n)
	return asJSON(t, n)
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	if n, ok := v.(*forms.Need); ok && n.Confirmation != nil {
		c := *n.Confirmation
		c.Recoded = slices.Clone(c.Recoded)
		for i := range c.Recoded {
			c.Recoded[i].At = time.Time{}
		}
		m := *n
		m.Confirmation = &c
		v = &m
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// scanKept scans file and returns the batch and, by type, each enterprise
// and need Scan handed out, as Read keeps it, in JSON after its line.
func scanKept(t *testing.T, file string) (*Batch, map[string][]string) {
	t.Helper()
	kept := map[string][]string{}
	b, err := Scan(context.Background(), strings.NewReader(file), func(r Record) error {
		switch {
		case r.Enterprise != nil:
			kept[TypeEnterprise] = append(kept[TypeEnterprise], fmt.Sprint(r.Line, asJSON(t, r.Enterprise)))
		case r.Need != nil:
			kept[TypeNeed] = append(kept[TypeNeed], fmt.Sprint(r.Line, asRead(t, r.Need)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b, kept
}

// Replay gives, type by type, exactly the records Scan kept, on the same
// lines; with keysOnly their keys.
func TestReplayGivesWhatScanKept(t *testing.T) {
	data := mixedFile(t)
	b, kept := scanKept(t, string(data))
	if b.Counts != (Counts{Enterprises: 2, Needs: 4, Solutions: 1}) || len(kept[TypeNeed]) != 4 ||
		!strings.Contains(kept[TypeNeed][2], `"tech_fields":["80","804"]`) || !strings.Contains(kept[TypeNeed][3], `"recoded":[`) {
		t.Fatalf("scan kept %+v; problems %v", b.Counts, b.Problems)
	}
	for _, typ := range []string{TypeEnterprise, TypeNeed} {
		var got, keys []string
		if err := Replay(context.Background(), bytes.NewReader(data), b, typ, false, func(r Record) error {
			v := any(r.Enterprise)
			if r.Need != nil {
				v = r.Need
			}
			got = append(got, fmt.Sprint(r.Line, asJSON(t, v)))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, "\n") != strings.Join(kept[typ], "\n") {
			t.Errorf("%s: replay\n%s\nscan\n%s", typ, strings.Join(got, "\n"), strings.Join(kept[typ], "\n"))
		}
		if err := Replay(context.Background(), bytes.NewReader(data), b, typ, true, func(r Record) error {
			if r.Need != nil {
				keys = append(keys, r.Need.ID+"@"+r.Need.EnterpriseID)
			} else {
				keys = append(keys, r.Enterprise.ID)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{TypeEnterprise: "e-1 e-2", TypeNeed: "n-1@e-1 n-2@e-2 n-5@e-2 n-6@e-2"}[typ]
		if strings.Join(keys, " ") != want {
			t.Errorf("%s keys %q, want %q", typ, keys, want)
		}
	}
	// Read keeps what Scan hands out.
	r, err := Read(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Enterprises) != 2 || len(r.Needs) != 4 || len(r.Solutions) != 1 || r.Errors() != len(b.Problems) || r.Lines != b.Lines {
		t.Errorf("read %d/%d/%d records, %d errors, %d lines; scan %+v, %d problems, %d lines",
			len(r.Enterprises), len(r.Needs), len(r.Solutions), r.Errors(), r.Lines, b.Counts, len(b.Problems), b.Lines)
	}
}

// FuzzScanReplay holds Replay to Scan on any file: the same records, on
// the same lines, in the same order.
func FuzzScanReplay(f *testing.F) {
	ents, _ := records()
	var seed bytes.Buffer
	for _, e := range ents {
		b, _ := json.Marshal(e)
		seed.WriteString(`{"type":"enterprise",` + string(b[1:]) + "\n")
	}
	f.Add(seed.String() + "\n{bad\n")
	f.Add(`{"type":"need","id":"n","enterprise_id":"e","status":"draft"}` + "\n" + `{"type":"need","id":"n","enterprise_id":"e"}`)
	f.Add(`{"type":"enterprise","id":"e"}` + "\r\n" + `{"type":"solution","id":"s","need_id":"n"}`)
	f.Fuzz(func(t *testing.T, file string) {
		b, kept := scanKept(t, file)
		for _, typ := range []string{TypeEnterprise, TypeNeed} {
			var got []string
			err := Replay(context.Background(), strings.NewReader(file), b, typ, false, func(r Record) error {
				v := any(r.Enterprise)
				if r.Need != nil {
					v = r.Need
				}
				got = append(got, fmt.Sprint(r.Line, asJSON(t, v)))
				return nil
			})
			if err != nil {
				t.Fatalf("replay %s: %v", typ, err)
			}
			if strings.Join(got, "\n") != strings.Join(kept[typ], "\n") {
				t.Fatalf("%s: replay\n%s\nscan\n%s", typ, strings.Join(got, "\n"), strings.Join(kept[typ], "\n"))
			}
		}
	})
}

// FuzzScanProblems holds Scan's problems to those of each line decoded on
// its own (DecodeSolution for a line whose type alone says "solution",
// DecodeLine for any other), with repeated ids as Read always reported
// them: Scan decodes a line's head once for both questions.
func FuzzScanProblems(f *testing.F) {
	f.Add(`{"type":"solution","id":5}` + "\n" + `{"id":5,"type":"solution","type":3}` + "\n" + `{"type":"need","id":"n"}`)
	f.Add(`{"type":"enterprise","id":"e"}` + "\n" + `{"type":"enterprise","id":"e"}` + "\n" + `{"type":7}`)
	f.Fuzz(func(t *testing.T, file string) {
		b, err := Scan(context.Background(), strings.NewReader(file), func(Record) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		var want []Problem
		seen := map[string]int{}
		_, _ = eachLine(context.Background(), strings.NewReader(file), func(lineNo int, line []byte) error {
			var probs []Problem
			key := ""
			if isSolutionLine(line) {
				s, ps := DecodeSolution(lineNo, line)
				probs = ps
				if s != nil {
					key = TypeSolution + ":" + s.ID
				}
			} else {
				e, n, ps := DecodeLine(lineNo, line)
				probs = ps
				switch {
				case e != nil:
					key = TypeEnterprise + ":" + e.ID
				case n != nil:
					key = TypeNeed + ":" + n.ID
				}
			}
			want = append(want, probs...)
			if hasError(probs) {
				return nil
			}
			if first, dup := seen[key]; dup {
				want = append(want, Problem{Line: lineNo, Field: "id", Severity: forms.SeverityError, en: fmt.Sprintf("the id repeats line %d.", first)})
				return nil
			}
			seen[key] = lineNo
			return nil
		})
		got := make([]string, 0, len(b.Problems))
		for _, p := range b.Problems {
			if strings.Contains(p.en, "reading stopped") {
				continue
			}
			got = append(got, fmt.Sprint(p.Line, p.Field, p.Item, p.Severity, p.en))
		}
		exp := make([]string, 0, len(want))
		for _, p := range want {
			exp = append(exp, fmt.Sprint(p.Line, p.Field, p.Item, p.Severity, p.en))
		}
		slices.Sort(got) // a record's validation problems come in no fixed order
		slices.Sort(exp)
		if strings.Join(got, "\n") != strings.Join(exp, "\n") {
			t.Fatalf("scan:\n%s\nline by line:\n%s", strings.Join(got, "\n"), strings.Join(exp, "\n"))
		}
	})
}
