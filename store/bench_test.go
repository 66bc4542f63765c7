package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/floor"
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, big := range bigStores {
		if big.dir != "" {
			if big.store != nil {
				big.store.Close()
			}
			os.RemoveAll(big.dir)
		}
	}
	os.Exit(code)
}

// The benchmarks named …Encrypted run the same work on an encrypted store
// (every value sealed with XChaCha20-Poly1305, see crypt.go) beside the
// unencrypted ones, on the same data, so that `make bench` shows what
// encryption costs: compare BenchmarkSaveNeed with BenchmarkSaveNeedEncrypted,
// BenchmarkSearch50k with BenchmarkSearch50kEncrypted, and so on.

// BenchmarkSaveNeed saves a new revision of a need (record, revision row,
// head, indexes and outbox entry in one transaction, one fsync), the same
// need again and again as the editor's autosave does, interleaved with its
// floor, bareSameWrites: bare bbolt making the same writes. Both wait for
// the disk, so they are timed on the wall clock.
func BenchmarkSaveNeed(b *testing.B) { benchSaveNeed(b, Options{}) }

// BenchmarkSaveNeedEncrypted is BenchmarkSaveNeed on an encrypted store
// (against the same floor, which seals nothing).
func BenchmarkSaveNeedEncrypted(b *testing.B) { benchSaveNeed(b, testOpts()) }

func benchSaveNeed(b *testing.B, opts Options) {
	s, _ := openBench(b, opts)
	e := mustSaveEnterprise(b, s, newEnterprise("苏州纳微科技有限公司", "91320594MA1MXXXX2K", "320594"))
	n := mustSaveNeed(b, s, benchNeed(e.ID))
	bare := newBareSameWrites(b, s, n.ID)
	i := 0
	floor.Compare(b, bare.write, func() {
		i++
		n.Values.Set("budget_wan", strconv.Itoa(i%1000+1))
		if err := s.SaveNeed(bg, n); err != nil {
			b.Fatal(err)
		}
	})
}

// openBareBolt opens a bare bbolt file for the floor benchmarks (closed
// when the benchmark ends) and returns it with the benchmark's need and its
// JSON.
func openBareBolt(b *testing.B) (*bolt.DB, *forms.Need, []byte) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	n := benchNeed(forms.NewID())
	n.ID, n.Rev = forms.NewID(), forms.NewID()
	data, err := json.Marshal(n)
	if err != nil {
		b.Fatal(err)
	}
	return db, n, data
}

// BenchmarkBareBoltUpdate writes the same need's JSON with one bare bbolt
// Update per op: the floor BenchmarkSaveNeed is measured against.
func BenchmarkBareBoltUpdate(b *testing.B) {
	db, n, data := openBareBolt(b)
	bucket := []byte("needs")
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put([]byte(n.ID), data) })
		if err != nil {
			b.Fatal(err)
		}
	}
}

// bareSameWrites makes, with one bare bbolt Update, the same writes a
// SaveNeed of an unchanged-status need whose outbox entry is pending makes:
// a new revision row, the summary, the by-update-time index entry moved,
// the outbox entry rewritten in place, into buckets of the same names,
// with the very bytes the store wrote for the need (sealed, when it is
// encrypted). What SaveNeed costs beyond it is the store's own work
// (encoding, sealing, reading the previous summary, the need list), not
// bbolt's.
type bareSameWrites struct {
	b              *testing.B
	db             *bolt.DB
	id             string
	row, head, rec []byte
	prev           time.Time
}

// newBareSameWrites makes the floor of saving the need id of s.
func newBareSameWrites(b *testing.B, s *Store, id string) *bareSameWrites {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	w := &bareSameWrites{b: b, db: db, id: id, prev: time.Now()}
	err = s.db.View(func(tx *bolt.Tx) error {
		_, row := tx.Bucket(needRevisionsBucket).Cursor().Last()
		w.row = bytes.Clone(row)
		w.head = bytes.Clone(tx.Bucket(needSummariesBucket).Get([]byte(id)))
		_, rec := tx.Bucket(outboxBucket).Cursor().Last()
		w.rec = bytes.Clone(rec)
		return nil
	})
	if err != nil || w.row == nil || w.head == nil || w.rec == nil {
		b.Fatalf("the store's bytes of need %s: %v", id, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return createBuckets(tx) }); err != nil {
		b.Fatal(err)
	}
	return w
}

func (w *bareSameWrites) write() {
	err := w.db.Update(func(tx *bolt.Tx) error {
		revs := tx.Bucket(needRevisionsBucket)
		revs.FillPercent = appendFill
		seq, _ := revs.NextSequence()
		if err := revs.Put(seqKey(w.id, seq), w.row); err != nil {
			return err
		}
		if err := tx.Bucket(needSummariesBucket).Put([]byte(w.id), w.head); err != nil {
			return err
		}
		upd := tx.Bucket(needByUpdatedBucket)
		upd.FillPercent = appendFill
		now := time.Now()
		if err := upd.Delete(timeKey(w.prev, w.id)); err != nil {
			return err
		}
		w.prev = now
		if err := upd.Put(timeKey(now, w.id), nil); err != nil {
			return err
		}
		return tx.Bucket(outboxBucket).Put(u64Key(1), w.rec)
	})
	if err != nil {
		w.b.Fatal(err)
	}
}

// BenchmarkBareBoltSameWrites times bareSameWrites alone, the floor of
// BenchmarkSaveNeed.
func BenchmarkBareBoltSameWrites(b *testing.B) {
	s, _ := openBench(b, Options{})
	e := mustSaveEnterprise(b, s, newEnterprise("苏州纳微科技有限公司", "91320594MA1MXXXX2K", "320594"))
	w := newBareSameWrites(b, s, mustSaveNeed(b, s, benchNeed(e.ID)).ID)
	for b.Loop() {
		w.write()
	}
}

// searchQueries are the keystrokes of the search benchmarks: one that
// selects about a tenth of the needs, one that selects every need (every
// enterprise's name holds 有限公司), and two words.
var searchQueries = []struct{ name, text string }{
	{"keystroke", "传感器"},
	{"matches-all", "有限公司"},
	{"two-words", "高精度 国产化"},
}

// BenchmarkSearch searches the need list for a Chinese substring through
// store.Needs, as the search box does on every keystroke, at 50,000 and
// 200,000 needs. Its floor is a plain scan: strings.Contains of the same
// words over the same folded texts (title, enterprise name, keywords),
// counting the needs that hold them all.
func BenchmarkSearch(b *testing.B) {
	for _, size := range bigSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			s := bigNeedStore(b, size, false)
			all, err := s.Needs(bg, Query{})
			if err != nil {
				b.Fatal(err)
			}
			// The floor scans the search texts the store keeps (a summary
			// keeps no keywords).
			list, err := s.NeedList(bg)
			if err != nil || list.Len() != len(all) {
				b.Fatalf("need list: %v", err)
			}
			hays := list.hays
			for _, q := range searchQueries {
				b.Run(q.name, func(b *testing.B) {
					terms := strings.Fields(forms.FoldSearch(q.text))
					var hits, floorHits int
					floor.CompareCPU(b, func() {
						floorHits = 0
						for _, h := range hays {
							ok := true
							for _, t := range terms {
								if !strings.Contains(h, t) {
									ok = false
									break
								}
							}
							if ok {
								floorHits++
							}
						}
					}, func() {
						l, err := s.Needs(bg, Query{Text: q.text})
						if err != nil {
							b.Fatal(err)
						}
						hits = len(l)
					})
					if hits != floorHits {
						b.Fatalf("store.Needs found %d needs, the plain scan %d", hits, floorHits)
					}
					b.ReportMetric(float64(hits), "hits")
				})
			}
		})
	}
}

// BenchmarkSearchEncrypted is the keystroke of BenchmarkSearch on an
// encrypted store of 50,000 needs. The list is decrypted once, at Open, so
// a search decrypts nothing: what encryption costs the list is in
// BenchmarkOpen.
func BenchmarkSearchEncrypted(b *testing.B) {
	s := bigNeedStore(b, 50_000, true)
	var hits int
	for b.Loop() {
		l, err := s.Needs(bg, Query{Text: "传感器"})
		if err != nil {
			b.Fatal(err)
		}
		hits = len(l)
	}
	b.ReportMetric(float64(hits), "hits")
}

// BenchmarkListAll lists every need, newest first.
func BenchmarkListAll(b *testing.B) {
	for _, size := range bigSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			s := bigNeedStore(b, size, false)
			for b.Loop() {
				l, err := s.Needs(bg, Query{})
				if err != nil {
					b.Fatal(err)
				}
				if len(l) != size {
					b.Fatalf("%d needs", len(l))
				}
			}
		})
	}
}

// BenchmarkOpen opens an encrypted store: loading the need list decrypts
// every need's and enterprise's summary.
func BenchmarkOpen(b *testing.B) {
	for _, size := range bigSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			big := bigNeedStore(b, size, true)
			// Open a copy: the shared store holds the lock on its file.
			dir := b.TempDir()
			if err := big.Backup(bg, filepath.Join(dir, FileName)); err != nil {
				b.Fatal(err)
			}
			// Uncached: every need read from the store (the first start
			// after a write); cached: read from the need list's cache the
			// last Close wrote (the usual start).
			for _, cached := range []bool{false, true} {
				b.Run(map[bool]string{false: "uncached", true: "cached"}[cached], func(b *testing.B) {
					opts := testOpts()
					opts.cacheMin = size + 1
					if err := os.Remove(filepath.Join(dir, CacheFileName)); err != nil && !os.IsNotExist(err) {
						b.Fatal(err)
					}
					if cached {
						opts.cacheMin = 1
						s, err := Open(bg, dir, opts)
						if err != nil {
							b.Fatal(err)
						}
						s.Close()
					}
					for b.Loop() {
						s, err := Open(bg, dir, opts)
						if err != nil {
							b.Fatal(err)
						}
						if s.mem.cached != cached {
							b.Fatalf("read from the cache: %v, want %v", s.mem.cached, cached)
						}
						s.Close()
					}
					// What the open store keeps in memory, per need.
					h0 := liveHeap()
					s, err := Open(bg, dir, opts)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := s.NeedList(bg); err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(liveHeap()-h0)/float64(size), "heap-B/need")
					s.Close()
				})
			}
			// Writing the cache at Close.
			b.Run("write-cache", func(b *testing.B) {
				opts := testOpts()
				opts.cacheMin = 1
				s, err := Open(bg, dir, opts)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				for b.Loop() {
					s.writeMu.Lock()
					s.mem.cached = false
					err := s.writeNeedCache()
					s.writeMu.Unlock()
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// liveHeap returns the bytes of live heap objects after a full collection.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func openBench(b *testing.B, opts Options) (*Store, string) {
	b.Helper()
	dir := b.TempDir()
	s, err := Open(bg, dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, dir
}

func benchNeed(enterpriseID string) *forms.Need {
	n := newNeed(enterpriseID, "高精度MEMS压力传感器晶圆级封装工艺国产化")
	n.Values.Set("problem", "现有封装工艺依赖进口设备，良率仅为78%，单颗成本较国外同类产品高30%，交期长达16周，难以满足新能源汽车客户的批量需求。")
	n.Values.Set("key_technology", "晶圆级真空封装、低应力键合、在线气密性检测。")
	n.Values.Set("indicators", "封装良率≥95%；漏率≤1×10⁻¹² Pa·m³/s；温漂≤0.02%FS/℃。")
	n.Values.Set("expected_goal", "两年内形成年产500万颗的国产化封装产线。")
	n.Values.SetList("keywords", []string{"MEMS", "晶圆级封装", "压力传感器"})
	n.Values.Set("timeframe", "2027-12")
	return n
}

// bigSizes are the numbers of needs of the big benchmark stores.
var bigSizes = []int{50_000, 200_000}

func sizeName(n int) string { return fmt.Sprintf("%dk", n/1000) }

// bigStore is a store of many needs, made once per test binary run.
type bigStore struct {
	once  sync.Once
	dir   string
	store *Store
	err   error
}

var (
	bigMu     sync.Mutex
	bigStores = map[[2]int]*bigStore{}
)

// bigNeedStore builds, once per test binary run, a store of n needs of
// n/25 enterprises, imported 50,000 at a time: the same records for the
// unencrypted and the encrypted store.
func bigNeedStore(b *testing.B, n int, encrypted bool) *Store {
	b.Helper()
	key := [2]int{n, 0}
	opts := Options{}
	if encrypted {
		key[1], opts = 1, testOpts()
	}
	bigMu.Lock()
	big := bigStores[key]
	if big == nil {
		big = &bigStore{}
		bigStores[key] = big
	}
	bigMu.Unlock()
	big.once.Do(func() {
		big.dir, big.err = os.MkdirTemp("", "xunbang-bench-")
		if big.err != nil {
			return
		}
		big.store, big.err = Open(bg, big.dir, opts)
		if big.err != nil {
			return
		}
		ents, needs := bigRecords(n)
		for i := 0; i < len(needs) && big.err == nil; i += 50_000 {
			// Every batch names the enterprises (stored ones match by
			// credit code): a need's EnterpriseID names one of its import.
			_, big.err = big.store.Import(bg, ents, needs[i:min(i+50_000, len(needs))], ImportOptions{})
		}
		runtime.GC() // the import's garbage is not the benchmarks' to collect
	})
	if big.err != nil {
		b.Fatal(big.err)
	}
	return big.store
}

// bigRecords makes n needs of n/25 enterprises, the same every time.
func bigRecords(n int) ([]*forms.Enterprise, []*forms.Need) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	cities := []string{"苏州", "昆山", "常熟", "张家港", "太仓", "吴江", "无锡", "南通"}
	words := []string{"纳微", "精工", "华兴", "恒力", "博众", "汇川", "天准", "固锝", "瑞红", "长光", "旭创", "亨通"}
	trades := []string{"科技", "精密机械", "新材料", "光电", "电子", "智能装备", "生物医药", "化工"}
	regions := []string{"320505", "320506", "320507", "320508", "320583", "320581", "320582", "320585", "320214", "320612"}
	adjs := []string{"高精度", "大尺寸", "低功耗", "耐高温", "智能化", "柔性", "高效", "轻量化", "长寿命", "高可靠"}
	things := []string{"MEMS压力传感器", "数控机床主轴", "光学镜片镀膜", "锂电池隔膜", "工业机器人减速器",
		"碳纤维复合材料", "半导体封装", "污水处理膜", "伺服电机", "视觉检测系统", "光纤连接器", "医用导管",
		"氢燃料电池电堆", "高纯石英坩埚", "功率器件", "温度传感器阵列", "精密模具", "永磁材料"}
	goals := []string{"工艺优化", "国产化替代", "关键技术研发", "性能提升", "良率提升", "成本降低", "检测方法", "可靠性验证"}
	keywords := []string{"传感器", "机器视觉", "新能源", "半导体", "精密加工", "新材料", "智能制造", "检测", "节能", "环保"}

	ents := make([]*forms.Enterprise, max(1, n/25))
	for i := range ents {
		e := newEnterprise(fmt.Sprintf("%s%s%s有限公司%d", pick(cities), pick(words), pick(trades), i),
			fmt.Sprintf("91320500%09dX", i), pick(regions))
		e.ID = strconv.Itoa(i)
		ents[i] = e
	}
	needs := make([]*forms.Need, n)
	for i := range needs {
		n := benchNeed(strconv.Itoa(rng.IntN(len(ents))))
		n.Values.Set("title", fmt.Sprintf("%s%s%s（%d）", pick(adjs), pick(things), pick(goals), i))
		n.Values.SetList("keywords", []string{pick(keywords), pick(keywords)})
		n.Status = forms.Statuses[rng.IntN(5)]
		needs[i] = n
	}
	return ents, needs
}
