package app

import (
	"encoding/json"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/xunbang/xunbang/assets"
)

// setLocale makes the system locale that Fyne reads on Linux and BSD (through
// github.com/jeandeaual/go-locale) be loc, for the rest of the test.
func setLocale(t *testing.T, loc string) {
	t.Helper()
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANGUAGE"} {
		t.Setenv(env, "")
	}
	t.Setenv("LANG", loc)
}

const (
	taglineZH = "技术需求走访、诊断与确认"
	taglineEN = "Visiting, diagnosing and confirming enterprises' technology needs"
)

func mustSetLanguage(t *testing.T, l Language) {
	t.Helper()
	if err := SetLanguage(l); err != nil {
		t.Fatalf("SetLanguage(%q): %v", l, err)
	}
}

func TestParseLanguage(t *testing.T) {
	for setting, want := range map[string]Language{
		"":            Chinese,
		"zh":          Chinese,
		"zh-CN":       Chinese,
		"fr":          Chinese,
		"english":     Chinese,
		"en":          English,
		" EN ":        English,
		"en-US":       English,
		"en_GB.UTF-8": English,
	} {
		if got := ParseLanguage(setting); got != want {
			t.Errorf("ParseLanguage(%q) = %q, want %q", setting, got, want)
		}
	}
}

func TestChineseByDefaultWhateverTheSystemLocale(t *testing.T) {
	for _, loc := range []string{"", "C", "C.UTF-8", "POSIX", "en_US.UTF-8", "en_GB", "de_DE.UTF-8", "ja_JP.UTF-8", "zh_CN.UTF-8", "zh_TW.UTF-8"} {
		t.Run(loc, func(t *testing.T) {
			setLocale(t, loc)
			mustSetLanguage(t, ParseLanguage(""))
			if got := lang.L("app.tagline"); got != taglineZH {
				t.Errorf("app.tagline = %q, want %q", got, taglineZH)
			}
			if got := lang.L("Cancel"); got != "取消" { // one of Fyne's own strings
				t.Errorf("Cancel = %q, want 取消", got)
			}
		})
	}
}

func TestEnglishWhenSet(t *testing.T) {
	for _, loc := range []string{"zh_CN.UTF-8", "zh_TW.UTF-8", "C", "en_US.UTF-8"} {
		t.Run(loc, func(t *testing.T) {
			setLocale(t, loc)
			mustSetLanguage(t, ParseLanguage("en"))
			if got := lang.L("app.tagline"); got != taglineEN {
				t.Errorf("app.tagline = %q, want %q", got, taglineEN)
			}
			if got := lang.L("Cancel"); got != "Cancel" {
				t.Errorf("Cancel = %q, want Cancel", got)
			}
		})
	}
}

// TestSetLanguageOverridesEveryLocale runs with the system locale set to many
// languages, among them each one Fyne has translations for. The preferred
// locale "xx" (which has no plural rules) defeats SetLanguage's first try, so
// the language after it must be in fyneLanguages if Fyne translates it.
func TestSetLanguageOverridesEveryLocale(t *testing.T) {
	codes := []string{
		"ar", "bg", "da", "fi", "hu", "id", "it", "ja", "ko", "nl", "pt_PT", "ro", "th", "tr",
		"ug", "vi", "zh_CN", "zh_HK", "zh_SG", "zh_TW",
	}
	for _, tag := range fyneLanguages {
		codes = append(codes, strings.ReplaceAll(string(tag), "-", "_"))
	}
	for _, code := range codes {
		for _, languages := range []string{"", "xx:" + code} {
			t.Run(code+"/"+languages, func(t *testing.T) {
				setLocale(t, code+".UTF-8")
				t.Setenv("LANGUAGE", languages)
				for _, l := range []Language{English, Chinese} {
					mustSetLanguage(t, l)
					want := map[Language]string{Chinese: taglineZH, English: taglineEN}[l]
					if got := lang.L("app.tagline"); got != want {
						t.Errorf("%s: app.tagline = %q, want %q", l, got, want)
					}
					if got := CurrentLanguage(); got != l {
						t.Errorf("CurrentLanguage() = %q, want %q", got, l)
					}
				}
			})
		}
	}
}

func TestTemplatesAndPluralForms(t *testing.T) {
	setLocale(t, "ru_RU.UTF-8") // Russian has plural forms one, few, many, other
	mustSetLanguage(t, Chinese)
	if got, want := lang.L("app.datadir", map[string]any{"Dir": "/数据"}), "数据目录：/数据"; got != want {
		t.Errorf("app.datadir = %q, want %q", got, want)
	}
	for _, n := range []int{0, 1, 2, 5} {
		if got := lang.XN("file.name", "Name", n); got != "名字" {
			t.Errorf("file.name with count %d = %q, want 名字", n, got)
		}
	}
}

// TestTranslationsHaveTheSameKeys checks that every message exists in both
// languages.
func TestTranslationsHaveTheSameKeys(t *testing.T) {
	fsys := assets.Translations()
	keys := func(name string) []string {
		b, err := fs.ReadFile(fsys, path.Join(assets.TranslationsDir, name))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	for _, prefix := range []string{"", "fyne."} {
		zh, en := keys(prefix+"zh.json"), keys(prefix+"en.json")
		if strings.Join(zh, "\n") != strings.Join(en, "\n") {
			t.Errorf("%szh.json and %sen.json have different keys:\nzh: %q\nen: %q", prefix, prefix, zh, en)
		}
	}
}
