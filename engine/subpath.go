package engine

import (
	"fmt"
	"os"

	securejoin "github.com/cyphar/filepath-securejoin"

	"github.com/podunit/podunit/engine/errdefs"
)

// subPathIn is the host path of sub inside the volume mounted at mp (mp
// itself when sub is empty), symlinks resolved as if mp were the root, so
// a link a container left in the volume never leads out of it. It must
// exist, as Podman requires.
func subPathIn(mp, sub string) (string, error) {
	if sub == "" {
		return mp, nil
	}
	p, err := securejoin.SecureJoin(mp, sub)
	if err != nil {
		return "", fmt.Errorf("subpath %s: %w", sub, err)
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("subpath %s: %w: %w", sub, err, errdefs.ErrInvalidArgument)
	}
	return p, nil
}
