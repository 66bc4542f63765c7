package app

import (
	"context"
	"log/slog"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/assets"
)

// ShowStartError shows, in a small window of its own, why xunbang's window
// could not open — message, already written for the user in language
// ("zh" or "en") — and returns when the user closes it or ctx ends.
// Someone who starts xunbang from a desktop icon has no terminal to read
// an error in: without this a second start on a data dir already open, or
// on data of a newer xunbang, showed nothing at all. (A damaged data file
// is said in the main window, which offers to restore a backup: restore.go.)
//
// Call it from the main goroutine after [Run] returned an error without a
// screenshot: such an error comes before Run creates its app, so this is
// the process's only Fyne app.
func ShowStartError(ctx context.Context, language, message string) {
	if err := SetLanguage(ParseLanguage(language)); err != nil {
		slog.Error("start error window: cannot set the UI language", "err", err)
	}
	a := fyneapp.NewWithID(AppID)
	a.Settings().SetTheme(NewTheme())
	a.SetIcon(assets.Icon())
	w := a.NewWindow(lang.L("app.name"))
	w.SetMaster()
	v := newStartErrorView(a, w, message)
	w.SetContent(v.content)
	w.Resize(fyne.NewSize(560, 280))
	w.CenterOnScreen()
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
			fyne.Do(a.Quit)
		case <-stopped:
		}
	}()
	w.ShowAndRun()
}

// startErrorView is the start error window's content: the message, a
// button that copies it (it may hold a command to run) and one that
// closes the window.
type startErrorView struct {
	content fyne.CanvasObject
	message *widget.Label
	note    *widget.Label
	copyBtn *widget.Button
	close   *widget.Button
}

func newStartErrorView(a fyne.App, w fyne.Window, message string) *startErrorView {
	v := &startErrorView{
		message: widget.NewLabel(message),
		note:    widget.NewLabel(""),
	}
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Selectable = true
	heading := widget.NewLabelWithStyle(lang.L("starterror.heading"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.Importance = widget.DangerImportance
	v.copyBtn = widget.NewButton(lang.L("starterror.copy"), func() {
		a.Clipboard().SetContent(message)
		v.note.SetText(lang.L("starterror.copied"))
	})
	v.close = widget.NewButton(lang.L("starterror.close"), w.Close)
	v.close.Importance = widget.HighImportance
	buttons := container.NewHBox(v.note, layout.NewSpacer(), v.copyBtn, v.close)
	v.content = container.NewBorder(heading, buttons, nil, nil, container.NewVScroll(v.message))
	return v
}
