package main

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLayering enforces DESIGN.md's package rules with `go list -deps`: the
// domain, the store and the sync packages never depend on the UI toolkit;
// forms imports nothing of ours; the UI never talks to bbolt, resty or
// excelize directly.
func TestLayering(t *testing.T) {
	pkgs := goList(t, "./...")
	const mod = "github.com/xunbang/xunbang"
	for _, p := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, mod), "/")
		deps := goList(t, "-deps", p)
		for _, d := range deps {
			switch {
			case (rel == "forms" || strings.HasPrefix(rel, "forms/") || rel == "store" || strings.HasPrefix(rel, "store/") || strings.HasPrefix(rel, "sync/")) &&
				strings.HasPrefix(d, "fyne.io/fyne/v2"):
				t.Errorf("%s depends on %s: the domain, store and sync must not depend on the UI toolkit", rel, d)
			case rel == "forms" && strings.HasPrefix(d, mod) && d != mod+"/forms":
				t.Errorf("forms imports %s: forms imports nothing of ours", d)
			case rel == "sync/client" && (strings.HasPrefix(d, mod+"/sync/client/") || d == mod+"/sync/platform" ||
				strings.HasPrefix(d, "github.com/go-resty/resty")):
				t.Errorf("sync/client depends on %s: the engine knows platforms only through its Platform interface (docs/architecture.md)", d)
			}
		}
		if rel == "app" || strings.HasPrefix(rel, "app/") {
			for _, d := range goList(t, "-f", `{{join .Imports "\n"}}`, p) {
				for _, banned := range []string{"go.etcd.io/bbolt", "github.com/go-resty/resty", "github.com/xuri/excelize", "github.com/jackc/pgx"} {
					if strings.HasPrefix(d, banned) {
						t.Errorf("%s imports %s directly", rel, d)
					}
				}
			}
		}
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages: %v", len(pkgs), pkgs)
	}
}

// TestPackagesHaveDocComments fails when a package of ours has no package
// doc comment in any of its non-test files.
func TestPackagesHaveDocComments(t *testing.T) {
	dirs := goList(t, "-f", "{{.Dir}}", "./...")
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		documented, files := false, 0
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			files++
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, name), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "" {
				documented = true
			}
		}
		if files > 0 && !documented {
			t.Errorf("package in %s has no doc comment", dir)
		}
	}
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-tags", "ci,migrated_fynedo"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}
