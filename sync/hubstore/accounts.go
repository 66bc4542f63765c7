package hubstore

import "time"

// AccountTx is what the reviewers' console keeps: hub users, their login
// sessions, and the audit of what was done through the console. Passwords
// are kept as Argon2id hashes, sessions as the SHA-256 of their cookie;
// neither is ever kept in a form that lets someone log in with what the
// store holds.
type AccountTx interface {
	// User returns a hub user by name; ErrNotFound if there is none.
	User(name string) (*User, error)
	// PutUser stores a user under u.Name, replacing one there.
	PutUser(u *User) error
	// Users calls fn for every user, in name order, until fn fails.
	Users(fn func(*User) error) error

	// Session returns the console session whose SHA-256 (hex) is hash.
	Session(hash string) (*Session, error)
	// PutSession stores a session under s.Hash, replacing one there.
	PutSession(s *Session) error
	// DeleteSession removes a session; removing one that is not there is
	// no error.
	DeleteSession(hash string) error
	// DeleteSessions removes every session of a user (user != "") or,
	// with user == "", every session that expired before the time given;
	// it returns how many it removed.
	DeleteSessions(user string, expiredBefore time.Time) (int, error)

	// AppendAudit appends an entry to the audit and returns its sequence
	// number: 1 for the first, then one more than the last.
	AppendAudit(e *AuditEntry) (uint64, error)
	// Audit calls fn for the entries below the sequence number before (0:
	// from the newest), newest first, until fn returns false or an error.
	Audit(before uint64, fn func(seq uint64, e *AuditEntry) (bool, error)) error
}

// Role is what a hub user may do in the console.
type Role string

// Roles.
const (
	// RoleAdmin (管理员) manages users, field tokens and settings, reviews
	// every team's needs and exports the whole hub.
	RoleAdmin Role = "admin"
	// RoleReviewer (审核员) reviews the needs in their scope: the teams and
	// regions named on their account.
	RoleReviewer Role = "reviewer"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleReviewer }

// Label returns the role's word in the given language ("zh" or "en").
func (r Role) Label(lang string) string {
	switch {
	case r == RoleAdmin && lang == "en":
		return "Administrator"
	case r == RoleAdmin:
		return "管理员"
	case r == RoleReviewer && lang == "en":
		return "Reviewer"
	case r == RoleReviewer:
		return "审核员"
	}
	return string(r)
}

// User is a person who logs into the hub's console.
type User struct {
	Name    string `json:"-"`
	Display string `json:"display,omitempty"`
	Role    Role   `json:"role"`
	// Teams and Regions are a reviewer's scope: the needs of these teams,
	// and the needs of enterprises whose region code lies inside one of
	// these regions (GB/T 2260 codes). An admin's scope is everything.
	Teams   []string `json:"teams,omitempty"`
	Regions []string `json:"regions,omitempty"`
	// PasswordHash is the password's Argon2id hash in the PHC string
	// format ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
	PasswordHash string `json:"password_hash"`
	Disabled     bool   `json:"disabled,omitempty"`
	// FailedLogins counts wrong passwords since the last login; at a bound
	// the account is locked until LockedUntil.
	FailedLogins int       `json:"failed_logins,omitempty"`
	LockedUntil  time.Time `json:"locked_until,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Session is a console login: the browser holds a random cookie, the store
// its SHA-256.
type Session struct {
	Hash      string    `json:"-"`
	User      string    `json:"user"`
	CreatedAt time.Time `json:"created_at"`
	// SeenAt is when the session was last used; ExpiresAt when it ends.
	SeenAt    time.Time `json:"seen_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// AuditEntry is one thing done through the console or the admin endpoints:
// who, what, to which record or account. It names ids and states only,
// never content an enterprise wrote, a password or a token.
type AuditEntry struct {
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	Action string    `json:"action"`
	Target string    `json:"target,omitempty"`
	Detail string    `json:"detail,omitempty"`
	// Addr is the client's address, as the hub saw it.
	Addr string `json:"addr,omitempty"`
}
