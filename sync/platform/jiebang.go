package platform

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/keys"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// The 揭榜 form: a provider answers a published need with the fields of
// 《技术需求解决方案表》 and consents to the notice on how the contact data
// is used; the hub stores the solution, sealed, in the name of the need's
// team (which alone will see it, through its feed) and shows a receipt
// number. Protection needs no third party and no cookie:
//
//   - a token in the form, an HMAC under a key derived from the hub's key
//     of the need's id and the time the form was served: a form for another
//     need, a forged one, one sent back sooner than MinFillTime or later
//     than FormLifetime is shown again (filled in, with a fresh token);
//     the token also names the solution, so a form sent twice (a double
//     click, a retry) stores one solution and shows its receipt again;
//   - a hidden honeypot field that people leave empty: a form with it
//     filled is thanked and dropped;
//   - a bucket of submissions per address (429 past it, the form kept), a
//     bound on the form's size and on every field's length (the
//     catalogue's), and html/template escaping everywhere a value is shown.
//
// Nothing is half stored: the revision, its head, its feed event and its
// link to the need are one transaction. Nothing of what a provider typed
// is ever logged.

// NoticeVersion names the wording of the notice on the 揭榜 form
// (pages/form.html), recorded with each provider's consent. Change it
// whenever the wording changes.
const NoticeVersion = "jiebang-notice-2026-1"

// honeypotField is the hidden field people leave empty.
const honeypotField = "leave_blank"

// publicSubmitter is the CreatedBy of a solution sent on the public page.
const publicSubmitter = "公开页揭榜"

// formToken signs (need id, time served, a nonce): every form served has
// a token of its own, which names the solution it will make.
func (s *Server) formToken(needID string, at time.Time) string {
	ts := strconv.FormatInt(at.Unix(), 36) + "." + base64.RawURLEncoding.EncodeToString(keys.Random(9))
	mac := keys.MAC(s.seal.formKey, []byte("jiebang"), []byte(needID), []byte(ts))
	return ts + "." + base64.RawURLEncoding.EncodeToString(mac[:18])
}

// tokenError is why a token is not taken.
type tokenError int

const (
	tokenOK tokenError = iota
	tokenBad
	tokenTooFast
	tokenExpired
)

// checkToken checks a form's token for a need at now.
func (s *Server) checkToken(tok, needID string, now time.Time) tokenError {
	i := strings.LastIndexByte(tok, '.')
	if i < 0 || len(tok) > 100 {
		return tokenBad
	}
	signed, sig := tok[:i], tok[i+1:]
	got, err := base64.RawURLEncoding.DecodeString(sig)
	want := keys.MAC(s.seal.formKey, []byte("jiebang"), []byte(needID), []byte(signed))
	if err != nil || !hmac.Equal(got, want[:18]) {
		return tokenBad
	}
	ts, _, _ := strings.Cut(signed, ".")
	sec, err := strconv.ParseInt(ts, 36, 64)
	if err != nil {
		return tokenBad
	}
	age := now.Sub(time.Unix(sec, 0))
	switch {
	case age < s.pages.opt.MinFillTime:
		return tokenTooFast
	case age > s.pages.opt.FormLifetime:
		return tokenExpired
	}
	return tokenOK
}

// solutionID is the id of the solution a form with this token makes: the
// same token, the same solution.
func (s *Server) solutionID(tok string) string {
	mac := keys.MAC(s.seal.formKey, []byte("solution-id"), []byte(tok))
	return forms.NewIDFrom(binary.BigEndian.Uint64(mac[:8]), binary.BigEndian.Uint64(mac[8:16]))
}

// formPage is the 揭榜 form.
type formPage struct {
	common
	Need         *needView
	Token        string
	Fields       []formField
	Errors       []string
	Message      string
	Consent      bool
	ConsentError string
	Honeypot     string
}

type formField struct {
	ID, Label, Help, Kind, Value, Error string
	Autocomplete, InputMode             string
	Required                            bool
	MaxLen                              int
	Options                             []formOption
}

type formOption struct {
	Code, Label string
	Selected    bool
}

// formFields are the solution fields a provider fills in: the catalogue's,
// but for the officials' own (section "tracking").
func formFields() []*forms.Field {
	var out []*forms.Field
	for _, f := range forms.Default().Fields(forms.EntitySolution) {
		if f.Section != "tracking" {
			out = append(out, f)
		}
	}
	return out
}

var autocomplete = map[string]string{
	"provider_name": "organization", "solution_contact": "name", "solution_position": "organization-title",
	"solution_phone": "tel", "solution_email": "email",
}

// newFormPage builds the form for a need, filled with raw (what was sent)
// and with the problems per field.
func (s *Server) newFormPage(site Site, nv *needView, raw map[string]string, problems map[string]string) *formPage {
	cat := forms.Default()
	p := &formPage{common: common{Title: "揭榜：" + nv.Title, Site: site}, Need: nv,
		Token: s.formToken(nv.ID, s.opt.Now()), Honeypot: honeypotField}
	for _, f := range formFields() {
		ff := formField{ID: f.ID, Label: f.Label("zh"), Help: f.Help("zh"), Value: raw[f.ID], Error: problems[f.ID],
			Required: f.Required, MaxLen: f.MaxLen, Autocomplete: autocomplete[f.ID], Kind: "text"}
		switch f.Kind {
		case forms.KindLongText:
			ff.Kind = "textarea"
		case forms.KindEmail:
			ff.Kind = "email"
		case forms.KindMoney:
			ff.InputMode = "decimal"
		case forms.KindEnum:
			ff.Kind = "select"
			if f.ID == "provider_type" {
				ff.Kind = "radio"
			}
			for _, o := range cat.Vocabulary(f.Vocabulary).Options {
				ff.Options = append(ff.Options, formOption{Code: o.Code, Label: o.ZH, Selected: raw[f.ID] == o.Code})
			}
		}
		if f.ID == "solution_phone" {
			ff.Kind = "tel"
		}
		p.Fields = append(p.Fields, ff)
	}
	return p
}

func (s *Server) pageForm(w http.ResponseWriter, r *http.Request) {
	if !s.viewAllowed(w, r) {
		return
	}
	site := s.siteOrZero(r.Context())
	pub, ok := s.loadPublic(w, r, site)
	if !ok {
		return
	}
	if !site.Open(s.opt.Now()) {
		s.closedPage(w, r, site)
		return
	}
	s.render(w, r, http.StatusOK, "form", s.newFormPage(site, s.viewOf(pub), nil, nil))
}

func (s *Server) closedPage(w http.ResponseWriter, r *http.Request, site Site) {
	s.status(w, r, site, http.StatusForbidden, "征集已截止", "本次解决方案征集已于 "+site.Deadline+" 截止，不再受理在线提交。")
}

// cleanInput makes submitted text safe to keep: valid UTF-8, line breaks
// as \n, no other control characters.
func cleanInput(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
}

// maxRawField bounds a field as sent, before the catalogue's own limit is
// checked on what is kept.
const maxRawField = 8000

func (s *Server) pageSubmit(w http.ResponseWriter, r *http.Request) {
	site := s.siteOrZero(r.Context())
	if ok, wait := s.pages.submits.allow(clientAddress(r, s.pages.opt.TrustProxy)); !ok {
		s.submitLimited(w, r, site, wait)
		return
	}
	if !s.parseSubmission(w, r, site) {
		return
	}
	pub, ok := s.loadPublic(w, r, site)
	if !ok {
		return
	}
	nv := s.viewOf(pub)
	now := s.opt.Now()
	if !site.Open(now) {
		s.closedPage(w, r, site)
		return
	}
	if r.PostForm.Get(honeypotField) != "" {
		addLogAttrs(r.Context(), "honeypot", true)
		s.render(w, r, http.StatusOK, "receipt", receiptPage{common: common{Title: "已收到", Site: site}, Need: nv})
		return
	}
	raw := rawFields(r)
	consent := r.PostForm.Get("consent") != ""
	tok := r.PostForm.Get("token")
	again := func(status int, msg string, problems map[string]string, errs []string, consentErr string) {
		p := s.newFormPage(site, nv, raw, problems)
		p.Message, p.Errors, p.Consent, p.ConsentError = msg, errs, consent, consentErr
		s.render(w, r, status, "form", p)
	}
	switch s.checkToken(tok, pub.ID, now) {
	case tokenBad:
		addLogAttrs(r.Context(), "token", "bad")
		again(http.StatusBadRequest, "表单已失效，请检查内容后再次提交。", nil, nil, "")
		return
	case tokenExpired:
		again(http.StatusBadRequest, "页面打开太久，表单已过期。您填写的内容都还在，请检查后再次提交。", nil, nil, "")
		return
	case tokenTooFast:
		addLogAttrs(r.Context(), "token", "too fast")
		again(http.StatusBadRequest, "提交得太快了，请检查内容后再次提交。", nil, nil, "")
		return
	}
	sol, problems, errs := s.solutionFrom(raw)
	consentErr := ""
	if !consent {
		consentErr = "请阅读个人信息处理说明，勾选同意后再提交。"
		errs = append(errs, consentErr)
	}
	if len(errs) > 0 {
		again(http.StatusUnprocessableEntity, "", problems, errs, consentErr)
		return
	}
	sol.ID, sol.NeedID = s.solutionID(tok), pub.ID
	sol.Consent = &forms.Consent{NoticeVersion: NoticeVersion, At: now.UTC()}
	stored, err := s.storeSubmission(r, sol, now)
	if err != nil {
		s.log.Error("storing a solution failed", "need", pub.ID, "err", err)
		again(http.StatusInternalServerError, "保存失败，请稍后再次提交。您填写的内容都还在。", nil, nil, "")
		return
	}
	if stored == nil {
		// The need stopped being public meanwhile.
		s.status(w, r, site, http.StatusGone, "需求已下架", "这条技术需求已撤回或已结束征集，不再受理方案。")
		return
	}
	addLogAttrs(r.Context(), "solution", stored.ID, "receipt", stored.Receipt)
	page := receiptPage{common: common{Title: "解决方案已提交", Site: site}, Need: nv, Receipt: stored.Receipt, Items: receiptItems(stored)}
	if !stored.Values.Equal(sol.Values) {
		// The form was sent before with other content: what it held then
		// (a name, a phone) is not shown to whoever sends it now.
		page.Items, page.Resent = nil, true
	}
	s.render(w, r, http.StatusOK, "receipt", page)
}

// parseSubmission reads a submitted form, bounded in size, or answers why
// it cannot.
func (s *Server) parseSubmission(w http.ResponseWriter, r *http.Request, site Site) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		s.status(w, r, site, http.StatusUnsupportedMediaType, "无法提交", "请在需求页面上的表单中填写并提交。")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.pages.opt.MaxFormBytes)
	if err := r.ParseForm(); err != nil {
		if isTooLarge(err) {
			s.status(w, r, site, http.StatusRequestEntityTooLarge, "内容太长", "提交的内容超过了上限，请精简方案简介后再提交。")
			return false
		}
		s.status(w, r, site, http.StatusBadRequest, "无法提交", "提交的内容无法读取，请回到需求页面重新填写。")
		return false
	}
	return true
}

// rawFields are the form's fields as sent, cleaned and cut to a bound.
func rawFields(r *http.Request) map[string]string {
	raw := map[string]string{}
	for _, f := range formFields() {
		v := r.PostForm.Get(f.ID)
		if utf8.RuneCountInString(v) > maxRawField {
			v = string([]rune(v)[:maxRawField])
		}
		raw[f.ID] = cleanInput(v)
	}
	return raw
}

// submitLimited answers a submission past the address's bucket: 429, with
// the form as sent, so nothing typed is lost.
func (s *Server) submitLimited(w http.ResponseWriter, r *http.Request, site Site, wait time.Duration) {
	w.Header().Set(protocol.HeaderRetryAfter, strconv.Itoa(int(wait.Round(time.Second)/time.Second)))
	addLogAttrs(r.Context(), "limited", true)
	r.Body = http.MaxBytesReader(w, r.Body, s.pages.opt.MaxFormBytes)
	var pub *protocol.PublicNeed
	if r.ParseForm() == nil {
		_ = s.store.View(r.Context(), func(tx hubstore.Tx) error {
			pub, _, _, _ = s.publicPage(tx, r.PathValue("id"))
			return nil
		})
	}
	if pub == nil {
		s.tooMany(w, r, site, wait)
		return
	}
	p := s.newFormPage(site, s.viewOf(pub), rawFields(r), nil)
	p.Consent = r.PostForm.Get("consent") != ""
	p.Message = fmt.Sprintf("提交太频繁，请 %s后再提交。您填写的内容都还在。", waitText(wait))
	s.render(w, r, http.StatusTooManyRequests, "form", p)
}

// solutionFrom reads the form into a solution: each field as a person
// writes it (forms.ParseInput), then checked as a finished form
// (ValidateSolution, Final). It returns the problems by field and all
// messages, each naming its field.
func (s *Server) solutionFrom(raw map[string]string) (*forms.Solution, map[string]string, []string) {
	cat := forms.Default()
	sol := &forms.Solution{Status: forms.SolutionSubmitted, Source: forms.SourcePublicPage, Values: forms.Values{}}
	problems := map[string]string{}
	var errs []string
	for _, f := range formFields() {
		in := raw[f.ID]
		if f.Kind == forms.KindLongText {
			in = strings.TrimSpace(in)
			if in != "" {
				sol.Values[f.ID] = []string{in}
			}
			continue
		}
		vals, err := cat.ParseInput(f, in)
		var pe *forms.ParseError
		if errors.As(err, &pe) {
			problems[f.ID] = pe.Message(cat, "zh")
			continue
		}
		if len(vals) > 0 {
			sol.Values[f.ID] = vals
		}
	}
	for _, p := range cat.ValidateSolution(sol, forms.Final) {
		if _, seen := problems[p.Field]; !seen && p.Severity == forms.SeverityError {
			problems[p.Field] = p.Message(cat, "zh")
		}
	}
	for _, f := range formFields() {
		if m, ok := problems[f.ID]; ok {
			errs = append(errs, m)
		}
	}
	return sol, problems, errs
}

// storeSubmission stores a provider's solution as revision 1 of a record of
// the need's team, with its head, its feed event, its link and a receipt,
// in one transaction; or, for a token already used, returns the solution
// stored then. It returns nil when the need is no longer public.
func (s *Server) storeSubmission(r *http.Request, sol *forms.Solution, now time.Time) (*forms.Solution, error) {
	var out *forms.Solution
	err := s.store.Update(r.Context(), func(tx hubstore.Tx) error {
		out = nil
		if l, err := tx.SolutionLink(sol.ID); err == nil {
			h, err := tx.Head(protocol.KindSolution, sol.ID)
			if err != nil {
				return err
			}
			var prev forms.Solution
			if err := s.decodeRevision(tx, h.Rev, &prev); err != nil {
				return err
			}
			prev.Receipt = l.Receipt
			out = &prev
			return nil
		} else if !errors.Is(err, hubstore.ErrNotFound) {
			return err
		}
		_, nh, state, err := s.publicPage(tx, sol.NeedID)
		if err != nil || state != pageShown {
			return err
		}
		receipt, err := newReceipt(tx, now)
		if err != nil {
			return err
		}
		c := sol.Clone()
		c.Rev, c.BaseRev = forms.NewID(), ""
		c.Receipt = receipt
		c.Team, c.CreatedBy = nh.Team, publicSubmitter
		c.CatalogueVersion = forms.Default().Version
		c.CreatedAt, c.UpdatedAt = now.UTC(), now.UTC()
		body, err := c.MarshalJSON()
		if err != nil {
			return err
		}
		if err := tx.PutRevision(&hubstore.Revision{Rev: c.Rev, Kind: protocol.KindSolution, ID: c.ID, Team: nh.Team, User: publicSubmitter,
			At: now.UTC(), Body: s.seal.sealBody(c.Rev, body)}); err != nil {
			return err
		}
		if err := tx.PutHead(&hubstore.Head{Kind: protocol.KindSolution, ID: c.ID, Team: nh.Team, Rev: c.Rev, Revisions: 1, UpdatedAt: now.UTC()}); err != nil {
			return err
		}
		if err := tx.PutSolutionLink(&hubstore.SolutionLink{ID: c.ID, NeedID: c.NeedID, Team: nh.Team, Receipt: c.Receipt, At: now.UTC()}); err != nil {
			return err
		}
		if _, err := tx.AppendEvent(&hubstore.Event{Type: hubstore.EventRevision, Kind: protocol.KindSolution, ID: c.ID, Team: nh.Team, Rev: c.Rev}); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// receiptAlphabet is what a receipt's code is written in: digits and
// capitals that cannot be read as one another (no 0/O, 1/I/L).
const receiptAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newReceipt is a new receipt number, JB + the day + a random code
// (JB260512-7KQ3MX), unused on this hub. The code is random rather than a
// running number, which would tell anyone who submits how many solutions
// the hub received (found from the outside).
func newReceipt(tx hubstore.Tx, now time.Time) (string, error) {
	day := now.In(siteZone).Format("060102")
	for range 8 {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		for i := range b {
			b[i] = receiptAlphabet[int(b[i])%len(receiptAlphabet)]
		}
		r := "JB" + day + "-" + string(b[:])
		_, err := tx.SolutionByReceipt(r)
		switch {
		case errors.Is(err, hubstore.ErrNotFound):
			return r, nil
		case err != nil:
			return "", err
		}
	}
	return "", errors.New("no unused receipt number after 8 tries")
}

// receiptPage thanks the provider and shows the receipt and what was sent.
type receiptPage struct {
	common
	Need    *needView
	Receipt string
	Items   []viewItem
	// Resent: the form was submitted before, with other content, which is
	// not shown.
	Resent bool
}

func receiptItems(sol *forms.Solution) []viewItem {
	cat := forms.Default()
	var out []viewItem
	for _, f := range formFields() {
		if sol.Values.Has(f.ID) {
			out = append(out, viewItem{Label: f.Label("zh"), Value: fieldText(cat, f, sol.Values.List(f.ID))})
		}
	}
	return out
}
