package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/xunbang/xunbang/internal/keys"
	"github.com/xunbang/xunbang/sync/protocol"
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

// ErrNoKeyring: no OS keyring could be used (no Secret Service on a headless
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

// LoadToken returns the token for a server: XUNBANG_TOKEN if set, else the
// one Login stored in the keyring. Without either it returns an error
// wrapping ErrNoToken (and, when the keyring failed, ErrNoKeyring).
func LoadToken(server string, kr Keyring) (string, error) {
	if t := strings.TrimSpace(os.Getenv(TokenEnv)); t != "" {
		return t, nil
	}
	u, err := protocol.ParseServerURL(server)
	if err != nil {
		return "", err
	}
	if kr == nil {
		kr = SystemKeyring{}
	}
	t, err := kr.Get(KeyringService, u.String())
	if err != nil {
		if errors.Is(err, ErrNoToken) {
			return "", err
		}
		return "", fmt.Errorf("%w (%w)", ErrNoToken, err)
	}
	if t = strings.TrimSpace(t); t == "" {
		return "", ErrNoToken
	}
	return t, nil
}

// Login checks a token with the server (GET /v1/whoami) and stores it in the
// keyring for the server's address. It never writes the token to disk by
// any other way: when the keyring cannot be used it returns the identity and
// an error wrapping ErrNoKeyring, and the caller tells the user to set
// XUNBANG_TOKEN instead. hc may be nil.
func Login(ctx context.Context, server, token string, kr Keyring, hc *http.Client) (protocol.Identity, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return protocol.Identity{}, ErrNoToken
	}
	if kr == nil {
		kr = SystemKeyring{}
	}
	c, err := New(nil, Config{Server: server, Token: token, HTTPClient: hc, RetryCount: 2})
	if err != nil {
		return protocol.Identity{}, err
	}
	id, err := c.WhoAmI(ctx)
	if err != nil {
		return protocol.Identity{}, err
	}
	if err := kr.Set(KeyringService, c.Server(), token); err != nil {
		return id, fmt.Errorf("the token is valid but could not be stored: %w; set %s instead", err, TokenEnv)
	}
	return id, nil
}

// Logout removes the server's token from the keyring.
func Logout(server string, kr Keyring) error {
	u, err := protocol.ParseServerURL(server)
	if err != nil {
		return err
	}
	if kr == nil {
		kr = SystemKeyring{}
	}
	return kr.Delete(KeyringService, u.String())
}
