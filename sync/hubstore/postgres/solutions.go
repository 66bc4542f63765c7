package postgres

import (
	"github.com/jackc/pgx/v5"

	"github.com/xunbang/xunbang/sync/hubstore"
)

// SolutionTx over the table of migration 2.

const linkCols = "id, need_id, team, receipt, at_ns"

func scanLink(row pgx.Row) (*hubstore.SolutionLink, error) {
	var l hubstore.SolutionLink
	var at *int64
	if err := row.Scan(&l.ID, &l.NeedID, &l.Team, &l.Receipt, &at); err != nil {
		return nil, err
	}
	l.At = fromNS(at)
	return &l, nil
}

func (t *pgTx) PutSolutionLink(l *hubstore.SolutionLink) error {
	return t.exec(`INSERT INTO solution_links (`+linkCols+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET need_id = EXCLUDED.need_id, team = EXCLUDED.team,
		receipt = EXCLUDED.receipt, at_ns = EXCLUDED.at_ns`,
		l.ID, l.NeedID, l.Team, l.Receipt, ns(l.At))
}

func (t *pgTx) SolutionLink(id string) (*hubstore.SolutionLink, error) {
	l, err := scanLink(t.tx.QueryRow(t.ctx, "SELECT "+linkCols+" FROM solution_links WHERE id = $1", id))
	return l, notFound(err, "solution", id)
}

func (t *pgTx) SolutionByReceipt(receipt string) (*hubstore.SolutionLink, error) {
	if receipt == "" {
		return nil, notFound(pgx.ErrNoRows, "receipt", receipt)
	}
	l, err := scanLink(t.tx.QueryRow(t.ctx, "SELECT "+linkCols+" FROM solution_links WHERE receipt = $1", receipt))
	return l, notFound(err, "receipt", receipt)
}

func (t *pgTx) SolutionLinks(needID string, fn func(*hubstore.SolutionLink) error) error {
	return pages(t, func(after *hubstore.SolutionLink) (pgx.Rows, error) {
		id := ""
		if after != nil {
			id = after.ID
		}
		return t.tx.Query(t.ctx, "SELECT "+linkCols+" FROM solution_links WHERE need_id = $1 AND id > $2 ORDER BY id LIMIT $3", needID, id, pageSize)
	}, scanLink, fn)
}

func (t *pgTx) AllSolutionLinks(fn func(*hubstore.SolutionLink) error) error {
	return pages(t, func(after *hubstore.SolutionLink) (pgx.Rows, error) {
		id := ""
		if after != nil {
			id = after.ID
		}
		return t.tx.Query(t.ctx, "SELECT "+linkCols+" FROM solution_links WHERE id > $1 ORDER BY id LIMIT $2", id, pageSize)
	}, scanLink, fn)
}
