package platform

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/xunbang/xunbang/internal/keys"
	"github.com/xunbang/xunbang/sync/hubstore"
)

// The hub's key.
//
// One random 256-bit key seals every record body and every review comment
// the hub stores (XChaCha20-Poly1305, a fresh nonce per value, bound to the
// revision or need it belongs to), so a copy of platform.db — or of the
// PostgreSQL database — shows ids, times and states, never what an
// enterprise wrote. The key is never in the store: it is given in
// Options.Key (the command line reads XUNBANG_HUB_KEY) or read from a key
// file, DIR/hub.key by default, which Open creates (0600) for a new hub.
// The store keeps a key check (a known text sealed with the key) so a wrong
// or lost key is named as such rather than read as damage. docs/hub.md says
// where to keep the key and how to back it up.

// KeyFileName is the default key file inside a hub's data dir.
const KeyFileName = "hub.key"

// KeyEnv is the environment variable the command line reads the key from
// (base64 or hex of 32 bytes); it wins over the key file.
const KeyEnv = "XUNBANG_HUB_KEY"

// Key errors.
var (
	// ErrWrongKey: the key does not open this hub's data.
	ErrWrongKey = errors.New("the hub key does not open this hub's data (wrong hub.key or XUNBANG_HUB_KEY)")
	// ErrNoKey: the data is sealed, and no key was given and the key file
	// is missing.
	ErrNoKey = errors.New("this hub's data is sealed and its key is missing (hub.key or XUNBANG_HUB_KEY)")
)

const (
	purposeHub   = "xunbang/hub/v1/values"
	purposeForms = "xunbang/hub/v1/forms"
	keyCheckText = "xunbang hub key check v1"
	metaSchema   = "schema"
	metaServerID = "server_id"
	metaKeyCheck = "key_check"
	// metaRegistrySent is set once the hub notes the registry entries it
	// sends each team (registry.go).
	metaRegistrySent = "registry_sent"
	// metaShownRegions is set once the hub has told each team the region
	// its anonymous needs published before the hub said so are shown with
	// (announceShownRegions).
	metaShownRegions = "shown_regions_told"
	// metaNeedsSent is set once the hub notes the public needs it sends
	// each team (registry.go).
	metaNeedsSent = "needs_sent"
	// schemaSealed is the schema whose bodies and comments are sealed;
	// schema 1 (before it) kept them plain.
	schemaSealed = "2"
)

// NewServerID gives the hub a new server id, so that every cursor it gave
// out starts the feed over: what to do after its data was put back to an
// earlier copy (the events it numbers next would otherwise be ones a
// laptop's cursor has passed). Every server on the store must be stopped
// meanwhile: they keep the id in memory.
func (s *Server) NewServerID(ctx context.Context) error {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	id := hex.EncodeToString(b[:])
	err := s.store.Update(ctx, func(tx hubstore.Tx) error { return tx.SetMeta(metaServerID, []byte(id)) })
	if err != nil {
		return fmt.Errorf("platform: new server id: %w", err)
	}
	s.serverID = id
	s.log.Warn("the hub has a new server id: every laptop's next sync starts the feed over", "server_id", id)
	return nil
}

// ParseKey reads a key written as base64 or hex (what a key file or
// XUNBANG_HUB_KEY holds).
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == keys.Size {
		return b, nil
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == keys.Size {
		return b, nil
	}
	return nil, fmt.Errorf("a hub key is %d bytes written as base64 or hex", keys.Size)
}

// sealer seals and opens the hub's content, and holds the key that signs
// the public pages' forms (jiebang.go).
type sealer struct {
	box     *keys.Box
	formKey []byte
}

func newSealer(key []byte) (*sealer, error) {
	box, err := keys.NewBox(keys.Derive(key, purposeHub))
	if err != nil {
		return nil, err
	}
	return &sealer{box: box, formKey: keys.Derive(key, purposeForms)}, nil
}

func bodyAD(rev string) []byte       { return []byte("rev\x00" + rev) }
func commentAD(needID string) []byte { return []byte("comment\x00" + needID) }
func (s *sealer) keyCheck() []byte   { return s.box.Seal([]byte(keyCheckText), []byte(metaKeyCheck)) }
func (s *sealer) sealBody(rev string, body []byte) []byte {
	return s.box.Seal(body, bodyAD(rev))
}

func (s *sealer) openBody(rev string, sealed []byte) ([]byte, error) {
	b, err := s.box.Open(sealed, bodyAD(rev))
	if err != nil {
		return nil, fmt.Errorf("revision %s: %w", rev, err)
	}
	return b, nil
}

func (s *sealer) sealComment(needID, comment string) []byte {
	if comment == "" {
		return nil
	}
	return s.box.Seal([]byte(comment), commentAD(needID))
}

// openComment returns a comment, or "" for none or one that does not open
// (a comment is never worth failing a pull for; it is logged).
func (s *sealer) openComment(needID string, sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	b, err := s.box.Open(sealed, commentAD(needID))
	if err != nil {
		return "", fmt.Errorf("comment on %s: %w", needID, err)
	}
	return string(b), nil
}

// loadKey returns the key from the options or the key file; create says the
// file may be created with a new key (a hub with no sealed data yet).
func loadKey(o *Options, create bool) ([]byte, error) {
	if o.Key != nil {
		if len(o.Key) != keys.Size {
			return nil, fmt.Errorf("the hub key is %d bytes, want %d", len(o.Key), keys.Size)
		}
		return o.Key, nil
	}
	if o.KeyFile == "" {
		return nil, ErrNoKey
	}
	b, err := os.ReadFile(o.KeyFile)
	switch {
	case err == nil:
		k, err := ParseKey(string(b))
		if err != nil {
			return nil, fmt.Errorf("key file %s: %w", o.KeyFile, err)
		}
		return k, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("key file: %w", err)
	case !create:
		return nil, fmt.Errorf("%w: %s", ErrNoKey, o.KeyFile)
	}
	k := make([]byte, keys.Size)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(o.KeyFile), 0o700); err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	f, err := os.OpenFile(o.KeyFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(o.KeyFile)
		return nil, fmt.Errorf("key file: %w", err)
	}
	o.Logger.Warn("created a new hub key; keep a copy of it apart from the data: without it the hub's data cannot be read", "key_file", o.KeyFile)
	return k, nil
}

// init reads or sets up the store's meta: the schema (upgrading schema 1 by
// sealing what it kept plain), the server id and the key check.
func (s *Server) init(ctx context.Context) error {
	var schema string
	var check []byte
	err := s.store.View(ctx, func(tx hubstore.Tx) error {
		v, err := tx.Meta(metaSchema)
		if err != nil && !errors.Is(err, hubstore.ErrNotFound) {
			return err
		}
		schema = string(v)
		check, err = tx.Meta(metaKeyCheck)
		if err != nil && !errors.Is(err, hubstore.ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch schema {
	case "", "1", schemaSealed:
	default:
		return fmt.Errorf("%w (schema %s)", hubstore.ErrNewerSchema, schema)
	}
	key, err := loadKey(&s.opt, check == nil)
	if err != nil {
		return err
	}
	if s.seal, err = newSealer(key); err != nil {
		return err
	}
	if check != nil {
		p, err := s.seal.box.Open(check, []byte(metaKeyCheck))
		if err != nil || string(p) != keyCheckText {
			return ErrWrongKey
		}
	}
	if schema == "1" {
		if err := s.upgradeSchema1(ctx); err != nil {
			return fmt.Errorf("upgrading the hub's data: %w", err)
		}
	}
	return s.store.Update(ctx, func(tx hubstore.Tx) error {
		if check == nil {
			if err := tx.SetMeta(metaKeyCheck, s.seal.keyCheck()); err != nil {
				return err
			}
		}
		if err := noteRegistrySentBefore(tx); err != nil {
			return err
		}
		if err := noteNeedsSentBefore(tx); err != nil {
			return err
		}
		if err := s.announceShownRegions(tx); err != nil {
			return err
		}
		if err := tx.SetMeta(metaSchema, []byte(schemaSealed)); err != nil {
			return err
		}
		id, err := tx.Meta(metaServerID)
		if err == nil {
			s.serverID = string(id)
			return nil
		}
		if !errors.Is(err, hubstore.ErrNotFound) {
			return err
		}
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		s.serverID = hex.EncodeToString(b[:])
		return tx.SetMeta(metaServerID, []byte(s.serverID))
	})
}
