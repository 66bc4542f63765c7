package forms

import (
	"strconv"
	"strings"
)

// Records carry the catalogue version they were written with
// (catalogue_version). A reader running another version — a hub not yet
// upgraded receiving a newer laptop's need, or a new hub receiving an old
// laptop's — must not refuse a record for what only the catalogues
// disagree on: a field one of them lacks, or an option code one of them
// lacks. Those become warnings (Tolerate). Legacy option codes (see
// [Option.Legacy]) are always understood: UpgradeValues maps them.

// CompareVersions orders catalogue versions such as "2026.1", "2026.2" and
// "2026.10" by their numbers, part by part; a part that is not a number
// compares as text. It returns -1, 0 or 1.
func CompareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		nx, errx := strconv.Atoi(x)
		ny, erry := strconv.Atoi(y)
		switch {
		case errx == nil && erry == nil && nx != ny:
			if nx < ny {
				return -1
			}
			return 1
		case (errx != nil || erry != nil) && x != y:
			return strings.Compare(x, y)
		}
	}
	return 0
}

// Tolerate softens, for a record written with catalogue version version,
// the errors that only a difference of catalogues causes: an unknown field
// or an unknown option code becomes a warning that says the record comes
// from another version of the form. With the same version (or none given)
// the problems are returned unchanged.
func (c *Catalogue) Tolerate(version string, ps []Problem) []Problem {
	if version == "" || CompareVersions(version, c.Version) == 0 {
		return ps
	}
	newer := CompareVersions(version, c.Version) > 0
	for i := range ps {
		p := &ps[i]
		if p.Severity != SeverityError || (p.Code != "unknown_field" && p.Code != "option") || p.Field == "" {
			continue
		}
		p.Severity = SeverityWarning
		if newer {
			p.zh += "（记录来自较新版本的表单 " + version + "，本版 " + c.Version + " 不认识，原样保留。）"
			p.en += " (the record comes from a newer form, " + version + "; this version, " + c.Version + ", keeps it as it is.)"
		} else {
			p.zh += "（记录来自较早版本的表单 " + version + "，原样保留。）"
			p.en += " (the record comes from an earlier form, " + version + ", and is kept as it is.)"
		}
	}
	return ps
}
