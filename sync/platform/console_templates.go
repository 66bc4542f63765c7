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

var auditLabels = map[string]string{
	auditLogin: "登录", auditLoginFailed: "登录失败", auditLogout: "退出", auditReview: "审核",
	auditTokenCreate: "签发令牌", auditTokenRevoke: "吊销令牌", auditUserCreate: "新建用户",
	auditUserUpdate: "修改用户", auditUserPassword: "设置密码", auditExport: "导出", auditSettings: "修改设置",
}

var consoleFuncs = template.FuncMap{
	"stateLabel": func(s protocol.PlatformState) string {
		if s == "" {
			return "未审核"
		}
		return s.Label("zh")
	},
	"statusLabel": func(s forms.Status) string { return s.Label("zh") },
	"visLabel": func(v forms.Visibility) string {
		if voc := forms.Default().Vocabulary("visibility"); voc != nil && v != "" {
			return voc.Label(string(v), "zh")
		}
		return string(v)
	},
	"roleLabel":  func(r hubstore.Role) string { return r.Label("zh") },
	"classLabel": func(c forms.DataClass) string { return c.Label("zh") },
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
		if l, ok := auditLabels[a]; ok {
			return l
		}
		return a
	},
}

// mustParsePages parses every page with the layout; a template that does
// not parse is a bug caught by any test that builds a Handler.
func mustParsePages() map[string]*template.Template {
	out := make(map[string]*template.Template, len(consolePages))
	for _, name := range consolePages {
		out[name] = template.Must(template.New(name).Funcs(consoleFuncs).ParseFS(consoleFS, "console/layout.html", "console/"+name+".html"))
	}
	return out
}
