package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/xunbang/xunbang/sync/hubstore"
)

// AccountTx over the tables of migration 1.

const userCols = "name, display, role, teams, regions, password_hash, disabled, failed_logins, locked_ns, created_ns, updated_ns"

func scanUser(row pgx.Row) (*hubstore.User, error) {
	var u hubstore.User
	var role string
	var locked, created, updated *int64
	err := row.Scan(&u.Name, &u.Display, &role, &u.Teams, &u.Regions, &u.PasswordHash, &u.Disabled, &u.FailedLogins, &locked, &created, &updated)
	if err != nil {
		return nil, err
	}
	u.Role, u.LockedUntil, u.CreatedAt, u.UpdatedAt = hubstore.Role(role), fromNS(locked), fromNS(created), fromNS(updated)
	return &u, nil
}

func (t *pgTx) User(name string) (*hubstore.User, error) {
	u, err := scanUser(t.tx.QueryRow(t.ctx, "SELECT "+userCols+" FROM users WHERE name = $1", name))
	return u, notFound(err, "user", name)
}

func (t *pgTx) PutUser(u *hubstore.User) error {
	return t.exec(`INSERT INTO users (`+userCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (name) DO UPDATE SET display = EXCLUDED.display, role = EXCLUDED.role, teams = EXCLUDED.teams,
		regions = EXCLUDED.regions, password_hash = EXCLUDED.password_hash, disabled = EXCLUDED.disabled,
		failed_logins = EXCLUDED.failed_logins, locked_ns = EXCLUDED.locked_ns, created_ns = EXCLUDED.created_ns,
		updated_ns = EXCLUDED.updated_ns`,
		u.Name, u.Display, string(u.Role), u.Teams, u.Regions, u.PasswordHash, u.Disabled, u.FailedLogins,
		ns(u.LockedUntil), ns(u.CreatedAt), ns(u.UpdatedAt))
}

func (t *pgTx) Users(fn func(*hubstore.User) error) error {
	return pages(t, func(after *hubstore.User) (pgx.Rows, error) {
		key := ""
		if after != nil {
			key = after.Name
		}
		return t.tx.Query(t.ctx, "SELECT "+userCols+" FROM users WHERE name > $1 ORDER BY name LIMIT $2", key, pageSize)
	}, scanUser, fn)
}

func (t *pgTx) Session(hash string) (*hubstore.Session, error) {
	var s hubstore.Session
	var created, seen, expires *int64
	err := t.tx.QueryRow(t.ctx, "SELECT hash, user_name, created_ns, seen_ns, expires_ns FROM sessions WHERE hash = $1", hash).
		Scan(&s.Hash, &s.User, &created, &seen, &expires)
	if err != nil {
		return nil, notFound(err, "session", hash[:min(len(hash), 12)])
	}
	s.CreatedAt, s.SeenAt, s.ExpiresAt = fromNS(created), fromNS(seen), fromNS(expires)
	return &s, nil
}

func (t *pgTx) PutSession(s *hubstore.Session) error {
	return t.exec(`INSERT INTO sessions (hash, user_name, created_ns, seen_ns, expires_ns) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (hash) DO UPDATE SET user_name = EXCLUDED.user_name, created_ns = EXCLUDED.created_ns,
		seen_ns = EXCLUDED.seen_ns, expires_ns = EXCLUDED.expires_ns`,
		s.Hash, s.User, ns(s.CreatedAt), ns(s.SeenAt), ns(s.ExpiresAt))
}

func (t *pgTx) DeleteSession(hash string) error {
	return t.exec("DELETE FROM sessions WHERE hash = $1", hash)
}

func (t *pgTx) DeleteSessions(user string, expiredBefore time.Time) (int, error) {
	var err error
	var n int64
	if user != "" {
		tag, e := t.tx.Exec(t.ctx, "DELETE FROM sessions WHERE user_name = $1", user)
		n, err = tag.RowsAffected(), e
	} else {
		tag, e := t.tx.Exec(t.ctx, "DELETE FROM sessions WHERE coalesce(expires_ns, 0) < $1", expiredBefore.UnixNano())
		n, err = tag.RowsAffected(), e
	}
	return int(n), err
}

const auditCols = "at_ns, user_name, action, target, detail, addr"

func (t *pgTx) AppendAudit(e *hubstore.AuditEntry) (uint64, error) {
	var seq int64
	err := t.tx.QueryRow(t.ctx, `INSERT INTO audit (seq, `+auditCols+`)
		VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM audit), $1, $2, $3, $4, $5, $6) RETURNING seq`,
		ns(e.At), e.User, e.Action, e.Target, e.Detail, e.Addr).Scan(&seq)
	return uint64(seq), err
}

type seqAudit struct {
	seq uint64
	e   *hubstore.AuditEntry
}

func (t *pgTx) Audit(before uint64, fn func(uint64, *hubstore.AuditEntry) (bool, error)) error {
	stop := errStop{}
	err := pages(t, func(last *seqAudit) (pgx.Rows, error) {
		below := int64(before)
		if before == 0 {
			below = 1<<63 - 1
		}
		if last != nil {
			below = int64(last.seq)
		}
		return t.tx.Query(t.ctx, "SELECT seq, "+auditCols+" FROM audit WHERE seq < $1 ORDER BY seq DESC LIMIT $2", below, pageSize)
	}, func(row pgx.Row) (*seqAudit, error) {
		var e hubstore.AuditEntry
		var seq int64
		var at *int64
		if err := row.Scan(&seq, &at, &e.User, &e.Action, &e.Target, &e.Detail, &e.Addr); err != nil {
			return nil, err
		}
		e.At = fromNS(at)
		return &seqAudit{uint64(seq), &e}, nil
	}, func(a *seqAudit) error {
		more, err := fn(a.seq, a.e)
		if err == nil && !more {
			return stop
		}
		return err
	})
	if err == stop {
		return nil
	}
	return err
}
