package xlsx

import (
	"fmt"
	"strings"

	"github.com/xunbang/xunbang/forms"
)

// regionResult is what a region cell resolved to: a code, or why not.
type regionResult struct {
	code    string
	problem string // "region.unresolved" or "region.ambiguous"
	zh, en  string // the reason, a sentence ending in ， / .
	// alias is set when code came from the alias table (a town the
	// division codes no longer carry): the note becomes a warning.
	alias *forms.RegionAlias
}

// resolveRegion reads a region as people write it: a code, a town name
// alone (玉山镇, looked up inside the home region first), a path
// (江苏省苏州市昆山市玉山镇). A name that several regions share is not
// guessed at.
func (rd *reader) resolveRegion(raw string) regionResult {
	text := strings.Join(strings.Fields(raw), "")
	if r, ok := rd.regionCache[text]; ok {
		return r
	}
	r := resolveRegion(forms.Regions(), text, rd.opt.HomeRegion)
	if len(rd.regionCache) < 10000 {
		rd.regionCache[text] = r
	}
	return r
}

func resolveRegion(ix *forms.RegionIndex, text, home string) regionResult {
	if isDigits(text) && (len(text) == 6 || len(text) == 9 || len(text) == 12) {
		if r, ok := ix.Lookup(text); ok {
			return regionResult{code: r.Code}
		}
	}
	if code, ok := codePath(ix, text); ok {
		return regionResult{code: code}
	}
	if a, ok := ix.ResolveAlias(text, home); ok {
		return regionResult{code: a.Code, alias: &a}
	}
	homeName := ""
	if home != "" {
		if h, ok := ix.Lookup(home); ok {
			homeName = ix.FullName(h.Code)
			home = h.Code
		} else {
			home = ""
		}
	}
	if home != "" {
		in := ix.Resolve(text, home)
		if r, ok := pickRegion(in, text); ok {
			return regionResult{code: r.Code}
		}
		if len(in) > 1 {
			return ambiguous(ix, text, in, homeName)
		}
	}
	all := ix.Resolve(text, "")
	for _, r := range all {
		if r.Code == home {
			return regionResult{code: r.Code} // the home region itself
		}
	}
	if r, ok := pickRegion(all, text); ok {
		return regionResult{code: r.Code}
	}
	if len(all) > 1 {
		return ambiguous(ix, text, all, "")
	}
	if home != "" {
		return regionResult{problem: "region.unresolved",
			zh: fmt.Sprintf("在%s及全国都找不到“%s”，", homeName, clipText(text, 30)),
			en: fmt.Sprintf("%q was found neither within %s nor anywhere else.", clipText(text, 30), homeName)}
	}
	return regionResult{problem: "region.unresolved",
		zh: fmt.Sprintf("找不到“%s”（未设置本地区，可用 --region 指定），", clipText(text, 30)),
		en: fmt.Sprintf("%q was not found (no home region is set; --region sets one).", clipText(text, 30))}
}

// pickRegion takes the one region a name means: the only match, or the only
// match whose name is exactly the text.
func pickRegion(rs []forms.Region, text string) (forms.Region, bool) {
	if len(rs) == 1 {
		return rs[0], true
	}
	var exact []forms.Region
	for _, r := range rs {
		if r.Name == text {
			exact = append(exact, r)
		}
	}
	if len(exact) == 1 {
		return exact[0], true
	}
	return forms.Region{}, false
}

func ambiguous(ix *forms.RegionIndex, text string, rs []forms.Region, within string) regionResult {
	var names []string
	for i, r := range rs {
		if i == 3 {
			break
		}
		names = append(names, ix.FullName(r.Code))
	}
	res := regionResult{problem: "region.ambiguous"}
	if within != "" {
		res.zh = fmt.Sprintf("在%s有 %d 处“%s”（%s 等），无法确定，", within, len(rs), clipText(text, 30), strings.Join(names, "、"))
		res.en = fmt.Sprintf("%d places within %s are called %q (%s …), so it is not clear which.", len(rs), within, clipText(text, 30), strings.Join(names, ", "))
	} else {
		res.zh = fmt.Sprintf("全国有 %d 处“%s”（%s 等），无法确定（可用 --region 指定本地区），", len(rs), clipText(text, 30), strings.Join(names, "、"))
		res.en = fmt.Sprintf("%d places are called %q (%s …), so it is not clear which (--region sets the home region).", len(rs), clipText(text, 30), strings.Join(names, ", "))
	}
	return res
}

// codePath reads a region written as the codes of its levels, top first
// (320000,320500,320583: how the Jiangsu platform writes one), each inside
// the one before, and returns the last.
func codePath(ix *forms.RegionIndex, text string) (string, bool) {
	parts := forms.SplitList(text)
	if len(parts) < 2 || len(parts) > 4 {
		return "", false
	}
	prev := ""
	for _, p := range parts {
		r, ok := ix.Lookup(p)
		if !isDigits(p) || !ok || prev != "" && !ix.Within(r.Code, prev) {
			return "", false
		}
		prev = r.Code
	}
	return prev, true
}
