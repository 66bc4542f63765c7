package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rezip copies a workbook package, replacing the parts named in repl. A
// replacement writes the part's content to w; a nil one drops the part; one
// for a part the package lacks adds it, after the others.
func rezip(t testing.TB, data []byte, repl map[string]func(w io.Writer)) []byte {
	return rezipMethod(t, data, repl, zip.Deflate)
}

// rezipStored is rezip with the replaced parts stored uncompressed: the big
// hostile parts cost no compression time (which matters under -race).
func rezipStored(t testing.TB, data []byte, repl map[string]func(w io.Writer)) []byte {
	return rezipMethod(t, data, repl, zip.Store)
}

func rezipMethod(t testing.TB, data []byte, repl map[string]func(w io.Writer), method uint16) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	for _, zf := range zr.File {
		fn, replaced := repl[zf.Name]
		if replaced && fn == nil {
			continue
		}
		hdr := &zip.FileHeader{Name: zf.Name, Method: zip.Deflate}
		if replaced {
			hdr.Method = method
		}
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			t.Fatal(err)
		}
		if replaced {
			fn(w)
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	for _, name := range slices.Sorted(maps.Keys(repl)) {
		if fn := repl[name]; fn != nil && !slices.ContainsFunc(zr.File, func(zf *zip.File) bool { return zf.Name == name }) {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
			if err != nil {
				t.Fatal(err)
			}
			fn(w)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// baseBook is a small valid workbook whose sheet1.xml the hostile tests
// replace.
func baseBook(t testing.TB) []byte {
	b := newBook(t, "Sheet1")
	b.row("Sheet1", 1, "企业名称", "需求名称", "主要问题")
	b.row("Sheet1", 2, "测试企业有限公司", "一项测试需求名称", "这是一段足够长的问题描述文字。")
	return b.bytes()
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c><c r="B1" t="inlineStr"><is><t>需求名称</t></is></c><c r="C1" t="inlineStr"><is><t>主要问题</t></is></c></row>`

const sheetTail = `</sheetData></worksheet>`

func dataRow(r int, title string) string {
	return fmt.Sprintf(`<row r="%d"><c r="A%d" t="inlineStr"><is><t>测试企业有限公司</t></is></c><c r="B%d" t="inlineStr"><is><t>%s</t></is></c></row>`, r, r, r, title)
}

func fileErrOf(t *testing.T, err error, kind error) *FileError {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, kind) {
		t.Fatalf("want a *FileError of kind %v, got %v", kind, err)
	}
	if fe.Message("zh") == "" || fe.Message("en") == "" {
		t.Fatalf("FileError without a message: %#v", fe)
	}
	return fe
}

func TestHostileNotAWorkbook(t *testing.T) {
	valid := baseBook(t)
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	w, _ := zw.Create("word/document.xml")
	io.WriteString(w, "<document/>")
	zw.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.IntN(256))
	}
	tests := []struct {
		name string
		data []byte
		kind error
		says string
	}{
		{"empty", nil, ErrNotWorkbook, "空"},
		{"garbage", garbage, ErrNotWorkbook, "不是 Excel 工作簿"},
		{"csv", []byte("企业名称,需求名称\n甲,乙\n"), ErrNotWorkbook, "另存为 .xlsx"},
		{"old xls", append(append([]byte{}, oleMagic...), make([]byte, 512)...), ErrNotWorkbook, ".xls"},
		{"a word document", docx.Bytes(), ErrNotWorkbook, "没有 Excel 工作簿"},
		{"truncated", valid[:len(valid)/2], ErrNotWorkbook, "不是 Excel 工作簿"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readBytes(t, tt.data, Options{})
			fe := fileErrOf(t, err, tt.kind)
			if !strings.Contains(fe.ZH, tt.says) {
				t.Errorf("message %q does not say %q", fe.ZH, tt.says)
			}
		})
	}
}

// A truncated file whose central directory survives (the end cut from a
// part's data) is damaged rather than not a workbook.
func TestHostileCorruptPart(t *testing.T) {
	data := rezip(t, baseBook(t), map[string]func(io.Writer){
		"xl/worksheets/sheet1.xml": func(w io.Writer) { io.WriteString(w, sheetHead+dataRow(2, "一项测试需求名称")+sheetTail) },
	})
	// Flip bytes inside the compressed sheet so its CRC fails.
	i := bytes.Index(data, []byte("xl/worksheets/sheet1.xml")) + len("xl/worksheets/sheet1.xml") + 10
	for j := i; j < i+20 && j < len(data); j++ {
		data[j] ^= 0x5a
	}
	_, err := readBytes(t, data, Options{})
	fileErrOf(t, err, ErrDamaged)
}

// deflateRepeat builds a raw deflate stream of n copies of chunk cheaply:
// one chunk compressed with a sync flush is byte-aligned and can be
// repeated, since every back-reference in it points at identical text.
func deflateRepeat(t testing.TB, prefix, chunk, suffix string, n int, withCRC bool) (raw []byte, size uint64, crc uint32) {
	t.Helper()
	var one, head, tail bytes.Buffer
	fw, _ := flate.NewWriter(&head, flate.BestCompression)
	fw.Write([]byte(prefix))
	fw.Flush()
	fw2, _ := flate.NewWriter(&one, flate.BestCompression)
	fw2.Write([]byte(chunk))
	fw2.Flush()
	fw3, _ := flate.NewWriter(&tail, flate.BestCompression)
	fw3.Write([]byte(suffix))
	fw3.Close()
	raw = append(raw, head.Bytes()...)
	for range n {
		raw = append(raw, one.Bytes()...)
	}
	raw = append(raw, tail.Bytes()...)
	size = uint64(len(prefix)) + uint64(len(chunk))*uint64(n) + uint64(len(suffix))
	if !withCRC {
		return raw, size, 0
	}
	h := crc32.NewIEEE()
	h.Write([]byte(prefix))
	c := []byte(chunk)
	for range n {
		h.Write(c)
	}
	h.Write([]byte(suffix))
	return raw, size, h.Sum32()
}

// bombBook replaces sheet1.xml with a raw deflate stream, declaring size.
func bombBook(t testing.TB, raw []byte, size uint64, crc uint32) []byte {
	t.Helper()
	data := baseBook(t)
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, CRC32: crc,
				CompressedSize64: uint64(len(raw)), UncompressedSize64: size})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(raw)
			continue
		}
		w, _ := zw.Create(zf.Name)
		rc, _ := zf.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	zw.Close()
	return buf.Bytes()
}

func heapAllocSince(before *runtime.MemStats) uint64 {
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHostileZipBomb(t *testing.T) {
	chunk := strings.Repeat(" ", 1<<20) // 1 MB of spaces inside the sheet
	t.Run("declares 4 GB", func(t *testing.T) {
		raw, size, crc := deflateRepeat(t, sheetHead, chunk, sheetTail, 4096, false)
		data := bombBook(t, raw, size, crc)
		if len(data) > 8<<20 {
			t.Fatalf("the bomb is %d bytes; it should be small", len(data))
		}
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := readBytes(t, data, Options{})
		fe := fileErrOf(t, err, ErrTooLarge)
		if !strings.Contains(fe.ZH, "压缩炸弹") {
			t.Errorf("message %q", fe.ZH)
		}
		if a := heapAllocSince(&before); a > 64<<20 {
			t.Errorf("refusing the bomb allocated %d MB", a>>20)
		}
	})
	t.Run("within the size limit but a thousandfold", func(t *testing.T) {
		raw, size, crc := deflateRepeat(t, sheetHead, chunk, sheetTail, 64, true)
		_, err := readBytes(t, bombBook(t, raw, size, crc), Options{})
		fe := fileErrOf(t, err, ErrTooLarge)
		if !strings.Contains(fe.ZH, "压缩比") {
			t.Errorf("message %q", fe.ZH)
		}
	})
	t.Run("header understates the size", func(t *testing.T) {
		raw, _, crc := deflateRepeat(t, sheetHead, chunk, sheetTail, 64, true)
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := readBytes(t, bombBook(t, raw, 1000, crc), Options{})
		var fe *FileError
		if !errors.As(err, &fe) || !(errors.Is(err, ErrDamaged) || errors.Is(err, ErrTooLarge)) {
			t.Fatalf("want damaged or too large, got %v", err)
		}
		if a := heapAllocSince(&before); a > 64<<20 {
			t.Errorf("refusing the bomb allocated %d MB", a>>20)
		}
	})
}

func TestHostileMillionEmptyRows(t *testing.T) {
	const n = 1_000_000
	data := rezipStored(t, baseBook(t), map[string]func(io.Writer){
		"xl/worksheets/sheet1.xml": func(w io.Writer) {
			b := []byte(sheetHead + dataRow(2, "第一项正常的需求") + dataRow(3, "第二项正常的需求"))
			for r := 4; r < 4+n; r++ {
				b = append(b, `<row r="`...)
				b = strconv.AppendInt(b, int64(r), 10)
				b = append(b, `"/>`...)
			}
			b = append(b, dataRow(4+n, "一百万行之后的需求")+sheetTail...)
			w.Write(b)
		},
	})
	b := mustRead(t, data, Options{})
	if len(b.Needs) != 2 {
		t.Fatalf("%d needs\n%s", len(b.Needs), dumpProblems(b))
	}
	var run *Problem
	for i, p := range b.Problems {
		if p.Code == "rows.empty_run" {
			run = &b.Problems[i]
		}
	}
	if run == nil || run.Error() || !strings.Contains(run.ZH, fmt.Sprint(4+n)) {
		t.Fatalf("want a warning that reading stopped, naming the sheet's last row\n%s", dumpProblems(b))
	}
}

func TestHostileHugeCell(t *testing.T) {
	// 10 MB of letters that do not compress much, so that the ratio check
	// lets the part through and the cell reaches the reader.
	rng := rand.New(rand.NewPCG(3, 4))
	block := make([]byte, 64<<10)
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for i := range block {
		block[i] = letters[rng.IntN(len(letters))]
	}
	big := bytes.Repeat(block, (10<<20)/len(block))
	data := rezipStored(t, baseBook(t), map[string]func(io.Writer){
		"xl/worksheets/sheet1.xml": func(w io.Writer) {
			io.WriteString(w, sheetHead+`<row r="2"><c r="A2" t="inlineStr"><is><t>测试企业有限公司</t></is></c>`+
				`<c r="B2" t="inlineStr"><is><t>一项测试需求名称</t></is></c><c r="C2" t="inlineStr"><is><t>`)
			w.Write(big)
			io.WriteString(w, `</t></is></c></row>`+dataRow(3, "第三行的正常需求")+sheetTail)
		},
	})
	b := mustRead(t, data, Options{})
	ps := problemsAt(b, "Sheet1", 2, "C")
	if len(ps) != 1 || ps[0].Code != "cell.too_long" || !ps[0].Error() || ps[0].Field != "problem" {
		t.Fatalf("want a too-long error at C2\n%s", dumpProblems(b))
	}
	if len(b.Needs) != 2 || b.Needs[0].Values.Has("problem") {
		t.Errorf("needs: %d; the long cell must not be kept", len(b.Needs))
	}
	if p := b.Partial(); len(p.Needs) != 1 {
		t.Errorf("partial keeps %d needs, want 1", len(p.Needs))
	}
}

func TestHostileBrokenXML(t *testing.T) {
	t.Run("truncated sheet", func(t *testing.T) {
		data := rezip(t, baseBook(t), map[string]func(io.Writer){
			"xl/worksheets/sheet1.xml": func(w io.Writer) {
				io.WriteString(w, sheetHead+dataRow(2, "第一项正常的需求")+dataRow(3, "第二项正常的需求")+`<row r="4"><c r="A4" t="inlineStr"><is><t>测试`)
			},
		})
		b := mustRead(t, data, Options{})
		if !b.HasErrors() {
			t.Fatalf("a truncated sheet must be an error\n%s", dumpProblems(b))
		}
		found := false
		for _, p := range b.Errors() {
			found = found || strings.HasPrefix(p.Code, "xml.")
		}
		if !found {
			t.Errorf("no xml problem\n%s", dumpProblems(b))
		}
	})
	t.Run("mismatched tags in the middle", func(t *testing.T) {
		data := rezip(t, baseBook(t), map[string]func(io.Writer){
			"xl/worksheets/sheet1.xml": func(w io.Writer) {
				io.WriteString(w, sheetHead+dataRow(2, "第一项正常的需求")+`<row r="3"><c r="A3"><v>1</c></row>`+
					dataRow(4, "损坏处之后的需求")+dataRow(5, "再后面的需求")+sheetTail)
			},
		})
		b := mustRead(t, data, Options{})
		var broken *Problem
		for i, p := range b.Problems {
			if p.Code == "xml.broken" {
				broken = &b.Problems[i]
			}
		}
		if broken == nil || !broken.Error() {
			t.Fatalf("want xml.broken\n%s", dumpProblems(b))
		}
	})
	t.Run("broken shared strings", func(t *testing.T) {
		b := newBook(t, "Sheet1")
		b.row("Sheet1", 1, "企业名称", "需求名称").row("Sheet1", 2, "测试企业有限公司", "一项测试需求名称")
		data := b.bytes()
		data = rezip(t, data, map[string]func(io.Writer){
			"xl/sharedStrings.xml": func(w io.Writer) { io.WriteString(w, `<sst><si><t>企业名称</t></si><si><t>需求`) },
		})
		_, err := readBytes(t, data, Options{})
		if err == nil {
			t.Fatal("broken shared strings read without error")
		}
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Fatalf("want a *FileError, got %v", err)
		}
	})
}

func TestHostileLimits(t *testing.T) {
	b := newBook(t, "Sheet1")
	b.row("Sheet1", 1, "企业名称", "需求名称")
	for r := 2; r < 20; r++ {
		b.row("Sheet1", r, "测试企业有限公司", fmt.Sprintf("第 %d 行的需求", r))
	}
	data := b.bytes()
	_, err := readBytes(t, data, Options{Limits: Limits{MaxRecords: 5}})
	fileErrOf(t, err, ErrTooLarge)
	_, err = readBytes(t, data, Options{Limits: Limits{MaxFileSize: 1000}})
	fileErrOf(t, err, ErrTooLarge)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, bytes.NewReader(data), int64(len(data)), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

// TestHostileMillionRows is issue 11.8: a sheet of a million rows of data
// is refused from the scan of the package, before excelize decodes a row,
// by the sheet's name and its declared range, without holding the sheet in
// memory (it took 36 s and 666 MB to refuse it while reading rows).
func TestHostileMillionRows(t *testing.T) {
	const n = 1_000_000
	data := rezip(t, baseBook(t), map[string]func(io.Writer){
		"xl/worksheets/sheet1.xml": func(w io.Writer) {
			head := strings.Replace(sheetHead, "<sheetData>", fmt.Sprintf(`<dimension ref="A1:C%d"/><sheetData>`, n+1), 1)
			io.WriteString(w, head)
			b := make([]byte, 0, 64<<10)
			for r := 2; r <= n+1; r++ {
				b = append(b, `<row r="`...)
				b = strconv.AppendInt(b, int64(r), 10)
				b = append(b, `"><c r="A`...)
				b = strconv.AppendInt(b, int64(r), 10)
				b = append(b, `"><v>`...)
				b = strconv.AppendInt(b, int64(r), 10)
				b = append(b, `</v></c></row>`...)
				if len(b) > 60<<10 {
					w.Write(b)
					b = b[:0]
				}
			}
			w.Write(b)
			io.WriteString(w, sheetTail)
		},
	})
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := readBytes(t, data, Options{})
	t.Logf("a %d-byte workbook of %d rows refused in %v, %d MB allocated", len(data), n, time.Since(start).Round(time.Millisecond), heapAllocSince(&before)>>20)
	fe := fileErrOf(t, err, ErrTooLarge)
	for _, want := range []string{"「Sheet1」", fmt.Sprintf("A1:C%d", n+1), "拆分"} {
		if !strings.Contains(fe.ZH, want) {
			t.Errorf("message %q lacks %q", fe.ZH, want)
		}
	}
	if !strings.Contains(fe.EN, `"Sheet1"`) {
		t.Errorf("message %q does not name the sheet", fe.EN)
	}
	if a := heapAllocSince(&before); a > 64<<20 {
		t.Errorf("refusing a million rows allocated %d MB", a>>20)
	}
	// The limit is the reader's: a smaller one refuses a smaller sheet.
	small := newBook(t, "需求")
	small.row("需求", 1, "企业名称", "需求名称")
	for r := 2; r <= 40; r++ {
		small.row("需求", r, "测试企业有限公司", fmt.Sprintf("第 %d 项测试需求", r))
	}
	if _, err := readBytes(t, small.bytes(), Options{Limits: Limits{MaxRecords: 10, MaxRows: 20}}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("40 rows against a limit of 20: %v", err)
	}
	if _, err := readBytes(t, small.bytes(), Options{Limits: Limits{MaxRecords: 100, MaxRows: 50}}); err != nil {
		t.Errorf("40 rows against a limit of 50: %v", err)
	}
}

// TestLongHiddenSheet: a long sheet the import would not read (hidden)
// refuses nothing; chosen by name, it is refused.
func TestLongHiddenSheet(t *testing.T) {
	b := newBook(t, "需求")
	b.row("需求", 1, "企业名称", "需求名称")
	b.row("需求", 2, "测试企业有限公司", "一项测试需求名称")
	b.sheet("备注")
	for r := 1; r <= 40; r++ {
		b.row("备注", r, fmt.Sprintf("第 %d 行备注", r))
	}
	if err := b.f.SetSheetVisible("备注", false); err != nil {
		t.Fatal(err)
	}
	data := b.bytes()
	lim := Limits{MaxRecords: 10, MaxRows: 20}
	if got, err := readBytes(t, data, Options{Limits: lim}); err != nil || len(got.Needs) != 1 {
		t.Errorf("a long hidden sheet: %v", err)
	}
	_, err := readBytes(t, data, Options{Limits: lim, Sheet: "备注"})
	if fe := fileErrOf(t, err, ErrTooLarge); !strings.Contains(fe.ZH, "「备注」") {
		t.Errorf("message %q", fe.ZH)
	}
}
