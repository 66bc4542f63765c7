package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Refusal is a record whose revision the platform refused as invalid (or
// that could not be sent at all), with the reasons. The official opens the
// record and fixes it — the fix is pushed with the next sync and, once
// accepted, ends the refusal — or, when the record has been saved again
// since (Superseded), dismisses it.
type Refusal struct {
	Seq     uint64 // the quarantined outbox entry
	Kind    string // protocol.KindNeed or protocol.KindEnterprise
	ID      string
	Rev     string // the refused revision
	Title   string // the need's title or the enterprise's name in that revision
	Reasons []store.Reason
	body    []byte    // the refused revision, which Texts reads
	At      time.Time // when it was refused
	// Superseded: the record has been saved again since; the newer
	// revision waits for the next sync (or was accepted already).
	Superseded bool
}

// Refusals lists the refused records, oldest first. Conflicts are not
// refusals (see Conflicts).
func Refusals(ctx context.Context, st Store) ([]Refusal, error) {
	q, err := st.QuarantinedOutbox(ctx)
	if err != nil {
		return nil, err
	}
	var out []Refusal
	for _, e := range q {
		if e.Conflict {
			continue
		}
		r := Refusal{Seq: e.Seq, Kind: e.Kind, ID: e.ID, Rev: e.Rev, Reasons: e.Reasons, At: e.LastAttempt, body: e.Body}
		var cur string
		switch e.Kind {
		case protocol.KindNeed:
			var n forms.Need
			if json.Unmarshal(e.Body, &n) == nil {
				r.Title = n.Title()
			}
			if c, err := st.Need(ctx, e.ID); err == nil {
				cur = c.Rev
			}
		case protocol.KindEnterprise:
			var ent forms.Enterprise
			if json.Unmarshal(e.Body, &ent) == nil {
				r.Title = ent.Name()
			}
			if c, err := st.Enterprise(ctx, e.ID); err == nil {
				cur = c.Rev
			}
		}
		r.Superseded = cur != "" && cur != e.Rev
		out = append(out, r)
	}
	return out, nil
}

// Texts says why the record was refused, in lang: see ReasonTexts.
func (r Refusal) Texts(lang string) []string { return ReasonTexts(r.Reasons, r.Kind, r.body, lang) }

// ErrNotSuperseded means a refusal of a record's current revision cannot be
// dismissed; the record has to be fixed.
var ErrNotSuperseded = errors.New("the refused revision is the record's current one: fix the record instead")

// DismissRefusal forgets the refusal of a superseded revision.
func DismissRefusal(ctx context.Context, st Store, seq uint64) error {
	l, err := Refusals(ctx, st)
	if err != nil {
		return err
	}
	for _, r := range l {
		if r.Seq != seq {
			continue
		}
		if !r.Superseded {
			return fmt.Errorf("refusal %d: %w", seq, ErrNotSuperseded)
		}
		return st.AckOutbox(ctx, seq)
	}
	return fmt.Errorf("refusal %d: %w", seq, store.ErrNotFound)
}
