package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/store"
)

// TestBookletFromTheWindow: 导出 offers the PDF booklet; it is written with
// the campaign from the settings on its cover, under a .pdf name.
func TestBookletFromTheWindow(t *testing.T) {
	mustSetLanguage(t, Chinese)
	// The settings as 设置 saves them: the export reads them from the store.
	u, st := newTestUI(t, func(st *store.Store) {
		importDemo(t, st, 30)
		s, err := st.Settings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		s.Event = store.Event{Name: "2026年吴江区技术需求对接专场", Organiser: "吴江区科学技术局", Deadline: "2026年9月15日"}
		s.HubPublicURL = "https://hub.wujiang.example.gov.cn"
		if err := st.SaveSettings(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	})
	x := u.needs.excel
	name := excelFileName(excelBooklet, time.Now())
	if !strings.HasSuffix(name, ".pdf") || !strings.HasPrefix(name, "技术需求汇编-印刷版-") {
		t.Errorf("proposed name %q", name)
	}
	if got, _ := exportTarget("/d", "汇编", exportExt(excelBooklet)); got != filepath.Join("/d", "汇编.pdf") {
		t.Errorf("target %q", got)
	}
	p := filepath.Join(t.TempDir(), name)
	x.startExport(excelBooklet, p)
	settle(t, u)
	b, err := os.ReadFile(p)
	if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("no PDF: %v (result %q)", err, x.resultText)
	}
	text, err := exec.Command("pdftotext", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (run make deps): %v", err)
	}
	flat := strings.Join(strings.Fields(string(text)), "")
	for _, s := range []string{"2026年吴江区技术需求对接专场", "吴江区科学技术局", "技术需求解决方案表"} {
		if !strings.Contains(flat, s) {
			t.Errorf("the booklet lacks %q", s)
		}
	}
	if !strings.Contains(x.resultText, "《技术需求汇编》PDF 印刷版") {
		t.Errorf("result %q", x.resultText)
	}
	if log, _ := st.AuditLog(u.ctx, store.AuditQuery{Kind: store.AuditExport}); len(log) != 1 || !strings.HasPrefix(log[0].Detail, "booklet → ") {
		t.Errorf("audit %+v", log)
	}
}
