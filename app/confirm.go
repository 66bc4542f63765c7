package app

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
)

// confirmNoticeVersion names the wording of the notice above the 确认
// button; it is stored with each confirmation.
const confirmNoticeVersion = "2026.1"

// confirmScale is how much larger the confirmation screen's text is than
// the rest of the window: the enterprise's staff read it on the official's
// laptop, often standing.
const confirmScale = 1.4

// confirmView is the 企业确认 screen: a read-only, large-type view of exactly
// what will be published under the need's visibility and of the rest of the
// confirmed content, then the confirmer's name, position, method and drawn
// signature, and the 确认 button.
type confirmView struct {
	u  *ui
	ed *needEditor

	back       *widget.Button
	title      *widget.Label
	banner     *widget.Label
	bannerBox  *canvas.Rectangle
	state      *widget.Label
	notReady   *widget.Label // why the need cannot be confirmed now
	publicBox  *fyne.Container
	privateBox *fyne.Container
	form       *fieldForm
	pad        *signaturePad
	signed     *canvas.Image // the stored signature of a current confirmation, read-only
	clear      *widget.Button
	notice     *widget.Label
	confirmBtn *widget.Button
	message    *widget.Label // what 确认 did, beside it
	large      *container.ThemeOverride
	scroll     *container.Scroll
	content    fyne.CanvasObject
}

// proseWrap is how running text wraps in a language: Chinese anywhere
// between characters — at word breaks, a line of Chinese with a space or a
// number in it ("璜泾路 221 号") broke at the space and left a third of the
// line empty — and other languages between words.
func proseWrap(language string) fyne.TextWrap {
	if language == string(English) {
		return fyne.TextWrapWord
	}
	return fyne.TextWrapBreak
}

func newConfirmView(u *ui) *confirmView {
	v := &confirmView{u: u}
	v.back = widget.NewButtonWithIcon(lang.L("confirm.back"), theme.NavigateBackIcon(), func() {
		u.setNeedsView(u.editor.content)
		u.editor.refresh()
	})
	v.title = widget.NewLabel("")
	v.title.SizeName = theme.SizeNameHeadingText
	v.title.Wrapping = fyne.TextWrapWord
	v.banner = widget.NewLabel("")
	v.banner.Wrapping = fyne.TextWrapWord
	v.banner.SizeName = theme.SizeNameSubHeadingText
	v.bannerBox = canvas.NewRectangle(color.Transparent)
	v.bannerBox.CornerRadius = 6
	v.state = widget.NewLabel("")
	v.notReady = widget.NewLabel("")
	v.notReady.Wrapping = proseWrap(u.lang)
	v.notReady.Importance = widget.WarningImportance
	v.notReady.Hide()
	v.publicBox = container.New(layout.NewFormLayout())
	v.privateBox = container.New(layout.NewFormLayout())
	v.form = newFieldForm(u.cat, u.lang, u.cat.Fields(forms.EntityConfirmation))
	v.form.OnChanged = func(string) { v.form.showProblems(nil) }
	v.pad = newSignaturePad()
	v.signed = canvas.NewImageFromResource(nil)
	v.signed.FillMode = canvas.ImageFillContain
	v.signed.SetMinSize(v.pad.minSize)
	v.signed.Hide()
	v.clear = widget.NewButtonWithIcon(lang.L("confirm.clear"), theme.ContentClearIcon(), v.pad.Clear)
	v.notice = widget.NewLabel(lang.L("confirm.notice"))
	v.notice.Wrapping = fyne.TextWrapWord
	v.confirmBtn = widget.NewButtonWithIcon(lang.L("confirm.button"), theme.ConfirmIcon(), v.confirmNeed)
	v.confirmBtn.Importance = widget.HighImportance
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Hide()

	publicTitle := sectionHeading(lang.L("confirm.public"))
	privateTitle := sectionHeading(lang.L("confirm.private"))
	signTitle := sectionHeading(lang.L("confirm.sign"))
	body := container.NewVBox(
		v.title,
		container.NewStack(v.bannerBox, container.NewPadded(v.banner)),
		v.state,
		v.notReady,
		widget.NewSeparator(),
		publicTitle, v.publicBox,
		widget.NewSeparator(),
		privateTitle, v.privateBox,
		widget.NewSeparator(),
		signTitle,
		v.form.rows(),
		container.NewBorder(nil, nil, nil, container.NewVBox(v.clear), container.NewStack(v.pad, v.signed)),
		v.notice,
		resultRow(v.message, v.confirmBtn),
	)
	v.large = container.NewThemeOverride(container.NewPadded(body), newScaledTheme(NewTheme(), confirmScale))
	v.scroll = container.NewVScroll(v.large)
	v.form.scroll = func() *container.Scroll { return v.scroll }
	v.content = container.NewBorder(container.NewVBox(container.NewHBox(v.back), widget.NewSeparator()), nil, nil, nil, v.scroll)
	return v
}

// show fills the screen from the need in the editor.
func (v *confirmView) show(ed *needEditor) {
	v.ed = ed
	n, ent := ed.need, ed.ent
	cat, lng := v.u.cat, v.u.lang
	v.title.SetText(n.Title())

	vals := forms.Values{}
	if n.Confirmation != nil && cat.ConfirmationCurrent(n, ent) {
		vals = n.Confirmation.Values.Clone() // who confirmed, as they did
	} else {
		if ct, ok := ent.Contact(n.ContactID); ok {
			vals.SetList("confirmer_name", ct.Values.List("contact_name"))
			vals.SetList("confirmer_position", ct.Values.List("contact_position"))
		}
		vals.Set("confirmation_method", "sign")
	}
	v.form.load(vals)
	v.pad.reset()
	v.message.Hide()

	// What the public will see.
	v.publicBox.RemoveAll()
	pub, published := cat.Publish(n, ent)
	shown := map[string]bool{}
	row := func(box *fyne.Container, label, value string) {
		l := widget.NewLabel(label)
		l.TextStyle.Bold = true
		val := widget.NewLabel(value)
		val.Wrapping = proseWrap(v.u.lang)
		box.Add(l)
		box.Add(val)
	}
	if published {
		row(v.publicBox, lang.L("confirm.publisher"), pub.Publisher)
		if pub.Region != "" {
			row(v.publicBox, cat.MustField("region").Label(lng), forms.Regions().FullName(pub.Region))
		}
		for _, f := range cat.Fields(forms.EntityNeed) {
			if pub.Values.Has(f.ID) || f.NegotiableFlag != "" && pub.Values.Bool(f.NegotiableFlag) {
				row(v.publicBox, f.Label(lng), displayValue(cat, f, pub.Values, lng))
				shown[f.ID] = true
			}
		}
	} else {
		none := widget.NewLabel(lang.L("confirm.nothingpublic"))
		none.Wrapping = fyne.TextWrapWord
		v.publicBox.Add(widget.NewLabel(""))
		v.publicBox.Add(none)
	}
	v.publicBox.Refresh()

	// The rest of what the enterprise confirms: the canonical content that is
	// not public (business secrets, and who the enterprise is unless 实名公开).
	v.privateBox.RemoveAll()
	for _, id := range []string{"enterprise_name", "credit_code", "region"} {
		f := cat.MustField(id)
		if pub.Visibility == forms.VisibilityNamed && id != "credit_code" || id == "region" && published {
			continue
		}
		if ent.Values.Has(id) {
			row(v.privateBox, f.Label(lng), displayValue(cat, f, ent.Values, lng))
		}
	}
	for _, f := range cat.Fields(forms.EntityNeed) {
		if f.Class == forms.ClassInternal || shown[f.ID] || f.ID == "budget_negotiable" && shown["budget_wan"] {
			continue
		}
		if n.Values.Has(f.ID) {
			row(v.privateBox, f.Label(lng), displayValue(cat, f, n.Values, lng))
		}
	}
	v.privateBox.Refresh()
	v.refresh()
	// The rows just made take the large type too, and the scroll the height
	// they need at it.
	v.large.Refresh()
	v.scroll.Refresh()
	v.scroll.ScrollToTop()
}

// refresh shows the visibility banner, whether the confirmation is current
// and whether the need can be confirmed now.
func (v *confirmView) refresh() {
	n, ent := v.ed.need, v.ed.ent
	vis := n.Visibility()
	var text string
	var fill color.NRGBA
	switch vis {
	case forms.VisibilityNamed:
		text = lang.L("confirm.banner.named", map[string]any{"Name": ent.Name()})
		fill = color.NRGBA{R: 0x2e, G: 0x9d, B: 0x4f, A: 0x40}
	case forms.VisibilityAnonymous:
		text = lang.L("confirm.banner.anonymous", map[string]any{"Alias": n.Values.Get("public_alias")})
		fill = color.NRGBA{R: 0xf0, G: 0x9a, B: 0x1a, A: 0x45}
	default:
		text = lang.L("confirm.banner.private")
		fill = color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0x40}
	}
	v.banner.SetText(text)
	v.bannerBox.FillColor = fill
	v.bannerBox.Refresh()

	state, imp := confirmationState(v.u.cat, n, ent)
	if n.Confirmation != nil && v.u.cat.ConfirmationCurrent(n, ent) {
		state = lang.L("confirm.state.currentby", map[string]any{
			"Name": n.Confirmation.Values.Get("confirmer_name"),
			"Time": n.Confirmation.At.Local().Format("2006-01-02 15:04"),
		})
	}
	v.state.SetText(state)
	v.state.Importance = imp
	v.state.Refresh()

	v.showSignature()
	naming := v.u.cat.NamesEnterprise(n, ent)
	msgs := make([]string, len(naming))
	for i, p := range naming {
		msgs[i] = p.Message(v.u.cat, v.u.lang)
	}
	// Nor is one that names a place finer than the region it is shown
	// with: the hub would not publish it, nor a card print it.
	if pub, ok := v.u.cat.Publish(n, ent); ok {
		if place := v.u.cat.NamesShownPlace(n, ent, &pub); place != "" {
			msgs = append(msgs, lang.L("confirm.namesplace", map[string]any{"Place": place, "Region": forms.Regions().FullName(pub.Region)}))
		}
	}
	switch {
	case n.Status == forms.StatusToConfirm && len(msgs) > 0:
		// An anonymous need that names its enterprise cannot be confirmed
		// (forms.Catalogue.Confirm refuses it), nor one that names a finer
		// place: say where, at the top, before anyone signs.
		v.confirmBtn.Disable()
		v.pad.SetEnabled(false)
		v.clear.Disable()
		v.form.setEnabled(false)
		v.notReady.SetText(strings.Join(msgs, "\n"))
		v.notReady.Importance = widget.DangerImportance
		v.notReady.Show()
	case n.Status == forms.StatusToConfirm:
		v.confirmBtn.Enable()
		v.pad.SetEnabled(true)
		v.clear.Enable()
		v.form.setEnabled(true)
		v.notReady.Hide()
	default:
		v.confirmBtn.Disable()
		v.pad.SetEnabled(false)
		v.clear.Disable()
		v.form.setEnabled(false)
		if n.Status == forms.StatusConfirmed && v.u.cat.ConfirmationCurrent(n, ent) {
			v.notReady.Hide()
		} else {
			v.notReady.SetText(lang.L("confirm.notready", map[string]any{"Status": n.Status.Label(v.u.lang)}))
			v.notReady.Importance = widget.WarningImportance
			v.notReady.Show()
		}
	}
}

// showSignature shows, for a current confirmation, the signature it stored,
// read-only and in its own proportions (issue 12.10); otherwise the pad.
func (v *confirmView) showSignature() {
	n, ent := v.ed.need, v.ed.ent
	if n.Confirmation != nil && len(n.Confirmation.Signature) > 0 && v.u.cat.ConfirmationCurrent(n, ent) {
		v.signed.Resource = fyne.NewStaticResource("signature-"+n.ID+".png", n.Confirmation.Signature)
		v.signed.Refresh()
		v.signed.Show()
		v.pad.Hide()
		v.clear.Hide()
		return
	}
	v.signed.Hide()
	v.signed.Resource = nil
	v.pad.Show()
	v.clear.Show()
}

// confirmNeed records the confirmation of the content on screen and saves
// the need.
func (v *confirmView) confirmNeed() {
	ed := v.ed
	n, ent, cat := ed.need, ed.ent, v.u.cat
	vals := v.form.values
	v.form.revealAll()
	ps := cat.Validate(forms.EntityConfirmation, vals, forms.Final)
	v.form.showProblems(ps)
	if forms.Blocking(ps) {
		v.showMessage(lang.L("confirm.incomplete"), widget.DangerImportance)
		return
	}
	if vals.Get("confirmation_method") == "sign" && v.pad.Empty() {
		v.showMessage(lang.L("confirm.nosignature"), widget.DangerImportance)
		return
	}
	conf := forms.Confirmation{
		Values:        vals.Clone(),
		At:            time.Now(),
		NoticeVersion: confirmNoticeVersion,
		Signature:     v.pad.PNG(),
	}
	if err := cat.Confirm(n, ent, conf); err != nil {
		v.showMessage(userMessage(err, v.u.lang), widget.DangerImportance)
		return
	}
	ed.markDirty()
	ed.saveNow()
	v.refresh()
	v.showMessage(lang.L("confirm.done", map[string]any{"Time": clockTime(conf.At)}), widget.SuccessImportance)
}

func (v *confirmView) showMessage(text string, imp widget.Importance) {
	v.say(text, imp)
	showInScroll(v.scroll, v.message)
}

// say puts a message beside the 确认 button, where it is, without scrolling
// to it.
func (v *confirmView) say(text string, imp widget.Importance) {
	showMessage(v.message, text, imp)
}
