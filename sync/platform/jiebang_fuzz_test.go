package platform

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func formServer(t testing.TB) *Server {
	seal, err := newSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{seal: seal, opt: Options{Now: time.Now}}
	s.pages.opt.defaults()
	return s
}

// A token is good only as the hub made it, for its need, in its time.
func TestFormTokens(t *testing.T) {
	s := formServer(t)
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	tok := s.formToken("n1", at)
	for _, c := range []struct {
		tok, need string
		now       time.Time
		want      tokenError
	}{
		{tok, "n1", at.Add(time.Minute), tokenOK},
		{tok, "n2", at.Add(time.Minute), tokenBad},
		{tok, "n1", at.Add(time.Second), tokenTooFast},
		{tok, "n1", at.Add(13 * time.Hour), tokenExpired},
		{strings.Replace(tok, ".", "x", 1), "n1", at.Add(time.Minute), tokenBad},
		{"", "n1", at, tokenBad},
	} {
		if got := s.checkToken(c.tok, c.need, c.now); got != c.want {
			t.Errorf("checkToken(%q, %s) = %v, want %v", c.tok, c.need, got, c.want)
		}
	}
	if s.formToken("n1", at) == tok {
		t.Error("two forms served at once share a token")
	}
	first, again := s.solutionID(tok), s.solutionID(strings.Clone(tok))
	if first != again || first == s.solutionID(s.formToken("n1", at)) {
		t.Error("a token does not name one solution of its own")
	}
}

func FuzzCheckToken(f *testing.F) {
	s := formServer(f)
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	f.Add(s.formToken("n1", at))
	f.Add("abc.def.ghi")
	f.Add("..")
	f.Fuzz(func(t *testing.T, tok string) {
		// A token that passes stops passing when any of its bytes changes.
		if s.checkToken(tok, "n1", at.Add(time.Minute)) != tokenOK {
			return
		}
		for i := range len(tok) {
			b := []byte(tok)
			b[i] ^= 0x01
			if s.checkToken(string(b), "n1", at.Add(time.Minute)) == tokenOK {
				t.Errorf("%q passes, and so does %q", tok, b)
			}
		}
	})
}

func FuzzCleanInput(f *testing.F) {
	for _, s := range []string{"苏州大学\r\n第二行", "\x00\x1b[31m", "\xff\xfe", "a\u2028b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := cleanInput(in)
		if !utf8.ValidString(out) {
			t.Fatalf("%q is not UTF-8", out)
		}
		for _, r := range out {
			if unicode.IsControl(r) && r != '\n' && r != '\t' {
				t.Fatalf("%q keeps control character %U", out, r)
			}
		}
	})
}

func FuzzClientAddress(f *testing.F) {
	for _, s := range []string{"127.0.0.1:5555", "[2001:db8::1]:443", "junk", ""} {
		f.Add(s, "10.0.0.1, 203.0.113.9")
	}
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := &http.Request{RemoteAddr: remote, Header: http.Header{"X-Forwarded-For": {xff}}}
		_ = clientAddress(r, true)
		if a := clientAddress(r, false); strings.Contains(a, "203.0.113.9") && !strings.Contains(remote, "203.0.113.9") {
			t.Errorf("an untrusted X-Forwarded-For counted: %q", a)
		}
	})
}
