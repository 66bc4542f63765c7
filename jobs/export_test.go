package jobs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/jsonl"
	"github.com/xunbang/xunbang/store"
)

// Every format is written to its file, with the owner's mode, recorded in
// the audit log with its name, its path and its needs; the same request
// on the same data with the same clock writes the same bytes.
func TestExportEveryFormat(t *testing.T) {
	st, _ := demoStoreWithSolutions(t, 30)
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		req   ExportRequest
		audit string // the detail's start
	}{
		{ExportRequest{Format: FormatJSON}, "json → "},
		{ExportRequest{Format: FormatPlatform}, "platform → "},
		{ExportRequest{Format: FormatHandbook}, "handbook → "},
		{ExportRequest{Format: FormatHandbook, IncludeUnconfirmed: true}, "handbook.unconfirmed → "},
		{ExportRequest{Format: FormatReport}, "report → "},
		{ExportRequest{Format: FormatBooklet, Font: testFont(t)}, "booklet → "},
		{ExportRequest{Format: FormatEvaluation}, "evaluation → "},
	}
	if len(tests) != len(Formats)+1 {
		t.Fatalf("%d cases for %d formats", len(tests), len(Formats))
	}
	for i, tc := range tests {
		req := tc.req
		req.Lang, req.Now = "zh", fixedNow
		req.Path = filepath.Join(dir, strings.ReplaceAll(tc.audit[:len(tc.audit)-len(" → ")], ".", "-")+req.Format.Ext())
		var calls int
		req.Progress = func(done, total int) { calls++ }
		res, err := Export(ctx, st, req)
		if err != nil {
			t.Fatalf("%s: %v", tc.audit, err)
		}
		if res.Output != req.Path || res.Needs == 0 {
			t.Errorf("%s: result %+v", tc.audit, res)
		}
		if req.Format != FormatJSON && calls == 0 {
			t.Errorf("%s: no progress", tc.audit)
		}
		fi, err := os.Stat(req.Path)
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 { // Windows has no Unix modes
			t.Errorf("%s: mode %v", tc.audit, fi.Mode().Perm())
		}
		log := auditLog(t, st, store.AuditExport)
		if len(log) != 2*i+1 || !strings.HasPrefix(log[2*i].Detail, tc.audit+req.Path) || log[2*i].User != "李科技" {
			t.Errorf("%s: audit %+v", tc.audit, log)
		}
		// Again, elsewhere: the same bytes.
		first, _ := os.ReadFile(req.Path)
		again := req
		again.Path = req.Path + ".again" + req.Format.Ext()
		if _, err := Export(ctx, st, again); err != nil {
			t.Fatal(err)
		}
		if second, _ := os.ReadFile(again.Path); !bytes.Equal(first, second) {
			t.Errorf("%s: two exports of the same data differ", tc.audit)
		}
	}
}

// JSON Lines go to a writer too, and read back as the records exported,
// the needs' solutions included (issue 15.3).
func TestExportJSONToAWriter(t *testing.T) {
	st, sols := demoStoreWithSolutions(t, 10)
	var buf bytes.Buffer
	res, err := Export(context.Background(), st, ExportRequest{Format: FormatJSON, W: &buf})
	if err != nil {
		t.Fatal(err)
	}
	b, err := jsonl.Read(context.Background(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Needs) != res.Needs || len(b.Enterprises) != res.Enterprises || res.Needs != st.CountNeeds(context.Background()) {
		t.Errorf("read back %d needs, %d enterprises; the result says %+v", len(b.Needs), len(b.Enterprises), res)
	}
	if sols == 0 || len(b.Solutions) != sols || res.Solutions != sols || b.Errors() > 0 {
		t.Errorf("read back %d solutions of %d stored; the result says %d; %v", len(b.Solutions), sols, res.Solutions, b.Problems)
	}
	if log := auditLog(t, st, store.AuditExport); len(log) != 1 || log[0].Detail != "json → stdout" {
		t.Errorf("audit %+v", log)
	}
}

func TestExportRefusals(t *testing.T) {
	st := demoStore(t, 5)
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		name string
		req  ExportRequest
		want error
	}{
		{"unknown format", ExportRequest{Format: "pdf", Path: filepath.Join(dir, "a")}, ErrUnknownFormat},
		{"a workbook to a terminal", ExportRequest{Format: FormatPlatform, W: &bytes.Buffer{}}, ErrNeedsFile},
		{"a booklet without its font", ExportRequest{Format: FormatBooklet, Path: filepath.Join(dir, "b.pdf")}, ErrNoFont},
		{"an unknown profile", ExportRequest{Format: FormatPlatform, Profile: "nope", Path: filepath.Join(dir, "c.xlsx")}, ErrUnknownProfile},
	}
	for _, tc := range tests {
		if _, err := Export(ctx, st, tc.req); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	var pe *UnknownProfileError
	if _, err := Export(ctx, st, tests[3].req); !errors.As(err, &pe) || pe.Profile != "nope" {
		t.Errorf("the profile error names %+v", pe)
	}
	if l := names(t, dir); len(l) != 0 || len(auditLog(t, st, store.AuditExport)) != 0 {
		t.Errorf("refused exports left %v and %d audit entries", l, len(auditLog(t, st, store.AuditExport)))
	}
}

// cancelling stops after the first need it hands out.
type cancelling struct {
	*store.Store
	cancel context.CancelFunc
}

func (c cancelling) ForEachNeed(ctx context.Context, fn func(*forms.Need) error) error {
	return c.Store.ForEachNeed(ctx, func(n *forms.Need) error {
		c.cancel()
		return fn(n)
	})
}

// ScanNeeds is how the upload sheet reads the needs.
func (c cancelling) ScanNeeds(ctx context.Context, read func(*store.Summary) bool, fn func(*store.Summary, *forms.Need) error) error {
	return c.Store.ScanNeeds(ctx, read, func(s *store.Summary, n *forms.Need) error {
		c.cancel()
		return fn(s, n)
	})
}

// A cancelled export leaves no file, no temporary file, no audit entry,
// and a file that was at its path as it was.
func TestExportCancelled(t *testing.T) {
	st := demoStore(t, 20)
	dir := t.TempDir()
	for _, f := range Formats {
		ctx, cancel := context.WithCancel(context.Background())
		p := filepath.Join(dir, "out"+f.Ext())
		if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Export(ctx, cancelling{st, cancel}, ExportRequest{Format: f, Path: p, Font: testFont(t)})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", f, err)
		}
		if b, _ := os.ReadFile(p); string(b) != "old" {
			t.Errorf("%s: the old file became %d bytes", f, len(b))
		}
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if l := names(t, dir); len(l) != 0 || len(auditLog(t, st, store.AuditExport)) != 0 {
		t.Errorf("cancelled exports left %v and %d audit entries", l, len(auditLog(t, st, store.AuditExport)))
	}
}

// unbriefed is a store that does not tell the needs' briefs: the upload
// sheet reads every need whole.
type unbriefed struct{ ExportSource }

// The upload sheet read through the needs' briefs (the store's summaries:
// 不公开 and unconfirmed needs left unread) is the same file, with the same
// counts, as the one read need by need — with needs of every visibility,
// confirmed, never confirmed, and confirmed then edited.
func TestExportPlatformThroughBriefs(t *testing.T) {
	st := demoStore(t, 60)
	ctx := context.Background()
	sums, err := st.Needs(ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, s := range sums {
		kinds[string(s.Visibility)]++
		if s.Confirmed {
			kinds["confirmed"]++
			if kinds["confirmed"] == 1 { // make one stale
				n, err := st.Need(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				n.Values.Set("problem", n.Values.Get("problem")+"（补充）")
				if err := st.SaveNeed(ctx, n); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if kinds[string(forms.VisibilityPrivate)] == 0 || kinds["confirmed"] < 2 || kinds["confirmed"] == len(sums) {
		t.Fatalf("the demo set lacks a kind of need: %v of %d", kinds, len(sums))
	}
	dir := t.TempDir()
	export := func(src ExportSource, name string) (ExportResult, []byte) {
		p := filepath.Join(dir, name)
		res, err := Export(ctx, src, ExportRequest{Format: FormatPlatform, Path: p, Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	briefed, b1 := export(st, "briefed.xlsx")
	plain, b2 := export(unbriefed{st}, "plain.xlsx")
	briefed.Output, plain.Output = "", ""
	if briefed.Needs == 0 || briefed.Private == 0 || briefed.Unconfirmed == 0 {
		t.Errorf("counts %+v: want needs written, private and unconfirmed ones left out", briefed)
	}
	if briefed.Needs != plain.Needs || briefed.Private != plain.Private || briefed.Unconfirmed != plain.Unconfirmed {
		t.Errorf("through briefs %+v, need by need %+v", briefed, plain)
	}
	if !bytes.Equal(b1, b2) {
		t.Errorf("the two files differ (%d and %d bytes)", len(b1), len(b2))
	}
}
