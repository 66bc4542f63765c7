package xlsx

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
)

// memRecords is an in-memory Records, as the store would answer.
type memRecords struct {
	ents      []*forms.Enterprise
	needs     []*forms.Need
	followUps []forms.FollowUp
	solutions []*forms.Solution
	iterating bool
}

var errNested = errors.New("nested iteration")

func (m *memRecords) ForEachEnterprise(ctx context.Context, fn func(*forms.Enterprise) error) error {
	if m.iterating {
		return errNested
	}
	m.iterating = true
	defer func() { m.iterating = false }()
	for _, e := range m.ents {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (m *memRecords) ForEachNeed(ctx context.Context, fn func(*forms.Need) error) error {
	if m.iterating {
		return errNested
	}
	m.iterating = true
	defer func() { m.iterating = false }()
	for _, n := range m.needs {
		if err := fn(n); err != nil {
			return err
		}
	}
	return nil
}

func (m *memRecords) AllFollowUps(ctx context.Context) ([]forms.FollowUp, error) {
	return m.followUps, nil
}

func (m *memRecords) SolutionStatuses(ctx context.Context) (map[string][]forms.SolutionStatus, error) {
	out := map[string][]forms.SolutionStatus{}
	for _, s := range m.solutions {
		out[s.NeedID] = append(out[s.NeedID], s.Status)
	}
	return out, nil
}

func (m *memRecords) Solutions(ctx context.Context, needID string) ([]*forms.Solution, error) {
	var out []*forms.Solution
	for _, s := range m.solutions {
		if s.NeedID == needID {
			out = append(out, s)
		}
	}
	return out, nil
}

// addSolution adds a solution of need n from provider, in status st.
func (m *memRecords) addSolution(n *forms.Need, provider string, st forms.SolutionStatus) *forms.Solution {
	s := &forms.Solution{ID: forms.NewID(), NeedID: n.ID, Status: st, Source: forms.SourcePaper, Values: forms.Values{
		"provider_name": {provider}, "provider_type": {"university"}, "provider_region": {"江苏南京"},
		"solution_contact": {"赵明远"}, "solution_phone": {"13912345678"}, "solution_email": {"zhao@example.edu.cn"},
	}}
	m.solutions = append(m.solutions, s)
	return s
}

// fixedNow is the clock of the export tests.
func fixedNow() time.Time { return time.Date(2025, 6, 30, 9, 0, 0, 0, time.UTC) }

type entSpec struct {
	name, code, region string
	contact            forms.Values
	extra              forms.Values
}

func (m *memRecords) addEnterprise(t testing.TB, s entSpec) *forms.Enterprise {
	t.Helper()
	e := &forms.Enterprise{ID: forms.NewID(), Values: forms.Values{}}
	e.Values.Set("enterprise_name", s.name)
	e.Values.Set("credit_code", s.code)
	e.Values.Set("region", s.region)
	for id, l := range s.extra {
		e.Values[id] = l
	}
	if s.contact != nil {
		e.Contacts = []forms.Contact{{ID: forms.NewID(), Values: s.contact}}
	}
	if ps := forms.Default().ValidateEnterprise(e, forms.Draft); forms.Blocking(ps) {
		t.Fatalf("fixture enterprise %s: %v", s.name, ps)
	}
	m.ents = append(m.ents, e)
	return e
}

// addNeed adds a complete need of e, confirmed when confirm is set.
func (m *memRecords) addNeed(t testing.TB, e *forms.Enterprise, title string, vis forms.Visibility, confirm bool, extra forms.Values) *forms.Need {
	t.Helper()
	cat := forms.Default()
	n := &forms.Need{ID: forms.NewID(), EnterpriseID: e.ID, Status: forms.StatusToConfirm, Values: forms.Values{
		"title":             {title},
		"need_type":         {"02"},
		"tech_fields":       {"804"},
		"keywords":          {"伺服", "编码器"},
		"problem":           {"现有进口编码器价格高、交期长，需要国产替代方案。"},
		"key_technology":    {"23 位绝对值编码，抗振动。"},
		"indicators":        {"分辨率 23 位；工作温度 -20～85 ℃。"},
		"expected_goal":     {"完成样机并小批量试产。"},
		"cooperation_modes": {"02", "01"},
		"budget_wan":        {"200"},
		"timeframe":         {"2025-12"},
		"visibility":        {string(vis)},
	}}
	if len(e.Contacts) > 0 {
		n.ContactID = e.Contacts[0].ID
	}
	if vis == forms.VisibilityAnonymous {
		n.Values.Set("public_alias", "苏州市某装备制造企业")
	}
	for id, l := range extra {
		if len(l) == 0 {
			delete(n.Values, id)
			continue
		}
		n.Values[id] = l
	}
	if ps := cat.ValidateNeed(n, forms.Draft); forms.Blocking(ps) {
		t.Fatalf("fixture need %s: %v", title, ps)
	}
	if confirm {
		if err := cat.Confirm(n, e, forms.Confirmation{At: fixedNow(), Values: forms.Values{"confirmer_name": {"确认人"}}}); err != nil {
			t.Fatal(err)
		}
	}
	n.UpdatedAt = fixedNow()
	m.needs = append(m.needs, n)
	return n
}

// sampleRecords: a few enterprises and needs of every kind.
func sampleRecords(t testing.TB) *memRecords {
	m := &memRecords{}
	e1 := m.addEnterprise(t, entSpec{name: "昆山精密机械有限公司", code: creditCode(t, "91320583MA1XYW01"), region: "320583100",
		contact: forms.Values{"contact_name": {"王晓明"}, "contact_position": {"技术总监"}, "contact_mobile": {"13812345678"}}})
	e2 := m.addEnterprise(t, entSpec{name: "苏州远望新材料有限公司", code: creditCode(t, "91320583MA200001"), region: "320583102",
		contact: forms.Values{"contact_name": {"李华"}, "contact_mobile": {"13900001111"}, "contact_landline": {"0512-57771234"}}})
	m.addNeed(t, e1, "数控机床主轴热变形补偿", forms.VisibilityNamed, true, forms.Values{"tech_fields": {"804", "101"}})
	m.addNeed(t, e1, "高导热陶瓷基板材料开发", forms.VisibilityAnonymous, true, forms.Values{"tech_fields": {"401"}, "budget_wan": nil, "budget_negotiable": {"true"}})
	m.addNeed(t, e2, "中药提取物稳定性研究", forms.VisibilityNamed, true, forms.Values{"tech_fields": {"202"}, "need_type": {"01"}})
	m.addNeed(t, e2, "尚未确认的需求项目", forms.VisibilityNamed, false, nil)
	m.addNeed(t, e2, "不公开的需求项目", forms.VisibilityPrivate, true, nil)
	return m
}

func titles(ns []*forms.Need) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Title())
	}
	return out
}

var _ = fmt.Sprint
