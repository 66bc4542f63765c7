package posixlocale

import "testing"

func TestFix(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"LANG": "C.UTF-8"}, true},
		{map[string]string{"LANG": "C.utf8"}, true},
		{map[string]string{"LC_ALL": "POSIX.UTF-8", "LANG": "zh_CN.UTF-8"}, true},
		{map[string]string{"LC_MESSAGES": "C.UTF-8"}, true},
		{map[string]string{"LANG": "C"}, false},     // Fyne's locale library handles these
		{map[string]string{"LANG": "POSIX"}, false}, //
		{map[string]string{"LANG": "zh_CN.UTF-8"}, false},
		{map[string]string{"LANG": "en_US.UTF-8"}, false},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "zh_CN"}, false},
		{map[string]string{"LC_ALL": "zh_CN.UTF-8", "LANG": "C.UTF-8"}, false},
		{map[string]string{}, false},
	} {
		set := map[string]string{}
		got := fix(func(k string) string { return tc.env[k] }, func(k, v string) error { set[k] = v; return nil })
		if got != tc.want || got && set["LANGUAGE"] != "en" || !got && len(set) > 0 {
			t.Errorf("%v: fix = %v, set %v", tc.env, got, set)
		}
	}
}
