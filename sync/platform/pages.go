package platform

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// The hub's public pages, in Chinese, server-rendered with html/template
// (every value escaped), readable on the phone that scanned a need card,
// and working with no script at all:
//
//	GET  /  and /n/          the published needs
//	GET  /n/{id}             one published need (forms.PublicPageURL), with
//	                         the 揭榜 button; 410 once it is no longer
//	                         public, 404 for one that never was
//	GET  /n/{id}/jiebang     the 揭榜 form (jiebang.go)
//	POST /n/{id}/jiebang     a solution: a receipt number, or the form again
//	GET  /static/site.css
//
// What a page shows of a need is exactly what publicView shows another
// team (view.go). Each answer carries a Content-Security-Policy that allows
// no script and no third party, and every address is rate-limited: page
// views and submissions each have a bucket (PageOptions).

//go:embed pages
var pageFiles embed.FS

// PageOptions tune the public pages. The zero value is what `xunbang serve`
// uses.
type PageOptions struct {
	// ViewBurst page views an address may make at once, then one per
	// ViewEvery. Defaults 60 and 1s.
	ViewBurst int
	ViewEvery time.Duration
	// SubmitBurst solutions an address may send at once, then one per
	// SubmitEvery; past that it is answered 429 with its form kept.
	// Defaults 5 and 2 min.
	SubmitBurst int
	SubmitEvery time.Duration
	// MinFillTime is the least time between serving a form and its coming
	// back; a form sent sooner (a robot) is shown again. Default 3s;
	// negative for none.
	MinFillTime time.Duration
	// FormLifetime is how long a served form may be sent back; an older one
	// is shown again, filled in, with a fresh token. Default 12h.
	FormLifetime time.Duration
	// MaxFormBytes bounds a submitted form. Default 64 KiB.
	MaxFormBytes int64
	// TrustProxy counts requests by the last address a reverse proxy (nginx
	// in front of the hub) added to X-Forwarded-For, rather than by the
	// connection's. Only behind such a proxy: a client could write the
	// header itself.
	TrustProxy bool
}

func (o *PageOptions) defaults() {
	if o.ViewBurst <= 0 {
		o.ViewBurst = 60
	}
	if o.ViewEvery <= 0 {
		o.ViewEvery = time.Second
	}
	if o.SubmitBurst <= 0 {
		o.SubmitBurst = 5
	}
	if o.SubmitEvery <= 0 {
		o.SubmitEvery = 2 * time.Minute
	}
	switch {
	case o.MinFillTime == 0:
		o.MinFillTime = 3 * time.Second
	case o.MinFillTime < 0:
		o.MinFillTime = 0
	}
	if o.FormLifetime <= 0 {
		o.FormLifetime = 12 * time.Hour
	}
	if o.MaxFormBytes <= 0 {
		o.MaxFormBytes = 64 << 10
	}
}

// pages is the state of the public pages: templates and limiters, made
// once.
type pages struct {
	once    sync.Once
	opt     PageOptions
	tmpl    map[string]*template.Template
	css     []byte
	views   *limiter
	submits *limiter
}

// handlePages registers the public pages on mux.
func (s *Server) handlePages(mux *http.ServeMux) {
	s.pages.once.Do(func() {
		p := &s.pages
		p.opt = s.opt.Pages
		p.opt.defaults()
		p.tmpl = map[string]*template.Template{}
		for _, name := range []string{"index", "need", "form", "receipt", "status"} {
			p.tmpl[name] = template.Must(template.ParseFS(pageFiles, "pages/base.html", "pages/"+name+".html"))
		}
		css, err := pageFiles.ReadFile("pages/site.css")
		if err != nil {
			panic(err)
		}
		p.css = css
		p.views = newLimiter(p.opt.ViewBurst, p.opt.ViewEvery, s.opt.Now)
		p.submits = newLimiter(p.opt.SubmitBurst, p.opt.SubmitEvery, s.opt.Now)
	})
	mux.HandleFunc("GET /{$}", s.pageIndex)
	mux.HandleFunc("GET /n/{$}", s.pageIndex)
	mux.HandleFunc("GET /n/{id}", s.pageNeed)
	mux.HandleFunc("GET /n/{id}/jiebang", s.pageForm)
	mux.HandleFunc("POST /n/{id}/jiebang", s.pageSubmit)
	mux.HandleFunc("GET /n/", s.pageNotFound)
	mux.HandleFunc("GET /static/site.css", s.pageCSS)
}

// common is what every page shows.
type common struct {
	Title string
	Site  Site
}

// setPageHeaders sets what every page answer carries: HTML, no script, no
// third party, no framing, no sniffing, no referrer.
func setPageHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
}

// render writes a page; a template that fails is a 500 with a plain page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.tmpl[name].ExecuteTemplate(&buf, "base", data); err != nil {
		s.log.Error("page failed", "page", name, "err", err)
		setPageHeaders(w.Header())
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("<!doctype html><title>出错了</title><p>页面出错，请稍后再试。</p>"))
		return
	}
	setPageHeaders(w.Header())
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// statusPage is a page that says one thing.
type statusPage struct {
	common
	Heading, Text string
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, site Site, code int, heading, text string) {
	s.render(w, r, code, "status", statusPage{common: common{Title: heading, Site: site}, Heading: heading, Text: text})
}

func (s *Server) siteOrZero(ctx context.Context) Site {
	st, err := s.Site(ctx)
	if err != nil {
		s.log.Warn("site settings unreadable", "err", err)
	}
	return st
}

// viewAllowed takes a page view from the address's bucket, or answers 429.
func (s *Server) viewAllowed(w http.ResponseWriter, r *http.Request) bool {
	ok, wait := s.pages.views.allow(clientAddress(r, s.pages.opt.TrustProxy))
	if !ok {
		s.tooMany(w, r, Site{}, wait)
	}
	return ok
}

func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, site Site, wait time.Duration) {
	w.Header().Set(protocol.HeaderRetryAfter, strconv.Itoa(int(wait.Round(time.Second)/time.Second)))
	addLogAttrs(r.Context(), "limited", true)
	s.status(w, r, site, http.StatusTooManyRequests, "访问太频繁", fmt.Sprintf("请 %s后再试。", waitText(wait)))
}

func waitText(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d 秒", max(int(d.Round(time.Second)/time.Second), 1))
	}
	return fmt.Sprintf("%d 分钟", int((d+time.Minute-1)/time.Minute))
}

func (s *Server) pageCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(len(s.pages.css)))
	if r.Method != http.MethodHead {
		_, _ = w.Write(s.pages.css)
	}
}

func (s *Server) pageNotFound(w http.ResponseWriter, r *http.Request) {
	if !s.viewAllowed(w, r) {
		return
	}
	s.status(w, r, s.siteOrZero(r.Context()), http.StatusNotFound, "没有这条需求", "这个地址没有已发布的技术需求。请核对二维码或网址。")
}

// pageState says whether a need may be shown.
type pageState int

const (
	pageUnknown pageState = iota // never public (or no such need): 404
	pageGone                     // was public, is no longer: 410
	pageShown
)

// publicPage is a need as its public page shows it: publicView's, or why
// not.
func (s *Server) publicPage(tx hubstore.Tx, id string) (*protocol.PublicNeed, *hubstore.Head, pageState, error) {
	if !protocol.ValidID(id) {
		return nil, nil, pageUnknown, nil
	}
	h, err := tx.Head(protocol.KindNeed, id)
	if errors.Is(err, hubstore.ErrNotFound) {
		return nil, nil, pageUnknown, nil
	}
	if err != nil {
		return nil, nil, pageUnknown, err
	}
	pub, ok, err := s.publicView(tx, h)
	switch {
	case err != nil:
		return nil, nil, pageUnknown, err
	case ok:
		return pub, h, pageShown, nil
	case h.WasPublic:
		return nil, h, pageGone, nil
	}
	return nil, h, pageUnknown, nil
}

// loadPublic reads a need for a page and answers 404, 410 or 500 when it
// cannot be shown.
func (s *Server) loadPublic(w http.ResponseWriter, r *http.Request, site Site) (*protocol.PublicNeed, bool) {
	id := r.PathValue("id")
	var pub *protocol.PublicNeed
	var state pageState
	err := s.store.View(r.Context(), func(tx hubstore.Tx) error {
		var err error
		pub, _, state, err = s.publicPage(tx, id)
		return err
	})
	switch {
	case err != nil:
		s.log.Error("public page failed", "need", id, "err", err)
		s.status(w, r, site, http.StatusInternalServerError, "出错了", "页面暂时打不开，请稍后再试。")
		return nil, false
	case state == pageGone:
		s.status(w, r, site, http.StatusGone, "需求已下架", "这条技术需求已撤回或已结束征集，不再公开。感谢关注。")
		return nil, false
	case state == pageUnknown:
		s.status(w, r, site, http.StatusNotFound, "没有这条需求", "这个地址没有已发布的技术需求。请核对二维码或网址。")
		return nil, false
	}
	return pub, true
}

// needView is a need as its page shows it.
type needView struct {
	ID, Number, Title, Publisher, Region, Type, State, Updated, Budget string
	PlatformURL                                                        string
	Sections                                                           []viewSection
}

type viewSection struct {
	Title string
	Items []viewItem
}

type viewItem struct{ Label, Value string }

// sectionTitles name the catalogue's need sections on a page.
var sectionTitles = map[string]string{
	"need": "需求概况", "content": "需求内容", "cooperation": "合作意向", "publication": "发布信息",
}

// viewOf builds a need's page from its public view: every field the view
// holds, in catalogue order, in words.
func (s *Server) viewOf(pub *protocol.PublicNeed) *needView {
	cat := forms.Default()
	v := forms.Values(pub.Values)
	nv := &needView{
		ID: pub.ID, Number: forms.ShortID(pub.ID), Title: v.Get("title"), Publisher: pub.Publisher,
		Region: forms.Regions().FullName(pub.Region), State: pub.State.Label("zh"),
		Type:   cat.Vocabulary("need_type").Label(v.Get("need_type"), "zh"),
		Budget: budgetText(v),
	}
	if v.Get("need_type") == "" {
		nv.Type = ""
	}
	if nv.Publisher == "" && pub.Visibility == string(forms.VisibilityAnonymous) {
		nv.Publisher = "匿名企业"
	}
	if !pub.UpdatedAt.IsZero() {
		nv.Updated = pub.UpdatedAt.In(siteZone).Format("2006-01-02")
	}
	if pub.URL != "" && pub.URL != forms.PublicPageURL(s.opt.PublicURL, pub.ID) {
		nv.PlatformURL = pub.URL
	}
	nv.Sections = sectionsOf(cat, v, nv.Budget)
	return nv
}

// sectionsOf lays a need's public values out by catalogue section, in
// catalogue order: all but the title and type (said above them), with the
// budget in words.
func sectionsOf(cat *forms.Catalogue, v forms.Values, budget string) []viewSection {
	var out []viewSection
	byTitle := map[string]int{}
	for _, f := range cat.Fields(forms.EntityNeed) {
		switch {
		case f.ID == "title", f.ID == "need_type", f.ID == "budget_negotiable":
			continue
		case f.ID == "budget_wan" && budget == "", f.ID != "budget_wan" && !v.Has(f.ID):
			continue
		}
		val, label := fieldText(cat, f, v.List(f.ID)), f.Label("zh")
		if f.ID == "budget_wan" {
			val = budget
		}
		if f.Kind == forms.KindMoney {
			// The value says 万元: 拟投入资金（万元） says it once too often.
			label, _, _ = strings.Cut(label, "（")
		}
		title := cmp.Or(sectionTitles[f.Section], "其他")
		i, ok := byTitle[title]
		if !ok {
			i = len(out)
			byTitle[title] = i
			out = append(out, viewSection{Title: title})
		}
		out[i].Items = append(out[i].Items, viewItem{Label: label, Value: val})
	}
	return out
}

func budgetText(v forms.Values) string {
	if b := v.Get("budget_wan"); b != "" {
		return b + " 万元"
	}
	if v.Bool("budget_negotiable") {
		return "面议"
	}
	return ""
}

// fieldText writes a field's values in words: options by their labels
// (a second-level tech field after its first level), yes or no, money in
// 万元, regions by name.
func fieldText(cat *forms.Catalogue, f *forms.Field, vals []string) string {
	out := make([]string, 0, len(vals))
	// A first-level option is said by its second-level ones, when there are
	// any (先进制造与自动化 / 先进制造工艺与装备, not both).
	said := map[string]bool{}
	if f.Kind == forms.KindMultiEnum {
		for _, x := range vals {
			if o, ok := cat.Vocabulary(f.Vocabulary).Option(x); ok && o.Parent != "" {
				said[o.Parent] = true
			}
		}
	}
	for _, x := range vals {
		if said[x] {
			continue
		}
		out = append(out, valueText(cat, f, x))
	}
	sep := "、"
	if f.Kind == forms.KindLongText || f.Kind == forms.KindText {
		sep = "\n"
	}
	return strings.Join(out, sep)
}

// valueText writes one value of a field in words.
func valueText(cat *forms.Catalogue, f *forms.Field, x string) string {
	switch f.Kind {
	case forms.KindEnum, forms.KindMultiEnum:
		voc := cat.Vocabulary(f.Vocabulary)
		if o, ok := voc.Option(x); ok {
			x = o.ZH
			if o.Parent != "" {
				x = voc.Label(o.Parent, "zh") + " / " + x
			}
		}
	case forms.KindBool:
		x = map[string]string{"true": "是", "false": "否"}[x]
	case forms.KindMoney:
		x += " 万元"
	case forms.KindRegion:
		if n := forms.Regions().FullName(x); n != "" {
			x = n
		}
	}
	return x
}

// indexPage lists the published needs.
type indexPage struct {
	common
	Needs []*needView
}

// maxIndex bounds the needs one index page lists.
const maxIndex = 500

func (s *Server) pageIndex(w http.ResponseWriter, r *http.Request) {
	if !s.viewAllowed(w, r) {
		return
	}
	site := s.siteOrZero(r.Context())
	type entry struct {
		v  *needView
		at time.Time
	}
	var list []entry
	err := s.store.View(r.Context(), func(tx hubstore.Tx) error {
		return tx.Heads(protocol.KindNeed, func(h *hubstore.Head) error {
			if !h.State.Public() {
				return nil
			}
			pub, ok, err := s.publicView(tx, h)
			if err != nil || !ok {
				return err
			}
			list = append(list, entry{s.viewOf(pub), h.StateAt})
			return nil
		})
	})
	if err != nil {
		s.log.Error("index page failed", "err", err)
		s.status(w, r, site, http.StatusInternalServerError, "出错了", "页面暂时打不开，请稍后再试。")
		return
	}
	slices.SortFunc(list, func(a, b entry) int { return cmp.Or(b.at.Compare(a.at), strings.Compare(a.v.ID, b.v.ID)) })
	page := indexPage{common: common{Title: "技术需求榜单", Site: site}}
	for _, e := range list[:min(len(list), maxIndex)] {
		page.Needs = append(page.Needs, e.v)
	}
	s.render(w, r, http.StatusOK, "index", page)
}

// needPage is one need's page.
type needPage struct {
	common
	Need *needView
	Open bool // solutions are still taken
}

func (s *Server) pageNeed(w http.ResponseWriter, r *http.Request) {
	if !s.viewAllowed(w, r) {
		return
	}
	site := s.siteOrZero(r.Context())
	pub, ok := s.loadPublic(w, r, site)
	if !ok {
		return
	}
	nv := s.viewOf(pub)
	s.render(w, r, http.StatusOK, "need", needPage{common: common{Title: nv.Title, Site: site}, Need: nv, Open: site.Open(s.opt.Now())})
}
