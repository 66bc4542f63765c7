package store

import (
	"errors"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
)

// Exact import carries solutions (xunbang's own JSON holds them): stored as
// given, with an outbox entry, in the import's one transaction; imported
// again, skipped; a dry run writes nothing; only an exact import takes
// them.
func TestImportSolutionsExactly(t *testing.T) {
	st, _ := openTest(t)
	set := demo.Generate(7, 60)
	if len(set.Solutions) == 0 {
		t.Fatal("the demo has no solutions")
	}
	opt := ImportOptions{Exact: true, Solutions: set.Solutions, DryRun: true}
	rep, err := st.Import(bg, set.Enterprises, set.Needs, opt)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := st.SolutionStatuses(bg); len(got) != 0 || rep.Created != len(set.Enterprises)+len(set.Needs)+len(set.Solutions) {
		t.Fatalf("dry run: stored %d, report %+v", len(got), rep.Created)
	}
	opt.DryRun = false
	if _, err := st.Import(bg, set.Enterprises, set.Needs, opt); err != nil {
		t.Fatal(err)
	}
	for _, want := range set.Solutions {
		got, err := st.Solution(bg, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rev != want.Rev || got.Status != want.Status || got.Provider() != want.Provider() || !got.UpdatedAt.Equal(want.UpdatedAt) {
			t.Fatalf("stored %+v, want %+v", got, want)
		}
	}
	stats, err := st.OutboxStats(bg)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Pending != len(set.Enterprises)+len(set.Needs)+len(set.Solutions) {
		t.Errorf("outbox holds %d entries", stats.Pending)
	}
	rep, err = st.Import(bg, set.Enterprises, set.Needs, opt)
	if err != nil || rep.Skipped != len(set.Enterprises)+len(set.Needs)+len(set.Solutions) || rep.Created != 0 {
		t.Errorf("again: %+v %v", rep, err)
	}
	if err := st.Check(bg); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(bg, nil, nil, ImportOptions{Solutions: set.Solutions}); !errors.Is(err, ErrInvalid) {
		t.Errorf("solutions without Exact: %v", err)
	}
	bad := set.Solutions[0].Clone()
	bad.ID, bad.Status = forms.NewID(), "maybe"
	if _, err := st.Import(bg, nil, nil, ImportOptions{Exact: true, Solutions: []*forms.Solution{bad}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a solution of no known status: %v", err)
	}
}
