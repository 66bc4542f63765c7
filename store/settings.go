package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// Settings are the user's preferences, one JSON value in the meta bucket.
// Secrets (the platform token) are never kept here.
type Settings struct {
	User        string `json:"user,omitempty"`        // the official's name, recorded as CreatedBy
	Team        string `json:"team,omitempty"`        // the 寻榜 team
	HomeRegion  string `json:"home_region,omitempty"` // GB/T 2260 code of the team's own region
	Lang        string `json:"lang,omitempty"`        // "zh" or "en"
	PlatformURL string `json:"platform_url,omitempty"`
	// HubPublicURL is the public base address of the team's hub (its
	// `serve --public-url`, told by the hub at sign-in): a need's public page
	// is forms.PublicPageURL(HubPublicURL, id). Empty when none is known.
	HubPublicURL string  `json:"hub_public_url,omitempty"`
	Targets      Targets `json:"targets"`
	// LockAfterMinutes is the idle time after which the window locks and
	// asks for the passphrase (where one is set); -1 never locks. Unset (0)
	// means the default, 10.
	LockAfterMinutes int `json:"lock_after_minutes,omitempty"`
	// BackupsKept is how many daily backups the window keeps in
	// DIR/backups (Store.DailyBackup); unset (0) means 7.
	BackupsKept int `json:"backups_kept,omitempty"`
	// LastView is where the window was when last used, for the next start
	// to open there: "need:" and a need's id, "needs", "enterprises",
	// "settings", or "" for the 工作台.
	LastView string `json:"last_view,omitempty"`
	// Event is the collection campaign the team's outputs are made for: the
	// cover of the 《技术需求汇编》 booklet, and where a card says its need
	// will be published.
	Event Event `json:"event"`
	// Report is what heads the organisers' report (统计报表).
	Report Report `json:"report"`
	// PlatformProfile names the platform profile of the upload sheet
	// (forms/xlsx Profiles: "jstec", "xunbang"); unset means the default,
	// jstec.
	PlatformProfile string `json:"platform_profile,omitempty"`
}

// Event describes the campaign (活动 / 专场) the needs are collected for, as
// the booklet's cover states it. Every field is free text; empty ones are
// left off the cover.
type Event struct {
	Name      string `json:"name,omitempty"`      // 活动名称, e.g. 2026“科技镇长团杯”苏州国际创新挑战赛
	Organiser string `json:"organiser,omitempty"` // 主办单位
	Deadline  string `json:"deadline,omitempty"`  // 方案征集截止时间, e.g. 2026年9月15日
	// Submit says how to submit a solution (方案填报方式): the platform,
	// an e-mail address, a telephone for questions.
	Submit string `json:"submit,omitempty"`
	// Platform names the online platform the needs are published on (e.g.
	// 江苏省科技资源统筹服务云平台); a card of a need not yet published
	// says it will be published there.
	Platform string `json:"platform,omitempty"`
}

// Report heads the organisers' report.
type Report struct {
	// Title is the report's title; empty gives "<year>年 <home region>
	// 技术需求征集情况统计表".
	Title string `json:"title,omitempty"`
	Unit  string `json:"unit,omitempty"`  // 填报单位
	Filer string `json:"filer,omitempty"` // 填报人; empty means User
}

// Targets are the team's goals for the campaign, shown against progress.
type Targets struct {
	Enterprises int `json:"enterprises"`  // enterprises visited
	ValidNeeds  int `json:"valid_needs"`  // valid needs collected
	CrossRegion int `json:"cross_region"` // needs matched across regions
	Matches     int `json:"matches"`      // 对接 (intents)
	Deals       int `json:"deals"`        // contracts signed
	// TypicalCases is the number of 典型案例 to write (the 专场 rules ask
	// for at least 5); needs marked typical_case count towards it.
	TypicalCases int `json:"typical_cases,omitempty"`
}

// DefaultSettings returns the settings of a new data dir.
func DefaultSettings() Settings {
	return Settings{
		Lang:             "zh",
		Targets:          Targets{Enterprises: 100, ValidNeeds: 80, CrossRegion: 30, Matches: 20, Deals: 10, TypicalCases: 5},
		LockAfterMinutes: 10,
		BackupsKept:      DefaultBackupsKept,
	}
}

// withDefaults fills what is unset (empty Lang, zero targets) with the
// defaults.
func (set Settings) withDefaults() Settings {
	d := DefaultSettings()
	if set.Lang == "" {
		set.Lang = d.Lang
	}
	if set.LockAfterMinutes == 0 || set.LockAfterMinutes < -1 {
		set.LockAfterMinutes = d.LockAfterMinutes
	}
	if set.BackupsKept <= 0 {
		set.BackupsKept = d.BackupsKept
	}
	t := &set.Targets
	for _, p := range []struct {
		v *int
		d int
	}{
		{&t.Enterprises, d.Targets.Enterprises}, {&t.ValidNeeds, d.Targets.ValidNeeds},
		{&t.CrossRegion, d.Targets.CrossRegion}, {&t.Matches, d.Targets.Matches}, {&t.Deals, d.Targets.Deals},
		{&t.TypicalCases, d.Targets.TypicalCases},
	} {
		if *p.v <= 0 {
			*p.v = p.d
		}
	}
	return set
}

// Settings returns the stored settings, with defaults for what is unset
// (Lang "zh"; targets 100 enterprises, 80 valid needs, 30 cross-region,
// 20 matches, 10 deals, 5 typical cases; lock after 10 idle minutes; keep 7
// daily backups).
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	var set Settings
	err := s.View(ctx, func(tx *Tx) error {
		v, err := tx.getOpen(metaBucket, metaSettingsKey)
		if v == nil || err != nil {
			return err
		}
		return json.Unmarshal(v, &set)
	})
	if err != nil {
		return Settings{}, fmt.Errorf("load settings: %w", err)
	}
	return set.withDefaults(), nil
}

// SaveSettings stores the settings. User and Team become what new records
// are created by, unless Options.User/Team were given to Open.
func (s *Store) SaveSettings(ctx context.Context, set Settings) error {
	v, err := json.Marshal(set)
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	err = s.update(ctx, "", func(tx *Tx) error {
		return tx.putSealed(metaBucket, metaSettingsKey, v)
	})
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	s.applySettingsUser(set)
	return nil
}
