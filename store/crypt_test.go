package store

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/keys"
)

// secrets are the strings a stolen data file must not reveal: enterprise
// names, a contact's name, phone and e-mail, need text, credit codes (as
// entered and normalised), an address, visit and follow-up notes, the
// official's name, a platform rejection reason.
var secrets = []string{
	"苏州琰珖微纳光电有限公司", "琰珖", "昆山翀霁精密模具有限公司", "翀霁",
	"鞠晓燕", "13912345678", "juxy@yanguang.example", "15850011223", "阚志远",
	"石墨烯散热膜卷对卷连续化制备工艺", "间歇式烧结导致膜厚不均", "卷对卷高温石墨化",
	"91320594MA1Y7QXE3K", "91320583MA20K8LW6P", "星湖街328号",
	"参观琰珖洁净车间", "东南大学苏州研究院", "钱审计员", "注塑模具随形冷却水路增材制造",
	"过短",
}

// fillSecrets writes every kind of value the store keeps, holding secrets.
func fillSecrets(t *testing.T, s *Store) {
	t.Helper()
	set := DefaultSettings()
	set.User = "钱审计员"
	if err := s.SaveSettings(bg, set); err != nil {
		t.Fatal(err)
	}
	e := newEnterprise("苏州琰珖微纳光电有限公司", "91320594-ma1y7qxe3k", "320594")
	e.Values.Set("address", "苏州工业园区星湖街328号创意产业园")
	e.Contacts = []forms.Contact{{Values: forms.Values{"contact_name": {"鞠晓燕"}, "contact_mobile": {"13912345678"}, "contact_email": {"juxy@yanguang.example"}}}}
	mustSaveEnterprise(t, s, e)
	e2 := newEnterprise("昆山翀霁精密模具有限公司", "91320583MA20K8LW6P", "320583")
	e2.Contacts = []forms.Contact{{Values: forms.Values{"contact_name": {"阚志远"}, "contact_mobile": {"15850011223"}}}}
	mustSaveEnterprise(t, s, e2)
	n := newNeed(e.ID, "石墨烯散热膜卷对卷连续化制备工艺")
	n.Values.Set("problem", "现有间歇式烧结导致膜厚不均，良品率仅六成二。")
	n.Values.Set("key_technology", "卷对卷高温石墨化与在线测厚")
	n.Status = forms.StatusToConfirm
	if err := forms.Default().Confirm(n, e, forms.Confirmation{Values: forms.Values{"confirmer_name": {"鞠晓燕"}}, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	mustSaveNeed(t, s, n)
	// Editing confirmed content writes an audit entry with the title.
	n.Values.Set("budget_wan", "181")
	mustSaveNeed(t, s, n)
	n2 := mustSaveNeed(t, s, newNeed(e2.ID, "注塑模具随形冷却水路增材制造"))
	if err := s.SaveVisit(bg, &forms.Visit{EnterpriseID: e.ID, Date: "2026-01-05", Who: "钱审计员", Notes: "参观琰珖洁净车间"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFollowUp(bg, &forms.FollowUp{NeedID: n.ID, Kind: forms.FollowUpIntent, Date: "2026-01-20", Partner: "东南大学苏州研究院"}); err != nil {
		t.Fatal(err)
	}
	err := s.Update(bg, func(tx *Tx) error {
		return tx.SetMeta("sync.registry.91320583MA20K8LW6P", []byte(`{"name":"昆山翀霁精密模具有限公司"}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	box, _ := s.Outbox(bg, 0)
	for _, b := range box {
		if b.ID == n2.ID {
			if err := s.QuarantineOutbox(bg, b.Seq, []Reason{{Message: "需求名称“注塑模具随形冷却水路增材制造”过短"}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Audit(bg, AuditExport, "琰珖 需求汇编.xlsx"); err != nil {
		t.Fatal(err)
	}
}

// leaks returns the secrets found in the bytes of a file, as UTF-8.
func leaks(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, sec := range secrets {
		if bytes.Contains(raw, []byte(sec)) {
			found = append(found, sec)
		}
	}
	return found
}

// leaksInDir returns the secrets found in any file under dir.
func leaksInDir(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if l := leaks(t, p); len(l) > 0 {
			out[p] = l
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRawFileRevealsNothing is the proof the issue asks for: a data file,
// its backups and its daily backup, read as bytes, hold none of the names,
// phone numbers, need text or credit codes stored in them. The same store
// unencrypted shows them all, so the search does find what is there.
func TestRawFileRevealsNothing(t *testing.T) {
	for _, encrypted := range []bool{false, true} {
		name := map[bool]string{false: "unencrypted control", true: "encrypted"}[encrypted]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			opts := Options{}
			if encrypted {
				opts = testOpts()
			}
			s, err := Open(bg, dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			fillSecrets(t, s)
			if err := s.Check(bg); err != nil {
				t.Fatal(err)
			}
			backup := filepath.Join(t.TempDir(), "hot-copy.db")
			if err := s.Backup(bg, backup); err != nil {
				t.Fatal(err)
			}
			r, err := s.DailyBackup(bg, 3)
			daily := r.Path
			if err != nil {
				t.Fatal(err)
			}
			// Still searchable through the store.
			if l, _ := s.Needs(bg, Query{Text: "琰珖"}); len(l) != 1 {
				t.Errorf("search for the enterprise's name: %d needs", len(l))
			}
			if e, err := s.EnterpriseByCreditCode(bg, "91320594MA1Y7QXE3K"); err != nil || e.Contacts[0].Values.Get("contact_mobile") != "13912345678" {
				t.Errorf("by credit code: %v, %v", e, err)
			}
			s.Close()
			for _, f := range []string{filepath.Join(dir, FileName), backup, daily} {
				l := leaks(t, f)
				if encrypted && len(l) > 0 {
					t.Errorf("%s reveals %q", filepath.Base(f), l)
				}
				if !encrypted && len(l) < len(secrets)-2 {
					t.Errorf("control: %s shows only %q; the grep finds too little to prove anything", filepath.Base(f), l)
				}
			}
		})
	}
}

func gunzipFixture(t *testing.T, name, dst string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestEncryptSchema1Fixture migrates a data dir written by the store of
// schema 1 (testdata/schema1.db.gz, made by testdata/mkschema1 with that
// code) in place: backup first, schema 2, every value sealed, the indexes
// hashed, nothing lost, and no file left in the data dir that reveals a
// secret — the pre-migration backup is sealed and the plain one wiped.
func TestEncryptSchema1Fixture(t *testing.T) {
	dir := t.TempDir()
	gunzipFixture(t, "schema1.db.gz", filepath.Join(dir, FileName))
	if l := leaks(t, filepath.Join(dir, FileName)); len(l) < 10 {
		t.Fatalf("the fixture shows only %q: not the file it should be", l)
	}
	kr := &MemoryKeyring{}
	opts := Options{Key: KeySource{Keyring: kr, Passphrase: "芝麻开门 open sesame"}, argon2: cheapArgon2}
	s, err := Open(bg, dir, opts)
	if err != nil {
		t.Fatalf("Open schema 1 with a key: %v", err)
	}
	if err := s.Check(bg); err != nil {
		t.Fatalf("Check after encrypting: %v", err)
	}
	if !s.Encrypted() || !s.HasPassphrase() || kr.Len() != 2 { // the dir's account and the key's id
		t.Errorf("encrypted %t, passphrase %t, keyring holds %d keys", s.Encrypted(), s.HasPassphrase(), kr.Len())
	}
	checkFixtureData(t, s)
	log, err := s.AuditLog(bg, AuditQuery{})
	if err != nil || len(log) != 1 || log[0].Kind != AuditEncrypt || log[0].User != "钱审计员" {
		t.Errorf("audit log after encrypting: %+v, %v", log, err)
	}
	s.Close()

	if found := leaksInDir(t, dir); len(found) > 0 {
		t.Errorf("files in the data dir reveal secrets: %v", found)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sealed, _ := filepath.Glob(filepath.Join(dir, FileName+".schema1-*.bak"+sealedSuffix))
	if len(sealed) != 1 || len(entries) != 2 {
		t.Fatalf("data dir holds %v, want the data file and one sealed backup", names)
	}
	// The sealed backup is the schema 1 file (as bbolt's WriteTo copies
	// it), for the key: unsealed, it opens and migrates again.
	elsewhere := t.TempDir()
	out := filepath.Join(elsewhere, FileName)
	k := &keyer{src: KeySource{Passphrase: "芝麻开门 open sesame"}, account: "elsewhere"}
	if err := unsealFile(out, sealed[0], k); err != nil {
		t.Fatal(err)
	}
	if l := leaks(t, out); len(l) < 10 {
		t.Errorf("the unsealed backup shows only %q: not the schema 1 file", l)
	}
	if old, err := Open(bg, elsewhere, testOpts()); err != nil {
		t.Error(err)
	} else {
		checkFixtureData(t, old)
		old.Close()
	}
	k.src.Passphrase = "wrong"
	if err := unsealFile(filepath.Join(t.TempDir(), "x.db"), sealed[0], k); !errors.Is(err, ErrWrongKey) {
		t.Errorf("unseal with a wrong passphrase = %v", err)
	}

	// Each source alone opens it; no key, a wrong passphrase do not; and a
	// second open does not migrate again.
	for _, tc := range []struct {
		name string
		key  KeySource
		want error
	}{
		{"keyring", KeySource{Keyring: kr}, nil},
		{"passphrase", KeySource{Passphrase: "芝麻开门 open sesame"}, nil},
		{"passphrase, no keyring", KeySource{Keyring: &MemoryKeyring{Broken: true}, Passphrase: "芝麻开门 open sesame"}, nil},
		{"wrong passphrase", KeySource{Passphrase: "芝麻开门"}, ErrWrongKey},
		{"empty keyring", KeySource{Keyring: &MemoryKeyring{}}, ErrLocked},
		{"no key", KeySource{}, ErrLocked},
		{"raw key", KeySource{Raw: testKey}, ErrWrongKey},
	} {
		s, err := Open(bg, dir, Options{Key: tc.key})
		if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
			t.Errorf("%s: Open = %v, want %v", tc.name, err, tc.want)
		}
		if err == nil {
			checkFixtureData(t, s)
			s.Close()
		}
	}
	if after, _ := os.ReadDir(dir); len(after) != 2 {
		t.Errorf("reopening changed the data dir: %d files", len(after))
	}
}

// checkFixtureData checks that everything testdata/mkschema1 wrote is there.
func checkFixtureData(t *testing.T, s *Store) {
	t.Helper()
	e, err := s.EnterpriseByCreditCode(bg, "91320594ma1y7qxe3k")
	if err != nil || e.Name() != "苏州琰珖微纳光电有限公司" || e.Contacts[0].Values.Get("contact_mobile") != "13912345678" {
		t.Fatalf("enterprise by credit code: %+v, %v", e, err)
	}
	if _, err := s.EnterpriseByCreditCode(bg, "91320583MA20K8LW6P"); err != nil {
		t.Error(err)
	}
	l, _ := s.Needs(bg, Query{})
	if len(l) != 2 {
		t.Fatalf("%d needs", len(l))
	}
	byTitle := map[string]*Summary{}
	for _, x := range l {
		byTitle[x.Title] = x
	}
	confirmed := byTitle["石墨烯散热膜卷对卷连续化制备工艺"]
	if !confirmed.Confirmed || confirmed.EnterpriseName != "苏州琰珖微纳光电有限公司" || confirmed.Region != "320594" {
		t.Errorf("confirmed need's summary: %+v", confirmed)
	}
	if found, _ := s.Needs(bg, Query{Text: "翀霁 注塑"}); len(found) != 1 {
		t.Errorf("search: %d", len(found))
	}
	n, err := s.Need(bg, confirmed.ID)
	if err != nil || n.Confirmation == nil || !forms.Default().ConfirmationCurrent(n, e) || string(n.Confirmation.Signature) != "\x89PNG fake signature" {
		t.Errorf("confirmed need: %v", err)
	}
	draft := byTitle["注塑模具随形冷却水路增材制造"]
	if revs, err := s.NeedRevisions(bg, draft.ID); err != nil || len(revs) != 2 || revs[1].BaseRev != revs[0].Rev {
		t.Errorf("revisions: %d, %v", len(revs), err)
	}
	if v, _ := s.Visits(bg, e.ID); len(v) != 1 || v[0].Notes != "参观琰珖洁净车间，鞠总介绍散热膜产线" {
		t.Errorf("visits: %+v", v)
	}
	if f, _ := s.FollowUps(bg, confirmed.ID); len(f) != 1 || f[0].Partner != "东南大学苏州研究院" {
		t.Errorf("follow-ups: %+v", f)
	}
	box, _ := s.Outbox(bg, 0)
	q, _ := s.QuarantinedOutbox(bg)
	// One entry per record (schema 3): the draft's first revision, queued
	// before its refused second one, is superseded by it; the confirmed
	// need's entry carries the revision with the official tech field code
	// (schema 5).
	if len(box) != 3 || len(q) != 1 || box[0].Attempts != 1 || box[0].LastError != "连接超时" || q[0].BaseRev != "" ||
		q[0].Reasons[0].Message != "需求名称“注塑模具随形冷却水路增材制造”过短" || !bytes.Contains(q[0].Body, []byte("注塑模具")) {
		t.Errorf("outbox: %d pending, %d quarantined", len(box), len(q))
	}
	if set, _ := s.Settings(bg); set.User != "钱审计员" || set.Team != "苏州科技镇长团" {
		t.Errorf("settings: %+v", set)
	}
	_ = s.View(bg, func(tx *Tx) error {
		if c := string(tx.Meta("sync.cursor")); c != "c-000042" {
			t.Errorf("sync cursor %q", c)
		}
		if r := tx.Meta("sync.registry.91320583MA20K8LW6P"); !bytes.Contains(r, []byte("翀霁")) {
			t.Errorf("registry entry %q", r)
		}
		if v := string(tx.Meta("schema")); v != strconv.Itoa(schemaVersion) {
			t.Errorf("schema %q", v)
		}
		return nil
	})
}

// TestSchema1WithoutKeyThenKey: an old data dir opened by a program that
// gives no key (the window before it asks for one) is migrated and stays
// readable; the first open with a key encrypts it.
func TestSchema1WithoutKeyThenKey(t *testing.T) {
	dir := t.TempDir()
	gunzipFixture(t, "schema1.db.gz", filepath.Join(dir, FileName))
	s, err := Open(bg, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(bg); err != nil {
		t.Fatal(err)
	}
	checkFixtureData(t, s)
	s.Close()
	s, err = Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureData(t, s)
	if err := s.Check(bg); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if found := leaksInDir(t, dir); len(found) > 0 {
		t.Errorf("files reveal secrets: %v", found)
	}
	// Two sealed backups: the schema 1 copy and the unencrypted schema 2 one.
	if sealed, _ := filepath.Glob(filepath.Join(dir, "*"+sealedSuffix)); len(sealed) != 2 {
		t.Errorf("sealed backups: %v", sealed)
	}
}

func TestKeySources(t *testing.T) {
	const pass = "长江后浪推前浪"
	open := func(dir string, key KeySource) (*Store, error) {
		return Open(bg, dir, Options{Key: key, argon2: cheapArgon2})
	}
	reopen := func(t *testing.T, dir string, key KeySource, want error) {
		t.Helper()
		s, err := open(dir, key)
		if !errors.Is(err, want) || (err == nil) != (want == nil) {
			t.Errorf("Open = %v, want %v", err, want)
		}
		if err == nil {
			if _, err := s.FindEnterprises(bg, "甲", 0); err != nil {
				t.Error(err)
			}
			s.Close()
		}
	}
	create := func(t *testing.T, key KeySource) string {
		t.Helper()
		dir := t.TempDir()
		s, err := open(dir, key)
		if err != nil {
			t.Fatal(err)
		}
		mustSaveEnterprise(t, s, newEnterprise("甲公司", "91320500AAAAAAAA1A", "320500"))
		s.Close()
		return dir
	}

	t.Run("keyring makes and keeps a new key", func(t *testing.T) {
		kr := &MemoryKeyring{}
		dir := create(t, KeySource{Keyring: kr})
		v, err := kr.Get(keys.Service, keyringAccount(dir))
		if err != nil || decodeKey(v) == nil {
			t.Fatalf("keyring holds %q, %v", v, err)
		}
		reopen(t, dir, KeySource{Keyring: kr}, nil)
		reopen(t, dir, KeySource{}, ErrLocked)
		reopen(t, dir, KeySource{Keyring: &MemoryKeyring{}}, ErrLocked)
		// A data dir moved elsewhere still finds its key, by its id.
		moved := filepath.Join(t.TempDir(), "moved")
		if err := os.Rename(dir, moved); err != nil {
			t.Fatal(err)
		}
		dir = moved
		reopen(t, dir, KeySource{Keyring: kr}, nil)
		reopen(t, dir, KeySource{Passphrase: pass}, ErrWrongKey) // it has no passphrase
		if st, _ := Inspect(bg, dir, kr); st != KeyReady {
			t.Errorf("Inspect = %v", st)
		}
		if st, _ := Inspect(bg, dir, &MemoryKeyring{Broken: true}); st != KeyUnavailable {
			t.Errorf("Inspect without keyring = %v", st)
		}
	})
	t.Run("no keyring, no passphrase", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := open(dir, KeySource{Keyring: &MemoryKeyring{Broken: true}}); !errors.Is(err, ErrNoKeySource) {
			t.Errorf("Open = %v, want ErrNoKeySource", err)
		}
		if need, err := NeedsPassphrase(bg, dir, &MemoryKeyring{Broken: true}); !need || err != nil {
			t.Errorf("NeedsPassphrase = %t, %v", need, err)
		}
		if st, _ := Inspect(bg, dir, &MemoryKeyring{Broken: true}); st != KeyNewPassphrase {
			t.Errorf("Inspect = %v", st)
		}
		if st, _ := Inspect(bg, t.TempDir(), &MemoryKeyring{}); st != KeyReady {
			t.Errorf("Inspect of a new dir with a keyring = %v", st)
		}
	})
	t.Run("passphrase where there is no keyring", func(t *testing.T) {
		broken := &MemoryKeyring{Broken: true}
		dir := create(t, KeySource{Keyring: broken, Passphrase: pass})
		reopen(t, dir, KeySource{Keyring: broken, Passphrase: pass}, nil)
		reopen(t, dir, KeySource{Passphrase: pass + " "}, ErrWrongKey)
		reopen(t, dir, KeySource{Keyring: broken}, ErrLocked)
		if st, _ := Inspect(bg, dir, broken); st != KeyPassphrase {
			t.Errorf("Inspect = %v", st)
		}
		// On a computer with a keyring the passphrase opens it once, and the
		// keyring remembers the key.
		kr := &MemoryKeyring{}
		reopen(t, dir, KeySource{Keyring: kr, Passphrase: pass}, nil)
		reopen(t, dir, KeySource{Keyring: kr}, nil)
	})
	t.Run("a keyring holding another key keeps it", func(t *testing.T) {
		kr := &MemoryKeyring{}
		dir := create(t, KeySource{Keyring: &MemoryKeyring{Broken: true}, Passphrase: pass})
		other := keys.Random(keys.Size)
		kr.Set(keys.Service, keyringAccount(dir), encodeKey(other))
		reopen(t, dir, KeySource{Keyring: kr, Passphrase: pass}, nil)
		if v, err := kr.Get(keys.Service, keyIDAccount(keyIDOf(other))); err != nil || !bytes.Equal(decodeKey(v), other) {
			t.Errorf("the other key was not kept: %v", err)
		}
		reopen(t, dir, KeySource{Keyring: kr}, nil)
	})
	t.Run("raw key", func(t *testing.T) {
		dir := create(t, KeySource{Raw: testKey})
		reopen(t, dir, KeySource{Raw: bytes.Repeat([]byte{1}, keys.Size)}, ErrWrongKey)
		reopen(t, dir, KeySource{Raw: []byte("short")}, ErrWrongKey)
		reopen(t, dir, KeySource{Raw: testKey}, nil)
	})
	t.Run("set, check and remove the passphrase", func(t *testing.T) {
		kr := &MemoryKeyring{}
		dir := create(t, KeySource{Keyring: kr})
		s, err := open(dir, KeySource{Keyring: kr})
		if err != nil {
			t.Fatal(err)
		}
		if s.HasPassphrase() || !errors.Is(s.CheckPassphrase(pass), ErrInvalid) {
			t.Error("a passphrase before one was set")
		}
		if err := s.SetPassphrase(bg, pass); err != nil {
			t.Fatal(err)
		}
		if !s.HasPassphrase() || s.CheckPassphrase(pass) != nil || !errors.Is(s.CheckPassphrase("x"), ErrWrongKey) {
			t.Error("after SetPassphrase")
		}
		s.Close()
		reopen(t, dir, KeySource{Passphrase: pass}, nil)
		s, _ = open(dir, KeySource{Passphrase: pass})
		if err := s.SetPassphrase(bg, ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("removing the only way in = %v", err)
		}
		s.Close()
		s, _ = open(dir, KeySource{Keyring: kr})
		if err := s.SetPassphrase(bg, ""); err != nil {
			t.Errorf("removing the passphrase while the keyring holds the key = %v", err)
		}
		if log, _ := s.AuditLog(bg, AuditQuery{Kind: AuditPassphrase}); len(log) != 2 {
			t.Errorf("audit: %+v", log)
		}
		s.Close()
		reopen(t, dir, KeySource{Passphrase: pass}, ErrWrongKey)
	})
	t.Run("read-only", func(t *testing.T) {
		kr := &MemoryKeyring{}
		dir := create(t, KeySource{Keyring: kr})
		s, err := Open(bg, dir, Options{Key: KeySource{Keyring: kr}, ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		plain := t.TempDir()
		s, _ = Open(bg, plain, Options{})
		s.Close()
		if _, err := Open(bg, plain, Options{Key: KeySource{Keyring: kr}, ReadOnly: true}); !errors.Is(err, ErrReadOnly) {
			t.Errorf("read-only open of an unencrypted file with a key = %v", err)
		}
	})
}

// TestSealedValuesStayPut: a sealed value copied to another key (an
// attacker swapping two needs' summaries in the file) no longer opens.
func TestSealedValuesStayPut(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(bg, dir, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	e := mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	a := mustSaveNeed(t, s, newNeed(e.ID, "需求甲"))
	b := mustSaveNeed(t, s, newNeed(e.ID, "需求乙"))
	s.Close()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(btx *bolt.Tx) error {
		sum := btx.Bucket(needSummariesBucket)
		return sum.Put([]byte(b.ID), bytes.Clone(sum.Get([]byte(a.ID))))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bg, dir, testOpts()); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open with a swapped summary = %v, want ErrCorrupt", err)
	}
}

func TestSealedFileRejectsTampering(t *testing.T) {
	s, dir := openTest(t)
	mustSaveEnterprise(t, s, newEnterprise("甲公司", "", "320500"))
	src := filepath.Join(dir, "plain.bin")
	if err := os.WriteFile(src, bytes.Repeat([]byte("琰珖"), 50_000), 0o600); err != nil {
		t.Fatal(err)
	}
	sealed := src + sealedSuffix
	if err := s.sealFile(src, sealed); err != nil {
		t.Fatal(err)
	}
	if l := leaks(t, sealed); len(l) > 0 {
		t.Errorf("sealed file reveals %q", l)
	}
	raw, _ := os.ReadFile(sealed)
	k := &keyer{src: KeySource{Raw: testKey}}
	for name, bad := range map[string][]byte{
		"flipped byte": func() []byte { b := bytes.Clone(raw); b[len(b)/2] ^= 1; return b }(),
		"cut short":    raw[:len(raw)-200_000],
		"last cut off": raw[:len(raw)-100],
	} {
		p := filepath.Join(t.TempDir(), "bad.sealed")
		os.WriteFile(p, bad, 0o600)
		if err := unsealFile(filepath.Join(t.TempDir(), "out"), p, k); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := unsealFile(out, sealed, k); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, bytes.Repeat([]byte("琰珖"), 50_000)) {
		t.Error("round trip")
	}
	if !strings.HasSuffix(sealed, sealedSuffix) {
		t.Fatal(sealed)
	}
}

// A crypt record of a later version is a newer xunbang's; one of this
// version that names another cipher, or of no version, is damage (a byte
// flipped in the data file), not a reason to upgrade.
func TestCryptRecordNewerOrDamaged(t *testing.T) {
	for _, tc := range []struct {
		rec  string
		want error
	}{
		{`{"v":2,"cipher":"aes-siv"}`, ErrNewerSchema},
		{`{"v":1,"cipher":"xcha9ha20poly1305"}`, ErrCorrupt},
		{`{"v":0,"cipher":"xchacha20poly1305"}`, ErrCorrupt},
		{`{"v":1,`, ErrCorrupt},
	} {
		if _, err := parseCryptRecord([]byte(tc.rec)); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.rec, err, tc.want)
		}
	}
	if _, err := parseCryptRecord([]byte(`{"v":1,"cipher":"` + cipherName + `"}`)); err != nil {
		t.Errorf("this version's record: %v", err)
	}
}
