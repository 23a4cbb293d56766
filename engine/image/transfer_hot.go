//go:build hotpath

package image

import (
	"context"
	"fmt"
	"io"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/storage"
)

// The hot-path binary (build tag hotpath: run, create, start, stop, ps,
// inspect, the unit verbs, healthcheck run) links the storage core of this
// package but none of containers/image's transports, signatures and
// encryption: these are most of podunit's packages and most of its start-up
// time. What would copy an image answers errdefs.ErrFullBinary, before it
// changes anything, and the command runs again in the full binary.

func needsFull(what string) error {
	return fmt.Errorf("%s: %w", what, errdefs.ErrFullBinary)
}

func (s *Store) pullLocal(context.Context, string, string, PullOptions) (*Image, error) {
	return nil, needsFull("pull from a local transport")
}

func (s *Store) pullFromRegistry(_ context.Context, name, _ string, _ *storage.Image, _ PullOptions) (*Image, error) {
	return nil, needsFull("pull " + name)
}

// PullAllTags needs the full binary.
func (s *Store) PullAllTags(context.Context, string, PullOptions) ([]*Image, error) {
	return nil, needsFull("pull --all-tags")
}

// Push needs the full binary.
func (s *Store) Push(context.Context, string, string, PushOptions) error {
	return needsFull("push")
}

// Save needs the full binary.
func (s *Store) Save(context.Context, []string, string, string) error { return needsFull("save") }

// Import needs the full binary.
func (s *Store) Import(context.Context, string, string) (string, error) {
	return "", needsFull("import")
}

// ImportWith needs the full binary.
func (s *Store) ImportWith(context.Context, string, string, ImageConfig) (string, error) {
	return "", needsFull("import")
}

// Load needs the full binary.
func (s *Store) Load(context.Context, string, io.Writer) ([]string, error) {
	return nil, needsFull("load")
}

// Login needs the full binary.
func (s *Store) Login(context.Context, string, string, string, RegistryOptions) (string, error) {
	return "", needsFull("login")
}

// LoginUser needs the full binary.
func (s *Store) LoginUser(string, RegistryOptions) (string, error) { return "", needsFull("login") }

// Logout needs the full binary.
func (s *Store) Logout(string, RegistryOptions) (string, error) { return "", needsFull("logout") }

// RegistryDigest needs the full binary.
func (s *Store) RegistryDigest(context.Context, string, RegistryOptions) (string, error) {
	return "", needsFull("registry digest")
}

// ReadsEveryManifest: this binary reads only OCI and Docker schema 2 ones.
const ReadsEveryManifest = false

// readImageOther needs the full binary: containers/image reads the images
// readImage does not.
func (s *Store) readImageOther(_ context.Context, id string) (*imgspecv1.Image, string, *Healthcheck, error) {
	return nil, "", nil, needsFull("image " + id + ": reading a manifest of another kind")
}

// SearchRegistries needs the full binary: registries.conf is
// containers/image's to read.
func (s *Store) SearchRegistries(RegistryOptions) ([]string, error) {
	return nil, needsFull("registries.conf")
}
