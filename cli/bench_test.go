package cli

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/internal/floor"
	"github.com/xunbang/xunbang/internal/keys"
	"github.com/xunbang/xunbang/store"
)

// benchData is an encrypted data dir of many needs (its key in the tests'
// memory keyring, as on a desktop with a keyring), made once per test binary.
type benchData struct {
	once sync.Once
	dir  string
	err  error
}

var (
	benchMu   sync.Mutex
	benchDirs = map[int]*benchData{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range benchDirs {
		if d.dir != "" {
			os.RemoveAll(d.dir)
		}
	}
	os.Exit(code)
}

// benchDataDir returns an encrypted data dir holding n needs: the 2,000
// needs of a demo set, stored again under new ids and numbered titles.
func benchDataDir(b *testing.B, n int) string {
	b.Helper()
	benchMu.Lock()
	d := benchDirs[n]
	if d == nil {
		d = &benchData{}
		benchDirs[n] = d
	}
	benchMu.Unlock()
	d.once.Do(func() {
		start := time.Now()
		if d.dir, d.err = os.MkdirTemp("", "xunbang-bench-"); d.err != nil {
			return
		}
		d.err = fillDemo(filepath.Join(d.dir, "data"), n)
		fmt.Fprintf(os.Stderr, "bench: stored %d needs in %v\n", n, time.Since(start).Round(time.Second))
	})
	if d.err != nil {
		b.Fatal(d.err)
	}
	return filepath.Join(d.dir, "data")
}

func fillDemo(dir string, n int) error {
	ctx := context.Background()
	st, err := store.Open(ctx, dir, store.Options{Key: store.KeySource{Keyring: keyring}})
	if err != nil {
		return err
	}
	defer st.Close()
	set := demo.Generate(2026, min(n, 2000))
	batch := make([]*forms.Need, 0, 50_000)
	ents := set.Enterprises
	for k, total := 0, 0; total < n; k++ {
		for _, x := range set.Needs {
			if total == n {
				break
			}
			c := x.Clone()
			c.ID = forms.NewIDFrom(uint64(k)+1, uint64(total))
			c.Rev = forms.NewID()
			c.Values.Set("title", fmt.Sprintf("%s %d", x.Title(), k+1))
			c.UpdatedAt = x.UpdatedAt.Add(time.Duration(k) * time.Minute)
			batch = append(batch, c)
			total++
			if len(batch) == cap(batch) || total == n {
				if _, err := st.Import(ctx, ents, batch, store.ImportOptions{Exact: true}); err != nil {
					return err
				}
				ents, batch = nil, batch[:0]
			}
		}
	}
	return nil
}

// bareRead is the floor of the commands that read a data dir: a bare
// program that gets the data key from the keyring, opens the bbolt file
// and reads every value of every bucket, decrypting those that are sealed.
// It returns how many values it opened.
func bareRead(b *testing.B, dir string) int {
	abs, err := filepath.Abs(dir)
	if err != nil {
		b.Fatal(err)
	}
	s, err := keyring.Get(keys.Service, abs)
	if err != nil {
		b.Fatal(err)
	}
	dek, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b.Fatal(err)
	}
	box, err := keys.NewBox(keys.Derive(dek, "xunbang/v1/values"))
	if err != nil {
		b.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	n := 0
	var ad, buf []byte
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			return bk.ForEach(func(k, v []byte) error {
				if v == nil || !keys.IsSealed(v) {
					return nil
				}
				ad = append(append(append(ad[:0], name...), 0), k...)
				var err error
				if buf, err = box.OpenAppend(buf[:0], v, ad); err != nil {
					return fmt.Errorf("%s %q: %w", name, k, err)
				}
				n++
				return nil
			})
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkListJSON runs `xunbang list --json` as a whole command (open
// the encrypted data dir, list every need, write one line each) at 10,000,
// 50,000 and 200,000 needs. Its floor is bareRead on the same file.
func BenchmarkListJSON(b *testing.B) {
	for _, size := range []int{10_000, 50_000, 200_000} {
		b.Run(fmt.Sprintf("%dk", size/1000), func(b *testing.B) {
			dir := benchDataDir(b, size)
			values := 0
			floor.CompareCPU(b, func() { values = bareRead(b, dir) }, func() {
				code := Main(context.Background(), []string{"list", "--json", "--data", dir}, Env{
					Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" },
				})
				if code != 0 {
					b.Fatalf("list --json: exit %d", code)
				}
			})
			b.ReportMetric(float64(values), "values")
		})
	}
}
