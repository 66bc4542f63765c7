// Package jsonl is xunbang's plain-text interchange: every record as one JSON
// object per line (JSON Lines), keyed by the field catalogue's ids, with a
// "type" key naming the record ("enterprise", "need" or "solution").
// Writing then reading a file gives back exactly the same records.
//
// Reading is strict and complete: every bad line is reported with its line
// number and, where there is one, the field, so a person can mend the file in
// one pass. Nothing is decided about storing here; callers import nothing from
// a file with errors unless they choose to.
package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// Record types, the value of each line's "type" key.
const (
	TypeEnterprise = "enterprise"
	TypeNeed       = "need"
	TypeSolution   = "solution"
)

// MaxLine is the longest line read (a need with a drawn signature fits easily).
const MaxLine = 4 << 20

// Writer writes records as JSON Lines.
type Writer struct {
	w *bufio.Writer
}

// NewWriter returns a Writer on w. Call Flush when done.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w)} }

// Enterprise writes one enterprise line.
func (w *Writer) Enterprise(e *forms.Enterprise) error { return w.write(TypeEnterprise, e) }

// Need writes one need line.
func (w *Writer) Need(n *forms.Need) error { return w.write(TypeNeed, n) }

// Solution writes one solution line.
func (w *Writer) Solution(s *forms.Solution) error { return w.write(TypeSolution, s) }

func (w *Writer) write(typ string, rec any) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode %s: %w", typ, err)
	}
	// Records encode as objects: put the type key first for readers and grep.
	if len(b) < 2 || b[0] != '{' {
		return fmt.Errorf("encode %s: not an object", typ)
	}
	if _, err := fmt.Fprintf(w.w, `{"type":%q`, typ); err != nil {
		return err
	}
	if len(b) > 2 {
		w.w.WriteByte(',')
	}
	w.w.Write(b[1:])
	return w.w.WriteByte('\n')
}

// Flush writes buffered lines out.
func (w *Writer) Flush() error { return w.w.Flush() }

// Problem is one thing wrong in a file, at a line.
type Problem struct {
	Line     int
	Field    string // catalogue field id or metadata key; "" for the whole line
	Item     int    // 1-based item of a list (a contact, a value of a multi-valued field); 0 when none
	Severity forms.Severity
	zh, en   string
}

// Error reports whether the problem keeps its record out of the batch.
func (p Problem) Error() bool { return p.Severity == forms.SeverityError }

// Location returns where the problem was found: 第 3 行, or line 3.
func (p Problem) Location(lang string) string {
	return tr(lang, fmt.Sprintf("第 %d 行", p.Line), fmt.Sprintf("line %d", p.Line))
}

// Text returns the message without the line in the user's language.
func (p Problem) Text(lang string) string { return tr(lang, p.zh, p.en) }

// Message returns the problem in the user's language, naming line and field.
func (p Problem) Message(lang string) string {
	cat := forms.Default()
	label := cat.Label(p.Field, lang)
	item := ""
	if p.Item > 0 {
		item = tr(lang, fmt.Sprintf("第 %d 项", p.Item), fmt.Sprintf(", item %d", p.Item))
	}
	switch {
	case lang == "en" && label != "":
		return fmt.Sprintf("line %d, field %s (%s)%s: %s", p.Line, label, p.Field, item, p.en)
	case lang == "en":
		return fmt.Sprintf("line %d: %s", p.Line, p.en)
	case label != "":
		return fmt.Sprintf("第 %d 行，字段「%s」（%s）%s：%s", p.Line, label, p.Field, item, p.zh)
	default:
		return fmt.Sprintf("第 %d 行：%s", p.Line, p.zh)
	}
}

func tr(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// Batch is what a file holds: the records that read cleanly and the problems.
type Batch struct {
	Enterprises []*forms.Enterprise
	Needs       []*forms.Need
	Solutions   []*forms.Solution
	Problems    []Problem
	Lines       int
}

// Errors counts the problems that are errors (not warnings).
func (b *Batch) Errors() int {
	n := 0
	for _, p := range b.Problems {
		if p.Severity == forms.SeverityError {
			n++
		}
	}
	return n
}

// Read reads a whole JSON Lines file. A record with an error is left out of
// the batch and its problems are listed; reading goes on to the end so that
// every problem is reported at once. Only I/O failures return an error.
func Read(ctx context.Context, r io.Reader) (*Batch, error) {
	b := &Batch{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	seen := map[string]int{}
	for sc.Scan() {
		b.Lines++
		if b.Lines%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var ent *forms.Enterprise
		var need *forms.Need
		var sol *forms.Solution
		var probs []Problem
		if isSolutionLine(line) {
			sol, probs = DecodeSolution(b.Lines, line)
		} else {
			ent, need, probs = DecodeLine(b.Lines, line)
		}
		b.Problems = append(b.Problems, probs...)
		if hasError(probs) {
			continue
		}
		var key string
		switch {
		case ent != nil:
			key = TypeEnterprise + ":" + ent.ID
		case need != nil:
			key = TypeNeed + ":" + need.ID
		case sol != nil:
			key = TypeSolution + ":" + sol.ID
		}
		if first, dup := seen[key]; dup {
			b.Problems = append(b.Problems, Problem{Line: b.Lines, Field: "id", Severity: forms.SeverityError,
				zh: fmt.Sprintf("编号与第 %d 行重复。", first), en: fmt.Sprintf("the id repeats line %d.", first)})
			continue
		}
		seen[key] = b.Lines
		switch {
		case ent != nil:
			b.Enterprises = append(b.Enterprises, ent)
		case need != nil:
			b.Needs = append(b.Needs, need)
		default:
			b.Solutions = append(b.Solutions, sol)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			b.Problems = append(b.Problems, Problem{Line: b.Lines + 1, Severity: forms.SeverityError,
				zh: fmt.Sprintf("这一行超过 %d MB，已停止读取。", MaxLine>>20), en: fmt.Sprintf("the line is longer than %d MB; reading stopped.", MaxLine>>20)})
			return b, nil
		}
		return nil, fmt.Errorf("read: %w", err)
	}
	return b, nil
}

func hasError(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == forms.SeverityError {
			return true
		}
	}
	return false
}

// DecodeLine decodes one line. It returns the enterprise or the need it
// holds, and every problem found: malformed JSON, an unknown type, a field of
// the wrong JSON type, a missing id, and every validation problem of the
// record in draft mode (saving a draft never needs the required fields).
func DecodeLine(lineNo int, line []byte) (*forms.Enterprise, *forms.Need, []Problem) {
	errp := func(field, zh, en string) []Problem {
		return []Problem{{Line: lineNo, Field: field, Severity: forms.SeverityError, zh: zh, en: en}}
	}
	var head struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return nil, nil, errp("", "不是有效的 JSON 对象："+jsonErr(err), "not a valid JSON object: "+jsonErr(err))
	}
	if head.ID == "" {
		return nil, nil, errp("id", "缺少编号（id）。", "the id is missing.")
	}
	cat := forms.Default()
	var out []Problem
	add := func(ps []forms.Problem) {
		for _, p := range ps {
			out = append(out, Problem{Line: lineNo, Field: p.Field, Item: p.Item, Severity: p.Severity, zh: p.Text("zh"), en: p.Text("en")})
		}
	}
	switch head.Type {
	case TypeEnterprise:
		var e forms.Enterprise
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, nil, fieldErr(lineNo, err)
		}
		cat.UpgradeValues(forms.EntityEnterprise, e.Values) // codes of an older catalogue
		add(cat.ValidateEnterprise(&e, forms.Draft))
		return &e, nil, out
	case TypeNeed:
		var n forms.Need
		if err := json.Unmarshal(line, &n); err != nil {
			return nil, nil, fieldErr(lineNo, err)
		}
		if !n.Status.Valid() {
			out = append(out, errp("status", fmt.Sprintf("未知状态“%s”。", n.Status), fmt.Sprintf("unknown status %q.", n.Status))...)
		}
		if n.EnterpriseID == "" {
			out = append(out, errp("enterprise_id", "缺少所属企业（enterprise_id）。", "enterprise_id is missing.")...)
		}
		cat.UpgradeNeed(&n, time.Now()) // codes of an older catalogue (tech fields before 2026.2), its confirmation kept
		add(cat.ValidateNeed(&n, forms.Draft))
		if n.Diagnosis != nil {
			add(cat.ValidateDiagnosis(n.Diagnosis, forms.Draft))
		}
		return nil, &n, out
	case "":
		return nil, nil, errp("type", "缺少记录类型（type）。", "the record type is missing.")
	default:
		return nil, nil, errp("type", fmt.Sprintf("未知记录类型“%s”。", head.Type), fmt.Sprintf("unknown record type %q.", head.Type))
	}
}

// isSolutionLine reports whether a line's type is "solution".
func isSolutionLine(line []byte) bool {
	var head struct {
		Type string `json:"type"`
	}
	return json.Unmarshal(line, &head) == nil && head.Type == TypeSolution
}

// DecodeSolution decodes a solution line (《技术需求解决方案表》): it
// returns the solution and every problem found — malformed JSON, a field of
// the wrong JSON type, a missing id or need, an unknown status or source,
// and the solution's validation problems in draft mode (a paper 方案表 may
// have been typed in unfinished).
func DecodeSolution(lineNo int, line []byte) (*forms.Solution, []Problem) {
	errp := func(field, zh, en string) Problem {
		return Problem{Line: lineNo, Field: field, Severity: forms.SeverityError, zh: zh, en: en}
	}
	var s forms.Solution
	if err := json.Unmarshal(line, &s); err != nil {
		if !json.Valid(line) {
			return nil, []Problem{errp("", "不是有效的 JSON 对象："+jsonErr(err), "not a valid JSON object: "+jsonErr(err))}
		}
		return nil, fieldErr(lineNo, err)
	}
	var out []Problem
	if s.ID == "" {
		out = append(out, errp("id", "缺少编号（id）。", "the id is missing."))
	}
	if s.NeedID == "" {
		out = append(out, errp("need_id", "缺少所属需求（need_id）。", "need_id is missing."))
	}
	if !s.Status.Valid() {
		out = append(out, errp("status", fmt.Sprintf("未知方案状态“%s”。", s.Status), fmt.Sprintf("unknown solution status %q.", s.Status)))
	}
	if !s.Source.Valid() {
		out = append(out, errp("source", fmt.Sprintf("未知方案来源“%s”。", s.Source), fmt.Sprintf("unknown solution source %q.", s.Source)))
	}
	for _, p := range forms.Default().ValidateSolution(&s, forms.Draft) {
		out = append(out, Problem{Line: lineNo, Field: p.Field, Item: p.Item, Severity: p.Severity, zh: p.Text("zh"), en: p.Text("en")})
	}
	return &s, out
}

func fieldErr(lineNo int, err error) []Problem {
	var ue *forms.InvalidUTF8Error
	if errors.As(err, &ue) {
		p := ue.Problem()
		return []Problem{{Line: lineNo, Field: p.Field, Item: p.Item, Severity: forms.SeverityError, zh: p.Text("zh"), en: p.Text("en")}}
	}
	var fe *forms.FieldTypeError
	if errors.As(err, &fe) {
		return []Problem{{Line: lineNo, Field: fe.Field, Severity: forms.SeverityError,
			zh: fmt.Sprintf("值的类型不对（%s）。", fe.Got), en: fmt.Sprintf("wrong type of value (%s).", fe.Got)}}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return []Problem{{Line: lineNo, Field: te.Field, Severity: forms.SeverityError,
			zh: fmt.Sprintf("值的类型不对（应为 %s）。", te.Type), en: fmt.Sprintf("wrong type of value (want %s).", te.Type)}}
	}
	return []Problem{{Line: lineNo, Severity: forms.SeverityError, zh: "无法读取：" + jsonErr(err), en: "cannot read: " + jsonErr(err)}}
}

func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (byte %d)", se, se.Offset)
	}
	return err.Error()
}
