package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
)

func TestMergeNeedTakesChosenFieldsFromTheServer(t *testing.T) {
	cat := forms.Default()
	local := &forms.Need{ID: "n", Values: forms.Values{"title": {"本机标题很长"}, "budget_wan": {"100"}, "keywords": {"甲"}}}
	server := &forms.Need{ID: "n", Values: forms.Values{"title": {"平台标题很长"}, "budget_wan": {"100"}, "indicators": {"精度 1 μm"}}}
	diff := differingFields(cat, local, server)
	var ids []string
	for _, f := range diff {
		ids = append(ids, f.ID)
	}
	if len(ids) != 3 || ids[0] != "title" {
		t.Fatalf("differing fields %v, want title, keywords, indicators in catalogue order", ids)
	}
	m := mergeNeed(local, server, []string{"title", "keywords"})
	if m.Values.Get("title") != "平台标题很长" || m.Values.Has("keywords") || m.Values.Has("indicators") || m.Values.Get("budget_wan") != "100" {
		t.Fatalf("merged %v", m.Values)
	}
	if local.Values.Get("title") != "本机标题很长" {
		t.Fatal("merging changed the local need")
	}
}

type recordedResolve struct {
	cs     []NeedConflict
	id     string
	merged *forms.Need
	called bool
}

func (r *recordedResolve) NeedConflicts(context.Context) ([]NeedConflict, error) { return r.cs, nil }
func (r *recordedResolve) ResolveNeed(_ context.Context, id string, m *forms.Need) error {
	r.id, r.merged, r.called = id, m, true
	return nil
}

func TestConflictDialogMergesFieldByField(t *testing.T) {
	u, _ := newTestUI(t, nil)
	rec := &recordedResolve{cs: []NeedConflict{{ID: "n1",
		Local:  &forms.Need{ID: "n1", Values: forms.Values{"title": {"本机的需求标题"}, "budget_wan": {"100"}}},
		Server: &forms.Need{ID: "n1", Values: forms.Values{"title": {"平台的需求标题"}, "budget_wan": {"120"}}},
	}}}
	u.opts.Conflicts = rec
	u.showConflicts()
	settle(t, u)
	c := u.win.Canvas()
	var radios []*widget.RadioGroup
	var keep *widget.Button
	for _, o := range test.LaidOutObjects(c.Overlays().Top()) {
		switch w := o.(type) {
		case *widget.RadioGroup:
			radios = append(radios, w)
		case *widget.Button:
			if w.Text == "保存合并结果" {
				keep = w
			}
		}
	}
	if len(radios) != 2 || keep == nil {
		t.Fatalf("%d field choices and keep button %v; want 2 and a button", len(radios), keep != nil)
	}
	radios[1].SetSelected("平台") // budget from the platform, title kept
	test.Tap(keep)
	settle(t, u)
	if !rec.called || rec.id != "n1" {
		t.Fatal("ResolveNeed was not called")
	}
	if rec.merged.Values.Get("title") != "本机的需求标题" || rec.merged.Values.Get("budget_wan") != "120" {
		t.Fatalf("merged %v", rec.merged.Values)
	}
}
