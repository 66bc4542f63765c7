package jobs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/forms/card"
	"github.com/xunbang/xunbang/internal/atomicfile"
	"github.com/xunbang/xunbang/store"
)

// CardSource is what printing cards reads: the settings (where a card's QR
// code points), the needs and their enterprises, and the audit log.
type CardSource interface {
	SettingsSource
	Need(ctx context.Context, id string) (*forms.Need, error)
	Enterprise(ctx context.Context, id string) (*forms.Enterprise, error)
	Auditor
}

// Layout is how cards are arranged on paper (forms/card).
type Layout = card.Layout

// Layouts lists the layouts, the default first.
var Layouts = card.Layouts

// ParseLayout accepts a layout's name; "" is the default.
func ParseLayout(s string) (Layout, error) { return card.ParseLayout(s) }

// CardsReport says what printing cards did (forms/card's report): the cards
// and pages, the needs skipped and why, the files written.
type CardsReport = card.Report

// CardSkip is one need that got no card, and why (CardsReport.Skipped).
type CardSkip = card.Skip

// Skip codes of CardsReport.Skipped.
const (
	SkipPrivate = card.SkipPrivate
	SkipNoNeed  = card.SkipNoNeed
	SkipQR      = card.SkipQR
	// SkipNamesEnterprise and SkipNamesPlace: an anonymous need whose public
	// text would give its enterprise away (card.SkipNamesEnterprise,
	// card.SkipNamesPlace).
	SkipNamesEnterprise = card.SkipNamesEnterprise
	SkipNamesPlace      = card.SkipNamesPlace
)

// ErrNoCards means that no need asked for gets a card (the report says
// why).
var ErrNoCards = card.ErrNoCards

// ShortID is a need's number as its card prints it (6F1C2D3E).
func ShortID(id string) string { return card.ShortID(id) }

// CardsRequest says which needs' cards to print and where.
type CardsRequest struct {
	// IDs are the needs, in the order of the cards. A need that is 不公开
	// gets no card (CardsReport.Skipped says so).
	IDs []string
	// Path is the PDF to write, replaced only once complete; with PNG, the
	// directory to write one PNG a card into (created when missing).
	Path string
	PNG  bool
	// Layout is the paper layout; "" is the default (a4-8).
	Layout Layout
	// Font is the CJK TrueType font the cards are drawn in.
	Font []byte
	// Progress, when set, is told needs read of total.
	Progress Progress
}

// PrintCards writes the QR need cards of req.IDs. What a card's QR code
// holds comes from the settings, the same for both faces: the platform's
// page of the need once published, else the hub's public page
// (Settings.HubPublicURL); a card with neither names where the need will be
// published (Settings.Event.Platform) and prints its check number. The
// cards are recorded in the audit log before the PDF takes its name; a
// cancelled or failed job leaves no file and no entry.
func PrintCards(ctx context.Context, src CardSource, req CardsRequest) (CardsReport, error) {
	var rep CardsReport
	if len(req.Font) == 0 {
		return rep, fmt.Errorf("print cards: %w", ErrNoFont)
	}
	set, err := src.Settings(ctx)
	if err != nil {
		return rep, fmt.Errorf("print cards: %w", err)
	}
	opt := CardOptions(set, req.Font, req.Layout)
	items, err := cardItems(ctx, src, req.IDs, req.Progress)
	if err != nil {
		return rep, fmt.Errorf("print cards: %w", err)
	}
	record := func() error {
		return audit(ctx, src, store.AuditPrintCards, fmt.Sprintf("%d cards → %s", rep.Cards, OutputName(req.Path)))
	}
	if req.PNG {
		if err := os.MkdirAll(req.Path, 0o755); err != nil {
			return rep, fmt.Errorf("print cards: %w", err)
		}
		if rep, err = card.RenderPNG(ctx, req.Path, items, opt); err != nil {
			return rep, fmt.Errorf("print cards: %w", err)
		}
		return rep, record()
	}
	var buf bytes.Buffer
	if rep, err = card.Render(ctx, &buf, items, opt); err != nil {
		return rep, fmt.Errorf("print cards: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("print cards: %w", err)
	}
	err = atomicfile.WriteThen(req.Path, outputPerm, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	}, record)
	if err != nil {
		return rep, fmt.Errorf("print cards: %w", err)
	}
	return rep, nil
}

// CardOptions are the cards' options from the settings: a QR code points
// to the platform's page of the need, else to the hub's (HubPublicURL); a
// card with neither says where the need will be published (Event.Platform).
func CardOptions(set store.Settings, font []byte, layout Layout) card.Options {
	return card.Options{Font: font, Layout: layout, HubPublicURL: set.HubPublicURL, Platform: set.Event.Platform}
}

// cardItems reads the needs of ids with their enterprises, each enterprise
// once.
func cardItems(ctx context.Context, src CardSource, ids []string, progress Progress) ([]card.Item, error) {
	items := make([]card.Item, 0, len(ids))
	ents := map[string]*forms.Enterprise{}
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := src.Need(ctx, id)
		if err != nil {
			return nil, err
		}
		e, ok := ents[n.EnterpriseID]
		if !ok {
			if e, err = src.Enterprise(ctx, n.EnterpriseID); err != nil {
				return nil, err
			}
			ents[n.EnterpriseID] = e
		}
		items = append(items, card.Item{Need: n, Enterprise: e})
		if progress != nil {
			progress(i+1, len(ids))
		}
	}
	return items, nil
}
