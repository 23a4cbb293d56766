package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/secret"
)

// SecretCreateOptions is what `secret create` is asked for.
type SecretCreateOptions struct {
	Name    string
	Driver  string            // "" or "file", the only driver
	Labels  map[string]string // --label
	Value   []byte
	Replace bool // --replace: a secret of that name is replaced
}

// secretStore is the file driver's store: <graphroot>/podunit/secrets.
func (e *Engine) secretStore() *secret.Store {
	return secret.New(SecretDir(e.cfg.StorageRoot))
}

// SecretDir is where the secrets of the storage root graphroot live; a
// unit file's LoadCredential= names NAME/data under it.
func SecretDir(graphroot string) string {
	return filepath.Join(graphroot, "podunit", "secrets")
}

// SecretCreate stores a new secret and returns it.
func (e *Engine) SecretCreate(ctx context.Context, o SecretCreateOptions) (*secret.Secret, error) {
	if err := names.Validate("secret", o.Name); err != nil {
		return nil, err
	}
	if o.Driver != "" && o.Driver != secret.Driver {
		return nil, fmt.Errorf("secret driver %q: podunit has only the file driver: %w", o.Driver, errdefs.ErrInvalidArgument)
	}
	now := time.Now().UTC()
	s := &secret.Secret{ID: secret.NewID(), Name: o.Name, Driver: secret.Driver, Created: now, Updated: now, Labels: o.Labels}
	if err := e.secretStore().Create(s, o.Value, o.Replace); err != nil {
		return nil, err
	}
	return s, nil
}

// Secret finds a secret by name, ID or unique ID prefix.
func (e *Engine) Secret(ctx context.Context, ref string) (*secret.Secret, error) {
	return e.secretStore().Get(ref)
}

// Secrets lists every secret by name.
func (e *Engine) Secrets(ctx context.Context) ([]*secret.Secret, error) {
	return e.secretStore().List()
}

// SecretValue reads a secret's value, for `secret inspect --showsecret`.
func (e *Engine) SecretValue(ctx context.Context, ref string) ([]byte, error) {
	s, err := e.secretStore().Get(ref)
	if err != nil {
		return nil, err
	}
	return e.secretStore().Value(s.Name)
}

// SecretDriverOptions are the file driver's options as Podman shows them.
func (e *Engine) SecretDriverOptions() map[string]string {
	return map[string]string{"path": e.secretStore().Dir()}
}

// SecretRemove deletes a secret. As in Podman, containers that use it are
// no obstacle; their next start fails naming the secret.
func (e *Engine) SecretRemove(ctx context.Context, ref string) (*secret.Secret, error) {
	s, err := e.secretStore().Get(ref)
	if err != nil {
		return nil, err
	}
	return s, e.secretStore().Remove(s.Name)
}

// removeSecrets removes every secret, for system reset.
func (e *Engine) removeSecrets() error {
	list, err := e.secretStore().List()
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range list {
		errs = append(errs, ignoreNotFound(e.secretStore().Remove(s.Name)))
	}
	return errors.Join(errs...)
}
