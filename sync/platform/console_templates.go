package platform

import (
	"html/template"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// consolePages are the console's templates, each drawn inside layout.html.
var consolePages = []string{"login", "error", "queue", "need", "tokens", "users", "hub", "audit", "account", "settings"}

// consoleLangs are the languages every page is parsed in.
var consoleLangs = []lang{langZH, langEN}

// funcs are the template functions of pages in l: the messages (t, th)
// and the labels of codes the records hold, in l.
func (l lang) funcs() template.FuncMap {
	fm := l.templateFuncs()
	code := string(l)
	for name, fn := range map[string]any{
		"stateLabel": func(s protocol.PlatformState) string {
			if s == "" {
				return l.t("state.none")
			}
			return s.Label(code)
		},
		"statusLabel": func(s forms.Status) string { return s.Label(code) },
		"visLabel": func(v forms.Visibility) string {
			if voc := forms.Default().Vocabulary("visibility"); voc != nil && v != "" {
				return voc.Label(string(v), code)
			}
			return string(v)
		},
		"roleLabel":  func(r hubstore.Role) string { return r.Label(code) },
		"classLabel": func(c forms.DataClass) string { return c.Label(code) },
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(displayZone).Format("2006-01-02 15:04")
		},
		"shortID": func(id string) string {
			if len(id) > 8 {
				return id[:8]
			}
			return id
		},
		"actionLabel": func(a string) string {
			if _, ok := consoleMessages["audit.action."+a]; ok {
				return l.t("audit.action." + a)
			}
			return a
		},
	} {
		fm[name] = fn
	}
	return fm
}

// mustParsePages parses every page with the layout, in every language; a
// template that does not parse is a bug caught by any test that builds a
// Handler.
func mustParsePages() map[lang]map[string]*template.Template {
	out := make(map[lang]map[string]*template.Template, len(consoleLangs))
	for _, l := range consoleLangs {
		out[l] = make(map[string]*template.Template, len(consolePages))
		for _, name := range consolePages {
			out[l][name] = template.Must(template.New(name).Funcs(l.funcs()).ParseFS(consoleFS, "console/layout.html", "console/"+name+".html"))
		}
	}
	return out
}
