// Package secret is podunit's file driver for secrets: each secret is a
// directory under the store's root holding its metadata and its value,
// both readable by the owner only. A secret is made in a temporary
// directory and renamed into place, and removed by a rename out of place,
// so a crash never leaves half a secret under its name.
//
//	DIR/NAME/meta.json  the Secret, as JSON (0600)
//	DIR/NAME/data       the value (0600)
//
// The value's path depends on the name alone (DataPath), so a unit file can
// name it in LoadCredential= without asking podunit.
package secret

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

// MaxSize is the largest value accepted, Podman's limit.
const MaxSize = 512000

// Driver is the only driver: values in files.
const Driver = "file"

// CredentialPrefix starts the systemd credential ID under which a unit
// loads a secret (LoadCredential=podunit-secret.NAME:PATH).
const CredentialPrefix = "podunit-secret."

// CredentialID is the systemd credential ID of the named secret.
func CredentialID(name string) string { return CredentialPrefix + name }

// Secret is one secret's metadata; the value is never part of it.
type Secret struct {
	ID      string            `json:"id"`   // 25 hex digits, as Podman's
	Name    string            `json:"name"` // unique
	Driver  string            `json:"driver"`
	Created time.Time         `json:"created"`
	Updated time.Time         `json:"updated"`
	Labels  map[string]string `json:"labels,omitempty"`
}

// Store is a directory of secrets.
type Store struct{ dir string }

// New returns the store rooted at dir; nothing is made until a create.
func New(dir string) *Store { return &Store{dir: dir} }

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// DataPath is where the named secret's value lives.
func (s *Store) DataPath(name string) string { return filepath.Join(s.dir, name, "data") }

// NewID returns a fresh secret ID.
func NewID() string {
	var b [13]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("secret: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b[:])[:25]
}

// Create stores sec with value. The name must be free unless replace is
// set, in which case an existing secret of that name is replaced.
func (s *Store) Create(sec *Secret, value []byte, replace bool) error {
	if len(value) == 0 || len(value) > MaxSize {
		return fmt.Errorf("secret %s: the value is %d bytes, want 1 to %d: %w", sec.Name, len(value), MaxSize, errdefs.ErrInvalidArgument)
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("secret store: %w", err)
	}
	s.sweep()
	tmp, err := os.MkdirTemp(s.dir, ".new-")
	if err != nil {
		return fmt.Errorf("secret %s: %w", sec.Name, err)
	}
	defer os.RemoveAll(tmp)
	meta, err := json.Marshal(sec)
	if err != nil {
		return fmt.Errorf("secret %s: encode: %w", sec.Name, err)
	}
	if err := writeSynced(filepath.Join(tmp, "data"), value); err != nil {
		return fmt.Errorf("secret %s: %w", sec.Name, err)
	}
	if err := writeSynced(filepath.Join(tmp, "meta.json"), meta); err != nil {
		return fmt.Errorf("secret %s: %w", sec.Name, err)
	}
	if replace {
		if err := s.Remove(sec.Name); err != nil && !errdefs.IsNotFound(err) {
			return err
		}
	}
	// rename(2) onto a directory that exists (never empty here) fails: the
	// name is taken atomically
	if err := os.Rename(tmp, filepath.Join(s.dir, sec.Name)); err != nil {
		if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTEMPTY) {
			return fmt.Errorf("secret name %q is in use: %w", sec.Name, errdefs.ErrAlreadyExists)
		}
		return fmt.Errorf("secret %s: %w", sec.Name, err)
	}
	return syncDir(s.dir)
}

// Get finds a secret by name, full ID or unique ID prefix.
func (s *Store) Get(ref string) (*Secret, error) {
	if ref == "" {
		return nil, fmt.Errorf("secret name is empty: %w", errdefs.ErrInvalidArgument)
	}
	if validName(ref) {
		if sec, err := s.read(ref); !errdefs.IsNotFound(err) {
			return sec, err
		}
	}
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	var found []*Secret
	for _, sec := range all {
		if strings.HasPrefix(sec.ID, ref) {
			found = append(found, sec)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no secret with name or id %q: %w", ref, errdefs.ErrNotFound)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("secret id %q is ambiguous: %d secrets match: %w", ref, len(found), errdefs.ErrInvalidArgument)
}

// List returns every secret, by name.
func (s *Store) List() ([]*Secret, error) {
	ents, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secret store: %w", err)
	}
	var out []*Secret
	for _, ent := range ents {
		if !ent.IsDir() || strings.HasPrefix(ent.Name(), ".") {
			continue
		}
		sec, err := s.read(ent.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Value reads the named secret's value.
func (s *Store) Value(name string) ([]byte, error) {
	if !validName(name) {
		return nil, fmt.Errorf("no secret with name %q: %w", name, errdefs.ErrNotFound)
	}
	b, err := os.ReadFile(s.DataPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no secret with name %q: %w", name, errdefs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return b, nil
}

// Remove deletes the named secret: a rename out of place, then the files.
func (s *Store) Remove(name string) error {
	if !validName(name) {
		return fmt.Errorf("no secret with name %q: %w", name, errdefs.ErrNotFound)
	}
	gone := filepath.Join(s.dir, ".rm-"+NewID())
	if err := os.Rename(filepath.Join(s.dir, name), gone); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("no secret with name %q: %w", name, errdefs.ErrNotFound)
		}
		return fmt.Errorf("removing secret %s: %w", name, err)
	}
	if err := os.RemoveAll(gone); err != nil {
		return fmt.Errorf("removing secret %s: %w", name, err)
	}
	return syncDir(s.dir)
}

// read loads the named secret's metadata.
func (s *Store) read(name string) (*Secret, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, name, "meta.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no secret with name %q: %w", name, errdefs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	sec := new(Secret)
	if err := json.Unmarshal(b, sec); err != nil || sec.Name != name {
		return nil, fmt.Errorf("secret %s: %s is damaged: %w", name, filepath.Join(s.dir, name, "meta.json"), errdefs.ErrCorrupt)
	}
	return sec, nil
}

// sweep removes what a crashed create or remove left: directories whose
// names start with a dot, older than a minute (a running create's is
// younger).
func (s *Store) sweep() {
	ents, _ := os.ReadDir(s.dir)
	for _, ent := range ents {
		if !strings.HasPrefix(ent.Name(), ".") {
			continue
		}
		if info, err := ent.Info(); err == nil && time.Since(info.ModTime()) > time.Minute {
			_ = os.RemoveAll(filepath.Join(s.dir, ent.Name()))
		}
	}
}

// validName keeps a reference from naming anything outside the store.
func validName(name string) bool {
	return name != "" && !strings.HasPrefix(name, ".") && !strings.ContainsAny(name, "/\x00")
}
