// Package passwd hashes and checks the hub console's passwords with
// Argon2id (RFC 9106), in the PHC string format that other tools read:
//
//	$argon2id$v=19$m=65536,t=3,p=2$<salt, base64>$<hash, base64>
//
// The parameters travel in the string, so a hash made with older ones is
// still checked with them, and NeedsRehash tells when to replace it.
package passwd

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are Argon2id's cost parameters.
type Params struct {
	Time      uint32 // passes
	MemoryKiB uint32
	Threads   uint8
}

// Default follows RFC 9106's second recommended option (64 MiB, 3 passes)
// with two lanes for a two-core server.
var Default = Params{Time: 3, MemoryKiB: 64 << 10, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
	// MaxLen is the longest password accepted, in bytes.
	MaxLen = 1024
	// MinLen is the shortest password accepted, in characters.
	MinLen = 10
)

// Errors.
var (
	// ErrMalformed: the stored hash is not an Argon2id PHC string this
	// package can check.
	ErrMalformed = errors.New("passwd: not an argon2id hash")
	// ErrTooShort, ErrTooLong: Check refuses the password.
	ErrTooShort = fmt.Errorf("passwd: a password has at least %d characters", MinLen)
	ErrTooLong  = fmt.Errorf("passwd: a password has at most %d bytes", MaxLen)
)

// Check says whether a new password is acceptable: long enough, not too
// long, valid UTF-8.
func Check(password string) error {
	switch {
	case len(password) > MaxLen:
		return ErrTooLong
	case !utf8.ValidString(password) || utf8.RuneCountInString(password) < MinLen:
		return ErrTooShort
	}
	return nil
}

// Hash returns the password's Argon2id hash with a new random salt and
// the Default parameters.
func Hash(password string) (string, error) { return HashWith(password, Default) }

// HashWith is Hash with given parameters.
func HashWith(password string, p Params) (string, error) {
	if len(password) > MaxLen {
		return "", ErrTooLong
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

// Verify reports whether password matches the encoded hash, in constant
// time for a given hash. A hash that is not a well-formed Argon2id string
// is ErrMalformed.
func Verify(password, encoded string) (bool, error) {
	h, err := Parse(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > MaxLen {
		return false, nil
	}
	key := argon2.IDKey([]byte(password), h.Salt, h.Params.Time, h.Params.MemoryKiB, h.Params.Threads, uint32(len(h.Key)))
	return subtle.ConstantTimeCompare(key, h.Key) == 1, nil
}

// NeedsRehash reports whether a hash was made with parameters weaker than
// Default.
func NeedsRehash(encoded string) bool {
	h, err := Parse(encoded)
	return err != nil || h.Params.Time < Default.Time || h.Params.MemoryKiB < Default.MemoryKiB
}

// Hashed is a parsed PHC string.
type Hashed struct {
	Params    Params
	Salt, Key []byte
}

// Parse reads an Argon2id PHC string, refusing parameters no hub would
// use (so that a damaged or planted hash cannot make a login cost a
// gigabyte).
func Parse(encoded string) (Hashed, error) {
	var h Hashed
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return h, ErrMalformed
	}
	seen := 0
	for kv := range strings.SplitSeq(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || n == 0 || v != strconv.FormatUint(n, 10) {
			return h, ErrMalformed
		}
		switch {
		case k == "m" && seen == 0 && n >= 8 && n <= 1<<20:
			h.Params.MemoryKiB = uint32(n)
		case k == "t" && seen == 1 && n <= 16:
			h.Params.Time = uint32(n)
		case k == "p" && seen == 2 && n <= 16:
			h.Params.Threads = uint8(n)
		default:
			return h, ErrMalformed
		}
		seen++
	}
	if seen != 3 || h.Params.MemoryKiB < 8*uint32(h.Params.Threads) {
		return h, ErrMalformed
	}
	var err error
	if h.Salt, err = b64.DecodeString(parts[4]); err != nil || len(h.Salt) < 8 || len(h.Salt) > 64 {
		return Hashed{}, ErrMalformed
	}
	if h.Key, err = b64.DecodeString(parts[5]); err != nil || len(h.Key) < 16 || len(h.Key) > 64 {
		return Hashed{}, ErrMalformed
	}
	return h, nil
}
