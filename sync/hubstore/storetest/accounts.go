package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/xunbang/xunbang/sync/hubstore"
)

func testUsers(t *testing.T, s hubstore.Store) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 123456789, time.UTC)
	users := []*hubstore.User{
		{Name: "wang", Display: "王审核", Role: hubstore.RoleReviewer, Teams: []string{"吴江镇长团", "b"}, Regions: []string{"320509"},
			PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", FailedLogins: 2, LockedUntil: at, CreatedAt: at, UpdatedAt: at},
		{Name: "admin", Role: hubstore.RoleAdmin, PasswordHash: "$argon2id$x", Disabled: true, CreatedAt: at, UpdatedAt: at},
	}
	update(t, s, func(tx hubstore.Tx) error {
		for _, u := range users {
			if err := tx.PutUser(u); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx hubstore.Tx) error {
		u, err := tx.User("wang")
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%+v", *u) != fmt.Sprintf("%+v", *users[0]) {
			t.Errorf("user = %+v\nwant   %+v", *u, *users[0])
		}
		_, err = tx.User("nobody")
		notFound(t, "unknown user", err)
		var names []string
		if err := tx.Users(func(u *hubstore.User) error { names = append(names, u.Name); return nil }); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(names) != "[admin wang]" {
			t.Errorf("users %v", names)
		}
		stop := errors.New("stop")
		n := 0
		if err := tx.Users(func(*hubstore.User) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("Users went on after an error: %d calls, %v", n, err)
		}
		return nil
	})
	// Replacing keeps one user.
	update(t, s, func(tx hubstore.Tx) error {
		u := *users[1]
		u.Disabled = false
		return tx.PutUser(&u)
	})
	view(t, s, func(tx hubstore.Tx) error {
		u, err := tx.User("admin")
		n := 0
		_ = tx.Users(func(*hubstore.User) error { n++; return nil })
		if err != nil || u.Disabled || n != 2 {
			t.Errorf("replaced user %+v, %v; %d users", u, err, n)
		}
		return nil
	})
}

func testSessions(t *testing.T, s hubstore.Store) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	update(t, s, func(tx hubstore.Tx) error {
		for i, sess := range []*hubstore.Session{
			{Hash: "s1", User: "wang", CreatedAt: at, SeenAt: at, ExpiresAt: at.Add(time.Hour)},
			{Hash: "s2", User: "wang", CreatedAt: at, SeenAt: at, ExpiresAt: at.Add(-time.Hour)},
			{Hash: "s3", User: "li", CreatedAt: at, SeenAt: at, ExpiresAt: at.Add(-time.Minute)},
			{Hash: "s4", User: "li", CreatedAt: at, SeenAt: at, ExpiresAt: at.Add(time.Hour)},
		} {
			if err := tx.PutSession(sess); err != nil {
				return fmt.Errorf("session %d: %w", i, err)
			}
		}
		return nil
	})
	view(t, s, func(tx hubstore.Tx) error {
		sess, err := tx.Session("s1")
		if err != nil || sess.Hash != "s1" || sess.User != "wang" || !sess.ExpiresAt.Equal(at.Add(time.Hour)) || !sess.SeenAt.Equal(at) || !sess.CreatedAt.Equal(at) {
			t.Errorf("session %+v, %v", sess, err)
		}
		_, err = tx.Session("s9")
		notFound(t, "unknown session", err)
		return nil
	})
	update(t, s, func(tx hubstore.Tx) error {
		n, err := tx.DeleteSessions("", at)
		if err != nil || n != 2 {
			t.Errorf("expired sessions removed: %d, %v; want 2", n, err)
		}
		n, err = tx.DeleteSessions("wang", time.Time{})
		if err != nil || n != 1 {
			t.Errorf("wang's sessions removed: %d, %v; want 1", n, err)
		}
		if err := tx.DeleteSession("s4"); err != nil {
			return err
		}
		return tx.DeleteSession("never-there")
	})
	view(t, s, func(tx hubstore.Tx) error {
		for _, h := range []string{"s1", "s2", "s3", "s4"} {
			_, err := tx.Session(h)
			notFound(t, "removed session "+h, err)
		}
		return nil
	})
}

func testAudit(t *testing.T, s hubstore.Store) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	update(t, s, func(tx hubstore.Tx) error {
		for i := 1; i <= 5; i++ {
			seq, err := tx.AppendAudit(&hubstore.AuditEntry{At: at, User: "admin", Action: "review", Target: fmt.Sprint("n", i), Detail: "已发布", Addr: "127.0.0.1"})
			if err != nil {
				return err
			}
			if seq != uint64(i) {
				t.Errorf("audit entry %d got sequence %d", i, seq)
			}
		}
		return nil
	})
	view(t, s, func(tx hubstore.Tx) error {
		var got []string
		collect := func(seq uint64, e *hubstore.AuditEntry) (bool, error) {
			got = append(got, fmt.Sprintf("%d:%s", seq, e.Target))
			return len(got) < 3, nil
		}
		if err := tx.Audit(0, collect); err != nil || fmt.Sprint(got) != "[5:n5 4:n4 3:n3]" {
			t.Errorf("newest audit: %v, %v", got, err)
		}
		got = nil
		if err := tx.Audit(3, collect); err != nil || fmt.Sprint(got) != "[2:n2 1:n1]" {
			t.Errorf("audit before 3: %v, %v", got, err)
		}
		got = nil
		if err := tx.Audit(99, collect); err != nil || fmt.Sprint(got) != "[5:n5 4:n4 3:n3]" {
			t.Errorf("audit before 99: %v, %v", got, err)
		}
		var e *hubstore.AuditEntry
		_ = tx.Audit(2, func(_ uint64, x *hubstore.AuditEntry) (bool, error) { e = x; return false, nil })
		if e == nil || *e != (hubstore.AuditEntry{At: at, User: "admin", Action: "review", Target: "n1", Detail: "已发布", Addr: "127.0.0.1"}) {
			t.Errorf("audit entry 1: %+v", e)
		}
		return nil
	})
	update(t, s, func(tx hubstore.Tx) error {
		seq, err := tx.AppendAudit(&hubstore.AuditEntry{At: at, User: "admin", Action: "login"})
		if seq != 6 {
			t.Errorf("next audit sequence %d, want 6", seq)
		}
		return err
	})
}

// The listings a copy reads: meta, revisions, refusals, anonymous marks,
// region counts.
func testListings(t *testing.T, s hubstore.Store) {
	update(t, s, func(tx hubstore.Tx) error {
		for _, err := range []error{
			tx.SetMeta("schema", []byte("2")), tx.SetMeta("key_check", []byte{0, 1, 0xFF}),
			tx.PutRevision(&hubstore.Revision{Rev: "r2", Kind: "need", ID: "n1", Body: []byte{1}}),
			tx.PutRevision(&hubstore.Revision{Rev: "r1", Kind: "enterprise", ID: "e1", Body: []byte{2}}),
			tx.PutRefusal(&hubstore.Refusal{Rev: "x2", Kind: "need", ID: "n1", Team: "a"}),
			tx.PutRefusal(&hubstore.Refusal{Rev: "x1", Kind: "need", ID: "n1", Team: "a", BaseRev: "r2"}),
			tx.AddRegionCounts(map[string]int{"32": 2, "3205": 1, "11": 1}),
			tx.AddRegionCounts(map[string]int{"11": -1}),
		} {
			if err != nil {
				return err
			}
		}
		for _, id := range []string{"e2", "e1"} {
			if _, err := tx.MarkAnonymous(id); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx hubstore.Tx) error {
		var got []string
		add := func(f string, a ...any) { got = append(got, fmt.Sprintf(f, a...)) }
		if err := tx.Metas(func(k string, v []byte) error { add("%s=%x", k, v); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := tx.Revisions(func(r *hubstore.Revision) error { add("%s:%s/%s:%x", r.Rev, r.Kind, r.ID, r.Body); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := tx.Refusals(func(r *hubstore.Refusal) error { add("%s<%s", r.Rev, r.BaseRev); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := tx.AnonymousMarks(func(id string) error { add("anon %s", id); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := tx.RegionCounts(func(p string, n int) error { add("%s:%d", p, n); return nil }); err != nil {
			t.Fatal(err)
		}
		want := "[key_check=0001ff schema=32 r1:enterprise/e1:02 r2:need/n1:01 x1<r2 x2< anon e1 anon e2 32:2 3205:1]"
		if fmt.Sprint(got) != want {
			t.Errorf("listings\n got %v\nwant %v", got, want)
		}
		return nil
	})
}
