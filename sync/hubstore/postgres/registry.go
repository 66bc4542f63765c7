package postgres

import "github.com/jackc/pgx/v5"

// The registry entries each team was sent, over the table of migration 3.

func (t *pgTx) NoteRegistrySent(team string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return t.exec(`INSERT INTO registry_sent (team, enterprise_id)
		SELECT $1, id FROM unnest($2::text[]) AS id ON CONFLICT DO NOTHING`, team, ids)
}

func (t *pgTx) RegistrySent(team, id string) (bool, error) {
	var found bool
	err := t.tx.QueryRow(t.ctx, "SELECT EXISTS (SELECT 1 FROM registry_sent WHERE team = $1 AND enterprise_id = $2)", team, id).Scan(&found)
	return found, err
}

func (t *pgTx) RegistrySents(fn func(team, id string) error) error {
	type sent struct{ team, id string }
	return pages(t, func(after *sent) (pgx.Rows, error) {
		if after == nil {
			return t.tx.Query(t.ctx, "SELECT team, enterprise_id FROM registry_sent ORDER BY team, enterprise_id LIMIT $1", pageSize)
		}
		return t.tx.Query(t.ctx, `SELECT team, enterprise_id FROM registry_sent
			WHERE (team, enterprise_id) > ($1, $2) ORDER BY team, enterprise_id LIMIT $3`, after.team, after.id, pageSize)
	}, func(row pgx.Row) (*sent, error) {
		var s sent
		return &s, row.Scan(&s.team, &s.id)
	}, func(s *sent) error { return fn(s.team, s.id) })
}
