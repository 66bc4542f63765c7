package jobs

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/xlsx"
	"github.com/xunbang/xunbang/internal/batchmem"
	benchfloor "github.com/xunbang/xunbang/internal/floor"
	"github.com/xunbang/xunbang/store"
)

// The whole commands `xunbang export --format platform` and `xunbang import`
// of that workbook (issue 17), each beside its floor measured in the same
// run:
//
//   - export: open the store, read it, write the upload workbook to a file
//     (Export, which the window and the command line both call); its floor
//     is a bare excelize StreamWriter program writing the same cells
//     (the upload sheet's, read back from the file the export wrote) to a
//     file;
//   - import: open a new store, read the workbook, check it in a dry run
//     and import it (PreviewImport + ApplyImport, as `xunbang import`);
//     its floor is a bare excelize Rows() reader reading the same file.
//
// Sizes are the needs the workbook holds (10k, 50k, 200k); the store
// exported holds a quarter more that the upload sheet leaves out (an eighth
// 不公开, an eighth not confirmed), and an enterprise for every three needs.
// The store is encrypted (a raw data key: the keyring's path, without the
// passphrase's Argon2). Each benchmark reports cpu-s/op (CPU time of the
// process, the collector's included: the machine is shared), the floor's
// floor-cpu-s/op, x-floor (the ratio of the two) and peak-live-MB (the live
// heap at most, above what the benchmark held before, during one more run;
// the floor's as floor-peak-live-MB).

var benchSizes = []int{10_000, 50_000, 200_000}

// benchKey is the data key of the benchmarks' stores.
var benchKey = []byte("xunbang-bench-data-key-32-bytes!")

func benchOpts() store.Options {
	return store.Options{Key: store.KeySource{Raw: benchKey}, Now: fixedNow}
}

// benchFixture is a stored data dir and the upload workbook exported from
// it, built once per size and test binary.
type benchFixture struct {
	once  sync.Once
	err   error
	dir   string // the data dir
	sheet string // its upload workbook
	cells string // the upload sheet's cells, flat (see writeCells)
}

var (
	benchMu       sync.Mutex
	benchFixtures = map[int]*benchFixture{}
	benchRoot     string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchRoot != "" {
		os.RemoveAll(benchRoot)
	}
	os.Exit(code)
}

func fixture(b *testing.B, size int) *benchFixture {
	b.Helper()
	benchMu.Lock()
	fx := benchFixtures[size]
	if fx == nil {
		fx = &benchFixture{}
		benchFixtures[size] = fx
	}
	if benchRoot == "" {
		var err error
		if benchRoot, err = os.MkdirTemp("", "jobs-bench-"); err != nil {
			benchMu.Unlock()
			b.Fatal(err)
		}
	}
	root := benchRoot
	benchMu.Unlock()
	fx.once.Do(func() { fx.err = fx.build(filepath.Join(root, strconv.Itoa(size)), size) })
	if fx.err != nil {
		b.Fatal(fx.err)
	}
	return fx
}

// lazy is opts as the commands open the store (cli's openLazy).
func lazy(opts store.Options) store.Options {
	opts.Lazy = true
	return opts
}

// build stores size exported needs and size/4 others, exports the upload
// workbook and flattens its cells.
func (fx *benchFixture) build(root string, size int) error {
	ctx := context.Background()
	fx.dir, fx.sheet, fx.cells = filepath.Join(root, "data"), filepath.Join(root, "upload.xlsx"), filepath.Join(root, "cells.bin")
	st, err := store.Open(ctx, fx.dir, benchOpts())
	if err != nil {
		return err
	}
	defer st.Close()
	set, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	set.HomeRegion, set.User, set.Team = "320583", "李科技", "昆山科技镇长团"
	if err := st.SaveSettings(ctx, set); err != nil {
		return err
	}
	total := size + size/4
	const batch = 3000 // needs per Import: a multiple of 3
	for from := 0; from < total; from += batch {
		ents, needs, err := benchRecords(from, min(total, from+batch))
		if err != nil {
			return err
		}
		if _, err := st.Import(ctx, ents, needs, store.ImportOptions{Exact: true}); err != nil {
			return err
		}
	}
	res, err := Export(ctx, st, ExportRequest{Format: FormatPlatform, Path: fx.sheet, Now: fixedNow})
	if err != nil {
		return err
	}
	if res.Needs != size {
		return fmt.Errorf("fixture: exported %d needs, want %d", res.Needs, size)
	}
	return writeCells(fx.sheet, fx.cells)
}

// benchRecords makes the needs from..to (and an enterprise for every three
// of them) with realistic text: of every ten needs five are 实名公开 and
// three 匿名公开, confirmed (exported), one is 不公开 and one unconfirmed.
func benchRecords(from, to int) ([]*forms.Enterprise, []*forms.Need, error) {
	cat := forms.Default()
	towns := []string{"320583100", "320583102", "320583103", "320583104", "320583105", "320506"}
	fields := []string{"0101", "0202", "0401", "0603", "0804", "0502"}
	var ents []*forms.Enterprise
	var needs []*forms.Need
	var e *forms.Enterprise
	for i := from; i < to; i++ {
		if e == nil || i%3 == 0 {
			k := i / 3
			code, err := benchCreditCode(fmt.Sprintf("91320583%08d", k))
			if err != nil {
				return nil, nil, err
			}
			e = &forms.Enterprise{ID: forms.NewID(), Rev: forms.NewID(), CreatedAt: fixedNow(), UpdatedAt: fixedNow(), Values: forms.Values{
				"enterprise_name": {fmt.Sprintf("昆山第%06d号精密制造科技有限公司", k)},
				"credit_code":     {code},
				"region":          {towns[k%len(towns)]},
				"park":            {"昆山高新技术产业开发区"},
				"scale":           {"3"},
				"above_scale":     {"true"},
				"qualifications":  {"hnte", "srdi"},
				"industry":        {"C"},
				"address":         {"昆山市玉山镇某路 88 号"},
				"rd_spend_wan":    {"320"},
			}, Contacts: []forms.Contact{{ID: forms.NewID(), Values: forms.Values{
				"contact_name": {"王晓明"}, "contact_position": {"技术总监"}, "contact_mobile": {fmt.Sprintf("138%08d", k)},
				"contact_email": {"wang@example.com"},
			}}}}
			ents = append(ents, e)
		}
		// Of every ten needs: 0–4 实名公开, 5–7 匿名公开, 8 不公开, 9
		// unconfirmed.
		kind := i % 10
		vis := forms.VisibilityNamed
		switch {
		case kind >= 5 && kind <= 7:
			vis = forms.VisibilityAnonymous
		case kind == 8:
			vis = forms.VisibilityPrivate
		}
		n := &forms.Need{ID: forms.NewID(), Rev: forms.NewID(), EnterpriseID: e.ID, ContactID: e.Contacts[0].ID, Status: forms.StatusToConfirm,
			CreatedAt: fixedNow(), UpdatedAt: fixedNow(), Values: forms.Values{
				"title":              {fmt.Sprintf("第%06d项：高精度数控机床主轴热变形补偿技术", i)},
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
				"tech_manager":       {"李科技"},
				"confidential_notes": {"竞争对手正在做同类产品。"},
			}}
		if vis == forms.VisibilityAnonymous {
			n.Values.Set("public_alias", "苏州市某装备制造企业")
		}
		if kind != 9 {
			if err := cat.Confirm(n, e, forms.Confirmation{At: fixedNow()}); err != nil {
				return nil, nil, err
			}
		}
		needs = append(needs, n)
	}
	return ents, needs, nil
}

// benchCreditCode completes 16 characters into a credit code that checks.
func benchCreditCode(first16 string) (string, error) {
	code := first16 + "00"
	for range 3 {
		r := forms.CheckCreditCode(code)
		switch r.Level {
		case forms.CreditCodeOK:
			return code, nil
		case forms.CreditCodeInner:
			code = code[:16] + string(r.WantInner) + code[17:]
		case forms.CreditCodeCheckChar:
			code = code[:17] + string(r.Want)
		default:
			return "", fmt.Errorf("credit code %q: level %v", first16, r.Level)
		}
	}
	return code, nil
}

// Cell kinds in the flat cells file.
const (
	cellText   = 't'
	cellWrap   = 'w' // text that wraps (long texts, composed columns)
	cellNumber = 'n'
	cellNone   = '-'
	rowEnd     = '\n'
)

// writeCells reads the upload sheet of the workbook at src once and writes
// its cells to dst, flat: per cell a kind byte and, but for cellNone, a
// uvarint length and the bytes; rowEnd after each row. The floor reads
// them from a memory map, so that they take no room on the heap while the
// benchmarks run beside it. A cell's kind follows the profile's column, as
// the export styles it.
func writeCells(src, dst string) error {
	prof, _ := xlsx.ProfileByID(xlsx.DefaultProfile)
	cat := forms.Default()
	kinds := make([]byte, len(prof.Columns))
	for i, c := range prof.Columns {
		kinds[i] = cellText
		switch {
		case len(c.Compose) > 0:
			kinds[i] = cellWrap
		case c.Field != "":
			switch f := cat.MustField(c.Field); f.Kind {
			case forms.KindLongText:
				kinds[i] = cellWrap
			case forms.KindMoney, forms.KindNumber:
				kinds[i] = cellNumber
			}
		}
	}
	f, err := excelize.OpenFile(src)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := f.Rows(prof.Sheet)
	if err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer out.Close()
	w := bufio.NewWriter(out)
	var lenBuf [binary.MaxVarintLen64]byte
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		for i, v := range cols {
			k := byte(cellText)
			if i < len(kinds) {
				k = kinds[i]
			}
			if k == cellNumber {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					k = cellText
				}
			}
			if v == "" {
				k = cellNone
			}
			w.WriteByte(k)
			if k != cellNone {
				w.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(len(v)))])
				w.WriteString(v)
			}
		}
		w.WriteByte(rowEnd)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return out.Close()
}

// floorExport writes the cells of the flat file at cells (memory-mapped)
// with a bare excelize StreamWriter into a workbook at path: the upload
// sheet's header in bold, each cell with the style the export gives its
// kind (text as text "@", wrapped text, numbers).
func floorExport(cells, path string) (rows int, err error) {
	data, unmap, err := mapFile(cells)
	if err != nil {
		return 0, err
	}
	defer unmap()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return 0, err
	}
	font := &excelize.Font{Family: "宋体", Size: 10}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11, Bold: true}})
	text, _ := f.NewStyle(&excelize.Style{Font: font, NumFmt: 49})
	wrap, _ := f.NewStyle(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	num, _ := f.NewStyle(&excelize.Style{Font: font})
	var row []any
	for p := 0; p < len(data); {
		row = row[:0]
		for data[p] != rowEnd {
			k := data[p]
			p++
			if k == cellNone {
				row = append(row, nil)
				continue
			}
			l, n := binary.Uvarint(data[p:])
			p += n
			s := unsafe.String(&data[p], int(l))
			p += int(l)
			switch {
			case rows == 0:
				row = append(row, excelize.Cell{StyleID: head, Value: s})
			case k == cellNumber:
				x, _ := strconv.ParseFloat(s, 64)
				row = append(row, excelize.Cell{StyleID: num, Value: x})
			case k == cellWrap:
				row = append(row, excelize.Cell{StyleID: wrap, Value: s})
			default:
				row = append(row, excelize.Cell{StyleID: text, Value: s})
			}
		}
		p++
		rows++
		cell, _ := excelize.CoordinatesToCellName(1, rows)
		if err := sw.SetRow(cell, row); err != nil {
			return rows, err
		}
	}
	if err := sw.Flush(); err != nil {
		return rows, err
	}
	return rows, f.SaveAs(path)
}

// mapFile maps a file read-only into memory.
func mapFile(path string) ([]byte, func(), error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, nil, err
	}
	data, err := syscall.Mmap(int(fh.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return data, func() { _ = syscall.Munmap(data) }, nil
}

// floorImport reads the upload sheet of the workbook at path with
// excelize's Rows() alone.
func floorImport(path string) (int, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	prof, _ := xlsx.ProfileByID(xlsx.DefaultProfile)
	rows, err := f.Rows(prof.Sheet)
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		if _, err := rows.Columns(); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Close()
}

// exportCommand is `xunbang export --format platform -o path` on the data
// dir: the collector set as the command sets it (batchmem), open the store
// (lazily, as the command does), export, close; then its garbage is
// collected on its own time, not the floor's (the command would exit).
func exportCommand(dir, path string) (ExportResult, error) {
	defer runtime.GC()
	defer batchmem.Set()()
	ctx := context.Background()
	st, err := store.Open(ctx, dir, lazy(benchOpts()))
	if err != nil {
		return ExportResult{}, err
	}
	defer st.Close()
	return Export(ctx, st, ExportRequest{Format: FormatPlatform, Path: path, Now: fixedNow})
}

// importCommand is `xunbang import path` into a new data dir: the
// collector set as the command sets it (batchmem), open the store, preview
// (read and dry run), import, close; then its garbage is collected on its
// own time.
func importCommand(dir, path string) (store.ImportReport, error) {
	defer runtime.GC()
	defer batchmem.Set()()
	ctx := context.Background()
	st, err := store.Open(ctx, dir, lazy(benchOpts()))
	if err != nil {
		return store.ImportReport{}, err
	}
	defer st.Close()
	p, err := PreviewImport(ctx, st, ImportRequest{Path: path})
	if err != nil {
		return store.ImportReport{}, err
	}
	if p.HasErrors() {
		return store.ImportReport{}, fmt.Errorf("the workbook has errors: %v", p.Messages("en")[:min(3, len(p.Problems))])
	}
	return ApplyImport(ctx, st, p, false)
}

// versusFloor runs cmd and floor b.N times each, interleaved, and reports
// their CPU times, the ratio and the peak live heap of one more run of
// each.
func versusFloor(b *testing.B, cmd, floor func() error) {
	var cmdCPU, floorCPU time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		c0 := benchfloor.CPUTime()
		if err := cmd(); err != nil {
			b.Fatal(err)
		}
		c1 := benchfloor.CPUTime()
		b.StopTimer()
		if err := floor(); err != nil {
			b.Fatal(err)
		}
		floorCPU += benchfloor.CPUTime() - c1
		b.StartTimer()
		cmdCPU += c1 - c0
	}
	b.StopTimer()
	b.ReportMetric(cmdCPU.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(floorCPU.Seconds()/float64(b.N), "floor-cpu-s/op")
	b.ReportMetric(cmdCPU.Seconds()/floorCPU.Seconds(), "x-floor")
	var err error
	b.ReportMetric(benchfloor.PeakLive(func() { err = cmd() }), "peak-live-MB")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(benchfloor.PeakLive(func() { err = floor() }), "floor-peak-live-MB")
	if err != nil {
		b.Fatal(err)
	}
}

func BenchmarkExportPlatformCommand(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			fx := fixture(b, size)
			out := filepath.Join(b.TempDir(), "out.xlsx")
			floorOut := filepath.Join(b.TempDir(), "floor.xlsx")
			versusFloor(b, func() error {
				res, err := exportCommand(fx.dir, out)
				if err == nil && res.Needs != size {
					err = fmt.Errorf("exported %d needs, want %d", res.Needs, size)
				}
				return err
			}, func() error {
				n, err := floorExport(fx.cells, floorOut)
				if err == nil && n != size+1 {
					err = fmt.Errorf("floor wrote %d rows, want %d", n, size+1)
				}
				return err
			})
		})
	}
}

func BenchmarkImportPlatformCommand(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			fx := fixture(b, size)
			tmp := b.TempDir()
			i := 0
			versusFloor(b, func() error {
				i++
				dir := filepath.Join(tmp, strconv.Itoa(i))
				defer os.RemoveAll(dir)
				rep, err := importCommand(dir, fx.sheet)
				if err != nil {
					return err
				}
				if needs := rep.Kinds[store.KindNeed].Created; needs != size {
					return fmt.Errorf("created %d needs, want %d", needs, size)
				}
				return nil
			}, readSheetFloor(fx.sheet, size))
		})
	}
}

// BenchmarkReimportPlatformCommand imports the upload workbook back into
// the store it was exported from, as a team does with a sheet that comes
// back from the platform or another official: every need is found, none
// is created again. The store is the fixture's own; the import changes
// nothing in it, so the other benchmarks see the same data.
func BenchmarkReimportPlatformCommand(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			fx := fixture(b, size)
			versusFloor(b, func() error {
				rep, err := importCommand(fx.dir, fx.sheet)
				if err != nil {
					return err
				}
				needs := rep.Kinds[store.KindNeed]
				if needs.Created != 0 || rep.Kinds[store.KindEnterprise].Created != 0 {
					return fmt.Errorf("created %d needs and %d enterprises again", needs.Created, rep.Kinds[store.KindEnterprise].Created)
				}
				if found := needs.Updated + needs.Skipped; found != size {
					return fmt.Errorf("found %d needs, want %d", found, size)
				}
				return nil
			}, readSheetFloor(fx.sheet, size))
		})
	}
}

// readSheetFloor is the import benchmarks' floor: a bare reader of the
// sheet's rows (a header and size needs).
func readSheetFloor(sheet string, size int) func() error {
	return func() error {
		n, err := floorImport(sheet)
		if err == nil && n != size+1 {
			err = fmt.Errorf("floor read %d rows, want %d", n, size+1)
		}
		return err
	}
}

func sizeName(n int) string { return strconv.Itoa(n/1000) + "k" }

// BenchmarkImportJSONLCommand is `xunbang import` of the fixture's JSON
// Lines export (`export --format json`: every enterprise and need) into a
// new data dir, against a bare reader of the same file that decodes each
// line with encoding/json. The file is read again for each pass of the
// import, not held (jsonlSource).
func BenchmarkImportJSONLCommand(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			fx := fixture(b, size)
			tmp := b.TempDir()
			file := filepath.Join(tmp, "all.jsonl")
			if _, err := exportJSONL(fx.dir, file); err != nil {
				b.Fatal(err)
			}
			i := 0
			versusFloor(b, func() error {
				i++
				dir := filepath.Join(tmp, strconv.Itoa(i))
				defer os.RemoveAll(dir)
				rep, err := importCommand(dir, file)
				if err != nil {
					return err
				}
				if needs := rep.Kinds[store.KindNeed].Created; needs < size {
					return fmt.Errorf("created %d needs, want at least %d", needs, size)
				}
				return nil
			}, func() error {
				n, err := floorJSONL(file)
				if err == nil && n < size {
					err = fmt.Errorf("floor read %d lines, want at least %d", n, size)
				}
				return err
			})
		})
	}
}

// exportJSONL writes every record of the data dir as JSON Lines.
func exportJSONL(dir, path string) (ExportResult, error) {
	ctx := context.Background()
	st, err := store.Open(ctx, dir, lazy(benchOpts()))
	if err != nil {
		return ExportResult{}, err
	}
	defer st.Close()
	return Export(ctx, st, ExportRequest{Format: FormatJSON, Path: path, Now: fixedNow})
}

// floorJSONL is the JSON Lines import's floor: every line of the file
// decoded by encoding/json, into a map as a bare program would.
func floorJSONL(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	n := 0
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return n, err
		}
		n++
	}
	return n, sc.Err()
}
