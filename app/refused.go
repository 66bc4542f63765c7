package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Refusal is a record the platform refused, with its reasons.
type Refusal struct {
	Seq        uint64 // what Dismiss takes
	Need       bool   // a need (else an enterprise)
	ID         string
	Title      string // the need's title or the enterprise's name, as refused
	Reasons    []string
	At         time.Time
	Superseded bool // saved again since: the newer revision waits for the next sync
}

// Refusals is what the window needs of the records the platform refused:
// main wires it to the sync client.
type Refusals interface {
	Refusals(ctx context.Context) ([]Refusal, error)
	// Dismiss forgets the refusal of a superseded revision.
	Dismiss(ctx context.Context, seq uint64) error
}

// refusalsDialog lists the refused records: each with its reasons, 打开 (to
// fix it in its editor) and, once it has been saved again, 忽略.
type refusalsDialog struct {
	u      *ui
	d      *dialog.CustomDialog
	rows   *fyne.Container
	intro  *widget.Label
	list   []Refusal
	opened []*widget.Button // per row: 打开
	dismis []*widget.Button // per row: 忽略 (nil when not superseded)
}

// showRefusals opens the refused-records dialog (the strip's
// "N 条被平台退回").
func (u *ui) showRefusals() {
	if u.opts.Refusals == nil {
		return
	}
	u.touch()
	r := &refusalsDialog{u: u, rows: container.NewVBox()}
	r.intro = widget.NewLabel("")
	r.intro.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(r.rows)
	body := container.NewBorder(r.intro, nil, nil, nil, scroll)
	closeBtn := widget.NewButton(lang.L("button.close"), func() { r.d.Hide() })
	r.d = dialog.NewCustomWithoutButtons(lang.L("refused.title"), body, u.win)
	r.d.SetButtons([]fyne.CanvasObject{closeBtn})
	size := u.win.Canvas().Size()
	r.d.Resize(fyne.NewSize(min(size.Width*0.9, 760), size.Height*0.8))
	u.refusals = r
	r.d.Show()
	r.load()
}

// load reads the refusals off the UI goroutine.
func (r *refusalsDialog) load() {
	u := r.u
	u.bg.Go(func() {
		l, err := u.opts.Refusals.Refusals(u.ctx)
		u.run(func() {
			if err != nil {
				r.intro.SetText(userMessage(err, u.lang))
				return
			}
			r.show(l)
		})
	})
}

func (r *refusalsDialog) show(l []Refusal) {
	u := r.u
	r.list, r.opened, r.dismis = l, nil, nil
	r.rows.RemoveAll()
	if len(l) == 0 {
		r.intro.SetText(lang.L("refused.none"))
	} else {
		r.intro.SetText(lang.L("refused.intro", map[string]any{"N": len(l)}))
	}
	for _, x := range l {
		title := x.Title
		if strings.TrimSpace(title) == "" {
			title = lang.L("editor.untitled")
		}
		kind := lang.L("refused.kind.need")
		if !x.Need {
			kind = lang.L("refused.kind.enterprise")
		}
		head := widget.NewLabelWithStyle(kind+"　"+title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Truncation = fyne.TextTruncateEllipsis
		var lines []string
		for _, reason := range x.Reasons {
			lines = append(lines, "• "+reason)
		}
		reasons := widget.NewLabel(strings.Join(lines, "\n"))
		reasons.Wrapping = fyne.TextWrapWord
		reasons.Importance = widget.DangerImportance
		state := smallLabel(lang.L("refused.current", map[string]any{"Time": x.At.Local().Format("01-02 15:04")}))
		if x.Superseded {
			state = smallLabel(lang.L("refused.superseded"))
			state.Importance = widget.SuccessImportance
		}
		open := widget.NewButtonWithIcon(lang.L("refused.open"), theme.DocumentCreateIcon(), func() {
			r.d.Hide()
			if x.Need {
				u.openNeed(x.ID)
			} else {
				u.openEnterprise(x.ID)
			}
		})
		open.Importance = widget.HighImportance
		buttons := container.NewHBox(layout.NewSpacer())
		var dismiss *widget.Button
		if x.Superseded {
			seq := x.Seq
			dismiss = widget.NewButtonWithIcon(lang.L("refused.dismiss"), theme.DeleteIcon(), func() { r.dismiss(seq) })
			buttons.Add(dismiss)
		}
		buttons.Add(open)
		r.opened = append(r.opened, open)
		r.dismis = append(r.dismis, dismiss)
		r.rows.Add(container.NewVBox(head, reasons, state, buttons, widget.NewSeparator()))
	}
	r.rows.Refresh()
}

// dismiss forgets one superseded refusal, then lists the rest.
func (r *refusalsDialog) dismiss(seq uint64) {
	u := r.u
	u.bg.Go(func() {
		err := u.opts.Refusals.Dismiss(u.ctx, seq)
		u.run(func() {
			if err != nil {
				r.intro.SetText(userMessage(err, u.lang))
				return
			}
			u.sync.refresh()
			r.load()
		})
	})
}
