package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// Solutions (揭榜) for the published needs, and a 竞榜 evaluation for some of
// those with three or more. They are drawn from a random source of their
// own, so that adding them left every enterprise and need of a seed as it
// was.

// provider is a solution provider: its name, type (provider_type code)
// and region.
type provider struct{ name, kind, region string }

// providers are made-up solution providers by type: universities and
// institutes named like real ones' departments, companies and people
// invented.
var providers = []provider{
	{"苏州大学机电工程学院", "university", "江苏苏州"},
	{"东南大学材料科学与工程学院", "university", "江苏南京"},
	{"江南大学食品学院", "university", "江苏无锡"},
	{"南京理工大学自动化学院", "university", "江苏南京"},
	{"上海交通大学智能制造研究院", "university", "上海"},
	{"浙江大学宁波研究院", "institute", "浙江宁波"},
	{"中科院苏州纳米所测试分析平台", "institute", "江苏苏州"},
	{"江苏省产业技术研究院先进材料所", "institute", "江苏南京"},
	{"苏州工业园区某智能装备有限公司", "enterprise", "江苏苏州"},
	{"无锡某精密传感科技有限公司", "enterprise", "江苏无锡"},
	{"常州某新材料股份有限公司", "enterprise", "江苏常州"},
	{"陈立新（独立研发者）", "individual", "江苏苏州"},
}

var (
	solPeople = []string{"赵明远", "钱晓雯", "孙建国", "周慧", "吴海峰", "郑雪", "王立群", "冯博"}
	solPosts  = []string{"教授", "副教授", "研究员", "高级工程师", "技术总监", "项目经理"}
	experts   = []string{"张立华 教授（苏州大学）", "刘建 研究员（中科院苏州纳米所）", "陈思远 高级工程师（苏州市生产力促进中心）", "王敏 教授级高工（江苏省产业技术研究院）"}
	periods   = []string{"6 个月", "9 个月", "12 个月", "18 个月", "2027 年底前"}
)

// A solutionMaker gives published needs their solutions. It keeps its
// random source from one part of a set to the next, so that a set made in
// parts (Stream) gets the solutions it would get made whole.
type solutionMaker struct{ r *rand.Rand }

func newSolutionMaker(seed uint64) *solutionMaker {
	return &solutionMaker{rand.New(rand.NewPCG(seed^0x6a09e667f3bcc908, seed+0xbb67ae8584caa73b))}
}

// add gives the published needs of s their solutions, with statuses their
// need's status implies: a 已发布 need has some 已提交 or 初筛 ones, a 对接中
// need one 推荐对接 or 洽谈中, a 已签约 need one 已签约; and evaluates some of
// the needs with three or more.
func (m *solutionMaker) add(s *Set) {
	r := m.r
	for _, n := range s.Needs {
		var lead forms.SolutionStatus
		var count int
		switch n.Status {
		case forms.StatusPublished:
			count = r.IntN(4) // 0 to 3
		case forms.StatusMatching:
			lead, count = []forms.SolutionStatus{forms.SolutionRecommended, forms.SolutionNegotiating}[r.IntN(2)], 1+r.IntN(5)
		case forms.StatusSigned:
			lead, count = forms.SolutionSigned, 1+r.IntN(4)
		default:
			continue
		}
		var sols []*forms.Solution
		order := r.Perm(len(providers)) // a provider answers a need once
		for i := 0; i < count; i++ {
			st := []forms.SolutionStatus{forms.SolutionSubmitted, forms.SolutionScreened}[r.IntN(2)]
			if lead != "" {
				if i == 0 {
					st = lead
				} else if r.IntN(3) == 0 {
					st = forms.SolutionDeclined
				}
			}
			sols = append(sols, newSolution(r, n, i, st, providers[order[i]]))
		}
		s.Solutions = append(s.Solutions, sols...)
		if len(sols) >= forms.EvaluationMinSolutions && r.IntN(2) == 0 {
			n.Evaluation = evaluate(r, n, sols)
		}
	}
}

// newSolution makes the i-th solution of need n, from provider p, in
// status st.
func newSolution(r *rand.Rand, n *forms.Need, i int, st forms.SolutionStatus, p provider) *forms.Solution {
	at := n.UpdatedAt.Add(time.Duration(24*(i+1)+r.IntN(72)) * time.Hour)
	src := []forms.SolutionSource{forms.SourcePublicPage, forms.SourcePublicPage, forms.SourcePaper, forms.SourceExcel}[r.IntN(4)]
	sol := &forms.Solution{
		ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), NeedID: n.ID, Rev: forms.NewIDFrom(r.Uint64(), r.Uint64()),
		CatalogueVersion: n.CatalogueVersion, Status: st, Source: src, Team: n.Team, CreatedBy: n.CreatedBy,
		CreatedAt: at, UpdatedAt: at,
		Values: forms.Values{
			"provider_name":        {p.name},
			"provider_type":        {p.kind},
			"provider_region":      {p.region},
			"solution_contact":     {pick(r, solPeople)},
			"solution_position":    {pick(r, solPosts)},
			"solution_phone":       {fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1e9))},
			"solution_email":       {fmt.Sprintf("jiebang%d@example.edu.cn", r.IntN(10000))},
			"solution_summary":     {fmt.Sprintf("针对“%s”，我方在相关方向已有多年研究积累和工程应用案例，拟先开展现场诊断与方案论证，再分阶段完成技术攻关、样机验证和产线导入，关键指标可达到需求方提出的要求。", n.Title())},
			"solution_cooperation": {[]string{"01", "02", "03", "06"}[r.IntN(4)]},
			"quote_wan":            {fmt.Sprint(10 * (1 + r.IntN(50)))},
			"solution_period":      {pick(r, periods)},
		},
	}
	if src == forms.SourcePublicPage {
		sol.Receipt = fmt.Sprintf("JB%s-%04d", at.Format("0102"), r.IntN(10000))
		sol.Consent = &forms.Consent{NoticeVersion: "jiebang-notice-2026-1", At: at}
	}
	if st != forms.SolutionSubmitted && r.IntN(2) == 0 {
		sol.Values.Set("solution_notes", "已电话联系方案提供方，约定到企业现场交流。")
	}
	return sol
}

// evaluate makes a 竞榜 evaluation of need n and its solutions: three
// experts, every criterion scored, the experts' suggestion the best-scored
// solution and the enterprise's choice that one, or the one it signed with.
func evaluate(r *rand.Rand, n *forms.Need, sols []*forms.Solution) *forms.Evaluation {
	ev := &forms.Evaluation{
		Date:    n.UpdatedAt.AddDate(0, 1, 0).Format("2006-01-02"),
		Experts: []string{experts[0], experts[1+r.IntN(2)], experts[3]},
		By:      n.CreatedBy,
		At:      n.UpdatedAt.AddDate(0, 1, 0),
		Opinion: "需求明确、具有行业代表性；各方案技术路线清晰，建议企业与得分最高的方案方深入洽谈。",
	}
	score := func() float64 { return float64(50+r.IntN(50)) / 10 } // 5.0 to 9.9
	for _, c := range forms.NeedCriteria {
		ev.SetScore("", c.ID, score(), true)
	}
	best, bestTotal := "", -1.0
	for _, s := range sols {
		for _, c := range forms.SolutionCriteria {
			ev.SetScore(s.ID, c.ID, score(), true)
		}
		if t, _ := ev.SolutionScores(s.ID).Total(forms.SolutionCriteria); t > bestTotal {
			best, bestTotal = s.ID, t
		}
	}
	ev.Suggested, ev.Chosen = best, best
	for _, s := range sols {
		if s.Status == forms.SolutionSigned || s.Status == forms.SolutionChosen {
			ev.Chosen = s.ID // the enterprise's choice is the one it signed with
		}
	}
	return ev
}
