package xlsx

import (
	"fmt"
	"strings"

	"github.com/xunbang/xunbang/forms"
)

// needIDColumn is a sheet's need-id column (寻榜编号, 需求编号): no
// catalogue field, so it is kept beside the mapped columns.
type needIDColumn struct {
	idx    int // 0-based cell index; -1 when the sheet has none
	letter string
	header string
	// strict: the header says it is a need's id (寻榜编号, 需求编号, 需求ID),
	// so a value that is not one is an error. Under the bare 编号, which
	// many forms use for their own running numbers, it is a warning and the
	// value is ignored.
	strict bool
	// platformNo: the header is 需求编号, which the platforms use for their
	// own numbers too (jstec: 6851882291613696, FT6851882291613696). A value
	// that is no xunbang id and does not look like a mistyped one is the
	// platform's number (platform_need_no), not an error.
	platformNo bool
	rank       int // the lowest wins when a sheet has several id columns
}

// needIDHeaders are the headers of the need-id column, by [forms.HeaderKey].
var needIDHeaders = func() map[string]needIDColumn {
	m := map[string]needIDColumn{}
	for _, h := range []string{NeedIDHeader, "寻榜需求编号", "xunbang id"} {
		m[forms.HeaderKey(h)] = needIDColumn{strict: true, rank: 0}
	}
	m[forms.HeaderKey(PlatformNeedIDHeader)] = needIDColumn{strict: true, platformNo: true, rank: 1}
	for _, h := range []string{"需求ID", "需求 ID", "需求Id", "需求id", "need id", "need_id"} {
		m[forms.HeaderKey(h)] = needIDColumn{strict: true, rank: 2}
	}
	m[forms.HeaderKey("编号")] = needIDColumn{rank: 3}
	return m
}()

// needIDHeader reports whether a header names a need-id column, and how.
func needIDHeader(h string) (needIDColumn, bool) {
	if len(h) > 200 {
		return needIDColumn{}, false
	}
	c, ok := needIDHeaders[forms.HeaderKey(h)]
	return c, ok
}

// mistypedID reports whether s looks like a xunbang need number gone wrong
// (a UUID with a character too many or too few, a card's short number)
// rather than another system's number.
func mistypedID(s string) bool {
	if shortNumber(s) {
		return true
	}
	if strings.Count(s, "-") < 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// parseNeedID returns the record id a 需求编号 cell holds: a UUID as
// [forms.NewID] makes them, 8-4-4-4-12 hexadecimal digits, in lower case
// however it was written. ok is false for anything else.
func parseNeedID(s string) (id string, ok bool) {
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", false
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// needKey is a need id parseNeedID gave, as its 16 bytes: the key of
// reader.needIDs, which holds one a row (at 200,000 rows the ids as
// strings took some 10 MB more).
type needKey = [16]byte

// keyOf is id's needKey.
func keyOf(id string) needKey {
	k, _ := forms.ParseUUID(id)
	return k
}

// shortNumber reports whether s looks like a card's printed number (8
// letters or digits, [card.ShortID]) rather than a full id.
func shortNumber(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// needID reads a row's need-id cell into the need: its id, when the cell
// holds a valid one that no earlier row of the import carries. It reports
// whether the row has an error of its own.
func (rd *reader) needID(p *sheetPlan, row int, raw string, n *forms.Need) (bad bool) {
	c := p.idCol
	at := func(sev forms.Severity, code, zh, en string) {
		rd.addProblem(Problem{Sheet: p.name, Row: row, Column: c.letter, Severity: sev, Code: code, ZH: zh, EN: en})
	}
	id, ok := parseNeedID(raw)
	if !ok && c.platformNo && !mistypedID(raw) {
		// The platform's own number under 需求编号 (a sheet the platform
		// exported): kept apart from our id, in platform_need_no.
		if !n.Values.Has("platform_need_no") {
			for _, cp := range parseCell(rd.cat, n.Values, rd.cat.MustField("platform_need_no"), raw) {
				if cp.field == "" {
					cp.field = "platform_need_no"
				}
				at(cp.severity, cp.code, cp.zh, cp.en)
				if cp.severity == forms.SeverityError {
					return true
				}
			}
		}
		return false
	}
	if !ok {
		shown := clipText(raw, 40)
		hintZH, hintEN := "应为 36 位的需求编号（如 6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab），可从寻榜导出的平台表中复制。", "a need number is 36 characters (e.g. 6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab); copy it from a platform sheet exported by xunbang."
		if shortNumber(raw) {
			hintZH = "这像是需求卡片上印的短编号；请填写完整的 36 位需求编号（可从寻榜导出的平台表中复制）。"
			hintEN = "this looks like the short number printed on a need card; write the full 36-character need number (copy it from a platform sheet exported by xunbang)."
		}
		if !c.strict {
			at(forms.SeverityWarning, "need_id.ignored",
				fmt.Sprintf("「%s」“%s”不是寻榜的需求编号，已忽略，此行按新需求或同名需求处理。%s", c.header, shown, hintZH),
				fmt.Sprintf("%s %q is not a xunbang need number and was ignored; the row is taken as a new need or one of the same title. %s", c.header, shown, hintEN))
			return false
		}
		at(forms.SeverityError, "need_id.format",
			fmt.Sprintf("「%s」“%s”不是有效的需求编号：%s", c.header, shown, hintZH),
			fmt.Sprintf("%s %q is not a valid need number: %s", c.header, shown, hintEN))
		return true
	}
	key := keyOf(id)
	if first, dup := rd.needIDs[key]; dup {
		at(forms.SeverityError, "need_id.duplicate",
			fmt.Sprintf("需求编号与%s相同：同一条需求只能出现一次，此行未导入。", originText(first, "zh")),
			fmt.Sprintf("the same need number as %s: a need may appear only once; this row was not imported.", originText(first, "en")))
		return true
	}
	rd.needIDs[key] = Origin{p.name, row}
	n.ID = id
	return false
}

// originText names a row for a message: 第 7 行, or 「表」第 7 行 on another sheet.
func originText(o Origin, lang string) string {
	return Problem{Sheet: o.Sheet, Row: o.Row}.Location(lang)
}
