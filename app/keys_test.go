package app

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/forms"
)

// TestEveryMessageKeyIsTranslated finds the message keys the window's code
// names and checks that both translations have them.
func TestEveryMessageKeyIsTranslated(t *testing.T) {
	have := map[string]map[string]any{}
	for _, l := range []string{"zh", "en"} {
		b, err := fs.ReadFile(assets.Translations(), path.Join(assets.TranslationsDir, l+".json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		have[l] = m
	}
	key := regexp.MustCompile(`"((?:app|button|cards|confirm|dash|diag|editor|ent|error|excel|field|finalise|followup|lock|menu|needs|newneed|passphrase|region|section|settings|sync|tab|tree|visit)\.[a-z0-9.]+[a-z0-9])"`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	// Keys made at run time.
	for _, f := range forms.Default().Fields() {
		keys["section."+f.Section] = true
	}
	for i := 1; i <= regionDepth; i++ {
		keys["region.level."+string(rune('0'+i))] = true
	}
	for _, f := range excelFormats {
		keys["excel.format."+f] = true
		keys["excel.filename."+f] = true
	}
	if len(keys) < 220 {
		t.Fatalf("found only %d keys", len(keys))
	}
	for k := range keys {
		for l, m := range have {
			if _, ok := m[k]; !ok {
				t.Errorf("%s.json has no %q", l, k)
			}
		}
	}
}
