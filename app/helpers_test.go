package app

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/store"
)

// newTestUI is newTestUIWithKey on an unencrypted store (so the window
// never locks).
func newTestUI(t *testing.T, prepare func(st *store.Store)) (*ui, *store.Store) {
	t.Helper()
	u, st, _ := newTestUIWithKey(t, store.KeySource{}, prepare)
	return u, st
}

// uiQueue stands in for the UI goroutine in tests: background work posts its
// results to it, and the test goroutine runs them in settle. Fyne's test
// driver would run them at once on the background goroutines instead, at the
// same time as the test touches the widgets.
type uiQueue struct {
	mu   sync.Mutex
	fns  []func()
	wake chan struct{}
}

func useQueue(u *ui) {
	q := &uiQueue{wake: make(chan struct{}, 1)}
	queues.Store(u, q)
	u.post = func(fn func()) {
		q.mu.Lock()
		q.fns = append(q.fns, fn)
		q.mu.Unlock()
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
}

var queues sync.Map // *ui → *uiQueue

// settle runs what background work hands to the UI, on the calling (test)
// goroutine, until no background work is running or pending.
func settle(t testing.TB, u *ui) {
	t.Helper()
	v, ok := queues.Load(u)
	if !ok {
		u.bg.Wait()
		return
	}
	q := v.(*uiQueue)
	deadline := time.Now().Add(time.Minute)
	for {
		idle := u.bg.idle() // before looking at the queue: idle work has posted all it will
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		for _, fn := range fns {
			fn()
		}
		if idle && len(fns) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("background work did not settle")
		}
		if len(fns) == 0 {
			select {
			case <-q.wake:
			case <-time.After(2 * time.Millisecond):
			}
		}
	}
}

// importDemo stores a demo data set of about n needs, with its visits,
// follow-ups and solutions, and sets the home region to 苏州市.
func importDemo(tb testing.TB, st *store.Store, n int) *demo.Set {
	tb.Helper()
	ctx := context.Background()
	set := demo.Generate(7, n)
	for _, e := range set.Enterprises {
		if e.Rev == "" {
			e.Rev = forms.NewID()
		}
	}
	for _, x := range set.Needs {
		if x.Rev == "" {
			x.Rev = forms.NewID()
		}
	}
	if _, err := st.Import(ctx, set.Enterprises, set.Needs, store.ImportOptions{Exact: true}); err != nil {
		tb.Fatal(err)
	}
	for _, v := range set.Visits {
		if err := st.SaveVisit(ctx, v); err != nil {
			tb.Fatal(err)
		}
	}
	for _, f := range set.FollowUps {
		if err := st.SaveFollowUp(ctx, f); err != nil {
			tb.Fatal(err)
		}
	}
	if err := st.Update(ctx, func(tx *store.Tx) error {
		for _, s := range set.Solutions {
			if err := tx.PutSolutionRemote(s); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	s, err := st.Settings(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	s.HomeRegion, s.User, s.Team = "320500", "李科技", "苏州科技镇长团"
	if err := st.SaveSettings(ctx, s); err != nil {
		tb.Fatal(err)
	}
	return set
}

// validCreditCode is a 统一社会信用代码 that passes every layer of the check.
func validCreditCode(t *testing.T, body string) string {
	t.Helper()
	const alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for _, c := range alpha {
		code := body + string(c)
		if forms.CheckCreditCode(code).Level == forms.CreditCodeOK {
			return code
		}
	}
	for _, inner := range "0123456789X" {
		for _, c := range alpha {
			code := body[:16] + string(inner) + string(c)
			if forms.CheckCreditCode(code).Level == forms.CreditCodeOK {
				return code
			}
		}
	}
	t.Fatalf("no valid code for %s", body)
	return ""
}

// saveEnterprise stores an enterprise with one contact.
func saveEnterprise(t *testing.T, st *store.Store, name, code string) *forms.Enterprise {
	t.Helper()
	e := &forms.Enterprise{
		Values: forms.Values{"enterprise_name": {name}, "credit_code": {code}, "region": {"320583100"}},
		Contacts: []forms.Contact{{Values: forms.Values{
			"contact_name": {"王晓明"}, "contact_position": {"技术总监"}, "contact_mobile": {"13812345678"},
		}}},
	}
	if err := st.SaveEnterprise(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return e
}

// visibleLabels returns the texts of the visible labels under o.
func visibleLabels(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func hasLabel(o fyne.CanvasObject, substr string) bool {
	return slices.ContainsFunc(visibleLabels(o), func(s string) bool { return strings.Contains(s, substr) })
}
