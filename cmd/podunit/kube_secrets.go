//go:build !hotpath

package main

import (
	"context"
	"fmt"
	"sort"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
)

// kubeSecretsFree refuses, before anything is made, to store a Secret of
// the YAML over a podunit secret of its name, unless --replace.
func kubeSecretsFree(ctx context.Context, eng *engine.Engine, secrets map[string][]byte, replace bool) error {
	if replace {
		return nil
	}
	for _, name := range sortedKeys(secrets) {
		if _, err := eng.Secret(ctx, name); err == nil {
			return fmt.Errorf("secret %q exists (kube play --replace replaces it): %w", name, errdefs.ErrAlreadyExists)
		} else if !errdefs.IsNotFound(err) {
			return err
		}
	}
	return nil
}

// kubeStoreSecrets keeps each Secret of the YAML as a podunit secret of its
// name, so that later YAML may name it (as Podman's kube play does).
func kubeStoreSecrets(ctx context.Context, eng *engine.Engine, secrets map[string][]byte, undo *kubeUndo) error {
	for _, name := range sortedKeys(secrets) {
		_, err := eng.Secret(ctx, name)
		there := err == nil
		o := engine.SecretCreateOptions{Name: name, Value: secrets[name], Replace: true}
		if _, err := eng.SecretCreate(ctx, o); err != nil {
			return err
		}
		if !there {
			undo.secrets = append(undo.secrets, name)
		}
	}
	return nil
}

// kubeRemoveSecrets removes the podunit secrets of the YAML's Secrets.
func kubeRemoveSecrets(ctx context.Context, eng *engine.Engine, names []string) error {
	for _, name := range names {
		if _, err := eng.SecretRemove(ctx, name); err != nil && !errdefs.IsNotFound(err) {
			return err
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
