package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLayering enforces DESIGN.md's package rules (docs/architecture.md)
// with `go list -deps`: the domain, the store, the jobs and the sync
// packages never depend on the UI toolkit; forms imports nothing of ours
// but its regions; the jobs import neither face; the sync engine
// (sync/client) knows platforms only through its Platform interface; the
// faces never talk to
// bbolt, resty, excelize, gopdf or PostgreSQL directly, and leave the
// formats (forms/xlsx, forms/card, forms/jsonl) and the window's control
// channel to the jobs, which both call.
func TestLayering(t *testing.T) {
	pkgs := goList(t, "./...")
	const mod = "github.com/xunbang/xunbang"
	under := func(rel, pkg string) bool { return rel == pkg || strings.HasPrefix(rel, pkg+"/") }
	jobsOnly := []string{mod + "/forms/xlsx", mod + "/forms/card", mod + "/forms/jsonl", mod + "/internal/control"}
	libraries := []string{"go.etcd.io/bbolt", "github.com/go-resty/resty", "github.com/xuri/excelize", "github.com/signintech/gopdf", "github.com/jackc/pgx"}
	for _, p := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, mod), "/")
		deps := goList(t, "-deps", p)
		for _, d := range deps {
			switch {
			case (under(rel, "forms") || under(rel, "store") || under(rel, "jobs") || strings.HasPrefix(rel, "sync/")) &&
				strings.HasPrefix(d, "fyne.io/fyne/v2"):
				t.Errorf("%s depends on %s: the domain, store, jobs and sync must not depend on the UI toolkit", rel, d)
			case rel == "forms" && strings.HasPrefix(d, mod) && d != mod+"/forms" && d != mod+"/forms/regions":
				t.Errorf("forms imports %s: forms imports nothing of ours but its regions", d)
			case under(rel, "jobs") && (under(strings.TrimPrefix(d, mod+"/"), "app") || under(strings.TrimPrefix(d, mod+"/"), "cli")):
				t.Errorf("jobs depends on %s: the jobs serve both faces and import neither", d)
			case rel == "sync/client" && (strings.HasPrefix(d, mod+"/sync/client/") || d == mod+"/sync/platform" ||
				strings.HasPrefix(d, "github.com/go-resty/resty")):
				t.Errorf("sync/client depends on %s: the engine knows platforms only through its Platform interface (docs/architecture.md)", d)
			}
		}
		if !under(rel, "app") && !under(rel, "cli") {
			continue
		}
		for _, d := range goList(t, "-f", `{{join .Imports "\n"}}`, p) {
			for _, banned := range libraries {
				if strings.HasPrefix(d, banned) {
					t.Errorf("%s imports %s directly", rel, d)
				}
			}
			for _, banned := range jobsOnly {
				if d == banned {
					t.Errorf("%s imports %s: the faces run their jobs through package jobs", rel, d)
				}
			}
		}
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages: %v", len(pkgs), pkgs)
	}
}

// TestScreensDeclareTheirStore fails when the window discovers what the
// store can do by a type assertion (u.st.(auditor)): each screen holds the
// store as the narrow interface it needs, checked when it compiles.
func TestScreensDeclareTheirStore(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("app", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			ta, ok := n.(*ast.TypeAssertExpr)
			if !ok {
				return true
			}
			if sel, ok := ta.X.(*ast.SelectorExpr); ok && (sel.Sel.Name == "st" || sel.Sel.Name == "imp" || sel.Sel.Name == "exp") {
				t.Errorf("%s: a type assertion on the store (%s.%s.(…)): declare the interface the screen needs instead", fset.Position(ta.Pos()), exprName(sel.X), sel.Sel.Name)
			}
			return true
		})
	}
	if checked < 10 {
		t.Fatalf("only %d files of package app checked", checked)
	}
}

// exprName names the expression a selector selects from, for the message.
func exprName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "…"
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
