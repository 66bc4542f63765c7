package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xunbang/xunbang/sync/hubstore"
)

// Site is what the hub's public pages say about the campaign they serve:
// the event, who organises it, until when solutions are taken, and whom to
// ask. It is a hub-level setting, kept in the store's meta (not sealed: it
// is published on every page), set by `xunbang serve --event … --organiser
// … --deadline …` and by the reviewers' console (SetSite).
type Site struct {
	// Event names the campaign, e.g. 2026“科技镇长团杯”苏州国际创新挑战赛.
	Event string `json:"event,omitempty"`
	// Organiser is who runs it, e.g. 苏州市科学技术局.
	Organiser string `json:"organiser,omitempty"`
	// Deadline is the last day solutions are taken (YYYY-MM-DD, China
	// Standard Time); "" for none.
	Deadline string `json:"deadline,omitempty"`
	// Contact is whom providers may ask (咨询电话, e-mail).
	Contact string `json:"contact,omitempty"`
}

const metaSite = "site"

// siteZone is China Standard Time, in which a deadline day ends.
var siteZone = time.FixedZone("CST", 8*3600)

// maxSiteText bounds each Site text, in characters.
const maxSiteText = 200

// Validate checks a Site: one line of at most 200 characters each, a
// deadline written YYYY-MM-DD.
func (st *Site) Validate() error {
	for _, f := range []struct{ name, v string }{{"event", st.Event}, {"organiser", st.Organiser}, {"contact", st.Contact}} {
		if utf8.RuneCountInString(f.v) > maxSiteText || strings.ContainsAny(f.v, "\r\n") {
			return fmt.Errorf("site %s: one line of at most %d characters", f.name, maxSiteText)
		}
	}
	if st.Deadline != "" {
		if _, err := time.ParseInLocation(time.DateOnly, st.Deadline, siteZone); err != nil {
			return fmt.Errorf("site deadline %q is not a date written YYYY-MM-DD", st.Deadline)
		}
	}
	return nil
}

// Open reports whether solutions are still taken at t: until the end of
// the deadline day, China Standard Time.
func (st *Site) Open(t time.Time) bool {
	if st.Deadline == "" {
		return true
	}
	d, err := time.ParseInLocation(time.DateOnly, st.Deadline, siteZone)
	return err != nil || t.Before(d.AddDate(0, 0, 1))
}

// Site returns the hub's site settings (zero when never set).
func (s *Server) Site(ctx context.Context) (Site, error) {
	var st Site
	err := s.store.View(ctx, func(tx hubstore.Tx) error {
		v, err := tx.Meta(metaSite)
		if errors.Is(err, hubstore.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(v, &st)
	})
	if err != nil {
		return Site{}, fmt.Errorf("platform: site settings: %w", err)
	}
	return st, nil
}

// SetSite stores the hub's site settings, after trimming and checking them.
func (s *Server) SetSite(ctx context.Context, st Site) error {
	st.Event, st.Organiser = strings.TrimSpace(st.Event), strings.TrimSpace(st.Organiser)
	st.Deadline, st.Contact = strings.TrimSpace(st.Deadline), strings.TrimSpace(st.Contact)
	if err := st.Validate(); err != nil {
		return fmt.Errorf("platform: %w", err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := s.store.Update(ctx, func(tx hubstore.Tx) error { return tx.SetMeta(metaSite, b) }); err != nil {
		return fmt.Errorf("platform: set site settings: %w", err)
	}
	s.log.Info("site settings changed", "event", st.Event, "deadline", st.Deadline)
	return nil
}
