package fakeplatform_test

import (
	"testing"
	"time"

	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/fakeplatform"
	"github.com/xunbang/xunbang/sync/client/platformtest"
	"github.com/xunbang/xunbang/sync/protocol"
)

// TestConformance: the fake keeps client.Platform's promises, as the
// reference protocol does against the real hub.
func TestConformance(t *testing.T) {
	platformtest.Run(t, func(t *testing.T) *platformtest.Harness {
		p := fakeplatform.New(fakeplatform.Options{})
		return &platformtest.Harness{
			Open:         func(user, team string) client.Platform { return p.Open(p.Token(user, team)) },
			Review:       p.Review,
			Unauthorized: func() client.Platform { return p.Open("never-issued") },
			Unreachable: func() client.Platform {
				return p.OpenFailing(p.Token("li", "suzhou"), client.KindNetwork, 0)
			},
			NotAPlatform: func() client.Platform {
				return p.OpenFailing(p.Token("li", "suzhou"), client.KindNotProtocol, 0)
			},
			Busy: func() client.Platform {
				return p.OpenFailing(p.Token("li", "suzhou"), client.KindBusy, time.Second)
			},
		}
	})
}

// TestFailAndRevoke: a platform failing as a whole fails every session
// until it stops; a revoked token is unauthorized.
func TestFailAndRevoke(t *testing.T) {
	p := fakeplatform.New(fakeplatform.Options{PublicURL: "https://hub.example.cn"})
	tok := p.Token("li", "suzhou")
	s := p.Open(tok)
	p.Fail(client.KindServer, 0)
	if _, err := s.WhoAmI(t.Context()); client.ProblemOf(err) != client.ProblemServer {
		t.Fatalf("failing: %v", err)
	}
	p.Fail(0, 0)
	if id, err := s.WhoAmI(t.Context()); err != nil || id.PublicURL != "https://hub.example.cn" {
		t.Fatalf("after the failure: %+v %v", id, err)
	}
	p.Revoke(tok)
	if _, err := s.Pull(t.Context(), "", 10, nil); client.ProblemOf(err) != client.ProblemTokenRefused {
		t.Fatalf("revoked: %v", err)
	}
	if err := p.Review("nope", protocol.StatePublished, "", ""); err == nil {
		t.Error("a verdict on a need the platform does not have")
	}
	if p.Calls() != 3 {
		t.Errorf("%d calls counted, want 3", p.Calls())
	}
}
