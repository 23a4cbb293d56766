package oci

import (
	"context"
	"fmt"
	"strings"
)

// Version is the runtime's `--version` output, trimmed.
func (r *Runtime) Version(ctx context.Context) (string, error) {
	out, err := r.command(ctx, "", "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", r.Path, err)
	}
	return strings.TrimSpace(string(out)), nil
}
