package forms

import (
	"encoding/hex"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

var uuid4Form = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// freeBits reads back the 122 bits an id of a run carries: the UUID's bits
// but the version nibble and the variant's two.
func freeBits(t *testing.T, id string) *big.Int {
	t.Helper()
	raw, err := hex.DecodeString(strings.ReplaceAll(id, "-", ""))
	if err != nil || len(raw) != 16 {
		t.Fatalf("%s: not 16 hex bytes", id)
	}
	u := new(big.Int).SetBytes(raw)
	v := new(big.Int)
	for i := 127; i >= 0; i-- { // i is the bit's place from the right
		if from := 127 - i; from >= 48 && from < 52 || from == 64 || from == 65 {
			continue
		}
		v.Lsh(v, 1)
		v.SetBit(v, 0, u.Bit(i))
	}
	return v
}

func TestIDRunRises(t *testing.T) {
	maxStep := new(big.Int).Lsh(big.NewInt(1), 64)
	for _, tc := range []struct {
		name string
		run  *IDRun
	}{
		{"random start", NewIDRun()},
		{"carry into the high bits", &IDRun{hi: 0x3ff, lo: ^uint64(0) - 3}},
		{"carry across the version nibble", &IDRun{hi: 1<<10 - 1, lo: ^uint64(0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prev, prevBits := "", (*big.Int)(nil)
			for range 5000 {
				id := tc.run.Next()
				if !uuid4Form.MatchString(id) {
					t.Fatalf("%q is not a version 4 UUID", id)
				}
				b := freeBits(t, id)
				if prev != "" {
					if id <= prev {
						t.Fatalf("%s after %s: not rising", id, prev)
					}
					step := new(big.Int).Sub(b, prevBits)
					if step.Sign() <= 0 || step.Cmp(maxStep) >= 0 {
						t.Fatalf("%s after %s: step %s, want 1 … 2⁶⁴-1", id, prev, step)
					}
				}
				prev, prevBits = id, b
			}
		})
	}
}

func TestIDRunsStartApart(t *testing.T) {
	a, b := NewIDRun().Next(), NewIDRun().Next()
	if a == b || a[:8] == b[:8] {
		t.Fatalf("two runs started at %s and %s", a, b)
	}
	var nilRun *IDRun
	if id := nilRun.Next(); !uuid4Form.MatchString(id) {
		t.Fatalf("a nil run gave %q", id)
	}
}

func TestParseUUID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{NewID(), true},
		{"6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab", true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"6F1C2D3E-4B5A-4C6D-8E7F-0123456789AB", false}, // would come back lowercase
		{"6f1c2d3e4b5a4c6d8e7f0123456789ab", false},
		{"6f1c2d3e-4b5a-4c6d-8e7f-0123456789a", false},
		{"6f1c2d3e-4b5a-4c6d-8e7f-0123456789ag", false},
		{"6f1c2d3e-4b5a+4c6d-8e7f-0123456789ab", false},
		{"row-12", false},
		{"", false},
	} {
		u, ok := ParseUUID(tc.id)
		if ok != tc.ok {
			t.Errorf("ParseUUID(%q): ok %v, want %v", tc.id, ok, tc.ok)
		}
		if ok && UUIDString(u) != tc.id {
			t.Errorf("ParseUUID(%q).String() = %q", tc.id, UUIDString(u))
		}
	}
}

// FuzzParseUUID: an id read as 16 bytes is written back as the very id,
// so that an index keeping ids as bytes never answers with another id.
func FuzzParseUUID(f *testing.F) {
	f.Add("6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab")
	f.Add("6F1C2D3E-4B5A-4C6D-8E7F-0123456789AB")
	f.Add("row-1")
	f.Fuzz(func(t *testing.T, id string) {
		u, ok := ParseUUID(id)
		if ok && UUIDString(u) != id {
			t.Fatalf("ParseUUID(%q) comes back as %q", id, UUIDString(u))
		}
		if ub, okb := ParseUUID([]byte(id)); ub != u || okb != ok {
			t.Fatalf("ParseUUID(%q): as bytes %x %v, as text %x %v", id, ub, okb, u, ok)
		}
	})
}
