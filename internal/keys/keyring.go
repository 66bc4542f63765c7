package keys

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the OS keyring service under which xunbang keeps its secrets.
const Service = "xunbang"

// Keyring keeps secrets by service and account. System is the OS keyring;
// tests use Memory.
type Keyring interface {
	// Get returns a secret, an error wrapping ErrNotFound when there is
	// none, or one wrapping ErrNoKeyring when the keyring cannot be used.
	Get(service, account string) (string, error)
	// Set stores a secret, replacing any with the same service and account.
	Set(service, account, secret string) error
}

var (
	// ErrNotFound: the keyring has no such secret.
	ErrNotFound = errors.New("no such secret in the keyring")
	// ErrNoKeyring: no OS keyring could be used (no Secret Service on a
	// headless Linux, no D-Bus session, a locked or absent keychain, a
	// daemon that does not answer).
	ErrNoKeyring = errors.New("no usable OS keyring")
)

// System is the OS keyring (macOS Keychain, Windows Credential Manager, the
// Secret Service on Linux). Calls that would hang fail after Timeout; on
// Linux without a D-Bus session they fail at once rather than let D-Bus
// autolaunch a daemon.
type System struct {
	Timeout time.Duration // default 5s
}

func (k System) do(fn func() (string, error)) (string, error) {
	if (runtime.GOOS == "linux" || runtime.GOOS == "freebsd" || runtime.GOOS == "openbsd") && os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return "", fmt.Errorf("%w: no D-Bus session", ErrNoKeyring)
	}
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	type result struct {
		s   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := fn()
		ch <- result{s, err}
	}()
	select {
	case r := <-ch:
		switch {
		case errors.Is(r.err, keyring.ErrNotFound):
			return "", ErrNotFound
		case r.err != nil:
			return "", fmt.Errorf("%w: %v", ErrNoKeyring, r.err)
		}
		return r.s, nil
	case <-time.After(timeout):
		return "", fmt.Errorf("%w: no answer in %v", ErrNoKeyring, timeout)
	}
}

// Get returns a secret.
func (k System) Get(service, account string) (string, error) {
	return k.do(func() (string, error) { return keyring.Get(service, account) })
}

// Set stores a secret.
func (k System) Set(service, account, secret string) error {
	_, err := k.do(func() (string, error) { return "", keyring.Set(service, account, secret) })
	return err
}

// Delete removes a secret; a missing one is ErrNotFound.
func (k System) Delete(service, account string) error {
	_, err := k.do(func() (string, error) { return "", keyring.Delete(service, account) })
	return err
}

// Memory is a keyring in memory, for tests and for tools that must not
// touch the user's keyring. The zero value is ready to use; Broken makes
// every call fail with ErrNoKeyring, as on a machine without a keyring.
type Memory struct {
	mu      sync.Mutex
	secrets map[[2]string]string
	Broken  bool
}

// Get returns a secret.
func (m *Memory) Get(service, account string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Broken {
		return "", ErrNoKeyring
	}
	s, ok := m.secrets[[2]string{service, account}]
	if !ok {
		return "", ErrNotFound
	}
	return s, nil
}

// Set stores a secret.
func (m *Memory) Set(service, account, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Broken {
		return ErrNoKeyring
	}
	if m.secrets == nil {
		m.secrets = map[[2]string]string{}
	}
	m.secrets[[2]string{service, account}] = secret
	return nil
}

// Len returns how many secrets m holds.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.secrets)
}
