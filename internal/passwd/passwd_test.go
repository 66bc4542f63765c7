package passwd

import (
	"errors"
	"strings"
	"testing"
)

var cheap = Params{Time: 1, MemoryKiB: 64, Threads: 1}

func TestHashAndVerify(t *testing.T) {
	h, err := HashWith("正确的密码 correct horse", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q", h)
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{{"正确的密码 correct horse", true}, {"正确的密码 correct hors", false}, {"", false}, {strings.Repeat("x", MaxLen+1), false}} {
		ok, err := Verify(c.pw, h)
		if err != nil || ok != c.want {
			t.Errorf("Verify(%.20q) = %v, %v; want %v", c.pw, ok, err, c.want)
		}
	}
	h2, _ := HashWith("正确的密码 correct horse", cheap)
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !NeedsRehash(h) {
		t.Error("a hash weaker than Default needs no rehash")
	}
}

func TestDefaultHashVerifies(t *testing.T) {
	h, err := Hash("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Verify("a long enough password", h); !ok || err != nil {
		t.Fatalf("verify: %v %v", ok, err)
	}
	if NeedsRehash(h) {
		t.Error("a Default hash needs a rehash")
	}
}

func TestParseRefuses(t *testing.T) {
	good, _ := HashWith("x", cheap)
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for _, s := range []string{
		"", "plain", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key, // 4 GiB
		"$argon2id$v=19$m=64,t=100,p=1$" + salt + "$" + key,
		"$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
	} {
		if _, err := Parse(s); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%q) = %v, want ErrMalformed", s, err)
		}
	}
}

func TestCheck(t *testing.T) {
	for pw, want := range map[string]error{
		"short":                       ErrTooShort,
		"一二三四五六七八九":                   ErrTooShort,
		"一二三四五六七八九十":                  nil,
		"\xff\xfe invalid utf8 long":  ErrTooShort,
		strings.Repeat("a", MaxLen+1): ErrTooLong,
		"a perfectly fine passphrase": nil,
	} {
		if err := Check(pw); !errors.Is(err, want) && !(err == nil && want == nil) {
			t.Errorf("Check(%.20q) = %v, want %v", pw, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	good, _ := HashWith("x", cheap)
	f.Add(good)
	f.Add("$argon2id$v=19$m=1048576,t=16,p=16$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := Parse(s)
		if err != nil {
			return
		}
		if h.Params.MemoryKiB > 1<<20 || h.Params.Time > 16 || h.Params.Threads > 16 || len(h.Key) > 64 {
			t.Fatalf("accepted %q with %+v", s, h.Params)
		}
	})
}
