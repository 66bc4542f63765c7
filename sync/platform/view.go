package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// What a team sees of what another team recorded is decided here, and only
// here:
//
//   - A need's content, only while the platform's verdict makes it public,
//     only as the revision that verdict published (Head.PublicRev, with the
//     enterprise's revision of that moment), only when that revision's
//     confirmation is current and its visibility is 实名公开 or 匿名公开,
//     and only as forms.Publish redacts it. Edits after publication stay
//     with the team until a new verdict publishes them.
//   - An anonymous need without its team, and with its region no finer
//     than needed to hide it among at least MinCrowd listed enterprises:
//     its county, else its city, else its province, else none — as the
//     registry stood when its verdict published it, and never finer later
//     (Head.PublicRegion): enterprises any team lists afterwards do not
//     narrow the crowd.
//   - An enterprise in the shared registry (public catalogue fields, never
//     contacts) only while no need of it was ever 匿名公开; once one is,
//     the enterprise leaves the registry for good, and the teams that
//     were sent it, and only they, are told (registry.go).

// MinCrowd is the fewest listed enterprises an anonymous need's published
// region must hold.
const MinCrowd = 5

// publicView is a need as another team or the public may see it, or false
// when it may not be seen.
func (s *Server) publicView(tx hubstore.Tx, h *hubstore.Head) (*protocol.PublicNeed, bool, error) {
	pub, err := s.shownView(tx, h)
	if errors.Is(err, ErrNotPublishable) {
		return nil, false, nil
	}
	return pub, pub != nil, err
}

// shownView is publicView saying why a need under a public verdict is not
// shown (an error wrapping ErrNotPublishable): for the revision the verdict
// published, ErrPrivateNeed, ErrUnconfirmedNeed, ErrNoEnterprise,
// ErrNamesEnterprise or ErrNamesPlace; errNarrowed when its team has since narrowed its
// visibility. A need under no public verdict gives nil and no error.
func (s *Server) shownView(tx hubstore.Tx, h *hubstore.Head) (*protocol.PublicNeed, error) {
	if h.Kind != protocol.KindNeed || !h.State.Public() || h.PublicRev == "" {
		return nil, nil
	}
	var n forms.Need
	if err := s.decodeRevision(tx, h.PublicRev, &n); err != nil {
		return nil, err
	}
	if h.Rev != h.PublicRev {
		var latest forms.Need
		if err := s.decodeRevision(tx, h.Rev, &latest); err != nil {
			return nil, err
		}
		if narrows(n.Visibility(), latest.Visibility()) {
			return nil, errNarrowed
		}
	}
	var e *forms.Enterprise
	if h.PublicEntRev != "" {
		e = new(forms.Enterprise)
		if err := s.decodeRevision(tx, h.PublicEntRev, e); err != nil {
			return nil, err
		}
	}
	cat := forms.Default()
	p, ok := cat.Publish(&n, e)
	switch {
	case !ok:
		return nil, ErrPrivateNeed
	case !p.Confirmed:
		return nil, ErrUnconfirmedNeed
	case e == nil:
		// Without the enterprise the hub cannot tell whether the text
		// names it (nor publish a name): a need is shown with its
		// enterprise's revision, or not at all.
		return nil, ErrNoEnterprise
	case len(cat.NamesEnterprise(&n, e)) > 0:
		return nil, ErrNamesEnterprise
	}
	// Confirmed on the codes as written; shown in this catalogue's codes.
	cat.UpgradeValues(forms.EntityNeed, p.Values)
	pub := &protocol.PublicNeed{
		ID: h.ID, Visibility: string(p.Visibility), Publisher: p.Publisher, Region: p.Region,
		Values: p.Values, URL: h.URL, State: h.State, UpdatedAt: h.StateAt,
	}
	switch p.Visibility {
	case forms.VisibilityNamed:
		pub.Team = h.Team
	case forms.VisibilityAnonymous:
		region, err := crowdRegion(tx, p.Region)
		if err != nil {
			return nil, err
		}
		if h.PublicRegion != nil {
			region = coarser(region, *h.PublicRegion)
		}
		if cat.NamesPlace(&n, e.Values.Get("region"), region) != "" {
			return nil, ErrNamesPlace
		}
		pub.Region = region
	}
	return pub, nil
}

// checkOnceNamed refuses to publish, under the id of a need once shown
// 实名公开, a revision that is 匿名公开 (ErrOnceNamed).
func (s *Server) checkOnceNamed(tx hubstore.Tx, h *hubstore.Head) error {
	if !h.WasPublic || h.PublicRev == "" || h.PublicRev == h.Rev {
		return nil
	}
	var was, now forms.Need
	if err := s.decodeRevision(tx, h.PublicRev, &was); err != nil {
		return err
	}
	if err := s.decodeRevision(tx, h.Rev, &now); err != nil {
		return err
	}
	if was.Visibility() == forms.VisibilityNamed && now.Visibility() == forms.VisibilityAnonymous {
		return ErrOnceNamed
	}
	return nil
}

// errNarrowed: the need's team has narrowed its visibility since the
// revision its verdict published — the enterprise no longer agrees to be
// shown as it was.
var errNarrowed = fmt.Errorf("%w: its team has since narrowed its visibility", ErrNotPublishable)

// narrows reports whether a need published under visibility was is to be
// shown no longer once its latest revision says now: 不公开 after any
// publication, 匿名公开 after 实名公开 (the name is what the enterprise
// takes back). An edit that keeps or widens the visibility leaves the
// published revision shown until the next verdict, as any other edit does.
func narrows(was, now forms.Visibility) bool {
	switch {
	case was == now:
		return false
	case now == forms.VisibilityPrivate:
		return true
	}
	return was == forms.VisibilityNamed && now == forms.VisibilityAnonymous
}

// crowdRegion coarsens an anonymous need's region until at least MinCrowd
// listed enterprises lie inside it.
func crowdRegion(tx hubstore.Tx, code string) (string, error) {
	for _, level := range []forms.RegionLevel{forms.RegionCounty, forms.RegionCity, forms.RegionProvince} {
		c := forms.CoarsenRegion(code, level)
		if c == "" {
			return "", nil
		}
		n, err := tx.RegionCount(forms.RegionCodePrefix(c))
		if err != nil {
			return "", err
		}
		if n >= MinCrowd {
			return c, nil
		}
	}
	return "", nil
}

// coarser is the coarser of two regions around the same place (codes from
// crowdRegion): "" (none) is the coarsest.
func coarser(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	if len(forms.RegionCodePrefix(b)) < len(forms.RegionCodePrefix(a)) {
		return b
	}
	return a
}

// regionDeltas are the count changes for one enterprise entering (d = 1)
// or leaving (d = -1) a region: its county, city and province each.
func regionDeltas(code string, d int) map[string]int {
	out := map[string]int{}
	for _, level := range []forms.RegionLevel{forms.RegionCounty, forms.RegionCity, forms.RegionProvince} {
		if c := forms.CoarsenRegion(code, level); c != "" {
			out[forms.RegionCodePrefix(c)] += d
		}
	}
	return out
}

// moveRegion sets an enterprise head's region, keeping the counts of listed
// enterprises right.
func (s *Server) moveRegion(tx hubstore.Tx, h *hubstore.Head, region string) error {
	if region == h.Region && h.Revisions > 1 {
		return nil
	}
	anon, err := tx.Anonymous(h.ID)
	if err != nil {
		return err
	}
	if !anon {
		deltas := regionDeltas(region, 1)
		if h.Revisions > 1 {
			for k, d := range regionDeltas(h.Region, -1) {
				deltas[k] += d
			}
		}
		if err := tx.AddRegionCounts(deltas); err != nil {
			return err
		}
	}
	h.Region = region
	return nil
}

// markAnonymous takes an enterprise behind an anonymous need out of the
// registry for good: marked, out of the counts, and an event that tells
// other teams to drop it.
func (s *Server) markAnonymous(tx hubstore.Tx, entID string, now time.Time) error {
	first, err := tx.MarkAnonymous(entID)
	if err != nil || !first {
		return err
	}
	eh, err := tx.Head(protocol.KindEnterprise, entID)
	if errors.Is(err, hubstore.ErrNotFound) {
		return nil // never listed
	}
	if err != nil {
		return err
	}
	if err := tx.AddRegionCounts(regionDeltas(eh.Region, -1)); err != nil {
		return err
	}
	_, err = tx.AppendEvent(&hubstore.Event{Type: hubstore.EventUnlist, Kind: protocol.KindEnterprise, ID: entID, Team: eh.Team, At: now})
	return err
}

// decodeRevision opens a stored revision's body into v.
func (s *Server) decodeRevision(tx hubstore.Tx, rev string, v any) error {
	rv, err := tx.Revision(rev)
	if err != nil {
		return err
	}
	body, err := s.seal.openBody(rev, rv.Body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("revision %s: %w", rev, err)
	}
	return nil
}

// view is what one event of the feed shows to a team, if anything.
func (s *Server) view(tx hubstore.Tx, team string, ev *hubstore.Event) (protocol.Change, bool, error) {
	if ev.Team == team {
		return s.ownView(tx, ev)
	}
	switch ev.Type {
	case hubstore.EventRevision:
		if ev.Kind != protocol.KindEnterprise {
			return protocol.Change{}, false, nil
		}
		h, err := tx.Head(ev.Kind, ev.ID)
		if err != nil {
			return protocol.Change{}, false, err
		}
		if anon, err := tx.Anonymous(ev.ID); err != nil || anon {
			return protocol.Change{}, false, err
		}
		if h.Rev != ev.Rev {
			return protocol.Change{}, false, nil // only the current revision is shown to others
		}
		return s.registryEntry(tx, h)
	case hubstore.EventUnlist:
		// Only a team that received the enterprise is told it left: to
		// any other, its id would say that an enterprise it never saw
		// stands behind an anonymous need.
		sent, err := tx.RegistrySent(team, ev.ID)
		if err != nil || !sent {
			return protocol.Change{}, false, err
		}
		return protocol.Change{Kind: protocol.ChangeRegistry, RegistryID: ev.ID}, true, nil
	case hubstore.EventState, hubstore.EventView:
		h, err := tx.Head(protocol.KindNeed, ev.ID)
		if err != nil {
			return protocol.Change{}, false, err
		}
		pub, ok, err := s.publicView(tx, h)
		switch {
		case err != nil:
			return protocol.Change{}, false, err
		case ok:
			return protocol.Change{Kind: protocol.ChangePublicNeed, NeedID: h.ID, Public: pub}, true, nil
		case h.WasPublic:
			// Only a team that was sent the need is told it is gone: to
			// any other, the id says only that a need it never saw
			// was shown and withdrawn.
			sent, err := tx.RegistrySent(team, sentNeedKey(h.ID))
			if err != nil || !sent {
				return protocol.Change{}, false, err
			}
			return protocol.Change{Kind: protocol.ChangePublicNeed, NeedID: h.ID}, true, nil
		}
	}
	return protocol.Change{}, false, nil
}

// ownView is an event of the team's own records: every revision in full,
// and the verdicts.
func (s *Server) ownView(tx hubstore.Tx, ev *hubstore.Event) (protocol.Change, bool, error) {
	switch ev.Type {
	case hubstore.EventRevision:
		rv, err := tx.Revision(ev.Rev)
		if err != nil {
			return protocol.Change{}, false, err
		}
		body, err := s.seal.openBody(rv.Rev, rv.Body)
		if err != nil {
			return protocol.Change{}, false, err
		}
		return protocol.Change{Kind: protocol.ChangeRecord, Record: &protocol.Record{
			Kind: ev.Kind, ID: ev.ID, Rev: ev.Rev, BaseRev: rv.BaseRev, Body: body,
		}}, true, nil
	case hubstore.EventState:
		comment, err := s.seal.openComment(ev.ID, ev.Comment)
		if err != nil {
			s.log.Warn("a review comment did not open", "need", ev.ID, "err", err)
		}
		st := &protocol.StatusChange{
			NeedID: ev.ID, State: ev.State, Label: ev.State.Label("zh"), URL: ev.URL, Comment: comment, At: ev.At,
		}
		if st.PublicRegion, err = s.anonymousRegion(tx, ev); err != nil {
			return protocol.Change{}, false, err
		}
		return protocol.Change{Kind: protocol.ChangeStatus, Status: st}, true, nil
	}
	return protocol.Change{}, false, nil
}

// announceShownRegions tells, once, each team the region every one of its
// needs shown 匿名公开 now is shown with: a verdict recorded before the hub
// sent the region (StatusChange.PublicRegion) left the team's cards and
// 《技术需求汇编》 at the county, finer than the page. It appends the need's
// verdict again, as it stands, to the feed: the team's next sync takes it
// with the region (anonymousRegion); another team is sent the need's public
// view again, unchanged.
func (s *Server) announceShownRegions(tx hubstore.Tx) error {
	if _, err := tx.Meta(metaShownRegions); err == nil {
		return nil
	} else if !errors.Is(err, hubstore.ErrNotFound) {
		return err
	}
	var again []*hubstore.Event
	err := tx.Heads(protocol.KindNeed, func(h *hubstore.Head) error {
		pub, shown, err := s.publicView(tx, h)
		if err != nil || !shown || pub.Visibility != string(forms.VisibilityAnonymous) {
			return err
		}
		again = append(again, &hubstore.Event{
			Type: hubstore.EventState, Kind: protocol.KindNeed, ID: h.ID, Team: h.Team,
			State: h.State, URL: h.URL, Comment: h.Comment, At: h.StateAt, PublicAfter: true, WasPublic: true,
		})
		return nil
	})
	if err != nil {
		return fmt.Errorf("shown regions: %w", err)
	}
	for _, ev := range again {
		if _, err := tx.AppendEvent(ev); err != nil {
			return fmt.Errorf("shown regions: %w", err)
		}
	}
	if len(again) > 0 {
		s.log.Info("told the teams the region of their anonymous needs' pages", "needs", len(again))
	}
	return tx.SetMeta(metaShownRegions, []byte("1"))
}

// anonymousRegion is, for a public verdict on a need shown 匿名公开, the
// region its page shows it with now, which the team's own cards and
// 《技术需求汇编》 then print no finer; nil for any other verdict or need.
func (s *Server) anonymousRegion(tx hubstore.Tx, ev *hubstore.Event) (*string, error) {
	if !ev.State.Public() {
		return nil, nil
	}
	h, err := tx.Head(protocol.KindNeed, ev.ID)
	if errors.Is(err, hubstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pub, shown, err := s.publicView(tx, h)
	if err != nil || !shown || pub.Visibility != string(forms.VisibilityAnonymous) {
		return nil, err
	}
	return &pub.Region, nil
}

// registryEntry is another team's enterprise in the shared registry: the
// catalogue's public enterprise fields only (no contacts; nothing internal,
// secret or personal).
func (s *Server) registryEntry(tx hubstore.Tx, h *hubstore.Head) (protocol.Change, bool, error) {
	var e forms.Enterprise
	if err := s.decodeRevision(tx, h.Rev, &e); err != nil {
		return protocol.Change{}, false, err
	}
	vals := forms.Default().PublicValues(forms.EntityEnterprise, e.Values, forms.VisibilityNamed)
	return protocol.Change{Kind: protocol.ChangeRegistry, Registry: &protocol.RegistryEntry{
		ID: h.ID, Team: h.Team, Name: e.Name(), CreditCode: forms.NormalizeCreditCode(e.CreditCode()),
		Values: vals, UpdatedAt: h.UpdatedAt,
	}}, true, nil
}
