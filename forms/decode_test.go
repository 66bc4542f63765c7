package forms

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// decodeKinds are the record types unmarshalInline decodes, each as a
// function decoding b into a new record by one path: fast (decodeFast
// alone: ok false when it gives up) or the reference (encoding/json).
var decodeKinds = []struct {
	name string
	fast func(b []byte) (any, bool)
	ref  func(b []byte) (any, error)
}{
	{"need",
		func(b []byte) (any, bool) { n := new(Need); return n, decodeFast(b, (*needMeta)(n), &n.Values) },
		func(b []byte) (any, error) {
			n := new(Need)
			return n, unmarshalInlineJSON(b, (*needMeta)(n), &n.Values)
		}},
	{"enterprise",
		func(b []byte) (any, bool) {
			e := new(Enterprise)
			return e, decodeFast(b, (*enterpriseMeta)(e), &e.Values)
		},
		func(b []byte) (any, error) {
			e := new(Enterprise)
			return e, unmarshalInlineJSON(b, (*enterpriseMeta)(e), &e.Values)
		}},
	{"contact",
		func(b []byte) (any, bool) { c := new(Contact); return c, decodeFast(b, (*contactMeta)(c), &c.Values) },
		func(b []byte) (any, error) {
			c := new(Contact)
			return c, unmarshalInlineJSON(b, (*contactMeta)(c), &c.Values)
		}},
	{"diagnosis",
		func(b []byte) (any, bool) {
			x := new(Diagnosis)
			return x, decodeFast(b, (*diagnosisMeta)(x), &x.Values)
		},
		func(b []byte) (any, error) {
			x := new(Diagnosis)
			return x, unmarshalInlineJSON(b, (*diagnosisMeta)(x), &x.Values)
		}},
	{"confirmation",
		func(b []byte) (any, bool) {
			x := new(Confirmation)
			return x, decodeFast(b, (*confirmationMeta)(x), &x.Values)
		},
		func(b []byte) (any, error) {
			x := new(Confirmation)
			return x, unmarshalInlineJSON(b, (*confirmationMeta)(x), &x.Values)
		}},
}

// fullRecords returns records with every metadata field set, text that
// JSON escapes, and values of every kind, as JSON.
func fullRecords(t testing.TB) [][]byte {
	t.Helper()
	at := time.Date(2026, 12, 2, 9, 30, 15, 123456789, time.FixedZone("CST", 8*3600))
	e := sampleEnterprise()
	e.Rev, e.CatalogueVersion, e.Team, e.CreatedBy = NewID(), "2026.2", "苏州寻榜一队", "张三"
	e.CreatedAt, e.UpdatedAt = at, at.Add(time.Hour)
	e.Overrides = []string{"credit_code.check_char"}
	e.Contacts = append(e.Contacts, Contact{ID: "c2", Values: Values{"contact_name": {"李四 <li@example.com> & \"助理\""}}})
	n := sampleNeed()
	n.Status = StatusToConfirm
	n.Values.Set("problem", "第一行：\t制表\n第二行 \\ 反斜杠 \"引号\" <b>&amp;</b>\u2028\u2029 \x01 控制")
	n.Values.Set("budget_wan", "200.5")
	n.Values.Set("key_core", "true")
	n.Values["unknown_field_of_a_newer_catalogue"] = []string{"x", "y"}
	if err := Default().Confirm(n, e, Confirmation{At: at, NoticeVersion: "2026-1", Signature: []byte{0x89, 'P', 'N', 'G', 0, 1, 2},
		Values: Values{"confirmer_name": {"王晓明"}, "confirmation_method": {"sign"}}}); err != nil {
		t.Fatal(err)
	}
	n.Confirmation.Recoded = []Recoding{{At: at, FromHash: "abc", Reason: "tech_field codes of catalogue 2026.1 → 2026.2"}}
	n.Rev, n.BaseRev, n.CatalogueVersion, n.ContactID = NewID(), NewID(), "2026.2", "c1"
	n.StaleFrom, n.Missing, n.Overrides = StatusConfirmed, []string{"indicators"}, []string{"title.min_len"}
	n.Diagnosis = &Diagnosis{By: "李科技", At: at, Values: Values{"diag_authenticity": {"pass"}, "diag_conclusion": {"valid"}}}
	n.Platform = Platform{State: "已发布", URL: "https://example.com/n?id=1&x=<2>", Comment: "好", UpdatedAt: at, RegionShown: true, Region: "320500"}
	n.Team, n.CreatedBy, n.CreatedAt, n.UpdatedAt = "苏州寻榜一队", "张三", at, at.Add(time.Minute)
	var out [][]byte
	for _, v := range []any{n, e, &e.Contacts[1], n.Diagnosis, n.Confirmation, sampleNeed(), &Need{}, &Enterprise{}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// TestDecodeFastReadsWhatTheStoreWrites: the records xunbang writes take
// the fast path, and it decodes them as encoding/json does.
func TestDecodeFastReadsWhatTheStoreWrites(t *testing.T) {
	for _, b := range fullRecords(t) {
		var kind any
		_ = json.Unmarshal(b, &kind)
		for _, k := range decodeKinds {
			want, err := k.ref(b)
			if err != nil {
				continue
			}
			got, ok := k.fast(b)
			if !ok {
				// Each JSON above is one kind's; another kind finds keys
				// it does not know and gives up, as it should.
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s of %s:\nfast %+v\nref  %+v", k.name, b, got, want)
			}
		}
	}
	// Each record does take the fast path as its own kind.
	recs := fullRecords(t)
	for i, k := range []int{0, 1, 2, 3, 4, 0, 0, 1} {
		if _, ok := decodeKinds[k].fast(recs[i]); !ok {
			t.Errorf("%s %s: the fast path gave up", decodeKinds[k].name, recs[i])
		}
	}
}

// TestDecodeFastGivesUpWhereEncodingJSONDiffers: on input that is not what
// xunbang writes, unmarshalInline answers what encoding/json answers (the
// fast path gives up), errors included.
func TestDecodeFastGivesUpWhereEncodingJSONDiffers(t *testing.T) {
	cases := []string{
		`{"id":"a","id":"b"}`,                            // duplicate metadata key
		`{"title":"a","title":"b"}`,                      // duplicate field
		`{"ID":"a","title":"b"}`,                         // a key encoding/json folds to a metadata field
		`{"Title":"a"}`,                                  // not lowercase
		`{"ti\u0074le":"a"}`,                             // an escaped key
		`{"title":"\ud83d\ude00"}`,                       // a surrogate pair
		`{"title":"\ud83d"}`,                             // a lone surrogate
		`{"title":"a\x01b"}`,                             // a raw control character
		"{\"title\":\"\xff\"}",                           // invalid UTF-8
		`{"title":[["a"]]}`,                              // a nested list
		`{"title":{"a":1}}`,                              // an object
		`{"title":"a"} x`,                                // trailing text
		`{"title":"a",}`,                                 // a trailing comma
		`{"status":1}`,                                   // a number for a string
		`{"missing":["a",null]}`,                         // null in a metadata list
		`{"created_at":"yesterday"}`,                     // a bad time
		`{"confirmation":{"content":"!!"}}`,              // bad base64
		`{"confirmation":{"content":"YQ\u003d\u003d"}}`,  // escaped base64
		`{"platform":{"State":"x"}}`,                     // folded key in a plain struct
		`{"platform":{"other":"x"}}`,                     // unknown key in a plain struct
		`{"platform":{"region_shown":"true"}}`,           // a string for a bool
		`{"platform":{"region_shown":1}}`,                // a number for a bool
		`{"platform":{"region_shown":trux}}`,             // bad literal
		`{"platform":{"region_shown":null,"region":""}}`, // null leaves a bool as it is
		`{"budget_wan":01}`,                              // leading zero
		`{"budget_wan":1.}`,                              // bad number
		`{"key_core":tru}`,                               // bad literal
		`{"key_core":truex}`,                             // bad literal
		`{"type":5,"title":"a"}`,                         // a type that is not a string
		`{"new_meta_field_of_a_later_version":"x"}`,      // (a field: fast path takes it)
		`[]`, `null`, ``, `{`, `{"title"}`, `{"title":}`, `{"title":"a"`,
	}
	for _, c := range cases {
		for _, k := range decodeKinds {
			want, werr := k.ref([]byte(c))
			got, ok := k.fast([]byte(c))
			if ok && (werr != nil || !reflect.DeepEqual(got, want)) {
				t.Errorf("%s %q: fast path answered %+v, encoding/json %+v (%v)", k.name, c, got, want, werr)
			}
		}
		// Through unmarshalInline, the outcome is encoding/json's.
		var n, ref Need
		err := n.UnmarshalJSON([]byte(c))
		rerr := unmarshalInlineJSON([]byte(c), (*needMeta)(&ref), &ref.Values)
		if (err == nil) != (rerr == nil) || err != nil && err.Error() != rerr.Error() || err == nil && !reflect.DeepEqual(n, ref) {
			t.Errorf("need %q: UnmarshalJSON %+v (%v), reference %+v (%v)", c, n, err, ref, rerr)
		}
	}
}

// TestDecodeFastNeedsAZeroRecord: decoding into a record that holds
// something is encoding/json's (it merges), never the fast path's.
func TestDecodeFastNeedsAZeroRecord(t *testing.T) {
	b := []byte(`{"id":"n1","title":"高精度伺服电机编码器国产化"}`)
	n := &Need{Team: "一队"}
	if decodeFast(b, (*needMeta)(n), &n.Values) {
		t.Fatal("fast path decoded into a record that was not zero")
	}
	if n.Team != "一队" {
		t.Fatalf("the record was changed: %+v", n)
	}
	if err := n.UnmarshalJSON(b); err != nil || n.Team != "一队" || n.ID != "n1" || n.Title() != "高精度伺服电机编码器国产化" {
		t.Fatalf("UnmarshalJSON: %v, %+v", err, n)
	}
}

// FuzzDecodeFast: wherever the fast path answers, encoding/json answers the
// same record.
func FuzzDecodeFast(f *testing.F) {
	for _, b := range fullRecords(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"title":"a\nb","tech_fields":["80",null,"804"],"budget_wan":1e3,"key_core":false,"x":null}`))
	f.Add([]byte(`{"contacts":[{"id":"c1","contact_name":"王"},{}],"overrides":[]}`))
	f.Add([]byte(`{"confirmation":null,"diagnosis":{},"platform":{},"missing":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 || strings.Count(string(b), "[") > 64 {
			return
		}
		for _, k := range decodeKinds {
			// Decoded from a copy overwritten next: the record must own
			// its strings (the arena copies them).
			in := bytes.Clone(b)
			got, ok := k.fast(in)
			for i := range in {
				in[i] = '#'
			}
			if !ok {
				continue
			}
			want, err := k.ref(b)
			if err != nil {
				t.Fatalf("%s %q: fast path answered %+v, encoding/json failed: %v", k.name, b, got, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %q:\nfast %+v\nref  %+v", k.name, b, got, want)
			}
		}
	})
}

// FuzzNeedWithoutEvidence: a need decoded without its evidence is the need
// UnmarshalJSON decodes, less the confirmation's content and signature,
// whenever UnmarshalJSON decodes it.
func FuzzNeedWithoutEvidence(f *testing.F) {
	for _, b := range fullRecords(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"confirmation":{"content":"not base64!","signature":null,"content_hash":"ab"}}`))
	f.Add([]byte(`{"confirmation":{"content":"\u0041QID","at":"2025-01-02T03:04:05Z"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 || strings.Count(string(b), "[") > 64 {
			return
		}
		var want Need
		if err := want.UnmarshalJSON(b); err != nil {
			return
		}
		in := bytes.Clone(b)
		got, err := UnmarshalNeedWithoutEvidence(in)
		for i := range in {
			in[i] = '#'
		}
		if err != nil {
			t.Fatalf("%q: UnmarshalJSON decodes it, UnmarshalNeedWithoutEvidence fails: %v", b, err)
		}
		if c := want.Confirmation; c != nil {
			c.Content, c.Signature = nil, nil
		}
		if !reflect.DeepEqual(got, &want) {
			t.Fatalf("%q:\ngot  %+v\nwant %+v", b, got, &want)
		}
	})
}

// TestSpecial8 holds special8 to its promise: true whenever one of the
// eight bytes is a quote, a backslash or a control.
func TestSpecial8(t *testing.T) {
	special := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }
	for c := range 256 {
		for p := range 8 {
			w := []byte("abcdefgh")
			w[p] = byte(c)
			if got := special8(binary.LittleEndian.Uint64(w)); got != special(byte(c)) && special(byte(c)) {
				t.Fatalf("byte %#x at %d: special8 = %v", c, p, got)
			} else if !special(byte(c)) && got {
				t.Fatalf("byte %#x at %d alone among letters: special8 = true", c, p)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var w [8]byte
		has := false
		for i := range w {
			w[i] = byte(rng.IntN(256))
			has = has || special(w[i])
		}
		if has && !special8(binary.LittleEndian.Uint64(w[:])) {
			t.Fatalf("%q: special8 = false", w)
		}
	}
}

// TestIDsAsBefore: ids are written as fmt's %x of the bytes wrote them
// (the demo data's ids must not change), and NewID's are version 4 UUIDs.
func TestIDsAsBefore(t *testing.T) {
	old := func(hi, lo uint64) string {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], hi)
		binary.BigEndian.PutUint64(b[8:], lo)
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		hi, lo := rng.Uint64(), rng.Uint64()
		if i == 0 {
			hi, lo = 0, ^uint64(0)
		}
		if got, want := NewIDFrom(hi, lo), old(hi, lo); got != want {
			t.Fatalf("NewIDFrom(%x, %x) = %s, want %s", hi, lo, got, want)
		}
	}
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !v4.MatchString(id) || seen[id] {
			t.Fatalf("NewID() = %q: not a new version 4 UUID", id)
		}
		seen[id] = true
	}
}
