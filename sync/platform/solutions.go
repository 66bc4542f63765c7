package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Solutions (揭榜) on the hub.
//
// A solution is a record of kind "solution": its revisions are sealed and
// kept as any record's, and its events go to the feed of one team, the team
// that owns its need (ownView), which alone ever sees it — never another
// team (view.go shows other teams no solution), never the public. It
// reaches the hub two ways: from a provider on the need's public page
// (jiebang.go), which stores revision 1 in the need's team's name; and
// pushed by the team (a paper 方案表 typed in, an Excel import, a change of
// status), under the same rules as needs: idempotent revisions, conflicts
// answered with the hub's revision. hubstore.SolutionTx keeps which need
// each solution answers; a solution never moves to another need, and a
// team cannot attach one to another team's need.
//
// The feed carries solutions only to clients that ask for them
// (protocol.ParamKinds), so that a client of before 揭榜 is never sent a
// record kind it would refuse.

// checkSolution applies the protocol's rules and forms validation in Draft
// mode to a pushed solution.
func checkSolution(rec *protocol.Record, malformed, undecodable func(error) []protocol.Reason) (*checked, []protocol.Reason) {
	var sol forms.Solution
	if err := json.Unmarshal(rec.Body, &sol); err != nil {
		return nil, undecodable(err)
	}
	if err := rec.CheckBodyIDs(sol.ID, sol.Rev, sol.BaseRev); err != nil {
		return nil, malformed(err)
	}
	var out []protocol.Reason
	if !sol.Status.Valid() {
		out = append(out, protocol.Reason{Field: "status", Code: "status", Message: fmt.Sprintf("方案状态“%s”无法识别。", clipText(string(sol.Status)))})
	}
	if !sol.Source.Valid() {
		out = append(out, protocol.Reason{Field: "source", Code: "source", Message: fmt.Sprintf("方案来源“%s”无法识别。", clipText(string(sol.Source)))})
	}
	if !protocol.ValidID(sol.NeedID) {
		out = append(out, protocol.Reason{Field: "need_id", Code: "required", Message: "方案必须对应一条需求。"})
	}
	cat := forms.Default()
	c := &checked{sol: &sol}
	for _, p := range cat.Tolerate(sol.CatalogueVersion, cat.ValidateSolution(&sol, forms.Draft)) {
		r := protocol.Reason{Field: p.Field, Item: p.Item, Code: p.Code, Message: p.Message(cat, "zh")}
		switch {
		case p.Severity == forms.SeverityError:
			out = append(out, r)
		case p.Code == "unknown_field" || p.Code == "option":
			c.warnings = append(c.warnings, r)
		}
	}
	if len(out) > 0 {
		return nil, out
	}
	return c, nil
}

// admitSolution lets a checked record that is no solution through, and a
// solution through acceptSolution; a refused one is answered in res. ok
// is false when the record is not to be stored (refused, or err).
func (s *Server) admitSolution(tx hubstore.Tx, who identity, c *checked, res *protocol.Result, now time.Time) (bool, error) {
	if c.sol == nil {
		return true, nil
	}
	reasons, err := s.acceptSolution(tx, who, c.sol, now)
	if err != nil {
		return false, err
	}
	if reasons != nil {
		res.Outcome, res.Reasons = protocol.Invalid, reasons
		return false, nil
	}
	return true, nil
}

// acceptSolution checks a pushed solution against what the hub knows of
// its need, and links a new one to it. It returns reasons when the
// solution must be refused.
func (s *Server) acceptSolution(tx hubstore.Tx, who identity, sol *forms.Solution, now time.Time) ([]protocol.Reason, error) {
	l, err := tx.SolutionLink(sol.ID)
	switch {
	case err == nil:
		if l.NeedID != sol.NeedID {
			return []protocol.Reason{{Field: "need_id", Code: "need_changed", Message: "方案不能改挂到另一条需求。"}}, nil
		}
		return nil, nil
	case !errors.Is(err, hubstore.ErrNotFound):
		return nil, err
	}
	nh, err := tx.Head(protocol.KindNeed, sol.NeedID)
	switch {
	case errors.Is(err, hubstore.ErrNotFound):
		// The need has not reached the hub (yet): the solution is the
		// team's all the same.
	case err != nil:
		return nil, err
	case nh.Team != who.Team:
		return []protocol.Reason{{Field: "need_id", Code: "forbidden", Message: "这条需求属于其他团队，不能为它录入方案。"}}, nil
	}
	// A receipt is the hub's to give: one a team's record claims is not
	// indexed.
	return nil, tx.PutSolutionLink(&hubstore.SolutionLink{ID: sol.ID, NeedID: sol.NeedID, Team: who.Team, At: now})
}

// takeDownWithdrawn takes a need off public view as soon as its team pushes
// a revision that withdraws (已撤回) or closes (已关闭) it: the hub records
// 已关闭 as the verdict (in h, which the caller stores, and in the feed),
// so its public page answers 410 at once and other teams drop it with the
// next pull, without waiting for a reviewer.
func (s *Server) takeDownWithdrawn(tx hubstore.Tx, h *hubstore.Head, n *forms.Need, now time.Time) error {
	if n.Status != forms.StatusWithdrawn && n.Status != forms.StatusClosed || !h.State.Public() {
		return nil
	}
	comment := "需求方已撤回，需求下架。"
	if n.Status == forms.StatusClosed {
		comment = "需求已关闭，需求下架。"
	}
	sealed := s.seal.sealComment(h.ID, comment)
	h.State, h.Comment, h.StateAt = protocol.StateClosed, sealed, now
	_, err := tx.AppendEvent(&hubstore.Event{
		Type: hubstore.EventState, Kind: protocol.KindNeed, ID: h.ID, Team: h.Team,
		State: protocol.StateClosed, URL: h.URL, Comment: sealed, At: now, PublicAfter: false, WasPublic: true,
	})
	return err
}

// parseKinds reads the optional record kinds a pull asks for.
func parseKinds(q string) map[string]bool {
	out := map[string]bool{}
	for _, k := range strings.Split(q, ",") {
		if k = strings.TrimSpace(k); slices.Contains(protocol.OptionalKinds, k) {
			out[k] = true
		}
	}
	return out
}

// SolutionInfo is what the hub holds about one solution, without its
// content: for operators and tests.
type SolutionInfo struct {
	ID, NeedID, Team, Receipt, Rev string
	Revisions                      int
	At                             time.Time
}

// Solutions lists the solutions of a need ("" for every need's), in id
// order.
func (s *Server) Solutions(ctx context.Context, needID string) ([]SolutionInfo, error) {
	var out []SolutionInfo
	err := s.store.View(ctx, func(tx hubstore.Tx) error {
		add := func(l *hubstore.SolutionLink) error {
			h, err := tx.Head(protocol.KindSolution, l.ID)
			if err != nil {
				return err
			}
			out = append(out, SolutionInfo{ID: l.ID, NeedID: l.NeedID, Team: l.Team, Receipt: l.Receipt, Rev: h.Rev, Revisions: h.Revisions, At: l.At})
			return nil
		}
		if needID != "" {
			return tx.SolutionLinks(needID, add)
		}
		return tx.AllSolutionLinks(add)
	})
	if err != nil {
		return nil, fmt.Errorf("platform: solutions: %w", err)
	}
	return out, nil
}
