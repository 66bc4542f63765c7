package regions

import "testing"

// TestRegionAliases is issue 13.2: towns people still write resolve, with a
// note, to the region that administers them in the 2023 codes — and only
// where the text or the home region places them.
func TestRegionAliases(t *testing.T) {
	ix := Default()
	for _, a := range Aliases() {
		r, ok := ix.Lookup(a.Code)
		if !ok || !ix.Within(a.Code, a.Parent) || a.ZH == "" || a.EN == "" {
			t.Errorf("alias %s: target %s (%v) not inside %s, or no note", a.Name, a.Code, ok, a.Parent)
		}
		if got := ix.Resolve(a.Name, a.Parent); len(got) != 0 {
			t.Errorf("alias %s: the region data has it under %s (%v): the alias is not needed", a.Name, a.Parent, got)
		}
		_ = r
	}
	const kunshan, suzhou, resort = "320583", "320500", "320583401"
	for _, tt := range []struct {
		text, home string
		want       string // "" for no alias
	}{
		{"淀山湖镇", "", resort}, // no such town anywhere else
		{"淀山湖", kunshan, resort},
		{"锦溪镇", kunshan, resort},
		{"锦溪镇", suzhou, resort},
		{"锦溪镇", "", ""}, // 龙泉 has a 锦溪镇: not placed
		{"周庄镇", "320583100", resort},
		{"周庄镇", "320281", ""}, // 江阴's own 周庄镇
		{"昆山市周庄镇", "", resort},
		{"江苏省苏州市昆山市锦溪镇", "", resort},
		{"昆山 周庄", "", resort},
		{"江阴市周庄镇", kunshan, ""},
		{"玉山镇", kunshan, ""},
	} {
		a, ok := ix.ResolveAlias(tt.text, tt.home)
		got := ""
		if ok {
			got = a.Code
		}
		if got != tt.want {
			t.Errorf("ResolveAlias(%q, %q) = %q, want %q", tt.text, tt.home, got, tt.want)
		}
	}
}
