package platform

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// specialSessionField is the need field naming the 专场 (a themed
// collection campaign) a need was gathered for. The catalogue has no such
// field yet: the queue offers the 专场 filter once it does.
const specialSessionField = "special_session"

// queuePage is how many needs one page of the queue lists.
const queuePage = 50

// inScope reports whether a user may see a need of a team whose
// enterprise lies in region.
func inScope(u *hubstore.User, team, region string) bool {
	if u.Role == hubstore.RoleAdmin {
		return true
	}
	if slices.Contains(u.Teams, team) {
		return true
	}
	for _, r := range u.Regions {
		if region != "" && strings.HasPrefix(region, forms.RegionCodePrefix(r)) {
			return true
		}
	}
	return false
}

// needRegion is the region of a need's enterprise, as its team recorded it.
func needRegion(tx hubstore.Tx, h *hubstore.Head) (*hubstore.Head, string, error) {
	eh, err := tx.Head(protocol.KindEnterprise, h.EnterpriseID)
	if errors.Is(err, hubstore.ErrNotFound) || err == nil && eh.Team != h.Team {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	return eh, eh.Region, nil
}

// needSummary is what the queue shows of a need's current revision. It
// depends only on the need's and its enterprise's revisions, which never
// change, so it is kept in memory by their ids.
type needSummary struct {
	Title, Enterprise, Session, Conclusion string
	Status                                 forms.Status
	Visibility                             forms.Visibility
	Confirmed                              bool
}

// maxSummaries bounds the summaries kept in memory.
const maxSummaries = 100000

func (c *console) summary(tx hubstore.Tx, h, eh *hubstore.Head) (*needSummary, error) {
	key := h.Rev + "/"
	if eh != nil {
		key += eh.Rev
	}
	c.mu.Lock()
	sum, ok := c.summaries[key]
	c.mu.Unlock()
	if ok {
		return sum, nil
	}
	n, e, err := c.s.currentNeed(tx, h, eh)
	if err != nil {
		return nil, err
	}
	cat := forms.Default()
	sum = &needSummary{Title: n.Title(), Session: n.Values.Get(specialSessionField), Status: n.Status,
		Visibility: n.Visibility(), Confirmed: cat.ConfirmationCurrent(n, e)}
	if e != nil {
		sum.Enterprise = e.Name()
	}
	if n.Diagnosis != nil {
		sum.Conclusion = n.Diagnosis.Conclusion()
	}
	c.mu.Lock()
	if len(c.summaries) >= maxSummaries {
		clear(c.summaries)
	}
	c.summaries[key] = sum
	c.mu.Unlock()
	return sum, nil
}

// currentNeed opens a need's current revision and its enterprise's (eh may
// be nil: no enterprise of the team).
func (s *Server) currentNeed(tx hubstore.Tx, h, eh *hubstore.Head) (*forms.Need, *forms.Enterprise, error) {
	var n forms.Need
	if err := s.decodeRevision(tx, h.Rev, &n); err != nil {
		return nil, nil, err
	}
	if eh == nil {
		return &n, nil, nil
	}
	var e forms.Enterprise
	if err := s.decodeRevision(tx, eh.Rev, &e); err != nil {
		return nil, nil, err
	}
	return &n, &e, nil
}

// waiting reports whether a need waits for a verdict: confirmed by its
// enterprise, and without a verdict, under review, or returned and edited
// since.
func waiting(h *hubstore.Head, sum *needSummary) bool {
	if !sum.Status.AfterConfirmation() || !sum.Confirmed {
		return false
	}
	return h.State == "" || h.State == protocol.StateReviewing || h.State == protocol.StateReturned && h.UpdatedAt.After(h.StateAt)
}

// queueFilter is the queue's filter form.
type queueFilter struct {
	Team, Region, State, Session, From, To string
	Page                                   int
}

func parseQueueFilter(q url.Values) queueFilter {
	f := queueFilter{Team: q.Get("team"), Region: strings.TrimSpace(q.Get("region")), State: q.Get("state"),
		Session: q.Get("session"), From: q.Get("from"), To: q.Get("to")}
	if f.State == "" {
		f.State = "waiting"
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)
	return f
}

// query writes the filter back as a query string, on another page.
func (f queueFilter) query(page int) string {
	v := url.Values{}
	for k, s := range map[string]string{"team": f.Team, "region": f.Region, "state": f.State, "session": f.Session, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

func (f queueFilter) match(h *hubstore.Head, region string, sum *needSummary) bool {
	switch {
	case f.Team != "" && h.Team != f.Team:
		return false
	case f.Region != "" && !strings.HasPrefix(region, forms.RegionCodePrefix(f.Region)):
		return false
	case f.Session != "" && sum.Session != f.Session:
		return false
	}
	day := h.UpdatedAt.In(displayZone).Format("2006-01-02")
	if f.From != "" && day < f.From || f.To != "" && day > f.To {
		return false
	}
	switch f.State {
	case "all":
		return true
	case "waiting":
		return waiting(h, sum)
	case "none":
		return h.State == ""
	case "unconfirmed":
		return !sum.Confirmed
	}
	return string(h.State) == f.State
}

// queueItem is one line of the queue.
type queueItem struct {
	ID, Team, RegionName string
	State                protocol.PlatformState
	UpdatedAt            time.Time
	Waiting              bool
	*needSummary
}

type queueData struct {
	Filter         queueFilter
	Items          []queueItem
	Total          int
	Prev, Next     string
	Teams          []string
	States         []protocol.PlatformState
	Sessions       []string
	HasSessions    bool
	RegionName     string
	ScopeTeams     []string
	ScopeRegions   []string
	WaitingInScope int
}

func (c *console) queue(w http.ResponseWriter, r *http.Request, v *visitor) {
	f := parseQueueFilter(r.URL.Query())
	d := queueData{Filter: f, States: protocol.PlatformStates}
	_, d.HasSessions = forms.Default().Field(specialSessionField)
	teams, sessions := map[string]bool{}, map[string]bool{}
	regions := forms.Regions()
	err := c.s.store.View(r.Context(), func(tx hubstore.Tx) error {
		return tx.Heads(protocol.KindNeed, func(h *hubstore.Head) error {
			eh, region, err := needRegion(tx, h)
			if err != nil {
				return err
			}
			if !inScope(v.User, h.Team, region) {
				return nil
			}
			sum, err := c.summary(tx, h, eh)
			if err != nil {
				return err
			}
			teams[h.Team] = true
			if sum.Session != "" {
				sessions[sum.Session] = true
			}
			wait := waiting(h, sum)
			if wait {
				d.WaitingInScope++
			}
			if !f.match(h, region, sum) {
				return nil
			}
			d.Items = append(d.Items, queueItem{ID: h.ID, Team: h.Team, RegionName: regions.FullName(region), State: h.State,
				UpdatedAt: h.UpdatedAt, Waiting: wait, needSummary: sum})
			return nil
		})
	})
	if err != nil {
		c.log.Error("console queue failed", "err", err)
		c.fail(w, r, v, http.StatusInternalServerError, "err.readNeeds")
		return
	}
	// Oldest waiting first (first come, first reviewed); else newest first.
	slices.SortFunc(d.Items, func(a, b queueItem) int {
		if f.State == "waiting" {
			return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.ID, b.ID))
		}
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(a.ID, b.ID))
	})
	d.Total = len(d.Items)
	start := min((f.Page-1)*queuePage, d.Total)
	end := min(start+queuePage, d.Total)
	if start > 0 {
		d.Prev = f.query(f.Page - 1)
	}
	if end < d.Total {
		d.Next = f.query(f.Page + 1)
	}
	d.Items = d.Items[start:end]
	d.Teams = sortedKeys(teams)
	d.Sessions = sortedKeys(sessions)
	if f.Region != "" {
		d.RegionName = regions.FullName(f.Region)
	}
	d.ScopeTeams = v.User.Teams
	for _, code := range v.User.Regions {
		d.ScopeRegions = append(d.ScopeRegions, regions.FullName(code))
	}
	c.render(w, r, http.StatusOK, "queue", page{Title: langOf(r).t("queue.title"), Nav: "needs", V: v, Data: d})
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// fieldRow is one field of a record as the console shows it.
type fieldRow struct {
	Label, Value string
	Class        forms.DataClass
	Long         bool
}

// criterionRow is one diagnosis criterion.
type criterionRow struct {
	Label, Verdict, Code, Comment string
}

type needData struct {
	ID, Team, RegionName string
	Head                 *hubstore.Head
	Title                string
	Status               forms.Status
	Visibility           forms.Visibility
	Need, Enterprise     []fieldRow
	Contacts             [][]fieldRow
	Criteria             []criterionRow
	Conclusion, Summary  string
	DiagnosedBy          string
	DiagnosedAt          time.Time
	Confirmation         *confirmationData
	Comment              string
	PublicNote           string
	SuggestURL           string
	States               []protocol.PlatformState
	Solutions            string
	// Typed is the verdict form as posted, when it was refused.
	Typed *verdictForm
}

// verdictForm is what the verdict form posts.
type verdictForm struct {
	State, URL, Comment string
}

type confirmationData struct {
	Name, Position, Method string
	At                     time.Time
	Visibility             forms.Visibility
	Hash                   string
	Current, Signature     bool
}

// scopedNeed finds a need the visitor may see; false when there is none
// or it is out of the visitor's scope (the same answer, so that a reviewer
// learns nothing of needs outside their scope).
func (c *console) scopedNeed(tx hubstore.Tx, v *visitor, id string) (*hubstore.Head, *hubstore.Head, string, bool, error) {
	h, err := tx.Head(protocol.KindNeed, id)
	if errors.Is(err, hubstore.ErrNotFound) {
		return nil, nil, "", false, nil
	}
	if err != nil {
		return nil, nil, "", false, err
	}
	eh, region, err := needRegion(tx, h)
	if err != nil || !inScope(v.User, h.Team, region) {
		return nil, nil, "", false, err
	}
	return h, eh, region, true, nil
}

var errOutOfScope = errors.New("no such need in scope")

func (c *console) need(w http.ResponseWriter, r *http.Request, v *visitor) {
	c.showNeed(w, r, v, http.StatusOK, "", nil)
}

// showNeed draws a need's page; after a refused verdict, with the error
// (as shown) and the form as it was posted.
func (c *console) showNeed(w http.ResponseWriter, r *http.Request, v *visitor, status int, msg string, typed *verdictForm) {
	id := r.PathValue("id")
	l := langOf(r)
	var d needData
	err := c.s.store.View(r.Context(), func(tx hubstore.Tx) error {
		h, eh, region, ok, err := c.scopedNeed(tx, v, id)
		if err != nil {
			return err
		}
		if !ok {
			return errOutOfScope
		}
		n, e, err := c.s.currentNeed(tx, h, eh)
		if err != nil {
			return err
		}
		d = c.needView(l, h, n, e, region)
		if d.Comment, err = c.s.seal.openComment(id, h.Comment); err != nil {
			c.log.Warn("a review comment did not open", "need", id, "err", err)
		}
		return nil
	})
	if errors.Is(err, errOutOfScope) {
		c.fail(w, r, v, http.StatusNotFound, "err.noNeed")
		return
	}
	if err != nil {
		c.log.Error("console need failed", "need", id, "err", err)
		c.fail(w, r, v, http.StatusInternalServerError, "err.readNeed")
		return
	}
	d.Typed = typed
	title := d.Title
	if title == "" {
		title = l.t("untitled")
	}
	c.render(w, r, status, "need", page{Title: title, Nav: "needs", V: v, Data: d, Error: msg})
}

// needView is the need page's content, its labels in l.
func (c *console) needView(l lang, h *hubstore.Head, n *forms.Need, e *forms.Enterprise, region string) needData {
	cat := forms.Default()
	d := needData{ID: h.ID, Team: h.Team, Head: h, Title: n.Title(), Status: n.Status, Visibility: n.Visibility(),
		RegionName: forms.Regions().FullName(region), States: protocol.PlatformStates}
	d.Need = fieldRows(l, cat, forms.EntityNeed, n.Values)
	if e != nil {
		d.Enterprise = fieldRows(l, cat, forms.EntityEnterprise, e.Values)
		for _, ct := range e.Contacts {
			d.Contacts = append(d.Contacts, fieldRows(l, cat, forms.EntityContact, ct.Values))
		}
	}
	if dg := n.Diagnosis; dg != nil {
		for _, id := range forms.DiagnosisCriteria {
			f := cat.MustField(id)
			code := dg.Values.Get(id)
			d.Criteria = append(d.Criteria, criterionRow{Label: f.Label(string(l)), Code: code,
				Verdict: displayValue(l, cat, f, dg.Values.List(id)), Comment: dg.Values.Get(id + "_comment")})
		}
		d.Conclusion = displayValue(l, cat, cat.MustField("diag_conclusion"), dg.Values.List("diag_conclusion"))
		d.Summary, d.DiagnosedBy, d.DiagnosedAt = dg.Values.Get("diag_summary"), dg.By, dg.At
	}
	if cf := n.Confirmation; cf != nil {
		d.Confirmation = &confirmationData{
			Name: cf.Values.Get("confirmer_name"), Position: cf.Values.Get("confirmer_position"),
			Method: displayValue(l, cat, cat.MustField("confirmation_method"), cf.Values.List("confirmation_method")),
			At:     cf.At, Visibility: cf.Visibility, Hash: cf.ContentHash,
			Current: cat.ConfirmationCurrent(n, e), Signature: len(cf.Signature) > 0,
		}
	}
	switch {
	case d.Visibility == forms.VisibilityPrivate:
		d.PublicNote = l.t("need.notePrivate")
	case d.Confirmation == nil:
		d.PublicNote = l.t("need.noteUnconfirmed")
	case !d.Confirmation.Current:
		d.PublicNote = l.t("need.noteStale")
	}
	if c.s.opt.PublicURL != "" {
		d.SuggestURL = forms.PublicPageURL(c.s.opt.PublicURL, h.ID)
	}
	// 揭榜: the solutions received for this need are listed here once
	// solutions land on the hub (issue 15).
	return d
}

// fieldRows lists an entity's filled fields in catalogue order, labelled
// in l.
func fieldRows(l lang, cat *forms.Catalogue, entity forms.Entity, vals forms.Values) []fieldRow {
	var out []fieldRow
	for _, f := range cat.Fields(entity) {
		v := vals.List(f.ID)
		if len(v) == 0 || len(v) == 1 && v[0] == "" {
			continue
		}
		out = append(out, fieldRow{Label: f.Label(string(l)), Value: displayValue(l, cat, f, v), Class: f.Class, Long: f.Kind == forms.KindLongText})
	}
	return out
}

// displayValue writes a field's value as a person reads it: the words of
// its options and the units in lang; what was typed, as typed.
func displayValue(lang lang, cat *forms.Catalogue, f *forms.Field, l []string) string {
	if len(l) == 0 {
		return ""
	}
	switch f.Kind {
	case forms.KindEnum, forms.KindMultiEnum:
		voc := cat.Vocabulary(f.Vocabulary)
		out := make([]string, len(l))
		for i, code := range l {
			out[i] = code
			if voc != nil {
				out[i] = voc.Label(code, string(lang))
			}
		}
		return strings.Join(out, lang.t("value.listSep"))
	case forms.KindRegion:
		return forms.Regions().FullName(l[0])
	case forms.KindBool:
		if l[0] == "true" {
			return lang.t("value.yes")
		}
		return lang.t("value.no")
	case forms.KindMoney:
		return lang.t("value.money", l[0])
	case forms.KindKeywords:
		return strings.Join(l, lang.t("value.listSep"))
	}
	return strings.Join(l, lang.t("value.textSep"))
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

func (c *console) signature(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	var sig []byte
	err := c.s.store.View(r.Context(), func(tx hubstore.Tx) error {
		h, eh, _, ok, err := c.scopedNeed(tx, v, id)
		if err != nil || !ok {
			return err
		}
		n, _, err := c.s.currentNeed(tx, h, eh)
		if err == nil && n.Confirmation != nil {
			sig = n.Confirmation.Signature
		}
		return err
	})
	if err != nil || !bytes.HasPrefix(sig, pngMagic) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(sig)
}

func (c *console) reviewNeed(w http.ResponseWriter, r *http.Request, v *visitor) {
	id := r.PathValue("id")
	err := c.s.store.View(r.Context(), func(tx hubstore.Tx) error {
		_, _, _, ok, err := c.scopedNeed(tx, v, id)
		if err == nil && !ok {
			err = errOutOfScope
		}
		return err
	})
	if errors.Is(err, errOutOfScope) {
		c.fail(w, r, v, http.StatusNotFound, "err.noNeed")
		return
	}
	state, pubURL, comment := r.PostFormValue("state"), strings.TrimSpace(r.PostFormValue("url")), strings.TrimSpace(r.PostFormValue("comment"))
	if err == nil {
		if len([]rune(comment)) > 2000 {
			err = consoleError{id: "err.commentLong"}
		} else {
			err = c.s.review(r.Context(), id, state, pubURL, comment,
				&hubstore.AuditEntry{User: v.User.Name, Action: auditReview, Addr: clientAddr(r)})
		}
	}
	l := langOf(r)
	if err != nil {
		msg := userMessage(l, err)
		if !errors.As(err, new(consoleError)) {
			msg = reviewMessage(l, err)
		}
		c.log.Info("console review refused", "need", id, "err", err)
		// The page again, with what was typed: a comment is not lost.
		c.showNeed(w, r, v, http.StatusBadRequest, l.t("err.notRecorded", msg), &verdictForm{State: state, URL: pubURL, Comment: comment})
		return
	}
	st, _ := protocol.ParsePlatformState(state)
	addLogAttrs(r.Context(), "need", id, "state", string(st))
	http.Redirect(w, r, flashURL("/console/needs/"+url.PathEscape(id), "flash.reviewed", st.Label(string(l))), http.StatusSeeOther)
}

// notPublishable are the reasons a verdict 已发布 is refused, and their
// messages: the console's, and the command line's (RefusalMessage).
// reason names it on the admin endpoint's wire (409 not_publishable, with
// the reason as the message), where ReviewRemote reads it back.
var notPublishable = []struct {
	err         error
	reason, msg string
}{
	{ErrPrivateNeed, "private", "err.reviewPrivate"},
	{ErrUnconfirmedNeed, "unconfirmed", "err.reviewUnconfirmed"},
	{ErrNamesEnterprise, "names_enterprise", "err.reviewNamesEnterprise"},
	{ErrNoEnterprise, "no_enterprise", "err.reviewNoEnterprise"},
	{ErrOnceNamed, "once_named", "err.reviewOnceNamed"},
	{ErrNamesPlace, "names_place", "err.reviewNamesPlace"},
}

// refusalReason is the wire reason of a refusal to publish, "" for
// another error; refusalOf is the refusal a reason names (an unknown one,
// from a newer hub, is a refusal all the same).
func refusalReason(err error) string {
	for _, r := range notPublishable {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return ""
}

func refusalOf(reason string) error {
	for _, r := range notPublishable {
		if r.reason == reason {
			return r.err
		}
	}
	return ErrNotPublishable
}

// RefusalMessage says, in language ("zh" or "en"), why Review refused to
// publish a need (an error wrapping ErrNotPublishable), and what to do; false
// for any other error.
func RefusalMessage(err error, language string) (string, bool) {
	l := langZH
	if language == "en" {
		l = langEN
	}
	for _, r := range notPublishable {
		if errors.Is(err, r.err) {
			return l.t(r.msg), true
		}
	}
	return "", false
}

// reviewMessage maps Review's errors to the console's words.
func reviewMessage(l lang, err error) string {
	if msg, ok := RefusalMessage(err, string(l)); ok {
		return msg
	}
	s := err.Error()
	switch {
	case strings.Contains(s, "unknown platform state"):
		return l.t("err.reviewState")
	case errors.Is(err, ErrNoPublicURL) || strings.Contains(s, "needs the public URL"):
		return l.t("err.reviewURL")
	case strings.Contains(s, "is not a web address"):
		return l.t("err.reviewWebAddress")
	case errors.Is(err, context.Canceled):
		return l.t("err.canceled")
	}
	return l.t("err.saveFailed")
}
