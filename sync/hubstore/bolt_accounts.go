package hubstore

// The console's buckets in the hub's bbolt file:
//
//	users/    user name => User (JSON)
//	sessions/ hex SHA-256 of a session cookie => Session (JSON)
//	audit/    sequence (8 bytes, big endian) => AuditEntry (JSON); the
//	          bucket's own sequence numbers the entries

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

var (
	bucketUsers    = []byte("users")
	bucketSessions = []byte("sessions")
	bucketAudit    = []byte("audit")
)

func init() { allBuckets = append(allBuckets, bucketUsers, bucketSessions, bucketAudit) }

func (t boltTx) User(name string) (*User, error) {
	var u User
	if err := getJSON(t.tx.Bucket(bucketUsers), []byte(name), &u, "user"); err != nil {
		return nil, err
	}
	u.Name = name
	return &u, nil
}

func (t boltTx) PutUser(u *User) error {
	return putJSON(t.tx.Bucket(bucketUsers), []byte(u.Name), u)
}

func (t boltTx) Users(fn func(*User) error) error {
	return t.tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var u User
		if err := json.Unmarshal(v, &u); err != nil {
			return fmt.Errorf("user %s: %w", k, err)
		}
		u.Name = string(k)
		return fn(&u)
	})
}

func (t boltTx) Session(hash string) (*Session, error) {
	var s Session
	if err := getJSON(t.tx.Bucket(bucketSessions), []byte(hash), &s, "session"); err != nil {
		return nil, err
	}
	s.Hash = hash
	return &s, nil
}

func (t boltTx) PutSession(s *Session) error {
	return putJSON(t.tx.Bucket(bucketSessions), []byte(s.Hash), s)
}

func (t boltTx) DeleteSession(hash string) error {
	return t.tx.Bucket(bucketSessions).Delete([]byte(hash))
}

func (t boltTx) DeleteSessions(user string, expiredBefore time.Time) (int, error) {
	b := t.tx.Bucket(bucketSessions)
	var gone [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var s Session
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("session %.12s: %w", k, err)
		}
		if user != "" && s.User == user || user == "" && s.ExpiresAt.Before(expiredBefore) {
			gone = append(gone, k)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range gone {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(gone), nil
}

func (t boltTx) AppendAudit(e *AuditEntry) (uint64, error) {
	b := t.tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	return seq, putJSON(b, seqKey(seq), e)
}

func (t boltTx) Audit(before uint64, fn func(uint64, *AuditEntry) (bool, error)) error {
	c := t.tx.Bucket(bucketAudit).Cursor()
	var k, v []byte
	if before > 0 {
		k, _ = c.Seek(seqKey(before))
	}
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil; k, v = c.Prev() {
		seq := binary.BigEndian.Uint64(k)
		if before > 0 && seq >= before {
			continue
		}
		var e AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("audit %d: %w", seq, err)
		}
		more, err := fn(seq, &e)
		if err != nil || !more {
			return err
		}
	}
	return nil
}
