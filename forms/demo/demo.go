// Package demo makes a realistic, entirely made-up data set: enterprises in
// Suzhou's towns and their technology needs of every type and status, with
// diagnoses, confirmations and follow-ups where their status implies them. It
// feeds `xunbang demo`, the screenshots and the benchmarks. The same seed
// always gives the same records.
package demo

import (
	"fmt"
	"math/rand/v2"
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
}

var (
	brands   = []string{"昆仑", "金鸡湖", "阳澄", "太湖", "东吴", "姑苏", "虎丘", "澄湖", "天平", "寒山", "盘门", "同里", "周庄", "锦溪", "千灯", "淀山", "娄江", "沙洲", "港城", "虞山", "尚湖", "浏河", "沙溪", "璜泾", "琼花", "犇腾", "淼鑫", "堃元"}
	trades   = []string{"精密机械", "智能装备", "新材料", "生物医药", "微电子", "光电科技", "环保科技", "新能源", "汽车零部件", "纺织科技", "检测技术", "软件科技", "医疗器械", "精细化工", "电力设备"}
	suffixes = []string{"有限公司", "股份有限公司", "科技有限公司"}
	people   = []string{"王晓明", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏", "徐强", "孙悦", "朱琳", "马超", "胡婷"}
	posts    = []string{"技术总监", "总经理", "研发经理", "副总经理", "总工程师", "技术部长"}
	subjects = []string{"伺服电机编码器", "碳化硅功率器件", "锂电池隔膜", "医用导管涂层", "工业视觉检测", "高速主轴轴承", "光刻胶树脂", "污水除磷工艺", "氢燃料电池双极板", "纺织印染废水回用", "机器人减速器", "PCB 高频板材", "钛合金 3D 打印", "智能仓储调度", "工业软件 PLM"}
	aims     = []string{"国产化替代", "工艺优化", "性能提升", "成本降低", "良率提升", "能耗降低", "寿命延长", "检测自动化"}
	officers = []string{"李科技", "周镇长", "钱经理"}
)

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

// Generate returns a set of about needs needs spread over needs/3+1 enterprises.
func Generate(seed uint64, needs int) *Set {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cat := forms.Default()
	towns := suzhouTowns()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := &Set{}
	nEnt := needs/3 + 1
	for i := 0; i < nEnt; i++ {
		name := fmt.Sprintf("苏州%s%s%s", pick(r, brands), pick(r, trades), pick(r, suffixes))
		if i >= len(brands)*len(trades) {
			name = fmt.Sprintf("苏州%s%s%d号%s", pick(r, brands), pick(r, trades), i, pick(r, suffixes))
		}
		at := base.Add(time.Duration(r.IntN(200*24)) * time.Hour)
		e := &forms.Enterprise{
			ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), CatalogueVersion: cat.Version, CreatedAt: at, UpdatedAt: at, CreatedBy: pick(r, officers), Team: "苏州科技镇长团",
			Values: forms.Values{
				"enterprise_name":  {name},
				"credit_code":      {creditCode(r)},
				"region":           {pick(r, towns)},
				"address":          {fmt.Sprintf("%s路 %d 号", pick(r, brands), 1+r.IntN(300))},
				"institution_type": {"1"},
				"scale":            {fmt.Sprint(1 + r.IntN(4))},
				"above_scale":      {fmt.Sprint(r.IntN(3) > 0)},
				"industry":         {"C"},
				"rd_staff":         {fmt.Sprint(5 + r.IntN(300))},
			},
			Contacts: []forms.Contact{{ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), Values: forms.Values{
				"contact_name": {pick(r, people)}, "contact_position": {pick(r, posts)},
				"contact_mobile": {fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1e9))},
				"contact_email":  {fmt.Sprintf("rd%d@example.com.cn", i)},
			}}},
		}
		quals := []string{"hnte", "tsme", "isme", "srdi", "giant", "gazelle"}
		e.Values.SetList("qualifications", []string{quals[r.IntN(len(quals))], quals[r.IntN(len(quals))]})
		e.Rev = forms.NewIDFrom(r.Uint64(), r.Uint64())
		s.Enterprises = append(s.Enterprises, e)
		if r.IntN(2) == 0 {
			s.Visits = append(s.Visits, &forms.Visit{ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), EnterpriseID: e.ID,
				Date: at.Format("2006-01-02"), Who: pick(r, officers) + "、" + pick(r, officers), Notes: "现场走访，了解企业研发现状与技术瓶颈。", CreatedAt: at})
		}
	}
	types := cat.Vocabulary("need_type").Options
	var subFields []forms.Option
	for _, o := range cat.Vocabulary("tech_field").Options {
		if o.Parent != "" {
			subFields = append(subFields, o)
		}
	}
	for i := 0; i < needs; i++ {
		e := s.Enterprises[i%nEnt]
		sub := subFields[r.IntN(len(subFields))]
		subject := pick(r, subjects)
		title := subject + pick(r, aims)
		if i >= len(subjects)*len(aims) {
			title = fmt.Sprintf("%s%s（第%d期）", subject, pick(r, aims), i/(len(subjects)*len(aims))+1)
		}
		at := e.CreatedAt.Add(time.Duration(1+r.IntN(60*24)) * time.Hour)
		n := &forms.Need{
			ID: forms.NewIDFrom(r.Uint64(), r.Uint64()), EnterpriseID: e.ID, ContactID: e.Contacts[0].ID,
			CatalogueVersion: cat.Version, CreatedAt: at, UpdatedAt: at, CreatedBy: e.CreatedBy, Team: e.Team,
			Status: forms.StatusDraft,
			Values: forms.Values{
				"title":             {title},
				"need_type":         {types[r.IntN(len(types))].Code},
				"tech_fields":       {sub.Parent, sub.Code},
				"keywords":          {strings.Fields(strings.ReplaceAll(subject, " ", ""))[0], pick(r, aims)},
				"problem":           {fmt.Sprintf("企业现有%s依赖进口，价格高、交期长，且在%s方面难以满足客户要求，急需%s。", subject, pick(r, aims), pick(r, aims))},
				"key_technology":    {fmt.Sprintf("%s的材料配方、结构设计与制造工艺。", subject)},
				"indicators":        {fmt.Sprintf("精度 ≤ %d μm；寿命 ≥ %d 小时；良率 ≥ %d%%", 1+r.IntN(20), 1000*(1+r.IntN(20)), 90+r.IntN(10))},
				"expected_goal":     {"完成样机研制并通过客户验证，实现小批量生产。"},
				"current_basis":     {fmt.Sprintf("已投入研发资金 %d 万元，研发团队 %d 人。", 50+r.IntN(500), 3+r.IntN(30))},
				"cooperation_modes": {[]string{"01", "02", "03", "04", "06"}[r.IntN(5)]},
				"timeframe":         {fmt.Sprintf("2027-%02d", 1+r.IntN(12))},
				"visibility":        {[]string{"named", "named", "anonymous", "private"}[r.IntN(4)]},
				"public_alias":      {"苏州市某" + pick(r, trades) + "企业"},
			},
		}
		if r.IntN(5) == 0 {
			n.Values.Set("budget_negotiable", "true")
		} else {
			n.Values.Set("budget_wan", fmt.Sprint(10*(1+r.IntN(100))))
		}
		advance(cat, r, n, e, s)
		n.Rev = forms.NewIDFrom(r.Uint64(), r.Uint64())
		s.Needs = append(s.Needs, n)
	}
	return s
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

// creditCode makes a code that passes every layer of the check.
func creditCode(r *rand.Rand) string {
	const alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for {
		b := []byte("913205")
		for i := 0; i < 11; i++ {
			b = append(b, "0123456789"[r.IntN(10)])
		}
		for _, c := range alpha {
			code := string(b) + string(c)
			if forms.CheckCreditCode(code).Level == forms.CreditCodeOK {
				return code
			}
		}
	}
}
