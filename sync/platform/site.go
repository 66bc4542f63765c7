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
// … --deadline …`, by `xunbang serve site` and by an admin on the
// console's 设置 page (which audits the change).
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

// siteProblem is what is wrong with one Site setting.
type siteProblem int

// Site problems.
const (
	siteTooLong    siteProblem = iota + 1 // more than maxSiteText characters
	siteNotOneLine                        // a line break in it
	siteNotADate                          // a deadline not written YYYY-MM-DD (or no such day)
)

// siteFields names the settings in the order forms and messages list them.
var siteFields = []string{"event", "organiser", "deadline", "contact"}

// problems finds what is wrong with each setting, by its name in
// siteFields; empty when the Site is valid. It is the one check behind
// Validate and the console's settings form.
func (st *Site) problems() map[string]siteProblem {
	out := map[string]siteProblem{}
	for _, f := range []struct{ name, v string }{{"event", st.Event}, {"organiser", st.Organiser}, {"contact", st.Contact}} {
		switch {
		case utf8.RuneCountInString(f.v) > maxSiteText:
			out[f.name] = siteTooLong
		case strings.ContainsAny(f.v, "\r\n"):
			out[f.name] = siteNotOneLine
		}
	}
	if st.Deadline != "" {
		if _, err := time.ParseInLocation(time.DateOnly, st.Deadline, siteZone); err != nil {
			out["deadline"] = siteNotADate
		}
	}
	return out
}

// Validate checks a Site: one line of at most 200 characters each, a
// deadline written YYYY-MM-DD.
func (st *Site) Validate() error {
	probs := st.problems()
	for _, name := range siteFields {
		switch probs[name] {
		case siteTooLong, siteNotOneLine:
			return fmt.Errorf("site %s: one line of at most %d characters", name, maxSiteText)
		case siteNotADate:
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
	_, err := s.setSite(ctx, st, nil)
	return err
}

// trim drops the spaces around every setting.
func (st *Site) trim() {
	st.Event, st.Organiser = strings.TrimSpace(st.Event), strings.TrimSpace(st.Organiser)
	st.Deadline, st.Contact = strings.TrimSpace(st.Deadline), strings.TrimSpace(st.Contact)
}

// setSite stores the site settings, trimmed and checked, and reports
// whether they changed. With audit, a change is appended to the audit in
// the same transaction (audit.Detail names the settings changed, old and
// new: they are public); an unchanged Site is neither written nor audited.
func (s *Server) setSite(ctx context.Context, st Site, audit *hubstore.AuditEntry) (bool, error) {
	st.trim()
	if err := st.Validate(); err != nil {
		return false, fmt.Errorf("platform: %w", err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		return false, err
	}
	changed := false
	err = s.store.Update(ctx, func(tx hubstore.Tx) error {
		var old Site
		v, err := tx.Meta(metaSite)
		switch {
		case err == nil:
			if err := json.Unmarshal(v, &old); err != nil {
				return err
			}
		case !errors.Is(err, hubstore.ErrNotFound):
			return err
		}
		if old == st {
			return nil
		}
		changed = true
		if err := tx.SetMeta(metaSite, b); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		e := *audit
		e.At, e.Detail = s.opt.Now().UTC(), siteChanges(old, st)
		_, err = tx.AppendAudit(&e)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("platform: set site settings: %w", err)
	}
	if changed {
		s.log.Info("site settings changed", "event", st.Event, "deadline", st.Deadline)
	}
	return changed, nil
}

// siteChanges writes what changed between two Sites for the audit, e.g.
// 截止日期：2026-09-15 → 2026-10-08.
func siteChanges(old, st Site) string {
	var parts []string
	for _, f := range []struct{ label, was, now string }{
		{"活动名称", old.Event, st.Event}, {"主办单位", old.Organiser, st.Organiser},
		{"截止日期", old.Deadline, st.Deadline}, {"咨询方式", old.Contact, st.Contact},
	} {
		if f.was != f.now {
			parts = append(parts, f.label+"："+orDash(f.was)+" → "+orDash(f.now))
		}
	}
	return strings.Join(parts, "；")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
