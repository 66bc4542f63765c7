package store

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/xunbang/xunbang/internal/keys"
)

// Encryption at rest.
//
// Every value that holds content — revisions, summaries, outbox entries,
// visits, follow-ups, the audit log, settings and callers' meta values — is
// sealed with XChaCha20-Poly1305 (a random 192-bit nonce per value) under
// the associated data bucket ‖ 0x00 ‖ key, so a value moved to another key
// or bucket no longer opens. Keys stay plaintext ids, sequence numbers and
// times, so the store still works by key; the two kinds of key that would
// carry content are hashed with HMAC-SHA256 under a key of their own: the
// credit code of enterprise_by_code, and callers' meta keys (the sync keeps
// the platform's enterprise registry by credit code).
//
// One random 256-bit data key (the DEK) protects a data dir. Sub-keys for
// values, index hashes, the key id and sealed backups are derived from it
// with HKDF. The DEK itself is never in the file: it is in the OS keyring
// (service "xunbang", account the data dir's absolute path, and a second
// entry "data-key-<key id>" that finds it wherever the dir or a backup
// goes), and/or wrapped
// (sealed) with a key derived from a passphrase with Argon2id, whose salt,
// parameters and wrapped DEK are in meta/crypt beside a key check (a known
// value sealed with the DEK's value key) and the key id.
//
// A store opened with no KeySource stays (or is created) unencrypted: this
// is for tests of other packages and for tools; the CLI and the window
// always pass one. Values are then stored as they are and the hashes use a
// fixed public key, so the layout is the same and opening the dir later
// with a key encrypts it (see encryptFile).

// PassphraseEnv is the environment variable that carries the passphrase for
// scripts, CI and machines without a keyring. The store never reads it
// itself; DefaultKeySource does, for the CLI and the window.
const PassphraseEnv = "XUNBANG_PASSPHRASE"

// Keyring keeps the data key in the OS keyring; see SystemKeyring.
type Keyring = keys.Keyring

// MemoryKeyring is a keyring in memory, for tests (the zero value is ready;
// set Broken to act as a machine without a keyring).
type MemoryKeyring = keys.Memory

// SystemKeyring returns the OS keyring (macOS Keychain, Windows Credential
// Manager, the Secret Service on Linux), whose calls give up after 5 s.
func SystemKeyring() Keyring { return keys.System{} }

// KeySource says where the data key comes from. Open tries them in this
// order: Raw, Keyring, Passphrase. The zero value means no encryption.
type KeySource struct {
	// Keyring holds the data key under service "xunbang", account the data
	// dir's absolute path (and "data-key-<key id>"). For a new data dir
	// Open makes a random key and stores it there (when the keyring works).
	Keyring Keyring
	// Passphrase unlocks the data key (Argon2id); for a new data dir, or one
	// being encrypted, the key is also wrapped with it, so that the data
	// (and its backups) open where the keyring is not.
	Passphrase string
	// Raw is the data key itself, 32 bytes: for tests and tools.
	Raw []byte
}

func (k KeySource) zero() bool { return k.Keyring == nil && k.Passphrase == "" && k.Raw == nil }

// DefaultKeySource is what the CLI and the window use: the OS keyring, and
// the passphrase in XUNBANG_PASSPHRASE if set (getenv nil means os.Getenv is
// not consulted).
func DefaultKeySource(getenv func(string) string) KeySource {
	k := KeySource{Keyring: SystemKeyring()}
	if getenv != nil {
		k.Passphrase = getenv(PassphraseEnv)
	}
	return k
}

var (
	// ErrNoKeySource is returned by Open for a data dir to be created or
	// encrypted when there is no key to encrypt it with: no usable keyring
	// and no passphrase. The window asks the user to choose a passphrase;
	// the CLI says to set XUNBANG_PASSPHRASE.
	ErrNoKeySource = errors.New("没有可用的系统钥匙串，也没有设置口令 / no usable OS keyring and no passphrase to encrypt the data with")
	// ErrLocked is returned by Open for an encrypted data dir whose key is
	// neither in the keyring nor given: the passphrase is needed.
	ErrLocked = errors.New("数据已加密，需要口令才能打开 / the data is encrypted: its passphrase is needed")
	// ErrWrongKey is returned for a passphrase or key that does not unlock
	// the data (Open, Restore, CheckPassphrase).
	ErrWrongKey = errors.New("口令不对，无法解开数据 / the passphrase does not unlock the data")
)

const (
	purposeValues   = "xunbang/v1/values"
	purposeIndex    = "xunbang/v1/index"
	purposeKeyID    = "xunbang/v1/key-id"
	purposeFile     = "xunbang/v1/sealed-file"
	cipherName      = "xchacha20poly1305"
	keyCheckText    = "xunbang key check v1"
	wrapAD          = "xunbang/v1/wrapped-data-key"
	codeHashLen     = 16 // bytes of HMAC kept in an index key (hex: 32 characters)
	metaHashPrefix  = 0xFF
	cryptRecVersion = 1
)

// metaCryptKey is the key of the crypt record in meta.
var metaCryptKey = []byte("crypt")

// crypt seals and opens values, and hashes index keys, with one data key;
// or, with box nil, leaves values as they are (an unencrypted store).
type crypt struct {
	box   *keys.Box
	index []byte // HMAC key of index hashes
	file  *keys.Box
	dek   []byte
	keyID string
}

// plainCrypt is the crypt of an unencrypted store: its index key is derived
// from a key of zeros, known to all.
var plainCrypt = &crypt{index: keys.Derive(make([]byte, keys.Size), purposeIndex)}

func newCrypt(dek []byte) (*crypt, error) {
	if len(dek) != keys.Size {
		return nil, fmt.Errorf("data key of %d bytes, want %d: %w", len(dek), keys.Size, ErrWrongKey)
	}
	box, err := keys.NewBox(keys.Derive(dek, purposeValues))
	if err != nil {
		return nil, err
	}
	file, err := keys.NewBox(keys.Derive(dek, purposeFile))
	if err != nil {
		return nil, err
	}
	return &crypt{box: box, file: file, index: keys.Derive(dek, purposeIndex), dek: bytes.Clone(dek), keyID: keyIDOf(dek)}, nil
}

// keyIDOf returns a data key's public fingerprint: it tells keys apart and
// reveals nothing of them.
func keyIDOf(dek []byte) string { return hex.EncodeToString(keys.Derive(dek, purposeKeyID)[:8]) }

func (c *crypt) encrypted() bool { return c.box != nil }

// valueAD is the associated data of a value: bucket ‖ 0x00 ‖ key.
func valueAD(bucket, key []byte) []byte {
	ad := make([]byte, 0, len(bucket)+1+len(key))
	ad = append(ad, bucket...)
	ad = append(ad, 0)
	return append(ad, key...)
}

// seal returns what to store for a value: sealed, or plain itself in an
// unencrypted store.
func (c *crypt) seal(bucket, key, plain []byte) []byte {
	if c.box == nil {
		return plain
	}
	return c.box.Seal(plain, valueAD(bucket, key))
}

// sealsApart reports whether seal returns a new buffer (an encrypted
// store), not the plain bytes it was given.
func (c *crypt) sealsApart() bool { return c.box != nil }

// open returns the plain bytes of a stored value. In an unencrypted store
// that is v itself, valid only inside its transaction; callers copy what
// they keep, as for any bbolt value.
func (c *crypt) open(bucket, key, v []byte) ([]byte, error) {
	if c.box == nil {
		return v, nil
	}
	p, err := c.box.Open(v, valueAD(bucket, key))
	if err != nil {
		return nil, fmt.Errorf("%s %q: %v: %w", bucket, key, err, ErrCorrupt)
	}
	return p, nil
}

// openAppend appends the plain bytes of a stored value to dst (a copy, in
// an unencrypted store too).
func (c *crypt) openAppend(dst, bucket, key, v []byte) ([]byte, error) {
	if c.box == nil {
		return append(dst, v...), nil
	}
	// OpenAppend allocates exactly what it needs when dst is short: grow
	// dst here, the amortised way, or appending row after row is quadratic.
	dst = slices.Grow(dst, len(v))
	p, err := c.box.OpenAppend(dst, v, valueAD(bucket, key))
	if err != nil {
		return dst, fmt.Errorf("%s %q: %v: %w", bucket, key, err, ErrCorrupt)
	}
	return p, nil
}

// opener opens many values in a row into one reused buffer (Open's loading
// of the need list): each result is valid until the next call.
type opener struct {
	c       *crypt
	ad, buf []byte
}

func (o *opener) open(bucket, key, v []byte) ([]byte, error) {
	if o.c.box == nil {
		return v, nil
	}
	o.ad = append(append(append(o.ad[:0], bucket...), 0), key...)
	p, err := o.c.box.OpenAppend(o.buf[:0], v, o.ad)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %v: %w", bucket, key, err, ErrCorrupt)
	}
	o.buf = p
	return p, nil
}

// codeKey returns what enterprise_by_code keeps of a normalised credit code:
// 32 hex characters of its HMAC.
func (c *crypt) codeKey(code string) string {
	return hex.EncodeToString(keys.MAC(c.index, []byte("credit_code\x00"), []byte(code))[:codeHashLen])
}

// metaKey returns the stored key of a caller's meta key: 0xFF, then 32 hex
// characters of its HMAC. (The store's own keys are plain ASCII names.)
func (c *crypt) metaKey(key string) []byte {
	h := keys.MAC(c.index, []byte("meta\x00"), []byte(key))[:codeHashLen]
	out := make([]byte, 1, 1+2*codeHashLen)
	out[0] = metaHashPrefix
	return hex.AppendEncode(out, h)
}

func isHashedMetaKey(k []byte) bool { return len(k) == 1+2*codeHashLen && k[0] == metaHashPrefix }

// A caller's meta value is stored (before sealing) with the caller's key in
// front — uvarint length, key, value — so that the key can be hashed anew
// when the data key changes.
func encodeMetaValue(key string, val []byte) []byte {
	b := make([]byte, 0, binary.MaxVarintLen64+len(key)+len(val))
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	return append(b, val...)
}

func decodeMetaValue(b []byte) (key string, val []byte, err error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || uint64(len(b)-w) < n {
		return "", nil, fmt.Errorf("meta value: bad key length: %w", ErrCorrupt)
	}
	return string(b[w : w+int(n)]), b[w+int(n):], nil
}

// cryptRecord is meta/crypt: how the data is encrypted and what unlocks it.
// It is stored as JSON, in the clear: nothing in it is secret.
type cryptRecord struct {
	Version int    `json:"v"`
	Cipher  string `json:"cipher"`
	// KeyID is the data key's fingerprint (keyIDOf).
	KeyID string `json:"key_id"`
	// Check is keyCheckText sealed with the data key's value key, under
	// the associated data "meta" 0x00 "crypt": only the right key opens it.
	Check []byte `json:"check"`
	// Passphrase, when set, unlocks the data key.
	Passphrase *passphraseWrap `json:"passphrase,omitempty"`
	// Keyring reports that the data key was stored in the OS keyring of the
	// machine that encrypted the data.
	Keyring bool      `json:"keyring,omitempty"`
	Created time.Time `json:"created"`
}

// passphraseWrap is the data key sealed with a key derived from a
// passphrase.
type passphraseWrap struct {
	KDF    string      `json:"kdf"` // "argon2id"
	Params keys.Argon2 `json:"params"`
	Salt   []byte      `json:"salt"`
	Key    []byte      `json:"key"` // the data key, sealed under wrapAD
}

func (c *crypt) newRecord(now time.Time) *cryptRecord {
	return &cryptRecord{
		Version: cryptRecVersion, Cipher: cipherName, KeyID: c.keyID,
		Check: c.box.Seal([]byte(keyCheckText), valueAD(metaBucket, metaCryptKey)), Created: now.UTC(),
	}
}

// verify reports whether c's data key is the one rec was made with.
func (c *crypt) verify(rec *cryptRecord) bool {
	if c.keyID != rec.KeyID {
		return false
	}
	p, err := c.box.Open(rec.Check, valueAD(metaBucket, metaCryptKey))
	return err == nil && string(p) == keyCheckText
}

// wrap seals the data key with a passphrase, under a new salt.
func (c *crypt) wrap(passphrase string, params keys.Argon2) (*passphraseWrap, error) {
	salt := keys.Random(16)
	kek, err := keys.NewBox(keys.FromPassphrase(passphrase, salt, params))
	if err != nil {
		return nil, err
	}
	return &passphraseWrap{KDF: "argon2id", Params: params, Salt: salt, Key: kek.Seal(c.dek, []byte(wrapAD))}, nil
}

// unwrap returns the data key a passphrase unlocks, or ErrWrongKey.
func (w *passphraseWrap) unwrap(passphrase string) ([]byte, error) {
	if w.KDF != "argon2id" || !w.Params.Valid() || len(w.Salt) < 8 {
		return nil, fmt.Errorf("passphrase record (kdf %q, %+v): %w", w.KDF, w.Params, ErrCorrupt)
	}
	kek, err := keys.NewBox(keys.FromPassphrase(passphrase, w.Salt, w.Params))
	if err != nil {
		return nil, err
	}
	dek, err := kek.Open(w.Key, []byte(wrapAD))
	if err != nil {
		return nil, ErrWrongKey
	}
	return dek, nil
}

func parseCryptRecord(v []byte) (*cryptRecord, error) {
	var rec cryptRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("meta/crypt: %v: %w", err, ErrCorrupt)
	}
	switch {
	case rec.Version > cryptRecVersion:
		return nil, fmt.Errorf("meta/crypt: version %d cipher %q: this program knows version %d, %s: %w",
			rec.Version, rec.Cipher, cryptRecVersion, cipherName, ErrNewerSchema)
	case rec.Version != cryptRecVersion || rec.Cipher != cipherName:
		// A record of this program's version names its cipher: another
		// name (or an older version, which never was) is damage, not a
		// newer xunbang, whose own cipher would come with its own version.
		return nil, fmt.Errorf("meta/crypt: version %d cipher %q: version %d names %s: %w",
			rec.Version, rec.Cipher, cryptRecVersion, cipherName, ErrCorrupt)
	}
	return &rec, nil
}

// keyIDAccount is the second keyring account every data key is kept under,
// named by its key id: it finds the key of a data dir that was moved, of a
// backup, or of a file a restore replaced, whatever its path.
func keyIDAccount(keyID string) string { return "data-key-" + keyID }

// keyringAccount is the keyring account of a data dir: its absolute path.
func keyringAccount(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.Clean(dir)
	}
	return abs
}

func encodeKey(dek []byte) string { return base64.StdEncoding.EncodeToString(dek) }

func decodeKey(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != keys.Size {
		return nil
	}
	return b
}

// keyer finds, makes and remembers a data dir's data key.
type keyer struct {
	src     KeySource
	account string
	argon2  keys.Argon2
	now     func() time.Time
}

// unlock returns the crypt of an encrypted file, from the first source
// that holds its key: Raw; the keyring under the data dir's account, then
// under the key's id (keyIDAccount); the passphrase. A passphrase that
// unlocks a key the keyring does not hold puts the key there (if the
// keyring works), so that the next Open needs no passphrase; a different
// key the account held is kept under its own key id first, so that no key
// is ever lost.
func (k *keyer) unlock(rec *cryptRecord) (*crypt, error) {
	try := func(dek []byte) *crypt {
		c, err := newCrypt(dek)
		if err != nil || !c.verify(rec) {
			return nil
		}
		return c
	}
	if k.src.Raw != nil {
		if c := try(k.src.Raw); c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("raw key: %w", ErrWrongKey)
	}
	var why error
	var inKeyring []byte // what the keyring holds for the account
	if k.src.Keyring != nil {
		for _, acct := range []string{k.account, keyIDAccount(rec.KeyID)} {
			s, err := k.src.Keyring.Get(keys.Service, acct)
			if err != nil {
				if why == nil || !errors.Is(err, keys.ErrNotFound) {
					why = err
				}
				if errors.Is(err, keys.ErrNoKeyring) {
					break
				}
				continue
			}
			dek := decodeKey(s)
			if acct == k.account {
				inKeyring = dek
			}
			if c := try(dek); c != nil {
				return c, nil
			}
			why = fmt.Errorf("the keyring holds another key for %s", acct)
		}
	}
	if k.src.Passphrase != "" {
		if rec.Passphrase == nil {
			return nil, fmt.Errorf("this data has no passphrase (its key is in the OS keyring of the computer that encrypted it): %w", ErrWrongKey)
		}
		dek, err := rec.Passphrase.unwrap(k.src.Passphrase)
		if err != nil {
			return nil, err
		}
		c := try(dek)
		if c == nil {
			return nil, fmt.Errorf("the passphrase opens a key that does not match the data: %w", ErrCorrupt)
		}
		k.remember(c, inKeyring)
		return c, nil
	}
	if why == nil {
		why = errors.New("no keyring given")
	}
	if rec.Passphrase == nil {
		return nil, fmt.Errorf("%w (%v; this data has no passphrase: only the keyring of the computer that encrypted it holds its key)", ErrLocked, why)
	}
	return nil, fmt.Errorf("%w (%v)", ErrLocked, why)
}

// remember puts c's key in the keyring under the data dir's account and
// its key id, first keeping a different key the account held under that
// key's id.
func (k *keyer) remember(c *crypt, held []byte) {
	if k.src.Keyring == nil {
		return
	}
	if held != nil {
		if bytes.Equal(held, c.dek) {
			return
		}
		if err := k.src.Keyring.Set(keys.Service, keyIDAccount(keyIDOf(held)), encodeKey(held)); err != nil {
			return // never replace a key we could not keep
		}
	}
	if k.src.Keyring.Set(keys.Service, keyIDAccount(c.keyID), encodeKey(c.dek)) == nil {
		_ = k.src.Keyring.Set(keys.Service, k.account, encodeKey(c.dek))
	}
}

// create makes the data key of a data dir being created or encrypted: Raw,
// else the key the keyring already holds for the account (left by an
// earlier attempt), else a new random one stored in the keyring; and wraps
// it with the passphrase if there is one. Without a key that can be kept
// (no usable keyring, no passphrase) it returns ErrNoKeySource.
func (k *keyer) create() (*crypt, *cryptRecord, error) {
	var dek []byte
	inKeyring := false
	switch {
	case k.src.Raw != nil:
		dek = k.src.Raw
	case k.src.Keyring != nil:
		s, err := k.src.Keyring.Get(keys.Service, k.account)
		switch {
		case err == nil && decodeKey(s) != nil:
			dek, inKeyring = decodeKey(s), true
		case err == nil || errors.Is(err, keys.ErrNotFound):
			fresh := keys.Random(keys.Size)
			if err := k.src.Keyring.Set(keys.Service, k.account, encodeKey(fresh)); err == nil {
				dek, inKeyring = fresh, true
			} else if k.src.Passphrase == "" {
				return nil, nil, fmt.Errorf("%w (keyring: %v)", ErrNoKeySource, err)
			}
		default:
			if k.src.Passphrase == "" {
				return nil, nil, fmt.Errorf("%w (keyring: %v)", ErrNoKeySource, err)
			}
		}
	}
	if dek == nil {
		if k.src.Passphrase == "" {
			return nil, nil, ErrNoKeySource
		}
		dek = keys.Random(keys.Size)
	}
	c, err := newCrypt(dek)
	if err != nil {
		return nil, nil, err
	}
	if inKeyring {
		// Also under its key id, for when the data dir moves.
		_ = k.src.Keyring.Set(keys.Service, keyIDAccount(c.keyID), encodeKey(dek))
	}
	rec := c.newRecord(k.now())
	rec.Keyring = inKeyring
	if k.src.Passphrase != "" {
		if rec.Passphrase, err = c.wrap(k.src.Passphrase, k.argon2); err != nil {
			return nil, nil, err
		}
	}
	return c, rec, nil
}
