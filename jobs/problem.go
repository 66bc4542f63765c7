package jobs

import (
	"github.com/xunbang/xunbang/forms/jsonl"
	"github.com/xunbang/xunbang/forms/xlsx"
)

// Problem is one thing wrong in an imported file, at a place (a sheet's
// row and column, a line), said in both languages: what the faces list
// in an import's preview and print after it.
type Problem struct {
	// Blocking: an error keeps its record out (and the import waits for
	// the user's "only the good rows"); else a warning.
	Blocking bool
	// Field is the catalogue field the problem is about, "" when none.
	Field string
	// Code is the reader's machine code ("parse", "region.unresolved" …),
	// "" when it gives none.
	Code string

	where, text, full [2]string // zh, en
}

// Error reports whether the problem blocks its record.
func (p Problem) Error() bool { return p.Blocking }

// Location says where the problem was found: 「需求表」第 5 行 C 列, 第 3 行.
func (p Problem) Location(lang string) string { return pick(p.where, lang) }

// Text is the message without the location.
func (p Problem) Text(lang string) string { return pick(p.text, lang) }

// Message is the location and the message.
func (p Problem) Message(lang string) string { return pick(p.full, lang) }

// String is the problem in Chinese, for logs and test failures.
func (p Problem) String() string { return p.Message("zh") }

func pick(s [2]string, lang string) string {
	if lang == "en" {
		return s[1]
	}
	return s[0]
}

// a text in both languages from a method that takes the language.
func both(f func(string) string) [2]string { return [2]string{f("zh"), f("en")} }

func fromXLSX(ps []xlsx.Problem) []Problem {
	out := make([]Problem, len(ps))
	for i, p := range ps {
		out[i] = Problem{Blocking: p.Error(), Field: p.Field, Code: p.Code, where: both(p.Location), text: both(p.Text), full: both(p.Message)}
	}
	return out
}

func fromJSONL(ps []jsonl.Problem) []Problem {
	out := make([]Problem, len(ps))
	for i, p := range ps {
		out[i] = Problem{Blocking: p.Error(), Field: p.Field, where: both(p.Location), text: both(p.Text), full: both(p.Message)}
	}
	return out
}

// FileError is a workbook that cannot be read at all (not a workbook,
// damaged, encrypted, too large); its Message names the file's trouble in
// the user's language.
type FileError = xlsx.FileError
