package app

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/card"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// TestCardOptionsFromSettings: the window's cards take the hub's address and
// the platform's name from the settings, as the command line does.
func TestCardOptionsFromSettings(t *testing.T) {
	set := store.DefaultSettings()
	set.HubPublicURL = "https://hub.wujiang.example.gov.cn"
	set.Event.Platform = "江苏省科技资源统筹服务云平台"
	opt := jobs.CardOptions(set, assets.FontBytes(), "")
	if opt.HubPublicURL != set.HubPublicURL || opt.Platform != set.Event.Platform || len(opt.Font) == 0 {
		t.Fatalf("options %+v", opt)
	}
	s := demo.Generate(7, 16)
	ents := map[string]*forms.Enterprise{}
	for _, e := range s.Enterprises {
		ents[e.ID] = e
	}
	// Three confirmed needs the hub published with no address of another
	// platform (as a pull brings its verdict): their cards point to it.
	published := 0
	for _, n := range s.Needs {
		if p, ok := forms.Default().Publish(n, ents[n.EnterpriseID]); ok && p.Confirmed && published < 3 {
			n.Status, n.Platform = forms.StatusPublished, forms.Platform{State: "已发布"}
			published++
		}
	}
	toHub := 0
	for _, n := range s.Needs {
		it := card.Item{Need: n, Enterprise: ents[n.EnterpriseID]}
		switch got := card.QRContent(it, opt); {
		case strings.HasPrefix(got, set.HubPublicURL+"/n/"):
			toHub++
		case strings.Contains(got, "xunbang.invalid"):
			t.Errorf("%s points nowhere: %s", n.Title(), got)
		}
	}
	if toHub != published || published == 0 {
		t.Errorf("%d cards point to the hub, %d needs it published", toHub, published)
	}
}

func TestRenderCardsFromTheWindow(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set := demo.Generate(7, 16)
	if _, err := st.Import(ctx, set.Enterprises, set.Needs, store.ImportOptions{Exact: true}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range set.Needs {
		ids = append(ids, n.ID)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "需求卡片.pdf")
	set0 := store.DefaultSettings()
	set0.Event.Platform = "江苏省科技资源统筹服务云平台"
	if err := st.SaveSettings(ctx, set0); err != nil {
		t.Fatal(err)
	}
	renderCards := func(ctx context.Context, path string) (jobs.CardsReport, error) {
		return jobs.PrintCards(ctx, st, jobs.CardsRequest{IDs: ids, Path: path, Font: assets.FontBytes()})
	}
	rep, err := renderCards(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cards+len(rep.Skipped) != len(ids) || rep.Cards == 0 {
		t.Errorf("%d cards and %d skipped for %d needs", rep.Cards, len(rep.Skipped), len(ids))
	}
	text, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (run make deps): %v", err)
	}
	if !strings.Contains(string(text), set.Needs[0].Title()) && !strings.Contains(string(text), "技术需求") {
		t.Errorf("the PDF does not show the needs")
	}
	// No hub configured, and the demo's needs are not all published: cards
	// without a QR code say where their needs will be published.
	if flat := strings.Join(strings.Fields(string(text)), ""); !strings.Contains(flat, "将发布于江苏省科技资源统筹服务云平台") {
		t.Errorf("no card says where its need will be published:\n%.600s", text)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the folder, want exactly the PDF", len(entries))
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	other := filepath.Join(t.TempDir(), "x.pdf")
	if _, err := renderCards(ctx2, other); err == nil {
		t.Error("a cancelled job still wrote cards")
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("a cancelled job left a file")
	}
}

// TestPrintCardsButtonShowsTheResult presses 打印卡片 in the need list: it
// proposes a visible folder (the Documents folder, as the Excel exports do),
// writes the PDF there and says where, and whether a viewer opened it (issue
// 12.8) — which it did not say while the finished job's own cancel counted
// as the user's.
func TestPrintCardsButtonShowsTheResult(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	docs := filepath.Join(home, "Documents")
	if err := os.Mkdir(docs, 0o700); err != nil {
		t.Fatal(err)
	}
	u, _ := newTestUI(t, func(st *store.Store) {
		set := demo.Generate(3, 12)
		if _, err := st.Import(context.Background(), set.Enterprises, set.Needs, store.ImportOptions{Exact: true}); err != nil {
			t.Fatal(err)
		}
	})
	x := u.needs.excel
	x.lastDir = ""
	if len(u.needs.rows) == 0 {
		t.Fatal("the need list is empty")
	}
	var opened []string
	u.openPath = func(p string) error { opened = append(opened, p); return fmt.Errorf("open %s: %w", p, errNoViewer) }

	test.Tap(u.needs.print)
	v := x.saveAs
	if v == nil || v.dir != docs || !strings.HasSuffix(v.name.Text, ".pdf") || !strings.HasPrefix(v.name.Text, "需求卡片-") {
		t.Fatalf("打印卡片 proposes %+v", v)
	}
	test.Tap(v.save)
	settle(t, u)
	pdfs, _ := filepath.Glob(filepath.Join(docs, "*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("%d PDFs written in Documents", len(pdfs))
	}
	if data, _ := filepath.Glob(filepath.Join(u.opts.DataDir, "cards", "*.pdf")); len(data) != 0 {
		t.Error("cards still go to the data dir")
	}
	if len(opened) != 1 || opened[0] != pdfs[0] {
		t.Errorf("opened %q", opened)
	}
	if !strings.Contains(x.resultText, pdfs[0]) || !strings.Contains(x.resultText, "没能用系统的阅读器打开") ||
		strings.Contains(x.resultText, "已用系统的阅读器打开") {
		t.Errorf("with no viewer the window says %q", x.resultText)
	}

	// With a viewer, it says so; and the next print proposes the same folder.
	u.openPath = func(string) error { return nil }
	x.result.Hide()
	test.Tap(u.needs.print)
	if x.saveAs == nil || x.saveAs.dir != docs {
		t.Fatal("the second print does not propose the folder of the first")
	}
	x.saveAs.name.SetText("第二批")
	test.Tap(x.saveAs.save)
	settle(t, u)
	if _, err := os.Stat(filepath.Join(docs, "第二批.pdf")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(x.resultText, "已用系统的阅读器打开") || !strings.Contains(x.resultText, "张带二维码") ||
		strings.Contains(x.resultText, "<no value>") {
		t.Errorf("with a viewer the window says %q", x.resultText)
	}
}

// TestPrintCardFromTheEditor prints the card of the need being edited, with
// its latest edit; a private need gets a message and no PDF.
func TestPrintCardFromTheEditor(t *testing.T) {
	var set *demo.Set
	u, _ := newTestUI(t, func(st *store.Store) {
		set = demo.Generate(3, 12)
		if _, err := st.Import(context.Background(), set.Enterprises, set.Needs, store.ImportOptions{Exact: true}); err != nil {
			t.Fatal(err)
		}
	})
	var public, private, anonymous *forms.Need
	for _, n := range set.Needs {
		switch n.Visibility() {
		case forms.VisibilityPrivate:
			private = n
		case forms.VisibilityAnonymous:
			anonymous = n
		default:
			public = n
		}
	}
	if public == nil || private == nil || anonymous == nil {
		t.Fatal("the demo set lacks a public, a private or an anonymous need")
	}
	glob := filepath.Join(u.needs.excel.lastDir, "*.pdf")

	u.openNeed(private.ID)
	settle(t, u)
	test.Tap(u.editor.printBtn)
	settle(t, u)
	if pdfs, _ := filepath.Glob(glob); len(pdfs) != 0 {
		t.Fatalf("a private need printed %d PDFs", len(pdfs))
	}
	if !containsText(windowTexts(u.win), "不印制公开卡片") {
		t.Error("no message for the private need")
	}

	// An anonymous need whose alias names its town, finer than the county
	// its card prints: no card, and the window says why, in words.
	var town string
	for _, e := range set.Enterprises {
		if e.ID == anonymous.EnterpriseID {
			if p := forms.Regions().Path(e.Values.Get("region")); len(p) > 0 && len(p[len(p)-1].Code) == 9 {
				town = p[len(p)-1].Name
			}
		}
	}
	if town == "" {
		t.Fatal("the anonymous need's enterprise has no town")
	}
	u.openNeed(anonymous.ID)
	settle(t, u)
	u.editor.form.input("public_alias").entry.SetText(town + "某科技企业")
	test.Tap(u.editor.printBtn)
	test.Tap(u.needs.excel.saveAs.save)
	settle(t, u)
	if pdfs, _ := filepath.Glob(glob); len(pdfs) != 0 {
		t.Fatalf("the anonymous need naming %s printed %d PDFs", town, len(pdfs))
	}
	if got := u.needs.excel.resultText; !strings.Contains(got, "没有可打印的卡片") || !strings.Contains(got, "「"+town+"」") || strings.Contains(got, "card:") {
		t.Errorf("for the anonymous need naming %s the window says %q", town, got)
	}

	u.openNeed(public.ID)
	settle(t, u)
	title := u.editor.form.input("title").entry
	test.Type(title, "（改）")
	test.Tap(u.editor.printBtn)
	test.Tap(u.needs.excel.saveAs.save)
	settle(t, u)
	pdfs, _ := filepath.Glob(glob)
	if len(pdfs) != 1 {
		t.Fatalf("%d PDFs written; the window says %q", len(pdfs), windowTexts(u.win))
	}
	text, err := exec.Command("pdftotext", pdfs[0], "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (run make deps): %v", err)
	}
	if !strings.Contains(strings.ReplaceAll(string(text), "\n", ""), "（改）") {
		t.Errorf("the card does not show the latest edit:\n%s", text)
	}
}
