package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/xlsx"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// exportDemoWorkbook writes the platform sheet of a demo data set into dir
// and returns its path and the number of needs in it.
func exportDemoWorkbook(t *testing.T, dir string) (string, int) {
	t.Helper()
	ctx := context.Background()
	src, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	importDemo(t, src, 40)
	p := filepath.Join(dir, "需求征集表.xlsx")
	stats, err := exportWorkbook(ctx, src, excelPlatform, p, exportOptions{Lang: "zh", Profile: "xunbang"})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Needs < 3 {
		t.Fatalf("the demo data exports only %d needs", stats.Needs)
	}
	return p, stats.Needs
}

// countNeeds counts the needs in st.
func countNeeds(t *testing.T, st *store.Store) int {
	t.Helper()
	sums, err := st.Needs(context.Background(), store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return len(sums)
}

// The window imports a workbook the platform export wrote: the preview says
// what the import then does, and the need list shows the new needs.
func TestExcelImportPreviewThenImport(t *testing.T) {
	path, n := exportDemoWorkbook(t, t.TempDir())
	u, st := newTestUI(t, nil)
	x := u.needs.excel
	if !x.importBtn.Visible() || !x.exportBtn.Visible() {
		t.Fatal("the Excel buttons are hidden over a real store")
	}

	x.startImport(path)
	if x.progress == nil || !strings.Contains(x.progressText.Text, "正在读取并检查 需求征集表.xlsx") {
		t.Errorf("no progress dialog while reading")
	}
	settle(t, u)
	v := x.preview
	if v == nil {
		t.Fatalf("no preview; result %q", x.resultText)
	}
	if x.progress != nil {
		t.Error("the progress dialog is still up")
	}
	c := countImport(v.p.Report)
	if c.NeedsCreated != n || c.NeedsUpdated != 0 || c.EntsCreated == 0 {
		t.Errorf("preview counts %+v, want %d needs to create", c, n)
	}
	if !strings.Contains(v.counts.Text, "新建 "+itoa(n)+" 条") || !strings.Contains(v.summary.Text, "检查无误") {
		t.Errorf("preview says %q / %q", v.summary.Text, v.counts.Text)
	}
	if v.doImport.Disabled() || v.partial != nil {
		t.Error("a workbook without errors cannot be imported as a whole")
	}
	if countNeeds(t, st) != 0 {
		t.Fatal("the preview wrote to the store")
	}

	test.Tap(v.doImport)
	settle(t, u)
	if got := countNeeds(t, st); got != n {
		t.Fatalf("%d needs in the store after the import, want %d", got, n)
	}
	if !strings.Contains(x.resultText, "已导入 需求征集表.xlsx") || !strings.Contains(x.resultText, c.text()) {
		t.Errorf("result %q does not repeat the preview's counts %q", x.resultText, c.text())
	}
	if u.needs.index == nil || u.needs.index.Len() != n {
		t.Errorf("the need list was not reloaded")
	}
	if u.dashboard.data.Needs != n {
		t.Errorf("the dashboard counts %d needs, want %d", u.dashboard.data.Needs, n)
	}

	// The same file again: the needs of named enterprises match and stay
	// as they are. (匿名公开 rows name the public alias and carry no credit
	// code, so their enterprises match nothing and come in again.) Whatever
	// the preview says is what the import does.
	x.result.Hide()
	x.startImport(path)
	settle(t, u)
	again := countImport(x.preview.p.Report)
	if again.NeedsSkipped == 0 || again.NeedsUpdated != 0 || again.NeedsCreated+again.NeedsSkipped != n {
		t.Errorf("second preview %+v of %d needs", again, n)
	}
	test.Tap(x.preview.cancel)
	settle(t, u)
	if x.preview != nil || countNeeds(t, st) != n {
		t.Error("cancelling the preview did not close it, or imported")
	}
	x.startImport(path)
	settle(t, u)
	test.Tap(x.preview.doImport)
	settle(t, u)
	if got := countNeeds(t, st); got != n+again.NeedsCreated || !strings.Contains(x.resultText, again.text()) {
		t.Errorf("second import: %d needs, result %q; the preview said %q", got, x.resultText, again.text())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// spoilWorkbook writes a copy of the workbook at src with a malformed budget
// in its first data row, and returns the copy's path.
func spoilWorkbook(t *testing.T, src string) string {
	t.Helper()
	b, err := xlsx.ReadFile(context.Background(), src, xlsx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sh xlsx.SheetInfo
	for _, s := range b.Sheets {
		if s.Name == xlsx.PlatformSheet {
			sh = s
		}
	}
	col := ""
	for _, c := range sh.Columns {
		if c.Field == "budget_wan" {
			col = c.Column
		}
	}
	if col == "" || sh.HeaderRow == 0 {
		t.Fatalf("no budget column in %+v", sh)
	}
	f, err := excelize.OpenFile(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.SetCellStr(xlsx.PlatformSheet, col+itoa(sh.HeaderRow+1), "好多钱"); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "有错误的表.xlsx")
	if err := f.SaveAs(bad); err != nil {
		t.Fatal(err)
	}
	return bad
}

// Nothing is imported from a workbook with errors unless the user chooses
// 只导入无误的行, and then only those rows.
func TestExcelImportWithErrors(t *testing.T) {
	good, n := exportDemoWorkbook(t, t.TempDir())
	bad := spoilWorkbook(t, good)
	u, st := newTestUI(t, nil)
	x := u.needs.excel

	x.startImport(bad)
	settle(t, u)
	v := x.preview
	if v == nil {
		t.Fatalf("no preview; result %q", x.resultText)
	}
	if !v.p.HasErrors() {
		t.Fatalf("the spoilt workbook has no errors: %v", v.p.Messages("zh"))
	}
	if !v.doImport.Disabled() || v.partial == nil || v.partial.Disabled() {
		t.Fatal("with errors, 导入 must be disabled and 只导入无误的行 offered")
	}
	if !strings.Contains(v.summary.Text, "处错误") || !strings.Contains(v.heading.Text, "错误 1 处") {
		t.Errorf("preview says %q / %q", v.summary.Text, v.heading.Text)
	}
	row := v.rowTexts(0)
	budget := forms.Default().MustField("budget_wan").Label("zh")
	if row[0] != "错误" || !strings.Contains(row[1], "第 ") || row[2] != budget || !strings.Contains(row[3], "好多钱") {
		t.Errorf("first problem row %q", row)
	}
	for i := range v.problems {
		if got := v.rowTexts(i)[0]; got != "错误" && got != "提示" {
			t.Errorf("problem %d is a %q", i, got)
		}
	}
	v.list.Select(0)
	if !strings.Contains(v.detail.Text, "好多钱") {
		t.Errorf("selecting a problem shows %q", v.detail.Text)
	}

	// 导入 is disabled, and the function behind it refuses too.
	test.Tap(v.doImport)
	settle(t, u)
	if _, err := jobs.ApplyImport(context.Background(), st, v.p, false); !errors.Is(err, jobs.ErrBlocked) {
		t.Errorf("importing a workbook with errors: %v", err)
	}
	if countNeeds(t, st) != 0 {
		t.Fatal("a workbook with errors was imported")
	}

	want := countImport(v.p.Report)
	if want.NeedsCreated != n-1 {
		t.Errorf("the good rows would create %d needs, want %d", want.NeedsCreated, n-1)
	}
	test.Tap(v.partial)
	settle(t, u)
	if got := countNeeds(t, st); got != n-1 {
		t.Fatalf("%d needs after importing the good rows, want %d", got, n-1)
	}
	if !strings.Contains(x.resultText, "无误的行") || !strings.Contains(x.resultText, want.text()) {
		t.Errorf("result %q", x.resultText)
	}
}

// A file that is no workbook at all is refused with the reader's message.
func TestExcelImportNotAWorkbook(t *testing.T) {
	p := filepath.Join(t.TempDir(), "假的.xlsx")
	if err := os.WriteFile(p, []byte("这不是 Excel 文件"), 0o600); err != nil {
		t.Fatal(err)
	}
	u, _ := newTestUI(t, nil)
	x := u.needs.excel
	x.startImport(p)
	settle(t, u)
	if x.preview != nil || !strings.Contains(x.resultText, "无法读取 假的.xlsx") {
		t.Errorf("result %q", x.resultText)
	}
}

// A workbook with several sheets of records offers them one by one.
func TestExcelImportPicksASheet(t *testing.T) {
	src, n := exportDemoWorkbook(t, t.TempDir())
	f, err := excelize.OpenFile(src)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(xlsx.PlatformSheet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("补充"); err != nil {
		t.Fatal(err)
	}
	header := 0
	for i, r := range rows {
		if len(r) > 5 {
			header = i
			break
		}
	}
	for i, r := range rows[header : header+3] { // the header and two needs
		vals := make([]any, len(r))
		for j, s := range r {
			vals[j] = s
		}
		if err := f.SetSheetRow("补充", "A"+itoa(i+1), &vals); err != nil {
			t.Fatal(err)
		}
	}
	two := filepath.Join(t.TempDir(), "两张表.xlsx")
	if err := f.SaveAs(two); err != nil {
		t.Fatal(err)
	}
	f.Close()

	u, _ := newTestUI(t, nil)
	x := u.needs.excel
	x.startImport(two)
	settle(t, u)
	v := x.preview
	if v == nil || v.sheet == nil {
		t.Fatalf("no sheet choice; result %q", x.resultText)
	}
	if got := v.sheet.Options; len(got) != 3 || got[1] != xlsx.PlatformSheet || got[2] != "补充" {
		t.Fatalf("sheet options %q", got)
	}
	v.sheet.SetSelectedIndex(2)
	settle(t, u)
	v = x.preview
	if v == nil || v.p.Request.Sheet != "补充" || v.p.Read.Needs != 2 {
		t.Fatalf("after picking 补充: %+v", v)
	}
	if v.sheet == nil || len(v.sheet.Options) != 3 || v.sheet.SelectedIndex() != 2 {
		t.Error("the sheet choice is gone after picking one")
	}
	v.sheet.SetSelectedIndex(1)
	settle(t, u)
	if v := x.preview; v == nil || v.p.Read.Needs != n {
		t.Errorf("the platform sheet alone previews %v", v)
	}
}

// Each output is written from the window, recorded in the audit log, and
// the platform sheet reads back with as many needs as the export says.
func TestExcelExportFromTheWindow(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 40) })
	x := u.needs.excel
	dir := t.TempDir()
	for _, format := range excelFormats {
		p := filepath.Join(dir, excelFileName(format, time.Now()))
		x.startExport(format, p)
		if x.progress == nil {
			t.Errorf("%s: no progress dialog", format)
		}
		settle(t, u)
		fi, err := os.Stat(p)
		if err != nil || fi.Size() == 0 {
			t.Fatalf("%s: no file: %v (result %q)", format, err, x.resultText)
		}
		if !strings.Contains(x.resultText, p) {
			t.Errorf("%s: result %q does not name the file", format, x.resultText)
		}
		if format == excelPlatform {
			b, err := xlsx.ReadFile(context.Background(), p, xlsx.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(x.resultText, "已导出平台批量上传表："+itoa(len(b.Needs))+" 条需求") {
				t.Errorf("result %q, but the file holds %d needs", x.resultText, len(b.Needs))
			}
		}
		x.result.Hide()
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(excelFormats) {
		t.Errorf("%d files in the folder, want %d (no temporary files)", len(entries), len(excelFormats))
	}
	log, err := st.AuditLog(context.Background(), store.AuditQuery{Kind: store.AuditExport})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != len(excelFormats) || !strings.HasPrefix(log[0].Detail, "platform → ") {
		t.Errorf("audit log %+v", log)
	}
}

func TestExcelFileName(t *testing.T) {
	mustSetLanguage(t, Chinese)
	day := time.Date(2026, 11, 22, 9, 0, 0, 0, time.Local)
	if got := excelFileName(excelPlatform, day); got != "需求征集表-平台-20261122.xlsx" {
		t.Errorf("platform file name %q", got)
	}
	if got := excelFileName(excelHandbook, day); got != "技术需求汇编-20261122.xlsx" {
		t.Errorf("handbook file name %q", got)
	}
}

// cancellingRecords cancels the export's context once it reads a need.
type cancellingRecords struct {
	*store.Store
	cancel context.CancelFunc
}

func (c cancellingRecords) ForEachNeed(ctx context.Context, fn func(*forms.Need) error) error {
	return c.Store.ForEachNeed(ctx, func(n *forms.Need) error {
		c.cancel()
		return fn(n)
	})
}

// ScanNeeds is how the upload sheet reads the needs.
func (c cancellingRecords) ScanNeeds(ctx context.Context, read func(*store.Summary) bool, fn func(*store.Summary, *forms.Need) error) error {
	return c.Store.ScanNeeds(ctx, read, func(s *store.Summary, n *forms.Need) error {
		c.cancel()
		return fn(s, n)
	})
}

// blockingRecords holds the export until its context ends.
type blockingRecords struct {
	*store.Store
	started chan struct{}
}

func (b blockingRecords) ForEachEnterprise(ctx context.Context, _ func(*forms.Enterprise) error) error {
	close(b.started)
	<-ctx.Done()
	return ctx.Err()
}

// A cancelled export leaves no file, no temporary file and no audit entry.
func TestExcelExportCancelled(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	importDemo(t, st, 40)
	dir := t.TempDir()
	p := filepath.Join(dir, "out.xlsx")

	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := exportWorkbook(done, st, excelPlatform, p, exportOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("export with a cancelled context: %v", err)
	}
	for _, format := range excelFormats {
		mid, cancel := context.WithCancel(ctx)
		if _, err := exportWorkbook(mid, cancellingRecords{st, cancel}, format, p, exportOptions{}); err == nil {
			t.Errorf("%s: export cancelled half-way succeeded", format)
		}
		cancel()
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("cancelled exports left %v", entries)
	}
	log, _ := st.AuditLog(ctx, store.AuditQuery{Kind: store.AuditExport})
	if len(log) != 0 {
		t.Errorf("cancelled exports were recorded: %+v", log)
	}
}

// The progress dialog's 取消 stops the export: no file, no temporary file,
// and no result is shown.
func TestExcelExportCancelFromTheProgressDialog(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 20) })
	x := u.needs.excel
	started := make(chan struct{})
	x.exp = blockingRecords{st, started}
	dir := t.TempDir()
	p := filepath.Join(dir, "需求征集表-平台.xlsx")
	x.startExport(excelPlatform, p)
	<-started
	if x.progress == nil || !strings.Contains(x.progressText.Text, "正在导出平台批量上传表") {
		t.Fatal("no progress dialog")
	}
	shot(t, u, "excel-progress.png")
	test.Tap(x.progressCancel)
	settle(t, u)
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a cancelled export left %v", entries)
	}
	if x.result != nil || x.progress != nil {
		t.Errorf("after cancelling: result %q, progress %v", x.resultText, x.progress)
	}
}

// The preview renders in Chinese with the window's font. With
// XUNBANG_SHOT_DIR set, the preview of a workbook with errors and the export
// result are written there as PNGs, to look at.
func TestExcelPreviewScreenshot(t *testing.T) {
	good, _ := exportDemoWorkbook(t, t.TempDir())
	bad := spoilWorkbook(t, good)
	u, _ := newTestUI(t, func(st *store.Store) { importDemo(t, st, 20) })
	u.win.Resize(fyne.NewSize(1100, 720))
	x := u.needs.excel
	x.startImport(bad)
	settle(t, u)
	if x.preview == nil {
		t.Fatalf("no preview: %q", x.resultText)
	}
	x.preview.list.Select(0)
	shot(t, u, "excel-preview.png")
	test.Tap(x.preview.cancel)
	settle(t, u)

	x.startExport(excelPlatform, filepath.Join(t.TempDir(), excelFileName(excelPlatform, time.Now())))
	settle(t, u)
	shot(t, u, "excel-exported.png")
}

// shot captures the window with the software painter, checks that it drew
// something, and writes it to $XUNBANG_SHOT_DIR when set.
func shot(t *testing.T, u *ui, name string) {
	t.Helper()
	img := opaque(u.win.Canvas().Capture())
	if uniform(img) {
		t.Fatalf("%s: the window captures blank", name)
	}
	if dir := os.Getenv("XUNBANG_SHOT_DIR"); dir != "" {
		if err := writePNG(filepath.Join(dir, name), image.Image(img)); err != nil {
			t.Fatal(err)
		}
	}
}

// The preview of a clean workbook, in English, for the screenshots.
func TestExcelCleanPreviewScreenshot(t *testing.T) {
	path, _ := exportDemoWorkbook(t, t.TempDir())
	u, _ := newTestUI(t, nil)
	mustSetLanguage(t, English)
	t.Cleanup(func() { mustSetLanguage(t, Chinese) })
	u.lang = string(English)
	x := u.needs.excel
	x.startImport(path)
	settle(t, u)
	if x.preview == nil || x.preview.doImport.Text != "Import" {
		t.Fatalf("no English preview: %q", x.resultText)
	}
	shot(t, u, "excel-preview-en.png")
}

// A row whose 需求编号 is a stored need of another enterprise than the row
// names is an error of that row in the preview; the other rows import, and
// the need stays with its enterprise.
func TestExcelImportRefusesToMoveANeed(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 40) })
	ctx := context.Background()
	sheet := filepath.Join(t.TempDir(), "平台.xlsx")
	if _, err := exportWorkbook(ctx, st, excelPlatform, sheet, exportOptions{Lang: "zh", Profile: "xunbang"}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(xlsx.PlatformSheet)
	if err != nil {
		t.Fatal(err)
	}
	codeCol, idCol := slices.Index(rows[0], "统一社会信用代码"), slices.Index(rows[0], "需求编号")
	var first, other int
	for r := 1; r < len(rows) && other == 0; r++ {
		switch {
		case codeCol >= len(rows[r]) || rows[r][codeCol] == "":
		case first == 0:
			first = r
		case rows[r][codeCol] != rows[first][codeCol]:
			other = r
		}
	}
	if idCol < 0 || first == 0 || other == 0 {
		t.Fatal("no need number column, or no two named rows of different enterprises")
	}
	cell, _ := excelize.CoordinatesToCellName(codeCol+1, first+1)
	if err := f.SetCellStr(xlsx.PlatformSheet, cell, rows[other][codeCol]); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	movedID := rows[first][idCol]
	before, err := st.Need(ctx, movedID)
	if err != nil {
		t.Fatal(err)
	}

	x := u.needs.excel
	x.startImport(sheet)
	settle(t, u)
	v := x.preview
	if v == nil {
		t.Fatalf("no preview; result %q", x.resultText)
	}
	if !v.doImport.Disabled() || v.partial == nil {
		t.Fatal("a moved need must block 导入 and offer 只导入无误的行")
	}
	found := false
	for i := range v.problems {
		r := v.rowTexts(i)
		if r[0] == "错误" && strings.Contains(r[1], fmt.Sprintf("第 %d 行", first+1)) && strings.Contains(r[3], "不能在企业之间移动") {
			found = true
		}
	}
	if !found {
		t.Errorf("the preview does not name row %d: %v", first+1, v.p.Messages("zh"))
	}
	if c := countImport(v.p.Report); c.NeedsCreated != 0 {
		t.Errorf("re-importing its own sheet would create %d needs", c.NeedsCreated)
	}
	test.Tap(v.partial)
	settle(t, u)
	after, err := st.Need(ctx, movedID)
	if err != nil {
		t.Fatal(err)
	}
	if after.EnterpriseID != before.EnterpriseID {
		t.Error("the need was moved to another enterprise")
	}
	if got := countNeeds(t, st); got != 40 {
		t.Errorf("%d needs after importing the store's own sheet, want the 40 it had", got)
	}
}

// The progress dialog of an export and of an import's reading fills to the
// end and says how many needs or rows it went through.
func TestExcelProgressReachesTheEnd(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 40) })
	x := u.needs.excel
	dir := t.TempDir()
	all := st.CountNeeds(context.Background())
	for _, format := range excelFormats {
		p := filepath.Join(dir, excelFileName(format, time.Now()))
		x.startExport(format, p)
		pr := x.progressView
		if pr == nil || pr.bar.Visible() || !pr.busy.Visible() {
			t.Fatalf("%s: the progress dialog does not start with the infinite bar", format)
		}
		settle(t, u)
		if x.progressView != nil {
			t.Errorf("%s: the progress is still up", format)
		}
		total := all // the needs the platform sheet and the report go through
		if format == excelHandbook || format == excelHandbookUnconfirmed || format == excelBooklet {
			total = exportedNeeds(t, x.resultText)
		}
		if pr.bar.Value != 1 || !pr.bar.Visible() {
			t.Errorf("%s: the bar ends at %v (shown %v), want 1", format, pr.bar.Value, pr.bar.Visible())
		}
		if want := "已处理 " + itoa(total) + " / " + itoa(total) + " 项需求"; pr.text.Text != want {
			t.Errorf("%s: the progress says %q, want %q", format, pr.text.Text, want)
		}
		x.result.Hide()
	}

	path, _ := exportDemoWorkbook(t, t.TempDir())
	x.startImport(path)
	pr := x.progressView
	settle(t, u)
	if x.preview == nil {
		t.Fatalf("no preview; result %q", x.resultText)
	}
	if pr.bar.Value != 1 || !strings.HasPrefix(pr.text.Text, "已处理 ") || !strings.HasSuffix(pr.text.Text, " 行") {
		t.Errorf("reading ends at %v, saying %q", pr.bar.Value, pr.text.Text)
	}
}

// exportedNeeds is the number of needs an export's result says it wrote.
func exportedNeeds(t *testing.T, result string) int {
	t.Helper()
	_, rest, ok := strings.Cut(result, "：")
	n, err := strconv.Atoi(strings.Fields(rest + " x")[0])
	if !ok || err != nil {
		t.Fatalf("no count in the result %q", result)
	}
	return n
}

// The progress dialog is updated at most every progressInterval, but at
// once when the work reaches its total; nothing is updated once it closed.
func TestJobProgressThrottled(t *testing.T) {
	test.NewTempApp(t)
	mustSetLanguage(t, Chinese)
	var posted []func()
	p := newJobProgress(func(fn func()) { posted = append(posted, fn) }, progressNeeds)
	run := func() {
		fns := posted
		posted = nil
		for _, fn := range fns {
			fn()
		}
	}
	for i := range 1000 {
		p.report(i, 0)
	}
	if len(posted) != 1 {
		t.Fatalf("%d updates posted for 1000 quick reports, want 1", len(posted))
	}
	p.report(1000, 0)
	run()
	if p.text.Text != "已处理 1000 项需求" || p.bar.Visible() || !p.busy.Visible() {
		t.Errorf("without a total: %q, bar shown %v", p.text.Text, p.bar.Visible())
	}
	p.last = time.Now() // as if just posted, however slow the machine
	p.report(1500, 3000)
	if len(posted) != 0 {
		t.Error("an update was posted within progressInterval of the last")
	}
	p.report(3000, 3000)
	if len(posted) != 1 {
		t.Fatalf("%d updates posted when the work reached its total, want 1", len(posted))
	}
	run()
	if p.bar.Value != 1 || !p.bar.Visible() || p.busy.Visible() || p.text.Text != "已处理 3000 / 3000 项需求" {
		t.Errorf("at the end: bar %v (shown %v), %q", p.bar.Value, p.bar.Visible(), p.text.Text)
	}

	q := newJobProgress(func(fn func()) { posted = append(posted, fn) }, progressRows)
	q.report(10, 20)
	q.close()
	run()
	q.report(20, 20)
	if len(posted) != 0 || q.bar.Value != 0 || q.text.Text != "" {
		t.Errorf("updated after closing: bar %v, %q", q.bar.Value, q.text.Text)
	}
}

// The infinite bar stops animating when the work knows its total and when
// the dialog closes: hidden, it went on drawing frames (a whole core under
// Xvfb for a minute after the import preview was read, issue 17).
func TestJobProgressStopsItsAnimation(t *testing.T) {
	test.NewTempApp(t)
	mustSetLanguage(t, Chinese)
	for _, end := range []string{"total known", "closed"} {
		p := newJobProgress(func(fn func()) { fn() }, progressRows)
		w := test.NewWindow(p.content)
		p.busy.Refresh()
		if !barAnimating(t, p.busy) {
			t.Fatalf("%s: the infinite bar does not animate at first", end)
		}
		if end == "closed" {
			p.report(10, 0)
			p.close()
		} else {
			p.report(20, 20)
		}
		if p.busy.Visible() || barAnimating(t, p.busy) {
			t.Errorf("%s: the infinite bar still animates (shown %v)", end, p.busy.Visible())
		}
		w.Close()
	}
}

// barAnimating reads whether the infinite bar's renderer runs its
// animation. Fyne has no public getter (Running is the widget's wish, not
// the renderer's state); a newer Fyne without the field fails the test.
func barAnimating(t *testing.T, bar *widget.ProgressBarInfinite) bool {
	t.Helper()
	f := reflect.ValueOf(test.WidgetRenderer(bar)).Elem().FieldByName("wasRunning")
	if !f.IsValid() || f.Kind() != reflect.Bool {
		t.Fatal("the infinite bar's renderer has no wasRunning field: update barAnimating for this Fyne")
	}
	return f.Bool()
}

// The handbook with unconfirmed needs is an output of its own: a menu entry
// and a file name that say so, and more needs than the handbook on the
// demo data, whose unconfirmed needs it marks.
func TestExcelExportHandbookWithUnconfirmed(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 40) })
	x := u.needs.excel
	menu := x.exportMenu()
	if len(menu.Items) != len(excelFormats) || menu.Items[2].Label != "《技术需求汇编》（含未经企业确认的需求）…" {
		t.Fatalf("export menu %v", menuLabels(menu))
	}
	day := time.Date(2026, 11, 22, 9, 0, 0, 0, time.Local)
	if got := excelFileName(excelHandbookUnconfirmed, day); got != "技术需求汇编-含未确认-20261122.xlsx" {
		t.Errorf("file name %q", got)
	}
	dir := t.TempDir()
	ctx := context.Background()
	plain, err := exportWorkbook(ctx, st, excelHandbook, filepath.Join(dir, "a.xlsx"), exportOptions{Lang: "zh"})
	if err != nil {
		t.Fatal(err)
	}
	all, err := exportWorkbook(ctx, st, excelHandbookUnconfirmed, filepath.Join(dir, "b.xlsx"), exportOptions{Lang: "zh"})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Unconfirmed == 0 || all.Needs != plain.Needs+plain.Unconfirmed {
		t.Errorf("handbook %+v, with unconfirmed %+v: want the unconfirmed needs added", plain, all)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "b.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, "未经企业确认") {
				marked++
			}
		}
	}
	if marked < all.Unconfirmed {
		t.Errorf("%d cells say 未经企业确认, want at least the %d unconfirmed needs", marked, all.Unconfirmed)
	}

	// From the window: the result says the unconfirmed needs are marked.
	x.startExport(excelHandbookUnconfirmed, filepath.Join(dir, excelFileName(excelHandbookUnconfirmed, day)))
	settle(t, u)
	if !strings.Contains(x.resultText, "已导出《技术需求汇编》（含未经企业确认的需求）："+itoa(all.Needs)+" 条需求，其中未经企业确认的 "+itoa(all.Unconfirmed)+" 条已标注") {
		t.Errorf("result %q", x.resultText)
	}
}

func menuLabels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		out = append(out, it.Label)
	}
	return out
}

// failingRecords fails the export after its first need.
type failingRecords struct{ *store.Store }

var errDiskGone = errors.New("the disk went away")

func (f failingRecords) ForEachNeed(ctx context.Context, fn func(*forms.Need) error) error {
	return f.Store.ForEachNeed(ctx, func(n *forms.Need) error {
		if err := fn(n); err != nil {
			return err
		}
		return errDiskGone
	})
}

// ScanNeeds is how the upload sheet reads the needs.
func (f failingRecords) ScanNeeds(ctx context.Context, read func(*store.Summary) bool, fn func(*store.Summary, *forms.Need) error) error {
	return f.Store.ScanNeeds(ctx, read, func(s *store.Summary, n *forms.Need) error {
		if err := fn(s, n); err != nil {
			return err
		}
		return errDiskGone
	})
}

// fillSaveAs points the save-as dialog of format at dir and name, as the
// user would with 选择文件夹… and the name entry.
func fillSaveAs(t *testing.T, x *excelTransfer, format, dir, name string) *saveAsView {
	t.Helper()
	x.chooseExport(format)
	v := x.saveAs
	if v == nil {
		t.Fatal("no save-as dialog")
	}
	v.setFolder(dir)
	v.name.SetText(name)
	return v
}

// readString is the content of the file at path.
func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The save-as dialog proposes the output's file name in the folder last
// used, else in the Documents folder, else in the home folder.
func TestExcelSaveAsPrefills(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	u, _ := newTestUI(t, nil)
	x := u.needs.excel
	x.lastDir = "" // no folder used yet

	x.chooseExport(excelPlatform)
	v := x.saveAs
	if v == nil {
		t.Fatal("no save-as dialog")
	}
	if want := excelFileName(excelPlatform, time.Now()); v.name.Text != want {
		t.Errorf("proposed name %q, want %q", v.name.Text, want)
	}
	if v.dir != home || v.folder.Text != home {
		t.Errorf("folder %q (shown %q), want the home folder %q", v.dir, v.folder.Text, home)
	}
	if v.choose.Text != "选择文件夹…" || v.save.Text != "保存" || v.message.Text != "" {
		t.Errorf("buttons %q, %q; message %q", v.choose.Text, v.save.Text, v.message.Text)
	}
	shot(t, u, "excel-saveas.png")
	test.Tap(v.cancel)
	if x.saveAs != nil {
		t.Error("取消 left the dialog")
	}

	docs := filepath.Join(home, "Documents")
	if err := os.Mkdir(docs, 0o700); err != nil {
		t.Fatal(err)
	}
	x.chooseExport(excelHandbookUnconfirmed)
	if v := x.saveAs; v.dir != docs || v.name.Text != excelFileName(excelHandbookUnconfirmed, time.Now()) {
		t.Errorf("folder %q, name %q; want the Documents folder", v.dir, v.name.Text)
	}
	x.saveAs.dialog.Hide()

	// A Chinese desktop (UOS, Kylin) names it in ~/.config/user-dirs.dirs.
	wendang := filepath.Join(home, "文档")
	if err := os.Mkdir(wendang, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(home, ".config"), 0o700); err != nil {
		t.Fatal(err)
	}
	dirs := "# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/桌面\"\nXDG_DOCUMENTS_DIR=\"$HOME/文档\"\n"
	if err := os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte(dirs), 0o600); err != nil {
		t.Fatal(err)
	}
	x.chooseExport(excelPlatform)
	if v := x.saveAs; v.dir != wendang {
		t.Errorf("folder %q, want the XDG documents folder %q", v.dir, wendang)
	}
	x.saveAs.dialog.Hide()

	last := t.TempDir()
	x.lastDir = last
	x.chooseExport(excelReport)
	if v := x.saveAs; v.dir != last {
		t.Errorf("folder %q, want the last one used %q", v.dir, last)
	}
	x.saveAs.dialog.Hide()
	x.lastDir = filepath.Join(last, "gone")
	x.chooseExport(excelReport)
	if v := x.saveAs; v.dir != wendang {
		t.Errorf("folder %q, want the documents folder when the last one is gone", v.dir)
	}

	// A long folder wraps, and a bad name says so, in a dialog that fits.
	deep := filepath.Join(last, strings.Repeat("很长的文件夹名称", 6), strings.Repeat("sub-folder-", 8))
	if err := os.MkdirAll(deep, 0o700); err != nil {
		t.Fatal(err)
	}
	v = x.saveAs
	v.setFolder(deep)
	v.name.SetText("a/b")
	test.Tap(v.save)
	if h, max := v.dialog.MinSize().Height, u.win.Canvas().Size().Height/2; h > max {
		t.Errorf("the dialog is %v high", h)
	}
	shot(t, u, "excel-saveas-long.png")
}

// A bad file name is refused with a message in the UI language, and
// nothing is exported.
func TestExcelSaveAsBadName(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 5) })
	x := u.needs.excel
	dir := t.TempDir()
	for name, want := range map[string]string{
		"":           "请输入文件名",
		"   ":        "请输入文件名",
		"a/b.xlsx":   "不能包含 / 或 \\",
		`a\b`:        "不能包含 / 或 \\",
		"../汇编.xlsx": "不能包含 / 或 \\",
		".":          "不能只由点",
		"..":         "不能只由点",
		" ... ":      "不能只由点",
		"汇编?.xlsx":   "不能含有 < > :",
		"a:b":        "不能含有 < > :",
	} {
		v := fillSaveAs(t, x, excelPlatform, dir, name)
		test.Tap(v.save)
		settle(t, u)
		if !strings.Contains(v.message.Text, want) {
			t.Errorf("name %q: message %q, want %q", name, v.message.Text, want)
		}
		if x.saveAs != v || x.progress != nil || x.overwrite != nil || x.result != nil {
			t.Errorf("name %q: the dialog closed, or an export started", name)
		}
		v.dialog.Hide()
	}
	v := fillSaveAs(t, x, excelPlatform, filepath.Join(dir, "gone"), "a.xlsx")
	test.Tap(v.save)
	if !strings.Contains(v.message.Text, "文件夹不存在") {
		t.Errorf("missing folder: message %q", v.message.Text)
	}
	v.dialog.Hide()
	if err := os.Mkdir(filepath.Join(dir, "表.xlsx"), 0o700); err != nil {
		t.Fatal(err)
	}
	v = fillSaveAs(t, x, excelPlatform, dir, "表")
	test.Tap(v.save)
	if !strings.Contains(v.message.Text, "表.xlsx 是一个文件夹") {
		t.Errorf("a folder's name: message %q", v.message.Text)
	}
	v.dialog.Hide()

	mustSetLanguage(t, English)
	t.Cleanup(func() { mustSetLanguage(t, Chinese) })
	v = fillSaveAs(t, x, excelPlatform, dir, "..")
	test.Tap(v.save)
	if v.message.Text != "The file name cannot consist of dots (.) only." {
		t.Errorf("English message %q", v.message.Text)
	}
	// Correcting the name clears the message on the way.
	v.name.SetText("ok")
	v.name.OnSubmitted(v.name.Text)
	settle(t, u)
	if x.saveAs != nil || x.result == nil || !strings.Contains(x.resultText, filepath.Join(dir, "ok.xlsx")) {
		t.Fatalf("the corrected name did not export: %q", x.resultText)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 { // 表.xlsx and ok.xlsx
		t.Errorf("the folder holds %v", entries)
	}
	log, _ := st.AuditLog(context.Background(), store.AuditQuery{Kind: store.AuditExport})
	if len(log) != 1 {
		t.Errorf("%d exports recorded, want the one good name", len(log))
	}
}

// An existing file is replaced only when the user agrees and the export is
// complete: declining, cancelling the export half-way and a failed export
// all leave it as it was.
func TestExcelSaveAsKeepsTheOldFile(t *testing.T) {
	u, st := newTestUI(t, func(st *store.Store) { importDemo(t, st, 20) })
	x := u.needs.excel
	dir := t.TempDir()
	old := filepath.Join(dir, "旧表.xlsx")
	const content = "上个月的表，不能丢"
	if err := os.WriteFile(old, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	intact := func(when string) {
		t.Helper()
		if got := readString(t, old); got != content {
			t.Fatalf("%s: the old file holds %q", when, got)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 && when != "during the export" { // the temporary file is there meanwhile
			t.Errorf("%s: the folder holds %v", when, entries)
		}
	}

	// 保存 asks first; 取消 there goes back to the dialog.
	v := fillSaveAs(t, x, excelPlatform, dir, "旧表") // .xlsx is added before looking
	test.Tap(v.save)
	if x.overwrite == nil || x.progress != nil {
		t.Fatal("no question before replacing the file")
	}
	x.overwrite.Dismiss()
	settle(t, u)
	if x.saveAs != v || x.progress != nil || x.overwrite != nil {
		t.Fatal("declining to replace did not go back to the save-as dialog")
	}
	intact("declined")

	// Agreed, then cancelled half-way from the progress dialog.
	started := make(chan struct{})
	x.exp = blockingRecords{st, started}
	test.Tap(v.save)
	x.overwrite.Confirm()
	if x.saveAs != nil || x.progress == nil {
		t.Fatal("no export after agreeing to replace the file")
	}
	<-started
	intact("during the export")
	test.Tap(x.progressCancel)
	settle(t, u)
	intact("cancelled")
	if x.result != nil {
		t.Errorf("a cancelled export says %q", x.resultText)
	}

	// Agreed, and the export fails half-way.
	x.exp = failingRecords{st}
	v = fillSaveAs(t, x, excelPlatform, dir, "旧表.xlsx")
	test.Tap(v.save)
	x.overwrite.Confirm()
	settle(t, u)
	intact("failed")
	if !strings.Contains(x.resultText, "导出失败") {
		t.Errorf("a failed export says %q", x.resultText)
	}
	x.result.Hide()
	log, _ := st.AuditLog(context.Background(), store.AuditQuery{Kind: store.AuditExport})
	if len(log) != 0 {
		t.Errorf("exports that did not happen were recorded: %+v", log)
	}

	// Agreed, and complete: the new workbook replaces the old file.
	x.exp = st
	v = fillSaveAs(t, x, excelPlatform, dir, "旧表.xlsx")
	test.Tap(v.save)
	x.overwrite.Confirm()
	settle(t, u)
	b, err := xlsx.ReadFile(context.Background(), old, xlsx.Options{})
	if err != nil {
		t.Fatalf("the old file was not replaced by a workbook: %v (result %q)", err, x.resultText)
	}
	if !strings.Contains(x.resultText, "已导出平台批量上传表："+itoa(len(b.Needs))+" 条需求") || !strings.Contains(x.resultText, old) {
		t.Errorf("result %q", x.resultText)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %v", entries)
	}
	log, _ = st.AuditLog(context.Background(), store.AuditQuery{Kind: store.AuditExport})
	if len(log) != 1 || !strings.Contains(log[0].Detail, old) {
		t.Errorf("audit log %+v", log)
	}
	if x.lastDir != dir {
		t.Errorf("last folder %q, want %q", x.lastDir, dir)
	}

	// A new name exports without asking.
	v = fillSaveAs(t, x, excelReport, dir, "报表")
	test.Tap(v.save)
	if x.overwrite != nil {
		t.Error("asked before writing a new file")
	}
	settle(t, u)
	if _, err := os.Stat(filepath.Join(dir, "报表.xlsx")); err != nil {
		t.Errorf("%v (result %q)", err, x.resultText)
	}
	if _, err := os.Stat(filepath.Join(dir, "报表")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a file without .xlsx: %v", err)
	}
}

// exportTarget adds .xlsx when missing, in any case, and trims spaces.
func TestExcelExportTarget(t *testing.T) {
	mustSetLanguage(t, Chinese)
	dir := t.TempDir()
	for name, want := range map[string]string{
		"汇编":        "汇编.xlsx",
		" 汇编.xlsx ": "汇编.xlsx",
		"汇编.XLSX":   "汇编.XLSX",
		"汇编.xls":    "汇编.xls.xlsx",
		"v1.2":      "v1.2.xlsx",
		"..汇编":      "..汇编.xlsx",
	} {
		got, err := exportTarget(dir, name, ".xlsx")
		if err != nil || got != filepath.Join(dir, want) {
			t.Errorf("%q: %q, %v; want %q", name, got, err, want)
		}
	}
}

// Closing the window with an import preview open discards what the preview
// staged: its workbook's needs spilled to a temporary file, and the
// staging in the data file (found driving the real window: every close
// with a preview open left a spill file in the temporary directory).
func TestClosingTheWindowDiscardsAnOpenPreview(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	spills := func() []string {
		l, _ := filepath.Glob(filepath.Join(tmp, "xunbang-import-*"))
		return l
	}
	path, _ := exportDemoWorkbook(t, t.TempDir())
	u, st := newTestUI(t, nil)
	n := countNeeds(t, st)
	x := u.needs.excel
	x.startImport(path)
	settle(t, u)
	if x.preview == nil || len(spills()) == 0 {
		t.Fatalf("no preview (%v) or nothing spilled (%v)", x.preview != nil, spills())
	}
	u.requestClose()
	if l := spills(); len(l) != 0 {
		t.Errorf("the window closed and left %v", l)
	}
	if countNeeds(t, st) != n {
		t.Error("the preview's import was published by closing the window")
	}
}
