// Package jsonl is xunbang's plain-text interchange: every record as one JSON
// object per line (JSON Lines), keyed by the field catalogue's ids, with a
// "type" key naming the record ("enterprise", "need" or "solution").
// Writing then reading a file gives back exactly the same records.
//
// Reading is strict and complete: every bad line is reported with its line
// number and, where there is one, the field, so a person can mend the file in
// one pass. Nothing is decided about storing here; callers import nothing from
// a file with errors unless they choose to. [Read] keeps the records; [Scan]
// checks every line and keeps none, and [Replay] reads the kept ones again,
// so that a file of 200,000 needs is imported without being held in memory.
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

	// Of a Scan: how many records of each kind it kept, and (for Replay)
	// the kind of each line's record, 0 for a line left out or blank.
	Counts Counts
	kinds  []uint8
}

// Counts is how many records of each kind a file holds.
type Counts struct{ Enterprises, Needs, Solutions int }

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
	var ents []*forms.Enterprise
	var needs []*forms.Need
	var sols []*forms.Solution
	b, err := Scan(ctx, r, func(rec Record) error {
		switch {
		case rec.Enterprise != nil:
			ents = append(ents, rec.Enterprise)
		case rec.Need != nil:
			upgradeConfirmation(rec.Need)
			needs = append(needs, rec.Need)
		default:
			sols = append(sols, rec.Solution)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.Enterprises, b.Needs, b.Solutions = ents, needs, sols
	return b, nil
}

// Record is one record of a file: an enterprise, a need or a solution, and
// its line.
type Record struct {
	Line       int
	Enterprise *forms.Enterprise
	Need       *forms.Need
	Solution   *forms.Solution
}

// Scan reads a JSON Lines file as Read does — every line decoded and
// checked, every problem listed — but hands each record without an error
// to fn (which may keep it) instead of keeping it: a file of 200,000 needs
// need not be held in memory. A need's confirmed content is not yet
// recoded by the catalogue's upgrade (its values are): Replay does that,
// for the records the import keeps. The batch it returns holds no records, but
// their counts and the lines left out, with which Replay reads the same
// records again. An error of fn ends the scan and is returned.
func Scan(ctx context.Context, r io.Reader, fn func(Record) error) (*Batch, error) {
	b := &Batch{}
	seen := map[string]int{}
	lines, err := eachLine(ctx, r, func(lineNo int, line []byte) error {
		var rec Record
		var probs []Problem
		head, herr := decodeHead(line) // once for both questions: which kind, and its id
		if head.isSolution(line, herr) {
			rec.Solution, probs = DecodeSolution(lineNo, line)
		} else {
			rec.Enterprise, rec.Need, probs = decodeRecord(lineNo, line, head, herr)
		}
		b.Problems = append(b.Problems, probs...)
		if hasError(probs) {
			return nil
		}
		var key string
		switch {
		case rec.Enterprise != nil:
			key = TypeEnterprise + ":" + rec.Enterprise.ID
		case rec.Need != nil:
			key = TypeNeed + ":" + rec.Need.ID
		case rec.Solution != nil:
			key = TypeSolution + ":" + rec.Solution.ID
		}
		if first, dup := seen[key]; dup {
			b.Problems = append(b.Problems, Problem{Line: lineNo, Field: "id", Severity: forms.SeverityError,
				zh: fmt.Sprintf("编号与第 %d 行重复。", first), en: fmt.Sprintf("the id repeats line %d.", first)})
			return nil
		}
		seen[key] = lineNo
		kind := kindSolution
		switch {
		case rec.Enterprise != nil:
			b.Counts.Enterprises++
			kind = kindEnterprise
		case rec.Need != nil:
			b.Counts.Needs++
			kind = kindNeed
		default:
			b.Counts.Solutions++
		}
		b.kinds = append(b.kinds, make([]uint8, lineNo+1-len(b.kinds))...)
		b.kinds[lineNo] = kind
		rec.Line = lineNo
		return fn(rec)
	})
	b.Lines = lines
	var long *lineTooLong
	switch {
	case errors.As(err, &long):
		b.Problems = append(b.Problems, Problem{Line: long.line, Severity: forms.SeverityError,
			zh: fmt.Sprintf("这一行超过 %d MB，已停止读取。", MaxLine>>20), en: fmt.Sprintf("the line is longer than %d MB; reading stopped.", MaxLine>>20)})
		return b, nil
	case err != nil:
		return nil, err
	}
	return b, nil
}

// lineTooLong is a line longer than MaxLine, where reading stops.
type lineTooLong struct{ line int }

func (e *lineTooLong) Error() string { return fmt.Sprintf("line %d is too long", e.line) }

// eachLine calls fn with the number and the text (trimmed) of each line
// that is not blank, up to a line longer than MaxLine (a *lineTooLong), and
// returns how many lines it read. Scan and Replay number and cut lines
// alike through it.
func eachLine(ctx context.Context, r io.Reader, fn func(lineNo int, line []byte) error) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	n := 0
	for sc.Scan() {
		n++
		if n%1024 == 0 && ctx.Err() != nil {
			return n, ctx.Err()
		}
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(n, line); err != nil {
			return n, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return n, &lineTooLong{line: n + 1}
		}
		return n, fmt.Errorf("read: %w", err)
	}
	return n, nil
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
	e, n, probs := decodeLine(lineNo, line)
	if n != nil {
		upgradeConfirmation(n)
	}
	return e, n, probs
}

// upgradeConfirmation completes the catalogue's upgrade of a need whose
// values decodeLine upgraded: the content its enterprise confirmed is
// recoded the same way, its confirmation kept (forms.UpgradeNeed). Its
// values are upgraded already, so this only recodes the content — the
// costly part, a JSON document decoded and encoded again, which a scan
// that keeps no record need not do.
func upgradeConfirmation(n *forms.Need) {
	forms.Default().UpgradeNeed(n, time.Now())
}

// decodeLine is DecodeLine but for upgradeConfirmation: the need's values
// are upgraded (and checked so), not yet the content its enterprise
// confirmed.
func decodeLine(lineNo int, line []byte) (*forms.Enterprise, *forms.Need, []Problem) {
	head, err := decodeHead(line)
	return decodeRecord(lineNo, line, head, err)
}

// unmarshalScanned decodes a line already found to be JSON into v, as
// json.Unmarshal(line, v) does, without scanning it again: json.Unmarshal
// checks the whole line, then scans the value again to find its end before
// it hands it to v's UnmarshalJSON, and JSON scanning was a third of the
// CPU of an import (issue 17). The line is handed to UnmarshalJSON without
// the JSON white space around it, as json.Unmarshal hands it.
//
// A line is found to be JSON by its head's decoding (decodeHead), or by
// Scan before Replay reads it again. Were it changed in between, the
// records' decoders refuse what is not JSON themselves (forms'
// FuzzDecodeFast holds their fast path to encoding/json, which checks the
// rest), and Replay then fails on the file's hash.
func unmarshalScanned(line []byte, v json.Unmarshaler) error {
	return v.UnmarshalJSON(bytes.Trim(line, " \t\r\n"))
}

// lineHead is what every line says first: its type and id.
type lineHead struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

func decodeHead(line []byte) (lineHead, error) {
	var h lineHead
	err := json.Unmarshal(line, &h)
	return h, err
}

// isSolution reports whether line, whose head decoded as h with error err,
// is a solution's: its type is "solution", however its id is written
// (DecodeSolution reports a bad one).
func (h lineHead) isSolution(line []byte, err error) bool {
	var te *json.UnmarshalTypeError
	switch {
	case h.Type != TypeSolution:
		return false
	case err == nil:
		return true
	case errors.As(err, &te) && te.Field == "id":
		return isSolutionLine(line) // its type alone, as the id is not a string
	}
	return false
}

// isSolutionLine reports whether a line's type is "solution".
func isSolutionLine(line []byte) bool {
	var head struct {
		Type string `json:"type"`
	}
	return json.Unmarshal(line, &head) == nil && head.Type == TypeSolution
}

// decodeRecord is decodeLine with the line's head decoded.
func decodeRecord(lineNo int, line []byte, head lineHead, err error) (*forms.Enterprise, *forms.Need, []Problem) {
	errp := func(field, zh, en string) []Problem {
		return []Problem{{Line: lineNo, Field: field, Severity: forms.SeverityError, zh: zh, en: en}}
	}
	if err != nil {
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
		if err := unmarshalScanned(line, &e); err != nil {
			return nil, nil, fieldErr(lineNo, err)
		}
		cat.UpgradeValues(forms.EntityEnterprise, e.Values) // codes of an older catalogue
		add(cat.ValidateEnterprise(&e, forms.Draft))
		return &e, nil, out
	case TypeNeed:
		var n forms.Need
		if err := unmarshalScanned(line, &n); err != nil {
			return nil, nil, fieldErr(lineNo, err)
		}
		if !n.Status.Valid() {
			out = append(out, errp("status", fmt.Sprintf("未知状态“%s”。", n.Status), fmt.Sprintf("unknown status %q.", n.Status))...)
		}
		if n.EnterpriseID == "" {
			out = append(out, errp("enterprise_id", "缺少所属企业（enterprise_id）。", "enterprise_id is missing.")...)
		}
		cat.UpgradeValues(forms.EntityNeed, n.Values) // codes of an older catalogue (tech fields before 2026.2); see upgradeConfirmation
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
