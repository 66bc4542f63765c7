package platform_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// step is one thing that happens to a need in a verdict sequence: a
// verdict, or an edit of its problem text by its team (confirmed again by
// the enterprise, or not).
type step struct {
	verdict   string
	edit      string
	confirmed bool
}

func verdict(s string) step { return step{verdict: s} }
func edit(text string, confirmedAgain bool) step {
	return step{edit: text, confirmed: confirmedAgain}
}

// Another team sees a need's content only while the verdict makes it
// public, only as the revision that verdict published, and only when that
// revision was confirmed — after every step of every sequence, whether it
// pulls from an empty cursor or on from where it was (issue 11.1).
func TestVerdictSequencesShowOnlyThePublishedRevision(t *testing.T) {
	sequences := map[string][]step{
		"returned then edited":                {verdict("已发布"), verdict("退回"), edit("退回后改写的问题：高温下焊缝开裂", true)},
		"returned, edited, published again":   {verdict("已发布"), verdict("退回"), edit("退回后改写的问题：高温下焊缝开裂", true), verdict("已发布")},
		"edited while published":              {verdict("已发布"), edit("发布后悄悄改写的问题：高温下焊缝开裂", true)},
		"edited while published, matching":    {verdict("已发布"), edit("发布后悄悄改写的问题：高温下焊缝开裂", true), verdict("对接中"), verdict("已签约")},
		"edited while published, republished": {verdict("已发布"), edit("发布后改写并重新发布：高温下焊缝开裂", true), verdict("已发布")},
		"to the end, then closed":             {verdict("已发布"), verdict("对接中"), verdict("已揭榜"), verdict("已签约"), verdict("已解决"), verdict("已关闭")},
		"matching from review":                {verdict("审核中"), edit("审核中改写的问题：高温下焊缝开裂", true), verdict("对接中")},
		"republished unconfirmed":             {verdict("已发布"), edit("企业尚未确认的改写：高温下焊缝开裂", false), verdict("已发布")},
		"unconfirmed then confirmed":          {edit("企业尚未确认的改写：高温下焊缝开裂", false), verdict("已发布"), edit("企业确认后的改写：高温下焊缝开裂", true), verdict("退回"), verdict("已发布")},
	}
	for name, steps := range sequences {
		for _, vis := range []forms.Visibility{forms.VisibilityNamed, forms.VisibilityAnonymous} {
			t.Run(fmt.Sprintf("%s/%s", name, vis), func(t *testing.T) { runSequence(t, steps, vis) })
		}
	}
}

func runSequence(t *testing.T, steps []step, vis forms.Visibility) {
	ctx := context.Background()
	f := newFixture(t, platform.Options{})
	a, b := f.token("li", "suzhou"), f.token("wang", "wuxi")
	ent := enterprise("e1", "e1r1", "", "苏州某精密机械有限公司")
	text, confirmedNow := "原始的问题描述：高温下焊缝开裂", true
	rev := 1
	needRec := func() protocol.Record {
		base := ""
		if rev > 1 {
			base = fmt.Sprintf("r%d", rev-1)
		}
		r := need("n1", fmt.Sprintf("r%d", rev), base, "e1", "高温合金部件焊接", vis)
		r = withProblem(r, text)
		if confirmedNow {
			r = confirmed(r, ent)
		}
		return r
	}
	if rs := f.push(a, ent, needRec()); rs[1].Outcome != protocol.Accepted {
		t.Fatalf("first push: %+v", rs)
	}

	// The model: what team B must see.
	var pubText string
	var pubConfirmed, public, wasPublic bool
	// What team B has, pulled step by step.
	seen := map[string]*protocol.PublicNeed{}
	_, cursor, _ := f.pull(b, "")
	var rawAll []byte
	shown := map[string]bool{} // texts team B may ever have seen
	for i, st := range steps {
		if st.edit != "" {
			rev++
			text, confirmedNow = st.edit, st.confirmed
			if rs := f.push(a, needRec()); rs[0].Outcome != protocol.Accepted {
				t.Fatalf("step %d: edit %v", i, rs[0])
			}
		} else {
			url := ""
			if st.verdict == "已发布" {
				url = "https://platform.example.cn/need/n1"
			}
			err := f.srv.Review(ctx, "n1", st.verdict, url, "")
			switch {
			case st.verdict == "已发布" && !confirmedNow:
				// Refused: nothing the enterprise has not confirmed is published.
				if !errors.Is(err, platform.ErrUnconfirmedNeed) {
					t.Fatalf("step %d: 已发布 of an unconfirmed revision: %v", i, err)
				}
			case err != nil:
				t.Fatalf("step %d: %v", i, err)
			default:
				ps, _ := protocol.ParsePlatformState(st.verdict)
				if ps.Public() && (!wasPublic || ps == protocol.StatePublished) {
					pubText, pubConfirmed = text, confirmedNow
				}
				public, wasPublic = ps.Public(), ps.Public()
			}
		}
		visible := public && pubConfirmed
		if visible {
			shown[pubText] = true
		}
		// On from where it was.
		changes, next, raw := f.pull(b, cursor)
		cursor = next
		rawAll = append(rawAll, raw...)
		for _, c := range changes {
			if c.Kind == protocol.ChangePublicNeed {
				seen[c.NeedID] = c.Public
			}
		}
		checkView(t, fmt.Sprintf("step %d, incremental", i), seen["n1"], visible, pubText, vis)
		// From an empty cursor.
		fresh := map[string]*protocol.PublicNeed{}
		changes, _, raw = f.pull(b, "")
		rawAll = append(rawAll, raw...)
		for _, c := range changes {
			if c.Kind == protocol.ChangePublicNeed {
				fresh[c.NeedID] = c.Public
			}
		}
		checkView(t, fmt.Sprintf("step %d, from the start", i), fresh["n1"], visible, pubText, vis)
	}
	for _, s := range []string{"原始的问题描述：高温下焊缝开裂", "退回后改写的问题：高温下焊缝开裂", "发布后悄悄改写的问题：高温下焊缝开裂", "发布后改写并重新发布：高温下焊缝开裂", "审核中改写的问题：高温下焊缝开裂", "企业尚未确认的改写：高温下焊缝开裂", "企业确认后的改写：高温下焊缝开裂"} {
		if bytes.Contains(rawAll, []byte(s)) && !shown[s] {
			t.Errorf("team B received %q, which was never published", s)
		}
	}
}

func checkView(t *testing.T, when string, p *protocol.PublicNeed, visible bool, text string, vis forms.Visibility) {
	t.Helper()
	if !visible {
		if p != nil {
			t.Errorf("%s: team B sees %q, want nothing", when, p.Values["problem"])
		}
		return
	}
	if p == nil {
		t.Errorf("%s: team B sees nothing, want %q", when, text)
		return
	}
	if got := strings.Join(p.Values["problem"], ""); got != text {
		t.Errorf("%s: team B sees %q, want %q", when, got, text)
	}
	if vis == forms.VisibilityAnonymous && (p.Team != "" || len(p.Region) > 6 || p.Publisher == "苏州某精密机械有限公司") {
		t.Errorf("%s: anonymous need shows team %q, region %q, publisher %q", when, p.Team, p.Region, p.Publisher)
	}
}

func withProblem(r protocol.Record, text string) protocol.Record {
	var n forms.Need
	if err := json.Unmarshal(r.Body, &n); err != nil {
		panic(err)
	}
	n.Values.Set("problem", text)
	b, err := json.Marshal(n)
	if err != nil {
		panic(err)
	}
	r.Body = b
	return r
}

// Over the demo data: another team joins each anonymous need's public view
// with the registry it receives, and never narrows it to fewer than
// MinCrowd enterprises; the registry never holds the enterprise behind an
// anonymous need; no view names the team or a town (issue 11.2).
func TestAnonymousNeedsHideInACrowd(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, platform.Options{})
	a, b := f.token("li", "suzhou"), f.token("wang", "wuxi")
	set := demo.Generate(7, 240)
	behindAnonymous := map[string]bool{}
	var recs []protocol.Record
	for i, e := range set.Enterprises {
		e.Rev = fmt.Sprintf("er%d", i)
		body, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, protocol.Record{Kind: protocol.KindEnterprise, ID: e.ID, Rev: e.Rev, Body: body})
	}
	var published []string
	cat := forms.Default()
	ents := map[string]*forms.Enterprise{}
	for _, e := range set.Enterprises {
		ents[e.ID] = e
	}
	for i, n := range set.Needs {
		n.Rev, n.BaseRev = fmt.Sprintf("nr%d", i), ""
		if n.Visibility() == forms.VisibilityAnonymous {
			behindAnonymous[n.EnterpriseID] = true
		}
		body, err := json.Marshal(n)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, protocol.Record{Kind: protocol.KindNeed, ID: n.ID, Rev: n.Rev, Body: body})
		if n.Visibility() != forms.VisibilityPrivate && cat.ConfirmationCurrent(n, ents[n.EnterpriseID]) {
			published = append(published, n.ID)
		}
	}
	for i := 0; i < len(recs); i += 200 {
		for _, r := range f.push(a, recs[i:min(i+200, len(recs))]...) {
			if r.Outcome != protocol.Accepted {
				t.Fatalf("demo record %s: %s %+v", r.ID, r.Outcome, r.Reasons)
			}
		}
	}
	for _, id := range published {
		if err := f.srv.Review(ctx, id, "已发布", "https://platform.example.cn/need/"+id, ""); err != nil {
			t.Fatal(err)
		}
	}
	changes, _, _ := f.pull(b, "")
	// raw is what could tie an anonymous need to its enterprise: the
	// registry and the anonymous needs' views. (An enterprise may also have
	// a 实名公开 need, published under its name by its own choice.)
	var raw []byte
	for _, c := range changes {
		if c.Kind == protocol.ChangeRegistry || c.Public != nil && c.Public.Visibility == string(forms.VisibilityAnonymous) {
			b, _ := json.Marshal(c)
			raw = append(raw, b...)
		}
	}
	registry := map[string]*protocol.RegistryEntry{}
	var anon []*protocol.PublicNeed
	for _, c := range changes {
		switch {
		case c.Kind == protocol.ChangeRegistry && c.Registry != nil:
			registry[c.Registry.ID] = c.Registry
		case c.Kind == protocol.ChangeRegistry:
			delete(registry, c.RegistryID)
		case c.Kind == protocol.ChangePublicNeed && c.Public != nil && c.Public.Visibility == string(forms.VisibilityAnonymous):
			anon = append(anon, c.Public)
		}
	}
	if len(anon) < 5 || len(registry) < MinCrowdForTest {
		t.Fatalf("the demo gave %d anonymous published needs and %d registry entries: too few to test", len(anon), len(registry))
	}
	for id := range registry {
		if behindAnonymous[id] {
			t.Errorf("the registry holds enterprise %s, which stands behind an anonymous need", id)
		}
	}
	levels := map[int]int{}
	for _, p := range anon {
		levels[len(forms.RegionCodePrefix(p.Region))]++
		if p.Team != "" || len(p.Region) > 6 {
			t.Errorf("anonymous need %s shows team %q, region %q", p.ID, p.Team, p.Region)
		}
		prefix := forms.RegionCodePrefix(p.Region)
		crowd := 0
		for _, e := range registry {
			if strings.HasPrefix(e.Values["region"][0], prefix) {
				crowd++
			}
		}
		if crowd < platform.MinCrowd {
			t.Errorf("anonymous need %s, region %q: %d enterprises of the registry match it, want at least %d", p.ID, p.Region, crowd, platform.MinCrowd)
		}
	}
	t.Logf("%d anonymous needs published; region digits kept (6 county, 4 city, 2 province, 0 none): %v; %d registry entries", len(anon), levels, len(registry))
	// The demo gives some names to several enterprises; a name counts
	// only where no listed enterprise carries it too.
	listedNames := map[string]bool{}
	for _, e := range set.Enterprises {
		if !behindAnonymous[e.ID] {
			listedNames[e.Name()] = true
		}
	}
	for id := range behindAnonymous {
		e := ents[id]
		for _, s := range []string{e.Name(), e.CreditCode()} {
			if s != "" && !listedNames[s] && bytes.Contains(raw, []byte(s)) {
				t.Errorf("team B's pull names %q, behind an anonymous need", s)
			}
		}
	}
}

// MinCrowdForTest is how many registry entries the demo must give for the
// crowd test to mean something.
const MinCrowdForTest = 20

// A published need whose team narrows its visibility — 不公开, or 匿名公开
// after 实名公开 — is hidden at once, with no verdict: the enterprise takes
// back what it agreed to show. Another team's next pull (on from where it
// was, or from the start) carries its withdrawal, and its page answers 410;
// a later verdict that is public (对接中) does not show it again. Widening
// it back shows the published revision again, as before the narrowing.
func TestNarrowedVisibilityHidesAPublishedNeed(t *testing.T) {
	for _, to := range []forms.Visibility{forms.VisibilityPrivate, forms.VisibilityAnonymous} {
		t.Run(string(to), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, platform.Options{})
			a, b := f.token("li", "suzhou"), f.token("wang", "wuxi")
			ent := f.publishOne(a, "高温合金部件焊接", forms.VisibilityNamed)
			_, cursor, _ := f.pull(b, "")
			state := func(_, cur string) (seen, withdrawn bool, next string) {
				t.Helper()
				changes, next, _ := f.pull(b, cur)
				for _, c := range changes {
					if c.Kind == protocol.ChangePublicNeed && c.NeedID == "n1" {
						seen, withdrawn = c.Public != nil, c.Public == nil
					}
				}
				return seen, withdrawn, next
			}
			page := func() int { return f.do("GET", "/n/n1", "", nil).status }

			// Narrowed (and confirmed so: the enterprise chose it).
			if rs := f.push(a, confirmed(need("n1", "r2", "r1", "e1", "高温合金部件焊接", to), ent)); rs[0].Outcome != protocol.Accepted {
				t.Fatalf("narrowing push: %+v", rs[0])
			}
			seen, withdrawn, next := state("narrowed", cursor)
			if seen || !withdrawn {
				t.Errorf("after narrowing to %s, team B's incremental pull: seen %v, withdrawn %v", to, seen, withdrawn)
			}
			if seen, _, _ := state("narrowed, from the start", ""); seen {
				t.Errorf("after narrowing to %s, team B's pull from the start shows the need", to)
			}
			if got := page(); got != http.StatusGone {
				t.Errorf("after narrowing, the page answers %d, want 410", got)
			}
			if err := f.srv.Review(ctx, "n1", "对接中", "", ""); err != nil {
				t.Fatal(err)
			}
			if seen, _, _ := state("对接中", ""); seen {
				t.Error("对接中 shows the narrowed need again")
			}

			// Widened back: the published revision is shown again.
			if rs := f.push(a, need("n1", "r3", "r2", "e1", "高温合金部件焊接", forms.VisibilityNamed)); rs[0].Outcome != protocol.Accepted {
				t.Fatalf("widening push: %+v", rs[0])
			}
			seen, _, _ = state("widened", next)
			if !seen {
				t.Error("after widening back, team B's incremental pull does not show the need again")
			}
			if got := page(); got != http.StatusOK {
				t.Errorf("after widening back, the page answers %d, want 200", got)
			}
		})
	}
}

// An enterprise leaves the registry when a need of it becomes 匿名公开: a
// team that received it is told (the withdrawal), a team that never did is
// told nothing — not even its id.
func TestRegistryWithdrawalOnlyToWhoReceivedIt(t *testing.T) {
	f := newFixture(t, platform.Options{})
	a, b, c := f.token("li", "suzhou"), f.token("wang", "wuxi"), f.token("zhao", "nantong")
	early := enterprise("e1", "e1r1", "", "苏州某精密机械有限公司")
	f.push(a, early)
	_, cursor, _ := f.pull(b, "") // team B receives e1; team C pulls nothing yet
	late := enterprise("e2", "e2r1", "", "苏州某光电科技有限公司")
	f.push(a, late, need("n1", "r1", "", "e1", "匿名的焊接需求", forms.VisibilityAnonymous),
		need("n2", "r2", "", "e2", "匿名的表面处理需求", forms.VisibilityAnonymous))
	serverID, _, _ := strings.Cut(cursor, "-")

	// However a team pages the feed — the client's pages, one change at a
	// time, or from every cursor it may choose — it is told of e1's
	// leaving only if it received e1, and never of e2's.
	withdrawals := func(token, from string, limit int) map[string]bool {
		t.Helper()
		out := map[string]bool{}
		for range 1000 {
			a := f.do("GET", fmt.Sprintf("%s?limit=%d&after=%s", protocol.PathChanges, limit, from), token, nil)
			var resp protocol.PullResponse
			if err := protocol.Decode(a.header, a.body, &resp); err != nil {
				t.Fatal(err)
			}
			for _, ch := range resp.Changes {
				switch {
				case ch.Kind == protocol.ChangeRegistry && ch.Registry != nil:
					t.Errorf("from %q: receives %s, behind an anonymous need", from, ch.Registry.ID)
				case ch.Kind == protocol.ChangeRegistry:
					out[ch.RegistryID] = true
				}
			}
			if from = resp.Cursor; !resp.More {
				return out
			}
		}
		t.Fatal("feed did not end")
		return nil
	}
	for _, limit := range []int{500, 3, 1} {
		for seq := -1; seq <= 12; seq++ {
			from := ""
			if seq >= 0 {
				from = fmt.Sprintf("%s-%d", serverID, seq)
			}
			if got := withdrawals(c, from, limit); len(got) > 0 {
				t.Errorf("limit %d from %q: team C, which never received an enterprise, is told %v left the registry", limit, from, got)
			}
			got := withdrawals(b, from, limit)
			if got["e2"] {
				t.Errorf("limit %d from %q: team B is told e2 left the registry, which it never received", limit, from)
			}
			if from == cursor && !got["e1"] {
				t.Errorf("limit %d from %q: team B is not told e1, which it received, left the registry", limit, from)
			}
		}
	}
}

// An anonymous need whose published text names its enterprise is not
// published by the hub, even confirmed (by a laptop that did not check):
// 已发布 is refused, and says why.
func TestAnonymousNeedNamingItsEnterpriseIsNotPublished(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, platform.Options{})
	a := f.token("li", "suzhou")
	entRec := enterprise("e1", "e1r1", "", "苏州昆仑精密机械有限公司")
	rec := need("n1", "r1", "", "e1", "伺服编码器国产化", forms.VisibilityAnonymous)
	var n forms.Need
	var e forms.Enterprise
	if json.Unmarshal(rec.Body, &n) != nil || json.Unmarshal(entRec.Body, &e) != nil {
		t.Fatal("fixture")
	}
	n.Values.Set("problem", "昆仑精密机械的进口编码器价格高。")
	cat := forms.Default()
	content := cat.CanonicalContent(&n, &e)
	n.Status = forms.StatusConfirmed
	n.Confirmation = &forms.Confirmation{Content: content, ContentHash: forms.HashContent(content), Visibility: n.Visibility(),
		At: time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)}
	if !cat.ConfirmationCurrent(&n, &e) {
		t.Fatal("the hand-made confirmation is not current")
	}
	rec.Body, _ = json.Marshal(n)
	f.push(a, entRec, rec)
	if err := f.srv.Review(ctx, "n1", "已发布", "https://platform.example.cn/need/n1", ""); !errors.Is(err, platform.ErrNamesEnterprise) {
		t.Fatalf("已发布: %v, want ErrNamesEnterprise", err)
	}
	if got := f.do("GET", "/n/n1", "", nil).status; got != http.StatusNotFound {
		t.Errorf("its page answers %d", got)
	}
	// A need whose enterprise the hub does not hold cannot be checked, so it
	// is not published either, however its confirmation was made.
	n.ID, n.EnterpriseID, n.Rev = "n2", "e-elsewhere", "r2"
	n.Values.Set("problem", "进口编码器价格高。")
	content = cat.CanonicalContent(&n, nil)
	n.Confirmation = &forms.Confirmation{Content: content, ContentHash: forms.HashContent(content), Visibility: n.Visibility(),
		At: time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)}
	body, _ := json.Marshal(n)
	f.push(a, protocol.Record{Kind: protocol.KindNeed, ID: "n2", Rev: "r2", Body: body})
	if err := f.srv.Review(ctx, "n2", "已发布", "https://platform.example.cn/need/n2", ""); !errors.Is(err, platform.ErrNoEnterprise) {
		t.Errorf("已发布 without the enterprise: %v, want ErrNoEnterprise", err)
	}
	// A named need may say its name, never its contact's mobile (found
	// from the outside: typed into 主要问题, it reached the public page).
	named := need("n3", "r3", "", "e1", "伺服编码器国产化", forms.VisibilityNamed)
	var n3 forms.Need
	if json.Unmarshal(named.Body, &n3) != nil {
		t.Fatal("fixture")
	}
	n3.Values.Set("problem", "苏州昆仑精密机械有限公司的进口编码器价格高，请联系 "+secretMobile+"。")
	content = cat.CanonicalContent(&n3, &e)
	n3.Status = forms.StatusConfirmed
	n3.Confirmation = &forms.Confirmation{Content: content, ContentHash: forms.HashContent(content), Visibility: n3.Visibility(),
		At: time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)}
	named.Body, _ = json.Marshal(n3)
	f.push(a, named)
	if err := f.srv.Review(ctx, "n3", "已发布", "https://platform.example.cn/need/n3", ""); !errors.Is(err, platform.ErrNamesEnterprise) {
		t.Errorf("已发布 of a named need giving its contact's mobile: %v, want ErrNamesEnterprise", err)
	}
	if a := f.do("GET", "/n/n3", "", nil); a.status != http.StatusNotFound || bytes.Contains(a.body, []byte(secretMobile)) {
		t.Errorf("its page answers %d", a.status)
	}
	_, _, raw := f.pull(f.token("wang", "wuxi"), "")
	if bytes.Contains(raw, []byte(secretMobile)) {
		t.Error("another team receives the contact's mobile")
	}
}

// TestRegistrySentOnUpgrade: a hub that kept no record of the registry
// entries it sent assumes, once, that every team it knows received every
// enterprise listed then of another team — no team keeps an enterprise it
// should drop — and from then on tells only who received.
func TestRegistrySentOnUpgrade(t *testing.T) {
	dir := t.TempDir()
	f := newFixtureIn(t, dir, platform.Options{})
	a, b, k := f.token("li", "suzhou"), f.token("wang", "wuxi"), f.token("sun", "kunshan")
	f.push(a, enterprise("e1", "e1r1", "", "苏州某精密机械有限公司"))
	_, cursor, _ := f.pull(b, "")
	_, kCursor, _ := f.pull(k, "")
	f.close()

	// Team kunshan's only token was revoked in the console before the upgrade.
	hs, err := hubstore.OpenBolt(filepath.Join(dir, platform.FileName), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	err = hs.Update(context.Background(), func(tx hubstore.Tx) error {
		var gone []string
		if err := tx.Tokens(func(tok *hubstore.Token) error {
			if tok.Team == "kunshan" {
				gone = append(gone, tok.Hash)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, h := range gone {
			if err := tx.DeleteToken(h); err != nil {
				return err
			}
		}
		_, err := tx.AppendAudit(&hubstore.AuditEntry{Action: "token.revoke", Target: "x", Detail: "sun / kunshan"})
		return err
	})
	if cerr := hs.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	// What a hub of the version before kept: no record, no mark.
	editHubFile(t, dir, func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte("sent")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Delete([]byte("registry_sent"))
	})

	f = newFixtureIn(t, dir, platform.Options{})
	c := f.token("zhao", "nantong") // a team that came after the upgrade
	k = f.token("sun", "kunshan")   // its token again
	f.push(a, enterprise("e2", "e2r1", "", "苏州某光电科技有限公司"),
		need("n1", "r1", "", "e1", "匿名的焊接需求", forms.VisibilityAnonymous),
		need("n2", "r2", "", "e2", "匿名的表面处理需求", forms.VisibilityAnonymous))
	for _, p := range []struct {
		token, from, want string
	}{{b, cursor, "e1"}, {b, "", "e1"}, {c, "", ""}, {k, kCursor, "e1"}} {
		changes, _, _ := f.pull(p.token, p.from)
		var got []string
		for _, ch := range changes {
			if ch.Kind == protocol.ChangeRegistry && ch.Registry == nil {
				got = append(got, ch.RegistryID)
			}
		}
		if strings.Join(got, " ") != p.want {
			t.Errorf("from %q: withdrawals %v, want %q", p.from, got, p.want)
		}
	}
}

// TestNeedOfAnotherTeamsEnterpriseIsRefused: a team cannot file a need
// under another team's enterprise — an anonymous one would take that
// enterprise out of the registry for good.
func TestNeedOfAnotherTeamsEnterpriseIsRefused(t *testing.T) {
	f := newFixture(t, platform.Options{})
	a, c, d := f.token("li", "suzhou"), f.token("zhao", "nantong"), f.token("qian", "wuxi")
	f.push(a, enterprise("e1", "e1r1", "", "苏州某精密机械有限公司"))
	res := f.push(c, need("n9", "r9", "", "e1", "借名的匿名需求", forms.VisibilityAnonymous))
	if res[0].Outcome != protocol.Invalid || len(res[0].Reasons) == 0 || res[0].Reasons[0].Field != "enterprise_id" {
		t.Fatalf("a need under another team's enterprise: %+v", res[0])
	}
	if !strings.Contains(res[0].Reasons[0].Message, "其他团队") {
		t.Errorf("the reason is not in words: %q", res[0].Reasons[0].Message)
	}
	changes, _, _ := f.pull(d, "")
	listed := false
	for _, ch := range changes {
		if ch.Kind == protocol.ChangeRegistry {
			if ch.Registry == nil {
				t.Errorf("e1 was withdrawn from the registry: %+v", ch)
			} else if ch.Registry.ID == "e1" {
				listed = true
			}
		}
	}
	if !listed {
		t.Error("e1 is not in the registry any more")
	}
	// The owner still files its own needs under it.
	if res := f.push(a, need("n1", "r1", "", "e1", "自己的需求", forms.VisibilityNamed)); res[0].Outcome != protocol.Accepted {
		t.Errorf("the owner's need: %+v", res[0])
	}
}

// TestPublishedRegionIsNeverRefined: an anonymous need keeps, while its
// verdict stands, the region it was published with — another team listing
// enterprises in its county afterwards (found from the outside: five made-up
// ones were enough) does not narrow the crowd it hides in.
func TestPublishedRegionIsNeverRefined(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, platform.Options{})
	a, c, d := f.token("li", "suzhou"), f.token("zhao", "nantong"), f.token("qian", "wuxi")
	ent := enterprise("e0", "e0r1", "", "苏州某精密机械有限公司")
	f.push(a, ent, confirmed(need("n1", "r1", "", "e0", "伺服编码器国产化", forms.VisibilityAnonymous), ent))
	if err := f.srv.Review(ctx, "n1", "已发布", "https://platform.example.cn/need/n1", ""); err != nil {
		t.Fatal(err)
	}
	region := func() string {
		t.Helper()
		changes, _, _ := f.pull(d, "")
		for _, ch := range changes {
			if ch.Kind == protocol.ChangePublicNeed && ch.NeedID == "n1" && ch.Public != nil {
				return ch.Public.Region
			}
		}
		t.Fatal("n1 is not shown")
		return ""
	}
	before := region()
	var fakes []protocol.Record
	for i := range platform.MinCrowd + 1 {
		fakes = append(fakes, enterprise(fmt.Sprintf("x%d", i), fmt.Sprintf("x%dr1", i), "", fmt.Sprintf("苏州某%d号机械有限公司", i)))
	}
	for _, r := range f.push(c, fakes...) {
		if r.Outcome != protocol.Accepted {
			t.Fatalf("fake enterprise: %+v", r)
		}
	}
	if got := region(); got != before {
		t.Errorf("after another team listed %d enterprises there, n1's region went from %q to %q", len(fakes), before, got)
	}
	if err := f.srv.Review(ctx, "n1", "对接中", "", ""); err != nil {
		t.Fatal(err)
	}
	if got := region(); got != before {
		t.Errorf("after 对接中, n1's region went from %q to %q", before, got)
	}
}

// TestOnceNamedNeedIsNotPublishedAnonymous: a need shown 实名公开 is not
// published again as 匿名公开 under the same id (found from the outside:
// anyone who had seen it, or holds its printed QR code, knew whose it was).
func TestOnceNamedNeedIsNotPublishedAnonymous(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, platform.Options{PublicURL: "http://127.0.0.1/xb"})
	a, b := f.token("li", "suzhou"), f.token("wang", "wuxi")
	ent := enterprise("e1", "e1r1", "", "苏州昆仑精密机械有限公司")
	f.push(a, ent, confirmed(need("n1", "r1", "", "e1", "伺服编码器国产化", forms.VisibilityNamed), ent))
	if err := f.srv.Review(ctx, "n1", "已发布", "", ""); err != nil {
		t.Fatal(err)
	}
	f.push(a, confirmed(need("n1", "r2", "r1", "e1", "伺服编码器国产化", forms.VisibilityAnonymous), ent))
	if err := f.srv.Review(ctx, "n1", "已发布", "", ""); !errors.Is(err, platform.ErrOnceNamed) {
		t.Fatalf("已发布 of its anonymous revision: %v, want ErrOnceNamed", err)
	}
	if err := f.srv.Review(ctx, "n1", "对接中", "", ""); err != nil {
		t.Fatalf("对接中 is recorded: %v", err)
	}
	if got := f.do("GET", "/n/n1", "", nil); got.status == http.StatusOK {
		t.Errorf("its page answers 200: %.300s", got.body)
	}
	changes, _, _ := f.pull(b, "")
	for _, ch := range changes {
		if ch.Public != nil && ch.NeedID == "n1" && ch.Public.Visibility == string(forms.VisibilityAnonymous) {
			t.Errorf("another team receives the anonymous version under the named id: %+v", ch.Public)
		}
	}
}

// TestAnonymousNeedNamingAFinerPlaceIsNotPublished: an anonymous need's
// alias or text may not name a county or town finer than the region it is
// shown with (found from the outside: 常熟市碧溪街道某精工企业 shown as 苏州市).
func TestAnonymousNeedNamingAFinerPlaceIsNotPublished(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, platform.Options{})
	a := f.token("li", "suzhou")
	ent := enterprise("e1", "e1r1", "", "苏州昆仑精密机械有限公司") // in 虎丘区, which lists too few
	rec := need("n1", "r1", "", "e1", "伺服编码器国产化", forms.VisibilityAnonymous)
	rec.Body = withValue(rec.Body, "public_alias", "虎丘区某装备制造企业")
	f.push(a, ent, confirmed(rec, ent))
	if err := f.srv.Review(ctx, "n1", "已发布", "https://platform.example.cn/need/n1", ""); !errors.Is(err, platform.ErrNamesPlace) {
		t.Fatalf("已发布: %v, want ErrNamesPlace", err)
	}
	if msg, ok := platform.RefusalMessage(platform.ErrNamesPlace, "zh"); !ok || !strings.Contains(msg, "地名") {
		t.Errorf("refusal message %q", msg)
	}
}

// TestShownRegionsToldOnUpgrade: a hub whose anonymous needs were
// published before it told their teams the region their pages show tells
// them once, at its next start — the team's cards had kept the county,
// finer than the page — and a named need's verdict is not sent again.
func TestShownRegionsToldOnUpgrade(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f := newFixtureIn(t, dir, platform.Options{})
	a := f.token("li", "suzhou")
	e1, e2 := enterprise("e1", "e1r1", "", "苏州某精密机械有限公司"), enterprise("e2", "e2r1", "", "苏州某光电科技有限公司")
	f.push(a, e1, e2,
		confirmed(need("n1", "r1", "", "e1", "伺服编码器国产化", forms.VisibilityAnonymous), e1),
		confirmed(need("n2", "r2", "", "e2", "激光切割头国产化", forms.VisibilityNamed), e2))
	for _, id := range []string{"n1", "n2"} {
		if err := f.srv.Review(ctx, id, "已发布", "https://platform.example.cn/need/"+id, ""); err != nil {
			t.Fatal(err)
		}
	}
	_, cursor, _ := f.pull(a, "")
	f.close()

	// What a hub of the version before kept: no mark.
	editHubFile(t, dir, func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Delete([]byte("shown_regions_told")) })

	statuses := func(changes []protocol.Change) map[string]*protocol.StatusChange {
		out := map[string]*protocol.StatusChange{}
		for _, ch := range changes {
			if ch.Kind == protocol.ChangeStatus {
				out[ch.Status.NeedID] = ch.Status
			}
		}
		return out
	}
	f = newFixtureIn(t, dir, platform.Options{})
	changes, cursor, _ := f.pull(a, cursor)
	got := statuses(changes)
	if st := got["n1"]; st == nil || st.PublicRegion == nil || st.State != protocol.StatePublished || st.URL != "https://platform.example.cn/need/n1" {
		t.Fatalf("after the upgrade the team is not told n1's region: %+v", st)
	}
	if _, ok := got["n2"]; ok || len(got) != 1 {
		t.Errorf("after the upgrade the team is sent verdicts %v, want n1's alone", got)
	}
	f.close()

	f = newFixtureIn(t, dir, platform.Options{})
	if changes, _, _ := f.pull(a, cursor); len(statuses(changes)) != 0 {
		t.Errorf("a second start tells again: %+v", changes)
	}
}

// A need that is no longer public is taken back only from the teams that
// were sent it: a team that comes after its withdrawal, or never pulled
// while it was shown, is told nothing of it, not even its id (found from
// the outside: a new team's first pull listed a withdrawn need's id twice).
func TestNeedWithdrawalOnlyToWhoReceivedIt(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, platform.Options{})
	a, b := f.token("li", "suzhou"), f.token("wang", "wuxi")
	f.publishOne(a, "伺服编码器国产化", forms.VisibilityNamed)
	changes, cursor, _ := f.pull(b, "")
	if !slices.ContainsFunc(changes, func(ch protocol.Change) bool { return ch.Public != nil && ch.NeedID == "n1" }) {
		t.Fatal("team B is not sent the published need")
	}
	if err := f.srv.Review(ctx, "n1", "退回", "", "请补充技术指标"); err != nil {
		t.Fatal(err)
	}
	c := f.token("zhao", "nantong") // a team that comes after the withdrawal
	about := func(token, from string) (shown, gone int) {
		t.Helper()
		changes, _, _ := f.pull(token, from)
		for _, ch := range changes {
			if ch.Kind == protocol.ChangePublicNeed && ch.NeedID == "n1" {
				if ch.Public != nil {
					shown++
				} else {
					gone++
				}
			}
		}
		return shown, gone
	}
	if shown, gone := about(b, cursor); shown != 0 || gone != 1 {
		t.Errorf("team B, which holds n1, is told %d views and %d withdrawals, want one withdrawal", shown, gone)
	}
	if shown, gone := about(c, ""); shown+gone != 0 {
		t.Errorf("a team that came after is told of n1: %d views, %d withdrawals", shown, gone)
	}
}

// TestNeedsSentOnUpgrade: a hub that kept no record of the public needs it
// sent assumes, once, that every team it knows was sent every need ever
// shown, so that no team keeps a withdrawn need.
func TestNeedsSentOnUpgrade(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f := newFixtureIn(t, dir, platform.Options{})
	a, b := f.token("li", "suzhou"), f.token("wang", "wuxi")
	f.publishOne(a, "伺服编码器国产化", forms.VisibilityNamed)
	_, cursor, _ := f.pull(b, "")
	f.close()

	// What a hub of the version before kept: no need in the record, no mark.
	editHubFile(t, dir, func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte("sent")).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if bytes.Contains(k, []byte("need/")) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return tx.Bucket([]byte("meta")).Delete([]byte("needs_sent"))
	})

	f = newFixtureIn(t, dir, platform.Options{})
	if err := f.srv.Review(ctx, "n1", "退回", "", "请补充技术指标"); err != nil {
		t.Fatal(err)
	}
	changes, _, _ := f.pull(b, cursor)
	if !slices.ContainsFunc(changes, func(ch protocol.Change) bool {
		return ch.Kind == protocol.ChangePublicNeed && ch.NeedID == "n1" && ch.Public == nil
	}) {
		t.Errorf("after the upgrade, team B is not told n1 is gone: %+v", changes)
	}
}

// editHubFile changes the closed hub's data file at dir with fn, as a hub
// of an earlier version left it.
func editHubFile(t *testing.T, dir string, fn func(*bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, platform.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(fn)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// publishOne pushes, as token's team, the enterprise e1 and its confirmed
// need n1 (title, visibility vis), has the hub publish n1, and returns e1.
func (f *fixture) publishOne(token, title string, vis forms.Visibility) protocol.Record {
	f.t.Helper()
	ent := enterprise("e1", "e1r1", "", "苏州某精密机械有限公司")
	f.push(token, ent, confirmed(need("n1", "r1", "", "e1", title, vis), ent))
	if err := f.srv.Review(context.Background(), "n1", "已发布", "https://platform.example.cn/need/n1", ""); err != nil {
		f.t.Fatal(err)
	}
	return ent
}
