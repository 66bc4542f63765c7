package client_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/card"
)

// An anonymous need the hub shows with its city — its county lists too few
// enterprises to hide it (platform.MinCrowd) — is printed on the team's own
// card with its city too, not its county (found from the outside: the page
// said 江苏省苏州市, the card 江苏省苏州市昆山市); and still so after a
// later verdict takes its page down.
func TestCardShowsNoFinerRegionThanThePage(t *testing.T) {
	ctx := context.Background()
	h := newPublicHub(t)
	st := openStore(t, t.TempDir(), "li", "suzhou")
	c := newClient(t, st, fastConfig(h.URL, h.token("li", "suzhou")))
	for i := range 6 { // enough in 吴中区 for the city to hide a need in
		e := newEnterprise(fmt.Sprintf("苏州吴中第%d精密机械有限公司", i))
		e.Values.Set("region", "320506")
		e.Values.Set("credit_code", "")
		if err := st.SaveEnterprise(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	n, e := publishAnonymousNeed(t, h, st, c) // its enterprise in 昆山市, alone there
	if !n.Platform.RegionShown || n.Platform.Region != "320500" {
		t.Fatalf("the verdict came with region shown %v %q, want the city 320500", n.Platform.RegionShown, n.Platform.Region)
	}
	status, page := fetch(t, n.Platform.URL)
	if status != http.StatusOK || !strings.Contains(page, "江苏省苏州市") || strings.Contains(page, "昆山") {
		t.Fatalf("the page (%d) does not show the city alone:\n%.2000s", status, page)
	}
	cardText := func() string {
		t.Helper()
		n, err := st.Need(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		return renderCardText(t, n, e)
	}
	text := cardText()
	if !strings.Contains(text, "江苏省苏州市") || strings.Contains(text, "昆山") {
		t.Errorf("the card does not show the city alone:\n%s", text)
	}

	// 退回 takes the page down; the need is still printed no finer.
	if err := h.srv.Review(ctx, n.ID, "退回", "", "请补充技术指标"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if status, _ := fetch(t, n.Platform.URL); status != http.StatusGone {
		t.Fatalf("after 退回 the page answers %d", status)
	}
	if text := cardText(); strings.Contains(text, "昆山") || !strings.Contains(text, "江苏省苏州市") {
		t.Errorf("after 退回, the card shows:\n%s", text)
	}

	// The check can fail: told nothing, the card prints the county.
	n2, err := st.Need(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	n2.Platform.RegionShown = false
	if text := renderCardText(t, n2, e); !strings.Contains(text, "昆山市") {
		t.Errorf("without the hub's region the card should print the county:\n%s", text)
	}
}

// renderCardText renders the need's card as a PDF and returns its text.
func renderCardText(t *testing.T, n *forms.Need, e *forms.Enterprise) string {
	t.Helper()
	font, err := os.ReadFile("../../assets/fonts/wqy-microhei-subset.ttf")
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if _, err := card.Render(context.Background(), &pdf, []card.Item{{Need: n, Enterprise: e}}, card.Options{Font: font, Layout: card.LayoutA6}); err != nil {
		t.Fatal(err)
	}
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext not found: it comes with poppler-utils; run `make deps`")
	}
	in := filepath.Join(t.TempDir(), "card.pdf")
	if err := os.WriteFile(in, pdf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
