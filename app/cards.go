package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/jobs"
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
	u.runner.chooseSaveAs(lang.L("cards.title"), name, ".pdf", func(path string) { u.writeCards(ids, path) })
}

// writeCards writes the given needs' cards into a PDF at path (package
// jobs: the same cards, recorded in the audit log the same way, as `xunbang
// cards`), then opens it in the system's viewer, from which the user prints,
// and says whether the viewer opened. It runs off the UI goroutine, after
// the saves under way, behind the job dialog, and can be cancelled.
func (u *ui) writeCards(ids []string, path string) {
	x := u.runner
	var rep jobs.CardsReport
	var openErr error
	// The bar runs without a count: reading the needs is quick and the
	// drawing, which takes the time, does not tell how far it has got.
	x.job(lang.L("cards.title"), lang.L("cards.working", map[string]any{"N": len(ids)}), progressNone,
		func(ctx context.Context, _ func(done, total int)) error {
			u.saver.inflight.Wait()
			var err error
			rep, err = jobs.PrintCards(ctx, u.st, jobs.CardsRequest{IDs: ids, Path: path, Font: assets.FontBytes()})
			if err == nil && ctx.Err() == nil {
				openErr = u.openPath(path)
			}
			return err
		},
		func(err error) {
			switch {
			case errors.Is(err, jobs.ErrNoCards):
				x.showResult(lang.L("cards.title"), lang.L("cards.allskipped")+skippedLines(rep.Skipped, u.lang))
				return
			case err != nil:
				x.showResult(lang.L("cards.title"), lang.L("cards.failed", map[string]any{"Err": userMessage(err, u.lang)}))
				return
			}
			data := map[string]any{"N": rep.Cards, "Skipped": len(rep.Skipped), "Unconfirmed": rep.Unconfirmed,
				"WithQR": rep.WithQR, "NoQR": rep.Cards - rep.WithQR, "Path": path}
			text := lang.L("cards.done", data)
			if openErr != nil {
				slog.Warn("cards: no viewer opened the PDF", "path", path, "err", openErr)
				data["Err"] = openMessage(openErr)
				text = lang.L("cards.done.notopened", data)
			}
			x.showResult(lang.L("cards.title"), text+skippedLines(rep.Skipped, u.lang), x.openButtons(path)...)
		})
}

// shownSkips is how many skipped needs a result names, each with why.
const shownSkips = 5

// skippedLines says, one line each, why the first needs skipped got no
// card, and how many more were skipped: "" when none was.
func skippedLines(skips []jobs.CardSkip, lng string) string {
	var b strings.Builder
	for i, s := range skips {
		if i == shownSkips {
			b.WriteString("\n" + lang.L("cards.skipped.more", map[string]any{"N": len(skips) - shownSkips}))
			break
		}
		reason := s.Reason
		if lng != string(Chinese) {
			reason = skipReasonEnglish[s.Code]
		}
		b.WriteString("\n" + lang.L("cards.skipped", map[string]any{"Title": s.Title, "Reason": reason}))
	}
	return b.String()
}

// skipReasonEnglish is why a need got no card, in English (a skip's Reason
// is in Chinese).
var skipReasonEnglish = map[string]string{
	jobs.SkipPrivate:         "it is private, and gets no public card.",
	jobs.SkipNoNeed:          "there is no such need.",
	jobs.SkipQR:              "its QR code could not be made.",
	jobs.SkipNamesEnterprise: "it is anonymous, yet its public text names the enterprise or gives a contact: reword it and print again.",
	jobs.SkipNamesPlace:      "it is anonymous, yet its alias or text names a county or town finer than the region on the card: reword it (say, to the city) and print again.",
}

// openMessage says in the UI language why a file did not open.
func openMessage(err error) string {
	if errors.Is(err, errNoViewer) {
		return lang.L("open.noviewer")
	}
	return err.Error()
}
