// Package demo makes a realistic, entirely made-up data set: enterprises in
// Suzhou's towns and their technology needs of every type and status, with
// diagnoses, confirmations, follow-ups and solutions (with some 竞榜
// evaluations) where their status implies them. It feeds `xunbang demo`, the
// screenshots and the benchmarks. The same seed always gives the same
// records.
package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// Set is a generated data set.
type Set struct {
	Enterprises []*forms.Enterprise
	Needs       []*forms.Need
	Visits      []*forms.Visit
	FollowUps   []*forms.FollowUp
	// Solutions are the published needs' solutions (揭榜); some needs with
	// three or more also carry an evaluation (竞榜).
	Solutions []*forms.Solution
}

var (
	brands   = []string{"昆仑", "金鸡湖", "阳澄", "太湖", "东吴", "姑苏", "虎丘", "澄湖", "天平", "寒山", "盘门", "同里", "周庄", "锦溪", "千灯", "淀山", "娄江", "沙洲", "港城", "虞山", "尚湖", "浏河", "沙溪", "璜泾", "琼花", "犇腾", "淼鑫", "堃元"}
	people   = []string{"王晓明", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏", "徐强", "孙悦", "朱琳", "马超", "胡婷"}
	posts    = []string{"技术总监", "总经理", "研发经理", "副总经理", "总工程师", "技术部长"}
	officers = []string{"李科技", "周镇长", "钱经理"}
	events   = []string{"2026 苏州市揭榜挂帅专场", "2026 昆山市产学研对接专场"}
	numerals = []string{"二", "三", "四", "五", "六", "七", "八", "九", "十"}
)

// size is an enterprise's scale (大型 … 微型) with what goes with it.
type size struct {
	scale       string // scale vocabulary code
	weight      int
	staff       [2]int // R&D staff, from and to
	aboveChance int    // per cent: 规上 (above designated size)
}

var sizes = []size{
	{"1", 10, [2]int{150, 800}, 100},
	{"2", 30, [2]int{40, 200}, 100},
	{"3", 45, [2]int{8, 60}, 60},
	{"4", 15, [2]int{2, 12}, 0},
}

func pickSize(r *rand.Rand) size {
	n := r.IntN(100)
	for _, s := range sizes {
		if n < s.weight {
			return s
		}
		n -= s.weight
	}
	return sizes[len(sizes)-1]
}

// qualificationsOf picks qualifications that fit a size: 科技型中小企业 and
// 专精特新 are for small and medium ones, 上市 for large ones.
func qualificationsOf(r *rand.Rand, sz size) []string {
	var out []string
	if sz.scale != "4" || r.IntN(3) == 0 {
		out = append(out, "hnte")
	}
	switch sz.scale {
	case "1":
		if r.IntN(3) == 0 {
			out = append(out, "listed")
		}
		if r.IntN(4) == 0 {
			out = append(out, "champion")
		}
	case "2", "3":
		out = append(out, []string{"tsme", "isme", "srdi", "giant", "gazelle"}[r.IntN(5)])
	default:
		out = append(out, "tsme")
	}
	return out
}

// overlaps reports whether two texts share two characters in a row (工业视觉检测
// and 检测自动化), so that a title never says a word twice.
func overlaps(a, b string) bool {
	ra := []rune(a)
	for i := 0; i+1 < len(ra); i++ {
		if strings.Contains(b, string(ra[i:i+2])) {
			return true
		}
	}
	return false
}

// aimsOf returns the aims that read well after a subject's name.
func aimsOf(sub subject) []string {
	var out []string
	for _, a := range sub.aims {
		if a == "" || !overlaps(sub.name, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// titles hands out need titles, each once: a subject with one of its aims,
// and when a trade's are all taken, the same again as a later phase (二期).
type titles struct {
	used map[string]bool
	// aims caches aimsOf per subject; from[trade] is the trade's first
	// phase with a title left (phases fill in order, and stay full).
	aims map[*subject][]string
	from map[string]int
}

func newTitles() *titles {
	return &titles{used: map[string]bool{}, aims: map[*subject][]string{}, from: map[string]int{}}
}

func (ts *titles) next(r *rand.Rand, tr trade) (subject, string, string) {
	type combo struct {
		sub subject
		aim string
	}
	var free []combo
	for phase := ts.from[tr.name]; len(free) == 0; phase++ {
		for i := range tr.subjects {
			sub := &tr.subjects[i]
			aims, ok := ts.aims[sub]
			if !ok {
				aims = aimsOf(*sub)
				ts.aims[sub] = aims
			}
			for _, aim := range aims {
				t := sub.name + aim
				if phase > 0 {
					if phase-1 < len(numerals) {
						t += "（" + numerals[phase-1] + "期）"
					} else {
						t += fmt.Sprintf("（第%d期）", phase+1)
					}
				}
				if !ts.used[t] {
					free = append(free, combo{*sub, t})
				}
			}
		}
		if len(free) > 0 {
			ts.from[tr.name] = phase
			c := free[r.IntN(len(free))]
			ts.used[c.aim] = true
			aim := strings.TrimPrefix(c.aim, c.sub.name)
			if i := strings.Index(aim, "（"); i >= 0 {
				aim = aim[:i]
			}
			return c.sub, c.aim, aim
		}
	}
	panic("unreachable")
}

// suzhouTowns are town codes in Suzhou's districts and county-level cities,
// taken from the embedded region data so they are always real.
func suzhouTowns() []string {
	ix := forms.Regions()
	var out []string
	for _, county := range []string{"320505", "320506", "320507", "320509", "320576", "320581", "320582", "320583", "320585"} {
		for i, t := range ix.Children(county) {
			if i >= 6 {
				break
			}
			out = append(out, t.Code)
		}
	}
	// A few from outside Suzhou: enterprises served across regions.
	for _, county := range []string{"320214", "320412", "321181"} {
		for i, t := range ix.Children(county) {
			if i >= 2 {
				break
			}
			out = append(out, t.Code)
		}
	}
	return out
}

// Generate returns a set of about needs needs spread over needs/3+1
// enterprises (Stream makes the same set in parts). An enterprise has a trade (精密机械, 生物医药 …) and a size,
// and what it says agrees with them: its name, industry, qualifications,
// R&D staff and 规上 status, and its needs — titles (each used once), tech
// fields, types, texts, cooperation modes and the public alias.
func Generate(seed uint64, needs int) *Set {
	all := &Set{}
	_ = Stream(seed, needs, needs, func(part *Set) error {
		all.Enterprises = append(all.Enterprises, part.Enterprises...)
		all.Needs = append(all.Needs, part.Needs...)
		all.Visits = append(all.Visits, part.Visits...)
		all.FollowUps = append(all.FollowUps, part.FollowUps...)
		all.Solutions = append(all.Solutions, part.Solutions...)
		return nil
	})
	return all
}

// Stream makes the records of Generate(seed, needs) and hands them to fn in
// parts as they are made, so that a large set is never in memory whole:
// first every enterprise with its visits, then the needs with their
// follow-ups and solutions, batch needs at a time. It returns fn's first error.
func Stream(seed uint64, needs, batch int, fn func(part *Set) error) error {
	batch = max(batch, 1)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cat := forms.Default()
	towns := suzhouTowns()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := &Set{}
	nEnt := needs/3 + 1
	entTrade := make([]trade, nEnt)
	names := map[string]bool{}
	order := r.Perm(len(trades)) // the trades in turn, so that each has about as many needs
	for i := 0; i < nEnt; i++ {
		tr := trades[order[i%len(trades)]]
		entTrade[i] = tr
		suffixes := []string{"有限公司", "股份有限公司", "科技有限公司"}
		if strings.HasSuffix(tr.name, "科技") || strings.HasSuffix(tr.name, "技术") {
			suffixes = suffixes[:2] // no 软件科技科技有限公司
		}
		region := pick(r, towns)
		city := "苏州"
		if p := forms.Regions().Path(region); len(p) > 1 {
			city = strings.TrimSuffix(p[1].Name, "市")
		}
		var name string
		for try := 0; ; try++ {
			name = fmt.Sprintf("%s%s%s%s", city, pick(r, brands), tr.name, pick(r, suffixes))
			if try >= 20 {
				name = fmt.Sprintf("%s%s%s%d号%s", city, pick(r, brands), tr.name, i, pick(r, suffixes))
			}
			if !names[name] {
				break
			}
		}
		names[name] = true
		sz := pickSize(r)
		at := base.Add(time.Duration(r.IntN(200*24)) * time.Hour)
		e := &forms.Enterprise{
			ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), CatalogueVersion: cat.Version, CreatedAt: at, UpdatedAt: at, CreatedBy: pick(r, officers), Team: "苏州科技镇长团",
			Values: forms.Values{
				"enterprise_name":  {name},
				"credit_code":      {creditCode(r)},
				"region":           {region},
				"address":          {fmt.Sprintf("%s路 %d 号", pick(r, brands), 1+r.IntN(300))},
				"institution_type": {"1"},
				"scale":            {sz.scale},
				"above_scale":      {fmt.Sprint(r.IntN(100) < sz.aboveChance)},
				"industry":         {tr.industry},
				"rd_staff":         {fmt.Sprint(sz.staff[0] + r.IntN(sz.staff[1]-sz.staff[0]+1))},
			},
			Contacts: []forms.Contact{{ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), Values: forms.Values{
				"contact_name": {pick(r, people)}, "contact_position": {pick(r, posts)},
				"contact_mobile": {fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1e9))},
				"contact_email":  {fmt.Sprintf("rd%d@example.com.cn", i)},
			}}},
		}
		e.Values.SetList("qualifications", qualificationsOf(r, sz))
		e.Rev = forms.NewIDFrom(r.Uint64(), r.Uint64())
		s.Enterprises = append(s.Enterprises, e)
		if r.IntN(2) == 0 {
			s.Visits = append(s.Visits, &forms.Visit{ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), EnterpriseID: e.ID,
				Date: at.Format("2006-01-02"), Who: pick(r, officers) + "、" + pick(r, officers), Notes: "现场走访，了解企业研发现状与技术瓶颈。", CreatedAt: at})
		}
	}
	if err := fn(&Set{Enterprises: s.Enterprises, Visits: s.Visits}); err != nil {
		return err
	}
	ents := s.Enterprises
	s = &Set{}
	ts := newTitles()
	sols := newSolutionMaker(seed)
	for i := 0; i < needs; i++ {
		e := ents[i%nEnt]
		tr := entTrade[i%nEnt]
		sub, title, aim := ts.next(r, tr)
		typ := pick(r, sub.types)
		switch aim {
		case aimLocalise:
			if slices.Contains(sub.types, "00") {
				typ = "00"
			}
		case aimProcess, aimYield, aimEnergy:
			if slices.Contains(sub.types, "02") {
				typ = "02"
			}
		}
		num := sub.lo + r.IntN(max(1, sub.hi-sub.lo+1))
		field := sub.field
		top := cat.Vocabulary("tech_field").Root(field)
		at := e.CreatedAt.Add(time.Duration(1+r.IntN(60*24)) * time.Hour)
		modes := sub.modes
		if modes == nil {
			modes = []string{"02", "02", "01", "03", "04", "06"}
		}
		coop := []string{pick(r, modes)}
		if r.IntN(3) == 0 {
			coop = append(coop, pick(r, modes))
		}
		city := "苏州市"
		if p := forms.Regions().Path(e.Values.Get("region")); len(p) > 1 {
			city = p[1].Name
		}
		n := &forms.Need{
			ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), EnterpriseID: e.ID, ContactID: e.Contacts[0].ID,
			CatalogueVersion: cat.Version, CreatedAt: at, UpdatedAt: at, CreatedBy: e.CreatedBy, Team: e.Team,
			Status: forms.StatusDraft,
			Values: forms.Values{
				"title":             {title},
				"need_type":         {typ},
				"tech_fields":       {top, field},
				"industry_tags":     slices.Clone(tr.tags),
				"keywords":          slices.Clone(sub.keywords),
				"problem":           {fmt.Sprintf(sub.problem, sub.name, num)},
				"key_technology":    {sub.key},
				"indicators":        {sub.indicators},
				"expected_goal":     {sub.goal},
				"current_basis":     {fmt.Sprintf("已投入研发资金 %d 万元，研发团队 %d 人。", 20*(1+r.IntN(25)), 3+r.IntN(20))},
				"cooperation_modes": coop,
				"timeframe":         {fmt.Sprintf("2027-%02d", 1+r.IntN(12))},
				"visibility":        {[]string{"named", "named", "anonymous", "private"}[r.IntN(4)]},
				"public_alias":      {city + "某" + tr.name + "企业"},
				"tech_manager":      {e.CreatedBy},
			},
		}
		n.Values.SetList("cooperation_modes", coop) // one mode, not twice
		if r.IntN(2) == 0 {
			n.Values.Set("activity", pick(r, events))
		}
		if r.IntN(3) == 0 {
			start := 2026 + r.IntN(2)
			n.Values.Set("period_start_year", fmt.Sprint(start))
			n.Values.Set("period_end_year", fmt.Sprint(start+1+r.IntN(2)))
			n.Values.Set("valid_until", fmt.Sprintf("%d-12-31", start))
		}
		if r.IntN(4) == 0 {
			n.Values.Set("current_basis_public", "true")
		}
		if r.IntN(5) == 0 {
			n.Values.Set("budget_negotiable", "true")
		} else {
			n.Values.Set("budget_wan", fmt.Sprint(10*(1+r.IntN(100))))
		}
		advance(cat, r, n, e, s)
		n.Rev = forms.NewIDFrom(r.Uint64(), r.Uint64())
		s.Needs = append(s.Needs, n)
		if len(s.Needs) == batch || i == needs-1 {
			sols.add(s)
			if err := fn(s); err != nil {
				return err
			}
			s = &Set{}
		}
	}
	return nil
}

// advance walks a need along the lifecycle to a random status, filling in
// what each step needs: a diagnosis, a confirmation, platform state, follow-ups.
func advance(cat *forms.Catalogue, r *rand.Rand, n *forms.Need, e *forms.Enterprise, s *Set) {
	path := []forms.Status{forms.StatusDraft, forms.StatusToDiagnose, forms.StatusToConfirm, forms.StatusConfirmed, forms.StatusPublished, forms.StatusMatching, forms.StatusSigned}
	stop := r.IntN(len(path))
	if n.Visibility() == forms.VisibilityPrivate && stop > 3 {
		stop = 3
	}
	for _, st := range path[1 : stop+1] {
		switch st {
		case forms.StatusToConfirm:
			d := &forms.Diagnosis{Values: forms.Values{"diag_conclusion": {forms.ConclusionValid}}, By: n.CreatedBy, At: n.UpdatedAt}
			for _, id := range forms.DiagnosisCriteria {
				d.Values.Set(id, "pass")
			}
			n.Diagnosis = d
			n.Status = st
		case forms.StatusConfirmed:
			ct := e.Contacts[0]
			_ = cat.Confirm(n, e, forms.Confirmation{At: n.UpdatedAt, NoticeVersion: "2026.1", Values: forms.Values{
				"confirmer_name": ct.Values["contact_name"], "confirmer_position": ct.Values["contact_position"], "confirmation_method": {"sign"}}})
		case forms.StatusPublished:
			n.Status = st
			n.Platform = forms.Platform{State: "已发布", URL: "https://kjzy.jstd.gov.cn.invalid/need/" + n.ID[:8], UpdatedAt: n.UpdatedAt}
		case forms.StatusMatching:
			n.Status = st
			s.FollowUps = append(s.FollowUps, &forms.FollowUp{ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), NeedID: n.ID, Kind: forms.FollowUpIntent, Date: n.UpdatedAt.Format("2006-01-02"), Partner: "苏州大学", CreatedAt: n.UpdatedAt})
		case forms.StatusSigned:
			n.Status = forms.StatusSigned
			s.FollowUps = append(s.FollowUps, &forms.FollowUp{ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), NeedID: n.ID, Kind: forms.FollowUpContract, Date: n.UpdatedAt.Format("2006-01-02"), Partner: "中科院苏州纳米所", AmountWan: fmt.Sprint(20 * (1 + r.IntN(20))), CreatedAt: n.UpdatedAt})
		default:
			n.Status = st
		}
	}
	if n.Status == forms.StatusToDiagnose && r.IntN(3) == 0 {
		n.Status = forms.StatusToComplete
	}
	if n.Status == forms.StatusToDiagnose && r.IntN(4) == 0 {
		n.Status = forms.StatusLongTerm
	}
}

func pick(r *rand.Rand, l []string) string { return l[r.IntN(len(l))] }

// creditCode makes a code that passes every layer of the check: random
// digits until the inner (GB 11714) check holds, then the check character
// they call for.
func creditCode(r *rand.Rand) string {
	for {
		b := []byte("913205")
		for i := 0; i < 11; i++ {
			b = append(b, "0123456789"[r.IntN(10)])
		}
		code := string(b) + "0"
		switch res := forms.CheckCreditCode(code); res.Level {
		case forms.CreditCodeOK:
			return code
		case forms.CreditCodeCheckChar:
			return string(b) + string(res.Want)
		}
	}
}
