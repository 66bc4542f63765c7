package card

import "unicode"

// measurer measures text in millimetres at a font size in points. Widths
// add up: the PDF and the PNG both place glyphs by their advance widths, with
// no kerning.
type measurer interface {
	runeWidth(r rune, size float64) float64
}

// textWidth returns the width of s in mm at size pt.
func textWidth(m measurer, s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += m.runeWidth(r, size)
	}
	return w
}

// ellipsis ends a line whose text goes on beyond the space given.
const ellipsis = "…"

// wrap breaks s into lines, line i being at most widthOf(i) mm wide at size
// pt, and at most maxLines lines (0: no limit). Text that does not fit ends
// in "…", which it reports. Lines break between CJK characters, at spaces
// and after hyphens and slashes; a Latin word or number is kept whole unless
// it alone is wider than its line. A line does not start with closing
// punctuation such as ，。）.
func wrap(m measurer, s string, size float64, widthOf func(i int) float64, maxLines int) (lines []string, cut bool) {
	rs := []rune(s)
	for len(rs) > 0 && rs[0] == ' ' {
		rs = rs[1:]
	}
	for len(rs) > 0 {
		if maxLines > 0 && len(lines) == maxLines {
			cut = true
			break
		}
		w := widthOf(len(lines))
		n := fit(m, rs, size, w)
		if n < len(rs) {
			n = breakAt(rs, n)
		}
		line := trimRight(rs[:n])
		lines = append(lines, string(line))
		rs = rs[n:]
		for len(rs) > 0 && rs[0] == ' ' {
			rs = rs[1:]
		}
	}
	if cut && len(lines) > 0 {
		i := len(lines) - 1
		lines[i] = withEllipsis(m, []rune(lines[i]), size, widthOf(i))
	}
	return lines, cut
}

// fit returns how many runes of rs fit in w mm (at least one, so that wrapping
// always progresses; a single rune is never wider than a card's line).
func fit(m measurer, rs []rune, size, w float64) int {
	sum := 0.0
	for i, r := range rs {
		sum += m.runeWidth(r, size)
		if sum > w {
			if i == 0 {
				return 1
			}
			return i
		}
	}
	return len(rs)
}

// breakAt moves a break before rs[n] back to the nearest place a line may
// break, if there is one in the line.
func breakAt(rs []rune, n int) int {
	for i := n; i > 0; i-- {
		if canBreak(rs[i-1], rs[i]) {
			return i
		}
	}
	// One word wider than the line (a long part number): break it anywhere,
	// but still not before closing punctuation when that can be helped.
	if n > 1 && noStart(rs[n]) {
		return n - 1
	}
	return n
}

// canBreak reports whether a line may break between a and b.
func canBreak(a, b rune) bool {
	switch {
	case noStart(b) || noEnd(a):
		return false
	case a == ' ' || b == ' ':
		return true
	case wide(a) || wide(b):
		return true
	case a == '-' || a == '/' || a == '、':
		return true
	}
	return false
}

// wide reports whether r is a CJK character or full-width form, between
// which lines may break.
func wide(r rune) bool {
	return r >= 0x2E80 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0xFF00 && r <= 0xFFEF ||
		r >= 0x20000 || unicode.Is(unicode.Han, r)
}

// noStart reports whether r may not begin a line (closing punctuation).
func noStart(r rune) bool {
	switch r {
	case '，', '。', '、', '；', '：', '？', '！', '）', '》', '」', '』', '】', '〕', '〉', '”', '’',
		'…', '·', ',', '.', ';', ':', '?', '!', ')', ']', '}', '%', '％', '℃':
		return true
	}
	return false
}

// noEnd reports whether r may not end a line (opening punctuation).
func noEnd(r rune) bool {
	switch r {
	case '（', '《', '「', '『', '【', '〔', '〈', '“', '‘', '(', '[', '{':
		return true
	}
	return false
}

func trimRight(rs []rune) []rune {
	for len(rs) > 0 && rs[len(rs)-1] == ' ' {
		rs = rs[:len(rs)-1]
	}
	return rs
}

// withEllipsis shortens line until it and "…" fit in w mm.
func withEllipsis(m measurer, line []rune, size, w float64) string {
	ew := textWidth(m, ellipsis, size)
	total := 0.0
	for _, r := range line {
		total += m.runeWidth(r, size)
	}
	for len(line) > 0 && total+ew > w {
		total -= m.runeWidth(line[len(line)-1], size)
		line = line[:len(line)-1]
	}
	// Do not leave a dangling space or comma before the ellipsis.
	for len(line) > 0 {
		switch line[len(line)-1] {
		case ' ', '，', '、', '；', '：', ',', ';', ':', '。', '.':
			line = line[:len(line)-1]
			continue
		}
		break
	}
	return string(line) + ellipsis
}

// ellipsize fits s on one line of w mm, cutting it with "…" if needed.
func ellipsize(m measurer, s string, size, w float64) string {
	lines, _ := wrap(m, s, size, func(int) float64 { return w }, 1)
	if len(lines) == 0 {
		return ""
	}
	return lines[0]
}
