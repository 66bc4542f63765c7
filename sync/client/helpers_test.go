package client_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/platforms"
	"github.com/xunbang/xunbang/sync/platform"
)

var quiet = slog.New(slog.DiscardHandler)

// hub is a reference server on a loopback socket.
type hub struct {
	t   testing.TB
	srv *platform.Server
	ts  *httptest.Server
	URL string
}

func newHub(t testing.TB) *hub {
	t.Helper()
	srv, err := platform.Open(t.TempDir(), platform.Options{Logger: quiet, MaxInFlight: 16})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return &hub{t: t, srv: srv, ts: ts, URL: ts.URL}
}

func (h *hub) token(user, team string) string {
	tok, err := h.srv.CreateToken(context.Background(), user, team)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// revs returns "kind/id" => current revision of a team's records on the server.
func (h *hub) revs(team string) map[string]string {
	h.t.Helper()
	recs, err := h.srv.Records(context.Background(), "")
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range recs {
		if r.Team == team {
			out[r.Kind+"/"+r.ID] = r.Rev
		}
	}
	return out
}

func openStore(t testing.TB, dir, user, team string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dir, store.Options{User: user, Team: team, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// memKeyring is a keyring in memory.
type memKeyring struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *memKeyring) Get(service, account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.m[service+"|"+account]
	if !ok {
		return "", client.ErrNoToken
	}
	return s, nil
}

func (k *memKeyring) Set(service, account, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[service+"|"+account] = secret
	return nil
}

func (k *memKeyring) Delete(service, account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, service+"|"+account)
	return nil
}

// fastConfig retries quickly, so that fault tests stay short.
func fastConfig(url, token string) client.Config {
	return client.Config{
		Server: url, Token: token, Keyring: &memKeyring{}, Dial: platforms.Dial, BatchSize: 20, PullLimit: 50,
		Timeout: 5 * time.Second, RetryCount: 3, RetryWait: 2 * time.Millisecond, RetryMaxWait: 20 * time.Millisecond,
		Logger: quiet,
	}
}

func newClient(t testing.TB, st *store.Store, cfg client.Config) *client.Client {
	t.Helper()
	c, err := client.New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newEnterprise(name string) *forms.Enterprise {
	e := &forms.Enterprise{Values: forms.Values{}}
	e.Values.Set("enterprise_name", name)
	e.Values.Set("credit_code", "914403001922038216")
	e.Values.Set("region", "320505")
	e.Contacts = []forms.Contact{{Values: forms.Values{"contact_name": {"张三"}, "contact_mobile": {"13912345678"}}}}
	return e
}

func newNeed(entID, title string) *forms.Need {
	n := &forms.Need{EnterpriseID: entID, Status: forms.StatusDraft, Values: forms.Values{}}
	n.Values.Set("title", title)
	n.Values.Set("visibility", string(forms.VisibilityNamed))
	n.Values.Set("problem", "现有焊接工艺在高温下开裂，需要新的工艺路线。")
	return n
}

// seed saves one enterprise and n needs, and edits every third need once
// more, so that the outbox holds chains of revisions.
func seed(t testing.TB, st *store.Store, n int) (entID string, needIDs []string) {
	t.Helper()
	ctx := context.Background()
	e := newEnterprise("苏州某精密机械有限公司")
	if err := st.SaveEnterprise(ctx, e); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		nd := newNeed(e.ID, fmt.Sprintf("高温合金部件焊接工艺 %04d", i))
		if err := st.SaveNeed(ctx, nd); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			nd.Values.Set("title", fmt.Sprintf("高温合金部件焊接工艺 %04d（修订）", i))
			if err := st.SaveNeed(ctx, nd); err != nil {
				t.Fatal(err)
			}
		}
		needIDs = append(needIDs, nd.ID)
	}
	return e.ID, needIDs
}

// localRevs returns "kind/id" => current revision of every record in the store.
func localRevs(t testing.TB, st *store.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	if err := st.ForEachNeed(ctx, func(n *forms.Need) error { out["need/"+n.ID] = n.Rev; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.ForEachEnterprise(ctx, func(e *forms.Enterprise) error { out["enterprise/"+e.ID] = e.Rev; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// allLocalRevisions returns every revision id in the store's history.
func allLocalRevisions(t testing.TB, st *store.Store) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for key := range localRevs(t, st) {
		kind, id, _ := strings.Cut(key, "/")
		if kind == "need" {
			l, err := st.NeedRevisions(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range l {
				out = append(out, n.Rev)
			}
		} else {
			l, err := st.EnterpriseRevisions(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range l {
				out = append(out, e.Rev)
			}
		}
	}
	sort.Strings(out)
	return out
}

func diff(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s: %q vs %q", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s: missing vs %q", k, v))
		}
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = append(out[:5], fmt.Sprintf("… %d more", len(out)-5))
	}
	return strings.Join(out, "\n")
}

// assertInSync checks that the server holds exactly the store's records at
// the same revisions (none lost), that it stores no more revisions than the
// store has (none twice: the server keys revisions by id), and that nothing
// waits in the outbox. The server need not hold
// every local revision: a sync pushes each record's latest revision, not
// the autosaves in between.
func assertInSync(t testing.TB, h *hub, team string, st *store.Store) {
	t.Helper()
	local, server := localRevs(t, st), h.revs(team)
	if d := diff(local, server); d != "" {
		t.Fatalf("server and client differ (local vs server):\n%s\n%s", d, explainDiff(t, st, local, server))
	}
	revs := allLocalRevisions(t, st)
	n, err := h.srv.RevisionCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n < len(local) || n > len(revs) {
		t.Fatalf("server stores %d revisions of %d records; the client has %d revisions", n, len(local), len(revs))
	}
	stats, err := st.OutboxStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Pending != 0 || stats.Quarantined != 0 {
		t.Fatalf("outbox: %+v", stats)
	}
}

// confirm records the enterprise's confirmation of a stored need, as the
// confirmation screen does, so that the hub may publish it.
func confirm(t testing.TB, st *store.Store, needID string) {
	t.Helper()
	ctx := context.Background()
	n, err := st.Need(ctx, needID)
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.Enterprise(ctx, n.EnterpriseID)
	if err != nil {
		t.Fatal(err)
	}
	n.Status = forms.StatusToConfirm
	if err := forms.Default().Confirm(n, e, forms.Confirmation{At: time.Now(), Values: forms.Values{"confirmer_name": {"张三"}}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveNeed(ctx, n); err != nil {
		t.Fatal(err)
	}
}

// explainDiff says, for a failing assertInSync, what the store holds of the
// records that differ: each one's local history (revision ← base), what
// waits in its outbox or quarantine, and the conflicts kept.
func explainDiff(t testing.TB, st *store.Store, local, server map[string]string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for key, rev := range local {
		kind, id, _ := strings.Cut(key, "/")
		if server[key] == rev || kind != "need" {
			continue
		}
		l, err := st.NeedRevisions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s history:", key)
		for _, n := range l {
			fmt.Fprintf(&b, " %s←%s", shortID(n.Rev), shortID(n.BaseRev))
		}
		b.WriteString("\n")
	}
	q, err := st.QuarantinedOutbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range q {
		fmt.Fprintf(&b, "quarantined %s/%s %s←%s conflict=%v reasons=%v\n", e.Kind, e.ID, shortID(e.Rev), shortID(e.BaseRev), e.Conflict, e.Reasons)
	}
	p, err := st.Outbox(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range p {
		fmt.Fprintf(&b, "pending %s/%s %s←%s attempts=%d\n", e.Kind, e.ID, shortID(e.Rev), shortID(e.BaseRev), e.Attempts)
	}
	return b.String()
}

func shortID(s string) string {
	if len(s) > 8 {
		return s[:8]
	}
	return s
}
