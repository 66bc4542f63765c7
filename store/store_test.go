package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
)

var bg = context.Background()

func TestSaveLoadRoundTrip(t *testing.T) {
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("苏州纳微科技有限公司", "91320594MA1MXXXX2K", "320594"))
	if e.ID == "" || e.Rev == "" || e.Contacts[0].ID == "" || e.CatalogueVersion != forms.Default().Version {
		t.Fatalf("SaveEnterprise did not assign ids and version: %+v", e)
	}
	if e.CreatedBy != "张三" || e.Team != "苏州寻榜一队" || e.CreatedAt.IsZero() || !e.CreatedAt.Equal(e.UpdatedAt) {
		t.Errorf("creation fields: by %q team %q at %v/%v", e.CreatedBy, e.Team, e.CreatedAt, e.UpdatedAt)
	}

	confirmed := newNeed(e.ID, "已确认的需求")
	confirmed.Status = forms.StatusToConfirm
	confirmed.Diagnosis = &forms.Diagnosis{Values: forms.Values{"diag_conclusion": {"valid"}}, By: "王五", At: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
	if err := forms.Default().Confirm(confirmed, e, forms.Confirmation{
		Values: forms.Values{"confirmer_name": {"赵六"}}, At: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC),
		Signature: []byte{0x89, 'P', 'N', 'G', 0, 1, 2},
	}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		need *forms.Need
	}{
		{"draft", newNeed(e.ID, "高精度MEMS压力传感器封装工艺")},
		{"empty values", &forms.Need{EnterpriseID: e.ID, Status: forms.StatusDraft}},
		{"confirmed with signature", confirmed},
		{"given id", func() *forms.Need { n := newNeed(e.ID, "带编号"); n.ID = forms.NewID(); return n }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.need
			mustSaveNeed(t, s, n)
			got, err := s.Need(bg, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(n)
			have, _ := json.Marshal(got)
			if !bytes.Equal(want, have) {
				t.Errorf("round trip:\nsaved  %s\nloaded %s", want, have)
			}
			if n.Confirmation != nil && !bytes.Equal(got.Confirmation.Content, n.Confirmation.Content) {
				t.Error("confirmed content bytes changed")
			}
		})
	}

	got, err := s.Enterprise(bg, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Values, e.Values) || got.Contacts[0].ID != e.Contacts[0].ID || got.Rev != e.Rev {
		t.Errorf("enterprise round trip: %+v, want %+v", got, e)
	}
	if byCode, err := s.EnterpriseByCreditCode(bg, " 91320594-ma1mxxxx2k "); err != nil || byCode.ID != e.ID {
		t.Errorf("EnterpriseByCreditCode: %v, %v", byCode, err)
	}
	if _, err := s.Need(bg, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Need(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := s.EnterpriseByCreditCode(bg, "91000000000000000X"); !errors.Is(err, ErrNotFound) {
		t.Errorf("EnterpriseByCreditCode(unknown) = %v, want ErrNotFound", err)
	}
}

func TestSaveNeedRefuses(t *testing.T) {
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	stored := mustSaveNeed(t, s, newNeed(e.ID, "已存"))
	stale := *stored
	mustSaveNeed(t, s, stored) // moves on; stale now holds an old Rev

	tests := []struct {
		name string
		need *forms.Need
		want error
	}{
		{"unknown status", &forms.Need{EnterpriseID: e.ID, Status: "maybe"}, ErrInvalid},
		{"no status", &forms.Need{EnterpriseID: e.ID}, ErrInvalid},
		{"unknown enterprise", newNeed("no-such-enterprise", "x"), ErrNotFound},
		{"bad id", func() *forms.Need { n := newNeed(e.ID, "x"); n.ID = "a\x00b"; return n }(), ErrInvalid},
		{"stale rev", &stale, ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.need
			err := s.SaveNeed(bg, tt.need)
			if !errors.Is(err, tt.want) {
				t.Fatalf("SaveNeed = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "save need ") {
				t.Errorf("error %q does not name the operation", err)
			}
			if !reflect.DeepEqual(*tt.need, before) {
				t.Errorf("a failed save changed the need: %+v, was %+v", *tt.need, before)
			}
		})
	}
	if got := s.CountNeeds(bg); got != 1 {
		t.Errorf("CountNeeds = %d, want 1", got)
	}
}

func TestRevisionsKept(t *testing.T) {
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	n := newNeed(e.ID, "第一版")
	var revs []string
	for i, title := range []string{"第一版", "第二版", "第三版"} {
		n.Values.Set("title", title)
		mustSaveNeed(t, s, n)
		if i > 0 && n.BaseRev != revs[i-1] {
			t.Errorf("save %d: BaseRev %q, want %q", i+1, n.BaseRev, revs[i-1])
		}
		revs = append(revs, n.Rev)
	}
	l, err := s.NeedRevisions(bg, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 3 {
		t.Fatalf("%d revisions, want 3", len(l))
	}
	for i, r := range l {
		if r.Rev != revs[i] || r.Title() != []string{"第一版", "第二版", "第三版"}[i] {
			t.Errorf("revision %d: rev %s title %s", i, r.Rev, r.Title())
		}
		wantBase := ""
		if i > 0 {
			wantBase = l[i-1].Rev
		}
		if r.BaseRev != wantBase {
			t.Errorf("revision %d: BaseRev %q, want %q", i, r.BaseRev, wantBase)
		}
		if !r.CreatedAt.Equal(l[0].CreatedAt) {
			t.Errorf("revision %d: CreatedAt changed", i)
		}
	}
	if !l[2].UpdatedAt.After(l[0].UpdatedAt) {
		t.Error("UpdatedAt did not move")
	}
	if _, err := s.NeedRevisions(bg, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("NeedRevisions(unknown) = %v", err)
	}
	el, err := s.EnterpriseRevisions(bg, e.ID)
	if err != nil || len(el) != 1 {
		t.Errorf("EnterpriseRevisions = %d, %v", len(el), err)
	}
}

func TestOutbox(t *testing.T) {
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	n := mustSaveNeed(t, s, newNeed(e.ID, "第一版"))
	firstRev := n.Rev
	n.Values.Set("title", "第二版")
	mustSaveNeed(t, s, n)
	v2 := n.Rev

	// One entry per record, carrying its latest revision; the need's base
	// is what the platform has of it: nothing yet.
	type entry struct{ kind, id, rev, base string }
	entries := func(l []OutboxEntry) []entry {
		var out []entry
		for _, o := range l {
			out = append(out, entry{o.Kind, o.ID, o.Rev, o.BaseRev})
		}
		return out
	}
	box, err := s.Outbox(bg, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := entries(box), []entry{{KindEnterprise, e.ID, e.Rev, ""}, {KindNeed, n.ID, v2, ""}}; !slices.Equal(got, want) {
		t.Fatalf("outbox:\n got %v\nwant %v", got, want)
	}
	var body forms.Need
	if err := json.Unmarshal(box[1].Body, &body); err != nil || body.Rev != v2 || body.Title() != "第二版" {
		t.Errorf("outbox body is not the latest revision: %s (%v)", box[1].Body, err)
	}
	if firstRev == v2 {
		t.Fatal("no new revision")
	}
	if l, _ := s.Outbox(bg, 1); len(l) != 1 || l[0].Kind != KindEnterprise {
		t.Errorf("Outbox(limit 1) = %v", entries(l))
	}
	stats := func() OutboxStats {
		t.Helper()
		st, err := s.OutboxStats(bg)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := stats(); st.Pending != 2 || st.Quarantined != 0 || !st.Oldest.Equal(box[0].CreatedAt) {
		t.Errorf("OutboxStats = %+v", st)
	}
	if err := s.FailOutbox(bg, box[0].Seq, "connection refused"); err != nil {
		t.Fatal(err)
	}
	if err := s.FailOutbox(bg, box[0].Seq, "503"); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.Outbox(bg, 1); l[0].Attempts != 2 || l[0].LastError != "503" || l[0].LastAttempt.IsZero() {
		t.Errorf("after two failures: %+v", l[0])
	}
	if err := s.FailOutbox(bg, 9999, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("FailOutbox(unknown) = %v", err)
	}

	// The need is saved again while its push is under way: the answer
	// about v2 makes v2 the base of the entry, which stays queued with v3.
	seq := box[1].Seq
	n.Values.Set("title", "第三版")
	mustSaveNeed(t, s, n)
	v3 := n.Rev
	if err := s.SettleOutbox(bg, []Settlement{{Seq: box[0].Seq, Rev: e.Rev, Outcome: Acknowledged}, {Seq: seq, Rev: v2, Outcome: Acknowledged}}); err != nil {
		t.Fatal(err)
	}
	if got, want := entries(mustOutbox(t, s)), []entry{{KindNeed, n.ID, v3, v2}}; !slices.Equal(got, want) {
		t.Fatalf("after acknowledging v2 while v3 waits: %v, want %v", got, want)
	}
	// Settling again changes nothing.
	if err := s.SettleOutbox(bg, []Settlement{{Seq: box[0].Seq, Rev: e.Rev, Outcome: Acknowledged}}); err != nil {
		t.Fatal(err)
	}

	// v3 is refused: set aside with the reasons, one record refused.
	if err := s.SettleOutbox(bg, []Settlement{{Seq: seq, Rev: v3, Outcome: Refused, Reasons: []Reason{{Message: "「需求名称」过短"}}}}); err != nil {
		t.Fatal(err)
	}
	if st := stats(); st.Pending != 0 || st.Quarantined != 1 || st.Conflicts != 0 {
		t.Errorf("after the refusal: %+v", st)
	}
	q, _ := s.QuarantinedOutbox(bg)
	if len(q) != 1 || q[0].Rev != v3 || q[0].BaseRev != v2 || !q[0].Quarantined || q[0].Conflict || !slices.Equal(q[0].Reasons, []Reason{{Message: "「需求名称」过短"}}) {
		t.Fatalf("quarantined = %+v", q)
	}
	// The official fixes it: the new revision is queued on the base the
	// platform has (v2), not on the refused v3 it never stored.
	n.Values.Set("title", "第四版，改好了")
	mustSaveNeed(t, s, n)
	v4 := n.Rev
	if got, want := entries(mustOutbox(t, s)), []entry{{KindNeed, n.ID, v4, v2}}; !slices.Equal(got, want) {
		t.Fatalf("after fixing the refused revision: %v, want %v", got, want)
	}
	// A refusal of a revision superseded meanwhile is forgotten.
	box = mustOutbox(t, s)
	n.Values.Set("title", "第五版")
	mustSaveNeed(t, s, n)
	v5 := n.Rev
	if err := s.SettleOutbox(bg, []Settlement{{Seq: box[0].Seq, Rev: v4, Outcome: Refused, Reasons: []Reason{{Message: "x"}}}}); err != nil {
		t.Fatal(err)
	}
	if st := stats(); st.Pending != 1 || st.Quarantined != 1 {
		t.Errorf("after refusing a superseded revision: %+v", st)
	}
	// Its acceptance supersedes the old refusal too.
	if err := s.SettleOutbox(bg, []Settlement{{Seq: box[0].Seq, Rev: v5, Outcome: Acknowledged}}); err != nil {
		t.Fatal(err)
	}
	if st := stats(); st != (OutboxStats{}) {
		t.Errorf("after the fixed revision was accepted: %+v", st)
	}

	// A conflict is set aside as one; an edit on top of it keeps its base
	// (the conflict is not settled by editing).
	n.Values.Set("title", "第六版")
	mustSaveNeed(t, s, n)
	v6 := n.Rev
	box = mustOutbox(t, s)
	if err := s.SettleOutbox(bg, []Settlement{{Seq: box[0].Seq, Rev: v6, Outcome: Conflicted, Reasons: []Reason{{Message: "conflict"}}}}); err != nil {
		t.Fatal(err)
	}
	if st := stats(); st.Quarantined != 1 || st.Conflicts != 1 {
		t.Errorf("after the conflict: %+v", st)
	}
	n.Values.Set("title", "第七版")
	mustSaveNeed(t, s, n)
	if got, want := entries(mustOutbox(t, s)), []entry{{KindNeed, n.ID, n.Rev, v6}}; !slices.Equal(got, want) {
		t.Fatalf("edit after a conflict: %v, want %v", got, want)
	}
	q, _ = s.QuarantinedOutbox(bg)
	// Requeueing a quarantined entry whose record is queued again drops it.
	if err := s.RequeueOutbox(bg, q[0].Seq); err != nil {
		t.Fatal(err)
	}
	if st := stats(); st.Pending != 1 || st.Quarantined != 0 {
		t.Errorf("after requeueing a superseded entry: %+v", st)
	}
	box = mustOutbox(t, s)
	if err := s.QuarantineOutbox(bg, box[0].Seq, []Reason{{Message: "too big"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.QuarantineOutbox(bg, box[0].Seq, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("QuarantineOutbox(already quarantined) = %v", err)
	}
	if err := s.RequeueOutbox(bg, box[0].Seq); err != nil {
		t.Fatal(err)
	}
	if l := mustOutbox(t, s); len(l) != 1 || l[0].Seq != box[0].Seq || len(l[0].Reasons) != 0 {
		t.Errorf("after requeue: %+v", l)
	}
	if err := s.Check(bg); err != nil {
		t.Fatal(err)
	}
	if err := s.AckOutbox(bg, box[0].Seq, 9999); err != nil {
		t.Fatal(err)
	}
	if st := stats(); st != (OutboxStats{}) {
		t.Errorf("after acking all, stats = %+v", st)
	}
	if err := s.Check(bg); err != nil {
		t.Fatal(err)
	}
}

func mustOutbox(t *testing.T, s *Store) []OutboxEntry {
	t.Helper()
	l, err := s.Outbox(bg, 0)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestIndexes(t *testing.T) {
	s, _ := openTest(t)
	e1 := mustSaveEnterprise(t, s, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
	e2 := mustSaveEnterprise(t, s, newEnterprise("乙公司", "91320500BBBBBBBB2B", "320500"))
	n := mustSaveNeed(t, s, newNeed(e1.ID, "需求"))
	statusKey := func(st forms.Status) string { return string(pairKey(string(st), n.ID)) }

	if keys := indexKeys(t, s, needByStatusBucket); !slices.Contains(keys, quote(statusKey(forms.StatusDraft))) {
		t.Fatalf("by status = %v, want the draft entry", keys)
	}
	if err := n.Transition(forms.StatusToDiagnose); err != nil {
		t.Fatal(err)
	}
	n.EnterpriseID = e2.ID
	mustSaveNeed(t, s, n)

	tests := []struct {
		bucket    []byte
		want, not string
	}{
		{needByStatusBucket, statusKey(forms.StatusToDiagnose), statusKey(forms.StatusDraft)},
		{needByEnterpriseBucket, string(pairKey(e2.ID, n.ID)), string(pairKey(e1.ID, n.ID))},
		{needByUpdatedBucket, string(timeKey(n.UpdatedAt, n.ID)), ""},
		{enterpriseByCodeBucket, string(pairKey(s.crypt.codeKey("91320500AAAAAAAA1A"), e1.ID)), ""},
	}
	for _, tt := range tests {
		keys := indexKeys(t, s, tt.bucket)
		if !slices.Contains(keys, quote(tt.want)) {
			t.Errorf("%s = %v, missing %q", tt.bucket, keys, tt.want)
		}
		if tt.not != "" && slices.Contains(keys, quote(tt.not)) {
			t.Errorf("%s still holds the old entry %q", tt.bucket, tt.not)
		}
	}
	if keys := indexKeys(t, s, needByUpdatedBucket); len(keys) != 1 {
		t.Errorf("by updated has %d entries for one need", len(keys))
	}

	// A new credit code moves the enterprise's index entry.
	e1.Values.Set("credit_code", "91320500CCCCCCCC3C")
	mustSaveEnterprise(t, s, e1)
	if _, err := s.EnterpriseByCreditCode(bg, "91320500AAAAAAAA1A"); !errors.Is(err, ErrNotFound) {
		t.Errorf("old credit code still finds the enterprise: %v", err)
	}
	if got, err := s.EnterpriseByCreditCode(bg, "91320500CCCCCCCC3C"); err != nil || got.ID != e1.ID {
		t.Errorf("new credit code: %v, %v", got, err)
	}
	// The store says why a duplicate is refused.
	dup := newEnterprise("丙公司", "91320500bbbbbbbb2b", "320500")
	if err := s.SaveEnterprise(bg, dup); !errors.Is(err, ErrDuplicate) || dup.ID != "" {
		t.Errorf("duplicate credit code: %v (id %q)", err, dup.ID)
	}
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func TestConfirmationStaleness(t *testing.T) {
	s, _ := openTest(t)
	cat := forms.Default()
	e := mustSaveEnterprise(t, s, newEnterprise("苏州纳微科技有限公司", "91320594MA1MXXXX2K", "320594"))
	n := newNeed(e.ID, "MEMS封装")
	n.Status = forms.StatusToConfirm
	mustSaveNeed(t, s, n)
	if err := cat.Confirm(n, e, forms.Confirmation{Values: forms.Values{"confirmer_name": {"赵六"}}, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	mustSaveNeed(t, s, n)
	if n.Status != forms.StatusConfirmed {
		t.Fatalf("status after confirming = %s", n.Status)
	}
	if l, _ := s.Needs(bg, Query{}); len(l) != 1 || !l[0].Confirmed {
		t.Fatalf("summary after confirming: %+v", l)
	}

	// An edit of confirmed content sends the need back.
	n.Values.Set("budget_wan", "80")
	mustSaveNeed(t, s, n)
	if n.Status != forms.StatusToConfirm {
		t.Errorf("status after changing the budget = %s, want %s", n.Status, forms.StatusToConfirm)
	}
	got, _ := s.Need(bg, n.ID)
	if got.Status != forms.StatusToConfirm || got.Confirmation == nil || cat.ConfirmationCurrent(got, e) {
		t.Errorf("stored need: status %s, confirmation %v", got.Status, got.Confirmation != nil)
	}
	if l, _ := s.Needs(bg, Query{Status: []forms.Status{forms.StatusToConfirm}}); len(l) != 1 || l[0].Confirmed {
		t.Errorf("summary after the edit: %+v", l)
	}

	// Confirm again, then rename the enterprise: the name is confirmed
	// content too, so saving the enterprise sends the need back with a new
	// revision, which the need's outbox entry now carries.
	if err := cat.Confirm(n, e, forms.Confirmation{At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	mustSaveNeed(t, s, n)
	before, _ := s.Outbox(bg, 0)
	e.Values.Set("enterprise_name", "苏州纳微科技股份有限公司")
	mustSaveEnterprise(t, s, e)
	got, _ = s.Need(bg, n.ID)
	if got.Status != forms.StatusToConfirm || got.BaseRev != n.Rev {
		t.Errorf("after renaming the enterprise: status %s, base %s (was rev %s)", got.Status, got.BaseRev, n.Rev)
	}
	after, _ := s.Outbox(bg, 0)
	revs := map[string]string{}
	for _, o := range after {
		revs[o.Kind+"/"+o.ID] = o.Rev
	}
	if len(after) != len(before) || revs["need/"+n.ID] != got.Rev || revs["enterprise/"+e.ID] != e.Rev {
		t.Errorf("outbox after renaming: %d entries (was %d), %v", len(after), len(before), revs)
	}
	l, _ := s.Needs(bg, Query{})
	if len(l) != 1 || l[0].EnterpriseName != "苏州纳微科技股份有限公司" || l[0].Status != forms.StatusToConfirm || l[0].Confirmed {
		t.Errorf("summary after renaming: %+v", l)
	}
	// The caller's copy is now out of date.
	n.Values.Set("title", "改")
	if err := s.SaveNeed(bg, n); !errors.Is(err, ErrConflict) {
		t.Errorf("saving the stale copy = %v, want ErrConflict", err)
	}
}

func TestNeedsQuery(t *testing.T) {
	s, _ := openTest(t)
	suzhou := mustSaveEnterprise(t, s, newEnterprise("苏州纳微科技有限公司", "", "320594"))
	kunshan := mustSaveEnterprise(t, s, newEnterprise("昆山ＡＢＣ精密机械厂", "", "320583100"))
	nanjing := mustSaveEnterprise(t, s, newEnterprise("南京光电研究所", "", "320100"))
	add := func(e *forms.Enterprise, title string, st forms.Status, typ string, fields, keywords []string) string {
		n := newNeed(e.ID, title)
		n.Status = st
		n.Values.Set("need_type", typ)
		n.Values.SetList("tech_fields", fields)
		n.Values.SetList("keywords", keywords)
		return mustSaveNeed(t, s, n).ID
	}
	a := add(suzhou, "高精度MEMS压力传感器封装工艺", forms.StatusDraft, "00", []string{"04"}, []string{"传感器"})
	b := add(kunshan, "数控机床主轴热变形补偿", forms.StatusToDiagnose, "02", []string{"05", "04"}, []string{"机床", "热误差"})
	c := add(nanjing, "大尺寸光学镜片镀膜（二期）", forms.StatusToDiagnose, "00", []string{"01"}, []string{"镀膜", "Optics"})
	d := add(suzhou, "晶圆检测设备国产化(一期)", forms.StatusLongTerm, "03", []string{"04"}, []string{"检测"})

	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"all, newest first", Query{}, []string{d, c, b, a}},
		{"chinese substring of title", Query{Text: "传感"}, []string{a}},
		{"enterprise name", Query{Text: "纳微"}, []string{d, a}},
		{"keyword", Query{Text: "热误差"}, []string{b}},
		{"case-insensitive latin", Query{Text: "mems"}, []string{a}},
		{"keyword case", Query{Text: "OPTICS"}, []string{c}},
		{"full-width in the name", Query{Text: "abc"}, []string{b}},
		{"two words", Query{Text: "苏州 晶圆"}, []string{d}},
		{"half-width brackets find full-width ones", Query{Text: "镀膜(二期)"}, []string{c}},
		{"full-width brackets find half-width ones", Query{Text: "国产化（一期）"}, []string{d}},
		{"a bracket alone", Query{Text: "（"}, []string{d, c}},
		{"no match", Query{Text: "区块链"}, nil},
		{"status", Query{Status: []forms.Status{forms.StatusToDiagnose}}, []string{c, b}},
		{"statuses", Query{Status: []forms.Status{forms.StatusDraft, forms.StatusLongTerm}}, []string{d, a}},
		{"need type", Query{NeedType: "00"}, []string{c, a}},
		{"tech field", Query{TechField: "04"}, []string{d, b, a}},
		{"province", Query{Region: "320000"}, []string{d, c, b, a}},
		{"city", Query{Region: "320500"}, []string{d, b, a}},
		{"county", Query{Region: "320583"}, []string{b}},
		{"town", Query{Region: "320583100"}, []string{b}},
		{"other city", Query{Region: "320100"}, []string{c}},
		{"prefix", Query{Region: "3201"}, []string{c}},
		{"by title", Query{Sort: SortTitle}, sortedBy(s, func(x *Summary) string { return x.Title })},
		{"by enterprise", Query{Sort: SortEnterprise, Text: "苏州"}, []string{d, a}},
		{"by status", Query{Sort: SortStatus}, []string{a, c, b, d}},
		{"limit", Query{Limit: 2}, []string{d, c}},
		{"combined", Query{Text: "机", Status: []forms.Status{forms.StatusToDiagnose}, Region: "320500"}, []string{b}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := s.Needs(bg, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range l {
				got = append(got, x.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Needs(%+v) = %v, want %v", tt.q, titles(l), tt.want)
			}
		})
	}
	if _, err := s.Needs(bg, Query{Sort: "price"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown sort: %v", err)
	}
	if n := s.CountNeeds(bg); n != 4 {
		t.Errorf("CountNeeds = %d", n)
	}
	l, _ := s.Needs(bg, Query{Text: "数控"})
	want := Summary{
		ID: b, Title: "数控机床主轴热变形补偿", EnterpriseID: kunshan.ID, EnterpriseName: "昆山ＡＢＣ精密机械厂",
		Status: forms.StatusToDiagnose, NeedType: "02", TechFields: CodesOf("05", "04"),
		Region: "320583100", Visibility: forms.VisibilityNamed,
	}
	if len(l) != 1 {
		t.Fatal(l)
	}
	want.UpdatedAt, want.revSeq = l[0].UpdatedAt, l[0].revSeq
	if !reflect.DeepEqual(*l[0], want) {
		t.Errorf("summary:\n got %+v\nwant %+v", l[0], want)
	}
	// The summary keeps no keywords, but they are searched.
	if l, _ := s.Needs(bg, Query{Text: "热误差"}); len(l) != 1 || l[0].ID != b {
		t.Errorf("Needs(热误差), a keyword = %v", titles(l))
	}

	found, err := s.FindEnterprises(bg, "苏州", 10)
	if err != nil || len(found) != 1 || found[0].ID != suzhou.ID {
		t.Errorf("FindEnterprises(苏州) = %v, %v", found, err)
	}
	if all, _ := s.FindEnterprises(bg, "", 0); len(all) != 3 {
		t.Errorf("FindEnterprises(\"\") = %d", len(all))
	}
}

func sortedBy(s *Store, key func(*Summary) string) []string {
	l, _ := s.Needs(bg, Query{})
	slices.SortStableFunc(l, func(a, b *Summary) int { return strings.Compare(key(a), key(b)) })
	var ids []string
	for _, x := range l {
		ids = append(ids, x.ID)
	}
	return ids
}

func titles(l []*Summary) []string {
	var out []string
	for _, x := range l {
		out = append(out, x.ID+" "+x.Title)
	}
	return out
}

func TestReopenLoadsNeedList(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	for _, title := range []string{"一", "二", "三"} {
		mustSaveNeed(t, s, newNeed(e.ID, title))
	}
	before, _ := s.Needs(bg, Query{})
	s.Close()
	s, err = Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	after, _ := s.Needs(bg, Query{})
	if !reflect.DeepEqual(before, after) {
		t.Errorf("need list after reopening:\n got %+v\nwant %+v", after, before)
	}
	if found, _ := s.FindEnterprises(bg, "甲", 0); len(found) != 1 {
		t.Errorf("enterprise list after reopening: %v", found)
	}
}

func TestUpdateRollsBackRecords(t *testing.T) {
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	n := newNeed(e.ID, "新")
	e2 := newEnterprise("乙公司", "", "320500")
	boom := errors.New("boom")
	err := s.Update(bg, func(tx *Tx) error {
		if err := tx.SaveEnterprise(e2); err != nil {
			return err
		}
		if err := tx.SaveNeed(n); err != nil {
			return err
		}
		if n.ID == "" || e2.ID == "" || e2.Contacts[0].ID == "" {
			t.Error("ids not assigned inside the transaction")
		}
		if got, err := tx.Need(n.ID); err != nil || got.Rev != n.Rev {
			t.Errorf("the transaction does not see its own save: %v", err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	if n.ID != "" || n.Rev != "" || e2.ID != "" || e2.Contacts[0].ID != "" || !n.UpdatedAt.IsZero() {
		t.Errorf("records not restored: need %q/%q, enterprise %q", n.ID, n.Rev, e2.ID)
	}
	if c := s.CountNeeds(bg); c != 0 {
		t.Errorf("CountNeeds = %d after a rolled back save", c)
	}
	if box, _ := s.Outbox(bg, 0); len(box) != 1 {
		t.Errorf("outbox has %d entries, want the first enterprise's only", len(box))
	}

	// Meta values through a Tx.
	if err := s.Update(bg, func(tx *Tx) error { return tx.SetMeta("sync.cursor", []byte("42")) }); err != nil {
		t.Fatal(err)
	}
	_ = s.View(bg, func(tx *Tx) error {
		if got := tx.Meta("sync.cursor"); string(got) != "42" {
			t.Errorf("Meta = %q", got)
		}
		if err := tx.SetMeta("other", nil); !errors.Is(err, ErrReadOnly) {
			t.Errorf("SetMeta in View = %v", err)
		}
		return nil
	})
	if err := s.Update(bg, func(tx *Tx) error { return tx.SetMeta("schema", []byte("9")) }); !errors.Is(err, ErrInvalid) {
		t.Errorf("SetMeta(schema) = %v", err)
	}
}

func TestContextCanceled(t *testing.T) {
	s, _ := openTest(t)
	ctx, cancel := context.WithCancel(bg)
	cancel()
	e := newEnterprise("甲公司", "", "320500")
	if err := s.SaveEnterprise(ctx, e); !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "save enterprise: ") {
		t.Errorf("SaveEnterprise(canceled) = %v", err)
	}
	if err := s.AckOutbox(ctx, 1); !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "ack outbox") {
		t.Errorf("AckOutbox(canceled) = %v", err)
	}
	if _, err := s.Needs(ctx, Query{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Needs(canceled) = %v", err)
	}
	if _, err := Open(ctx, t.TempDir(), testOpts()); !errors.Is(err, context.Canceled) {
		t.Errorf("Open(canceled) = %v", err)
	}
}

func TestSettingsDefaults(t *testing.T) {
	s, dir := openTest(t)
	set, err := s.Settings(bg)
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{Lang: "zh", Targets: Targets{Enterprises: 100, ValidNeeds: 80, CrossRegion: 30, Matches: 20, Deals: 10, TypicalCases: 5},
		LockAfterMinutes: 10, BackupsKept: 7}
	if set != want || want != DefaultSettings() {
		t.Errorf("defaults = %+v, want %+v", set, want)
	}
	set.Lang, set.User, set.HomeRegion, set.Targets.Deals = "en", "王五", "320500", 12
	set.Event = Event{Name: "2026“科技镇长团杯”挑战赛", Organiser: "苏州市科学技术局", Deadline: "2026年9月15日", Submit: "在线提交", Platform: "线上云平台"}
	set.Report = Report{Title: "2026年 吴江区 技术需求征集情况统计表", Unit: "吴江区科技镇长团", Filer: "李四"}
	set.Targets.TypicalCases = 6
	if err := s.SaveSettings(bg, set); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Settings(bg); got != set {
		t.Errorf("after saving = %+v, want %+v", got, set)
	}
	_ = dir
}

func TestSettingsUserForNewRecords(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveSettings(bg, Settings{User: "王五", Team: "二队"}); err != nil {
		t.Fatal(err)
	}
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	if e.CreatedBy != "王五" || e.Team != "二队" {
		t.Errorf("created by %q team %q", e.CreatedBy, e.Team)
	}
}

func TestVisitsAndFollowUps(t *testing.T) {
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	n := mustSaveNeed(t, s, newNeed(e.ID, "需求"))
	for _, d := range []string{"2026-03-05", "2026-03-01"} {
		if err := s.SaveVisit(bg, &forms.Visit{EnterpriseID: e.ID, Date: d, Who: "张三、李四"}); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := s.Visits(bg, e.ID)
	if err != nil || len(vs) != 2 || vs[0].Date != "2026-03-01" || vs[0].ID == "" {
		t.Errorf("Visits = %+v, %v", vs, err)
	}
	if err := s.SaveVisit(bg, &forms.Visit{EnterpriseID: "nope", Date: "2026-03-01"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("visit of unknown enterprise: %v", err)
	}
	if err := s.SaveVisit(bg, &forms.Visit{EnterpriseID: e.ID, Date: "3月1日"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("visit with a bad date: %v", err)
	}
	f := &forms.FollowUp{NeedID: n.ID, Kind: forms.FollowUpContract, Date: "2026-04-01", Partner: "苏州大学", AmountWan: "30"}
	if err := s.SaveFollowUp(bg, f); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFollowUp(bg, &forms.FollowUp{NeedID: n.ID, Kind: forms.FollowUpIntent, Date: "2026-03-20"}); err != nil {
		t.Fatal(err)
	}
	f.AmountWan = "35"
	if err := s.SaveFollowUp(bg, f); err != nil {
		t.Fatal(err)
	}
	fs, err := s.FollowUps(bg, n.ID)
	if err != nil || len(fs) != 2 || fs[0].Kind != forms.FollowUpIntent || fs[1].AmountWan != "35" {
		t.Errorf("FollowUps = %+v, %v", fs, err)
	}
	if all, _ := s.AllFollowUps(bg); len(all) != 2 {
		t.Errorf("AllFollowUps = %d", len(all))
	}
	if err := s.SaveFollowUp(bg, &forms.FollowUp{NeedID: n.ID, Kind: "gift"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestForEach(t *testing.T) {
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	const count = forEachBatch*2 + 7
	var needs []*forms.Need
	for i := range count {
		needs = append(needs, newNeed(e.ID, fmt.Sprintf("需求%d", i)))
	}
	if _, err := s.Import(bg, nil, needs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	err := s.ForEachNeed(bg, func(n *forms.Need) error {
		if seen[n.ID] {
			t.Errorf("need %s twice", n.ID)
		}
		seen[n.ID] = true
		// fn runs outside the transaction: it may write.
		if len(seen) == 1 {
			return s.SaveVisit(bg, &forms.Visit{EnterpriseID: e.ID, Date: "2026-01-01"})
		}
		return nil
	})
	if err != nil || len(seen) != count {
		t.Errorf("ForEachNeed saw %d of %d: %v", len(seen), count, err)
	}
	stop := errors.New("stop")
	calls := 0
	if err := s.ForEachNeed(bg, func(*forms.Need) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("ForEachNeed stop = %v after %d calls", err, calls)
	}
	ents := 0
	if err := s.ForEachEnterprise(bg, func(*forms.Enterprise) error { ents++; return nil }); err != nil || ents != 1 {
		t.Errorf("ForEachEnterprise = %d, %v", ents, err)
	}
}

// ScanNeeds hands every need's summary out in id order, and the need
// itself (as Need reads it, its current revision however many came
// before) only when read asks for it.
func TestScanNeeds(t *testing.T) {
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	const count = forEachBatch*2 + 7
	var needs []*forms.Need
	for i := range count {
		n := newNeed(e.ID, fmt.Sprintf("需求%d", i))
		if i%3 == 0 {
			n.Values.Set("visibility", string(forms.VisibilityPrivate))
		}
		needs = append(needs, n)
	}
	if _, err := s.Import(bg, nil, needs, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// Revisions before the current one, more of them than the scan steps
	// over before it seeks, and fewer.
	sums, err := s.Needs(bg, Query{})
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range sums[:40] {
		n, err := s.Need(bg, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		for r := range []int{0, 1, rowSteps + 3, 2, 0}[i%5] {
			n.Values.Set("problem", fmt.Sprintf("第%d次修改。", r))
			mustSaveNeed(t, s, n)
		}
	}
	sums, err = s.Needs(bg, Query{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Summary{}
	for _, x := range sums {
		want[x.ID] = *x
	}
	var ids []string
	read := func(x *Summary) bool { return x.Visibility != forms.VisibilityPrivate }
	err = s.ScanNeeds(bg, read, func(x *Summary, n *forms.Need) error {
		ids = append(ids, x.ID)
		got, w := *x, want[x.ID]
		got.revSeq, w.revSeq = 0, 0 // the list's own bookkeeping
		if !reflect.DeepEqual(got, w) {
			t.Errorf("summary %+v, the need list has %+v", got, w)
		}
		switch {
		case !read(x) && n != nil:
			t.Errorf("need %s read though read said no", x.ID)
		case read(x):
			stored, err := s.Need(bg, x.ID)
			if err != nil || !reflect.DeepEqual(n, stored) {
				t.Errorf("need %s: %+v, Need reads %+v (%v)", x.ID, n, stored, err)
			}
		}
		if len(ids) == 1 { // fn runs outside the transaction: it may write
			return s.SaveVisit(bg, &forms.Visit{EnterpriseID: e.ID, Date: "2026-01-01"})
		}
		return nil
	})
	if err != nil || len(ids) != count || !slices.IsSorted(ids) {
		t.Errorf("ScanNeeds saw %d of %d (sorted %t): %v", len(ids), count, slices.IsSorted(ids), err)
	}
	stop := errors.New("stop")
	calls := 0
	if err := s.ScanNeeds(bg, read, func(*Summary, *forms.Need) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("ScanNeeds stop = %v after %d calls", err, calls)
	}
}

func TestValuesOutliveTransaction(t *testing.T) {
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	n := mustSaveNeed(t, s, newNeed(e.ID, "需求"))
	if err := s.Update(bg, func(tx *Tx) error { return tx.SetMeta("k", []byte("value")) }); err != nil {
		t.Fatal(err)
	}
	var meta []byte
	var loaded *forms.Need
	_ = s.View(bg, func(tx *Tx) error {
		meta = tx.Meta("k")
		loaded, _ = tx.Need(n.ID)
		return nil
	})
	box, _ := s.Outbox(bg, 0)
	bodies := make([][]byte, len(box))
	for i, o := range box {
		bodies[i] = bytes.Clone(o.Body)
	}
	// Grow the file well past its first mapping, so bbolt remaps it and
	// reuses freed pages.
	big := newNeed(e.ID, "大")
	big.Values.Set("problem", strings.Repeat("长文本", 5000))
	for range 10 {
		mustSaveNeed(t, s, big)
	}
	if string(meta) != "value" || loaded.Title() != "需求" {
		t.Errorf("values read in a transaction changed: %q %q", meta, loaded.Title())
	}
	for i, o := range box {
		if !bytes.Equal(o.Body, bodies[i]) {
			t.Errorf("outbox body %d changed after its transaction", i)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	e := mustSaveEnterprise(t, s, newEnterprise("苏州纳微科技有限公司", "", "320594"))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				n := newNeed(e.ID, fmt.Sprintf("传感器需求 %d-%d", w, i))
				if err := s.SaveNeed(bg, n); err != nil {
					t.Error(err)
					return
				}
				n.Values.Set("budget_wan", "99")
				if err := s.SaveNeed(bg, n); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range 50 {
				if _, err := s.Needs(bg, Query{Text: "传感器"}); err != nil {
					t.Error(err)
				}
				if _, err := s.Outbox(bg, 10); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	mem, _ := s.Needs(bg, Query{})
	if len(mem) != 40 {
		t.Fatalf("%d needs in the list, want 40", len(mem))
	}
	// The list in memory is what a fresh Open loads from the file.
	s.Close()
	s2, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	disk, _ := s2.Needs(bg, Query{})
	defer s2.Close()
	if !reflect.DeepEqual(mem, disk) {
		t.Error("the need list in memory differs from the one loaded from the file")
	}
	if err := s2.Check(bg); err != nil {
		t.Error(err)
	}
}

// TestStaleCopyKeepsVerdict: the platform's verdict changes a need's stored
// revision in place; saving a copy loaded before it (an editor left open)
// keeps the verdict and the status it moved to, unless the copy's own
// status could not have come before it (the official withdrew the need).
func TestStaleCopyKeepsVerdict(t *testing.T) {
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	n := newNeed(e.ID, "高温合金焊接")
	n.Status = forms.StatusConfirmed
	mustSaveNeed(t, s, n)
	for _, tc := range []struct {
		copyStatus, want forms.Status
	}{
		{forms.StatusConfirmed, forms.StatusPublished},
		{forms.StatusWithdrawn, forms.StatusWithdrawn},
	} {
		stale, _ := s.Need(bg, n.ID)
		verdict := forms.Platform{State: "已发布", URL: "https://hub.example.cn/n/" + n.ID, Comment: "通过", UpdatedAt: time.Now().UTC()}
		if err := s.Update(bg, func(tx *Tx) error {
			cur, err := tx.Need(n.ID)
			if err != nil {
				return err
			}
			cur.Platform, cur.Status = verdict, forms.StatusPublished
			return tx.PutNeedRemote(cur)
		}); err != nil {
			t.Fatal(err)
		}
		stale.Values.Set("keywords", "焊接")
		stale.Status = tc.copyStatus
		mustSaveNeed(t, s, stale)
		got, _ := s.Need(bg, n.ID)
		if !got.Platform.UpdatedAt.Equal(verdict.UpdatedAt) || got.Platform.URL != verdict.URL || got.Status != tc.want || got.Values.Get("keywords") != "焊接" {
			t.Errorf("copy in %s: stored %s, platform %+v", tc.copyStatus, got.Status, got.Platform)
		}
		if l, _ := s.Needs(bg, Query{}); len(l) != 1 || l[0].Platform.Or().URL != verdict.URL {
			t.Errorf("summary: %+v", l)
		}
		got.Status = forms.StatusConfirmed
		mustSaveNeed(t, s, got)
	}
}

// Precedes follows the order in which a record's revisions were stored:
// true only for an earlier revision of the same record.
func TestPrecedes(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	e := mustSaveEnterprise(t, s, newEnterprise("苏州某某传感科技有限公司", "91320594MA1X2Y3Z4B", "320594"))
	n := mustSaveNeed(t, s, newNeed(e.ID, "MEMS 封装良率"))
	var revs []string
	for i := range 3 {
		revs = append(revs, n.Rev)
		n.Values.Set("keywords", fmt.Sprintf("第%d稿", i))
		mustSaveNeed(t, s, n)
	}
	revs = append(revs, n.Rev)
	other := mustSaveNeed(t, s, newNeed(e.ID, "另一条需求"))
	tests := []struct {
		name           string
		kind, id       string
		earlier, later string
		want           bool
	}{
		{"first before last", KindNeed, n.ID, revs[0], revs[3], true},
		{"one before the next", KindNeed, n.ID, revs[1], revs[2], true},
		{"last before first", KindNeed, n.ID, revs[3], revs[0], false},
		{"itself", KindNeed, n.ID, revs[2], revs[2], false},
		{"no revision", KindNeed, n.ID, "", revs[2], false},
		{"unknown", KindNeed, n.ID, forms.NewID(), revs[2], false},
		{"another need's", KindNeed, n.ID, other.Rev, revs[3], false},
		{"asked under the other need", KindNeed, other.ID, revs[0], revs[3], false},
		{"asked as an enterprise", KindEnterprise, n.ID, revs[0], revs[3], false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Precedes(ctx, tc.kind, tc.id, tc.earlier, tc.later)
			if err != nil || got != tc.want {
				t.Fatalf("Precedes = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestDeleteMetaPrefix(t *testing.T) {
	s, _ := openTest(t)
	keys := []string{"sync.public.n1", "sync.public.n2", "sync.publication", "sync.registry.9132", "sync.cursor"}
	if err := s.Update(bg, func(tx *Tx) error {
		for _, k := range keys {
			if err := tx.SetMeta(k, []byte("v "+k)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		prefix string
		n      int
		left   []string
	}{
		{"sync.public.", 2, []string{"sync.publication", "sync.registry.9132", "sync.cursor"}},
		{"sync.public.", 0, []string{"sync.publication", "sync.registry.9132", "sync.cursor"}},
		{"sync.", 3, nil},
	} {
		var n int
		err := s.Update(bg, func(tx *Tx) (err error) { n, err = tx.DeleteMetaPrefix(c.prefix); return err })
		if err != nil || n != c.n {
			t.Errorf("DeleteMetaPrefix(%q) = %d, %v; want %d", c.prefix, n, err, c.n)
		}
		_ = s.View(bg, func(tx *Tx) error {
			for _, k := range keys {
				if got, want := tx.Meta(k) != nil, slices.Contains(c.left, k); got != want {
					t.Errorf("after DeleteMetaPrefix(%q): %s kept %v, want %v", c.prefix, k, got, want)
				}
			}
			if tx.Meta("schema") == nil {
				t.Error("the store's own schema key went")
			}
			return nil
		})
	}
	err := s.Update(bg, func(tx *Tx) error { _, err := tx.DeleteMetaPrefix(""); return err })
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("DeleteMetaPrefix(\"\") = %v", err)
	}
}

// ForEachEnterprise hands out every enterprise as Enterprise reads it, its
// current revision however many came before.
func TestForEachEnterpriseCurrentRevision(t *testing.T) {
	s, _ := openTest(t)
	for i := range 30 {
		e := mustSaveEnterprise(t, s, newEnterprise(fmt.Sprintf("企业%02d有限公司", i), "", "320500"))
		for r := range []int{0, 1, rowSteps + 3, 2}[i%4] {
			e.Values.Set("address", fmt.Sprintf("第%d次修改的地址", r))
			mustSaveEnterprise(t, s, e)
		}
	}
	seen := 0
	err := s.ForEachEnterprise(bg, func(e *forms.Enterprise) error {
		seen++
		stored, err := s.Enterprise(bg, e.ID)
		if err != nil || !reflect.DeepEqual(e, stored) {
			t.Errorf("enterprise %s: %+v, Enterprise reads %+v (%v)", e.ID, e, stored, err)
		}
		return nil
	})
	if err != nil || seen != 30 {
		t.Errorf("ForEachEnterprise saw %d of 30: %v", seen, err)
	}
}
