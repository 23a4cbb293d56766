package engine

import (
	"context"

	"github.com/podunit/podunit/engine/image"
)

// ImportOptions are import's flags.
type ImportOptions struct {
	Name    string   // the new image's name ("" leaves it unnamed)
	Changes []string // Dockerfile instructions, as commit's --change
}

// Import makes an image from a rootfs tarball (podman import), its
// configuration set by o.Changes.
func (e *Engine) Import(ctx context.Context, tarPath string, o ImportOptions) (string, error) {
	var cfg image.ImageConfig
	for _, ch := range o.Changes {
		if err := applyChange(&cfg, ch); err != nil {
			return "", err
		}
	}
	return e.images.ImportWith(ctx, tarPath, o.Name, cfg)
}
