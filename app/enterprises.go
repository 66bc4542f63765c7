package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// overrideCheckChar is the code of the credit-code warning a user may
// override: an early code whose check character fails the standard.
const overrideCheckChar = "credit_code.check_char"

// enterpriseListLimit caps the enterprise list; the search narrows it.
const enterpriseListLimit = 300

// enterpriseView is the 企业 screen: a searchable list of enterprises and the
// editor of one — its catalogue fields with the credit-code check shown live,
// the region picker, contacts, its needs and its visit log.
type enterpriseView struct {
	u  *ui
	st enterpriseStore

	searchEntry *widget.Entry
	count       *widget.Label
	newBtn      *widget.Button
	list        *widget.List
	results     []*forms.Enterprise

	// ent is the enterprise being edited (ID "" until first saved); UI
	// goroutine only.
	ent        *forms.Enterprise
	form       *fieldForm
	title      *widget.Label
	saved      *widget.Label
	saveBtn    *widget.Button
	newNeedBtn *widget.Button
	keepCode   *widget.Button
	kept       *widget.Label

	dupBox   *fyne.Container
	dupLabel *widget.Label
	dupOpen  *widget.Button
	dupID    string

	contactsBox *fyne.Container
	contactsMsg *widget.Label
	addContact  *widget.Button
	needsBox    *fyne.Container

	visitsBox  *fyne.Container
	visitDate  *widget.Entry
	visitWho   *widget.Entry
	visitNotes *widget.Entry
	addVisit   *widget.Button
	visitMsg   *widget.Label

	editor      *fyne.Container // the editor, or a hint when nothing is open
	editorBody  fyne.CanvasObject
	placeholder fyne.CanvasObject
	content     fyne.CanvasObject

	autosave    *autosave[entSave] // saves the enterprise as the user types (autosave.go)
	searchLater *debouncer
	nameLater   *debouncer
	searchSeq   uint64
	loadSeq     uint64
	dupSeq      uint64
	// onLoaded is called once after the next list load (screenshots).
	onLoaded func()
	// searched is set by the first search: the list is first loaded when
	// the tab is shown (ui.tabShown), not at the start — 300 enterprises
	// read in full that a window used for needs never looks at (issue 17).
	searched bool
}

func newEnterpriseView(u *ui) *enterpriseView {
	v := &enterpriseView{u: u, st: u.st}
	v.searchLater = newDebouncer(u, searchDelay, 0, v.search)
	v.nameLater = newDebouncer(u, 300*time.Millisecond, 0, v.checkName)

	v.searchEntry = widget.NewEntry()
	v.searchEntry.SetPlaceHolder(lang.L("ent.search"))
	v.searchEntry.ActionItem = widget.NewIcon(theme.SearchIcon())
	v.searchEntry.OnChanged = func(string) { v.searchLater.Trigger() }
	v.count = widget.NewLabel("")
	v.count.Importance = widget.LowImportance
	v.newBtn = widget.NewButtonWithIcon(lang.L("ent.new"), theme.ContentAddIcon(), v.newEnterprise)
	v.newBtn.Importance = widget.HighImportance
	v.list = widget.NewList(
		func() int { return len(v.results) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			name.TextStyle.Bold = true
			detail := widget.NewLabel("")
			detail.Truncation = fyne.TextTruncateEllipsis
			detail.Importance = widget.LowImportance
			detail.SizeName = theme.SizeNameCaptionText
			return container.NewVBox(name, detail)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := v.results[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(e.Name())
			box.Objects[1].(*widget.Label).SetText(enterpriseDetail(e))
		},
	)
	v.list.OnSelected = func(i widget.ListItemID) {
		v.list.UnselectAll()
		if i >= 0 && i < len(v.results) {
			v.open(v.results[i].ID)
		}
	}

	v.form = newFieldForm(u.cat, u.lang, u.cat.Fields(forms.EntityEnterprise))
	v.form.OnChanged = v.changed
	v.form.OnMessage = func(id string) {
		if id == "credit_code" {
			v.refresh() // the button that keeps the code comes with its warning
		}
	}
	v.keepCode = widget.NewButtonWithIcon(lang.L("ent.keepcode"), theme.ConfirmIcon(), v.keepCreditCode)
	v.kept = widget.NewLabel(lang.L("ent.kept"))
	v.kept.Importance = widget.LowImportance
	if in := v.form.input("credit_code"); in != nil {
		in.extra.Add(v.keepCode)
		in.extra.Add(v.kept)
	}

	v.title = widget.NewLabel("")
	v.title.SizeName = theme.SizeNameSubHeadingText
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.saved = widget.NewLabel("")
	v.saved.Importance = widget.LowImportance
	v.autosave = v.newAutosave()
	v.saveBtn = widget.NewButtonWithIcon(lang.L("ent.save"), theme.DocumentSaveIcon(), v.save)
	v.saveBtn.Importance = widget.HighImportance
	v.newNeedBtn = widget.NewButtonWithIcon(lang.L("ent.newneed"), theme.ContentAddIcon(), func() {
		if v.ent != nil && v.ent.ID != "" {
			v.saveNow()
			u.createNeed(v.ent.ID)
		}
	})

	v.dupLabel = widget.NewLabel("")
	v.dupLabel.Wrapping = fyne.TextWrapWord
	v.dupLabel.Importance = widget.WarningImportance
	v.dupOpen = widget.NewButtonWithIcon(lang.L("ent.dup.open"), theme.NavigateNextIcon(), func() {
		if v.dupID != "" {
			v.open(v.dupID)
		}
	})
	v.dupBox = container.NewBorder(nil, nil, nil, v.dupOpen, v.dupLabel)
	v.dupBox.Hide()

	v.contactsBox = container.NewVBox()
	v.contactsMsg = widget.NewLabel("")
	v.contactsMsg.Wrapping = fyne.TextWrapWord
	v.contactsMsg.Importance = widget.DangerImportance
	v.contactsMsg.Hide()
	v.addContact = widget.NewButtonWithIcon(lang.L("ent.contact.add"), theme.ContentAddIcon(), func() { v.editContact(-1) })
	v.needsBox = container.NewVBox()

	v.visitsBox = container.NewVBox()
	v.visitDate = widget.NewEntry()
	v.visitDate.SetPlaceHolder(lang.L("field.placeholder.date"))
	v.visitWho = widget.NewEntry()
	v.visitWho.SetPlaceHolder(lang.L("visit.who"))
	v.visitNotes = widget.NewEntry()
	v.visitNotes.SetPlaceHolder(lang.L("visit.notes"))
	v.addVisit = widget.NewButtonWithIcon(lang.L("visit.add"), theme.ContentAddIcon(), v.addVisitNow)
	v.visitMsg = widget.NewLabel("")
	v.visitMsg.Importance = widget.DangerImportance
	v.visitMsg.Hide()

	toolbar := container.NewBorder(nil, nil, nil, container.NewHBox(v.saved, v.saveBtn, v.newNeedBtn), v.title)
	var scroll *container.Scroll
	wheel := func(e *widget.Entry) fyne.CanvasObject { // the wheel over it scrolls the form
		return passWheel(e, nil, func() *container.Scroll { return scroll })
	}
	scroll = container.NewVScroll(container.NewPadded(container.NewVBox(
		v.dupBox,
		v.form.sections(),
		sectionHeading(lang.L("section.contact")),
		v.contactsBox, v.contactsMsg,
		container.NewHBox(v.addContact),
		sectionHeading(lang.L("ent.needs")),
		v.needsBox,
		sectionHeading(lang.L("section.visits")),
		v.visitsBox,
		container.NewGridWithColumns(3, wheel(v.visitDate), wheel(v.visitWho), wheel(v.visitNotes)),
		resultRow(v.visitMsg, v.addVisit),
	)))
	v.form.scroll = func() *container.Scroll { return scroll }
	v.editorBody = container.NewBorder(container.NewVBox(toolbar, widget.NewSeparator()), nil, nil, nil, scroll)
	hint := widget.NewLabel(lang.L("ent.pick"))
	hint.Importance = widget.LowImportance
	v.placeholder = container.NewCenter(hint)
	v.editor = container.NewStack(v.placeholder)

	left := container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, nil, v.newBtn, v.searchEntry), v.count),
		nil, nil, nil, v.list)
	split := container.NewHSplit(left, v.editor)
	split.Offset = 0.3
	v.content = split
	return v
}

// enterpriseDetail is the second line of a list row: the town and the first
// contact, with the mobile number masked.
func enterpriseDetail(e *forms.Enterprise) string {
	parts := []string{}
	if r := e.Values.Get("region"); r != "" {
		parts = append(parts, townName(r))
	}
	if len(e.Contacts) > 0 {
		ct := e.Contacts[0].Values
		parts = append(parts, strings.TrimSpace(ct.Get("contact_name")+" "+forms.MaskMobile(ct.Get("contact_mobile"))))
	}
	if code := e.CreditCode(); code != "" {
		parts = append(parts, code)
	}
	return strings.Join(parts, " · ")
}

// search lists the enterprises whose name or credit code match the search box.
func (v *enterpriseView) search() {
	v.searched = true
	v.searchSeq++
	seq, text := v.searchSeq, v.searchEntry.Text
	u := v.u
	u.bg.Go(func() {
		l, err := v.st.FindEnterprises(u.ctx, text, enterpriseListLimit)
		u.run(func() {
			if seq != v.searchSeq {
				return
			}
			if err != nil {
				v.count.SetText(userMessage(err, u.lang))
				return
			}
			v.results = l
			v.list.Refresh()
			if len(l) == enterpriseListLimit {
				v.count.SetText(lang.L("ent.count.more", map[string]any{"N": len(l)}))
			} else {
				v.count.SetText(lang.L("ent.count", map[string]any{"N": len(l)}))
			}
			if fn := v.onLoaded; fn != nil {
				v.onLoaded = nil
				fn()
			}
		})
	})
}

// newEnterprise opens an empty enterprise, in the home region.
func (v *enterpriseView) newEnterprise() {
	v.saveNow()
	e := &forms.Enterprise{Values: forms.Values{}}
	if home := v.u.settings.HomeRegion; home != "" {
		e.Values.Set("region", home)
	}
	v.loadSeq++
	v.show(e, nil)
	v.u.win.Canvas().Focus(v.form.input("enterprise_name").entry)
}

// open loads an enterprise and shows it.
func (v *enterpriseView) open(id string) { v.openThen(id, nil) }

func (v *enterpriseView) openThen(id string, then func()) {
	v.saveNow()
	v.loadSeq++
	seq := v.loadSeq
	u := v.u
	u.bg.Go(func() {
		e, err := u.saver.loadEnterprise(u.ctx, v.st, id)
		var visits []forms.Visit
		if err == nil {
			visits, err = v.st.Visits(u.ctx, id)
		}
		u.run(func() {
			if seq != v.loadSeq {
				return
			}
			if err != nil {
				u.showError(err)
				return
			}
			v.show(e, visits)
			if then != nil {
				then()
			}
		})
	})
}

// show puts an enterprise on screen.
func (v *enterpriseView) show(e *forms.Enterprise, visits []forms.Visit) {
	v.autosave.reset()
	v.nameLater.Cancel()
	v.ent, v.dupID = e, ""
	v.dupSeq++
	v.dupBox.Hide()
	v.form.load(e.Values)
	v.showContacts()
	v.showNeeds()
	v.showVisits(visits)
	if v.visitWho.Text == "" {
		v.visitWho.SetText(v.u.settings.User)
	}
	v.visitDate.SetText(time.Now().Format("2006-01-02"))
	v.visitMsg.Hide()
	v.editor.Objects = []fyne.CanvasObject{v.editorBody}
	v.editor.Refresh()
	v.refresh()
}

// changed runs after each edit of an enterprise field.
func (v *enterpriseView) changed(id string) {
	if v.ent == nil {
		return
	}
	switch id {
	case "credit_code":
		// A kept warning was about the code as it was.
		v.ent.Overrides = slices.DeleteFunc(v.ent.Overrides, func(o string) bool { return o == overrideCheckChar })
		v.checkCode()
	case "enterprise_name":
		v.nameLater.Trigger()
	}
	v.markDirty()
}

func (v *enterpriseView) markDirty() {
	if v.ent.ID == "" {
		v.autosave.edited(lang.L("ent.unsaved.new"), false) // saved at 保存, once it has a name
	} else {
		v.autosave.edited(lang.L("editor.unsaved"), true)
	}
	v.refresh()
}

// refresh shows the validation messages, the credit code's state and the
// buttons.
func (v *enterpriseView) refresh() {
	e := v.ent
	if e == nil {
		return
	}
	name := e.Name()
	if name == "" {
		name = lang.L("ent.untitled")
	}
	v.title.SetText(name)
	ps := v.u.cat.ValidateEnterprise(e, forms.Draft)
	rest := v.form.showProblems(ps)
	var contactMsgs []string
	for _, p := range rest {
		contactMsgs = append(contactMsgs, p.Message(v.u.cat, v.u.lang))
	}
	if len(contactMsgs) > 0 {
		v.contactsMsg.SetText(strings.Join(contactMsgs, "\n"))
		v.contactsMsg.Show()
	} else {
		v.contactsMsg.Hide()
	}
	in := v.form.input("credit_code")
	// The button that keeps the code comes with the warning, once shown.
	warn := in.message.Text != "" && slices.ContainsFunc(ps, func(p forms.Problem) bool { return p.Code == overrideCheckChar })
	kept := slices.Contains(e.Overrides, overrideCheckChar) && forms.CheckCreditCode(e.CreditCode()).Level == forms.CreditCodeCheckChar
	switch {
	case warn:
		v.keepCode.Show()
		v.kept.Hide()
	case kept:
		v.keepCode.Hide()
		v.kept.Show()
	default:
		v.keepCode.Hide()
		v.kept.Hide()
	}
	if warn || kept {
		in.extra.Show()
	} else {
		in.extra.Hide()
	}
	if e.ID == "" {
		v.newNeedBtn.Disable()
	} else {
		v.newNeedBtn.Enable()
	}
}

// keepCreditCode accepts the check-character warning: the official compared
// the code with the business licence.
func (v *enterpriseView) keepCreditCode() {
	if v.ent == nil || slices.Contains(v.ent.Overrides, overrideCheckChar) {
		return
	}
	v.ent.Overrides = append(v.ent.Overrides, overrideCheckChar)
	v.markDirty()
}

// checkCode offers the stored enterprise with the credit code typed, if
// there is one.
func (v *enterpriseView) checkCode() {
	code := forms.NormalizeCreditCode(v.ent.CreditCode())
	if len(code) != 18 {
		v.offerDuplicate(nil)
		return
	}
	v.dupSeq++
	seq, self := v.dupSeq, v.ent.ID
	u := v.u
	u.bg.Go(func() {
		found, err := v.st.EnterpriseByCreditCode(u.ctx, code)
		u.run(func() {
			if seq != v.dupSeq {
				return
			}
			if err != nil || found.ID == self {
				v.offerDuplicate(nil)
				return
			}
			v.offerDuplicate(found)
		})
	})
}

// checkName offers a stored enterprise whose name is the one typed, or —
// for a name of six characters or more — contains it.
func (v *enterpriseView) checkName() {
	if v.ent == nil {
		return
	}
	name := forms.FoldSearch(strings.TrimSpace(v.ent.Name()))
	if utf8.RuneCountInString(name) < 4 {
		return
	}
	v.dupSeq++
	seq, self := v.dupSeq, v.ent.ID
	u := v.u
	u.bg.Go(func() {
		l, err := v.st.FindEnterprises(u.ctx, name, 10)
		var match *forms.Enterprise
		for _, e := range l {
			if e.ID == self {
				continue
			}
			other := forms.FoldSearch(e.Name())
			if other == name || utf8.RuneCountInString(name) >= 6 && strings.Contains(other, name) {
				match = e
				break
			}
		}
		u.run(func() {
			if seq == v.dupSeq && err == nil {
				v.offerDuplicate(match)
			}
		})
	})
}

// offerDuplicate shows (or, for nil, hides) "已有此企业，打开它".
func (v *enterpriseView) offerDuplicate(e *forms.Enterprise) {
	if e == nil {
		v.dupID = ""
		v.dupBox.Hide()
		return
	}
	v.dupID = e.ID
	v.dupLabel.SetText(lang.L("ent.dup", map[string]any{"Name": e.Name(), "Code": e.CreditCode()}))
	v.dupBox.Show()
}

// save saves the enterprise now (the 保存 button, Ctrl+S); a new one needs a
// name first.
func (v *enterpriseView) save() {
	if v.ent == nil {
		return
	}
	if strings.TrimSpace(v.ent.Name()) == "" {
		v.saved.SetText(lang.L("ent.needname"))
		return
	}
	v.autosave.dirty = true
	v.form.revealAll()
	v.autosave.save(true)
}

// saveNow saves pending edits off the UI goroutine, before the screen
// moves to another enterprise. A new enterprise is saved only when it has a
// name and no existing enterprise was offered in its place: following
// "打开它" must not create the duplicate it avoids.
func (v *enterpriseView) saveNow() { v.autosave.save(false) }

// flushSync saves pending edits and waits for the save: the window is
// closing.
func (v *enterpriseView) flushSync() { v.autosave.flush() }

// entSave is a copy of the enterprise on its way to the store, and the
// enterprise on screen it was made of.
type entSave struct {
	model, snap *forms.Enterprise
}

// newAutosave is the enterprise's part of the autosave: a new enterprise is
// saved only once it has a name (and, unless the user asked, when no
// existing one was offered in its place); the one on screen takes over its
// id, revision, times and its contacts' ids from the stored copy.
func (v *enterpriseView) newAutosave() *autosave[entSave] {
	u := v.u
	a := newAutosave[entSave](u, v.saved)
	a.ready = func(explicit bool) bool {
		if v.ent == nil {
			return false
		}
		if v.ent.ID == "" {
			return strings.TrimSpace(v.ent.Name()) != "" && (explicit || v.dupID == "")
		}
		return true
	}
	a.take = func() entSave { return entSave{v.ent, v.ent.Clone()} }
	a.store = func(ctx context.Context, t entSave) error { return u.saver.saveEnterprise(ctx, v.st, t.snap) }
	a.current = func(t entSave) bool { return v.ent == t.model }
	a.settle = func(t entSave, err error) time.Time {
		model, snap := t.model, t.snap
		if err != nil {
			if v.ent == model && errors.Is(err, store.ErrDuplicate) {
				v.checkCode()
			}
			return snap.UpdatedAt
		}
		created := model.ID == ""
		model.ID, model.Rev, model.CatalogueVersion = snap.ID, snap.Rev, snap.CatalogueVersion
		model.CreatedAt, model.UpdatedAt, model.CreatedBy, model.Team = snap.CreatedAt, snap.UpdatedAt, snap.CreatedBy, snap.Team
		for i := range model.Contacts {
			if i < len(snap.Contacts) && model.Contacts[i].ID == "" {
				model.Contacts[i].ID = snap.Contacts[i].ID
			}
		}
		if v.ent == model {
			v.refresh()
			if created {
				v.showVisits(nil)
			}
		}
		v.searchLater.Trigger()
		return snap.UpdatedAt
	}
	return a
}

// showContacts lists the contacts, mobile numbers masked.
func (v *enterpriseView) showContacts() {
	v.contactsBox.RemoveAll()
	for i, ct := range v.ent.Contacts {
		c := ct.Values
		text := strings.Join(nonEmpty(c.Get("contact_name"), c.Get("contact_position"), forms.MaskMobile(c.Get("contact_mobile")), c.Get("contact_email")), "　")
		edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { v.editContact(i) })
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { v.removeContact(i) })
		v.contactsBox.Add(container.NewBorder(nil, nil, nil, container.NewHBox(edit, remove), widget.NewLabel(text)))
	}
	if len(v.ent.Contacts) == 0 {
		none := widget.NewLabel(lang.L("ent.contact.none"))
		none.Importance = widget.LowImportance
		v.contactsBox.Add(none)
	}
	v.contactsBox.Refresh()
}

func nonEmpty(l ...string) []string {
	return slices.DeleteFunc(l, func(s string) bool { return strings.TrimSpace(s) == "" })
}

// editContact edits contact i in a dialog (-1: a new contact).
func (v *enterpriseView) editContact(i int) {
	if v.ent == nil {
		return
	}
	f := newFieldForm(v.u.cat, v.u.lang, v.u.cat.Fields(forms.EntityContact))
	vals := forms.Values{}
	if i >= 0 && i < len(v.ent.Contacts) {
		vals = v.ent.Contacts[i].Values.Clone()
	}
	f.load(vals)
	f.OnChanged = func(string) { f.showProblems(v.u.cat.Validate(forms.EntityContact, f.values, forms.Draft)) }
	body := f.rows()
	d := dialog.NewCustomConfirm(lang.L("ent.contact.title"), lang.L("button.ok"), lang.L("button.cancel"), body, func(ok bool) {
		if ok {
			v.applyContact(i, f.values)
		}
	}, v.u.win)
	d.Resize(fyne.NewSize(560, 420))
	d.Show()
}

// applyContact stores a contact's values (i -1 adds a contact).
func (v *enterpriseView) applyContact(i int, vals forms.Values) {
	if i >= 0 && i < len(v.ent.Contacts) {
		v.ent.Contacts[i].Values = vals
	} else {
		v.ent.Contacts = append(v.ent.Contacts, forms.Contact{Values: vals})
	}
	v.showContacts()
	v.markDirty()
}

func (v *enterpriseView) removeContact(i int) {
	if i < 0 || i >= len(v.ent.Contacts) {
		return
	}
	v.ent.Contacts = slices.Delete(v.ent.Contacts, i, i+1)
	v.showContacts()
	v.markDirty()
}

// showNeeds lists the enterprise's needs from the need list's index.
func (v *enterpriseView) showNeeds() {
	v.needsBox.RemoveAll()
	ix := v.u.needs.index
	n := 0
	if ix != nil && v.ent.ID != "" {
		for _, i := range ix.order(store.SortUpdated) {
			s := ix.sum(i)
			if s.EnterpriseID != v.ent.ID {
				continue
			}
			id := s.ID
			b := widget.NewButton(s.Title+"　（"+s.Status.Label(v.u.lang)+"）", func() { v.u.openNeed(id) })
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			v.needsBox.Add(b)
			if n++; n == 20 {
				break
			}
		}
	}
	if n == 0 {
		none := widget.NewLabel(lang.L("ent.needs.none"))
		none.Importance = widget.LowImportance
		v.needsBox.Add(none)
	}
	v.needsBox.Refresh()
}

// showVisits lists the visit log.
func (v *enterpriseView) showVisits(visits []forms.Visit) {
	v.visitsBox.RemoveAll()
	for _, vi := range visits {
		l := widget.NewLabel(vi.Date + "　" + vi.Who + "　" + vi.Notes)
		l.Wrapping = fyne.TextWrapWord
		v.visitsBox.Add(l)
	}
	if len(visits) == 0 {
		none := widget.NewLabel(lang.L("visit.none"))
		none.Importance = widget.LowImportance
		v.visitsBox.Add(none)
	}
	saved := v.ent != nil && v.ent.ID != ""
	for _, w := range []interface {
		Enable()
		Disable()
	}{v.visitDate, v.visitWho, v.visitNotes, v.addVisit} {
		if saved {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	v.visitsBox.Refresh()
}

// addVisitNow records a visit to the enterprise.
func (v *enterpriseView) addVisitNow() {
	if v.ent == nil || v.ent.ID == "" {
		return
	}
	v.visitMsg.Hide()
	date, err := forms.ParseDate(v.visitDate.Text)
	if err != nil || len(date) != len("2006-01-02") {
		v.visitMsg.SetText(lang.L("followup.baddate"))
		v.visitMsg.Show()
		return
	}
	who := strings.TrimSpace(v.visitWho.Text)
	if who == "" {
		v.visitMsg.SetText(lang.L("visit.nowho"))
		v.visitMsg.Show()
		return
	}
	vi := &forms.Visit{EnterpriseID: v.ent.ID, Date: date, Who: who, Notes: strings.TrimSpace(v.visitNotes.Text)}
	id := v.ent.ID
	u := v.u
	v.addVisit.Disable()
	u.bg.Go(func() {
		err := v.st.SaveVisit(u.ctx, vi)
		var visits []forms.Visit
		if err == nil {
			visits, err = v.st.Visits(u.ctx, id)
		}
		u.run(func() {
			v.addVisit.Enable()
			if err != nil {
				v.visitMsg.SetText(userMessage(err, u.lang))
				v.visitMsg.Show()
				return
			}
			if v.ent != nil && v.ent.ID == id {
				v.visitNotes.SetText("")
				v.showVisits(visits)
			}
			u.dashboard.stale = true
		})
	})
}
