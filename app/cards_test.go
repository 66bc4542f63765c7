package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/card"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/store"
)

// TestCardOptionsFromSettings: the window's cards take the hub's address and
// the platform's name from the settings, as the command line does.
func TestCardOptionsFromSettings(t *testing.T) {
	set := store.DefaultSettings()
	set.HubPublicURL = "https://hub.wujiang.example.gov.cn"
	set.Event.Platform = "江苏省科技资源统筹服务云平台"
	opt := cardOptions(set)
	if opt.HubPublicURL != set.HubPublicURL || opt.Platform != set.Event.Platform || len(opt.Font) == 0 {
		t.Fatalf("options %+v", opt)
	}
	s := demo.Generate(7, 16)
	ents := map[string]*forms.Enterprise{}
	for _, e := range s.Enterprises {
		ents[e.ID] = e
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
	if toHub == 0 {
		t.Error("no card points to the hub")
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
	dir := filepath.Join(t.TempDir(), "cards")
	set0 := store.DefaultSettings()
	set0.Event.Platform = "江苏省科技资源统筹服务云平台"
	path, rep, err := renderCards(ctx, st, ids, dir, cardOptions(set0))
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
		t.Errorf("%d files in the cards dir, want exactly the PDF", len(entries))
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := renderCards(ctx2, st, ids, filepath.Join(t.TempDir(), "x"), cardOptions(set0)); err == nil {
		t.Error("a cancelled job still wrote cards")
	}
}

// TestPrintCardsButtonShowsTheResult presses 打印卡片 in the need list: the
// PDF is written under the data dir and the window says where, which it did
// not while the finished job's own cancel counted as the user's.
func TestPrintCardsButtonShowsTheResult(t *testing.T) {
	u, _ := newTestUI(t, func(st *store.Store) {
		set := demo.Generate(3, 12)
		if _, err := st.Import(context.Background(), set.Enterprises, set.Needs, store.ImportOptions{Exact: true}); err != nil {
			t.Fatal(err)
		}
	})
	if len(u.needs.rows) == 0 {
		t.Fatal("the need list is empty")
	}
	test.Tap(u.needs.print)
	settle(t, u)
	pdfs, _ := filepath.Glob(filepath.Join(u.opts.DataDir, "cards", "*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("%d PDFs written", len(pdfs))
	}
	if texts := windowTexts(u.win); !containsText(texts, filepath.Base(pdfs[0])) {
		t.Errorf("the window does not say where the cards are: %q", texts)
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
	var public, private *forms.Need
	for _, n := range set.Needs {
		switch n.Visibility() {
		case forms.VisibilityPrivate:
			private = n
		default:
			public = n
		}
	}
	if public == nil || private == nil {
		t.Fatal("the demo set lacks a public or a private need")
	}
	glob := filepath.Join(u.opts.DataDir, "cards", "*.pdf")

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

	u.openNeed(public.ID)
	settle(t, u)
	title := u.editor.form.input("title").entry
	test.Type(title, "（改）")
	test.Tap(u.editor.printBtn)
	settle(t, u)
	pdfs, _ := filepath.Glob(glob)
	if len(pdfs) != 1 {
		t.Fatalf("%d PDFs written", len(pdfs))
	}
	text, err := exec.Command("pdftotext", pdfs[0], "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (run make deps): %v", err)
	}
	if !strings.Contains(strings.ReplaceAll(string(text), "\n", ""), "（改）") {
		t.Errorf("the card does not show the latest edit:\n%s", text)
	}
}
