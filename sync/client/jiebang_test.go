package client_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/card"
	"github.com/xunbang/xunbang/internal/browsertest"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// What the anonymous need of the 揭榜 tests holds that its public page must
// not show.
const (
	jbEntName  = "昆山市玉峰精密传动有限公司"
	jbCredit   = "9144030071526726XG"
	jbMobile   = "13912345678"
	jbBasis    = "现有基础：样机两台，良率 62%（商业秘密）"
	jbNotes    = "内部备注：老板希望找苏州大学"
	jbTitle    = "高精度谐波减速器柔轮疲劳寿命提升"
	jbAlias    = "苏州市某精密传动企业"
	jbProvider = "东南大学苏州研究院"
	jbPhone    = "13805120001"
)

// jbDeadline is the campaign's deadline: three months from now.
var jbDeadline = time.Now().AddDate(0, 3, 0).Format(time.DateOnly)

// publicHub is a hub on a loopback listener whose public base address is
// its own.
type publicHub struct {
	*hub
}

func newPublicHub(t *testing.T) *publicHub {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	srv, err := platform.Open(t.TempDir(), platform.Options{Logger: quiet, PublicURL: base, Pages: platform.PageOptions{MinFillTime: -1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SetSite(context.Background(), platform.Site{Event: "2026“科技镇长团杯”苏州国际创新挑战赛", Organiser: "苏州市科学技术局",
		Deadline: jbDeadline, Contact: "0512-65246015"}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return &publicHub{&hub{t: t, srv: srv, ts: ts, URL: ts.URL}}
}

// publishAnonymousNeed records an enterprise in a town and its 匿名公开 need
// in st, confirmed, syncs it, has the hub publish it at its public page
// and syncs again; it returns the need as the store then holds it.
func publishAnonymousNeed(t *testing.T, h *publicHub, st *store.Store, c *client.Client) (*forms.Need, *forms.Enterprise) {
	t.Helper()
	ctx := context.Background()
	e := &forms.Enterprise{Values: forms.Values{}}
	e.Values.Set("enterprise_name", jbEntName)
	e.Values.Set("credit_code", jbCredit)
	e.Values.Set("region", "320583102")
	e.Contacts = []forms.Contact{{Values: forms.Values{"contact_name": {"李明"}, "contact_mobile": {jbMobile}}}}
	if err := st.SaveEnterprise(ctx, e); err != nil {
		t.Fatal(err)
	}
	n := &forms.Need{EnterpriseID: e.ID, Status: forms.StatusDraft, Values: forms.Values{}}
	v := n.Values
	v.Set("title", jbTitle)
	v.Set("visibility", string(forms.VisibilityAnonymous))
	v.Set("public_alias", jbAlias)
	v.Set("need_type", "01")
	v.SetList("tech_fields", []string{"80", "804"})
	v.Set("problem", "谐波减速器柔轮在高负载工况下疲劳寿命不足 3000 小时，需提升材料与热处理工艺。")
	v.Set("indicators", "传动精度 ≤ 1 arcmin；额定寿命 ≥ 10000 h。")
	v.Set("current_basis", jbBasis)
	v.Set("confidential_notes", jbNotes)
	v.Set("budget_wan", "80")
	v.SetList("cooperation_modes", []string{"01", "02"})
	if err := st.SaveNeed(ctx, n); err != nil {
		t.Fatal(err)
	}
	confirm(t, st, n.ID)
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Review(ctx, n.ID, "已发布", forms.PublicPageURL(h.URL, n.ID), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := st.Need(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.Platform.URL != forms.PublicPageURL(h.URL, n.ID) {
		t.Fatalf("the need's platform URL is %q", n.Platform.URL)
	}
	return n, e
}

// readCardQR renders the need's card as a PNG and decodes its QR code.
func readCardQR(t *testing.T, n *forms.Need, e *forms.Enterprise) string {
	t.Helper()
	font, err := os.ReadFile("../../assets/fonts/wqy-microhei-subset.ttf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rep, err := card.RenderPNG(context.Background(), dir, []card.Item{{Need: n, Enterprise: e}}, card.Options{Font: font, Layout: card.LayoutA6, DPI: 300})
	if err != nil || len(rep.Files) != 1 || rep.Unconfirmed != 0 {
		t.Fatalf("card: %+v, %v", rep, err)
	}
	f, err := os.Open(rep.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("the card's QR code does not scan: %v", err)
	}
	return res.GetText()
}

func fetch(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// From the printed card to a solution on the official's laptop: the card's
// QR code leads to the hub's public page, redacted; a provider fills the
// 揭榜 form in a real (headless) browser; the official's sync brings the
// solution, contacts and all, into the store; another team sees none of it.
func TestJiebangFromCardToLaptop(t *testing.T) {
	ctx := context.Background()
	h := newPublicHub(t)
	stA := openStore(t, t.TempDir(), "li", "suzhou")
	cA := newClient(t, stA, fastConfig(h.URL, h.token("li", "suzhou")))
	n, e := publishAnonymousNeed(t, h, stA, cA)

	// The card's QR code holds the page's address; the page is there and
	// shows the need as an anonymous one.
	page := readCardQR(t, n, e)
	if page != forms.PublicPageURL(h.URL, n.ID) {
		t.Fatalf("the card's QR code holds %q", page)
	}
	status, body := fetch(t, page)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", page, status)
	}
	for _, want := range []string{jbTitle, jbAlias, card.ShortID(n.ID), "我要揭榜", jbDeadline, "苏州市科学技术局"} {
		if !strings.Contains(body, want) {
			t.Errorf("the public page lacks %q", want)
		}
	}
	for _, never := range []string{jbEntName, jbCredit, jbMobile, "李明", jbBasis, jbNotes, "玉山", "昆山"} {
		if strings.Contains(body, never) {
			t.Errorf("the public page shows %q", never)
		}
	}

	// A provider opens the page on a phone, reads it, and 揭榜.
	bctx := browsertest.New(t, 390, 844, 90*time.Second)
	shots := screenshotDir(t)
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)
	if err := chromedp.Do(bctx, phone, chromedp.Navigate(page), chromedp.WaitVisible("#jiebang-button")); err != nil {
		t.Fatal(err)
	}
	saveShot(t, bctx, filepath.Join(shots, "public-need-phone.png"))
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(page), chromedp.WaitVisible("#jiebang-button")); err != nil {
		t.Fatal(err)
	}
	saveShot(t, bctx, filepath.Join(shots, "public-need-desktop.png"))
	const inj = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`
	err := chromedp.Do(bctx, phone,
		chromedp.Click("#jiebang-button"),
		chromedp.WaitVisible("#f-provider_name"),
		chromedp.SendKeys("#f-provider_name", jbProvider),
		chromedp.Click(`input[name="provider_type"][value="institute"]`),
		chromedp.SendKeys("#f-provider_region", "江苏苏州"),
		chromedp.SendKeys("#f-solution_contact", "陈工"),
		chromedp.SendKeys("#f-solution_position", "副所长"),
		chromedp.SendKeys("#f-solution_phone", jbPhone),
		chromedp.SendKeys("#f-solution_email", "chen@seu.example.edu.cn"),
		chromedp.SetValue("#f-solution_summary", "以渗碳淬火与喷丸复合强化提升柔轮疲劳寿命，已在两家企业中试验证。"+inj),
		chromedp.SetValue("#f-solution_cooperation", "02"),
		chromedp.SendKeys("#f-quote_wan", "60"),
		chromedp.SendKeys("#f-solution_period", "8 个月"+inj[:20]),
	)
	if err != nil {
		t.Fatal(err)
	}
	saveShot(t, bctx, filepath.Join(shots, "jiebang-form-phone.png"))
	if err := chromedp.Do(bctx, chromedp.Click(`input[name="consent"]`), chromedp.Click(`button[type="submit"]`), chromedp.WaitVisible("#receipt")); err != nil {
		t.Fatal(err)
	}
	receipt, err := chromedp.Run(bctx, chromedp.Text("#receipt"))
	if err != nil || !regexp.MustCompile(`^JB\d{6}-[2-9A-HJKMNP-Z]{6}$`).MatchString(receipt) {
		t.Fatalf("receipt %q, %v", receipt, err)
	}
	saveShot(t, bctx, filepath.Join(shots, "jiebang-receipt-phone.png"))
	// What was typed came back as text: no script ran, no element was made.
	pwned, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__pwned !== undefined || document.querySelectorAll("script, img").length > 0`))
	if err != nil || pwned {
		t.Errorf("the receipt page ran or made injected markup: %v, %v", pwned, err)
	}
	if txt, _ := chromedp.Run(bctx, chromedp.Text("main")); !strings.Contains(txt, inj) {
		t.Errorf("the receipt does not show the summary as typed: %q", txt)
	}

	// The official's sync brings it into the store, contacts and all.
	if _, err := cA.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	sols, err := stA.Solutions(ctx, n.ID)
	if err != nil || len(sols) != 1 {
		t.Fatalf("the official's store holds %v, %v", sols, err)
	}
	s := sols[0]
	if s.Receipt != receipt || s.Provider() != jbProvider || s.Values.Get("solution_phone") != jbPhone || s.Values.Get("provider_type") != "institute" ||
		s.Values.Get("quote_wan") != "60" || s.Status != forms.SolutionSubmitted || s.Source != forms.SourcePublicPage || !strings.HasSuffix(s.Values.Get("solution_summary"), inj) {
		t.Errorf("the official's solution: %+v", s)
	}

	// Another team syncs: no solution, no contact, anywhere in its store.
	dirB := t.TempDir()
	stB := openStore(t, dirB, "wang", "wuxi")
	cB := newClient(t, stB, fastConfig(h.URL, h.token("wang", "wuxi")))
	if _, err := cB.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := stB.SolutionStatuses(ctx); len(st) != 0 {
		t.Errorf("team B's store holds solutions: %v", st)
	}
	if pub, err := client.PublicNeed(ctx, stB, n.ID); err != nil || pub == nil || pub.Publisher != jbAlias {
		t.Errorf("team B's view of the need: %+v, %v", pub, err)
	}
	raw, err := os.ReadFile(filepath.Join(dirB, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{jbProvider, jbPhone, "陈工", receipt, s.ID, jbEntName, jbMobile} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("team B's data file holds %q", secret)
		}
	}
}

// The official's changes to a solution go back to the hub under the rules
// of needs, and a client of before 揭榜 (its cursor read without
// solutions) reads the feed again to get them.
func TestSolutionStatusSyncsBothWays(t *testing.T) {
	ctx := context.Background()
	h := newPublicHub(t)
	stA := openStore(t, t.TempDir(), "li", "suzhou")
	tokA := h.token("li", "suzhou")
	cA := newClient(t, stA, fastConfig(h.URL, tokA))
	n, _ := publishAnonymousNeed(t, h, stA, cA)
	// A provider 揭榜 over plain HTTP.
	_, form := fetch(t, forms.PublicPageURL(h.URL, n.ID)+"/jiebang")
	tok := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(form)
	if tok == nil {
		t.Fatal("no token on the form")
	}
	resp, err := http.PostForm(forms.PublicPageURL(h.URL, n.ID)+"/jiebang", url.Values{
		"token": {tok[1]}, "consent": {"yes"}, "provider_name": {jbProvider}, "provider_type": {"institute"},
		"provider_region": {"江苏苏州"}, "solution_contact": {"陈工"}, "solution_position": {"副所长"}, "solution_phone": {jbPhone},
		"solution_email": {"chen@seu.example.edu.cn"}, "solution_summary": {"以渗碳淬火与喷丸复合强化提升柔轮疲劳寿命，已在两家企业中试验证。"},
	})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("submit: %v %v", resp, err)
	}
	resp.Body.Close()
	// A cursor read by a client of before 揭榜 has gone past the solution.
	if err := stA.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetMeta("sync.feed-kinds", nil); err != nil {
			return err
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := cA.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	sols, _ := stA.Solutions(ctx, n.ID)
	if len(sols) != 1 {
		t.Fatalf("after the upgrade the store holds %d solutions", len(sols))
	}
	s := sols[0]
	// The official screens it and notes a call; a paper 方案表 is typed in.
	if err := s.Transition(forms.SolutionScreened); err != nil {
		t.Fatal(err)
	}
	s.Values.Set("solution_notes", "已电话沟通，约下周面谈。")
	if err := stA.SaveSolution(ctx, s); err != nil {
		t.Fatal(err)
	}
	paper := &forms.Solution{NeedID: n.ID, Status: forms.SolutionSubmitted, Source: forms.SourcePaper, Values: forms.Values{"provider_name": {"苏州某自动化有限公司"}}}
	if err := stA.SaveSolution(ctx, paper); err != nil {
		t.Fatal(err)
	}
	rep, err := cA.Sync(ctx)
	if err != nil || rep.Accepted != 2 {
		t.Fatalf("push: %v, %v", rep, err)
	}
	infos, _ := h.srv.Solutions(ctx, n.ID)
	if len(infos) != 2 {
		t.Fatalf("the hub holds %+v", infos)
	}
	for _, i := range infos {
		if i.ID == s.ID && (i.Rev != s.Rev || i.Revisions != 2) {
			t.Errorf("the hub's head of the screened solution: %+v", i)
		}
	}
	// A colleague, who had synced before, edits it too: both sides kept.
	stC := openStore(t, t.TempDir(), "zhou", "suzhou")
	cC := newClient(t, stC, fastConfig(h.URL, tokA))
	if _, err := cC.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	theirs, err := stC.Solution(ctx, s.ID)
	if err != nil || theirs.Status != forms.SolutionScreened {
		t.Fatalf("the colleague's copy: %+v, %v", theirs, err)
	}
	if err := theirs.Transition(forms.SolutionRecommended); err != nil {
		t.Fatal(err)
	}
	if err := stC.SaveSolution(ctx, theirs); err != nil {
		t.Fatal(err)
	}
	if err := s.Transition(forms.SolutionDeclined); err != nil {
		t.Fatal(err)
	}
	if err := stA.SaveSolution(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := cC.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err = cA.Sync(ctx)
	if err != nil || rep.Conflicts != 1 {
		t.Fatalf("conflict: %v, %v", rep, err)
	}
	cfs, _ := client.Conflicts(ctx, stA)
	if len(cfs) != 1 || cfs[0].Kind != protocol.KindSolution {
		t.Fatalf("conflicts %+v", cfs)
	}
	srv, err := cfs[0].ServerSolution()
	if err != nil || srv.Status != forms.SolutionRecommended {
		t.Fatalf("server side %+v, %v", srv, err)
	}
	// Keep theirs, with my note.
	merged := srv.Clone()
	merged.Values.Set("solution_notes", "两边都看过，按推荐对接办。")
	if err := client.ResolveSolution(ctx, stA, s.ID, merged); err != nil {
		t.Fatal(err)
	}
	if _, err := cA.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := client.ResolveSolution(ctx, stA, s.ID, nil); !errors.Is(err, client.ErrNoConflict) {
		t.Errorf("resolving again: %v", err)
	}
	if _, err := cC.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := stC.Solution(ctx, s.ID); got.Values.Get("solution_notes") != "两边都看过，按推荐对接办。" || got.Status != forms.SolutionRecommended {
		t.Errorf("the colleague ends with %+v", got)
	}
}

// screenshotDir is where the test keeps its screenshots: $XUNBANG_SCREENSHOTS
// (to refresh docs/screenshots) or a temporary dir.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("XUNBANG_SCREENSHOTS"); d != "" {
		return d
	}
	return t.TempDir()
}

// saveShot captures the whole page and checks it is a picture.
func saveShot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width < 300 || cfg.Height < 300 {
		t.Fatalf("screenshot %s: %+v, %v", path, cfg, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
