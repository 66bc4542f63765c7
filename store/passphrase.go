package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/xunbang/xunbang/internal/keys"
)

// Encrypted reports whether the store's values are encrypted.
func (s *Store) Encrypted() bool { return s.crypt.encrypted() }

// KeyID returns the data key's public fingerprint (16 hex digits), "" for
// an unencrypted store. Backups made with the same key show the same id.
func (s *Store) KeyID() string { return s.crypt.keyID }

// HasPassphrase reports whether a passphrase unlocks the data: the window's
// idle lock asks for it then (and only then).
func (s *Store) HasPassphrase() bool {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	return s.rec != nil && s.rec.Passphrase != nil
}

// CheckPassphrase returns nil when p is the data's passphrase, an error
// wrapping ErrWrongKey when it is not, and ErrInvalid when the data has no
// passphrase. It takes as long as deriving the key (a quarter of a second);
// the window's idle lock calls it to unlock.
func (s *Store) CheckPassphrase(p string) error {
	s.recMu.Lock()
	var w *passphraseWrap
	if s.rec != nil {
		w = s.rec.Passphrase
	}
	s.recMu.Unlock()
	if w == nil {
		return fmt.Errorf("check passphrase: the data has no passphrase: %w", ErrInvalid)
	}
	dek, err := w.unwrap(p)
	if err != nil {
		return fmt.Errorf("check passphrase: %w", err)
	}
	if keyIDOf(dek) != s.crypt.keyID {
		return fmt.Errorf("check passphrase: %w", ErrWrongKey)
	}
	return nil
}

// SetPassphrase sets or changes the passphrase that unlocks the data (the
// data key is wrapped anew; no record is re-encrypted). An empty p removes
// the passphrase, which is refused (ErrInvalid) unless the keyring the
// store was opened with holds the key — else nothing could open the data.
// Backups made before keep what unlocked them then. Recorded in the audit
// log.
func (s *Store) SetPassphrase(ctx context.Context, p string) error {
	if !s.crypt.encrypted() {
		return fmt.Errorf("set passphrase: the store is not encrypted: %w", ErrInvalid)
	}
	var wrap *passphraseWrap
	if p != "" {
		var err error
		if wrap, err = s.crypt.wrap(p, s.keyer.argon2); err != nil {
			return fmt.Errorf("set passphrase: %w", err)
		}
	} else if !s.keyringHolds() {
		return fmt.Errorf("set passphrase: no keyring holds the data key, so the passphrase is the only way in: %w", ErrInvalid)
	}
	s.recMu.Lock()
	rec := *s.rec
	s.recMu.Unlock()
	rec.Passphrase = wrap
	v, err := json.Marshal(&rec)
	if err != nil {
		return err
	}
	detail := "set"
	if p == "" {
		detail = "removed"
	}
	err = s.update(ctx, "set passphrase", func(tx *Tx) error {
		if err := tx.put(metaBucket, metaCryptKey, v); err != nil {
			return err
		}
		return tx.Audit(AuditPassphrase, detail)
	})
	if err != nil {
		return err
	}
	s.recMu.Lock()
	s.rec = &rec
	s.recMu.Unlock()
	return nil
}

// keyringHolds reports whether the store's keyring holds its data key.
func (s *Store) keyringHolds() bool {
	kr := s.keyer.src.Keyring
	if kr == nil {
		return false
	}
	for _, acct := range []string{s.keyer.account, keyIDAccount(s.crypt.keyID)} {
		v, err := kr.Get(keys.Service, acct)
		if errors.Is(err, keys.ErrNoKeyring) {
			return false
		}
		if err == nil && keyIDOf(decodeKey(v)) == s.crypt.keyID && decodeKey(v) != nil {
			return true
		}
	}
	return false
}
