package card

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// fontPath is the CJK font the app embeds (assets/fonts).
const fontPath = "../../assets/fonts/wqy-microhei-subset.ttf"

var (
	fontOnce  sync.Once
	fontBytes []byte
	fontErr   error
)

func testFont(tb testing.TB) []byte {
	tb.Helper()
	fontOnce.Do(func() { fontBytes, fontErr = os.ReadFile(fontPath) })
	if fontErr != nil {
		tb.Fatalf("read the CJK font: %v", fontErr)
	}
	return fontBytes
}

// testHub is the hub public address the tests configure.
const testHub = "https://hub.wujiang.example.gov.cn"

func testOptions(tb testing.TB, l Layout) Options {
	return Options{Font: testFont(tb), Layout: l, HubPublicURL: testHub}
}

// needSpec describes a fixture need.
type needSpec struct {
	id, title, kind, problem, indicators string
	fields, modes                        []string
	budget                               string
	negotiable                           bool
	vis                                  forms.Visibility
	alias                                string
	confirm                              bool   // confirm the content (current confirmation)
	url                                  string // platform URL
	region                               string
	entName, credit                      string
	contact                              [3]string // name, mobile, email
}

var fixedTime = time.Date(2025, 6, 1, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

func makeItem(tb testing.TB, s needSpec) Item {
	tb.Helper()
	cat := forms.Default()
	e := &forms.Enterprise{ID: "ent-" + s.id, Values: forms.Values{}, CreatedAt: fixedTime, UpdatedAt: fixedTime}
	e.Values.Set("enterprise_name", s.entName)
	e.Values.Set("credit_code", s.credit)
	e.Values.Set("region", s.region)
	if s.contact[0] != "" {
		ct := forms.Contact{ID: "c1", Values: forms.Values{}}
		ct.Values.Set("contact_name", s.contact[0])
		ct.Values.Set("contact_mobile", s.contact[1])
		ct.Values.Set("contact_email", s.contact[2])
		e.Contacts = append(e.Contacts, ct)
	}
	n := &forms.Need{ID: s.id, EnterpriseID: e.ID, ContactID: "c1", Status: forms.StatusToConfirm,
		Values: forms.Values{}, CreatedAt: fixedTime, UpdatedAt: fixedTime}
	v := n.Values
	v.Set("title", s.title)
	v.Set("need_type", s.kind)
	v.SetList("tech_fields", s.fields)
	v.Set("problem", s.problem)
	v.Set("indicators", s.indicators)
	v.SetList("cooperation_modes", s.modes)
	v.Set("budget_wan", s.budget)
	if s.negotiable {
		v.Set("budget_negotiable", "true")
	}
	v.Set("visibility", string(s.vis))
	v.Set("public_alias", s.alias)
	v.Set("current_basis", "现有基础保密内容：样机两台。") // 商业秘密, never on a card
	if s.confirm {
		if err := cat.Confirm(n, e, forms.Confirmation{At: fixedTime}); err != nil {
			tb.Fatal(err)
		}
	}
	if s.url != "" {
		// The verdict as a pull applies it: the status follows where the
		// lifecycle allows.
		n.Platform = forms.Platform{State: "已发布", URL: s.url, UpdatedAt: fixedTime}
		if forms.CanTransition(n.Status, forms.StatusPublished) {
			n.Status = forms.StatusPublished
		}
	}
	return Item{Need: n, Enterprise: e}
}

// eightItems is a sheet's worth of varied needs: published and not,
// confirmed and not, named and anonymous, full and sparse.
func eightItems(tb testing.TB) []Item {
	base := needSpec{
		kind: "00", fields: []string{"101"}, modes: []string{"01", "02"}, budget: "50",
		vis: forms.VisibilityNamed, region: "320583100", entName: "昆山市玉峰精密传动有限公司",
		credit: "91320583MA1W2X3Y4Q", contact: [3]string{"李明", "13912345678", "liming@yufeng.example.com"},
		problem:    "谐波减速器柔轮在高负载工况下疲劳寿命不足 3000 小时，需提升材料与热处理工艺，使寿命达到 10000 小时以上。",
		indicators: "传动精度 ≤ 1 arcmin；额定寿命 ≥ 10000 h；噪声 ≤ 60 dB(A)。",
	}
	specs := []needSpec{
		{id: "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab", title: "高精度谐波减速器柔轮疲劳寿命提升", confirm: true,
			url: "https://kjt.example.gov.cn/xq/detail?id=2025000123"},
		{id: "7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", title: "锂电池极片涂布厚度在线检测", kind: "12",
			fields: []string{"60", "603"}, modes: []string{"03"}, negotiable: true, confirm: true},
		{id: "8b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", title: "食品级 PET 瓶坯注塑成型周期缩短", vis: forms.VisibilityAnonymous,
			alias: "某包装材料企业", fields: []string{"40", "403"}, budget: "120.5", confirm: true,
			url: "https://kjt.example.gov.cn/xq/detail?id=2025000124"},
		{id: "9c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f", title: "工业视觉缺陷检测算法（PCB 外观）",
			url: "https://kjt.example.gov.cn/xq/detail?id=2025000125"}, // published, but confirmation not current
		{id: "ad5e6f7a-8b9c-4dae-9f2a-3b4c5d6e7f8a", title: "农产品冷链物流温度追溯", kind: "05",
			fields: []string{"50", "506"}, modes: []string{"05", "06", "99"}, budget: "8", region: "330110005"},
		{id: "be6f7a8b-9cad-4ebf-8a3b-4c5d6e7f8a9b", title: "中药提取物喷雾干燥粘壁问题", kind: "02",
			fields: []string{"20", "202"}, vis: forms.VisibilityAnonymous, alias: "某中药饮片企业", confirm: true},
		{id: "cf7a8b9c-adbe-4fca-9b4c-5d6e7f8a9bac", title: "T", problem: "-", indicators: "-", modes: []string{"01"}},
		{id: "d08b9cad-becf-4adb-8c5d-6e7f8a9bacbd", title: strings.Repeat("超长标题Ultra-Long-Title-0123456789", 20),
			problem: strings.Repeat("问题描述很长很长，", 150) + strings.Repeat("X", 300), confirm: true},
	}
	items := make([]Item, len(specs))
	for i, s := range specs {
		full := base
		full.id, full.title, full.confirm, full.url = s.id, s.title, s.confirm, s.url
		for _, f := range []struct{ dst, src *string }{
			{&full.kind, &s.kind}, {&full.problem, &s.problem}, {&full.indicators, &s.indicators},
			{&full.budget, &s.budget}, {&full.alias, &s.alias}, {&full.region, &s.region},
		} {
			if *f.src != "" {
				*f.dst = *f.src
			}
		}
		if s.fields != nil {
			full.fields = s.fields
		}
		if s.modes != nil {
			full.modes = s.modes
		}
		if s.vis != "" {
			full.vis = s.vis
		}
		full.negotiable = s.negotiable
		items[i] = makeItem(tb, full)
	}
	return items
}

// randomItems makes n needs with varied, realistic Chinese text.
func randomItems(tb testing.TB, n int, seed uint64) []Item {
	rng := rand.New(rand.NewPCG(seed, 1))
	subjects := []string{"谐波减速器", "锂电池隔膜", "光伏组件", "数控机床主轴", "工业机器人关节", "高分子复合材料", "中药提取工艺",
		"冷链物流", "MEMS 传感器", "碳化硅功率器件", "生物发酵", "污水处理膜", "新能源汽车电机", "智能网联终端", "纺织印染废水",
		"航空铝合金铸件", "医用导管", "5G 小基站", "化工反应釜", "稀土永磁体", "食品包装", "建筑垃圾再生骨料", "氢燃料电池电堆"}
	actions := []string{"寿命提升", "成本降低", "良率改善", "在线检测", "国产化替代", "工艺优化", "能耗下降", "精度提升", "智能化改造", "关键材料研发"}
	phrases := []string{"现有工艺在高温高湿环境下稳定性不足", "进口设备价格高、交货周期长", "产品一致性差，批次间波动大",
		"缺少快速无损检测手段", "关键零部件依赖国外供应商", "生产线自动化程度低，人工成本高", "能耗偏高，难以满足双碳要求",
		"表面缺陷率约 3.5%，客户要求低于 0.5%", "需建立数字化质量追溯体系", "希望与高校院所联合攻关", "型号 ABX-2000/3 的替代方案",
		"温度控制精度需达到 ±0.5 ℃", "良品率目标 ≥ 99.2%", "年产能提升至 20 万件", "通过 ISO 13485 认证"}
	var codes []string
	for _, o := range forms.Default().Vocabulary("tech_field").Options {
		codes = append(codes, o.Code)
	}
	kinds := []string{"00", "01", "02", "03", "04", "05", "10", "12"}
	modes := []string{"01", "02", "03", "04", "05", "06"}
	regions := []string{"320583100", "440305005", "330110005", "110105", "320583"}
	sentence := func(k int) string {
		var b strings.Builder
		for i := 0; i < k; i++ {
			b.WriteString(phrases[rng.IntN(len(phrases))])
			if i == k-1 {
				b.WriteString("。")
			} else {
				b.WriteString("，")
			}
		}
		return b.String()
	}
	items := make([]Item, n)
	for i := range items {
		s := needSpec{
			id:         fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()&(1<<48-1)),
			title:      subjects[rng.IntN(len(subjects))] + actions[rng.IntN(len(actions))],
			kind:       kinds[rng.IntN(len(kinds))],
			problem:    sentence(2 + rng.IntN(5)),
			indicators: sentence(1 + rng.IntN(3)),
			fields:     []string{codes[rng.IntN(len(codes))]},
			modes:      []string{modes[rng.IntN(len(modes))], modes[rng.IntN(len(modes))]},
			budget:     fmt.Sprint(5 + rng.IntN(500)),
			negotiable: rng.IntN(5) == 0,
			vis:        []forms.Visibility{forms.VisibilityNamed, forms.VisibilityAnonymous}[rng.IntN(2)],
			alias:      "某" + subjects[rng.IntN(len(subjects))] + "企业",
			confirm:    rng.IntN(3) > 0,
			region:     regions[rng.IntN(len(regions))],
			entName:    fmt.Sprintf("苏州市第%d精密制造有限公司", i),
			credit:     "91320583MA1W2X3Y4Q",
			contact:    [3]string{"张伟", "13800001111", "zw@example.com"},
		}
		if s.confirm && rng.IntN(2) == 0 {
			s.url = fmt.Sprintf("https://kjt.example.gov.cn/xq/detail?id=2025%06d", i)
		}
		items[i] = makeItem(tb, s)
	}
	return items
}

// needTool returns the path of a poppler tool, failing the test when it is
// missing: the tests prove the PDF by rasterising it and must not pass
// silently on a machine that cannot.
func needTool(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		tb.Fatalf("%s not found: it comes with poppler-utils; run `make deps` (or apt-get install poppler-utils)", name)
	}
	return p
}

// renderPDF renders items and returns the PDF and the report.
func renderPDF(tb testing.TB, items []Item, opt Options) ([]byte, Report) {
	tb.Helper()
	var buf bytes.Buffer
	rep, err := Render(context.Background(), &buf, items, opt)
	if err != nil {
		tb.Fatalf("Render: %v", err)
	}
	if rep.Bytes != int64(buf.Len()) {
		tb.Errorf("report says %d bytes, wrote %d", rep.Bytes, buf.Len())
	}
	return buf.Bytes(), rep
}

// rasterise turns each page of a PDF into a grey image with pdftoppm.
func rasterise(tb testing.TB, pdf []byte, dpi int) []image.Image {
	tb.Helper()
	tool := needTool(tb, "pdftoppm")
	dir := tb.TempDir()
	in := filepath.Join(dir, "cards.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(tool, "-r", fmt.Sprint(dpi), "-png", in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	var pages []image.Image
	for _, f := range files {
		pages = append(pages, toGray(readPNG(tb, f)))
	}
	if len(pages) == 0 {
		tb.Fatalf("pdftoppm wrote no page (%s)", out)
	}
	return pages
}

// toGray converts an image to grey (pdftoppm's -gray is ignored with -png).
func toGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	b := img.Bounds()
	g := image.NewGray(b)
	if rgba, ok := img.(*image.RGBA); ok {
		for y := 0; y < b.Dy(); y++ {
			src, dst := rgba.Pix[y*rgba.Stride:], g.Pix[y*g.Stride:]
			for x := 0; x < b.Dx(); x++ {
				r, gr, bl := int(src[4*x]), int(src[4*x+1]), int(src[4*x+2])
				dst[x] = uint8((299*r + 587*gr + 114*bl) / 1000)
			}
		}
		return g
	}
	draw.Draw(g, b, img, b.Min, draw.Src)
	return g
}

func readPNG(tb testing.TB, path string) image.Image {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return img
}

// pdfText extracts a PDF's text with pdftotext.
func pdfText(tb testing.TB, pdf []byte) string {
	tb.Helper()
	tool := needTool(tb, "pdftotext")
	in := filepath.Join(tb.TempDir(), "cards.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// An anonymous need whose text names its enterprise gets no card: a card
// would give the enterprise away (forms.NamesEnterprise); the skip says
// where.
func TestNoCardForAnAnonymousNeedThatNamesItsEnterprise(t *testing.T) {
	it := makeItem(t, needSpec{id: "n-named-in-text", title: "伺服编码器国产化", kind: "00", fields: []string{"80"},
		problem: "本公司（昆仑精密机械）的进口编码器价格高。", vis: forms.VisibilityAnonymous, alias: "苏州市某装备制造企业",
		region: "320583", entName: "苏州昆仑精密机械有限公司", credit: "914403001922038216"})
	_, skip := contentOf(it, &Options{})
	if skip == nil || skip.Code != SkipNamesEnterprise || !strings.Contains(skip.Reason, "主要问题") {
		t.Fatalf("skip %+v", skip)
	}
	it.Need.Values.Set("problem", "本公司的进口编码器价格高。")
	if _, skip := contentOf(it, &Options{}); skip != nil {
		t.Errorf("after rewording: skip %+v", skip)
	}
}
