package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// neededIDs lists every need's id, by title.
func neededIDs(t *testing.T, st *store.Store) []string {
	t.Helper()
	sums, err := st.Needs(context.Background(), store.Query{Sort: "title"})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(sums))
	for i, s := range sums {
		ids[i] = s.ID
	}
	return ids
}

// Cards go to a PDF, or one PNG a card into a directory, recorded in the
// audit log; a private need is skipped and said so.
func TestPrintCards(t *testing.T) {
	st := demoStore(t, 16)
	ctx := context.Background()
	ids := neededIDs(t, st)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "cards.pdf")
	var seen int
	rep, err := PrintCards(ctx, st, CardsRequest{IDs: ids, Path: pdf, Font: testFont(t), Progress: func(done, total int) { seen = done }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cards == 0 || rep.Cards+len(rep.Skipped) != len(ids) || seen != len(ids) {
		t.Errorf("%d cards, %d skipped of %d needs; progress reached %d", rep.Cards, len(rep.Skipped), len(ids), seen)
	}
	for _, s := range rep.Skipped {
		if s.Code != SkipPrivate {
			t.Errorf("skipped %s: %s", s.ID, s.Code)
		}
	}
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("no PDF: %v", err)
	}
	pngs := filepath.Join(dir, "png")
	prep, err := PrintCards(ctx, st, CardsRequest{IDs: ids, Path: pngs, PNG: true, Font: testFont(t)})
	if err != nil {
		t.Fatal(err)
	}
	if l := names(t, pngs); len(l) != prep.Cards || len(prep.Files) != prep.Cards {
		t.Errorf("%d files for %d cards", len(l), prep.Cards)
	}
	log := auditLog(t, st, store.AuditPrintCards)
	if len(log) != 2 || !strings.HasSuffix(log[0].Detail, "cards → "+pdf) || !strings.HasSuffix(log[1].Detail, "cards → "+pngs) || log[0].User != "李科技" {
		t.Errorf("audit %+v", log)
	}
}

func TestPrintCardsRefusals(t *testing.T) {
	st := demoStore(t, 16)
	ctx := context.Background()
	ids := neededIDs(t, st)
	dir := t.TempDir()
	if _, err := PrintCards(ctx, st, CardsRequest{IDs: ids, Path: filepath.Join(dir, "a.pdf")}); !errors.Is(err, ErrNoFont) {
		t.Errorf("without a font: %v", err)
	}
	// Only private needs: nothing to print.
	var private []string
	for _, id := range ids {
		n, err := st.Need(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if n.Visibility() == forms.VisibilityPrivate {
			private = append(private, id)
		}
	}
	if len(private) == 0 {
		t.Fatal("the demo set has no private need")
	}
	if rep, err := PrintCards(ctx, st, CardsRequest{IDs: private, Path: filepath.Join(dir, "b.pdf"), Font: testFont(t)}); !errors.Is(err, ErrNoCards) || len(rep.Skipped) != len(private) {
		t.Errorf("private needs only: %v, %d skipped", err, len(rep.Skipped))
	}
	// Cancelled: nothing written.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := PrintCards(cctx, st, CardsRequest{IDs: ids, Path: filepath.Join(dir, "c.pdf"), Font: testFont(t)}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if l := names(t, dir); len(l) != 0 || len(auditLog(t, st, store.AuditPrintCards)) != 0 {
		t.Errorf("refused cards left %v and %d audit entries", l, len(auditLog(t, st, store.AuditPrintCards)))
	}
}
