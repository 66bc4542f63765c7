// Package keys holds xunbang's secret-key machinery, kept apart from the
// store that uses it: authenticated encryption of small values
// (XChaCha20-Poly1305 from golang.org/x/crypto, a random 192-bit nonce per
// value), sub-keys derived with HKDF-SHA256, keys derived from a passphrase
// with Argon2id, and the OS keyring (github.com/zalando/go-keyring) behind a
// small interface with a timeout, so that a keyring daemon that does not
// answer cannot hang the program.
//
// Nothing here knows the store's layout; the store decides what is sealed
// under which associated data.
package keys

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Size is the size of every key here: data keys, sub-keys and
// passphrase-derived keys (256 bits).
const Size = 32

// ErrAuth is returned by Box.Open for a value that was not sealed by this
// key with this associated data, or was changed since.
var ErrAuth = errors.New("value does not authenticate: wrong key, or altered")

// ErrFormat is returned by Box.Open for bytes that are not a sealed value.
var ErrFormat = errors.New("not a sealed value")

// Random returns n bytes from the operating system's CSPRNG.
func Random(n int) []byte {
	b := make([]byte, n)
	// crypto/rand.Read never returns an error (Go 1.24+): it crashes the
	// program rather than hand out predictable bytes.
	_, _ = rand.Read(b)
	return b
}

// Derive returns the sub-key of master for one purpose (HKDF-SHA256 with the
// purpose as info): keys for different purposes are independent, and none
// reveals master.
func Derive(master []byte, purpose string) []byte {
	k, err := hkdf.Key(sha256.New, master, nil, purpose, Size)
	if err != nil {
		panic(fmt.Sprintf("keys: hkdf: %v", err)) // only for a length HKDF cannot give
	}
	return k
}

// MAC returns HMAC-SHA256 of msg under key.
func MAC(key []byte, msg ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range msg {
		m.Write(p)
	}
	return m.Sum(nil)
}

// Argon2 are the parameters of Argon2id.
type Argon2 struct {
	Time      uint32 `json:"time"`       // passes over memory
	MemoryKiB uint32 `json:"memory_kib"` // memory in KiB
	Threads   uint8  `json:"threads"`
}

// DefaultArgon2 are the parameters for new passphrases: time 3, 64 MiB,
// 2 threads (about a quarter of a second on a 2-core laptop). They are
// stored beside each passphrase's salt, so they can grow later without
// locking anyone out.
var DefaultArgon2 = Argon2{Time: 3, MemoryKiB: 64 * 1024, Threads: 2}

// Valid reports whether the parameters are usable, and not so large that a
// doctored file could make opening it take all memory.
func (p Argon2) Valid() bool {
	return p.Time >= 1 && p.Time <= 64 && p.Threads >= 1 && p.MemoryKiB >= 8*uint32(p.Threads) && p.MemoryKiB <= 4*1024*1024
}

// FromPassphrase derives a key from a passphrase and a salt with Argon2id.
func FromPassphrase(passphrase string, salt []byte, p Argon2) []byte {
	return argon2.IDKey([]byte(passphrase), salt, p.Time, p.MemoryKiB, p.Threads, Size)
}

// SealedOverhead is how many bytes Box.Seal adds to a value: a format byte,
// the nonce and the tag.
const SealedOverhead = 1 + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead

// sealedFormat is the first byte of a sealed value: XChaCha20-Poly1305,
// nonce, ciphertext and tag. A later cipher would get another byte.
const sealedFormat = 0xE1

// Box seals and opens values with one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// NewBox returns a Box for a 32-byte key.
func NewBox(key []byte) (*Box, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts and authenticates plain, binding it to ad (associated data:
// authenticated, not stored), and returns format byte ‖ nonce ‖ ciphertext ‖
// tag in a new slice. Every call draws a fresh random nonce, so sealing the
// same value twice gives different bytes.
func (b *Box) Seal(plain, ad []byte) []byte {
	ns := b.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plain)+b.aead.Overhead())
	out[0] = sealedFormat
	_, _ = rand.Read(out[1 : 1+ns])
	return b.aead.Seal(out, out[1:1+ns], plain, ad)
}

// Open checks and decrypts a value Seal made with the same ad, returning the
// plain bytes in a new slice. It returns ErrFormat for bytes that are not a
// sealed value and ErrAuth for a wrong key, a wrong ad or altered bytes.
func (b *Box) Open(sealed, ad []byte) ([]byte, error) {
	return b.OpenAppend(nil, sealed, ad)
}

// OpenAppend is Open that appends the plain bytes to dst (which may be a
// reused buffer, dst[:0]) and returns the result.
func (b *Box) OpenAppend(dst, sealed, ad []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	if !IsSealed(sealed) {
		return nil, ErrFormat
	}
	plain, err := b.aead.Open(dst, sealed[1:1+ns], sealed[1+ns:], ad)
	if err != nil {
		return nil, ErrAuth
	}
	return plain, nil
}

// IsSealed reports whether v has the form of a sealed value (it may still
// fail to open).
func IsSealed(v []byte) bool {
	return len(v) >= SealedOverhead && v[0] == sealedFormat
}
