package platform

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	fmtVerb = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z]`)
	han     = regexp.MustCompile(`\p{Han}`)
	// templateID finds the ids a template names: {{t "id" …}}, {{th "id" …}}.
	templateID = regexp.MustCompile(`\{\{-?\s*(?:t|th)\s+"([^"]+)"|\((?:t|th)\s+"([^"]+)"`)
	// goString finds the string literals of Go code that look like ids.
	goString = regexp.MustCompile(`"([a-z]+(?:\.[a-zA-Z0-9]+)+)"`)
	// auditActions are the audit's actions, which look like ids.
	auditActions = []string{auditLogin, auditLoginFailed, auditLogout, auditReview, auditTokenCreate, auditTokenRevoke,
		auditUserCreate, auditUserUpdate, auditUserPassword, auditExport, auditSettings}
)

// Every message of the console is complete in both languages, with the
// same arguments in the same order; the English has no Chinese in it
// (but the switch's 中文); every id the code and the templates name is in
// the table, and every message of the table is named somewhere.
func TestConsoleMessages(t *testing.T) {
	for id, m := range consoleMessages {
		if strings.TrimSpace(m.zh) == "" || strings.TrimSpace(m.en) == "" {
			t.Errorf("message %q lacks a language: %+v", id, m)
		}
		if zh, en := fmtVerb.FindAllString(m.zh, -1), fmtVerb.FindAllString(m.en, -1); !slices.Equal(zh, en) {
			t.Errorf("message %q: the Chinese takes %v, the English %v", id, zh, en)
		}
		if id != "lang.switch" && han.MatchString(m.en) {
			t.Errorf("message %q: Chinese in the English %q", id, m.en)
		}
	}

	named := map[string]bool{}
	templates, _ := fs.Glob(consoleFS, "console/*.html")
	for _, name := range templates {
		b, _ := fs.ReadFile(consoleFS, name)
		if han.Match(b) {
			t.Errorf("%s has Chinese of its own: every word of a page is a message", name)
		}
		for _, m := range templateID.FindAllStringSubmatch(string(b), -1) {
			named[m[1]+m[2]] = true
		}
	}
	prefixes := map[string]bool{}
	for id := range consoleMessages {
		prefixes[id[:strings.IndexByte(id+".", '.')]] = true
	}
	goFiles, _ := filepath.Glob("console*.go")
	for _, name := range goFiles {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goString.FindAllStringSubmatch(string(b), -1) {
			if id := m[1]; prefixes[id[:strings.IndexByte(id, '.')]] && !slices.Contains(auditActions, id) {
				named[id] = true
			}
		}
	}
	if len(named) < 100 {
		t.Fatalf("only %d ids found in the templates and the code: is the scan broken?", len(named))
	}
	for id := range named {
		if _, ok := consoleMessages[id]; !ok {
			t.Errorf("%q is named but not in consoleMessages", id)
		}
	}
	for id := range consoleMessages {
		// The audit's action words are looked up by action (actionLabel).
		if !named[id] && !strings.HasPrefix(id, "audit.action.") {
			t.Errorf("message %q is named nowhere", id)
		}
	}
	for _, a := range auditActions {
		if _, ok := consoleMessages["audit.action."+a]; !ok {
			t.Errorf("the audit action %q has no words", a)
		}
	}
}

// Chinese unless the browser asks for English and for no Chinese.
func TestAcceptLang(t *testing.T) {
	for header, want := range map[string]lang{
		"":                                  langZH,
		"zh-CN,zh;q=0.9":                    langZH,
		"zh-CN,zh;q=0.9,en;q=0.8":           langZH,
		"en-US,en;q=0.9,zh-CN;q=0.8":        langZH, // Chinese asked for, if second: Chinese
		"zh-Hant-TW":                        langZH,
		"fr-FR,fr;q=0.9":                    langZH,
		"*":                                 langZH,
		"en-US,en;q=0.9":                    langEN,
		"EN":                                langEN,
		"en-GB, fr;q=0.5":                   langEN,
		"en-US,zh-CN;q=0":                   langEN, // q=0: not acceptable
		"en;q=0":                            langZH,
		"en;q=zz":                           langZH,
		";;,,en":                            langEN,
		"en-US;q=0.9,zh;q=0.001":            langZH,
		"de-DE,en-US;q=0.7,en;q=0.3":        langEN,
		"xx-YY,zh-CN;q=0.5,en-US;q=0.9,en":  langZH,
		strings.Repeat("en-US,", 200) + "x": langEN,
	} {
		if got := acceptLang(header); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", header, got, want)
		}
	}
}

// Whatever the header, acceptLang answers one of the two languages.
func FuzzAcceptLang(f *testing.F) {
	for _, s := range []string{"", "zh-CN,zh;q=0.9", "en-US,en;q=0.9", "en;q=0", "en;q=1e400", ";q=", ",,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if l := acceptLang(header); l != langZH && l != langEN {
			t.Fatalf("%q: %q", header, l)
		}
	})
}
