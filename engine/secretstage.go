package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/secret"
	"github.com/podunit/podunit/engine/spec"
	"github.com/podunit/podunit/engine/systemd"
)

// secretSource reads a secret's value when a container starts.
type secretSource func(name string) ([]byte, error)

// storeSecrets reads values from the secret store: attached runs.
func (e *Engine) storeSecrets(name string) ([]byte, error) {
	return e.secretStore().Value(name)
}

// credentialSecrets reads values from the systemd credentials of the unit
// this process runs in ($CREDENTIALS_DIRECTORY), which its LoadCredential=
// loaded from the store: unit-start never reads the store, and no value
// passes through a unit file, a D-Bus property or an environment.
func credentialSecrets(name string) ([]byte, error) {
	id := secret.CredentialID(name)
	dir := os.Getenv("CREDENTIALS_DIRECTORY")
	if dir == "" {
		return nil, fmt.Errorf("the unit has no credentials: it needs LoadCredential=%s:PATH: %w", id, errdefs.ErrInvalidArgument)
	}
	b, err := os.ReadFile(filepath.Join(dir, id))
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("the unit has no credential %s: it needs LoadCredential=%s:PATH: %w", id, id, errdefs.ErrNotFound)
	}
	return b, err
}

// credentialProps are the LoadCredential= entries of a transient unit
// running c: each secret's file in the store, by its credential ID.
func (e *Engine) credentialProps(c *model.Container) []systemd.Property {
	type cred struct{ ID, Path string } // D-Bus a(ss)
	var list []cred
	for _, r := range c.Config.Secrets {
		if !slices.ContainsFunc(list, func(x cred) bool { return x.ID == secret.CredentialID(r.Name) }) {
			list = append(list, cred{secret.CredentialID(r.Name), e.secretStore().DataPath(r.Name)})
		}
	}
	if len(list) == 0 {
		return nil
	}
	return []systemd.Property{{Name: "LoadCredential", Value: list}}
}

// stageSecrets gives the container its secrets for this start: an env
// secret becomes a variable of the spec (never of the record), a mount
// secret a file in the bundle (0700, root's) with its owner and mode,
// bound read-only on its target.
func stageSecrets(refs []model.SecretRef, in *spec.Input, bundle string, src secretSource) error {
	if len(refs) == 0 {
		return nil
	}
	dir := filepath.Join(bundle, "secrets")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	in.Env = slices.Clone(in.Env) // changes must not reach the record's array
	for i, r := range refs {
		v, err := src(r.Name)
		if err != nil {
			return fmt.Errorf("secret %s: %w", r.Name, err)
		}
		if r.Type == model.SecretEnv {
			if in.Env, err = secretEnv(in.Env, r, v); err != nil {
				return err
			}
			continue
		}
		file := filepath.Join(dir, strconv.Itoa(i)+"-"+r.Name)
		if err := writeSecretFile(file, v, r); err != nil {
			return fmt.Errorf("secret %s: %w", r.Name, err)
		}
		in.Mounts = append(in.Mounts, spec.Mount{Source: file, Destination: r.Target, ReadOnly: true})
	}
	return nil
}

// secretEnv sets the variable r.Target to v, replacing an earlier value.
func secretEnv(env []string, r model.SecretRef, v []byte) ([]string, error) {
	if !utf8.Valid(v) || strings.ContainsRune(string(v), 0) {
		return nil, fmt.Errorf("secret %s: type=env needs a UTF-8 text value without NUL (the runtime's JSON configuration carries it); use type=mount: %w",
			r.Name, errdefs.ErrInvalidArgument)
	}
	env = slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, r.Target+"=") })
	return append(env, r.Target+"="+string(v)), nil
}

// writeSecretFile writes a mount secret's file with its owner and mode.
func writeSecretFile(path string, v []byte, r model.SecretRef) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(v)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Chown(path, int(r.UID), int(r.GID)); err != nil {
		return err
	}
	return os.Chmod(path, os.FileMode(r.Mode))
}
