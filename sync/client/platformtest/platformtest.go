// Package platformtest is the conformance suite of client.Platform: what
// every platform adapter must do for the sync engine to keep its promises —
// pushes that may be repeated, conflicts that carry the other side,
// invalid records that do not block the rest, a feed read page by page
// from a cursor, teams that see nothing of each other's unpublished
// records, and failures of the kinds the engine acts on. Each adapter's
// tests call Run with a Harness over a real instance of its platform (the
// reference protocol: the real hub over loopback).
package platformtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Harness gives the suite one empty platform and ways to reach it. Run
// makes a new Harness for every subtest.
type Harness struct {
	// Open returns the platform signed in as user, a member of team (a
	// token the platform issued).
	Open func(user, team string) client.Platform
	// Review records a reviewer's verdict on a need, as the platform's
	// operator would.
	Review func(needID string, state protocol.PlatformState, url, comment string) error
	// Unauthorized returns the platform reached with a token it never
	// issued.
	Unauthorized func() client.Platform
	// Unreachable returns the adapter pointed where nothing answers.
	Unreachable func() client.Platform
	// NotAPlatform returns the adapter pointed at something else that
	// answers (a Wi-Fi login page answering 200).
	NotAPlatform func() client.Platform
	// Busy returns the platform when it answers that it is busy.
	Busy func() client.Platform
}

// Run runs the suite. newHarness is called once per subtest.
func Run(t *testing.T, newHarness func(t *testing.T) *Harness) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, *Harness)
	}{
		{"WhoAmI", testWhoAmI},
		{"PushIsIdempotent", testPushIsIdempotent},
		{"ConflictCarriesTheCurrentRevision", testConflict},
		{"InvalidDoesNotBlockTheBatch", testInvalid},
		{"FixOfARefusedRevisionIsNoConflict", testFixOfRefused},
		{"RevisionsInOneBatch", testChainInOneBatch},
		{"PullPagesByCursor", testPullPages},
		{"VerdictsReachTheTeam", testVerdicts},
		{"TeamsAreIsolated", testTeamsIsolated},
		{"Solutions", testSolutions},
		{"ErrorKinds", testErrorKinds},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newHarness(t)) })
	}
}

var ctx = context.Background()

// The records the suite pushes: valid in Draft mode, as a laptop sends
// them.
const (
	entName   = "苏州某精密机械有限公司"
	entMobile = "13912345678"
)

// Enterprise returns a revision of an enterprise with a contact.
func Enterprise(id, rev, base string) protocol.Record {
	e := &forms.Enterprise{ID: id, Rev: rev, Values: forms.Values{}, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	e.Values.Set("enterprise_name", entName)
	e.Values.Set("credit_code", "914403001922038216")
	e.Values.Set("region", "320505")
	e.Contacts = []forms.Contact{{ID: "c-" + id, Values: forms.Values{"contact_name": {"张三"}, "contact_mobile": {entMobile}}}}
	return record(protocol.KindEnterprise, id, rev, base, e)
}

// Need returns a revision of a draft need of enterprise ent with title.
func Need(id, rev, base, ent, title string) protocol.Record {
	n := &forms.Need{ID: id, Rev: rev, BaseRev: base, EnterpriseID: ent, Status: forms.StatusDraft, Values: forms.Values{},
		CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	n.Values.Set("title", title)
	n.Values.Set("visibility", string(forms.VisibilityNamed))
	n.Values.Set("problem", "现有焊接工艺在高温下开裂，需要新的工艺路线。")
	return record(protocol.KindNeed, id, rev, base, n)
}

// InvalidNeed is Need with a value every platform must refuse: a need type
// no vocabulary has. (A short title is not one: a draft may break a
// length.)
func InvalidNeed(id, rev, base, ent, title string) protocol.Record {
	r := Need(id, rev, base, ent, title)
	var n forms.Need
	if err := json.Unmarshal(r.Body, &n); err != nil {
		panic(err)
	}
	n.Values.Set("need_type", "42")
	return record(protocol.KindNeed, id, rev, base, &n)
}

func record(kind, id, rev, base string, v any) protocol.Record {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return protocol.Record{Kind: kind, ID: id, Rev: rev, BaseRev: base, Body: b}
}

// Solution returns a revision of a solution a team typed in (from paper)
// for need.
func Solution(id, rev, base, need, provider string) protocol.Record {
	s := &forms.Solution{ID: id, Rev: rev, BaseRev: base, NeedID: need, Status: forms.SolutionSubmitted, Source: forms.SourcePaper,
		Values: forms.Values{"provider_name": {provider}}, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	return record(protocol.KindSolution, id, rev, base, s)
}

// push pushes recs and checks the promises every answer keeps: one result
// per record, in order, naming it; it returns the outcomes.
func push(t *testing.T, p client.Platform, recs ...protocol.Record) []protocol.Result {
	t.Helper()
	res, err := p.Push(ctx, recs)
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	if len(res) != len(recs) {
		t.Fatalf("push of %d records: %d results", len(recs), len(res))
	}
	for i, r := range res {
		if r.Kind != recs[i].Kind || r.ID != recs[i].ID || r.Rev != recs[i].Rev {
			t.Fatalf("result %d names %s %s@%s, pushed %s %s@%s", i, r.Kind, r.ID, r.Rev, recs[i].Kind, recs[i].ID, recs[i].Rev)
		}
	}
	return res
}

func outcomes(res []protocol.Result) []protocol.Outcome {
	out := make([]protocol.Outcome, len(res))
	for i, r := range res {
		out[i] = r.Outcome
	}
	return out
}

func wantOutcomes(t *testing.T, what string, res []protocol.Result, want ...protocol.Outcome) {
	t.Helper()
	if got := outcomes(res); !slices.Equal(got, want) {
		t.Fatalf("%s: outcomes %v, want %v (results %+v)", what, got, want, res)
	}
}

// pullAll reads the feed from cursor to its end with pages of limit,
// asking for every optional record kind, and returns the changes and the
// last cursor.
func pullAll(t *testing.T, p client.Platform, cursor string, limit int) ([]protocol.Change, string) {
	t.Helper()
	return pullKinds(t, p, cursor, limit, protocol.OptionalKinds)
}

// pullKinds is pullAll asking for the optional record kinds kinds.
func pullKinds(t *testing.T, p client.Platform, cursor string, limit int, kinds []string) ([]protocol.Change, string) {
	t.Helper()
	var out []protocol.Change
	for range 10_000 {
		page, err := p.Pull(ctx, cursor, limit, kinds)
		if err != nil {
			t.Fatalf("pull after %q: %v", cursor, err)
		}
		if page.Cursor == "" {
			t.Fatalf("a page after %q without a cursor", cursor)
		}
		if len(page.Changes) > limit {
			t.Fatalf("a page of %d changes, asked for %d", len(page.Changes), limit)
		}
		out = append(out, page.Changes...)
		cursor = page.Cursor
		if !page.More {
			return out, cursor
		}
	}
	t.Fatal("the feed never ended")
	return nil, ""
}

// current returns "kind/id" => the last revision of each record the
// changes carry.
func current(changes []protocol.Change) map[string]protocol.Record {
	out := map[string]protocol.Record{}
	for _, c := range changes {
		if c.Kind == protocol.ChangeRecord && c.Record != nil {
			out[c.Record.Kind+"/"+c.Record.ID] = *c.Record
		}
	}
	return out
}

func testWhoAmI(t *testing.T, h *Harness) {
	id, err := h.Open("li", "suzhou").WhoAmI(ctx)
	if err != nil || id.User != "li" || id.Team != "suzhou" {
		t.Fatalf("whoami: %+v %v", id, err)
	}
}

// A push may be repeated: the same revisions again are duplicates, and
// nothing is stored twice (the feed carries each revision once).
func testPushIsIdempotent(t *testing.T, h *Harness) {
	p := h.Open("li", "suzhou")
	batch := []protocol.Record{Enterprise("e1", "e1r1", ""), Need("n1", "n1r1", "", "e1", "高温合金部件焊接工艺")}
	wantOutcomes(t, "first push", push(t, p, batch...), protocol.Accepted, protocol.Accepted)
	wantOutcomes(t, "the same push again", push(t, p, batch...), protocol.Duplicate, protocol.Duplicate)
	next := Need("n1", "n1r2", "n1r1", "e1", "高温合金部件焊接工艺（修订）")
	wantOutcomes(t, "a new revision with a repeated one", push(t, p, batch[1], next), protocol.Duplicate, protocol.Accepted)
	wantOutcomes(t, "the new revision again", push(t, p, next), protocol.Duplicate)

	changes, _ := pullAll(t, p, "", 100)
	seen := map[string]int{}
	for _, c := range changes {
		if c.Kind == protocol.ChangeRecord {
			seen[c.Record.Rev]++
		}
	}
	for _, rev := range []string{"e1r1", "n1r1", "n1r2"} {
		if seen[rev] != 1 {
			t.Errorf("the feed carries revision %s %d times, want once (%v)", rev, seen[rev], seen)
		}
	}
	if cur := current(changes)["need/n1"]; cur.Rev != "n1r2" || cur.BaseRev != "n1r1" {
		t.Errorf("the need's last revision in the feed: %s on %s", cur.Rev, cur.BaseRev)
	}
}

// Two members edit the same revision: the second edit is a conflict that
// carries the first, body included; nothing of the second is stored.
func testConflict(t *testing.T, h *Harness) {
	li, zhou := h.Open("li", "suzhou"), h.Open("zhou", "suzhou")
	push(t, li, Enterprise("e1", "e1r1", ""), Need("n1", "n1r1", "", "e1", "高温合金部件焊接工艺"))
	wantOutcomes(t, "li's edit", push(t, li, Need("n1", "n1r2", "n1r1", "e1", "李的修改：高温合金焊接")), protocol.Accepted)
	res := push(t, zhou, Need("n1", "n1r3", "n1r1", "e1", "周的修改：高温合金焊接"))
	wantOutcomes(t, "zhou's edit of the same revision", res, protocol.Conflict)
	cur := res[0].Current
	if cur == nil || cur.Kind != protocol.KindNeed || cur.ID != "n1" || cur.Rev != "n1r2" {
		t.Fatalf("the conflict's current revision: %+v", cur)
	}
	var n forms.Need
	if err := json.Unmarshal(cur.Body, &n); err != nil || n.Title() != "李的修改：高温合金焊接" || n.ID != "n1" {
		t.Fatalf("the current revision's body: %q %v", cur.Body, err)
	}
	changes, _ := pullAll(t, zhou, "", 100)
	for _, c := range changes {
		if c.Kind == protocol.ChangeRecord && c.Record.Rev == "n1r3" {
			t.Fatal("the conflicting revision reached the feed")
		}
	}
	if cur := current(changes)["need/n1"]; cur.Rev != "n1r2" {
		t.Errorf("the need's current revision in the feed: %s, want n1r2", cur.Rev)
	}
	// Resolved on top of the current revision, it is accepted.
	wantOutcomes(t, "the merge", push(t, zhou, Need("n1", "n1r4", "n1r2", "e1", "合并后的标题：高温合金焊接")), protocol.Accepted)
}

// An invalid record is refused with reasons; the records around it in the
// same batch are stored.
func testInvalid(t *testing.T, h *Harness) {
	p := h.Open("li", "suzhou")
	res := push(t, p, Enterprise("e1", "e1r1", ""), InvalidNeed("n1", "n1r1", "", "e1", "短"), Need("n2", "n2r1", "", "e1", "排在无效记录之后的需求"))
	wantOutcomes(t, "a batch with an invalid need", res, protocol.Accepted, protocol.Invalid, protocol.Accepted)
	if res[1].Current != nil || len(res[1].Reasons) == 0 {
		t.Fatalf("invalid: %+v", res[1])
	}
	named := false
	for _, r := range res[1].Reasons {
		if r.Code == "" || r.Message == "" {
			t.Errorf("a reason without a code or a message: %+v", r)
		}
		named = named || r.Field == "need_type"
	}
	if !named {
		t.Errorf("no reason names the need type: %+v", res[1].Reasons)
	}
	changes, _ := pullAll(t, p, "", 100)
	recs := current(changes)
	if _, ok := recs["need/n1"]; ok {
		t.Error("the invalid need reached the feed")
	}
	if _, ok := recs["need/n2"]; !ok {
		t.Error("the need after the invalid one is not in the feed")
	}
}

// A revision based on a refused one — the user fixed the record — is
// judged against the refused revision's own base: no conflict.
func testFixOfRefused(t *testing.T, h *Harness) {
	p := h.Open("li", "suzhou")
	push(t, p, Enterprise("e1", "e1r1", ""), Need("n1", "n1r1", "", "e1", "高温合金部件焊接工艺"))
	wantOutcomes(t, "a refused edit", push(t, p, InvalidNeed("n1", "n1r2", "n1r1", "e1", "坏")), protocol.Invalid)
	wantOutcomes(t, "its fix, based on it", push(t, p, Need("n1", "n1r3", "n1r2", "e1", "修好的标题：高温合金焊接")), protocol.Accepted)
	changes, _ := pullAll(t, h.Open("zhou", "suzhou"), "", 100)
	if cur := current(changes)["need/n1"]; cur.Rev != "n1r3" || cur.BaseRev != "n1r1" {
		t.Errorf("a colleague gets the fix as %s on %s, want n1r3 on n1r1 (the base the platform has)", cur.Rev, cur.BaseRev)
	}
}

// A batch may carry several revisions of one record, each on the one
// before.
func testChainInOneBatch(t *testing.T, h *Harness) {
	p := h.Open("li", "suzhou")
	res := push(t, p, Enterprise("e1", "e1r1", ""), Need("n1", "n1r1", "", "e1", "高温合金部件焊接工艺"),
		Need("n1", "n1r2", "n1r1", "e1", "高温合金部件焊接工艺二"), Need("n1", "n1r3", "n1r2", "e1", "高温合金部件焊接工艺三"))
	wantOutcomes(t, "a chain in one batch", res, protocol.Accepted, protocol.Accepted, protocol.Accepted, protocol.Accepted)
}

// The feed is read page by page: no page larger than asked, every revision
// exactly once over all pages, nothing after the last cursor, and the same
// changes from the start again.
func testPullPages(t *testing.T, h *Harness) {
	p := h.Open("li", "suzhou")
	recs := []protocol.Record{Enterprise("e1", "e1r1", "")}
	for i := range 24 {
		recs = append(recs, Need(fmt.Sprintf("n%02d", i), fmt.Sprintf("n%02dr1", i), "", "e1", fmt.Sprintf("高温合金部件焊接工艺 %02d", i)))
	}
	push(t, p, recs...)
	changes, last := pullAll(t, p, "", 7)
	revs := map[string]int{}
	for _, c := range changes {
		if c.Kind == protocol.ChangeRecord {
			revs[c.Record.Rev]++
		}
	}
	for _, r := range recs {
		if revs[r.Rev] != 1 {
			t.Errorf("revision %s came %d times over the pages", r.Rev, revs[r.Rev])
		}
	}
	page, err := p.Pull(ctx, last, 7, protocol.OptionalKinds)
	if err != nil || len(page.Changes) != 0 || page.More || page.Cursor == "" {
		t.Fatalf("after the last cursor: %d changes, more %v, cursor %q, %v", len(page.Changes), page.More, page.Cursor, err)
	}
	// New revisions come after the cursor.
	push(t, p, Need("n00", "n00r2", "n00r1", "e1", "高温合金部件焊接工艺 00 修订"))
	more, _ := pullAll(t, p, last, 7)
	if cur := current(more); len(cur) != 1 || cur["need/n00"].Rev != "n00r2" {
		t.Errorf("after the cursor: %v", cur)
	}
	again, _ := pullAll(t, p, "", 50)
	if got, want := current(again), current(append(changes, more...)); len(got) != len(want) {
		t.Errorf("from the start again: %d records, want %d", len(got), len(want))
	}
}

// A verdict on a need reaches its team's feed, and no other team's.
func testVerdicts(t *testing.T, h *Harness) {
	li := h.Open("li", "suzhou")
	push(t, li, Enterprise("e1", "e1r1", ""), Need("n1", "n1r1", "", "e1", "高温合金部件焊接工艺"))
	_, cursor := pullAll(t, li, "", 100)
	if err := h.Review("n1", protocol.StateReturned, "", "请补充技术指标"); err != nil {
		t.Fatal(err)
	}
	changes, _ := pullAll(t, li, cursor, 100)
	var got *protocol.StatusChange
	for _, c := range changes {
		if c.Kind == protocol.ChangeStatus && c.Status.NeedID == "n1" {
			got = c.Status
		}
	}
	if got == nil || got.State != protocol.StateReturned || got.Comment != "请补充技术指标" || got.At.IsZero() {
		t.Fatalf("the verdict in the team's feed: %+v (changes %+v)", got, changes)
	}
	other, _ := pullAll(t, h.Open("wang", "wuxi"), "", 100)
	for _, c := range other {
		if c.Kind == protocol.ChangeStatus {
			t.Errorf("another team got a verdict: %+v", c.Status)
		}
	}
}

// Another team sees no unpublished record of this one, no contact, and
// cannot write this team's records.
func testTeamsIsolated(t *testing.T, h *Harness) {
	li, wang := h.Open("li", "suzhou"), h.Open("wang", "wuxi")
	const secret = "未发布的机密需求：高温合金焊接"
	push(t, li, Enterprise("e1", "e1r1", ""), Need("n1", "n1r1", "", "e1", secret))
	changes, _ := pullAll(t, wang, "", 100)
	for _, c := range changes {
		if c.Kind == protocol.ChangeRecord || c.Kind == protocol.ChangeStatus {
			t.Errorf("another team got a %s change: %+v", c.Kind, c)
		}
	}
	b, _ := json.Marshal(changes)
	for _, s := range []string{secret, entMobile} {
		if strings.Contains(string(b), s) {
			t.Errorf("another team's feed holds %q", s)
		}
	}
	res := push(t, wang, Need("n1", "n1r2", "n1r1", "e1", "另一团队的修改：高温合金焊接"))
	wantOutcomes(t, "another team's write", res, protocol.Invalid)
	if res[0].Current != nil {
		t.Errorf("another team's write was told the current revision: %+v", res[0].Current)
	}
	mine, _ := pullAll(t, li, "", 100)
	if cur := current(mine)["need/n1"]; cur.Rev != "n1r1" {
		t.Errorf("after another team's write, the need is at %s", cur.Rev)
	}
}

// Failures come with the kinds the engine acts on.
func testErrorKinds(t *testing.T, h *Harness) {
	expect := func(what string, err error, kinds ...client.ErrorKind) *client.Error {
		t.Helper()
		var e *client.Error
		if !errors.As(err, &e) || !slices.Contains(kinds, e.Kind) {
			t.Errorf("%s: err %v, want a *client.Error of kind %v", what, err, kinds)
			return nil
		}
		return e
	}
	calls := func(p client.Platform) map[string]error {
		_, werr := p.WhoAmI(ctx)
		_, perr := p.Push(ctx, []protocol.Record{Enterprise("e1", "e1r1", "")})
		_, lerr := p.Pull(ctx, "", 10, protocol.OptionalKinds)
		return map[string]error{"whoami": werr, "push": perr, "pull": lerr}
	}
	for op, err := range calls(h.Unauthorized()) {
		expect("an unknown token, "+op, err, client.KindUnauthorized)
	}
	for op, err := range calls(h.Unreachable()) {
		expect("nothing listening, "+op, err, client.KindNetwork, client.KindOffline)
	}
	for op, err := range calls(h.NotAPlatform()) {
		expect("a Wi-Fi login page, "+op, err, client.KindNotProtocol)
	}
	for op, err := range calls(h.Busy()) {
		if e := expect("busy, "+op, err, client.KindBusy); e != nil && e.RetryAfter <= 0 {
			t.Errorf("busy, %s: no time to come back (Retry-After)", op)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := h.Open("li", "suzhou").Pull(cctx, "", 10, protocol.OptionalKinds)
	expect("a cancelled context", err, client.KindCanceled)
	// Nothing of the failed calls was stored.
	if changes, _ := pullAll(t, h.Open("li", "suzhou"), "", 100); len(changes) != 0 {
		t.Errorf("the failed calls left %d changes", len(changes))
	}
}

// Solutions (揭榜) are records of an optional kind: a platform that takes
// them (WhoAmI's Kinds) stores a team's solutions for its needs like any
// record and sends them only to readers who ask for the kind, and only to
// the need's team; another team cannot attach one to this team's need. A
// platform that does not take them sends none.
func testSolutions(t *testing.T, h *Harness) {
	li, wang := h.Open("li", "suzhou"), h.Open("wang", "wuxi")
	id, err := li.WhoAmI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	push(t, li, Enterprise("e1", "e1r1", ""), Need("n1", "n1r1", "", "e1", "高温合金部件焊接工艺"))
	if !slices.Contains(id.Kinds, protocol.KindSolution) {
		changes, _ := pullAll(t, li, "", 100)
		for _, c := range changes {
			if c.Kind == protocol.ChangeRecord && c.Record.Kind == protocol.KindSolution {
				t.Errorf("a platform that takes no solutions sent one: %+v", c.Record)
			}
		}
		return
	}
	const provider = "东南大学苏州研究院"
	wantOutcomes(t, "a solution for the team's need", push(t, li, Solution("s1", "s1r1", "", "n1", provider)), protocol.Accepted)
	wantOutcomes(t, "the same again", push(t, li, Solution("s1", "s1r1", "", "n1", provider)), protocol.Duplicate)
	wantOutcomes(t, "its next revision", push(t, li, Solution("s1", "s1r2", "s1r1", "n1", provider+"（修订）")), protocol.Accepted)

	asked, _ := pullAll(t, h.Open("zhou", "suzhou"), "", 100)
	if cur := current(asked)["solution/s1"]; cur.Rev != "s1r2" || cur.BaseRev != "s1r1" {
		t.Errorf("a colleague asking for solutions gets %s on %s, want s1r2 on s1r1", cur.Rev, cur.BaseRev)
	}
	unasked, _ := pullKinds(t, li, "", 100, nil)
	if _, ok := current(unasked)["solution/s1"]; ok {
		t.Error("a reader who did not ask for solutions got one")
	}
	if _, ok := current(unasked)["need/n1"]; !ok {
		t.Error("a reader who did not ask for solutions lost the needs")
	}
	res := push(t, wang, Solution("s2", "s2r1", "", "n1", "另一团队录入的方案"))
	wantOutcomes(t, "another team's solution for this team's need", res, protocol.Invalid)
	other, _ := pullAll(t, wang, "", 100)
	b, _ := json.Marshal(other)
	if strings.Contains(string(b), provider) {
		t.Error("another team's feed holds this team's solution")
	}
}
