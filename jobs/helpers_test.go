package jobs

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/store"
)

// fixedNow is the clock of the tests' stores and outputs.
func fixedNow() time.Time { return time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC) }

// openStore opens a new, unencrypted store in a temporary directory.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "data"), store.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// demoStore opens a store holding a demo set of about n needs with their
// follow-ups, the home region 苏州市 and the user 李科技.
func demoStore(t testing.TB, n int) *store.Store {
	t.Helper()
	st := openStore(t)
	ctx := context.Background()
	set := demo.Generate(7, n)
	for _, e := range set.Enterprises {
		e.Rev = forms.NewID()
	}
	for _, x := range set.Needs {
		x.Rev = forms.NewID()
	}
	if _, err := st.Import(ctx, set.Enterprises, set.Needs, store.ImportOptions{Exact: true}); err != nil {
		t.Fatal(err)
	}
	for _, f := range set.FollowUps {
		if err := st.SaveFollowUp(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	s, err := st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.HomeRegion, s.User, s.Team = "320500", "李科技", "苏州科技镇长团"
	s.PlatformProfile = "xunbang"
	if err := st.SaveSettings(ctx, s); err != nil {
		t.Fatal(err)
	}
	return st
}

// demoStoreWithSolutions is demoStore with the demo's solutions (揭榜) and
// its needs' 竞榜 evaluations, as a hub would have sent them. It returns how
// many solutions it stored.
func demoStoreWithSolutions(t testing.TB, n int) (*store.Store, int) {
	t.Helper()
	st := demoStore(t, n)
	sols := demo.Generate(7, n).Solutions
	if err := st.Update(context.Background(), func(tx *store.Tx) error {
		for _, s := range sols {
			if err := tx.PutSolutionRemote(s); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return st, len(sols)
}

// testFont is the embedded CJK font, read from its file (package assets
// would bring in the UI toolkit).
func testFont(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../assets/fonts/wqy-microhei-subset.ttf")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// auditLog returns the entries of kind.
func auditLog(t testing.TB, st *store.Store, kind string) []store.AuditEntry {
	t.Helper()
	l, err := st.AuditLog(context.Background(), store.AuditQuery{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// names lists what dir holds.
func names(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var l []string
	for _, e := range es {
		l = append(l, e.Name())
	}
	return l
}

// readFile returns the file's bytes.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
