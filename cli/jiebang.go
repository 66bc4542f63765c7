package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/xunbang/xunbang/sync/platform"
)

// siteFlags are the hub-level settings of the public pages (揭榜), which
// `serve` and `serve site` take.
type siteFlags struct {
	event, organiser, deadline, contact *string
}

func declareSiteFlags(c *call) siteFlags {
	return siteFlags{
		event:     c.fs.String("event", "", tr(c.lang, "公开页上的活动名称，如 2026“科技镇长团杯”苏州国际创新挑战赛", "the event the public pages name")),
		organiser: c.fs.String("organiser", "", tr(c.lang, "组织单位，如 苏州市科学技术局", "the organiser")),
		deadline:  c.fs.String("deadline", "", tr(c.lang, "解决方案征集截止日期 YYYY-MM-DD（当天结束后不再受理）", "last day solutions are taken, YYYY-MM-DD")),
		contact:   c.fs.String("contact", "", tr(c.lang, "咨询电话或邮箱", "whom providers may ask")),
	}
}

// apply stores the flags given (only those: an omitted flag keeps what is
// stored; a flag given empty clears it). It reports whether any was given.
func (f siteFlags) apply(ctx context.Context, c *call, srv *platform.Server) (bool, error) {
	set := map[string]bool{}
	c.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if !set["event"] && !set["organiser"] && !set["deadline"] && !set["contact"] {
		return false, nil
	}
	st, err := srv.Site(ctx)
	if err != nil {
		return false, err
	}
	for name, p := range map[string]struct {
		dst *string
		v   string
	}{"event": {&st.Event, *f.event}, "organiser": {&st.Organiser, *f.organiser}, "deadline": {&st.Deadline, *f.deadline}, "contact": {&st.Contact, *f.contact}} {
		if set[name] {
			*p.dst = p.v
		}
	}
	if err := srv.SetSite(ctx, st); err != nil {
		return false, userError{
			zh:  "公开页设置有误（截止日期写作 YYYY-MM-DD，如 2026-09-15；每项一行，不超过 200 字）：" + err.Error(),
			en:  "bad public page settings (a deadline is written YYYY-MM-DD; each one line of at most 200 characters): " + err.Error(),
			err: err,
		}
	}
	return true, nil
}

// pageFlags are serve's options of the public pages.
type pageFlags struct{ trustProxy *bool }

func declarePageFlags(c *call) pageFlags {
	return pageFlags{trustProxy: c.fs.Bool("trust-proxy", false, tr(c.lang,
		"公开页按反向代理写入 X-Forwarded-For 的地址限流（仅在 nginx 等反向代理之后使用）",
		"rate-limit the public pages by the address a reverse proxy wrote into X-Forwarded-For (only behind one)"))}
}

func (f pageFlags) options() platform.PageOptions {
	return platform.PageOptions{TrustProxy: *f.trustProxy}
}

// runServeSite shows, and with flags changes, the public pages' settings:
// serve site [--event …] [--organiser …] [--deadline YYYY-MM-DD] [--contact …].
// A bbolt hub must not be serving meanwhile (its file is held); give the
// flags to serve itself, or use the console.
func runServeSite(ctx context.Context, c *call) error {
	flags := declareSiteFlags(c)
	hf := declareHubFlags(c)
	if err := c.parse(); err != nil {
		return err
	}
	srv, _, err := openHub(ctx, c, hf, "")
	if err != nil {
		return err
	}
	defer srv.Close()
	if _, err := flags.apply(ctx, c, srv); err != nil {
		return err
	}
	st, err := srv.Site(ctx)
	if err != nil {
		return err
	}
	none := tr(c.lang, "（未设置）", "(not set)")
	show := func(s string) string {
		if s == "" {
			return none
		}
		return s
	}
	fmt.Fprintf(c.env.Stdout, "%s\t%s\n%s\t%s\n%s\t%s\n%s\t%s\n",
		tr(c.lang, "活动", "event"), show(st.Event), tr(c.lang, "组织单位", "organiser"), show(st.Organiser),
		tr(c.lang, "截止日期", "deadline"), show(st.Deadline), tr(c.lang, "咨询", "contact"), show(st.Contact))
	return nil
}
