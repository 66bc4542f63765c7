package keys

import (
	"bytes"
	"errors"
	"testing"
)

func TestBox(t *testing.T) {
	k := Random(Size)
	b, err := NewBox(k)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("苏州琰珖微纳光电有限公司 13912345678")
	s1, s2 := b.Seal(plain, []byte("need_revisions\x00a")), b.Seal(plain, []byte("need_revisions\x00a"))
	if bytes.Equal(s1, s2) || bytes.Contains(s1, plain) || len(s1) != len(plain)+SealedOverhead || !IsSealed(s1) {
		t.Fatalf("sealed %x", s1)
	}
	if got, err := b.Open(s1, []byte("need_revisions\x00a")); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other, _ := NewBox(Random(Size))
	flipped := bytes.Clone(s1)
	flipped[len(flipped)-1] ^= 1
	for name, tc := range map[string]struct {
		box *Box
		v   []byte
		ad  string
	}{
		"other ad":  {b, s1, "need_revisions\x00b"},
		"other key": {other, s1, "need_revisions\x00a"},
		"flipped":   {b, flipped, "need_revisions\x00a"},
	} {
		if _, err := tc.box.Open(tc.v, []byte(tc.ad)); !errors.Is(err, ErrAuth) {
			t.Errorf("%s: %v, want ErrAuth", name, err)
		}
	}
	if _, err := b.Open([]byte(`{"id":"x"}`), nil); !errors.Is(err, ErrFormat) {
		t.Errorf("plain JSON: %v", err)
	}
	if _, err := NewBox([]byte("short")); err == nil {
		t.Error("a short key")
	}
}

func TestDeriveAndMAC(t *testing.T) {
	m := Random(Size)
	if bytes.Equal(Derive(m, "a"), Derive(m, "b")) || !bytes.Equal(Derive(m, "a"), Derive(m, "a")) || len(Derive(m, "a")) != Size {
		t.Error("Derive")
	}
	if bytes.Equal(MAC(m, []byte("x")), MAC(Random(Size), []byte("x"))) {
		t.Error("MAC ignores the key")
	}
	p := Argon2{Time: 1, MemoryKiB: 64, Threads: 1}
	salt := Random(16)
	if !bytes.Equal(FromPassphrase("口令", salt, p), FromPassphrase("口令", salt, p)) ||
		bytes.Equal(FromPassphrase("口令", salt, p), FromPassphrase("口令", Random(16), p)) {
		t.Error("FromPassphrase")
	}
	if !DefaultArgon2.Valid() || (Argon2{Time: 1, MemoryKiB: 1 << 30, Threads: 1}).Valid() || (Argon2{}).Valid() {
		t.Error("Valid")
	}
}

func TestStream(t *testing.T) {
	b, _ := NewBox(Random(Size))
	for _, n := range []int{0, 1, streamChunk - 1, streamChunk, streamChunk + 1, 3*streamChunk + 17} {
		plain := bytes.Repeat([]byte{'x'}, n)
		var sealed bytes.Buffer
		if err := SealStream(&sealed, bytes.NewReader(plain), b, []byte("ad")); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := OpenStream(&out, bytes.NewReader(sealed.Bytes()), b, []byte("ad")); err != nil || !bytes.Equal(out.Bytes(), plain) {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if err := OpenStream(&out, bytes.NewReader(sealed.Bytes()), b, []byte("other")); err == nil {
			t.Errorf("%d bytes: opened with another ad", n)
		}
		raw := sealed.Bytes()
		if n > streamChunk {
			// Drop the last record: the stream ends early.
			first := 4 + int(uint32(raw[0])<<24|uint32(raw[1])<<16|uint32(raw[2])<<8|uint32(raw[3]))
			if err := OpenStream(&out, bytes.NewReader(raw[:first]), b, []byte("ad")); !errors.Is(err, ErrTruncated) {
				t.Errorf("%d bytes, last record dropped: %v", n, err)
			}
		}
		if err := OpenStream(&out, bytes.NewReader(append(bytes.Clone(raw), 0)), b, []byte("ad")); !errors.Is(err, ErrFormat) {
			t.Errorf("%d bytes, trailing byte: %v", n, err)
		}
	}
}

func TestMemoryKeyring(t *testing.T) {
	var m Memory
	if _, err := m.Get(Service, "a"); !errors.Is(err, ErrNotFound) {
		t.Error(err)
	}
	if err := m.Set(Service, "a", "s"); err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Get(Service, "a"); v != "s" || m.Len() != 1 {
		t.Error(v)
	}
	m.Broken = true
	if _, err := m.Get(Service, "a"); !errors.Is(err, ErrNoKeyring) {
		t.Error(err)
	}
}
