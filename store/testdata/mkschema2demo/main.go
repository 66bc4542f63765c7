// Command mkschema2demo wrote store/testdata/schema2-demo.db.gz with the
// store of schema 2 (commit 7ef84af, catalogue 2026.1, two-level tech
// field codes 01…08 / 0101…0809): the demo data set of seed 7 (24 needs,
// some of them confirmed) saved as `xunbang demo` saves it, encrypted with
// the tests' raw key (32 bytes 0x5a). The test of the migration of tech
// field codes (schema 5) opens it. It is kept as the record of how the
// fixture was made; it is not built by ./... (it lives under testdata) and
// need not compile against later stores.
//
//	go run ./store/testdata/mkschema2demo -out /tmp/schema2 && gzip -9 -n -c /tmp/schema2/xunbang.db > store/testdata/schema2-demo.db.gz
package main

import (
	"bytes"
	"context"
	"flag"
	"log"
	"time"

	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/store"
)

func main() {
	out := flag.String("out", "", "data dir to create")
	flag.Parse()
	ctx := context.Background()
	t := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { t = t.Add(time.Minute); return t }
	s, err := store.Open(ctx, *out, store.Options{Now: now, Key: store.KeySource{Raw: bytes.Repeat([]byte{0x5a}, 32)}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	set := demo.Generate(7, 24)
	if _, err := s.Import(ctx, set.Enterprises, set.Needs, store.ImportOptions{Exact: true}); err != nil {
		log.Fatal(err)
	}
	st := store.DefaultSettings()
	st.User, st.Team, st.HomeRegion = "李科技", "苏州科技镇长团", "320500"
	if err := s.SaveSettings(ctx, st); err != nil {
		log.Fatal(err)
	}
}
