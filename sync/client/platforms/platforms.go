// Package platforms is where the sync engine's platform adapters are
// registered, and the one place that chooses an adapter for a server
// address. Every address today is a hub speaking the reference protocol
// (sync/client/xunbangv1). A new platform's adapter is a package of its own
// implementing client.Platform (and passing sync/client/platformtest), plus
// one entry in adapters below saying which addresses are its.
package platforms

import (
	"net/url"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/xunbangv1"
)

// adapter is one registered platform adapter.
type adapter struct {
	name string              // for logs and docs
	owns func(*url.URL) bool // whether an address is this platform's
	dial client.Dialer       // opens it
}

// adapters are tried in order; the first that owns an address is chosen,
// else the reference protocol.
var adapters = []adapter{}

// reference is the default: a hub speaking xunbang's sync protocol v1.
var reference = adapter{name: "xunbang sync protocol v1", dial: xunbangv1.Dial}

// Dial opens the platform at server (normalised by protocol.ParseServerURL)
// with token, through the adapter registered for its address — the
// reference protocol unless another adapter owns it. It is the
// client.Dialer that main, the command line and the window use.
func Dial(server, token string, o client.DialOptions) (client.Platform, error) {
	return choose(server).dial(server, token, o)
}

// Name says which adapter Dial would use for server.
func Name(server string) string { return choose(server).name }

func choose(server string) adapter {
	u, err := url.Parse(server)
	if err != nil {
		return reference
	}
	for _, a := range adapters {
		if a.owns(u) {
			return a
		}
	}
	return reference
}

var _ client.Dialer = Dial
