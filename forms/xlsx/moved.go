package xlsx

import (
	"fmt"

	"github.com/xunbang/xunbang/forms"
)

// MovedNeed is a row whose 需求编号 names a stored need of another
// enterprise than the row gives, which the store refuses to move. Its
// fields are those of store.NeedConflict, so that one converts to the
// other.
type MovedNeed struct {
	Index int    // position in the needs given to the store's import
	ID    string // the need's id
	Title string // the stored need's title
	// Enterprise is the stored need's enterprise, by name, and its credit
	// code.
	Enterprise, EnterpriseCode string
	// Given is the enterprise the row names, and its credit code.
	Given, GivenCode string
}

// RefuseMoved records the moved needs as errors of their rows: each gets a
// problem at its row, HasErrors then holds, and Partial leaves the need out
// with the enterprise it alone named. MovedNeed.Index counts the needs of
// the batch's Partial, as it was when the store was given them.
func (b *Batch) RefuseMoved(moved []MovedNeed) error {
	if b.bad == nil {
		b.bad = map[string]bool{}
	}
	at := map[int]MovedNeed{}
	for _, m := range moved {
		at[m.Index] = m
	}
	type refusal struct {
		m  MovedNeed
		id string
		o  Origin
	}
	var found []refusal
	i := 0
	if err := b.Partial().EachNeed(func(n *forms.Need, o Origin) error {
		if m, ok := at[i]; ok {
			found = append(found, refusal{m, n.ID, o})
		}
		i++
		return nil
	}); err != nil {
		return err
	}
	refused := map[string]bool{}
	for _, r := range found {
		m, o := r.m, r.o
		refused[r.id] = true
		b.bad[r.id] = true
		b.Problems = append(b.Problems, Problem{
			Sheet: o.Sheet, Row: o.Row, Severity: forms.SeverityError, Code: "need_id.moved",
			ZH: fmt.Sprintf("需求编号 %s 是“%s”（信用代码 %s）的需求「%s」，此行却填写了另一家企业“%s”（信用代码 %s）：需求不能在企业之间移动，未导入。请核对此行的需求编号和统一社会信用代码。",
				m.ID, m.Enterprise, orNone(m.EnterpriseCode, "无"), m.Title, m.Given, orNone(m.GivenCode, "无")),
			EN: fmt.Sprintf("need number %s is the need %q of %q (credit code %s), but the row names another enterprise, %q (credit code %s): a need is not moved between enterprises; not imported. Check the row's need number and credit code.",
				m.ID, m.Title, m.Enterprise, orNone(m.EnterpriseCode, "none"), m.Given, orNone(m.GivenCode, "none")),
		})
	}
	// An enterprise only refused needs name would be created empty.
	named := map[string]bool{}
	var refusedOf []string
	err := b.EachNeed(func(n *forms.Need, _ Origin) error {
		if refused[n.ID] {
			refusedOf = append(refusedOf, n.EnterpriseID)
		} else {
			named[n.EnterpriseID] = true
		}
		return nil
	})
	for _, eid := range refusedOf {
		if !named[eid] {
			b.bad[eid] = true
		}
	}
	return err
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}
