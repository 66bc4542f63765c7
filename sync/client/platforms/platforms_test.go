package platforms

import (
	"errors"
	"net/url"
	"testing"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/xunbangv1"
)

// TestChoosesByAddress: every address is the reference protocol's unless
// an adapter in the table owns it; then that adapter opens it.
func TestChoosesByAddress(t *testing.T) {
	p, err := Dial("http://127.0.0.1:8787", "tok", client.DialOptions{})
	if _, ok := p.(*xunbangv1.Hub); err != nil || !ok {
		t.Fatalf("a hub's address: %T %v", p, err)
	}
	if _, err := Dial("http://192.168.1.20:8787", "tok", client.DialOptions{}); client.ProblemOf(err) != client.ProblemBadAddress {
		t.Errorf("plain http off this computer: %v", err)
	}

	errOther := errors.New("the other platform's adapter")
	old := adapters
	t.Cleanup(func() { adapters = old })
	adapters = append(adapters, adapter{name: "other", owns: func(u *url.URL) bool { return u.Host == "platform.example.cn" },
		dial: func(string, string, client.DialOptions) (client.Platform, error) { return nil, errOther }})
	if _, err := Dial("https://platform.example.cn/api", "tok", client.DialOptions{}); !errors.Is(err, errOther) || Name("https://platform.example.cn") != "other" {
		t.Errorf("an owned address: %v", err)
	}
	if Name("https://hub.example.cn") != reference.name {
		t.Errorf("another address: %s", Name("https://hub.example.cn"))
	}
}
