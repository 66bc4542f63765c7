package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/card"
	"github.com/xunbang/xunbang/store"
)

// maxCardsAtOnce bounds one print job from the window; the command line
// prints any number.
const maxCardsAtOnce = 2000

// printCards prints the cards of the needs the list shows now: its search
// and filters are the selection.
func (l *needList) printCards() {
	u := l.u
	if l.index == nil || len(l.rows) == 0 {
		dialog.ShowInformation(lang.L("cards.title"), lang.L("cards.none"), u.win)
		return
	}
	ids := make([]string, 0, len(l.rows))
	for _, r := range l.rows {
		if len(ids) == maxCardsAtOnce {
			break
		}
		ids = append(ids, l.index.sum(r).ID)
	}
	u.printCards(ids)
}

// printCard prints the card of the need in the editor, with its latest
// edits.
func (e *needEditor) printCard() {
	if e.need == nil {
		return
	}
	if e.need.Visibility() == forms.VisibilityPrivate {
		dialog.ShowInformation(lang.L("cards.title"), lang.L("cards.private"), e.u.win)
		return
	}
	e.saveNow() // printCards waits for it
	e.u.printCards([]string{e.need.ID})
}

// printCards asks where to write the given needs' cards (proposing the
// folder of the last export, else the user's Documents folder, as the Excel
// exports do; issue 12.8) and writes them there.
func (u *ui) printCards(ids []string) {
	name := lang.L("cards.filename") + "-" + time.Now().Format("20060102-150405") + ".pdf"
	u.needs.excel.chooseSaveAs(lang.L("cards.title"), name, ".pdf", func(path string) { u.writeCards(ids, path) })
}

// writeCards writes the given needs' cards into a PDF at path, then opens it
// in the system's viewer, from which the user prints, and says whether the
// viewer opened. It runs off the UI goroutine, after the saves under way,
// and can be cancelled.
func (u *ui) writeCards(ids []string, path string) {
	ctx, cancel := context.WithCancel(u.ctx)
	prog := dialog.NewCustom(lang.L("cards.title"), lang.L("cards.cancel"), container.NewVBox(
		widget.NewLabel(lang.L("cards.working", map[string]any{"N": len(ids)})),
		widget.NewProgressBarInfinite()), u.win)
	// Only the user's 取消 counts as cancelling: hiding the dialog when the
	// job is done also calls OnClosed, and the job's context is cancelled
	// once it returns, before its result reaches the UI goroutine.
	cancelled, finished := false, false
	prog.SetOnClosed(func() {
		if !finished {
			cancelled = true
			cancel()
		}
	})
	prog.Show()
	x := u.needs.excel
	opt := cardOptions(u.settings)
	u.bg.Go(func() {
		defer cancel()
		u.saver.inflight.Wait()
		rep, err := renderCards(ctx, u.st, ids, path, opt)
		var openErr error
		if err == nil && ctx.Err() == nil {
			openErr = u.openPath(path)
		}
		u.run(func() {
			finished = true
			u.touch()
			prog.Hide()
			switch {
			case cancelled:
				return
			case err != nil:
				x.showResult(lang.L("cards.title"), lang.L("cards.failed", map[string]any{"Err": userMessage(err, u.lang)}))
				return
			}
			data := map[string]any{"N": rep.Cards, "Skipped": len(rep.Skipped), "Unconfirmed": rep.Unconfirmed, "Path": path}
			text := lang.L("cards.done", data)
			if openErr != nil {
				slog.Warn("cards: no viewer opened the PDF", "path", path, "err", openErr)
				data["Err"] = openMessage(openErr)
				text = lang.L("cards.done.notopened", data)
			}
			x.showResult(lang.L("cards.title"), text,
				widget.NewButtonWithIcon(lang.L("excel.open.file"), theme.FileIcon(), func() { x.open(path) }),
				widget.NewButtonWithIcon(lang.L("excel.open.folder"), theme.FolderOpenIcon(), func() { x.open(filepath.Dir(path)) }))
		})
	})
}

// openMessage says in the UI language why a file did not open.
func openMessage(err error) string {
	if errors.Is(err, errNoViewer) {
		return lang.L("open.noviewer")
	}
	return err.Error()
}

// cardOptions are the cards' options from the settings, as on the command
// line (cli/cards.go): a QR code points to the platform's page of the need,
// or to the hub's (HubPublicURL); a card with neither says where the need
// will be published (Event.Platform).
func cardOptions(s store.Settings) card.Options {
	return card.Options{Font: assets.FontBytes(), HubPublicURL: s.HubPublicURL, Platform: s.Event.Platform}
}

// cardSource is what printing cards reads.
type cardSource interface {
	Need(ctx context.Context, id string) (*forms.Need, error)
	Enterprise(ctx context.Context, id string) (*forms.Enterprise, error)
}

// renderCards writes the cards of the given needs to a PDF at path, which
// it replaces only once complete. Nothing is left behind when it fails or is
// cancelled.
func renderCards(ctx context.Context, src cardSource, ids []string, path string, opt card.Options) (card.Report, error) {
	items := make([]card.Item, 0, len(ids))
	ents := map[string]*forms.Enterprise{}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return card.Report{}, err
		}
		n, err := src.Need(ctx, id)
		if err != nil {
			return card.Report{}, err
		}
		e, ok := ents[n.EnterpriseID]
		if !ok {
			if e, err = src.Enterprise(ctx, n.EnterpriseID); err != nil {
				return card.Report{}, err
			}
			ents[n.EnterpriseID] = e
		}
		items = append(items, card.Item{Need: n, Enterprise: e})
	}
	var buf bytes.Buffer
	rep, err := card.Render(ctx, &buf, items, opt)
	if err != nil {
		return rep, err
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return rep, err
	}
	return rep, nil
}
