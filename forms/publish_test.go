package forms_test

import (
	"slices"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
)

// PublishInto, called again and again on one PublicNeed, gives what
// Publish gives for each need.
func TestPublishIntoMatchesPublish(t *testing.T) {
	cat := forms.Default()
	s := demo.Generate(3, 400)
	ents := map[string]*forms.Enterprise{}
	for _, e := range s.Enterprises {
		ents[e.ID] = e
	}
	var into forms.PublicNeed
	seen := map[forms.Visibility]int{}
	for i, n := range s.Needs {
		e := ents[n.EnterpriseID]
		if i%7 == 0 {
			e = nil // a need whose enterprise is unknown
		}
		want, ok := cat.Publish(n, e)
		before := into
		if got := cat.PublishInto(&into, n, e); got != ok {
			t.Fatalf("need %d: PublishInto %v, Publish %v", i, got, ok)
		}
		if !ok {
			if into.ID != before.ID {
				t.Fatalf("need %d: PublishInto changed the view of a private need", i)
			}
			continue
		}
		seen[want.Visibility]++
		got := into
		if got.ID != want.ID || got.Status != want.Status || got.Visibility != want.Visibility ||
			got.Publisher != want.Publisher || got.Region != want.Region || got.Confirmed != want.Confirmed || got.URL != want.URL {
			t.Fatalf("need %d: %+v, want %+v", i, got, want)
		}
		for _, c := range []struct {
			name      string
			got, want forms.Values
		}{{"values", got.Values, want.Values}} {
			if len(c.got) != len(c.want) {
				t.Fatalf("need %d %s: %v, want %v", i, c.name, c.got, c.want)
			}
			for id, l := range c.want {
				if g, ok := c.got[id]; !ok || !slices.Equal(g, l) {
					t.Fatalf("need %d %s: %s = %q, want %q", i, c.name, id, g, l)
				}
			}
		}
	}
	if seen[forms.VisibilityNamed] == 0 || seen[forms.VisibilityAnonymous] == 0 {
		t.Fatalf("the demo set lacks a visibility: %v", seen)
	}
}
