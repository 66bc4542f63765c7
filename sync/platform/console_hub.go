package platform

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/xlsx"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// teamCounts are one line of the hub's dashboard: the organisers' counts
// (forms.Counts, the one definition the desktop's 工作台 and the report
// use) and the hub's own — needs waiting for a verdict, returned, never
// reviewed.
type teamCounts struct {
	Team string
	forms.Counts
	Waiting, Returned, Unreviewed int
	// Solutions received (揭榜) join forms.Counts.Solutions once solutions
	// land on the hub (issue 15).
}

type dashboardData struct {
	Total   teamCounts
	Teams   []teamCounts
	ByState []stateCount
	Exports bool
}

type stateCount struct {
	State protocol.PlatformState
	N     int
}

// asVerdictMakesIt is a need as its team's laptop will hold it once the
// hub's verdict reaches it: the counts of the hub and of the desktop then
// agree.
func asVerdictMakesIt(n *forms.Need, h *hubstore.Head) {
	if h.State == "" {
		return
	}
	n.Platform.State, n.Platform.URL = h.State.Label("zh"), h.URL
	if to := h.State.LocalStatus(); forms.CanTransition(n.Status, to) {
		n.Status = to
	}
}

// countHub counts the needs (and enterprises) a user may see, per team and
// in all, through forms.FactsOf and forms.Tally.
func (c *console) countHub(ctx context.Context, u *hubstore.User) (dashboardData, error) {
	var d dashboardData
	cat := forms.Default()
	tallies, hub := map[string]*forms.Tally{}, map[string]*teamCounts{}
	all := forms.NewTally()
	team := func(name string) (*forms.Tally, *teamCounts) {
		if _, ok := tallies[name]; !ok {
			tallies[name], hub[name] = forms.NewTally(), &teamCounts{Team: name}
		}
		return tallies[name], hub[name]
	}
	states := map[protocol.PlatformState]int{}
	err := c.s.store.View(ctx, func(tx hubstore.Tx) error {
		if err := tx.Heads(protocol.KindEnterprise, func(h *hubstore.Head) error {
			if !inScope(u, h.Team, h.Region) {
				return nil
			}
			e := &forms.Enterprise{ID: h.Team + "/" + h.ID}
			t, _ := team(h.Team)
			t.AddEnterprise(e, "")
			all.AddEnterprise(e, "")
			return nil
		}); err != nil {
			return err
		}
		return tx.Heads(protocol.KindNeed, func(h *hubstore.Head) error {
			eh, region, err := needRegion(tx, h)
			if err != nil || !inScope(u, h.Team, region) {
				return err
			}
			n, e, err := c.s.currentNeed(tx, h, eh)
			if err != nil {
				return err
			}
			asVerdictMakesIt(n, h)
			f := cat.FactsOf(n, e, nil, "")
			f.Enterprise = h.Team + "/" + f.Enterprise
			t, hc := team(h.Team)
			t.AddNeed(f)
			all.AddNeed(f)
			sum, err := c.summary(tx, h, eh)
			if err != nil {
				return err
			}
			for _, x := range []*teamCounts{hc, &d.Total} {
				if waiting(h, sum) {
					x.Waiting++
				}
				switch h.State {
				case "":
					x.Unreviewed++
				case protocol.StateReturned:
					x.Returned++
				}
			}
			states[h.State]++
			return nil
		})
	})
	for _, name := range sortedKeys(mapKeys(hub)) {
		t := *hub[name]
		t.Counts = tallies[name].Counts()
		d.Teams = append(d.Teams, t)
	}
	d.Total.Counts = all.Counts()
	for _, st := range protocol.PlatformStates {
		if states[st] > 0 {
			d.ByState = append(d.ByState, stateCount{st, states[st]})
		}
	}
	return d, err
}

func mapKeys[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func (c *console) dashboard(w http.ResponseWriter, r *http.Request, v *visitor) {
	d, err := c.countHub(r.Context(), v.User)
	if err != nil {
		c.log.Error("console dashboard failed", "err", err)
		c.fail(w, r, v, http.StatusInternalServerError, "err.count")
		return
	}
	d.Exports = v.Admin()
	c.render(w, r, http.StatusOK, "hub", page{Title: langOf(r).t("hub.title"), Nav: "hub", V: v, Data: d})
}

// hubRecords are the hub's current records, opened with its key, as the
// Excel exporters read them (xlsx.Records): every team's, each need with
// the hub's verdict on it. With public, only the needs the hub shows, each
// as the revision its verdict published (the 《技术需求汇编》: what is
// public, not what was edited since).
type hubRecords struct {
	s      *Server
	public bool
}

func (h hubRecords) ForEachEnterprise(ctx context.Context, fn func(*forms.Enterprise) error) error {
	return h.s.store.View(ctx, func(tx hubstore.Tx) error {
		return tx.Heads(protocol.KindEnterprise, func(hd *hubstore.Head) error {
			var e forms.Enterprise
			if err := h.s.decodeRevision(tx, hd.Rev, &e); err != nil {
				return err
			}
			return fn(&e)
		})
	})
}

func (h hubRecords) ForEachNeed(ctx context.Context, fn func(*forms.Need) error) error {
	return h.s.store.View(ctx, func(tx hubstore.Tx) error {
		return tx.Heads(protocol.KindNeed, func(hd *hubstore.Head) error {
			rev, pub := hd.Rev, (*protocol.PublicNeed)(nil)
			if h.public {
				var shown bool
				var err error
				if pub, shown, err = h.s.publicView(tx, hd); err != nil || !shown {
					return err
				}
				rev = hd.PublicRev
			}
			var n forms.Need
			if err := h.s.decodeRevision(tx, rev, &n); err != nil {
				return err
			}
			if hd.State != "" { // the verdict, as the team's laptops take it
				n.Platform = forms.Platform{State: hd.State.Label("zh"), URL: hd.URL, UpdatedAt: hd.StateAt}
			}
			if pub != nil && pub.Visibility == string(forms.VisibilityAnonymous) {
				// printed no finer than its page shows it
				n.Platform.RegionShown, n.Platform.Region = true, pub.Region
			}
			if h.public && !n.Status.Published() {
				n.Status = hd.State.LocalStatus() // published by the hub's verdict
			}
			return fn(&n)
		})
	})
}

// exportOptions are what the console's exports take of the hub: the clock,
// and its public address, where the handbook's needs are read and answered.
type exportOptions struct {
	now func() time.Time
	hub string
}

// exports are the files the console writes of the whole hub.
var exports = map[string]struct {
	name  string
	write func(ctx context.Context, w http.ResponseWriter, recs xlsx.Records, o exportOptions) (xlsx.ExportStats, error)
	// public: the file is published (the handbook), so it holds the needs
	// as the hub shows them (hubRecords.public).
	public bool
}{
	"platform": {"平台批量上传表", func(ctx context.Context, w http.ResponseWriter, recs xlsx.Records, o exportOptions) (xlsx.ExportStats, error) {
		return xlsx.WritePlatform(ctx, w, recs, xlsx.PlatformOptions{Now: o.now})
	}, false},
	"handbook": {"技术需求汇编", func(ctx context.Context, w http.ResponseWriter, recs xlsx.Records, o exportOptions) (xlsx.ExportStats, error) {
		return xlsx.WriteHandbook(ctx, w, recs, xlsx.HandbookOptions{Now: o.now, HubPublicURL: o.hub})
	}, true},
	"report": {"统计报表", func(ctx context.Context, w http.ResponseWriter, recs xlsx.Records, o exportOptions) (xlsx.ExportStats, error) {
		return xlsx.WriteReport(ctx, w, recs, xlsx.ReportOptions{Now: o.now})
	}, false},
}

// export writes one of the hub's Excel files: the whole hub, every team.
func (c *console) export(w http.ResponseWriter, r *http.Request, v *visitor) {
	what := r.PathValue("what")
	ex, ok := exports[what]
	if !ok {
		c.fail(w, r, v, http.StatusNotFound, "err.noExport")
		return
	}
	now := c.s.opt.Now
	file := fmt.Sprintf("%s-%s.xlsx", ex.name, now().In(displayZone).Format("20060102-1504"))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"export.xlsx\"; filename*=UTF-8''"+urlPathEscape(file))
	st, err := ex.write(r.Context(), w, hubRecords{c.s, ex.public}, exportOptions{now: now, hub: c.s.opt.PublicURL})
	if err != nil {
		// The headers are gone: the download ends short and the browser
		// reports it failed.
		c.log.Error("console export failed", "what", what, "err", err)
		return
	}
	c.auditEntry(r.Context(), hubstore.AuditEntry{User: v.User.Name, Action: auditExport, Target: what,
		Detail: strconv.Itoa(st.Needs) + " 条", Addr: clientAddr(r)})
}

// auditRow is one line of the 操作记录 page.
type auditRow struct {
	Seq uint64
	*hubstore.AuditEntry
}

type auditData struct {
	Rows []auditRow
	Next uint64
}

// auditPage is how many entries one page of the audit shows.
const auditPage = 100

func (c *console) audit(w http.ResponseWriter, r *http.Request, v *visitor) {
	before, _ := strconv.ParseUint(r.URL.Query().Get("before"), 10, 64)
	var d auditData
	err := c.s.store.View(r.Context(), func(tx hubstore.Tx) error {
		return tx.Audit(before, func(seq uint64, e *hubstore.AuditEntry) (bool, error) {
			if len(d.Rows) == auditPage {
				d.Next = d.Rows[len(d.Rows)-1].Seq
				return false, nil
			}
			d.Rows = append(d.Rows, auditRow{seq, e})
			return true, nil
		})
	})
	if err != nil {
		c.log.Error("console audit failed", "err", err)
		c.fail(w, r, v, http.StatusInternalServerError, "err.readAudit")
		return
	}
	c.render(w, r, http.StatusOK, "audit", page{Title: langOf(r).t("audit.title"), Nav: "audit", V: v, Data: d})
}
