// Package posixlocale keeps Fyne quiet under the C locale. Imported (for
// its side effect) by package main, it must be imported by nothing else.
//
// Fyne's lang package reads the user's locale in its own init — before
// main runs, in every command, window or not — and logs three lines
// ("Fyne error: Error parsing user locale C") when the locale is C.UTF-8,
// C.utf8, POSIX.UTF-8 and the like, which it cannot parse: it takes the
// first of LC_ALL, LC_MESSAGES and LANG that is set and, unless that is
// exactly "C" or "POSIX", prefers LANGUAGE when set.
//
// So when that variable is a C or POSIX locale with a suffix and LANGUAGE
// is not set, this package's init sets LANGUAGE=en, which is what such a
// locale means for messages (GNU gettext programs started by xunbang, such
// as a PDF viewer, read it the same way). Nothing else is changed: xunbang's
// own language comes from LC_ALL, LC_MESSAGES, LANG or XUNBANG_LANG, and
// the window's from its settings.
//
// Order: Go initialises packages in the order of their import paths, each
// once all it imports are initialised. This package imports only os and
// strings, which golang.org/x/text/language needs too; it sorts before
// that package, and Fyne's lang package imports that package, so this init
// always runs before Fyne's (TestFyneSaysNothingUnderCLocale in package
// main proves it on the real binary).
package posixlocale

import (
	"os"
	"strings"
)

// Set reports whether init set LANGUAGE.
var Set bool

func init() {
	Set = fix(os.Getenv, os.Setenv)
}

// fix sets LANGUAGE=en through setenv when the locale read through getenv
// is C or POSIX with a suffix and LANGUAGE is not set, and reports whether
// it did.
func fix(getenv func(string) string, setenv func(string, string) error) bool {
	var loc string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(k); loc != "" {
			break
		}
	}
	if loc == "" || loc == "C" || loc == "POSIX" || getenv("LANGUAGE") != "" {
		return false
	}
	lang := loc
	if i := strings.IndexAny(lang, ".@_"); i >= 0 {
		lang = lang[:i]
	}
	if lang != "C" && lang != "POSIX" {
		return false
	}
	return setenv("LANGUAGE", "en") == nil
}
