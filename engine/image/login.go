//go:build !hotpath

package image

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/docker/config"

	"github.com/podunit/podunit/engine/errdefs"
)

// credentialsKey turns a login argument (host[:port], host/namespace or an
// http(s) URL) into the auth file's key and the registry to check against,
// as containers/common's login does.
func credentialsKey(arg string) (key, registry string, err error) {
	key = arg
	if strings.HasPrefix(arg, "https://") || strings.HasPrefix(arg, "http://") {
		u, err := url.Parse(arg)
		if err != nil {
			return "", "", fmt.Errorf("registry %q: %w: %w", arg, errdefs.ErrInvalidArgument, err)
		}
		key = u.Host
	}
	registry, _, _ = strings.Cut(key, "/")
	if registry == "" {
		return "", "", fmt.Errorf("registry %q: no host: %w", arg, errdefs.ErrInvalidArgument)
	}
	if registry != key {
		ref, err := reference.ParseNormalizedNamed(key)
		if err != nil || !reference.IsNameOnly(ref) {
			return "", "", fmt.Errorf("registry %q: want host[:port][/namespace] without tag or digest: %w",
				arg, errdefs.ErrInvalidArgument)
		}
	}
	return key, registry, nil
}

// Login checks username and password against the registry that arg names
// and, if the registry accepts them, stores them in the auth file (o's,
// else $REGISTRY_AUTH_FILE, else ${XDG_RUNTIME_DIR}/containers/auth.json).
// It returns the key the credentials are stored under.
func (s *Store) Login(ctx context.Context, arg, username, password string, o RegistryOptions) (string, error) {
	key, registry, err := credentialsKey(arg)
	if err != nil {
		return "", err
	}
	sys := s.systemContext(o)
	if err := docker.CheckAuth(ctx, sys, username, password, registry); err != nil {
		var unauth docker.ErrUnauthorizedForCredentials
		if errors.As(err, &unauth) {
			return "", fmt.Errorf("logging into %q: invalid username/password: %w", key, errdefs.ErrInvalidArgument)
		}
		return "", fmt.Errorf("logging into %q: %w: %w", key, registryClass(err), err)
	}
	if _, err := config.SetCredentials(sys, key, username, password); err != nil {
		return "", fmt.Errorf("storing credentials for %q: %w", key, err)
	}
	return key, nil
}

// LoginUser is the user name stored for arg's key, or a NotFound error.
func (s *Store) LoginUser(arg string, o RegistryOptions) (string, error) {
	key, _, err := credentialsKey(arg)
	if err != nil {
		return "", err
	}
	auth, err := config.GetCredentials(s.systemContext(o), key)
	if err != nil {
		return "", fmt.Errorf("reading credentials for %q: %w", key, err)
	}
	if auth.Username == "" {
		return "", fmt.Errorf("not logged into %s: %w", key, errdefs.ErrNotFound)
	}
	return auth.Username, nil
}

// Logout removes the credentials stored for arg, or with arg "" every
// registry's. It returns the key it removed.
func (s *Store) Logout(arg string, o RegistryOptions) (string, error) {
	sys := s.systemContext(o)
	if arg == "" {
		if err := config.RemoveAllAuthentication(sys); err != nil {
			return "", fmt.Errorf("removing every login: %w", err)
		}
		return "", nil
	}
	key, _, err := credentialsKey(arg)
	if err != nil {
		return "", err
	}
	if err := config.RemoveAuthentication(sys, key); err != nil {
		if errors.Is(err, config.ErrNotLoggedIn) {
			return "", fmt.Errorf("not logged into %s: %w", key, errdefs.ErrNotFound)
		}
		return "", fmt.Errorf("logging out of %q: %w", key, err)
	}
	return key, nil
}
