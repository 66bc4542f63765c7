package client

import (
	"errors"
	"time"

	"github.com/xunbang/xunbang/internal/keys"
)

// TokenEnv is the environment variable that carries a token for scripts and
// CI. When set, it is used and the keyring is not consulted.
const TokenEnv = "XUNBANG_TOKEN"

// KeyringService is the service name under which tokens are kept in the OS
// keyring; the account is the server's normalised address.
const KeyringService = "xunbang"

// Keyring keeps secrets. SystemKeyring is the OS keyring; tests pass a map.
type Keyring interface {
	Get(service, account string) (string, error)
	Set(service, account, secret string) error
	Delete(service, account string) error
}

// ErrNoKeyring means no OS keyring could be used (no Secret Service on a headless
// Linux, no D-Bus session, a locked or absent keychain).
var ErrNoKeyring = keys.ErrNoKeyring

// SystemKeyring is the OS keyring (macOS Keychain, Windows Credential
// Manager, the Secret Service on Linux): internal/keys' System, which the
// store's data key uses too. Calls that would hang fail after Timeout.
type SystemKeyring struct {
	Timeout time.Duration // default 5s
}

func (k SystemKeyring) sys() keys.System { return keys.System{Timeout: k.Timeout} }

// Get returns a secret, or an error wrapping ErrNoToken when there is none.
func (k SystemKeyring) Get(service, account string) (string, error) {
	s, err := k.sys().Get(service, account)
	if errors.Is(err, keys.ErrNotFound) {
		return "", ErrNoToken
	}
	return s, err
}

// Set stores a secret.
func (k SystemKeyring) Set(service, account, secret string) error {
	return k.sys().Set(service, account, secret)
}

// Delete removes a secret; a missing one is not an error.
func (k SystemKeyring) Delete(service, account string) error {
	if err := k.sys().Delete(service, account); err != nil && !errors.Is(err, keys.ErrNotFound) {
		return err
	}
	return nil
}
