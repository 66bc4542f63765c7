package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/xunbang/xunbang/assets"
)

// Language is a UI language xunbang offers.
type Language string

// The UI languages. Chinese is the default: the users are Chinese officials,
// whatever locale their machine happens to report.
const (
	Chinese Language = "zh"
	English Language = "en"
)

// ParseLanguage maps a language setting to a [Language]: "en" (also "EN",
// "en-US", "en_GB.UTF-8") gives [English]; anything else, including "" and
// "zh", gives [Chinese].
func ParseLanguage(setting string) Language {
	s := strings.ToLower(strings.TrimSpace(setting))
	if s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_") || strings.HasPrefix(s, "en.") {
		return English
	}
	return Chinese
}

// languageKey is the message whose text is the code of the language it is
// written in ("zh" in zh.json, "en" in en.json); it tells which language the
// UI is actually showing.
const languageKey = "app.language"

// CurrentLanguage returns the language the UI shows.
func CurrentLanguage() Language {
	return Language(lang.L(languageKey))
}

// fyneLanguages are the language tags Fyne v2.7.1 ships translations for
// (fyne.io/fyne/v2/lang/translations/base.*.json) plus "en", its fallback, and
// "zh", ours.
//
// Fyne picks the UI language itself, by matching the operating system's
// locales against the languages it has translations for, and v2.7.1 has no
// API to override that choice. So [SetLanguage] forces a language by
// registering that language's messages under the tag Fyne picks: first under
// the system locale itself (which then matches exactly) and "en" (what an
// unparsable locale such as C.UTF-8 falls back to), and if that is not
// enough, under every tag here.
//
// When upgrading Fyne, add the languages of any new base.*.json here
// (TestSetLanguageOverridesEveryLocale checks each of them).
var fyneLanguages = []fyne.Locale{
	"cs", "de", "el", "en", "es", "fr", "pl", "pt", "pt-BR", "ru", "sv", "ta", "uk", "zh", "zh-Hans",
}

var (
	// holds records which language's messages SetLanguage last registered
	// under each tag, so that a later call overwrites only what it must:
	// every registration makes Fyne rebuild its language matcher.
	holds = map[fyne.Locale]Language{}
	// extraTags are the system locales SetLanguage has registered messages
	// under besides fyneLanguages; they must be overwritten too when the
	// language changes.
	extraTags []fyne.Locale
)

var loadTranslations = sync.OnceValue(func() error {
	return lang.AddTranslationsFS(assets.Translations(), assets.TranslationsDir)
})

// SetLanguage loads xunbang's translations and makes l the language of the
// whole UI, including Fyne's own widgets and dialogs, whatever the operating
// system's locale is. Afterwards read strings with [lang.L].
//
// Fyne's lang package is not safe for concurrent use: call SetLanguage before
// the first window is built (as [Run] does), or on the UI goroutine; widgets
// that exist already keep their text until they are rebuilt.
func SetLanguage(l Language) error {
	if err := loadTranslations(); err != nil {
		return fmt.Errorf("load translations from assets: %w", err)
	}
	data, err := messagesFor(assets.Translations(), assets.TranslationsDir, l)
	if err != nil {
		return fmt.Errorf("set UI language %q: %w", l, err)
	}

	// Each registration makes Fyne match the system locales again (and log
	// again when it cannot parse them), so try the likely tags first.
	// Not every locale has plural rules (for example "und"), so a failure to
	// register under the system locale is not an error.
	if sys := lang.SystemLocale(); sys != "" && sys.LanguageString() != "und" {
		if err := lang.AddTranslationsForLocale(data, sys); err != nil {
			slog.Debug("UI language: cannot register messages for the system locale",
				"locale", sys, "err", err)
		} else {
			holds[sys] = l
			if !slices.Contains(extraTags, sys) && !slices.Contains(fyneLanguages, sys) {
				extraTags = append(extraTags, sys)
			}
		}
	}
	if err := lang.AddTranslationsForLocale(data, "en"); err != nil {
		return fmt.Errorf("set UI language %q: register as \"en\": %w", l, err)
	}
	holds["en"] = l
	if CurrentLanguage() == l {
		return nil
	}

	var errs []error
	for _, tag := range slices.Concat(fyneLanguages, extraTags) {
		if holds[tag] == l {
			continue
		}
		if err := lang.AddTranslationsForLocale(data, tag); err != nil {
			errs = append(errs, fmt.Errorf("register as %q: %w", tag, err))
			continue
		}
		holds[tag] = l
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("set UI language %q: %w", l, err)
	}
	if got := CurrentLanguage(); got != l {
		return fmt.Errorf("set UI language %q: Fyne still shows %q for system locale %q",
			l, got, lang.SystemLocale())
	}
	return nil
}

// messagesFor merges the translation files of language l found in dir of
// fsys into one JSON document: first the prefixed files ("fyne.zh.json"), then
// the plain one ("zh.json"), so that xunbang's own wording wins. Every plural
// message is completed with all CLDR plural forms, copied from its "other"
// form, because the messages are registered under languages whose plural
// rules want forms ("one", "few", "many") that l does not have.
func messagesFor(fsys fs.FS, dir string, l Language) ([]byte, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	plain := string(l) + ".json"
	var files []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && strings.HasSuffix(name, "."+plain) {
			files = append(files, name)
		}
	}
	sort.Strings(files)
	hasPlain := false
	for _, e := range entries {
		if e.Name() == plain {
			hasPlain = true
		}
	}
	if !hasPlain {
		return nil, fmt.Errorf("no %s in %s", plain, dir)
	}
	files = append(files, plain)

	merged := map[string]any{}
	for _, name := range files {
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		for k, v := range m {
			merged[k] = v
		}
	}
	for _, v := range merged {
		completePluralForms(v)
	}
	data, err := json.Marshal(merged)
	if err != nil {
		return nil, fmt.Errorf("encode %s messages: %w", l, err)
	}
	return data, nil
}

// completePluralForms gives a plural message (an object with an "other" form)
// every plural form it lacks, with the text of "other"; it descends into
// nested objects of messages.
func completePluralForms(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	if other, ok := m["other"].(string); ok {
		for _, form := range []string{"zero", "one", "two", "few", "many"} {
			if _, ok := m[form]; !ok {
				m[form] = other
			}
		}
		return
	}
	for _, child := range m {
		completePluralForms(child)
	}
}
