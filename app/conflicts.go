package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
)

// NeedConflict is a need edited both on this laptop and on the platform
// since they last agreed. Both revisions are kept until the user chooses.
type NeedConflict struct {
	ID            string
	Local, Server *forms.Need
}

// Conflicts is what the window needs to let the user settle conflicts: main
// wires it to the sync client.
type Conflicts interface {
	NeedConflicts(ctx context.Context) ([]NeedConflict, error)
	// ResolveNeed keeps merged as the need's new revision (based on the
	// server's), or the server's revision when merged is nil.
	ResolveNeed(ctx context.Context, id string, merged *forms.Need) error
}

// conflictField is one catalogue field on which the two sides differ.
type conflictField struct {
	field         *forms.Field
	local, server []string
	choice        *widget.RadioGroup
}

// differingFields lists the need fields (and the status) whose values differ.
func differingFields(cat *forms.Catalogue, a, b *forms.Need) []*forms.Field {
	var out []*forms.Field
	for _, f := range cat.Fields(forms.EntityNeed) {
		if !slices.Equal(a.Values[f.ID], b.Values[f.ID]) {
			out = append(out, f)
		}
	}
	return out
}

// mergeNeed builds the merged need: the local one, with the fields the user
// took from the server.
func mergeNeed(local, server *forms.Need, fromServer []string) *forms.Need {
	m := *local
	m.Values = local.Values.Clone()
	for _, id := range fromServer {
		if v, ok := server.Values[id]; ok {
			m.Values[id] = slices.Clone(v)
		} else {
			delete(m.Values, id)
		}
	}
	return &m
}

// showConflicts opens the first conflict: one row per differing field with
// both values side by side and a choice 本机 / 平台; 保存合并结果 keeps the
// merge, 全部采用平台版本 takes the server's revision whole.
func (u *ui) showConflicts() {
	if u.opts.Conflicts == nil {
		return
	}
	u.bg.Go(func() {
		cs, err := u.opts.Conflicts.NeedConflicts(u.ctx)
		u.run(func() {
			if err != nil {
				dialog.ShowError(err, u.win)
				return
			}
			if len(cs) == 0 {
				dialog.ShowInformation(lang.L("conflict.title"), lang.L("conflict.none"), u.win)
				return
			}
			u.showConflict(cs[0], len(cs))
		})
	})
}

func (u *ui) showConflict(c NeedConflict, total int) {
	var rows []fyne.CanvasObject
	var fields []*conflictField
	local, server := lang.L("conflict.local"), lang.L("conflict.server")
	for _, f := range differingFields(u.cat, c.Local, c.Server) {
		cf := &conflictField{field: f, local: c.Local.Values[f.ID], server: c.Server.Values[f.ID]}
		cf.choice = widget.NewRadioGroup([]string{local, server}, nil)
		cf.choice.Horizontal = true
		cf.choice.Required = true
		cf.choice.SetSelected(local)
		fields = append(fields, cf)
		lv := widget.NewLabel(u.displayValue(f, cf.local))
		sv := widget.NewLabel(u.displayValue(f, cf.server))
		lv.Wrapping, sv.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
		rows = append(rows, widget.NewLabelWithStyle(f.Label(u.lang), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewGridWithColumns(2, lv, sv), cf.choice, widget.NewSeparator())
	}
	head := container.NewGridWithColumns(2, widget.NewLabel(local), widget.NewLabel(server))
	intro := widget.NewLabel(lang.L("conflict.intro", map[string]any{"Title": c.Local.Title(), "N": total}))
	intro.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(container.NewVBox(intro, head), nil, nil, nil, container.NewVScroll(container.NewVBox(rows...)))
	var d *dialog.CustomDialog
	resolve := func(merged *forms.Need) {
		d.Hide()
		u.bg.Go(func() {
			err := u.opts.Conflicts.ResolveNeed(u.ctx, c.ID, merged)
			u.run(func() {
				if err != nil {
					dialog.ShowError(fmt.Errorf("%s", lang.L("conflict.failed", map[string]any{"Err": err.Error()})), u.win)
					return
				}
				u.needs.reloadLater.Trigger()
				u.sync.refresh()
			})
		})
	}
	keep := widget.NewButton(lang.L("conflict.keep"), func() {
		var fromServer []string
		for _, cf := range fields {
			if cf.choice.Selected == server {
				fromServer = append(fromServer, cf.field.ID)
			}
		}
		resolve(mergeNeed(c.Local, c.Server, fromServer))
	})
	keep.Importance = widget.HighImportance
	takeServer := widget.NewButton(lang.L("conflict.server.all"), func() { resolve(nil) })
	later := widget.NewButton(lang.L("conflict.later"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(lang.L("conflict.title"), body, u.win)
	d.SetButtons([]fyne.CanvasObject{later, takeServer, keep})
	d.Resize(fyne.NewSize(u.win.Canvas().Size().Width*0.8, u.win.Canvas().Size().Height*0.8))
	d.Show()
}

// displayValue shows a stored value as the user knows it: option labels
// instead of codes.
func (u *ui) displayValue(f *forms.Field, vals []string) string {
	if len(vals) == 0 {
		return lang.L("conflict.empty")
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = v
		if voc := u.cat.Vocabulary(f.Vocabulary); voc != nil {
			out[i] = voc.Label(v, u.lang)
		}
	}
	return strings.Join(out, "、")
}
