// Package fakeplatform is an in-memory client.Platform for tests of the
// sync engine and of the window: teams and their tokens, records with their
// revisions, refused revisions, verdicts on needs, one change feed, and
// failures of any kind on demand — without a socket or a file. It keeps
// every promise of client.Platform and passes sync/client/platformtest, as
// the reference protocol does against the real hub.
//
// It is a fake of a platform's behaviour, not of the reference hub's: it
// has no public views (other teams' published needs, the enterprise
// registry), no limits and no encryption. Solutions (揭榜) are records of
// an optional kind, as on the hub: sent only to readers who ask for them,
// each answering one need of its own team (Offer stands for the public
// page).
package fakeplatform

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Platform is the whole platform: every team's records and the feed. Open
// (or Dial) gives one member's view of it.
type Platform struct {
	mu      sync.Mutex
	id      string               // the cursors' prefix: another Platform's cursor starts the feed over
	members map[string]member    // token => member
	heads   map[string]*head     // kind "/" id => the record's current revision
	revs    map[string]*revision // revision id => the stored revision
	refused map[string]*revision // revision id => a refused revision (its record, team and base)
	feed    []event              // in order; a cursor is an index into it
	fail    *client.Error        // every call fails with it, when set
	calls   int                  // calls made, failed ones included
	public  string               // the public base address WhoAmI names
	now     func() time.Time
	reviews map[string]time.Time // need id => time of its last verdict (verdicts move forward)
	answers map[string]string    // solution id => the need it answers (it never moves)
}

type member struct{ user, team string }

type head struct {
	team string
	rev  string
}

type revision struct {
	team string
	rec  protocol.Record // BaseRev: the effective base
}

// event is one entry of the feed, seen by one team only.
type event struct {
	team   string
	change protocol.Change
}

// Options configure a Platform.
type Options struct {
	// PublicURL is the public base address WhoAmI names ("" for none).
	PublicURL string
	// Now is the clock of verdicts; default time.Now.
	Now func() time.Time
}

// New returns an empty platform.
func New(o Options) *Platform {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Platform{id: randomHex(4), members: map[string]member{}, heads: map[string]*head{},
		revs: map[string]*revision{}, refused: map[string]*revision{}, public: o.PublicURL, now: o.Now,
		reviews: map[string]time.Time{}, answers: map[string]string{}}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Token issues a token for user in team.
func (p *Platform) Token(user, team string) string {
	tok := randomHex(16)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.members[tok] = member{user: user, team: team}
	return tok
}

// Revoke withdraws a token: calls with it fail as unauthorized.
func (p *Platform) Revoke(token string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.members, token)
}

// Open returns the platform as the holder of token sees it. An unknown
// token is not refused here but at every call (KindUnauthorized), as a
// platform on the network would.
func (p *Platform) Open(token string) client.Platform { return &session{p: p, token: token} }

// OpenFailing is Open for a holder of token whose every call fails with an
// error of kind (with retryAfter, for KindBusy): a platform that is busy,
// unreachable or not a platform at all, for this session only.
func (p *Platform) OpenFailing(token string, kind client.ErrorKind, retryAfter time.Duration) client.Platform {
	return &session{p: p, token: token, fail: failure(kind, retryAfter)}
}

func failure(kind client.ErrorKind, retryAfter time.Duration) *client.Error {
	if kind == 0 {
		return nil
	}
	return &client.Error{Kind: kind, RetryAfter: retryAfter, Err: fmt.Errorf("fake platform: failing as %s", kind)}
}

// Dial is Open as a client.Dialer: the server address is ignored.
func (p *Platform) Dial(_, token string, _ client.DialOptions) (client.Platform, error) {
	return p.Open(token), nil
}

// Fail makes every call fail with an error of kind (with retryAfter, for
// KindBusy) until Fail(0, 0) ends it.
func (p *Platform) Fail(kind client.ErrorKind, retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fail = failure(kind, retryAfter)
}

// Calls returns how many calls were made, failed ones included.
func (p *Platform) Calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

// Current returns the current revision of a record, and whether there is
// one.
func (p *Platform) Current(kind, id string) (protocol.Record, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.heads[kind+"/"+id]
	if h == nil {
		return protocol.Record{}, false
	}
	return copyRecord(p.revs[h.rev].rec), true
}

// Revisions returns how many revisions are stored, of every team.
func (p *Platform) Revisions() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.revs)
}

// Review records a verdict on a need: its team's feed gets a status change.
func (p *Platform) Review(needID string, state protocol.PlatformState, url, comment string) error {
	if !state.Valid() {
		return fmt.Errorf("fake platform: no platform state %q", state)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.heads[protocol.KindNeed+"/"+needID]
	if h == nil {
		return fmt.Errorf("fake platform: no need %s", needID)
	}
	at := p.now().UTC()
	if last := p.reviews[needID]; !at.After(last) {
		at = last.Add(time.Millisecond)
	}
	p.reviews[needID] = at
	p.feed = append(p.feed, event{team: h.team, change: protocol.Change{Kind: protocol.ChangeStatus,
		Status: &protocol.StatusChange{NeedID: needID, State: state, Label: state.Label("zh"), URL: url, Comment: comment, At: at}}})
	return nil
}

// Tell sends a need's last verdict again with the region its page shows
// (StatusChange.PublicRegion), as a hub upgraded to send it does once.
func (p *Platform) Tell(needID, region string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.feed) - 1; i >= 0; i-- {
		if st := p.feed[i].change.Status; st != nil && st.NeedID == needID {
			again := *st
			again.PublicRegion = &region
			p.feed = append(p.feed, event{team: p.feed[i].team, change: protocol.Change{Kind: protocol.ChangeStatus, Status: &again}})
			return nil
		}
	}
	return fmt.Errorf("fake platform: no verdict on %s", needID)
}

// session is one token's view of the platform.
type session struct {
	p     *Platform
	token string
	fail  *client.Error // every call of this session fails with it, when set
}

// enter checks the call may go on and returns the caller; p.mu is held
// when it succeeds.
func (s *session) enter(ctx context.Context, op string) (member, error) {
	if err := ctx.Err(); err != nil {
		return member{}, &client.Error{Op: op, Kind: client.KindCanceled, Err: err}
	}
	s.p.mu.Lock()
	s.p.calls++
	f := s.fail
	if f == nil {
		f = s.p.fail
	}
	if f != nil {
		s.p.mu.Unlock()
		e := *f
		e.Op = op
		return member{}, &e
	}
	m, ok := s.p.members[s.token]
	if !ok {
		s.p.mu.Unlock()
		return member{}, &client.Error{Op: op, Kind: client.KindUnauthorized, Status: http.StatusUnauthorized,
			Code: protocol.CodeUnauthorized, Err: errors.New("unknown token")}
	}
	return m, nil
}

func (s *session) WhoAmI(ctx context.Context) (client.Identity, error) {
	m, err := s.enter(ctx, "whoami")
	if err != nil {
		return client.Identity{}, err
	}
	defer s.p.mu.Unlock()
	return client.Identity{User: m.user, Team: m.team, PublicURL: s.p.public, Kinds: slices.Clone(protocol.OptionalKinds)}, nil
}

func (s *session) Push(ctx context.Context, records []protocol.Record) ([]protocol.Result, error) {
	m, err := s.enter(ctx, "push")
	if err != nil {
		return nil, err
	}
	defer s.p.mu.Unlock()
	out := make([]protocol.Result, len(records))
	for i := range records {
		rec := copyRecord(records[i])
		out[i] = s.p.pushOne(m, &rec)
	}
	return out, nil
}

// pushOne judges one revision, in order, as client.Platform's Push says.
func (p *Platform) pushOne(m member, rec *protocol.Record) protocol.Result {
	res := protocol.Result{Kind: rec.Kind, ID: rec.ID, Rev: rec.Rev}
	invalid := func(reasons ...protocol.Reason) protocol.Result {
		res.Outcome, res.Reasons = protocol.Invalid, reasons
		return res
	}
	key := rec.Kind + "/" + rec.ID
	if reasons := check(rec); len(reasons) > 0 {
		if _, stored := p.revs[rec.Rev]; !stored && (p.heads[key] == nil || p.heads[key].team == m.team) {
			p.refused[rec.Rev] = &revision{team: m.team, rec: protocol.Record{Kind: rec.Kind, ID: rec.ID, Rev: rec.Rev, BaseRev: rec.BaseRev}}
		}
		return invalid(reasons...)
	}
	if old, ok := p.revs[rec.Rev]; ok {
		if old.rec.Kind == rec.Kind && old.rec.ID == rec.ID && old.team == m.team {
			res.Outcome = protocol.Duplicate
			return res
		}
		return invalid(protocol.Reason{Code: "rev_reused", Message: "修订号已被另一条记录使用。"})
	}
	base := p.effectiveBase(m, rec)
	h := p.heads[key]
	switch {
	case h != nil && h.team != m.team:
		return invalid(protocol.Reason{Code: "forbidden", Message: "这条记录属于其他团队，不能修改。"})
	case h != nil && h.rev != base:
		cur := copyRecord(p.revs[h.rev].rec)
		res.Outcome, res.Current = protocol.Conflict, &cur
		return res
	}
	if rec.Kind == protocol.KindSolution {
		if r := p.answer(m, rec); r != nil {
			return invalid(*r)
		}
	}
	if h == nil {
		h = &head{team: m.team}
		p.heads[key] = h
	}
	rec.BaseRev = base
	p.revs[rec.Rev] = &revision{team: m.team, rec: *rec}
	h.rev = rec.Rev
	feedRec := copyRecord(*rec)
	p.feed = append(p.feed, event{team: m.team, change: protocol.Change{Kind: protocol.ChangeRecord, Record: &feedRec}})
	res.Outcome = protocol.Accepted
	return res
}

// answer checks which need a solution answers: always the same one, and
// never another team's; it links a new solution to its need.
func (p *Platform) answer(m member, rec *protocol.Record) *protocol.Reason {
	var sol forms.Solution
	_ = json.Unmarshal(rec.Body, &sol) // check decoded it already
	if need, ok := p.answers[rec.ID]; ok {
		if need != sol.NeedID {
			return &protocol.Reason{Field: "need_id", Code: "need_changed", Message: "方案不能改挂到另一条需求。"}
		}
		return nil
	}
	if h := p.heads[protocol.KindNeed+"/"+sol.NeedID]; h != nil && h.team != m.team {
		return &protocol.Reason{Field: "need_id", Code: "forbidden", Message: "这条需求属于其他团队，不能为它录入方案。"}
	}
	p.answers[rec.ID] = sol.NeedID
	return nil
}

// Offer stores a solution a provider offered for a need, as a hub's public
// page (揭榜) does: revision 1, in the name of the need's team, in that
// team's feed (for members who ask for solutions). It returns the
// solution's revision id.
func (p *Platform) Offer(sol forms.Solution) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.heads[protocol.KindNeed+"/"+sol.NeedID]
	if h == nil {
		return "", fmt.Errorf("fake platform: no need %s", sol.NeedID)
	}
	if sol.ID == "" {
		sol.ID = randomHex(8)
	}
	sol.Rev, sol.BaseRev = randomHex(8), ""
	body, err := json.Marshal(&sol)
	if err != nil {
		return "", err
	}
	rec := protocol.Record{Kind: protocol.KindSolution, ID: sol.ID, Rev: sol.Rev, Body: body}
	if res := p.pushOne(member{user: "provider", team: h.team}, &rec); res.Outcome != protocol.Accepted {
		return "", fmt.Errorf("fake platform: the offered solution is %s: %+v", res.Outcome, res.Reasons)
	}
	return sol.Rev, nil
}

// effectiveBase follows refused revisions back to a base the platform may
// hold: a fix of a refused revision is judged against what came before it.
func (p *Platform) effectiveBase(m member, rec *protocol.Record) string {
	base := rec.BaseRev
	for range 1000 {
		r := p.refused[base]
		if base == "" || r == nil || r.team != m.team || r.rec.Kind != rec.Kind || r.rec.ID != rec.ID {
			return base
		}
		base = r.rec.BaseRev
	}
	return base
}

// check applies the record rules: shape, ids, a need's status and
// enterprise, and forms' validation in Draft mode (errors only).
func check(rec *protocol.Record) []protocol.Reason {
	if err := rec.Validate(); err != nil {
		return []protocol.Reason{{Code: "malformed", Message: "记录格式不正确：" + err.Error()}}
	}
	cat := forms.Default()
	var problems []forms.Problem
	var out []protocol.Reason
	switch rec.Kind {
	case protocol.KindNeed:
		var n forms.Need
		if err := json.Unmarshal(rec.Body, &n); err != nil {
			return []protocol.Reason{{Code: "malformed", Message: "记录无法解析：" + err.Error()}}
		}
		if !n.Status.Valid() {
			out = append(out, protocol.Reason{Field: "status", Code: "status", Message: "状态无法识别。"})
		}
		if !protocol.ValidID(n.EnterpriseID) {
			out = append(out, protocol.Reason{Field: "enterprise_id", Code: "required", Message: "需求必须属于一家企业。"})
		}
		problems = cat.ValidateNeed(&n, forms.Draft)
	case protocol.KindEnterprise:
		var e forms.Enterprise
		if err := json.Unmarshal(rec.Body, &e); err != nil {
			return []protocol.Reason{{Code: "malformed", Message: "记录无法解析：" + err.Error()}}
		}
		problems = cat.ValidateEnterprise(&e, forms.Draft)
	case protocol.KindSolution:
		var sol forms.Solution
		if err := json.Unmarshal(rec.Body, &sol); err != nil {
			return []protocol.Reason{{Code: "malformed", Message: "记录无法解析：" + err.Error()}}
		}
		if !sol.Status.Valid() {
			out = append(out, protocol.Reason{Field: "status", Code: "status", Message: "方案状态无法识别。"})
		}
		if !sol.Source.Valid() {
			out = append(out, protocol.Reason{Field: "source", Code: "source", Message: "方案来源无法识别。"})
		}
		if !protocol.ValidID(sol.NeedID) {
			out = append(out, protocol.Reason{Field: "need_id", Code: "required", Message: "方案必须对应一条需求。"})
		}
		problems = cat.ValidateSolution(&sol, forms.Draft)
	}
	for _, pr := range problems {
		if pr.Severity == forms.SeverityError {
			out = append(out, protocol.Reason{Field: pr.Field, Item: pr.Item, Code: pr.Code, Message: pr.Message(cat, "zh")})
		}
	}
	return out
}

func (s *session) Pull(ctx context.Context, cursor string, limit int, kinds []string) (client.Page, error) {
	m, err := s.enter(ctx, "pull")
	if err != nil {
		return client.Page{}, err
	}
	defer s.p.mu.Unlock()
	if limit <= 0 {
		limit = protocol.DefaultPullLimit
	}
	pos := s.p.position(cursor)
	page := client.Page{Changes: []protocol.Change{}}
	for ; pos < len(s.p.feed) && len(page.Changes) < limit; pos++ {
		if ev := s.p.feed[pos]; ev.team == m.team && asked(ev.change, kinds) {
			page.Changes = append(page.Changes, copyChange(ev.change))
		}
	}
	page.Cursor = s.p.id + "-" + strconv.Itoa(pos)
	page.More = pos < len(s.p.feed)
	return page, nil
}

// asked reports whether a change goes to a reader asking for the optional
// record kinds kinds: a record of an optional kind only when named.
func asked(c protocol.Change, kinds []string) bool {
	if c.Kind != protocol.ChangeRecord || !slices.Contains(protocol.OptionalKinds, c.Record.Kind) {
		return true
	}
	return slices.Contains(kinds, c.Record.Kind)
}

// position reads a cursor: an index into the feed, or 0 for a cursor of
// another platform (the feed starts over, which is harmless).
func (p *Platform) position(cursor string) int {
	rest, ok := strings.CutPrefix(cursor, p.id+"-")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || n > len(p.feed) {
		return 0
	}
	return n
}

func copyRecord(r protocol.Record) protocol.Record {
	r.Body = bytes.Clone(r.Body)
	return r
}

func copyChange(c protocol.Change) protocol.Change {
	if c.Record != nil {
		r := copyRecord(*c.Record)
		c.Record = &r
	}
	if c.Status != nil {
		st := *c.Status
		c.Status = &st
	}
	return c
}
