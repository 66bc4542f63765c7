package xlsx

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
	benchfloor "github.com/xunbang/xunbang/internal/floor"
)

const benchNeeds = 50_000

var (
	benchOnce  sync.Once
	benchRecs  *memRecords
	benchFile  string // the platform sheet of benchRecs, on disk
	benchDir   string
	benchSetup error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchFixture builds, once per test binary, 50,000 confirmed needs of
// 16,667 enterprises (70 % 实名公开, 30 % 匿名公开) with realistic text, and
// their platform sheet written to a file.
func benchFixture(b *testing.B) {
	b.Helper()
	benchOnce.Do(func() {
		cat := forms.Default()
		m := &memRecords{}
		towns := []string{"320583100", "320583102", "320583103", "320583104", "320583105", "320506"}
		fields := []string{"0101", "0202", "0401", "0603", "0804", "0502"}
		for i := range (benchNeeds + 2) / 3 {
			e := &forms.Enterprise{ID: forms.NewID(), Values: forms.Values{
				"enterprise_name": {fmt.Sprintf("昆山第%05d号精密制造科技有限公司", i)},
				"credit_code":     {creditCode(b, fmt.Sprintf("91320583%08d", i))},
				"region":          {towns[i%len(towns)]},
				"park":            {"昆山高新技术产业开发区"},
				"scale":           {"3"},
				"above_scale":     {"true"},
				"qualifications":  {"hnte", "srdi"},
				"industry":        {"C"},
				"address":         {"昆山市玉山镇某路 88 号"},
				"rd_spend_wan":    {"320"},
			}, Contacts: []forms.Contact{{ID: forms.NewID(), Values: forms.Values{
				"contact_name": {"王晓明"}, "contact_position": {"技术总监"}, "contact_mobile": {fmt.Sprintf("138%08d", i)},
				"contact_email": {"wang@example.com"},
			}}}}
			m.ents = append(m.ents, e)
		}
		for i := range benchNeeds {
			e := m.ents[i/3]
			vis := forms.VisibilityNamed
			if i%10 >= 7 {
				vis = forms.VisibilityAnonymous
			}
			n := &forms.Need{ID: forms.NewID(), EnterpriseID: e.ID, ContactID: e.Contacts[0].ID, Status: forms.StatusToConfirm, Values: forms.Values{
				"title":              {fmt.Sprintf("第%05d项：高精度数控机床主轴热变形补偿技术", i)},
				"need_type":          {"02"},
				"key_core":           {"false"},
				"tier":               {"1"},
				"tech_fields":        {fields[i%len(fields)], "101"},
				"industry_tags":      {"2"},
				"keywords":           {"热变形", "数控", "补偿"},
				"problem":            {"主轴连续运行两小时后热伸长达 20 微米，导致批量零件尺寸超差，现有冷却方案无法解决，需要建立温度场模型并实时补偿。"},
				"key_technology":     {"主轴温度场建模；多点温度传感器布置；数控系统实时补偿接口。"},
				"indicators":         {"热误差补偿后定位精度优于 3 微米；补偿响应时间小于 1 秒。"},
				"expected_goal":      {"形成可推广的补偿模块，在三条产线应用。"},
				"current_basis":      {"已投入 300 万元，研发团队 12 人。"},
				"trl_now":            {"4"},
				"trl_target":         {"7"},
				"cooperation_modes":  {"02", "01"},
				"budget_wan":         {"200"},
				"timeframe":          {"2025-12"},
				"visibility":         {string(vis)},
				"confidential_notes": {"竞争对手正在做同类产品。"},
			}}
			if vis == forms.VisibilityAnonymous {
				n.Values.Set("public_alias", "苏州市某装备制造企业")
			}
			if err := cat.Confirm(n, e, forms.Confirmation{At: fixedNow()}); err != nil {
				benchSetup = err
				return
			}
			m.needs = append(m.needs, n)
		}
		benchRecs = m

		benchDir, benchSetup = os.MkdirTemp("", "xlsx-bench-")
		if benchSetup != nil {
			return
		}
		benchFile = filepath.Join(benchDir, "platform-50k.xlsx")
		fh, err := os.Create(benchFile)
		if err != nil {
			benchSetup = err
			return
		}
		defer fh.Close()
		if _, err := WritePlatform(context.Background(), fh, m, PlatformOptions{Now: fixedNow}); err != nil {
			benchSetup = err
		}
	})
	if benchSetup != nil {
		b.Fatal(benchSetup)
	}
}

// platformCells returns the cells of the platform sheet of benchRecs,
// header first, exactly as WritePlatform makes them with the default
// profile.
func platformCells() [][]any {
	cat := forms.Default()
	prof, _ := ProfileByID("")
	header := make([]any, len(prof.Columns))
	for i, h := range PlatformHeaders(prof) {
		header[i] = h
	}
	rows := [][]any{header}
	ents := map[string]*forms.Enterprise{}
	for _, e := range benchRecs.ents {
		ents[e.ID] = e
	}
	rb := newRowBuilder(cat, prof, PlatformOptions{}, platformStyle{})
	for _, n := range benchRecs.needs {
		var row []any
		for _, c := range rb.row(n, ents[n.EnterpriseID]) {
			if c.Value == nil {
				row = append(row, nil)
			} else {
				row = append(row, c)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// runMeasured times fn b.N times, then runs it once more outside the timer
// to report its peak live heap ("peak-live-MB", what it holds at most on
// top of the fixture).
func runMeasured(b *testing.B, fn func() error) {
	b.ReportAllocs()
	cpu0 := benchfloor.CPUTime()
	b.ResetTimer()
	for range b.N {
		if err := fn(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// CPU time (all threads, the collector's included) says how much work
	// was done, which a machine shared with other jobs blurs less than the
	// wall clock does.
	b.ReportMetric((benchfloor.CPUTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	var err error
	peak := benchfloor.PeakLive(func() { err = fn() })
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(peak, "peak-live-MB")
}

func BenchmarkExportPlatform50k(b *testing.B) {
	benchFixture(b)
	runMeasured(b, func() error {
		st, err := WritePlatform(context.Background(), io.Discard, benchRecs, PlatformOptions{Now: fixedNow})
		if err == nil && st.Needs != benchNeeds {
			err = fmt.Errorf("wrote %d needs", st.Needs)
		}
		return err
	})
}

// BenchmarkStreamWriterBaseline50k writes the same cells as
// BenchmarkExportPlatform50k straight with a StreamWriter.
func BenchmarkStreamWriterBaseline50k(b *testing.B) {
	benchFixture(b)
	// Built here and dropped after, so that the other benchmarks do not
	// carry it in their heap.
	benchRows := platformCells()
	defer func() { benchRows = nil }()
	runMeasured(b, func() error {
		f := excelize.NewFile()
		defer f.Close()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return err
		}
		for i, row := range benchRows {
			if err := sw.SetRow(cellName(1, i+1), row); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		return f.Write(io.Discard)
	})
}

func BenchmarkImport50k(b *testing.B) {
	benchFixture(b)
	runMeasured(b, func() error {
		batch, err := ReadFile(context.Background(), benchFile, Options{HomeRegion: kunshan})
		if err == nil && (len(batch.Needs) != benchNeeds || batch.HasErrors()) {
			err = fmt.Errorf("read %d needs, errors %v", len(batch.Needs), batch.Errors()[:min(3, len(batch.Errors()))])
		}
		return err
	})
}

// BenchmarkRowsBaseline50k reads the same file as BenchmarkImport50k with
// excelize's Rows() alone.
func BenchmarkRowsBaseline50k(b *testing.B) {
	benchFixture(b)
	runMeasured(b, func() error {
		f, err := excelize.OpenFile(benchFile)
		if err != nil {
			return err
		}
		defer f.Close()
		prof, _ := ProfileByID("")
		rows, err := f.Rows(prof.Sheet)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(); err != nil {
				return err
			}
			n++
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if n != benchNeeds+1 {
			return fmt.Errorf("read %d rows", n)
		}
		return nil
	})
}
