package protocol

import (
	"errors"
	"strings"
	"testing"
)

const tok = "3f9c0a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccdd"

func TestConnectTextRoundTrip(t *testing.T) {
	for _, server := range []string{"https://hub.example.cn", "https://hub.example.cn/xunbang/", "http://127.0.0.1:8787"} {
		s, k, err := ParseConnectText(FormatConnectText(server, tok))
		if err != nil || s != strings.TrimRight(server, "/") || k != tok {
			t.Errorf("%s: got %q %q %v", server, s, k, err)
		}
	}
}

func TestParseConnectTextForgives(t *testing.T) {
	for name, text := range map[string]string{
		"half-width colons":   "寻榜平台连接\n地址: https://hub.example.cn\n令牌: " + tok,
		"english labels":      "Server: https://hub.example.cn\r\nToken: " + tok + "\r\n",
		"surrounding chat":    "王科长 10:32\n请用下面的信息连接：\n\n寻榜平台连接\n  地址：https://hub.example.cn  \n令牌：" + tok + "\n\n收到请回复",
		"bare address line":   "https://hub.example.cn\n令牌：" + tok,
		"trailing slash kept": "地址：https://hub.example.cn/\n令牌：" + tok,
	} {
		s, k, err := ParseConnectText(text)
		if err != nil || s != "https://hub.example.cn" || k != tok {
			t.Errorf("%s: got %q %q %v", name, s, k, err)
		}
	}
}

func TestParseConnectTextRefuses(t *testing.T) {
	for name, c := range map[string]struct {
		text string
		want error
	}{
		"empty":         {"", ErrNoConnectText},
		"no token":      {"地址：https://hub.example.cn", ErrNoConnectText},
		"no address":    {"令牌：" + tok, ErrNoConnectText},
		"plain http":    {"地址：http://hub.example.cn\n令牌：" + tok, ErrInsecureURL},
		"damaged token": {"地址：https://hub.example.cn\n令牌：3f9c 0a1b", nil},
		"short token":   {"地址：https://hub.example.cn\n令牌：3f9c", nil},
	} {
		_, _, err := ParseConnectText(c.text)
		if err == nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
}

func FuzzParseConnectText(f *testing.F) {
	f.Add(FormatConnectText("https://hub.example.cn", tok))
	f.Add("Server: http://[::1]:8787\nToken: " + tok)
	f.Add("地址：https://a\n令牌：\x00")
	f.Fuzz(func(t *testing.T, text string) {
		s, k, err := ParseConnectText(text)
		if err != nil {
			return
		}
		if _, err := ParseServerURL(s); err != nil || !validToken(k) {
			t.Fatalf("accepted %q → %q %q", text, s, k)
		}
		// What was read writes back to a text that reads the same.
		s2, k2, err := ParseConnectText(FormatConnectText(s, k))
		if err != nil || s2 != s || k2 != k {
			t.Fatalf("round trip of %q %q: %q %q %v", s, k, s2, k2, err)
		}
	})
}
