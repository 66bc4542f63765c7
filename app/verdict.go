package app

import (
	"log/slog"
	"net/url"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/protocol"
)

// What the platform decided about a need — its verdict, comment and public
// address — as the editor and the need list show it, and whether the
// verdict disagrees with the need's status here (a review that arrived
// while the need waited for the enterprise's confirmation).

// verdictState returns the platform's word for its verdict in the UI's
// language, and the local status the verdict stands for ("" when the word
// is not one of the protocol's).
func verdictState(p forms.Platform, lng string) (string, forms.Status) {
	st, err := protocol.ParsePlatformState(p.State)
	if err != nil {
		return p.State, ""
	}
	return st.Label(lng), st.LocalStatus()
}

// verdictClash says, when the platform's verdict and the need's status here
// disagree, why and what to do; "" when they agree (or there is no
// verdict).
func verdictClash(n *forms.Need, lng string) string {
	if n.Platform.State == "" {
		return ""
	}
	word, want := verdictState(n.Platform, lng)
	if want == "" || want == n.Status || ahead(n.Status, want) {
		return ""
	}
	why := lang.L("verdict.clash.other")
	switch {
	case want == forms.StatusToComplete:
		why = lang.L("verdict.clash.returned")
	case want == forms.StatusClosed:
		why = lang.L("verdict.clash.closed")
	case beforeConfirmation(n.Status):
		why = lang.L("verdict.clash.earlier")
	}
	return lang.L("verdict.clash", map[string]any{"Platform": word, "Local": n.Status.Label(lng), "Why": why})
}

// progress is the way a published need goes on; an official who records a
// step here (a contract signed) is ahead of the platform, not at odds with
// it.
var progress = []forms.Status{forms.StatusSynced, forms.StatusPublished, forms.StatusMatching,
	forms.StatusSolved, forms.StatusSigned, forms.StatusResolved}

// ahead reports whether local is further along progress than the status
// the platform's verdict stands for.
func ahead(local, verdict forms.Status) bool {
	l, v := slices.Index(progress, local), slices.Index(progress, verdict)
	return l >= 0 && v >= 0 && l > v
}

// beforeConfirmation reports whether a status comes before the enterprise's
// confirmation in the lifecycle.
func beforeConfirmation(s forms.Status) bool {
	switch s {
	case forms.StatusDraft, forms.StatusToDiagnose, forms.StatusToComplete, forms.StatusToConfirm:
		return true
	}
	return false
}

// verdictURL is the public address of a need: the one the platform gave,
// else — once the verdict is public — the need's page on the team's hub.
func verdictURL(n *forms.Need, hubPublicURL string) string {
	if n.Platform.URL != "" {
		return n.Platform.URL
	}
	if st, err := protocol.ParsePlatformState(n.Platform.State); err == nil && st.Public() {
		return forms.PublicPageURL(hubPublicURL, n.ID)
	}
	return ""
}

// verdictRow is the editor's line about the platform: 平台：已发布（time）,
// the public address with 复制网址 and 在浏览器中打开, the platform's comment,
// and — in the warning colour — a clash with the local status. It is hidden
// while the platform has said nothing.
type verdictRow struct {
	u       *ui
	state   *widget.Label
	link    *widget.Label // the public address
	copyBtn *widget.Button
	openBtn *widget.Button
	comment *widget.Label
	clash   *widget.Label
	content *fyne.Container
	url     string
}

func newVerdictRow(u *ui) *verdictRow {
	v := &verdictRow{u: u}
	v.state = widget.NewLabel("")
	v.state.Importance = widget.SuccessImportance
	v.link = widget.NewLabel("")
	v.link.Selectable = true
	v.link.Truncation = fyne.TextTruncateEllipsis
	v.copyBtn = widget.NewButtonWithIcon(lang.L("verdict.copy"), theme.ContentCopyIcon(), func() {
		v.u.copyURL(v.url)
		v.copyBtn.SetText(lang.L("verdict.copied"))
	})
	v.openBtn = widget.NewButtonWithIcon(lang.L("verdict.open"), theme.ComputerIcon(), func() { v.u.openURL(v.url) })
	for _, b := range []*widget.Button{v.copyBtn, v.openBtn} {
		b.Importance = widget.LowImportance
	}
	v.comment = widget.NewLabel("")
	v.comment.Wrapping = fyne.TextWrapWord
	v.clash = widget.NewLabel("")
	v.clash.Wrapping = fyne.TextWrapWord
	v.clash.Importance = widget.WarningImportance
	v.content = container.NewVBox(
		container.NewBorder(nil, nil, v.state, container.NewHBox(v.copyBtn, v.openBtn), v.link),
		v.comment, v.clash)
	v.content.Hide()
	return v
}

// show puts a need's verdict on the row.
func (v *verdictRow) show(n *forms.Need) {
	if n == nil || n.Platform == (forms.Platform{}) {
		v.content.Hide()
		return
	}
	word, _ := verdictState(n.Platform, v.u.lang)
	when := ""
	if !n.Platform.UpdatedAt.IsZero() {
		when = n.Platform.UpdatedAt.Local().Format("2006-01-02 15:04")
	}
	v.state.SetText(lang.L("verdict.state", map[string]any{"State": word, "Time": when}))
	v.url = verdictURL(n, v.u.settings.HubPublicURL)
	v.copyBtn.SetText(lang.L("verdict.copy"))
	v.link.SetText(v.url)
	for _, o := range []fyne.CanvasObject{v.link, v.copyBtn, v.openBtn} {
		if v.url == "" {
			o.Hide()
		} else {
			o.Show()
		}
	}
	if n.Platform.Comment != "" {
		v.comment.SetText(lang.L("verdict.comment", map[string]any{"Comment": n.Platform.Comment}))
		v.comment.Show()
	} else {
		v.comment.Hide()
	}
	if c := verdictClash(n, v.u.lang); c != "" {
		v.clash.SetText(c)
		v.clash.Show()
		v.state.Importance = widget.WarningImportance
	} else {
		v.clash.Hide()
		v.state.Importance = widget.SuccessImportance
	}
	v.state.Refresh()
	v.content.Show()
	v.content.Refresh()
}

// copyURL puts a public address on the clipboard.
func (u *ui) copyURL(s string) {
	if s == "" {
		return
	}
	u.touch()
	u.app.Clipboard().SetContent(s)
}

// openURL opens a public address in the system's browser.
func (u *ui) openURL(s string) {
	if s == "" {
		return
	}
	u.touch()
	p, err := url.Parse(s)
	if err == nil {
		err = u.app.OpenURL(p)
	}
	if err != nil {
		slog.Warn("open the public address", "err", err)
		u.showError(err)
	}
}

// recheck reloads the open need's platform verdict and status after a sync
// changed records here, so that the editor — and the 企业确认 screen, when
// it shows the need — says what the list says. A verdict changes the stored
// revision in place: it is taken over even while the official types (the
// store keeps it too). A colleague's new revision (or the need's following
// its pulled solutions) replaces the need on screen unless there are
// unsaved edits (their save then meets the store's conflict check, which
// says so); the confirmation screen then shows the new content, and
// whether the confirmation is still current.
func (e *needEditor) recheck() {
	if e.need == nil {
		return
	}
	u, id := e.u, e.need.ID
	u.bg.Go(func() {
		n, err := e.st.Need(u.ctx, id)
		if err != nil {
			slog.Warn("recheck the open need", "id", id, "err", err)
			return
		}
		u.run(func() {
			cur := e.need
			if cur == nil || cur.ID != id {
				return
			}
			switch {
			case n.Rev == cur.Rev:
				if n.Platform == cur.Platform && n.Status == cur.Status {
					return
				}
				cur.Platform = n.Platform
				if n.Status != cur.Status && (!e.autosave.dirty || forms.CanTransition(cur.Status, n.Status)) {
					cur.Status = n.Status
				}
				e.refresh()
				if u.confirmShowing() {
					u.confirm.refresh()
				}
			case !e.autosave.dirty:
				confirming := u.confirmShowing()
				e.open(id, func() {
					if confirming && u.confirmShowing() && e.need != nil && e.need.ID == id {
						u.confirm.show(e)
						u.confirm.say(lang.L("confirm.updated"), widget.WarningImportance)
					}
				})
			}
		})
	})
}

// refreshVerdict shows the verdict again (the hub's public address may
// have become known).
func (e *needEditor) refreshVerdict() {
	if e.need != nil {
		e.verdict.show(e.need)
	}
}

// verdictCell is the need list's 平台 column: the platform's word (and
// comment), in the warning colour when it disagrees with the need's status
// here, and — when the need has a public address — a small button whose
// menu copies it or opens it in the browser.
type verdictCell struct {
	widget.BaseWidget
	u     *ui
	label *widget.Label
	link  *widget.Button // opens the menu: 复制网址, 在浏览器中打开
	menu  *fyne.Menu
	url   string
	box   *fyne.Container
}

func newVerdictCell(u *ui) *verdictCell {
	c := &verdictCell{u: u}
	c.label = widget.NewLabel("")
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.menu = fyne.NewMenu("",
		fyne.NewMenuItem(lang.L("verdict.copy"), func() { c.u.copyURL(c.url) }),
		fyne.NewMenuItem(lang.L("verdict.open"), func() { c.u.openURL(c.url) }))
	c.link = widget.NewButtonWithIcon("", theme.MoreHorizontalIcon(), func() {
		widget.ShowPopUpMenuAtRelativePosition(c.menu, c.u.win.Canvas(), fyne.NewPos(0, c.link.Size().Height), c.link)
	})
	c.link.Importance = widget.LowImportance
	c.link.Hide()
	c.box = container.NewBorder(nil, nil, nil, c.link, c.label)
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer draws the cell's label and button.
func (c *verdictCell) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(c.box) }

// show puts a need's verdict in the cell.
func (c *verdictCell) show(s *store.Summary) {
	n := &forms.Need{ID: s.ID, Status: s.Status, Platform: s.Platform.AsPlatform()}
	text, imp := "", widget.MediumImportance
	if n.Platform.State != "" {
		word, _ := verdictState(n.Platform, c.u.lang)
		text, imp = word, widget.SuccessImportance
		if verdictClash(n, c.u.lang) != "" {
			text, imp = lang.L("verdict.list.clash", map[string]any{"State": word}), widget.WarningImportance
		}
		if n.Platform.Comment != "" {
			text += "：" + n.Platform.Comment
		}
	}
	if c.label.Text != text || c.label.Importance != imp {
		c.label.Importance = imp
		c.label.SetText(text)
	}
	c.url = verdictURL(n, c.u.settings.HubPublicURL)
	// A list cell is used again for another need: the button follows this
	// one's address, and the box lays itself out again when the button
	// comes or goes (a button shown without that stays where the hidden one
	// was never placed, at the cell's corner, between the rows).
	if show := c.url != ""; show != c.link.Visible() {
		if show {
			c.link.Show()
		} else {
			c.link.Hide()
		}
		c.box.Refresh()
	}
}
