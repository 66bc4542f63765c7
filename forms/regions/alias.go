package regions

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

//go:embed data/aliases.json
var aliasesJSON []byte

// Alias is a town name people still write that the division codes no
// longer carry (昆山's 淀山湖镇, now under 昆山旅游度假区): the region it
// resolves to, and a note saying so.
type Alias struct {
	Name   string `json:"name"`   // the old name, as written (淀山湖镇)
	Parent string `json:"parent"` // the county the town was in (320583)
	Code   string `json:"code"`   // the region that administers it now
	ZH     string `json:"zh"`     // the note, in Chinese
	EN     string `json:"en"`     // and in English
}

// Note returns the alias's note in the given language.
func (a Alias) Note(lang string) string {
	if lang == "en" {
		return a.EN
	}
	return a.ZH
}

var (
	aliasOnce sync.Once
	aliasList []Alias
)

// Aliases returns the embedded alias table (data/aliases.json).
func Aliases() []Alias {
	aliasOnce.Do(func() {
		l, err := parseAliases(aliasesJSON)
		if err != nil {
			panic(fmt.Errorf("regions: embedded region aliases: %w", err)) // tested: a broken build
		}
		aliasList = l
	})
	return aliasList
}

func parseAliases(data []byte) ([]Alias, error) {
	var f struct {
		Format  int     `json:"format"`
		Aliases []Alias `json:"aliases"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	if f.Format != 1 {
		return nil, fmt.Errorf("unsupported format %d", f.Format)
	}
	return f.Aliases, nil
}

// ResolveAlias finds the alias a written region means (淀山湖镇,
// 昆山市锦溪镇, 江苏省苏州市昆山市周庄镇; with or without 镇), within the
// home region home ("" for none). An alias applies when the text names a
// region that holds the alias's old county before the town (a path), or
// when it is the town alone and home lies inside that county or holds it,
// or when no region of that name exists anywhere in the current codes (so
// nothing else can be meant). A town name shared with current regions
// elsewhere (周庄镇 of 江阴) is not taken for the alias without a path or a
// home that places it.
func (ix *Index) ResolveAlias(text, home string) (Alias, bool) {
	q := fold(text)
	for _, a := range Aliases() {
		name := fold(a.Name)
		for _, n := range []string{name, stem(name, suffixes)} {
			if n == "" || !strings.HasSuffix(q, n) {
				continue
			}
			head := strings.TrimSuffix(q, n)
			if head != "" {
				for _, r := range ix.Resolve(head, "") {
					if ix.Within(a.Parent, r.Code) {
						return a, true
					}
				}
				continue
			}
			if home != "" && (ix.Within(home, a.Parent) || ix.Within(a.Parent, home)) {
				return a, true
			}
			if len(ix.Resolve(a.Name, "")) == 0 {
				return a, true
			}
		}
	}
	return Alias{}, false
}
