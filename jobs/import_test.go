package jobs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// exportTo writes a demo store's output of format to a file and returns its
// path and result.
func exportTo(t *testing.T, st *store.Store, format Format, name string) (string, ExportResult) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	res, err := Export(context.Background(), st, ExportRequest{Format: format, Path: p, Lang: "zh", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return p, res
}

// A 需求征集表 workbook (here the upload sheet of the xunbang profile, which
// carries the records' numbers): previewed, imported once with its audit
// entry, and a second time changes nothing.
func TestImportNeedsWorkbook(t *testing.T) {
	src := demoStore(t, 20)
	book, res := exportTo(t, src, FormatPlatform, "需求征集表.xlsx")
	st := openStore(t)
	ctx := context.Background()
	var rows int
	p, err := PreviewImport(ctx, st, ImportRequest{Path: book, Lang: "zh", Progress: func(done, total int) { rows = total }})
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != ImportNeeds || p.HasErrors() || p.Empty() || p.Read.Needs != res.Needs || p.Report.Created == 0 || !p.Report.DryRun || rows == 0 {
		t.Fatalf("preview: kind %s, %d errors %v, read %+v, report %+v, %d rows", p.Kind, p.Errors(), p.Messages("zh"), p.Read, p.Report, rows)
	}
	if st.CountNeeds(ctx) != 0 {
		t.Fatal("the preview wrote")
	}
	rep, err := ApplyImport(ctx, st, p, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != p.Report.Created || st.CountNeeds(ctx) != res.Needs {
		t.Errorf("imported %+v; %d needs stored, %d in the file", rep, st.CountNeeds(ctx), res.Needs)
	}
	log := auditLog(t, st, store.AuditImport)
	if len(log) != 1 || !strings.HasPrefix(log[0].Detail, "needs ← "+book+" (") || !strings.Contains(log[0].Detail, " created, 0 updated, 0 skipped)") {
		t.Errorf("audit %+v", log)
	}
	again, err := PreviewImport(ctx, st, ImportRequest{Path: book})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close(ctx) // its workbook's needs wait in a temporary file
	if again.Report.Created != 0 || again.Report.Updated != 0 || again.Report.Skipped == 0 {
		t.Errorf("the second preview: %+v", again.Report)
	}
}

// spoil writes a copy of the workbook at src whose first need row has an
// unknown need type.
func spoil(t *testing.T, src string) string {
	t.Helper()
	f, err := excelize.OpenFile(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	hdr := -1
	for r, row := range rows {
		for c, v := range row {
			if strings.Contains(v, "需求类型") {
				hdr = c
				if err := f.SetCellValue(sheet, cell(c, r+2), "不存在的类型"); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		if hdr >= 0 {
			break
		}
	}
	if hdr < 0 {
		t.Fatalf("no 需求类型 column in %s", sheet)
	}
	p := filepath.Join(t.TempDir(), "有错误的表.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func cell(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col+1, row)
	return s
}

// A workbook with errors imports nothing, unless only its good rows are
// asked for; the audit entry says errors were left out.
func TestImportBlockedThenPartial(t *testing.T) {
	src := demoStore(t, 20)
	book, res := exportTo(t, src, FormatPlatform, "需求征集表.xlsx")
	bad := spoil(t, book)
	st := openStore(t)
	ctx := context.Background()
	p, err := PreviewImport(ctx, st, ImportRequest{Path: bad})
	if err != nil {
		t.Fatal(err)
	}
	if !p.HasErrors() || p.Empty() || p.Good().Needs != res.Needs-1 {
		t.Fatalf("preview: %d errors, good %+v of %d", p.Errors(), p.Good(), res.Needs)
	}
	if _, err := ApplyImport(ctx, st, p, false); !errors.Is(err, ErrBlocked) {
		t.Fatalf("whole import: %v", err)
	}
	var be *BlockedError
	if _, err := ApplyImport(ctx, st, p, false); !errors.As(err, &be) || be.Errors != p.Errors() || be.Moved != 0 {
		t.Errorf("blocked: %+v", be)
	}
	if st.CountNeeds(ctx) != 0 || len(auditLog(t, st, store.AuditImport)) != 0 {
		t.Fatal("a blocked import wrote")
	}
	if _, err := ApplyImport(ctx, st, p, true); err != nil {
		t.Fatal(err)
	}
	if st.CountNeeds(ctx) != res.Needs-1 {
		t.Errorf("%d needs after the partial import, want %d", st.CountNeeds(ctx), res.Needs-1)
	}
	if log := auditLog(t, st, store.AuditImport); len(log) != 1 || !strings.HasSuffix(log[0].Detail, "; 1 errors left out") {
		t.Errorf("audit %+v", log)
	}
}

// JSON Lines come back with their ids; a broken line is an error of its
// line.
func TestImportRecords(t *testing.T) {
	src, sols := demoStoreWithSolutions(t, 12)
	file, res := exportTo(t, src, FormatJSON, "all.jsonl")
	st := openStore(t)
	ctx := context.Background()
	p, err := PreviewImport(ctx, st, ImportRequest{Path: file})
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != ImportRecords || p.HasErrors() || p.Read.Needs != res.Needs || p.Read.Enterprises != res.Enterprises || sols == 0 || p.Read.Solutions != sols {
		t.Fatalf("preview: %s %v %+v", p.Kind, p.Messages("en"), p.Read)
	}
	if _, err := ApplyImport(ctx, st, p, false); err != nil {
		t.Fatal(err)
	}
	if got := neededIDs(t, st); len(got) != res.Needs || strings.Join(got, ",") != strings.Join(neededIDs(t, src), ",") {
		t.Errorf("the ids did not come back: %d of %d", len(got), res.Needs)
	}
	// The solutions came back with the needs: exporting the copy writes
	// the same file.
	again, _ := exportTo(t, st, FormatJSON, "again.jsonl")
	if a, b := readFile(t, file), readFile(t, again); !bytes.Equal(a, b) {
		t.Errorf("export → import → export: %d bytes, then %d", len(a), len(b))
	}

	b, _ := os.ReadFile(file)
	broken := filepath.Join(t.TempDir(), "broken.jsonl")
	if err := os.WriteFile(broken, append([]byte("{not json\n"), b...), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err = PreviewImport(ctx, openStore(t), ImportRequest{Path: broken})
	if err != nil {
		t.Fatal(err)
	}
	if p.Errors() != 1 || p.Problems[0].Location("en") != "line 1" || !strings.HasPrefix(p.Problems[0].Message("zh"), "第 1 行") {
		t.Errorf("problems %v", p.Messages("en"))
	}
}

// Filled 《技术需求解决方案表》 are recognised and matched to the stored needs
// by number or title.
func TestImportSolutions(t *testing.T) {
	st := demoStore(t, 8)
	ctx := context.Background()
	sums, err := st.Needs(ctx, store.Query{Sort: "title"})
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"需求编号", "拟解决的需求名称", "方案提供方单位名称", "单位类型", "地区", "联系人", "职务", "联系方式", "E-mail", "解决方案简要介绍"},
		{strings.ToUpper(sums[0].ID[:8]), "", "东南大学苏州研究院", "科研院所", "江苏苏州", "陈工", "副所长", "13805120001", "chen@seu.example.edu.cn", "以渗碳淬火与喷丸复合强化提升疲劳寿命，已中试验证。"},
		{"ZZZZZZZZ", "", "某公司", "公司", "苏州", "赵经理", "经理", "13900000001", "zhao@example.cn", "另一个足够长的解决方案简要介绍，超过二十个字。"},
	}
	for r, vals := range rows {
		for c, v := range vals {
			if err := f.SetCellValue("Sheet1", cell(c, r+1), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(t.TempDir(), "方案.xlsx")
	if err := os.WriteFile(book, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := PreviewImport(ctx, st, ImportRequest{Path: book})
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != ImportSolutions || p.Read.Solutions != 2 || p.Errors() != 1 || p.Good().Solutions != 1 || p.Report.Created != 1 {
		t.Fatalf("preview: %s, read %+v, good %+v, %v, report %+v", p.Kind, p.Read, p.Good(), p.Messages("zh"), p.Report)
	}
	rep, err := ApplyImport(ctx, st, p, true)
	if err != nil || rep.Created != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	sols, err := st.Solutions(ctx, sums[0].ID)
	if err != nil || len(sols) != 1 {
		t.Errorf("the need has %d solutions (%v)", len(sols), err)
	}
	if log := auditLog(t, st, store.AuditImport); len(log) != 1 || !strings.HasPrefix(log[0].Detail, "solutions ← ") {
		t.Errorf("audit %+v", log)
	}
}

func TestImportRefusals(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	if _, err := PreviewImport(ctx, st, ImportRequest{Path: "a.csv"}); !errors.Is(err, ErrUnsupportedFile) {
		t.Errorf("a .csv: %v", err)
	}
	fake := filepath.Join(t.TempDir(), "假的.xlsx")
	if err := os.WriteFile(fake, []byte("not a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	var fe *FileError
	if _, err := PreviewImport(ctx, st, ImportRequest{Path: fake}); !errors.As(err, &fe) || fe.Message("zh") == "" {
		t.Errorf("not a workbook: %v", err)
	}
}

// A preview released as its program ends (Release: the window closing)
// leaves no temporary file at once, and what it staged in the store is gone
// at the next Open: the data is as before, and whole.
func TestReleasedPreviewIsGoneAtTheNextOpen(t *testing.T) {
	src := demoStore(t, 20)
	book, _ := exportTo(t, src, FormatPlatform, "需求征集表.xlsx")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	st, err := store.Open(ctx, dir, store.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	p, err := PreviewImport(ctx, st, ImportRequest{Path: book})
	if err != nil {
		t.Fatal(err)
	}
	if p.Report.Created == 0 {
		t.Fatalf("nothing staged: %+v", p.Report)
	}
	if err := p.Release(); err != nil {
		t.Fatal(err)
	}
	if l, _ := filepath.Glob(filepath.Join(tmp, "xunbang-import-*")); len(l) != 0 {
		t.Errorf("released, and left %v", l)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(ctx, dir, store.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n := st.CountNeeds(ctx); n != 0 {
		t.Errorf("%d needs after the next open", n)
	}
	if err := st.Check(ctx); err != nil {
		t.Error(err)
	}
	if _, err := ApplyImport(ctx, st, p, false); err == nil || st.CountNeeds(ctx) != 0 {
		t.Errorf("a released preview applied: %v, %d needs", err, st.CountNeeds(ctx))
	}
}

// A JSON Lines file is read again for each pass of the import, not held in
// memory: a file that changes in between imports nothing, and says why.
func TestImportRecordsFileChanged(t *testing.T) {
	src := demoStore(t, 6)
	file, res := exportTo(t, src, FormatJSON, "all.jsonl")
	st := openStore(t)
	ctx := context.Background()
	p, err := PreviewImport(ctx, st, ImportRequest{Path: file})
	if err != nil {
		t.Fatal(err)
	}
	if p.Read.Needs != res.Needs || p.HasErrors() {
		t.Fatalf("preview: %+v %v", p.Read, p.Messages("en"))
	}
	// The store is written after the preview, so the import stages the
	// file again; by then another program has rewritten the file.
	if err := st.SaveEnterprise(ctx, &forms.Enterprise{Values: forms.Values{"name": {"预览之后新建的企业有限公司"}}}); err != nil {
		t.Fatal(err)
	}
	b := readFile(t, file)
	if err := os.WriteFile(file, bytes.Replace(b, []byte(`"need"`), []byte(`"need" `), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = ApplyImport(ctx, st, p, false)
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrFileChanged) || !strings.Contains(fe.Message("zh"), "被改动") {
		t.Fatalf("import of a changed file: %v", err)
	}
	if n := st.CountNeeds(ctx); n != 0 {
		t.Errorf("%d needs stored from a file that changed", n)
	}
	// The file as it now is imports whole.
	p, err = PreviewImport(ctx, st, ImportRequest{Path: file})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ApplyImport(ctx, st, p, false); err != nil {
		t.Fatal(err)
	}
	if n := st.CountNeeds(ctx); n != res.Needs {
		t.Errorf("%d needs stored, want %d", n, res.Needs)
	}
}
